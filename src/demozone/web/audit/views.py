"""The audit trail's pages, and the 403 answers that audit every refusal."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from demozone.core.needs import framework_needs
from demozone.web.audit import browse
from demozone.web.audit.services import record_denied
from demozone.web.campaigns.access import campaign_access, require_system_admin
from demozone.web.requests import HtmxHttpRequest

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


def _listing(
    request: HtmxHttpRequest, campaign_id: int | None, context: dict[str, object]
) -> HttpResponse:
    form = browse.AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page, rows = browse.page_of(browse.search(campaign_id, filters), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context |= {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    template = "audit/_events.html" if request.htmx else "audit/events.html"
    return render(request, template, context)


@login_required
def audit_campaign(request: HtmxHttpRequest, campaign_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "audit.view")
    context = {"access": access, "campaign": access.campaign, "nav": "audit"}
    return _listing(request, campaign_id, context)


@login_required
def audit_all(request: HtmxHttpRequest) -> HttpResponse:
    require_system_admin(request.user, "查看全平台审计日志")
    return _listing(request, None, {"nav": "audit_all"})


@login_required
def indicator_history(request: HtmxHttpRequest, campaign_id: int, number: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "dashboard.view")
    campaign = access.campaign
    needs = framework_needs(campaign.core_framework, campaign.years).get(number)
    if needs is None:
        raise Http404("指标不存在")
    rows = browse.indicator_history(campaign, number, frozenset(needs.paths))
    context = {"campaign": campaign, "access": access, "number": number, "rows": rows}
    template = "audit/_indicator_history.html" if request.htmx else "audit/indicator_history.html"
    return render(request, template, {**context, "nav": "dashboard"})
