"""Review rounds: every change of state, each atomic, permission-checked and audited.

The process (SPEC §7 and seed 002): the office opens and submits 自评, which seals a snapshot; a
reviewer opens 省局初审 on that snapshot and names an expert panel; each expert judges the
qualitative items alone; the panel's judgment per item comes from :mod:`demozone.core.panels`;
the lead reconciles disputed items; the reviewer may correct quantitative items by an override
with a reason; the round is returned (with what to fix, per item) or approved, which seals the
round's own snapshot; 总局评估 is opened on an approved 初审 and runs the same way.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from demozone.core.errors import InputError, Problem
from demozone.core.inputs import parse_input
from demozone.core.items import (
    ItemSpec,
    item_specs,
    judged_indicators,
    judged_specs,
    takes_score,
)
from demozone.core.loader import Framework as CoreFramework
from demozone.core.numbers import plain
from demozone.core.panels import PanelResult, PanelRules, aggregate
from demozone.core.scorecard import Scorecard
from demozone.core.scoring import score
from demozone.web.audit.services import display_name, record
from demozone.web.campaigns.access import Access
from demozone.web.campaigns.errors import CampaignError
from demozone.web.campaigns.models import Campaign, Role
from demozone.web.campaigns.services import build_input, evaluate
from demozone.web.reviews import snapshots
from demozone.web.reviews.models import (
    ExpertJudgment,
    Panelist,
    Reconciliation,
    ReturnNote,
    ReviewOverride,
    Round,
    Snapshot,
    Stage,
)

log = logging.getLogger(__name__)

_STAGE_STATUS = {
    Stage.SELF: Campaign.Status.SELF_EVALUATION,
    Stage.PROVINCIAL: Campaign.Status.PROVINCIAL_REVIEW,
    Stage.NATIONAL: Campaign.Status.NATIONAL_REVIEW,
}


class ReviewError(CampaignError):
    """A round cannot change as asked; nothing was written."""

    title = "无法完成评审操作"


# --- reading ---------------------------------------------------------------------------------


def rules_of(round_: Round) -> PanelRules:
    return PanelRules(
        whole=round_.whole,  # type: ignore[arg-type]
        trim_from=round_.trim_from,
        dispute_share=round_.dispute_share,
    )


def rounds_of(campaign: Campaign) -> list[Round]:
    return list(
        Round.objects.filter(campaign=campaign)
        .select_related("base", "opened_by", "closed_by")
        .prefetch_related(
            Prefetch("panel", queryset=Panelist.objects.select_related("user")),
            Prefetch(
                "snapshots",
                queryset=Snapshot.objects.select_related("created_by")
                .defer("document")
                .order_by("version"),
            ),
        )
        .order_by("opened_at", "id")
    )


def get_round(access: Access, round_id: int) -> Round:
    """A round of the access's campaign that the member may see (404 / 403 otherwise)."""
    round_ = (
        Round.objects.filter(campaign=access.campaign, pk=round_id)
        .select_related("base", "campaign", "campaign__region", "campaign__framework")
        .first()
    )
    if round_ is None:
        raise Http404("评审轮次不存在")
    access.require("round.view")
    if access.role == Role.EXPERT and panelist_of(round_, access.user) is None:
        raise PermissionDenied("您不是该评审轮次的专家组成员")
    return round_


def panelist_of(round_: Round, user: Any) -> Panelist | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Panelist.objects.filter(round=round_, user=user).first()


def base_document(round_: Round) -> dict[str, Any]:
    assert round_.base is not None
    return snapshots.read(round_.base)


def latest_snapshot(round_: Round) -> Snapshot | None:
    return Snapshot.objects.filter(round=round_).order_by("-version").first()


@dataclass(frozen=True)
class ItemOutcome:
    """The panel's judgment of one item, as far as the round has come."""

    spec: ItemSpec
    votes: tuple[ExpertJudgment, ...]
    result: PanelResult | None  # None while no submitted expert judged the item
    reconciliation: Reconciliation | None
    self_value: Any  # the city's self-judgment in the base snapshot (None if it made none)

    @property
    def disputed(self) -> bool:
        return self.result is not None and self.result.disputed

    @property
    def unresolved(self) -> bool:
        return self.disputed and self.reconciliation is None

    @property
    def value(self) -> Any:
        """What the round's input says for the item: the reconciled, aggregated, or (while no
        expert has judged it) the city's own judgment."""
        if self.reconciliation is not None:
            return self.reconciliation.value
        if self.result is not None:
            return self.result.value
        return self.self_value


