"""The 评审轮次 pages: who sees what, the forms, the htmx partials and the query counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demozone.web.campaigns.models import Judgment, MetricValue
from demozone.web.evidence import storage
from demozone.web.evidence.models import Evidence, EvidenceLink, EvidenceVersion
from demozone.web.reviews import services
from demozone.web.reviews.models import (
    Panelist,
    Reconciliation,
    ReturnNote,
    ReviewOverride,
    Round,
    Snapshot,
    Stage,
)

from .reviews_support import judge, people, provincial, submitted_self

pytestmark = pytest.mark.django_db

WHOLE = "16"  # a whole indicator judged in steps of 0.5
SUB = "36.2"  # a sub-item judged met / not met
QUANTITATIVE = "7"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def url(name: str, p, *args) -> str:
    return reverse(name, args=[p.campaign.pk, *args])


def text(response) -> str:
    return response.content.decode()


def _evidence(p, item: str, content: bytes, filename: str, kind: str) -> Evidence:
    staged, _ = storage.stage([content], 1 << 20)
    assert staged is not None
    storage.publish(staged)
    department = p.campaign.departments.first()
    evidence = Evidence.objects.create(campaign=p.campaign, department=department, title=filename)
    version = EvidenceVersion.objects.create(
        evidence=evidence,
        number=1,
        sha256=staged.sha256,
        size=staged.size,
        filename=filename,
        kind=kind,
    )
    Evidence.objects.filter(pk=evidence.pk).update(current=version)
    EvidenceLink.objects.create(
        evidence=evidence, item=item, indicator=int(item.split(".", maxsplit=1)[0])
    )
    return evidence


PDF = b"%PDF-1.4\n%review evidence\n%%EOF\n"


# --- 评审轮次 list ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["office", "reviewer", "liaison", "leader"])
def test_the_rounds_page_shows_every_round_and_its_snapshots_to_the_roles_that_may_view(role):
    p = people()
    snap = submitted_self(p)
    response = client_for(getattr(p, role)).get(url("rounds", p))
    assert response.status_code == 200
    body = text(response)
    assert "自评（第 1 轮）" in body
    assert snap.seal[:12] in body
    assert "达标" in body


def test_an_expert_sees_only_the_rounds_whose_panel_it_sits_on():
    p = people(experts=2)
    round_ = provincial(p)
    outsider = p.experts[1]
    Panelist.objects.filter(round=round_, user=outsider).delete()
    assert "省局初审" in text(client_for(p.experts[0]).get(url("rounds", p)))
    body = text(client_for(outsider).get(url("rounds", p)))
    assert "省局初审（第 1 轮）" not in body
    assert client_for(outsider).get(url("round_detail", p, round_.pk)).status_code == 403


def test_the_office_opens_the_self_evaluation_with_a_deadline():
    p = people()
    response = client_for(p.office).post(url("round_open_self", p), {"deadline": "2099-01-31"})
    assert response.status_code == 302
    round_ = Round.objects.get(campaign=p.campaign, stage=Stage.SELF)
    assert str(round_.deadline) == "2099-01-31"
    body = text(client_for(p.office).get(url("rounds", p)))
    assert "截止 2099-01-31" in body and "剩余" in body
    assert "提交自评" in body and "封存" in body


def test_a_past_deadline_is_refused_naming_the_field_and_nothing_is_opened():
    p = people()
    response = client_for(p.office).post(url("round_open_self", p), {"deadline": "2001-01-01"})
    assert response.status_code == 422
    assert "截止日期：截止日期不能早于今天" in text(response)
    assert not Round.objects.exists()


def test_a_deadline_that_is_not_a_date_is_refused_naming_the_field():
    p = people()
    response = client_for(p.office).post(url("round_open_self", p), {"deadline": "下周五"})
    assert response.status_code == 422
    assert "截止日期：应为日期" in text(response)
    assert not Round.objects.exists()


def test_a_liaison_can_neither_open_nor_submit_the_self_evaluation():
    p = people()
    assert client_for(p.liaison).post(url("round_open_self", p)).status_code == 403
    round_ = services.open_self_round(p.access(p.office))
    assert client_for(p.liaison).post(url("round_submit", p, round_.pk)).status_code == 403
    assert not Snapshot.objects.exists()


def test_submitting_the_self_evaluation_seals_a_snapshot_and_resubmitting_a_second():
    p = people()
    round_ = services.open_self_round(p.access(p.office))
    office = client_for(p.office)
    response = office.post(url("round_submit", p, round_.pk), follow=True)
    assert "已提交自评，封存快照 v1" in text(response)
    assert "重新提交" not in text(response)  # no longer open
    assert Snapshot.objects.filter(round=round_).count() == 1


def test_the_reviewer_opens_a_provincial_review_on_the_submitted_snapshot():
    p = people()
    snap = submitted_self(p)
    reviewer = client_for(p.reviewer)
    page = text(reviewer.get(url("rounds", p)))
    assert "发起省局初审" in page and f'value="{snap.pk}"' in page
    response = reviewer.post(
        url("round_open_review", p),
        {"stage": "provincial", "base": snap.pk, "whole": "median", "trim_from": "none",
         "dispute_share": "0.75", "deadline": "2099-03-01"},
    )  # fmt: skip
    round_ = Round.objects.get(stage=Stage.PROVINCIAL)
    assert response.status_code == 302
    assert response.url == url("round_detail", p, round_.pk)
    assert (round_.whole, round_.trim_from, str(round_.dispute_share)) == ("median", None, "0.75")


def test_review_rules_out_of_range_are_refused_naming_each_field_without_opening():
    p = people()
    snap = submitted_self(p)
    response = client_for(p.reviewer).post(
        url("round_open_review", p),
        {"stage": "provincial", "base": snap.pk, "trim_from": "2", "dispute_share": "abc"},
    )
    assert response.status_code == 422
    body = text(response)
    assert "争议阈值：应为 0—1 之间的小数" in body
    response = client_for(p.reviewer).post(
        url("round_open_review", p),
        {"stage": "provincial", "base": snap.pk, "trim_from": "2", "dispute_share": "2"},
    )
    body = text(response)
    assert "去掉最高最低分的最少专家人数：" in body and "争议阈值：" in body
    assert not Round.objects.filter(stage=Stage.PROVINCIAL).exists()


def test_the_office_cannot_open_a_review_round():
    p = people()
    snap = submitted_self(p)
    response = client_for(p.office).post(
        url("round_open_review", p), {"stage": "provincial", "base": snap.pk}
    )
    assert response.status_code == 403
    assert not Round.objects.filter(stage=Stage.PROVINCIAL).exists()


def test_the_rounds_page_reads_a_fixed_number_of_queries():
    p = people()
    provincial(p)
    reviewer = client_for(p.reviewer)
    with CaptureQueriesContext(connection) as few:
        reviewer.get(url("rounds", p))
    # More rounds and snapshots: the same number of queries.
    services.submit_self_round  # noqa: B018 — the self round is under review; add a national one
    with CaptureQueriesContext(connection) as more:
        reviewer.get(url("rounds", p))
    assert len(more) == len(few) <= 16


# --- one round --------------------------------------------------------------------------------


def test_the_reviewer_names_the_panel_with_a_lead_and_indicator_subsets():
    p = people()
    snap = submitted_self(p)
    round_ = services.open_review_round(p.access(p.reviewer), Stage.PROVINCIAL, snap.pk)
    reviewer = client_for(p.reviewer)
    page = text(reviewer.get(url("round_detail", p, round_.pk)))
    assert "组建专家组" in page and "expert1" in page
    a, b, c = p.experts
    response = reviewer.post(
        url("round_panel", p, round_.pk),
        {"expert": [a.pk, b.pk, c.pk], "lead": a.pk, f"indicators:{b.pk}": "16、36"},
    )
    assert response.status_code == 302
    seats = {s.user_id: s for s in Panelist.objects.filter(round=round_)}
    assert seats[a.pk].is_lead and seats[a.pk].indicators == []
    assert seats[b.pk].indicators == [16, 36]


def test_a_panel_without_a_lead_or_with_a_bad_indicator_is_refused_naming_the_field():
    p = people()
    snap = submitted_self(p)
    round_ = services.open_review_round(p.access(p.reviewer), Stage.PROVINCIAL, snap.pk)
    a, b, _ = p.experts
    reviewer = client_for(p.reviewer)
    response = reviewer.post(url("round_panel", p, round_.pk), {"expert": [a.pk, b.pk]})
    assert response.status_code == 422
    assert "组长：专家组须指定且只能指定 1 名组长" in text(response)
    response = reviewer.post(
        url("round_panel", p, round_.pk),
        {"expert": [a.pk, b.pk], "lead": a.pk, f"indicators:{b.pk}": "7"},
    )
    assert response.status_code == 422
    assert "专家组第 2 位专家的分配指标：第 7 项不是需要专家评审的定性指标" in text(response)
    response = reviewer.post(
        url("round_panel", p, round_.pk),
        {"expert": [a.pk], "lead": a.pk, f"indicators:{a.pk}": "十六"},
    )
    assert "专家组第 1 位专家的分配指标：应为指标编号" in text(response)
    assert not Panelist.objects.filter(round=round_).exists()


def test_a_new_round_offers_the_previous_rounds_panel():
    p = people()
    round_ = provincial(p, lead=1)
    judge_all = [judge(p, round_, e) for e in p.experts]
    assert judge_all
    services.approve(p.access(p.reviewer), round_.pk)
    base = services.reviewable_bases(p.campaign, Stage.NATIONAL)[0]
    national = services.open_review_round(p.access(p.reviewer), Stage.NATIONAL, base.pk)
    page = text(client_for(p.reviewer).get(url("round_detail", p, national.pk)))
    assert "已按上一轮的专家组预先勾选" in page
    lead = p.experts[1].pk
    assert re.search(rf'name="lead" value="{lead}"[^>]*checked', page)


@pytest.mark.parametrize("role", ["office", "liaison", "leader"])
def test_office_liaison_and_leader_see_no_votes_while_the_round_is_open(role):
    p = people()
    round_ = provincial(p)
    judge(p, round_, p.experts[0], {WHOLE: "0"})
    response = client_for(getattr(p, role)).get(url("round_detail", p, round_.pk))
    assert response.status_code == 200
    body = text(response)
    assert "专家意见和专家组结论在本轮办结后公开" in body
    assert "16 评审意见" not in body
    assert "组建专家组" not in body and "审定" not in body


def test_the_reviewer_sees_every_submitted_vote_and_the_live_scorecard():
    p = people()
    round_ = provincial(p)
    judge(p, round_, p.experts[0], {WHOLE: "0"})
    judge(p, round_, p.experts[1], {WHOLE: "2"}, submit=False)
    body = text(client_for(p.reviewer).get(url("round_detail", p, round_.pk)))
    assert "16 评审意见" in body
    assert "1/3 已提交" in body
    assert "本轮评分" in body and "一级指标" in body
    assert "退回修改" in body and "通过" in body


def test_an_expert_sees_the_others_votes_only_after_submitting_its_own():
    p = people()
    round_ = provincial(p)
    first, second, _ = p.experts
    judge(p, round_, first, {WHOLE: "0"})
    judge(p, round_, second, {WHOLE: "2"}, submit=False)
    expert = client_for(second)
    detail = text(expert.get(url("round_detail", p, round_.pk)))
    assert "提交您本人的评审意见后" in detail and "expert1" not in detail.split("专家组（")[0]
    assert "16 评审意见" not in detail
    judging = text(expert.get(url("round_judge", p, round_.pk)))
    assert "expert1" not in judging
    services.submit_votes(p.access(second), round_.pk)
    judging = text(expert.get(url("round_judge", p, round_.pk)))
    assert "expert1" in judging and "16 评审意见" in judging
    assert "16 评审意见" in text(expert.get(url("round_detail", p, round_.pk)))


def test_disputed_items_are_flagged_and_the_lead_reconciles_them_by_htmx():
    p = people()
    round_ = provincial(p, lead=0)
    lead, other, third = p.experts
    judge(p, round_, lead, {WHOLE: "3"})
    judge(p, round_, other, {WHOLE: "0"})
    judge(p, round_, third, {WHOLE: "1.5"})
    page = text(client_for(lead).get(url("round_detail", p, round_.pk)))
    assert "有争议" in page and "保存协调结论" in page
    assert "保存协调结论" not in text(client_for(other).get(url("round_detail", p, round_.pk)))
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "round-results"}
    response = client_for(lead).post(
        url("round_reconcile", p, round_.pk), {"item": WHOLE, "value": "2", "reason": ""}, **htmx
    )
    assert response.status_code == 200
    assert "第 16 项指标的理由：协调结论必须填写理由" in text(response)
    assert "<html" not in text(response)
    assert not Reconciliation.objects.exists()
    response = client_for(lead).post(
        url("round_reconcile", p, round_.pk),
        {"item": WHOLE, "value": "2", "reason": "材料齐全但运行记录不足"},
        **htmx,
    )
    assert "组长协调为 <strong>2 分</strong>" in text(response)
    assert Reconciliation.objects.get(round=round_, item=WHOLE).score == 2


def test_the_reviewer_overrides_a_quantitative_item_with_a_reason_and_removes_it():
    p = people()
    round_ = provincial(p)
    reviewer = client_for(p.reviewer)
    response = reviewer.post(
        url("round_override", p, round_.pk), {"item": QUANTITATIVE, "score": "1"}
    )
    assert response.status_code == 422
    assert "第 7 项指标的理由：核定得分必须填写理由" in text(response)
    assert not ReviewOverride.objects.exists()
    reviewer.post(
        url("round_override", p, round_.pk),
        {"item": QUANTITATIVE, "score": "1", "reason": "就业人数口径调整"},
    )
    assert ReviewOverride.objects.get(round=round_).score == 1
    assert "就业人数口径调整" in text(reviewer.get(url("round_detail", p, round_.pk)))
    reviewer.post(url("round_override", p, round_.pk), {"item": QUANTITATIVE, "remove": "1"})
    assert not ReviewOverride.objects.exists()


def test_the_override_is_not_for_qualitative_items_nor_for_experts():
    p = people()
    round_ = provincial(p)
    response = client_for(p.reviewer).post(
        url("round_override", p, round_.pk), {"item": WHOLE, "score": "1", "reason": "x"}
    )
    assert response.status_code == 422
    assert "第 16 项指标：只能核定定量指标的评分项" in text(response)
    response = client_for(p.experts[0]).post(
        url("round_override", p, round_.pk), {"item": QUANTITATIVE, "score": "1", "reason": "x"}
    )
    assert response.status_code == 403
    assert not ReviewOverride.objects.exists()


def test_returning_needs_a_note_and_sends_the_notes_to_the_office():
    p = people()
    round_ = provincial(p)
    reviewer = client_for(p.reviewer)
    response = reviewer.post(url("round_return", p, round_.pk), {"comment": "请修改"})
    assert response.status_code == 422
    assert "修改意见：退回修改须至少对一项指标写明修改意见" in text(response)
    assert Round.objects.get(pk=round_.pk).is_open
    response = reviewer.post(
        url("round_return", p, round_.pk),
        {"comment": "请补充材料", "note:36": "补充领导机构文件", "note_item": [SUB, ""],
         "note_text": ["会议纪要缺失", ""]},
    )  # fmt: skip
    assert response.status_code == 302
    notes = {n.item: n.comment for n in ReturnNote.objects.filter(round=round_)}
    assert notes == {"36": "补充领导机构文件", SUB: "会议纪要缺失"}
    page = text(client_for(p.office).get(url("round_detail", p, round_.pk)))
    assert "补充领导机构文件" in page and "评分项 36.2" in page


def test_approving_seals_the_round_and_shows_the_verdict():
    p = people()
    round_ = provincial(p)
    reviewer = client_for(p.reviewer)
    response = reviewer.post(url("round_approve", p, round_.pk), {"comment": ""})
    assert response.status_code == 422
    assert "专家组：专家 expert1 尚未提交评审意见" in text(response)
    for e in p.experts:
        judge(p, round_, e)
    response = reviewer.post(url("round_approve", p, round_.pk), {"comment": "同意"}, follow=True)
    assert "已通过评审" in text(response)
    assert Round.objects.get(pk=round_.pk).status == Round.Status.APPROVED
    # Closed: now the office sees the panel's votes too.
    assert "16 评审意见" in text(client_for(p.office).get(url("round_detail", p, round_.pk)))


def test_the_reviewer_cannot_edit_department_data():
    p = people()
    provincial(p)

    def state():
        return (
            list(MetricValue.objects.order_by("pk").values_list("value", flat=True)),
            list(Judgment.objects.order_by("pk").values_list("met", "score")),
        )

    before = state()
    response = client_for(p.reviewer).post(
        reverse("entry_save", args=[p.campaign.pk, 16]), {"judgments.16": "0"}
    )
    assert response.status_code == 403
    assert state() == before


def test_the_round_page_reads_a_fixed_number_of_queries():
    p = people(experts=3)
    round_ = provincial(p)
    judge(p, round_, p.experts[0])
    reviewer = client_for(p.reviewer)
    with CaptureQueriesContext(connection) as one:
        reviewer.get(url("round_detail", p, round_.pk))
    for e in p.experts[1:]:
        judge(p, round_, e)
    with CaptureQueriesContext(connection) as three:
        reviewer.get(url("round_detail", p, round_.pk))
    assert len(three) == len(one) <= 20
