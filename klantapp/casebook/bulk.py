"""Applying many changes at once: the same result as :func:`apply.apply_change` for each
in turn, with a few set-based statements instead of ten per operation.

The central office takes a laptop's whole bundle (hundreds of changes) in one
transaction, and a laptop takes its whole caseload when it is (re-)provisioned; the
journal replays such records too. Going operation by operation costs about ten SQL
statements each (row, clocks, oplog, tombstone, the meta rows of the change); here the
operations of the batch are first folded, per row, into the one write that leaves the
row as the sequence would have left it, and then written grouped by statement shape
with ``executemany``. The bookkeeping of the changes (stored clock, sequence numbers,
chain heads, outbox) is worked out in Python and written once per batch.

Exactly the same state comes out: rows, per-field clocks, oplog, tombstones, changes,
meta and outbox (tests/casebook/test_bulk_apply.py compares both paths, also on random
batches). A batch whose rows do not follow the shapes a merge produces (an operation
after a delete, an insert after an edit), a destruction or a correction (they remove
history after each change) or a casebook from before schema 7 goes the sequential way
instead.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from klantapp.casebook.apply import (
    OPLOG_INSERT,
    OUTBOX_PUT,
    ROW,
    SEQ_UPSERT,
    TOMBSTONE_UPDATE,
    apply_change,
    apply_local,
    device_number,
    drop_unclocked,
    local_value,
    oplog_line,
    outbox_row,
    table_columns,
)
from klantapp.casebook.convert import to_sql
from klantapp.casebook.hlc import Timestamp
from klantapp.casebook.legacy import apply_format_1
from klantapp.casebook.ops import (
    REPLICATED_TABLES,
    Change,
    ChangeRecord,
    Op,
    is_correction,
    is_destruction,
)
from klantapp.casebook.searchfill import filled_after

_CHUNK = 500

ClockRow = tuple[int, int, int, int]  # packed hlc, device number, seq, change id


@dataclass
class _Row:
    """What the batch does to one row, folded: ``kind`` is the first write's shape
    (insert or update), ``deleted`` the tombstone at the end, if any."""

    kind: str  # "insert", "update" or "delete" (nothing but deletes)
    order: int  # position of the first write in the batch (inserts keep their order)
    values: dict[str, Any] = field(default_factory=dict)  # column values written
    clocks: dict[str, ClockRow] = field(default_factory=dict)  # field (ROW) -> clock
    deleted: tuple[Op, int] | None = None  # the last delete, with its change id


class _NotFolded(Exception):
    """The batch is not of the shape folded here: apply it change by change."""


def apply_changes(conn: sqlite3.Connection, changes: Sequence[Change]) -> list[int]:
    """Apply ``changes`` in order, as :func:`apply.apply_change` would one by one;
    returns their local change ids."""
    if len(changes) < 2 or not _foldable(conn, changes):
        return [apply_change(conn, c) for c in changes]
    try:
        rows, oplog, newest = _fold(conn, changes)
    except _NotFolded:
        return [apply_change(conn, c) for c in changes]
    ids = _open_changes(conn, changes)
    _write_rows(conn, rows)
    conn.executemany(OPLOG_INSERT, oplog)
    _finish_changes(conn, changes, newest)
    return ids


def _foldable(conn: sqlite3.Connection, changes: Sequence[Change]) -> bool:
    if "owner" not in table_columns(conn, "tombstones"):
        return False  # before schema 7: the sequential path knows the older tombstones
    return not any(is_correction(c) or any(is_destruction(op) for op in c.ops) for c in changes)


def _open_changes(conn: sqlite3.Connection, changes: Sequence[Change]) -> list[int]:
    """The ``changes`` rows, numbered as one insert after the other would number them."""
    first = int(conn.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0]) + 1
    ids = list(range(first, first + len(changes)))
    conn.executemany(
        "INSERT INTO changes (id, at, actor, summary, device, digest, prev, first_seq, "
        "last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                cid,
                c.at,
                c.actor,
                c.summary or None,
                device_number(conn, c.device),
                c.digest or None,
                c.prev or None,
                c.first_seq or None,
                c.last_seq or None,
            )
            for cid, c in zip(ids, changes, strict=True)
        ],
    )
    return ids


def _fold(
    conn: sqlite3.Connection, changes: Sequence[Change]
) -> tuple[dict[tuple[str, str], _Row], list[tuple[Any, ...]], Timestamp | None]:
    """Per row the one write the batch amounts to, the oplog lines in order, and the
    newest timestamp of the batch."""
    first_id = int(conn.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0]) + 1
    rows: dict[tuple[str, str], _Row] = {}
    oplog: list[tuple[Any, ...]] = []
    order = 0
    newest: tuple[int, int, str] | None = None  # a Timestamp's order, without its __lt__
    for offset, change in enumerate(changes):
        change_id = first_id + offset
        device_no = device_number(conn, change.device)
        for op in change.ops:
            if op.table not in REPLICATED_TABLES:
                raise ValueError(f"operation on a table that is not writable: {op.table!r}")
            ts = Timestamp.decode(op.hlc)
            packed = ts.pack()
            if newest is None or (ts.wall_ms, ts.counter, ts.device) > newest:
                newest = (ts.wall_ms, ts.counter, ts.device)
            key = (op.table, op.row_id)
            row = rows.get(key)
            clock = (packed, device_no, op.seq, change_id)
            if op.op == "delete":
                if row is None:
                    row = rows[key] = _Row("delete", order)
                row.deleted = (op, change_id)
                row.clocks = {}
            else:
                values = to_sql(op.table, op.data or {})
                unknown = set(values) - table_columns(conn, op.table) - {"id"}
                if unknown:
                    raise ValueError(f"unknown columns for {op.table}: {sorted(unknown)}")
                if op.op == "insert":
                    if row is not None:
                        raise _NotFolded  # an insert after another write of the row
                    rows[key] = _Row("insert", order, dict(values), {ROW: clock})
                elif op.op == "update":
                    if not values:
                        continue  # nothing written, no oplog line (as apply_op)
                    if row is None:
                        row = rows[key] = _Row("update", order)
                    elif row.deleted is not None:
                        raise _NotFolded  # an edit of a row deleted in this batch
                    row.values.update(values)
                    for name in values:
                        row.clocks[name] = clock
                else:
                    raise ValueError(f"unknown operation {op.op!r}")
            order += 1
            oplog.append(oplog_line(op, packed, change_id, device_no))
    return rows, oplog, None if newest is None else Timestamp(*newest)


def _existing(conn: sqlite3.Connection, table: str, column: str, ids: list[str]) -> dict[str, Any]:
    """``column`` of the rows of ``table`` with these ids, as stored now."""
    out: dict[str, Any] = {}
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        marks = ",".join("?" for _ in part)
        out.update(conn.execute(f"SELECT id, {column} FROM {table} WHERE id IN ({marks})", part))
    return out


def _tombstones(
    conn: sqlite3.Connection, rows: dict[tuple[str, str], _Row]
) -> list[tuple[Any, ...]]:
    """The tombstone of every row the batch deletes, with the household and owner the
    row had when the (last) delete reached it."""
    wanted: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (table, row_id), row in rows.items():
        if row.deleted is None or row.kind == "insert":
            continue
        if table == "households":
            if "owner" not in row.values:
                wanted[(table, "owner")].append(row_id)
        elif "household_id" in table_columns(conn, table) and "household_id" not in row.values:
            wanted[(table, "household_id")].append(row_id)
    stored = {
        (table, column): _existing(conn, table, column, ids)
        for (table, column), ids in wanted.items()
    }
    out: list[tuple[Any, ...]] = []
    for (table, row_id), row in rows.items():
        if row.deleted is None:
            continue
        op, change_id = row.deleted
        household: str | None
        owner: str | None = None
        if table == "households":
            household = row_id
            owner = (
                row.values["owner"]
                if "owner" in row.values
                else stored.get((table, "owner"), {}).get(row_id)
            )
        elif "household_id" not in table_columns(conn, table):
            household = None
        elif "household_id" in row.values:
            household = row.values["household_id"]
        else:
            household = stored.get((table, "household_id"), {}).get(row_id)
        out.append(
            (
                table,
                row_id,
                Timestamp.decode(op.hlc).pack(),
                op.device,
                household,
                op.seq,
                change_id,
                owner,
                None,
            )
        )
    return out


def _write_rows(conn: sqlite3.Connection, rows: dict[tuple[str, str], _Row]) -> None:
    tombstones = _tombstones(conn, rows)  # read before the rows change
    # Inserts per table in the order the batch made them, consecutive ones of one shape
    # in one statement: rowids follow the same order (only a batch that deletes a
    # table's newest row before inserting may number differently; rowids are internal,
    # the search index follows them either way).
    inserts = sorted(
        ((r.order, t, i, r) for (t, i), r in rows.items() if r.kind == "insert" and not r.deleted),
        key=lambda item: item[0],
    )
    by_table: dict[str, list[tuple[str, _Row]]] = defaultdict(list)
    for _order, table, row_id, row in inserts:
        by_table[table].append((row_id, row))
    for table, items in by_table.items():  # rows a migration made: replaced whole
        drop_unclocked(conn, table, [row_id for row_id, _row in items])
    # many new rows of a table: their search index in one statement after them
    with filled_after(conn, {table: len(items) for table, items in by_table.items()}):
        for table, items in by_table.items():
            _insert_in_order(conn, table, items)
    updates: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = defaultdict(list)
    for (table, row_id), row in rows.items():
        if row.kind == "update" and not row.deleted:
            updates[(table, tuple(row.values))].append((*row.values.values(), row_id))
    for (table, names), params in updates.items():
        sets = ", ".join(f"{n} = ?" for n in names)
        cur = conn.executemany(f"UPDATE {table} SET {sets} WHERE id = ?", params)
        if cur.rowcount != len(params):
            raise LookupError(f"{table}: {len(params) - cur.rowcount} rows do not exist")
    deletes: dict[str, list[tuple[str]]] = defaultdict(list)
    for (table, row_id), row in rows.items():
        if row.deleted is not None and row.kind != "insert":
            deletes[table].append((row_id,))
    for table, params in deletes.items():
        conn.executemany(f"DELETE FROM {table} WHERE id = ?", params)
    # Clocks: an insert or delete starts the row's clocks afresh; an edit replaces those
    # of the fields it wrote.
    conn.executemany(
        "DELETE FROM clocks WHERE tbl = ? AND row_id = ?",
        [key for key, row in rows.items() if row.kind != "update" or row.deleted],
    )
    conn.executemany(
        "INSERT OR REPLACE INTO clocks VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (table, row_id, name, *clock)
            for (table, row_id), row in rows.items()
            for name, clock in row.clocks.items()
        ],
    )
    conn.executemany(
        "INSERT INTO tombstones "
        "(tbl, row_id, hlc, device, household_id, seq, change_id, owner, destroyed) "
        f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) {TOMBSTONE_UPDATE}",
        tombstones,
    )


def _insert_in_order(conn: sqlite3.Connection, table: str, items: list[tuple[str, _Row]]) -> None:
    """Insert ``items`` in their order, consecutive rows of one shape in one statement."""
    shape: tuple[str, ...] | None = None
    batch: list[tuple[Any, ...]] = []
    for row_id, row in items:
        names = tuple(row.values)
        if names != shape and batch:
            _insert(conn, table, shape or (), batch)
            batch = []
        shape = names
        batch.append((row_id, *row.values.values()))
    if batch:
        _insert(conn, table, shape or (), batch)


def _insert(
    conn: sqlite3.Connection, table: str, names: tuple[str, ...], params: list[tuple[Any, ...]]
) -> None:
    columns = ["id", *names]
    marks = ", ".join("?" for _ in columns)
    conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", params)


def _finish_changes(
    conn: sqlite3.Connection, changes: Sequence[Change], newest: Timestamp | None
) -> None:
    """What :func:`apply.finish_change` does after each change, once for all: the stored
    clock (never backwards), each device's sequence number and chain head, the outbox."""
    with_ops = [c for c in changes if c.ops]
    if not with_ops or newest is None:
        return
    stored = conn.execute("SELECT value FROM meta WHERE key = 'hlc'").fetchone()
    if stored is None or Timestamp.decode(stored[0]) < newest:
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc', ?)", (newest.encode(),)
        )
    last_seq: dict[str, int] = {}
    for c in with_ops:
        last_seq[c.device] = max(last_seq.get(c.device, c.last_seq), c.last_seq)
    conn.executemany(SEQ_UPSERT, [(f"seq:{device}", seq) for device, seq in last_seq.items()])
    heads: dict[str, tuple[int | None, str | None]] = {}
    for c in with_ops:
        if not c.digest:
            continue
        if c.device not in heads:
            found = conn.execute(
                "SELECT value FROM meta WHERE key = ?", (f"chainseq:{c.device}",)
            ).fetchone()
            heads[c.device] = (None if found is None else int(found[0]), None)
        seq, _digest = heads[c.device]
        if seq is None or seq < c.last_seq:
            heads[c.device] = (c.last_seq, c.digest)
    conn.executemany(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
        [
            pair
            for device, (seq, digest) in heads.items()
            if digest is not None
            for pair in ((f"chain:{device}", digest), (f"chainseq:{device}", str(seq)))
        ],
    )
    own = conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
    mine = [c for c in with_ops if own is not None and c.device == own[0]]
    if mine and local_value(conn, "sync_state", "role") == "laptop":
        conn.executemany(OUTBOX_PUT, [outbox_row(c) for c in mine])


def apply_record(conn: sqlite3.Connection, record: ChangeRecord) -> None:
    """Replay one journal record: its changes as one batch, then its local writes."""
    if record.format == 1:
        apply_format_1(conn, record)
        return
    apply_changes(conn, record.changes)
    for lo in record.local:
        apply_local(conn, lo)
