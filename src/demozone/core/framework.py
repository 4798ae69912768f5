"""The indicator system as typed data.

A framework file is parsed into these pydantic models, then checked for consistency by
:mod:`demozone.core.loader`. Nothing in here knows any particular indicator: a revised system is a
new YAML file, not new code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from demozone.core.words import Word

Scope = Literal["region", "national"]
Zone = Literal["east", "central", "west"]
MetricKind = Literal["series", "growth", "share", "count", "rate"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- the metric catalogue -------------------------------------------------------------------


class Metric(_Model):
    """One input figure. ``kind`` decides where it lives in the input file (SPEC §4):

    - ``series``: yearly levels under ``statistics.<scope>``;
    - ``growth``: a stated yearly growth in percent of the series ``of`` (wins over levels);
    - ``share``: a stated yearly share in percent of ``of[0]`` in ``of[1]``;
    - ``count``: a non-negative number under ``counts``; ``part_of`` names the count it cannot
      exceed (a numerator and its denominator);
    - ``rate``: a percentage 0–100 under ``rates.<scope>``.
    """

    id: str
    name: str
    unit: str
    kind: MetricKind
    description: str = ""
    scopes: tuple[Scope, ...] = ("region",)
    of: tuple[str, ...] = ()
    part_of: str | None = None
    integer: bool = False
    # Statistical definitions a series can be published under (id → Chinese name); the first is
    # the indicator's own. Comparing a region and the nation on different ones is flagged.
    definitions: dict[str, str] = Field(default_factory=dict)


# --- expressions and conditions -------------------------------------------------------------


class CountExpr(_Model):
    """A count, optionally scaled: ``{count: regulatory_staff, times: 0.5}``. Never undefined."""

    count: str
    times: Decimal = Decimal(1)


class RatioExpr(_Model):
    """``numerator / denominator`` of two counts, in percent. Undefined when the denominator is 0."""

    ratio: tuple[str, str]


class RateExpr(_Model):
    """A stated percentage of a region or of the nation: ``{rate: satisfaction, scope: national}``."""

    rate: str
    scope: Scope = "region"


class ValueExpr(_Model):
    """A constant, in the unit of the other side (percent for ratios and rates)."""

    value: Decimal


Expr = CountExpr | RatioExpr | RateExpr | ValueExpr


class Comparison(_Model):
    """``left <word> right``; the word is the official text's comparison word (SPEC §3)."""

    left: Expr
    word: Word
    right: Expr


class Condition(_Model):
    """A sub-item's test: either an expert/department judgment, or all comparisons hold."""

    id: str
    text: str
    judgment: bool = False
    all: tuple[Comparison, ...] = ()


class SubItem(Condition):
    points: Decimal


# --- rules ----------------------------------------------------------------------------------


class GrowthMeasure(_Model):
    measure: Literal["growth"]
    scope: Scope
    metric: str
    stated: str | None = None


class ShareMeasure(_Model):
    measure: Literal["share"]
    scope: Scope
    metric: str
    of: str
    stated: str | None = None


Measure = Annotated[GrowthMeasure | ShareMeasure, Field(discriminator="measure")]


class YearlyComparisonRule(_Model):
    """Per evaluated year (items ``<n>.<year>``): ``left <word> right`` earns ``points_per_year``."""

    type: Literal["yearly_comparison"]
    points_per_year: Decimal
    left: Measure
    word: Word
    right: Measure


class Band(_Model):
    min: Decimal
    points: Decimal


class RatioBandsRule(_Model):
    """``numerator / denominator`` in percent; the highest band whose ``min`` it reaches.

    Bands include their boundary, and at a shared boundary the higher band wins (SPEC §3).
    """

    type: Literal["ratio_bands"]
    numerator: str
    denominator: str
    bands: tuple[Band, ...]


class ThresholdCountRule(_Model):
    """Count the entries of a collection, in the evaluated years, whose value reaches the zone's
    threshold; the highest band whose ``min`` the count reaches."""

    type: Literal["threshold_count"]
    collection: Literal["large_operators"]
    value_field: Literal["ecommerce_sales"]
    unit: str
    thresholds: dict[Zone, Decimal]
    bands: tuple[Band, ...]


class SubItemsRule(_Model):
    """Independent sub-items, each earning its own points."""

    type: Literal["sub_items"]
    items: tuple[SubItem, ...]


class AnyOfRule(_Model):
    """The whole indicator's points as soon as any one condition is met (符合一项即可得分)."""

    type: Literal["any_of"]
    conditions: tuple[Condition, ...]


class WholeJudgmentRule(_Model):
    """A judgment of the whole indicator, 0 to its points in steps of ``step``."""

    type: Literal["whole_judgment"]
    step: Decimal = Decimal("0.5")


class CappedCountRule(_Model):
    """``points_per_unit`` for each unit of a count, capped at the indicator's points."""

    type: Literal["capped_count"]
    metric: str
    points_per_unit: Decimal


Rule = Annotated[
    YearlyComparisonRule
    | RatioBandsRule
    | ThresholdCountRule
    | SubItemsRule
    | AnyOfRule
    | WholeJudgmentRule
    | CappedCountRule,
    Field(discriminator="type"),
]


# --- the tree -------------------------------------------------------------------------------


class Variant(_Model):
    """Another source's wording of a field, kept for the record (e.g. 附件1 vs 附件2)."""

    source: str
    field: str
    text: str


class Indicator(_Model):
    number: int
    name: str
    points: Decimal
    nature: Literal["定量", "定性", "定量+定性", "定性+定量"]
    text: str
    method: tuple[str, ...]
    sources: tuple[str, ...]
    rule: Rule
    variants: tuple[Variant, ...] = ()


class Node(_Model):
    """A first-level or intermediate indicator; its children are nodes or scored indicators."""

    code: str
    name: str
    points: Decimal
    children: tuple[Node, ...] = ()
    indicators: tuple[Indicator, ...] = ()


class PassRule(_Model):
    total_min: Decimal
    level_rate_min: Decimal


class FrameworkDoc(_Model):
    """The YAML document as written."""

    id: str
    name: str
    version: str
    issued_by: str
    document: str
    effective_date: dt.date | None = None
    description: str = ""
    pass_rule: PassRule
    metrics: tuple[Metric, ...]
    levels: tuple[Node, ...]
