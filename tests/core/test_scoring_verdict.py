"""The pass rule (SPEC §3): total ≥ 85 and every first-level score / points ≥ 75 %."""

from __future__ import annotations

from decimal import Decimal

from factories import complete_input, judged, overridden, partial_input, scorecard


def _passing_at_85() -> dict:
    """Exactly 85: 促进发展 15/20 (exactly 75 %), 规范监管 19/25, 优化服务 16/20, others full."""
    doc = judged(
        complete_input(),
        {
            "10": 0,  # −2, level 1
            "16": 0,  # −3, level 2
            "17.3": False,  # −1, level 2
            "11.3": False,  # −1, level 2
            "12.1": False,  # −1, level 2
            "20.1": False,  # −1, level 3
            "20.2": False,
            "20.3": False,
            "21.1": False,
        },
    )
    doc["large_operators"] = doc["large_operators"][:1]  # #4: 2 → 1, level 1
    return overridden(doc, "3", 0, "市场主体数据口径待核实")  # −2, level 1


def _levels(card) -> dict[str, Decimal]:
    return {level.code: level.score for level in card.levels}


def test_the_complete_input_passes_with_full_marks():
    card = scorecard(complete_input())
    assert (card.total, card.max_total, card.passed) == (100, 100, True)
    out = card.to_dict()
    assert out["shortfall"] == {"total": 0, "levels": dict.fromkeys("12345", 0)}
    assert [lv["rate"] for lv in out["levels"]] == [1.0] * 5


def test_a_total_of_exactly_85_with_every_level_at_75_percent_or_more_passes():
    card = scorecard(_passing_at_85())
    assert card.total == 85
    assert _levels(card) == {"1": 15, "2": 19, "3": 16, "4": 20, "5": 15}
    assert card.passed is True
    assert card.total_shortfall == 0
    assert all(level.rate_ok and level.shortfall == 0 for level in card.levels)


def test_a_level_at_exactly_75_percent_passes_its_threshold():
    level = scorecard(_passing_at_85()).levels[0]
    assert (level.code, level.name, level.score, level.max) == ("1", "促进发展", 15, 20)
    assert level.rate == Decimal("0.75")
    assert level.rate_ok is True
    assert level.shortfall == 0
    assert level.to_dict() == {
        "code": "1",
        "name": "促进发展",
        "score": 15,
        "max": 20,
        "rate": 0.75,
        "rate_ok": True,
    }


def test_85_with_regulation_at_74_percent_fails_and_names_the_level():
    # 规范监管 18.5 / 25 = 74 %: below 18.75; the other levels make up the total of 85
    doc = judged(
        complete_input(),
        {
            "16": 0.5,  # −2.5
            "17.3": False,
            "11.3": False,
            "12.1": False,
            "12.2": False,  # −4 more: level 2 = 18.5
            "10": 0,  # −2, level 1
            "20.1": False,
            "20.2": False,
            "20.3": False,
            "21.1": False,  # −4, level 3
            "32": 2.5,  # −0.5, level 4
        },
    )
    card = scorecard(overridden(doc, "3", 0, "口径待核实"))  # −2, level 1
    assert card.total == 85
    assert _levels(card) == {"1": 16, "2": Decimal("18.5"), "3": 16, "4": Decimal("19.5"), "5": 15}
    assert card.passed is False
    regulation = card.levels[1]
    assert (regulation.name, regulation.rate_ok, regulation.shortfall) == ("规范监管", False, 0.25)
    assert regulation.rate == Decimal("0.74")
    assert card.total_shortfall == 0
    out = card.to_dict()
    assert out["passed"] is False
    assert out["shortfall"] == {
        "total": 0,
        "levels": {"1": 0, "2": 0.25, "3": 0, "4": 0, "5": 0},
    }
    assert out["levels"][1]["rate"] == 0.74
    assert out["levels"][1]["rate_ok"] is False


def test_regulation_at_exactly_18_75_passes_its_threshold():
    # 18.75 needs a quarter point: only an override can express it
    doc = judged(complete_input(), {"16": 0})  # 25 → 22
    doc = judged(doc, {"11.3": False, "12.1": False})  # → 20
    doc = overridden(doc, "12.2", 0.75, "部分符合")  # → 19.75
    doc = overridden(doc, "12.3", 0, "不符合")  # → 18.75
    card = scorecard(doc)
    regulation = card.levels[1]
    assert regulation.score == Decimal("18.75")
    assert (regulation.rate_ok, regulation.shortfall) == (True, 0)
    assert card.passed is True


def test_84_5_with_every_level_fine_fails_with_a_shortfall_of_half_a_point():
    card = scorecard(judged(_passing_at_85(), {"32": 2.5}))
    assert card.total == Decimal("84.5")
    assert all(level.rate_ok for level in card.levels)
    assert card.passed is False
    assert card.total_shortfall == Decimal("0.5")
    out = card.to_dict()
    assert out["total"] == 84.5
    assert out["shortfall"] == {"total": 0.5, "levels": dict.fromkeys("12345", 0)}


def test_a_high_total_fails_when_one_level_is_too_low():
    doc = judged(
        complete_input(),
        {"35": 0, "36.1": False, "36.2": False},  # 综合保障 15 → 11 < 11.25
    )
    card = scorecard(doc)
    assert card.total == 96
    assert card.passed is False
    assert [lv.code for lv in card.levels if not lv.rate_ok] == ["5"]
    assert card.levels[4].shortfall == Decimal("0.25")


def test_groups_and_levels_sum_their_indicators():
    card = scorecard(_passing_at_85())
    by_number = {ind.number: ind.score for ind in card.indicators}
    groups = {g.code: g.score for g in card.groups}
    assert groups["1.1"] == sum(by_number[n] for n in range(1, 6)) == 7
    assert groups["1.2"] == sum(by_number[n] for n in range(6, 11)) == 8
    assert groups["2.1"] == 13
    assert groups["2.2"] == 6
    assert sum(groups.values()) == card.total
    assert card.indicator(3).level == "1"
    assert card.indicator(3).group == "1.1"


def test_a_day_one_input_scores_zero_and_is_a_lower_bound():
    card = scorecard(partial_input())
    assert card.total == 0
    assert card.passed is False
    assert card.total_shortfall == 85
    assert [lv.shortfall for lv in card.levels] == [15, Decimal("18.75"), 15, 15, Decimal("11.25")]
    assert {ind.status for ind in card.indicators} == {"missing"}


def test_adding_data_never_lowers_the_total_of_a_partial_input():
    partial = scorecard(partial_input("counts")).total
    more = scorecard(partial_input("counts", "rates")).total
    full = scorecard(complete_input()).total
    assert 0 < partial < more < full
