"""The 自评报告 as a .docx: the bundled (or the office's own) template filled by docxtpl.

Template variables (an office's template may use any of them; an unknown one is an error):

``title`` ``region`` ``issuer`` ``issuer_fits`` ``date`` ``years`` ``intro`` ``summary``
``shortfall_summary`` ``total`` ``max_total`` ``total_min`` ``total_rate`` ``total_ok_text``
``verdict`` ``passed`` ``levels`` (``name points score rate ok_text shortfall``) ``levels_intro``
``rate_header`` ``bar_chart`` ``radar_chart`` ``charts_note`` ``items_intro`` ``items_note``
``indicator_groups`` (``heading rows``; a row: ``number name points score status reason evidence
departments``) ``shortfall_intro`` ``shortfall_levels`` (``heading entries``; an entry: ``heading gap
measure``) ``evidence`` (``index number title item_ids filename sha256``) ``evidence_note``.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import jinja2
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, Listing

from demozone.core.errors import Problem
from demozone.reports.charts import Rate, bar_chart, radar_chart
from demozone.reports.context import SHANGHAI, ReportContext, ReportError
from demozone.reports.model import (
    NOT_PROVIDED,
    cn_ordinal,
    date_text,
    fmt,
    indicator_views,
    level_views,
    pct,
    shortfall_summary,
    shortfall_views,
    verdict,
)

log = logging.getLogger(__name__)

TEMPLATE = Path(__file__).with_name("report-template.docx")
# One line of body text holds 28 characters; a longer issuer goes flush right (GB/T 9704 7.3.5).
ISSUER_FITS = 26
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
# Chinese typesetting puts no space between a Chinese character and a number (「总分87.5分」).
_SPACE_BY_CJK = re.compile(rf"(?<=[{_CJK}]) +| +(?=[{_CJK}])")


def _clean(text: str) -> str:
    """Text as XML accepts it (control characters dropped) and as Chinese is typeset."""
    return _SPACE_BY_CJK.sub("", _CONTROL.sub("", text))


def _finish(value: Any) -> Any:
    """Every text of the context cleaned, however deep."""
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, list):
        return [_finish(v) for v in value]
    if isinstance(value, dict):
        return {k: _finish(v) for k, v in value.items()}
    return value


def _short_pct(rate: Decimal) -> str:
    value = (rate * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return f"{value:f}%"


def template_context(ctx: ReportContext, tpl: DocxTemplate | None = None) -> dict[str, Any]:
    """The variables the template is filled with (``tpl`` is needed for the chart images)."""
    sc = ctx.scorecard
    fw = ctx.framework
    levels = level_views(sc)
    indicators = indicator_views(ctx)
    shortfalls = shortfall_views(ctx)
    rate_min = sc.levels[0].rate_min if sc.levels else Decimal(0)
    years = f"{sc.years[0]}、{sc.years[1]}"
    full = sum(1 for v in indicators if v.full)
    zero = sum(1 for ind in sc.indicators if ind.score == 0)
    missing = sum(1 for ind in sc.indicators if ind.status == "missing")
    review = sum(1 for ind in sc.indicators if ind.status == "needs_review")
    lower_bound = (
        f"其中缺数据 {missing} 项、待人工判定 {review} 项暂计 0 分，总分为下限"
        if missing or review
        else "各项数据与判定齐全"
    )
    summary = (
        f"经{ctx.stage}，{ctx.region}总分 {fmt(sc.total)} 分（满分 {fmt(sc.max_total)} 分）。"
        f"{len(indicators)} 项三级指标中，得满分 {full} 项，部分得分 {len(indicators) - full - zero} 项，"
        f"未得分 {zero} 项；{lower_bound}。"
        f"按照总分不低于 {fmt(sc.total_min)} 分且各一级指标得分率均不低于 {_short_pct(rate_min)} 的认定标准，"
        f"{ctx.stage}结论为：{verdict(sc)}。"
    )

    groups = []
    for i, level in enumerate(fw.levels, start=1):
        result = next(lv for lv in levels if lv.code == level.code)
        rows = [
            {
                "number": v.number,
                "name": _clean(v.name),
                "points": v.points,
                "score": v.score,
                "status": v.status,
                "reason": Listing(_clean(v.reason)),
                "evidence": _clean(v.evidence),
                "departments": _clean(v.departments),
            }
            for v in indicators
            if fw.placement[v.number].level.code == level.code
        ]
        groups.append(
            {
                "heading": f"{cn_ordinal(i)}、{level.name}（{result.points}分，得{result.score}分，得分率{result.rate}）",
                "rows": rows,
            }
        )

    lost = sum((ind.max - ind.score for ind in sc.indicators), Decimal(0))
    shortfall_levels: list[dict[str, Any]] = []
    for level in fw.levels:
        mine = [s for s in shortfalls if fw.placement[s.number].level.code == level.code]
        if not mine:
            continue
        items = [
            {
                "heading": f"{k}.{_clean(s.name)}（第{s.number}项，{s.points}分，得{s.score}分）",
                "gap": _clean(f"责任单位：{s.departments}。短板：{'；'.join(s.gaps)}。"),
                "measure": _clean(f"整改措施：{'；'.join(s.measures)}。"),
            }
            for k, s in enumerate(mine, start=1)
        ]
        shortfall_levels.append(
            {
                "heading": f"（{cn_ordinal(len(shortfall_levels) + 1)}）{level.name}",
                "entries": items,
            }
        )
    shortfall_intro = (
        f"对照评估指标体系，共有 {len(shortfalls)} 项三级指标未得满分，合计失分 {fmt(lost)} 分，"
        "按一级指标列示短板及整改措施如下。"
        if shortfalls
        else f"{len(indicators)} 项三级指标均已得满分，无需整改。"
    )

    notes = ["自评说明列出每一评分项的数据、规则与得分"]
    if missing or review:
        notes.append("状态为「缺数据」「待人工判定」的项目暂计 0 分")
    if ctx.departments is None:
        notes.append(f"本报告依据评估数据文件生成，未含责任分工，责任单位栏为「{NOT_PROVIDED}」")
    if ctx.evidence is None:
        notes.append(f"未附佐证材料清单，佐证材料栏为「{NOT_PROVIDED}」")

    evidence = [
        {
            "index": i,
            "number": _clean(ref.number),
            "title": _clean(ref.title),
            "item_ids": "、".join(ref.item_ids) or "—",
            "filename": _clean(ref.filename),
            "sha256": ref.sha256[:16],
        }
        for i, ref in enumerate(ctx.evidence or (), start=1)
    ]
    if ctx.evidence is None:
        evidence_note = "未提供。本报告依据评估数据文件生成，佐证材料清单由平台按指标汇总后附上。"
    else:
        evidence_note = "尚无已采纳的佐证材料。"

    context: dict[str, Any] = {
        "title": _clean(ctx.title),
        "region": _clean(ctx.region),
        "issuer": _clean(ctx.issuer_name),
        "issuer_fits": len(ctx.issuer_name) <= ISSUER_FITS,
        "date": date_text(ctx.date),
        "years": years,
        "intro": (
            f"根据{fw.doc.document}，{ctx.region}对照 {len(indicators)} 项三级指标，"
            f"以 {years} 年度数据为基础开展了自评。现将{ctx.stage}情况报告如下。"
            + (f"本报告依据{ctx.provenance}生成。" if ctx.provenance else "")
        ),
        "summary": summary,
        "shortfall_summary": shortfall_summary(sc),
        "total": fmt(sc.total),
        "max_total": fmt(sc.max_total),
        "total_min": fmt(sc.total_min),
        "total_rate": pct(sc.total / sc.max_total) if sc.max_total else "—",
        "total_ok_text": f"{'是' if sc.total_ok else '否'}（总分≥{fmt(sc.total_min)}）",
        "verdict": verdict(sc),
        "passed": sc.passed,
        "levels": [
            {
                "name": lv.name,
                "points": lv.points,
                "score": lv.score,
                "rate": lv.rate,
                "ok_text": lv.ok_text,
                "shortfall": lv.shortfall,
            }
            for lv in levels
        ],
        "levels_intro": f"各一级指标得分情况见表1，得分率低于 {_short_pct(rate_min)} 的一级指标在图1中以红色标出。",
        "rate_header": f"达到{_short_pct(rate_min)}",
        "bar_chart": None,
        "radar_chart": None,
        "charts_note": "",
        "items_intro": f"{len(indicators)} 项三级指标的{ctx.stage}得分及依据见表2。",
        # 「二、逐项自评」 in the city's own report, 「二、逐项评审」 in a review round's.
        "items_word": "自评" if ctx.stage == "自评" else "评审",
        "items_note": "注：" + "；".join(notes) + "。",
        "indicator_groups": groups,
        "shortfall_intro": shortfall_intro,
        "shortfall_levels": shortfall_levels,
        "evidence": evidence,
        "evidence_note": evidence_note,
    }
    context = _finish(context)
    if tpl is not None:
        rates = [Rate(lv.name, lv.rate) for lv in sc.levels]
        try:
            bar, radar = bar_chart(rates, rate_min), radar_chart(rates, rate_min)
        except ReportError as exc:
            log.warning("report charts skipped: %s", exc.describe())
            context["charts_note"] = f"（图表从略：{exc.problems[0].message}。）"
        else:
            context["bar_chart"] = InlineImage(tpl, io.BytesIO(bar), width=Mm(150))
            context["radar_chart"] = InlineImage(tpl, io.BytesIO(radar), width=Mm(100))
    return context


def render_report(ctx: ReportContext, template: str | Path | bytes | None = None) -> bytes:
    """The 自评报告 .docx. ``template`` is the office's own .docx (a path or its bytes); by default
    the bundled GB/T 9704 template. Raises :class:`ReportError` for a template that cannot be used."""
    source: Any = io.BytesIO(template) if isinstance(template, bytes) else (template or TEMPLATE)
    try:
        tpl = DocxTemplate(source)
        tpl.init_docx()
    except Exception as exc:  # python-docx raises several unrelated types for a non-.docx file
        raise ReportError([Problem("模板", f"无法打开报告模板：{exc}")]) from exc
    context = template_context(ctx, tpl)
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    try:
        tpl.render(context, jinja_env=env)
    except jinja2.TemplateError as exc:
        where = getattr(exc, "docx_context", None)
        near = "".join(where).strip()[:80] if where else ""
        detail = f"：{exc.message}" if getattr(exc, "message", None) else ""
        raise ReportError(
            [Problem("模板", f"报告模板有误{detail}" + (f"（附近文字：{near}）" if near else ""))]
        ) from exc
    _set_properties(tpl, ctx)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _set_properties(tpl: DocxTemplate, ctx: ReportContext) -> None:
    # Fixed times make the same input give the same file (and the same hash in a package).
    props = tpl.docx.core_properties
    props.title = ctx.title
    props.author = ctx.issuer_name
    props.subject = f"{ctx.framework.name}（{ctx.framework.version}）"
    if ctx.provenance:
        props.comments = f"依据{ctx.provenance}生成"
    stamp = (
        dt.datetime.combine(ctx.date, dt.time(9, 0), tzinfo=SHANGHAI)
        .astimezone(dt.UTC)
        .replace(tzinfo=None)
    )
    props.created = stamp
    props.modified = stamp
    props.last_modified_by = ctx.issuer_name
    props.revision = 1
