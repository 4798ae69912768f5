"""Judgments, any-of indicators, overrides and an indicator's status (SPEC §3, §4, §5)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from demozone.core.scorecard import STATUS_NAMES
from factories import (
    changed,
    complete_input,
    judged,
    overridden,
    scorecard,
    unjudged,
    without,
)

# --- whole indicators: a score 0..points in 0.5 steps, or true ------------------------------


@pytest.mark.parametrize(
    ("number", "value", "points"),
    [
        (10, 0, 0),
        (10, 0.5, 0.5),
        (10, 1.5, 1.5),
        (10, 2, 2),
        (10, True, 2),
        (10, False, 0),
        (16, 2.5, 2.5),
        (16, True, 3),
        (32, 3, 3),
        (35, 1, 1),
    ],
)
def test_a_whole_indicator_judgment_is_its_score(number, value, points):
    card = scorecard(judged(complete_input(), {str(number): value}))
    indicator = card.indicator(number)
    assert [(i.id, i.score, i.status) for i in indicator.items] == [
        (str(number), Decimal(str(points)), "scored")
    ]
    assert indicator.score == Decimal(str(points))


def test_a_numeric_judgment_reason_shows_the_score_and_the_maximum():
    item = scorecard(judged(complete_input(), {"16": 2.5})).item("16")
    assert item.reason == "判定得 2.5 分（满分 3 分）"


def test_a_true_judgment_reason_says_met():
    item = scorecard(complete_input()).item("11.3")
    assert item.reason == "判定：符合，得 1 分"


def test_an_unjudged_whole_indicator_is_missing_and_names_its_judgment():
    item = scorecard(unjudged(complete_input(), ["10"])).item("10")
    assert (item.score, item.status, item.missing) == (0, "missing", ("judgments.10",))
    assert item.reason == "尚未判定（judgments.10），暂不得分"


def test_a_null_judgment_means_not_judged_yet():
    item = scorecard(judged(complete_input(), {"32": None})).item("32")
    assert (item.status, item.missing) == ("missing", ("judgments.32",))


# --- judged sub-items: true / false ---------------------------------------------------------


@pytest.mark.parametrize(("value", "points", "word"), [(True, 1, "符合"), (False, 0, "不符合")])
def test_a_sub_item_judgment_is_met_or_not(value, points, word):
    item = scorecard(judged(complete_input(), {"12.2": value})).item("12.2")
    assert (item.score, item.status) == (points, "scored")
    assert item.reason.startswith(f"判定：{word}")


def test_each_judged_sub_item_counts_on_its_own():
    doc = judged(complete_input(), {"36.1": True, "36.2": False, "36.3": True})
    indicator = scorecard(doc).indicator(36)
    assert [i.score for i in indicator.items] == [1, 0, 1]
    assert indicator.score == 2


def test_an_unjudged_sub_item_is_missing_while_its_siblings_score():
    indicator = scorecard(unjudged(complete_input(), ["24.2"])).indicator(24)
    assert [(i.id, i.status) for i in indicator.items] == [("24.1", "scored"), ("24.2", "missing")]
    assert (indicator.score, indicator.status) == (1, "missing")


# --- any-of indicators #28–31: one condition met → 3 -----------------------------------------

ANY_OF = ("28.1", "28.2", "28.3")


def _any_of(**values) -> dict:
    doc = unjudged(complete_input(), ANY_OF)
    return judged(doc, {f"28.{k[1:]}": v for k, v in values.items()})


@pytest.mark.parametrize("met", ANY_OF)
def test_any_one_condition_met_earns_all_three_points(met):
    doc = judged(unjudged(complete_input(), ANY_OF), {met: True})
    items = scorecard(doc).indicator(28).items
    assert [(i.id, i.score, i.max, i.status) for i in items] == [("28", 3, 3, "scored")]
    assert f"{met} 符合" in items[0].reason
    assert "符合一项即可得 3 分，得 3 分" in items[0].reason


def test_all_conditions_met_still_earn_three_points():
    assert scorecard(_any_of(c1=True, c2=True, c3=True)).indicator(28).score == 3


def test_all_conditions_judged_not_met_earn_nothing_and_are_scored():
    item = scorecard(_any_of(c1=False, c2=False, c3=False)).item("28")
    assert (item.score, item.status) == (0, "scored")
    assert item.reason == "28.1、28.2、28.3 均不符合（符合一项即可得 3 分），不得分"


def test_no_condition_judged_is_missing_and_names_every_condition():
    item = scorecard(_any_of()).item("28")
    assert (item.score, item.status) == (0, "missing")
    assert item.missing == ("judgments.28.1", "judgments.28.2", "judgments.28.3")
    assert item.reason.startswith("尚未判定（judgments.28.1、judgments.28.2、judgments.28.3）")


def test_one_condition_not_met_and_the_others_unjudged_is_still_missing():
    item = scorecard(_any_of(c2=False)).item("28")
    assert (item.score, item.status) == (0, "missing")
    assert item.missing == ("judgments.28.1", "judgments.28.3")


def test_one_condition_met_decides_even_if_the_others_are_unjudged():
    item = scorecard(_any_of(c3=True)).item("28")
    assert (item.score, item.status, item.missing) == (3, "scored", ())


@pytest.mark.parametrize("number", [29, 30, 31])
def test_every_any_of_indicator_follows_the_same_rule(number):
    ids = [f"{number}.{k}" for k in (1, 2, 3)]
    doc = unjudged(complete_input(), ids)
    assert scorecard(doc).item(str(number)).status == "missing"
    doc = judged(doc, dict.fromkeys(ids, False))
    assert (scorecard(doc).item(str(number)).score, scorecard(doc).item(str(number)).status) == (
        0,
        "scored",
    )
    doc = judged(doc, {ids[1]: True})
    assert scorecard(doc).item(str(number)).score == 3


# --- judgments for computed quantitative items ----------------------------------------------


@pytest.mark.parametrize(("item_id", "value"), [("3", 0), ("11.1", False), ("17.1", False)])
def test_a_judgment_for_a_computable_item_is_ignored_with_a_warning(item_id, value):
    card = scorecard(judged(complete_input(), {item_id: value}))
    item = card.item(item_id)
    assert item.score == item.max
    assert item.status == "scored"
    assert f"judgments.{item_id}：该项已由数据计算得分，判定未采用" in card.warnings


def test_a_judgment_for_an_item_with_missing_data_is_ignored_with_a_warning():
    doc = judged(without(complete_input(), "counts.tips_total"), {"17.1": True, "3": 2})
    card = scorecard(doc)
    item = card.item("17.1")
    assert (item.score, item.status, item.missing) == (0, "missing", ("counts.tips_total",))
    assert "judgments.17.1：该项缺少数据，判定未采用" in card.warnings
    assert "judgments.3：该项已由数据计算得分，判定未采用" in card.warnings


def test_a_judgment_decides_a_sub_item_whose_denominator_is_zero():
    doc = changed(
        complete_input(),
        {
            "counts.monitoring_total": 0,
            "counts.monitoring_checked_timely": 0,
            "counts.monitoring_checked_completed": 0,
        },
    )
    card = scorecard(judged(doc, {"19.1": True, "19.2": False}))
    timely, completed = card.indicator(19).items
    assert (timely.score, timely.status) == (1, "scored")
    assert (completed.score, completed.status) == (0, "scored")
    assert timely.reason == (
        "无法计算（counts.monitoring_total 为 0（分母为 0），比率无法计算），按人工判定得 1 分"
    )
    assert completed.reason.endswith("按人工判定不得分")
    assert card.warnings == ()


# --- overrides ------------------------------------------------------------------------------


def test_an_override_replaces_the_score_and_keeps_the_computed_one():
    doc = overridden(complete_input(), "3", 1, "专家核定：市场主体数口径调整")
    card = scorecard(doc)
    item = card.item("3")
    assert (item.score, item.status, item.computed) == (1, "overridden", 2)
    assert item.reason.startswith("人工核定 1 分（原计算结果：2 分，")
    assert item.reason.endswith("）。理由：专家核定：市场主体数口径调整")
    assert card.indicator(3).score == 1
    assert card.total == 99
    out = item.to_dict()
    assert (out["score"], out["status"], out["computed_score"]) == (1, "overridden", 2)


def test_an_override_may_raise_a_score_to_the_maximum():
    doc = overridden(changed(complete_input(), {"counts.procedural_losses": 2}), "18.2", 1, "复核")
    item = scorecard(doc).item("18.2")
    assert (item.score, item.computed, item.status) == (1, 0, "overridden")


def test_an_override_replaces_a_missing_item():
    doc = overridden(without(complete_input(), "large_operators"), "4", 2, "核实两家企业销售额")
    item = scorecard(doc).item("4")
    assert (item.score, item.status, item.computed) == (2, "overridden", 0)
    assert "缺少数据：large_operators" in item.reason


def test_an_override_may_name_an_any_of_indicator():
    doc = overridden(complete_input(), "28", 0, "佐证材料不足")
    item = scorecard(doc).item("28")
    assert (item.score, item.status, item.computed) == (0, "overridden", 3)


def test_an_item_without_override_has_no_computed_score():
    out = scorecard(complete_input()).item("3").to_dict()
    assert "computed_score" not in out
    assert "missing" not in out


# --- an indicator's status is the worst of its items' --------------------------------------


def _indicator_17(**changes) -> str:
    doc = complete_input()
    if "review" in changes:
        doc = changed(doc, {"counts.tips_total": 0, "counts.tips_verified_on_time": 0})
    if "missing" in changes:
        doc = without(doc, "counts.assigned_total")
    if "override" in changes:
        doc = overridden(doc, "17.3", 0.5, "衔接机制仅部分运行")
    return scorecard(doc).indicator(17).status


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({}, "scored"),
        ({"override": 1}, "overridden"),
        ({"review": 1, "override": 1}, "needs_review"),
        ({"missing": 1, "review": 1, "override": 1}, "missing"),
        ({"missing": 1, "override": 1}, "missing"),
        ({"missing": 1}, "missing"),
        ({"review": 1}, "needs_review"),
    ],
)
def test_an_indicator_takes_the_worst_status_of_its_items(changes, status):
    assert _indicator_17(**changes) == status


def test_every_status_has_a_chinese_name():
    assert STATUS_NAMES == {
        "scored": "已评分",
        "missing": "缺数据",
        "needs_review": "待人工判定",
        "overridden": "人工核定",
    }
