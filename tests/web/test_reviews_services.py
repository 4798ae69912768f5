"""The review process end to end through its services: 自评 → 省局初审 → 总局评估."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from demozone.web.audit.models import AuditEvent
from demozone.web.campaigns.models import Campaign, Judgment
from demozone.web.reviews import services, snapshots
from demozone.web.reviews.models import ReturnNote, Round, Snapshot, Stage

from .reviews_support import judge, people, provincial, submitted_self

pytestmark = pytest.mark.django_db

WHOLE = "10"  # a whole indicator judged 0–2 in steps of 0.5


def test_submitting_self_evaluation_seals_a_snapshot_of_the_campaign():
    p = people()
    snap = submitted_self(p)
    doc = snapshots.read(snap)
    assert doc["round"]["stage"] == "self"
    assert doc["framework"]["sha256"] == p.campaign.core_framework.sha256
    assert doc["input"]["years"] == [2022, 2023]
    assert {j["item"] for j in doc["judgments"]} == set(
        Judgment.objects.filter(campaign=p.campaign).values_list("item", flat=True)
    )
    assert Decimal(str(doc["scorecard"]["total"])) == snap.total
    assert snapshots.verify(snap).ok
    assert AuditEvent.objects.filter(action="round.submit", target=f"snapshot:{snap.pk}").exists()
    p.campaign.refresh_from_db()
    assert p.campaign.status == Campaign.Status.SELF_EVALUATION


def test_resubmitting_makes_a_new_version_and_keeps_the_first():
    p = people()
    first = submitted_self(p)
    round_ = first.round
    second = services.submit_self_round(p.access(p.office), round_.pk)
    assert (first.version, second.version) == (1, 2)
    assert second.previous_id == first.pk
    assert snapshots.read(second)["previous"] == {"version": 1, "seal": first.seal}
    assert Snapshot.objects.filter(round=round_).count() == 2


def test_a_liaison_cannot_submit_the_self_evaluation():
    p = people()
    round_ = services.open_self_round(p.access(p.office))
    with pytest.raises(PermissionDenied):
        services.submit_self_round(p.access(p.liaison), round_.pk)
    assert not Snapshot.objects.exists()


def test_a_full_panel_that_agrees_approves_with_the_self_score():
    p = people()
    round_ = provincial(p)
    for expert in p.experts:
        judge(p, round_, expert)
    snap = services.approve(p.access(p.reviewer), round_.pk, "同意")
    assert snap.event == "approved"
    assert snapshots.verify(snap).ok
    round_.refresh_from_db()
    assert round_.status == Round.Status.APPROVED
    self_snap = round_.base
    assert snap.total == self_snap.total


def test_two_experts_apart_by_full_points_dispute_and_the_lead_reconciles():
    p = people()
    round_ = provincial(p)
    judge(p, round_, p.experts[0], {WHOLE: "2"})
    judge(p, round_, p.experts[1], {WHOLE: "0"})
    judge(p, round_, p.experts[2], {WHOLE: "1"})
    result = services.round_result(round_)
    assert [o.spec.id for o in result.unresolved] == [WHOLE]
    with pytest.raises(services.ReviewError, match="争议项尚未由组长协调"):
        services.approve(p.access(p.reviewer), round_.pk)
    with pytest.raises(services.ReviewError, match="只有专家组组长"):
        services.reconcile(p.access(p.experts[1]), round_.pk, WHOLE, "1.5", "理由")
    with pytest.raises(services.ReviewError, match="理由"):
        services.reconcile(p.access(p.experts[0]), round_.pk, WHOLE, "1.5", " ")
    services.reconcile(p.access(p.experts[0]), round_.pk, WHOLE, "1.5", "材料基本完整")
    snap = services.approve(p.access(p.reviewer), round_.pk)
    card = snapshots.read(snap)["scorecard"]
    ind = next(i for i in card["indicators"] if i["number"] == 10)
    assert Decimal(str(ind["score"])) == Decimal("1.5")
    panel = snapshots.read(snap)["panel"]
    assert panel["reconciliations"][0]["reason"] == "材料基本完整"


def test_experts_cannot_change_their_judgments_after_submitting():
    p = people()
    round_ = provincial(p)
    judge(p, round_, p.experts[0])
    with pytest.raises(services.ReviewError, match="已提交"):
        services.save_votes(p.access(p.experts[0]), round_.pk, [services.Vote(WHOLE, "0")])


def test_an_expert_cannot_submit_with_items_unjudged():
    p = people()
    round_ = provincial(p)
    services.save_votes(p.access(p.experts[0]), round_.pk, [services.Vote(WHOLE, "1")])
    with pytest.raises(services.ReviewError, match="尚未评审"):
        services.submit_votes(p.access(p.experts[0]), round_.pk)


def test_a_score_off_the_step_or_above_the_points_is_refused_with_the_item():
    p = people()
    round_ = provincial(p)
    with pytest.raises(services.ReviewError) as caught:
        services.save_votes(
            p.access(p.experts[0]),
            round_.pk,
            [services.Vote(WHOLE, "0.3"), services.Vote("32", "9"), services.Vote("36.1", "2")],
        )
    assert [pr.path for pr in caught.value.problems] == [WHOLE, "32", "36.1"]
    assert not round_.expert_judgments.exists()


def test_returning_sends_notes_back_and_reopens_the_self_evaluation():
    p = people()
    round_ = provincial(p)
    snap = services.return_round(
        p.access(p.reviewer), round_.pk, {"36.2": "缺少培训签到表", "7": ""}, "请补充"
    )
    assert snap.event == "returned"
    assert list(ReturnNote.objects.values_list("item", "indicator", "comment")) == [
        ("36.2", 36, "缺少培训签到表")
    ]
    self_round = Round.objects.get(campaign=p.campaign, stage=Stage.SELF)
    assert self_round.status == Round.Status.RETURNED
    again = services.submit_self_round(p.access(p.office), self_round.pk)
    assert again.version == snap.version + 1


def test_national_review_opens_only_on_an_approved_provincial_review():
    p = people()
    round_ = provincial(p)
    with pytest.raises(services.ReviewError, match="已通过的省局初审快照"):
        services.open_review_round(p.access(p.reviewer), Stage.NATIONAL, round_.base_id)
    for expert in p.experts:
        judge(p, round_, expert)
    approved = services.approve(p.access(p.reviewer), round_.pk)
    national = services.open_review_round(p.access(p.reviewer), Stage.NATIONAL, approved.pk)
    assert national.base_id == approved.pk
    p.campaign.refresh_from_db()
    assert p.campaign.status == Campaign.Status.NATIONAL_REVIEW


def test_a_reviewer_override_changes_a_quantitative_item_with_its_reason():
    p = people()
    round_ = provincial(p)
    with pytest.raises(services.ReviewError, match="理由"):
        services.override(p.access(p.reviewer), round_.pk, "7", "0", "")
    with pytest.raises(services.ReviewError, match="只能核定定量指标"):
        services.override(p.access(p.reviewer), round_.pk, WHOLE, "0", "理由")
    services.override(p.access(p.reviewer), round_.pk, "7", "0", "口径不符")
    card = services.round_result(round_).scorecard
    assert card.item("7").score == 0
    assert card.item("7").status == "overridden"
