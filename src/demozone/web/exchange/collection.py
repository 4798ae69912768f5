"""Excel 数据采集 on the platform: each department's workbook, and taking a filled one back.

Taking a workbook back is two steps. :func:`preview_upload` verifies it (signature, campaign,
department, the uploader's rights), reads every cell and tries the changes for real inside a
transaction that is then rolled back — so the preview has already passed the very checks saving
runs: the entry service's permission and conflict checks and the core's ``parse_input`` of the
whole would-be input. The file waits on disk under a random token. :func:`apply_upload` reads it
again, recomputes the changes, refuses if they are no longer the ones previewed, and applies them
with :func:`~demozone.web.campaigns.services.apply_changes` in one transaction: all or nothing.
Every problem is named by sheet and cell (``工作表 数据 F7：应为不小于 0 的数字``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import salted_hmac

from demozone.core.errors import InputError, Problem
from demozone.core.needs import OPERATORS_PATH
from demozone.reports.collection import (
    CollectionError,
    FieldChange,
    Operator,
    Stamp,
    Stored,
    Upload,
    build_workbook,
    changes,
    plan_for,
    read_workbook,
)
from demozone.reports.context import SHANGHAI
from demozone.web.audit.services import record
from demozone.web.campaigns.access import Access
from demozone.web.campaigns.errors import CampaignError
from demozone.web.campaigns.models import Campaign, Department
from demozone.web.campaigns.permissions import Scope
from demozone.web.campaigns.services import (
    CampaignData,
    Change,
    apply_changes,
    evaluate,
    load_data,
)

log = logging.getLogger(__name__)

ALL_DEPARTMENTS = "全部指标"
PENDING_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


class RefusedError(CollectionError):
    """The workbook is not the uploader's to give: another campaign's, another department's."""

    title = "不能导入该采集表"


class ExpiredError(CollectionError):
    """The previewed upload is gone: already applied, too old, or someone else's."""

    title = "预览已失效"


def signing_key() -> bytes:
    """The key workbooks are signed with: derived from the site's secret key, so a workbook
    cannot be forged without it (and a new secret key retires every workbook out there)."""
    return salted_hmac("demozone.exchange.collection", "workbook", algorithm="sha256").digest()


def stored_of(campaign: Campaign, data: CampaignData) -> Stored:
    fw = campaign.core_framework
    operators = None
    if data.operators or campaign.large_operators_reported:
        operators = tuple(Operator(op.name, op.year, op.ecommerce_sales) for op in data.operators)
    return Stored(
        values={path: v.value for path, v in data.values_by_path(fw).items()},
        judgments={j.item: j.value for j in data.judgments},  # type: ignore[misc]
        operators=operators,
    )


# --- the page and the workbooks -------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentRow:
    department: Department
    indicators: tuple[int, ...]


@dataclass(frozen=True)
class CollectionPage:
    access: Access
    departments: list[DepartmentRow]  # the workbooks this member may download
    whole: bool  # may download and upload the workbook of the whole campaign


def collection_page(access: Access) -> CollectionPage:
    access.require("collection.download")
    campaign = access.campaign
    assigned: dict[int, set[int]] = {}
    for dept_id, number in campaign.assignments.values_list("department_id", "indicator"):
        assigned.setdefault(dept_id, set()).add(number)
    rows = [
        DepartmentRow(d, tuple(sorted(assigned.get(d.pk, ()))))
        for d in campaign.departments.all()
        if access.can("collection.download", department=d)
    ]
    whole = access.scope("collection.download") == Scope.CAMPAIGN
    return CollectionPage(access, rows, whole)


@dataclass(frozen=True)
class WorkbookFile:
    filename: str
    data: bytes


