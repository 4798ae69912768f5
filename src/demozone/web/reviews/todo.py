"""我的待办: each member's pending work in the review rounds, for its home page.

Read in a fixed number of queries whatever the number of rounds: the rounds with their panels and
snapshots (3), and only when needed the return notes (1), the member's department's indicators
(1), and for a lead the votes and reconciliations of its rounds (2).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse

from demozone.core.items import judged_indicators, judged_specs
from demozone.core.panels import aggregate
from demozone.web.campaigns.access import Access
from demozone.web.campaigns.models import Campaign, Role
from demozone.web.reviews import services
from demozone.web.reviews.models import (
    ExpertJudgment,
    Reconciliation,
    ReturnNote,
    Round,
    Stage,
)
from demozone.web.reviews.pages import Deadline, listed_rounds


@dataclass(frozen=True)
class Task:
    kind: str  # submit_self, fix_returned, open_self, return_notes, judge, reconcile, panel, …
    title: str
    url: str
    deadline: Deadline | None = None
    notes: tuple[ReturnNote, ...] = ()


@dataclass(frozen=True)
class Todo:
    tasks: list[Task] = field(default_factory=list)
    # Whether the member has duties in the rounds at all (a 领导 only reads).
    applies: bool = True


def pending_work(access: Access) -> Todo:
    if not access.can("round.view"):
        return Todo(applies=False)
    duties = ("round.submit", "round.judge", "round.decide", "round.panel")
    liaison = access.role == Role.LIAISON
    if not liaison and not any(access.can(d) for d in duties):
        return Todo(applies=False)
    rounds = _rounds(access)
    tasks: list[Task] = []
    if access.can("round.submit") or liaison:
        tasks += _office_tasks(access, rounds, liaison=liaison)
    if access.can("round.judge"):
        tasks += _expert_tasks(access, rounds)
    if access.can("round.decide") or access.can("round.panel"):
        tasks += _reviewer_tasks(access, rounds)
    return Todo(tasks)


def _rounds(access: Access) -> list[Round]:
    # Opening any round moves the campaign out of 筹备/创建中, and only the rounds move it: a
    # campaign still there has none, and its home and data-entry pages are spared the query.
    if access.campaign.status in (Campaign.Status.PREPARING, Campaign.Status.ACTIVE):
        return []
    return listed_rounds(access)


def _url(name: str, *args: int) -> str:
    return reverse(name, args=list(args))


def returned_notes(rounds: list[Round]) -> list[ReturnNote]:
    """The notes of the latest return, while the 自评 waits for its resubmission."""
    self_round = next((r for r in rounds if r.stage == Stage.SELF), None)
    if self_round is None or self_round.status != Round.Status.RETURNED:
        return []
    returned = [r for r in rounds if r.is_review and r.status == Round.Status.RETURNED]
    if not returned:
        return []
    latest = max(returned, key=lambda r: (r.closed_at, r.pk))
    return list(ReturnNote.objects.filter(round=latest))


def active_return_notes(access: Access) -> dict[int, list[ReturnNote]]:
    """Indicator → the notes of the latest return still to be dealt with (for 数据填报)."""
    notes: dict[int, list[ReturnNote]] = defaultdict(list)
    for note in returned_notes(_rounds(access)):
        notes[note.indicator].append(note)
    return dict(notes)


def _office_tasks(access: Access, rounds: list[Round], *, liaison: bool) -> list[Task]:
    campaign = access.campaign.pk
    self_round = next((r for r in rounds if r.stage == Stage.SELF), None)
    if self_round is None:
        if access.can("round.open_self"):
            return [
                Task("open_self", "尚未发起自评：请设定截止日期并发起", _url("rounds", campaign))
            ]
        return []
    deadline = Deadline.of(self_round.deadline)
    if self_round.status == Round.Status.OPEN and not liaison:
        title = "填报数据和自评判定后提交自评（提交即封存快照）"
        return [Task("submit_self", title, _url("rounds", campaign), deadline)]
    if self_round.status != Round.Status.RETURNED:
        return []
    notes = returned_notes(rounds)
    if liaison:
        own = access.own_indicators
        mine = tuple(n for n in notes if n.indicator in own)
        if not mine:
            return []
        title = f"评审退回修改：本单位有 {len(mine)} 条修改意见"
        return [Task("return_notes", title, _url("entry", campaign), deadline, mine)]
    title = f"评审退回修改：按 {len(notes)} 条修改意见修改后重新提交自评"
    return [Task("fix_returned", title, _url("rounds", campaign), deadline, tuple(notes))]


def _expert_tasks(access: Access, rounds: list[Round]) -> list[Task]:
    campaign = access.campaign.pk
    user_id = getattr(access.user, "pk", None)
    tasks = []
    leading = []
    for r in rounds:
        seat = next((p for p in r.panel.all() if p.user_id == user_id), None)
        if seat is None or not r.is_open or not r.is_review:
            continue
        if seat.submitted_at is None:
            tasks.append(
                Task(
                    "judge",
                    f"{r.title}：请评审并提交评审意见",
                    _url("round_judge", campaign, r.pk),
                    Deadline.of(r.deadline),
                )
            )
        elif seat.is_lead:
            leading.append(r)
    for r, count in _unresolved(access, leading).items():
        tasks.append(
            Task(
                "reconcile",
                f"{r.title}：{count} 个争议项待您协调",
                _url("round_detail", campaign, r.pk),
                Deadline.of(r.deadline),
            )
        )
    return tasks


def _unresolved(access: Access, rounds: list[Round]) -> dict[Round, int]:
    """Round → how many disputed items its lead has still to reconcile (two queries)."""
    if not rounds:
        return {}
    campaign = access.campaign
    specs = judged_specs(campaign.core_framework, campaign.years)
    submitted = {
        r.pk: {p.user_id for p in r.panel.all() if p.submitted_at is not None} for r in rounds
    }
    votes: dict[tuple[int, str], list[object]] = defaultdict(list)
    for j in ExpertJudgment.objects.filter(round__in=rounds).only(
        "round_id", "expert_id", "item", "met", "score"
    ):
        if j.expert_id in submitted[j.round_id] and j.item in specs:
            votes[(j.round_id, j.item)].append(j.value)
    settled = set(Reconciliation.objects.filter(round__in=rounds).values_list("round_id", "item"))
    counts: dict[Round, int] = {}
    by_id = {r.pk: r for r in rounds}
    for (round_id, item), values in votes.items():
        if (round_id, item) in settled:
            continue
        rules = services.rules_of(by_id[round_id])
        if aggregate(item, specs[item].max, values, rules).disputed:  # type: ignore[arg-type]
            counts[by_id[round_id]] = counts.get(by_id[round_id], 0) + 1
    return counts


def _reviewer_tasks(access: Access, rounds: list[Round]) -> list[Task]:
    campaign = access.campaign
    judged = set(judged_indicators(campaign.core_framework, campaign.years))
    tasks = []
    for r in rounds:
        if not (r.is_review and r.is_open):
            continue
        url = _url("round_detail", campaign.pk, r.pk)
        panel = list(r.panel.all())
        deadline = Deadline.of(r.deadline)
        covered: set[int] = set()
        for p in panel:
            covered |= set(p.indicators or judged)
        if not panel:
            tasks.append(Task("panel", f"{r.title}：尚未组建专家组", url, deadline))
        elif judged - covered:
            missing = "、".join(map(str, sorted(judged - covered)))
            tasks.append(Task("panel", f"{r.title}：第 {missing} 项指标未分配专家", url, deadline))
        elif all(p.submitted_at is not None for p in panel):
            title = f"{r.title}：专家已全部提交评审意见，待您审定（通过或退回修改）"
            tasks.append(Task("decide", title, url, deadline))
    if access.can("round.open_review"):
        for stage in (Stage.PROVINCIAL, Stage.NATIONAL):
            if any(r.stage == stage and r.is_open for r in rounds):
                continue
            reviewed = {r.base_id for r in rounds if r.stage == stage}
            bases = [b for b in services.reviewable_from(rounds, stage) if b.pk not in reviewed]
            if bases:
                title = f"快照 v{bases[0].version} 已封存，可发起{Stage(stage).label}"
                tasks.append(Task("open_review", title, _url("rounds", campaign.pk)))
    return tasks
