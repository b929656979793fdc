"""Applying changes to the database: rows, and the bookkeeping that travels with them.

The same functions serve a live transaction and the replay of the journal, so replay
rebuilds exactly the committed state: rows, the oplog (audit log), per-field clocks,
tombstones, the change list, the outbox and the stored clocks and sequence numbers.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Sequence
from typing import Any, NamedTuple, TypeGuard

from klantapp.casebook.convert import to_sql
from klantapp.casebook.hlc import Timestamp
from klantapp.casebook.ops import (
    HOUSEHOLD_TABLES,
    LOCAL_TABLES,
    OFFICE_TABLES,
    REPLICATED_TABLES,
    Change,
    LocalOp,
    Op,
    is_correction,
    is_destruction,
)

ROW = ""  # the clocks row of a whole record (its insert)


class Clock(NamedTuple):
    """The clock of one write: ordered by (hlc, device), the device id breaking ties.
    (A named tuple: an import makes several per operation.)"""

    hlc: int  # packed: wall_ms * 65536 + counter
    device: str
    seq: int = 0
    change_id: int = 0

    @property
    def key(self) -> tuple[int, str]:
        return (self.hlc, self.device)

    def encode(self) -> str:
        """As :meth:`Timestamp.encode` writes it."""
        return f"{self.hlc >> 16:013d}-{self.hlc & 0xFFFF:05d}-{self.device}"

    @staticmethod
    def of(op: Op) -> Clock:
        return Clock(Timestamp.decode(op.hlc).pack(), op.device, op.seq)

    @staticmethod
    def decode_key(text: str) -> tuple[int, str]:
        ts = Timestamp.decode(text)
        return (ts.pack(), ts.device)


class Connection(sqlite3.Connection):
    """The casebook's connection: remembers the columns of each table (they are checked
    on every operation, against names injected through a bundle or an import)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.column_cache: dict[str, frozenset[str]] = {}
        self.device_cache: dict[str, int] = {}  # device id -> its number (never changes)


def table_columns(conn: sqlite3.Connection, table: str) -> frozenset[str]:
    cache = conn.column_cache if isinstance(conn, Connection) else {}
    cols = cache.get(table)
    if cols is None:
        cols = frozenset(r[1] for r in conn.execute(f"PRAGMA table_info({table})"))
        cache[table] = cols
    return cols


def forget_columns(conn: sqlite3.Connection) -> None:
    """After a migration: the tables may have new columns."""
    if isinstance(conn, Connection):
        conn.column_cache.clear()


def device_number(conn: sqlite3.Connection, device: str) -> int:
    cache = conn.device_cache if isinstance(conn, Connection) else {}
    number = cache.get(device)
    if number is None:
        conn.execute("INSERT OR IGNORE INTO devices (device) VALUES (?)", (device,))
        row = conn.execute("SELECT id FROM devices WHERE device = ?", (device,)).fetchone()
        number = cache[device] = int(row[0])
    return number


def row_clocks(conn: sqlite3.Connection, table: str, row_id: str) -> dict[str, Clock]:
    """The stored clocks of a row: ``ROW`` for its insert, plus every field written later."""
    return {
        f: Clock(hlc, dev, seq, cid)
        for f, hlc, dev, seq, cid in conn.execute(
            "SELECT c.field, c.hlc, d.device, c.seq, c.change_id FROM clocks c "
            "JOIN devices d ON d.id = c.device WHERE c.tbl = ? AND c.row_id = ?",
            (table, row_id),
        )
    }


def field_clock(clocks: dict[str, Clock], name: str) -> Clock | None:
    """The clock of a field's current value, from :func:`row_clocks`."""
    return clocks.get(name) or clocks.get(ROW)


def open_change(conn: sqlite3.Connection, change: Change) -> int:
    """The ``changes`` row of a change (who, when, where from); returns its local id."""
    cur = conn.execute(
        "INSERT INTO changes (at, actor, summary, device, digest, prev, first_seq, last_seq) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            change.at,
            change.actor,
            change.summary or None,
            device_number(conn, change.device),
            change.digest or None,
            change.prev or None,
            change.first_seq or None,
            change.last_seq or None,
        ),
    )
    return int(cur.lastrowid or 0)


