"""National comparison figures (SPEC §3, §6): stated vs levels, input vs bundled data."""

from __future__ import annotations

from factories import changed, complete_input, scorecard, without

REGION = "statistics.region"
NATIONAL = "statistics.national"
COMMUNIQUE_2024 = "国家统计局《中华人民共和国2024年国民经济和社会发展统计公报》"


def _region_growing_five_percent_in_2024() -> dict:
    doc = changed(
        complete_input(),
        {
            "years": [2023, 2024],
            f"{REGION}.online_retail_sales": {2022: 1000, 2023: 1100, 2024: 1155},
            f"{REGION}.social_retail_sales": {2022: 4000, 2023: 4040, 2024: 4080.4},
            f"{REGION}.express_volume": {2022: 100, 2023: 130, 2024: 170},
        },
    )
    return without(doc, NATIONAL, "large_operators")


def test_national_stated_growth_wins_over_national_levels():
    # national levels 137853 → 154264 are +11.9 %; the stated +11.0 % decides
    doc = changed(
        complete_input(),
        {
            f"{NATIONAL}.online_retail_sales": {2022: 137853, 2023: 154264},
            f"{NATIONAL}.online_retail_growth": {2022: 4.0, 2023: 11.0},
            f"{REGION}.online_retail_growth": {2023: 11.5},
        },
    )
    item = scorecard(doc).item("1.2023")
    assert item.score == 1
    assert "全国网上零售额增速 11.00%（输入的全国公布增速）" in item.reason


def test_national_levels_are_used_when_no_national_growth_is_stated():
    doc = without(complete_input(), f"{NATIONAL}.online_retail_growth")
    doc = changed(
        doc,
        {
            f"{NATIONAL}.online_retail_sales": {2021: 130884, 2022: 137853, 2023: 154264},
            f"{REGION}.online_retail_growth": {2023: 11.5},
        },
    )
    item = scorecard(doc).item("1.2023")
    assert item.score == 0  # 11.5 % does not exceed the naive 11.9 %
    assert "全国网上零售额增速 11.90%（按输入的全国绝对额 154264 / 137853 计算）" in item.reason


def test_bundled_national_growth_is_used_when_the_input_omits_national_statistics():
    doc = without(complete_input(), NATIONAL)
    card = scorecard(doc)
    item = card.item("1.2022")
    assert item.score == 1
    assert (
        "全国网上零售额增速 4.00%（国家统计局公布，"
        "国家统计局《中华人民共和国2022年国民经济和社会发展统计公报》）"
    ) in item.reason
    express = card.item("5.2023")
    assert (
        "全国快递业务量增速 19.40%（国家邮政局公布，国家邮政局《2023年邮政行业发展统计公报》）"
        in (express.reason)
    )


def test_bundled_national_share_is_computed_from_the_bundled_levels_and_names_them():
    doc = without(complete_input(), NATIONAL)
    item = scorecard(doc).item("6.2022")
    assert item.score == 1
    assert (
        "全国网上零售额占社会消费品零售总额比重 31.35%（按国家统计局公布的网上零售额与社会消费品零售总额计算"
        in (item.reason)
    )
    assert "2022年国民经济和社会发展统计公报" in item.reason


def test_national_figures_given_in_the_input_replace_the_bundled_ones():
    doc = changed(complete_input(), {f"{NATIONAL}.online_retail_growth": {2022: 30, 2023: 30}})
    card = scorecard(doc)
    for item_id in ("1.2022", "1.2023"):
        item = card.item(item_id)
        assert item.score == 0
        assert "全国网上零售额增速 30.00%（输入的全国公布增速）" in item.reason
        assert "统计公报" not in item.reason


def test_a_national_series_in_the_input_missing_a_year_is_missing_not_filled_from_bundled_data():
    doc = changed(complete_input(), {f"{NATIONAL}.online_retail_growth": {2023: 11.0}})
    item = scorecard(doc).item("1.2022")
    assert (item.score, item.status) == (0, "missing")
    assert "statistics.national.online_retail_growth.2022" in item.missing


