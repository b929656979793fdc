"""Row operations: the one way data changes, on this device or from a bundle.

A committed transaction is a :class:`ChangeRecord`: who, when, and its row operations,
each keyed by (device, seq) and stamped with a hybrid-logical-clock timestamp. The
record is what the vault journals and what a sync bundle will carry; applying it is
deterministic, so replaying the journal rebuilds exactly the committed state,
bookkeeping (oplog, audit log, clocks) included.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Literal

from klantapp.casebook.convert import to_sql
from klantapp.casebook.hlc import Timestamp
from klantapp.domain.records import RECORD_KINDS

OpKind = Literal["insert", "update", "delete"]

#: Tables that row operations may touch. Everything else is bookkeeping or index.
#: ``undo_log`` holds the values the last change of a record replaced (services.py).
WRITABLE_TABLES: frozenset[str] = frozenset(RECORD_KINDS) | {"settings", "undo_log"}

RECORD_FORMAT = 1


@dataclass(frozen=True)
class Op:
    table: str
    row_id: str
    op: OpKind
    data: dict[str, Any] | None  # insert: all values; update: changed values; delete: None
    hlc: str
    device: str
    seq: int

    def to_json(self) -> dict[str, Any]:
        return {
            "t": self.table,
            "id": self.row_id,
            "op": self.op,
            "d": self.data,
            "h": self.hlc,
            "dev": self.device,
            "s": self.seq,
        }

    @staticmethod
    def from_json(obj: dict[str, Any]) -> Op:
        return Op(
            table=str(obj["t"]),
            row_id=str(obj["id"]),
            op=obj["op"],
            data=obj["d"],
            hlc=str(obj["h"]),
            device=str(obj["dev"]),
            seq=int(obj["s"]),
        )


@dataclass(frozen=True)
class ChangeRecord:
    actor: str
    at: str  # UTC, ISO 8601
    ops: tuple[Op, ...]
    summary: str = ""  # what the change saved, in words (a batch save); may be empty

    def encode(self) -> bytes:
        doc = {
            "v": RECORD_FORMAT,
            "actor": self.actor,
            "at": self.at,
            "ops": [o.to_json() for o in self.ops],
        }
        if self.summary:
            doc["sum"] = self.summary
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @staticmethod
    def decode(data: bytes) -> ChangeRecord:
        doc = json.loads(data.decode("utf-8"))
        if doc.get("v") != RECORD_FORMAT:
            raise ValueError(f"unknown change record format {doc.get('v')!r}")
        return ChangeRecord(
            actor=str(doc["actor"]),
            at=str(doc["at"]),
            ops=tuple(Op.from_json(o) for o in doc["ops"]),
            summary=str(doc.get("sum") or ""),
        )


class _Columns:
    """Column names per table, read once per connection (guards against injected names)."""

    def __init__(self) -> None:
        self._cache: dict[str, frozenset[str]] = {}

    def of(self, conn: sqlite3.Connection, table: str) -> frozenset[str]:
        cols = self._cache.get(table)
        if cols is None:
            cols = frozenset(r[1] for r in conn.execute(f"PRAGMA table_info({table})"))
            self._cache[table] = cols
        return cols


_columns = _Columns()


def apply_op(conn: sqlite3.Connection, op: Op) -> None:
    """Apply one row operation to the tables (not the bookkeeping)."""
    if op.table not in WRITABLE_TABLES:
        raise ValueError(f"operation on a table that is not writable: {op.table!r}")
    if op.op == "delete":
        conn.execute(f"DELETE FROM {op.table} WHERE id = ?", (op.row_id,))
        conn.execute(
            "INSERT OR REPLACE INTO tombstones (tbl, row_id, hlc, device) VALUES (?, ?, ?, ?)",
            (op.table, op.row_id, Timestamp.decode(op.hlc).pack(), op.device),
        )
        return
    values = to_sql(op.table, op.data or {})
    unknown = set(values) - _columns.of(conn, op.table) - {"id"}
    if unknown:
        raise ValueError(f"unknown columns for {op.table}: {sorted(unknown)}")
    if op.op == "insert":
        names = ["id", *values]
        marks = ", ".join("?" for _ in names)
        conn.execute(
            f"INSERT INTO {op.table} ({', '.join(names)}) VALUES ({marks})",
            (op.row_id, *values.values()),
        )
    elif op.op == "update":
        if not values:
            return
        sets = ", ".join(f"{n} = ?" for n in values)
        cur = conn.execute(
            f"UPDATE {op.table} SET {sets} WHERE id = ?", (*values.values(), op.row_id)
        )
        if cur.rowcount != 1:
            raise LookupError(f"{op.table} {op.row_id} does not exist")
    else:
        raise ValueError(f"unknown operation {op.op!r}")


def record_bookkeeping(conn: sqlite3.Connection, record: ChangeRecord) -> None:
    """Write the change row and the oplog rows of a record and advance the stored clocks.
    The audit log is a view over these two tables."""
    if not record.ops:
        return
    # Records without a summary are also replayed onto snapshots older than the
    # summary column (migrations run after the replay), so it is named only when set.
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
    device_no: dict[str, int] = {}
    for device in {o.device for o in record.ops}:
        conn.execute("INSERT OR IGNORE INTO devices (device) VALUES (?)", (device,))
        device_no[device] = conn.execute(
            "SELECT id FROM devices WHERE device = ?", (device,)
        ).fetchone()[0]
    conn.executemany(
        "INSERT INTO oplog (device, seq, hlc, change_id, tbl, row_id, op, fields) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                device_no[o.device],
                o.seq,
                Timestamp.decode(o.hlc).pack(),
                change_id,
                o.table,
                o.row_id,
                o.op,
                ",".join(sorted(o.data)) if o.op == "update" and o.data else None,
            )
            for o in record.ops
        ],
    )
    last = max(record.ops, key=lambda o: Timestamp.decode(o.hlc))
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc', ?)", (last.hlc,))
    last_seq: dict[str, int] = {}
    for o in record.ops:
        last_seq[o.device] = max(o.seq, last_seq.get(o.device, 0))
    conn.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), excluded.value)",
        [(f"seq:{dev}", seq) for dev, seq in last_seq.items()],
    )


def apply_record(conn: sqlite3.Connection, record: ChangeRecord) -> None:
    """Replay a whole record: its row operations, then its bookkeeping."""
    for op in record.ops:
        apply_op(conn, op)
    record_bookkeeping(conn, record)
