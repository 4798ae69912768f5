"""Yearly comparisons #1, #2, #5, #6 (SPEC §3): growth and share, exact, stated before computed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from factories import changed, complete_input, scorecard, without

REGION = "statistics.region"
NATIONAL = "statistics.national"


def test_the_complete_input_earns_every_yearly_point():
    card = scorecard(complete_input())
    for number in (1, 2, 5, 6):
        indicator = card.indicator(number)
        assert [i.id for i in indicator.items] == [f"{number}.2022", f"{number}.2023"]
        assert indicator.score == 2
        assert indicator.status == "scored"


# --- #1: region online growth 超过 national ------------------------------------------------


def test_online_growth_equal_to_the_nation_earns_nothing_even_where_floats_would_say_more():
    # 1040.52 / 1000.5 is exactly +4 %; binary floats make it a hair above 4 %.
    assert 1040.52 / 1000.5 - 1 > 0.04
    doc = changed(
        complete_input(),
        {f"{REGION}.online_retail_sales": {2021: 1000.5, 2022: 1040.52, 2023: 1300}},
    )
    item = scorecard(doc).item("1.2022")
    assert (item.score, item.status) == (0, "scored")
    assert "本地区网上零售额增速 4.00%（按绝对额 1040.52 / 1000.5 计算）" in item.reason
    assert "未超过全国网上零售额增速 4.00%（输入的全国公布增速）" in item.reason
    assert item.reason.endswith("不得分")


def test_online_growth_just_above_the_nation_earns_the_point():
    # the smallest step the levels can express: 0.01 亿元 more than exactly +4 %
    doc = changed(
        complete_input(),
        {f"{REGION}.online_retail_sales": {2021: 1000.5, 2022: 1040.53, 2023: 1300}},
    )
    item = scorecard(doc).item("1.2022")
    assert (item.score, item.status) == (1, "scored")
    assert "超过全国网上零售额增速 4.00%" in item.reason
    assert item.reason.endswith("得 1 分")


def test_online_growth_just_below_the_nation_earns_nothing():
    doc = changed(
        complete_input(),
        {f"{REGION}.online_retail_sales": {2021: 1000.5, 2022: 1040.51, 2023: 1300}},
    )
    assert scorecard(doc).item("1.2022").score == 0


def test_a_region_growth_a_hair_above_a_long_national_figure_is_decided_exactly():
    # 0.33 / 0.3 is exactly +10 %, above 9.99999999999999 %; as floats it is below it.
    assert (0.33 / 0.3 - 1) * 100 > 10
    doc = changed(
        complete_input(),
        {
            f"{REGION}.online_retail_sales": {2021: 0.3, 2022: 0.33, 2023: 0.4},
            f"{NATIONAL}.online_retail_growth": {2022: 10, 2023: 9.99999999999999},
            f"{REGION}.online_retail_sales.2023": 0.363,
        },
    )
    card = scorecard(doc)
    assert card.item("1.2022").score == 0  # exactly equal: 超过 excludes the number itself
    assert card.item("1.2023").score == 1  # +10 % > 9.99999999999999 %


def test_each_evaluated_year_is_its_own_item_worth_one_point():
    doc = changed(
        complete_input(),
        {f"{NATIONAL}.online_retail_growth": {2022: 25, 2023: 11}},
    )
    indicator = scorecard(doc).indicator(1)
    assert [(i.id, i.score) for i in indicator.items] == [("1.2022", 0), ("1.2023", 1)]
    assert indicator.score == 1


# --- #2: region online growth 超过 region social retail growth -------------------------------


def test_online_growth_equal_to_social_retail_growth_earns_nothing():
    # both exactly +10 %; as floats 0.33/0.3 looks larger than 1100.55/1000.5
    assert 0.33 / 0.3 - 1 > 1100.55 / 1000.5 - 1
    doc = changed(
        complete_input(),
        {
            f"{REGION}.online_retail_sales": {2021: 0.3, 2022: 0.33, 2023: 0.4},
            f"{REGION}.social_retail_sales": {2021: 1000.5, 2022: 1100.55, 2023: 1100.55},
        },
    )
    item = scorecard(doc).item("2.2022")
    assert (item.score, item.status) == (0, "scored")
    assert "本地区网上零售额增速 10.00%" in item.reason
    assert (
        "未超过本地区社会消费品零售总额增速 10.00%（按绝对额 1100.55 / 1000.5 计算）" in item.reason
    )


def test_online_growth_one_step_above_social_retail_growth_earns_the_point():
    doc = changed(
        complete_input(),
        {
            f"{REGION}.online_retail_sales": {2021: 0.3, 2022: 0.331, 2023: 0.4},
            f"{REGION}.social_retail_sales": {2021: 1000.5, 2022: 1100.55, 2023: 1100.55},
        },
    )
    assert scorecard(doc).item("2.2022").score == 1


def test_stated_social_retail_growth_wins_over_its_levels():
    doc = changed(complete_input(), {f"{REGION}.social_retail_growth": {2022: 20}})
    item = scorecard(doc).item("2.2022")
    # online +20 % by levels equals the stated +20 %: not 超过
    assert item.score == 0
    assert "本地区社会消费品零售总额增速 20.00%（公布增速）" in item.reason


# --- #5: region express growth 超过 national ------------------------------------------------


def test_express_growth_equal_to_the_nation_earns_nothing():
    doc = changed(
        complete_input(),
        {
            f"{REGION}.express_volume": {2021: 1000.5, 2022: 1040.52, 2023: 1500},
            f"{NATIONAL}.express_growth": {2022: 4.0, 2023: 19.4},
        },
    )
    card = scorecard(doc)
    item = card.item("5.2022")
    assert (item.score, item.status) == (0, "scored")
    assert "未超过全国快递业务量增速 4.00%" in item.reason
    assert card.item("5.2023").score == 1  # 1500 / 1040.52 ≈ +44 % > 19.4 %


def test_express_growth_one_parcel_above_the_nation_earns_the_point():
    doc = changed(
        complete_input(),
        {
            f"{REGION}.express_volume": {2021: 10000, 2022: 10211, 2023: 20000},
            f"{NATIONAL}.express_growth": {2022: 2.1, 2023: 19.4},
        },
    )
    assert scorecard(doc).item("5.2022").score == 1
    doc = changed(doc, {f"{REGION}.express_volume.2022": 10210})  # exactly +2.1 %
    assert scorecard(doc).item("5.2022").score == 0


# --- #6: share of online in all retail 超过 national share ----------------------------------


def test_share_equal_to_the_national_share_earns_nothing_even_where_floats_would_say_more():
    assert 1115.2 / 4100 * 100 > 27.2
    doc = changed(
        complete_input(),
        {
            f"{REGION}.online_retail_sales.2022": 1115.2,
            f"{REGION}.social_retail_sales.2022": 4100,
            f"{NATIONAL}.online_retail_share": {2022: 27.2, 2023: 27.6},
        },
    )
    item = scorecard(doc).item("6.2022")
    assert (item.score, item.status) == (0, "scored")
    assert "本地区网上零售额占社会消费品零售总额比重 27.20%（按 1115.2 / 4100 计算）" in item.reason
    assert (
        "未超过全国网上零售额占社会消费品零售总额比重 27.20%（输入的全国公布占比）" in item.reason
    )


def test_share_one_step_above_the_national_share_earns_the_point():
    doc = changed(
        complete_input(),
        {
            f"{REGION}.online_retail_sales.2022": 1115.3,
            f"{REGION}.social_retail_sales.2022": 4100,
            f"{NATIONAL}.online_retail_share": {2022: 27.2, 2023: 27.6},
        },
    )
    assert scorecard(doc).item("6.2022").score == 1


def test_a_stated_region_share_wins_over_its_levels():
    doc = changed(complete_input(), {f"{REGION}.online_retail_share": {2022: 31.35}})
    item = scorecard(doc).item("6.2022")
    # national by levels 137853 / 439733 = 31.349…% < 31.35 %
    assert item.score == 1
    assert "本地区网上零售额占社会消费品零售总额比重 31.35%（公布占比）" in item.reason
    doc = changed(doc, {f"{REGION}.online_retail_share.2022": 31.34})
    assert scorecard(doc).item("6.2022").score == 0


def test_a_zero_social_retail_total_makes_the_share_need_review():
    doc = changed(complete_input(), {f"{REGION}.social_retail_sales.2022": 0})
    card = scorecard(doc)
    item = card.item("6.2022")
    assert (item.score, item.status) == (0, "needs_review")
    assert "statistics.region.social_retail_sales.2022 为 0，占比无法计算" in item.reason
    # the growth of social retail in 2023 now has a zero base as well
    assert card.item("2.2023").status == "needs_review"


# --- stated growth wins over levels ---------------------------------------------------------


def test_a_stated_region_growth_wins_over_the_growth_of_its_levels_and_says_so():
    # levels say +20 %, the published (comparable-basis) growth says +3 %
    doc = changed(complete_input(), {f"{REGION}.online_retail_growth": {2022: 3}})
    card = scorecard(doc)
    stated = card.item("1.2022")
    assert stated.score == 0
    assert "本地区网上零售额增速 3.00%（公布增速）" in stated.reason
    assert "按绝对额" not in stated.reason
    computed = card.item("1.2023")  # no stated growth for 2023: the levels decide
    assert computed.score == 1
    assert "本地区网上零售额增速 20.00%（按绝对额 1440 / 1200 计算）" in computed.reason


def test_a_stated_growth_is_used_even_without_any_levels():
    doc = without(complete_input(), f"{REGION}.online_retail_sales")
    doc = changed(doc, {f"{REGION}.online_retail_growth": {2022: 4.5, 2023: 11}})
    card = scorecard(doc)
    assert (card.item("1.2022").score, card.item("1.2022").status) == (1, "scored")
    assert (card.item("1.2023").score, card.item("1.2023").status) == (0, "scored")


def test_a_stated_growth_can_be_negative():
    doc = changed(
        complete_input(),
        {
            f"{REGION}.online_retail_growth": {2022: -1.5},
            f"{NATIONAL}.online_retail_growth": {2022: -1.6, 2023: 11},
        },
    )
    item = scorecard(doc).item("1.2022")
    assert item.score == 1
    assert "本地区网上零售额增速 -1.50%（公布增速）" in item.reason


# --- undefined and missing growth -----------------------------------------------------------


def test_a_zero_level_in_the_year_before_makes_growth_need_review():
    doc = changed(complete_input(), {f"{REGION}.online_retail_sales.2021": 0})
    card = scorecard(doc)
    item = card.item("1.2022")
    assert (item.score, item.status) == (0, "needs_review")
    assert "statistics.region.online_retail_sales.2021 为 0，增速无法计算" in item.reason
    assert "需人工判定" in item.reason
    assert item.missing == ()
    assert card.item("2.2022").status == "needs_review"
    assert card.item("1.2023").status == "scored"
    assert card.indicator(1).status == "needs_review"
    assert card.indicator(1).score == 1


def test_a_zero_level_this_year_is_a_defined_fall_of_one_hundred_percent():
    doc = changed(complete_input(), {f"{REGION}.express_volume.2022": 0})
    card = scorecard(doc)
    assert (card.item("5.2022").score, card.item("5.2022").status) == (0, "scored")
    assert "-100.00%" in card.item("5.2022").reason
    assert card.item("5.2023").status == "needs_review"


def test_a_judgment_decides_a_growth_that_cannot_be_computed():
    doc = changed(complete_input(), {f"{REGION}.online_retail_sales.2021": 0})
    doc["judgments"]["1.2022"] = True
    item = scorecard(doc).item("1.2022")
    assert (item.score, item.status) == (1, "scored")
    assert "无法计算" in item.reason
    assert "按人工判定得 1 分" in item.reason


def test_a_stated_growth_needs_no_level_so_a_zero_level_does_not_matter():
    doc = changed(
        complete_input(),
        {
            f"{REGION}.online_retail_sales.2021": 0,
            f"{REGION}.online_retail_growth": {2022: 12},
        },
    )
    item = scorecard(doc).item("1.2022")
    assert (item.score, item.status) == (1, "scored")


def test_a_missing_level_names_the_level_and_the_stated_growth_it_could_use():
    doc = without(complete_input(), f"{REGION}.online_retail_sales.2021")
    card = scorecard(doc)
    item = card.item("1.2022")
    assert (item.score, item.status) == (0, "missing")
    assert item.missing == (
        "statistics.region.online_retail_sales.2021",
        "statistics.region.online_retail_growth.2022",
    )
    assert "缺少数据：statistics.region.online_retail_sales.2021" in item.reason
    assert card.item("1.2023").status == "scored"


def test_missing_data_wins_over_an_undefined_figure_in_the_same_item():
    # #2 2022: online growth has a zero base (undefined), social retail 2021 is absent
    doc = changed(complete_input(), {f"{REGION}.online_retail_sales.2021": 0})
    doc = without(doc, f"{REGION}.social_retail_sales.2021")
    item = scorecard(doc).item("2.2022")
    assert (item.score, item.status) == (0, "missing")
    assert item.missing == (
        "statistics.region.social_retail_sales.2021",
        "statistics.region.social_retail_growth.2022",
    )


def test_a_judgment_does_not_rescue_an_item_with_missing_data():
    doc = without(complete_input(), f"{REGION}.online_retail_sales")
    doc["judgments"]["1.2022"] = True
    card = scorecard(doc)
    item = card.item("1.2022")
    assert (item.score, item.status) == (0, "missing")
    assert "judgments.1.2022：该项缺少数据，判定未采用" in card.warnings


def test_a_judgment_for_a_computed_growth_is_ignored_with_a_warning():
    doc = complete_input()
    doc["judgments"]["1.2022"] = False
    card = scorecard(doc)
    assert (card.item("1.2022").score, card.item("1.2022").status) == (1, "scored")
    assert "judgments.1.2022：该项已由数据计算得分，判定未采用" in card.warnings


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ({2021: 1000.5, 2022: 1040.52}, Decimal(0)),  # exactly +4 %
        ({2021: 1000.5, 2022: 1040.521}, Decimal(1)),  # a thousandth above
        ({2021: 1000.5, 2022: 1040.519}, Decimal(0)),
    ],
)
def test_the_smallest_decimal_step_decides_online_growth(levels, expected):
    doc = changed(
        complete_input(),
        {f"{REGION}.online_retail_sales": {**levels, 2023: 1300}},
    )
    assert scorecard(doc).item("1.2022").score == expected


def test_the_most_extreme_accepted_levels_are_compared_and_shown_without_error():
    # 999999999999999 / 1E-15 − 1 ≈ 10**30: exact to compare, 35 digits to show to 2 decimals
    doc = changed(
        complete_input(),
        {f"{REGION}.online_retail_sales": {2021: Decimal("1E-15"), 2022: 999999999999999}},
    )
    card = scorecard(doc)
    item = card.item("1.2022")
    assert (item.score, item.status) == (1, "scored")
    assert "本地区网上零售额增速 99999999999999899999999999999900.00%" in item.reason
    assert card.item("1.2023").score == 0  # and straight back down
