"""评审轮次 pages: the rounds of a campaign, a round's panel and results, the expert's judging
page, snapshots; every change goes through :mod:`demozone.web.reviews.services`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from demozone.web.campaigns.access import Access, campaign_access
from demozone.web.reviews import services


def _context(access: Access, **extra: Any) -> dict[str, Any]:
    return {"access": access, "campaign": access.campaign, "nav": "rounds", **extra}


@login_required
@require_GET
def round_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "round.view")
    rounds = services.rounds_of(access.campaign)
    return render(request, "reviews/rounds.html", _context(access, rounds=rounds))
