"""The evidence library: upload, versions, item links, status, 回收站, and what the pages show.

Every permission is checked here against the policy table (``campaigns.permissions``), not only
in templates. Every change is one transaction with its audit rows and a bump of
``Campaign.revision`` (the dashboard's 41-cell grid shows which items lack evidence, and its body
is kept per revision). Files follow the no-half-write protocol of :mod:`.storage`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from demozone.core.errors import Problem
from demozone.core.framework import AnyOfRule, SubItemsRule
from demozone.core.items import item_specs
from demozone.core.loader import Framework as CoreFramework
from demozone.core.scorecard import Scorecard
from demozone.web.audit.services import record
from demozone.web.campaigns.access import Access
from demozone.web.campaigns.errors import CampaignError
from demozone.web.campaigns.models import Campaign, Department
from demozone.web.campaigns.permissions import Scope
from demozone.web.evidence import faults, storage
from demozone.web.evidence.filenames import clean_filename, refuse_path, stem_of
from demozone.web.evidence.kinds import MIB, Kind, Limits, RefusedError, detect
from demozone.web.evidence.models import Evidence, EvidenceLink, EvidenceVersion

log = logging.getLogger(__name__)

Status = Evidence.Status
PAGE_SIZE = 50
TITLE_MAX = 200


class EvidenceError(CampaignError):
    """The evidence was not saved (nothing was written); every problem names its field."""

    title = "佐证材料未保存"


# --- uploads ------------------------------------------------------------------------------------


@dataclass
class Upload:
    """One file as it arrived: staged on disk, or ``staged`` None when it exceeded the limit.

    Whoever holds an unclaimed upload discards it; the service claims it once its rows are
    written, after which only the commit's ``publish`` (or the sweep) touches the file.
    """

    name: str
    size: int
    staged: storage.StagedFile | None
    claimed: bool = False

    def discard(self) -> None:
        if self.staged is not None and not self.claimed:
            self.staged.discard()


def upload_limit() -> int:
    return int(settings.EVIDENCE_UPLOAD_MAX_BYTES)


def zip_limits() -> Limits:
    limit = upload_limit()
    return Limits(max_entry_bytes=limit, max_total_bytes=5 * limit)


def megabytes(n: int) -> str:
    return f"{n / MIB:.0f} MB" if n >= 10 * MIB else f"{n / MIB:.1f} MB"


@dataclass(frozen=True)
class Accepted:
    upload: Upload
    staged: storage.StagedFile
    kind: Kind
    filename: str


def _judge(upload: Upload) -> Accepted:
    refuse_path(upload.name)
    if upload.staged is None:
        raise RefusedError(
            f"文件大小 {megabytes(upload.size)}，超过单个文件上限 {megabytes(upload_limit())}"
        )
    with upload.staged.path.open("rb") as fh:
        kind = detect(fh, upload.staged.size, zip_limits())
    return Accepted(upload, upload.staged, kind, clean_filename(upload.name, kind))


def _shown(name: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in name)[:120] or "（无名文件）"


def judge_files(uploads: Sequence[Upload]) -> list[Accepted]:
    """Every file's kind from its content; all or nothing, with one problem per refused file."""
    problems: list[Problem] = []
    accepted: list[Accepted] = []
    if not uploads:
        problems.append(Problem("files", "请选择要上传的文件"))
    elif len(uploads) > settings.EVIDENCE_MAX_FILES:
        problems.append(
            Problem("files", f"一次最多上传 {settings.EVIDENCE_MAX_FILES} 个文件，请分批上传")
        )
    else:
        for up in uploads:
            try:
                accepted.append(_judge(up))
            except RefusedError as exc:
                problems.append(Problem("files", f"“{_shown(up.name)}”未被接受：{exc.reason}"))
        if problems and len(uploads) > 1:
            problems.append(
                Problem("files", "本次选择的文件都没有保存，请去掉或更正上述文件后重新上传")
            )
    if problems:
        raise EvidenceError(problems)
    return accepted