def apply_op(
    conn: sqlite3.Connection, op: Op, change_id: int, device_no: int, packed: int | None = None
) -> None:
    """One row operation with its bookkeeping: the row, its clocks or tombstone, the
    oplog line. (Deletes go through :func:`apply_deletes`.) ``packed``: the operation's
    clock as :meth:`Timestamp.pack` gives it, when the caller has it at hand."""
    if op.table not in REPLICATED_TABLES:
        raise ValueError(f"operation on a table that is not writable: {op.table!r}")
    if op.op == "delete":
        apply_deletes(conn, [op], change_id, device_no)
        return
    if packed is None:
        packed = Timestamp.decode(op.hlc).pack()
    values = to_sql(op.table, op.data or {})
    unknown = set(values) - table_columns(conn, op.table) - {"id"}
    if unknown:
        raise ValueError(f"unknown columns for {op.table}: {sorted(unknown)}")
    if op.op == "insert":
        drop_unclocked(conn, op.table, [op.row_id])
        names = ["id", *values]
        marks = ", ".join("?" for _ in names)
        conn.execute(
            f"INSERT INTO {op.table} ({', '.join(names)}) VALUES ({marks})",
            (op.row_id, *values.values()),
        )
        conn.execute("DELETE FROM clocks WHERE tbl = ? AND row_id = ?", (op.table, op.row_id))
        conn.execute(
            "INSERT INTO clocks VALUES (?, ?, ?, ?, ?, ?, ?)",
            (op.table, op.row_id, ROW, packed, device_no, op.seq, change_id),
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
        clocks = [(op.table, op.row_id, f, packed, device_no, op.seq, change_id) for f in values]
        if len(clocks) == 1:  # most edits change one field
            conn.execute(_CLOCK_REPLACE, clocks[0])
        else:
            conn.executemany(_CLOCK_REPLACE, clocks)
    else:
        raise ValueError(f"unknown operation {op.op!r}")
    # The same operation may be applied again after its row left this device and came
    # back (a household handed back, a full re-send): the oplog keeps its first line.
    conn.execute(OPLOG_INSERT, oplog_line(op, packed, change_id, device_no))


def drop_unclocked(conn: sqlite3.Connection, table: str, row_ids: Sequence[str]) -> None:
    """Before inserting ``row_ids``: remove those of them that exist without any clock.
    A schema migration made such a row (it writes no clocks) and no write has reached
    it; the insert that does replaces it whole (klantapp/sync/merge.py). A row with a
    clock stays, so inserting it once more still fails."""
    ids = list(row_ids)
    if len(ids) == 1:  # one operation's row, looked up directly: a third of the cost
        which, given = "id = ?", ids[0]
    else:
        which, given = "id IN (SELECT value FROM json_each(?))", json.dumps(ids)
    conn.execute(
        f"DELETE FROM {table} WHERE {which} AND NOT EXISTS "
        f"(SELECT 1 FROM clocks c WHERE c.tbl = ? AND c.row_id = {table}.id)",
        (given, table),
    )


_CLOCK_REPLACE = "INSERT OR REPLACE INTO clocks VALUES (?, ?, ?, ?, ?, ?, ?)"

#: The oplog keeps the first line of an operation (see :func:`apply_op`).
OPLOG_INSERT = (
    "INSERT OR IGNORE INTO oplog (device, seq, hlc, change_id, tbl, row_id, op, fields) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def oplog_line(op: Op, packed: int, change_id: int, device_no: int) -> tuple[Any, ...]:
    """The oplog row of an operation: who, when, which row, and the fields of an edit
    (names only, never values)."""
    fields = ",".join(sorted(op.data)) if op.op == "update" and op.data else None
    return (device_no, op.seq, packed, change_id, op.table, op.row_id, op.op, fields)


_DOOMED = """CREATE TEMP TABLE IF NOT EXISTS doomed (
    n INTEGER PRIMARY KEY,
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    hlc INTEGER NOT NULL,
    device TEXT NOT NULL,
    seq INTEGER NOT NULL,
    destroyed INTEGER
)"""


#: How a delete updates the tombstone a row already has (a second delete of one row,
#: in the same change or later, finds the row gone): the newest delete's clock, but
#: the household, the owner and a destruction's mark stay what they were known to be.
TOMBSTONE_UPDATE = (
    "ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, "
    "device = excluded.device, "
    "household_id = coalesce(excluded.household_id, tombstones.household_id), "
    "seq = excluded.seq, change_id = excluded.change_id, "
    "owner = coalesce(excluded.owner, tombstones.owner), "
    "destroyed = coalesce(excluded.destroyed, tombstones.destroyed)"
)


def apply_deletes(
    conn: sqlite3.Connection, ops: Sequence[Op], change_id: int, device_no: int
) -> None:
    """Delete operations with their bookkeeping, as a few set-based statements per
    table however many rows go (a destruction run removes tens of thousands): the rows
    (their search-index entries follow through the triggers), their clocks, a
    tombstone each (ids only: the row, its household, the owner device of a household;
    a destruction's mark stays on it for good) and an oplog line each. The same result
    as deleting one row after the other."""
    for op in ops:
        if op.table not in REPLICATED_TABLES or op.op != "delete":
            raise ValueError(f"not a delete of a writable table: {op.table!r} {op.op!r}")
    if not ops:
        return
    conn.execute(_DOOMED)
    conn.execute("DELETE FROM temp.doomed")
    conn.executemany(
        "INSERT INTO temp.doomed (tbl, row_id, hlc, device, seq, destroyed) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                op.table,
                op.row_id,
                Timestamp.decode(op.hlc).pack(),
                op.device,
                op.seq,
                1 if is_destruction(op) else None,
            )
            for op in ops
        ],
    )
    with_owner = "owner" in table_columns(conn, "tombstones")  # schema 8 on
    for table in dict.fromkeys(op.table for op in ops):
        if table == "households":
            household = "d.row_id"
        elif "household_id" in table_columns(conn, table):
            household = "t.household_id"
        else:
            household = "NULL"
        if with_owner:
            owner = "t.owner" if table == "households" else "NULL"
            conn.execute(
                "INSERT INTO tombstones "
                "(tbl, row_id, hlc, device, household_id, seq, change_id, owner, destroyed) "
                f"SELECT d.tbl, d.row_id, d.hlc, d.device, {household}, d.seq, ?, {owner}, "
                f"d.destroyed FROM temp.doomed d LEFT JOIN {table} t ON t.id = d.row_id "
                "WHERE d.tbl = ? ORDER BY d.n "
                f"{TOMBSTONE_UPDATE}",
                (change_id, table),
            )
        else:
            conn.execute(
                "INSERT OR REPLACE INTO tombstones "
                "(tbl, row_id, hlc, device, household_id, seq, change_id) "
                f"SELECT d.tbl, d.row_id, d.hlc, d.device, {household}, d.seq, ? "
                f"FROM temp.doomed d LEFT JOIN {table} t ON t.id = d.row_id "
                "WHERE d.tbl = ? ORDER BY d.n",
                (change_id, table),
            )
        conn.execute(
            f"DELETE FROM {table} WHERE id IN (SELECT row_id FROM temp.doomed WHERE tbl = ?)",
            (table,),
        )
        conn.execute(
            "DELETE FROM clocks WHERE tbl = ? "
            "AND row_id IN (SELECT row_id FROM temp.doomed WHERE tbl = ?)",
            (table, table),
        )
    # As for every operation: an oplog line each, the first one kept (see apply_op).
    conn.execute(
        "INSERT OR IGNORE INTO oplog (device, seq, hlc, change_id, tbl, row_id, op, fields) "
        "SELECT ?, seq, hlc, ?, tbl, row_id, 'delete', NULL FROM temp.doomed ORDER BY n",
        (device_no, change_id),
    )
    conn.execute("DELETE FROM temp.doomed")


