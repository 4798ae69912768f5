"""数据采集表: the Excel workbook a department fills in, and reading it back.

Department liaisons live in Excel. The platform hands each department a workbook holding only the
figures and judgments of its own indicators (the office gets one for the whole campaign), and reads
the filled workbook back into changes that the caller applies through its ordinary entry service.

Layout. Sheet 数据 has one row per figure (指标编号, 指标项, 单位, 年度, 当前值, 填报值, 说明); sheet
判定 one row per judgment (是/否 list for sub-items, a score for whole indicators); sheet 规上经营者 the
list #4 counts, when the department has #4; sheet 说明 tells how to fill it in. Only the 填报值 cells
(and the operator list) are unlocked; the sheets are protected without a password, which stops
slips, not intent: what makes an upload trustworthy is the hidden sheet.

The hidden sheet (``_meta``, "very hidden", so Excel's menus cannot show it) carries the campaign, the
department, the years, the framework's hash, every row's data path with its value at generation
time, and an HMAC-SHA256 of all of it under the caller's key. An upload whose HMAC does not verify, or
whose rows were moved, is refused as a whole; the caller compares the stamp with the campaign and the
uploader, so another campaign's or another department's workbook is refused too.

Semantics. A blank 填报值 keeps the stored value (deleting data is done on the web form), so a
workbook that sat on a desk for a week overwrites nothing it does not mention. A value whose stored
figure changed after the workbook was generated is a conflict, reported at its cell; it is never
silently overwritten.

Pure: openpyxl and the core only, no Django. Every problem names its place as
``工作表 数据 F7`` (:class:`CollectionError`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import logging
import re
import unicodedata
import zipfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from demozone.core.errors import Problem, _ProblemsError
from demozone.core.framework import ThresholdCountRule
from demozone.core.inputs import MAX_YEAR, MIN_YEAR, ZONE_NAMES
from demozone.core.loader import Framework
from demozone.core.needs import OPERATORS_PATH, framework_needs
from demozone.core.numbers import plain

log = logging.getLogger(__name__)

FORMAT = "demozone-collection/1"
SHEET_DATA = "数据"
SHEET_JUDGE = "判定"
SHEET_OPS = "规上经营者"
SHEET_HELP = "说明"
SHEET_META = "_meta"
SCOPE_NAMES = {"region": "本地区", "national": "全国"}
YES, NO = "是", "否"
_YES = {"是", "符合", "TRUE", "true", "True"}
_NO = {"否", "不符合", "FALSE", "false", "False"}

# Column layout of 数据 and 判定 (1-based); column H carries the data path, hidden.
COL_NUMBER, COL_LABEL, COL_UNIT, COL_YEAR, COL_CURRENT, COL_NEW, COL_NOTE, COL_PATH = range(1, 9)
FIRST_ROW = 4
# 规上经营者: the 无新增 flag, then the list.
OPS_FLAG_CELL = "C3"
OPS_HEADER_ROW = 5
OPS_SPARE_ROWS = 20
OPS_MIN_ROWS = 30

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
_MAX_UNPACKED = 60 * 1024 * 1024
_MAX_MEMBERS = 200

FONT = "宋体"
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
UNLOCKED = Protection(locked=False)


class CollectionError(_ProblemsError):
    """An uploaded workbook cannot be taken; nothing was changed. Each problem's path is its place
    (``工作表 数据 F7``) and its message says what is wrong, in Chinese."""

    title = "采集表有误，未导入任何数据"

    def lines(self) -> list[str]:
        return [f"{p.path}：{p.message}" if p.path else p.message for p in self.problems]

    def describe(self) -> str:
        lines = [f"{self.title}（共 {len(self.problems)} 处）："]
        lines.extend(f"  - {line}" for line in self.lines())
        return "\n".join(lines)


def place(sheet: str, cell: str | None = None) -> str:
    """``工作表 数据 F7``: how every message names a cell."""
    return f"工作表 {sheet} {cell}" if cell else f"工作表 {sheet}"


# --- what a workbook holds ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stamp:
    """Whose workbook this is. ``department_id`` None: the office's workbook of the whole campaign."""

    campaign_id: int
    campaign_name: str
    department_id: int | None
    department_name: str
    years: tuple[int, int]
    framework_sha256: str
    generated_at: str  # ISO 8601, Asia/Shanghai

    @property
    def generated_text(self) -> str:
        """「2024-06-01 10:00」: when the workbook was made, as people read it."""
        return self.generated_at[:16].replace("T", " ")

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign_id": self.campaign_id,
            "campaign_name": self.campaign_name,
            "department_id": self.department_id,
            "department_name": self.department_name,
            "years": list(self.years),
            "framework_sha256": self.framework_sha256,
            "generated_at": self.generated_at,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Stamp:
        years = raw["years"]
        dept = raw["department_id"]
        return cls(
            campaign_id=int(raw["campaign_id"]),
            campaign_name=str(raw["campaign_name"]),
            department_id=None if dept is None else int(dept),
            department_name=str(raw["department_name"]),
            years=(int(years[0]), int(years[1])),
            framework_sha256=str(raw["framework_sha256"]),
            generated_at=str(raw["generated_at"]),
        )


