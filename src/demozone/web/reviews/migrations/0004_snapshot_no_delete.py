"""Sealed snapshots refuse DELETE in the database too, as they refuse UPDATE (0002).

The PROTECT foreign keys and the ORM already refuse to remove a snapshot; this stops a raw SQL
statement or a tool working on the database directly. PostgreSQL's test flush (TRUNCATE) does not
fire row triggers; SQLite's flush deletes row by row, so a test that commits sealed snapshots on
SQLite (``transaction=True``) must drop ``reviews_snapshot_no_delete`` before it ends.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

_CREATE = {
    "sqlite": [
        """CREATE TRIGGER reviews_snapshot_no_delete BEFORE DELETE ON reviews_snapshot
           BEGIN SELECT RAISE(ABORT, 'sealed snapshot: delete refused'); END""",
    ],
    "postgresql": [
        """CREATE FUNCTION reviews_snapshot_refuse_delete() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'sealed snapshot: delete refused'; END;
           $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER reviews_snapshot_no_delete BEFORE DELETE ON reviews_snapshot
           FOR EACH ROW EXECUTE FUNCTION reviews_snapshot_refuse_delete()""",
    ],
}
_DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS reviews_snapshot_no_delete"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS reviews_snapshot_no_delete ON reviews_snapshot",
        "DROP FUNCTION IF EXISTS reviews_snapshot_refuse_delete()",
    ],
}


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_snapshot_base_manager")]

    operations = [migrations.RunPython(_run(_CREATE), _run(_DROP))]