def newest_clocks(
    conn: sqlite3.Connection, rows: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], Clock]:
    """The newest stored clock of each (table, id), in one query (rows without clocks
    are left out): what a delete names as its base."""
    out: dict[tuple[str, str], Clock] = {}
    for tbl, row_id, hlc, dev, seq, cid in conn.execute(
        "SELECT c.tbl, c.row_id, c.hlc, d.device, c.seq, c.change_id "
        "FROM json_each(?) j JOIN clocks c ON c.tbl = j.value ->> 0 AND c.row_id = j.value ->> 1 "
        "JOIN devices d ON d.id = c.device",
        (json.dumps([list(r) for r in rows]),),
    ):
        clock = Clock(hlc, dev, seq, cid)
        found = out.get((tbl, row_id))
        if found is None or clock.key > found.key:
            out[(tbl, row_id)] = clock
    return out


def purge_household(conn: sqlite3.Connection, household_id: str) -> None:
    """Remove a household and everything under it from this device only (it was handed
    over, see :class:`~klantapp.casebook.ops.LocalOp`): its rows, and -- as after a
    destruction (:func:`forget_history`) -- everything this device knows of them: the
    oplog lines of its rows (deleted ones too), the summaries of the changes that wrote
    them, undo values, AVG entries and notices about them, the tombstones and the
    words in the search index. No trace of the old owner's work with it stays here."""
    deleted = [
        (str(t), str(r))
        for t, r in conn.execute(
            "SELECT tbl, row_id FROM tombstones WHERE household_id = ?", (household_id,)
        )
    ]
    rows = [("households", household_id), *_remove_household_rows(conn, [household_id])]
    conn.execute("DELETE FROM households WHERE id = ?", (household_id,))
    conn.execute("DELETE FROM clocks WHERE tbl = 'households' AND row_id = ?", (household_id,))
    _forget_rows(conn, [*rows, *deleted], deletes_too=True)
    conn.execute("DELETE FROM tombstones WHERE household_id = ?", (household_id,))
    _merge_search_index(conn)


