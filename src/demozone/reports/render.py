"""One entry point per format, for the command line (`demozone report`) and the web downloads."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from demozone.core.errors import Problem
from demozone.reports.context import ReportContext, ReportError
from demozone.reports.docx import render_report
from demozone.reports.pdf import render_pdf
from demozone.reports.xlsx import render_workbook

FORMATS: dict[str, str] = {
    "docx": "自评报告（Word）",
    "xlsx": "评分工作簿（Excel）",
    "pdf": "自评报告（PDF）",
}
MEDIA_TYPES: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
_RENDERERS: dict[str, Callable[[ReportContext], bytes]] = {
    "docx": render_report,
    "xlsx": render_workbook,
    "pdf": render_pdf,
}


def render(ctx: ReportContext, fmt: str) -> bytes:
    """The document ``fmt`` (docx, xlsx or pdf) of ``ctx``; raises :class:`ReportError`."""
    renderer = _RENDERERS.get(fmt.lower().lstrip("."))
    if renderer is None:
        raise ReportError([Problem("format", f"应为 {'、'.join(FORMATS)} 之一，实际为 {fmt!r}")])
    return renderer(ctx)


def default_filename(ctx: ReportContext, fmt: str) -> str:
    stem = "自评评分表" if fmt == "xlsx" else "自评报告"
    return f"{ctx.region}{stem}-{ctx.date:%Y%m%d}.{fmt}"


def write_file(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a temporary file renamed into place)."""
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or Path("."))
    except OSError as exc:
        raise ReportError([Problem(str(target), f"无法写入：{exc.strerror or exc}")]) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        # mkstemp creates the file private (0600); a document is an ordinary file of its owner.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ReportError([Problem(str(target), f"无法写入：{exc.strerror or exc}")]) from exc


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