@dataclass(frozen=True)
class RoundResult:
    round: Round
    framework: CoreFramework
    outcomes: dict[str, ItemOutcome]
    overrides: tuple[ReviewOverride, ...]
    input: dict[str, Any]
    scorecard: Scorecard
    panel: tuple[Panelist, ...]
    base: dict[str, Any]  # the base snapshot's document, read once

    @property
    def disputed(self) -> list[ItemOutcome]:
        return [o for o in self.outcomes.values() if o.disputed]

    @property
    def unresolved(self) -> list[ItemOutcome]:
        return [o for o in self.outcomes.values() if o.unresolved]

    @property
    def unjudged(self) -> list[ItemOutcome]:
        return [o for o in self.outcomes.values() if o.result is None]


def round_result(round_: Round) -> RoundResult:
    """Aggregate the submitted experts' judgments and score the round's input with the core."""
    base = base_document(round_)
    fw = round_.campaign.core_framework
    years = tuple(int(y) for y in base["input"]["years"])
    specs = judged_specs(fw, years)
    panel = tuple(Panelist.objects.filter(round=round_).select_related("user"))
    submitted = {p.user_id for p in panel if p.submitted_at is not None}
    votes: dict[str, list[ExpertJudgment]] = defaultdict(list)
    for j in ExpertJudgment.objects.filter(round=round_, expert_id__in=submitted).select_related(
        "expert"
    ):
        votes[j.item].append(j)
    reconciled = {r.item: r for r in Reconciliation.objects.filter(round=round_)}
    self_values = base["input"].get("judgments", {})
    rules = rules_of(round_)
    outcomes: dict[str, ItemOutcome] = {}
    for item, spec in specs.items():
        item_votes = tuple(votes.get(item, ()))
        result = (
            aggregate(item, spec.max, [v.value for v in item_votes], rules) if item_votes else None
        )
        outcomes[item] = ItemOutcome(
            spec, item_votes, result, reconciled.get(item), self_values.get(item)
        )
    overrides = tuple(ReviewOverride.objects.filter(round=round_))
    doc = _round_input(base["input"], outcomes, overrides)
    card = score(fw, parse_input(doc, fw))
    return RoundResult(round_, fw, outcomes, overrides, doc, card, panel, base)


def _round_input(
    base_input: dict[str, Any],
    outcomes: Mapping[str, ItemOutcome],
    overrides: Iterable[ReviewOverride],
) -> dict[str, Any]:
    doc = dict(base_input)
    judgments = {
        item: outcome.value for item, outcome in outcomes.items() if outcome.value is not None
    }
    # Judgments the panel does not decide (none today) pass through from the base.
    for item, value in (base_input.get("judgments") or {}).items():
        judgments.setdefault(item, value)
    doc["judgments"] = judgments
    merged = dict(base_input.get("overrides") or {})
    for o in overrides:
        merged[o.item] = {"score": o.score, "reason": o.reason}
    doc["overrides"] = merged
    return doc


# --- 自评 -------------------------------------------------------------------------------------


def _lock(campaign: Campaign) -> Campaign:
    return (
        Campaign.objects.select_for_update()
        .select_related("region", "framework")
        .get(pk=campaign.pk)
    )


def _locked_round(campaign: Campaign, round_id: int) -> Round:
    # Lock the round's row only: PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer join to its base snapshot (and a snapshot is never written anyway).
    round_ = (
        Round.objects.select_for_update(of=("self",))
        .select_related("base")
        .filter(campaign=campaign, pk=round_id)
        .first()
    )
    if round_ is None:
        raise Http404("评审轮次不存在")
    round_.campaign = campaign
    return round_


def _set_campaign_status(campaign: Campaign, status: str) -> None:
    if campaign.status != status:
        Campaign.objects.filter(pk=campaign.pk).update(status=status)
        campaign.status = status


