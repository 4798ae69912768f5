"""Computed sub-items (SPEC §3): 11.1, 11.2, 17.1, 17.2, 18.1, 18.2, 19.x, 25.x, 26.1, 33.x, 38.2.

超过 / 大于 / 高于 exclude the boundary, 达到 / 不低于 include it (《民法典》第一千二百五十九条).
"""

from __future__ import annotations

import pytest

from factories import changed, complete_input, scorecard, without


def _item(item_id: str, values: dict):
    return scorecard(changed(complete_input(), values)).item(item_id)


# --- 11.1 platform users 超过 50 % of regulatory staff (no division: never undefined) ---------


@pytest.mark.parametrize(
    ("users", "staff", "points"),
    [
        (300, 600, 0),  # equal to half: 超过 excludes it
        (301, 600, 1),
        (299, 600, 0),
        (300, 601, 0),  # half of 601 is 300.5
        (301, 601, 1),
        (0, 0, 0),  # 0 is not more than 0, and nothing is undefined
        (1, 0, 1),
    ],
)
def test_platform_users_must_exceed_half_the_regulatory_staff(users, staff, points):
    item = _item("11.1", {"counts.platform_users": users, "counts.regulatory_staff": staff})
    assert (item.score, item.status) == (points, "scored")


def test_the_platform_users_reason_shows_half_the_staff():
    item = _item("11.1", {"counts.platform_users": 300, "counts.regulatory_staff": 601})
    assert item.reason == (
        "国家网络交易监管平台用户数 300，未超过 在编监管人员数 601 × 50% = 300.5，不得分"
    )


# --- 11.2 identity claims handled / distributed 达到 100 % ---------------------------------


@pytest.mark.parametrize(("handled", "points"), [(1800, 1), (1799, 0)])
def test_identity_claims_must_all_be_handled(handled, points):
    item = _item(
        "11.2",
        {"counts.identity_claims_handled": handled, "counts.identity_claims_distributed": 1800},
    )
    assert item.score == points


def test_no_distributed_identity_claims_need_review():
    item = _item(
        "11.2",
        {"counts.identity_claims_handled": 0, "counts.identity_claims_distributed": 0},
    )
    assert (item.score, item.status) == (0, "needs_review")
    assert "counts.identity_claims_distributed 为 0（分母为 0），比率无法计算" in item.reason


def test_the_identity_claims_reason_shows_the_rate_and_the_word():
    item = _item(
        "11.2",
        {"counts.identity_claims_handled": 1799, "counts.identity_claims_distributed": 1800},
    )
    assert "= 1799 / 1800 = 99.94%，未达到 100%，不得分" in item.reason


# --- 17.1 tips verified on time / tips 大于 95 % ---------------------------------------------


@pytest.mark.parametrize(
    ("verified", "total", "points"),
    [(950, 1000, 0), (951, 1000, 1), (949, 1000, 0), (19, 20, 0), (20, 20, 1)],
)
def test_tips_verified_on_time_must_be_more_than_95_percent(verified, total, points):
    item = _item("17.1", {"counts.tips_verified_on_time": verified, "counts.tips_total": total})
    assert item.score == points


def test_exactly_95_percent_of_tips_says_not_more_than():
    item = _item("17.1", {"counts.tips_verified_on_time": 950, "counts.tips_total": 1000})
    assert "= 950 / 1000 = 95.00%，不大于 95%，不得分" in item.reason


def test_no_tips_need_review_unless_judged():
    values = {"counts.tips_verified_on_time": 0, "counts.tips_total": 0}
    item = _item("17.1", values)
    assert (item.score, item.status) == (0, "needs_review")
    doc = changed(complete_input(), values)
    doc["judgments"]["17.1"] = True
    judged = scorecard(doc).item("17.1")
    assert (judged.score, judged.status) == (1, "scored")


# --- 17.2 handled timely and completed, both 大于 90 % --------------------------------------


@pytest.mark.parametrize(
    ("timely", "completed", "points"),
    [
        (91, 91, 1),
        (90, 91, 0),  # timely exactly 90 %
        (91, 90, 0),  # completed exactly 90 %
        (90, 90, 0),
        (89, 100, 0),
        (100, 89, 0),
    ],
)
def test_assigned_tips_need_both_rates_above_90_percent(timely, completed, points):
    item = _item(
        "17.2",
        {
            "counts.assigned_total": 100,
            "counts.assigned_handled_timely": timely,
            "counts.assigned_completed": completed,
        },
    )
    assert item.score == points


