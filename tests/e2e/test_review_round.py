"""A review round in a real browser against the production server (issue 5's scenario).

The office submits 自评 (a sealed snapshot); a reviewer opens 省局初审 with three experts; the
lead judges every item as the city did, the two others judge #10 only and disagree with each
other by its full 2 points; the lead reconciles #10 at 1.5 with a reason; the reviewer approves;
the verdict appears — 89.5 points, but 促进发展 falls to 72.5% (< 75%), so the round's verdict is
未达标 where the self-evaluation's was 达标 — and the three-column comparison shows #10 going from
2 to 1.5 and the verdict changing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from .browsing import ARTIFACTS, Site

pytestmark = pytest.mark.xdist_group("e2e")

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "yancheng-sample.yaml"
REGION = "宿迁市"  # a campaign of its own: the other browser tests use 盐城市's
PASSWORD = "Review-Pass-2024!"
PEOPLE = {
    "office": ("rv-office", "office", "办公室"),
    "reviewer": ("rv-reviewer", "reviewer", "省局审核员"),
    "lead": ("rv-expert1", "expert", "专家甲"),
    "second": ("rv-expert2", "expert", "专家乙"),
    "third": ("rv-expert3", "expert", "专家丙"),
}


@pytest.fixture
def campaign(site: Site, tmp_path: Path) -> int:
    out = site.server.manage(
        "create_campaign", "--template", "yancheng-2023", "--region", REGION,
        "--province", "江苏省", "--years", "2022", "2023",
    )  # fmt: skip
    found = re.search(r"创建活动 (\d+)", out)
    assert found, out
    campaign_id = int(found.group(1))
    data = tmp_path / "sample.yaml"
    data.write_text(
        SAMPLE.read_text(encoding="utf-8").replace("  name: 盐城市", f"  name: {REGION}", 1),
        encoding="utf-8",
    )
    site.server.manage("import_campaign", str(campaign_id), str(data))
    for username, role, name in PEOPLE.values():
        site.server.manage(
            "create_user", username, "--campaign", str(campaign_id), "--role", role,
            "--password", PASSWORD, "--name", name,
        )  # fmt: skip
    return campaign_id


@pytest.fixture
def sign_in(browser: Browser, site: Site) -> Iterator[Callable[[str], Page]]:
    """A signed-in page per person (its own browser context), confirming every dialog."""
    contexts = []

    def open_as(who: str) -> Page:
        context = browser.new_context(
            locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900}
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", _accept)
        page.goto(site.url + "/login/")
        page.fill("input[name=username]", PEOPLE[who][0])
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("h1")).not_to_have_text("登录")
        return page

    yield open_as
    for context in contexts:
        context.close()


def _accept(dialog: Dialog) -> None:
    dialog.accept()


def shot(site: Site, page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{site.database}-review-{name}.png"), full_page=True)


def judge_card(page: Page, number: int, scores: dict[str, str] | None = None) -> None:
    """Judge every item of a card as the city judged itself, except ``scores``; then save."""
    card = page.locator(f"#card-{number}")
    for block in card.locator(".dz-judgment").all():
        item = block.get_attribute("id").removeprefix("judge-")  # type: ignore[union-attr]
        own = block.locator(".help strong").first.inner_text().strip()
        select = block.locator("select")
        if select.count():
            value = (scores or {}).get(item) or own.removesuffix(" 分")
            select.select_option(value if value != "—" else "0")
        else:
            block.locator(f"input[value={'not_met' if own == '不符合' else 'met'}]").check()
        block.locator(".dz-judgment-note").fill(f"{item} 已对照佐证材料核实")
    card.get_by_role("button", name="保存本项").click()
    expect(page.locator(f"#card-{number} .dz-saved")).to_be_visible()


def submit_judgments(page: Page) -> None:
    page.get_by_role("button", name="提交评审意见").click()
    expect(page.locator("main")).to_contain_text("已提交评审意见")


def test_a_provincial_panel_disputes_indicator_10_and_the_lead_reconciles_it(
    site: Site, campaign: int, sign_in: Callable[[str], Page]
) -> None:
    base = f"{site.url}/campaigns/{campaign}"

    # --- the office opens and submits 自评: snapshot v1 ----------------------------------------
    office = sign_in("office")
    office.goto(f"{base}/rounds/")
    office.get_by_role("button", name="发起自评").click()
    office.get_by_role("button", name="提交自评").click()
    expect(office.locator(".dz-round").first).to_contain_text("v1")
    shot(site, office, "1-self-submitted")

    # --- the reviewer opens 省局初审 on v1 and names three experts --------------------------------
    reviewer = sign_in("reviewer")
    reviewer.goto(f"{base}/rounds/")
    reviewer.get_by_role("button", name="发起省局初审").click()
    expect(reviewer.locator("h1")).to_have_text("省局初审（第 1 轮）")
    round_url = reviewer.url
    for who in ("lead", "second", "third"):
        reviewer.get_by_label(PEOPLE[who][2], exact=True).check()
    reviewer.get_by_label("专家甲 任组长").check()
    reviewer.get_by_label("专家乙 分配的指标").fill("10")
    reviewer.get_by_label("专家丙 分配的指标").fill("10")
    reviewer.get_by_role("button", name="保存专家组").click()
    expect(reviewer.locator("#panel")).to_contain_text("0/3 已提交")

    # --- three experts judge on their own; the second and third 2 points apart on #10 ------------
    lead = sign_in("lead")
    lead.goto(round_url + "judge/")
    numbers = [
        int(n.removeprefix("card-"))
        for n in lead.locator("article.dz-card").evaluate_all("els => els.map(e => e.id)")
    ]
    assert 10 in numbers and len(numbers) > 10
    for number in numbers:
        judge_card(lead, number, {"10": "2"} if number == 10 else None)
    submit_judgments(lead)
    for who, score in (("second", "0"), ("third", "1")):
        expert = sign_in(who)
        expert.goto(round_url + "judge/")
        expect(expert.locator("article.dz-card")).to_have_count(1)
        # Before submitting, nobody else's judgment shows.
        expect(expert.locator(".dz-others")).to_have_count(0)
        judge_card(expert, 10, {"10": score})
        submit_judgments(expert)
    shot(site, expert, "2-expert-submitted")

    # --- #10 is disputed (scores 2, 0, 1); the lead reconciles it at 1.5 --------------------------
    lead.goto(round_url)
    row = lead.locator("#item-10")
    expect(row).to_contain_text("有争议")
    row.get_by_label("10 协调得分").select_option("1.5")
    row.get_by_label("10 协调理由").fill("制度文件齐全，但执行记录只覆盖一个年度")
    row.get_by_role("button", name="保存协调结论").click()
    expect(lead.locator("#item-10")).to_contain_text("组长协调为 1.5 分")
    shot(site, lead, "3-reconciled")

    # --- the reviewer approves: the verdict appears ------------------------------------------
    reviewer.goto(round_url)
    expect(reviewer.locator("#panel")).to_contain_text("3/3 已提交")
    reviewer.get_by_role("button", name="通过", exact=True).click()
    expect(reviewer.locator("h1 + p .tag").first).to_have_text("已通过")
    verdict = reviewer.locator(".dz-verdict")
    expect(verdict).to_contain_text("89.50")
    expect(verdict).to_contain_text("未达标")
    shot(site, reviewer, "4-approved")

    # --- the comparison: #10 went from 2 (自评) to 1.5 (省局初审), highlighted ---------------------
    reviewer.goto(f"{base}/rounds/compare/")
    cells = reviewer.locator("#item-10 td")
    expect(cells.nth(3)).to_have_text(re.compile(r"^\s*2(\.00)?\s*$"))
    expect(cells.nth(5)).to_contain_text("1.5")
    expect(cells.nth(5)).to_have_class(re.compile(r"dz-changed"))
    expect(cells.nth(3)).not_to_have_class(re.compile(r"dz-changed"))
    expect(reviewer.locator("#item-10")).to_contain_text("制度文件齐全，但执行记录只覆盖一个年度")
    total, verdict_row = reviewer.locator(".dz-row-total").all()
    expect(total.locator("td").nth(3)).to_contain_text("90")
    expect(total.locator("td").nth(5)).to_contain_text("89.5")
    expect(verdict_row.locator("td").nth(3)).to_have_text("达标")
    expect(verdict_row.locator("td").nth(4)).to_have_text("未达标")
    expect(verdict_row.locator("td").nth(4)).to_have_class(re.compile(r"dz-changed"))
    shot(site, reviewer, "5-comparison")
