"""What the read-only pages show, assembled from one evaluation of the campaign.

Each page runs a fixed number of queries whatever the size of the campaign: the campaign with
its region and framework, its data (four queries), and its departments and assignments.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.http import Http404
from django.utils import timezone

from demozone.core.framework import (
    AnyOfRule,
    CappedCountRule,
    Indicator,
    RatioBandsRule,
    SubItemsRule,
    ThresholdCountRule,
    WholeJudgmentRule,
    YearlyComparisonRule,
)
from demozone.core.inputs import ZONE_NAMES
from demozone.core.loader import Framework as CoreFramework
from demozone.core.needs import framework_needs, path_label
from demozone.core.scorecard import STATUS_NAMES, IndicatorResult, Scorecard
from demozone.web.campaigns.access import Access
from demozone.web.campaigns.models import Assignment, Campaign, Department
from demozone.web.campaigns.services import (
    DepartmentProgress,
    Evaluation,
    department_progress,
    evaluate,
)
from demozone.web.evidence.services import covered_items, missing_evidence

PAGE_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Responsibility:
    lead: Department | None
    supporting: tuple[Department, ...]


def responsibilities(
    departments: list[Department], assignments: list[Assignment]
) -> dict[int, Responsibility]:
    by_id = {d.pk: d for d in departments}
    lead: dict[int, Department] = {}
    supporting: dict[int, list[Department]] = {}
    for a in assignments:
        dept = by_id[a.department_id]
        if a.is_lead:
            lead[a.indicator] = dept
        else:
            supporting.setdefault(a.indicator, []).append(dept)
    numbers = set(lead) | set(supporting)
    return {n: Responsibility(lead.get(n), tuple(supporting.get(n, ()))) for n in sorted(numbers)}


@dataclass(frozen=True)
class Overview:
    evaluation: Evaluation
    departments: list[Department]
    assignments: list[Assignment]

    @property
    def scorecard(self) -> Scorecard:
        return self.evaluation.scorecard

    @property
    def progress(self) -> list[DepartmentProgress]:
        rows = department_progress(self.scorecard, self.departments, self.assignments)
        return sorted(rows, key=lambda p: (p.rate, p.department.position))

    @property
    def responsibilities(self) -> dict[int, Responsibility]:
        return responsibilities(self.departments, self.assignments)

    def status_counts(self) -> list[tuple[str, str, int]]:
        counts = dict.fromkeys(STATUS_NAMES, 0)
        for ind in self.scorecard.indicators:
            counts[ind.status] += 1
        return [(status, STATUS_NAMES[status], n) for status, n in counts.items()]

    def levels_chart(self) -> dict[str, Any]:
        """The data the dashboard's charts draw (handed to the page with json_script)."""
        sc = self.scorecard
        rate_min = self.evaluation.campaign.core_framework.doc.pass_rule.level_rate_min
        return {
            "rate_min": float(rate_min),
            "levels": [
                {
                    "code": lv.code,
                    "name": lv.name,
                    "score": float(lv.score),
                    "max": float(lv.max),
                    "rate": float(lv.rate),
                    "line": float(lv.max * rate_min),
                    "ok": lv.rate_ok,
                }
                for lv in sc.levels
            ],
        }

    def table(self) -> list[tuple[Any, list[tuple[Any, list[IndicatorResult]]]]]:
        """Levels → groups (None for indicators directly under a level) → indicators."""
        groups = {g.code: g for g in self.scorecard.groups}
        out = []
        for lv in self.scorecard.levels:
            sections: dict[str | None, list[IndicatorResult]] = {}
            for ind in self.scorecard.indicators:
                if ind.level == lv.code:
                    sections.setdefault(ind.group, []).append(ind)
            out.append(
                (
                    lv,
                    [(groups.get(code) if code else None, inds) for code, inds in sections.items()],
                )
            )
        return out

    def grid(self) -> list[tuple[Any, list[IndicatorResult]]]:
        """Indicators grouped under their first-level indicator, for the 41-cell grid."""
        by_level: dict[str, list[IndicatorResult]] = {}
        for ind in self.scorecard.indicators:
            by_level.setdefault(ind.level, []).append(ind)
        return [(lv, by_level.get(lv.code, [])) for lv in self.scorecard.levels]

    @cached_property
    def evidence_missing(self) -> dict[int, list[str]]:
        """Indicator → its items no evidence supports yet, for the grid: one query for all 41
        cells (evidence changes bump the revision the body is kept under)."""
        return missing_evidence(self.scorecard, covered_items(self.evaluation.campaign))


def page_cache_key(page: str, campaign: Campaign) -> str:
    """Rendered page bodies are kept per data revision: any change of the data, the departments,
    the assignments or the region bumps ``revision`` (see campaigns.signals and the services)."""
    parts = (
        page,
        campaign.pk,
        campaign.created_at,  # a campaign re-created under the same id is another campaign
        campaign.revision,
        campaign.status,
        campaign.deadline,
        campaign.name,
        campaign.is_demo,
        timezone.localdate(),
    )
    digest = hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]
    return f"demozone:page:{page}:{campaign.pk}:{digest}"


