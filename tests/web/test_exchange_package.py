"""申报材料包 download: the report, the workbook and the accepted evidence, streamed as a zip."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from demozone.web.campaigns.models import Department
from demozone.web.evidence import storage
from demozone.web.evidence.models import Evidence, EvidenceLink, EvidenceVersion
from demozone.web.exchange.documents import campaign_source
from demozone.web.exchange.evidence import accepted_evidence

from .evidence_files import pdf
from .factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_dirs():  # type: ignore[no-untyped-def]
    shutil.rmtree(Path(settings.DATA_DIR) / "reports", ignore_errors=True)
    yield
    shutil.rmtree(Path(settings.EVIDENCE_DIR), ignore_errors=True)


def add_evidence(
    campaign,  # type: ignore[no-untyped-def]
    title: str,
    items: tuple[str, ...],
    content: bytes,
    filename: str,
    *,
    status: str = Evidence.Status.ACCEPTED,
    deleted: bool = False,
) -> Evidence:
    department = Department.objects.filter(campaign=campaign).first()
    evidence = Evidence.objects.create(
        campaign=campaign,
        department=department,
        title=title,
        status=status,
        return_reason="需补充" if status == Evidence.Status.RETURNED else "",
        deleted_at=timezone.now() if deleted else None,
    )
    sha = hashlib.sha256(content).hexdigest()
    version = EvidenceVersion.objects.create(
        evidence=evidence,
        number=1,
        sha256=sha,
        size=len(content),
        filename=filename,
        kind=filename.rsplit(".", 1)[-1].lower(),
    )
    evidence.current = version
    evidence.save(update_fields=["current"])
    for item in items:
        EvidenceLink.objects.create(evidence=evidence, item=item, indicator=int(item.split(".")[0]))
    path = storage.content_path(sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return evidence


@pytest.fixture
def evidence(campaign):  # type: ignore[no-untyped-def]
    return [
        add_evidence(campaign, "领导小组成立文件", ("36.2", "37.1"), pdf("lead"), "成立文件.PDF"),
        add_evidence(campaign, "联席会议纪要：第1/2次", ("36.1",), pdf("minutes"), "纪要.pdf"),
        add_evidence(campaign, "信用监管办法", ("12.3",), pdf("credit"), "办法.pdf"),
        add_evidence(campaign, "退回的材料", ("12.1",), pdf("back"), "x.pdf", status="returned"),
        add_evidence(campaign, "回收站的材料", ("12.2",), pdf("gone"), "y.pdf", deleted=True),
        add_evidence(campaign, "待提交的材料", ("12.2",), pdf("draft"), "z.pdf", status="draft"),
    ]


def download(client, campaign) -> zipfile.ZipFile:  # type: ignore[no-untyped-def]
    response = client.get(reverse("report_package", args=[campaign.pk]))
    assert response.status_code == 200, response.content[:500]
    assert response.streaming and response["Content-Type"] == "application/zip"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_only_accepted_live_evidence_is_numbered_within_its_first_indicator(campaign, evidence):
    found = accepted_evidence(campaign)
    assert [(e.ref.number, e.zip_path) for e in found] == [
        ("12-1", "指标12/12.3-信用监管办法.pdf"),
        ("36-1", "指标36/36.1-联席会议纪要：第1_2次.pdf"),
        ("36-2", "指标36/36.2-领导小组成立文件.pdf"),
    ]
    assert found[2].ref.item_ids == ("36.2", "37.1")


def test_the_package_holds_report_workbook_and_evidence_with_a_true_manifest(
    client, campaign, office, evidence
):
    from demozone.reports.pdf import soffice  # noqa: PLC0415

    if soffice() is None:
        pytest.skip("未安装 LibreOffice（以 root 运行 scripts/system-deps.sh 安装）")
    client.force_login(office)
    with download(client, campaign) as zf:
        names = zf.namelist()
        assert [Path(n).suffix for n in names[:3]] == [".docx", ".pdf", ".xlsx"]
        assert all(n.startswith("盐城市自评") for n in names[:3])
        assert "指标36/36.2-领导小组成立文件.pdf" in names
        assert "指标36/36.1-联席会议纪要：第1_2次.pdf" in names
        assert "指标12/12.3-信用监管办法.pdf" in names
        assert not any("退回" in n or "回收站" in n or "待提交" in n for n in names)
        assert names[-2:] == ["manifest.json", "清单.xlsx"]
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["count"] == len(names) - 2
        for entry in manifest["files"]:
            content = zf.read(entry["path"])
            assert entry["sha256"] == hashlib.sha256(content).hexdigest()
            assert entry["size"] == len(content)
            assert "problem" not in entry
        assert zf.read("指标36/36.2-领导小组成立文件.pdf") == pdf("lead")
        lead = next(e for e in manifest["files"] if e.get("number") == "36-2")
        assert lead["items"] == ["36.2", "37.1"] and lead["original_name"] == "成立文件.PDF"
        assert manifest["campaign"]["revision"] == campaign.revision
        listing = load_workbook(io.BytesIO(zf.read("清单.xlsx")))["清单"]
        rows = list(listing.iter_rows(min_row=4, values_only=True))
        assert {(r[5], r[7]) for r in rows} == {(e["path"], e["sha256"]) for e in manifest["files"]}
        workbook = load_workbook(io.BytesIO(zf.read(next(n for n in names if n.endswith(".xlsx")))))
        listed = [r[1] for r in workbook["佐证材料清单"].iter_rows(min_row=4, values_only=True)]
        assert listed == ["12-1", "36-1", "36-2"]


def test_who_may_download_the_package(client, campaign):
    url = reverse("report_package", args=[campaign.pk])
    for role in ("liaison", "leader", "expert"):
        department = "市人社局" if role == "liaison" else None
        client.force_login(make_user(role, campaign, role, department))
        assert client.get(url).status_code == 403, role


def test_a_missing_evidence_file_is_named_before_anything_is_streamed(
    client, campaign, office, evidence
):
    storage.content_path(evidence[0].current.sha256).unlink()
    client.force_login(office)
    response = client.get(reverse("report_package", args=[campaign.pk]))
    assert response.status_code == 503 and not response.streaming
    page = response.content.decode()
    assert "领导小组成立文件" in page and "文件缺失" in page


def test_the_sources_queries_do_not_grow_with_the_evidence(campaign):
    add_evidence(campaign, "第一份", ("36.1",), pdf("1"), "1.pdf")
    campaign_source(campaign)  # the campaign's region, loaded once
    with CaptureQueriesContext(connection) as few:
        assert len(campaign_source(campaign).evidence) == 1
    for i in range(10):
        add_evidence(campaign, f"材料{i}", (f"{12 + i}.1", "36.2"), pdf(str(i)), f"{i}.pdf")
    with CaptureQueriesContext(connection) as many:
        assert len(campaign_source(campaign).evidence) == 11
    assert len(many) == len(few)
