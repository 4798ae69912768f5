"""Read-only pages: 驾驶舱, 指标体系, 评分表, 指标详情, and the list of campaigns."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from demozone.core.errors import InputError
from demozone.web.campaigns.access import (
    campaign_access,
    default_campaign_id,
    landing_page,
    member_roles,
    require_system_admin,
    visible_campaigns,
)
from demozone.web.campaigns.errors import CampaignError
from demozone.web.campaigns.models import Role
from demozone.web.campaigns.services import dump_document, export_document
from demozone.web.campaigns.templating import create_campaign, template_ids
from demozone.web.dashboard import services
from demozone.web.dashboard.forms import CampaignForm
from demozone.web.evidence.services import indicator_evidence
from demozone.web.requests import AuthenticatedHttpRequest
from demozone.web.reviews.todo import pending_work


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for monitoring (and the benchmark's trivial view): no database, no template."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    campaign_id = default_campaign_id(request.user)
    if campaign_id is None:
        return redirect("campaign_list")
    role = campaign_access(request.user, campaign_id).role
    if landing_page(role) != "dashboard":
        return redirect(landing_page(role), campaign_id)
    return dashboard(request, campaign_id)


@login_required
def dashboard(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _overview_page(request, campaign_id, "dashboard")


@login_required
def scorecard(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _overview_page(request, campaign_id, "scorecard")


def _overview_page(request: HttpRequest, campaign_id: int, page: str) -> HttpResponse:
    """驾驶舱 and 评分表: the body depends on the campaign's data only, so it is rendered once per
    data revision and kept; the frame (user, navigation) is rendered on every request."""
    access = campaign_access(request.user, campaign_id, "dashboard.view")
    context = {"access": access, "campaign": access.campaign, "nav": page}
    # 我的待办: per member and never kept, so outside the cached body.
    todo = pending_work(access) if page == "dashboard" else None

    def render_body() -> str:
        view = services.overview(access)
        return render_to_string(f"dashboard/_{page}_body.html", {**context, "view": view})

    try:
        body = services.cached_body(page, access.campaign, render_body)
    except InputError as exc:
        return _invalid_data(request, access, exc)
    return render(
        request, f"dashboard/{page}.html", {**context, "body": mark_safe(body), "todo": todo}
    )


@login_required
def framework_tree(request: HttpRequest, campaign_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "framework.view")
    fw = access.campaign.core_framework
    zone = access.campaign.region.zone
    rules = {ind.number: services.rule_lines(ind, fw, zone) for ind in fw.indicators}
    return render(
        request,
        "dashboard/framework.html",
        {
            "access": access,
            "campaign": access.campaign,
            "nav": "framework",
            "fw": fw,
            "rules": rules,
        },
    )


@login_required
def indicator_detail(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "dashboard.view")
    try:
        view = services.overview(access)
        detail = services.indicator_detail(view, number)
    except InputError as exc:
        return _invalid_data(request, access, exc)
    evidence = indicator_evidence(access, number, [item.id for item in detail.result.items])
    return render(
        request,
        "dashboard/indicator.html",
        {
            "access": access,
            "campaign": access.campaign,
            "nav": "dashboard",
            "d": detail,
            "ev": evidence,
        },
    )


@login_required
def export(request: HttpRequest, campaign_id: int, fmt: str) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "data.view")
    if fmt not in ("yaml", "json"):
        raise PermissionDenied("只能导出 YAML 或 JSON 文件")
    text = dump_document(export_document(access.campaign), fmt)
    response = HttpResponse(text, content_type=f"application/{fmt}; charset=utf-8")
    filename = f"campaign-{access.campaign.pk}-{dt.date.today():%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def campaign_list(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, templates=template_ids())
    if request.method == "POST":
        require_system_admin(request.user, "新建创建活动")
        if form.is_valid():
            try:
                campaign = create_campaign(**form.arguments())
            except CampaignError as exc:
                form.add_error(None, exc.describe())
            else:
                messages.success(
                    request, f"已创建“{campaign.name}”，成员单位与责任分工已按模板建立。"
                )
                return redirect("dashboard", campaign.pk)
    campaigns = list(visible_campaigns(request.user).select_related("region"))
    roles = member_roles(request.user)
    for c in campaigns:
        c.landing = landing_page(roles.get(c.pk, Role.ADMIN))  # type: ignore[attr-defined]
    return render(
        request,
        "dashboard/campaigns.html",
        {"campaigns": campaigns, "form": form, "nav": "campaigns"},
    )


def _invalid_data(request: HttpRequest, access: object, exc: InputError) -> HttpResponse:
    # Stored data is validated on every write, so this only happens after a framework or rule
    # change; the office sees every problem instead of an error page.
    return render(
        request,
        "dashboard/invalid.html",
        {"access": access, "campaign": access.campaign, "problems": exc.problems},  # type: ignore[attr-defined]
        status=500,
    )