#: The full-text indexes (external content: the text itself lives in the rows).
FTS_TABLES = (
    "households_fts",
    "persons_fts",
    "warm_handovers_fts",
    "intake_scores_fts",
    "pips_fts",
    "appointments_fts",
    "handhaving_fts",
    "partners_fts",
    "referrals_fts",
    "notes_fts",
)


def forget_history(conn: sqlite3.Connection, data: dict[str, Any]) -> None:
    """Remove what this device still knows of destroyed rows or a corrected value
    (AVG: destruction, correction). ``rows``: [table, id] pairs whose rows were deleted
    in the same change: their insert and update lines leave the oplog (the delete line
    stays: it carries only the id and tells other devices), and every change that wrote
    them loses its summary (summaries name people). ``text`` (one) and ``texts``
    (several): values corrected away: every summary that contains one is removed. The
    full-text indexes are merged, so the words of deleted text are gone from them too
    (FTS5 keeps them until a merge)."""
    rows = [(str(t), str(r)) for t, r in data.get("rows") or []]
    rows += _remove_household_rows(conn, [r for t, r in rows if t == "households"])
    _forget_rows(conn, rows, deletes_too=False)
    texts = [data.get("text"), *(data.get("texts") or ())]
    for text in dict.fromkeys(t.strip() for t in texts if isinstance(t, str) and t.strip()):
        conn.execute("UPDATE changes SET summary = NULL WHERE instr(summary, ?) > 0", (text,))
    _merge_search_index(conn)


def _merge_search_index(conn: sqlite3.Connection) -> None:
    """Merge the full-text indexes: FTS5 keeps the words of deleted text until then."""
    for table in FTS_TABLES:
        conn.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")


