"""What the end-to-end tests share: the browser's settings, the site under test, page helpers."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from support.production_server import Server

CHROMIUM = Path(os.environ.get("DEMOZONE_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e"

LIAISON_USERNAME = "scjg-liaison"
LIAISON_PASSWORD = "Liaison-Pass-2024"
LIAISON_DEPARTMENT = "市市场监管局"


@dataclass(frozen=True)
class Site:
    server: Server
    campaign_id: int
    database: str

    @property
    def url(self) -> str:
        return self.server.url


@dataclass(frozen=True)
class Member:
    username: str
    password: str
    campaign_id: int


def log_in(
    page: Page, site: Site, username: str = LIAISON_USERNAME, password: str = LIAISON_PASSWORD
) -> None:
    page.goto(site.url + "/")
    # An anonymous visit to / leads to Django's standard login form.
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("驾驶舱")


def dashboard_total(page: Page) -> Decimal:
    text = page.locator("#kpi-total .dz-kpi-value").inner_text()
    found = re.match(r"\s*([\d,.]+)", text)
    assert found, f"no total in {text!r}"
    return Decimal(found.group(1).replace(",", ""))


def grid_cell(page: Page, number: int) -> Locator:
    return page.locator(
        ".dz-cell", has=page.locator(".dz-cell-no", has_text=re.compile(rf"^{number}$"))
    )
