"""Sealed snapshots refuse UPDATE in the database itself, not only in the ORM: a raw SQL statement,
a bulk tool or a future code path cannot change what was sealed. Deletion is refused by the ORM and
by the PROTECT foreign keys; a DELETE trigger would also stop the test runner's table flush."""

from __future__ import annotations

from typing import Any

from django.db import migrations

_SQLITE = [
    """CREATE TRIGGER reviews_snapshot_no_update BEFORE UPDATE ON reviews_snapshot
       BEGIN SELECT RAISE(ABORT, 'sealed snapshot: update refused'); END""",
]
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS reviews_snapshot_no_update",
]
_POSTGRES = [
    """CREATE FUNCTION reviews_snapshot_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'sealed snapshot: update refused'; END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER reviews_snapshot_write_once BEFORE UPDATE ON reviews_snapshot
       FOR EACH ROW EXECUTE FUNCTION reviews_snapshot_refuse()""",
]
_POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS reviews_snapshot_write_once ON reviews_snapshot",
    "DROP FUNCTION IF EXISTS reviews_snapshot_refuse()",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": _SQLITE, "postgresql": _POSTGRES}),
            _run({"sqlite": _SQLITE_DROP, "postgresql": _POSTGRES_DROP}),
        )
    ]
