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
from klantapp.sync.lines import RowKey, clocks_of
from klantapp.sync.merge import RowState
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


def state_digest(
    conn: sqlite3.Connection, device: str, states: dict[RowKey, RowState] | None = None
) -> str:
    """The digest of ``device``'s caseload and the shared data: every row's id and the
    clock of every field. A clock names one write, so equal clocks mean equal values
    (the vault guards the values themselves). ``states``: rows already read by the
    caller (:func:`~klantapp.sync.lines.row_states`); the others are read here."""
    keys = list(scope_rows(conn, device))
    known = states or {}
    missing = [k for k in keys if k not in known]
    clocks = {k: s.clocks for k, s in known.items()}
    if missing:
        clocks.update(clocks_of(conn, missing))
    lines = sorted(
        f"{table}\t{row_id}\t"
        + "\t".join(
            f"{name}={c.encode()}" for name, c in sorted(clocks.get((table, row_id), {}).items())
        )
        for table, row_id in keys
    )
    digest = hashlib.sha256(b"klantapp-state/v2\n")
    for line in lines:
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()
