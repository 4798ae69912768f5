"""The 评审轮次 pages: who sees what, the forms, the htmx partials and the query counts."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demozone.web.campaigns.models import Judgment, MetricValue
from demozone.web.evidence import storage
from demozone.web.evidence.models import Evidence, EvidenceLink, EvidenceVersion
from demozone.web.reviews import services
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


def test_submitting_the_self_evaluation_seals_a_snapshot_and_resubmitting_a_new_version():
    p = people()
    round_ = services.open_self_round(p.access(p.office))
    office = client_for(p.office)
    response = office.post(url("round_submit", p, round_.pk), follow=True)
    assert "已提交自评，封存快照 v1" in text(response)
    # A change after submission is sealed as a new version, until a review takes the snapshot.
    button = 'type="submit">重新提交</button>'
    assert button in text(response)
    response = office.post(url("round_submit", p, round_.pk), follow=True)
    assert "封存快照 v2" in text(response)
    assert Snapshot.objects.filter(round=round_).count() == 2
    services.open_review_round(p.access(p.reviewer), Stage.PROVINCIAL, round_.snapshots.last().pk)
    assert button not in text(office.get(url("rounds", p)))


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
    round_ = provincial(p)
    reviewer = client_for(p.reviewer)
    with CaptureQueriesContext(connection) as few:
        reviewer.get(url("rounds", p))
    # More rounds, panels and snapshots: the same number of queries.
    for e in p.experts:
        judge(p, round_, e)
    services.approve(p.access(p.reviewer), round_.pk)
    base = services.reviewable_bases(p.campaign, Stage.NATIONAL)[0]
    services.open_review_round(p.access(p.reviewer), Stage.NATIONAL, base.pk)
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


# --- the expert's judging page -----------------------------------------------------------------


def _subset_round(p):
    """A 省局初审 whose second expert judges indicator 16 only."""
    round_ = provincial(p)
    Panelist.objects.filter(round=round_, user=p.experts[1]).update(indicators=[16])
    return round_


def test_the_judging_page_shows_only_the_experts_items_with_text_self_judgment_and_figures():
    p = people()
    round_ = _subset_round(p)
    page = text(client_for(p.experts[1]).get(url("round_judge", p, round_.pk)))
    assert 'id="card-16"' in page and 'id="card-36"' not in page
    assert "健全规范网络执法办案制度机制" in page
    assert "制定规范网络执法办案流程" in page  # the official text
    assert "自评：<strong>" in page
    full = text(client_for(p.experts[0]).get(url("round_judge", p, round_.pk)))
    assert 'id="card-36"' in full and 'name="value:36.2" value="met"' in full


def test_an_experts_card_saves_by_htmx_and_shows_errors_naming_nothing_saved():
    p = people()
    round_ = provincial(p)
    expert = client_for(p.experts[0])
    htmx = {"HTTP_HX_REQUEST": "true"}
    response = expert.post(
        url("round_judge_save", p, round_.pk, 16), {"value:16": "0.3", "comment:16": "x"}, **htmx
    )
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and 'id="card-16"' in body
    assert "应按 0.5 分的步长给分" in body
    assert not ExpertJudgment.objects.exists()
    response = expert.post(
        url("round_judge_save", p, round_.pk, 16),
        {"value:16": "2.5", "comment:16": "较完善"},
        **htmx,
    )
    assert "已保存" in text(response)
    vote = ExpertJudgment.objects.get(round=round_, item=WHOLE)
    assert (str(vote.score), vote.comment) == ("2.5", "较完善")
    # The page's progress line is swapped out of band with the card.
    progress = re.search(
        r'<span id="judge-progress" hx-swap-oob="true">([^<]*)</span>', text(response)
    )
    assert progress and progress.group(1).endswith("已填写 1 个")


def test_submitting_before_every_item_is_judged_is_refused_naming_the_items():
    p = people()
    round_ = provincial(p)
    expert = client_for(p.experts[0])
    response = expert.post(url("round_judge_submit", p, round_.pk))
    assert response.status_code == 422
    assert "第 16 项指标：尚未评审" in text(response)
    assert Panelist.objects.get(round=round_, user=p.experts[0]).submitted_at is None


def test_after_submitting_the_judging_page_is_read_only():
    p = people()
    round_ = provincial(p)
    judge(p, round_, p.experts[0], submit=False)
    response = client_for(p.experts[0]).post(url("round_judge_submit", p, round_.pk))
    assert response.status_code == 302
    page = text(client_for(p.experts[0]).get(url("round_judge", p, round_.pk)))
    assert "以下内容只读" in page and "提交评审意见</button>" not in page
    assert 'name="value:16" aria-label="16 评分" disabled' in page


def test_an_expert_cannot_judge_items_outside_its_assignment():
    p = people()
    round_ = _subset_round(p)
    response = client_for(p.experts[1]).post(
        url("round_judge_save", p, round_.pk, 36), {"value:36.2": "met"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404
    assert not ExpertJudgment.objects.exists()


@pytest.mark.parametrize("role", ["liaison", "office", "reviewer", "leader"])
def test_only_an_expert_may_judge(role):
    p = people()
    round_ = provincial(p)
    user = client_for(getattr(p, role))
    assert user.get(url("round_judge", p, round_.pk)).status_code == 403
    response = user.post(url("round_judge_save", p, round_.pk, 16), {"value:16": "1"})
    assert response.status_code == 403
    assert not ExpertJudgment.objects.exists()


def test_an_expert_outside_the_panel_cannot_open_the_judging_page():
    p = people(experts=2)
    round_ = provincial(p)
    Panelist.objects.filter(round=round_, user=p.experts[1]).delete()
    assert client_for(p.experts[1]).get(url("round_judge", p, round_.pk)).status_code == 403


def test_the_judging_page_reads_a_fixed_number_of_queries():
    p = people()
    round_ = provincial(p)
    expert = client_for(p.experts[0])
    with CaptureQueriesContext(connection) as empty:
        expert.get(url("round_judge", p, round_.pk))
    judge(p, round_, p.experts[1])
    judge(p, round_, p.experts[0])
    with CaptureQueriesContext(connection) as judged:
        expert.get(url("round_judge", p, round_.pk))
    assert len(judged) <= len(empty) + 2 <= 16  # after submitting: the others' votes


# --- evidence previewed from the snapshot --------------------------------------------------------


def test_an_expert_previews_the_evidence_of_its_indicators_exactly_as_the_snapshot_lists_it():
    p = people()
    evidence = _evidence(p, SUB, PDF, "领导机构文件.pdf", "pdf")
    other = _evidence(p, QUANTITATIVE, PDF + b"%other\n", "就业统计.pdf", "pdf")
    round_ = provincial(p)
    expert = client_for(p.experts[0])
    page = text(expert.get(url("round_judge", p, round_.pk)))
    preview = url("round_evidence_preview", p, round_.pk, evidence.pk)
    assert f'<iframe class="dz-preview-frame" src="{preview}"' in page
    response = expert.get(preview)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    # Evidence of an indicator the expert does not judge.
    assert expert.get(url("round_evidence_preview", p, round_.pk, other.pk)).status_code == 403


def test_the_preview_serves_the_snapshot_version_not_a_later_upload():
    p = people()
    evidence = _evidence(p, SUB, PDF, "领导机构文件.pdf", "pdf")
    round_ = provincial(p)
    staged, _ = storage.stage([b"%PDF-1.4\n%second\n%%EOF\n"], 1 << 20)
    storage.publish(staged)
    newer = EvidenceVersion.objects.create(
        evidence=evidence, number=2, sha256=staged.sha256, size=staged.size,
        filename="v2.pdf", kind="pdf",
    )  # fmt: skip
    Evidence.objects.filter(pk=evidence.pk).update(current=newer)
    response = client_for(p.experts[0]).get(
        url("round_evidence_preview", p, round_.pk, evidence.pk)
    )
    assert b"".join(response.streaming_content) == PDF


def test_evidence_not_in_the_snapshot_is_not_found():
    p = people()
    round_ = provincial(p)
    late = _evidence(p, SUB, PDF, "后补材料.pdf", "pdf")
    response = client_for(p.reviewer).get(url("round_evidence_preview", p, round_.pk, late.pk))
    assert response.status_code == 404


def test_an_image_is_shown_in_the_page():
    p = people()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    image = _evidence(p, SUB, png, "照片.png", "png")
    round_ = provincial(p)
    page = text(client_for(p.experts[0]).get(url("round_judge", p, round_.pk)))
    assert (
        f'<img class="dz-preview-image" src="{url("round_evidence_preview", p, round_.pk, image.pk)}"'
        in page
    )


# --- snapshots -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["office", "reviewer", "leader"])
def test_the_snapshot_page_shows_the_seal_and_verifies_it(role):
    p = people()
    snap = submitted_self(p)
    user = client_for(getattr(p, role))
    page = text(user.get(url("snapshot", p, snap.pk)))
    assert snap.seal in page and "核验" in page and "下载规范 JSON" in page
    partial = user.get(url("snapshot_verify", p, snap.pk), HTTP_HX_REQUEST="true")
    assert "核验通过" in text(partial) and "<html" not in text(partial)
    assert "核验通过" in text(user.get(url("snapshot_verify", p, snap.pk)))


def test_a_tampered_snapshot_fails_verification_on_the_page():
    p = people()
    snap = submitted_self(p)
    with connection.cursor() as cursor:
        # Around the write-once trigger, as someone with database access might.
        table = Snapshot._meta.db_table
        if connection.vendor == "sqlite":
            cursor.execute(
                f"SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='{table}'"
            )
            triggers = [r[0] for r in cursor.fetchall()]
            sql = {
                name: cursor.execute(
                    "SELECT sql FROM sqlite_master WHERE name=%s", [name]
                ).fetchone()[0]
                for name in triggers
            }
            for name in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            cursor.execute(
                f"UPDATE {table} SET document = replace(document, '\"version\":1', '\"version\":9') WHERE id=%s",
                [snap.pk],
            )
            for statement in sql.values():
                cursor.execute(statement)
        else:
            pytest.skip("the tampering below is written for SQLite")
    body = text(client_for(p.office).get(url("snapshot_verify", p, snap.pk)))
    assert "核验未通过" in body and "封存摘要不符" in body


def test_the_snapshot_downloads_as_its_canonical_json():
    p = people()
    snap = submitted_self(p)
    response = client_for(p.office).get(url("snapshot_download", p, snap.pk))
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="snapshot-v1.json"'
    assert response.content == snap.document.encode("utf-8")
    assert json.loads(response.content)["version"] == 1


def test_an_expert_sees_the_snapshots_of_its_rounds_only():
    p = people()
    round_ = provincial(p)
    for e in p.experts:
        judge(p, round_, e)
    approved = services.approve(p.access(p.reviewer), round_.pk)
    expert = client_for(p.experts[0])
    assert expert.get(url("snapshot", p, approved.pk)).status_code == 200
    assert expert.get(url("snapshot", p, round_.base.pk)).status_code == 403
    assert client_for(p.liaison).get(url("snapshot", p, approved.pk)).status_code == 403


def test_the_snapshot_page_reads_a_fixed_number_of_queries(django_assert_max_num_queries):
    p = people()
    snap = submitted_self(p)
    office = client_for(p.office)
    with django_assert_max_num_queries(8):
        office.get(url("snapshot", p, snap.pk))
    with django_assert_max_num_queries(9):  # and the stored framework, to re-score
        office.get(url("snapshot_verify", p, snap.pk))


def test_the_preview_still_serves_sealed_evidence_moved_to_the_trash_afterwards():
    p = people()
    evidence = _evidence(p, SUB, PDF, "领导机构文件.pdf", "pdf")
    round_ = provincial(p)
    Evidence.objects.filter(pk=evidence.pk).update(deleted_at=timezone.now())
    response = client_for(p.experts[0]).get(
        url("round_evidence_preview", p, round_.pk, evidence.pk)
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_a_leader_cannot_preview_evidence_even_though_it_sees_the_round():
    p = people()
    evidence = _evidence(p, SUB, PDF, "领导机构文件.pdf", "pdf")
    round_ = provincial(p)
    response = client_for(p.leader).get(url("round_evidence_preview", p, round_.pk, evidence.pk))
    assert response.status_code == 403


def test_an_items_points_are_shown_once_beside_its_official_text():
    p = people(experts=1)
    round_ = provincial(p)
    page = text(client_for(p.reviewer).get(url("round_detail", p, round_.pk)))
    assert "形成地方发展特色。（2 分）" in page
    assert "（2分）（2 分）" not in page
