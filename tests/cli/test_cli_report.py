"""`demozone report`: documents from an input file alone, no database."""

from __future__ import annotations

import io
import os
import shutil
import stat

import pytest
from docx import Document
from openpyxl import load_workbook


def _text(docx_bytes: bytes) -> str:
    document = Document(io.BytesIO(docx_bytes))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_report_writes_a_docx_with_the_total_and_verdict(cli, write, passing_doc, tmp_path):
    out = tmp_path / "报告.docx"
    result = cli("report", write(passing_doc), "--out", out)
    assert result.exit_code == 0, result.output
    assert "已生成自评报告（Word）" in result.stdout
    text = _text(out.read_bytes())
    assert "总分94分" in text
    assert "达标" in text


def test_report_takes_the_format_from_the_extension(cli, write, passing_doc, tmp_path):
    out = tmp_path / "评分.xlsx"
    result = cli("report", write(passing_doc), "--out", out)
    assert result.exit_code == 0, result.output
    assert "评分表" in load_workbook(out).sheetnames


def test_report_file_is_readable_by_its_group_like_any_document(cli, write, passing_doc, tmp_path):
    out = tmp_path / "r.docx"
    cli("report", write(passing_doc), "--out", out)
    mode = stat.S_IMODE(os.stat(out).st_mode)
    assert mode & stat.S_IRGRP, oct(mode)


def test_report_refuses_an_unknown_format_with_exit_2(cli, write, passing_doc, tmp_path):
    result = cli("report", write(passing_doc), "--out", tmp_path / "r.txt")
    assert result.exit_code == 2
    assert "--format 应为 docx、xlsx、pdf 之一" in result.stderr


def test_report_of_an_invalid_input_lists_every_problem_and_writes_nothing(
    cli, write, passing_doc, tmp_path
):
    passing_doc["counts"]["tips_verified_on_time"] = 5000
    passing_doc["counts"]["bogus"] = 1
    out = tmp_path / "r.docx"
    result = cli("report", write(passing_doc), "--out", out)
    assert result.exit_code == 2
    assert "counts.tips_verified_on_time" in result.stderr
    assert "counts.bogus" in result.stderr
    assert not out.exists()


def test_report_does_not_overwrite_without_force(cli, write, passing_doc, tmp_path):
    out = tmp_path / "r.docx"
    out.write_bytes(b"keep")
    result = cli("report", write(passing_doc), "--out", out)
    assert result.exit_code == 2
    assert out.read_bytes() == b"keep"
    assert cli("report", write(passing_doc), "--out", out, "--force").exit_code == 0


@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice is installed by scripts/system-deps.sh (make test)",
)
def test_report_renders_a_pdf(cli, write, passing_doc, tmp_path):
    out = tmp_path / "r.pdf"
    result = cli("report", write(passing_doc), "--format", "pdf", "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
