"""我的待办: each member's pending work in the review rounds, on the page it lands on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demozone.web.campaigns.models import Assignment
from demozone.web.reviews import services
from demozone.web.reviews.models import Panelist, Stage
from demozone.web.reviews.todo import pending_work

from .reviews_support import judge, people, provincial, submitted_self

pytestmark = pytest.mark.django_db

WHOLE = "16"


def kinds(p, user) -> list[str]:
    return [t.kind for t in pending_work(p.access(user)).tasks]


def home_page(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("home"), follow=True).content.decode()


def test_the_office_is_asked_to_open_the_self_evaluation():
    p = people()
    assert kinds(p, p.office) == ["open_self"]
    assert "我的待办" in home_page(p.office) and "尚未发起自评" in home_page(p.office)


def test_the_office_is_asked_to_submit_the_open_self_evaluation_by_its_deadline():
    p = people()
    deadline = timezone.localdate() + dt.timedelta(days=3)
    services.open_self_round(p.access(p.office), deadline=deadline)
    [task] = pending_work(p.access(p.office)).tasks
    assert task.kind == "submit_self" and task.deadline.days == 3
    page = home_page(p.office)
    assert "提交自评" in page and "剩余 3 天" in page


def test_a_returned_round_lists_its_notes_for_the_office_and_only_its_own_for_a_liaison():
    p = people()
    round_ = provincial(p)
    own, other = 16, 7
    liaison_department = p.access(p.liaison).department
    Assignment.objects.filter(department=liaison_department, indicator=other).delete()
    services.return_round(
        p.access(p.reviewer), round_.pk, {str(own): "请补充本单位数据", str(other): "他单位问题"}
    )
    [office_task] = pending_work(p.access(p.office)).tasks
    assert office_task.kind == "fix_returned" and len(office_task.notes) == 2
    [liaison_task] = pending_work(p.access(p.liaison)).tasks
    assert liaison_task.kind == "return_notes"
    assert [n.comment for n in liaison_task.notes] == ["请补充本单位数据"]
    page = home_page(p.liaison)
    assert "请补充本单位数据" in page and "他单位问题" not in page
    client = Client()
    client.force_login(p.liaison)
    entry = client.get(reverse("entry", args=[p.campaign.pk])).content.decode()
    assert "退回修改意见" in entry and "请补充本单位数据" in entry


def test_the_notes_leave_the_todo_once_the_office_resubmits():
    p = people()
    round_ = provincial(p)
    services.return_round(p.access(p.reviewer), round_.pk, {"16": "补充材料"})
    self_round = round_.base.round
    services.submit_self_round(p.access(p.office), self_round.pk)
    assert "fix_returned" not in kinds(p, p.office)
    assert kinds(p, p.liaison) == []


def test_an_expert_lands_on_its_rounds_with_the_rounds_it_has_to_judge():
    p = people()
    round_ = provincial(p)
    page = home_page(p.experts[1])
    assert "我的待办" in page and "请评审并提交评审意见" in page
    assert reverse("round_judge", args=[p.campaign.pk, round_.pk]) in page
    judge(p, round_, p.experts[1])
    assert kinds(p, p.experts[1]) == []


def test_the_lead_is_asked_to_reconcile_the_disputed_items():
    p = people()
    round_ = provincial(p, lead=0)
    judge(p, round_, p.experts[0], {WHOLE: "3"})
    judge(p, round_, p.experts[1], {WHOLE: "0"})
    tasks = pending_work(p.access(p.experts[0])).tasks
    assert [t.kind for t in tasks] == ["reconcile"] and "1 个争议项" in tasks[0].title
    assert kinds(p, p.experts[1]) == []  # not the lead
    services.reconcile(p.access(p.experts[0]), round_.pk, WHOLE, "2", "依据材料")
    assert kinds(p, p.experts[0]) == []


def test_the_reviewer_is_asked_to_open_name_the_panel_and_decide():
    p = people()
    snap = submitted_self(p)
    assert kinds(p, p.reviewer) == ["open_review"]
    round_ = services.open_review_round(p.access(p.reviewer), Stage.PROVINCIAL, snap.pk)
    assert kinds(p, p.reviewer) == ["panel"]
    seats = [services.PanelSeat(p.experts[0].pk, True, (16,))]
    services.set_panel(p.access(p.reviewer), round_.pk, seats)
    [task] = pending_work(p.access(p.reviewer)).tasks
    assert task.kind == "panel" and "未分配专家" in task.title
    services.set_panel(p.access(p.reviewer), round_.pk, [services.PanelSeat(p.experts[0].pk, True)])
    assert kinds(p, p.reviewer) == []
    judge(p, round_, p.experts[0])
    assert kinds(p, p.reviewer) == ["decide"]
    assert "待您审定" in home_page(p.reviewer)


def test_a_leader_has_no_todo_panel():
    p = people()
    submitted_self(p)
    assert not pending_work(p.access(p.leader)).applies
    assert "我的待办" not in home_page(p.leader)


def test_the_todo_reads_a_fixed_number_of_queries_however_many_rounds():
    p = people()
    round_ = provincial(p, lead=0)
    judge(p, round_, p.experts[0], {WHOLE: "3"})
    judge(p, round_, p.experts[1], {WHOLE: "0"})
    counts = {}
    for label in ("one", "two"):
        with CaptureQueriesContext(connection) as queries:
            for user in (p.office, p.experts[0], p.reviewer, p.liaison):
                pending_work(p.access(user))
        counts[label] = len(queries)
        if label == "one":
            # A second review round with its own panel and judgments.
            judge(p, round_, p.experts[2], {WHOLE: "1.5"})
            services.reconcile(p.access(p.experts[0]), round_.pk, WHOLE, "2", "依据材料")
            services.approve(p.access(p.reviewer), round_.pk)
            base = services.reviewable_bases(p.campaign, Stage.NATIONAL)[0]
            national = services.open_review_round(p.access(p.reviewer), Stage.NATIONAL, base.pk)
            seats = [services.PanelSeat(e.pk, i == 0) for i, e in enumerate(p.experts)]
            services.set_panel(p.access(p.reviewer), national.pk, seats)
            judge(p, national, p.experts[0], {WHOLE: "3"})
            judge(p, national, p.experts[1], {WHOLE: "0"})
            assert Panelist.objects.count() == 6
    assert counts["two"] == counts["one"]