def _deadline_problems(deadline: dt.date | None) -> list[Problem]:
    if deadline is not None and deadline < timezone.localdate():
        return [Problem("deadline", "截止日期不能早于今天")]
    return []


def open_self_round(access: Access, *, deadline: dt.date | None = None) -> Round:
    access.require("round.open_self")
    problems = _deadline_problems(deadline)
    if problems:
        raise ReviewError(problems)
    with transaction.atomic():
        campaign = _lock(access.campaign)
        if Round.objects.filter(campaign=campaign, stage=Stage.SELF).exists():
            raise ReviewError(
                Problem("stage", "本创建活动已发起自评；退回后在原轮次中修改并重新提交")
            )
        round_ = Round.objects.create(
            campaign=campaign,
            stage=Stage.SELF,
            number=1,
            deadline=deadline,
            opened_by=_actor(access),
            opened_at=timezone.now(),
        )
        _set_campaign_status(campaign, Campaign.Status.SELF_EVALUATION)
        record(
            action="round.open",
            actor=access.user,
            campaign=campaign,
            target=f"round:{round_.pk}",
            after={"stage": round_.stage, "deadline": deadline},
            message=f"发起{round_.title}",
        )
    return round_


def submit_self_round(access: Access, round_id: int) -> Snapshot:
    """Seal the campaign's data and self-judgments as a new snapshot version of the 自评 round."""
    access.require("round.submit")
    with transaction.atomic():
        campaign = _lock(access.campaign)
        round_ = _locked_round(campaign, round_id)
        if round_.stage != Stage.SELF:
            raise ReviewError(Problem("round", "只能提交本创建活动的自评轮次"))
        in_review = Round.objects.filter(
            campaign=campaign, status=Round.Status.OPEN, base__round=round_
        ).exists()
        if in_review:
            raise ReviewError(
                Problem("round", "省局初审正在进行，待其退回或通过后才能重新提交自评")
            )
        try:
            evaluation = evaluate(campaign)
        except InputError as exc:
            raise ReviewError(exc.problems) from exc
        fw = campaign.core_framework
        previous = latest_snapshot(round_)
        body = {
            "input": snapshots.exact(build_input(campaign, evaluation.data)),
            "judgments": snapshots.judgments_document(campaign),
            "evidence": snapshots.evidence_document(campaign),
        }
        event = "submitted" if previous is None else "resubmitted"
        snap = snapshots.freeze(
            round_,
            event=event,
            body=body,
            card=evaluation.scorecard,
            fw=fw,
            actor=_actor(access),
            previous=previous,
        )
        Round.objects.filter(pk=round_.pk).update(
            status=Round.Status.SUBMITTED, closed_by=_actor(access), closed_at=snap.created_at
        )
        record(
            action="round.submit",
            actor=access.user,
            campaign=campaign,
            target=f"snapshot:{snap.pk}",
            after={"version": snap.version, "seal": snap.seal, "total": snap.total},
            message=f"提交{round_.title}，封存快照 v{snap.version}",
        )
    return snap


# --- review rounds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundSettings:
    deadline: dt.date | None = None
    whole: str = Round.Whole.MEAN
    trim_from: int | None = 5
    dispute_share: Decimal = Decimal("0.5")


def _check_settings(settings: RoundSettings) -> list[Problem]:
    problems = []
    if settings.whole not in Round.Whole.values:
        problems.append(Problem("whole", "汇总方式应为平均分或中位数"))
    if settings.trim_from is not None and settings.trim_from < 3:
        problems.append(Problem("trim_from", "去掉最高最低分至少需要 3 名专家"))
    if not Decimal(0) < settings.dispute_share <= Decimal(1):
        problems.append(Problem("dispute_share", "争议阈值应大于 0 且不超过 1"))
    problems += _deadline_problems(settings.deadline)
    return problems


def reviewable_bases(campaign: Campaign, stage: str) -> list[Snapshot]:
    """The snapshots a round of ``stage`` may be opened on."""
    return reviewable_from(rounds_of(campaign), stage)