def test_three_assigned_tips_all_handled_is_more_than_90_percent():
    values = {
        "counts.assigned_total": 3,
        "counts.assigned_handled_timely": 3,
        "counts.assigned_completed": 3,
    }
    assert _item("17.2", values).score == 1
    assert _item("17.2", {**values, "counts.assigned_completed": 2}).score == 0


def test_both_rates_of_17_2_appear_in_the_reason():
    item = _item(
        "17.2",
        {
            "counts.assigned_total": 10,
            "counts.assigned_handled_timely": 10,
            "counts.assigned_completed": 9,
        },
    )
    assert "10 / 10 = 100.00%，大于 90%" in item.reason
    assert "9 / 10 = 90.00%，不大于 90%" in item.reason


def test_a_missing_part_of_17_2_makes_it_missing_even_with_a_zero_denominator():
    doc = changed(
        complete_input(),
        {"counts.assigned_total": 0, "counts.assigned_handled_timely": 0},
    )
    doc = without(doc, "counts.assigned_completed")
    item = scorecard(doc).item("17.2")
    assert (item.score, item.status, item.missing) == (0, "missing", ("counts.assigned_completed",))


# --- 18.1 reconsideration upheld and litigation won, both 超过 95 % --------------------------


@pytest.mark.parametrize(
    ("upheld", "won", "points"),
    [(20, 20, 1), (19, 20, 0), (20, 19, 0), (19, 19, 0)],
)
def test_upheld_and_won_rates_must_both_exceed_95_percent(upheld, won, points):
    item = _item(
        "18.1",
        {
            "counts.reconsideration_total": 20,
            "counts.reconsideration_upheld": upheld,
            "counts.litigation_total": 20,
            "counts.litigation_won": won,
        },
    )
    assert item.score == points


def test_just_above_95_percent_upheld_earns_the_point():
    item = _item(
        "18.1",
        {
            "counts.reconsideration_total": 1000,
            "counts.reconsideration_upheld": 951,
            "counts.litigation_total": 1000,
            "counts.litigation_won": 951,
        },
    )
    assert item.score == 1


def test_no_reconsiderations_need_review():
    item = _item("18.1", {"counts.reconsideration_total": 0, "counts.reconsideration_upheld": 0})
    assert (item.score, item.status) == (0, "needs_review")
    assert "counts.reconsideration_total 为 0" in item.reason


def test_a_zero_reconsideration_total_and_a_missing_litigation_count_is_missing():
    doc = changed(
        complete_input(),
        {"counts.reconsideration_total": 0, "counts.reconsideration_upheld": 0},
    )
    doc = without(doc, "counts.litigation_won")
    item = scorecard(doc).item("18.1")
    assert (item.status, item.missing) == ("missing", ("counts.litigation_won",))
    assert item.reason == "缺少数据：counts.litigation_won，暂不得分"


# --- 18.2 no procedural losses (a count: never undefined) ----------------------------------


@pytest.mark.parametrize(("losses", "points"), [(0, 1), (1, 0), (7, 0)])
def test_procedural_losses_must_be_zero(losses, points):
    item = _item("18.2", {"counts.procedural_losses": losses})
    assert (item.score, item.status) == (points, "scored")


def test_missing_procedural_losses_are_missing_not_zero():
    item = scorecard(without(complete_input(), "counts.procedural_losses")).item("18.2")
    assert (item.score, item.status, item.missing) == (
        0,
        "missing",
        ("counts.procedural_losses",),
    )


# --- 19.1 / 19.2 monitoring checked timely / completed, each 大于 90 % -----------------------


@pytest.mark.parametrize(("checked", "points"), [(900, 0), (901, 1), (899, 0)])
@pytest.mark.parametrize(
    ("item_id", "metric"),
    [("19.1", "monitoring_checked_timely"), ("19.2", "monitoring_checked_completed")],
)
def test_monitoring_rates_must_exceed_90_percent(item_id, metric, checked, points):
    item = _item(item_id, {"counts.monitoring_total": 1000, f"counts.{metric}": checked})
    assert item.score == points


def test_no_monitoring_information_makes_both_items_need_review():
    doc = changed(
        complete_input(),
        {
            "counts.monitoring_total": 0,
            "counts.monitoring_checked_timely": 0,
            "counts.monitoring_checked_completed": 0,
        },
    )
    indicator = scorecard(doc).indicator(19)
    assert [i.status for i in indicator.items] == ["needs_review", "needs_review"]
    assert (indicator.score, indicator.status) == (0, "needs_review")


# --- 25.1 complaints on time, both 超过 95 %; 25.2 / 25.3 rates above the nation's -----------


