"""`demozone manage verify_snapshot`: the seal and the scorecard recomputed from the stored snapshot.

To play an attacker with database access, a test drops the write-once trigger (inside the test's
transaction, so it comes back) and rewrites the row with raw SQL.
"""

from __future__ import annotations

import hashlib
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from demozone.core.seal import canonical_json
from demozone.web.reviews import services, snapshots

from .reviews_support import people, submitted_self

pytestmark = pytest.mark.django_db

# The trigger of migration reviews 0002, per database vendor.
_DROP_TRIGGER = {
    "sqlite": "DROP TRIGGER IF EXISTS reviews_snapshot_no_update",
    "postgresql": "DROP TRIGGER IF EXISTS reviews_snapshot_write_once ON reviews_snapshot",
}


# The DELETE trigger of migration reviews 0004.
_DROP_DELETE_TRIGGER = {
    "sqlite": "DROP TRIGGER IF EXISTS reviews_snapshot_no_delete",
    "postgresql": "DROP TRIGGER IF EXISTS reviews_snapshot_no_delete ON reviews_snapshot",
}


def tamper(snapshot, *, document: str, seal: str | None = None) -> None:
    """Rewrite a stored snapshot behind the application's back."""
    with connection.cursor() as cursor:
        cursor.execute(_DROP_TRIGGER[connection.vendor])
        cursor.execute(
            "UPDATE reviews_snapshot SET document = %s, seal = %s WHERE id = %s",
            [document, seal or snapshot.seal, snapshot.pk],
        )


def verify(*args: str) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("verify_snapshot", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_a_sealed_snapshot_verifies_and_the_output_names_version_campaign_and_seal():
    p = people()
    snap = submitted_self(p)
    out, error = verify(str(snap.pk))
    assert error is None
    assert f"快照 v{snap.version}" in out
    assert f"「{p.campaign.name}」" in out
    assert snap.seal in out
    assert "核验通过" in out


def test_one_changed_byte_in_the_stored_document_fails_on_the_seal():
    p = people()
    snap = submitted_self(p)
    text = snap.document
    at = text.index('"region":') + len('"region":"')
    changed = text[:at] + ("X" if text[at] != "X" else "Y") + text[at + 1 :]
    assert len(changed) == len(text)
    tamper(snap, document=changed)
    out, error = verify(str(snap.pk))
    assert error is not None and error.returncode == 1
    assert "核验未通过" in out
    assert "封存摘要不符" in out
    assert "快照核验未通过：1 个快照有问题" in str(error)


def test_a_changed_score_with_a_recomputed_seal_still_fails_on_the_scorecard():
    p = people()
    snap = submitted_self(p)
    doc = snapshots.read(snap)
    doc["scorecard"]["total"] = Decimal(str(doc["scorecard"]["total"])) + 10
    doc["scorecard"]["passed"] = True
    text = canonical_json(doc).decode("utf-8")
    tamper(snap, document=text, seal=hashlib.sha256(text.encode()).hexdigest())
    out, error = verify(str(snap.pk))
    assert error is not None and error.returncode == 1
    assert "封存摘要不符" not in out
    assert "评分表与重新计算的结果不符：total" in out
    # The audit trail still holds the seal the snapshot was sealed with.
    assert f"封存摘要 {hashlib.sha256(text.encode()).hexdigest()} 与审计记录" in out


def test_a_changed_figure_in_the_input_with_a_recomputed_seal_fails_too():
    p = people()
    snap = submitted_self(p)
    doc = json.loads(snap.document, parse_float=Decimal)
    doc["input"]["judgments"] = dict.fromkeys(doc["input"]["judgments"], False)
    text = canonical_json(doc).decode("utf-8")
    tamper(snap, document=text, seal=hashlib.sha256(text.encode()).hexdigest())
    out, error = verify(str(snap.pk))
    assert error is not None
    assert "评分表与重新计算的结果不符" in out


def test_an_unknown_id_is_a_clear_chinese_error():
    out, error = verify("999999")
    assert error is not None and error.returncode == 2
    assert str(error) == "快照不存在：编号 999999"
    assert out == ""


def test_nothing_asked_is_an_error_that_says_how_to_ask():
    _, error = verify()
    assert error is not None and error.returncode == 2
    assert "--all" in str(error)


def test_all_verifies_every_snapshot_and_fails_if_one_is_broken():
    p = people()
    first = submitted_self(p)
    second = services.submit_self_round(p.access(p.office), first.round_id)
    out, error = verify("--all")
    assert error is None
    assert "全部 2 个快照核验通过" in out
    tamper(first, document=first.document + " ")
    out, error = verify("--all")
    assert error is not None and error.returncode == 1
    assert f"快照 v{first.version}" in out and f"快照 v{second.version}" in out
    assert out.count("：核验通过") == 1 and out.count("：核验未通过") == 1


def test_a_campaign_and_several_ids_select_their_snapshots():
    p = people()
    first = submitted_self(p)
    second = services.submit_self_round(p.access(p.office), first.round_id)
    out, error = verify("--campaign", str(p.campaign.pk))
    assert error is None and out.count("：核验通过") == 2
    out, error = verify(str(first.pk), str(second.pk))
    assert error is None and out.count("：核验通过") == 2
    _, error = verify("--campaign", "999999")
    assert error is not None and error.returncode == 2
    assert "创建活动不存在" in str(error)


def test_a_snapshot_deleted_behind_the_platforms_back_is_missed_by_the_audit_trail():
    p = people()
    first = submitted_self(p)
    second = services.submit_self_round(p.access(p.office), first.round_id)
    with connection.cursor() as cursor:
        cursor.execute(_DROP_DELETE_TRIGGER[connection.vendor])
        cursor.execute("DELETE FROM reviews_snapshot WHERE id = %s", [second.pk])
    out, error = verify("--campaign", str(p.campaign.pk))
    assert error is not None and error.returncode == 1
    assert f"所记的快照 v{second.version}（编号 {second.pk}）已不存在" in out
    assert "1 处与审计记录不符" in str(error)
