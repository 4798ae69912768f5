"""Evaluation inputs (SPEC §4) as plain dicts, for any test that needs one.

``complete_input()`` earns every one of the 100 points of samr-2022 with a margin on every
quantitative item, so a test changes one figure and sees exactly that figure's effect.
``partial_input()`` is what a city has on day one: a name, a zone and the evaluated years.
Every builder returns a fresh deep copy; ``changed`` and ``without`` never touch their argument.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from demozone.core.inputs import EvaluationInput, parse_input
from demozone.core.loader import Framework, load_bundled
from demozone.core.scorecard import Scorecard
from demozone.core.scoring import score

YEARS = (2022, 2023)

# Judgments that give every qualitative item full marks: whole indicators their points, every
# judged sub-item true, and one condition of each any-of indicator (#28–31) met.
FULL_JUDGMENTS: dict[str, Any] = {
    "10": 2,
    "11.3": True,
    **{f"{n}.{k}": True for n in (12, 13, 14, 15) for k in (1, 2, 3)},
    "16": 3,
    "17.3": True,
    **{f"{n}.{k}": True for n in (20, 22, 23, 36) for k in (1, 2, 3)},
    **{f"{n}.{k}": True for n in (21, 24, 27, 37, 39, 40, 41) for k in (1, 2)},
    "26.2": True,
    "28.1": True,
    "29.2": True,
    "30.3": True,
    "31.1": True,
    "32": 3,
    "35": 2,
    "38.1": True,
}

_COMPLETE: dict[str, Any] = {
    "framework": "samr-2022",
    "region": {"name": "盐城市", "zone": "east"},
    "years": list(YEARS),
    "statistics": {
        "region": {
            # +20 % a year online, +3 % in all retail, +20 % parcels
            "online_retail_sales": {2021: 1000, 2022: 1200, 2023: 1440},
            "social_retail_sales": {2021: 3000, 2022: 3090, 2023: 3182.7},
            "express_volume": {2021: 30000, 2022: 36000, 2023: 43200},
        },
        "national": {
            "online_retail_growth": {2022: 4.0, 2023: 11.0},
            "express_growth": {2022: 2.1, 2023: 19.4},
            "online_retail_sales": {2022: 137853, 2023: 154264},
            "social_retail_sales": {2022: 439733, 2023: 471495},
        },
    },
    "counts": {
        "online_operators": 52000,
        "market_entities": 300000,
        "operators_over_2y": 30000,
        "online_employment": 250000,
        "total_employment": 4100000,
        "ecommerce_tax": 180000,
        "total_tax": 3000000,
        "platform_users": 320,
        "regulatory_staff": 600,
        "identity_claims_distributed": 1800,
        "identity_claims_handled": 1800,
        "tips_total": 900,
        "tips_verified_on_time": 880,
        "assigned_total": 40,
        "assigned_handled_timely": 39,
        "assigned_completed": 38,
        "reconsideration_total": 12,
        "reconsideration_upheld": 12,
        "litigation_total": 5,
        "litigation_won": 5,
        "procedural_losses": 0,
        "monitoring_total": 300,
        "monitoring_checked_timely": 290,
        "monitoring_checked_completed": 295,
        "complaints_total": 15000,
        "complaints_initial_on_time": 14800,
        "complaints_closed_on_time": 14700,
        "training_hours_min": 56,
        "national_media_reports": 1,
        "provincial_media_reports": 3,
        "institutional_outputs": 2,
    },
    "rates": {
        "region": {
            "mediation_success_rate": 70.2,
            "satisfaction": 92.0,
            "odr_on_time_rate": 97.5,
            "odr_settlement_rate": 80.1,
            "training_coverage": 100,
        },
        "national": {
            "mediation_success_rate": 65.0,
            "satisfaction": 90.0,
            "odr_on_time_rate": 96.0,
            "odr_settlement_rate": 78.0,
        },
    },
    "large_operators": [
        {"name": "盐城某电子商务有限公司", "year": 2022, "ecommerce_sales": 25000},
        {"name": "盐城某供应链科技有限公司", "year": 2023, "ecommerce_sales": 31000},
    ],
    "judgments": FULL_JUDGMENTS,
    "overrides": {},
}


def complete_input() -> dict[str, Any]:
    """A full input that scores 100 / 100 against samr-2022 and passes."""
    return copy.deepcopy(_COMPLETE)


def partial_input(*sections: str) -> dict[str, Any]:
    """Region and years, plus the named top-level sections of the complete input."""
    doc: dict[str, Any] = {
        "region": {"name": "盐城市", "zone": "east"},
        "years": list(YEARS),
    }
    for section in sections:
        doc[section] = copy.deepcopy(_COMPLETE[section])
    return doc


Path = str | tuple[Any, ...]


def _keys(path: Path) -> tuple[Any, ...]:
    # Dotted paths suit most fields; a tuple is needed where a key holds a dot ("11.3").
    return path if isinstance(path, tuple) else tuple(path.split("."))


def _key_in(parent: Mapping[Any, Any], key: Any) -> Any:
    # Year keys are ints in the factory; "counts.x" style paths name them as text.
    if (
        isinstance(key, str)
        and key.isdigit()
        and key not in parent
        and (int(key) in parent or len(key) == 4)
    ):
        return int(key)
    return key


def changed(doc: Mapping[str, Any], values: Mapping[Path, Any]) -> dict[str, Any]:
    """A copy of ``doc`` with each path set to its value (missing dicts on the way are created)."""
    out = copy.deepcopy(dict(doc))
    for path, value in values.items():
        *parents, last = _keys(path)
        node: Any = out
        for key in parents:
            node = node.setdefault(_key_in(node, key), {})
        node[_key_in(node, last)] = copy.deepcopy(value)
    return out


def without(doc: Mapping[str, Any], *paths: Path) -> dict[str, Any]:
    """A copy of ``doc`` with each path removed (absent paths are ignored)."""
    out = copy.deepcopy(dict(doc))
    for path in paths:
        *parents, last = _keys(path)
        node: Any = out
        for key in parents:
            node = node.get(_key_in(node, key)) if isinstance(node, Mapping) else None
            if node is None:
                break
        if isinstance(node, dict):
            node.pop(_key_in(node, last), None)
    return out


def judged(doc: Mapping[str, Any], judgments: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``doc`` with these judgments added to (or replacing) its own."""
    out = copy.deepcopy(dict(doc))
    out["judgments"] = {**out.get("judgments", {}), **judgments}
    return out


def unjudged(doc: Mapping[str, Any], ids: Iterable[str]) -> dict[str, Any]:
    """A copy of ``doc`` without the judgments of these item ids."""
    out = copy.deepcopy(dict(doc))
    drop = set(ids)
    out["judgments"] = {k: v for k, v in out.get("judgments", {}).items() if k not in drop}
    return out


def overridden(doc: Mapping[str, Any], item_id: str, score_: Any, reason: str) -> dict[str, Any]:
    """A copy of ``doc`` with one override added."""
    out = copy.deepcopy(dict(doc))
    out["overrides"] = {**out.get("overrides", {}), item_id: {"score": score_, "reason": reason}}
    return out


def framework() -> Framework:
    return load_bundled()


def parsed(doc: Mapping[str, Any]) -> EvaluationInput:
    return parse_input(doc, load_bundled())


def scorecard(doc: Mapping[str, Any]) -> Scorecard:
    """Parse and score ``doc`` against the bundled samr-2022."""
    fw = load_bundled()
    return score(fw, parse_input(doc, fw))
