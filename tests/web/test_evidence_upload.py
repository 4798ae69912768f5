"""Uploading evidence: accepted by content, refused with a clear message and nothing left behind."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from demozone.web.audit.models import AuditEvent
from demozone.web.campaigns.models import Campaign, Department
from demozone.web.evidence.models import Evidence, EvidenceLink

from . import evidence_files as files
from .evidence_support import (  # noqa: F401 — the *_fixture names register fixtures
    OTHER,
    OWN,
    camp_fixture,
    files_in,
    people_fixture,
    post_files,
    store_fixture,
    upload_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def liaison(client, people):
    client.force_login(people["liaison"])
    return client


def dept(campaign, name):
    return Department.objects.get(campaign=campaign, name=name)


def refused(response, *fragments):
    text = response.content.decode()
    assert response.status_code == 422, text[:500]
    for fragment in fragments:
        assert fragment in text, fragment
    return text


def test_a_liaison_uploads_a_pdf_linked_to_36_2_and_it_lands_by_content_hash(
    liaison, camp, store, django_capture_on_commit_callbacks
):
    data = files.pdf("网络交易监测报告")
    revision = camp.revision
    with django_capture_on_commit_callbacks(execute=True):
        response = post_files(
            liaison, camp, [("网络交易监测报告.pdf", data)], title="监测报告", items=["36.2"]
        )
    evidence = Evidence.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence_detail", args=[camp.pk, evidence.pk])
    sha = hashlib.sha256(data).hexdigest()
    version = evidence.current
    assert (version.sha256, version.size, version.filename, version.kind) == (
        sha,
        len(data),
        "网络交易监测报告.pdf",
        "pdf",
    )
    assert evidence.department.name == OWN and evidence.status == Evidence.Status.DRAFT
    assert list(EvidenceLink.objects.values_list("item", "indicator")) == [("36.2", 36)]
    assert files_in(store) == [store / "evidence" / sha[:2] / sha]
    assert (store / "evidence" / sha[:2] / sha).read_bytes() == data
    assert Campaign.objects.get(pk=camp.pk).revision > revision
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", "indicator"))
    assert actions[-2:] == [("evidence.upload", None), ("evidence.link", 36)]


def test_several_files_at_once_make_one_piece_of_evidence_each(
    liaison, camp, store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_files(
            liaison,
            camp,
            [("方案.docx", files.docx()), ("台账.xlsx", files.xlsx()), ("现场.jpg", files.jpg())],
            title="专项整治",
        )
    assert response.status_code == 302
    titles = sorted(Evidence.objects.values_list("title", flat=True))
    assert titles == ["专项整治（台账）", "专项整治（方案）", "专项整治（现场）"]
    assert len(files_in(store)) == 3


@pytest.mark.parametrize(
    ("content", "reason"),
    [(files.elf(), "可执行程序（ELF）"), (files.exe(), "Windows 可执行程序")],
)
def test_an_executable_renamed_pdf_is_refused_and_leaves_nothing(
    liaison, camp, store, content, reason
):
    response = post_files(liaison, camp, [("年度总结.pdf", content)])
    refused(response, "“年度总结.pdf”未被接受", reason)
    assert files_in(store) == [] and not Evidence.objects.exists()


def test_a_path_traversal_filename_is_refused_and_leaves_nothing(liaison, camp, store):
    response = post_files(liaison, camp, [("../../etc/passwd.pdf", files.pdf())])
    refused(response, "“../../etc/passwd.pdf”未被接受", "文件名不能包含路径")
    assert files_in(store) == [] and not Evidence.objects.exists()


def test_an_oversize_file_is_refused_while_streaming_and_leaves_nothing(
    liaison, camp, store, settings
):
    settings.EVIDENCE_UPLOAD_MAX_BYTES = 64 * 1024
    big = files.pdf("x" * (300 * 1024))
    response = post_files(liaison, camp, [("大文件.pdf", big)])
    refused(response, "“大文件.pdf”未被接受", "超过单个文件上限 0.1 MB")
    assert files_in(store) == [] and not Evidence.objects.exists()


def test_a_request_over_the_request_limit_is_refused_before_its_body_is_read(
    liaison, camp, store, settings
):
    settings.EVIDENCE_REQUEST_MAX_BYTES = 1024 * 1024
    response = liaison.generic(
        "POST",
        upload_url(camp),
        b"--x--\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert response.status_code == 413
    assert "本次上传共 2048 MB，超过单次上传上限 1.0 MB" in response.content.decode()
    assert files_in(store) == []


def test_a_zip_bomb_is_refused_and_leaves_nothing(liaison, camp, store):
    bomb = files.zip_bomb(megabytes=20)
    assert len(bomb) < 100 * 1024
    response = post_files(liaison, camp, [("材料汇编.zip", bomb)])
    refused(response, "“材料汇编.zip”未被接受", "疑似压缩炸弹")
    assert files_in(store) == [] and not Evidence.objects.exists()


def test_a_zip_with_parent_directory_paths_is_refused_and_leaves_nothing(liaison, camp, store):
    response = post_files(liaison, camp, [("材料.zip", files.traversal_zip())])
    refused(response, "“材料.zip”未被接受", "“../../etc/cron.d/evil.pdf”含有“..”")
    assert files_in(store) == [] and not Evidence.objects.exists()


def test_one_refused_file_among_good_ones_saves_none_of_them(liaison, camp, store):
    response = post_files(
        liaison, camp, [("a.pdf", files.pdf()), ("b.png", files.png()), ("c.pdf", files.elf())]
    )
    refused(response, "“c.pdf”未被接受", "本次选择的文件都没有保存")
    assert files_in(store) == [] and not Evidence.objects.exists()


def test_the_form_keeps_what_was_typed_after_a_refusal(liaison, camp, store):
    text = refused(
        post_files(liaison, camp, [("a.pdf", files.elf())], title="保留的标题", items=["36.2"])
    )
    assert 'value="保留的标题"' in text
    assert '<option value="36.2" selected>' in text


def test_an_unknown_item_is_refused_with_a_message(liaison, camp, store):
    response = post_files(liaison, camp, [("a.pdf", files.pdf())], items=["99.9"])
    refused(response, "评分项“99.9”不存在")
    assert files_in(store) == []


def test_no_file_at_all_is_refused_with_a_message(liaison, camp, store):
    refused(post_files(liaison, camp, [], title="空"), "请选择要上传的文件")


def test_a_liaison_cannot_upload_for_another_department(liaison, camp, store):
    response = post_files(liaison, camp, [("a.pdf", files.pdf())], department=dept(camp, OTHER).pk)
    assert response.status_code == 403
    assert files_in(store) == [] and not Evidence.objects.exists()


def test_a_liaison_cannot_link_an_indicator_not_assigned_to_its_department(liaison, camp, store):
    response = post_files(liaison, camp, [("a.pdf", files.pdf())], items=["12.1"])
    assert response.status_code == 403
    assert "12.1" in response.content.decode()
    assert files_in(store) == [] and not Evidence.objects.exists()


@pytest.mark.parametrize("role", ["reviewer", "leader", "expert"])
def test_read_only_roles_cannot_upload(client, people, camp, store, role):
    client.force_login(people[role])
    response = post_files(client, camp, [("a.pdf", files.pdf())])
    assert response.status_code == 403
    assert files_in(store) == [] and not Evidence.objects.exists()


def test_an_upload_without_a_csrf_token_is_refused_and_leaves_nothing(people, camp, store):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["liaison"])
    response = post_files(client, camp, [("a.pdf", files.pdf())])
    assert response.status_code == 403
    assert files_in(store) == [] and not Evidence.objects.exists()


def test_the_office_uploads_for_any_department(
    client, people, camp, store, django_capture_on_commit_callbacks
):
    client.force_login(people["office"])
    with django_capture_on_commit_callbacks(execute=True):
        response = post_files(
            client, camp, [("a.pdf", files.pdf())], department=dept(camp, OTHER).pk, items=["12.1"]
        )
    assert response.status_code == 302
    assert Evidence.objects.get().department.name == OTHER


def test_the_office_must_name_the_department(client, people, camp, store):
    client.force_login(people["office"])
    refused(post_files(client, camp, [("a.pdf", files.pdf())]), "请选择提供材料的单位")
    assert files_in(store) == []


def test_a_chinese_name_comes_back_in_the_download_headers(
    liaison, camp, store, django_capture_on_commit_callbacks
):
    data = files.pdf()
    with django_capture_on_commit_callbacks(execute=True):
        post_files(liaison, camp, [("盐城市 工作方案.pdf", data)])
    evidence = Evidence.objects.get()
    response = liaison.get(reverse("evidence_download", args=[camp.pk, evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        f'attachment; filename="evidence-{evidence.pk}-v1.pdf"; '
        f"filename*=UTF-8''{quote('盐城市 工作方案.pdf', safe='')}"
    )
