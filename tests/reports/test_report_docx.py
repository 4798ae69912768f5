"""The 自评报告 .docx read back with python-docx: page setup, fonts, content, footer."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Emu

from conftest import require_system_deps
from demozone.core.errors import InputError
from demozone.reports import build_template
from demozone.reports.context import ReportContext, ReportError, context_from_document
from demozone.reports.docx import TEMPLATE, render_report
from demozone.reports.fonts import chart_font
from demozone.reports.model import fmt, pct


def _open(data: bytes) -> DocumentObject:
    return Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def report(ctx: ReportContext) -> DocumentObject:
    return _open(render_report(ctx))


@pytest.fixture(scope="module")
def campaign_report(campaign_ctx: ReportContext) -> DocumentObject:
    return _open(render_report(campaign_ctx))


def _mm(length: Emu | None) -> float:
    assert length is not None
    return round(Emu(length).mm, 1)


def _east_asia_font(style: object) -> str | None:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def _texts(doc: DocumentObject) -> list[str]:
    return [p.text for p in doc.paragraphs]


def _items_table(doc: DocumentObject):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == "编号")


def test_page_is_a4_with_the_gb9704_margins(report: DocumentObject) -> None:
    section = report.sections[0]
    assert (_mm(section.page_width), _mm(section.page_height)) == (210.0, 297.0)
    assert _mm(section.top_margin) == 37.0
    assert _mm(section.bottom_margin) == 35.0
    assert _mm(section.left_margin) == 28.0
    assert _mm(section.right_margin) == 26.0


def test_grid_gives_22_lines_of_28_characters(report: DocumentObject) -> None:
    grid = report.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    pitch_pt = int(grid.get(qn("w:linePitch"))) / 20
    assert pitch_pt == pytest.approx(28.95)
    text_height_pt = (297 - 37 - 35) / 25.4 * 72
    assert int(text_height_pt // pitch_pt) == 22
    char_pitch_pt = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    text_width_pt = (210 - 28 - 26) / 25.4 * 72
    assert round(text_width_pt / char_pitch_pt) == 28


def test_title_is_2hao_xiaobiaosong_centred(report: DocumentObject, ctx: ReportContext) -> None:
    title = report.paragraphs[0]
    assert title.text == "盐城市创建全国网络市场监管与服务示范区自评报告" == ctx.title
    assert title.style.name == "Title"
    assert _east_asia_font(title.style) == "方正小标宋简体"
    assert title.style.font.size.pt == 22
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_body_is_3hao_fangsong(report: DocumentObject) -> None:
    normal = report.styles["Normal"]
    assert _east_asia_font(normal) == "仿宋_GB2312"
    assert normal.font.size.pt == 16
    defaults = report.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    assert defaults.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"


@pytest.mark.parametrize(
    ("style", "font", "bold", "example"),
    [
        ("Heading 1", "黑体", False, "一、总体情况"),
        ("Heading 2", "楷体_GB2312", False, "（一）总分与结论"),
        (
            "Heading 3",
            "仿宋_GB2312",
            True,
            "1.网络交易经营者数量占市场主体比重（第3项，2分，得1分）",
        ),
    ],
)
def test_headings_use_heiti_kaiti_and_bold_fangsong_by_level(
    report: DocumentObject, style: str, font: str, bold: bool, example: str
) -> None:
    s = report.styles[style]
    assert _east_asia_font(s) == font
    assert s.font.size.pt == 16
    assert bool(s.font.bold) is bold
    assert any(p.text == example and p.style.name == style for p in report.paragraphs)


def test_no_style_takes_its_font_from_the_theme(report: DocumentObject) -> None:
    # A theme font attribute would silently override the GB/T 9704 names in Word.
    xml = report.styles.element.xml
    assert "eastAsiaTheme" not in xml
    assert "asciiTheme" not in xml


def test_footer_numbers_pages_in_songti_odd_right_even_left(report: DocumentObject) -> None:
    section = report.sections[0]
    assert report.settings.odd_and_even_pages_header_footer is True
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        par = footer.paragraphs[0]
        assert par.alignment == alignment
        xml = par._p.xml
        assert 'w:fldCharType="begin"' in xml
        assert "PAGE" in "".join(t.text for t in par._p.iter(qn("w:instrText")))
        assert par.text.startswith("— ") and par.text.endswith(" —")
        run = par.runs[0]
        assert run.font.size.pt == 14
        assert run._r.rPr.find(qn("w:rFonts")).get(qn("w:ascii")) == "宋体"


def test_summary_states_total_and_verdict(report: DocumentObject, ctx: ReportContext) -> None:
    sc = ctx.scorecard
    assert sc.total == Decimal("87.5")
    assert not sc.passed  # 促进发展 scores 12 of 20: 60% < 75%
    text = "\n".join(_texts(report))
    assert "经自评，盐城市总分87.5分（满分100分）" in text
    assert "自评结论为：未达标" in text
    assert "「促进发展」得分率60.00%，距75.00%尚差3分" in text


def test_level_table_shows_score_points_and_rate_of_each_level(
    report: DocumentObject, ctx: ReportContext
) -> None:
    table = next(t for t in report.tables if t.rows[0].cells[0].text == "一级指标")
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    expected = [
        [lv.name, fmt(lv.max), fmt(lv.score), pct(lv.rate), "是" if lv.rate_ok else "否"]
        for lv in ctx.scorecard.levels
    ]
    assert rows[:-1] == expected
    assert rows[0] == ["促进发展", "20", "12", "60.00%", "否"]
    assert rows[-1] == ["合计", "100", "87.5", "87.50%", "是（总分≥85）"]


def test_item_table_has_the_41_indicators_in_order(
    report: DocumentObject, ctx: ReportContext
) -> None:
    table = _items_table(report)
    assert [c.text for c in table.rows[0].cells] == [
        "编号",
        "三级指标",
        "分值",
        "得分",
        "自评说明",
        "佐证材料",
        "责任单位",
    ]
    rows = [[c.text for c in row.cells] for row in table.rows[1:] if row.cells[0].text.isdigit()]
    assert [int(r[0]) for r in rows] == list(range(1, 42))
    for row, ind in zip(rows, ctx.scorecard.indicators, strict=True):
        assert row[1] == ind.name
        assert (row[2], row[3]) == (fmt(ind.max), fmt(ind.score))
    assert rows[2][4].startswith("人工核定1分")  # #3 is overridden; the reason says so
    assert "2023年：本地区快递业务量增速9.09%" in rows[4][4]


def test_level_rows_separate_the_item_table(report: DocumentObject) -> None:
    table = _items_table(report)
    headings = [r.cells[0].text for r in table.rows[1:] if not r.cells[0].text.isdigit()]
    assert headings == [
        "一、促进发展（20分，得12分，得分率60.00%）",
        "二、规范监管（25分，得23.5分，得分率94.00%）",
        "三、优化服务（20分，得19分，得分率95.00%）",
        "四、探索创新（20分，得18分，得分率90.00%）",
        "五、综合保障（15分，得15分，得分率100.00%）",
    ]


def test_input_file_alone_says_not_provided_for_departments_and_evidence(
    report: DocumentObject,
) -> None:
    rows = [row for row in _items_table(report).rows[1:] if row.cells[0].text.isdigit()]
    assert {(r.cells[5].text, r.cells[6].text) for r in rows} == {("未提供", "未提供")}
    text = "\n".join(_texts(report))
    assert "责任单位栏为「未提供」" in text
    assert "未提供。本报告依据评估数据文件生成" in text
    assert len(report.tables) == 2  # no empty evidence table


def test_campaign_report_shows_departments_evidence_and_the_evidence_list(
    campaign_report: DocumentObject,
) -> None:
    rows = {
        int(r.cells[0].text): r
        for r in _items_table(campaign_report).rows[1:]
        if r.cells[0].text.isdigit()
    }
    assert rows[1].cells[6].text == "市市场监管局（牵头）、市商务局"
    assert rows[5].cells[6].text == "市邮管局"
    assert rows[2].cells[6].text == "未明确"
    assert rows[36].cells[5].text == "36-1、36-2"
    assert rows[1].cells[5].text == "无"
    evidence = campaign_report.tables[-1]
    assert [c.text for c in evidence.rows[0].cells][:3] == ["序号", "编号", "材料名称"]
    assert [[c.text for c in r.cells][:4] for r in evidence.rows[1:]] == [
        ["1", "36-1", "领导小组成立文件", "36.2"],
        ["2", "36-2", "联席会议纪要", "36.1"],
        ["3", "12-1", "信用分级分类监管办法", "12.3"],
    ]


def test_every_indicator_below_its_points_is_a_shortfall_with_department_and_gap(
    campaign_report: DocumentObject, campaign_ctx: ReportContext
) -> None:
    pars = campaign_report.paragraphs
    headings = [(i, p.text) for i, p in enumerate(pars) if p.style.name == "Heading 3"]
    numbers = [int(re.search(r"（第(\d+)项", text).group(1)) for _, text in headings]
    below = [ind.number for ind in campaign_ctx.scorecard.indicators if ind.score < ind.max]
    assert numbers == below
    by_number = dict(zip(numbers, (i for i, _ in headings), strict=True))
    gap_12 = pars[by_number[12] + 1].text
    assert gap_12.startswith("责任单位：市市场监管局（牵头）、市发改委。短板：12.3判定：不符合")
    assert pars[by_number[12] + 2].text.startswith("整改措施：12.3对照「探索开展信用分级分类监管")
    assert pars[by_number[16] + 1].text.startswith("责任单位：市市场监管局（牵头）")


def test_charts_are_embedded_as_two_pictures(report: DocumentObject) -> None:
    if chart_font() is None:
        require_system_deps()
    assert len(report.inline_shapes) == 2
    assert "图1　各一级指标得分率与认定标准" in _texts(report)


def test_issuer_and_date_close_the_report(report: DocumentObject) -> None:
    texts = _texts(report)
    assert "盐城市创建全国网络市场监管与服务示范区工作领导小组办公室" in texts
    assert "2024年6月28日" in texts
    assert "附件：佐证材料清单" in texts


def test_text_from_the_input_is_escaped_not_interpreted(
    sample_input: dict, ctx: ReportContext
) -> None:
    data = {
        **sample_input,
        "overrides": {"3": {"score": 1, "reason": "口径<调整> & {{ total }}\x07"}},
    }
    doc = _open(render_report(context_from_document(data, date=ctx.date)))
    row3 = next(r for r in _items_table(doc).rows if r.cells[0].text == "3")
    assert "口径<调整> & {{ total }}" in row3.cells[4].text


def test_an_office_template_with_its_own_layout_is_filled(ctx: ReportContext) -> None:
    own = Document()
    own.add_paragraph("{{ title }}")
    own.add_paragraph("总分：{{ total }}，结论：{{ verdict }}，{{ issuer }}")
    buf = io.BytesIO()
    own.save(buf)
    doc = _open(render_report(ctx, buf.getvalue()))
    assert [p.text for p in doc.paragraphs] == [
        ctx.title,
        f"总分：87.5，结论：未达标，{ctx.issuer_name}",
    ]


def test_a_template_naming_an_unknown_variable_is_refused(ctx: ReportContext) -> None:
    own = Document()
    own.add_paragraph("{{ no_such_thing }}")
    buf = io.BytesIO()
    own.save(buf)
    with pytest.raises(ReportError) as err:
        render_report(ctx, buf.getvalue())
    assert "报告模板有误" in err.value.problems[0].message


def test_a_file_that_is_not_a_docx_is_refused_as_a_template(ctx: ReportContext) -> None:
    with pytest.raises(ReportError) as err:
        render_report(ctx, b"not a word file")
    assert err.value.problems[0].message.startswith("无法打开报告模板")


def test_same_input_gives_the_same_document(ctx: ReportContext) -> None:
    first, second = render_report(ctx), render_report(ctx)
    a, b = zipfile.ZipFile(io.BytesIO(first)), zipfile.ZipFile(io.BytesIO(second))
    assert {n: a.read(n) for n in a.namelist()} == {n: b.read(n) for n in b.namelist()}


def test_bundled_template_is_what_build_template_produces(tmp_path) -> None:
    fresh = tmp_path / "t.docx"
    build_template.main([str(fresh)])
    committed, rebuilt = zipfile.ZipFile(TEMPLATE), zipfile.ZipFile(fresh)
    for name in (
        "word/document.xml",
        "word/styles.xml",
        "word/settings.xml",
        "word/footer1.xml",
        "word/footer2.xml",
    ):
        assert committed.read(name) == rebuilt.read(name), (
            f"{name}: run python -m demozone.reports.build_template"
        )


def test_invalid_input_never_reaches_the_report(sample_input: dict) -> None:
    with pytest.raises(InputError):
        context_from_document({**sample_input, "years": [2023]})
