"""A sealed snapshot's report (.docx) and scoring workbook (.xlsx): built from the snapshot alone,
naming its version and seal, kept for good."""

from __future__ import annotations

import io
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document as DocxDocument
from openpyxl import load_workbook

from demozone.reports.context import ReportError
from demozone.web.campaigns.models import MetricValue
from demozone.web.reviews import documents, services

from .reviews_support import judge, people, provincial, submitted_self

pytestmark = pytest.mark.django_db

WHOLE = "10"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _url(p, snap, fmt):
    return reverse("snapshot_report", args=[p.campaign.pk, snap.pk, fmt])


def _book(data):
    return load_workbook(io.BytesIO(data))


def test_the_workbook_names_the_snapshot_version_and_seal():
    p = people()
    snap = submitted_self(p)
    book = _book(documents.snapshot_document(snap, "xlsx").data)
    subtitle = book["评分表"].cell(2, 1).value
    assert f"v{snap.version}" in subtitle and snap.seal in subtitle
    assert "自评（第 1 轮）提交时封存的快照" in subtitle
    assert snap.seal in book.properties.description


def test_the_report_names_the_snapshot_in_its_text_and_properties():
    p = people()
    snap = submitted_self(p)
    doc = DocxDocument(io.BytesIO(documents.snapshot_document(snap, "docx").data))
    text = "\n".join(par.text for par in doc.paragraphs)
    assert f"本报告依据自评（第1轮）提交时封存的快照v{snap.version}" in text
    assert "二、逐项自评" in text.splitlines()
    assert snap.seal in text
    assert snap.seal in doc.core_properties.comments


def test_a_review_rounds_documents_are_its_stages_with_its_scores():
    p = people()
    round_ = provincial(p)
    for expert in p.experts:
        judge(p, round_, expert, {WHOLE: "0"})
    snap = services.approve(p.access(p.reviewer), round_.pk)
    document = documents.snapshot_document(snap, "xlsx")
    assert document.filename == f"{p.campaign.region.name}省局初审评分表-快照v{snap.version}.xlsx"
    sheet = _book(document.data)["评分表"]
    assert "省局初审评分表" in sheet.cell(1, 1).value
    row = next(r for r in sheet.iter_rows(min_row=4) if r[2].value == int(WHOLE))
    assert row[5].value == 0
    total = next(r for r in sheet.iter_rows(min_row=4) if r[0].value == "合计")
    assert Decimal(str(total[5].value)) == snap.total
    report = DocxDocument(io.BytesIO(documents.snapshot_document(snap, "docx").data))
    headings = [par.text for par in report.paragraphs if par.text.startswith("二、")]
    assert headings == ["二、逐项评审"]


def test_documents_come_from_the_snapshot_not_the_live_data():
    p = people()
    snap = submitted_self(p)
    MetricValue.objects.filter(campaign=p.campaign).delete()
    sheet = _book(documents.snapshot_document(snap, "xlsx").data)["评分表"]
    total = next(r for r in sheet.iter_rows(min_row=4) if r[0].value == "合计")
    assert Decimal(str(total[5].value)) == snap.total > 0


def test_a_snapshot_document_is_rendered_once_and_then_read_from_disk(monkeypatch):
    p = people()
    snap = submitted_self(p)
    first = documents.snapshot_document(snap, "xlsx")

    def refuse(ctx, fmt):
        raise ReportError([])

    monkeypatch.setattr(documents, "render", refuse)
    assert documents.snapshot_document(snap, "xlsx").data == first.data
    with pytest.raises(ReportError):
        documents.snapshot_document(snap, "docx")


def test_only_accepted_evidence_is_listed_and_numbered_within_its_indicator():
    rows = [
        {"title": "领导小组文件", "status": "accepted", "items": ["36.2"], "filename": "a.pdf", "sha256": "a" * 64},
        {"title": "草稿", "status": "draft", "items": ["36.1"], "filename": "b.pdf", "sha256": "b" * 64},
        {"title": "工作方案", "status": "accepted", "items": ["36.1", "37"], "filename": "c.docx", "sha256": "c" * 64},
        {"title": "无项目", "status": "accepted", "items": [], "filename": "d.pdf", "sha256": "d" * 64},
    ]  # fmt: skip
    refs = documents.snapshot_evidence(rows)
    assert [(r.number, r.title, r.item_ids) for r in refs] == [
        ("36-1", "工作方案", ("36.1", "37")),
        ("36-2", "领导小组文件", ("36.2",)),
    ]
    assert refs[0].filename == "36.1-工作方案.docx"


def test_the_office_downloads_a_snapshots_documents():
    p = people()
    snap = submitted_self(p)
    response = _client(p.office).get(_url(p, snap, "docx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert _client(p.leader).get(_url(p, snap, "xlsx")).status_code == 200


def test_a_liaison_and_an_expert_may_not_download_a_snapshots_documents():
    p = people()
    snap = submitted_self(p)
    assert _client(p.liaison).get(_url(p, snap, "xlsx")).status_code == 403
    assert _client(p.experts[0]).get(_url(p, snap, "xlsx")).status_code == 403


def test_an_unknown_format_or_snapshot_is_not_found():
    p = people()
    snap = submitted_self(p)
    assert _client(p.office).get(_url(p, snap, "odt")).status_code == 404
    missing = reverse("snapshot_report", args=[p.campaign.pk, snap.pk + 99, "xlsx"])
    assert _client(p.office).get(missing).status_code == 404


def test_the_reports_page_offers_each_snapshots_documents():
    p = people()
    snap = submitted_self(p)
    page = _client(p.office).get(reverse("reports", args=[p.campaign.pk])).content.decode()
    assert _url(p, snap, "docx") in page and _url(p, snap, "xlsx") in page
    liaison = _client(p.liaison).get(reverse("reports", args=[p.campaign.pk])).content.decode()
    assert _url(p, snap, "xlsx") not in liaison


def test_the_rounds_page_links_each_snapshots_documents_and_the_comparison():
    p = people()
    snap = submitted_self(p)
    url = reverse("rounds", args=[p.campaign.pk])
    page = _client(p.office).get(url).content.decode()
    assert _url(p, snap, "docx") in page and _url(p, snap, "xlsx") in page
    assert reverse("round_compare", args=[p.campaign.pk]) in page
    expert = _client(p.experts[0]).get(url).content.decode()
    assert _url(p, snap, "xlsx") not in expert
    assert reverse("round_compare", args=[p.campaign.pk]) not in expert


def test_the_office_downloads_a_snapshots_report_as_pdf():
    from demozone.reports.pdf import soffice  # noqa: PLC0415

    if soffice() is None:
        pytest.skip("未安装 LibreOffice（以 root 运行 scripts/system-deps.sh 安装）")
    p = people()
    snap = submitted_self(p)
    response = _client(p.office).get(_url(p, snap, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"快照v{snap.version}.pdf" in unquote(response["Content-Disposition"])