@pytest.mark.parametrize(
    ("initial", "closed", "points"),
    [(951, 951, 1), (950, 951, 0), (951, 950, 0)],
)
def test_complaint_rates_must_both_exceed_95_percent(initial, closed, points):
    item = _item(
        "25.1",
        {
            "counts.complaints_total": 1000,
            "counts.complaints_initial_on_time": initial,
            "counts.complaints_closed_on_time": closed,
        },
    )
    assert item.score == points


@pytest.mark.parametrize(
    ("item_id", "rate"),
    [("25.2", "mediation_success_rate"), ("25.3", "satisfaction")],
)
@pytest.mark.parametrize(
    ("region", "national", "points"),
    [(65.0, 65, 0), (65.01, 65, 1), (64.99, 65, 0), (0.3, 0.30, 0)],
)
def test_a_region_rate_must_be_above_the_national_one(item_id, rate, region, national, points):
    item = _item(item_id, {f"rates.region.{rate}": region, f"rates.national.{rate}": national})
    assert (item.score, item.status) == (points, "scored")


def test_the_mediation_reason_shows_both_rates():
    item = _item(
        "25.2",
        {"rates.region.mediation_success_rate": 65, "rates.national.mediation_success_rate": 65},
    )
    assert item.reason == "本地区网络消费调解成功率 65%，不大于 全国网络消费调解成功率 65%，不得分"


# --- 26.1 both ODR rates 超过 the nation's -------------------------------------------------


@pytest.mark.parametrize(
    ("on_time", "settled", "points"),
    [(96.01, 78.01, 1), (96, 78.01, 0), (96.01, 78, 0), (96, 78, 0)],
)
def test_both_odr_rates_must_exceed_the_national_ones(on_time, settled, points):
    item = _item(
        "26.1",
        {
            "rates.region.odr_on_time_rate": on_time,
            "rates.region.odr_settlement_rate": settled,
            "rates.national.odr_on_time_rate": 96,
            "rates.national.odr_settlement_rate": 78,
        },
    )
    assert item.score == points


# --- 33 media reports (counts: never undefined) ---------------------------------------------


@pytest.mark.parametrize(
    ("national", "provincial", "scores"),
    [(0, 0, (0, 0)), (1, 0, (2, 0)), (0, 1, (0, 1)), (1, 1, (2, 1)), (4, 9, (2, 1))],
)
def test_media_reports_earn_two_for_national_and_one_for_provincial(national, provincial, scores):
    doc = changed(
        complete_input(),
        {"counts.national_media_reports": national, "counts.provincial_media_reports": provincial},
    )
    indicator = scorecard(doc).indicator(33)
    assert tuple(i.score for i in indicator.items) == scores
    assert indicator.score == sum(scores)
    assert indicator.status == "scored"


# --- 38.2 training coverage 达到 100 % and hours 不低于 50 ----------------------------------


@pytest.mark.parametrize(
    ("coverage", "hours", "points"),
    [
        (100, 50, 1),  # both boundaries included
        (100, 49.9, 0),
        (100, 50.1, 1),
        (99.99, 56, 0),
        (100, 56, 1),
    ],
)
def test_training_needs_full_coverage_and_at_least_50_hours(coverage, hours, points):
    item = _item(
        "38.2",
        {"rates.region.training_coverage": coverage, "counts.training_hours_min": hours},
    )
    assert (item.score, item.status) == (points, "scored")


def test_the_training_reason_names_both_conditions():
    item = _item("38.2", {"rates.region.training_coverage": 100, "counts.training_hours_min": 49.5})
    assert "本地区网络交易监管人员业务培训覆盖率 100%，达到 100%" in item.reason
    assert "网络交易监管人员人均最少年培训学时 49.5，低于 50" in item.reason
    assert item.reason.endswith("不得分")


# --- an indicator's sum and status -------------------------------------------------------------


def test_an_indicator_scores_the_sum_of_its_items():
    doc = changed(complete_input(), {"counts.tips_verified_on_time": 10})
    doc["judgments"]["17.3"] = False
    indicator = scorecard(doc).indicator(17)
    assert [i.score for i in indicator.items] == [0, 1, 0]
    assert indicator.score == 1
    assert indicator.max == 3


def test_missing_items_name_every_missing_count():
    doc = without(
        complete_input(),
        "counts.complaints_total",
        "counts.complaints_initial_on_time",
    )
    item = scorecard(doc).item("25.1")
    assert item.missing == ("counts.complaints_initial_on_time", "counts.complaints_total")
