"""三级对比 (page and .xlsx) and the documents of a sealed snapshot."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from demozone.reports.context import ReportError
from demozone.reports.render import MEDIA_TYPES
from demozone.web.campaigns.access import campaign_access
from demozone.web.responses import attachment
from demozone.web.reviews import comparison, documents
from demozone.web.reviews.models import Snapshot


def _only_changed(request: HttpRequest) -> bool:
    return request.GET.get("changed") == "1"


@login_required
@require_GET
def compare_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "comparison.view")
    full = comparison.compare(access)
    only = _only_changed(request)
    context = {
        "access": access,
        "campaign": access.campaign,
        "nav": "rounds",
        "result": full.changed_only() if only else full,
        "changed_count": full.changed_count,
        "only_changed": only,
    }
    return render(request, "reviews/compare.html", context)


@login_required
@require_GET
def compare_workbook(request: HttpRequest, campaign_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "comparison.view")
    result = comparison.compare(access)
    if _only_changed(request):
        result = result.changed_only()
    data = documents.comparison_workbook(access.campaign, result)
    response = HttpResponse(data, content_type=MEDIA_TYPES["xlsx"])
    return attachment(response, f"{access.campaign.region.name}逐项对比.xlsx")


@login_required
@require_GET
def snapshot_report(
    request: HttpRequest, campaign_id: int, snapshot_id: int, fmt: str
) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "report.download")
    access.require("snapshot.view")
    snapshot = get_object_or_404(
        Snapshot.objects.select_related("round", "campaign__region", "campaign__framework"),
        campaign=access.campaign,
        pk=snapshot_id,
    )
    if fmt not in documents.SNAPSHOT_FORMATS:
        return render(request, "404.html", status=404)
    try:
        doc = documents.snapshot_document(snapshot, fmt)
    except ReportError as exc:
        context = {"access": access, "campaign": access.campaign, "nav": "reports", "error": exc}
        return render(request, "exchange/failed.html", context, status=503)
    return attachment(HttpResponse(doc.data, content_type=doc.media_type), doc.filename)