def cached_body(page: str, campaign: Campaign, render: Callable[[], str]) -> str:
    key = page_cache_key(page, campaign)
    body: str | None = cache.get(key)
    if body is None:
        body = render()
        cache.set(key, body, PAGE_CACHE_SECONDS)
    return body


def overview(access: Access) -> Overview:
    access.require("dashboard.view")
    campaign = access.campaign
    return Overview(
        evaluation=evaluate(campaign),
        departments=list(campaign.departments.all()),
        assignments=list(campaign.assignments.all()),
    )


def rule_lines(ind: Indicator, fw: CoreFramework, zone: str) -> list[str]:
    """The scoring rule in words, as the platform applies it (SPEC §3)."""
    rule = ind.rule

    def name(metric_id: str) -> str:
        metric = fw.metrics.get(metric_id)
        return metric.name if metric else metric_id

    if isinstance(rule, YearlyComparisonRule):
        return [
            f"每个评估年度：{_measure(rule.left, name)} {rule.word} {_measure(rule.right, name)}，"
            f"得 {_n(rule.points_per_year)} 分"
        ]
    if isinstance(rule, RatioBandsRule):
        ratio = f"{name(rule.numerator)} / {name(rule.denominator)}"
        return [f"{ratio} 达到 {_n(b.min)}% 得 {_n(b.points)} 分" for b in rule.bands]
    if isinstance(rule, ThresholdCountRule):
        threshold = rule.thresholds.get(zone)  # type: ignore[call-overload]
        lines = [
            f"评估年度内电子商务销售额不低于 {_n(threshold)} {rule.unit}（{ZONE_NAMES.get(zone, zone)}门槛）的经营者数量"
        ]
        lines += [f"达到 {_n(b.min)} 家得 {_n(b.points)} 分" for b in rule.bands]
        return lines
    if isinstance(rule, SubItemsRule):
        return [
            f"{item.id}（{_n(item.points)} 分）：{item.text}{'〔判定项〕' if item.judgment else ''}"
            for item in rule.items
        ]
    if isinstance(rule, AnyOfRule):
        lines = [f"{c.id}：{c.text}" for c in rule.conditions]
        return [*lines, f"符合任一项即得 {_n(ind.points)} 分"]
    if isinstance(rule, WholeJudgmentRule):
        return [f"整体判定：0—{_n(ind.points)} 分，以 {_n(rule.step)} 分为步长"]
    if isinstance(rule, CappedCountRule):
        return [
            f"{name(rule.metric)} 每项得 {_n(rule.points_per_unit)} 分，最高 {_n(ind.points)} 分"
        ]
    return []


def _measure(m: Any, name: Any) -> str:
    scope = "本地区" if m.scope == "region" else "全国"
    if m.measure == "growth":
        return f"{scope}{name(m.metric)}同比增速"
    return f"{scope}{name(m.metric)}占{name(m.of)}比重"


def _n(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class FigureRow:
    path: str
    label: str
    unit: str
    row: Any  # the stored MetricValue, or None when not filled in


@dataclass(frozen=True)
class Detail:
    indicator: Indicator
    level: Any
    group: Any
    result: IndicatorResult
    rules: list[str]
    responsibility: Responsibility | None
    figures: list[FigureRow]
    judgments: list[tuple[Any, Any]]  # (JudgmentNeed, stored Judgment or None)
    operators: Any
    operators_reported: bool
    overrides: list[Any]
    zone: str


def indicator_detail(view: Overview, number: int) -> Detail:
    campaign = view.evaluation.campaign
    fw = campaign.core_framework
    try:
        indicator = fw.indicator(number)
    except KeyError as exc:
        raise Http404(f"指标体系中没有第 {number} 项指标") from exc
    needs = framework_needs(fw, campaign.years)[number]
    data = view.evaluation.data
    values = data.values_by_path(fw)
    figures = []
    for path in needs.value_paths:
        label, unit = path_label(fw, path)
        figures.append(FigureRow(path, label, unit, values.get(path)))
    judged = data.judgments_by_item()
    result = view.scorecard.indicator(number)
    item_ids = {item.id for item in result.items}
    statuses = {item.id: item.status for item in result.items}
    place = fw.placement[number]
    return Detail(
        indicator=indicator,
        level=place.level,
        group=place.group,
        result=result,
        rules=rule_lines(indicator, fw, campaign.region.zone),
        responsibility=view.responsibilities.get(number),
        figures=figures,
        judgments=[
            (j, judged.get(j.item))
            for j in needs.judgments
            # A fallback judgment matters only where the data cannot decide the item.
            if not j.fallback or j.item in judged or statuses.get(j.item) == "needs_review"
        ],
        operators=data.operators if needs.operators else None,
        operators_reported=campaign.large_operators_reported,
        overrides=[o for o in data.overrides if o.item in item_ids],
        zone=campaign.region.zone,
    )