def reviewable_from(rounds: Sequence[Round], stage: str) -> list[Snapshot]:
    """Of rounds read with their snapshots (no query): the latest 自评 submission for 省局初审,
    the approval snapshots of approved 省局初审 for 总局评估, newest first."""
    if stage == Stage.PROVINCIAL:
        return [
            list(r.snapshots.all())[-1]
            for r in rounds
            if r.stage == Stage.SELF and r.status == Round.Status.SUBMITTED and r.snapshots.all()
        ]
    approved = [
        s
        for r in rounds
        if r.stage == Stage.PROVINCIAL and r.status == Round.Status.APPROVED
        for s in r.snapshots.all()
        if s.event == "approved"
    ]
    return sorted(approved, key=lambda s: -s.version)


def open_review_round(
    access: Access, stage: str, base_id: int, settings: RoundSettings | None = None
) -> Round:
    access.require("round.open_review")
    settings = settings or RoundSettings()
    problems = _check_settings(settings)
    if stage not in (Stage.PROVINCIAL, Stage.NATIONAL):
        problems.append(Problem("stage", "评审阶段应为省局初审或总局评估"))
    if problems:
        raise ReviewError(problems)
    with transaction.atomic():
        campaign = _lock(access.campaign)
        base = next((s for s in reviewable_bases(campaign, stage) if s.pk == base_id), None)
        if base is None:
            wanted = "已提交的最新自评快照" if stage == Stage.PROVINCIAL else "已通过的省局初审快照"
            raise ReviewError(Problem("base", f"{Stage(stage).label}只能基于{wanted}发起"))
        if Round.objects.filter(campaign=campaign, stage=stage, status=Round.Status.OPEN).exists():
            raise ReviewError(Problem("stage", f"已有进行中的{Stage(stage).label}"))
        if Round.objects.filter(stage=stage, base=base, status=Round.Status.APPROVED).exists():
            raise ReviewError(
                Problem("base", f"快照 v{base.version} 已通过{Stage(stage).label}，无需再次评审")
            )
        number = (
            Round.objects.filter(campaign=campaign, stage=stage).aggregate(n=Max("number"))["n"]
            or 0
        ) + 1
        round_ = Round.objects.create(
            campaign=campaign,
            stage=stage,
            number=number,
            base=base,
            deadline=settings.deadline,
            whole=settings.whole,
            trim_from=settings.trim_from,
            dispute_share=settings.dispute_share,
            opened_by=_actor(access),
            opened_at=timezone.now(),
        )
        _set_campaign_status(campaign, _STAGE_STATUS[Stage(stage)])
        record(
            action="round.open",
            actor=access.user,
            campaign=campaign,
            target=f"round:{round_.pk}",
            after={
                "stage": stage,
                "base": f"snapshot v{base.version}",
                "deadline": settings.deadline,
                "rules": [settings.whole, settings.trim_from, settings.dispute_share],
            },
            message=f"基于快照 v{base.version} 发起{round_.title}",
        )
    return round_


@dataclass(frozen=True)
class PanelSeat:
    user_id: int
    is_lead: bool = False
    indicators: tuple[int, ...] = ()  # empty: every judged indicator


def experts_of(campaign: Campaign) -> QuerySet[Any]:
    """The users who may sit on a panel: the campaign's members with the 专家 role."""
    return (
        get_user_model()
        .objects.filter(
            memberships__campaign=campaign, memberships__role=Role.EXPERT, is_active=True
        )
        .order_by("username")
    )


def _open_review(access: Access, round_id: int) -> Round:
    round_ = _locked_round(access.campaign, round_id)
    if not round_.is_review:
        raise ReviewError(Problem("round", "自评轮次没有专家组"))
    if not round_.is_open:
        raise ReviewError(
            Problem("round", f"{round_.title}已{round_.get_status_display()}，不能再修改")
        )
    return round_


