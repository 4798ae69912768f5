"""The PDF: its text, its pages as pictures, and a glyph for every Chinese character."""

from __future__ import annotations

import io
import logging
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from PIL import Image
from pypdf import PdfReader
from report_pdf_glyphs import drawable_characters, embedded_glyphs

from conftest import require_system_deps
from demozone.reports.context import ReportContext, ReportError
from demozone.reports.docx import render_report
from demozone.reports.pdf import docx_to_pdf, lines_only_grid

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "reports"
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3001-\u303f\uff01-\uff5e]")


@pytest.fixture(autouse=True)
def _quiet_fonttools() -> None:
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def _pdftotext(pdf: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def _report_text(docx: bytes) -> str:
    doc = Document(io.BytesIO(docx))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    section = doc.sections[0]
    parts += [
        p.text for footer in (section.footer, section.even_page_footer) for p in footer.paragraphs
    ]
    return "\n".join(parts)


def test_pdf_is_a4_and_states_total_verdict_and_indicators(report_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(report_pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    text = re.sub(r"\s+", "", _pdftotext(report_pdf))
    assert "盐城市创建全国网络市场监管与服务示范区" in text
    assert "总分87.5分（满分100分）" in text
    assert "自评结论为：未达标" in text
    for name in (
        "网上零售额同比增速",
        "强化智慧监管",
        "发挥信用监管的基础作用",
        "强化普法、宣传，营造良好社会氛围",
    ):
        assert name in text
    assert "—1—" in text and "—2—" in text


def test_every_font_in_the_pdf_is_embedded(report_pdf: bytes) -> None:
    done = subprocess.run(["pdffonts", "-"], input=report_pdf, capture_output=True, check=False)
    if done.returncode != 0:  # older poppler cannot read stdin
        path = ARTIFACTS / "report.pdf"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path.write_bytes(report_pdf)
        done = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True)
    lines = done.stdout.decode().splitlines()[2:]
    assert lines, "no fonts listed"
    for line in lines:
        cols = line.split()
        assert cols[-5] == "yes", f"not embedded: {line}"


def test_every_chinese_character_of_the_report_maps_to_a_glyph(
    ctx: ReportContext, report_pdf: bytes
) -> None:
    chars = {c for c in _report_text(render_report(ctx)) if CJK.match(c)} - {"\u3000"}
    assert len(chars) > 300
    drawable = drawable_characters(report_pdf)
    assert sorted(chars - drawable) == []


def test_glyph_check_notices_a_character_without_an_outline(report_pdf: bytes) -> None:
    # The ideographic space has no outline: the check must see it as not drawable, or it could
    # never catch a box either.
    fonts = embedded_glyphs(report_pdf)
    assert any("\u3000" in f.empty for f in fonts)
    assert all("\u3000" not in f.drawable for f in fonts)


def test_gb_font_names_resolve_to_open_cjk_faces(report_pdf: bytes) -> None:
    names = {f.name for f in embedded_glyphs(report_pdf)}
    assert any("NotoSerifCJK" in n and "Bold" in n for n in names)  # 方正小标宋简体
    assert any("NotoSerifCJK" in n and "Regular" in n for n in names)  # 仿宋_GB2312, 宋体
    assert any("NotoSansCJK" in n for n in names)  # 黑体
    assert any("UKai" in n for n in names)  # 楷体_GB2312


def test_first_two_pages_render_to_png_artifacts(report_pdf: bytes) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "report.pdf"
    pdf.write_bytes(report_pdf)
    for old in ARTIFACTS.glob("report-page-*.png"):
        old.unlink()
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "100",
            "-png",
            "-f",
            "1",
            "-l",
            "2",
            str(pdf),
            str(ARTIFACTS / "report-page"),
        ],
        check=True,
    )
    pages = sorted(ARTIFACTS.glob("report-page-*.png"))
    assert len(pages) == 2
    for page in pages:
        with Image.open(page) as im:
            assert abs(im.width / im.height - 210 / 297) < 0.01
            # Not blank: a page of text has plenty of dark pixels.
            dark = sum(im.convert("L").histogram()[:128])
            assert dark > 5000


def test_converter_keeps_the_lines_and_drops_the_character_grid_for_libreoffice(
    ctx: ReportContext,
) -> None:
    converted = lines_only_grid(render_report(ctx))
    xml = zipfile.ZipFile(io.BytesIO(converted)).read("word/document.xml").decode()
    grid = re.search(r"<w:docGrid[^>]*/>", xml).group(0)
    assert 'w:type="lines"' in grid and 'w:linePitch="579"' in grid


def test_missing_libreoffice_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ReportError) as err:
        docx_to_pdf(b"irrelevant")
    assert "未安装 LibreOffice" in err.value.problems[0].message


def test_a_broken_document_is_a_conversion_error_not_a_crash() -> None:
    require_system_deps()
    with pytest.raises(ReportError) as err:
        docx_to_pdf(b"PK\x03\x04 not really a docx")
    assert err.value.problems[0].path == "PDF"