def workbook(access: Access, department_id: int | None) -> WorkbookFile:
    """The workbook of one department (its indicators only) or, for the office, of all."""
    campaign = access.campaign
    fw = campaign.core_framework
    department = None
    if department_id is None:
        access.require("collection.download")
        if access.scope("collection.download") != Scope.CAMPAIGN:
            raise PermissionDenied("全部指标的采集表只能由领导小组办公室下载")
        numbers = [ind.number for ind in fw.indicators]
    else:
        department = campaign.departments.filter(pk=department_id).first()
        if department is None:
            raise Http404("该单位不属于本创建活动")
        access.require("collection.download", department=department)
        numbers = list(
            campaign.assignments.filter(department=department).values_list("indicator", flat=True)
        )
    data = load_data(campaign)
    stored = stored_of(campaign, data)
    try:
        scorecard = evaluate(campaign, data).scorecard
        open_items = {
            item.id
            for ind in scorecard.indicators
            for item in ind.items
            if item.status == "needs_review"
        }
    except InputError:
        open_items = set()  # the page that shows the invalid data says why; ask no fallbacks
    plan = plan_for(
        fw,
        campaign.years,
        numbers,
        judged=stored.judgments.keys(),
        open_items=open_items,
        zone=campaign.region.zone,
    )
    now = timezone.now().astimezone(SHANGHAI)
    stamp = Stamp(
        campaign_id=campaign.pk,
        campaign_name=campaign.name,
        department_id=department.pk if department else None,
        department_name=department.name if department else ALL_DEPARTMENTS,
        years=campaign.years,
        framework_sha256=campaign.framework.sha256,
        generated_at=now.isoformat(timespec="seconds"),
    )
    data_bytes = build_workbook(plan, stored, stamp, key=signing_key())
    name = f"{campaign.region.name}数据采集表-{stamp.department_name}-{now:%Y%m%d}.xlsx"
    return WorkbookFile(name, data_bytes)


# --- taking a workbook back -----------------------------------------------------------------


def _verified(access: Access, data: bytes) -> Upload:
    """Read and check the workbook; RefusedError when it is not this uploader's to give."""
    campaign = access.campaign
    access.require("collection.upload")
    upload = read_workbook(data, key=signing_key())
    st = upload.stamp
    if st.campaign_id != campaign.pk:
        raise RefusedError(
            [
                Problem(
                    "", f"这是「{st.campaign_name}」的采集表，不能导入本创建活动（{campaign.name}）"
                )
            ]
        )
    if st.years != campaign.years or st.framework_sha256 != campaign.framework.sha256:
        raise RefusedError(
            [Problem("", "采集表的评估年度或指标体系与本创建活动不符，请重新下载采集表")]
        )
    if st.department_id is None:
        if access.scope("collection.upload") != Scope.CAMPAIGN:
            raise RefusedError([Problem("", "这是全部指标的采集表，只能由领导小组办公室导入")])
        return upload
    department = campaign.departments.filter(pk=st.department_id).first()
    if department is None:
        raise RefusedError(
            [Problem("", f"采集表所属单位「{st.department_name}」已不在本创建活动中")]
        )
    if not access.can("collection.upload", department=department):
        own = access.department.name if access.department else "本单位"
        raise RefusedError(
            [
                Problem(
                    "",
                    f"这是「{department.name}」的采集表，您只能导入本单位（{own}）的采集表",
                )
            ]
        )
    return upload


def _changes(access: Access, upload: Upload) -> tuple[FieldChange, ...]:
    campaign = access.campaign
    found = changes(upload, stored_of(campaign, load_data(campaign)))
    allowed = access.editable_paths()
    denied = [
        Problem(c.where, "您所在单位不负责该数据项，不能修改")
        for c in found
        if c.path not in allowed
    ]
    if denied:
        raise CollectionError(denied)
    return found


def _expected(base: str, path: str) -> Any:
    """A row's value when the workbook was made, as the entry service compares it."""
    if base == "":
        return None
    if path == OPERATORS_PATH:
        return [
            {"name": n, "year": y, "ecommerce_sales": Decimal(s)} for n, y, s in json.loads(base)
        ]
    if base in ("true", "false"):
        return base == "true"
    return Decimal(base)


def _entry_changes(upload: Upload, found: Sequence[FieldChange]) -> list[Change]:
    base = {row.path: row.base for row in upload.rows}
    # note None keeps each figure's stored source note; ``expected`` makes the entry service
    # refuse a value someone else changed after the workbook was made.
    return [Change(c.path, c.value, None, expected=_expected(base[c.path], c.path)) for c in found]


