"""The scorecard items a framework has for given evaluated years, and what a judgment may say."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from demozone.core.framework import (
    AnyOfRule,
    Condition,
    SubItemsRule,
    WholeJudgmentRule,
    YearlyComparisonRule,
)
from demozone.core.loader import Framework


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """One id that judgments or overrides may name.

    ``scored`` ids are scorecard items; an any-of condition (28.1) is judged but not scored on its
    own. ``bool_only`` judgments are met / not met; the others also take a score in ``step``s.
    """

    id: str
    indicator: int
    max: Decimal
    scored: bool
    qualitative: bool
    judgeable: bool = True
    bool_only: bool = False
    step: Decimal = Decimal("0.5")


@lru_cache(maxsize=64)
def item_specs(framework: Framework, years: tuple[int, ...]) -> dict[str, ItemSpec]:
    specs: dict[str, ItemSpec] = {}
    for ind in framework.indicators:
        rule = ind.rule
        n = ind.number
        if isinstance(rule, YearlyComparisonRule):
            for year in years:
                sid = f"{n}.{year}"
                specs[sid] = ItemSpec(sid, n, rule.points_per_year, scored=True, qualitative=False)
        elif isinstance(rule, SubItemsRule):
            for sub in rule.items:
                specs[sub.id] = ItemSpec(
                    sub.id, n, sub.points, scored=True, qualitative=_is_judgment(sub)
                )
        elif isinstance(rule, AnyOfRule):
            # Judged through its conditions (28.1 …), so "28" itself takes overrides only.
            specs[str(n)] = ItemSpec(
                str(n), n, ind.points, scored=True, qualitative=True, judgeable=False
            )
            for cond in rule.conditions:
                specs[cond.id] = ItemSpec(
                    cond.id,
                    n,
                    ind.points,
                    scored=False,
                    qualitative=_is_judgment(cond),
                    bool_only=True,
                )
        elif isinstance(rule, WholeJudgmentRule):
            specs[str(n)] = ItemSpec(
                str(n), n, ind.points, scored=True, qualitative=True, step=rule.step
            )
        else:
            specs[str(n)] = ItemSpec(str(n), n, ind.points, scored=True, qualitative=False)
    return specs


def _is_judgment(cond: Condition) -> bool:
    return cond.judgment


def judged_specs(framework: Framework, years: tuple[int, ...]) -> dict[str, ItemSpec]:
    """The items an expert panel judges: every qualitative item a judgment may decide."""
    return {k: s for k, s in item_specs(framework, years).items() if s.judgeable and s.qualitative}


def takes_score(spec: ItemSpec) -> bool:
    """A whole indicator is judged with a score in steps; sub-items and conditions met / not met."""
    return spec.id == str(spec.indicator) and not spec.bool_only


def judged_indicators(framework: Framework, years: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sorted({s.indicator for s in judged_specs(framework, years).values()}))
