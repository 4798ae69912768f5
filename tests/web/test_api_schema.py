"""schemathesis over the REST API's OpenAPI schema, with a token (issue 4).

Every operation is called with generated parameters and bodies (``MAX_EXAMPLES`` each), as the
campaign's office with an API token, against a real campaign. No answer may be a server error,
and every answer must be documented: its status code, content type and body must match the
schema.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from demozone.web.accounts.models import ApiToken
from demozone.web.wsgi import application

from .factories import make_campaign, make_user

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():  # type: ignore[no-untyped-def]
    # The WSGI handler closes the database connection after each request, as in production;
    # Django's own test client switches that off, schemathesis's WSGI client does not. On
    # PostgreSQL that would end the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def office_token(db):  # type: ignore[no-untyped-def]
    campaign = make_campaign(departments=5, filled=True)
    user = make_user("office", campaign, "office")
    _, token = ApiToken.issue(user, "schemathesis")
    return campaign, token


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_as_documented_and_never_with_a_server_error(case, office_token):  # type: ignore[no-untyped-def]
    campaign, token = office_token
    # Aim at the real campaign and framework, not only at ids that do not exist.
    if "campaign_id" in (case.path_parameters or {}):
        case.path_parameters["campaign_id"] = campaign.pk
    if "framework_pk" in (case.path_parameters or {}):
        case.path_parameters["framework_pk"] = campaign.framework_id
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


def test_a_body_that_is_not_json_is_answered_422_in_chinese(office_token, client):  # type: ignore[no-untyped-def]
    campaign, token = office_token
    response = client.patch(
        f"/api/v1/campaigns/{campaign.pk}/data",
        b"\x00{",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422
    assert "不是合法的 JSON" in response.json()["detail"]


def test_a_body_of_the_wrong_shape_names_the_field(office_token, client):  # type: ignore[no-untyped-def]
    campaign, token = office_token
    response = client.patch(
        f"/api/v1/campaigns/{campaign.pk}/data",
        {"changes": [{"value": 1}]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422
    assert response.json()["problems"] == [{"path": "changes.0.path", "message": "缺少必填项"}]
