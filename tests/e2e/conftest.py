"""End-to-end set-up: the production server (as ``make run``) and Debian's chromium via Playwright.

The server runs with SQLite in a temporary data directory, or on PostgreSQL when
``DEMOZONE_E2E_DATABASE_URL`` is set (``scripts/pg-test-server.sh`` sets it to a database of its
throw-away cluster): then each test process gets a fresh database of its own beside that one, since
xdist may run browser tests in both workers (``--dist loadgroup`` would keep them together, but it
does not group on pytest 9.2: pytest-xdist issue #1386). Screenshots go to ``artifacts/e2e/``
named after the database.

Without chromium the tests skip, unless ``DEMOZONE_E2E_REQUIRED`` is set (``make test`` sets it):
there a missing browser is a failure.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, sync_playwright

from support.production_server import fresh_database, production_server

from .browsing import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    LIAISON_DEPARTMENT,
    LIAISON_PASSWORD,
    LIAISON_USERNAME,
    Member,
    Site,
)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A fresh Yancheng campaign (no figures yet) and a liaison of 市市场监管局, which leads #3."""
    database_url = os.environ.get("DEMOZONE_E2E_DATABASE_URL", "").strip() or None
    if database_url:
        database_url = fresh_database(database_url, os.environ.get("PYTEST_XDIST_WORKER", "main"))
    data_dir = tmp_path_factory.mktemp("e2e-data")
    with production_server(data_dir, workers=2, database_url=database_url) as server:
        campaign_id = server.create_campaign()
        server.manage(
            "create_user",
            LIAISON_USERNAME,
            "--campaign",
            str(campaign_id),
            "--role",
            "liaison",
            "--department",
            LIAISON_DEPARTMENT,
            "--password",
            LIAISON_PASSWORD,
            "--name",
            "市场监管局联络员",
        )
        yield Site(server, campaign_id, "postgresql" if database_url else "sqlite")


# One campaign per region and years: a test that needs a campaign of its own takes the next years.
_OTHER_YEARS = itertools.cycle([(2023, 2024), (2024, 2025), (2021, 2022), (2020, 2021)])


@pytest.fixture
def own_liaison(site: Site) -> Member:
    """A fresh 盐城市 campaign from the template for other years, no figures yet, and a liaison of
    its 市市场监管局: what other tests do to the shared campaign cannot reach it."""
    campaign_id = site.server.create_campaign(years=next(_OTHER_YEARS))
    member = Member(f"liaison-{campaign_id}", LIAISON_PASSWORD, campaign_id)
    site.server.manage(
        "create_user",
        member.username,
        "--campaign",
        str(campaign_id),
        "--role",
        "liaison",
        "--department",
        LIAISON_DEPARTMENT,
        "--password",
        member.password,
        "--name",
        "市场监管局联络员",
    )
    return member


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.is_file():
        message = f"{CHROMIUM} is missing: install it with `bash scripts/system-deps.sh`"
        if os.environ.get("DEMOZONE_E2E_REQUIRED"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1366, "height": 900},
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(site: Site, page: Page):  # type: ignore[no-untyped-def]
    """``screenshot("02-dashboard-before")`` saves the full page, or just ``of`` (a locator),
    to artifacts/e2e/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, of: Locator | None = None) -> Path:
        path = ARTIFACTS / f"{site.database}-{name}.png"
        if of is None:
            page.screenshot(path=str(path), full_page=True)
        else:
            of.screenshot(path=str(path))
        return path

    return take
