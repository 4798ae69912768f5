"""The shipped examples, scored and checked against scores worked out by hand from SPEC §3.

Every expected figure below was derived from the example's own numbers and the rule table of
SPEC §3, never by running the engine. National figures not given in an example come from the bundled
statistics (国家统计局 / 国家邮政局 公报): 网上零售额 stated growth 2022 4.0 %, 2023 11.0 %; 快递业务量
stated growth 2022 2.1 %, 2023 19.4 %; the national share for #6 (网上零售额 / 社零, no stated share on
that definition) is 137853 / 439733 = 31.35 % in 2022 and 154264 / 471495 = 32.72 % in 2023.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from demozone.core.inputs import parse_input
from demozone.core.loader import load_bundled
from demozone.core.scorecard import Scorecard
from demozone.core.scoring import score
from demozone.core.yamlio import load_yaml

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEED_002 = Path("/work/shared/seeds/002_72062c051c3ad736.txt")


@dataclass(frozen=True)
class Expected:
    indicators: dict[int, float]
    groups: dict[str, float]
    levels: dict[str, float]
    total: float
    passed: bool
    shortfall: dict[str, float]  # "total" and each first-level code
    not_scored: dict[str, str] = field(default_factory=dict)  # item id → status


# --- passing-city.yaml (甲市, east, national figures bundled) -------------------------------

PASSING = Expected(
    indicators={
        # #1: 2022 1200/1100 = +9.09 % > 4.0 → 1; 2023 1300/1200 = +8.33 %, not > 11.0 → 0
        1: 1,
        # #2: 2022 +9.09 % > 社零 3650/3600 = +1.39 % → 1; 2023 +8.33 % > 3900/3650 = +6.85 % → 1
        2: 2,
        # #3: 52000/610000 = 8.52 % → 8–15 % band → 1
        3: 1,
        # #4: east ≥ 20000 in 2022–2023: 25000 (2023) and exactly 20000 (2022, 以上 includes it);
        #     18000 is below, 30000 is in 2021 → n = 2 → 2
        4: 2,
        # #5: 2022 33000/30000 = +10 % > 2.1 → 1; 2023 39000/33000 = +18.18 %, not > 19.4 → 0
        5: 1,
        # #6: 2022 1200/3650 = 32.88 % > 31.35 % → 1; 2023 1300/3900 = 33.33 % > 32.72 % → 1
        6: 2,
        # #7: 230000/4200000 = 5.48 % ≥ 5 % → 2
        7: 2,
        # #8: 120000/3000000 = 4 % → 3–5 % band → 1
        8: 1,
        # #9: 30000/52000 = 57.69 % ≥ 50 % → 2
        9: 2,
        10: 2,
        # #11: 320 > 600 × 50 % = 300 → 1; 1800/1800 = 100 % 达到 100 % → 1; 11.3 true → 1
        11: 3,
        12: 2,  # 12.3 false
        13: 2,  # 13.3 false
        14: 3,
        15: 2,  # 15.2 false
        16: 1.5,
        # #17: 880/900 = 97.78 % > 95 → 1; 39/40 = 97.5 % and 38/40 = 95 % both > 90 → 1; 17.3 → 1
        17: 3,
        # #18: 12/12 and 5/5 = 100 % > 95 → 1; procedural_losses 0 = 0 → 1
        18: 2,
        # #19: 270/300 = 90 %, not 大于 90 % → 0; 295/300 = 98.33 % > 90 → 1
        19: 1,
        20: 3,
        21: 2,
        22: 3,
        23: 3,
        24: 2,
        # #25: 14800/15000 = 98.67 % and 14700/15000 = 98 % > 95 → 1; 70.2 > 65.0 → 1;
        #      satisfaction 90.0 not 高于 90.0 → 0
        25: 2,
        # #26: 97.5 > 96.0 and 80.1 > 78.0 → 1; 26.2 → 1
        26: 2,
        27: 2,
        28: 3,  # 28.1 met
        29: 3,  # 29.1 not met, 29.2 met: one is enough
        30: 3,  # 30.3 met
        31: 3,  # only 31.3 met
        32: 2,
        # #33: national 1 ≥ 1 → 2; provincial 3 ≥ 1 → 1
        33: 3,
        # #34: min(3, 2) → 2
        34: 2,
        35: 2,
        36: 3,
        37: 2,
        # #38: 38.1 → 1; coverage 100 达到 100 and 56 h 不低于 50 → 1
        38: 2,
        39: 2,
        40: 2,
        41: 2,
    },
    groups={
        "1.1": 7,  # 1 + 2 + 1 + 2 + 1
        "1.2": 9,  # 2 + 2 + 1 + 2 + 2
        "2.1": 12,  # 3 + 2 + 2 + 3 + 2
        "2.2": 7.5,  # 1.5 + 3 + 2 + 1
        "3.1": 11,
        "3.2": 8,  # 2 + 2 + 2 + 2
        "4.1": 12,
        "4.2": 7,  # 2 + 3 + 2
        "5.1": 7,
        "5.2": 8,
    },
    # 80 %, 78 % (≥ 18.75), 95 %, 95 %, 100 %
    levels={"1": 16, "2": 19.5, "3": 19, "4": 19, "5": 15},
    total=88.5,
    passed=True,
    shortfall={"total": 0, "1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
)


# --- failing-level.yaml (乙市, central, national figures given in the input) -----------------

FAILING = Expected(
    indicators={
        # #1: 2022 860/800 = +7.5 % > 4.0 → 1; 2023 stated +12.6 % (wins over 950/860 = +10.47 %)
        #     > 11.0 → 1
        1: 2,
        # #2: 2022 +7.5 % > 2550/2500 = +2 % → 1; 2023 +12.6 % > 2700/2550 = +5.88 % → 1
        2: 2,
        # #3: 48000/300000 = 16 % ≥ 15 % → 2
        3: 2,
        # #4: central threshold 10000: 15000 (2023) counts, 9999 does not → n = 1 → 1
        4: 1,
        # #5: 2022 21000/20000 = +5 % > 2.1 → 1; 2023 25200/21000 = +20 % > 19.4 → 1
        5: 2,
        # #6: national from the input's levels, same as the bundled ones;
        #     2022 860/2550 = 33.73 % > 31.35 % → 1; 2023 950/2700 = 35.19 % > 32.72 % → 1
        6: 2,
        # #7: 150000/3000000 = exactly 5 %: the shared boundary goes to the higher band → 2
        7: 2,
        # #8: 60000/2000000 = exactly 3 % → lower band includes it → 1
        8: 1,
        # #9: 30000/48000 = 62.5 % → 2
        9: 2,
        10: 2,
        # #11: 250 not 超过 500 × 50 % = 250 → 0; 1500/1520 = 98.68 % < 100 % → 0; 11.3 → 1
        11: 1,
        12: 2,  # 12.3 false
        13: 2,  # 13.3 false
        14: 3,
        15: 3,
        16: 2.5,
        # #17: 950/1000 = 95 %, not 大于 95 % → 0; 40/40 = 100 % and 38/40 = 95 % > 90 → 1; 17.3 → 1
        17: 2,
        # #18: 20/20 and 8/8 > 95 % → 1; procedural_losses 1 ≠ 0 → 0
        18: 1,
        # #19: 280/300 = 93.33 % and 290/300 = 96.67 % > 90 → 2
        19: 2,
        20: 3,
        21: 2,
        22: 3,
        23: 3,
        24: 2,
        # #25: 98 % and 97 % > 95 → 1; 68.0 > 65.0 → 1; 92.0 > 90.0 → 1
        25: 3,
        # #26: 97.0 > 96.0 and 79.0 > 78.0 → 1; 26.2 → 1
        26: 2,
        27: 2,
        28: 3,
        29: 3,
        30: 3,
        31: 3,
        32: 3,
        # #33: national 2 → 2; provincial 5 → 1
        33: 3,
        # #34: min(1, 2) → 1
        34: 1,
        35: 2,
        36: 3,
        37: 2,
        # #38: 38.1 → 1; coverage 100 and exactly 50 h (不低于 includes 50) → 1
        38: 2,
        39: 2,
        40: 2,
        41: 2,
    },
    groups={
        "1.1": 9,  # 2 + 2 + 2 + 1 + 2
        "1.2": 9,  # 2 + 2 + 1 + 2 + 2
        "2.1": 11,  # 1 + 2 + 2 + 3 + 3
        "2.2": 7.5,  # 2.5 + 2 + 1 + 2
        "3.1": 11,
        "3.2": 9,
        "4.1": 12,
        "4.2": 7,  # 3 + 3 + 1
        "5.1": 7,
        "5.2": 8,
    },
    # 规范监管 18.5 / 25 = 74 % < 75 %
    levels={"1": 18, "2": 18.5, "3": 20, "4": 19, "5": 15},
    total=90.5,
    passed=False,
    # 25 × 75 % = 18.75; 18.75 − 18.5 = 0.25
    shortfall={"total": 0, "1": 0, "2": 0.25, "3": 0, "4": 0, "5": 0},
)


# --- incomplete-data.yaml (丙市, west, national figures bundled) ------------------------------

INCOMPLETE = Expected(
    indicators={
        # #1: 2022 320/300 = +6.67 % > 4.0 → 1; 2023 350/320 = +9.38 %, not > 11.0 → 0
        1: 1,
        # #2: 2022 +6.67 % > 1480/1500 = −1.33 % → 1; 2023 +9.38 % > 1560/1480 = +5.41 % → 1
        2: 2,
        # #3: 9000/150000 = 6 % < 8 % → 0 (scored)
        3: 0,
        # #4: large_operators absent → missing
        4: 0,
        # #5: 2022 express 2021 = 0 → growth undefined → needs_review 0;
        #     2023 6000/5000 = +20 % > 19.4 → 1
        5: 1,
        # #6: 2022 320/1480 = 21.62 % < 31.35 %; 2023 350/1560 = 22.44 % < 32.72 % → 0
        6: 0,
        # #7: 40000/1000000 = 4 % → 1
        7: 1,
        # #8: ecommerce_tax null → missing
        8: 0,
        # #9: 4000/9000 = 44.44 % → 30–50 % band → 1
        9: 1,
        10: 1,
        # #11: 100 > 180 × 50 % = 90 → 1; 400/400 = 100 % → 1; 11.3 not judged → missing
        11: 2,
        12: 3,
        13: 2,  # 13.3 false
        14: 3,
        15: 2,  # 15.2 false
        16: 2,
        # #17: 195/200 = 97.5 % > 95 → 1; assigned_total 0 → undefined, judged true → 1; 17.3 → 1
        17: 3,
        # #18: 18.1 reconsideration 0/0 undefined AND litigation missing → missing 0;
        #      procedural_losses 0 = 0 → 1 (a comparison without division is never undefined)
        18: 1,
        # #19: monitoring_total 0 → 19.1 and 19.2 undefined, not judged → needs_review 0
        19: 0,
        20: 3,
        21: 1,  # 21.2 false
        22: 2,  # 22.3 false
        23: 3,
        24: 2,
        # #25: 2900/3000 = 96.67 % and 2880/3000 = 96 % > 95 → 1; 60.0 not > 65.0 → 0;
        #      region satisfaction null → missing
        25: 1,
        # #26: 96.5 > 96.0 and 78.5 > 78.0 → 1; 26.2 → 1
        26: 2,
        27: 2,
        28: 3,  # 28.2 met
        # #29: 29.1, 29.2 not met, 29.3 not judged → missing 0
        29: 0,
        # #30: all three judged not met → 0 (scored)
        30: 0,
        # #31: 31.2 met → 3 although 31.1 and 31.3 are not judged
        31: 3,
        # #32: judgment null → missing
        32: 0,
        # #33: national 0 < 1 → 0; provincial 2 → 1
        33: 1,
        34: 1,
        35: 2,
        36: 2,  # 36.3 not judged → missing
        37: 2,
        # #38: 38.1 → 1; coverage 95 < 100 → 0
        38: 1,
        39: 2,
        40: 1,  # 40.2 false
        41: 2,
    },
    groups={
        "1.1": 4,  # 1 + 2 + 0 + 0 + 1
        "1.2": 3,  # 0 + 1 + 0 + 1 + 1
        "2.1": 12,  # 2 + 3 + 2 + 3 + 2
        "2.2": 6,  # 2 + 3 + 1 + 0
        "3.1": 9,  # 3 + 1 + 2 + 3
        "3.2": 7,  # 2 + 1 + 2 + 2
        "4.1": 6,  # 3 + 0 + 0 + 3
        "4.2": 2,  # 0 + 1 + 1
        "5.1": 6,  # 2 + 2 + 2
        "5.2": 6,  # 1 + 2 + 1 + 2
    },
    levels={"1": 7, "2": 18, "3": 16, "4": 8, "5": 12},
    total=61,
    passed=False,
    # 85 − 61 = 24; 15 − 7 = 8; 18.75 − 18 = 0.75; 3: 16 ≥ 15; 4: 15 − 8 = 7; 5: 12 ≥ 11.25
    shortfall={"total": 24, "1": 8, "2": 0.75, "3": 0, "4": 7, "5": 0},
    not_scored={
        "4": "missing",
        "5.2022": "needs_review",
        "8": "missing",
        "11.3": "missing",
        "18.1": "missing",
        "19.1": "needs_review",
        "19.2": "needs_review",
        "25.3": "missing",
        "29": "missing",
        "32": "missing",
        "36.3": "missing",
    },
)


# --- yancheng-sample.yaml (盐城市, east, 示例数据, national figures bundled) ----------------

YANCHENG = Expected(
    indicators={
        # #1: 2022 560/520 = +7.69 % > 4.0 → 1; 2023 640/560 = +14.29 % > 11.0 → 1
        1: 2,
        # #2: 2022 +7.69 % > 2480/2450 = +1.22 % → 1; 2023 +14.29 % > 2700/2480 = +8.87 % → 1
        2: 2,
        # #3: 95000/1150000 = 8.26 % → 8–15 % band → 1
        3: 1,
        # #4: 26000 (2023) and 21500 (2022) ≥ 20000 → n = 2 → 2
        4: 2,
        # #5: 2022 33500/32000 = +4.69 % > 2.1 → 1; 2023 39500/33500 = +17.91 %, not > 19.4 → 0
        5: 1,
        # #6: 2022 560/2480 = 22.58 % < 31.35 %; 2023 640/2700 = 23.70 % < 32.72 % → 0
        6: 0,
        # #7: 210000/3900000 = 5.38 % → 2
        7: 2,
        # #8: 260000/6500000 = 4 % → 1
        8: 1,
        # #9: 52000/95000 = 54.74 % → 2
        9: 2,
        10: 2,
        # #11: 420 > 780 × 50 % = 390 → 1; 2600/2600 → 1; 11.3 → 1
        11: 3,
        12: 3,
        13: 3,
        14: 2,  # 14.3 false
        15: 3,
        16: 3,
        # #17: 1260/1300 = 96.92 % > 95 → 1; 43/45 = 95.56 % and 41/45 = 91.11 % > 90 → 1; 17.3 → 1
        17: 3,
        # #18: 15/16 = 93.75 %, not > 95 % → 0; procedural_losses 0 → 1
        18: 1,
        # #19: 400/420 = 95.24 % and 410/420 = 97.62 % > 90 → 2
        19: 2,
        20: 3,
        21: 2,
        22: 3,
        23: 2,  # 23.3 false
        24: 2,
        # #25: 18200/18600 = 97.85 % and 17900/18600 = 96.24 % > 95 → 1; 68.5 > 65.0 → 1;
        #      91.2 > 90.0 → 1
        25: 3,
        # #26: 97.2 > 96.0 but 76.5 not > 78.0 → 0; 26.2 → 1
        26: 1,
        27: 2,
        28: 3,
        29: 3,
        30: 3,
        31: 3,
        32: 2,
        # #33: national 1 → 2; provincial 6 → 1
        33: 3,
        # #34: min(2, 2) → 2
        34: 2,
        35: 2,
        36: 3,
        37: 2,
        # #38: 38.1 → 1; coverage 100 and 52 h ≥ 50 → 1
        38: 2,
        39: 2,
        40: 2,
        41: 2,
    },
    groups={
        "1.1": 8,  # 2 + 2 + 1 + 2 + 1
        "1.2": 7,  # 0 + 2 + 1 + 2 + 2
        "2.1": 14,  # 3 + 3 + 3 + 2 + 3
        "2.2": 9,  # 3 + 3 + 1 + 2
        "3.1": 10,  # 3 + 2 + 3 + 2
        "3.2": 8,  # 2 + 3 + 1 + 2
        "4.1": 12,
        "4.2": 7,  # 2 + 3 + 2
        "5.1": 7,
        "5.2": 8,
    },
    # 促进发展 15 / 20 = exactly 75 %: 得分率 ≥ 75 % includes it
    levels={"1": 15, "2": 23, "3": 18, "4": 19, "5": 15},
    total=90,
    passed=True,
    shortfall={"total": 0, "1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
)

EXPECTED = {
    "passing-city.yaml": PASSING,
    "failing-level.yaml": FAILING,
    "incomplete-data.yaml": INCOMPLETE,
    "yancheng-sample.yaml": YANCHENG,
}


def _d(value: float) -> Decimal:
    return Decimal(str(value))


def _document(name: str) -> Any:
    return load_yaml((EXAMPLES / name).read_bytes())


def _scorecard(name: str) -> Scorecard:
    framework = load_bundled()
    return score(framework, parse_input(_document(name), framework))


def test_every_example_in_the_folder_has_hand_worked_expectations() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_validates_and_round_trips(name: str) -> None:
    framework = load_bundled()
    parsed = parse_input(_document(name), framework)
    assert parse_input(parsed.to_dict(), framework) == parsed


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_example_says_its_figures_are_illustrative(name: str) -> None:
    assert "示例数据" in _document(name)["note"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_indicator_scores_as_worked_out_by_hand(name: str) -> None:
    expected = EXPECTED[name]
    card = _scorecard(name)
    assert len(expected.indicators) == 41
    got = {ind.number: ind.score for ind in card.indicators}
    assert got == {n: _d(v) for n, v in expected.indicators.items()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_group_and_level_scores_are_the_sums_worked_out_by_hand(name: str) -> None:
    expected = EXPECTED[name]
    card = _scorecard(name)
    assert {g.code: g.score for g in card.groups} == {c: _d(v) for c, v in expected.groups.items()}
    assert {lv.code: lv.score for lv in card.levels} == {
        c: _d(v) for c, v in expected.levels.items()
    }


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_total_verdict_and_shortfall_are_as_worked_out_by_hand(name: str) -> None:
    expected = EXPECTED[name]
    card = _scorecard(name)
    assert card.total == _d(expected.total)
    assert card.passed is expected.passed
    shortfall = {"total": card.total_shortfall} | {lv.code: lv.shortfall for lv in card.levels}
    assert shortfall == {k: _d(v) for k, v in expected.shortfall.items()}
    assert card.to_dict()["shortfall"] == {
        "total": expected.shortfall["total"],
        "levels": {c: v for c, v in expected.shortfall.items() if c != "total"},
    }
    assert card.warnings == ()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_only_the_expected_items_are_missing_or_need_review(name: str) -> None:
    card = _scorecard(name)
    not_scored = {
        item.id: item.status
        for ind in card.indicators
        for item in ind.items
        if item.status != "scored"
    }
    assert not_scored == EXPECTED[name].not_scored


# --- passing and failing: what the examples are there to show -------------------------------


def test_passing_city_passes_with_every_level_at_or_above_three_quarters() -> None:
    card = _scorecard("passing-city.yaml")
    assert card.passed
    assert all(lv.rate_ok for lv in card.levels)
    # 规范监管 is the level between 75 % and 80 % that the revised system's test relies on.
    regulation = next(lv for lv in card.levels if lv.code == "2")
    assert Decimal("0.75") <= regulation.rate < Decimal("0.80")


def test_passing_city_loses_points_on_boundaries_that_exclude_the_number() -> None:
    card = _scorecard("passing-city.yaml")
    assert card.item("19.1").score == 0  # exactly 90 %, 大于 excludes it
    assert card.item("25.3").score == 0  # 90.0 vs 90.0, 高于 excludes it
    assert card.item("4").score == 2  # exactly 20000万元, 以上 includes it


def test_failing_level_fails_on_regulation_alone_although_the_total_passes() -> None:
    card = _scorecard("failing-level.yaml")
    assert card.total_ok
    assert not card.passed
    assert [lv.code for lv in card.levels if not lv.rate_ok] == ["2"]


def test_failing_level_uses_the_stated_growth_over_the_levels() -> None:
    reason = _scorecard("failing-level.yaml").item("1.2023").reason
    assert "12.60%" in reason
    assert "公布增速" in reason


# --- incomplete data ------------------------------------------------------------------------


def test_incomplete_items_name_the_missing_figures() -> None:
    card = _scorecard("incomplete-data.yaml")
    assert card.item("4").missing == ("large_operators",)
    assert card.item("8").missing == ("counts.ecommerce_tax",)
    assert card.item("18.1").missing == ("counts.litigation_won", "counts.litigation_total")
    assert card.item("25.3").missing == ("rates.region.satisfaction",)
    assert card.item("29").missing == ("judgments.29.3",)
    assert card.item("32").missing == ("judgments.32",)


def test_incomplete_zero_denominators_need_review_and_a_judgment_decides_one() -> None:
    card = _scorecard("incomplete-data.yaml")
    assert "statistics.region.express_volume.2021 为 0" in card.item("5.2022").reason
    assert "counts.monitoring_total 为 0" in card.item("19.1").reason
    decided = card.item("17.2")
    assert (decided.status, decided.score) == ("scored", Decimal(1))
    assert "人工判定" in decided.reason
    assert card.indicator(19).status == "needs_review"
    assert card.indicator(18).status == "missing"


def test_completing_the_incomplete_example_only_raises_the_total() -> None:
    framework = load_bundled()
    document = _document("incomplete-data.yaml")
    before = score(framework, parse_input(document, framework))
    document["counts"]["ecommerce_tax"] = 40000  # 40000/800000 = 5 % → #8: 2
    document["large_operators"] = []  # reported: none → #4 scored 0
    document["judgments"].update({"11.3": True, "29.3": False, "32": 1.5, "36.3": True})
    document["counts"].update({"litigation_total": 3, "litigation_won": 3})  # still 0/0 → review
    document["rates"]["region"]["satisfaction"] = 91.0  # 91.0 > 90.0 → 25.3: 1
    after = score(framework, parse_input(document, framework))
    # 61 + 2 (#8) + 1 (11.3) + 1.5 (#32) + 1 (36.3) + 1 (25.3) = 67.5
    assert after.total == Decimal("67.5")
    assert after.total >= before.total
    assert after.item("18.1").status == "needs_review"
    assert after.item("4").status == "scored"


# --- the Yancheng sample --------------------------------------------------------------------


def test_yancheng_sample_says_prominently_that_its_figures_are_illustrative() -> None:
    text = (EXAMPLES / "yancheng-sample.yaml").read_text(encoding="utf-8")
    head = text.splitlines()[:5]
    assert any("示例数据" in line for line in head)
    document = _document("yancheng-sample.yaml")
    assert "示例数据" in document["note"]
    assert document["region"] == {"name": "盐城市", "zone": "east"}
    assert document["years"] == [2022, 2023]


def test_yancheng_sample_relies_on_the_bundled_national_statistics() -> None:
    document = _document("yancheng-sample.yaml")
    assert "national" not in document["statistics"]
    assert set(document["rates"]["national"]) == {
        "mediation_success_rate",
        "satisfaction",
        "odr_on_time_rate",
        "odr_settlement_rate",
    }
    reason = _scorecard("yancheng-sample.yaml").item("1.2022").reason
    assert "国家统计局" in reason


def _departments(text: str) -> str:
    return re.sub(r"</?p>|[\s、]", "", text)


def _responsibility_table() -> dict[int, str]:
    """附件2 of seed 002: indicator number → responsible departments, as printed."""
    seed = SEED_002.read_text(encoding="utf-8")
    table = seed[seed.index("落实全国网络市场监管与服务示范区创建评估指标体系责任分工表\n") :]
    rows: dict[int, str] = {}
    for line in table.splitlines():
        fields = line.split("\t")
        for i, cell in enumerate(fields[:-1]):
            if cell.strip().isdigit() and fields[i + 1].strip().startswith("定"):
                rows[int(cell)] = _departments(fields[-1])
    return rows


@pytest.mark.skipif(not SEED_002.exists(), reason="the seed documents are not on this machine")
def test_yancheng_sample_names_the_departments_of_the_responsibility_table() -> None:
    table = _responsibility_table()
    assert len(table) == 41
    named: dict[int, set[str]] = {}
    text = (EXAMPLES / "yancheng-sample.yaml").read_text(encoding="utf-8")
    for line in text.splitlines():
        match = re.match(r"\s*#\s*#(\d+)(?:\.\d+)?\s.*责任部门：(.+)$", line)
        if match:
            named.setdefault(int(match[1]), set()).add(_departments(match[2]))
    assert sorted(named) == list(range(1, 42))
    for number, departments in named.items():
        assert departments == {table[number]}, number
    assert table[5] == "市邮管局"
    assert table[8] == "市税务局"
