"""Schema 7 (migration 0007): the person's termijn start and the PIP's extension became
DUO decisions (:func:`klantapp.domain.upgrade.decisions_from_v1`).

- ``persons.termijn_start`` becomes the person's decision 'Start termijn';
- ``pips.extension_months`` of a person's newest PIP version becomes the decision
  'Verlenging termijn'.

An empty value where no decision was ever made translates to nothing. For a person to
decide: clearing a start date or an extension that is now a decision, an extension of
an older PIP version or one that differs from the person's recorded verlenging, a value
the domain rules refuse (a start date that is not a date, an extension that is not a
number of months).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from klantapp.casebook.ops import Op
from klantapp.domain.upgrade import decisions_from_v1
from klantapp.sync.lines import read_row
from klantapp.sync.removed.base import (
    Batch,
    RecordWrite,
    Untranslatable,
    as_stored,
    record_write,
)

DECISIONS = "duo_decisions"
FIELDS = frozenset({("persons", "termijn_start"), ("pips", "extension_months")})


def translate(
    conn: sqlite3.Connection,
    op: Op,
    removed: dict[str, Any],
    batch: Batch,
    batch_pips: dict[str, Op],
) -> list[RecordWrite]:
    """The decisions migration 0007 makes of the removed fields ``op`` writes."""
    if op.table == "persons":
        return _termijn_start(conn, op, removed["termijn_start"], batch)
    return _extension(conn, op, removed["extension_months"], batch, batch_pips)


def _termijn_start(conn: sqlite3.Connection, op: Op, value: Any, batch: Batch) -> list[RecordWrite]:
    person = as_stored(conn, op, ("household_id",), batch)
    made = decisions_from_v1([{**person, "termijn_start": value}], [])
    if made:
        return [_write(made[0], op)]
    if _made_from(conn, person["id"], "termijn_start") is not None:
        raise Untranslatable("persons", "termijn_start")  # clearing a decision: a person
    return []


def _extension(
    conn: sqlite3.Connection, op: Op, months: Any, batch: Batch, batch_pips: dict[str, Op]
) -> list[RecordWrite]:
    columns = ("household_id", "person_id", "version", "vastgesteld_on", "course_start")
    pip = as_stored(conn, op, columns, batch)
    if months is None or months == 0:
        if _made_from(conn, op.row_id, "verlenging") is not None:
            raise Untranslatable("pips", "extension_months")  # clearing a decision
        return []
    made = decisions_from_v1([], [{**pip, "extension_months": months}])
    if not made:
        raise Untranslatable("pips", "extension_months")  # not a number of months
    recorded = _verlengingen(conn, pip["person_id"], exclude=op.row_id)
    if months in recorded:
        return []  # already a decision (carried into a new PIP version, or from DUO)
    later = [
        p for p in _other_versions(conn, pip, batch_pips, columns) if _version(p) > _version(pip)
    ]
    if later or recorded:
        # only the newest version's extension counted, and another verlenging is on
        # record: which one holds is for a person to say
        raise Untranslatable("pips", "extension_months")
    return [_write(made[0], op)]


def _version(pip: dict[str, Any]) -> int:
    v = pip.get("version")
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


def _other_versions(
    conn: sqlite3.Connection,
    pip: dict[str, Any],
    batch_pips: dict[str, Op],
    columns: tuple[str, ...],
) -> list[dict[str, Any]]:
    if pip["person_id"] is None:
        return []
    out: dict[str, dict[str, Any]] = {}
    for (pip_id,) in conn.execute(
        "SELECT id FROM pips WHERE person_id = ? AND id != ?", (pip["person_id"], pip["id"])
    ):
        out[pip_id] = {"id": pip_id}
    for pip_id, other in batch_pips.items():
        if pip_id != pip["id"] and (other.data or {}).get("person_id") == pip["person_id"]:
            out[pip_id] = {"id": pip_id}
    rows = []
    for pip_id in out:
        stored = read_row(conn, "pips", pip_id) or {}
        row = {c: stored.get(c) for c in columns}
        if pip_id in batch_pips:
            row.update({c: v for c, v in (batch_pips[pip_id].data or {}).items() if c in columns})
        rows.append({**row, "id": pip_id})
    return rows


def _verlengingen(conn: sqlite3.Connection, person_id: Any, *, exclude: str) -> set[Any]:
    """The period (months) of every verlenging of the person, except the one derived
    from PIP version ``exclude``."""
    mine = decisions_from_v1([], [{"id": exclude, "person_id": person_id, "extension_months": 1}])
    own_id = mine[0]["id"] if mine else ""
    return {
        months
        for decision_id, months in conn.execute(
            f"SELECT id, period_months FROM {DECISIONS} WHERE person_id = ? AND kind = ?",
            (person_id, "verlenging"),
        )
        if decision_id != own_id
    }


def _made_from(conn: sqlite3.Connection, source: str, what: str) -> str | None:
    """The id of the decision the migration would derive from ``source`` if it exists."""
    probe = (
        decisions_from_v1([{"id": source, "termijn_start": "x"}], [])
        if what == "termijn_start"
        else decisions_from_v1([], [{"id": source, "extension_months": 1}])
    )
    found = conn.execute(f"SELECT id FROM {DECISIONS} WHERE id = ?", (probe[0]["id"],)).fetchone()
    return None if found is None else str(found[0])


def _write(decision: dict[str, Any], op: Op) -> RecordWrite:
    field_name = "termijn_start" if op.table == "persons" else "extension_months"
    return record_write(DECISIONS, decision, op, field_name)
