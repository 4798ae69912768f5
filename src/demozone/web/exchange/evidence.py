"""The accepted evidence of a campaign, as the report lists it and the package carries it.

Only evidence that the office accepted (已采纳), not in the 回收站, with a file, counts. Each piece
is numbered within the indicator of its first item (「36-1」, 「36-2」 …, ordered by that item, then
by upload), and gets the one path it has in the package (``指标36/36.2-领导小组成立文件.pdf``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, cast

from django.apps import apps

from demozone.reports.context import EvidenceRef
from demozone.reports.package import evidence_path, item_key, unique_paths
from demozone.web.campaigns.models import Campaign

if TYPE_CHECKING:
    from demozone.web.evidence.models import EvidenceVersion

log = logging.getLogger(__name__)

EVIDENCE_APP = "demozone.web.evidence"


@dataclass(frozen=True)
class EvidenceFile:
    ref: EvidenceRef
    zip_path: str
    file: Path
    size: int
    original_name: str


def accepted_evidence(campaign: Campaign) -> tuple[EvidenceFile, ...]:
    """The campaign's accepted evidence, numbered, in package order (three queries)."""
    if not apps.is_installed(EVIDENCE_APP):
        return ()
    from demozone.web.evidence import storage  # noqa: PLC0415
    from demozone.web.evidence.models import Evidence  # noqa: PLC0415

    rows = (
        Evidence.objects.filter(
            campaign=campaign,
            status=Evidence.Status.ACCEPTED,
            deleted_at__isnull=True,
            current__isnull=False,
        )
        .select_related("current")
        .prefetch_related("links")
        .order_by("created_at", "id")
    )
    placed = []
    for ev in rows:
        linked = sorted({link.item for link in ev.links.all()}, key=item_key)
        if not linked:
            log.warning("accepted evidence %s supports no item; left out of the package", ev.pk)
            continue
        placed.append((item_key(linked[0]), ev, tuple(linked)))
    placed.sort(key=lambda row: row[0])
    counters: dict[int, int] = {}
    drafts = []
    for key, ev, items in placed:
        indicator = key[0]
        counters[indicator] = counters.get(indicator, 0) + 1
        # The query keeps only evidence with a current version.
        version = cast("EvidenceVersion", ev.current)
        drafts.append(
            (
                f"{indicator}-{counters[indicator]}",
                ev,
                items,
                evidence_path(indicator, items[0], ev.title, version.filename),
            )
        )
    paths = unique_paths([d[3] for d in drafts])
    out = []
    for (number, ev, items, _), path in zip(drafts, paths, strict=True):
        version = cast("EvidenceVersion", ev.current)
        out.append(
            EvidenceFile(
                ref=EvidenceRef(
                    number=number,
                    title=ev.title,
                    item_ids=items,
                    sha256=version.sha256,
                    filename=PurePosixPath(path).name,
                ),
                zip_path=path,
                file=storage.content_path(version.sha256),
                size=version.size,
                original_name=version.filename,
            )
        )
    return tuple(out)
