"""Documents a city hands in: the 自评报告 (.docx, .pdf) and the scoring workbook (.xlsx).

Every generator takes one :class:`ReportContext` and returns bytes; nothing here touches a database,
so the command line and the web platform produce the same files.
"""

from __future__ import annotations

from demozone.reports.context import (
    DataRow,
    EvidenceRef,
    ReportContext,
    ReportError,
    context_from_document,
    context_from_input,
)
from demozone.reports.render import FORMATS, MEDIA_TYPES, default_filename, render, write_file

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "DataRow",
    "EvidenceRef",
    "ReportContext",
    "ReportError",
    "context_from_document",
    "context_from_input",
    "default_filename",
    "render",
    "write_file",
]
