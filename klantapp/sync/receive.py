"""Remote changes into the casebook: validate, merge, apply, keep every loser.

Everything of one bundle happens in the caller's transaction, so it is one journal
record: a crash leaves the bundle fully applied or not at all. The journal keeps the
changes as merged (trimmed to what won here), with their origin, so a replay gives
exactly the merged result without merging again.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from klantapp.casebook import Transaction
from klantapp.casebook.apply import ROW, Clock
from klantapp.casebook.ops import REPLICATED_TABLES, SYNC_COLUMNS, Change, Op
from klantapp.domain.records import RECORD_KINDS
from klantapp.domain.validate import validate_record
from klantapp.i18n import N_, _
from klantapp.sync.lines import RowKey, row_states
from klantapp.sync.merge import Loser, RowState, merge_ops
from klantapp.sync.scope import HOUSEHOLD_TABLES, avg_op_problem

#: Fields a later schema removed, with the schema that removed them and what holds the
#: fact since. The office translates a change that still writes one (an older laptop's,
#: klantapp/sync/removed/) before the checks below; a migration that drops a field adds
#: its line here and its translation there.
REMOVED_FIELDS: dict[tuple[str, str], tuple[int, str]] = {
    ("persons", "termijn_start"): (7, N_("besluit van DUO 'Start termijn'")),
    ("pips", "extension_months"): (7, N_("besluit van DUO 'Verlenging termijn'")),
    ("pips", "pvt_signed"): (9, N_("PVT-module met de status 'afgerond'")),
    ("pips", "knm_done"): (9, N_("examenpoging KNM met de uitslag 'behaald'")),
    ("pips", "exam_attempts"): (9, N_("regel in de toelichting van de PIP-versie")),
    ("pips", "goal"): (10, N_("keuze 'Integratieroute' (met de tekst in de toelichting)")),
}

#: Why a change is kept aside at the office (``InvalidRemoteChange.reason``): it writes a
#: field this version does not have (removed since, or never known), or something the
#: rules here do not take.
REMOVED_FIELD = "removed_field"
INVALID_CHANGE = "invalid_change"


class InvalidRemoteChange(ValueError):
    """A remote operation that this casebook must not take (reason in plain words;
    ``reason`` names the kind for the office's list of what it keeps aside)."""

    def __init__(self, message: str, reason: str = INVALID_CHANGE) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass
class Received:
    changes: int = 0
    applied_ops: int = 0
    skipped_ops: int = 0
    conflicts: int = 0
    households: set[str] = field(default_factory=set)


#: A row id is a UUID this program made, the name of a setting, or an id an import
#: brought: any text of up to 200 characters without control characters (a tab or a
#: newline would blur the state digest's lines).
_ROW_ID = re.compile(r"[^\x00-\x1f\x7f]{1,200}")


def check_schema(sender: int, here: int) -> None:
    """Refuse a bundle made by a newer version of Klantapp than this one: its changes may
    use fields this version does not know, or knows with another meaning. Nothing of it
    is applied; once this side is updated the same bundle is taken."""
    if sender > here:
        raise InvalidRemoteChange(
            _(
                "de bundel is gemaakt met een nieuwere versie van Klantapp (gegevensversie "
                "{sender}; hier {here}). Werk Klantapp hier bij; daarna wordt de bundel "
                "alsnog ontvangen"
            ).format(sender=sender, here=here)
        )


def check_shape(op: Op) -> None:
    """Refuse an operation on a table or field this casebook does not exchange."""
    if op.table not in REPLICATED_TABLES:
        raise InvalidRemoteChange(
            _("een wijziging betreft gegevens die niet worden uitgewisseld ({table})").format(
                table=op.table
            )
        )
    if not _ROW_ID.fullmatch(op.row_id):
        raise InvalidRemoteChange(_("een wijziging heeft een ongeldige sleutel"))
    if (problem := avg_op_problem(op)) is not None:
        raise InvalidRemoteChange(problem)
    if op.op == "delete" or op.table not in RECORD_KINDS:
        return
    unknown = sorted(set(op.data or {}) - _KNOWN[op.table])
    removed = [f for f in unknown if (op.table, f) in REMOVED_FIELDS]
    if removed:
        schema, now = REMOVED_FIELDS[(op.table, removed[0])]
        raise InvalidRemoteChange(
            _(
                "een wijziging is gemaakt met een oudere versie van Klantapp: zij schrijft "
                "{fields} van {record}, dat sinds gegevensversie {schema} een {now} is. "
                "Werk Klantapp op die laptop bij en leg het daar vast als {now}"
            ).format(
                fields=", ".join(removed),
                record=_(RECORD_KINDS[op.table].label).lower(),
                schema=schema,
                now=_(now),
            ),
            REMOVED_FIELD,
        )
    if unknown:
        raise InvalidRemoteChange(
            _("een wijziging bevat onbekende velden: {fields}").format(fields=", ".join(unknown)),
            REMOVED_FIELD,
        )


def check_values(op: Op) -> None:
    """Refuse values the domain rules refuse (the office checks what laptops send)."""
    if op.op == "delete" or op.table not in RECORD_KINDS:
        return
    data = {k: v for k, v in (op.data or {}).items() if k not in SYNC_COLUMNS.get(op.table, ())}
    _normalized, problems = validate_record(op.table, data, partial=op.op == "update")
    if problems:
        names = sorted({p.field for p in problems})
        raise InvalidRemoteChange(
            _("een wijziging van {record} heeft ongeldige velden: {fields}").format(
                record=_(RECORD_KINDS[op.table].label).lower(), fields=", ".join(names)
            )
        )


def check_op(op: Op) -> None:
    check_shape(op)
    check_values(op)


_KNOWN = {
    kind: frozenset(rk.field_names) | SYNC_COLUMNS.get(kind, frozenset())
    for kind, rk in RECORD_KINDS.items()
}


def _household(
    state: RowState, op: Op, conn: sqlite3.Connection, gone: dict[tuple[str, str], str | None]
) -> str | None:
    if op.table == "households":
        return op.row_id
    if op.table not in HOUSEHOLD_TABLES:
        return None
    for values in (state.values, op.data):
        if values and values.get("household_id"):
            return str(values["household_id"])
    key = (op.table, op.row_id)
    if key in gone:  # deleted earlier in this batch: its tombstone is not written yet
        return gone[key]
    row = conn.execute(
        "SELECT household_id FROM tombstones WHERE tbl = ? AND row_id = ?", key
    ).fetchone()
    return None if row is None else row[0]


def _destroyed(conn: sqlite3.Connection, table: str, row_id: str, household: str | None) -> bool:
    """Was the row, or its household, destroyed (klantapp/avg/retention.py: here, or on
    a device whose destruction reached this one)? The tombstone keeps the mark."""
    found = conn.execute(
        "SELECT 1 FROM tombstones WHERE destroyed = 1 AND ((tbl = ? AND row_id = ?) "
        "OR (tbl = 'households' AND row_id = ?))",
        (table, row_id, household or ""),
    ).fetchone()
    return found is not None


def _who(conn: sqlite3.Connection, clock: Clock, fallback: Change | None) -> tuple[str, str]:
    """(actor, at) of the write behind ``clock``."""
    if fallback is not None and fallback.device == clock.device:
        return fallback.actor, fallback.at
    if clock.change_id:
        row = conn.execute(
            "SELECT actor, at FROM changes WHERE id = ?", (clock.change_id,)
        ).fetchone()
        if row is not None:
            return str(row[0]), str(row[1])
    return "", ""


def apply_changes(
    tx: Transaction,
    conn: sqlite3.Connection,
    changes: list[Change],
    *,
    keep_losers: bool,
    validate: bool = True,
    checked: bool = False,
    states: dict[RowKey, RowState] | None = None,
) -> Received:
    """Merge and apply ``changes`` (in order). With ``keep_losers`` (the hub) every
    losing value becomes a row in ``conflicts``. ``checked``: every operation has been
    through :func:`check_op` already (the office's translation of removed fields does
    that). ``states``: the rows the changes
    write, as :func:`row_states` read them in this transaction (read here if not
    given); the merge moves them on as it applies each operation."""
    result = Received()
    for change in changes if not checked else ():
        for op in change.ops:
            check_shape(op)
            if validate:
                check_values(op)
    if states is None:
        states = row_states(conn, [(op.table, op.row_id) for c in changes for op in c.ops])
    kept: list[tuple[Loser, Change, str | None]] = []
    merged: list[Change] = []
    gone: dict[tuple[str, str], str | None] = {}  # rows this batch deletes: their household
    for change in changes:
        households = {
            op.row_id: _household(states[(op.table, op.row_id)], op, conn, gone)
            for op in change.ops
        }
        # a new row of a household destroyed here (AVG) is dropped: nothing comes back
        ops = [
            op
            for op in change.ops
            if op.op != "insert"
            or not _destroyed(conn, op.table, op.row_id, households.get(op.row_id))
        ]
        applied, losers = merge_ops(states, ops, keep_losers=keep_losers)
        result.changes += 1
        result.applied_ops += len(applied)
        result.skipped_ops += len(change.ops) - len(applied)
        for lo in losers:
            kept.append((lo, change, households.get(lo.row_id)))
        for op in applied:
            hid = households.get(op.row_id)
            if hid:
                result.households.add(hid)
            if op.op == "delete":
                gone[(op.table, op.row_id)] = hid if op.table != "households" else op.row_id
        if len(applied) == len(change.ops) and all(
            a is b for a, b in zip(applied, change.ops, strict=True)
        ):
            merged.append(change)  # every operation wins as it came
        elif applied:
            merged.append(replace(change, ops=tuple(applied)))
    # the whole batch in one go: the same as applying each merged change in turn
    tx.apply_remote_all(merged)
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    for lo, change, household in kept:
        if _destroyed(conn, lo.table, lo.row_id, household):
            continue  # destroyed under the AVG: a late value of it is not kept either
        loser_actor, loser_at = _who(conn, lo.loser, change)
        winner_actor, winner_at = _who(conn, lo.winner, change)
        tx.insert(
            "conflicts",
            {
                "household_id": household,
                "tbl": lo.table,
                "row_id": lo.row_id,
                "field": lo.field,
                "kept_value": json.dumps(lo.value, ensure_ascii=False, sort_keys=True),
                "kept_hlc": lo.loser.encode(),
                "kept_actor": loser_actor,
                "kept_at": loser_at,
                "winner_hlc": lo.winner.encode(),
                "winner_actor": winner_actor,
                "winner_at": winner_at,
                "detected_at": now,
                "status": "open",
            },
            row_id=str(uuid.uuid4()),
        )
        result.conflicts += 1
    return result


__all__ = [
    "INVALID_CHANGE",
    "REMOVED_FIELD",
    "REMOVED_FIELDS",
    "ROW",
    "InvalidRemoteChange",
    "Received",
    "apply_changes",
    "check_op",
    "check_schema",
]
