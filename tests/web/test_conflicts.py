"""No lost updates: two people editing the same value or judgment (issue 4, item 4)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from demozone.web.audit.models import AuditEvent
from demozone.web.campaigns.conflicts import ConflictError
from demozone.web.campaigns.models import Judgment, MetricValue
from demozone.web.campaigns.services import Change, apply_changes

from .factories import make_user
from .forms import card_form

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PATH = "counts.online_employment"


def _stored(campaign, metric="online_employment"):
    return MetricValue.objects.get(campaign=campaign, metric=metric).value


def _everything(path):
    return True


# --- the service ----------------------------------------------------------------------------


def test_a_change_based_on_a_stale_value_is_refused_and_the_other_value_stays(campaign, office):
    first = _stored(campaign)
    other = make_user("other", campaign, "office")
    apply_changes(
        campaign, [Change(PATH, Decimal(300000), expected=first)], other, allowed=_everything
    )
    with pytest.raises(ConflictError) as caught:
        apply_changes(
            campaign, [Change(PATH, Decimal(123), expected=first)], office, allowed=_everything
        )
    assert _stored(campaign) == 300000
    (conflict,) = caught.value.conflicts
    assert conflict.path == PATH and conflict.theirs == 300000 and conflict.by == "other"
    message = caught.value.problems[0].message
    assert "网络就业人数" in message or "就业" in message
    assert "other" in message and "300000" in message and "123" in message


def test_a_change_based_on_the_current_value_is_saved(campaign, office):
    first = _stored(campaign)
    apply_changes(campaign, [Change(PATH, Decimal(7), expected=first)], office, allowed=_everything)
    assert _stored(campaign) == 7


def test_two_people_arriving_at_the_same_value_is_no_conflict(campaign, office):
    first = _stored(campaign)
    other = make_user("other", campaign, "office")
    apply_changes(campaign, [Change(PATH, Decimal(9), expected=first)], other, allowed=_everything)
    apply_changes(campaign, [Change(PATH, Decimal(9), expected=first)], office, allowed=_everything)
    assert _stored(campaign) == 9


def test_a_conflict_on_one_field_writes_none_of_the_others(campaign, office):
    first = _stored(campaign)
    other = make_user("other", campaign, "office")
    apply_changes(campaign, [Change(PATH, Decimal(1), expected=first)], other, allowed=_everything)
    total = _stored(campaign, "total_employment")
    with pytest.raises(ConflictError):
        apply_changes(
            campaign,
            [
                Change("counts.total_employment", total + 1, expected=total),
                Change(PATH, Decimal(2), expected=first),
            ],
            office,
            allowed=_everything,
        )
    assert _stored(campaign, "total_employment") == total


def test_a_value_removed_by_somebody_else_is_a_conflict(campaign, office):
    first = _stored(campaign)
    other = make_user("other", campaign, "office")
    apply_changes(campaign, [Change(PATH, None, expected=first)], other, allowed=_everything)
    with pytest.raises(ConflictError) as caught:
        apply_changes(
            campaign, [Change(PATH, Decimal(5), expected=first)], office, allowed=_everything
        )
    assert caught.value.conflicts[0].theirs is None
    assert "（空）" in caught.value.problems[0].message


def test_a_judgment_changed_meanwhile_is_a_conflict(campaign, office):
    judgment = Judgment.objects.get(campaign=campaign, item="10")
    seen = judgment.value
    other = make_user("other", campaign, "office")
    apply_changes(
        campaign,
        [Change("judgments.10", Decimal("0.5"), expected=seen)],
        other,
        allowed=_everything,
    )
    with pytest.raises(ConflictError) as caught:
        apply_changes(
            campaign,
            [Change("judgments.10", Decimal(1), expected=seen)],
            office,
            allowed=_everything,
        )
    assert caught.value.conflicts[0].theirs == Decimal("0.5")
    assert Judgment.objects.get(campaign=campaign, item="10").score == Decimal("0.5")


# --- the form, in two browser sessions -------------------------------------------------------


def _session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _open_card(client: Client, campaign, number: int) -> dict:
    page = client.get(reverse("entry", args=[campaign.pk])).content.decode()
    form = card_form(page, number)
    assert "base" in form
    return form


def test_the_second_save_of_the_same_value_gets_a_conflict_and_the_first_value_stays(
    campaign, office
):
    colleague = make_user("colleague", campaign, "office")
    first, second = _session(office), _session(colleague)
    url = reverse("entry_save", args=[campaign.pk, 7])
    form_a, form_b = _open_card(first, campaign, 7), _open_card(second, campaign, 7)

    saved = first.post(url, {**form_a, PATH: "260000"}, **HTMX).content.decode()
    assert "已保存" in saved
    response = second.post(url, {**form_b, PATH: "270000"}, **HTMX)
    body = response.content.decode()

    assert _stored(campaign) == 260000
    assert "其他用户修改了本项数据" in body
    assert "colleague" not in body.split("已被")[1][:20]  # the other is named, not oneself
    assert "office" in body and "260000" in body and "270000" in body
    assert card_form(body, 7)[PATH] == "260000"  # the form now shows the current value


def test_after_a_conflict_saving_again_writes_the_new_value(campaign, office):
    colleague = make_user("colleague", campaign, "office")
    first, second = _session(office), _session(colleague)
    url = reverse("entry_save", args=[campaign.pk, 7])
    form_a, form_b = _open_card(first, campaign, 7), _open_card(second, campaign, 7)
    first.post(url, {**form_a, PATH: "260000"}, **HTMX)
    body = second.post(url, {**form_b, PATH: "270000"}, **HTMX).content.decode()
    again = card_form(body, 7)
    second.post(url, {**again, PATH: "270000"}, **HTMX)
    assert _stored(campaign) == 270000


def test_fields_left_untouched_do_not_overwrite_a_colleagues_change(campaign, office):
    colleague = make_user("colleague", campaign, "office")
    first, second = _session(office), _session(colleague)
    url = reverse("entry_save", args=[campaign.pk, 7])
    form_a, form_b = _open_card(first, campaign, 7), _open_card(second, campaign, 7)
    total = _stored(campaign, "total_employment")
    first.post(url, {**form_a, PATH: "260000"}, **HTMX)
    body = second.post(url, {**form_b, "counts.total_employment": str(total + 10)}, **HTMX)
    assert "已保存" in body.content.decode()
    assert _stored(campaign) == 260000
    assert _stored(campaign, "total_employment") == total + 10


def test_without_htmx_a_conflict_answers_409_with_the_message(campaign, office):
    colleague = make_user("colleague", campaign, "office")
    first, second = _session(office), _session(colleague)
    url = reverse("entry_save", args=[campaign.pk, 10])
    form_a, form_b = _open_card(first, campaign, 10), _open_card(second, campaign, 10)
    first.post(url, {**form_a, "judgments.10": "0.5"}, **HTMX)
    response = second.post(url, {**form_b, "judgments.10": "1"})
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    assert Judgment.objects.get(campaign=campaign, item="10").score == Decimal("0.5")


# --- the API ---------------------------------------------------------------------------------


def test_the_api_answers_409_with_the_current_value_when_expected_is_stale(campaign, office):
    client = _session(office)
    url = f"/api/v1/campaigns/{campaign.pk}/data"
    first = str(_stored(campaign))
    change = {"path": PATH, "value": 11, "expected": first}
    assert (
        client.patch(url, {"changes": [change]}, content_type="application/json").status_code == 200
    )
    response = client.patch(
        url, {"changes": [{**change, "value": 12}]}, content_type="application/json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["conflicts"][0]["path"] == PATH and body["conflicts"][0]["current"] == "11"
    assert body["conflicts"][0]["by"] == "office"
    assert _stored(campaign) == 11
    assert AuditEvent.objects.filter(action="value.update", target=PATH).count() == 1