@contextmanager
def _discarding(uploads: Sequence[Upload]) -> Iterator[None]:
    """Any exception out of a change means its transaction was rolled back (the commit hooks are
    ``robust``, so nothing raises after a commit): then no row refers to these files."""
    try:
        yield
    except BaseException:
        for up in uploads:
            up.claimed = False
            up.discard()
        raise


def _claim(accepted: Iterable[Accepted]) -> None:
    """Hand the files to the commit: then (and only then) each moves into its content place."""
    transaction.on_commit(functools.partial(faults.checkpoint, faults.AFTER_COMMIT), robust=True)
    for a in accepted:
        a.upload.claimed = True
        transaction.on_commit(functools.partial(storage.publish, a.staged), robust=True)


# --- items --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemChoice:
    id: str
    indicator: int
    label: str


@functools.lru_cache(maxsize=16)
def _item_choices(fw: CoreFramework, years: tuple[int, int]) -> tuple[ItemChoice, ...]:
    texts: dict[str, str] = {}
    for ind in fw.indicators:
        rule = ind.rule
        if isinstance(rule, SubItemsRule):
            texts.update({i.id: i.text for i in rule.items})
        elif isinstance(rule, AnyOfRule):
            texts.update({c.id: c.text for c in rule.conditions})
    by_indicator: dict[int, list[str]] = {}
    for spec in item_specs(fw, years).values():
        by_indicator.setdefault(spec.indicator, []).append(spec.id)
    out: list[ItemChoice] = []
    for ind in fw.indicators:
        n = ind.number
        out.append(ItemChoice(str(n), n, f"{n}（整项）{ind.name}"))
        for item in by_indicator.get(n, []):
            if item != str(n):
                text = texts.get(item, "")
                short = f"{text[:30]}…" if len(text) > 30 else text
                out.append(ItemChoice(item, n, f"{item} {short}".strip()))
    return tuple(out)


def item_choices(campaign: Campaign) -> tuple[ItemChoice, ...]:
    """What evidence may be linked to: each indicator as a whole ("36") and each of its items."""
    return _item_choices(campaign.core_framework, campaign.years)


def linkable(access: Access) -> list[ItemChoice]:
    """The items this member may link evidence to."""
    if access.scope("evidence.upload") == Scope.CAMPAIGN:
        return list(item_choices(access.campaign))
    if access.scope("evidence.upload") == Scope.NONE:
        return []
    own = access.own_indicators
    return [c for c in item_choices(access.campaign) if c.indicator in own]


def _check_items(access: Access, items: Iterable[str]) -> tuple[list[ItemChoice], list[Problem]]:
    known = {c.id: c for c in item_choices(access.campaign)}
    chosen: list[ItemChoice] = []
    problems: list[Problem] = []
    for raw in dict.fromkeys(i.strip() for i in items if i and i.strip()):
        choice = known.get(raw)
        if choice is None:
            problems.append(Problem("items", f"评分项“{raw[:32]}”不存在"))
            continue
        access.require("evidence.upload", item=choice.id)
        chosen.append(choice)
    return chosen, problems


# --- permissions beyond the table ---------------------------------------------------------------


def _may_view(access: Access, evidence: Evidence, items: Iterable[str]) -> bool:
    if evidence.deleted_at is not None:
        return access.can("evidence.restore") or access.can(
            "evidence.delete", department=evidence.department_id
        )
    scope = access.scope("evidence.view")
    if scope == Scope.CAMPAIGN:
        return True
    if scope == Scope.OWN and access.can("evidence.view", department=evidence.department_id):
        return True
    return any(access.can_view_evidence(item) for item in items)


def _require_change(access: Access, evidence: Evidence, action: str = "evidence.upload") -> None:
    """A department changes its own evidence; once accepted only the office may change it."""
    access.require(action, department=evidence.department_id)
    if evidence.deleted_at is not None:
        raise PermissionDenied("该材料在回收站中，请先恢复")
    if evidence.status == Status.ACCEPTED and not access.can("evidence.review"):
        raise PermissionDenied("已采纳的材料不能修改；如需修改，请联系领导小组办公室先退回")


def _bump(campaign: Campaign) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(revision=F("revision") + 1)


