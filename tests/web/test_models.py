from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from demozone.web.campaigns.models import (
    Campaign,
    Framework,
    FrameworkLockedError,
    Judgment,
    MetricValue,
    Region,
)
from demozone.web.campaigns.templating import stored_framework

pytestmark = pytest.mark.django_db


def test_a_city_takes_the_zone_of_its_province():
    province = Region.objects.create(name="四川省", level=Region.Level.PROVINCE)
    city = Region.objects.create(name="成都市", level=Region.Level.CITY, parent=province)
    assert (province.zone, city.zone) == ("west", "west")


def test_a_user_may_override_the_default_zone():
    province = Region.objects.create(name="河南省", level=Region.Level.PROVINCE)
    city = Region.objects.create(
        name="郑州市", level=Region.Level.CITY, parent=province, zone="east"
    )
    assert province.zone == "central"
    assert city.zone == "east"


def test_a_stored_framework_cannot_be_changed_or_deleted():
    framework = stored_framework("samr-2022")
    assert framework.code == "samr-2022" and len(framework.sha256) == 64
    framework.text += "\n# edited"
    with pytest.raises(FrameworkLockedError):
        framework.save()
    with pytest.raises(FrameworkLockedError):
        framework.delete()
    assert Framework.objects.get(pk=framework.pk).text != framework.text


def test_loading_the_same_bundled_framework_twice_stores_it_once():
    assert stored_framework("samr-2022").pk == stored_framework("samr-2022").pk
    assert Framework.objects.count() == 1


def test_campaign_years_must_be_consecutive(empty_campaign):
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=empty_campaign.pk).update(second_year=2030)


def test_figures_are_stored_exactly_whatever_the_database(empty_campaign):
    value = Decimal("123456789012.345")
    row = MetricValue.objects.create(
        campaign=empty_campaign, metric="total_tax", value=value, entered_at="2024-01-01T00:00Z"
    )
    stored = MetricValue.objects.get(pk=row.pk).value
    assert stored == value and str(stored) == "123456789012.345"


def test_a_judgment_is_either_met_or_a_score(empty_campaign):
    with pytest.raises(IntegrityError), transaction.atomic():
        Judgment.objects.create(
            campaign=empty_campaign,
            item="10",
            met=True,
            score=Decimal(2),
            entered_at="2024-01-01T00:00Z",
        )
