"""What the migration tests start from: an empty casebook database at an older schema
version, a copy of the sample casebook of the first release, an export of an older
format."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from klantapp.casebook.apply import forget_columns
from klantapp.casebook.migrations import available, migrate
from klantapp.casebook.textfold import fold


def at_schema(version: int) -> sqlite3.Connection:
    """An in-memory database with the migrations up to `version` applied, and the
    functions the schema's triggers call, so a test can fill it and migrate further."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.create_function("kfold", 1, fold, deterministic=True)
    migrate(conn, [m for m in available() if m.version <= version])
    return conn


#: A casebook made by the first release (schema 1; see test_older_casebooks.py).
SAMPLE = Path(__file__).parent.parent / "data" / "casebook-v1"
SAMPLE_PASSPHRASE = "voorbeeld wachtwoordzin 2026"


def copy_of_sample(tmp_path: Path) -> Path:
    """A copy of the sample casebook with the modes Klantapp gives its folders."""
    target = tmp_path / "oud-dossier"
    shutil.copytree(SAMPLE, target)
    os.chmod(target, 0o700)
    for f in target.iterdir():
        os.chmod(f, 0o600)
    return target


def export_of(version: int, pips: list[dict[str, Any]]) -> dict[str, Any]:
    """An export of format ``version``: household h1 with member p1 and these PIPs."""
    return {
        "format": "klantapp-casebook",
        "format_version": version,
        "households": [
            {
                "id": "h1",
                "name": "Haile",
                "status": "traject",
                "persons": [{"id": "p1", "role": "aanvrager", "family_name": "Haile"}],
                "pips": pips,
            }
        ],
    }


def _tables(conn: sqlite3.Connection) -> dict[str, dict[str, str]]:
    """Each table with the type of each of its columns."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {t: {r[1]: r[2] for r in conn.execute(f"PRAGMA table_info({t})")} for t in names}


def updated_from(
    conn: sqlite3.Connection,
    since: int,
    upto: int,
    old: dict[tuple[str, str], dict[str, Any]],
) -> None:
    """What updating Klantapp does to a casebook that was at schema ``since`` when it
    held ``old`` (per table and row id: the values of fields that migrations ``since``
    + 1 to ``upto`` removed): what those migrations added is taken away again (their
    new tables must be empty), the removed fields are put back with these values, and
    the migrations run as the update runs them. The rest of the casebook stays as it
    is: a laptop whose changes of then are still unsent, updated."""
    before, after = _tables(at_schema(since)), _tables(at_schema(upto))
    for table in after.keys() - before.keys():
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
        conn.execute(f"DROP TABLE {table}")
    for table in before.keys() & after.keys():
        for column in after[table].keys() - before[table].keys():
            conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        for column in before[table].keys() - after[table].keys():
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {before[table][column]}")
    for (table, row_id), values in old.items():
        sets = ", ".join(f"{name} = ?" for name in values)
        conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*values.values(), row_id))
    for migration in available():
        if since < migration.version <= upto:
            migration.run(conn)
    forget_columns(conn)