def _user(access: Access) -> Any:
    user = access.user
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _version_fields(v: EvidenceVersion) -> dict[str, Any]:
    return {
        "version": v.number,
        "filename": v.filename,
        "sha256": v.sha256,
        "size": v.size,
        "kind": v.kind,
    }


# --- changes ------------------------------------------------------------------------------------


def upload(
    access: Access,
    *,
    uploads: Sequence[Upload],
    title: str = "",
    description: str = "",
    department_id: int | None = None,
    items: Iterable[str] = (),
    request: Any = None,
) -> list[Evidence]:
    """Store one piece of evidence per file, all or none. The files are already staged."""
    with _discarding(uploads):
        campaign = access.campaign
        own_only = access.scope("evidence.upload") == Scope.OWN
        if department_id is None and own_only and access.department is not None:
            department_id = access.department.pk
        # pk=None (no department given) finds no row; the stubs do not allow None here.
        department = Department.objects.filter(campaign=campaign, pk=department_id).first()  # type: ignore[misc]
        problems: list[Problem] = []
        if department is None:
            access.require("evidence.upload")
            problems.append(Problem("department", "请选择提供材料的单位"))
        else:
            access.require("evidence.upload", department=department)
        title = title.strip()
        if len(title) > TITLE_MAX:
            problems.append(Problem("title", f"标题不能超过 {TITLE_MAX} 个字"))
        chosen, item_problems = _check_items(access, items)
        problems += item_problems
        accepted: list[Accepted] = []
        try:
            accepted = judge_files(uploads)
        except EvidenceError as exc:
            problems += exc.problems
        if problems or department is None:
            raise EvidenceError(problems)
        with transaction.atomic():
            created = [
                _create(
                    access,
                    department,
                    a,
                    title=_title(title, a, len(accepted)),
                    description=description,
                    chosen=chosen,
                    request=request,
                )
                for a in accepted
            ]
            _bump(campaign)
            _claim(accepted)
            faults.checkpoint(faults.BEFORE_COMMIT)
    return created


def _title(title: str, a: Accepted, count: int) -> str:
    stem = stem_of(a.filename)
    if not title:
        return stem[:TITLE_MAX]
    return (f"{title}（{stem}）" if count > 1 else title)[:TITLE_MAX]


def _create(
    access: Access,
    department: Department,
    a: Accepted,
    *,
    title: str,
    description: str,
    chosen: list[ItemChoice],
    request: Any,
) -> Evidence:
    user = _user(access)
    evidence = Evidence.objects.create(
        campaign=access.campaign,
        department=department,
        title=title,
        description=description.strip(),
        created_by=user,
    )
    version = EvidenceVersion.objects.create(
        evidence=evidence,
        number=1,
        sha256=a.staged.sha256,
        size=a.staged.size,
        filename=a.filename,
        kind=a.kind,
        uploaded_by=user,
    )
    evidence.current = version
    evidence.save(update_fields=["current"])
    record(
        action="evidence.upload",
        actor=user,
        campaign=access.campaign,
        target=evidence.target,
        after={"title": title, "department": department.name, **_version_fields(version)},
        request=request,
        message=f"上传佐证材料“{title}”（{a.filename}）",
    )
    for choice in chosen:
        _link(access, evidence, choice, request)
    return evidence


def _link(access: Access, evidence: Evidence, choice: ItemChoice, request: Any) -> bool:
    _, created = EvidenceLink.objects.get_or_create(
        evidence=evidence,
        item=choice.id,
        defaults={"indicator": choice.indicator, "created_by": _user(access)},
    )
    if created:
        record(
            action="evidence.link",
            actor=_user(access),
            campaign=access.campaign,
            target=evidence.target,
            indicator=choice.indicator,
            after={"item": choice.id},
            request=request,
            message=f"将佐证材料“{evidence.title}”关联到评分项 {choice.id}",
        )
    return created


def _locked(access: Access, evidence_id: int) -> Evidence:
    evidence = (
        Evidence.objects.select_for_update()
        .select_related("department")
        .filter(campaign=access.campaign, pk=evidence_id)
        .first()
    )
    if evidence is None:
        raise Http404("佐证材料不存在")
    return evidence


