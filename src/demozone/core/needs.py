"""What each indicator needs from the campaign: the figures and judgments behind its items.

Derived from the framework's rules, never from a list of indicators, so a revised framework gets
its data-entry forms and its API write permissions without new code. A "path" is the dotted place
of a value in the SPEC §4 input, the same path the core names in its problems
(``statistics.region.online_retail_sales.2022``, ``counts.tips_total``, ``judgments.11.3``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from demozone.core.framework import (
    AnyOfRule,
    CappedCountRule,
    Comparison,
    Condition,
    CountExpr,
    GrowthMeasure,
    RateExpr,
    RatioBandsRule,
    RatioExpr,
    ShareMeasure,
    SubItemsRule,
    ThresholdCountRule,
    WholeJudgmentRule,
    YearlyComparisonRule,
    Zone,
)
from demozone.core.items import item_specs
from demozone.core.loader import Framework

OPERATORS_PATH = "large_operators"


@dataclass(frozen=True)
class SeriesNeed:
    """Yearly values of one metric (levels, or a stated growth or share) in one scope."""

    scope: str
    metric: str
    years: tuple[int, ...]
    # National figures fall back to the bundled reference statistics when left blank.
    optional: bool = False

    def path(self, year: int) -> str:
        return f"statistics.{self.scope}.{self.metric}.{year}"

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(self.path(y) for y in self.years)


@dataclass(frozen=True)
class CountNeed:
    metric: str

    @property
    def path(self) -> str:
        return f"counts.{self.metric}"


@dataclass(frozen=True)
class RateNeed:
    scope: str
    metric: str

    @property
    def path(self) -> str:
        return f"rates.{self.scope}.{self.metric}"


@dataclass(frozen=True)
class OperatorsNeed:
    thresholds: dict[Zone, Decimal]
    unit: str
    path: str = OPERATORS_PATH


@dataclass(frozen=True)
class JudgmentNeed:
    """A judgment: ``fallback`` ones decide a computed item only when it cannot be computed."""

    item: str
    text: str
    max: Decimal
    bool_only: bool
    step: Decimal
    fallback: bool = False

    @property
    def path(self) -> str:
        return f"judgments.{self.item}"

    @property
    def choices(self) -> tuple[Decimal, ...]:
        count = int(self.max / self.step)
        return tuple(self.step * i for i in range(count + 1))


@dataclass(frozen=True)
class IndicatorNeeds:
    number: int
    series: tuple[SeriesNeed, ...] = ()
    counts: tuple[CountNeed, ...] = ()
    rates: tuple[RateNeed, ...] = ()
    operators: OperatorsNeed | None = None
    judgments: tuple[JudgmentNeed, ...] = field(default=())

    @property
    def value_paths(self) -> list[str]:
        """The figures' paths in form order: yearly series, counts, rates."""
        out = [p for s in self.series for p in s.paths]
        return out + [c.path for c in self.counts] + [r.path for r in self.rates]

    @property
    def paths(self) -> frozenset[str]:
        out: set[str] = set()
        for s in self.series:
            out.update(s.paths)
        out.update(c.path for c in self.counts)
        out.update(r.path for r in self.rates)
        out.update(j.path for j in self.judgments)
        if self.operators is not None:
            out.add(self.operators.path)
        return frozenset(out)


class _Collect:
    def __init__(self, years: tuple[int, int]) -> None:
        self.years = years
        self.series: dict[tuple[str, str], set[int]] = {}
        self.counts: list[str] = []
        self.rates: list[tuple[str, str]] = []

    def add_series(self, scope: str, metric: str, years: tuple[int, ...]) -> None:
        self.series.setdefault((scope, metric), set()).update(years)

    def measure(self, m: GrowthMeasure | ShareMeasure) -> None:
        first, second = self.years
        if isinstance(m, GrowthMeasure):
            self.add_series(m.scope, m.metric, (first - 1, first, second))
        else:
            self.add_series(m.scope, m.metric, (first, second))
            self.add_series(m.scope, m.of, (first, second))
        if m.stated:
            self.add_series(m.scope, m.stated, (first, second))

    def count(self, metric: str) -> None:
        if metric not in self.counts:
            self.counts.append(metric)

    def comparisons(self, comparisons: tuple[Comparison, ...]) -> None:
        for cmp in comparisons:
            for expr in (cmp.left, cmp.right):
                if isinstance(expr, CountExpr):
                    self.count(expr.count)
                elif isinstance(expr, RatioExpr):
                    for metric in expr.ratio:
                        self.count(metric)
                elif isinstance(expr, RateExpr) and (expr.scope, expr.rate) not in self.rates:
                    self.rates.append((expr.scope, expr.rate))