def set_panel(access: Access, round_id: int, seats: Sequence[PanelSeat]) -> None:
    """Name the round's experts, its lead and (optionally) each expert's indicators."""
    access.require("round.panel")
    with transaction.atomic():
        round_ = _open_review(access, round_id)
        fw = access.campaign.core_framework
        judged = set(judged_indicators(fw, access.campaign.years))
        eligible = set(experts_of(access.campaign).values_list("pk", flat=True))
        problems: list[Problem] = []
        seen: set[int] = set()
        for i, seat in enumerate(seats):
            if seat.user_id not in eligible:
                problems.append(
                    Problem(f"experts[{i}]", "只能选择本创建活动中角色为专家的在用账号")
                )
            if seat.user_id in seen:
                problems.append(Problem(f"experts[{i}]", "同一专家不能重复加入专家组"))
            seen.add(seat.user_id)
            wrong = sorted(set(seat.indicators) - judged)
            if wrong:
                problems.append(
                    Problem(
                        f"experts[{i}].indicators",
                        f"第 {'、'.join(map(str, wrong))} 项不是需要专家评审的定性指标",
                    )
                )
        if not seats:
            problems.append(Problem("experts", "专家组至少需要 1 名专家"))
        leads = [s for s in seats if s.is_lead]
        if len(leads) != 1:
            problems.append(Problem("lead", "专家组须指定且只能指定 1 名组长"))
        current = {p.user_id: p for p in Panelist.objects.filter(round=round_)}
        judged_by = set(
            ExpertJudgment.objects.filter(round=round_).values_list("expert_id", flat=True)
        )
        for user_id, panelist in current.items():
            if user_id not in seen and user_id in judged_by:
                problems.append(
                    Problem(
                        "experts",
                        f"专家 {display_name(panelist.user)} 已填写评审意见，不能移出专家组",
                    )
                )
        if problems:
            raise ReviewError(problems)
        before = _panel_record(current.values())
        Panelist.objects.filter(round=round_).exclude(user_id__in=seen).delete()
        # The lead constraint is unique per round: clear it before naming the new lead.
        Panelist.objects.filter(round=round_).update(is_lead=False)
        for seat in seats:
            Panelist.objects.update_or_create(
                round=round_,
                user_id=seat.user_id,
                defaults={"is_lead": seat.is_lead, "indicators": sorted(set(seat.indicators))},
            )
        after = _panel_record(Panelist.objects.filter(round=round_).select_related("user"))
        record(
            action="round.panel",
            actor=access.user,
            campaign=access.campaign,
            target=f"round:{round_.pk}",
            before=before,
            after=after,
            message=f"设置{round_.title}专家组（{len(seats)} 名）",
        )


def _panel_record(panel: Iterable[Panelist]) -> list[str]:
    return [
        f"{display_name(p.user)}{'（组长）' if p.is_lead else ''}"
        + (f"：第 {'、'.join(map(str, p.indicators))} 项" if p.indicators else "：全部")
        for p in panel
    ]


def _seat(round_: Round, access: Access) -> Panelist:
    access.require("round.judge")
    seat = panelist_of(round_, access.user)
    if seat is None:
        raise ReviewError(Problem("round", "您不是该评审轮次的专家组成员"))
    return seat


def expert_items(round_: Round, seat: Panelist) -> dict[str, ItemSpec]:
    fw = round_.campaign.core_framework
    return {
        k: s for k, s in judged_specs(fw, round_.campaign.years).items() if seat.covers(s.indicator)
    }


@dataclass(frozen=True)
class Vote:
    """An expert's entry for one item, as submitted by a form: ``value`` is the text chosen
    (``"met"``, ``"not_met"`` or a score), blank for no judgment yet."""

    item: str
    value: str
    comment: str = ""


def _vote_value(spec: ItemSpec, text: str) -> tuple[bool | None, Decimal | None, str | None]:
    text = text.strip()
    if not takes_score(spec):
        if text in ("met", "true", "符合"):
            return True, None, None
        if text in ("not_met", "false", "不符合"):
            return False, None, None
        return None, None, "应选择“符合”或“不符合”"
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, None, f"应为 0—{plain(spec.max)} 分之间的分数"
    if not value.is_finite() or not Decimal(0) <= value <= spec.max:
        return None, None, f"应为 0—{plain(spec.max)} 分之间的分数"
    if value % spec.step:
        return None, None, f"应按 {plain(spec.step)} 分的步长给分"
    return None, value, None