def add_version(
    access: Access, evidence_id: int, upload: Upload, *, request: Any = None
) -> EvidenceVersion:
    """A new file for the same evidence: older versions stay, with their sha256; the status
    goes back to 待提交 because what was submitted or accepted has changed."""
    with _discarding([upload]):
        evidence = get_evidence(access, evidence_id)
        _require_change(access, evidence)
        (accepted,) = judge_files([upload])
        with transaction.atomic():
            evidence = _locked(access, evidence_id)
            _require_change(access, evidence)
            previous = evidence.versions.order_by("-number").first()
            user = _user(access)
            version = EvidenceVersion.objects.create(
                evidence=evidence,
                number=(previous.number if previous else 0) + 1,
                sha256=accepted.staged.sha256,
                size=accepted.staged.size,
                filename=accepted.filename,
                kind=accepted.kind,
                uploaded_by=user,
            )
            before_status = evidence.status
            evidence.current = version
            evidence.status = Status.DRAFT
            evidence.return_reason = ""
            evidence.save(update_fields=["current", "status", "return_reason"])
            record(
                action="evidence.version",
                actor=user,
                campaign=access.campaign,
                target=evidence.target,
                before={**(_version_fields(previous) if previous else {}), "status": before_status},
                after={**_version_fields(version), "status": evidence.status},
                request=request,
                message=f"为佐证材料“{evidence.title}”上传第 {version.number} 版（{version.filename}）",
            )
            _bump(access.campaign)
            _claim([accepted])
            faults.checkpoint(faults.BEFORE_COMMIT)
    return version


def link(access: Access, evidence_id: int, item: str, *, request: Any = None) -> None:
    with transaction.atomic():
        evidence = _locked(access, evidence_id)
        _require_change(access, evidence)
        chosen, problems = _check_items(access, [item])
        if problems or not chosen:
            raise EvidenceError(problems or [Problem("items", "请选择评分项")])
        if _link(access, evidence, chosen[0], request):
            _bump(access.campaign)


def unlink(access: Access, evidence_id: int, item: str, *, request: Any = None) -> None:
    with transaction.atomic():
        evidence = _locked(access, evidence_id)
        _require_change(access, evidence)
        row = EvidenceLink.objects.filter(evidence=evidence, item=item).first()
        if row is None:
            raise EvidenceError([Problem("items", f"该材料没有关联评分项“{item[:32]}”")])
        access.require("evidence.upload", item=row.item)
        row.delete()
        record(
            action="evidence.unlink",
            actor=_user(access),
            campaign=access.campaign,
            target=evidence.target,
            indicator=row.indicator,
            before={"item": row.item},
            request=request,
            message=f"取消佐证材料“{evidence.title}”与评分项 {row.item} 的关联",
        )
        _bump(access.campaign)


# action → (from statuses, to status, policy action)
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "submit": (frozenset({Status.DRAFT, Status.RETURNED}), Status.SUBMITTED, "evidence.upload"),
    "accept": (frozenset({Status.SUBMITTED}), Status.ACCEPTED, "evidence.review"),
    "return": (frozenset({Status.SUBMITTED, Status.ACCEPTED}), Status.RETURNED, "evidence.review"),
}


def change_status(
    access: Access, evidence_id: int, action: str, reason: str = "", *, request: Any = None
) -> Evidence:
    if action not in TRANSITIONS:
        raise EvidenceError([Problem("action", "未知的操作")])
    sources, target, needed = TRANSITIONS[action]
    reason = reason.strip()
    with transaction.atomic():
        evidence = _locked(access, evidence_id)
        if needed == "evidence.upload":
            _require_change(access, evidence)
        else:
            access.require(needed)
            if evidence.deleted_at is not None:
                raise PermissionDenied("该材料在回收站中，请先恢复")
        if evidence.status not in sources:
            raise EvidenceError(
                [Problem("action", f"材料当前为“{evidence.get_status_display()}”，不能执行此操作")]
            )
        if target == Status.RETURNED and not reason:
            raise EvidenceError([Problem("reason", "退回时请写明理由")])
        if evidence.current_id is None:
            raise EvidenceError([Problem("action", "材料还没有文件")])
        before = {"status": evidence.status, "reason": evidence.return_reason}
        evidence.status = target
        evidence.return_reason = reason if target == Status.RETURNED else ""
        evidence.status_by = _user(access)
        evidence.status_at = timezone.now()
        evidence.save(update_fields=["status", "return_reason", "status_by", "status_at"])
        record(
            action="evidence.status",
            actor=_user(access),
            campaign=access.campaign,
            target=evidence.target,
            before=before,
            after={"status": evidence.status, "reason": evidence.return_reason},
            request=request,
            message=f"佐证材料“{evidence.title}”：{Status(before['status']).label} → {evidence.get_status_display()}"
            + (f"，理由：{reason}" if evidence.return_reason else ""),
        )
        _bump(access.campaign)
    return evidence


