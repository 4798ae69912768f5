"""The scoring workbook read back with openpyxl."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from demozone.reports.context import DataRow, ReportContext
from demozone.reports.xlsx import render_workbook


def _open(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def book(ctx: ReportContext) -> Workbook:
    return _open(render_workbook(ctx))


@pytest.fixture(scope="module")
def campaign_book(campaign_ctx: ReportContext) -> Workbook:
    return _open(render_workbook(campaign_ctx))


def test_workbook_has_the_four_sheets_in_order(book: Workbook) -> None:
    assert book.sheetnames == ["评分表", "责任分工表", "佐证材料清单", "数据明细"]


def test_score_sheet_lists_the_41_indicators_with_points_score_and_reason(
    book: Workbook, ctx: ReportContext
) -> None:
    ws = book["评分表"]
    assert [c.value for c in ws[3]] == [
        "一级指标",
        "二级指标",
        "编号",
        "三级指标",
        "分值",
        "得分",
        "状态",
        "说明",
    ]
    rows = list(ws.iter_rows(min_row=4, max_row=44, values_only=True))
    assert [r[2] for r in rows] == list(range(1, 42))
    for row, ind in zip(rows, ctx.scorecard.indicators, strict=True):
        assert row[3] == ind.name
        assert Decimal(str(row[4])) == ind.max
        assert Decimal(str(row[5])) == ind.score
    assert rows[2][6] == "人工核定"
    assert rows[0][7].startswith("2022年：本地区网上零售额增速 9.95%")


def test_score_sheet_merges_level_and_group_cells_like_the_official_table(book: Workbook) -> None:
    ws = book["评分表"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    # 促进发展 #1–10 on rows 4–13; 发展规模 #1–5, 发展质量 #6–10; 综合保障 #35–41.
    assert {"A4:A13", "B4:B8", "B9:B13", "A38:A44", "B38:B40", "B41:B44"} <= merged
    assert ws["A4"].value == "促进发展\n（20分）"
    assert ws["B9"].value == "发展质量\n（10分）"


def test_score_sheet_totals_with_the_verdict(book: Workbook) -> None:
    ws = book["评分表"]
    assert ws["A45"].value == "合计"
    assert Decimal(str(ws["E45"].value)) == 100
    assert Decimal(str(ws["F45"].value)) == Decimal("87.5")
    assert ws["G45"].value == "未达标"
    assert ws["H45"].value.startswith("自评结论：未达标。总分 87.5 分")
    assert ws["A47"].value == "促进发展得分率"
    assert ws["G47"].value == "60.00%"
    assert ws["H47"].value == "未达到要求，尚差 3 分"


@pytest.mark.parametrize(
    ("sheet", "header"), [("评分表", 3), ("责任分工表", 3), ("佐证材料清单", 3), ("数据明细", 3)]
)
def test_every_sheet_freezes_its_header_and_prints_on_a4(
    book: Workbook, sheet: str, header: int
) -> None:
    ws = book[sheet]
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws.print_title_rows == f"${header}:${header}"
    assert ws.print_area is not None and ws.print_area.startswith(f"'{sheet}'!$A$1:$")
    assert int(ws.page_setup.paperSize) == 9  # A4 in the OOXML paper-size table
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True


def test_wide_sheets_print_landscape(book: Workbook) -> None:
    assert book["评分表"].page_setup.orientation == "landscape"
    assert book["责任分工表"].page_setup.orientation == "landscape"
    assert book["评分表"].column_dimensions["H"].width == 80


def test_score_sheet_print_area_covers_the_table_and_totals(book: Workbook) -> None:
    area = book["评分表"].print_area
    last_row = int(area.rsplit("$", 1)[1])
    assert area.split("!")[1].startswith("$A$1:$H$")
    assert last_row >= 52  # 41 indicators, the total and the five level rates


def test_duty_sheet_follows_attachment_2_and_says_not_provided(book: Workbook) -> None:
    ws = book["责任分工表"]
    assert [c.value for c in ws[3]] == [
        "一级指标", "二级指标", "编号", "变量性质", "三级指标", "指标说明及打分标准", "评估方式及数据或资料来源", "责任部门",
    ]  # fmt: skip
    rows = list(ws.iter_rows(min_row=4, max_row=44, values_only=True))
    assert [r[2] for r in rows] == list(range(1, 42))
    assert rows[0][4] == "网上零售额同比增速。（2分）"
    assert (
        rows[0][6]
        == "方式：数据比对、资料审查。\n数据或资料来源：1.国家统计局官网；2.创建对象提供。"
    )
    assert {r[7] for r in rows} == {"未提供"}
    assert "A4:A13" in {str(r) for r in ws.merged_cells.ranges}


def test_duty_sheet_names_lead_and_supporting_departments(campaign_book: Workbook) -> None:
    ws = campaign_book["责任分工表"]
    assert ws["H4"].value == "牵头：市市场监管局\n配合：市商务局"
    assert ws["H8"].value == "牵头：市邮管局"
    assert ws["H5"].value == "未明确"


def test_evidence_sheet_lists_each_file_with_its_full_hash(
    campaign_book: Workbook, book: Workbook
) -> None:
    ws = campaign_book["佐证材料清单"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert [r[:5] for r in rows] == [
        (1, "36-1", "领导小组成立文件", "36", "36.2"),
        (2, "36-2", "联席会议纪要", "36", "36.1"),
        (3, "12-1", "信用分级分类监管办法", "12", "12.3"),
    ]
    assert rows[0][6] == "a" * 64
    assert book["佐证材料清单"]["A4"].value.startswith("未提供")


def test_data_sheet_lists_every_figure_with_path_name_unit_year_and_value(
    book: Workbook, sample_input: dict
) -> None:
    ws = book["数据明细"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["statistics.region.online_retail_sales.2021"][1:] == (
        "本地区网上零售额",
        "亿元",
        2021,
        1000.5,
    )
    assert rows["counts.online_operators"][1:] == ("网络交易经营者数量", "户", None, 52000)
    assert rows["rates.national.satisfaction"][1:3] == ("全国消费者满意度", "%")
    assert rows["judgments.11.3"][4] == "是"
    assert rows["overrides.3"][1].startswith("3 人工核定")
    counts = sample_input["counts"]
    assert all(f"counts.{k}" in rows for k in counts)
    figures = sum(len(v) for s in sample_input["statistics"].values() for v in s.values())
    assert sum(1 for p in rows if p.startswith("statistics.")) == figures


def test_data_sheet_shows_provenance_when_the_platform_has_it(ctx: ReportContext) -> None:
    entered = dt.datetime(2024, 3, 1, 2, 30, tzinfo=dt.UTC)
    rows = (
        DataRow(
            "online_operators", None, Decimal(52000), "国家网络交易监管平台导出", "张三", entered
        ),
    )
    ws = _open(render_workbook(dataclasses.replace(ctx, data_rows=rows)))["数据明细"]
    assert [c.value for c in ws[3]][5:] == ["来源说明", "填报人", "填报时间"]
    row = next(
        r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] == "counts.online_operators"
    )
    assert row[5:] == ("国家网络交易监管平台导出", "张三", "2024-03-01 10:30")
