from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client

from demozone.core.inputs import parse_input
from demozone.core.loader import load_bundled
from demozone.core.scoring import score
from demozone.web.accounts.models import ApiToken
from demozone.web.campaigns.models import MetricValue

from .factories import full_input, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(office):
    return ApiToken.issue(office, "测试")[1]


def _auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _patch(client, campaign, changes, **headers):
    return client.patch(
        f"/api/v1/campaigns/{campaign.pk}/data",
        data=json.dumps({"changes": changes}),
        content_type="application/json",
        **headers,
    )


def test_the_api_needs_a_session_or_a_token(client, campaign, token):
    assert client.get("/api/v1/campaigns").status_code == 401
    assert client.get("/api/v1/campaigns", HTTP_AUTHORIZATION="Bearer dz_wrong").status_code == 401
    listed = client.get("/api/v1/campaigns", **_auth(token)).json()
    assert [c["id"] for c in listed] == [campaign.pk]


def test_a_token_is_stored_only_as_a_hash_and_printed_once(office, capsys):
    call_command("create_token", "office")
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("dz_")
    row = ApiToken.objects.get(user=office)
    assert printed not in (row.digest, row.hint) and len(row.digest) == 64
    assert ApiToken.authenticate(printed) == office


def test_the_scorecard_is_the_cores_spec_json(client, campaign, token):
    fw = load_bundled()
    expected = score(fw, parse_input(full_input(), fw)).to_dict()
    assert (
        client.get(f"/api/v1/campaigns/{campaign.pk}/scorecard", **_auth(token)).json() == expected
    )


def test_campaign_detail_framework_and_data_are_readable(client, campaign, token):
    detail = client.get(f"/api/v1/campaigns/{campaign.pk}", **_auth(token)).json()
    assert detail["years"] == [2022, 2023] and len(detail["departments"]) == 28
    assert len(detail["assignments"]) == 41
    framework = client.get(f"/api/v1/frameworks/{detail['framework']['id']}", **_auth(token)).json()
    assert (
        framework["code"] == "samr-2022" and framework["document"]["pass_rule"]["total_min"] == "85"
    )
    data = client.get(f"/api/v1/campaigns/{campaign.pk}/data", **_auth(token)).json()
    assert data["counts"]["online_operators"] == 52000


def test_invalid_values_answer_422_with_every_problem(client, campaign, token):
    response = _patch(
        client,
        campaign,
        [
            {"path": "counts.tips_verified_on_time", "value": 5000},
            {"path": "rates.region.satisfaction", "value": 101},
        ],
        **_auth(token),
    )
    assert response.status_code == 422
    paths = {p["path"] for p in response.json()["problems"]}
    assert paths == {"counts.tips_verified_on_time", "rates.region.satisfaction"}
    assert MetricValue.objects.get(campaign=campaign, metric="tips_verified_on_time").value == 880


def test_a_valid_change_is_stored_exactly(client, campaign, token):
    response = _patch(
        client,
        campaign,
        [{"path": "statistics.region.express_volume.2023", "value": 36000.25, "note": "邮管局"}],
        **_auth(token),
    )
    assert response.status_code == 200
    assert response.json()["statistics"]["region"]["express_volume"]["2023"] == 36000.25
    row = MetricValue.objects.get(campaign=campaign, metric="express_volume", year=2023)
    assert str(row.value) == "36000.25" and row.source_note == "邮管局"


def test_a_liaison_may_change_only_its_departments_data(client, campaign):
    liaison = make_user("renshe", campaign, "liaison", "市人社局")
    token = ApiToken.issue(liaison)[1]
    denied = _patch(
        client, campaign, [{"path": "counts.online_operators", "value": 1}], **_auth(token)
    )
    assert (
        denied.status_code == 403
        and denied.json()["problems"][0]["path"] == "counts.online_operators"
    )
    allowed = _patch(
        client, campaign, [{"path": "counts.online_employment", "value": 46000}], **_auth(token)
    )
    assert allowed.status_code == 200
    put = client.put(
        f"/api/v1/campaigns/{campaign.pk}/data",
        data=json.dumps(full_input(), default=float),
        content_type="application/json",
        **_auth(token),
    )
    assert put.status_code == 403


def test_session_auth_requires_the_csrf_token_for_writes(campaign, office):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(office)
    assert browser.get(f"/api/v1/campaigns/{campaign.pk}/scorecard").status_code == 200
    change = [{"path": "counts.online_employment", "value": 46000}]
    assert _patch(browser, campaign, change).status_code == 403
    browser.get("/")  # a page with a form sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    assert _patch(browser, campaign, change, HTTP_X_CSRFTOKEN=csrf).status_code == 200


def test_the_openapi_schema_and_docs_are_served_locally(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/campaigns/{campaign_id}/scorecard" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in docs.lower() and "/static/ninja/swagger-ui-bundle.js" in docs


def test_the_office_replaces_all_data_with_one_document(client, empty_campaign):
    token = ApiToken.issue(make_user("office", empty_campaign, "office"))[1]
    response = client.put(
        f"/api/v1/campaigns/{empty_campaign.pk}/data",
        data=json.dumps(full_input(), default=float),
        content_type="application/json",
        **_auth(token),
    )
    assert response.status_code == 200
    card = client.get(f"/api/v1/campaigns/{empty_campaign.pk}/scorecard", **_auth(token)).json()
    fw = load_bundled()
    assert card == score(fw, parse_input(full_input(), fw)).to_dict()


def test_each_value_lists_its_source_note_author_and_time(client, campaign, token):
    _patch(
        client,
        campaign,
        [{"path": "counts.total_tax", "value": 3000000.5, "note": "市税务局"}],
        **_auth(token),
    )
    values = {
        v["path"]: v
        for v in client.get(f"/api/v1/campaigns/{campaign.pk}/values", **_auth(token)).json()
    }
    tax = values["counts.total_tax"]
    assert (tax["value"], tax["text"], tax["note"], tax["entered_by"]) == (
        3000000.5,
        "3000000.5",
        "市税务局",
        "office",
    )
    assert values["judgments.11.3"]["value"] is True
    assert values["large_operators[0]"]["value"]["name"] == "某电子商务有限公司"