def delete(access: Access, evidence_id: int, *, request: Any = None) -> Evidence:
    """Move to the 回收站: nothing is erased, the office can restore it."""
    with transaction.atomic():
        evidence = _locked(access, evidence_id)
        _require_change(access, evidence, "evidence.delete")
        evidence.deleted_at = timezone.now()
        evidence.deleted_by = _user(access)
        evidence.save(update_fields=["deleted_at", "deleted_by"])
        record(
            action="evidence.delete",
            actor=_user(access),
            campaign=access.campaign,
            target=evidence.target,
            before={"deleted": False},
            after={"deleted": True},
            request=request,
            message=f"将佐证材料“{evidence.title}”移入回收站",
        )
        _bump(access.campaign)
    return evidence


def restore(access: Access, evidence_id: int, *, request: Any = None) -> Evidence:
    access.require("evidence.restore")
    with transaction.atomic():
        evidence = _locked(access, evidence_id)
        if evidence.deleted_at is None:
            raise EvidenceError([Problem("", "该材料不在回收站中")])
        evidence.deleted_at = None
        evidence.deleted_by = None
        evidence.save(update_fields=["deleted_at", "deleted_by"])
        record(
            action="evidence.restore",
            actor=_user(access),
            campaign=access.campaign,
            target=evidence.target,
            before={"deleted": True},
            after={"deleted": False},
            request=request,
            message=f"从回收站恢复佐证材料“{evidence.title}”",
        )
        _bump(access.campaign)
    return evidence


# --- reading ------------------------------------------------------------------------------------


def _listing(campaign: Campaign) -> QuerySet[Evidence]:
    return (
        Evidence.objects.filter(campaign=campaign)
        .select_related("department", "current", "created_by", "deleted_by")
        .prefetch_related(
            Prefetch("links", queryset=EvidenceLink.objects.order_by("indicator", "item"))
        )
    )


def _visible(access: Access, qs: QuerySet[Evidence]) -> QuerySet[Evidence]:
    scope = access.scope("evidence.view")
    if scope == Scope.CAMPAIGN:
        return qs
    if scope == Scope.OWN and access.department is not None:
        return qs.filter(
            Q(department=access.department) | Q(links__indicator__in=access.own_indicators)
        ).distinct()
    # Roles without a standing of their own (experts) see what their items allow.
    allowed = [c.id for c in item_choices(access.campaign) if access.can_view_evidence(c.id)]
    return qs.filter(links__item__in=allowed).distinct() if allowed else qs.none()


@dataclass(frozen=True)
class Filters:
    department: int | None = None
    item: str = ""
    status: str = ""

    @classmethod
    def parse(cls, params: Any) -> Filters:
        dept = str(params.get("department", "")).strip()
        status = str(params.get("status", "")).strip()
        return cls(
            department=int(dept) if dept.isdigit() else None,
            item=str(params.get("item", "")).strip()[:32],
            status=status if status in Status.values else "",
        )


@dataclass(frozen=True)
class Library:
    page: Page[Evidence]
    filters: Filters
    departments: list[Department]
    items: tuple[ItemChoice, ...]
    upload_items: list[ItemChoice]
    upload_departments: list[Department]
    statuses: list[tuple[str, str]] = field(default_factory=lambda: list(Status.choices))