def _forget_rows(
    conn: sqlite3.Connection, rows: list[tuple[str, str]], *, deletes_too: bool
) -> None:
    """This device's history of ``rows`` (already deleted): their oplog lines (the
    delete lines only when ``deletes_too``), the summaries of the changes those lines
    belong to, and the local bookkeeping about them (:func:`_forget_local`)."""
    if not rows:
        return
    # the oplog is read once for the lines to forget; then by their keys
    conn.execute("DROP TABLE IF EXISTS temp.forgotten")
    conn.execute(
        "CREATE TEMP TABLE forgotten AS SELECT device, seq, change_id FROM oplog "
        "WHERE (? OR op != 'delete') AND (tbl, row_id) IN "
        "(SELECT value ->> 0, value ->> 1 FROM json_each(?))",
        (1 if deletes_too else 0, json.dumps(rows)),
    )
    conn.execute(
        "UPDATE changes SET summary = NULL WHERE summary IS NOT NULL "
        "AND id IN (SELECT change_id FROM temp.forgotten)"
    )
    conn.execute(
        "DELETE FROM oplog WHERE (device, seq) IN (SELECT device, seq FROM temp.forgotten)"
    )
    conn.execute("DROP TABLE temp.forgotten")
    _forget_local(conn, {r for _t, r in rows})


def _remove_household_rows(
    conn: sqlite3.Connection, households: list[str]
) -> list[tuple[str, str]]:
    """Delete every row still under ``households``, with its clocks, without a
    tombstone; return them, so their history can go as well. After a destruction these
    are rows written here after it ran elsewhere, before this device heard of it (an
    audit entry, a note: no other device has them, the office drops their late insert,
    klantapp/sync/receive.py); after a handover they are the household's records,
    which stay on the office and the new owner's device."""
    left: list[tuple[str, str]] = []
    for household in households:
        for table in HOUSEHOLD_TABLES[1:]:
            if not _exists(conn, table):  # a journal record replayed onto an older schema
                continue
            ids = [
                r[0]
                for r in conn.execute(
                    f"SELECT id FROM {table} WHERE household_id = ?", (household,)
                )
            ]
            for row_id in ids:
                conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
                conn.execute("DELETE FROM clocks WHERE tbl = ? AND row_id = ?", (table, row_id))
            left += [(table, i) for i in ids]
    return left


def _forget_local(conn: sqlite3.Connection, ids: set[str]) -> None:
    """This device's own bookkeeping about rows that left it: undo values, the AVG
    entries (access, requests, corrections) and sync notices that name them."""
    doomed = json.dumps(sorted(ids))
    conn.execute("DELETE FROM undo_log WHERE row_id IN (SELECT value FROM json_each(?))", (doomed,))
    tables = [t for t in ("avg_access", "avg_requests", "avg_corrections") if _exists(conn, t)]
    for table in tables:
        for rid, raw in conn.execute(f"SELECT id, value FROM {table}").fetchall():
            entry = json.loads(raw) if raw else {}
            named = {entry.get("person_id"), entry.get("household_id"), entry.get("row_id")}
            if named & ids:
                conn.execute(f"DELETE FROM {table} WHERE id = ?", (rid,))
    if _exists(conn, "sync_notices"):
        for (rid,) in conn.execute("SELECT id FROM sync_notices").fetchall():
            if any(i in rid for i in ids):
                conn.execute("DELETE FROM sync_notices WHERE id = ?", (rid,))


def _exists(conn: sqlite3.Connection, table: str) -> bool:
    return bool(table_columns(conn, table))


def purge_office_row(conn: sqlite3.Connection, table: str, row_id: str) -> None:
    """Remove this device's own row of data the office owns (``OFFICE_TABLES``), with its
    clocks: the office's row, clocks and all, takes its place (klantapp/sync/laptop.py).
    Its oplog lines stay: they say what this device once did."""
    if table not in OFFICE_TABLES:
        raise ValueError(f"not a table the office owns: {table!r}")
    conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
    conn.execute("DELETE FROM clocks WHERE tbl = ? AND row_id = ?", (table, row_id))
    conn.execute("DELETE FROM tombstones WHERE tbl = ? AND row_id = ?", (table, row_id))


