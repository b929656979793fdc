"""Schema 9 and 10: removed fields that became part of the PIP version itself.

- ``pips.exam_attempts`` (migration 0009) was a count, without dates or results: it
  becomes a line of the version's toelichting
  (:func:`klantapp.domain.upgrade.pip_notes_with_attempts`);
- ``pips.goal`` (migration 0010), the free-text einddoel: its text becomes the line
  "Einddoel: ..." of the toelichting, and the version gets the integratieroute its
  leerroute leads to unless one was chosen
  (:func:`klantapp.domain.upgrade.pip_with_integratieroute`). A version that an
  older laptop makes (its insert writes a removed field) gets its integratieroute so
  too, einddoel or not, as that migration gives it to every version.

The office converts the version as it is after the batch, as its own edit: a line is
added (never one the toelichting holds already) and an empty integratieroute filled,
so nothing the office holds is overwritten. For a person to decide: clearing the
count or the einddoel (their line stays in the toelichting until someone removes it),
a count that is not a whole number, an einddoel that is not text, and a line the rules
of the toelichting refuse.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from klantapp.casebook import Transaction
from klantapp.casebook.ops import Op
from klantapp.domain.upgrade import pip_notes_with_attempts, pip_with_integratieroute
from klantapp.domain.validate import validate_record
from klantapp.sync.lines import read_row
from klantapp.sync.removed.base import Batch, Untranslatable, as_stored

FIELDS = frozenset({("pips", "exam_attempts"), ("pips", "goal")})
#: In the order of the migrations that removed them (each converts what the one
#: before left).
_ORDER = ("exam_attempts", "goal")


@dataclass(frozen=True)
class PipWrite:
    """A PIP version to convert, with the removed values one change wrote."""

    pip_id: str
    removed: dict[str, Any]


def translate(
    conn: sqlite3.Connection, op: Op, removed: dict[str, Any], batch: Batch
) -> PipWrite | None:
    """What to convert of ``op``'s version; raises :class:`Untranslatable` for what a
    person must decide."""
    mine = {name: removed[name] for name in _ORDER if name in removed}
    if op.table == "pips" and op.op == "insert" and removed:
        # a version made before schema 10: migration 0010 gives every version the
        # integratieroute of its leerroute, with an einddoel or without
        mine.setdefault("goal", None)
    if not mine:
        return None
    for name, value in mine.items():
        if not _taken(name, value):
            raise Untranslatable("pips", name)
        if op.op == "update" and not _filled(value):
            raise Untranslatable("pips", name)  # clearing what is a line of text now
    row = as_stored(conn, op, ("notes", "leerroute", "integratieroute"), batch)
    for name in mine:
        row = converted(row, {name: mine[name]})
        _normalized, problems = validate_record("pips", {"notes": row.get("notes")}, partial=True)
        if problems:
            raise Untranslatable("pips", name)
    return PipWrite(op.row_id, mine)


def converted(row: dict[str, Any], removed: dict[str, Any]) -> dict[str, Any]:
    """``row`` as the migrations make it of the ``removed`` values, except that a line
    the toelichting holds already is not added again."""
    out = dict(row)
    if "exam_attempts" in removed:
        count = removed["exam_attempts"]
        line = pip_notes_with_attempts(None, count)
        if not _holds(out.get("notes"), line):
            out["notes"] = pip_notes_with_attempts(out.get("notes"), count)
    if "goal" in removed:
        goal = removed["goal"]
        line = pip_with_integratieroute({"goal": goal}).get("notes")
        new = pip_with_integratieroute({**out, "goal": goal})
        if _holds(out.get("notes"), line):
            new["notes"] = out.get("notes")
        out = new
    return out


def write(tx: Transaction, conn: sqlite3.Connection, writes: list[PipWrite]) -> None:
    """Convert each version as it is now (after the batch), as this device's edit."""
    for w in writes:
        row = read_row(conn, "pips", w.pip_id)
        if row is None:
            continue  # not here (deleted, destroyed, or never taken)
        new = converted(row, w.removed)
        changed = {name: value for name, value in new.items() if row.get(name) != value}
        if changed:
            tx.update("pips", w.pip_id, changed)


def _taken(name: str, value: Any) -> bool:
    if value is None:
        return True
    if name == "goal":
        return isinstance(value, str)
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _filled(value: Any) -> bool:
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def _holds(notes: Any, line: Any) -> bool:
    return isinstance(notes, str) and isinstance(line, str) and line in notes.splitlines()
