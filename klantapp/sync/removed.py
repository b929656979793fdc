"""Changes that write a field a later schema removed, translated on receipt.

A laptop still on an older Klantapp (or updated with such a change still unsent: its
digest is in the hash chain, so it is never rewritten) sends edits of fields that the
office's schema no longer has (``receive.REMOVED_FIELDS``). The office translates them
the way the migration that removed the field translates stored rows, with ids derived
from the source, so the office's result is what every replica's own migration makes of
the same data (klantapp/casebook/migrations/0007_decisions.py, shared through
:func:`klantapp.domain.upgrade.decisions_from_v1`):

- ``persons.termijn_start`` becomes the person's DUO decision 'Start termijn';
- ``pips.extension_months`` of a person's newest PIP version becomes the decision
  'Verlenging termijn'.

The rest of the change is applied as sent; the decision is written by the office as its
own edit, field by field only where the laptop's edit is newer than what the office
holds (the merge rule: a later value is never overwritten by an older one; a deleted
decision stays deleted). An empty value where no decision was ever made translates to
nothing. What cannot be translated without a person deciding (clearing a start date
that is now a decision, an extension of an older PIP version or one that differs from
the person's recorded verlenging, a value the domain rules refuse: a start date that is
not a date, an extension that is not a number of months) keeps the
whole change aside: not applied, kept at the office for review and named to the
laptop, and the laptop's later changes are taken as usual (docs/sync.md, "Laptops on
another version").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from klantapp.casebook import Transaction
from klantapp.casebook.apply import Clock, field_clock
from klantapp.casebook.ops import Change, Op
from klantapp.domain.upgrade import decisions_from_v1
from klantapp.domain.validate import validate_record
from klantapp.i18n import N_, _
from klantapp.sync.lines import read_row, row_state

#: Fields a later schema removed, with the schema that removed them and what holds the
#: fact since. A migration that drops a field adds its line here and its translation
#: below.
REMOVED_FIELDS: dict[tuple[str, str], tuple[int, str]] = {
    ("persons", "termijn_start"): (7, N_("besluit van DUO 'Start termijn'")),
    ("pips", "extension_months"): (7, N_("besluit van DUO 'Verlenging termijn'")),
    ("pips", "goal"): (10, N_("keuze 'Integratieroute' (met de tekst in de toelichting)")),
}

DECISIONS = "duo_decisions"

#: The removed fields translated here; any other is refused at the office as before
#: (receive.check_shape), whole, with the field named.
TRANSLATED = frozenset({("persons", "termijn_start"), ("pips", "extension_months")})


@dataclass(frozen=True)
class DecisionWrite:
    """A decision as the migration makes it, with the clock of the edit it came from."""

    row_id: str
    values: dict[str, Any]
    clock: Clock


@dataclass(frozen=True)
class SetAside:
    change: Change
    message: str  # in plain words, fields named, never values


@dataclass
class Translation:
    changes: list[Change] = field(default_factory=list)  # to apply (removed fields out)
    decisions: list[DecisionWrite] = field(default_factory=list)
    set_aside: list[SetAside] = field(default_factory=list)


class _Untranslatable(Exception):
    def __init__(self, table: str, name: str) -> None:
        super().__init__(name)
        self.table, self.name = table, name


def writes_removed_field(op: Op) -> bool:
    """Does ``op`` write a removed field that is translated here?"""
    return op.op != "delete" and any((op.table, f) in TRANSLATED for f in op.data or {})


def translate(conn: sqlite3.Connection, changes: Sequence[Change]) -> Translation:
    """``changes`` with every removed field translated, the decisions to write after
    them, and the changes that must wait for a person (in order, none of them half)."""
    out = Translation()
    batch_pips = {op.row_id: op for c in changes for op in c.ops if op.table == "pips"}
    for change in changes:
        if not any(writes_removed_field(op) for op in change.ops):
            out.changes.append(change)
            continue
        try:
            ops, decisions = _translate_change(conn, change, batch_pips)
        except _Untranslatable as exc:
            out.set_aside.append(SetAside(change, _untranslatable_text(exc.table, exc.name)))
            continue
        out.decisions.extend(decisions)
        if ops:
            out.changes.append(replace(change, ops=tuple(ops)))
    return out


def _translate_change(
    conn: sqlite3.Connection, change: Change, batch_pips: dict[str, Op]
) -> tuple[list[Op], list[DecisionWrite]]:
    ops: list[Op] = []
    decisions: list[DecisionWrite] = []
    for op in change.ops:
        if not writes_removed_field(op):
            ops.append(op)
            continue
        data = dict(op.data or {})
        removed = {f: data.pop(f) for f in list(data) if (op.table, f) in TRANSLATED}
        if op.table == "persons":
            decisions += _termijn_start(conn, op, removed["termijn_start"])
        else:
            decisions += _extension(conn, op, removed["extension_months"], batch_pips)
        if data or op.op == "insert":
            ops.append(replace(op, data=data, base=_without(op.base, removed)))
    return ops, decisions


def _without(base: dict[str, str] | None, names: dict[str, Any]) -> dict[str, str] | None:
    if base is None:
        return None
    return {k: v for k, v in base.items() if k not in names}


def _as_stored(conn: sqlite3.Connection, op: Op, columns: tuple[str, ...]) -> dict[str, Any]:
    """The row as it is after ``op``: what the office holds, with the op's values."""
    stored = read_row(conn, op.table, op.row_id) or {}
    row = {c: stored.get(c) for c in columns}
    row.update({c: v for c, v in (op.data or {}).items() if c in columns})
    return {**row, "id": op.row_id}


