"""佐证材料库: the list and upload form, one evidence's page and actions, 回收站, downloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from demozone.core.errors import Problem
from demozone.web.campaigns.access import Access, campaign_access
from demozone.web.evidence import services
from demozone.web.evidence.services import EvidenceError, megabytes
from demozone.web.evidence.uploads import content_disposition, receive_into_staging
from demozone.web.requests import HtmxHttpRequest


def _int(raw: Any) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isdigit() else None


def _context(access: Access, **extra: Any) -> dict[str, Any]:
    return {"access": access, "campaign": access.campaign, "nav": "evidence", **extra}


def _library_page(
    request: HtmxHttpRequest,
    access: Access,
    *,
    problems: Any = (),
    posted: Any = None,
    status: int = 200,
) -> HttpResponse:
    lib = services.library(access, services.Filters.parse(request.GET), request.GET.get("page"))
    partial = request.htmx and request.htmx.target == "evidence-list" and not problems
    template = "evidence/_list.html" if partial else "evidence/library.html"
    if posted is not None:
        selected = posted.getlist("items")
    else:
        selected = [lib.filters.item] if lib.filters.item else []
    context = _context(
        access,
        lib=lib,
        problems=problems,
        posted=posted,
        selected_items=selected,
        show_trash=access.can("evidence.delete"),
        max_mb=settings.EVIDENCE_UPLOAD_MAX_BYTES // (1024 * 1024),
    )
    return render(request, template, context, status=status)


@login_required
@require_GET
def library(request: HtmxHttpRequest, campaign_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "evidence.view")
    return _library_page(request, access)


def _receive_files(
    view: Callable[[HtmxHttpRequest, Access, int | None], HttpResponse],
) -> Callable[..., HttpResponse]:
    """Stream the files into the staging area (the handler must be set before the body is read,
    hence CSRF is checked inside, once the body has been parsed by that handler)."""

    @csrf_protect
    def checked(request: HtmxHttpRequest, access: Access, evidence_id: int | None) -> HttpResponse:
        return view(request, access, evidence_id)

    @csrf_exempt
    @login_required
    @require_POST
    def wrapper(
        request: HtmxHttpRequest, campaign_id: int, evidence_id: int | None = None
    ) -> HttpResponse:
        access = campaign_access(request.user, campaign_id, "evidence.upload")
        length = _int(request.META.get("CONTENT_LENGTH")) or 0
        if length > settings.EVIDENCE_REQUEST_MAX_BYTES:
            # Refused before reading a byte of the body.
            problem = Problem(
                "files",
                f"本次上传共 {megabytes(length)}，超过单次上传上限 {megabytes(settings.EVIDENCE_REQUEST_MAX_BYTES)}，请分批上传",
            )
            if evidence_id is not None:
                return _detail_page(request, access, evidence_id, problems=[problem], status=413)
            return _library_page(request, access, problems=[problem], status=413)
        receive_into_staging(request)
        return checked(request, access, evidence_id)

    return wrapper


def _uploads(request: HtmxHttpRequest, field: str) -> list[services.Upload]:
    return [f.upload for f in request.FILES.getlist(field) if hasattr(f, "upload")]


@_receive_files
def upload(request: HtmxHttpRequest, access: Access, evidence_id: int | None) -> HttpResponse:
    try:
        created = services.upload(
            access,
            uploads=_uploads(request, "files"),
            title=request.POST.get("title", ""),
            description=request.POST.get("description", ""),
            department_id=_int(request.POST.get("department")),
            items=request.POST.getlist("items"),
            request=request,
        )
    except EvidenceError as exc:
        return _library_page(
            request, access, problems=exc.problems, posted=request.POST, status=422
        )
    names = "、".join(f"“{e.title}”" for e in created)
    messages.success(
        request, f"已上传 {len(created)} 份佐证材料：{names}。提交前可继续补充或关联评分项。"
    )
    if len(created) == 1:
        return redirect("evidence_detail", access.campaign.pk, created[0].pk)
    return redirect("evidence_library", access.campaign.pk)


@_receive_files
def add_version(request: HtmxHttpRequest, access: Access, evidence_id: int | None) -> HttpResponse:
    assert evidence_id is not None
    files = _uploads(request, "file")
    try:
        if len(files) != 1:
            raise EvidenceError([Problem("file", "请选择一个文件作为新版本")])
        version = services.add_version(access, evidence_id, files[0], request=request)
    except EvidenceError as exc:
        for up in files:
            up.discard()
        return _detail_page(request, access, evidence_id, problems=exc.problems, status=422)
    messages.success(request, f"已上传第 {version.number} 版，材料状态已改为待提交。")
    return redirect("evidence_detail", access.campaign.pk, evidence_id)


def _detail_page(
    request: HtmxHttpRequest,
    access: Access,
    evidence_id: int,
    *,
    problems: Any = (),
    status: int = 200,
) -> HttpResponse:
    d = services.detail(access, evidence_id)
    template = "evidence/_links.html" if request.htmx else "evidence/detail.html"
    return render(request, template, _context(access, d=d, problems=problems), status=status)


@login_required
@require_GET
def detail(request: HtmxHttpRequest, campaign_id: int, evidence_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id)
    return _detail_page(request, access, evidence_id)


def _act(
    request: HtmxHttpRequest, campaign_id: int, evidence_id: int, change: Callable[[Access], str]
) -> HttpResponse:
    """Run one change; an htmx request gets the links panel back, a form post a redirect."""
    access = campaign_access(request.user, campaign_id)
    try:
        done = change(access)
    except EvidenceError as exc:
        if request.htmx:
            return _detail_page(request, access, evidence_id, problems=exc.problems)
        messages.error(request, "；".join(p.message for p in exc.problems))
    else:
        if request.htmx:
            return _detail_page(request, access, evidence_id)
        messages.success(request, done)
    return redirect("evidence_detail", campaign_id, evidence_id)


@login_required
@require_POST
def link(request: HtmxHttpRequest, campaign_id: int, evidence_id: int) -> HttpResponse:
    item = request.POST.get("item", "")

    def change(access: Access) -> str:
        services.link(access, evidence_id, item, request=request)
        return f"已关联评分项 {item}。"

    return _act(request, campaign_id, evidence_id, change)


@login_required
@require_POST
def unlink(request: HtmxHttpRequest, campaign_id: int, evidence_id: int) -> HttpResponse:
    item = request.POST.get("item", "")

    def change(access: Access) -> str:
        services.unlink(access, evidence_id, item, request=request)
        return f"已取消与评分项 {item} 的关联。"

    return _act(request, campaign_id, evidence_id, change)


@login_required
@require_POST
def change_status(request: HtmxHttpRequest, campaign_id: int, evidence_id: int) -> HttpResponse:
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")

    def change(access: Access) -> str:
        evidence = services.change_status(access, evidence_id, action, reason, request=request)
        return f"材料状态已改为“{evidence.get_status_display()}”。"

    return _act(request, campaign_id, evidence_id, change)


@login_required
@require_POST
def delete(request: HtmxHttpRequest, campaign_id: int, evidence_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "evidence.delete")
    evidence = services.delete(access, evidence_id, request=request)
    messages.success(request, f"“{evidence.title}”已移入回收站，领导小组办公室可以恢复。")
    return redirect("evidence_library", campaign_id)


@login_required
@require_POST
def restore(request: HtmxHttpRequest, campaign_id: int, evidence_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "evidence.restore")
    try:
        evidence = services.restore(access, evidence_id, request=request)
    except EvidenceError as exc:
        messages.error(request, "；".join(p.message for p in exc.problems))
        return redirect("evidence_trash", campaign_id)
    messages.success(request, f"已从回收站恢复“{evidence.title}”。")
    return redirect("evidence_detail", campaign_id, evidence_id)


@login_required
@require_GET
def trash(request: HtmxHttpRequest, campaign_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "evidence.delete")
    rows = services.trash(access)
    can_restore = access.can("evidence.restore")
    return render(
        request, "evidence/trash.html", _context(access, rows=rows, can_restore=can_restore)
    )


@login_required
@require_GET
def download(
    request: HtmxHttpRequest, campaign_id: int, evidence_id: int, number: int | None = None
) -> FileResponse:
    access = campaign_access(request.user, campaign_id)
    version, fh = services.open_version(access, evidence_id, number)
    response = FileResponse(fh, content_type=version.content_type)
    fallback = f"evidence-{evidence_id}-v{version.number}.{version.filename.rsplit('.', 1)[-1]}"
    response["Content-Disposition"] = content_disposition(version.filename, fallback)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