def save_votes(access: Access, round_id: int, votes: Sequence[Vote]) -> int:
    """Store an expert's judgments (blank values clear); all or nothing. Returns how many changed."""
    with transaction.atomic():
        round_ = _open_review(access, round_id)
        seat = _seat(round_, access)
        if seat.submitted_at is not None:
            raise ReviewError(Problem("round", "您已提交评审意见，不能再修改"))
        items = expert_items(round_, seat)
        problems: list[Problem] = []
        parsed: list[tuple[Vote, ItemSpec, bool | None, Decimal | None]] = []
        for vote in votes:
            spec = items.get(vote.item)
            if spec is None:
                problems.append(Problem(vote.item, "该评分项不在分配给您的评审范围内"))
                continue
            if not vote.value.strip():
                parsed.append((vote, spec, None, None))
                continue
            met, value, problem = _vote_value(spec, vote.value)
            if problem:
                problems.append(Problem(vote.item, problem))
            else:
                parsed.append((vote, spec, met, value))
        if problems:
            raise ReviewError(problems)
        now = timezone.now()
        existing = {
            j.item: j for j in ExpertJudgment.objects.filter(round=round_, expert=access.user)
        }
        changed = 0
        for vote, spec, met, value in parsed:
            old = existing.get(vote.item)
            if met is None and value is None:
                if old is not None:
                    old.delete()
                    changed += 1
                continue
            comment = vote.comment.strip()
            if old is not None and (old.met, old.score, old.comment) == (met, value, comment):
                continue
            ExpertJudgment.objects.update_or_create(
                round=round_,
                expert=access.user,
                item=vote.item,
                defaults={
                    "indicator": spec.indicator,
                    "met": met,
                    "score": value,
                    "comment": comment,
                    "updated_at": now,
                },
            )
            changed += 1
        if changed:
            record(
                action="round.judge",
                actor=access.user,
                campaign=access.campaign,
                target=f"round:{round_.pk}",
                after={v.item: v.value for v, *_ in parsed},
                message=f"填写{round_.title}评审意见（{changed} 项）",
            )
    return changed


def submit_votes(access: Access, round_id: int) -> None:
    """An expert submits: every item assigned must be judged; afterwards others' become visible."""
    with transaction.atomic():
        round_ = _open_review(access, round_id)
        seat = _seat(round_, access)
        if seat.submitted_at is not None:
            raise ReviewError(Problem("round", "您已提交评审意见"))
        items = expert_items(round_, seat)
        done = set(
            ExpertJudgment.objects.filter(round=round_, expert=access.user).values_list(
                "item", flat=True
            )
        )
        missing = [item for item in items if item not in done]
        if missing:
            raise ReviewError([Problem(item, "尚未评审") for item in missing])
        Panelist.objects.filter(pk=seat.pk).update(submitted_at=timezone.now())
        record(
            action="round.judge_submit",
            actor=access.user,
            campaign=access.campaign,
            target=f"round:{round_.pk}",
            after={"items": len(items)},
            message=f"提交{round_.title}评审意见（{len(items)} 项）",
        )


def reconcile(access: Access, round_id: int, item: str, value: str, reason: str) -> None:
    """The lead decides a disputed item, with a written reason (after submitting its own)."""
    with transaction.atomic():
        round_ = _open_review(access, round_id)
        seat = _seat(round_, access)
        if not seat.is_lead:
            raise ReviewError(Problem(item, "只有专家组组长可以协调争议项"))
        if seat.submitted_at is None:
            raise ReviewError(Problem(item, "请先提交您本人的评审意见，再协调争议项"))
        outcome = round_result(round_).outcomes.get(item)
        if outcome is None or not outcome.disputed:
            raise ReviewError(Problem(item, "该评分项没有争议，无需协调"))
        met, number, problem = _vote_value(outcome.spec, value)
        if problem:
            raise ReviewError(Problem(item, problem))
        if not reason.strip():
            raise ReviewError(Problem(f"{item}.reason", "协调结论必须填写理由"))
        before = outcome.reconciliation.value if outcome.reconciliation else None
        Reconciliation.objects.update_or_create(
            round=round_,
            item=item,
            defaults={
                "met": met,
                "score": number,
                "reason": reason.strip(),
                "decided_by": access.user,
                "decided_at": timezone.now(),
            },
        )
        record(
            action="round.reconcile",
            actor=access.user,
            campaign=access.campaign,
            target=item,
            indicator=outcome.spec.indicator,
            before=before,
            after={"value": met if met is not None else number, "reason": reason.strip()},
            message=f"{round_.title}：协调争议项 {item}",
        )


