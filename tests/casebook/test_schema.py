"""Schema: every registry field is a column; migrations run in order and only forward."""

from __future__ import annotations

import sqlite3

import pytest

from klantapp.casebook import migrations
from klantapp.casebook.casebook import _connect
from klantapp.casebook.ops import SYNC_COLUMNS
from klantapp.domain.records import RECORD_KINDS
from klantapp.errors import KlantappError


def test_every_field_of_the_registry_is_a_column() -> None:
    conn = _connect()
    migrations.migrate(conn)
    for kind, rk in RECORD_KINDS.items():
        columns = {r[1] for r in conn.execute(f"PRAGMA table_info({kind})")}
        assert set(rk.field_names) | {"id"} | SYNC_COLUMNS.get(kind, set()) == columns, kind


def test_a_fresh_database_is_at_the_latest_version() -> None:
    conn = _connect()
    assert migrations.migrate(conn) == [m.version for m in migrations.available()]
    assert migrations.schema_version(conn) == migrations.latest_version()
    assert migrations.migrate(conn) == []  # nothing to do twice


def test_migrations_apply_in_order_from_an_older_version() -> None:
    conn = _connect()
    base = migrations.available()
    extra = migrations.Migration(
        len(base) + 1, "9999_add_example.sql", "ALTER TABLE notes ADD COLUMN example TEXT;"
    )
    migrations.migrate(conn, base)
    conn.execute(
        "INSERT INTO notes (id, household_id, created_at, text) VALUES ('n1', 'h', '2026-01-01T10:00', 'x')"
    )
    assert migrations.migrate(conn, [*base, extra]) == [extra.version]
    row = conn.execute("SELECT text, example FROM notes").fetchone()
    assert row == ("x", None)  # existing data kept through the migration


def test_a_failing_migration_changes_nothing() -> None:
    conn = _connect()
    base = migrations.available()
    migrations.migrate(conn, base)
    bad = migrations.Migration(
        len(base) + 1, "9999_bad.sql", "ALTER TABLE notes ADD COLUMN ok TEXT;\nNOT SQL;"
    )
    with pytest.raises(sqlite3.Error):
        migrations.migrate(conn, [*base, bad])
    assert migrations.schema_version(conn) == len(base)
    assert "ok" not in {r[1] for r in conn.execute("PRAGMA table_info(notes)")}


def test_a_casebook_from_a_newer_klantapp_is_refused() -> None:
    conn = _connect()
    migrations.migrate(conn)
    conn.execute("PRAGMA user_version = 999")
    with pytest.raises(KlantappError, match="nieuwste versie"):
        migrations.migrate(conn)
