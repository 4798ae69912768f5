"""评审轮次 pages: the rounds of a campaign, a round's panel and results, the expert's judging
page, snapshots; every change goes through :mod:`demozone.web.reviews.services`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from demozone.core.numbers import plain
from demozone.web.campaigns.access import Access, campaign_access
from demozone.web.evidence.kinds import Kind
from demozone.web.evidence.uploads import content_disposition
from demozone.web.requests import HtmxHttpRequest
from demozone.web.reviews import forms, pages, services, todo
from demozone.web.reviews.services import ReviewError


def _context(access: Access, **extra: Any) -> dict[str, Any]:
    return {"access": access, "campaign": access.campaign, "nav": "rounds", **extra}


def _rounds_page(
    request: HtmxHttpRequest, access: Access, *, problems: Any = (), status: int = 200
) -> HttpResponse:
    page = pages.rounds_page(access)
    context = _context(
        access,
        page=page,
        todo=todo.pending_work(access),
        problems=forms.describe(problems),
        posted=request.POST if problems else None,
    )
    return render(request, "reviews/rounds.html", context, status=status)


@login_required
@require_GET
def round_list(request: HtmxHttpRequest, campaign_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "round.view")
    return _rounds_page(request, access)


def _change(
    request: HtmxHttpRequest,
    campaign_id: int,
    action: str,
    change: Callable[[Access], tuple[str, str]],
    failed: Callable[[Access, Any], HttpResponse] | None = None,
) -> HttpResponse:
    """Run one change: on success a message and a redirect to the URL it returns; on a
    ReviewError the page again (422) with every problem naming its field, nothing written."""
    access = campaign_access(request.user, campaign_id, action)
    try:
        done, url = change(access)
    except ReviewError as exc:
        if failed is not None:
            return failed(access, exc.problems)
        return _rounds_page(request, access, problems=exc.problems, status=422)
    messages.success(request, done)
    return redirect(url)


@login_required
@require_POST
def open_self(request: HtmxHttpRequest, campaign_id: int) -> HttpResponse:
    def change(access: Access) -> tuple[str, str]:
        round_ = services.open_self_round(access, deadline=forms.deadline(request.POST))
        return f"已发起{round_.title}。", reverse("rounds", args=[campaign_id])

    return _change(request, campaign_id, "round.open_self", change)


@login_required
@require_POST
def submit(request: HtmxHttpRequest, campaign_id: int, round_id: int) -> HttpResponse:
    def change(access: Access) -> tuple[str, str]:
        snap = services.submit_self_round(access, round_id)
        done = f"已提交自评，封存快照 v{snap.version}（{plain(snap.total)} 分，摘要 {snap.seal[:12]}…）。"
        return done, reverse("rounds", args=[campaign_id])

    return _change(request, campaign_id, "round.submit", change)


@login_required
@require_POST
def open_review(request: HtmxHttpRequest, campaign_id: int) -> HttpResponse:
    def change(access: Access) -> tuple[str, str]:
        base = forms.base_id(request.POST)
        settings = forms.round_settings(request.POST)
        stage = request.POST.get("stage", "")
        round_ = services.open_review_round(access, stage, base, settings)
        return f"已发起{round_.title}，请组建专家组。", reverse(
            "round_detail", args=[campaign_id, round_.pk]
        )

    return _change(request, campaign_id, "round.open_review", change)


def _detail_page(
    request: HtmxHttpRequest,
    access: Access,
    round_id: int,
    *,
    problems: Any = (),
    status: int = 200,
    posted: Any = None,
) -> HttpResponse:
    detail = pages.round_detail(access, round_id)
    partial = bool(request.htmx) and request.htmx.target == "round-results"
    template = "reviews/_results.html" if partial else "reviews/round.html"
    context = _context(
        access,
        d=detail,
        partial=partial,
        problems=forms.describe(problems),
        posted=posted or request.POST,
    )
    return render(request, template, context, status=200 if partial else status)


@login_required
@require_GET
def round_detail(request: HtmxHttpRequest, campaign_id: int, round_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "round.view")
    return _detail_page(request, access, round_id)


def _round_change(
    request: HtmxHttpRequest,
    campaign_id: int,
    round_id: int,
    change: Callable[[Access], str],
    action: str = "round.view",
) -> HttpResponse:
    """A change on a round's page; an htmx request gets the results section back."""

    def run(access: Access) -> tuple[str, str]:
        return change(access), reverse("round_detail", args=[campaign_id, round_id])

    def failed(access: Access, problems: Any) -> HttpResponse:
        return _detail_page(
            request, access, round_id, problems=problems, status=422, posted=request.POST
        )

    response = _change(request, campaign_id, action, run, failed)
    if request.htmx and response.status_code == 302:
        access = campaign_access(request.user, campaign_id, action)
        return _detail_page(request, access, round_id)
    return response


@login_required
@require_POST
def panel(request: HtmxHttpRequest, campaign_id: int, round_id: int) -> HttpResponse:
    def change(access: Access) -> str:
        seats = forms.panel_seats(request.POST)
        services.set_panel(access, round_id, seats)
        return f"已设置专家组（{len(seats)} 名专家）。"

    return _round_change(request, campaign_id, round_id, change, "round.panel")


@login_required
@require_POST
def reconcile(request: HtmxHttpRequest, campaign_id: int, round_id: int) -> HttpResponse:
    item = request.POST.get("item", "")

    def change(access: Access) -> str:
        value, reason = request.POST.get("value", ""), request.POST.get("reason", "")
        services.reconcile(access, round_id, item, value, reason)
        return f"已协调争议项 {item}。"

    return _round_change(request, campaign_id, round_id, change, "round.judge")


