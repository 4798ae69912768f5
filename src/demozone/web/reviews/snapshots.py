"""Freezing, reading and verifying sealed snapshots.

A snapshot's document holds everything needed to check it without the live campaign: the SPEC §4
input file, every judgment with who made it, the evidence list with each file's SHA-256, the
framework's id, version and SHA-256, the scorecard, and for a review round the panel's votes,
results, reconciliations and overrides. It is stored as its canonical JSON
(:func:`demozone.core.seal.canonical_json`) and sealed with that text's SHA-256, so verifying is:
hash the stored text, re-read it, re-score its input with the framework it names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils import timezone

from demozone.core.errors import InputError
from demozone.core.inputs import parse_input
from demozone.core.loader import Framework as CoreFramework
from demozone.core.scorecard import Scorecard
from demozone.core.scoring import score
from demozone.core.seal import canonical_json
from demozone.web.audit.services import display_name
from demozone.web.campaigns.models import Campaign, Framework, Judgment
from demozone.web.evidence.models import Evidence
from demozone.web.reviews.models import Round, Snapshot

FORMAT = "demozone.snapshot/1"


def exact(value: Any) -> Any:
    """``value`` with every float made a Decimal of its shortest text and every key a string.

    The scorecard's JSON form uses floats for display (2 decimals at most); the seal refuses
    floats, and their shortest ``repr`` is the text a JSON reader would have seen.
    """
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {str(k): exact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [exact(v) for v in value]
    return value


def scorecard_document(card: Scorecard) -> dict[str, Any]:
    return exact(card.to_dict())  # type: ignore[no-any-return]


def when(moment: dt.datetime | None) -> str | None:
    return None if moment is None else timezone.localtime(moment).isoformat(timespec="seconds")


def judgments_document(campaign: Campaign) -> list[dict[str, Any]]:
    rows = Judgment.objects.filter(campaign=campaign).select_related("entered_by").order_by("item")
    return [
        {
            "item": j.item,
            "value": j.value,
            "note": j.note,
            "by": display_name(j.entered_by),
            "at": when(j.entered_at),
        }
        for j in rows
    ]


def evidence_document(campaign: Campaign) -> list[dict[str, Any]]:
    """The live evidence (not in the 回收站) with its current file and the items it supports."""
    rows = (
        Evidence.objects.filter(campaign=campaign, deleted_at__isnull=True, current__isnull=False)
        .select_related("current", "department")
        .prefetch_related("links")
        .order_by("id")
    )
    return [
        {
            "id": e.pk,
            "title": e.title,
            "department": e.department.name,
            "status": e.status,
            "items": sorted({link.item for link in e.links.all()}),
            "version": e.current.number,
            "version_id": e.current.pk,
            "filename": e.current.filename,
            "kind": e.current.kind,
            "size": e.current.size,
            "sha256": e.current.sha256,
        }
        for e in rows
        if e.current is not None
    ]


def framework_document(fw: CoreFramework) -> dict[str, Any]:
    return {"id": fw.id, "version": fw.version, "sha256": fw.sha256}


def freeze(
    round_: Round,
    *,
    event: str,
    body: dict[str, Any],
    card: Scorecard,
    fw: CoreFramework,
    actor: Any,
    previous: Snapshot | None,
) -> Snapshot:
    """Seal and store a new snapshot version (call inside the caller's transaction, with the
    campaign row locked, so versions never collide)."""
    campaign = round_.campaign
    version = (Snapshot.objects.filter(campaign=campaign).aggregate(v=Max("version"))["v"] or 0) + 1
    now = timezone.now()
    document = {
        "format": FORMAT,
        "campaign": {"id": campaign.pk, "name": campaign.name, "region": campaign.region.name},
        "round": {
            "id": round_.pk,
            "stage": round_.stage,
            "stage_name": round_.get_stage_display(),
            "number": round_.number,
        },
        "version": version,
        "event": event,
        "previous": None
        if previous is None
        else {"version": previous.version, "seal": previous.seal},
        "framework": framework_document(fw),
        "sealed_by": display_name(actor),
        "sealed_at": when(now),
        **body,
        "scorecard": scorecard_document(card),
    }
    text = canonical_json(document).decode("utf-8")
    return Snapshot.objects.create(
        campaign=campaign,
        round=round_,
        version=version,
        event=event,
        previous=previous,
        document=text,
        seal=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        framework_sha256=fw.sha256,
        total=card.total,
        passed=card.passed,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now,
    )


def read(snapshot: Snapshot) -> dict[str, Any]:
    """The snapshot's document, numbers as exact Decimals."""
    return json.loads(snapshot.document, parse_float=Decimal)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Verification:
    snapshot_id: int
    version: int
    seal: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _framework_by_sha(sha256: str) -> CoreFramework | None:
    stored = Framework.objects.filter(sha256=sha256).first()
    return None if stored is None else stored.load()


def verify(snapshot: Snapshot) -> Verification:
    """Recompute the seal and the scorecard from the stored snapshot alone; every difference."""
    problems: list[str] = []
    raw = snapshot.document.encode("utf-8")
    actual = hashlib.sha256(raw).hexdigest()
    if actual != snapshot.seal:
        problems.append(f"封存摘要不符：记录为 {snapshot.seal}，按存储内容重新计算为 {actual}")
    try:
        document = json.loads(raw, parse_float=Decimal)
    except ValueError as exc:
        problems.append(f"存储内容不是合法的 JSON：{exc}")
        return Verification(snapshot.pk, snapshot.version, snapshot.seal, tuple(problems))
    try:
        if canonical_json(document) != raw:
            problems.append("存储内容不是规范 JSON（键序、空白或数字写法被改动）")
    except InputError as exc:
        problems.append(f"存储内容无法规范化：{exc.describe()}")
    problems.extend(_rescore(document))
    return Verification(snapshot.pk, snapshot.version, snapshot.seal, tuple(problems))


def _rescore(document: dict[str, Any]) -> list[str]:
    sha = str((document.get("framework") or {}).get("sha256", ""))
    fw = _framework_by_sha(sha)
    if fw is None:
        return [f"找不到快照所用的指标体系（SHA-256 {sha or '缺失'}），无法重算评分"]
    try:
        card = score(fw, parse_input(document.get("input"), fw))
    except InputError as exc:
        return [f"快照中的评估数据无法重新评分：{exc.describe()}"]
    stored = document.get("scorecard")
    recomputed = scorecard_document(card)
    if canonical_json(recomputed) == canonical_json(stored):
        return []
    return [
        f"评分表与重新计算的结果不符：{difference}"
        for difference in _differences(stored, recomputed)
    ]


def _differences(stored: Any, recomputed: Any, path: str = "", limit: int = 20) -> list[str]:
    out: list[str] = []

    def walk(a: Any, b: Any, where: str) -> None:
        if len(out) >= limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b)):
                walk(a.get(key), b.get(key), f"{where}.{key}" if where else key)
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, f"{where}[{i}]")
        elif a != b or type(a) is not type(b):
            out.append(f"{where or '（根）'} 记录为 {a!r}，重算为 {b!r}")

    walk(stored, recomputed, path)
    return out
