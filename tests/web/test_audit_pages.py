"""The audit trail's pages: browsing and filtering, and each indicator's history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from demozone.web.audit.browse import PAGE_SIZE
from demozone.web.audit.services import record
from demozone.web.campaigns.services import Change, apply_changes

from .factories import make_user

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _edit(campaign, user, path="counts.online_employment", value=Decimal(250000)):
    apply_changes(campaign, [Change(path, value, "核对")], user, allowed=lambda p: True)


def test_the_office_browses_the_campaigns_audit_trail(client, campaign, office):
    _edit(campaign, office)
    client.force_login(office)
    body = client.get(reverse("audit", args=[campaign.pk])).content.decode()
    assert "审计日志" in body and "修改数据" in body and "counts.online_employment" in body
    assert "250000（核对）" in body and "创建活动" in body


def test_filters_narrow_the_list_by_category_indicator_actor_and_target(client, campaign, office):
    colleague = make_user("colleague", campaign, "office")
    _edit(campaign, office)
    _edit(campaign, colleague, "judgments.10", Decimal("0.5"))
    client.force_login(office)
    url = reverse("audit", args=[campaign.pk])
    by_category = client.get(url, {"category": "judgment."}).content.decode()
    assert "judgments.10" in by_category and "counts.online_employment" not in by_category
    by_indicator = client.get(url, {"indicator": 7}).content.decode()
    assert "counts.online_employment" in by_indicator and "judgments.10" not in by_indicator
    by_actor = client.get(url, {"actor": "colleag", "category": "judgment."}).content.decode()
    assert "judgments.10" in by_actor
    assert "没有符合条件的记录" in client.get(url, {"actor": "nobody"}).content.decode()
    by_target = client.get(url, {"target": "online_employment"}).content.decode()
    assert "counts.online_employment" in by_target and "judgments.10" not in by_target


def test_a_time_range_filters_and_a_reversed_one_is_explained(client, campaign, office):
    client.force_login(office)
    url = reverse("audit", args=[campaign.pk])
    assert "没有符合条件的记录" in client.get(url, {"end": "2000-01-01"}).content.decode()
    body = client.get(url, {"start": "2030-01-02", "end": "2030-01-01"}).content.decode()
    assert "截止日期不能早于起始日期" in body


def test_an_htmx_filter_answers_only_the_table_and_pages_are_linked(client, campaign, office):
    for i in range(PAGE_SIZE + 5):
        record(action="value.update", actor=office, campaign=campaign, target=f"t.{i}")
    client.force_login(office)
    body = client.get(reverse("audit", args=[campaign.pk]), {"category": "value."}, **HTMX)
    text = body.content.decode()
    assert "<html" not in text and "下一页" in text and "category=value." in text
    second = client.get(reverse("audit", args=[campaign.pk]), {"category": "value.", "page": 2})
    assert "上一页" in second.content.decode()


def test_a_liaison_cannot_see_the_audit_trail(client, campaign):
    client.force_login(make_user("renshe", campaign, "liaison", "市人社局"))
    assert client.get(reverse("audit", args=[campaign.pk])).status_code == 403


def test_only_the_system_administrator_sees_the_whole_platforms_trail(
    client, campaign, office, admin_user
):
    client.force_login(office)
    assert client.get(reverse("audit_all")).status_code == 403
    client.force_login(admin_user)
    body = client.get(reverse("audit_all")).content.decode()
    assert "全平台" in body and "拒绝访问" in body  # the office's refusal just now


def test_an_indicator_shows_its_own_history(client, campaign, office):
    _edit(campaign, office)
    _edit(campaign, office, "judgments.10", Decimal("0.5"))
    client.force_login(office)
    page = client.get(reverse("indicator", args=[campaign.pk, 7])).content.decode()
    url = reverse("indicator_history", args=[campaign.pk, 7])
    assert url in page
    history = client.get(url, **HTMX).content.decode()
    assert "<html" not in history
    assert "counts.online_employment" in history and "judgments.10" not in history
    assert "250000" in history and "office" in history
    full = client.get(url).content.decode()
    assert "<html" in full and "返回第 7 项指标" in full


def test_a_figure_shared_by_several_indicators_shows_in_each_history(client, campaign, office):
    from demozone.core.needs import indicator_of_path  # noqa: PLC0415

    shared = next(
        (p, sorted(n))
        for p, n in indicator_of_path(campaign.core_framework, campaign.years).items()
        if len(n) > 1 and not p.startswith("judgments")
    )
    path, numbers = shared
    _edit(campaign, office, path, Decimal(1))
    client.force_login(office)
    for number in numbers:
        body = client.get(reverse("indicator_history", args=[campaign.pk, number]), **HTMX)
        assert path in body.content.decode()


def test_an_unknown_indicator_has_no_history(client, campaign, office):
    client.force_login(office)
    assert client.get(reverse("indicator_history", args=[campaign.pk, 99])).status_code == 404