@dataclass(frozen=True, slots=True)
class Operator:
    """#4: one newly large online trading operator."""

    name: str
    year: int
    sales: Decimal

    def as_input(self) -> dict[str, Any]:
        return {"name": self.name, "year": self.year, "ecommerce_sales": self.sales}


Judged = bool | Decimal


@dataclass(frozen=True)
class Stored:
    """The campaign's values as they are now: figures by data path, judgments by item id, and
    the operator list (None: not reported)."""

    values: Mapping[str, Decimal] = field(default_factory=dict)
    judgments: Mapping[str, Judged] = field(default_factory=dict)
    operators: tuple[Operator, ...] | None = None

    def current(self, path: str) -> Any:
        if path == OPERATORS_PATH:
            return self.operators
        if path.startswith("judgments."):
            return self.judgments.get(path.partition(".")[2])
        return self.values.get(path)


@dataclass(frozen=True, slots=True)
class Figure:
    """One row of 数据: a yearly figure, a count or a rate."""

    path: str
    indicators: tuple[int, ...]
    label: str
    unit: str
    year: int | None
    note: str
    minimum: Decimal
    maximum: Decimal | None
    integer: bool
    percent: bool

    @property
    def rule_text(self) -> str:
        if self.maximum is not None:
            return f"应为 {plain(self.minimum)}—{plain(self.maximum)} 之间的数字"
        if self.integer:
            return f"应为不小于 {plain(self.minimum)} 的整数"
        return f"应为不小于 {plain(self.minimum)} 的数字"


@dataclass(frozen=True, slots=True)
class JudgmentRow:
    """One row of 判定: 是/否 (``choice``) or a score of 0..max in steps."""

    path: str
    item: str
    indicator: int
    text: str
    max: Decimal
    step: Decimal
    choice: bool
    fallback: bool

    @property
    def rule_text(self) -> str:
        if self.choice:
            return f"应为「{YES}」或「{NO}」"
        return f"应为 0—{plain(self.max)} 之间、以 {plain(self.step)} 为步长的分数"


@dataclass(frozen=True)
class Plan:
    """What one workbook asks for."""

    figures: tuple[Figure, ...]
    judgments: tuple[JudgmentRow, ...]
    operators: bool
    threshold_text: str = ""

    @property
    def paths(self) -> frozenset[str]:
        out = {f.path for f in self.figures} | {j.path for j in self.judgments}
        if self.operators:
            out.add(OPERATORS_PATH)
        return frozenset(out)


def plan_for(
    framework: Framework,
    years: tuple[int, int],
    numbers: Iterable[int],
    *,
    judged: Collection[str] = (),
    open_items: Collection[str] = (),
    zone: str | None = None,
) -> Plan:
    """The rows for the indicators ``numbers``, from the framework's rules.

    A fallback judgment (one that decides a computed item only when the data cannot) is asked for
    only when the item cannot be computed now (``open_items``) or has a judgment already
    (``judged``): otherwise it would be noise.
    """
    needs = framework_needs(framework, years)
    wanted = sorted({n for n in numbers if n in needs})
    where: dict[str, list[int]] = {}
    order: list[str] = []
    for n in wanted:
        for path in needs[n].value_paths:
            if path not in where:
                where[path] = []
                order.append(path)
            where[path].append(n)
    figures = tuple(_figure(framework, path, tuple(where[path])) for path in order)
    judgments = tuple(
        JudgmentRow(
            path=need.path,
            item=need.item,
            indicator=n,
            text=need.text or framework.indicator(n).name,
            max=need.max,
            step=need.step,
            choice=need.bool_only or need.max <= 1,
            fallback=need.fallback,
        )
        for n in wanted
        for need in needs[n].judgments
        if not need.fallback or need.item in open_items or need.item in judged
    )
    operators = any(needs[n].operators is not None for n in wanted)
    threshold = ""
    if operators and zone:
        for n in wanted:
            rule = framework.indicator(n).rule
            if isinstance(rule, ThresholdCountRule) and zone in rule.thresholds:
                threshold = (
                    f"{ZONE_NAMES.get(zone, zone)}地区标准：电子商务销售额达到 "
                    f"{plain(rule.thresholds[zone])} {rule.unit}"
                )
    return Plan(figures, judgments, operators, threshold)


def _figure(fw: Framework, path: str, indicators: tuple[int, ...]) -> Figure:
    head, _, rest = path.partition(".")
    parts = rest.split(".")
    if head == "counts":
        scope, metric_id, year = "region", parts[0], None
    elif head == "rates":
        scope, metric_id, year = parts[0], parts[1], None
    else:
        scope, metric_id, year = parts[0], parts[1], int(parts[2])
    metric = fw.metrics[metric_id]
    label = metric.name if head == "counts" else f"{SCOPE_NAMES.get(scope, scope)}{metric.name}"
    minimum, maximum = Decimal(0), None
    hints = []
    if metric.kind == "growth":
        minimum = Decimal(-100)
        hints.append("百分数，可为负数（不小于 -100），不带 % 号")
    elif metric.kind in ("share", "rate"):
        maximum = Decimal(100)
        hints.append("百分数，填 0—100 之间的数字，不带 % 号")
    elif metric.integer:
        hints.append("整数，不小于 0")
    else:
        hints.append("不小于 0 的数字")
    if metric.part_of and metric.part_of in fw.metrics:
        hints.append(f"不能大于「{fw.metrics[metric.part_of].name}」")
    if scope == "national":
        hints.append("可不填：不填则采用平台内置的国家统计数据")
    note = "；".join(filter(None, [metric.description, *hints]))
    return Figure(
        path=path,
        indicators=indicators,
        label=label,
        unit=metric.unit,
        year=year,
        note=note,
        minimum=minimum,
        maximum=maximum,
        integer=metric.integer,
        percent=metric.unit == "%",
    )


