"""Who may do what in a review round, asked of the services themselves (the pages and the
permission matrix ask the same policy through the views)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from demozone.web.campaigns.models import Judgment
from demozone.web.campaigns.services import Change, apply_changes
from demozone.web.reviews import services
from demozone.web.reviews.models import ExpertJudgment, Round, Stage

from .factories import make_user
from .reviews_support import judge, people, provincial, submitted_self

pytestmark = pytest.mark.django_db


def test_an_expert_sees_only_the_rounds_whose_panel_it_sits_on():
    p = people(experts=2)
    round_ = provincial(p)
    outsider = make_user("expert-out", p.campaign, "expert")
    assert services.get_round(p.access(p.experts[0]), round_.pk) == round_
    with pytest.raises(PermissionDenied):
        services.get_round(p.access(outsider), round_.pk)
    with pytest.raises(Http404):
        services.get_round(p.access(p.experts[0]), round_.pk + 1000)


def test_an_expert_judges_only_the_indicators_assigned_to_it():
    p = people(experts=2)
    snap = submitted_self(p)
    round_ = services.open_review_round(p.access(p.reviewer), Stage.PROVINCIAL, snap.pk)
    services.set_panel(
        p.access(p.reviewer),
        round_.pk,
        [
            services.PanelSeat(p.experts[0].pk, is_lead=True, indicators=(16,)),
            services.PanelSeat(p.experts[1].pk),
        ],
    )
    seat = services.panelist_of(round_, p.experts[0])
    assert {s.indicator for s in services.expert_items(round_, seat).values()} == {16}
    with pytest.raises(services.ReviewError, match="不在分配给您的评审范围内"):
        services.save_votes(p.access(p.experts[0]), round_.pk, [services.Vote("36.1", "met")])
    services.save_votes(p.access(p.experts[0]), round_.pk, [services.Vote("16", "2")])
    services.submit_votes(p.access(p.experts[0]), round_.pk)


def test_an_expert_sees_evidence_only_for_the_indicators_of_its_panels():
    p = people(experts=2)
    snap = submitted_self(p)
    round_ = services.open_review_round(p.access(p.reviewer), Stage.PROVINCIAL, snap.pk)
    assert not p.access(p.experts[0]).can_view_evidence("16")
    services.set_panel(
        p.access(p.reviewer),
        round_.pk,
        [services.PanelSeat(p.experts[0].pk, is_lead=True, indicators=(16,))],
    )
    access = p.access(p.experts[0])
    assert access.can_view_evidence("16")
    assert not access.can_view_evidence("36.1")
    assert not p.access(p.experts[1]).can_view_evidence("16")


@pytest.mark.parametrize("role", ["liaison", "office", "reviewer", "leader"])
def test_only_experts_judge_in_a_review_round(role):
    p = people(experts=1)
    round_ = provincial(p)
    user = {"liaison": p.liaison, "office": p.office, "reviewer": p.reviewer, "leader": p.leader}
    with pytest.raises(PermissionDenied):
        services.save_votes(p.access(user[role]), round_.pk, [services.Vote("16", "2")])
    assert not ExpertJudgment.objects.exists()


def test_a_reviewer_cannot_edit_department_data():
    p = people(experts=1)
    provincial(p)
    access = p.access(p.reviewer)
    assert not access.can("data.edit")
    with pytest.raises(PermissionDenied):
        access.require("data.edit", indicator=16)
    before = list(Judgment.objects.values_list("item", "met", "score"))
    assert access.editable_paths() == frozenset()
    with pytest.raises(Exception, match="不负责"):
        apply_changes(
            p.campaign,
            [Change("judgments.16", 0)],
            p.reviewer,
            allowed=lambda path: path in access.editable_paths(),
        )
    assert list(Judgment.objects.values_list("item", "met", "score")) == before


def test_an_office_cannot_open_reviews_nor_a_reviewer_submit_the_self_evaluation():
    p = people(experts=1)
    round_ = services.open_self_round(p.access(p.office))
    with pytest.raises(PermissionDenied):
        services.submit_self_round(p.access(p.reviewer), round_.pk)
    snap = services.submit_self_round(p.access(p.office), round_.pk)
    with pytest.raises(PermissionDenied):
        services.open_review_round(p.access(p.office), Stage.PROVINCIAL, snap.pk)
    assert not Round.objects.filter(stage=Stage.PROVINCIAL).exists()


def test_experts_and_leaders_cannot_decide_a_round():
    p = people(experts=1)
    round_ = provincial(p)
    judge(p, round_, p.experts[0])
    for user in (p.experts[0], p.leader, p.office, p.liaison):
        with pytest.raises(PermissionDenied):
            services.approve(p.access(user), round_.pk)
        with pytest.raises(PermissionDenied):
            services.return_round(p.access(user), round_.pk, {"16": "补充"})
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN


def test_a_panel_takes_only_the_campaigns_experts_and_exactly_one_lead():
    p = people(experts=2)
    snap = submitted_self(p)
    round_ = services.open_review_round(p.access(p.reviewer), Stage.PROVINCIAL, snap.pk)
    with pytest.raises(services.ReviewError) as caught:
        services.set_panel(
            p.access(p.reviewer),
            round_.pk,
            [services.PanelSeat(p.liaison.pk), services.PanelSeat(p.experts[0].pk)],
        )
    paths = [pr.path for pr in caught.value.problems]
    assert paths == ["experts[0]", "lead"]
    assert not round_.panel.exists()


def test_an_expert_who_has_judged_cannot_be_removed_from_the_panel():
    p = people(experts=2)
    round_ = provincial(p, lead=1)
    services.save_votes(p.access(p.experts[0]), round_.pk, [services.Vote("16", "1")])
    with pytest.raises(services.ReviewError, match="不能移出专家组"):
        services.set_panel(
            p.access(p.reviewer), round_.pk, [services.PanelSeat(p.experts[1].pk, is_lead=True)]
        )
    assert round_.panel.count() == 2
