"""The report's content as plain values, shared by the .docx, the workbook and the PDF.

Everything a document prints is worded here once, so the three formats can never disagree about a
total, a verdict or a shortfall.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from demozone.core.framework import AnyOfRule, Condition, SubItemsRule
from demozone.core.inputs import ZONE_NAMES
from demozone.core.loader import Framework
from demozone.core.numbers import plain
from demozone.core.scorecard import STATUS_NAMES, IndicatorResult, ItemResult, Scorecard, number
from demozone.reports.context import SHANGHAI, ReportContext

NOT_PROVIDED = "未提供"
NOT_ASSIGNED = "未明确"
NONE_LISTED = "无"
CN_NUMERALS = "一二三四五六七八九十"
SCOPE_NAMES = {"region": "本地区", "national": "全国"}


def fmt(value: Decimal) -> str:
    """A score or count for display: whole numbers bare, others to 2 decimals (SPEC §8)."""
    return str(number(value))


def pct(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def cn_ordinal(index: int) -> str:
    """1 → 一, 12 → 十二 (headings never go beyond a few dozen)."""
    if index <= 10:
        return CN_NUMERALS[index - 1]
    tens, ones = divmod(index, 10)
    head = "" if tens == 1 else CN_NUMERALS[tens - 1]
    return head + "十" + (CN_NUMERALS[ones - 1] if ones else "")


def date_text(day: dt.date) -> str:
    # GB/T 9704-2012 7.3.5.1: 成文日期 in Arabic numerals, year in full, no leading zeros.
    return f"{day.year}年{day.month}月{day.day}日"


def verdict(scorecard: Scorecard) -> str:
    return "达标" if scorecard.passed else "未达标"


@dataclass(frozen=True, slots=True)
class LevelView:
    code: str
    name: str
    score: str
    points: str
    rate: str
    ok: bool
    shortfall: str

    @property
    def ok_text(self) -> str:
        return "是" if self.ok else "否"


@dataclass(frozen=True, slots=True)
class IndicatorView:
    number: int
    name: str
    points: str
    score: str
    status: str
    reason: str  # one line per scorecard item
    evidence: str
    departments: str
    level: str
    group: str
    full: bool


@dataclass(frozen=True, slots=True)
class ShortfallView:
    number: int
    name: str
    points: str
    score: str
    departments: str
    gaps: tuple[str, ...]
    measures: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FigureView:
    path: str
    name: str
    unit: str
    year: str
    value: str
    source_note: str = ""
    entered_by: str = ""
    entered_at: str = ""


def level_views(scorecard: Scorecard) -> tuple[LevelView, ...]:
    return tuple(
        LevelView(
            code=lv.code,
            name=lv.name,
            score=fmt(lv.score),
            points=fmt(lv.max),
            rate=pct(lv.rate),
            ok=lv.rate_ok,
            shortfall=fmt(lv.shortfall),
        )
        for lv in scorecard.levels
    )


def departments_text(ctx: ReportContext, number_: int) -> str:
    if ctx.departments is None:
        return NOT_PROVIDED
    names = ctx.departments_of(number_)
    if not names:
        return NOT_ASSIGNED
    return "、".join([f"{names[0]}（牵头）", *names[1:]]) if len(names) > 1 else names[0]


def evidence_text(ctx: ReportContext, number_: int) -> str:
    if ctx.evidence is None:
        return NOT_PROVIDED
    refs = ctx.evidence_of(number_)
    return "、".join(ref.number for ref in refs) if refs else NONE_LISTED


def item_line(ind: IndicatorResult, item: ItemResult) -> str:
    # Yearly items already start with their year, and a whole-indicator item is the indicator.
    if item.id == str(ind.number) or item.reason.startswith(item.id.split(".")[-1] + "年"):
        return item.reason
    return f"{item.id} {item.reason}"


def indicator_views(ctx: ReportContext) -> tuple[IndicatorView, ...]:
    fw = ctx.framework
    views = []
    for ind in ctx.scorecard.indicators:
        place = fw.placement[ind.number]
        views.append(
            IndicatorView(
                number=ind.number,
                name=ind.name,
                points=fmt(ind.max),
                score=fmt(ind.score),
                status=STATUS_NAMES[ind.status],
                reason="\n".join(item_line(ind, item) for item in ind.items),
                evidence=evidence_text(ctx, ind.number),
                departments=departments_text(ctx, ind.number),
                level=place.level.name,
                group=place.group.name if place.group is not None else "",
                full=ind.score >= ind.max,
            )
        )
    return tuple(views)


# --- shortfalls -----------------------------------------------------------------------------


def _conditions(fw: Framework, number_: int) -> dict[str, Condition]:
    rule = fw.indicator(number_).rule
    if isinstance(rule, SubItemsRule):
        return {c.id: c for c in rule.items}
    if isinstance(rule, AnyOfRule):
        return {c.id: c for c in rule.conditions}
    return {}


def describe_path(fw: Framework, path: str) -> str:
    """An input path in words: ``counts.tips_total`` → 涉网违法案件线索举报数."""
    parts = path.split(".")
    head = parts[0]
    if head == "judgments" and len(parts) > 1:
        item_id = ".".join(parts[1:])
        number_ = int(parts[1]) if parts[1].isdigit() else None
        cond = _conditions(fw, number_).get(item_id) if number_ is not None else None
        if cond is not None:
            return f"{item_id}「{cond.text}」的判定"
        return f"第{item_id}项的判定"
    if head == "counts" and len(parts) == 2 and parts[1] in fw.metrics:
        return fw.metrics[parts[1]].name
    if head in ("rates", "statistics") and len(parts) >= 3 and parts[2] in fw.metrics:
        scope = SCOPE_NAMES.get(parts[1], parts[1])
        year = f"{parts[3]}年" if len(parts) > 3 else ""
        return f"{scope}{year}{fw.metrics[parts[2]].name}"
    if head == "large_operators":
        return "新增规模以上网络交易经营者名单"
    return path


def shortfall_views(ctx: ReportContext) -> tuple[ShortfallView, ...]:
    """Every indicator below its points, with what is missing and what to do about it."""
    fw = ctx.framework
    out = []
    for ind in ctx.scorecard.indicators:
        if ind.score >= ind.max:
            continue
        conditions = _conditions(fw, ind.number)
        gaps: list[str] = []
        measures: list[str] = []
        for item in ind.items:
            if item.score >= item.max:
                continue
            # A whole indicator, or a year whose reason already starts with 「2023年」, needs no label.
            label = "" if item_line(ind, item) == item.reason else f"{item.id} "
            if item.status == "missing":
                wanted = "、".join(describe_path(fw, p) for p in item.missing) or "相关数据"
                gaps.append(f"{label}缺少{wanted}，暂不得分（少 {fmt(item.max - item.score)} 分）")
                if all(p.startswith("judgments.") for p in item.missing):
                    measures.append(f"{label}整理佐证材料，提请专家或牵头单位作出判定")
                else:
                    measures.append(f"{label}补报{wanted}后重新评分")
            elif item.status == "needs_review":
                gaps.append(f"{label}无法自动计算：{item.reason}")
                measures.append(f"{label}核实相关数据口径，提请专家作出判定")
            else:
                gaps.append(f"{label}{item.reason}（少 {fmt(item.max - item.score)} 分）")
                cond = conditions.get(item.id)
                if cond is not None and (
                    cond.judgment or isinstance(fw.indicator(ind.number).rule, AnyOfRule)
                ):
                    measures.append(f"{label}对照「{cond.text}」完善工作并补充佐证材料")
                elif cond is not None:
                    measures.append(f"{label}对照「{cond.text}」的要求，推动相关工作达标")
                else:
                    measures.append(f"{label}对照打分标准，推动「{ind.name}」提升")
        out.append(
            ShortfallView(
                number=ind.number,
                name=ind.name,
                points=fmt(ind.max),
                score=fmt(ind.score),
                departments=departments_text(ctx, ind.number),
                gaps=tuple(gaps),
                measures=tuple(dict.fromkeys(measures)),
            )
        )
    return tuple(out)


def shortfall_summary(scorecard: Scorecard) -> str:
    """The points still needed, for the total and for each first-level indicator."""
    parts = []
    total_min = fmt(scorecard.total_min)
    if scorecard.total_shortfall > 0:
        parts.append(f"总分距 {total_min} 分的认定标准尚差 {fmt(scorecard.total_shortfall)} 分")
    else:
        parts.append(f"总分已达到 {total_min} 分的认定标准")
    low = [lv for lv in scorecard.levels if not lv.rate_ok]
    if low:
        rate_min = pct(scorecard.levels[0].rate_min)
        parts.extend(
            f"「{lv.name}」得分率 {pct(lv.rate)}，距 {rate_min} 尚差 {fmt(lv.shortfall)} 分"
            for lv in low
        )
    else:
        parts.append("各一级指标得分率均已达到要求")
    return "；".join(parts) + "。"


# --- the input's figures --------------------------------------------------------------------


def figure_views(ctx: ReportContext) -> tuple[FigureView, ...]:
    """Every figure and judgment of the input, with its path, name and unit."""
    fw = ctx.framework
    ev = ctx.evaluation
    provenance = {(row.scope, row.metric, row.year): row for row in (ctx.data_rows or ())}
    rows: list[FigureView] = []

    def add(
        path: str, metric_id: str, value: Decimal, *, scope: str, year: int | None = None
    ) -> None:
        metric = fw.metrics[metric_id]
        # Counts are the region's only; series and rates say whose they are.
        name = metric.name if path.startswith("counts.") else f"{SCOPE_NAMES[scope]}{metric.name}"
        row = provenance.get((scope, metric_id, year))
        rows.append(
            FigureView(
                path=path,
                name=name,
                unit=metric.unit,
                year=str(year) if year is not None else "",
                value=plain(value),
                source_note=row.source_note if row else "",
                entered_by=row.entered_by if row else "",
                entered_at=row.entered_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
                if row and row.entered_at
                else "",
            )
        )

    rows.append(FigureView("region.name", "地区名称", "", "", ev.region))
    rows.append(FigureView("region.zone", "所属地带", "", "", ZONE_NAMES[ev.zone]))
    rows.append(FigureView("years", "评估年度", "", "", f"{ev.years[0]}、{ev.years[1]}"))
    for scope in ("region", "national"):
        for metric_id, series in ev.statistics.get(scope, {}).items():
            for year, value in sorted(series.items()):
                add(
                    f"statistics.{scope}.{metric_id}.{year}",
                    metric_id,
                    value,
                    scope=scope,
                    year=year,
                )
    for metric_id, value in ev.counts.items():
        add(f"counts.{metric_id}", metric_id, value, scope="region")
    for scope, values in ev.rates.items():
        for metric_id, value in values.items():
            add(f"rates.{scope}.{metric_id}", metric_id, value, scope=scope)
    for i, op in enumerate(ev.large_operators or ()):
        rows.append(
            FigureView(
                f"large_operators[{i}].ecommerce_sales",
                f"新增规模以上网络交易经营者：{op.name}（电子商务销售额）",
                "万元",
                str(op.year),
                plain(op.ecommerce_sales),
            )
        )
    for item_id, judgment in ev.judgments.items():
        said = (
            ("是" if judgment else "否") if isinstance(judgment, bool) else f"{plain(judgment)} 分"
        )
        rows.append(
            FigureView(
                f"judgments.{item_id}", describe_path(fw, f"judgments.{item_id}"), "", "", said
            )
        )
    for item_id, override in ev.overrides.items():
        rows.append(
            FigureView(
                f"overrides.{item_id}",
                f"{item_id} 人工核定（理由：{override.reason}）",
                "分",
                "",
                plain(override.score),
            )
        )
    return tuple(rows)