def library(access: Access, filters: Filters, page_number: Any = 1) -> Library:
    access.require("evidence.view")
    qs = _visible(access, _listing(access.campaign).filter(deleted_at__isnull=True))
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.item:
        if "." in filters.item:
            qs = qs.filter(links__item=filters.item)
        elif filters.item.isdigit():
            qs = qs.filter(links__indicator=int(filters.item))
        qs = qs.distinct()
    departments = list(access.campaign.departments.all())
    return Library(
        page=Paginator(qs, PAGE_SIZE).get_page(page_number),
        filters=filters,
        departments=departments,
        items=item_choices(access.campaign),
        upload_items=linkable(access),
        upload_departments=upload_departments(access, departments),
    )


def upload_departments(access: Access, departments: list[Department]) -> list[Department]:
    if access.scope("evidence.upload") == Scope.CAMPAIGN:
        return departments
    if access.scope("evidence.upload") == Scope.OWN and access.department is not None:
        return [access.department]
    return []


def get_evidence(access: Access, evidence_id: int) -> Evidence:
    """One evidence of the campaign: 404 if the campaign has none by that id, 403 if this member
    may not see it (the member already knows the campaign; the refusal is audited)."""
    evidence = _listing(access.campaign).filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404("佐证材料不存在")
    if not _may_view(access, evidence, [link.item for link in evidence.links.all()]):
        if evidence.deleted_at is not None:
            raise PermissionDenied("该材料在回收站中，只有领导小组办公室和提供单位可以查看")
        raise PermissionDenied(f"您的角色（{access.role_name}）不能查看这份佐证材料")
    return evidence


@dataclass(frozen=True)
class Detail:
    evidence: Evidence
    versions: list[EvidenceVersion]
    links: list[EvidenceLink]
    link_choices: list[ItemChoice]
    can_change: bool
    can_review: bool
    can_delete: bool
    can_restore: bool

    @property
    def can_submit(self) -> bool:
        return self.can_change and self.evidence.status in TRANSITIONS["submit"][0]

    @property
    def can_accept(self) -> bool:
        return self.can_review and self.evidence.status in TRANSITIONS["accept"][0]

    @property
    def can_return(self) -> bool:
        return self.can_review and self.evidence.status in TRANSITIONS["return"][0]


def _allowed(check: Any) -> bool:
    try:
        check()
    except PermissionDenied:
        return False
    return True


def detail(access: Access, evidence_id: int) -> Detail:
    evidence = get_evidence(access, evidence_id)
    links = list(evidence.links.all())
    live = evidence.deleted_at is None
    can_change = live and _allowed(lambda: _require_change(access, evidence))
    linked = {link.item for link in links}
    return Detail(
        evidence=evidence,
        versions=list(evidence.versions.select_related("uploaded_by").order_by("-number")),
        links=links,
        link_choices=[c for c in linkable(access) if c.id not in linked] if can_change else [],
        can_change=can_change,
        can_review=live and access.can("evidence.review"),
        can_delete=live and _allowed(lambda: _require_change(access, evidence, "evidence.delete")),
        can_restore=not live and access.can("evidence.restore"),
    )


def trash(access: Access) -> list[Evidence]:
    """The 回收站: the office sees every deleted file, a liaison its own department's."""
    qs = _listing(access.campaign).filter(deleted_at__isnull=False).order_by("-deleted_at")
    if access.can("evidence.restore"):
        return list(qs)
    access.require("evidence.delete")
    if access.department is None:
        return []
    return list(qs.filter(department=access.department))


def open_version(
    access: Access, evidence_id: int, number: int | None = None
) -> tuple[EvidenceVersion, Any]:
    """The version (the current one by default) and its open file, for the download view."""
    evidence = get_evidence(access, evidence_id)
    versions = evidence.versions.all()
    version = (
        versions.filter(number=number).first()
        if number is not None
        # Evidence without a current version (current_id None) finds no row.
        else versions.filter(pk=evidence.current_id).first()  # type: ignore[misc]
    )
    if version is None:
        raise Http404("该版本不存在")
    try:
        fh = storage.content_path(version.sha256).open("rb")
    except FileNotFoundError as exc:
        log.error("evidence file missing: version %s sha256 %s", version.pk, version.sha256)
        raise Http404("文件暂时无法读取，请联系管理员运行 evidence_sweep 检查") from exc
    return version, fh


