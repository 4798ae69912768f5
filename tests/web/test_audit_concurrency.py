"""Appending to the audit trail from several connections at once never forks the chain."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from demozone.web.audit.models import AuditEvent
from demozone.web.audit.services import record, verify_chain

WRITERS, EACH = 4, 10


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database cannot be shared by threads; make test runs this on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_each_get_the_next_sequence_number():
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                with transaction.atomic():
                    record(action="value.update", actor=None, target=f"w{n}.{i}")
        except BaseException as exc:  # reported below, with the thread's own traceback
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, WRITERS * EACH + 1))
    result = verify_chain()
    assert result.ok and result.count == WRITERS * EACH


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
@pytest.mark.django_db
def test_postgresql_itself_refuses_to_change_or_delete_an_audit_row():
    record(action="value.update", actor=None, target="x")
    for statement in (
        "UPDATE audit_auditevent SET message = 'x'",
        "DELETE FROM audit_auditevent",
    ):
        with (
            pytest.raises(DatabaseError, match="审计记录只可追加"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert verify_chain().ok
