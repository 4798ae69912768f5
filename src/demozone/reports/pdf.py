"""The 自评报告 as a PDF: LibreOffice (headless) converts the very .docx the office receives.

One layout serves both formats, so the PDF cannot drift from the .docx, and an office's own template
prints as it looks in Word. LibreOffice embeds (subsets of) every font it uses; the GB/T 9704 font
names resolve to open CJK faces through the project's fonts.conf (see fonts.py), never through an
edited system configuration.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from demozone.core.errors import Problem
from demozone.reports.context import ReportContext, ReportError
from demozone.reports.docx import render_report
from demozone.reports.fonts import fontconfig_env

log = logging.getLogger(__name__)

CONVERT_TIMEOUT_S = 180
SOFFICE_NAMES = ("soffice", "libreoffice")
_CHAR_GRID = re.compile(rb'(<w:docGrid\b[^>]*\bw:type=")(?:linesAndChars|snapToChars)(")')
NO_SOFFICE = "未安装 LibreOffice，无法生成 PDF（请以 root 运行 scripts/system-deps.sh）"


def soffice() -> str | None:
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def render_pdf(ctx: ReportContext, template: str | Path | bytes | None = None) -> bytes:
    """The report as PDF with embedded CJK fonts. Raises :class:`ReportError` when LibreOffice is
    missing or fails."""
    return docx_to_pdf(render_report(ctx, template))


def lines_only_grid(docx: bytes) -> bytes:
    """The same document with its character grid turned into a line grid.

    Word sets the 28-character grid of GB/T 9704 by adjusting the pitch; LibreOffice instead puts
    every glyph into whole grid cells and stretches any line that mixes Chinese with digits. A line
    grid keeps the 22 lines, and the body's 0.25 pt condensing (see build_template.py) still gives
    28 characters a line.
    """
    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = _CHAR_GRID.sub(rb"\1lines\2", data)
            dst.writestr(info, data)
    return out.getvalue()


def docx_to_pdf(docx: bytes) -> bytes:
    binary = soffice()
    if binary is None:
        raise ReportError([Problem("PDF", NO_SOFFICE)])
    try:
        docx = lines_only_grid(docx)
    except zipfile.BadZipFile as exc:
        raise ReportError([Problem("PDF", "待转换的文件不是有效的 .docx 文档")]) from exc
    with tempfile.TemporaryDirectory(prefix="demozone-pdf-") as tmp:
        work = Path(tmp)
        source = work / "report.docx"
        source.write_bytes(docx)
        # A profile of its own: two conversions at once (two workers, two requests) would
        # otherwise fight over the user's LibreOffice profile and one would silently do nothing.
        profile = (work / "profile").as_uri()
        env = fontconfig_env()
        env["HOME"] = str(work)
        cmd = [
            binary,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work),
            str(source),
        ]
        try:
            done = subprocess.run(
                cmd, env=env, capture_output=True, text=True, timeout=CONVERT_TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise ReportError(
                [Problem("PDF", f"LibreOffice 转换超时（超过 {CONVERT_TIMEOUT_S} 秒）")]
            ) from exc
        except OSError as exc:
            raise ReportError([Problem("PDF", f"无法启动 LibreOffice：{exc}")]) from exc
        target = work / "report.pdf"
        if done.returncode != 0 or not target.is_file():
            log.error("soffice failed (%s): %s %s", done.returncode, done.stdout, done.stderr)
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise ReportError(
                [Problem("PDF", "LibreOffice 转换失败" + (f"：{detail[-1]}" if detail else ""))]
            )
        return target.read_bytes()
