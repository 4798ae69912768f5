"""The dashboard and the data-entry page run a fixed number of queries, whatever the size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .factories import make_campaign, make_user

pytestmark = pytest.mark.django_db

# session, user, membership (with campaign, region, framework, department), the four kinds of
# data, departments, assignments.
# The dashboard also reads which items have evidence (one query for the whole 41-cell grid), and
# the review rounds for 我的待办 (one query while there are none); the entry page reads them for
# the 退回修改意见.
PAGE_QUERIES = {"dashboard": 11, "entry": 10, "scorecard": 9}
# The dashboard's and scorecard's bodies are kept per data revision: then only session, user and
# membership are read (and the dashboard's 我的待办, never kept).
WARM_QUERIES = {"dashboard": 4, "scorecard": 3}


@pytest.fixture
def small():
    return make_campaign(departments=2, filled=False, region="小城市", years=(2022, 2023))


@pytest.fixture
def large():
    return make_campaign(departments=60, filled=True, region="大城市", years=(2022, 2023))


@pytest.mark.parametrize("page", sorted(PAGE_QUERIES))
def test_a_page_runs_the_same_queries_for_a_small_and_a_large_campaign(
    client, django_assert_num_queries, small, large, page
):
    for campaign in (small, large):
        client.force_login(make_user(f"office-{campaign.pk}", campaign, "office"))
        url = reverse(page, args=[campaign.pk])
        with django_assert_num_queries(PAGE_QUERIES[page]):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("page", ["dashboard", "scorecard"])
def test_a_kept_page_body_needs_only_the_users_queries(
    client, django_assert_num_queries, large, page
):
    client.force_login(make_user("office", large, "office"))
    url = reverse(page, args=[large.pk])
    first = client.get(url).content.split(b"<main")[1]
    with django_assert_num_queries(WARM_QUERIES[page]):
        assert client.get(url).content.split(b"<main")[1] == first


def test_a_saved_change_shows_at_once_on_the_kept_dashboard(client, large):
    client.force_login(make_user("office", large, "office"))
    url = reverse("dashboard", args=[large.pk])
    before = client.get(url).content.decode()
    client.post(
        reverse("entry_save", args=[large.pk, 10]), {"judgments.10": "0"}, HTTP_HX_REQUEST="true"
    )
    after = client.get(url).content.decode()
    assert before != after and "89<small> / 100</small>" in after


def test_the_large_campaign_really_is_large(large):
    assert large.departments.count() == 60
    assert large.metric_values.count() >= 50 and large.judgments.count() >= 58


def test_the_entry_page_of_one_department_runs_the_same_queries(client, large):
    client.force_login(make_user("office", large, "office"))
    department = large.departments.first()
    url = reverse("entry", args=[large.pk]) + f"?department={department.pk}"
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == PAGE_QUERIES["entry"]
