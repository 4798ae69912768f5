"""What goes into the audit trail: data changes, campaigns, structure, sign-ins and refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from demozone.web.audit.models import AuditEvent
from demozone.web.audit.services import verify_chain
from demozone.web.campaigns.models import Assignment, Department
from demozone.web.campaigns.services import Change, apply_changes, export_document, import_document

from .factories import make_campaign, make_user

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 审计测试", "REMOTE_ADDR": "10.1.2.3"}


def _events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("sequence"))


def test_creating_a_campaign_from_the_template_writes_an_audit_row(db):
    campaign = make_campaign(filled=False)
    (row,) = _events(action="campaign.create")
    assert row.campaign_id == campaign.pk
    assert row.after["template"] == "yancheng-2023"
    assert len(row.after["departments"]) == 28
    assert "市人社局" in row.after["assignments"]["7"]
    assert "创建" in row.message
    assert verify_chain().ok


def test_filling_a_campaign_writes_one_row_per_changed_value(campaign):
    assert AuditEvent.objects.filter(campaign=campaign, action="value.create").count() >= 50
    assert _events(campaign=campaign, action="campaign.import")
    assert verify_chain().ok


def test_saving_a_card_records_who_from_where_and_the_value_before_and_after(
    client, campaign, office
):
    client.force_login(office)
    url = reverse("entry_save", args=[campaign.pk, 7])
    client.post(url, {"counts.online_employment": "250000"}, **HTMX, **BROWSER)
    (row,) = _events(action="value.update", target="counts.online_employment")
    assert row.actor_id == office.pk and row.actor_name == "office"
    assert (row.ip, row.user_agent) == ("10.1.2.3", "Mozilla/5.0 审计测试")
    assert row.indicator == 7 and row.campaign_id == campaign.pk
    assert row.before["value"] != "250000" and row.after == {"value": "250000", "note": ""}
    assert "→ 250000" in row.message


def test_clearing_a_value_records_a_delete(campaign, office):
    apply_changes(
        campaign, [Change("counts.online_employment", None)], office, allowed=lambda p: True
    )
    (row,) = _events(action="value.delete")
    assert row.target == "counts.online_employment" and row.after is None


def test_judgments_and_large_operators_are_recorded(campaign, office):
    apply_changes(
        campaign,
        [
            Change("judgments.10", Decimal("0.5"), "复核"),
            Change(
                "large_operators", [{"name": "盐城某电商", "year": 2023, "ecommerce_sales": 9000}]
            ),
        ],
        office,
        allowed=lambda p: True,
    )
    (judgment,) = _events(action="judgment.update")
    assert judgment.after == {"value": "0.5", "note": "复核"} and judgment.indicator == 10
    (operators,) = _events(action="operators.update")
    assert operators.after == [{"name": "盐城某电商", "year": 2023, "ecommerce_sales": "9000"}]
    assert operators.indicator == 4


def test_a_refused_save_leaves_no_audit_row(client, campaign, office):
    client.force_login(office)
    before = AuditEvent.objects.count()
    url = reverse("entry_save", args=[campaign.pk, 7])
    client.post(url, {"counts.online_employment": "很多"}, **HTMX)
    assert AuditEvent.objects.count() == before


def test_importing_records_each_changed_value_and_a_summary(campaign, office):
    doc = export_document(campaign)
    doc["counts"]["online_employment"] = 123456
    doc["judgments"].pop("10")
    before = AuditEvent.objects.count()
    import_document(campaign, doc, office, source="测试文件")
    rows = list(AuditEvent.objects.order_by("sequence"))[before:]
    assert {(r.action, r.target) for r in rows} == {
        ("value.update", "counts.online_employment"),
        ("judgment.delete", "judgments.10"),
        ("campaign.import", "测试文件"),
    }
    assert verify_chain().ok


def test_editing_departments_and_assignments_is_recorded(campaign):
    department = Department.objects.get(campaign=campaign, name="市人社局")
    department.name = "市人力资源和社会保障局"
    department.save()
    (row,) = _events(action="department.update")
    assert row.before["name"] == "市人社局" and row.after["name"] == "市人力资源和社会保障局"
    assignment = Assignment.objects.filter(campaign=campaign, indicator=7).first()
    assignment.delete()
    (gone,) = _events(action="assignment.delete")
    assert gone.indicator == 7 and gone.target == "assignments.7"


def test_sign_in_sign_out_and_a_failed_sign_in_are_recorded(db):
    get_user_model().objects.create_user("zhang", password="pw-zhang-8841")
    client = Client(**BROWSER)
    client.post(reverse("login"), {"username": "zhang", "password": "wrong"})
    client.post(reverse("login"), {"username": "zhang", "password": "pw-zhang-8841"})
    client.post(reverse("logout"))
    actions = [(e.action, e.target, e.ip) for e in _events(action__startswith="auth.")]
    assert actions == [
        ("auth.login_failed", "zhang", "10.1.2.3"),
        ("auth.login", "zhang", "10.1.2.3"),
        ("auth.logout", "zhang", "10.1.2.3"),
    ]


def test_a_refused_page_answers_in_chinese_and_is_recorded(client, campaign, django_user_model):
    stranger = django_user_model.objects.create_user("stranger", password="x-123456")
    client.force_login(stranger)
    response = client.get(reverse("dashboard", args=[campaign.pk]), **BROWSER)
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()
    (row,) = _events(action="access.denied")
    assert row.actor_id == stranger.pk and row.ip == "10.1.2.3"
    assert row.target == f"GET /campaigns/{campaign.pk}/" and row.campaign_id == campaign.pk
    assert row.message


def test_a_refused_api_call_answers_json_and_is_recorded(client, campaign, django_user_model):
    client.force_login(django_user_model.objects.create_user("stranger", password="x-123456"))
    response = client.get(f"/api/v1/campaigns/{campaign.pk}/data")
    assert response.status_code == 403 and response.json()["detail"]
    assert _events(action="access.denied", target=f"GET /api/v1/campaigns/{campaign.pk}/data")


def test_a_form_without_a_csrf_token_is_refused_in_chinese_and_recorded(campaign, office):
    client = Client(enforce_csrf_checks=True)
    client.force_login(office)
    response = client.post(reverse("entry_save", args=[campaign.pk, 7]), {"counts.x": "1"})
    assert response.status_code == 403
    assert "CSRF" in response.content.decode() and "刷新页面" in response.content.decode()
    assert _events(action="access.denied")


def test_a_liaison_saving_another_departments_indicator_is_refused_and_recorded(client, campaign):
    liaison = make_user("renshe", campaign, "liaison", "市人社局")
    client.force_login(liaison)
    response = client.post(
        reverse("entry_save", args=[campaign.pk, 3]), {"counts.online_operators": "1"}, **HTMX
    )
    assert response.status_code == 403
    (row,) = _events(action="access.denied")
    assert row.actor_id == liaison.pk and row.target.startswith("POST ")
    assert not _events(action="value.update")
