"""What every translation of a removed field shares: the records it writes, the refusal
of what a person must decide, and reading the office's row as the change leaves it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from klantapp.casebook import Transaction
from klantapp.casebook.apply import Clock, field_clock
from klantapp.casebook.ops import Change, Op
from klantapp.domain.validate import validate_record
from klantapp.sync.lines import RowKey, read_row, row_state


class Untranslatable(Exception):
    """The change writes ``name`` of ``table`` in a way only a person can translate."""

    def __init__(self, table: str, name: str) -> None:
        super().__init__(name)
        self.table, self.name = table, name


@dataclass(frozen=True)
class RecordWrite:
    """A record a migration makes of a removed field (a DUO decision, a PVT module, a
    passed KNM exam), with the clock of the edit it came from and the row it is made
    of: it is written only while that row is at the office."""

    table: str
    row_id: str
    values: dict[str, Any]
    clock: Clock
    source: RowKey


@dataclass(frozen=True)
class Batch:
    """What the changes taken together write of each row they insert: a row the office
    does not have yet may be made and edited in one batch."""

    inserted: dict[RowKey, dict[str, Any]]

    @classmethod
    def of(cls, changes: Iterable[Change]) -> Batch:
        inserted: dict[RowKey, dict[str, Any]] = {}
        for change in changes:
            for op in change.ops:
                key = (op.table, op.row_id)
                if op.op == "insert":
                    inserted[key] = dict(op.data or {})
                elif op.op == "update" and key in inserted:
                    inserted[key].update(op.data or {})
        return cls(inserted)

    def has(self, conn: sqlite3.Connection, op: Op) -> bool:
        """Is ``op``'s row at the office, or made by this batch? (An edit of a row that
        is neither does nothing here: the merge drops it.)"""
        return (op.table, op.row_id) in self.inserted or read_row(
            conn, op.table, op.row_id
        ) is not None


def as_stored(
    conn: sqlite3.Connection, op: Op, columns: tuple[str, ...], batch: Batch
) -> dict[str, Any]:
    """The row as it is after ``op``: what the office holds (or the batch makes), with
    the op's values."""
    stored = read_row(conn, op.table, op.row_id) or batch.inserted.get((op.table, op.row_id), {})
    row = {c: stored.get(c) for c in columns}
    row.update({c: v for c, v in (op.data or {}).items() if c in columns})
    return {**row, "id": op.row_id}


def record_write(table: str, record: dict[str, Any], op: Op, field_name: str) -> RecordWrite:
    """The record a migration made of ``field_name`` of ``op``'s row, if the domain rules
    take it (the office checks what laptops send; a migration took stored rows as they
    were)."""
    values = {k: v for k, v in record.items() if k != "id"}
    _normalized, problems = validate_record(table, values)
    if problems:
        raise Untranslatable(op.table, field_name)
    return RecordWrite(table, str(record["id"]), values, Clock.of(op), (op.table, op.row_id))


def on_record(conn: sqlite3.Connection, table: str, row_id: str) -> bool:
    """Is the record here, or was it deleted here (a delete is a person's decision)?"""
    state = row_state(conn, table, row_id)
    return state.exists or state.tombstone is not None


def write_records(tx: Transaction, conn: sqlite3.Connection, writes: list[RecordWrite]) -> int:
    """Write the translated records as this device's own edits, after the batch's
    remote changes, field by field only where the laptop's edit is newer than what the
    office holds; returns how many rows were written."""
    written = 0
    for w in writes:
        if read_row(conn, *w.source) is None:
            continue  # its row is not here (deleted, destroyed, or never taken)
        state = row_state(conn, w.table, w.row_id)
        if state.tombstone is not None:
            continue  # deleted here: a delete wins over every edit
        if not state.exists:
            tx.insert(w.table, w.values, row_id=w.row_id)
            written += 1
            continue
        values = state.values or {}
        newer = {
            name: value
            for name, value in w.values.items()
            if values.get(name) != value
            and ((c := field_clock(state.clocks, name)) is None or w.clock.key > c.key)
        }
        if newer:
            tx.update(w.table, w.row_id, newer)
            written += 1
    return written
