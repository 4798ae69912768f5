"""Excel 数据采集 (download, upload, preview, apply), 报告下载 and the 申报材料包."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from demozone.core.errors import InputError, Problem
from demozone.reports.collection import MAX_UPLOAD_BYTES, CollectionError
from demozone.reports.context import ReportError
from demozone.reports.render import FORMATS, MEDIA_TYPES
from demozone.web.audit.services import record_denied
from demozone.web.campaigns.access import Access, campaign_access
from demozone.web.dashboard.views import _invalid_data
from demozone.web.exchange import collection, documents, packages
from demozone.web.responses import attachment
from demozone.web.reviews import documents as round_documents


def _collection_page(
    request: HttpRequest, access: Access, error: CollectionError | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "access": access,
        "campaign": access.campaign,
        "nav": "collection",
        "page": collection.collection_page(access),
        "error": error,
        "max_mb": MAX_UPLOAD_BYTES // 1024 // 1024,
    }
    return render(request, "exchange/collection.html", context, status=status)


@login_required
def collection_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _collection_page(
        request, campaign_access(request.user, campaign_id, "collection.download")
    )


@login_required
def collection_workbook(request: HttpRequest, campaign_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "collection.download")
    raw = request.GET.get("department", "")
    book = collection.workbook(access, int(raw) if raw.isdigit() else None)
    response = HttpResponse(book.data, content_type=MEDIA_TYPES["xlsx"])
    return attachment(response, book.filename)


@login_required
@require_POST
def collection_upload(request: HttpRequest, campaign_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "collection.upload")
    upload = request.FILES.get("workbook")
    # An uploaded file always has its size; the stubs allow None.
    if upload is None or upload.size > MAX_UPLOAD_BYTES:  # type: ignore[operator]
        error = CollectionError([Problem("", "请选择平台生成的采集表（.xlsx，不超过 5 MB）")])
        return _collection_page(request, access, error, 422)
    try:
        preview = collection.preview_upload(access, upload.read(), upload.name or "", request.user)
    except collection.RefusedError as exc:
        record_denied(request, exc.describe())
        return _collection_page(request, access, exc, 403)
    except CollectionError as exc:
        return _collection_page(request, access, exc, 422)
    context = {
        "access": access,
        "campaign": access.campaign,
        "nav": "collection",
        "preview": preview,
    }
    return render(request, "exchange/preview.html", context)


@login_required
@require_POST
def collection_apply(request: HttpRequest, campaign_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "collection.upload")
    token, digest = request.POST.get("token", ""), request.POST.get("digest", "")
    try:
        applied = collection.apply_upload(access, token, digest, request.user)
    except collection.ExpiredError as exc:
        messages.error(request, exc.problems[0].message)
        return redirect("collection", campaign_id)
    except collection.RefusedError as exc:
        record_denied(request, exc.describe())
        return _collection_page(request, access, exc, 403)
    except CollectionError as exc:
        return _collection_page(request, access, exc, 422)
    if applied.changes:
        messages.success(
            request,
            f"已导入「{applied.stamp.department_name}」采集表中的 {len(applied.changes)} 项数据。",
        )
    else:
        messages.info(request, "采集表中没有与平台不同的数据，未作修改。")
    return redirect("collection", campaign_id)


@login_required
def reports_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "report.download")
    context = {
        "access": access,
        "campaign": access.campaign,
        "nav": "reports",
        "formats": FORMATS,
        "package": access.can("package.download"),
        "snapshots": round_documents.listed(access),
    }
    return render(request, "exchange/reports.html", context)


@login_required
def report_download(request: HttpRequest, campaign_id: int, fmt: str) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "report.download")
    if fmt not in FORMATS:
        return render(request, "404.html", status=404)
    try:
        doc = documents.campaign_document(access.campaign, fmt)
    except InputError as exc:
        return _invalid_data(request, access, exc)
    except ReportError as exc:
        return _report_failed(request, access, exc)
    return attachment(HttpResponse(doc.data, content_type=doc.media_type), doc.filename)


@login_required
def package_download(
    request: HttpRequest, campaign_id: int
) -> HttpResponse | StreamingHttpResponse:
    access = campaign_access(request.user, campaign_id, "package.download")
    try:
        package = packages.campaign_package(access)
    except InputError as exc:
        return _invalid_data(request, access, exc)
    except ReportError as exc:
        return _report_failed(request, access, exc)
    response = StreamingHttpResponse(package.stream(), content_type="application/zip")
    return attachment(response, package.filename)


def _report_failed(request: HttpRequest, access: Access, exc: ReportError) -> HttpResponse:
    context = {"access": access, "campaign": access.campaign, "nav": "reports", "error": exc}
    return render(request, "exchange/failed.html", context, status=503)
