"""Banded indicators #3, #7, #8, #9, the zone-threshold count #4 and the capped count #34.

Bands include their boundary and at a shared boundary the higher band wins (SPEC §3:
比值区间均含本数). "Just above / below" is one entity (or the smallest decimal) more or less.
"""

from __future__ import annotations

import pytest

from factories import changed, complete_input, scorecard, without


def _ratio(number: int, numerator: str, denominator: str, num, den):
    # #9 counts a part of the online operators; keep it a part when #3 shrinks them
    doc = changed(
        complete_input(),
        {"counts.operators_over_2y": 0, f"counts.{numerator}": num, f"counts.{denominator}": den},
    )
    return scorecard(doc).item(str(number))


# --- #3 online operators / market entities: 8 % → 1, 15 % → 2 -------------------------------


@pytest.mark.parametrize(
    ("operators", "points"),
    [(14999, 1), (15000, 2), (15001, 2), (7999, 0), (8000, 1), (8001, 1)],
)
def test_operators_share_of_market_entities_is_banded_at_8_and_15_percent(operators, points):
    item = _ratio(3, "online_operators", "market_entities", operators, 100000)
    assert (item.score, item.status) == (points, "scored")


def test_exactly_15_percent_of_entities_earns_the_higher_band_and_says_so():
    item = _ratio(3, "online_operators", "market_entities", 3, 20)
    assert item.score == 2
    assert item.reason == (
        "网络交易经营者数量 / 市场主体数量 = 3 / 20 = 15.00%，达到 15%（含本数），得 2 分"
    )


def test_between_the_bands_the_reason_names_both_boundaries():
    item = _ratio(3, "online_operators", "market_entities", 8, 100)
    assert item.score == 1
    assert "= 8.00%，达到 8%（含本数）、未达到 15%，得 1 分" in item.reason


def test_below_the_lowest_band_earns_nothing():
    item = _ratio(3, "online_operators", "market_entities", 1, 13)
    assert item.score == 0
    assert "= 7.69%，未达到 8%，不得分" in item.reason


def test_zero_market_entities_need_review():
    item = _ratio(3, "online_operators", "market_entities", 0, 0)
    assert (item.score, item.status) == (0, "needs_review")
    assert "counts.market_entities 为 0（分母为 0），比率无法计算" in item.reason


def test_zero_market_entities_decided_by_a_judgment_are_scored_with_it():
    doc = changed(
        complete_input(),
        {"counts.operators_over_2y": 0, "counts.online_operators": 0, "counts.market_entities": 0},
    )
    doc["judgments"]["3"] = 1.5
    item = scorecard(doc).item("3")
    assert (item.score, item.status) == (1.5, "scored")
    assert "按人工判定得 1.5 分" in item.reason


def test_a_missing_denominator_is_missing_and_named():
    doc = without(complete_input(), "counts.market_entities")
    item = scorecard(doc).item("3")
    assert (item.score, item.status, item.missing) == (0, "missing", ("counts.market_entities",))


# --- #7 online employment / total employment: 3 % → 1, 5 % → 2 -------------------------------


@pytest.mark.parametrize(
    ("employment", "points"),
    [(2999, 0), (3000, 1), (3001, 1), (4999, 1), (5000, 2), (5001, 2)],
)
def test_online_employment_is_banded_at_3_and_5_percent(employment, points):
    item = _ratio(7, "online_employment", "total_employment", employment, 100000)
    assert item.score == points


# --- #8 e-commerce tax / total tax: 3 % → 1, 5 % → 2; amounts in 万元 may be decimals -----------


@pytest.mark.parametrize(
    ("tax", "points"),
    [
        (0.0329, 0),
        (0.033, 1),
        (0.0331, 1),
        (0.0549, 1),
        (0.055, 2),  # 0.055 / 1.1 is exactly 5 %; as floats it is 4.9999…%
        (0.0551, 2),
    ],
)
def test_ecommerce_tax_is_banded_exactly_at_3_and_5_percent(tax, points):
    assert 0.055 / 1.1 < 0.05  # why the figures: float division would round the wrong way
    item = _ratio(8, "ecommerce_tax", "total_tax", tax, 1.1)
    assert item.score == points


# --- #9 operators over 2 years / operators: 30 % → 1, 50 % → 2 -------------------------------


@pytest.mark.parametrize(
    ("older", "total", "points"),
    [
        (2999, 10000, 0),
        (3000, 10000, 1),
        (3001, 10000, 1),
        (4999, 10000, 1),
        (5000, 10000, 2),
        (5001, 10000, 2),
        (1, 3, 1),  # 33.33…% never terminates as a decimal
        (3, 10, 1),
        (1, 2, 2),
    ],
)
def test_long_lived_operators_are_banded_at_30_and_50_percent(older, total, points):
    doc = changed(
        complete_input(),
        {
            "counts.operators_over_2y": older,
            "counts.online_operators": total,
            "counts.market_entities": 10 * total,
        },
    )
    assert scorecard(doc).item("9").score == points


