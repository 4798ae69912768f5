"""The audit trail's hash chain: appending, the append-only rule, and audit_verify."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from demozone.web.audit import chain
from demozone.web.audit.models import AuditEvent, AuditHead, AuditImmutableError
from demozone.web.audit.services import record, verify_chain

pytestmark = pytest.mark.django_db


def _append(n: int) -> list[AuditEvent]:
    return [
        record(
            action="value.update",
            actor=None,
            target=f"counts.item_{i}",
            before={"value": Decimal("1.50")},
            after={"value": Decimal(i)},
            message=f"修改第 {i} 项",
        )
        for i in range(n)
    ]


def _sql(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The trigger refuses every change: the tests tamper as an attacker with DDL rights.
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(statement, params or [])


def _verify_fails() -> str:
    with pytest.raises(CommandError) as caught:
        call_command("audit_verify")
    assert caught.value.returncode == 1
    return str(caught.value)


def test_rows_are_chained_each_to_the_hash_of_the_one_before():
    rows = _append(3)
    assert [r.sequence for r in rows] == [1, 2, 3]
    assert rows[0].prev_hash == chain.GENESIS
    assert rows[1].prev_hash == rows[0].hash
    assert rows[2].prev_hash == rows[1].hash
    assert AuditHead.objects.get().sequence == 3


def test_decimals_are_stored_as_strings_and_hash_the_same_after_reading_back():
    _append(1)
    row = AuditEvent.objects.values(*chain.FIELDS, "hash").get()
    assert row["before"] == {"value": "1.50"}
    assert chain.row_hash(row) == row["hash"]


def test_an_intact_chain_passes_audit_verify(capsys):
    _append(4)
    call_command("audit_verify")
    assert "审计记录校验通过（4 条）" in capsys.readouterr().out


def test_an_empty_trail_passes_audit_verify(capsys):
    call_command("audit_verify")
    assert "审计记录校验通过（0 条）" in capsys.readouterr().out


def test_the_orm_refuses_to_change_or_delete_a_row():
    row = _append(1)[0]
    row.message = "改过"
    with pytest.raises(AuditImmutableError):
        row.save()
    with pytest.raises(AuditImmutableError):
        row.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=row.pk).update(message="改过")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()
    assert verify_chain().ok


def test_editing_a_field_of_a_row_makes_audit_verify_name_that_row():
    _append(5)
    _sql("UPDATE audit_auditevent SET message = %s WHERE sequence = 3", ["悄悄改过"])
    problem = verify_chain().problem
    assert problem is not None
    assert (problem.sequence, problem.kind) == (3, "changed")
    assert "第 3 条记录" in _verify_fails()


def test_editing_a_json_value_of_a_row_is_caught():
    _append(3)
    _sql("UPDATE audit_auditevent SET after = %s WHERE sequence = 2", ['{"value": "99"}'])
    problem = verify_chain().problem
    assert problem is not None
    assert (problem.sequence, problem.kind) == (2, "changed")


def test_deleting_a_row_makes_audit_verify_name_the_gap():
    _append(5)
    _sql("DELETE FROM audit_auditevent WHERE sequence = 2")
    problem = verify_chain().problem
    assert problem is not None
    assert (problem.sequence, problem.kind) == (3, "removed")
    assert "缺少第 2 条" in _verify_fails()


def test_deleting_a_row_and_renumbering_the_rest_is_caught_as_a_broken_link():
    _append(5)
    _sql("DELETE FROM audit_auditevent WHERE sequence = 2")
    _sql("UPDATE audit_auditevent SET sequence = sequence - 1 WHERE sequence > 2")
    problem = verify_chain().problem
    assert problem is not None
    assert problem.sequence == 2
    assert problem.kind in {"removed", "changed"}


def test_swapping_the_content_of_two_rows_is_reported_as_reordered():
    _append(5)
    # Every column but the sequence changes place: park row 2 at 0, move 4 to 2, then 0 to 4.
    _sql("UPDATE audit_auditevent SET sequence = 0 WHERE sequence = 2")
    _sql("UPDATE audit_auditevent SET sequence = 2 WHERE sequence = 4")
    _sql("UPDATE audit_auditevent SET sequence = 4 WHERE sequence = 0")
    problem = verify_chain().problem
    assert problem is not None
    assert (problem.sequence, problem.kind) == (2, "reordered")
    assert "第 2 条记录的内容原属第 4 条" in _verify_fails()


def test_changing_the_last_row_is_caught():
    _append(4)
    _sql("UPDATE audit_auditevent SET target = %s WHERE sequence = 4", ["counts.other"])
    problem = verify_chain().problem
    assert problem is not None
    assert (problem.sequence, problem.kind) == (4, "changed")


def test_deleting_the_last_row_is_caught_by_the_chain_head():
    _append(4)
    _sql("DELETE FROM audit_auditevent WHERE sequence = 4")
    problem = verify_chain().problem
    assert problem is not None
    assert (problem.sequence, problem.kind) == (4, "removed")


def test_a_rehashed_row_still_breaks_the_link_to_the_next_one():
    rows = _append(4)
    forged = dict(AuditEvent.objects.values(*chain.FIELDS).get(sequence=2), message="伪造")
    _sql(
        "UPDATE audit_auditevent SET message = %s, hash = %s WHERE sequence = 2",
        ["伪造", chain.row_hash(forged)],
    )
    problem = verify_chain().problem
    assert problem is not None
    assert problem.sequence == 3
    assert rows[2].prev_hash == rows[1].hash


def test_a_rolled_back_change_leaves_no_audit_row():
    with pytest.raises(RuntimeError), transaction.atomic():
        _append(1)
        raise RuntimeError
    assert not AuditEvent.objects.exists()
    assert verify_chain().ok
