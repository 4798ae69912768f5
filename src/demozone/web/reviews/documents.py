"""Documents of the review rounds: each sealed snapshot's report and scoring workbook, and the
three-column comparison as a workbook.

A snapshot's documents are built from the snapshot alone — its SPEC §4 input, its evidence list
and the framework its SHA-256 names — through the reports package, and state the version and
seal they came from. A snapshot never changes, so its documents are rendered once and kept on
disk for good (``<data dir>/reports/snapshot-<id>/``).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable, Sequence
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from demozone.core.errors import InputError, Problem
from demozone.core.inputs import parse_input
from demozone.core.loader import Framework as CoreFramework
from demozone.core.numbers import plain
from demozone.core.scoring import score
from demozone.reports.context import EvidenceRef, ReportContext, ReportError
from demozone.reports.model import date_text, pct
from demozone.reports.package import evidence_path, item_key, unique_paths
from demozone.reports.render import render
from demozone.reports.xlsx import BOX, CENTER, FONT, HEAD_FILL, HEAD_FONT, WRAP
from demozone.web.campaigns.access import Access
from demozone.web.campaigns.models import Campaign, Framework
from demozone.web.exchange.documents import RENDERER_VERSION, Document, keep
from demozone.web.reviews import snapshots
from demozone.web.reviews.comparison import EVENT_NAMES, Cell, Column, Comparison, Figure, Note
from demozone.web.reviews.models import Snapshot, Stage

if TYPE_CHECKING:
    from openpyxl.cell import _CellSetValue

log = logging.getLogger(__name__)

# The documents a snapshot offers (the PDF is the report converted by LibreOffice, as live).
SNAPSHOT_FORMATS = {"docx": "报告（Word）", "pdf": "报告（PDF）", "xlsx": "评分工作簿（Excel）"}
ACCEPTED = "accepted"


# --- a snapshot's report and workbook --------------------------------------------------------


def listed(access: Access) -> list[Snapshot]:
    """The campaign's snapshots, newest first, for those who may see them (without documents)."""
    if not access.can("snapshot.view"):
        return []
    return list(
        Snapshot.objects.filter(campaign=access.campaign)
        .select_related("round")
        .defer("document")
        .order_by("-version")
    )


def provenance(snapshot: Snapshot, doc: dict[str, Any]) -> str:
    """Which snapshot a document came from, in one phrase."""
    round_ = doc["round"]
    event = EVENT_NAMES.get(doc["event"], doc["event"])
    return (
        f"{round_['stage_name']}（第 {round_['number']} 轮）{event}时封存的快照 "
        f"v{doc['version']}（封存摘要 SHA-256 {snapshot.seal}）"
    )


def stage_word(doc: dict[str, Any]) -> str:
    stage = doc["round"]["stage"]
    return "自评" if stage == Stage.SELF else str(doc["round"]["stage_name"])


def snapshot_evidence(rows: Sequence[dict[str, Any]]) -> tuple[EvidenceRef, ...]:
    """The snapshot's accepted evidence, numbered as the live report numbers it (「36-1」)."""
    placed = []
    for row in rows:
        ordered = tuple(sorted(set(row.get("items") or ()), key=item_key))
        if row.get("status") == ACCEPTED and ordered:
            placed.append((item_key(ordered[0]), row, ordered))
    placed.sort(key=lambda p: p[0])
    counters: dict[int, int] = {}
    drafts = []
    for key, row, items in placed:
        counters[key[0]] = counters.get(key[0], 0) + 1
        path = evidence_path(key[0], items[0], row["title"], row["filename"])
        drafts.append((f"{key[0]}-{counters[key[0]]}", row, items, path))
    paths = unique_paths([d[3] for d in drafts])
    return tuple(
        EvidenceRef(number, row["title"], items, row["sha256"], PurePosixPath(path).name)
        for (number, row, items, _), path in zip(drafts, paths, strict=True)
    )


def _framework(campaign: Campaign, sha256: str) -> CoreFramework:
    fw = campaign.core_framework
    if fw.sha256 == sha256:
        return fw
    stored = Framework.objects.filter(sha256=sha256).first()
    if stored is None:
        raise ReportError([Problem("framework", f"找不到快照所用的指标体系（SHA-256 {sha256}）")])
    return stored.load()


def snapshot_context(snapshot: Snapshot) -> ReportContext:
    """What the snapshot's documents show, from the snapshot alone."""
    doc = snapshots.read(snapshot)
    fw = _framework(snapshot.campaign, str(doc["framework"]["sha256"]))
    try:
        evaluation = parse_input(doc["input"], fw)
    except InputError as exc:
        raise ReportError(exc.problems) from exc
    sealed = dt.datetime.fromisoformat(doc["sealed_at"]) if doc.get("sealed_at") else None
    return ReportContext(
        framework=fw,
        evaluation=evaluation,
        scorecard=score(fw, evaluation),
        date=sealed.date() if sealed else snapshot.created_at.date(),
        evidence=snapshot_evidence(doc.get("evidence") or ()),
        stage=stage_word(doc),
        provenance=provenance(snapshot, doc),
    )


