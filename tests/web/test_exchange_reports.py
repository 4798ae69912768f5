"""报告下载: the campaign's report and workbook, built from the campaign and kept per revision."""

from __future__ import annotations

import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from docx import Document as DocxDocument
from openpyxl import load_workbook

from demozone.core.seal import canonical_json, seal
from demozone.web.campaigns.services import Change, apply_changes
from demozone.web.exchange import documents
from demozone.web.exchange.documents import ReportSource, campaign_source

from .factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):  # type: ignore[no-untyped-def]
    """Count the documents actually rendered (the real renderer still runs)."""
    made: list[str] = []
    real = documents.render

    def counting(ctx, fmt):  # type: ignore[no-untyped-def]
        made.append(fmt)
        return real(ctx, fmt)

    monkeypatch.setattr(documents, "render", counting)
    return made


@pytest.fixture(autouse=True)
def _no_kept_reports():  # type: ignore[no-untyped-def]
    # Test databases reuse campaign ids: start every test without kept documents.
    shutil.rmtree(Path(settings.DATA_DIR) / "reports", ignore_errors=True)


def kept(campaign, fmt: str) -> list[Path]:  # type: ignore[no-untyped-def]
    folder = Path(settings.DATA_DIR) / "reports" / f"campaign-{campaign.pk}"
    return sorted(folder.glob(f"*.{fmt}"))


def test_the_report_page_lists_the_documents_and_the_dashboard_links_it(client, campaign, office):
    client.force_login(office)
    page = client.get(reverse("reports", args=[campaign.pk])).content.decode()
    for fmt in ("docx", "pdf", "xlsx"):
        assert reverse("report_download", args=[campaign.pk, fmt]) in page
    assert reverse("report_package", args=[campaign.pk]) in page
    dashboard = client.get(reverse("dashboard", args=[campaign.pk])).content.decode()
    assert reverse("reports", args=[campaign.pk]) in dashboard


def test_the_docx_names_the_departments_lead_first(client, campaign, office):
    client.force_login(office)
    response = client.get(reverse("report_download", args=[campaign.pk, "docx"]))
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Content-Type"].endswith("wordprocessingml.document")
    doc = DocxDocument(io.BytesIO(response.content))
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    # 附件2: 市人社局 leads #7, supported by 市商务局 among others.
    assert any(text.startswith("市人社局（牵头）、") and "市商务局" in text for text in cells)
    assert "盐城市创建全国网络市场监管与服务示范区自评报告" in "\n".join(
        p.text for p in doc.paragraphs
    )


def test_the_workbook_shows_who_entered_each_figure(client, campaign, office):
    apply_changes(
        campaign,
        [Change("counts.tips_total", Decimal(950), "市公安局统计")],
        office,
        allowed=lambda p: True,
    )
    campaign.refresh_from_db()
    client.force_login(office)
    response = client.get(reverse("report_download", args=[campaign.pk, "xlsx"]))
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["数据明细"]
    header = [c.value for c in ws[3]]
    assert header[-3:] == ["来源说明", "填报人", "填报时间"]
    row = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] == "counts.tips_total")
    assert row[4] == 950 and row[5] == "市公安局统计" and row[6] == "office" and row[7]
    duty = wb["责任分工表"]
    seven = next(r for r in duty.iter_rows(min_row=4, values_only=True) if r[2] == 7)
    assert seven[7].startswith("牵头：市人社局")


def test_a_second_download_reads_the_kept_file_and_new_data_makes_a_new_one(
    client, campaign, office, renders
):
    client.force_login(office)
    url = reverse("report_download", args=[campaign.pk, "docx"])
    first = client.get(url).content
    second = client.get(url).content
    assert first == second and renders == ["docx"]
    assert [p.name.split("-")[0] for p in kept(campaign, "docx")] == [f"r{campaign.revision}"]
    apply_changes(
        campaign, [Change("counts.tips_total", Decimal(901))], office, allowed=lambda p: True
    )
    client.get(url)
    campaign.refresh_from_db()
    assert renders == ["docx", "docx"]
    assert [p.name.split("-")[0] for p in kept(campaign, "docx")] == [f"r{campaign.revision}"]


def test_the_pdf_is_converted_once(client, campaign, office, renders):
    from demozone.reports.pdf import soffice  # noqa: PLC0415

    if soffice() is None:
        pytest.skip("未安装 LibreOffice（以 root 运行 scripts/system-deps.sh 安装）")
    client.force_login(office)
    url = reverse("report_download", args=[campaign.pk, "pdf"])
    first = client.get(url)
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert client.get(url).content == first.content
    assert renders == ["pdf"]


def test_a_frozen_source_builds_the_same_document_later(campaign, office):
    found = campaign_source(campaign)
    # What a round's snapshot would store: sealable (exact numbers, no floats) and complete.
    stored = json.loads(canonical_json(found.source.to_dict()), parse_float=Decimal)
    frozen = ReportSource.from_dict(stored)
    assert frozen.digest() == found.source.digest()
    assert seal(frozen.to_dict()) == seal(found.source.to_dict())
    fw = campaign.core_framework
    assert frozen.context(fw).scorecard.total == found.source.context(fw).scorecard.total
    # Data changed afterwards does not reach the frozen source.
    apply_changes(campaign, [Change("judgments.10", Decimal(1))], office, allowed=lambda p: True)
    assert ReportSource.from_dict(frozen.to_dict()).digest() == frozen.digest()
    assert campaign_source(campaign).source.digest() != frozen.digest()


def test_who_may_download_reports(client, campaign):
    url = reverse("report_download", args=[campaign.pk, "xlsx"])
    for role in ("leader", "reviewer"):
        client.force_login(make_user(role, campaign, role))
        assert client.get(url).status_code == 200, role
    client.force_login(make_user("expert", campaign, "expert"))
    assert client.get(url).status_code == 403
    assert client.get(reverse("reports", args=[campaign.pk])).status_code == 403


def test_an_unknown_format_is_not_found(client, campaign, office):
    client.force_login(office)
    assert client.get(reverse("report_download", args=[campaign.pk, "odt"])).status_code == 404
