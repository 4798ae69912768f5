"""The scoring workbook (.xlsx): 评分表, 责任分工表, 佐证材料清单, 数据明细.

Laid out like the official tables (merged first- and second-level cells), with frozen headers,
column widths, print areas and print titles, so that the office can print any sheet as it is.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from demozone.core.framework import Node
from demozone.reports.context import ReportContext
from demozone.reports.model import (
    NOT_PROVIDED,
    date_text,
    figure_views,
    fmt,
    indicator_views,
    level_views,
    pct,
    verdict,
)

if TYPE_CHECKING:
    from openpyxl.cell import _CellSetValue

FONT = "仿宋_GB2312"
HEAD_FONT = "黑体"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
LOW_FILL = PatternFill("solid", fgColor="FCE4D6")
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
TOP_LEFT = Alignment(wrap_text=True, vertical="top")


def _title(ws: Worksheet, text: str, width: int, subtitle: str) -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.cell(1, 1, text).font = Font(name="方正小标宋简体", size=16)
    ws.cell(1, 1).alignment = CENTER
    ws.row_dimensions[1].height = 30
    ws.cell(2, 1, subtitle).font = Font(name=FONT, size=11)
    ws.cell(2, 1).alignment = Alignment(horizontal="left", vertical="center")


def _header(ws: Worksheet, row: int, names: Sequence[str], widths: Sequence[float]) -> None:
    for col, (name, width) in enumerate(zip(names, widths, strict=True), start=1):
        cell = ws.cell(row, col, name)
        cell.font = Font(name=HEAD_FONT, size=11)
        cell.alignment = CENTER
        cell.fill = HEAD_FILL
        cell.border = BOX
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[row].height = 22


def _put(ws: Worksheet, row: int, col: int, value: _CellSetValue, *, center: bool = False) -> None:
    cell = ws.cell(row, col, value)
    cell.font = Font(name=FONT, size=10.5)
    cell.alignment = CENTER if center else WRAP
    cell.border = BOX


def _page(ws: Worksheet, header_row: int, last_row: int, width: int, *, landscape: bool) -> None:
    """Frozen header, print area, repeated header rows, A4 fitted to the page width."""
    # The stubs' setter leaves out MergedCell, which openpyxl takes as well (it reads .coordinate).
    ws.freeze_panes = ws.cell(header_row + 1, 1)  # type: ignore[assignment]
    ws.print_area = f"A1:{get_column_letter(width)}{max(last_row, header_row)}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    # openpyxl always creates pageSetUpPr; the stubs type it as optional.
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    # openpyxl always creates the footer parts; the stubs type them as optional.
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"  # type: ignore[union-attr]


def _merge_runs(ws: Worksheet, col: int, first_row: int, keys: Sequence[str]) -> None:
    """Merge consecutive equal ``keys`` in column ``col`` (the official table's level cells)."""
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if i - 1 > start:
                ws.merge_cells(
                    start_row=first_row + start,
                    start_column=col,
                    end_row=first_row + i - 1,
                    end_column=col,
                )
            start = i


def _node_label(node: Node | None) -> str:
    return f"{node.name}\n（{fmt(node.points)}分）" if node is not None else ""


def _score_sheet(wb: Workbook, ctx: ReportContext) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = "评分表"
    sc = ctx.scorecard
    fw = ctx.framework
    names = ["一级指标", "二级指标", "编号", "三级指标", "分值", "得分", "状态", "说明"]
    widths = [13, 13, 6, 34, 7, 7, 11, 80]
    _title(
        ws,
        f"{ctx.region}全国网络市场监管与服务示范区创建评估{ctx.stage}评分表",
        len(names),
        f"评估年度：{sc.years[0]}、{sc.years[1]}　　指标体系：{fw.name}（{fw.version}）　　日期：{date_text(ctx.date)}"
        + (f"　　依据：{ctx.provenance}" if ctx.provenance else ""),
    )
    _header(ws, 3, names, widths)
    row = 4
    level_keys: list[str] = []
    group_keys: list[str] = []
    for view in indicator_views(ctx):
        place = fw.placement[view.number]
        ind = sc.indicator(view.number)
        _put(ws, row, 1, _node_label(place.level), center=True)
        _put(ws, row, 2, _node_label(place.group), center=True)
        _put(ws, row, 3, view.number, center=True)
        _put(ws, row, 4, view.name)
        _put(ws, row, 5, ind.max, center=True)
        _put(ws, row, 6, ind.score, center=True)
        _put(ws, row, 7, view.status, center=True)
        _put(ws, row, 8, view.reason)
        if not view.full:
            ws.cell(row, 6).fill = LOW_FILL
        level_keys.append(place.level.code)
        group_keys.append(place.group.code if place.group is not None else f"-{view.number}")
        row += 1
    _merge_runs(ws, 1, 4, level_keys)
    _merge_runs(ws, 2, 4, group_keys)
    last_indicator = row - 1

    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    _put(ws, row, 1, "合计", center=True)
    for col in (2, 3, 4):
        ws.cell(row, col).border = BOX
    _put(ws, row, 5, sc.max_total, center=True)
    _put(ws, row, 6, sc.total, center=True)
    _put(ws, row, 7, verdict(sc), center=True)
    _put(
        ws,
        row,
        8,
        f"{ctx.stage}结论：{verdict(sc)}。总分 {fmt(sc.total)} 分，认定标准为总分不低于 {fmt(sc.total_min)} 分且各一级指标得分率均不低于 {pct(sc.levels[0].rate_min) if sc.levels else '—'}。",
    )
    for col in range(1, 9):
        ws.cell(row, col).font = Font(name=HEAD_FONT, size=11)
    row += 2
    for lv in level_views(sc):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        _put(ws, row, 1, f"{lv.name}得分率")
        for col in (2, 3, 4):
            ws.cell(row, col).border = BOX
        _put(ws, row, 5, Decimal(lv.points), center=True)
        _put(ws, row, 6, Decimal(lv.score), center=True)
        _put(ws, row, 7, lv.rate, center=True)
        _put(ws, row, 8, "达到要求" if lv.ok else f"未达到要求，尚差 {lv.shortfall} 分")
        if not lv.ok:
            ws.cell(row, 7).fill = LOW_FILL
        row += 1
    ws.cell(
        row + 1,
        1,
        f"注：总分为 {fmt(sc.total)} 分（第 4—{last_indicator} 行为 {len(sc.indicators)} 项三级指标）。状态「缺数据」「待人工判定」的项目暂计 0 分。",
    ).font = Font(name=FONT, size=10)
    _page(ws, 3, row + 1, len(names), landscape=True)


def _method_text(ctx: ReportContext, number: int) -> str:
    ind = ctx.framework.indicator(number)
    sources = (
        "；".join(f"{i}.{s}" for i, s in enumerate(ind.sources, start=1))
        if len(ind.sources) > 1
        else "".join(ind.sources)
    )
    return f"方式：{'、'.join(ind.method)}。\n数据或资料来源：{sources}。"


def _departments_cell(ctx: ReportContext, number: int) -> str:
    if ctx.departments is None:
        return NOT_PROVIDED
    names = ctx.departments_of(number)
    if not names:
        return "未明确"
    lines = [f"牵头：{names[0]}"]
    if len(names) > 1:
        lines.append(f"配合：{'、'.join(names[1:])}")
    return "\n".join(lines)


def _duty_sheet(wb: Workbook, ctx: ReportContext) -> None:
    """附件2's layout: the 41 indicators with their official text and the responsible departments."""
    ws = wb.create_sheet("责任分工表")
    fw = ctx.framework
    names = [
        "一级指标",
        "二级指标",
        "编号",
        "变量性质",
        "三级指标",
        "指标说明及打分标准",
        "评估方式及数据或资料来源",
        "责任部门",
    ]
    widths = [12, 12, 6, 9, 28, 60, 30, 24]
    note = (
        "责任部门未提供（依据评估数据文件生成）"
        if ctx.departments is None
        else "责任部门排在首位的为牵头单位"
    )
    _title(
        ws,
        "落实全国网络市场监管与服务示范区创建评估指标体系责任分工表",
        len(names),
        f"{ctx.region}　　{note}",
    )
    _header(ws, 3, names, widths)
    row = 4
    level_keys: list[str] = []
    group_keys: list[str] = []
    for ind in fw.indicators:
        place = fw.placement[ind.number]
        _put(ws, row, 1, _node_label(place.level), center=True)
        _put(ws, row, 2, _node_label(place.group), center=True)
        _put(ws, row, 3, ind.number, center=True)
        _put(ws, row, 4, ind.nature, center=True)
        _put(ws, row, 5, f"{ind.name}。（{fmt(ind.points)}分）")
        _put(ws, row, 6, ind.text.strip())
        _put(ws, row, 7, _method_text(ctx, ind.number))
        _put(ws, row, 8, _departments_cell(ctx, ind.number))
        for col in (5, 6, 7, 8):
            ws.cell(row, col).alignment = TOP_LEFT
        level_keys.append(place.level.code)
        group_keys.append(place.group.code if place.group is not None else f"-{ind.number}")
        row += 1
    _merge_runs(ws, 1, 4, level_keys)
    _merge_runs(ws, 2, 4, group_keys)
    _page(ws, 3, row - 1, len(names), landscape=True)


def _evidence_sheet(wb: Workbook, ctx: ReportContext) -> None:
    ws = wb.create_sheet("佐证材料清单")
    names = ["序号", "编号", "材料名称", "对应指标", "对应项目", "文件名", "SHA-256"]
    widths = [6, 9, 36, 9, 12, 40, 68]
    _title(ws, "佐证材料清单", len(names), f"{ctx.region}　　{date_text(ctx.date)}")
    _header(ws, 3, names, widths)
    refs = ctx.evidence or ()
    row = 4
    for i, ref in enumerate(refs, start=1):
        _put(ws, row, 1, i, center=True)
        _put(ws, row, 2, ref.number, center=True)
        _put(ws, row, 3, ref.title)
        _put(ws, row, 4, "、".join(str(n) for n in ref.indicators), center=True)
        _put(ws, row, 5, "、".join(ref.item_ids), center=True)
        _put(ws, row, 6, ref.filename)
        _put(ws, row, 7, ref.sha256)
        ws.cell(row, 7).font = Font(name="Courier New", size=9)
        row += 1
    if not refs:
        text = (
            f"{NOT_PROVIDED}（依据评估数据文件生成，未附佐证材料）"
            if ctx.evidence is None
            else "尚无已采纳的佐证材料"
        )
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(names))
        _put(ws, row, 1, text, center=True)
        row += 1
    _page(ws, 3, row - 1, len(names), landscape=True)


