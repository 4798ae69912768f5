"""A revised indicator system is a new data file only (SPEC §2): a stricter pass rule, and a tree with
two levels instead of three, both loaded from YAML with no change to the code."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from demozone.core.inputs import parse_input
from demozone.core.loader import Framework, load_bundled, load_framework_file
from demozone.core.scorecard import Scorecard
from demozone.core.scoring import score
from demozone.core.yamlio import load_yaml

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "frameworks"
PASSING_CITY = ROOT / "examples" / "passing-city.yaml"


def _score(framework: Framework, document: dict[str, Any]) -> Scorecard:
    return score(framework, parse_input(document, framework))


def _passing_city() -> dict[str, Any]:
    document = load_yaml(PASSING_CITY.read_bytes())
    # The same figures evaluated under another system: the example names samr-2022.
    document.pop("framework")
    return document


# --- samr-2022 with level_rate_min 0.80 -----------------------------------------------------


def test_revised_system_differs_from_the_bundled_one_only_in_id_version_and_threshold() -> None:
    revised = load_framework_file(FIXTURES / "samr-revised-080.yaml")
    bundled = load_bundled()
    assert (revised.id, revised.version) == ("samr-revised-080", "2026.0-test")
    assert revised.doc.pass_rule.level_rate_min == Decimal("0.80")
    same = {"id": bundled.id, "version": bundled.version, "pass_rule": bundled.doc.pass_rule}
    assert revised.doc.model_copy(update=same) == bundled.doc
    assert revised.sha256 != bundled.sha256


def test_passing_city_passes_the_bundled_system_and_fails_the_revised_one() -> None:
    # 规范监管 scores 19.5 of 25 = 78 %: at least 75 %, below 80 %.
    under_2022 = _score(load_bundled(), _passing_city())
    under_revised = _score(load_framework_file(FIXTURES / "samr-revised-080.yaml"), _passing_city())

    assert under_2022.passed
    assert not under_revised.passed
    assert under_revised.total == under_2022.total == Decimal("88.5")
    assert [lv.code for lv in under_revised.levels if not lv.rate_ok] == ["2"]
    # 25 × 80 % = 20; 20 − 19.5 = 0.5. 促进发展 at exactly 16/20 = 80 % still passes.
    assert {lv.code: lv.shortfall for lv in under_revised.levels} == {
        "1": 0,
        "2": Decimal("0.5"),
        "3": 0,
        "4": 0,
        "5": 0,
    }
    assert under_revised.to_dict()["framework"]["id"] == "samr-revised-080"


# --- a system with two levels ---------------------------------------------------------------


def _two_level() -> Framework:
    return load_framework_file(FIXTURES / "two-level.yaml")


def _two_level_input() -> dict[str, Any]:
    document: dict[str, Any] = load_yaml((FIXTURES / "two-level-input.yaml").read_bytes())
    return document


def test_two_level_system_loads_with_indicators_directly_under_the_first_level() -> None:
    framework = _two_level()
    assert [(n.code, n.points) for n in framework.levels] == [
        ("A", Decimal(40)),
        ("B", Decimal(35)),
        ("C", Decimal(25)),
    ]
    assert framework.groups == ()
    assert [ind.number for ind in framework.indicators] == list(range(1, 9))
    assert framework.max_total == Decimal(100)
    assert {n: (p.level.code, p.group) for n, p in framework.placement.items()} == {
        1: ("A", None),
        2: ("A", None),
        3: ("B", None),
        4: ("B", None),
        5: ("B", None),
        6: ("C", None),
        7: ("C", None),
        8: ("C", None),
    }
    assert set(framework.metrics) == {
        "online_sales",
        "online_sales_growth",
        "shops",
        "entities",
        "inspections_total",
        "inspections_on_time",
        "awards",
        "satisfaction",
    }


def test_two_level_system_scores_every_rule_type_it_uses() -> None:
    card = _score(_two_level(), _two_level_input())
    assert {ind.number: ind.score for ind in card.indicators} == {
        1: 20,  # 120/100 = +20 % and 140/120 = +16.67 %, both > 10 % → 10 + 10
        2: 20,  # 250/1000 = 25 % ≥ 20 %
        3: 15,  # 95/100 = 95 % 达到 90 % → 10; 3.2 true → 5
        4: 8,  # judged 8 in steps of 1
        5: 10,  # 5.1 not met, 5.2 91 > 90 met
        6: 5,  # 1 award × 5
        7: 0,  # 800万元 below the east threshold 1000万元
        8: 5,
    }
    assert all(ind.group is None for ind in card.indicators)


def test_two_level_scorecard_has_no_groups() -> None:
    card = _score(_two_level(), _two_level_input())
    assert card.groups == ()
    payload = card.to_dict()
    assert payload["groups"] == []
    assert [lv["code"] for lv in payload["levels"]] == ["A", "B", "C"]
    assert {ind["group"] for ind in payload["indicators"]} == {None}


def test_two_level_pass_rule_applies_to_its_first_level() -> None:
    card = _score(_two_level(), _two_level_input())
    # total 40 + 33 + 10 = 83 ≥ 80, but C scores 10 of 25 = 40 % < 70 %.
    assert card.total == Decimal(83)
    assert card.total_ok
    assert not card.passed
    assert {lv.code: lv.rate_ok for lv in card.levels} == {"A": True, "B": True, "C": False}
    # 25 × 70 % = 17.5; 17.5 − 10 = 7.5
    assert card.to_dict()["shortfall"] == {"total": 0, "levels": {"A": 0, "B": 0, "C": 7.5}}


def test_two_level_region_passes_once_its_weak_first_level_reaches_the_threshold() -> None:
    document = _two_level_input()
    document["large_operators"] = [
        {"name": "测试电子商务有限公司", "year": 2023, "ecommerce_sales": 1200}
    ]
    card = _score(_two_level(), document)
    # #7: 1200 ≥ 1000 → 10; C = 20 / 25 = 80 % ≥ 70 %; total 93
    assert card.indicator(7).score == 10
    assert card.total == Decimal(93)
    assert card.passed