def quantitative_specs(round_: Round) -> dict[str, ItemSpec]:
    fw = round_.campaign.core_framework
    return {
        k: s
        for k, s in item_specs(fw, round_.campaign.years).items()
        if s.scored and not s.qualitative
    }


def override(access: Access, round_id: int, item: str, value: str | None, reason: str = "") -> None:
    """A reviewer corrects a quantitative item (``value`` None removes the correction)."""
    access.require("round.override")
    with transaction.atomic():
        round_ = _open_review(access, round_id)
        spec = quantitative_specs(round_).get(item)
        if spec is None:
            raise ReviewError(Problem(item, "只能核定定量指标的评分项；定性指标由专家组评审"))
        old = ReviewOverride.objects.filter(round=round_, item=item).first()
        if value is None or not value.strip():
            if old is None:
                return
            old.delete()
            record(
                action="round.override",
                actor=access.user,
                campaign=access.campaign,
                target=item,
                indicator=spec.indicator,
                before={"score": old.score, "reason": old.reason},
                message=f"{round_.title}：撤销对 {item} 的核定",
            )
            return
        problems = []
        try:
            number = Decimal(value.strip())
            if not number.is_finite() or not Decimal(0) <= number <= spec.max:
                raise InvalidOperation
        except InvalidOperation:
            problems.append(Problem(item, f"核定得分应为 0—{plain(spec.max)} 分之间的数字"))
            number = Decimal(0)
        if not reason.strip():
            problems.append(Problem(f"{item}.reason", "核定得分必须填写理由"))
        if problems:
            raise ReviewError(problems)
        ReviewOverride.objects.update_or_create(
            round=round_,
            item=item,
            defaults={
                "score": number,
                "reason": reason.strip(),
                "decided_by": access.user,
                "decided_at": timezone.now(),
            },
        )
        record(
            action="round.override",
            actor=access.user,
            campaign=access.campaign,
            target=item,
            indicator=spec.indicator,
            before=None if old is None else {"score": old.score, "reason": old.reason},
            after={"score": number, "reason": reason.strip()},
            message=f"{round_.title}：核定 {item} 为 {plain(number)} 分",
        )


def _panel_body(result: RoundResult) -> dict[str, Any]:
    round_ = result.round
    base = round_.base
    assert base is not None
    base_doc = result.base
    outcomes = result.outcomes.values()
    return {
        "base": {"snapshot": base.pk, "version": base.version, "seal": base.seal},
        "input": snapshots.exact(result.input),
        "judgments": [
            {
                "item": o.spec.id,
                "value": o.value,
                "by": "专家组组长协调"
                if o.reconciliation
                else ("专家组" if o.result else "沿用自评（无专家评审）"),
                "explanation": o.result.explanation if o.result else "",
            }
            for o in outcomes
        ],
        "evidence": base_doc.get("evidence", []),
        "panel": {
            "rules": {
                "whole": round_.whole,
                "trim_from": round_.trim_from,
                "dispute_share": round_.dispute_share,
            },
            "experts": [
                {
                    "name": display_name(p.user),
                    "lead": p.is_lead,
                    "indicators": list(p.indicators),
                    "submitted_at": snapshots.when(p.submitted_at),
                }
                for p in result.panel
            ],
            "votes": [
                {
                    "item": v.item,
                    "expert": display_name(v.expert),
                    "value": v.value,
                    "comment": v.comment,
                }
                for o in outcomes
                for v in o.votes
            ],
            "results": [
                {
                    "item": o.spec.id,
                    "value": o.result.value,
                    "experts": o.result.experts,
                    "disputed": o.result.disputed,
                    "spread": o.result.spread,
                    "explanation": o.result.explanation,
                }
                for o in outcomes
                if o.result is not None
            ],
            "reconciliations": [
                {
                    "item": o.spec.id,
                    "value": o.reconciliation.value,
                    "aggregated": o.result.value if o.result else None,
                    "reason": o.reconciliation.reason,
                    "by": display_name(o.reconciliation.decided_by),
                }
                for o in outcomes
                if o.reconciliation is not None
            ],
            "overrides": [
                {
                    "item": o.item,
                    "score": o.score,
                    "reason": o.reason,
                    "by": display_name(o.decided_by),
                }
                for o in result.overrides
            ],
        },
    }