def snapshot_filename(snapshot: Snapshot, fmt: str) -> str:
    stage = "自评" if snapshot.round.stage == Stage.SELF else snapshot.round.get_stage_display()
    stem = "评分表" if fmt == "xlsx" else "报告"
    return f"{snapshot.campaign.region.name}{stage}{stem}-快照v{snapshot.version}.{fmt}"


def snapshot_document(snapshot: Snapshot, fmt: str) -> Document:
    """The snapshot's document ``fmt``, rendered on first request and then read from disk.

    The file name carries the version, the seal and the renderer version, so a kept file fits
    for as long as the renderer does (ReportError if it cannot be made)."""
    if fmt not in SNAPSHOT_FORMATS:
        raise ValueError(fmt)
    name = f"v{snapshot.version}-{snapshot.seal[:20]}-r{RENDERER_VERSION}.{fmt}"
    data = keep(f"snapshot-{snapshot.pk}", name, lambda: render(snapshot_context(snapshot), fmt))
    return Document(fmt, snapshot_filename(snapshot, fmt), data)


# --- the comparison workbook ----------------------------------------------------------------

CHANGED_FILL = PatternFill("solid", fgColor="FFEB9C")
GROUP_FILL = PatternFill("solid", fgColor="EDEDED")
_HEADERS = ("编号", "指标 / 评分项", "分值")
_WIDTHS = (8, 34, 7)
_STAGE_WIDTHS = (8, 8, 48)


def _cell(ws: Worksheet, row: int, col: int, value: _CellSetValue, *, center: bool = False) -> None:
    c = ws.cell(row, col, value)
    c.font = Font(name=FONT, size=10.5)
    c.alignment = CENTER if center else WRAP
    c.border = BOX


def _note_line(note: Note, item: str) -> str:
    where = f"{note.item} " if note.item != item else ""
    who = f"{note.who}" if note.who else ""
    value = f"（{note.value}）" if note.value else ""
    return f"【{note.kind_name}】{where}{who}{value}：{note.text or '（无）'}"


def _describe(cell: Cell, item: str) -> str:
    lines = []
    if cell.judgment:
        lines.append(f"判定：{cell.judgment}")
    if cell.disputed:
        lines.append("有争议")
    if cell.reason:
        lines.append(cell.reason)
    lines += [_note_line(n, item) for n in cell.notes]
    return "\n".join(lines)


def _figure(fig: Figure) -> _CellSetValue:
    return fig.score if fig.score is not None else "—"


def _offsets(count: int) -> list[tuple[int, int | None, int]]:
    """Per stage: the columns of its score, its change (none for the first) and its text."""
    out: list[tuple[int, int | None, int]] = []
    col = len(_HEADERS) + 1
    for i in range(count):
        if i:
            out.append((col, col + 1, col + 2))
            col += 3
        else:
            out.append((col, None, col + 1))
            col += 2
    return out


def _stage(
    ws: Worksheet,
    row: int,
    where: tuple[int, int | None, int],
    fig: Figure,
    text: str,
    *,
    bold: bool = False,
    value: _CellSetValue = None,
) -> None:
    """One stage's score (or ``value``), change and text; filled when it changed."""
    score_col, delta_col, text_col = where
    _cell(ws, row, score_col, _figure(fig) if value is None else value, center=True)
    if delta_col is not None:
        _cell(ws, row, delta_col, fig.delta_text, center=True)
    _cell(ws, row, text_col, text)
    for col in (score_col, delta_col, text_col):
        if col is None:
            continue
        if bold:
            ws.cell(row, col).font = Font(name=HEAD_FONT, size=10.5)
        if fig.changed:
            ws.cell(row, col).fill = CHANGED_FILL


def _head(ws: Worksheet, row: int, first: _CellSetValue, name: str, points: _CellSetValue) -> None:
    for col, value in enumerate((first, name, points), start=1):
        _cell(ws, row, col, value, center=col != 2)
        ws.cell(row, col).font = Font(name=HEAD_FONT, size=10.5)


