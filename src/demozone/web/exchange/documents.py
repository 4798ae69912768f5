"""报告下载: the 自评报告 (.docx, .pdf) and the scoring workbook of a campaign, built and kept.

A report is built from a :class:`ReportSource`: plain values (a SPEC §4 input, the responsible
departments, the accepted evidence, who entered each figure, the date). A live campaign gives one
(:func:`campaign_source`); a review round freezes one into its snapshot (``to_dict``) and builds the
very same documents from it later (``ReportSource.from_dict(...)``), whatever happened since.

PDF conversion takes seconds, so every document is kept on disk under
``<data dir>/reports/<campaign>/`` keyed by the campaign's data revision and a digest of its
source: the second download is a file read. One conversion at a time per campaign and format (a
file lock), so ten clicks on 「PDF」 start LibreOffice once. Files are written aside and renamed, so
a reader never sees half a document.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings

from demozone.core.inputs import EvaluationInput, parse_input
from demozone.core.loader import Framework as CoreFramework
from demozone.core.scoring import score
from demozone.core.seal import canonical_json
from demozone.reports.context import DataRow, EvidenceRef, ReportContext, today
from demozone.reports.render import FORMATS, MEDIA_TYPES, render, write_file
from demozone.web.audit.services import display_name
from demozone.web.campaigns.models import Assignment, Campaign
from demozone.web.campaigns.services import evaluate, load_data
from demozone.web.exchange.evidence import EvidenceFile, accepted_evidence

log = logging.getLogger(__name__)

# Bump when a renderer changes what it makes from the same source: kept files are then stale.
RENDERER_VERSION = "1"
STEMS = {"docx": "自评报告", "pdf": "自评报告", "xlsx": "自评评分表"}


@dataclass(frozen=True)
class ReportSource:
    """What the documents of one evaluation are built from, as plain (JSON-able) values."""

    document: Mapping[str, Any]  # SPEC §4 input, numbers as exact Decimals (see exact_document)
    departments: Mapping[int, tuple[str, ...]]  # indicator → department names, lead first
    evidence: tuple[EvidenceRef, ...]
    data_rows: tuple[DataRow, ...]
    date: dt.date
    issuer: str | None = None
    label: str = ""  # what the documents are of: 「数据版本 12」, 「第 1 轮 省局初审」

    def context(self, framework: CoreFramework) -> ReportContext:
        evaluation = parse_input(self.document, framework)
        return ReportContext(
            framework=framework,
            evaluation=evaluation,
            scorecard=score(framework, evaluation),
            date=self.date,
            issuer=self.issuer,
            departments=dict(self.departments),
            evidence=self.evidence,
            data_rows=self.data_rows,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "departments": {str(n): list(names) for n, names in sorted(self.departments.items())},
            "evidence": [
                {
                    "number": e.number,
                    "title": e.title,
                    "items": list(e.item_ids),
                    "sha256": e.sha256,
                    "filename": e.filename,
                }
                for e in self.evidence
            ],
            "data_rows": [
                {
                    "scope": r.scope,
                    "metric": r.metric,
                    "year": r.year,
                    "value": r.value,
                    "source_note": r.source_note,
                    "entered_by": r.entered_by,
                    "entered_at": r.entered_at.isoformat() if r.entered_at else None,
                }
                for r in self.data_rows
            ],
            "date": self.date.isoformat(),
            "issuer": self.issuer,
            "label": self.label,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ReportSource:
        return cls(
            document=raw["document"],
            departments={int(n): tuple(names) for n, names in raw["departments"].items()},
            evidence=tuple(
                EvidenceRef(e["number"], e["title"], tuple(e["items"]), e["sha256"], e["filename"])
                for e in raw["evidence"]
            ),
            data_rows=tuple(
                DataRow(
                    metric=r["metric"],
                    year=r["year"],
                    value=None if r["value"] is None else Decimal(str(r["value"])),
                    source_note=r["source_note"],
                    entered_by=r["entered_by"],
                    entered_at=dt.datetime.fromisoformat(r["entered_at"])
                    if r["entered_at"]
                    else None,
                    scope=r["scope"],
                )
                for r in raw["data_rows"]
            ),
            date=dt.date.fromisoformat(raw["date"]),
            issuer=raw.get("issuer"),
            label=raw.get("label", ""),
        )

    def digest(self) -> str:
        """The seal of the source (core.seal: canonical JSON, exact numbers), with the renderer
        version: equal digests make equal documents."""
        text = canonical_json(self.to_dict())
        return hashlib.sha256(RENDERER_VERSION.encode() + b"\n" + text).hexdigest()


def exact_document(evaluation: EvaluationInput) -> dict[str, Any]:
    """The input as a SPEC §4 document whose numbers are exact Decimals, never floats, so that a
    round's snapshot can seal it (core.seal refuses floats)."""
    text = json.dumps(evaluation.to_dict(), ensure_ascii=False)
    doc: dict[str, Any] = json.loads(text, parse_float=Decimal)
    return doc


