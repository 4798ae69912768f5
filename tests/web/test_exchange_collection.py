"""Excel 数据采集 on the platform: download, fill in with openpyxl, upload, preview, apply."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from demozone.core.needs import framework_needs
from demozone.reports.collection import COL_NEW, COL_PATH
from demozone.web.audit.models import AuditEvent
from demozone.web.campaigns.models import Department, Judgment, LargeOperator, MetricValue
from demozone.web.campaigns.services import Change, apply_changes, build_input, evaluate

from .factories import full_input, make_campaign, make_user

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def liaison(campaign):  # type: ignore[no-untyped-def]
    # 市人社局 leads #7 and supports #20 and #22 in 附件2.
    return make_user("renshe", campaign, "liaison", "市人社局")


def download(client: Any, campaign: Any, department: Department | None = None) -> bytes:
    url = reverse("collection_workbook", args=[campaign.pk])
    if department is not None:
        url += f"?department={department.pk}"
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    return response.content


def fill(data: bytes, sheet: str, values: dict[str, Any]) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheet]
    rows = {ws.cell(r, COL_PATH).value: r for r in range(4, ws.max_row + 1)}
    for path, value in values.items():
        ws.cell(rows[path], COL_NEW).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def cell_of(data: bytes, sheet: str, path: str) -> str:
    ws = load_workbook(io.BytesIO(data))[sheet]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, COL_PATH).value == path)
    return f"F{row}"


def upload(client: Any, campaign: Any, data: bytes) -> Any:
    file = SimpleUploadedFile("采集表.xlsx", data, content_type=XLSX)
    return client.post(reverse("collection_upload", args=[campaign.pk]), {"workbook": file})


def confirm(client: Any, campaign: Any, preview: Any) -> Any:
    ctx = preview.context["preview"]
    return client.post(
        reverse("collection_apply", args=[campaign.pk]),
        {"token": ctx.token, "digest": ctx.digest},
    )


def test_generate_fill_upload_gives_the_same_values_as_the_form(client, empty_campaign):
    office = make_user("office", empty_campaign, "office")
    client.force_login(office)
    data = download(client, empty_campaign)
    doc = full_input()
    values = {f"counts.{k}": v for k, v in doc["counts"].items()} | {
        f"rates.{s}.{k}": v for s, block in doc["rates"].items() for k, v in block.items()
    }
    values |= {
        f"statistics.region.{m}.{y}": float(v) if isinstance(v, Decimal) else v
        for m, series in doc["statistics"]["region"].items()
        for y, v in series.items()
    }
    values = {k: float(v) if isinstance(v, Decimal) else v for k, v in values.items()}
    judged = {
        f"judgments.{item}": ("是" if value is True else value)
        for item, value in doc["judgments"].items()
    }
    filled = fill(fill(data, "数据", values), "判定", judged)
    wb = load_workbook(io.BytesIO(filled))
    ops = wb["规上经营者"]
    ops["B6"], ops["C6"], ops["D6"] = "某电子商务有限公司", 2023, 25000
    out = io.BytesIO()
    wb.save(out)

    preview = upload(client, empty_campaign, out.getvalue())
    assert preview.status_code == 200, preview.content.decode()[:2000]
    page = preview.content.decode()
    assert "核对导入内容" in page and "（未填报）" in page
    assert MetricValue.objects.filter(campaign=empty_campaign).count() == 0  # nothing yet
    done = confirm(client, empty_campaign, preview)
    assert done.status_code == 302

    reference = make_campaign(departments=5, region="泰州市")
    got, want = build_input(empty_campaign), build_input(reference)
    for key in ("statistics", "counts", "rates", "judgments", "large_operators"):
        assert got[key] == want[key], key
    assert evaluate(empty_campaign).scorecard.total == evaluate(reference).scorecard.total
    assert AuditEvent.objects.filter(action="collection.upload").count() == 1


def test_the_preview_lists_field_current_and_new_and_saves_nothing(client, campaign, liaison):
    client.force_login(liaison)
    data = download(client, campaign, liaison.memberships.get().department)
    filled = fill(data, "数据", {"counts.online_employment": 46000})
    revision = campaign.revision
    response = upload(client, campaign, filled)
    assert response.status_code == 200
    (change,) = response.context["preview"].changes
    assert (change.label, change.current_text, change.new_text) == (
        "网络市场就业人员数量",
        "45000",
        "46000",
    )
    page = response.content.decode()
    assert "网络市场就业人员数量" in page and "45000" in page and "46000" in page
    campaign.refresh_from_db()
    assert campaign.revision == revision
    assert MetricValue.objects.get(campaign=campaign, metric="online_employment").value == 45000
    assert confirm(client, campaign, response).status_code == 302
    row = MetricValue.objects.get(campaign=campaign, metric="online_employment")
    assert (row.value, row.entered_by) == (46000, liaison)


def test_a_broken_cell_anywhere_changes_nothing_and_names_the_cell(client, campaign, office):
    client.force_login(office)
    data = download(client, campaign)
    filled = fill(
        data,
        "数据",
        {"counts.online_employment": 46000, "counts.tips_total": -5},
    )
    before = build_input(campaign)
    response = upload(client, campaign, filled)
    assert response.status_code == 422
    cell = cell_of(data, "数据", "counts.tips_total")
    assert f"工作表 数据 {cell}：应为不小于 0 的数字" in response.content.decode()
    assert build_input(campaign) == before


def test_a_cell_the_core_refuses_is_named_too_and_nothing_is_saved(client, campaign, office):
    client.force_login(office)
    data = download(client, campaign)
    # Each number is fine alone; together they break 「不能大于」, which only the core checks.
    filled = fill(
        data, "数据", {"counts.tips_verified_on_time": 1200, "counts.platform_users": 321}
    )
    before = build_input(campaign)
    response = upload(client, campaign, filled)
    assert response.status_code == 422
    cell = cell_of(data, "数据", "counts.tips_verified_on_time")
    assert f"工作表 数据 {cell}：不能大于 counts.tips_total" in response.content.decode()
    assert build_input(campaign) == before


def test_another_departments_workbook_is_refused(client, campaign, liaison):
    other = Department.objects.get(campaign=campaign, name="市商务局")
    office = make_user("office", campaign, "office")
    client.force_login(office)
    theirs = fill(download(client, campaign, other), "判定", {})
    client.force_login(liaison)
    response = upload(client, campaign, theirs)
    assert response.status_code == 403
    assert (
        "这是「市商务局」的采集表，您只能导入本单位（市人社局）的采集表"
        in response.content.decode()
    )
    assert AuditEvent.objects.filter(action="access.denied").exists()


def test_another_campaigns_workbook_is_refused(client, campaign, office):
    other = make_campaign(departments=5, region="泰州市")
    boss = make_user("boss", other, "office")
    client.force_login(boss)
    theirs = download(client, other)
    client.force_login(office)
    response = upload(client, campaign, theirs)
    assert response.status_code == 403
    assert "不能导入本创建活动" in response.content.decode()


def test_a_liaison_downloads_only_its_own_departments_workbook(client, campaign, liaison):
    client.force_login(liaison)
    own = liaison.memberships.get().department
    wb = load_workbook(io.BytesIO(download(client, campaign, own)))
    data = {wb["数据"].cell(r, COL_PATH).value for r in range(4, wb["数据"].max_row + 1)}
    needs = framework_needs(campaign.core_framework, campaign.years)
    numbers = set(campaign.assignments.filter(department=own).values_list("indicator", flat=True))
    assert 7 in numbers and 17 not in numbers
    assert data == {p for n in numbers for p in needs[n].value_paths}
    assert "counts.online_employment" in data and "counts.tips_total" not in data
    other = Department.objects.get(campaign=campaign, name="市商务局")
    url = reverse("collection_workbook", args=[campaign.pk])
    assert client.get(f"{url}?department={other.pk}").status_code == 403
    assert client.get(url).status_code == 403  # the whole campaign's is the office's
    page = client.get(reverse("collection", args=[campaign.pk])).content.decode()
    assert "市人社局" in page and "市商务局" not in page


def test_read_only_roles_neither_download_nor_upload(client, campaign):
    leader = make_user("leader", campaign, "leader")
    client.force_login(leader)
    assert client.get(reverse("collection", args=[campaign.pk])).status_code == 403
    assert upload(client, campaign, b"x").status_code == 403


def test_a_value_changed_on_the_platform_after_download_is_a_conflict(client, campaign, liaison):
    client.force_login(liaison)
    data = download(client, campaign, liaison.memberships.get().department)
    office = make_user("office", campaign, "office")
    apply_changes(
        campaign,
        [Change("counts.online_employment", Decimal(45500))],
        office,
        allowed=lambda p: True,
    )
    response = upload(client, campaign, fill(data, "数据", {"counts.online_employment": 46000}))
    assert response.status_code == 422
    cell = cell_of(data, "数据", "counts.online_employment")
    assert f"工作表 数据 {cell}：本表生成后，平台上的该数据已被修改" in response.content.decode()
    assert MetricValue.objects.get(campaign=campaign, metric="online_employment").value == 45500


def test_a_change_between_preview_and_confirmation_is_not_applied(client, campaign, liaison):
    client.force_login(liaison)
    data = download(client, campaign, liaison.memberships.get().department)
    preview = upload(client, campaign, fill(data, "数据", {"counts.total_employment": 4200000}))
    assert preview.status_code == 200
    office = make_user("office", campaign, "office")
    apply_changes(
        campaign,
        [Change("counts.total_employment", Decimal(4150000))],
        office,
        allowed=lambda p: True,
    )
    response = confirm(client, campaign, preview)
    assert response.status_code == 422
    assert MetricValue.objects.get(campaign=campaign, metric="total_employment").value == 4150000


def test_a_confirmation_is_used_once_and_only_by_its_uploader(client, campaign, liaison):
    client.force_login(liaison)
    data = download(client, campaign, liaison.memberships.get().department)
    preview = upload(client, campaign, fill(data, "判定", {"judgments.20.1": "否"}))
    other = make_user("renshe2", campaign, "liaison", "市人社局")
    client.force_login(other)
    refused = confirm(client, campaign, preview)
    assert refused.status_code == 302
    assert Judgment.objects.get(campaign=campaign, item="20.1").met is True
    assert "预览已过期或已导入" in client.get(refused.url).content.decode()
    client.force_login(liaison)
    assert confirm(client, campaign, preview).status_code == 302
    assert Judgment.objects.get(campaign=campaign, item="20.1").met is False
    again = confirm(client, campaign, preview)
    assert "预览已过期或已导入" in client.get(again.url).content.decode()


def test_a_liaison_whose_indicator_was_reassigned_cannot_write_through_an_old_workbook(
    client, campaign, liaison
):
    client.force_login(liaison)
    data = download(client, campaign, liaison.memberships.get().department)
    campaign.assignments.filter(indicator=7).delete()
    response = upload(client, campaign, fill(data, "数据", {"counts.online_employment": 1}))
    assert response.status_code == 422
    assert "不负责该数据项" in response.content.decode()


def test_the_operator_list_round_trips(client, campaign, office):
    client.force_login(office)
    data = download(client, campaign)
    wb = load_workbook(io.BytesIO(data))
    ws = wb["规上经营者"]
    ws["B7"], ws["C7"], ws["D7"] = "另一电商公司", 2022, 21000
    out = io.BytesIO()
    wb.save(out)
    preview = upload(client, campaign, out.getvalue())
    assert preview.status_code == 200
    assert confirm(client, campaign, preview).status_code == 302
    names = list(LargeOperator.objects.filter(campaign=campaign).values_list("name", flat=True))
    assert names == ["某电子商务有限公司", "另一电商公司"]


def test_the_pages_show_the_download_and_upload_forms(client, campaign, office):
    client.force_login(office)
    page = client.get(reverse("collection", args=[campaign.pk])).content.decode()
    assert "下载全部指标的采集表" in page and 'name="workbook"' in page
    assert "市人社局" in page and "<script>" not in page
    dashboard = client.get(reverse("dashboard", args=[campaign.pk])).content.decode()
    assert reverse("collection", args=[campaign.pk]) in dashboard
