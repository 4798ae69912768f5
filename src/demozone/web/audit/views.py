"""The audit trail's pages, and the 403 answers that audit every refusal."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from demozone.web.audit.services import record_denied

DEFAULT_DENIED = "您没有执行该操作的权限。"
CSRF_DENIED = "页面已过期或请求来源无法验证（CSRF 校验失败），请刷新页面后重试。"


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def _denied(request: HttpRequest, message: str) -> HttpResponse:
    record_denied(request, message)
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=403)
    return render(request, "403.html", {"message": message}, status=403)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler403``: a Chinese page (or JSON for the API), and an ``access.denied`` row."""
    text = str(exception) if isinstance(exception, PermissionDenied) and str(exception) else ""
    return _denied(request, text or DEFAULT_DENIED)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: the same, with the reason Django gives in the log only."""
    return _denied(request, CSRF_DENIED)