def test_a_third_is_shown_rounded_but_decided_exactly():
    doc = changed(
        complete_input(),
        {
            "counts.operators_over_2y": 1,
            "counts.online_operators": 3,
            "counts.market_entities": 30,
        },
    )
    item = scorecard(doc).item("9")
    assert "= 1 / 3 = 33.33%，达到 30%（含本数）、未达到 50%，得 1 分" in item.reason


def test_zero_online_operators_makes_9_need_review_but_3_is_defined():
    doc = changed(complete_input(), {"counts.online_operators": 0, "counts.operators_over_2y": 0})
    card = scorecard(doc)
    assert (card.item("9").score, card.item("9").status) == (0, "needs_review")
    assert (card.item("3").score, card.item("3").status) == (0, "scored")


# --- #4 large operators above the zone's threshold -------------------------------------------

ZONE_THRESHOLDS = [("east", 20000), ("central", 10000), ("west", 5000)]


def _operators(zone: str, *entries: tuple[int, float]) -> dict:
    doc = changed(complete_input(), {"region.zone": zone})
    doc["large_operators"] = [
        {"name": f"第{i}家网络交易经营者", "year": year, "ecommerce_sales": sales}
        for i, (year, sales) in enumerate(entries, start=1)
    ]
    return doc


@pytest.mark.parametrize(("zone", "threshold"), ZONE_THRESHOLDS)
def test_sales_equal_to_the_zone_threshold_count(zone, threshold):
    item = scorecard(_operators(zone, (2022, threshold))).item("4")
    assert item.score == 1
    assert f"门槛 {threshold}万元的网络交易经营者 1 家" in item.reason


@pytest.mark.parametrize(("zone", "threshold"), ZONE_THRESHOLDS)
def test_sales_a_cent_below_the_zone_threshold_do_not_count(zone, threshold):
    item = scorecard(_operators(zone, (2022, threshold - 0.000001))).item("4")
    assert item.score == 0
    assert "未达到 1 家" in item.reason


@pytest.mark.parametrize(("zone", "threshold"), ZONE_THRESHOLDS)
def test_two_operators_at_the_zone_threshold_earn_both_points(zone, threshold):
    doc = _operators(zone, (2022, threshold), (2023, threshold + 0.01))
    item = scorecard(doc).item("4")
    assert (item.score, item.status) == (2, "scored")


def test_thresholds_follow_the_zone_a_western_operator_is_small_in_the_east():
    entries = ((2022, 6000), (2023, 12000))
    assert scorecard(_operators("west", *entries)).item("4").score == 2
    assert scorecard(_operators("central", *entries)).item("4").score == 1
    assert scorecard(_operators("east", *entries)).item("4").score == 0


def test_the_zone_may_be_given_in_chinese():
    doc = _operators("中部", (2023, 10000))
    item = scorecard(doc).item("4")
    assert item.score == 1
    assert "中部地区门槛 10000万元" in item.reason


def test_an_operator_outside_the_evaluated_years_does_not_count():
    doc = _operators("east", (2021, 90000), (2024, 90000), (2023, 20000))
    item = scorecard(doc).item("4")
    assert item.score == 1
    assert "第3家网络交易经营者（2023年 20000万元）" in item.reason
    assert "第1家" not in item.reason


def test_three_operators_still_earn_two_points():
    doc = _operators("east", (2022, 20000), (2022, 30000), (2023, 40000))
    assert scorecard(doc).item("4").score == 2


def test_an_empty_operator_list_means_none_and_earns_nothing():
    doc = _operators("east")
    item = scorecard(doc).item("4")
    assert (item.score, item.status) == (0, "scored")
    assert "网络交易经营者 0 家，未达到 1 家" in item.reason


def test_an_absent_operator_list_is_missing():
    doc = without(complete_input(), "large_operators")
    item = scorecard(doc).item("4")
    assert (item.score, item.status, item.missing) == (0, "missing", ("large_operators",))


# --- #34 institutional outputs: 1 point each, at most 2 --------------------------------------


@pytest.mark.parametrize(("outputs", "points"), [(0, 0), (1, 1), (2, 2), (5, 2)])
def test_institutional_outputs_earn_one_point_each_up_to_two(outputs, points):
    doc = changed(complete_input(), {"counts.institutional_outputs": outputs})
    item = scorecard(doc).item("34")
    assert (item.score, item.status) == (points, "scored")
    assert f"制度化、标准化成果数 {outputs} 项" in item.reason


def test_missing_institutional_outputs_are_missing():
    doc = without(complete_input(), "counts.institutional_outputs")
    item = scorecard(doc).item("34")
    assert (item.status, item.missing) == ("missing", ("counts.institutional_outputs",))
