from __future__ import annotations

import pytest
from django.urls import reverse

from demozone.web.campaigns.models import MetricValue
from demozone.web.campaigns.services import evaluate
from demozone.web.dashboard.templatetags.demozone import num

from .factories import make_user

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def liaison(campaign):
    # 市人社局 leads #7 (网络市场就业贡献度) and supports #20 and #22 in 附件2.
    return make_user("renshe", campaign, "liaison", "市人社局")


def test_an_anonymous_visit_leads_to_the_login_form(client):
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/login/")
    page = client.get(response.url).content.decode()
    assert 'name="username"' in page and 'name="password"' in page


def test_after_login_the_home_page_is_the_dashboard_of_the_users_campaign(client, campaign, office):
    response = client.post("/login/", {"username": "office", "password": "pw-test-123"})
    assert response.status_code == 302 and response.url == "/"
    page = client.get("/").content.decode()
    assert "驾驶舱" in page and campaign.name in page


def test_the_dashboard_shows_total_verdict_levels_grid_and_completeness(client, campaign, office):
    client.force_login(office)
    sc = evaluate(campaign).scorecard
    page = client.get(reverse("dashboard", args=[campaign.pk])).content.decode()
    assert f"{num(sc.total)}<small> / 100</small>" in page
    assert ("合格" if sc.passed else "未达标") in page
    for level in sc.levels:
        assert level.name in page
    assert page.count('class="dz-cell dz-cell-') == 41
    assert "市人社局" in page and "完成度" in page
    assert 'id="levels-data"' in page and "<script>" not in page


def test_a_user_outside_the_campaign_is_refused(client, campaign, django_user_model):
    client.force_login(django_user_model.objects.create_user("stranger", password="x-123456"))
    assert client.get(reverse("dashboard", args=[campaign.pk])).status_code == 403


def test_the_scorecard_framework_and_indicator_pages_render(client, campaign, office):
    client.force_login(office)
    scorecard = client.get(reverse("scorecard", args=[campaign.pk])).content.decode()
    assert "合计" in scorecard and "11.3" in scorecard
    framework = client.get(reverse("framework", args=[campaign.pk])).content.decode()
    assert "指标说明及打分标准" in framework and "强化智慧监管" in framework
    detail = client.get(reverse("indicator", args=[campaign.pk, 7])).content.decode()
    assert "网络市场就业人员数量" in detail and "市人社局" in detail and "导入" in detail
    assert client.get(reverse("indicator", args=[campaign.pk, 99])).status_code == 404


def test_a_liaison_sees_only_its_departments_indicators(client, campaign, liaison):
    client.force_login(liaison)
    page = client.get(reverse("entry", args=[campaign.pk])).content.decode()
    assert 'id="card-7"' in page and 'id="card-20"' in page
    assert 'id="card-3"' not in page


def test_saving_one_indicator_with_htmx_returns_its_card_and_moves_the_score(
    client, empty_campaign
):
    liaison = make_user("renshe", empty_campaign, "liaison", "市人社局")
    client.force_login(liaison)
    url = reverse("entry_save", args=[empty_campaign.pk, 7])
    response = client.post(
        url,
        {
            "counts.online_employment": "250,000",
            "counts.total_employment": "4100000",
            "note:counts.online_employment": "市人社局2023年统计",
        },
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'id="card-7"' in body and "已保存" in body and 'hx-swap-oob="true"' in body
    empty_campaign.refresh_from_db()
    assert evaluate(empty_campaign).scorecard.indicator(7).score == 2
    row = MetricValue.objects.get(campaign=empty_campaign, metric="online_employment")
    assert (row.value, row.source_note, row.entered_by) == (250000, "市人社局2023年统计", liaison)


def test_invalid_figures_come_back_inline_in_chinese_and_nothing_is_stored(client, empty_campaign):
    client.force_login(make_user("renshe", empty_campaign, "liaison", "市人社局"))
    url = reverse("entry_save", args=[empty_campaign.pk, 7])
    body = client.post(
        url, {"counts.online_employment": "很多", "counts.total_employment": "-5"}, **HTMX
    ).content.decode()
    assert "应为数字" in body and "应为不小于 0 的数字" in body and "未保存" in body
    assert 'value="很多"' in body
    assert not MetricValue.objects.filter(campaign=empty_campaign).exists()


def test_a_liaison_cannot_save_another_departments_indicator(client, campaign, liaison):
    client.force_login(liaison)
    url = reverse("entry_save", args=[campaign.pk, 3])
    response = client.post(url, {"counts.online_operators": "1"}, **HTMX)
    assert response.status_code == 403
    assert MetricValue.objects.get(campaign=campaign, metric="online_operators").value == 52000


def test_without_htmx_a_save_redirects_back_to_the_card(client, campaign, office):
    client.force_login(office)
    url = reverse("entry_save", args=[campaign.pk, 8])
    response = client.post(url, {"counts.ecommerce_tax": "95000", "counts.total_tax": "3000000"})
    assert response.status_code == 302 and response.url.endswith("#card-8")


def test_judgments_are_saved_with_their_note(client, empty_campaign):
    client.force_login(make_user("office", empty_campaign, "office"))
    url = reverse("entry_save", args=[empty_campaign.pk, 10])
    client.post(url, {"judgments.10": "1.5", "note:judgments.10": "直播电商基地"}, **HTMX)
    empty_campaign.refresh_from_db()
    assert evaluate(empty_campaign).scorecard.indicator(10).score == 1.5
    body = client.post(url, {"judgments.10": "5"}, **HTMX).content.decode()
    assert "0—2 之间" in body


def test_large_operators_can_be_declared_none(client, empty_campaign):
    client.force_login(make_user("office", empty_campaign, "office"))
    url = reverse("entry_save", args=[empty_campaign.pk, 4])
    client.post(
        url,
        {"op.none": "1", "op.name": ["", ""], "op.year": ["", ""], "op.sales": ["", ""]},
        **HTMX,
    )
    empty_campaign.refresh_from_db()
    assert evaluate(empty_campaign).scorecard.indicator(4).status == "scored"
    client.post(
        url,
        {
            "op.name": ["甲公司", "乙公司"],
            "op.year": ["2022", "2023"],
            "op.sales": ["30000", "21000"],
        },
        **HTMX,
    )
    empty_campaign.refresh_from_db()
    assert evaluate(empty_campaign).scorecard.indicator(4).score == 2


def test_the_export_download_is_the_input_file(client, campaign, office):
    client.force_login(office)
    response = client.get(reverse("export", args=[campaign.pk, "json"]))
    assert response.status_code == 200 and response.json()["region"]["name"] == "盐城市"


def test_only_the_administrator_creates_campaigns_from_the_ui(client, admin_user, office, campaign):
    client.force_login(office)
    data = {"template": "yancheng-2023", "region": "盐城市", "first_year": "2024"}
    assert client.post(reverse("campaign_list"), data).status_code == 403
    client.force_login(admin_user)
    response = client.post(reverse("campaign_list"), data)
    assert response.status_code == 302
    again = client.post(reverse("campaign_list"), data).content.decode()
    assert "已存在" in again


def test_the_health_check_needs_no_login_and_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.status_code == 200 and response.content == b"ok"


def test_a_leader_has_no_data_entry_page_and_cannot_save(client, campaign):
    client.force_login(make_user("leader", campaign, "leader"))
    assert client.get(reverse("entry", args=[campaign.pk])).status_code == 403
    response = client.post(
        reverse("entry_save", args=[campaign.pk, 3]), {"counts.online_operators": "1"}
    )
    assert response.status_code == 403
