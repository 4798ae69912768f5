"""The strict Content-Security-Policy in chromium: every page renders, the charts draw, htmx
swaps work, and the browser reports no violation (issue 4, item 6)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from support.production_server import ADMIN_PASSWORD

pytestmark = pytest.mark.xdist_group("e2e")

# Collected in the page itself: chromium raises this event for every blocked script or style.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || ""));
});
"""


def _violations(page: Page) -> list[str]:
    return page.evaluate("window.__csp || []")


def test_the_pages_work_under_the_csp_without_a_single_violation(page, site, screenshot):
    page.add_init_script(WATCH)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    base = f"{site.url}/campaigns/{site.campaign_id}"

    page.goto(site.url + "/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".navbar")).to_contain_text("退出")
    assert page.evaluate("document.contentType") == "text/html"

    page.goto(base + "/")
    chart = page.locator("[data-chart]").first
    expect(chart.locator("canvas")).to_have_count(1)
    box = chart.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # a tooltip
    page.wait_for_timeout(500)
    assert _violations(page) == []

    page.goto(base + "/entry/")
    card = page.locator("#card-3")
    card.locator("input[name='counts.online_operators']").fill("52000")
    card.locator("input[name='counts.market_entities']").fill("300000")
    card.get_by_role("button", name="保存本项").click()
    expect(page.locator("#card-3 .dz-saved")).to_contain_text("已保存")
    assert _violations(page) == []

    page.goto(base + "/indicators/3/")
    expect(page.locator("#indicator-history")).to_contain_text("counts.online_operators")
    assert _violations(page) == []

    page.goto(base + "/audit/")
    page.select_option("select[name=category]", "value.")
    expect(page.locator("#audit-events")).to_contain_text("counts.market_entities")
    expect(page).to_have_url(re.compile(r"category=value\."))
    screenshot("csp-audit-page")
    assert _violations(page) == []

    for path in ("/scorecard/", "/framework/", "/evidence/"):
        page.goto(base + path)
        assert _violations(page) == [], path
    page.goto(site.url + "/audit/")
    page.goto(site.url + "/admin/")
    assert _violations(page) == []
    assert not [e for e in errors if "Content Security Policy" in e], errors