def _termijn_start(conn: sqlite3.Connection, op: Op, value: Any) -> list[DecisionWrite]:
    person = _as_stored(conn, op, ("household_id",))
    made = decisions_from_v1([{**person, "termijn_start": value}], [])
    if made:
        return [_write(made[0], op)]
    if _made_from(conn, person["id"], "termijn_start") is not None:
        raise _Untranslatable("persons", "termijn_start")  # clearing a decision: a person
    return []


def _extension(
    conn: sqlite3.Connection, op: Op, months: Any, batch_pips: dict[str, Op]
) -> list[DecisionWrite]:
    columns = ("household_id", "person_id", "version", "vastgesteld_on", "course_start")
    pip = _as_stored(conn, op, columns)
    if months is None or months == 0:
        if _made_from(conn, op.row_id, "verlenging") is not None:
            raise _Untranslatable("pips", "extension_months")  # clearing a decision
        return []
    made = decisions_from_v1([], [{**pip, "extension_months": months}])
    if not made:
        raise _Untranslatable("pips", "extension_months")  # not a number of months
    recorded = _verlengingen(conn, pip["person_id"], exclude=op.row_id)
    if months in recorded:
        return []  # already a decision (carried into a new PIP version, or from DUO)
    later = [
        p for p in _other_versions(conn, pip, batch_pips, columns) if _version(p) > _version(pip)
    ]
    if later or recorded:
        # only the newest version's extension counted, and another verlenging is on
        # record: which one holds is for a person to say
        raise _Untranslatable("pips", "extension_months")
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


def _write(decision: dict[str, Any], op: Op) -> DecisionWrite:
    """The decision to write, if the domain rules take it (the office checks what
    laptops send; the migration took stored rows as they were)."""
    values = {k: v for k, v in decision.items() if k != "id"}
    _normalized, problems = validate_record(DECISIONS, values)
    if problems:
        field_name = "termijn_start" if op.table == "persons" else "extension_months"
        raise _Untranslatable(op.table, field_name)
    return DecisionWrite(str(decision["id"]), values, Clock.of(op))


def write_decisions(tx: Transaction, conn: sqlite3.Connection, writes: list[DecisionWrite]) -> int:
    """Write the translated decisions as this device's own edits, after the batch's
    remote changes; returns how many rows were written."""
    written = 0
    for w in writes:
        state = row_state(conn, DECISIONS, w.row_id)
        if state.tombstone is not None:
            continue  # deleted here: a delete wins over every edit
        if not state.exists:
            tx.insert(DECISIONS, w.values, row_id=w.row_id)
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
            tx.update(DECISIONS, w.row_id, newer)
            written += 1
    return written


def _untranslatable_text(table: str, name: str) -> str:
    from klantapp.domain.records import RECORD_KINDS

    schema, now = REMOVED_FIELDS[(table, name)]
    return _(
        "een wijziging is gemaakt met een oudere versie van Klantapp: zij schrijft {field} "
        "van {record}, dat sinds gegevensversie {schema} een {now} is, en is niet vanzelf "
        "om te zetten. Zij is apart gezet; leg het vast als {now}"
    ).format(
        field=name,
        record=_(RECORD_KINDS[table].label).lower(),
        schema=schema,
        now=_(now),
    )