@login_required
@require_POST
def override(request: HtmxHttpRequest, campaign_id: int, round_id: int) -> HttpResponse:
    item = request.POST.get("item", "")
    remove = "remove" in request.POST

    def change(access: Access) -> str:
        value = None if remove else request.POST.get("score", "")
        services.override(access, round_id, item, value, request.POST.get("reason", ""))
        return f"已撤销对 {item} 的核定。" if remove else f"已核定 {item} 的得分。"

    return _round_change(request, campaign_id, round_id, change, "round.override")


@login_required
@require_POST
def return_round(request: HtmxHttpRequest, campaign_id: int, round_id: int) -> HttpResponse:
    def change(access: Access) -> str:
        notes = forms.return_notes(request.POST)
        snap = services.return_round(access, round_id, notes, request.POST.get("comment", ""))
        return f"已退回修改（{len(notes)} 条修改意见），封存快照 v{snap.version}。"

    return _round_change(request, campaign_id, round_id, change, "round.decide")


@login_required
@require_POST
def approve(request: HtmxHttpRequest, campaign_id: int, round_id: int) -> HttpResponse:
    def change(access: Access) -> str:
        snap = services.approve(access, round_id, request.POST.get("comment", ""))
        verdict = "达标" if snap.passed else "未达标"
        return f"已通过评审：{plain(snap.total)} 分，{verdict}；封存快照 v{snap.version}。"

    return _round_change(request, campaign_id, round_id, change, "round.decide")


# --- the expert's judging page -----------------------------------------------------------------


@login_required
@require_GET
def judge(request: HtmxHttpRequest, campaign_id: int, round_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "round.judge")
    page = pages.judge_page(access, round_id)
    return render(request, "reviews/judge.html", _context(access, page=page))


@login_required
@require_POST
def judge_save(
    request: HtmxHttpRequest, campaign_id: int, round_id: int, number: int
) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "round.judge")
    posted: Any = None
    problems: Any = ()
    changed: int | None = None
    try:
        changed = services.save_votes(access, round_id, forms.votes(request.POST, number))
    except ReviewError as exc:
        problems, posted = exc.problems, request.POST
    page = pages.judge_page(
        access, round_id, only=number if request.htmx else None, posted=posted, problems=problems
    )
    if request.htmx:
        card = page.cards[0]
        card.saved = changed is not None
        context = _context(access, page=page, card=card, oob=True)  # oob: the progress line too
        return render(request, "reviews/_judge_card.html", context)
    if changed is None:
        context = _context(access, page=page, problems=forms.describe(problems))
        return render(request, "reviews/judge.html", context, status=422)
    messages.success(request, f"第 {number} 项指标的评审意见已保存。")
    return redirect(reverse("round_judge", args=[campaign_id, round_id]) + f"#card-{number}")


@login_required
@require_POST
def judge_submit(request: HtmxHttpRequest, campaign_id: int, round_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "round.judge")
    try:
        services.submit_votes(access, round_id)
    except ReviewError as exc:
        page = pages.judge_page(access, round_id, problems=exc.problems)
        context = _context(access, page=page, problems=forms.describe(exc.problems))
        return render(request, "reviews/judge.html", context, status=422)
    messages.success(request, "已提交评审意见。现在可以查看其他已提交专家的意见。")
    return redirect("round_detail", campaign_id, round_id)


@login_required
@require_GET
@xframe_options_sameorigin
def evidence_preview(
    request: HtmxHttpRequest, campaign_id: int, round_id: int, evidence_id: int
) -> FileResponse:
    """The evidence file exactly as the round's base snapshot lists it, to show in the page:
    inline for PDF and images (framed by this site only), as a download otherwise."""
    access = campaign_access(request.user, campaign_id, "round.view")
    listed, fh = pages.sealed_file(access, services.get_round(access, round_id), evidence_id)
    kind, filename = Kind(listed["kind"]), str(listed["filename"])
    response = FileResponse(fh, content_type=kind.content_type)
    fallback = f"evidence-{evidence_id}-v{listed['version']}.{filename.rsplit('.', 1)[-1]}"
    inline = kind.value in pages.PREVIEWABLE
    disposition = content_disposition(filename, fallback)
    response["Content-Disposition"] = (
        disposition.replace("attachment", "inline", 1) if inline else disposition
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = pages.PREVIEW_CSP
    response["Cache-Control"] = "private, no-store"
    return response


# --- snapshots -------------------------------------------------------------------------------


def _snapshot_page(
    request: HtmxHttpRequest, campaign_id: int, snapshot_id: int, *, verify: bool
) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "snapshot.view")
    page = pages.snapshot_page(access, snapshot_id, verify=verify)
    template = "reviews/_verification.html" if request.htmx else "reviews/snapshot.html"
    return render(request, template, _context(access, page=page))


@login_required
@require_GET
def snapshot(request: HtmxHttpRequest, campaign_id: int, snapshot_id: int) -> HttpResponse:
    return _snapshot_page(request, campaign_id, snapshot_id, verify=False)


@login_required
@require_GET
def snapshot_verify(request: HtmxHttpRequest, campaign_id: int, snapshot_id: int) -> HttpResponse:
    return _snapshot_page(request, campaign_id, snapshot_id, verify=True)


@login_required
@require_GET
def snapshot_download(request: HtmxHttpRequest, campaign_id: int, snapshot_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "snapshot.view")
    snap = pages.get_snapshot(access, snapshot_id)
    response = HttpResponse(snap.document.encode("utf-8"), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="snapshot-v{snap.version}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
