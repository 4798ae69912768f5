"""The dashboard and the data-entry page run a fixed number of queries, whatever the size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demozone.web.campaigns.access import campaign_access
from demozone.web.reviews import services

from .factories import make_campaign, make_user

pytestmark = pytest.mark.django_db

# session, user, membership (with campaign, region, framework, department), the four kinds of
# data, departments, assignments.
# The dashboard also reads which items have evidence (one query for the whole 41-cell grid).
# Before any review round is opened, neither the dashboard's 我的待办 nor the entry page's
# 退回修改意见 needs a query (see ROUND_QUERIES for a campaign under review).
PAGE_QUERIES = {"dashboard": 10, "entry": 9, "scorecard": 9}
# The dashboard's and scorecard's bodies are kept per data revision: then only session, user and
# membership are read (我的待办 is never kept, but needs no query before the rounds start).
WARM_QUERIES = {"dashboard": 3, "scorecard": 3}
# Under review: the rounds with their panels and snapshots, whatever their number.
ROUND_QUERIES = 3


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


def test_a_campaign_under_review_adds_the_rounds_queries_whatever_their_number(
    client, django_assert_num_queries, small
):
    office = make_user("office", small, "office")
    client.force_login(office)
    url = reverse("dashboard", args=[small.pk])
    access = campaign_access(office, small.pk)
    round_ = services.open_self_round(access)
    for _ in range(3):
        client.get(url)
        with django_assert_num_queries(WARM_QUERIES["dashboard"] + ROUND_QUERIES):
            assert "我的待办" in client.get(url).content.decode()
        services.submit_self_round(access, round_.pk)