def comparison_workbook(campaign: Campaign, result: Comparison) -> bytes:
    """对比 (the three columns with reasons and comments, changes filled, totals and verdict)
    and 说明 (which snapshot version and seal each column comes from)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "对比"
    columns = result.columns
    offsets = _offsets(len(columns))
    names = list(_HEADERS)
    widths = list(_WIDTHS)
    for i, column in enumerate(columns):
        names.append(f"{column.stage_name}得分")
        widths.append(_STAGE_WIDTHS[0])
        if i:
            names.append(f"较{columns[i - 1].stage_name}")
            widths.append(_STAGE_WIDTHS[1])
        names.append(f"{column.stage_name}说明与意见")
        widths.append(_STAGE_WIDTHS[2])
    width = len(names)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    title = f"{campaign.region.name}创建评估逐项对比（自评—省局初审—总局评估）"
    ws.cell(1, 1, title).font = Font(name="方正小标宋简体", size=16)
    ws.cell(1, 1).alignment = CENTER
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.cell(
        2,
        1,
        f"{campaign.name}　　生成于 {timezone.localtime():%Y-%m-%d %H:%M}　　"
        "底色标出的分数与前一阶段不同；各列来源见「说明」工作表"
        + ("　　（只列有差异的项）" if result.only_changed else ""),
    ).font = Font(name=FONT, size=11)
    for col, (name, w) in enumerate(zip(names, widths, strict=True), start=1):
        c = ws.cell(3, col, name)
        c.font = Font(name=HEAD_FONT, size=11)
        c.alignment = CENTER
        c.fill = HEAD_FILL
        c.border = BOX
        ws.column_dimensions[get_column_letter(col)].width = w
    ws.freeze_panes = "D4"
    row = 4
    for level in result.levels:
        _head(ws, row, level.code, level.name, level.points)
        for col in (1, 2, 3):
            ws.cell(row, col).fill = GROUP_FILL
        for where, level_cell in zip(offsets, level.cells, strict=True):
            rate = f"得分率 {pct(level_cell.rate)}" if level_cell.rate is not None else ""
            _stage(ws, row, where, level_cell, rate, bold=True)
        row += 1
        for ind in level.indicators:
            if not ind.whole:
                _head(ws, row, ind.number, ind.name, ind.max)
                for i, (where, fig) in enumerate(zip(offsets, ind.cells, strict=True)):
                    text = "\n".join(_note_line(n, str(ind.number)) for n in ind.notes[i])
                    _stage(ws, row, where, fig, text, bold=True)
                row += 1
            for item in ind.items:
                _cell(ws, row, 1, item.id, center=True)
                _cell(ws, row, 2, item.label)
                _cell(ws, row, 3, item.max, center=True)
                for where, cell in zip(offsets, item.cells, strict=True):
                    _stage(ws, row, where, cell, _describe(cell, item.id))
                row += 1
    row += 1
    top = next((c.total.max for c in columns if c.total.max is not None), None)
    _head(ws, row, "", "总分", top if top is not None else "—")
    for where, column in zip(offsets, columns, strict=True):
        _stage(ws, row, where, column.total, column.source, bold=True)
    row += 1
    _head(ws, row, "", "结论", "")
    for where, column in zip(offsets, columns, strict=True):
        changed = Figure(None, changed=column.verdict_changed)
        _stage(ws, row, where, changed, "", bold=True, value=column.verdict or "—")
    ws.print_title_rows = "3:3"
    ws.print_area = f"A1:{get_column_letter(width)}{row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    # openpyxl always creates pageSetUpPr; the stubs type it as optional.
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    _sources_sheet(wb, campaign, result)
    wb.properties.title = f"{campaign.region.name}创建评估逐项对比"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sources_sheet(wb: Workbook, campaign: Campaign, result: Comparison) -> None:
    ws = wb.create_sheet("说明")
    fields: list[tuple[str, Callable[[Column], _CellSetValue]]] = [
        ("阶段", lambda c: c.stage_name),
        ("来源", lambda c: c.source),
        ("评审轮次", lambda c: c.round_title or "—"),
        ("轮次状态", lambda c: c.round_status or "—"),
        ("快照版本", lambda c: f"v{c.version}" if c.version else "—（未封存）"),
        ("形成方式", lambda c: c.event_name or "—"),
        ("封存时间", lambda c: c.sealed_at or "—"),
        ("封存人", lambda c: c.sealed_by or "—"),
        ("封存摘要 SHA-256", lambda c: c.seal or "—"),
        ("评审对象", lambda c: c.base or "—"),
        ("总分", lambda c: plain(c.total.score) if c.total.score is not None else "—"),
        ("结论", lambda c: c.verdict or "—"),
    ]
    ws.column_dimensions["A"].width = 18
    for col in range(2, len(result.columns) + 2):
        ws.column_dimensions[get_column_letter(col)].width = 70
    for r, (label, get) in enumerate(fields, start=1):
        _cell(ws, r, 1, label)
        ws.cell(r, 1).font = Font(name=HEAD_FONT, size=11)
        ws.cell(r, 1).fill = HEAD_FILL
        for col, column in enumerate(result.columns, start=2):
            _cell(ws, r, col, get(column))
    notes = [
        f"{campaign.name}（{campaign.region.name}），生成于 {date_text(timezone.localdate())}。",
        "各列读自封存快照：自评取最新一次提交的快照，省局初审、总局评估取已通过的快照，"
        "尚无通过时取最近一次退回的快照。",
        "标为「进行中」的列是尚未封存的实时结果（仅审核员和管理员可见），以后可能变化。",
        "核验快照：demozone manage verify_snapshot <快照编号>，重新计算封存摘要和评分表。",
    ]
    for i, text in enumerate(notes, start=len(fields) + 2):
        ws.cell(i, 1, text).font = Font(name=FONT, size=10.5)
        ws.cell(i, 1).alignment = Alignment(wrap_text=False)
