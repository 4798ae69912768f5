"""A complete evaluation input (the SPEC §4 sample with every judgment filled) and its contexts."""

from __future__ import annotations

import copy
import datetime as dt
import os
import shutil
from decimal import Decimal
from typing import Any

import pytest

from demozone.core.items import item_specs
from demozone.core.loader import load_bundled
from demozone.reports.context import EvidenceRef, ReportContext, context_from_document
from demozone.reports.pdf import render_pdf

REPORT_DATE = dt.date(2024, 6, 28)

SAMPLE: dict[str, Any] = {
    "framework": "samr-2022",
    "region": {"name": "盐城市", "zone": "east"},
    "years": [2022, 2023],
    "statistics": {
        "region": {
            "online_retail_sales": {2021: Decimal("1000.5"), 2022: 1100, 2023: 1250},
            "social_retail_sales": {2021: 4000, 2022: 4100, 2023: 4300},
            "express_volume": {2021: 30000, 2022: 33000, 2023: 36000},
            "online_retail_growth": {2023: Decimal("12.6")},
            "social_retail_growth": {},
            "express_growth": {},
            "online_retail_share": {},
        },
        "national": {"online_retail_growth": {2022: Decimal("4.0"), 2023: Decimal("11.0")}},
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
            "satisfaction": Decimal("92.0"),
            "odr_on_time_rate": Decimal("97.5"),
            "odr_settlement_rate": Decimal("80.1"),
            "training_coverage": 100,
        },
        "national": {
            "mediation_success_rate": Decimal("65.0"),
            "satisfaction": Decimal("90.0"),
            "odr_on_time_rate": Decimal("96.0"),
            "odr_settlement_rate": Decimal("78.0"),
        },
    },
    "large_operators": [{"name": "某电子商务有限公司", "year": 2023, "ecommerce_sales": 25000}],
    "judgments": {"10": 2, "11.3": True, "28.2": True},
    "overrides": {"3": {"score": 1, "reason": "专家核定：市场主体数口径调整"}},
}

# Every judgment the framework allows is filled; these few fall short so that the report has
# shortfalls of each kind (a sub-item not met, a partial whole-indicator score).
NOT_MET = {"12.3": False, "27.2": False, "16": Decimal("2.5"), "32": 2}

# Part of 盐城's 附件2 (responsible departments, lead first).
DEPARTMENTS: dict[int, tuple[str, ...]] = {
    1: ("市市场监管局", "市商务局"),
    5: ("市邮管局",),
    7: ("市人社局", "市商务局", "市市场监管局", "市邮管局", "市交通局", "市农业农村局"),
    12: ("市市场监管局", "市发改委"),
    16: ("市市场监管局", "市公安局", "市交通局", "市文广旅局", "市邮管局"),
    32: ("领导小组各成员单位",),
    36: ("市市场监管局",),
}

EVIDENCE = (
    EvidenceRef("36-1", "领导小组成立文件", ("36.2",), "a" * 64, "36.2-领导小组成立文件.pdf"),
    EvidenceRef("36-2", "联席会议纪要", ("36.1",), "b" * 64, "36.1-联席会议纪要.pdf"),
    EvidenceRef(
        "12-1", "信用分级分类监管办法", ("12.3",), "c" * 64, "12.3-信用分级分类监管办法.docx"
    ),
)


def complete_input() -> dict[str, Any]:
    data = copy.deepcopy(SAMPLE)
    fw = load_bundled()
    for spec in item_specs(fw, (2022, 2023)).values():
        if spec.qualitative and spec.judgeable and spec.id not in data["judgments"]:
            data["judgments"][spec.id] = NOT_MET.get(spec.id, True)
    return data


@pytest.fixture(scope="session")
def sample_input() -> dict[str, Any]:
    return complete_input()


@pytest.fixture(scope="session")
def ctx(sample_input: dict[str, Any]) -> ReportContext:
    """What the command line has: an input file alone."""
    return context_from_document(sample_input, date=REPORT_DATE)


@pytest.fixture(scope="session")
def campaign_ctx(ctx: ReportContext) -> ReportContext:
    """What the platform has: departments and accepted evidence too."""
    return ReportContext(
        framework=ctx.framework,
        evaluation=ctx.evaluation,
        scorecard=ctx.scorecard,
        date=ctx.date,
        departments=DEPARTMENTS,
        evidence=EVIDENCE,
    )


def system_deps_present() -> bool:
    return all(shutil.which(tool) for tool in ("soffice", "pdftotext", "pdftoppm", "fc-match"))


def require_system_deps() -> None:
    """Skip when LibreOffice, poppler or fontconfig are absent — except in CI, where
    `make test` has run scripts/system-deps.sh and their absence is a failure."""
    if system_deps_present():
        return
    if os.environ.get("CI"):
        pytest.fail(
            "LibreOffice、poppler-utils 或 fontconfig 未安装：CI 中应先运行 scripts/system-deps.sh"
        )
    pytest.skip(
        "未安装 LibreOffice / poppler-utils / fontconfig（以 root 运行 scripts/system-deps.sh 安装）"
    )


@pytest.fixture(scope="session")
def report_pdf(ctx: ReportContext) -> bytes:
    require_system_deps()
    return render_pdf(ctx)
