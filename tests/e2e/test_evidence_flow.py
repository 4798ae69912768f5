"""The evidence library in a real browser against the production server.

市市场监管局's liaison uploads a file and links it to 36.2; 市委宣传部's liaison (the one department
#36 is not assigned to) sees no edit form of that indicator; the liaison deletes the file and the
office restores it from the 回收站.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from web.evidence_files import pdf

from .browsing import ARTIFACTS, LIAISON_PASSWORD, LIAISON_USERNAME, Site, grid_cell

pytestmark = pytest.mark.xdist_group("e2e")

OTHER_USERNAME, OTHER_PASSWORD = "xcb-liaison", "Xuanchuan-Pass-2024"
OFFICE_USERNAME, OFFICE_PASSWORD = "office-e2e", "Office-Pass-2024!"
TITLE = "网络市场监管工作方案"


@pytest.fixture
def sign_in(browser: Browser, site: Site) -> Iterator[Callable[[str, str], Page]]:
    """A signed-in page per user, each in its own browser context (its own cookies)."""
    contexts = []

    def open_as(username: str, password: str) -> Page:
        context = browser.new_context(
            locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900}
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(site.url + "/")
        expect(page).to_have_url(re.compile(r"/login/"))
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_have_text("驾驶舱")
        return page

    yield open_as
    for context in contexts:
        context.close()


def shot(site: Site, page: Page, name: str, of: Locator | None = None) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = str(ARTIFACTS / f"{site.database}-evidence-{name}.png")
    if of is None:
        page.screenshot(path=path, full_page=True)
    else:
        of.screenshot(path=path)


def test_a_liaison_links_evidence_to_36_2_and_the_office_restores_it_from_the_trash(
    site: Site, sign_in: Callable[[str, str], Page], tmp_path: Path
) -> None:
    campaign = str(site.campaign_id)
    site.server.manage(
        "create_user", OTHER_USERNAME, "--campaign", campaign, "--role", "liaison",
        "--department", "市委宣传部", "--password", OTHER_PASSWORD, "--name", "宣传部联络员",
    )  # fmt: skip
    site.server.manage(
        "create_user", OFFICE_USERNAME, "--campaign", campaign, "--role", "office",
        "--password", OFFICE_PASSWORD, "--name", "办公室",
    )  # fmt: skip
    data = pdf("盐城市网络市场监管工作方案")
    source = tmp_path / f"{TITLE}.pdf"
    source.write_bytes(data)
    base = f"{site.url}/campaigns/{campaign}"

    # --- 市市场监管局 uploads and links the file to 36.2 -------------------------------------------
    liaison = sign_in(LIAISON_USERNAME, LIAISON_PASSWORD)
    liaison.get_by_role("link", name="佐证材料", exact=True).click()
    expect(liaison.locator("h1")).to_have_text("佐证材料库")
    liaison.set_input_files("#evidence-files", str(source))
    expect(liaison.locator("#evidence-file-names")).to_have_text(f"{TITLE}.pdf")
    liaison.fill("#evidence-title", TITLE)
    liaison.select_option("#evidence-items", "36.2")
    shot(site, liaison, "01-upload-form")
    liaison.get_by_role("button", name="上传", exact=True).click()

    expect(liaison.locator("h1")).to_have_text(TITLE)
    expect(liaison.locator("#evidence-links")).to_contain_text("36.2")
    expect(liaison.locator(".dz-versions")).to_contain_text(hashlib.sha256(data).hexdigest())
    shot(site, liaison, "02-uploaded")
    with liaison.expect_download() as download:
        liaison.get_by_role("link", name="下载当前版本").click()
    assert download.value.suggested_filename == f"{TITLE}.pdf"
    assert Path(download.value.path()).read_bytes() == data

    liaison.goto(f"{base}/indicators/36/")
    section = liaison.locator("#indicator-evidence")
    expect(section).to_contain_text(TITLE)
    expect(section).to_contain_text("尚缺佐证材料：36.1、36.3")
    shot(site, liaison, "03-indicator-36")
    liaison.get_by_role("link", name="驾驶舱").click()
    expect(grid_cell(liaison, 36)).to_have_attribute(
        "title", re.compile(r"缺佐证材料：36\.1、36\.3$")
    )
    shot(site, liaison, "03b-grid", of=liaison.locator(".box", has=liaison.locator(".dz-grid")))

    # --- 市委宣传部 (not assigned #36) sees it, but no form to change #36 or the file -------------
    other = sign_in(OTHER_USERNAME, OTHER_PASSWORD)
    other.get_by_role("link", name="数据填报").click()
    expect(other.locator("#card-13")).to_be_visible()
    expect(other.locator("#card-36")).to_have_count(0)
    other.goto(f"{base}/indicators/36/")
    expect(other.locator("#indicator-evidence")).to_contain_text(TITLE)
    expect(other.get_by_role("link", name="上传佐证材料")).to_have_count(0)
    other.locator("#indicator-evidence").get_by_role("link", name=TITLE).click()
    expect(other.locator("h1")).to_have_text(TITLE)
    for control in ("上传新版本", "取消关联", "移入回收站", "提交审核"):
        expect(other.get_by_role("button", name=control)).to_have_count(0)
    shot(site, other, "04-other-department")

    # --- the liaison deletes it; the office restores it from the 回收站 ---------------------------
    liaison.goto(f"{base}/evidence/")
    liaison.get_by_role("link", name=TITLE).click()
    liaison.get_by_role("button", name="移入回收站").click()
    expect(liaison.locator(".notification.is-success")).to_contain_text("已移入回收站")
    expect(liaison.locator("#evidence-list")).not_to_contain_text(TITLE)

    office = sign_in(OFFICE_USERNAME, OFFICE_PASSWORD)
    office.get_by_role("link", name="佐证材料", exact=True).click()
    office.get_by_role("link", name="回收站").click()
    row = office.locator("tr", has_text=TITLE)
    expect(row).to_contain_text("36.2")
    shot(site, office, "05-trash")
    row.get_by_role("button", name="恢复").click()
    expect(office.locator(".notification.is-success")).to_contain_text(f"已从回收站恢复“{TITLE}”")
    expect(office.locator("h1")).to_have_text(TITLE)
    expect(office.locator("#evidence-links")).to_contain_text("36.2")
    shot(site, office, "06-restored")
    office.get_by_role("link", name="佐证材料库").click()
    expect(office.locator("#evidence-list")).to_contain_text(TITLE)
