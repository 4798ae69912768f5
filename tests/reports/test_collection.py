"""The 数据采集表 library: generate, fill in with openpyxl as a liaison would, read back."""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from demozone.core.loader import load_bundled
from demozone.reports.collection import (
    COL_NEW,
    COL_PATH,
    SHEET_META,
    CollectionError,
    Operator,
    Stamp,
    Stored,
    build_workbook,
    changes,
    plan_for,
    read_workbook,
)

KEY = b"test-key"
YEARS = (2022, 2023)
STAMP = Stamp(7, "盐城市创建活动", 3, "市人社局", YEARS, "f" * 64, "2024-06-01T10:00:00+08:00")
STORED = Stored(
    values={"counts.online_employment": Decimal(45000), "counts.tips_total": Decimal(900)},
    judgments={"11.3": True, "10": Decimal("1.5")},
    operators=(Operator("某电子商务有限公司", 2023, Decimal(25000)),),
)


@pytest.fixture(scope="module")
def fw():  # type: ignore[no-untyped-def]
    return load_bundled()


def generate(fw: Any, numbers: list[int], stored: Stored = STORED, **kw: Any) -> bytes:
    return build_workbook(plan_for(fw, YEARS, numbers, **kw), stored, STAMP, key=KEY)


def rows_by_path(ws: Worksheet) -> dict[str, int]:
    return {
        str(ws.cell(r, COL_PATH).value): r
        for r in range(4, ws.max_row + 1)
        if ws.cell(r, COL_PATH).value
    }


def fill(data: bytes, values: dict[str, Any], sheet: str = "数据") -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheet]
    where = rows_by_path(ws)
    for path, value in values.items():
        ws.cell(where[path], COL_NEW).value = value
    return save(wb)


def save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_department_gets_only_the_rows_of_its_own_indicators(fw) -> None:
    wb = load_workbook(io.BytesIO(generate(fw, [7, 20, 22])))
    assert wb.sheetnames == ["数据", "判定", "说明", SHEET_META]
    data = rows_by_path(wb["数据"])
    assert set(data) == {"counts.online_employment", "counts.total_employment"}
    judged = rows_by_path(wb["判定"])
    assert set(judged) == {
        f"judgments.{i}" for i in ("20.1", "20.2", "20.3", "22.1", "22.2", "22.3")
    }
    ws = wb["数据"]
    header = [c.value for c in ws[3]][:7]
    assert header == ["指标编号", "指标项", "单位", "年度", "当前值", "填报值", "说明"]
    row = data["counts.online_employment"]
    assert [ws.cell(row, c).value for c in (1, 2, 3, 5)] == [
        "7",
        "网络市场就业人员数量",
        "人",
        45000,
    ]
    assert "整数" in ws.cell(row, 7).value
    assert "不能大于「地方就业人员总数量」" in ws.cell(row, 7).value


def test_only_the_fill_in_column_is_unlocked_and_every_sheet_is_protected(fw) -> None:
    wb = load_workbook(io.BytesIO(generate(fw, [1, 10, 11])))
    for name in ("数据", "判定", "说明"):
        assert wb[name].protection.sheet, name
    assert wb.security is not None and wb.security.lockStructure
    ws = wb["数据"]
    for row in rows_by_path(ws).values():
        unlocked = [c for c in range(1, 9) if not ws.cell(row, c).protection.locked]
        assert unlocked == [COL_NEW]
    assert all(ws.cell(3, c).protection.locked for c in range(1, 9))
    assert ws.column_dimensions["H"].hidden and ws.freeze_panes == "A4"


