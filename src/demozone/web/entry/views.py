"""数据填报: the page of a department's indicators, and saving one indicator's card."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from demozone.core.errors import InputError
from demozone.web.campaigns.access import campaign_access
from demozone.web.dashboard.views import _invalid_data
from demozone.web.entry import services
from demozone.web.requests import HtmxHttpRequest
from demozone.web.reviews.todo import active_return_notes


@login_required
def entry_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "entry.view")
    raw = request.GET.get("department", "")
    try:
        page = services.entry_page(access, int(raw) if raw.isdigit() else None)
    except InputError as exc:
        return _invalid_data(request, access, exc)
    context = {"access": access, "campaign": access.campaign, "nav": "entry", "page": page}
    context["return_notes"] = active_return_notes(access)  # 退回修改意见 per indicator
    return render(request, "entry/entry.html", context)


@login_required
@require_POST
def save_indicator(request: HtmxHttpRequest, campaign_id: int, number: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "data.edit", indicator=number)
    result = services.save_card(access, number, request.POST, request.user)
    context = {"campaign": access.campaign, "card": result.card, "result": result}
    if request.htmx:
        return render(request, "entry/_card_response.html", context)
    if result.card.conflict:
        messages.error(request, f"第 {number} 项指标的数据已被他人修改，您的填写未保存，请核对。")
    elif result.card.has_errors:
        messages.error(request, f"第 {number} 项指标的数据有误，未保存，请按提示更正。")
    if result.card.has_errors:
        status = 409 if result.card.conflict else 422
        context = {**context, "access": access, "nav": "entry"}
        return render(request, "entry/single.html", context, status=status)
    messages.success(request, f"第 {number} 项指标已保存。")
    return redirect(reverse("entry", args=[campaign_id]) + f"#card-{number}")