# --- writing --------------------------------------------------------------------------------


def build_workbook(plan: Plan, stored: Stored, stamp: Stamp, *, key: bytes) -> bytes:
    """The 数据采集表 as .xlsx bytes, signed with ``key`` (keep it secret: it is what makes the
    workbook's origin checkable)."""
    wb = Workbook()
    rows: list[list[Any]] = []
    ws = wb.active
    assert ws is not None
    _data_sheet(ws, plan, stored, stamp, rows)
    if plan.judgments:
        _judgment_sheet(wb.create_sheet(SHEET_JUDGE), plan, stored, stamp, rows)
    operators_base = None
    if plan.operators:
        operators_base = _operators_text(stored.operators)
        _operators_sheet(wb.create_sheet(SHEET_OPS), plan, stored, stamp)
    _help_sheet(wb.create_sheet(SHEET_HELP), plan, stamp)
    _meta_sheet(wb.create_sheet(SHEET_META), stamp, rows, operators_base, key)
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.title = f"{stamp.campaign_name}数据采集表（{stamp.department_name}）"
    wb.properties.creator = "示范区创建评估平台"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    # Widening a column or a row stays allowed: long notes must be readable.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _title(ws: Worksheet, text: str, subtitle: str, width: int) -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.cell(1, 1, text).font = Font(name="黑体", size=14)
    ws.cell(1, 1).alignment = CENTER
    ws.row_dimensions[1].height = 28
    ws.cell(2, 1, subtitle).font = Font(name=FONT, size=10, color="C00000")
    ws.cell(2, 1).alignment = WRAP
    ws.row_dimensions[2].height = 32


def _header(ws: Worksheet, row: int, names: Sequence[str], widths: Sequence[float]) -> None:
    for col, (name, width) in enumerate(zip(names, widths, strict=True), start=1):
        cell = ws.cell(row, col, name)
        cell.font = Font(name="黑体", size=11)
        cell.fill = HEAD_FILL
        cell.alignment = CENTER
        cell.border = BOX
        ws.column_dimensions[get_column_letter(col)].width = width
    # The stubs' setter leaves out MergedCell, which openpyxl takes as well (it reads .coordinate).
    ws.freeze_panes = ws.cell(row + 1, 1)  # type: ignore[assignment]


def _put(ws: Worksheet, row: int, col: int, value: Any, *, center: bool = False) -> Cell:
    cell: Cell = ws.cell(row, col, value)
    cell.font = Font(name=FONT, size=10.5)
    cell.alignment = CENTER if center else WRAP
    cell.border = BOX
    return cell


def _input_cell(ws: Worksheet, row: int, col: int) -> Cell:
    cell = _put(ws, row, col, None, center=True)
    cell.fill = INPUT_FILL
    cell.protection = UNLOCKED
    return cell


def _subtitle(stamp: Stamp, what: str) -> str:
    return (
        f"填报单位：{stamp.department_name}　评估年度：{stamp.years[0]}、{stamp.years[1]}　"
        f"生成时间：{stamp.generated_text}\n"
        f"只在浅黄色的「{what}」列填写；留空表示不修改。请勿改动其他单元格，以免上传时被拒绝。"
    )


def _validation(prompt: str, error: str, **kwargs: Any) -> DataValidation:
    dv = DataValidation(
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="stop",
        errorTitle="填报值不符合要求",
        error=error[:255],
        promptTitle="填报提示",
        prompt=prompt[:255],
        **kwargs,
    )
    return dv


def _figure_validation(fig: Figure) -> tuple[str, DataValidation]:
    key = f"{fig.minimum}|{fig.maximum}|{fig.integer}"
    kind = "whole" if fig.integer and fig.maximum is None else "decimal"
    if fig.maximum is not None:
        dv = _validation(
            f"填写 {plain(fig.minimum)}—{plain(fig.maximum)} 之间的数字，不带 % 号",
            fig.rule_text,
            type=kind,
            operator="between",
            formula1=plain(fig.minimum),
            formula2=plain(fig.maximum),
        )
    else:
        dv = _validation(
            f"填写不小于 {plain(fig.minimum)} 的{'整数' if fig.integer else '数字'}",
            fig.rule_text,
            type=kind,
            operator="greaterThanOrEqual",
            formula1=plain(fig.minimum),
        )
    return key, dv


