"""No code path changes or removes a sealed snapshot: every write path is refused, by the ORM,
the database or the admin site, and the whole review flow only ever adds new versions."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, models, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from demozone.web.reviews import services
from demozone.web.reviews.models import Snapshot, SnapshotLockedError, Stage

from .reviews_support import judge, people, submitted_self

pytestmark = pytest.mark.django_db

WHOLE = "10"


def rows() -> dict[int, dict[str, Any]]:
    """Every stored snapshot, every column, as the database has it."""
    return {row["id"]: row for row in Snapshot._base_manager.order_by("id").values()}


def assert_kept(before: dict[int, dict[str, Any]]) -> dict[int, dict[str, Any]]:
    after = rows()
    for pk, row in before.items():
        assert after.get(pk) == row, f"snapshot {pk} changed"
    return after


@pytest.fixture
def sealed():
    p = people()
    return p, submitted_self(p)


def test_saving_an_existing_snapshot_is_refused(sealed):
    _, snap = sealed
    before = rows()
    snap.document = snap.document.replace("盐城市", "淮安市")
    with pytest.raises(SnapshotLockedError):
        snap.save()
    with pytest.raises(SnapshotLockedError):
        snap.save(update_fields=["document"])
    assert_kept(before)


def test_deleting_a_snapshot_is_refused(sealed):
    _, snap = sealed
    before = rows()
    with pytest.raises(SnapshotLockedError):
        snap.delete()
    assert_kept(before)


@pytest.mark.parametrize(
    "write",
    [
        lambda s: Snapshot.objects.filter(pk=s.pk).update(seal="0" * 64),
        lambda s: Snapshot.objects.update(total=0),
        lambda s: Snapshot.objects.filter(pk=s.pk).delete(),
        lambda s: Snapshot.objects.all().delete(),
        lambda s: Snapshot.objects.bulk_update([s], ["seal"]),
        lambda s: Snapshot.objects.update_or_create(pk=s.pk, defaults={"seal": "0" * 64}),
    ],
    ids=["update", "manager_update", "delete", "delete_all", "bulk_update", "update_or_create"],
)
def test_queryset_writes_are_refused(sealed, write):
    _, snap = sealed
    before = rows()
    snap.seal = "0" * 64
    with pytest.raises(SnapshotLockedError):
        write(snap)
    assert_kept(before)


def test_raw_sql_update_is_refused_by_the_database(sealed):
    _, snap = sealed
    before = rows()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE reviews_snapshot SET seal = %s WHERE id = %s", ["0" * 64, snap.pk])
    assert_kept(before)


def test_raw_sql_delete_is_refused_by_the_database(sealed):
    _, snap = sealed
    before = rows()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM reviews_snapshot WHERE id = %s", [snap.pk])
    assert_kept(before)


def test_the_base_manager_django_uses_internally_refuses_writes_too(sealed):
    _, snap = sealed
    before = rows()
    with pytest.raises(SnapshotLockedError):
        Snapshot._base_manager.filter(pk=snap.pk).update(seal="0" * 64)
    with pytest.raises(SnapshotLockedError):
        Snapshot._base_manager.filter(pk=snap.pk).delete()
    assert_kept(before)


def test_an_update_past_the_guarded_queryset_is_refused_by_the_database(sealed):
    _, snap = sealed
    before = rows()
    with pytest.raises(DatabaseError), transaction.atomic():
        models.QuerySet(Snapshot).filter(pk=snap.pk).update(seal="0" * 64)
    assert_kept(before)


def test_an_insert_that_would_overwrite_on_conflict_is_refused_by_the_database(sealed):
    _, snap = sealed
    before = rows()
    twin = Snapshot(**{k: v for k, v in before[snap.pk].items() if k != "id"} | {"document": "{}"})
    with pytest.raises(DatabaseError), transaction.atomic():
        Snapshot.objects.bulk_create(
            [twin],
            update_conflicts=True,
            unique_fields=["campaign", "version"],
            update_fields=["document", "seal"],
        )
    assert_kept(before)


def test_deleting_the_campaign_or_the_round_is_protected(sealed):
    p, snap = sealed
    before = rows()
    with pytest.raises(ProtectedError), transaction.atomic():
        p.campaign.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        snap.round.delete()
    assert_kept(before)


# --- the admin site ------------------------------------------------------------------------------


@pytest.fixture
def root():
    user = get_user_model().objects.create(username="root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_lists_and_shows_snapshots_read_only(sealed, root):
    _, snap = sealed
    listing = root.get(reverse("admin:reviews_snapshot_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert f"快照 v{snap.version}" in html
    assert 'name="action"' not in html  # no bulk delete
    page = root.get(reverse("admin:reviews_snapshot_change", args=[snap.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert snap.seal in html
    assert 'name="_save"' not in html and 'name="document"' not in html


def test_the_admin_refuses_to_add_change_or_delete_a_snapshot(sealed, root):
    _, snap = sealed
    before = rows()
    change = reverse("admin:reviews_snapshot_change", args=[snap.pk])
    assert root.post(change, {"seal": "0" * 64, "_save": "保存"}).status_code == 403
    delete = reverse("admin:reviews_snapshot_delete", args=[snap.pk])
    assert root.get(delete).status_code == 403
    assert root.post(delete, {"post": "yes"}).status_code == 403
    assert root.get(reverse("admin:reviews_snapshot_add")).status_code == 403
    changelist = reverse("admin:reviews_snapshot_changelist")
    bulk = {"action": "delete_selected", "_selected_action": [snap.pk], "post": "yes"}
    root.post(changelist, bulk)
    assert_kept(before)


# --- every service after submission --------------------------------------------------------------


def test_the_whole_review_flow_only_ever_adds_snapshots():
    p = people()
    first = submitted_self(p)
    seen = rows()
    office, reviewer = p.access(p.office), p.access(p.reviewer)

    second = services.submit_self_round(office, first.round_id)  # resubmit
    seen = assert_kept(seen)
    round_ = services.open_review_round(reviewer, Stage.PROVINCIAL, second.pk)
    seen = assert_kept(seen)
    seats = [services.PanelSeat(e.pk, is_lead=i == 0) for i, e in enumerate(p.experts)]
    services.set_panel(reviewer, round_.pk, seats)
    seen = assert_kept(seen)
    judge(p, round_, p.experts[0], {WHOLE: "2"}, submit=False)  # votes saved, not submitted
    seen = assert_kept(seen)
    services.submit_votes(p.access(p.experts[0]), round_.pk)
    judge(p, round_, p.experts[1], {WHOLE: "0"})
    judge(p, round_, p.experts[2], {WHOLE: "1"})
    seen = assert_kept(seen)
    services.reconcile(p.access(p.experts[0]), round_.pk, WHOLE, "1.5", "材料基本齐全")
    seen = assert_kept(seen)
    services.override(reviewer, round_.pk, "7", "0", "口径不符")
    seen = assert_kept(seen)
    services.return_round(reviewer, round_.pk, {WHOLE: "补充会议纪要"}, "请修改")
    seen = assert_kept(seen)

    third = services.submit_self_round(office, first.round_id)  # resubmit after the return
    seen = assert_kept(seen)
    again = services.open_review_round(reviewer, Stage.PROVINCIAL, third.pk)
    services.set_panel(reviewer, again.pk, seats)
    for expert in p.experts:
        judge(p, again, expert)
    approved = services.approve(reviewer, again.pk, "同意")
    seen = assert_kept(seen)
    national = services.open_review_round(reviewer, Stage.NATIONAL, approved.pk)
    services.set_panel(reviewer, national.pk, seats)
    for expert in p.experts:
        judge(p, national, expert)
    services.approve(reviewer, national.pk)
    seen = assert_kept(seen)

    assert [row["version"] for row in seen.values()] == [1, 2, 3, 4, 5, 6]
    assert [row["event"] for row in seen.values()] == [
        "submitted", "resubmitted", "returned", "resubmitted", "approved", "approved",
    ]  # fmt: skip
