"""The state digest: one hash over everything a laptop holds for its caseload.

Both sides compute it the same way over the same rows: the households the device owns
with every record under them and the conflicts about them, plus the shared data
(ketenpartners, shared settings, conflicts about shared data). Per row: table, id and the
clock of every field. A laptop sends the digest it had right
after applying a hub bundle (when it had nothing unsent); the hub compares it with the
digest it computed for that bundle, and on a mismatch sends the caseload whole again.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator

from klantapp.casebook.ops import HOUSEHOLD_TABLES
from klantapp.sync.scope import SHARED_TABLES


def scope_rows(conn: sqlite3.Connection, device: str) -> Iterator[tuple[str, str]]:
    """(table, row id) of every row in ``device``'s caseload and the shared data."""
    households = [
        r[0]
        for r in conn.execute("SELECT id FROM households WHERE owner = ? ORDER BY id", (device,))
    ]
    for table in HOUSEHOLD_TABLES:
        column = "id" if table == "households" else "household_id"
        for start in range(0, len(households), 500):
            part = households[start : start + 500]
            marks = ",".join("?" for _ in part)
            for (row_id,) in conn.execute(
                f"SELECT id FROM {table} WHERE {column} IN ({marks}) ORDER BY id", part
            ):
                yield table, row_id
    for table in SHARED_TABLES:
        for (row_id,) in conn.execute(f"SELECT id FROM {table} ORDER BY id"):
            yield table, row_id
    for (row_id,) in conn.execute(
        "SELECT id FROM conflicts WHERE household_id IS NULL ORDER BY id"
    ):
        yield "conflicts", row_id


def _scope_clocks(conn: sqlite3.Connection, device: str) -> Iterator[tuple[str, str, str | None]]:
    """(table, row id, ``field=clock``) of every clock of every row in ``device``'s scope
    (the rows of :func:`scope_rows`), in the digest's order: by table, row id and field;
    SQLite writes the clock text. A row without clocks comes once, with ``None``."""
    owned = "SELECT id FROM households WHERE owner = ?"
    for table in sorted({*HOUSEHOLD_TABLES, *SHARED_TABLES}):
        params: tuple[str, ...] = (device,)
        if table == "households":
            where = "t.owner = ?"
        elif table == "conflicts":  # about one of its households, or about shared data
            where = f"(t.household_id IS NULL OR t.household_id IN ({owned}))"
        elif table in HOUSEHOLD_TABLES:
            where = f"t.household_id IN ({owned})"
        else:
            where, params = "1", ()
        for row_id, text in conn.execute(
            "SELECT t.id, CASE WHEN c.field IS NOT NULL THEN "
            "printf('%s=%013d-%05d-%s', c.field, c.hlc >> 16, c.hlc & 65535, d.device) END "
            f"FROM {table} t "
            "LEFT JOIN clocks c ON c.tbl = ? AND c.row_id = t.id "
            "LEFT JOIN devices d ON d.id = c.device "
            f"WHERE {where} ORDER BY t.id, c.field",
            (table, *params),
        ):
            yield table, row_id, text


def state_digest(conn: sqlite3.Connection, device: str) -> str:
    """The digest of ``device``'s caseload and the shared data: every row's id and the
    clock of every field. A clock names one write, so equal clocks mean equal values
    (the vault guards the values themselves).

    Defined as SHA-256 over ``klantapp-state/v2\n`` and then one line per row, sorted:
    ``table TAB row_id TAB`` followed by ``field=clock`` for each field (sorted, the
    clock as :meth:`Timestamp.encode` writes it), joined by TAB, and a newline. The rows
    are read in that order straight from SQLite (ids and field names are ASCII, so
    SQLite's binary order is the sort order), and hashed as they stream by: no list of
    every row is built (tests/sync/test_digest.py checks it against the definition)."""
    digest = hashlib.sha256(b"klantapp-state/v2\n")
    current: tuple[str, str] | None = None
    parts: list[str] = []
    for table, row_id, text in _scope_clocks(conn, device):
        if (table, row_id) != current:
            if current is not None:
                digest.update(_line(current, parts))
            current = (table, row_id)
            parts = []
        if text is not None:
            parts.append(text)
    if current is not None:
        digest.update(_line(current, parts))
    return digest.hexdigest()


def _line(row: tuple[str, str], clocks: list[str]) -> bytes:
    return ("\t".join((*row, "\t".join(clocks))) + "\n").encode("utf-8")