def _data_sheet(
    ws: Worksheet, plan: Plan, stored: Stored, stamp: Stamp, rows: list[list[Any]]
) -> None:
    ws.title = SHEET_DATA
    names = ["指标编号", "指标项", "单位", "年度", "当前值", "填报值", "说明", "数据项路径"]
    _title(ws, f"{stamp.campaign_name}数据采集表", _subtitle(stamp, "填报值"), len(names) - 1)
    _header(ws, FIRST_ROW - 1, names, [10, 40, 8, 7, 15, 15, 56, 44])
    validations: dict[str, DataValidation] = {}
    for i, fig in enumerate(plan.figures):
        row = FIRST_ROW + i
        current = stored.values.get(fig.path)
        _put(ws, row, COL_NUMBER, "、".join(str(n) for n in fig.indicators), center=True)
        _put(ws, row, COL_LABEL, fig.label)
        _put(ws, row, COL_UNIT, fig.unit, center=True)
        _put(ws, row, COL_YEAR, fig.year if fig.year is not None else "", center=True)
        _put(ws, row, COL_CURRENT, _cell_number(current), center=True)
        _input_cell(ws, row, COL_NEW)
        _put(ws, row, COL_NOTE, fig.note)
        _put(ws, row, COL_PATH, fig.path)
        key, dv = _figure_validation(fig)
        validations.setdefault(key, dv).add(ws.cell(row, COL_NEW))
        rows.append([SHEET_DATA, row, fig.path, _base_text(current), _figure_spec(fig)])
    for dv in validations.values():
        ws.add_data_validation(dv)
    if not plan.figures:
        ws.merge_cells(start_row=FIRST_ROW, start_column=1, end_row=FIRST_ROW, end_column=7)
        _put(ws, FIRST_ROW, 1, "本单位负责的指标没有需要填报的数据，请在「判定」工作表填写。")
    ws.column_dimensions[get_column_letter(COL_PATH)].hidden = True
    _print_setup(ws, FIRST_ROW - 1)
    _protect(ws)


def _judgment_sheet(
    ws: Worksheet, plan: Plan, stored: Stored, stamp: Stamp, rows: list[list[Any]]
) -> None:
    names = ["指标编号", "评分项", "判定内容", "满分", "当前判定", "填报判定", "说明", "数据项路径"]
    _title(ws, f"{stamp.campaign_name}判定采集表", _subtitle(stamp, "填报判定"), len(names) - 1)
    _header(ws, FIRST_ROW - 1, names, [10, 9, 60, 7, 12, 12, 40, 20])
    choice = _validation(
        f"从下拉列表选择「{YES}」或「{NO}」",
        f"只能填写「{YES}」或「{NO}」",
        type="list",
        formula1=f'"{YES},{NO}"',
    )
    scores: dict[str, DataValidation] = {}
    for i, jr in enumerate(plan.judgments):
        row = FIRST_ROW + i
        current = stored.judgments.get(jr.item)
        _put(ws, row, COL_NUMBER, jr.indicator, center=True)
        _put(ws, row, COL_LABEL, jr.item, center=True)
        _put(ws, row, 3, jr.text.strip())
        _put(ws, row, 4, _cell_number(jr.max), center=True)
        _put(ws, row, COL_CURRENT, _judgment_text(current), center=True)
        _input_cell(ws, row, COL_NEW)
        if jr.choice:
            note = f"选择「{YES}」（符合）或「{NO}」（不符合）"
            choice.add(ws.cell(row, COL_NEW))
        else:
            note = f"填写 0—{plain(jr.max)} 之间的分数，步长 {plain(jr.step)}"
            key = f"{jr.max}"
            if key not in scores:
                scores[key] = _validation(
                    note, jr.rule_text, type="decimal", operator="between", formula1="0",
                    formula2=plain(jr.max),
                )  # fmt: skip
            scores[key].add(ws.cell(row, COL_NEW))
        if jr.fallback:
            note += "；该项本应按数据计算，仅在数据无法计算时采用此判定"
        _put(ws, row, COL_NOTE, note)
        _put(ws, row, COL_PATH, jr.path)
        rows.append([SHEET_JUDGE, row, jr.path, _base_text(current), _judgment_spec(jr)])
    ws.add_data_validation(choice)
    for dv in scores.values():
        ws.add_data_validation(dv)
    ws.column_dimensions[get_column_letter(COL_PATH)].hidden = True
    _print_setup(ws, FIRST_ROW - 1)
    _protect(ws)


