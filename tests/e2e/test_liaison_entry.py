"""A department liaison logs in, enters figures, and the dashboard's total follows."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .browsing import dashboard_total, grid_cell, log_in

# With --dist loadgroup, one xdist worker drives the browser and starts one server; the fixtures
# are safe when xdist spreads them anyway (it does on pytest 9.2, pytest-xdist issue #1386).
pytestmark = pytest.mark.xdist_group("e2e")


def test_figures_entered_for_indicator_3_raise_the_dashboard_total_by_2(
    page, site, own_liaison, screenshot
):
    page.goto(site.url + "/")
    screenshot("01-login")
    log_in(page, site, own_liaison.username, own_liaison.password)
    expect(page.locator(".navbar")).to_contain_text("市市场监管局")
    expect(grid_cell(page, 3)).to_contain_text("0/2")
    before = dashboard_total(page)
    screenshot("02-dashboard-before")

    page.get_by_role("link", name="数据填报").click()
    card = page.locator("#card-3")
    expect(card.locator(".dz-score-big")).to_have_text("0")
    # 52,000 online operators among 300,000 market entities: 17.3%, at least 15% earns 2 points.
    card.locator("input[name='counts.online_operators']").fill("52000")
    card.locator("input[name='note:counts.online_operators']").fill("市市场监管局登记系统")
    card.locator("input[name='counts.market_entities']").fill("300000")
    card.get_by_role("button", name="保存本项").click()

    # Saved through htmx: the card is swapped in place, no page load.
    card = page.locator("#card-3")
    expect(card.locator(".dz-saved")).to_contain_text("已保存")
    expect(card.locator(".dz-score-big")).to_have_text("2")
    expect(page.locator("#entry-summary strong")).to_have_text(str(before + 2))
    screenshot("03-entry-saved", of=card)

    page.get_by_role("link", name="驾驶舱").click()
    expect(page.locator("h1")).to_have_text("驾驶舱")
    assert dashboard_total(page) == before + 2
    expect(grid_cell(page, 3)).to_contain_text("2/2")
    screenshot("04-dashboard-after")


def test_a_figure_that_is_not_a_number_is_refused_in_chinese_and_changes_nothing(
    page, site, own_liaison, screenshot
):
    log_in(page, site, own_liaison.username, own_liaison.password)
    before = dashboard_total(page)
    page.goto(f"{site.url}/campaigns/{own_liaison.campaign_id}/entry/")
    card = page.locator("#card-9")
    card.locator("input[name='counts.operators_over_2y']").fill("三万")
    card.get_by_role("button", name="保存本项").click()

    card = page.locator("#card-9")
    expect(card.locator(".notification.is-danger")).to_contain_text("数据有误，未保存")
    field = card.locator("input[name='counts.operators_over_2y']")
    expect(field).to_have_class(re.compile(r"is-danger"))
    expect(card.locator("p.help.is-danger").first).to_contain_text(re.compile(r"[\u4e00-\u9fff]"))
    screenshot("05-entry-refused", of=card)

    page.get_by_role("link", name="驾驶舱").click()
    assert dashboard_total(page) == before