def test_numbers_percentages_and_judgments_carry_excel_validations(fw) -> None:
    wb = load_workbook(io.BytesIO(generate(fw, [1, 10, 11, 25])))
    ws = wb["数据"]
    rows = rows_by_path(ws)

    def rule_of(sheet: Worksheet, row: int) -> Any:
        cell = f"F{row}"
        found = [dv for dv in sheet.data_validations.dataValidation if cell in dv.sqref]
        assert len(found) == 1, cell
        return found[0]

    count = rule_of(ws, rows["counts.platform_users"])
    assert (count.type, count.operator, count.formula1) == ("whole", "greaterThanOrEqual", "0")
    rate = rule_of(ws, rows["rates.region.satisfaction"])
    assert (rate.type, rate.operator, rate.formula1, rate.formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    growth = rule_of(ws, rows["statistics.region.online_retail_growth.2022"])
    assert (growth.type, growth.formula1) == ("decimal", "-100")
    level = rule_of(ws, rows["statistics.region.online_retail_sales.2021"])
    assert (level.type, level.formula1) == ("decimal", "0")
    assert count.showErrorMessage and "不小于 0" in count.error

    js = wb["判定"]
    jrows = rows_by_path(js)
    sub = rule_of(js, jrows["judgments.11.3"])
    assert sub.type == "list" and sub.formula1 == '"是,否"'
    whole = rule_of(js, jrows["judgments.10"])
    assert (whole.type, whole.formula1, whole.formula2) == ("decimal", "0", "2")
    assert js.cell(jrows["judgments.11.3"], 5).value == "是"
    assert js.cell(jrows["judgments.10"], 5).value == "1.5 分"


def test_the_hidden_sheet_is_very_hidden_and_carries_the_stamp(fw) -> None:
    wb = load_workbook(io.BytesIO(generate(fw, [7])))
    meta = wb[SHEET_META]
    assert meta.sheet_state == "veryHidden"
    payload = json.loads(meta["A3"].value)
    assert payload["stamp"]["campaign_id"] == 7 and payload["stamp"]["department_id"] == 3
    assert payload["stamp"]["years"] == [2022, 2023]
    assert len(meta["A2"].value) == 64


def test_what_is_filled_in_reads_back_exactly(fw) -> None:
    data = generate(fw, [1, 7, 25], stored=Stored())
    typed = {
        "statistics.region.online_retail_sales.2021": 1000.5,
        "statistics.region.online_retail_sales.2022": "1,100",
        "statistics.region.online_retail_growth.2023": -3.25,
        "counts.online_employment": 45000,
        "counts.total_employment": "４１０００００",
        "rates.region.satisfaction": "92.5",
        "rates.national.satisfaction": 90,
    }
    upload = read_workbook(fill(data, typed), key=KEY)
    assert upload.stamp == STAMP
    got = {row.path: row.new for row in upload.rows if row.new is not None}
    assert got == {
        "statistics.region.online_retail_sales.2021": Decimal("1000.5"),
        "statistics.region.online_retail_sales.2022": Decimal(1100),
        "statistics.region.online_retail_growth.2023": Decimal("-3.25"),
        "counts.online_employment": Decimal(45000),
        "counts.total_employment": Decimal(4100000),
        "rates.region.satisfaction": Decimal("92.5"),
        "rates.national.satisfaction": Decimal(90),
    }
    found = changes(upload, Stored())
    assert {c.path: c.value for c in found} == got
    assert all(c.current is None and c.current_text == "（未填报）" for c in found)


def test_a_blank_cell_keeps_the_stored_value_and_an_equal_one_is_no_change(fw) -> None:
    data = generate(fw, [7, 17])
    upload = read_workbook(
        fill(data, {"counts.online_employment": 45000, "counts.tips_total": 950}), key=KEY
    )
    found = changes(upload, STORED)
    assert [(c.path, c.current, c.new) for c in found] == [
        ("counts.tips_total", Decimal(900), Decimal(950))
    ]
    row = rows_by_path(load_workbook(io.BytesIO(data))["数据"])["counts.tips_total"]
    assert found[0].where == f"工作表 数据 F{row}"


def test_judgments_read_as_yes_no_and_scores(fw) -> None:
    data = generate(fw, [10, 11, 28])
    upload = read_workbook(
        fill(data, {"judgments.11.3": "否", "judgments.10": 2, "judgments.28.1": "是"}, "判定"),
        key=KEY,
    )
    found = {c.path: (c.current, c.new) for c in changes(upload, STORED)}
    assert found == {
        "judgments.11.3": (True, False),
        "judgments.10": (Decimal("1.5"), Decimal(2)),
        "judgments.28.1": (None, True),
    }


def test_every_broken_cell_is_named_with_its_sheet_and_cell(fw) -> None:
    data = generate(fw, [7, 10, 11, 25])
    wb = load_workbook(io.BytesIO(data))
    ws, js = wb["数据"], wb["判定"]
    rows, jrows = rows_by_path(ws), rows_by_path(js)
    ws.cell(rows["counts.online_employment"], COL_NEW).value = -5
    ws.cell(rows["counts.total_employment"], COL_NEW).value = "约四百万"
    ws.cell(rows["counts.platform_users"], COL_NEW).value = 3.5
    ws.cell(rows["rates.region.satisfaction"], COL_NEW).value = 120
    js.cell(jrows["judgments.11.3"], COL_NEW).value = "也许"
    js.cell(jrows["judgments.10"], COL_NEW).value = 1.3
    with pytest.raises(CollectionError) as err:
        read_workbook(save(wb), key=KEY)
    assert err.value.lines() == [
        f"工作表 数据 F{rows['counts.online_employment']}：应为不小于 0 的数字",
        f"工作表 数据 F{rows['counts.total_employment']}：应为数字，实际为文本「约四百万」",
        f"工作表 数据 F{rows['counts.platform_users']}：应为整数",
        f"工作表 数据 F{rows['rates.region.satisfaction']}：应为 0—100 之间的数字（百分数，不带 % 号）",
        f"工作表 判定 F{jrows['judgments.10']}：应为 0—2 之间、以 0.5 为步长的分数",
        f"工作表 判定 F{jrows['judgments.11.3']}：应为「是」或「否」",
    ]
    assert "未导入任何数据" in err.value.describe()


def test_a_percentage_typed_with_a_percent_sign_reads_as_a_percentage(fw) -> None:
    data = generate(fw, [25], stored=Stored())
    wb = load_workbook(io.BytesIO(data))
    ws = wb["数据"]
    rows = rows_by_path(ws)
    # Excel stores 「95.5%」 as 0.955 with a percent format.
    cell = ws.cell(rows["rates.region.satisfaction"], COL_NEW)
    cell.value, cell.number_format = 0.955, "0.0%"
    ws.cell(rows["rates.national.satisfaction"], COL_NEW).value = "90%"
    got = {r.path: r.new for r in read_workbook(save(wb), key=KEY).rows if r.new is not None}
    assert got == {
        "rates.region.satisfaction": Decimal("95.5"),
        "rates.national.satisfaction": Decimal(90),
    }


def test_a_value_changed_on_the_platform_after_generation_is_a_conflict(fw) -> None:
    data = generate(fw, [17])
    upload = read_workbook(fill(data, {"counts.tips_total": 1000}), key=KEY)
    now = Stored(values={**STORED.values, "counts.tips_total": Decimal(905)})
    with pytest.raises(CollectionError) as err:
        changes(upload, now)
    (line,) = err.value.lines()
    assert line.startswith("工作表 数据 F") and "生成时为 900，现为 905" in line


def test_a_workbook_signed_with_another_key_or_edited_underneath_is_refused(fw) -> None:
    data = generate(fw, [7])
    with pytest.raises(CollectionError, match="校验信息不符"):
        read_workbook(data, key=b"another-key")
    wb = load_workbook(io.BytesIO(data))
    meta = wb[SHEET_META]
    meta["A3"] = meta["A3"].value.replace('"department_id":3', '"department_id":4')
    with pytest.raises(CollectionError, match="校验信息不符"):
        read_workbook(save(wb), key=KEY)


def test_moved_rows_are_refused(fw) -> None:
    wb = load_workbook(io.BytesIO(generate(fw, [7])))
    ws = wb["数据"]
    first, second = sorted(rows_by_path(ws).values())
    a, b = ws.cell(first, COL_PATH).value, ws.cell(second, COL_PATH).value
    ws.cell(first, COL_PATH).value, ws.cell(second, COL_PATH).value = b, a
    with pytest.raises(CollectionError) as err:
        read_workbook(save(wb), key=KEY)
    assert all("表格结构已被改动" in line for line in err.value.lines())
    assert len(err.value.problems) == 2


def test_other_files_are_refused_with_a_clear_message(fw) -> None:
    with pytest.raises(CollectionError, match="不是有效的 Excel 工作簿"):
        read_workbook(b"PK\x03\x04 not really", key=KEY)
    with pytest.raises(CollectionError, match="不是本平台生成的数据采集表"):
        read_workbook(save(Workbook()), key=KEY)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/big.xml", b"0" * (70 * 1024 * 1024))
    with pytest.raises(CollectionError, match="不是有效的 Excel 工作簿"):
        read_workbook(bomb.getvalue(), key=KEY)


def test_a_formula_without_a_computed_value_is_refused_at_its_cell(fw) -> None:
    data = generate(fw, [7], stored=Stored())
    with pytest.raises(CollectionError) as err:
        read_workbook(fill(data, {"counts.online_employment": "=40000+5000"}), key=KEY)
    (line,) = err.value.lines()
    assert line.startswith("工作表 数据 F") and "公式" in line


def test_the_operator_list_replaces_the_stored_one(fw) -> None:
    data = generate(fw, [4], zone="east")
    wb = load_workbook(io.BytesIO(data))
    ws = wb["规上经营者"]
    assert "东部地区标准" in ws["A2"].value and ws["B6"].value == "某电子商务有限公司"
    ws["B7"], ws["C7"], ws["D7"] = "另一电商公司", 2022, 30000.5
    (change,) = changes(read_workbook(save(wb), key=KEY), STORED)
    assert change.path == "large_operators" and change.where == "工作表 规上经营者"
    assert change.value == [
        {"name": "某电子商务有限公司", "year": 2023, "ecommerce_sales": Decimal(25000)},
        {"name": "另一电商公司", "year": 2022, "ecommerce_sales": Decimal("30000.5")},
    ]
    # Untouched: no change. Emptied with 「没有新增」: an empty list (none, 0 points).
    assert changes(read_workbook(data, key=KEY), STORED) == ()
    for col in "BCD":
        ws[f"{col}6"] = ws[f"{col}7"] = None
    ws["C3"] = "是"
    (change,) = changes(read_workbook(save(wb), key=KEY), STORED)
    assert change.value == [] and change.new_text == "无新增"


def test_a_broken_operator_row_names_its_cells(fw) -> None:
    wb = load_workbook(io.BytesIO(generate(fw, [4])))
    ws = wb["规上经营者"]
    ws["C8"], ws["D8"] = 1999.5, -1
    with pytest.raises(CollectionError) as err:
        read_workbook(save(wb), key=KEY)
    assert err.value.lines() == [
        "工作表 规上经营者 B8：缺少经营者名称",
        "工作表 规上经营者 C8：应为 2000—2100 之间的年份",
        "工作表 规上经营者 D8：应为不小于 0 的数字",
    ]


def test_fallback_judgments_are_asked_only_when_the_data_cannot_decide(fw) -> None:
    plain = plan_for(fw, YEARS, [3, 11])
    assert [j.item for j in plain.judgments] == ["11.3"]
    open_ = plan_for(fw, YEARS, [3, 11], open_items={"3"})
    assert [j.item for j in open_.judgments] == ["3", "11.3"]
    assert not open_.judgments[0].choice and open_.judgments[0].max == 2


def test_the_office_workbook_covers_every_indicator(fw) -> None:
    plan = plan_for(fw, YEARS, range(1, 42))
    needs_paths = {f.path for f in plan.figures}
    assert "counts.institutional_outputs" in needs_paths and plan.operators
    assert {j.item for j in plan.judgments} >= {"10", "16", "28.1", "41.2"}
    wb = load_workbook(io.BytesIO(build_workbook(plan, STORED, STAMP, key=KEY)))
    assert wb.sheetnames == ["数据", "判定", "规上经营者", "说明", SHEET_META]
    assert len(rows_by_path(wb["数据"])) == len(plan.figures)
