"""What the 评审轮次 pages show: read models built in a fixed number of queries.

The state changes live in :mod:`demozone.web.reviews.services`; this module only reads, and
decides what each member may see: other experts' votes are shown to the reviewer and the
administrator at any time, to an expert once it has submitted its own, and to everyone else only
once the round is closed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from demozone.core.errors import Problem
from demozone.core.framework import Indicator
from demozone.core.items import ItemSpec, judged_indicators, takes_score
from demozone.core.needs import OPERATORS_PATH, framework_needs, path_label
from demozone.core.numbers import plain
from demozone.web.campaigns.access import Access
from demozone.web.campaigns.models import Role
from demozone.web.campaigns.permissions import Scope, item_indicator
from demozone.web.evidence import storage
from demozone.web.reviews import services, snapshots
from demozone.web.reviews.models import (
    ExpertJudgment,
    Panelist,
    ReturnNote,
    Round,
    Snapshot,
    Stage,
)

PREVIEWABLE = {"pdf": "pdf", "jpg": "image", "png": "image"}
# The preview may be framed by this site's own pages only, and may load nothing itself (Chromium's
# PDF viewer renders under this policy; a sandboxed frame would block it, so no sandbox here).
PREVIEW_CSP = "default-src 'none'; frame-ancestors 'self'"


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    days: int  # days left; negative when overdue

    @classmethod
    def of(cls, date: dt.date | None) -> Deadline | None:
        return None if date is None else cls(date, (date - timezone.localdate()).days)

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def label(self) -> str:
        if self.days < 0:
            return f"已逾期 {-self.days} 天"
        if self.days == 0:
            return "今天截止"
        return f"剩余 {self.days} 天"


def sees_votes(access: Access, round_: Round, seat: Panelist | None) -> bool:
    """Whether this member may see the experts' votes and the panel's results of a round."""
    if access.can("round.decide"):
        return True
    if access.role == Role.EXPERT:
        return seat is not None and seat.submitted_at is not None
    return not round_.is_open


# --- 评审轮次 list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundRow:
    round: Round
    snapshots: list[Snapshot]
    panel: list[Panelist]
    deadline: Deadline | None
    can_submit: bool

    @property
    def submitted(self) -> int:
        return sum(1 for p in self.panel if p.submitted_at is not None)


@dataclass(frozen=True)
class RoundsPage:
    rows: list[RoundRow]
    can_open_self: bool
    # stage → the snapshots a new round of that stage may be opened on (empty: none now)
    bases: dict[str, list[Snapshot]]
    can_view_snapshots: bool
    defaults: services.RoundSettings = field(default_factory=services.RoundSettings)

    @property
    def stages(self) -> list[tuple[str, str, list[Snapshot]]]:
        return [(s.value, s.label, self.bases[s.value]) for s in Stage if s.value in self.bases]


def listed_rounds(access: Access) -> list[Round]:
    """The campaign's rounds with their panels and snapshots (3 queries); an expert's only."""
    rounds = services.rounds_of(access.campaign)
    if access.role == Role.EXPERT:
        user_id = getattr(access.user, "pk", None)
        rounds = [r for r in rounds if any(p.user_id == user_id for p in r.panel.all())]
    return rounds


def _in_review(round_: Round, rounds: list[Round]) -> bool:
    """Whether an open review judges one of the round's snapshots: until it closes, the round
    cannot be submitted again (a new version would leave the review judging an old one)."""
    sealed = {s.pk for s in round_.snapshots.all()}
    return any(r.is_open and r.base_id in sealed for r in rounds)


def rounds_page(access: Access) -> RoundsPage:
    access.require("round.view")
    rounds = listed_rounds(access)
    rows = [
        RoundRow(
            r,
            list(r.snapshots.all()),
            list(r.panel.all()),
            Deadline.of(r.deadline)
            if r.status in (Round.Status.OPEN, Round.Status.RETURNED)
            else None,
            r.stage == Stage.SELF and access.can("round.submit") and not _in_review(r, rounds),
        )
        for r in rounds
    ]
    bases: dict[str, list[Snapshot]] = {}
    if access.can("round.open_review"):
        for stage in (Stage.PROVINCIAL, Stage.NATIONAL):
            if not any(r.stage == stage and r.is_open for r in rounds):
                bases[stage] = services.reviewable_from(rounds, stage)
    has_self = any(r.stage == Stage.SELF for r in rounds)
    return RoundsPage(
        rows=rows,
        can_open_self=access.can("round.open_self") and not has_self,
        bases=bases,
        can_view_snapshots=access.can("snapshot.view"),
    )


# --- one round --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuantitativeRow:
    spec: ItemSpec
    name: str
    score: Decimal | None
    override: Any


@dataclass(frozen=True)
class RoundDetail:
    round: Round
    seat: Panelist | None
    panel: list[Panelist]
    deadline: Deadline | None
    show_votes: bool
    result: services.RoundResult | None
    outcomes: list[services.ItemOutcome]
    names: dict[int, str]
    texts: dict[str, str]
    snapshots: list[Snapshot]
    return_notes: list[ReturnNote]
    can_panel: bool
    can_override: bool
    can_decide: bool
    can_view_snapshots: bool
    experts: list[Any] = field(default_factory=list)
    # user id → (is lead, indicators) for the panel form: the round's own or the previous round's
    seats: dict[int, tuple[bool, str]] = field(default_factory=dict)
    seats_from_previous: bool = False
    judged: tuple[int, ...] = ()
    quantitative: list[QuantitativeRow] = field(default_factory=list)
    indicators: tuple[Indicator, ...] = ()

    @property
    def is_lead(self) -> bool:
        return self.seat is not None and self.seat.is_lead

    @property
    def can_reconcile(self) -> bool:
        return (
            self.round.is_open
            and self.seat is not None
            and self.seat.is_lead
            and self.seat.submitted_at is not None
        )

    @property
    def disputed(self) -> list[services.ItemOutcome]:
        return [o for o in self.outcomes if o.disputed]

    @property
    def submitted(self) -> int:
        return sum(1 for p in self.panel if p.submitted_at is not None)

    @property
    def item_choices(self) -> list[tuple[str, str]]:
        """Items and indicators a return note may name, for the return form."""
        out = []
        for ind in self.indicators:
            out.append((str(ind.number), f"第 {ind.number} 项 {ind.name}"))
        return out


def round_detail(access: Access, round_id: int) -> RoundDetail:
    round_ = services.get_round(access, round_id)
    seat = services.panelist_of(round_, access.user) if access.role == Role.EXPERT else None
    show = sees_votes(access, round_, seat)
    fw = round_.campaign.core_framework
    names = {ind.number: ind.name for ind in fw.indicators}
    texts = _item_texts(round_)
    result = services.round_result(round_) if round_.is_review and show else None
    outcomes = list(result.outcomes.values()) if result else []
    if seat is not None and not seat.is_lead:
        outcomes = [o for o in outcomes if seat.covers(o.spec.indicator)]
    panel = (
        list(result.panel)
        if result
        else list(Panelist.objects.filter(round=round_).select_related("user"))
    )
    detail = RoundDetail(
        round=round_,
        seat=seat,
        panel=panel,
        deadline=Deadline.of(round_.deadline) if round_.is_open else None,
        show_votes=show,
        result=result,
        outcomes=outcomes,
        names=names,
        texts=texts,
        snapshots=list(
            Snapshot.objects.filter(round=round_)
            .select_related("created_by")
            .defer("document")
            .order_by("version")
        ),
        return_notes=list(ReturnNote.objects.filter(round=round_)),
        can_panel=round_.is_review and round_.is_open and access.can("round.panel"),
        can_override=round_.is_review and round_.is_open and access.can("round.override"),
        can_decide=round_.is_review and round_.is_open and access.can("round.decide"),
        can_view_snapshots=_may_view_snapshots(access, seat),
        indicators=fw.indicators,
    )
    if detail.can_panel:
        detail = _with_panel_form(detail, round_)
    if detail.can_override and result is not None:
        detail = _with_quantitative(detail, round_, result)
    return detail


def _may_view_snapshots(access: Access, seat: Panelist | None) -> bool:
    if access.role == Role.EXPERT:
        return seat is not None
    return access.can("snapshot.view")


# Official texts of whole indicators end with their points, e.g. "…地方发展特色。（2分）"; the
# pages show the points beside every item already.
_POINTS_SUFFIX = re.compile(r"（\d+(?:\.\d+)?分）\s*$")


def _item_texts(round_: Round) -> dict[str, str]:
    fw = round_.campaign.core_framework
    needs = framework_needs(fw, round_.campaign.years)
    return {
        j.item: _POINTS_SUFFIX.sub("", j.text).strip()
        for n in needs.values()
        for j in n.judgments
        if j.text
    }


def _with_panel_form(detail: RoundDetail, round_: Round) -> RoundDetail:
    experts = list(services.experts_of(round_.campaign))
    panel = detail.panel
    from_previous = False
    if not panel:
        previous = (
            Round.objects.filter(campaign=round_.campaign, panel__isnull=False)
            .exclude(pk=round_.pk)
            .order_by("-opened_at", "-id")
            .first()
        )
        if previous is not None:
            panel = list(Panelist.objects.filter(round=previous))
            from_previous = bool(panel)
    seats = {p.user_id: (p.is_lead, "、".join(map(str, p.indicators))) for p in panel}
    judged = judged_indicators(round_.campaign.core_framework, round_.campaign.years)
    return _replace(
        detail, experts=experts, seats=seats, seats_from_previous=from_previous, judged=judged
    )


def _with_quantitative(
    detail: RoundDetail, round_: Round, result: services.RoundResult
) -> RoundDetail:
    overrides = {o.item: o for o in result.overrides}
    scored_items = {i.id: i for ind in result.scorecard.indicators for i in ind.items}
    rows = []
    for item, spec in services.quantitative_specs(round_).items():
        scored = scored_items.get(item)
        rows.append(
            QuantitativeRow(
                spec,
                detail.names.get(spec.indicator, ""),
                scored.score if scored is not None else None,
                overrides.get(item),
            )
        )
    return _replace(detail, quantitative=rows)


def _replace(detail: RoundDetail, **changes: Any) -> RoundDetail:
    return replace(detail, **changes)


# --- the expert's judging page -----------------------------------------------------------------


@dataclass
class JudgeItem:
    spec: ItemSpec
    text: str
    self_value: Any
    self_note: str
    value: str  # the expert's current choice as form text ("met", "not_met", "1.5", "")
    comment: str
    others: list[ExpertJudgment] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def takes_score(self) -> bool:
        return takes_score(self.spec)

    @property
    def choices(self) -> list[str]:
        count = int(self.spec.max / self.spec.step)
        return [plain(self.spec.step * i) for i in range(count + 1)]

    @property
    def name(self) -> str:
        return f"value:{self.spec.id}"

    @property
    def comment_name(self) -> str:
        return f"comment:{self.spec.id}"


@dataclass(frozen=True)
class Figure:
    label: str
    unit: str
    value: Any


@dataclass
class JudgeCard:
    indicator: Indicator
    items: list[JudgeItem]
    figures: list[Figure]
    operators: list[dict[str, Any]] | None
    evidence: list[dict[str, Any]]
    editable: bool
    saved: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.indicator.number

    @property
    def done(self) -> bool:
        return all(i.value for i in self.items)

    @property
    def has_item_errors(self) -> bool:
        return any(i.errors for i in self.items)


@dataclass(frozen=True)
class JudgePage:
    round: Round
    seat: Panelist
    cards: list[JudgeCard]
    deadline: Deadline | None
    total: int  # the items assigned to the expert, on every card (not only those shown)
    done: int  # of which judged and saved

    @property
    def submitted(self) -> bool:
        return self.seat.submitted_at is not None


def judge_page(
    access: Access,
    round_id: int,
    *,
    only: int | None = None,
    posted: Any = None,
    problems: tuple[Problem, ...] = (),
) -> JudgePage:
    """The items assigned to this expert, grouped by indicator (``only``: one indicator's card,
    with what was ``posted`` and why it was not saved)."""
    access.require("round.judge")
    round_ = services.get_round(access, round_id)
    seat = services.panelist_of(round_, access.user)
    if seat is None:
        raise PermissionDenied("您不是该评审轮次的专家组成员")
    if not round_.is_review:
        raise Http404("自评轮次没有专家评审")
    specs = services.expert_items(round_, seat)
    if only is not None:
        specs = {k: s for k, s in specs.items() if s.indicator == only}
        if not specs:
            raise Http404("该指标不在分配给您的评审范围内")
    base = services.base_document(round_)
    own = {
        j.item: j
        for j in ExpertJudgment.objects.filter(round=round_, expert=access.user, item__in=specs)
    }
    others: dict[str, list[ExpertJudgment]] = defaultdict(list)
    if seat.submitted_at is not None:
        submitted = Panelist.objects.filter(round=round_, submitted_at__isnull=False).exclude(
            pk=seat.pk
        )
        for j in (
            ExpertJudgment.objects.filter(
                round=round_, item__in=specs, expert__in=submitted.values("user")
            )
            .select_related("expert")
            .order_by("item", "expert__username")
        ):
            others[j.item].append(j)
    errors: dict[str, list[str]] = defaultdict(list)
    for p in problems:
        errors[p.path.removesuffix(".reason")].append(p.message)
    fw = round_.campaign.core_framework
    needs = framework_needs(fw, round_.campaign.years)
    notes = _self_notes(base)
    texts = _item_texts(round_)
    by_indicator: dict[int, list[JudgeItem]] = defaultdict(list)
    for item, spec in specs.items():
        mine = own.get(item)
        if posted is not None and (f"value:{item}" in posted or f"comment:{item}" in posted):
            value = str(posted.get(f"value:{item}", "")).strip()
            comment = str(posted.get(f"comment:{item}", "")).strip()
        else:
            value = _vote_text(mine.value) if mine else ""
            comment = mine.comment if mine else ""
        by_indicator[spec.indicator].append(
            JudgeItem(
                spec,
                texts.get(item, ""),
                base["input"].get("judgments", {}).get(item),
                notes.get(item, ""),
                value,
                comment,
                others.get(item, []),
                errors.get(item, []),
            )
        )
    cards = []
    for number in sorted(by_indicator):
        figures, operators = _figures(fw, needs[number], base["input"])
        cards.append(
            JudgeCard(
                indicator=fw.indicator(number),
                items=by_indicator[number],
                figures=figures,
                operators=operators,
                evidence=_evidence_of(base, number),
                editable=round_.is_open and seat.submitted_at is None,
            )
        )
    if only is not None and cards:
        cards[0].errors = [p.message for p in problems if p.path not in specs]
    deadline = Deadline.of(round_.deadline) if round_.is_open else None
    assigned = services.expert_items(round_, seat)
    done = (
        sum(1 for item in own if item in assigned)
        if only is None
        else ExpertJudgment.objects.filter(
            round=round_, expert=access.user, item__in=list(assigned)
        ).count()
    )
    return JudgePage(round_, seat, cards, deadline, len(assigned), done)


def _vote_text(value: Any) -> str:
    if value is True:
        return "met"
    if value is False:
        return "not_met"
    return "" if value is None else plain(value)


def _self_notes(base: dict[str, Any]) -> dict[str, str]:
    """Item → the department's note (自评) or the panel's explanation (a review round's base)."""
    out = {}
    for j in base.get("judgments") or []:
        text = j.get("note") or j.get("explanation") or ""
        by = j.get("by") or ""
        out[str(j.get("item"))] = f"{text}（{by}）" if text and by else text or ""
    return out


def _figures(fw: Any, need: Any, data: dict[str, Any]) -> tuple[list[Figure], Any]:
    figures = []
    for path in need.value_paths:
        label, unit = path_label(fw, path)
        figures.append(Figure(label, unit, lookup(data, path)))
    operators = None
    if need.operators is not None:
        operators = list(data.get(OPERATORS_PATH) or [])
    return figures, operators


def lookup(data: dict[str, Any], path: str) -> Any:
    """The value at a dotted SPEC §4 path (``statistics.region.express_volume.2022``), or None."""
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _evidence_of(base: dict[str, Any], number: int) -> list[dict[str, Any]]:
    out = []
    for e in base.get("evidence") or []:
        items = [i for i in e.get("items", []) if item_indicator(i) == number]
        if items:
            out.append({**e, "for_items": items, "preview": PREVIEWABLE.get(e.get("kind", ""))})
    return out


def listed_evidence(round_: Round, evidence_id: int) -> dict[str, Any]:
    """The base snapshot's entry for one evidence (404 if the snapshot lists none by that id)."""
    if round_.base is None:
        raise Http404("自评轮次没有评审对象")
    for e in services.base_document(round_).get("evidence") or []:
        if e.get("id") == evidence_id:
            return e  # type: ignore[no-any-return]
    raise Http404("评审对象的快照中没有这份佐证材料")


def sealed_file(access: Access, round_: Round, evidence_id: int) -> tuple[dict[str, Any], BinaryIO]:
    """The file the round's base snapshot sealed for one evidence, and its entry there.

    Read from the content store by the sealed SHA-256, so what the reviewers see is what was
    submitted even after the department uploads a new version or moves the evidence to the
    回收站. The member must be allowed to see evidence of one of the items the entry lists.
    """
    listed = listed_evidence(round_, evidence_id)
    if access.scope("evidence.view") != Scope.CAMPAIGN and not any(
        access.can_view_evidence(item) for item in listed.get("items") or []
    ):
        raise PermissionDenied(f"您的角色（{access.role_name}）不能查看这份佐证材料")
    try:
        return listed, storage.content_path(str(listed.get("sha256", ""))).open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("快照记录的文件暂时无法读取，请联系管理员运行 evidence_sweep 检查") from exc


# --- snapshots -------------------------------------------------------------------------------


def get_snapshot(access: Access, snapshot_id: int) -> Snapshot:
    """A snapshot of the campaign this member may see; an expert only those of its rounds."""
    access.require("snapshot.view")
    snap = (
        Snapshot.objects.filter(campaign=access.campaign, pk=snapshot_id)
        .select_related("round", "created_by", "previous")
        .first()
    )
    if snap is None:
        raise Http404("快照不存在")
    if access.role == Role.EXPERT and services.panelist_of(snap.round, access.user) is None:
        raise PermissionDenied("您只能查看您参加评审的轮次的快照")
    return snap


@dataclass(frozen=True)
class SnapshotPage:
    snapshot: Snapshot
    document: dict[str, Any]
    size: int
    verification: snapshots.Verification | None = None

    @property
    def judgments(self) -> int:
        return len(self.document.get("judgments") or [])

    @property
    def evidence(self) -> int:
        return len(self.document.get("evidence") or [])


def snapshot_page(access: Access, snapshot_id: int, *, verify: bool = False) -> SnapshotPage:
    snap = get_snapshot(access, snapshot_id)
    return SnapshotPage(
        snap,
        snapshots.read(snap),
        len(snap.document.encode("utf-8")),
        snapshots.verify(snap) if verify else None,
    )
