"""Replaying journal records of format 1 (the first release).

Such records only ever follow a snapshot of schema 1 to 5 in the same generation
(opening migrates and compacts at once), so they are applied with that schema's
bookkeeping: no clocks, no digests; the migration to schema 6 derives the clocks from
the oplog afterwards.
"""

from __future__ import annotations

import sqlite3

from klantapp.casebook.apply import SEQ_UPSERT
from klantapp.casebook.convert import to_sql
from klantapp.casebook.hlc import Timestamp
from klantapp.casebook.ops import REPLICATED_TABLES, ChangeRecord, Op

#: What a format-1 record could write: the records, settings and (schema 4) undo_log.
_FORMAT_1_TABLES = (REPLICATED_TABLES - {"conflicts"}) | {"undo_log"}


def _apply_op(conn: sqlite3.Connection, op: Op) -> None:
    if op.table not in _FORMAT_1_TABLES:
        raise ValueError(f"operation on a table that is not writable: {op.table!r}")
    if op.op == "delete":
        conn.execute(f"DELETE FROM {op.table} WHERE id = ?", (op.row_id,))
        conn.execute(
            "INSERT OR REPLACE INTO tombstones (tbl, row_id, hlc, device) VALUES (?, ?, ?, ?)",
            (op.table, op.row_id, Timestamp.decode(op.hlc).pack(), op.device),
        )
        return
    values = to_sql(op.table, op.data or {})
    if op.op == "insert":
        names = ["id", *values]
        conn.execute(
            f"INSERT INTO {op.table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            (op.row_id, *values.values()),
        )
    elif values:
        sets = ", ".join(f"{n} = ?" for n in values)
        cur = conn.execute(
            f"UPDATE {op.table} SET {sets} WHERE id = ?", (*values.values(), op.row_id)
        )
        if cur.rowcount != 1:
            raise LookupError(f"{op.table} {op.row_id} does not exist")


def apply_format_1(conn: sqlite3.Connection, record: ChangeRecord) -> None:
    ops = record.ops
    for op in ops:
        _apply_op(conn, op)
    if not ops:
        return
    if record.summary:
        cur = conn.execute(
            "INSERT INTO changes (at, actor, summary) VALUES (?, ?, ?)",
            (record.at, record.actor, record.summary),
        )
    else:
        cur = conn.execute(
            "INSERT INTO changes (at, actor) VALUES (?, ?)", (record.at, record.actor)
        )
    change_id = cur.lastrowid
    numbers: dict[str, int] = {}
    for device in {o.device for o in ops}:
        conn.execute("INSERT OR IGNORE INTO devices (device) VALUES (?)", (device,))
        numbers[device] = conn.execute(
            "SELECT id FROM devices WHERE device = ?", (device,)
        ).fetchone()[0]
    conn.executemany(
        "INSERT INTO oplog (device, seq, hlc, change_id, tbl, row_id, op, fields) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                numbers[o.device],
                o.seq,
                Timestamp.decode(o.hlc).pack(),
                change_id,
                o.table,
                o.row_id,
                o.op,
                ",".join(sorted(o.data)) if o.op == "update" and o.data else None,
            )
            for o in ops
        ],
    )
    newest = max(Timestamp.decode(o.hlc) for o in ops)
    stored = conn.execute("SELECT value FROM meta WHERE key = 'hlc'").fetchone()
    if stored is None or Timestamp.decode(stored[0]) < newest:
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc', ?)", (newest.encode(),)
        )
    for device in numbers:
        conn.execute(SEQ_UPSERT, (f"seq:{device}", max(o.seq for o in ops if o.device == device)))