def _operators_sheet(ws: Worksheet, plan: Plan, stored: Stored, stamp: Stamp) -> None:
    names = ["序号", "经营者名称", "年度", "电子商务销售额（万元）"]
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=4)
    ws.cell(1, 1, "新增规模以上网络交易经营者名单（指标 4）").font = Font(name="黑体", size=14)
    ws.cell(1, 1).alignment = CENTER
    threshold = f"（{plan.threshold_text}）" if plan.threshold_text else ""
    ws.cell(
        2,
        1,
        f"填写评估年度 {stamp.years[0]}、{stamp.years[1]} 年新增的规模以上网络交易经营者{threshold}。"
        f"本表整体替换平台上的名单：已有的经营者已列出，可修改或删除；没有新增的，请清空名单并在 {OPS_FLAG_CELL} 选「{YES}」。",
    ).font = Font(name=FONT, size=10, color="C00000")
    ws.cell(2, 1).alignment = WRAP
    ws.row_dimensions[2].height = 45
    ws.merge_cells("A3:B3")
    _put(ws, 3, 1, "评估年度内没有新增规模以上网络交易经营者")
    flag = _input_cell(ws, 3, 3)
    if stored.operators is not None and not stored.operators:
        flag.value = YES
    choice = _validation(
        f"没有新增的选「{YES}」",
        f"只能填写「{YES}」或「{NO}」",
        type="list",
        formula1=f'"{YES},{NO}"',
    )
    choice.add(flag)
    ws.add_data_validation(choice)
    _header(ws, OPS_HEADER_ROW, names, [8, 44, 10, 22])
    current = stored.operators or ()
    count = max(len(current) + OPS_SPARE_ROWS, OPS_MIN_ROWS)
    years = _validation(
        f"填写 {stamp.years[0]} 或 {stamp.years[1]}",
        f"应为 {MIN_YEAR}—{MAX_YEAR} 之间的年份",
        type="whole",
        operator="between",
        formula1=str(MIN_YEAR),
        formula2=str(MAX_YEAR),
    )
    sales = _validation(
        "填写不小于 0 的数字（万元）", "应为不小于 0 的数字", type="decimal",
        operator="greaterThanOrEqual", formula1="0",
    )  # fmt: skip
    for i in range(count):
        row = OPS_HEADER_ROW + 1 + i
        _put(ws, row, 1, i + 1, center=True)
        for col in (2, 3, 4):
            _input_cell(ws, row, col)
        if i < len(current):
            op = current[i]
            ws.cell(row, 2).value = op.name
            ws.cell(row, 3).value = op.year
            ws.cell(row, 4).value = _cell_number(op.sales)
        years.add(ws.cell(row, 3))
        sales.add(ws.cell(row, 4))
    ws.add_data_validation(years)
    ws.add_data_validation(sales)
    _print_setup(ws, OPS_HEADER_ROW)
    _protect(ws)


def _help_sheet(ws: Worksheet, plan: Plan, stamp: Stamp) -> None:
    ws.column_dimensions["A"].width = 110
    lines = [
        ("填写说明", True),
        (
            f"1. 本表由示范区创建评估平台为「{stamp.department_name}」生成，只包含本单位负责的指标"
            f"（{stamp.campaign_name}，评估年度 {stamp.years[0]}、{stamp.years[1]}）。",
            False,
        ),
        (
            "2. 「数据」工作表每行一个数据项：只在浅黄色的「填报值」列填写数字；「当前值」是生成本表时平台上的数值。",
            False,
        ),
        (
            "3. 「填报值」留空表示不修改该数据；如需删除已填报的数据，请在平台「数据填报」页面操作。",
            False,
        ),
        (
            "4. 百分数（单位为 %）填写 0—100 之间的数字，不带 % 号，如 95.5；同比增速可为负数。"
            "数量类数据填写不小于 0 的数字，户、人、件、条等单位的数据应为整数。",
            False,
        ),
        (
            f"5. 「判定」工作表中，子项从下拉列表选择「{YES}」或「{NO}」；整项评分的指标填写 0 至满分之间、"
            "以 0.5 为步长的分数。判定请以佐证材料为依据。",
            False,
        ),
    ]
    if plan.operators:
        lines.append(
            (
                "6. 「规上经营者」工作表整体替换平台上的新增规模以上网络交易经营者名单；没有新增的，"
                f"清空名单并在 {OPS_FLAG_CELL} 单元格选「{YES}」。",
                False,
            )
        )
    lines += [
        (
            "上传：在平台「Excel 数据采集」页面上传填好的本表，平台先列出将要修改的数据（原值、新值）供核对，"
            "确认后一次性全部导入；任何一处有误则一项也不导入，并指出出错的工作表和单元格"
            "（如「工作表 数据 F7：应为不小于 0 的数字」）。",
            False,
        ),
        (
            "请勿增删行列、修改表头或隐藏内容：本表带有平台的校验信息，被改动或属于其他单位、"
            "其他创建活动的采集表会被拒绝。工作表已设保护（无密码），仅为防止误改。",
            False,
        ),
        (
            "如填报后平台上的同一数据已被他人修改，上传时会提示冲突，请重新下载采集表后再填报。",
            False,
        ),
    ]
    for row, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(row, 1, text)
        cell.font = Font(name="黑体" if bold else FONT, size=14 if bold else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    _protect(ws)


def _print_setup(ws: Worksheet, header_row: int) -> None:
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    # openpyxl always creates pageSetUpPr; the stubs type it as optional.
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]