def apply_local(conn: sqlite3.Connection, lo: LocalOp) -> None:
    if lo.op == "purge":
        if lo.table == "households":
            purge_household(conn, lo.row_id)
        else:
            purge_office_row(conn, lo.table, lo.row_id)
        return
    if lo.op == "forget":
        forget_history(conn, lo.data or {})
        return
    if lo.table not in LOCAL_TABLES:
        raise ValueError(f"not a local table: {lo.table!r}")
    if lo.op == "delete":
        conn.execute(f"DELETE FROM {lo.table} WHERE id = ?", (lo.row_id,))
        return
    columns = table_columns(conn, lo.table)
    if columns == {"id", "value"}:  # a value of any shape, as JSON
        conn.execute(
            f"INSERT OR REPLACE INTO {lo.table} (id, value) VALUES (?, ?)",
            (lo.row_id, json.dumps(lo.data, ensure_ascii=False, sort_keys=True)),
        )
        return
    values = dict(lo.data or {})  # a table of its own columns (undo_log)
    unknown = set(values) - columns
    if unknown:
        raise ValueError(f"unknown columns for {lo.table}: {sorted(unknown)}")
    names = ["id", *values]
    conn.execute(
        f"INSERT OR REPLACE INTO {lo.table} ({', '.join(names)}) "
        f"VALUES ({', '.join('?' for _ in names)})",
        (lo.row_id, *values.values()),
    )


def local_value(conn: sqlite3.Connection, table: str, row_id: str) -> Any:
    """A local-only value, or None."""
    row = conn.execute(f"SELECT value FROM {table} WHERE id = ?", (row_id,)).fetchone()
    return None if row is None or row[0] is None else json.loads(row[0])


def local_values(conn: sqlite3.Connection, table: str) -> dict[str, Any]:
    """Every local-only value of ``table``, by id (in id order)."""
    return {
        row[0]: json.loads(row[1])
        for row in conn.execute(f"SELECT id, value FROM {table} ORDER BY id").fetchall()
    }


def finish_change(conn: sqlite3.Connection, change: Change) -> None:
    """After the operations of a change :func:`open_change` opened whole: the stored
    clock (never moved backwards), the device's sequence number and chain head (never
    moved back to an older change of it), and -- for a laptop's own change -- its place
    in the outbox. (A live transaction finishes its own change with
    :func:`finish_own_change`.)"""
    if not change.ops:
        return
    newest = max(Timestamp.decode(o.hlc) for o in change.ops)
    stored = conn.execute("SELECT value FROM meta WHERE key = 'hlc'").fetchone()
    if stored is None or Timestamp.decode(stored[0]) < newest:
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc', ?)", (newest.encode(),)
        )
    conn.execute(SEQ_UPSERT, (f"seq:{change.device}", change.last_seq))
    if change.digest:
        head = conn.execute(
            "SELECT value FROM meta WHERE key = ?", (f"chainseq:{change.device}",)
        ).fetchone()
        if head is None or int(head[0]) < change.last_seq:
            conn.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                [
                    (f"chain:{change.device}", change.digest),
                    (f"chainseq:{change.device}", str(change.last_seq)),
                ],
            )
    own = conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
    if own is not None and own[0] == change.device and _keeps_outbox(conn):
        _put_in_outbox(conn, change)