@dataclass(frozen=True)
class CampaignSource:
    source: ReportSource
    evidence: tuple[EvidenceFile, ...]


def departments_by_indicator(campaign: Campaign) -> dict[int, tuple[str, ...]]:
    """附件2 as the campaign has it: each indicator's departments, the lead first (one query)."""
    rows = Assignment.objects.filter(campaign=campaign).select_related("department")
    out: dict[int, list[tuple[bool, int, int, str]]] = {}
    for a in rows:
        out.setdefault(a.indicator, []).append((not a.is_lead, a.position, a.pk, a.department.name))
    return {n: tuple(row[3] for row in sorted(found)) for n, found in sorted(out.items())}


def campaign_source(campaign: Campaign, *, date: dt.date | None = None) -> CampaignSource:
    """The campaign's report source as of now. InputError if its stored data no longer passes."""
    data = load_data(campaign)
    evaluation = evaluate(campaign, data)
    rows = tuple(
        DataRow(
            metric=v.metric,
            year=v.year,
            value=v.value,
            source_note=v.source_note,
            entered_by=display_name(v.entered_by),
            entered_at=v.entered_at,
            scope=v.scope,
        )
        for v in data.values
    )
    evidence = accepted_evidence(campaign)
    source = ReportSource(
        document=exact_document(evaluation.input),
        departments=departments_by_indicator(campaign),
        evidence=tuple(e.ref for e in evidence),
        data_rows=rows,
        date=date or today(),
        label=f"数据版本 {campaign.revision}",
    )
    return CampaignSource(source, evidence)


# --- kept documents -------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    fmt: str
    filename: str
    data: bytes

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.fmt]


def filename(region: str, fmt: str, day: dt.date, label: str = "") -> str:
    tail = f"-{label}" if label else ""
    return f"{region}{STEMS[fmt]}-{day:%Y%m%d}{tail}.{fmt}"


def cache_dir(key: str) -> Path:
    path = Path(settings.DATA_DIR) / "reports" / key
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    with lock.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def kept_document(
    source: ReportSource, framework: CoreFramework, fmt: str, *, key: str, stem: str
) -> bytes:
    """The document ``fmt`` of ``source``, rendered once and then read from disk.

    ``key`` names the owner's folder (``campaign-7``); ``stem`` the file (the data revision);
    the source's digest decides whether a kept file still fits.
    """
    if fmt not in FORMATS:
        raise ValueError(fmt)
    name = f"{stem}-{source.digest()[:20]}.{fmt}"
    return keep(key, name, lambda: render(source.context(framework), fmt))


def keep(key: str, name: str, make: Callable[[], bytes]) -> bytes:
    """The file ``name`` of the folder ``key``, made by ``make`` on first request, then read.

    One request at a time makes a format's file (the others wait and read it); the folder keeps
    only the newest file of each format, since a new name means the old one no longer fits.
    """
    folder = cache_dir(key)
    target = folder / name
    if target.is_file():
        return target.read_bytes()
    fmt = target.suffix.lstrip(".")
    with _exclusive(folder / f".{fmt}.lock"):
        if target.is_file():  # made by the request we waited for
            return target.read_bytes()
        data = make()
        write_file(target, data)
        for old in folder.glob(f"*.{fmt}"):
            if old != target:
                old.unlink(missing_ok=True)
    log.info("report %s/%s rendered (%d bytes)", key, name, len(data))
    return data


def campaign_documents(
    campaign: Campaign, fmts: tuple[str, ...]
) -> tuple[CampaignSource, dict[str, Document]]:
    """The campaign's documents ``fmts`` as it is now (ReportError if one cannot be made)."""
    found = campaign_source(campaign)
    docs = {
        fmt: Document(
            fmt,
            filename(campaign.region.name, fmt, found.source.date),
            kept_document(
                found.source,
                campaign.core_framework,
                fmt,
                key=f"campaign-{campaign.pk}",
                stem=f"r{campaign.revision}",
            ),
        )
        for fmt in fmts
    }
    return found, docs


def campaign_document(campaign: Campaign, fmt: str) -> Document:
    return campaign_documents(campaign, (fmt,))[1][fmt]
