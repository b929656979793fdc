"""The search index of many new rows at once, in one statement per table.

Every text table has an external-content FTS5 index (``{table}_fts``) that reads the
table's ``{table}_search`` view (folded text, restricted rows left out), kept current
by triggers (migrations/0001_initial.sql). One insert costs the ``_fts_ai`` trigger a
statement of its own. When a batch inserts thousands of rows (a laptop that is
re-provisioned receives its whole caseload), :func:`filled_after` sets those insert
triggers aside for the duration of the batch, inside the caller's transaction, then
indexes the new rows in one ``INSERT ... SELECT`` from the same view the index reads
and puts the triggers back exactly as they were (their SQL from ``sqlite_master``).
The index ends as the triggers would have left it (tests/casebook/test_searchfill.py);
the stored schema does not change. Updates and deletes keep their triggers: they need
the old values, which only the trigger sees.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator
from contextlib import contextmanager

#: Below this many new rows in a table, its trigger does the job (setting it aside
#: and back costs two schema changes).
MIN_ROWS = 200

_LARGEST_ROWID = 2**63 - 1


def insert_triggers(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """Per indexed table: its index insert trigger's name and SQL."""
    return {
        table: (name, sql)
        for name, table, sql in conn.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master "
            "WHERE type = 'trigger' AND name = tbl_name || '_fts_ai'"
        )
    }


def _index_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [str(r[1]) for r in conn.execute(f"PRAGMA table_info({table}_fts)")]


def _largest_rowid(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0])


@contextmanager
def filled_after(conn: sqlite3.Connection, counts: dict[str, int]) -> Iterator[None]:
    """The block inserts ``counts[table]`` rows into each table (and does nothing else to
    those tables): index them after it, in one statement per table. Only inside a
    transaction; if the block fails, the caller rolls it back (triggers included)."""
    triggers = insert_triggers(conn)
    tables = [t for t, n in counts.items() if n >= MIN_ROWS and t in triggers]
    # New rows get a rowid above the largest one (SQLite's rule, unless the largest
    # rowid possible is taken): they are the rows above it after the block.
    before = {t: _largest_rowid(conn, t) for t in tables}
    tables = [t for t in tables if before[t] < _LARGEST_ROWID - counts[t]]
    for table in tables:
        conn.execute(f"DROP TRIGGER {triggers[table][0]}")
    try:
        yield
    finally:
        for table in tables:
            conn.execute(triggers[table][1])
    for table in tables:
        _index_rows_after(conn, table, before[table])


def _index_rows_after(conn: sqlite3.Connection, table: str, rowid: int) -> None:
    columns = ", ".join(_index_columns(conn, table))
    conn.execute(
        f"INSERT INTO {table}_fts (rowid, {columns}) "
        f"SELECT rid, {columns} FROM {table}_search WHERE rid > ? ORDER BY rid",
        (rowid,),
    )


def tables_indexed(conn: sqlite3.Connection) -> Collection[str]:
    return insert_triggers(conn).keys()