def _save(access: Access, upload: Upload, found: Sequence[FieldChange], user: Any) -> None:
    allowed = access.editable_paths()
    try:
        apply_changes(
            access.campaign, _entry_changes(upload, found), user, allowed=allowed.__contains__
        )
    except (InputError, CampaignError) as exc:
        raise CollectionError([upload.problem(p.path, p.message) for p in exc.problems]) from exc


class _RolledBack(Exception):
    pass


def _try(access: Access, upload: Upload, found: Sequence[FieldChange], user: Any) -> None:
    """Run the real save and roll it back: the preview passes exactly the checks saving runs."""
    try:
        with transaction.atomic():
            _save(access, upload, found, user)
            raise _RolledBack
    except _RolledBack:
        pass


def digest(found: Sequence[FieldChange]) -> str:
    rows = [(c.path, c.current_text, c.new_text) for c in found]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class Preview:
    token: str
    stamp: Stamp
    changes: tuple[FieldChange, ...]
    digest: str
    filename: str


def preview_upload(access: Access, data: bytes, filename: str, user: Any) -> Preview:
    """Check an uploaded workbook and list what it would change (nothing is saved)."""
    upload = _verified(access, data)
    found = _changes(access, upload)
    if found:
        _try(access, upload, found, user)
    token = _stash(access, data, filename, user)
    return Preview(token, upload.stamp, found, digest(found), filename)


@dataclass(frozen=True)
class Applied:
    stamp: Stamp
    changes: tuple[FieldChange, ...]


def apply_upload(access: Access, token: str, expected_digest: str, user: Any) -> Applied:
    """Apply a previewed workbook, all or nothing; CollectionError names every problem."""
    data, filename = _unstash(access, token, user)
    upload = _verified(access, data)
    found = _changes(access, upload)
    if digest(found) != expected_digest:
        raise CollectionError(
            [Problem("", "预览之后平台上的数据已有变化，请重新上传采集表并核对修改内容")]
        )
    if found:
        with transaction.atomic():
            _save(access, upload, found, user)
            record(
                action="collection.upload",
                actor=user,
                campaign=access.campaign,
                target=f"collection:{upload.stamp.department_id or 'all'}",
                after={"file": filename, "changes": len(found)},
                message=f"通过 Excel 采集表（{upload.stamp.department_name}）导入 {len(found)} 项数据",
            )
    _discard(token)
    return Applied(upload.stamp, found)


# --- previewed files waiting for confirmation -----------------------------------------------


def _pending_dir() -> Path:
    path = Path(settings.DATA_DIR) / "exchange" / "pending"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _stash(access: Access, data: bytes, filename: str, user: Any) -> str:
    folder = _pending_dir()
    cutoff = time.time() - PENDING_SECONDS
    for old in folder.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        except FileNotFoundError:
            pass
    token = secrets.token_hex(16)
    meta = {"campaign": access.campaign.pk, "user": getattr(user, "pk", None), "file": filename}
    for suffix, content in ((".xlsx", data), (".json", json.dumps(meta).encode())):
        tmp = folder / f".{token}{suffix}.part"
        tmp.write_bytes(content)
        os.replace(tmp, folder / f"{token}{suffix}")
    return token


def _unstash(access: Access, token: str, user: Any) -> tuple[bytes, str]:
    expired = ExpiredError([Problem("", "预览已过期或已导入，请重新上传采集表")])
    if not _TOKEN.match(token or ""):
        raise expired
    folder = _pending_dir()
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
        data = (folder / f"{token}.xlsx").read_bytes()
    except (OSError, ValueError) as exc:
        raise expired from exc
    if meta.get("campaign") != access.campaign.pk or meta.get("user") != getattr(user, "pk", None):
        raise expired
    return data, str(meta.get("file", ""))


def _discard(token: str) -> None:
    folder = _pending_dir()
    for suffix in (".xlsx", ".json"):
        (folder / f"{token}{suffix}").unlink(missing_ok=True)