def _meta_sheet(
    ws: Worksheet,
    stamp: Stamp,
    rows: list[list[Any]],
    operators_base: str | None,
    key: bytes,
) -> None:
    payload = {
        "format": FORMAT,
        "stamp": stamp.as_dict(),
        "rows": rows,
        "operators": operators_base,
    }
    text = _canonical(payload)
    ws.sheet_state = "veryHidden"
    ws["A1"] = FORMAT
    ws["A2"] = _sign(key, text)
    # One cell holds at most 32767 characters: the payload is spread over as many as it needs.
    for i in range(0, len(text), 30000):
        ws.cell(3 + i // 30000, 1, text[i : i + 30000])
    _protect(ws)


def _canonical(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _sign(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


# --- reading --------------------------------------------------------------------------------


KEEP = None  # a blank 填报值


def _figure_spec(fig: Figure) -> dict[str, Any]:
    # What reading needs to know about a row travels signed in the hidden sheet, never taken
    # from the visible (unprotectable) cells.
    return {
        "label": fig.label,
        "unit": fig.unit,
        "year": fig.year,
        "min": plain(fig.minimum),
        "max": None if fig.maximum is None else plain(fig.maximum),
        "int": fig.integer,
        "pct": fig.percent,
    }


def _judgment_spec(jr: JudgmentRow) -> dict[str, Any]:
    return {
        "label": f"判定 {jr.item}",
        "choice": jr.choice,
        "max": plain(jr.max),
        "step": plain(jr.step),
    }


@dataclass(frozen=True, slots=True)
class Filled:
    """One row of an uploaded workbook: where it is, its value when the workbook was generated
    (``base``, as text) and what was filled in (``new``; None = blank, keep)."""

    path: str
    label: str
    unit: str
    year: int | None
    where: str
    base: str
    new: Any


@dataclass(frozen=True)
class Upload:
    """A verified workbook: whose it is and what it says."""

    stamp: Stamp
    rows: tuple[Filled, ...]

    @property
    def paths(self) -> frozenset[str]:
        return frozenset(row.path for row in self.rows)

    def locate(self, path: str) -> str | None:
        """Where a data path sits in the workbook (to place the core's problems)."""
        key = OPERATORS_PATH if path.startswith(OPERATORS_PATH) else path
        for row in self.rows:
            if row.path == key:
                return row.where
        return None

    def problem(self, path: str, message: str) -> Problem:
        """A problem the core or the entry service reported at ``path``, placed at its cell."""
        where = self.locate(path)
        if where is not None:
            return Problem(where, message)
        return Problem("", f"{path}：{message}" if path else message)


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One change an upload makes: shown in the preview, then applied."""

    path: str
    label: str
    unit: str
    year: int | None
    where: str
    current: Any
    new: Any

    @property
    def current_text(self) -> str:
        return _display(self.current)

    @property
    def new_text(self) -> str:
        return _display(self.new)

    @property
    def value(self) -> Any:
        """The value as the SPEC §4 input takes it."""
        if self.path == OPERATORS_PATH:
            return None if self.new is None else [op.as_input() for op in self.new]
        return self.new


def read_workbook(data: bytes, *, key: bytes) -> Upload:
    """Verify an uploaded workbook and read what was filled in; CollectionError lists every
    problem at its cell (nothing partial is returned)."""
    wb, formulas = _open(data)
    payload = _verified_payload(wb, key)
    stamp = Stamp.from_dict(payload["stamp"])
    problems: list[Problem] = []
    rows: list[Filled] = []
    for sheet_name, row, path, base, spec in payload["rows"]:
        if sheet_name not in wb.sheetnames:
            problems.append(Problem(place(sheet_name), "工作表缺失，请重新下载采集表"))
            continue
        ws = wb[sheet_name]
        if str(ws.cell(row, COL_PATH).value or "") != path:
            problems.append(
                Problem(
                    place(sheet_name, f"{get_column_letter(COL_PATH)}{row}"),
                    "表格结构已被改动（行被移动、插入或删除），请重新下载采集表后再填报",
                )
            )
            continue
        cell = ws.cell(row, COL_NEW)
        where = place(sheet_name, cell.coordinate)
        raw = _raw(cell, formulas[sheet_name].cell(row, COL_NEW), where, problems)
        try:
            if sheet_name == SHEET_JUDGE:
                new = _parse_judgment(raw, spec)
            else:
                new = _parse_figure(raw, spec, cell.number_format)
        except ValueError as exc:
            problems.append(Problem(where, str(exc)))
            continue
        year = spec.get("year")
        rows.append(Filled(path, spec["label"], spec.get("unit", ""), year, where, str(base), new))
    if payload.get("operators") is not None:
        if SHEET_OPS not in wb.sheetnames:
            problems.append(Problem(place(SHEET_OPS), "工作表缺失，请重新下载采集表"))
        else:
            filled = _read_operators(
                wb[SHEET_OPS], formulas[SHEET_OPS], str(payload["operators"]), problems
            )
            if filled is not None:
                rows.append(filled)
    if problems:
        raise CollectionError(problems)
    return Upload(stamp, tuple(rows))


def _open(data: bytes) -> tuple[Any, Any]:
    bad = CollectionError(
        [Problem("", "上传的文件不是有效的 Excel 工作簿（.xlsx），请上传平台生成的采集表")]
    )
    if len(data) > MAX_UPLOAD_BYTES:
        raise CollectionError(
            [
                Problem(
                    "",
                    f"文件过大（超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB），不是平台生成的采集表",
                )
            ]
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise bad from exc
    # A small file that unpacks to gigabytes would tie up a worker: refuse before openpyxl.
    if len(infos) > _MAX_MEMBERS or sum(i.file_size for i in infos) > _MAX_UNPACKED:
        raise bad
    try:
        values = load_workbook(io.BytesIO(data), data_only=True)
        formulas = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # openpyxl raises many types on a damaged file
        log.info("unreadable collection workbook: %r", exc)
        raise bad from exc
    return values, formulas


def _verified_payload(wb: Any, key: bytes) -> dict[str, Any]:
    foreign = CollectionError(
        [Problem("", "这不是本平台生成的数据采集表（缺少校验信息），请先在平台下载采集表再填报")]
    )
    if SHEET_META not in wb.sheetnames:
        raise foreign
    ws = wb[SHEET_META]
    if ws["A1"].value != FORMAT:
        raise foreign
    signature = str(ws["A2"].value or "")
    chunks = []
    row = 3
    while ws.cell(row, 1).value:
        chunks.append(str(ws.cell(row, 1).value))
        row += 1
    text = "".join(chunks)
    if not hmac.compare_digest(signature, _sign(key, text)):
        raise CollectionError(
            [
                Problem(
                    "",
                    "采集表的校验信息不符（表格被改动，或不是本平台生成），请重新下载采集表后再填报",
                )
            ]
        )
    payload: dict[str, Any] = json.loads(text)
    return payload


def _raw(
    cell: Cell | MergedCell, formula_cell: Cell | MergedCell, where: str, problems: list[Problem]
) -> Any:
    value = cell.value
    formula = formula_cell.value
    if value is None and isinstance(formula, str) and formula.startswith("="):
        # Saved by a program that does not compute formulas: there is no value to read.
        problems.append(Problem(where, "公式没有计算结果，请直接填写数值"))
        return None
    return value


def _parse_figure(raw: Any, spec: Mapping[str, Any], number_format: str) -> Decimal | None:
    number = _parse_number(raw, percent=bool(spec["pct"]), number_format=number_format)
    if number is None:
        return KEEP
    minimum = Decimal(spec["min"])
    maximum = None if spec["max"] is None else Decimal(spec["max"])
    if maximum is not None and not minimum <= number <= maximum:
        hint = "（百分数，不带 % 号）" if spec["pct"] else ""
        raise ValueError(f"应为 {spec['min']}—{spec['max']} 之间的数字{hint}")
    if number < minimum:
        raise ValueError(f"应为不小于 {spec['min']} 的数字")
    if spec["int"] and number != number.to_integral_value():
        raise ValueError("应为整数")
    return number


def _parse_judgment(raw: Any, spec: Mapping[str, Any]) -> Judged | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return KEEP
    if spec["choice"]:
        text = str(raw).strip()
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise ValueError(f"应为「{YES}」或「{NO}」")
    maximum, step = Decimal(spec["max"]), Decimal(spec["step"])
    try:
        number = _parse_number(raw, percent=False, number_format="General")
    except ValueError:
        number = None
    if number is None or not Decimal(0) <= number <= maximum or number % step != 0:
        raise ValueError(f"应为 0—{spec['max']} 之间、以 {spec['step']} 为步长的分数")
    return number


_GROUPED = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def _parse_number(raw: Any, *, percent: bool, number_format: str) -> Decimal | None:
    """A cell's number, exactly: what was typed, not a binary float's expansion."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError("应为数字，实际为逻辑值")
    if isinstance(raw, dt.datetime | dt.date | dt.time):
        raise ValueError("应为数字，实际为日期或时间")
    if isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, float):
        # repr gives the shortest text that reads back as the same float: what Excel stored.
        number = Decimal(repr(raw))
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip().replace("，", ",")
        if not text:
            return None
        had_percent = text.endswith("%")
        text = text.removesuffix("%").strip()
        if _GROUPED.match(text):
            text = text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"应为数字，实际为文本「{str(raw).strip()[:20]}」") from None
        if not number.is_finite():
            raise ValueError("应为有限数字")
        if had_percent and not percent:
            raise ValueError("该项不是百分数，请去掉 % 号")
        return number
    if not number.is_finite():
        raise ValueError("应为有限数字")
    # Typing 「95%」 into a cell makes Excel store 0.95 with a percent format: read it as 95.
    if percent and "%" in (number_format or ""):
        number = (number * 100).normalize()
    return number


def _read_operators(
    ws: Worksheet, fws: Worksheet, base: str, problems: list[Problem]
) -> Filled | None:
    flag_cell = ws[OPS_FLAG_CELL]
    flag_raw = _raw(flag_cell, fws[OPS_FLAG_CELL], place(SHEET_OPS, OPS_FLAG_CELL), problems)
    flag_text = str(flag_raw).strip() if flag_raw is not None else ""
    none = flag_text in _YES
    if flag_text and not none and flag_text not in _NO:
        problems.append(Problem(place(SHEET_OPS, OPS_FLAG_CELL), f"应为「{YES}」或「{NO}」"))
    found: list[Operator] = []
    row = OPS_HEADER_ROW + 1
    before = len(problems)
    while ws.cell(row, 1).value is not None:
        cells = [ws.cell(row, c) for c in (2, 3, 4)]
        raws = [
            # A cell made by ws.cell(row, col) always has its column; the stubs allow None.
            _raw(c, fws.cell(row, c.column), place(SHEET_OPS, c.coordinate), problems)  # type: ignore[arg-type]
            for c in cells
        ]
        name = str(raws[0]).strip() if raws[0] is not None else ""
        if not name and all(r is None or str(r).strip() == "" for r in raws[1:]):
            row += 1
            continue
        if not name:
            problems.append(Problem(place(SHEET_OPS, cells[0].coordinate), "缺少经营者名称"))
        year = _operator_year(raws[1], place(SHEET_OPS, cells[1].coordinate), problems)
        try:
            sales = _parse_number(raws[2], percent=False, number_format="General")
        except ValueError as exc:
            problems.append(Problem(place(SHEET_OPS, cells[2].coordinate), str(exc)))
            sales = None
        else:
            if sales is None:
                problems.append(
                    Problem(place(SHEET_OPS, cells[2].coordinate), "缺少电子商务销售额")
                )
            elif sales < 0:
                problems.append(
                    Problem(place(SHEET_OPS, cells[2].coordinate), "应为不小于 0 的数字")
                )
                sales = None
        if name and year is not None and sales is not None:
            found.append(Operator(name, year, sales))
        row += 1
    if len(problems) > before:
        return None
    if found and none:
        problems.append(
            Problem(
                place(SHEET_OPS, OPS_FLAG_CELL),
                f"已填写经营者名单，不能同时选择「没有新增」（请改为「{NO}」或清空）",
            )
        )
        return None
    new: tuple[Operator, ...] | None = tuple(found) if found or none else None
    return Filled(
        OPERATORS_PATH,
        "新增规模以上网络交易经营者名单",
        "",
        None,
        place(SHEET_OPS),
        base,
        new,
    )


def _operator_year(raw: Any, where: str, problems: list[Problem]) -> int | None:
    try:
        number = _parse_number(raw, percent=False, number_format="General")
    except ValueError:
        number = None
    if number is None or number != number.to_integral_value() or not MIN_YEAR <= number <= MAX_YEAR:
        problems.append(Problem(where, f"应为 {MIN_YEAR}—{MAX_YEAR} 之间的年份"))
        return None
    return int(number)


# --- comparing with the stored values -------------------------------------------------------


def changes(upload: Upload, stored: Stored) -> tuple[FieldChange, ...]:
    """What the upload changes against ``stored``; CollectionError when a value it changes was
    changed by someone else after the workbook was generated (every such cell is named)."""
    out: list[FieldChange] = []
    conflicts: list[Problem] = []
    for row in upload.rows:
        current = stored.current(row.path)
        if row.path == OPERATORS_PATH:
            if _operators_text(row.new) == _operators_text(current):
                continue
            if row.base != _operators_text(current):
                conflicts.append(
                    Problem(
                        row.where,
                        "本表生成后，平台上的经营者名单已被修改，请重新下载采集表后再填报",
                    )
                )
                continue
        else:
            if row.new is KEEP or _same(row.new, current):
                continue
            if row.base != _base_text(current):
                conflicts.append(
                    Problem(
                        row.where,
                        f"本表生成后，平台上的该数据已被修改（生成时为 {_display_base(row.base)}，"
                        f"现为 {_display(current)}），请重新下载采集表后再填报",
                    )
                )
                continue
        out.append(
            FieldChange(row.path, row.label, row.unit, row.year, row.where, current, row.new)
        )
    if conflicts:
        raise CollectionError(conflicts)
    return tuple(out)


def _same(new: Any, current: Any) -> bool:
    if current is None:
        return False
    if isinstance(new, bool) or isinstance(current, bool):
        return type(new) is type(current) and new == current
    return bool(new == current)


# --- texts ----------------------------------------------------------------------------------


def _cell_number(value: Decimal | None) -> int | float | str | None:
    """A Decimal as Excel holds it: ints stay exact; a decimal that a float cannot carry exactly
    is written as text so that 当前值 never shows a rounded figure."""
    if value is None:
        return None
    if value == value.to_integral_value() and abs(value) < 10**15:
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else plain(value)


def _base_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


def _judgment_text(value: Judged | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    return f"{plain(value)} 分"


def _operators_text(ops: tuple[Operator, ...] | None) -> str:
    if ops is None:
        return ""
    return json.dumps([[op.name, op.year, plain(op.sales)] for op in ops], ensure_ascii=False)


def _display(value: Any) -> str:
    if value is None:
        return "（未填报）"
    if isinstance(value, bool):
        return "是（符合）" if value else "否（不符合）"
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, tuple):
        if not value:
            return "无新增"
        return "；".join(f"{op.name}（{op.year}年，{plain(op.sales)} 万元）" for op in value)
    return str(value)


def _display_base(text: str) -> str:
    if text == "":
        return "（未填报）"
    if text in ("true", "false"):
        return _display(text == "true")
    return text


__all__ = [
    "KEEP",
    "CollectionError",
    "FieldChange",
    "Figure",
    "Filled",
    "JudgmentRow",
    "Operator",
    "Plan",
    "Stamp",
    "Stored",
    "Upload",
    "build_workbook",
    "changes",
    "place",
    "plan_for",
    "read_workbook",
]
