"""What each role is shown: landing page, menu, links and buttons follow the same policy that
answers 403, and a refusal says why in Chinese (and is audited)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from demozone.web.audit.models import AuditEvent

from .factories import make_campaign, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(db):
    return make_campaign(departments=4, filled=False)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_an_expert_lands_on_its_review_rounds(campaign):
    client = _client(make_user("expert", campaign, "expert"))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("rounds", args=[campaign.pk])


def test_the_campaign_list_links_to_the_first_page_the_role_may_open(campaign):
    page = _client(make_user("expert", campaign, "expert")).get(reverse("campaign_list"))
    assert reverse("rounds", args=[campaign.pk]) in page.content.decode()
    page = _client(make_user("leader", campaign, "leader")).get(reverse("campaign_list"))
    assert f'href="{reverse("dashboard", args=[campaign.pk])}"' in page.content.decode()


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("office", ["entry", "dashboard", "users"], []),
        ("liaison", ["entry", "dashboard"], ["users"]),
        ("reviewer", ["dashboard", "scorecard"], ["entry", "users"]),
        ("leader", ["dashboard", "scorecard"], ["entry", "users"]),
        ("expert", ["framework", "rounds"], ["dashboard", "scorecard", "entry", "users"]),
    ],
)
def test_the_menu_shows_only_the_pages_the_role_may_open(campaign, role, shown, hidden):
    department = campaign.departments.first() if role == "liaison" else None
    client = _client(make_user(role, campaign, role, department))
    page = client.get(reverse("framework", args=[campaign.pk])).content.decode()
    menu = page.split('class="dz-sidebar"')[1].split("</aside>")[0]
    for name in shown:
        assert f'href="{reverse(name, args=[campaign.pk])}"' in menu, name
    for name in hidden:
        assert f'href="{reverse(name, args=[campaign.pk])}"' not in menu, name


def test_the_export_buttons_follow_the_role_although_the_dashboard_body_is_shared(campaign):
    export = reverse("export", args=[campaign.pk, "yaml"])
    office = _client(make_user("office", campaign, "office")).get(
        reverse("dashboard", args=[campaign.pk])
    )
    leader = _client(make_user("leader", campaign, "leader")).get(
        reverse("dashboard", args=[campaign.pk])
    )
    assert export in office.content.decode() and export not in leader.content.decode()


def test_a_leader_is_not_offered_the_data_entry_link_on_an_indicator(campaign):
    entry = reverse("entry", args=[campaign.pk])
    page = _client(make_user("leader", campaign, "leader")).get(
        reverse("indicator", args=[campaign.pk, 7])
    )
    assert page.status_code == 200 and f'href="{entry}#card-7"' not in page.content.decode()


def test_a_refused_page_says_why_in_chinese_and_is_audited(campaign):
    leader = make_user("leader", campaign, "leader")
    response = _client(leader).get(reverse("entry", args=[campaign.pk]))
    assert response.status_code == 403
    assert "您的角色（领导）不能进入数据填报" in response.content.decode()
    event = AuditEvent.objects.get(action="access.denied")
    assert event.actor_id == leader.pk and event.campaign_id == campaign.pk
    assert "进入数据填报" in event.message


def test_the_api_refuses_a_reviewers_write_with_the_reason(campaign):
    client = _client(make_user("reviewer", campaign, "reviewer"))
    response = client.patch(
        f"/api/v1/campaigns/{campaign.pk}/data",
        json.dumps({"changes": [{"path": "counts.tips_total", "value": 5}]}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "您的角色（省局/总局审核员）不能填报指标数据" in response.json()["detail"]
    assert not campaign.metric_values.exists()


def test_a_liaison_saving_another_departments_indicator_changes_nothing(campaign):
    department = campaign.departments.order_by("position")[1]
    user = make_user("liaison", campaign, "liaison", department)
    others = sorted(
        set(range(1, 42)) - set(department.assignments.values_list("indicator", flat=True))
    )
    response = _client(user).post(
        reverse("entry_save", args=[campaign.pk, others[0]]), {"counts.tips_total": "5"}
    )
    assert response.status_code == 403 and "未分工给测试单位02" in response.content.decode()
    assert not campaign.metric_values.exists()