@lru_cache(maxsize=16)
def framework_needs(framework: Framework, years: tuple[int, int]) -> dict[int, IndicatorNeeds]:
    specs = item_specs(framework, years)
    out: dict[int, IndicatorNeeds] = {}
    for ind in framework.indicators:
        rule = ind.rule
        c = _Collect(years)
        operators = None
        texts: dict[str, str] = {}
        if isinstance(rule, YearlyComparisonRule):
            c.measure(rule.left)
            c.measure(rule.right)
        elif isinstance(rule, RatioBandsRule):
            c.count(rule.numerator)
            c.count(rule.denominator)
        elif isinstance(rule, ThresholdCountRule):
            operators = OperatorsNeed(dict(rule.thresholds), rule.unit)
        elif isinstance(rule, SubItemsRule | AnyOfRule):
            conditions: tuple[Condition, ...] = (
                rule.items if isinstance(rule, SubItemsRule) else rule.conditions
            )
            for cond in conditions:
                texts[cond.id] = cond.text
                c.comparisons(cond.all)
        elif isinstance(rule, CappedCountRule):
            c.count(rule.metric)
        elif isinstance(rule, WholeJudgmentRule):
            texts[str(ind.number)] = ind.text.strip()
        judgments = tuple(
            JudgmentNeed(
                item=spec.id,
                text=texts.get(spec.id, ""),
                max=spec.max,
                bool_only=spec.bool_only,
                step=spec.step,
                fallback=not spec.qualitative,
            )
            for spec in specs.values()
            if spec.indicator == ind.number and spec.judgeable
        )
        out[ind.number] = IndicatorNeeds(
            number=ind.number,
            series=tuple(
                SeriesNeed(scope, metric, tuple(sorted(ys)), optional=scope == "national")
                for (scope, metric), ys in c.series.items()
            ),
            counts=tuple(CountNeed(m) for m in c.counts),
            rates=tuple(RateNeed(scope, m) for scope, m in c.rates),
            operators=operators,
            judgments=judgments,
        )
    return out


def indicator_of_path(framework: Framework, years: tuple[int, int]) -> dict[str, set[int]]:
    """Each path → the indicators that use it (a metric may serve several indicators)."""
    out: dict[str, set[int]] = {}
    for number, needs in framework_needs(framework, years).items():
        for path in needs.paths:
            out.setdefault(path, set()).add(number)
    return out


SCOPE_NAMES = {"region": "本地区", "national": "全国"}


def path_label(framework: Framework, path: str) -> tuple[str, str]:
    """A path's Chinese label and unit: ``statistics.national.express_volume.2022`` →
    (``全国快递业务量（2022年）``, ``万件``)."""
    head, _, rest = path.partition(".")
    if path == OPERATORS_PATH:
        return "新增规模以上网络交易经营者", ""
    if head == "judgments":
        return f"判定 {rest}", ""
    parts = rest.split(".")
    if head == "counts":
        metric = framework.metrics.get(parts[0])
        return (metric.name, metric.unit) if metric else (parts[0], "")
    scope = SCOPE_NAMES.get(parts[0], parts[0])
    metric = framework.metrics.get(parts[1]) if len(parts) > 1 else None
    name, unit = (metric.name, metric.unit) if metric else (rest, "")
    if head == "statistics" and len(parts) == 3:
        return f"{scope}{name}（{parts[2]}年）", unit
    return f"{scope}{name}", unit
