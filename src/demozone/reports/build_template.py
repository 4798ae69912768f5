"""Builds the bundled 自评报告 template (``report-template.docx``) with python-docx.

The committed .docx is what :func:`demozone.reports.docx.render_report` fills by default; an office
may copy it, restyle it in Word (red header, its own seal line, other fonts) and pass its copy
instead. This script is run once whenever the layout changes:

    .venv/bin/python -m demozone.reports.build_template

Layout per GB/T 9704-2012 (党政机关公文格式): A4; 版心 156 mm × 225 mm (top 37, bottom 35, left 28,
right 26 mm); 22 lines of 28 characters; title 2号 方正小标宋简体; body 3号 仿宋_GB2312; headings
黑体 / 楷体_GB2312 / 仿宋_GB2312 bold; page numbers 4号 半角宋体 「— 1 —」, odd pages right and even
pages left, each one character from the edge of the text block.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

from demozone.reports.fonts import BODY_FONT, HEI_FONT, KAI_FONT, SONG_FONT, TITLE_FONT

TEMPLATE_PATH = Path(__file__).with_name("report-template.docx")

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
TABLE_PT = 12  # 小四
SMALL_TABLE_PT = 10.5  # 五号
# 225 mm of text height / 22 lines = 28.95 pt a line (in twentieths of a point).
LINE_PITCH_TWIPS = 579
# 156 mm / 28 characters = 15.79 pt a character: 0.207 pt less than the 16 pt font, and Word
# counts that difference in 4096ths of a point.
CHAR_SPACE = -849
TEXT_WIDTH_MM = 156
CONDENSE_TWIPS = -5  # −0.25 pt


# --- low-level helpers ----------------------------------------------------------------------


def _set(el: BaseOxmlElement, tag: str, **attrs: str) -> BaseOxmlElement:
    """The child ``tag`` of ``el`` (created if absent) with ``attrs`` set."""
    found: BaseOxmlElement | None = el.find(qn(tag))
    child = found if found is not None else OxmlElement(tag)
    if found is None:
        el.append(child)
    for key, value in attrs.items():
        child.set(qn(f"w:{key}"), value)
    return child


def set_fonts(rpr: BaseOxmlElement, name: str) -> None:
    """All four font slots to ``name``; East-Asian text only follows ``w:eastAsia``, and a theme
    attribute would override an explicit name, so those are removed."""
    fonts = _set(rpr, "w:rFonts")
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _style(doc: DocxDocument, name: str, *, base: str | None = "Normal") -> ParagraphStyle:
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if base:
            style.base_style = styles[base]
    assert isinstance(style, ParagraphStyle)
    return style


def _configure(
    style: ParagraphStyle,
    *,
    font: str,
    size: float,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    first_line_chars: int | None = None,
    right_chars: int | None = None,
    grid: bool = True,
    outline: int | None = None,
    keep_with_next: bool = False,
) -> None:
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    set_fonts(rpr, font)
    pf = style.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.keep_with_next = keep_with_next
    if align is not None:
        pf.alignment = align
    ppr = style.element.get_or_add_pPr()
    ind = _set(ppr, "w:ind")
    for attr in (
        "firstLine",
        "firstLineChars",
        "left",
        "leftChars",
        "right",
        "rightChars",
        "hanging",
    ):
        ind.attrib.pop(qn(f"w:{attr}"), None)
    if first_line_chars is not None:
        # 「首行缩进 2 字符」: in hundredths of a character, so it follows the font size.
        ind.set(qn("w:firstLineChars"), str(first_line_chars * 100))
        ind.set(qn("w:firstLine"), str(int(first_line_chars * size * 20)))
    if right_chars is not None:
        ind.set(qn("w:rightChars"), str(right_chars * 100))
        ind.set(qn("w:right"), str(int(right_chars * size * 20)))
    if not grid:
        _set(ppr, "w:snapToGrid", val="0")
    if outline is not None:
        _set(ppr, "w:outlineLvl", val=str(outline))
    spacing = _set(ppr, "w:spacing")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")


def _page_number_paragraph(footer_par: Paragraph, align: WD_ALIGN_PARAGRAPH, side: str) -> None:
    """「— 1 —」 in 4号 半角宋体, one character in from the text block's edge on ``side``."""
    par = footer_par
    par.style = "页码"
    par.alignment = align
    ind = _set(par._p.get_or_add_pPr(), "w:ind")
    ind.set(qn(f"w:{side}"), str(PAGE_NUMBER_PT * 20))
    ind.set(qn(f"w:{side}Chars"), "100")

    def run(text: str | None = None, fld: str | None = None, instr: str | None = None) -> None:
        r = par.add_run(text or "")
        set_fonts(r._r.get_or_add_rPr(), SONG_FONT)
        r.font.size = Pt(PAGE_NUMBER_PT)
        if fld is not None:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), fld)
            r._r.append(el)
        if instr is not None:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
            r._r.append(el)

    run("— ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


def _cell_text(cell: object, text: str, style: str) -> None:
    par = cell.paragraphs[0]  # type: ignore[attr-defined]
    par.style = style
    if text:
        par.add_run(text)


def _table(
    doc: DocxDocument, widths_mm: list[float], header: list[str], header_style: str
) -> Table:
    table: Table = doc.add_table(rows=1, cols=len(widths_mm))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tblpr = table._tbl.tblPr
    _set(tblpr, "w:tblW", w=str(int(sum(widths_mm) / 25.4 * 1440)), type="dxa")
    _set(tblpr, "w:tblLayout", type="fixed")
    # Narrow cell margins (1 mm): the score columns must hold two digits and a point at 五号.
    margins = _set(tblpr, "w:tblCellMar")
    for side in ("left", "right"):
        _set(margins, f"w:{side}", w="57", type="dxa")
    for i, width in enumerate(widths_mm):
        table.columns[i].width = Mm(width)
    row = table.rows[0]
    # The header row repeats on every page and never splits.
    trpr = row._tr.get_or_add_trPr()
    _set(trpr, "w:tblHeader", val="1")
    _set(trpr, "w:cantSplit", val="1")
    for i, text in enumerate(header):
        row.cells[i].width = Mm(widths_mm[i])
        _cell_text(row.cells[i], text, header_style)
    return table


def _row(
    table: Table,
    texts: list[str],
    styles: list[str],
    widths_mm: list[float],
    *,
    merge: bool = False,
    last: bool = False,
) -> None:
    row = table.add_row()  # type: ignore[no-untyped-call]
    for i, width in enumerate(widths_mm):
        row.cells[i].width = Mm(width)
    if merge:
        merged = row.cells[0].merge(row.cells[len(widths_mm) - 1])
        _cell_text(merged, texts[0], styles[0])
        return
    for i, text in enumerate(texts):
        _cell_text(row.cells[i], text, styles[i])
        if last:  # the end of a table kept together: what follows may go to the next page
            row.cells[i].paragraphs[0].paragraph_format.keep_with_next = False


def _tag_row(table: Table, tag: str, style: str, widths_mm: list[float]) -> None:
    """A row holding only a docxtpl ``{%tr … %}`` tag; docxtpl removes the row itself."""
    _row(table, [tag], [style], widths_mm, merge=True)


# --- the document ---------------------------------------------------------------------------


def build() -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # The page number's top sits 7 mm below the text block (GB/T 9704 7.5): 35 − 7 − one 4号 line.
    section.footer_distance = Mm(22)
    grid = _set(section._sectPr, "w:docGrid")
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))
    doc.settings.odd_and_even_pages_header_footer = True

    # Document defaults: Chinese language, the body font, 3号.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    drpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(drpr, BODY_FONT)
    _set(drpr, "w:sz", val=str(BODY_PT * 2))
    _set(drpr, "w:szCs", val=str(BODY_PT * 2))
    _set(drpr, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")

    center, right, left, justify = (
        WD_ALIGN_PARAGRAPH.CENTER,
        WD_ALIGN_PARAGRAPH.RIGHT,
        WD_ALIGN_PARAGRAPH.LEFT,
        WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    _configure(
        _style(doc, "Normal", base=None),
        font=BODY_FONT,
        size=BODY_PT,
        align=justify,
        first_line_chars=2,
    )
    # LibreOffice lays a character grid out in whole cells: a 16 pt glyph in a 15.79 pt cell takes
    # two. Condensing the body text by 0.25 pt makes each glyph fit one cell there, and Word still
    # sets 28 characters a line (its grid pitch already includes the difference).
    _set(doc.styles["Normal"].element.get_or_add_rPr(), "w:spacing", val=str(CONDENSE_TWIPS))
    _configure(
        _style(doc, "Title"),
        font=TITLE_FONT,
        size=TITLE_PT,
        align=center,
        first_line_chars=0,
        grid=False,
    )
    title_ppr = doc.styles["Title"].element.get_or_add_pPr()
    border = title_ppr.find(qn("w:pBdr"))
    if border is not None:  # python-docx's default Title has a rule under it
        title_ppr.remove(border)
    _configure(
        _style(doc, "Heading 1"),
        font=HEI_FONT,
        size=BODY_PT,
        first_line_chars=2,
        outline=0,
        keep_with_next=True,
        align=justify,
    )
    _configure(
        _style(doc, "Heading 2"),
        font=KAI_FONT,
        size=BODY_PT,
        first_line_chars=2,
        outline=1,
        keep_with_next=True,
        align=justify,
    )
    _configure(
        _style(doc, "Heading 3"),
        font=BODY_FONT,
        size=BODY_PT,
        bold=True,
        first_line_chars=2,
        outline=2,
        keep_with_next=True,
        align=justify,
    )
    _configure(
        _style(doc, "署名"),
        font=BODY_FONT,
        size=BODY_PT,
        align=right,
        first_line_chars=0,
        right_chars=2,
    )
    _configure(
        _style(doc, "署名（长）"),
        font=BODY_FONT,
        size=BODY_PT,
        align=right,
        first_line_chars=0,
        right_chars=0,
    )
    _configure(
        _style(doc, "成文日期"),
        font=BODY_FONT,
        size=BODY_PT,
        align=right,
        first_line_chars=0,
        right_chars=4,
    )
    _configure(_style(doc, "附件标识"), font=HEI_FONT, size=BODY_PT, align=left, first_line_chars=0)
    _configure(
        _style(doc, "表题"),
        font=HEI_FONT,
        size=14,
        align=center,
        first_line_chars=0,
        keep_with_next=True,
    )
    _configure(_style(doc, "图题"), font=BODY_FONT, size=14, align=center, first_line_chars=0)
    _configure(
        _style(doc, "图片"),
        font=BODY_FONT,
        size=BODY_PT,
        align=center,
        first_line_chars=0,
        grid=False,
        keep_with_next=True,
    )
    _configure(_style(doc, "注释"), font=BODY_FONT, size=14, align=justify, first_line_chars=2)
    _configure(
        _style(doc, "页码"), font=SONG_FONT, size=PAGE_NUMBER_PT, first_line_chars=0, grid=False
    )
    # The small level table is kept on one page (its paragraphs keep with the next); the long
    # tables may break between rows, never inside one, and repeat their header.
    for name, font, size, align, keep in (
        ("表头", HEI_FONT, TABLE_PT, center, True),
        ("表格文字", BODY_FONT, TABLE_PT, left, True),
        ("表格文字居中", BODY_FONT, TABLE_PT, center, True),
        ("小表头", HEI_FONT, SMALL_TABLE_PT, center, False),
        ("小表文字", BODY_FONT, SMALL_TABLE_PT, left, False),
        ("小表文字居中", BODY_FONT, SMALL_TABLE_PT, center, False),
    ):
        _configure(
            _style(doc, name),
            font=font,
            size=size,
            align=align,
            first_line_chars=0,
            grid=False,
            keep_with_next=keep,
        )

    # python-docx's stock styles (Heading 4–9, Caption, Quote …) name theme fonts, which would win
    # over the document's fonts in Word; without them they inherit 仿宋_GB2312.
    for fonts in doc.styles.element.iter(qn("w:rFonts")):
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{attr}"), None)

    _footers(doc)
    _body(doc)
    return doc


def _footers(doc: DocxDocument) -> None:
    section = doc.sections[0]
    _page_number_paragraph(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT, "right")
    _page_number_paragraph(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT, "left")


def _p(doc: DocxDocument, text: str = "", style: str = "Normal", *, keep: bool = False) -> None:
    par = doc.add_paragraph(style=style)
    if keep:
        par.paragraph_format.keep_with_next = True
    if text:
        par.add_run(text)


def _body(doc: DocxDocument) -> None:
    _p(doc, "{{ title }}", "Title")
    _p(doc)
    _p(doc, "{{ intro }}")

    _p(doc, "一、总体情况", "Heading 1")
    _p(doc, "（一）总分与结论", "Heading 2")
    _p(doc, "{{ summary }}")
    _p(doc, "{{ shortfall_summary }}")
    _p(doc, "（二）一级指标得分情况", "Heading 2")
    _p(doc, "{{ levels_intro }}")
    _p(doc, "表1　一级指标得分情况", "表题")
    widths = [46.0, 22.0, 22.0, 30.0, 36.0]
    table = _table(doc, widths, ["一级指标", "分值", "得分", "得分率", "{{ rate_header }}"], "表头")
    body = ["表格文字"] + ["表格文字居中"] * 4
    _tag_row(table, "{%tr for l in levels %}", "表格文字", widths)
    _row(
        table,
        ["{{ l.name }}", "{{ l.points }}", "{{ l.score }}", "{{ l.rate }}", "{{ l.ok_text }}"],
        body,
        widths,
    )
    _tag_row(table, "{%tr endfor %}", "表格文字", widths)
    _row(
        table,
        ["合计", "{{ max_total }}", "{{ total }}", "{{ total_rate }}", "{{ total_ok_text }}"],
        body,
        widths,
        last=True,
    )

    _p(doc, "（三）得分率图示", "Heading 2")
    _p(doc, "{%p if bar_chart %}")
    _p(doc, "{{ bar_chart }}", "图片")
    _p(doc, "图1　各一级指标得分率与认定标准", "图题")
    _p(doc, "{{ radar_chart }}", "图片")
    _p(doc, "图2　各一级指标得分率雷达图", "图题")
    _p(doc, "{%p else %}")
    _p(doc, "{{ charts_note }}")
    _p(doc, "{%p endif %}")

    _p(doc, "二、逐项{{ items_word }}", "Heading 1")
    _p(doc, "{{ items_intro }}")
    _p(doc, "表2　三级指标逐项{{ items_word }}", "表题")
    widths = [9.0, 28.0, 10.0, 10.0, 65.0, 14.0, 20.0]
    table = _table(
        doc,
        widths,
        ["编号", "三级指标", "分值", "得分", "自评说明", "佐证材料", "责任单位"],
        "小表头",
    )
    body = [
        "小表文字居中",
        "小表文字",
        "小表文字居中",
        "小表文字居中",
        "小表文字",
        "小表文字居中",
        "小表文字",
    ]
    _tag_row(table, "{%tr for g in indicator_groups %}", "小表文字", widths)
    _row(table, ["{{ g.heading }}"], ["小表头"], widths, merge=True)
    _tag_row(table, "{%tr for r in g.rows %}", "小表文字", widths)
    _row(
        table,
        [
            "{{ r.number }}",
            "{{ r.name }}",
            "{{ r.points }}",
            "{{ r.score }}",
            "{{ r.reason }}",
            "{{ r.evidence }}",
            "{{ r.departments }}",
        ],
        body,
        widths,
    )
    _tag_row(table, "{%tr endfor %}", "小表文字", widths)
    _tag_row(table, "{%tr endfor %}", "小表文字", widths)
    _p(doc, "{{ items_note }}", "注释")

    _p(doc, "三、短板与整改措施", "Heading 1")
    _p(doc, "{{ shortfall_intro }}")
    _p(doc, "{%p for lvl in shortfall_levels %}")
    _p(doc, "{{ lvl.heading }}", "Heading 2")
    _p(doc, "{%p for s in lvl.entries %}")
    _p(doc, "{{ s.heading }}", "Heading 3")
    _p(doc, "{{ s.gap }}")
    _p(doc, "{{ s.measure }}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endfor %}")

    # 附件说明, 署名 and 成文日期 stay together: a signature alone on a page is not allowed.
    _p(doc, keep=True)
    _p(doc, "附件：佐证材料清单", keep=True)
    _p(doc, keep=True)
    _p(doc, keep=True)
    _p(doc, "{%p if issuer_fits %}")
    _p(doc, "{{ issuer }}", "署名", keep=True)
    _p(doc, "{%p else %}")
    _p(doc, "{{ issuer }}", "署名（长）", keep=True)
    _p(doc, "{%p endif %}")
    _p(doc, "{{ date }}", "成文日期")

    page_break = doc.add_paragraph()
    page_break.add_run().add_break(WD_BREAK.PAGE)
    _p(doc, "附件", "附件标识")
    _p(doc)
    _p(doc, "佐证材料清单", "Title")
    _p(doc)
    _p(doc, "{%p if evidence %}")
    widths = [10.0, 16.0, 46.0, 20.0, 34.0, 30.0]
    table = _table(
        doc,
        widths,
        ["序号", "编号", "材料名称", "对应项目", "文件名", "SHA-256（前16位）"],
        "小表头",
    )
    body = ["小表文字居中", "小表文字居中", "小表文字", "小表文字居中", "小表文字", "小表文字"]
    _tag_row(table, "{%tr for e in evidence %}", "小表文字", widths)
    _row(
        table,
        [
            "{{ e.index }}",
            "{{ e.number }}",
            "{{ e.title }}",
            "{{ e.item_ids }}",
            "{{ e.filename }}",
            "{{ e.sha256 }}",
        ],
        body,
        widths,
    )
    _tag_row(table, "{%tr endfor %}", "小表文字", widths)
    _p(doc, "{%p else %}")
    _p(doc, "{{ evidence_note }}")
    _p(doc, "{%p endif %}")


def main(argv: list[str] | None = None) -> int:
    target = Path(argv[0]) if argv else TEMPLATE_PATH
    build().save(str(target))
    sys.stdout.write(f"{target}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
