"""三级对比: self-evaluation, provincial and national review side by side, item by item."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from demozone.web.reviews import comparison, services
from demozone.web.reviews.models import Stage

from .reviews_support import judge, people, provincial, submitted_self

pytestmark = pytest.mark.django_db

WHOLE = "10"  # a whole indicator judged 0–2 in steps of 0.5


def _item(result, item):
    return next(row for row in result.items if row.id == item)


def _approved_provincial(p, changes=None):
    round_ = provincial(p)
    for expert in p.experts:
        judge(p, round_, expert, changes)
    services.approve(p.access(p.reviewer), round_.pk, "同意")
    return round_


def test_a_provincial_change_is_flagged_with_its_delta_and_the_experts_comments():
    p = people()
    _approved_provincial(p, {WHOLE: "1"})
    result = comparison.compare(p.access(p.office))
    self_col, prov_col, nat_col = result.columns
    assert (self_col.state, prov_col.state, nat_col.state) == ("sealed", "sealed", "none")
    row = _item(result, WHOLE)
    self_cell, prov_cell, nat_cell = row.cells
    assert self_cell.score == Decimal(2) and not self_cell.changed
    assert prov_cell.score == Decimal(1)
    assert prov_cell.changed and prov_cell.delta == Decimal(-1) and prov_cell.delta_text == "-1"
    assert not nat_cell.present
    experts = [n for n in prov_cell.notes if n.kind == "expert"]
    assert [(n.value, n.text) for n in experts] == [("1 分", f"{WHOLE} 评审意见")] * 3
    assert prov_cell.judgment == "1 分" and self_cell.judgment == "2 分"
    assert prov_col.total.changed and prov_col.total.delta == Decimal(-1)
    assert prov_col.version == 2 and prov_col.event == "approved"


def test_items_the_panel_left_alone_are_not_flagged():
    p = people()
    _approved_provincial(p)
    result = comparison.compare(p.access(p.reviewer))
    assert result.changed_count == 0
    assert not result.columns[1].total.changed
    assert result.changed_only().levels == ()


def test_the_filter_keeps_only_the_changed_items_in_their_indicator_and_level():
    p = people()
    _approved_provincial(p, {WHOLE: "0.5"})
    only = comparison.compare(p.access(p.office)).changed_only()
    assert only.only_changed
    assert [i.id for i in only.items] == [WHOLE]
    assert [ind.number for lv in only.levels for ind in lv.indicators] == [10]


def test_each_column_carries_its_total_level_rates_and_verdict():
    p = people()
    _approved_provincial(p, {WHOLE: "0"})
    result = comparison.compare(p.access(p.office))
    self_col, prov_col, _ = result.columns
    assert self_col.total.score - prov_col.total.score == Decimal(2)
    assert self_col.verdict in ("达标", "未达标")
    level = next(lv for lv in result.levels if any(i.number == 10 for i in lv.indicators))
    self_level, prov_level, nat_level = level.cells
    assert prov_level.changed and prov_level.delta == Decimal(-2)
    assert prov_level.rate < self_level.rate
    assert nat_level.score is None


def test_a_reviewer_follows_an_open_round_live_and_the_office_does_not():
    p = people()
    round_ = provincial(p)
    judge(p, round_, p.experts[0], {WHOLE: "0"})
    live = comparison.compare(p.access(p.reviewer))
    assert live.columns[1].state == "live"
    cell = _item(live, WHOLE).cells[1]
    assert cell.score == Decimal(0) and cell.changed
    assert [n.who for n in cell.notes if n.kind == "expert"] == ["expert1"]
    office = comparison.compare(p.access(p.office))
    assert office.columns[1].state == "none"
    assert not any(n.kind == "expert" for item in office.items for c in item.cells for n in c.notes)


def test_reconciliations_and_overrides_show_with_their_reasons():
    p = people()
    round_ = provincial(p)
    judge(p, round_, p.experts[0], {WHOLE: "2"})
    judge(p, round_, p.experts[1], {WHOLE: "0"})
    judge(p, round_, p.experts[2], {WHOLE: "1"})
    services.reconcile(p.access(p.experts[0]), round_.pk, WHOLE, "1.5", "材料基本齐全")
    services.override(p.access(p.reviewer), round_.pk, "7", "0", "口径不符")
    services.approve(p.access(p.reviewer), round_.pk)
    result = comparison.compare(p.access(p.leader))
    whole = _item(result, WHOLE).cells[1]
    assert whole.disputed and whole.score == Decimal("1.5")
    assert ("reconciliation", "1.5 分", "材料基本齐全") in [
        (n.kind, n.value, n.text) for n in whole.notes
    ]
    seven = _item(result, "7").cells[1]
    assert seven.status == "overridden" and seven.score == 0
    assert [(n.kind, n.text) for n in seven.notes] == [("override", "口径不符")]


def test_the_self_column_is_the_latest_submission_and_shows_the_departments_notes():
    p = people()
    first = submitted_self(p)
    second = services.submit_self_round(p.access(p.office), first.round_id)
    result = comparison.compare(p.access(p.office))
    assert result.columns[0].version == second.version
    assert result.columns[0].seal == second.seal
    assert result.columns[1].state == "none"


def test_conditions_of_an_any_of_indicator_show_under_its_item():
    p = people()
    round_ = provincial(p)
    for expert in p.experts:
        judge(p, round_, expert)
    services.approve(p.access(p.reviewer), round_.pk)
    result = comparison.compare(p.access(p.office))
    cell = _item(result, "28").cells[1]
    assert "28.1 符合" in cell.judgment
    assert {n.item for n in cell.notes} >= {"28.1"}


def test_the_returned_round_shows_when_nothing_was_approved():
    p = people()
    round_ = provincial(p)
    for expert in p.experts:
        judge(p, round_, expert)
    services.return_round(p.access(p.reviewer), round_.pk, {WHOLE: "补充会议纪要"})
    result = comparison.compare(p.access(p.office))
    column = result.columns[1]
    assert (column.state, column.event) == ("sealed", "returned")
    notes = _item(result, WHOLE).cells[1].notes
    assert ("return", "补充会议纪要") in [(n.kind, n.text) for n in notes]


def test_experts_may_not_open_the_comparison():
    p = people()
    with pytest.raises(PermissionDenied):
        comparison.compare(p.access(p.experts[0]))


def test_the_query_count_does_not_grow_with_the_votes():
    p = people()
    round_ = provincial(p)
    access = p.access(p.reviewer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            result = comparison.compare(access)
        assert result.columns[1].state == "live"
        return len(queries)

    judge(p, round_, p.experts[0], {WHOLE: "2"})
    judge(p, round_, p.experts[1], {WHOLE: "0"})
    services.reconcile(p.access(p.experts[0]), round_.pk, WHOLE, "1", "折中")
    two = count()
    judge(p, round_, p.experts[2], {WHOLE: "1", "36.2": "not_met"})
    services.override(access, round_.pk, "7", "0", "口径不符")
    services.override(access, round_.pk, "8", "0", "口径不符")
    assert count() == two


def test_the_national_column_compares_with_the_provincial_one():
    p = people()
    prov = _approved_provincial(p, {WHOLE: "1"})
    approved = prov.snapshots.get(event="approved")
    national = services.open_review_round(p.access(p.reviewer), Stage.NATIONAL, approved.pk)
    seats = [services.PanelSeat(e.pk, is_lead=i == 0) for i, e in enumerate(p.experts)]
    services.set_panel(p.access(p.reviewer), national.pk, seats)
    for expert in p.experts:
        judge(p, national, expert, {WHOLE: "1"})
    services.approve(p.access(p.reviewer), national.pk)
    result = comparison.compare(p.access(p.office))
    _, prov_cell, nat_cell = _item(result, WHOLE).cells
    assert prov_cell.changed and not nat_cell.changed
    assert nat_cell.score == Decimal(1)
    assert result.columns[2].base.startswith(f"快照 v{approved.version}")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_page_highlights_the_changed_cells_and_filters_them():
    p = people()
    _approved_provincial(p, {WHOLE: "1"})
    url = reverse("round_compare", args=[p.campaign.pk])
    page = _client(p.office).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="has-text-right dz-changed">1 <span class="dz-delta">-1</span>' in html
    assert f"{WHOLE} 评审意见" in html
    only = _client(p.office).get(url + "?changed=1").content.decode()
    assert only.count('class="dz-row-item"') == 1
    assert html.count('class="dz-row-item"') > 50


def test_the_workbook_has_the_three_columns_the_changes_filled_and_the_sources():
    p = people()
    prov = _approved_provincial(p, {WHOLE: "1"})
    response = _client(p.reviewer).get(reverse("round_compare_xlsx", args=[p.campaign.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["对比", "说明"]
    sheet = book["对比"]
    assert sheet.freeze_panes == "D4"
    header = [c.value for c in sheet[3]]
    assert header[3:] == [
        "自评得分", "自评说明与意见",
        "省局初审得分", "较自评", "省局初审说明与意见",
        "总局评估得分", "较省局初审", "总局评估说明与意见",
    ]  # fmt: skip
    row = next(r for r in sheet.iter_rows(min_row=4) if r[0].value == WHOLE)
    assert (row[3].value, row[5].value, row[6].value) == (2, 1, "-1")
    assert row[5].fill.fgColor.rgb.endswith("FFEB9C")
    assert row[3].fill.fgColor.rgb != row[5].fill.fgColor.rgb
    assert f"{WHOLE} 评审意见" in row[7].value
    labels = [r[1].value for r in sheet.iter_rows(min_row=4)]
    assert labels[-2:] == ["总分", "结论"]
    sources = book["说明"]
    approved = prov.snapshots.get(event="approved")
    values = [c.value for r in sources.iter_rows() for c in r]
    assert approved.seal in values
    assert f"v{approved.version}" in values