def _close(access: Access, result: RoundResult, event: str, body_extra: dict[str, Any]) -> Snapshot:
    round_ = result.round
    body = _panel_body(result)
    body.update(body_extra)
    snap = snapshots.freeze(
        round_,
        event=event,
        body=body,
        card=result.scorecard,
        fw=result.framework,
        actor=_actor(access),
        previous=latest_snapshot(round_),
    )
    status = Round.Status.APPROVED if event == "approved" else Round.Status.RETURNED
    Round.objects.filter(pk=round_.pk).update(
        status=status,
        closed_by=_actor(access),
        closed_at=snap.created_at,
        comment=body_extra.get("comment", ""),
    )
    return snap


def approve(access: Access, round_id: int, comment: str = "") -> Snapshot:
    """Close the round: every expert submitted, every judged item judged, every dispute settled."""
    access.require("round.decide")
    with transaction.atomic():
        campaign = _lock(access.campaign)
        round_ = _open_review(access, round_id)
        result = round_result(round_)
        problems = [
            Problem("experts", f"专家 {display_name(p.user)} 尚未提交评审意见")
            for p in result.panel
            if p.submitted_at is None
        ]
        if not result.panel:
            problems.append(Problem("experts", "尚未组建专家组"))
        problems += [Problem(o.spec.id, "尚无专家评审") for o in result.unjudged]
        problems += [Problem(o.spec.id, "争议项尚未由组长协调") for o in result.unresolved]
        if problems:
            raise ReviewError(problems)
        snap = _close(access, result, "approved", {"comment": comment.strip()})
        if round_.stage == Stage.NATIONAL and snap.passed:
            _set_campaign_status(campaign, Campaign.Status.RECOGNISED)
        record(
            action="round.approve",
            actor=access.user,
            campaign=campaign,
            target=f"snapshot:{snap.pk}",
            after={
                "version": snap.version,
                "seal": snap.seal,
                "total": snap.total,
                "passed": snap.passed,
            },
            message=f"通过{round_.title}（{plain(snap.total)} 分，{'达标' if snap.passed else '未达标'}），封存快照 v{snap.version}",
        )
    return snap


def return_round(
    access: Access, round_id: int, notes: Mapping[str, str], comment: str = ""
) -> Snapshot:
    """退回修改: what to fix per item goes back to the office and the responsible departments;
    the 自评 round reopens for a new submission."""
    access.require("round.decide")
    with transaction.atomic():
        campaign = _lock(access.campaign)
        round_ = _open_review(access, round_id)
        specs = item_specs(campaign.core_framework, campaign.years)
        indicators = {str(ind.number): ind.number for ind in campaign.core_framework.indicators}
        problems = []
        cleaned: dict[str, tuple[int, str]] = {}
        for item, raw in notes.items():
            text = raw.strip()
            if not text:
                continue
            number = specs[item].indicator if item in specs else indicators.get(item)
            if number is None:
                problems.append(Problem(item, "不是本指标体系中的指标或评分项"))
            else:
                cleaned[item] = (number, text)
        if not cleaned:
            problems.append(Problem("notes", "退回修改须至少对一项指标写明修改意见"))
        if problems:
            raise ReviewError(problems)
        for item, (number, text) in cleaned.items():
            ReturnNote.objects.create(round=round_, item=item, indicator=number, comment=text)
        snap = _close(
            access,
            round_result(round_),
            "returned",
            {
                "comment": comment.strip(),
                "return_notes": [
                    {"item": item, "indicator": number, "comment": text}
                    for item, (number, text) in sorted(cleaned.items())
                ],
            },
        )
        Round.objects.filter(campaign=campaign, stage=Stage.SELF).update(
            status=Round.Status.RETURNED
        )
        _set_campaign_status(campaign, Campaign.Status.SELF_EVALUATION)
        record(
            action="round.return",
            actor=access.user,
            campaign=campaign,
            target=f"snapshot:{snap.pk}",
            after={item: text for item, (_, text) in cleaned.items()},
            message=f"退回{round_.title}（{len(cleaned)} 项修改意见），封存快照 v{snap.version}",
        )
    return snap


def _actor(access: Access) -> Any:
    user = access.user
    return user if getattr(user, "is_authenticated", False) else None