def _number(text: str) -> Decimal | str:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    return value if value.is_finite() else text


def _data_sheet(wb: Workbook, ctx: ReportContext) -> None:
    ws = wb.create_sheet("数据明细")
    names = ["路径", "名称", "单位", "年度", "数值"]
    widths: list[float] = [44, 46, 8, 8, 16]
    provenance = ctx.data_rows is not None
    if provenance:
        names += ["来源说明", "填报人", "填报时间"]
        widths += [30, 12, 17]
    _title(
        ws,
        "评估数据明细",
        len(names),
        f"{ctx.region}　　评估年度：{ctx.scorecard.years[0]}、{ctx.scorecard.years[1]}",
    )
    _header(ws, 3, names, widths)
    row = 4
    for fig in figure_views(ctx):
        values: list[_CellSetValue] = [
            fig.path,
            fig.name,
            fig.unit,
            int(fig.year) if fig.year else "",
            _number(fig.value),
        ]
        if provenance:
            values += [fig.source_note, fig.entered_by, fig.entered_at]
        for col, value in enumerate(values, start=1):
            _put(ws, row, col, value, center=col in (3, 4))
        ws.cell(row, 1).font = Font(name="Courier New", size=9)
        row += 1
    _page(ws, 3, row - 1, len(names), landscape=provenance)


def render_workbook(ctx: ReportContext) -> bytes:
    """The scoring workbook as .xlsx bytes."""
    wb = Workbook()
    _score_sheet(wb, ctx)
    _duty_sheet(wb, ctx)
    _evidence_sheet(wb, ctx)
    _data_sheet(wb, ctx)
    # Fixed times make the same input give the same workbook.
    stamp = dt.datetime.combine(ctx.date, dt.time(9, 0))
    wb.properties.title = f"{ctx.region}创建评估{ctx.stage}评分表"
    if ctx.provenance:
        wb.properties.description = f"依据{ctx.provenance}生成"
    wb.properties.creator = ctx.issuer_name
    wb.properties.created = stamp
    wb.properties.modified = stamp
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