def finish_own_change(
    conn: sqlite3.Connection,
    change: Change,
    change_id: int,
    *,
    chain_seq: int | None,
    laptop: bool,
) -> bool:
    """:func:`finish_change` for this device's own sealed change, in a live transaction,
    in two statements: the ``changes`` row :meth:`Transaction.change_id` opened gets
    its time, summary, digest, chain and sequence range; meta its clock, sequence
    number and chain head. The caller knows what the general path reads back:
    ``chain_seq`` (meta's ``chainseq:<device>``) and whether this is a joined laptop
    (which keeps the change in its outbox). The stored clock needs no comparison: the
    change's last operation has the device's newest timestamp, later than every one
    stored (the clock has observed each). Returns whether the chain head moved (always,
    unless a change of this device with a later sequence number arrived from
    elsewhere)."""
    conn.execute(
        "UPDATE changes SET at = ?, summary = ?, digest = ?, prev = ?, first_seq = ?, "
        "last_seq = ? WHERE id = ?",
        (
            change.at,
            change.summary or None,
            change.digest,
            change.prev or None,
            change.first_seq,
            change.last_seq,
            change_id,
        ),
    )
    seq_key = f"seq:{change.device}"
    rows = [("hlc", change.ops[-1].hlc), (seq_key, str(change.last_seq))]
    moves = chain_seq is None or chain_seq < change.last_seq
    if moves:
        rows += [
            (f"chain:{change.device}", change.digest),
            (f"chainseq:{change.device}", str(change.last_seq)),
        ]
    conn.execute(
        "INSERT INTO meta (key, value) VALUES "
        + ", ".join("(?, ?)" for _ in rows)
        + " ON CONFLICT (key) DO UPDATE SET value = CASE WHEN key = ? THEN "
        "max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)) ELSE excluded.value END",
        (*(v for row in rows for v in row), seq_key),
    )
    if laptop:
        _put_in_outbox(conn, change)
    return moves


#: A laptop's own change, kept until the central office acknowledges it.
OUTBOX_PUT = "INSERT OR REPLACE INTO sync_outbox (id, value) VALUES (?, ?)"


def outbox_row(change: Change) -> tuple[str, str]:
    """The outbox row of a change: by its first sequence number, as JSON."""
    return f"{change.first_seq:012d}", change.canonical().decode("utf-8")


def _put_in_outbox(conn: sqlite3.Connection, change: Change) -> None:
    conn.execute(OUTBOX_PUT, outbox_row(change))


#: A device's newest sequence number (``seq:<device>`` in meta), never moved back by
#: an older change of it that arrives later. Both sides are cast: meta's values are
#: text, and SQLite orders any number before any text.
SEQ_UPSERT = (
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
    "SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))"
)


def _keeps_outbox(conn: sqlite3.Connection) -> bool:
    """A laptop that has joined a central office keeps its unsent changes."""
    return bool(local_value(conn, "sync_state", "role") == "laptop")


#: A corrected value shorter than this is not looked for in summaries (it would match
#: words that have nothing to do with it).
MIN_FORGOTTEN = 2


def forgettable(value: Any) -> TypeGuard[str]:
    """Is ``value`` text a correction removes from the change summaries?"""
    return isinstance(value, str) and len(value.strip()) >= MIN_FORGOTTEN


def corrected_values(conn: sqlite3.Connection, change: Change) -> list[str]:
    """The values a correction (:func:`~klantapp.casebook.ops.is_correction`) replaces
    on this device, read before it is applied: the text in the fields its updates
    write. A device that applies the change forgets them, as the device that made it
    did (klantapp/avg/correction.py): a summary synced earlier can name one."""
    if not is_correction(change):
        return []
    found: list[str] = []
    for op in change.ops:
        if op.op != "update" or not op.data or op.table == "audit_entries":
            continue
        names = sorted(set(op.data) & table_columns(conn, op.table))
        if not names:
            continue
        row = conn.execute(
            f"SELECT {', '.join(names)} FROM {op.table} WHERE id = ?", (op.row_id,)
        ).fetchone()
        found += [v for v in row or () if forgettable(v) and v not in op.data.values()]
    return found


def apply_change(conn: sqlite3.Connection, change: Change) -> int:
    """A whole change, as it was committed (own or merged remote). The rows of a
    destruction leave this device's history too, and so do the values a correction
    replaces."""
    corrected = corrected_values(conn, change)
    change_id = open_change(conn, change)
    device_no = device_number(conn, change.device)
    for deleting, run in itertools.groupby(change.ops, key=lambda o: o.op == "delete"):
        if deleting:
            apply_deletes(conn, list(run), change_id, device_no)
        else:
            for op in run:
                apply_op(conn, op, change_id, device_no)
    finish_change(conn, change)
    destroyed = [[op.table, op.row_id] for op in change.ops if is_destruction(op)]
    if destroyed or corrected:
        forget_history(conn, {"rows": destroyed, "texts": corrected})
    return change_id