# --- what the dashboard and indicator pages show --------------------------------------------------


def covered_items(campaign: Campaign) -> dict[int, set[str]]:
    """Indicator → the items with live evidence (one query). Evidence that was returned does not
    count: it has to be redone."""
    rows = (
        EvidenceLink.objects.filter(evidence__campaign=campaign, evidence__deleted_at__isnull=True)
        .exclude(evidence__status=Status.RETURNED)
        .values_list("indicator", "item")
        .distinct()
    )
    covered: dict[int, set[str]] = {}
    for indicator, item in rows:
        covered.setdefault(indicator, set()).add(item)
    return covered


def missing_evidence_of(number: int, scored: Iterable[str], linked: set[str]) -> list[str]:
    """The scored items of one indicator that no live evidence supports. Evidence linked to the
    indicator as a whole covers every item; for an indicator scored as one item (e.g. 28, met by
    any one condition) evidence for any of its conditions covers it."""
    whole = str(number)
    if whole in linked:
        return []
    return [i for i in scored if i not in linked and not (i == whole and linked)]


def missing_evidence(scorecard: Scorecard, covered: dict[int, set[str]]) -> dict[int, list[str]]:
    """Indicator → its scored items without evidence (only indicators lacking some)."""
    missing: dict[int, list[str]] = {}
    for ind in scorecard.indicators:
        lacking = missing_evidence_of(
            ind.number, [item.id for item in ind.items], covered.get(ind.number, set())
        )
        if lacking:
            missing[ind.number] = lacking
    return missing


@dataclass(frozen=True)
class IndicatorEvidence:
    number: int
    visible: bool
    rows: list[tuple[str, list[Evidence]]]  # (item id, its evidence, returned ones included)
    missing: list[str]  # scored items no live, unreturned evidence supports
    can_upload: bool


def indicator_evidence(access: Access, number: int, scored: Sequence[str]) -> IndicatorEvidence:
    """The evidence of one indicator, item by item (one query). ``scored`` are the indicator's
    scorecard items; the rows also show the indicator as a whole and any-of conditions."""
    whole = str(number)
    items = [c.id for c in item_choices(access.campaign) if c.indicator == number]
    allowed = [i for i in items if access.can_view_evidence(i)]
    can_upload = access.can("evidence.upload", indicator=number)
    if not allowed:
        return IndicatorEvidence(number, False, [], [], can_upload)
    links = (
        EvidenceLink.objects.filter(
            indicator=number,
            item__in=allowed,
            evidence__campaign=access.campaign,
            evidence__deleted_at__isnull=True,
        )
        .select_related("evidence__department", "evidence__current")
        .order_by("item", "-evidence__created_at")
    )
    by_item: dict[str, list[Evidence]] = {i: [] for i in allowed}
    covered: set[str] = set()
    for row in links:
        by_item[row.item].append(row.evidence)
        if row.evidence.status != Status.RETURNED:
            covered.add(row.item)
    shown = {whole, *scored} if len(items) == 1 else set(scored) - {whole}
    rows = [(i, by_item[i]) for i in allowed if by_item[i] or i in shown]
    lacking = missing_evidence_of(number, scored, covered)
    return IndicatorEvidence(number, True, rows, lacking, can_upload)


# --- the sweep ------------------------------------------------------------------------------------


def sweep(older_than_seconds: float) -> tuple[storage.SweepReport, list[EvidenceVersion]]:
    """Tidy the content store (see :func:`storage.sweep`); also the versions whose file is
    missing, for the operator."""

    def referenced() -> set[str]:
        return set(EvidenceVersion.objects.values_list("sha256", flat=True).distinct())

    report = storage.sweep(referenced, older_than_seconds)
    missing = list(
        EvidenceVersion.objects.filter(sha256__in=report.missing)
        .select_related("evidence__campaign")
        .order_by("evidence__campaign_id", "evidence_id", "number")
    )
    return report, missing