def test_the_2024_stated_growth_and_the_naive_ratio_decide_differently_for_a_five_percent_region():
    bundled = scorecard(_region_growing_five_percent_in_2024()).item("1.2024")
    assert (bundled.score, bundled.status) == (0, "scored")
    assert "本地区网上零售额增速 5.00%（按绝对额 1155 / 1100 计算）" in bundled.reason
    assert f"未超过全国网上零售额增速 7.20%（国家统计局公布，{COMMUNIQUE_2024}）" in bundled.reason

    naive = changed(
        _region_growing_five_percent_in_2024(),
        {f"{NATIONAL}.online_retail_sales": {2023: 154264, 2024: 155225}},
    )
    item = scorecard(naive).item("1.2024")
    assert item.score == 1
    assert "超过全国网上零售额增速 0.62%（按输入的全国绝对额 155225 / 154264 计算）" in item.reason


def test_a_region_growing_eight_percent_in_2024_beats_the_stated_national_growth():
    doc = changed(
        _region_growing_five_percent_in_2024(), {f"{REGION}.online_retail_sales.2024": 1188}
    )
    assert scorecard(doc).item("1.2024").score == 1


def test_bundled_express_growth_2024_is_the_restated_one_not_the_naive_one():
    # published +21.5 % on a restated base; the naive ratio of the levels is +32.6 %
    doc = changed(
        _region_growing_five_percent_in_2024(),
        {f"{REGION}.express_volume": {2022: 100, 2023: 130, 2024: 160}},
    )
    item = scorecard(doc).item("5.2024")
    assert item.score == 1  # +23.08 % > +21.5 %
    assert "全国快递业务量增速 21.50%（国家邮政局公布" in item.reason


def test_preliminary_bundled_figures_are_flagged_in_the_warnings():
    doc = changed(
        _region_growing_five_percent_in_2024(),
        {
            "years": [2024, 2025],
            f"{REGION}.online_retail_sales.2025": 1300,
            f"{REGION}.social_retail_sales.2025": 4200,
            f"{REGION}.express_volume.2025": 200,
        },
    )
    card = scorecard(doc)
    assert card.item("1.2025").status == "scored"
    assert any("2025年数据为初步数" in w and "以最终公报为准" in w for w in card.warnings)


def test_a_year_beyond_the_bundled_data_is_missing_and_names_the_national_path():
    doc = changed(
        _region_growing_five_percent_in_2024(),
        {
            "years": [2025, 2026],
            f"{REGION}.online_retail_sales": {2024: 1155, 2025: 1200, 2026: 1300},
        },
    )
    item = scorecard(doc).item("1.2026")
    assert (item.score, item.status) == (0, "missing")
    assert item.missing == ("statistics.national.online_retail_growth.2026",)


def test_comparing_a_region_on_another_statistical_definition_is_flagged():
    doc = without(complete_input(), NATIONAL)
    doc["statistics"]["region"]["definitions"] = {"online_retail_sales": "goods_and_services"}
    card = scorecard(doc)
    assert card.item("1.2022").status == "scored"
    assert any(
        "本地区采用「网上商品和服务零售额」口径" in w and "全国采用「网上零售额」口径" in w
        for w in card.warnings
    )


def test_the_same_definition_on_both_sides_raises_no_warning():
    doc = without(complete_input(), NATIONAL)
    assert scorecard(doc).warnings == ()


def test_national_rates_have_no_bundled_default():
    doc = without(complete_input(), "rates.national")
    card = scorecard(doc)
    item = card.item("25.2")
    assert (item.score, item.status) == (0, "missing")
    assert item.missing == ("rates.national.mediation_success_rate",)
    assert card.item("26.1").missing == (
        "rates.national.odr_on_time_rate",
        "rates.national.odr_settlement_rate",
    )
