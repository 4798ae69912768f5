"""The evidence library's pages: versions, links, status, 回收站, downloads and who may do what."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.urls import reverse

from demozone.web.audit.models import AuditEvent
from demozone.web.campaigns.models import Campaign
from demozone.web.evidence import services
from demozone.web.evidence.models import Evidence

from . import evidence_files as files
from .evidence_support import (  # noqa: F401 — the *_fixture names register fixtures
    OTHER,
    OWN,
    access_of,
    camp_fixture,
    people_fixture,
    staged,
    store_fixture,
)
from .factories import make_campaign, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(camp, people, store, django_capture_on_commit_callbacks):
    """Upload as a user (the liaison by default) through the service, committed."""

    def do(data=None, *, name="报告.pdf", user="liaison", items=("36.2",), **kw):
        access = access_of(people[user], camp)
        with django_capture_on_commit_callbacks(execute=True):
            (evidence,) = services.upload(
                access, uploads=[staged(name, data or files.pdf())], items=items, **kw
            )
        return evidence

    return do


def as_user(client, people, who):
    client.force_login(people[who])
    return client


def url(name, camp, *args):
    return reverse(name, args=[camp.pk, *args])


# --- versions -----------------------------------------------------------------------------------


def test_a_new_version_keeps_the_old_one_with_its_sha256(
    client, camp, people, upload, django_capture_on_commit_callbacks
):
    first, second = files.pdf("第一版"), files.pdf("第二版")
    evidence = upload(first)
    services.change_status(access_of(people["liaison"], camp), evidence.pk, "submit")
    c = as_user(client, people, "liaison")
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            url("evidence_add_version", camp, evidence.pk),
            {"file": io.BytesIO(second)},
        )
    assert response.status_code == 302
    evidence.refresh_from_db()
    versions = list(evidence.versions.order_by("number").values_list("number", "sha256"))
    assert versions == [
        (1, hashlib.sha256(first).hexdigest()),
        (2, hashlib.sha256(second).hexdigest()),
    ]
    assert evidence.current.number == 2 and evidence.status == Evidence.Status.DRAFT
    old = c.get(url("evidence_version_download", camp, evidence.pk, 1))
    assert b"".join(old.streaming_content) == first
    page = c.get(url("evidence_detail", camp, evidence.pk)).content.decode()
    assert hashlib.sha256(first).hexdigest() in page and hashlib.sha256(second).hexdigest() in page
    assert AuditEvent.objects.filter(action="evidence.version").count() == 1


def test_a_refused_new_version_changes_nothing_and_leaves_nothing(
    client, camp, people, upload, store
):
    evidence = upload()
    before = sorted(p for p in store.rglob("*") if p.is_file())
    c = as_user(client, people, "liaison")
    response = c.post(
        url("evidence_add_version", camp, evidence.pk), {"file": io.BytesIO(files.elf())}
    )
    assert response.status_code == 422
    assert "可执行程序" in response.content.decode()
    assert evidence.versions.count() == 1
    assert sorted(p for p in store.rglob("*") if p.is_file()) == before


# --- links --------------------------------------------------------------------------------------


def test_links_are_added_and_removed_through_htmx(client, camp, people, upload):
    evidence = upload(items=())
    c = as_user(client, people, "liaison")
    response = c.post(
        url("evidence_link", camp, evidence.pk), {"item": "36.1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert (
        'id="evidence-links"' in response.content.decode() and "36.1" in response.content.decode()
    )
    assert list(evidence.links.values_list("item", flat=True)) == ["36.1"]
    c.post(url("evidence_unlink", camp, evidence.pk), {"item": "36.1"}, HTTP_HX_REQUEST="true")
    assert not evidence.links.exists()
    actions = (
        AuditEvent.objects.filter(indicator=36)
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert list(actions) == ["evidence.link", "evidence.unlink"]


def test_another_departments_liaison_cannot_link_or_change_the_evidence(
    client, camp, people, upload
):
    evidence = upload()
    c = as_user(client, people, "other")
    page = c.get(url("evidence_detail", camp, evidence.pk)).content.decode()
    assert "上传新版本" not in page and "取消关联" not in page and "移入回收站" not in page
    assert c.post(url("evidence_link", camp, evidence.pk), {"item": "36.1"}).status_code == 403
    assert c.post(url("evidence_delete", camp, evidence.pk)).status_code == 403


# --- status -------------------------------------------------------------------------------------


def test_submit_return_with_a_reason_resubmit_and_accept(client, camp, people, upload):
    evidence = upload()
    liaison = as_user(client, people, "liaison")
    liaison.post(url("evidence_status", camp, evidence.pk), {"action": "submit"})
    assert Evidence.objects.get().status == "submitted"
    assert (
        liaison.post(url("evidence_status", camp, evidence.pk), {"action": "accept"}).status_code
        == 403
    )

    office = as_user(client, people, "office")
    office.post(url("evidence_status", camp, evidence.pk), {"action": "return"})
    assert Evidence.objects.get().status == "submitted"  # a return needs a reason
    office.post(
        url("evidence_status", camp, evidence.pk), {"action": "return", "reason": "缺少盖章页"}
    )
    returned = Evidence.objects.get()
    assert (returned.status, returned.return_reason) == ("returned", "缺少盖章页")
    assert "缺少盖章页" in office.get(url("evidence_detail", camp, evidence.pk)).content.decode()

    liaison = as_user(client, people, "liaison")
    liaison.post(url("evidence_status", camp, evidence.pk), {"action": "submit"})
    office = as_user(client, people, "office")
    office.post(url("evidence_status", camp, evidence.pk), {"action": "accept"})
    accepted = Evidence.objects.get()
    assert (accepted.status, accepted.return_reason) == ("accepted", "")
    assert AuditEvent.objects.filter(action="evidence.status").count() == 4


def test_accepted_evidence_is_locked_for_the_liaison(client, camp, people, upload):
    evidence = upload()
    services.change_status(access_of(people["liaison"], camp), evidence.pk, "submit")
    services.change_status(access_of(people["office"], camp), evidence.pk, "accept")
    c = as_user(client, people, "liaison")
    assert c.post(url("evidence_delete", camp, evidence.pk)).status_code == 403
    assert c.post(url("evidence_link", camp, evidence.pk), {"item": "36.1"}).status_code == 403


# --- 回收站 -------------------------------------------------------------------------------------


def test_delete_moves_to_the_trash_and_the_office_restores_it(client, camp, people, upload):
    evidence = upload()
    liaison = as_user(client, people, "liaison")
    assert liaison.post(url("evidence_delete", camp, evidence.pk)).status_code == 302
    assert (
        "报告"
        not in liaison.get(url("evidence_library", camp))
        .content.decode()
        .split('id="evidence-list"')[1]
    )
    trash = liaison.get(url("evidence_trash", camp)).content.decode()
    assert "报告" in trash and "恢复</button>" not in trash
    assert liaison.post(url("evidence_restore", camp, evidence.pk)).status_code == 403

    office = as_user(client, people, "office")
    trash = office.get(url("evidence_trash", camp)).content.decode()
    assert "报告" in trash and "恢复</button>" in trash
    assert office.post(url("evidence_restore", camp, evidence.pk)).status_code == 302
    restored = Evidence.objects.get()
    assert restored.deleted_at is None and restored.links.count() == 1
    assert "报告" in office.get(url("evidence_library", camp)).content.decode()
    actions = list(
        AuditEvent.objects.filter(action__in=["evidence.delete", "evidence.restore"])
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["evidence.delete", "evidence.restore"]


def test_evidence_in_the_trash_is_hidden_from_other_members(client, camp, people, upload):
    evidence = upload()
    services.delete(access_of(people["liaison"], camp), evidence.pk)
    c = as_user(client, people, "reviewer")
    assert c.get(url("evidence_detail", camp, evidence.pk)).status_code == 403
    assert c.get(url("evidence_download", camp, evidence.pk)).status_code == 403
    # Its own department still sees it there.
    c = as_user(client, people, "liaison")
    assert c.get(url("evidence_detail", camp, evidence.pk)).status_code == 200


# --- downloads and reading ------------------------------------------------------------------------


def test_downloading_another_campaigns_file_is_refused(client, camp, people, upload, settings):
    evidence = upload()
    away = make_campaign(departments=2, filled=False, region="别的市")
    stranger = make_user("stranger", away, "office")
    c = as_user(client, {"s": stranger}, "s")
    assert c.get(url("evidence_download", camp, evidence.pk)).status_code == 403
    assert c.get(url("evidence_detail", camp, evidence.pk)).status_code == 403
    # Its own campaign's URL with the other campaign's evidence id: no such evidence there.
    assert c.get(url("evidence_download", away, evidence.pk)).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"), [("expert", 403), ("leader", 403), ("reviewer", 200), ("other", 200)]
)
def test_who_may_download_follows_the_policy(client, people, upload, role, status):
    evidence = upload()
    c = as_user(client, people, role)
    assert c.get(url("evidence_download", evidence.campaign, evidence.pk)).status_code == status


def test_the_library_filters_by_department_item_and_status(client, camp, people, upload):
    upload(name="甲.pdf", items=("36.2",))
    upload(
        files.png(),
        name="乙.png",
        user="office",
        department_id=camp.departments.get(name=OTHER).pk,
        items=("12.1",),
    )
    c = as_user(client, people, "reviewer")

    def titles(**params):
        page = c.get(url("evidence_library", camp), params).content.decode()
        return re.findall(r'/evidence/\d+/">([^<]+)</a>', page)

    assert sorted(titles()) == ["乙", "甲"]
    assert titles(item="36.2") == ["甲"] and titles(item="12") == ["乙"]
    assert titles(department=camp.departments.get(name=OWN).pk) == ["甲"]
    assert titles(status="submitted") == []
    partial = c.get(
        url("evidence_library", camp),
        {"item": "36"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="evidence-list",
    )
    assert partial.content.decode().startswith('<div id="evidence-list">')


@pytest.mark.parametrize(("role", "status"), [("leader", 403), ("expert", 403), ("reviewer", 200)])
def test_the_library_page_follows_the_policy(client, camp, people, role, status):
    assert as_user(client, people, role).get(url("evidence_library", camp)).status_code == status


def test_the_liaisons_upload_form_offers_only_its_departments_indicators(client, camp, people):
    page = as_user(client, people, "liaison").get(url("evidence_library", camp)).content.decode()
    form = page.split('id="evidence-items"')[1].split("</select>")[0]
    assert 'value="36.2"' in form and 'value="12.1"' not in form
    departments = page.split('id="evidence-department"')[1].split("</select>")[0]
    assert OWN in departments and OTHER not in departments


# --- what the dashboard and the indicator page show ---------------------------------------------


def cell(page, number):
    found = re.search(
        rf'<a class="dz-cell[^"]*"[^>]*>\s*<span class="dz-cell-no">{number}</span>', page
    )
    assert found, number
    return found.group(0)


def test_the_grid_marks_the_indicators_whose_items_lack_evidence(client, camp, people, upload):
    c = as_user(client, people, "office")
    page = c.get(url("dashboard", camp)).content.decode()
    assert page.count("dz-cell-no-evidence") == 41 and "尚缺佐证材料" in page
    assert '缺佐证材料：36.1、36.2、36.3"' in cell(page, 36)

    evidence = upload(items=("36.1", "36.2"))
    assert '缺佐证材料：36.3"' in cell(c.get(url("dashboard", camp)).content.decode(), 36)
    services.link(access_of(people["liaison"], camp), evidence.pk, "36.3")
    page = c.get(url("dashboard", camp)).content.decode()
    assert "dz-cell-no-evidence" not in cell(page, 36)
    assert page.count("dz-cell-no-evidence") == 40

    # Returned evidence has to be redone: it no longer counts.
    services.change_status(access_of(people["liaison"], camp), evidence.pk, "submit")
    services.change_status(access_of(people["office"], camp), evidence.pk, "return", "模糊")
    assert "dz-cell-no-evidence" in cell(c.get(url("dashboard", camp)).content.decode(), 36)


def test_evidence_for_the_whole_indicator_covers_all_its_items(client, camp, people, upload):
    upload(items=("36",))
    page = as_user(client, people, "office").get(url("dashboard", camp)).content.decode()
    assert "dz-cell-no-evidence" not in cell(page, 36)


def test_deleted_evidence_does_not_count_on_the_grid(client, camp, people, upload):
    evidence = upload(items=("36",))
    services.delete(access_of(people["liaison"], camp), evidence.pk)
    page = as_user(client, people, "office").get(url("dashboard", camp)).content.decode()
    assert "dz-cell-no-evidence" in cell(page, 36)


def test_evidence_changes_bump_the_campaign_revision(camp, people, upload):
    revisions = [Campaign.objects.get(pk=camp.pk).revision]
    evidence = upload()
    revisions.append(Campaign.objects.get(pk=camp.pk).revision)
    services.link(access_of(people["liaison"], camp), evidence.pk, "36.1")
    revisions.append(Campaign.objects.get(pk=camp.pk).revision)
    services.delete(access_of(people["liaison"], camp), evidence.pk)
    revisions.append(Campaign.objects.get(pk=camp.pk).revision)
    assert revisions == sorted(set(revisions))


def test_the_indicator_page_lists_its_evidence_item_by_item(client, camp, people, upload):
    upload(name="抽检报告.pdf", items=("36.2",))
    page = (
        as_user(client, people, "reviewer")
        .get(reverse("indicator", args=[camp.pk, 36]))
        .content.decode()
    )
    section = page.split('id="indicator-evidence"')[1]
    assert "抽检报告" in section and "尚缺佐证材料：36.1、36.3" in section


def test_the_indicator_page_offers_the_upload_only_to_its_departments(client, camp, people):
    own = (
        as_user(client, people, "liaison")
        .get(reverse("indicator", args=[camp.pk, 36]))
        .content.decode()
    )
    assert "上传佐证材料</a>" in own
    other = (
        as_user(client, people, "other")
        .get(reverse("indicator", args=[camp.pk, 36]))
        .content.decode()
    )
    assert "上传佐证材料</a>" not in other


def test_the_leader_sees_no_evidence_on_the_indicator_page(client, camp, people, upload):
    upload(name="抽检报告.pdf")
    page = (
        as_user(client, people, "leader")
        .get(reverse("indicator", args=[camp.pk, 36]))
        .content.decode()
    )
    assert "抽检报告" not in page and "您的角色不能查看本指标的佐证材料" in page
