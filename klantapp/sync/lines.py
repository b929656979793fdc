"""Reading the casebook for the exchange: what a receiver has of a row (for the merge),
and the current state of rows as operations (for a bundle).

A *state delta* describes rows by their current values, each with the clock of the write
that set it, grouped into the changes those writes belonged to. A row new to the
receiver travels as an insert with all its values (fields written later are *carried*
and follow in their own operations); a row it has travels as the updates of the fields
written since. Merging such a delta gives the same result as the original operations,
because the merge only compares clocks.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from klantapp.casebook.apply import ROW, Clock, table_columns
from klantapp.casebook.convert import from_sql
from klantapp.casebook.hlc import Timestamp
from klantapp.casebook.ops import DESTROYED, HOUSEHOLD_TABLES, Change, Op
from klantapp.sync.merge import RowState

RowKey = tuple[str, str]  # (table, row id)


_CHUNK = 500


def _rows_of(conn: sqlite3.Connection, table: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        cur = conn.execute(
            f"SELECT * FROM {table} WHERE id IN ({','.join('?' for _ in part)})", part
        )
        names = [d[0] for d in cur.description]
        for row in cur.fetchall():
            values = from_sql(table, dict(zip(names, row, strict=True)))
            out[str(values.pop("id"))] = values
    return out


def _clocks_of(conn: sqlite3.Connection, table: str, ids: list[str]) -> dict[str, dict[str, Clock]]:
    out: dict[str, dict[str, Clock]] = defaultdict(dict)
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        for row_id, name, hlc, device, seq, change_id in conn.execute(
            "SELECT c.row_id, c.field, c.hlc, d.device, c.seq, c.change_id FROM clocks c "
            "JOIN devices d ON d.id = c.device "
            f"WHERE c.tbl = ? AND c.row_id IN ({','.join('?' for _ in part)})",
            [table, *part],
        ):
            out[row_id][name] = Clock(hlc, device, seq, change_id)
    return out


def _destroyed(conn: sqlite3.Connection, table: str, row_id: str) -> bool:
    """Was the row deleted by a destruction run (the mark travels on, see ops.DESTROYED)?"""
    if "destroyed" not in table_columns(conn, "tombstones"):
        return False
    row = conn.execute(
        "SELECT destroyed FROM tombstones WHERE tbl = ? AND row_id = ?", (table, row_id)
    ).fetchone()
    return bool(row and row[0])


def _tombstones_of(conn: sqlite3.Connection, table: str, ids: list[str]) -> dict[str, Clock]:
    out: dict[str, Clock] = {}
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        for row_id, hlc, device, seq, change_id in conn.execute(
            "SELECT row_id, hlc, device, seq, change_id FROM tombstones "
            f"WHERE tbl = ? AND row_id IN ({','.join('?' for _ in part)})",
            [table, *part],
        ):
            out[row_id] = Clock(hlc, device, seq or 0, change_id or 0)
    return out


def clocks_of(conn: sqlite3.Connection, keys: Iterable[RowKey]) -> dict[RowKey, dict[str, Clock]]:
    """The stored clocks of each row, read in bulk."""
    by_table: dict[str, list[str]] = defaultdict(list)
    for table, row_id in dict.fromkeys(keys):
        by_table[table].append(row_id)
    out: dict[RowKey, dict[str, Clock]] = {}
    for table, ids in by_table.items():
        for row_id, clocks in _clocks_of(conn, table, ids).items():
            out[(table, row_id)] = clocks
    return out


def row_states(conn: sqlite3.Connection, keys: Iterable[RowKey]) -> dict[RowKey, RowState]:
    """What this casebook holds of each row (values, clocks, tombstone), read in bulk."""
    by_table: dict[str, list[str]] = defaultdict(list)
    for table, row_id in dict.fromkeys(keys):
        by_table[table].append(row_id)
    out: dict[RowKey, RowState] = {}
    for table, ids in by_table.items():
        values = _rows_of(conn, table, ids)
        clocks = _clocks_of(conn, table, ids)
        tombs = _tombstones_of(conn, table, ids)
        for row_id in ids:
            out[(table, row_id)] = RowState(
                values.get(row_id), dict(clocks.get(row_id, {})), tombs.get(row_id)
            )
    return out


def read_row(conn: sqlite3.Connection, table: str, row_id: str) -> dict[str, Any] | None:
    return _rows_of(conn, table, [row_id]).get(row_id)


def row_state(conn: sqlite3.Connection, table: str, row_id: str) -> RowState:
    return row_states(conn, [(table, row_id)])[(table, row_id)]


def writes_since(conn: sqlite3.Connection, position: int) -> list[tuple[RowKey, int, str]]:
    """Every row written by a change applied here after ``position`` (a local change id),
    with that change's id and its origin device, in the order applied. One statement:
    each change's sequence range finds its lines by the oplog's key."""
    return [
        ((tbl, row_id), change_id, device)
        for tbl, row_id, change_id, device in conn.execute(
            "SELECT o.tbl, o.row_id, c.id, d.device FROM changes c "
            "JOIN devices d ON d.id = c.device "
            "JOIN oplog o ON o.device = c.device AND o.seq BETWEEN c.first_seq AND c.last_seq "
            "AND o.change_id = c.id "
            "WHERE c.id > ? AND c.first_seq IS NOT NULL ORDER BY c.id, o.seq",
            (position,),
        )
    ]


def touched_since(conn: sqlite3.Connection, position: int) -> dict[RowKey, int]:
    """Rows written by changes applied here after ``position`` (a local change id), each
    with the newest such change, in the order first written."""
    seen: dict[RowKey, int] = {}
    for key, change_id, _device in writes_since(conn, position):
        seen[key] = change_id
    return seen


def households_of(conn: sqlite3.Connection, rows: Iterable[RowKey]) -> dict[RowKey, str | None]:
    """The household of each row (None: shared data), also of rows deleted since."""
    by_table: dict[str, list[str]] = defaultdict(list)
    for table, row_id in rows:
        by_table[table].append(row_id)
    out: dict[RowKey, str | None] = {}
    for table, ids in by_table.items():
        if table == "households":
            out.update({(table, i): i for i in ids})
            continue
        if table not in HOUSEHOLD_TABLES:
            out.update({(table, i): None for i in ids})
            continue
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" for _ in part)
            for source in (table, "tombstones"):
                where = (
                    f"id IN ({marks})" if source == table else f"tbl = ? AND row_id IN ({marks})"
                )
                column = "id" if source == table else "row_id"
                params = part if source == table else [table, *part]
                for row_id, hid in conn.execute(
                    f"SELECT {column}, household_id FROM {source} WHERE {where}", params
                ):
                    out.setdefault((table, row_id), hid)
    return out


@dataclass
class _Origin:
    change_id: int
    device: str
    at: str
    actor: str
    summary: str
    digest: str
    prev: str


def _origins(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, _Origin]:
    out: dict[int, _Origin] = {}
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        marks = ",".join("?" for _ in part)
        for cid, device, at, actor, summary, digest, prev in conn.execute(
            f"SELECT c.id, d.device, c.at, c.actor, c.summary, c.digest, c.prev FROM changes c "
            f"LEFT JOIN devices d ON d.id = c.device WHERE c.id IN ({marks})",
            part,
        ):
            out[cid] = _Origin(
                cid, device or "", at, actor, summary or "", digest or "", prev or ""
            )
    return out


def _encode(clock: Clock) -> str:
    return Timestamp(clock.hlc >> 16, clock.hlc & 0xFFFF, clock.device).encode()


def state_delta(
    conn: sqlite3.Connection,
    rows: Iterable[RowKey],
    since: int,
    states: dict[RowKey, RowState] | None = None,
) -> list[Change]:
    """The current state of ``rows`` as changes: for each row, what was written after
    local change ``since`` (0: everything), plus deletes. Ordered as applied here.
    ``states``: the rows as :func:`row_states` read them, if the caller has them."""
    keys = list(dict.fromkeys(rows))
    if states is None:
        states = row_states(conn, keys)
    lines: dict[int, list[tuple[int, Op]]] = defaultdict(list)
    for table, row_id in keys:
        state = states[(table, row_id)]
        values = state.values
        if values is None:
            tomb = state.tombstone
            if tomb is not None and tomb.change_id > since:
                mark = dict(DESTROYED) if _destroyed(conn, table, row_id) else None
                op = Op(table, row_id, "delete", mark, _encode(tomb), tomb.device, tomb.seq)
                lines[tomb.change_id].append((tomb.seq, op))
            continue
        clocks = state.clocks
        inserted = clocks.get(ROW)
        later = {f: c for f, c in clocks.items() if f != ROW}
        if inserted is not None and inserted.change_id > since:
            op = Op(
                table,
                row_id,
                "insert",
                values,
                _encode(inserted),
                inserted.device,
                inserted.seq,
                carried=tuple(sorted(f for f in later if f in values)),
            )
            lines[inserted.change_id].append((inserted.seq, op))
        by_write: dict[tuple[int, str, int, int], dict[str, Any]] = defaultdict(dict)
        for name, clock in later.items():
            if clock.change_id > since and name in values:
                key = (clock.hlc, clock.device, clock.seq, clock.change_id)
                by_write[key][name] = values[name]
        for (hlc, device, seq, change_id), data in by_write.items():
            op = Op(table, row_id, "update", data, _encode(Clock(hlc, device)), device, seq)
            lines[change_id].append((seq, op))
    origins = _origins(conn, lines)
    out: list[Change] = []
    for change_id in sorted(lines):
        origin = origins.get(change_id)
        ops = tuple(op for _seq, op in sorted(lines[change_id], key=lambda item: item[0]))
        if origin is None:
            continue
        # A change applied here may hold operations of several devices only in a
        # record of the first format; group by device so each change has one origin.
        by_device: dict[str, list[Op]] = defaultdict(list)
        for op in ops:
            by_device[op.device].append(op)
        for device, device_ops in by_device.items():
            out.append(
                Change(
                    device=device,
                    at=origin.at,
                    actor=origin.actor,
                    ops=tuple(device_ops),
                    summary=origin.summary,
                    prev=origin.prev if device == origin.device else "",
                    digest=origin.digest if device == origin.device else "",
                )
            )
    return out
