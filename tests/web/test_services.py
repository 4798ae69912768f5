from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from demozone.core.errors import InputError
from demozone.core.inputs import parse_input
from demozone.core.loader import load_bundled
from demozone.core.scoring import score
from demozone.core.yamlio import load_yaml
from demozone.web.campaigns.errors import NotAllowedError
from demozone.web.campaigns.models import MetricValue
from demozone.web.campaigns.services import (
    Change,
    apply_changes,
    build_input,
    department_progress,
    evaluate,
    export_document,
    import_document,
)

from .factories import full_input, make_campaign

pytestmark = pytest.mark.django_db


def _core_score(doc):
    fw = load_bundled()
    return score(fw, parse_input(doc, fw)).to_dict()


def test_build_input_is_a_valid_spec_input_of_the_stored_data(campaign):
    doc = build_input(campaign)
    assert doc["region"] == {"name": "盐城市", "zone": "east"}
    assert doc["years"] == [2022, 2023]
    assert doc["counts"]["online_operators"] == 52000
    assert doc["statistics"]["region"]["online_retail_sales"][2021] == Decimal("1000.5")
    parse_input(doc, load_bundled())


def test_the_platform_scores_exactly_as_the_core_scores_the_same_file(campaign):
    assert evaluate(campaign).scorecard.to_dict() == _core_score(full_input())


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_an_exported_file_scored_by_the_core_gives_the_platforms_scorecard(
    campaign, tmp_path, suffix
):
    out = tmp_path / f"campaign.{suffix}"
    call_command("export_campaign", str(campaign.pk), "--out", str(out))
    text = out.read_text("utf-8")
    doc = json.loads(text, parse_float=Decimal) if suffix == "json" else load_yaml(text.encode())
    assert _core_score(doc) == evaluate(campaign).scorecard.to_dict()


def test_importing_an_export_into_an_empty_campaign_reproduces_the_scorecard(campaign, tmp_path):
    out = tmp_path / "campaign.yaml"
    call_command("export_campaign", str(campaign.pk), "--out", str(out))
    shown = evaluate(campaign).scorecard.to_dict()
    campaign.delete()  # the same region and years may hold one campaign only
    empty = make_campaign(filled=False)
    assert evaluate(empty).scorecard.total == 0
    call_command("import_campaign", str(empty.pk), str(out))
    empty.refresh_from_db()
    assert evaluate(empty).scorecard.to_dict() == shown


def test_an_invalid_file_is_refused_whole_with_every_problem_and_nothing_changes(
    campaign, tmp_path
):
    before = evaluate(campaign).scorecard.to_dict()
    doc = export_document(campaign)
    doc["counts"]["tips_verified_on_time"] = 5000  # more than tips_total
    doc["counts"]["market_entities"] = -1
    doc["rates"]["region"]["satisfaction"] = 120
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    with pytest.raises(CommandError) as info:
        call_command("import_campaign", str(campaign.pk), str(bad))
    message = str(info.value)
    assert info.value.returncode == 2
    assert "counts.tips_verified_on_time" in message and "不能大于" in message
    assert "counts.market_entities" in message and "rates.region.satisfaction" in message
    campaign.refresh_from_db()
    assert evaluate(campaign).scorecard.to_dict() == before


def test_a_file_for_another_region_or_other_years_is_refused(campaign):
    doc = export_document(campaign)
    doc["region"]["name"] = "南通市"
    doc["years"] = [2021, 2022]
    with pytest.raises(InputError) as info:
        import_document(campaign, doc, None)
    assert {p.path for p in info.value.problems} == {"region.name", "years"}


def test_a_change_is_validated_with_the_whole_input_and_stored_only_if_valid(campaign, office):
    allow_all = lambda path: True  # noqa: E731
    with pytest.raises(InputError) as info:
        apply_changes(
            campaign,
            [Change("counts.online_operators", Decimal(700000))],
            office,
            allowed=allow_all,
        )
    assert info.value.problems[0].path == "counts.online_operators"
    assert MetricValue.objects.get(campaign=campaign, metric="online_operators").value == 52000
    apply_changes(
        campaign,
        [Change("counts.online_operators", Decimal(100000), "市场监管局登记系统")],
        office,
        allowed=allow_all,
    )
    row = MetricValue.objects.get(campaign=campaign, metric="online_operators")
    assert (row.value, row.source_note, row.entered_by) == (100000, "市场监管局登记系统", office)
    campaign.refresh_from_db()
    assert evaluate(campaign).scorecard.indicator(3).score == 2


def test_a_change_outside_the_allowed_paths_is_refused(campaign, office):
    with pytest.raises(NotAllowedError):
        apply_changes(campaign, [Change("counts.total_tax", 1)], office, allowed=lambda p: False)


def test_clearing_a_value_makes_its_indicator_missing(campaign, office):
    apply_changes(campaign, [Change("counts.total_tax", None)], office, allowed=lambda p: True)
    campaign.refresh_from_db()
    assert evaluate(campaign).scorecard.indicator(8).status == "missing"


def test_department_completeness_counts_filled_items_of_its_indicators(empty_campaign):
    departments = list(empty_campaign.departments.all())
    assignments = list(empty_campaign.assignments.all())
    progress = department_progress(evaluate(empty_campaign).scorecard, departments, assignments)
    tax = next(p for p in progress if p.department.name == "市税务局")
    assert tax.lead == (8,) and tax.filled == 0
    apply_changes(
        empty_campaign,
        [Change("counts.ecommerce_tax", 1), Change("counts.total_tax", 100)],
        None,
        allowed=lambda p: True,
    )
    empty_campaign.refresh_from_db()
    progress = department_progress(evaluate(empty_campaign).scorecard, departments, assignments)
    tax = next(p for p in progress if p.department.name == "市税务局")
    assert tax.filled >= 1 and tax.rate > 0
