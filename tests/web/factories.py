"""Test data: campaigns of any size with all 41 indicators filled, and users in roles.

Shared with the PostgreSQL, end-to-end and benchmark set-ups: ``make_campaign(departments=28,
filled=True)`` is "a full campaign".
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from demozone.core.loader import load_bundled
from demozone.core.needs import framework_needs
from demozone.web.campaigns.models import (
    Assignment,
    Campaign,
    Department,
    Membership,
    Region,
)
from demozone.web.campaigns.services import import_document
from demozone.web.campaigns.templating import create_campaign, stored_framework

YEARS = (2022, 2023)

# Every figure of the metric catalogue (SPEC §4's sample with #7 filled in).
BASE_INPUT: dict[str, Any] = {
    "framework": "samr-2022",
    "region": {"name": "盐城市", "zone": "east"},
    "years": [2022, 2023],
    "statistics": {
        "region": {
            "online_retail_sales": {2021: Decimal("1000.5"), 2022: 1100, 2023: 1250},
            "social_retail_sales": {2021: 4000, 2022: 4100, 2023: 4300},
            "express_volume": {2021: 30000, 2022: 33000, 2023: 36000},
            "online_retail_growth": {2023: Decimal("12.6")},
        },
    },
    "counts": {
        "online_operators": 52000,
        "market_entities": 610000,
        "operators_over_2y": 30000,
        "online_employment": 45000,
        "total_employment": 4100000,
        "ecommerce_tax": 95000,
        "total_tax": 3000000,
        "platform_users": 320,
        "regulatory_staff": 600,
        "identity_claims_distributed": 1800,
        "identity_claims_handled": 1800,
        "tips_total": 900,
        "tips_verified_on_time": 880,
        "assigned_total": 40,
        "assigned_handled_timely": 39,
        "assigned_completed": 38,
        "reconsideration_total": 12,
        "reconsideration_upheld": 12,
        "litigation_total": 5,
        "litigation_won": 5,
        "procedural_losses": 0,
        "monitoring_total": 300,
        "monitoring_checked_timely": 290,
        "monitoring_checked_completed": 295,
        "complaints_total": 15000,
        "complaints_initial_on_time": 14800,
        "complaints_closed_on_time": 14700,
        "training_hours_min": 56,
        "national_media_reports": 1,
        "provincial_media_reports": 3,
        "institutional_outputs": 1,
    },
    "rates": {
        "region": {
            "mediation_success_rate": Decimal("70.2"),
            "satisfaction": 92,
            "odr_on_time_rate": Decimal("97.5"),
            "odr_settlement_rate": Decimal("80.1"),
            "training_coverage": 100,
        },
        "national": {
            "mediation_success_rate": 65,
            "satisfaction": 90,
            "odr_on_time_rate": 96,
            "odr_settlement_rate": 78,
        },
    },
    "large_operators": [{"name": "某电子商务有限公司", "year": 2023, "ecommerce_sales": 25000}],
}


def full_input() -> dict[str, Any]:
    """BASE_INPUT with every qualitative item judged (met / full marks)."""
    doc = copy.deepcopy(BASE_INPUT)
    fw = load_bundled()
    judgments: dict[str, Any] = {}
    for needs in framework_needs(fw, YEARS).values():
        for need in needs.judgments:
            if not need.fallback:
                judgments[need.item] = True if need.bool_only or need.max == 1 else need.max
    doc["judgments"] = judgments
    return doc


def make_campaign(
    *,
    departments: int | None = None,
    filled: bool = True,
    region: str = "盐城市",
    years: tuple[int, int] = YEARS,
) -> Campaign:
    """A campaign. ``departments=None`` uses the Yancheng template (28 departments); a number
    makes that many synthetic departments, each indicator led by one and supported by two."""
    if departments is None:
        campaign = create_campaign("yancheng-2023", region, years)
    else:
        province, _ = Region.objects.get_or_create(
            name="江苏省", parent=None, defaults={"level": Region.Level.PROVINCE}
        )
        place, _ = Region.objects.get_or_create(
            name=region, parent=province, defaults={"level": Region.Level.CITY}
        )
        campaign = Campaign.objects.create(
            name=f"{region}测试创建活动",
            region=place,
            framework=stored_framework("samr-2022"),
            first_year=years[0],
            second_year=years[1],
        )
        depts = Department.objects.bulk_create(
            Department(
                campaign=campaign, name=f"测试单位{i + 1:02d}", position=i, hosts_office=i == 0
            )
            for i in range(departments)
        )
        rows = []
        for number in range(1, 42):
            for position in range(min(3, departments)):
                dept = depts[(number + position) % departments]
                rows.append(
                    Assignment(
                        campaign=campaign,
                        indicator=number,
                        department=dept,
                        is_lead=position == 0,
                        position=position,
                    )
                )
        Assignment.objects.bulk_create(rows)
    if filled:
        doc = full_input()
        doc["region"]["name"] = region
        doc["years"] = list(years)
        import_document(campaign, doc, None, source="测试数据")
        campaign.refresh_from_db()
    return campaign


def make_user(
    username: str,
    campaign: Campaign,
    role: str,
    department: Department | str | None = None,
    password: str = "pw-test-123",
) -> Any:
    user = get_user_model().objects.create_user(username, password=password)
    if isinstance(department, str):
        department = Department.objects.get(campaign=campaign, name=department)
    Membership.objects.create(user=user, campaign=campaign, role=role, department=department)
    return user
