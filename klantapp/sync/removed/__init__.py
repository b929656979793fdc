"""Changes that write a field a later schema removed, translated at the office.

A laptop still on an older Klantapp (or updated with such a change still unsent: its
digest is in the hash chain, so it is never rewritten) sends edits of fields that the
office's schema no longer has (``receive.REMOVED_FIELDS``). The office translates them
the way the migration that removed the field translates stored rows, calling the
migration's own conversion (klantapp/domain/upgrade.py), with the ids the migration
derives from the source, so the office's result is what every replica's own migration
makes of the same data:

- schema 7, :mod:`.decisions`: the termijn start and the PIP's extension become DUO
  decisions;
- schema 9, :mod:`.modules`: 'participatieverklaring ondertekend' and 'KNM behaald'
  become a PVT module and a passed KNM exam;
- schema 9 and 10, :mod:`.pip_text`: the count of exam attempts and the einddoel become
  lines of the PIP version's toelichting, and the version gets its integratieroute.

The rest of the change is applied as sent; what the migration makes is written by the
office as its own edit, after the batch, never over a later value or a deletion. What
cannot be translated without a person deciding keeps the whole change aside: not
applied, kept at the office for review, acknowledged and named to the laptop, whose
later changes are taken as usual. So is a change that still fails the office's checks
(a field it does not know, a value its rules refuse): it is never refused with the
laptop's whole bundle, which the laptop would only send again and again (docs/sync.md,
"Laptops on another version").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from klantapp.casebook import Transaction
from klantapp.casebook.ops import Change, Op
from klantapp.i18n import _
from klantapp.sync.lines import RowKey
from klantapp.sync.receive import REMOVED_FIELD, REMOVED_FIELDS, InvalidRemoteChange, check_op
from klantapp.sync.removed import decisions, modules, pip_text
from klantapp.sync.removed.base import Batch, RecordWrite, Untranslatable, write_records
from klantapp.sync.removed.pip_text import PipWrite

DECISIONS = decisions.DECISIONS

#: The removed fields translated here; any other is refused at the office as before
#: (receive.check_shape), with the change kept aside.
TRANSLATED = decisions.FIELDS | modules.FIELDS | pip_text.FIELDS


@dataclass(frozen=True)
class SetAside:
    change: Change
    message: str  # in plain words, fields named, never values
    reason: str = REMOVED_FIELD


@dataclass
class Translation:
    changes: list[Change] = field(default_factory=list)  # to apply (removed fields out)
    records: list[RecordWrite] = field(default_factory=list)  # to write after them
    pips: list[PipWrite] = field(default_factory=list)  # versions to convert after them
    set_aside: list[SetAside] = field(default_factory=list)

    def rows(self) -> list[RowKey]:
        """The rows the office's own writes (:func:`write`) may change."""
        return [
            *((w.table, w.row_id) for w in self.records),
            *(("pips", w.pip_id) for w in self.pips),
        ]


def writes_removed_field(op: Op) -> bool:
    """Does ``op`` write a removed field that is translated here?"""
    return op.op != "delete" and any((op.table, f) in TRANSLATED for f in op.data or {})


def translate(conn: sqlite3.Connection, changes: Sequence[Change]) -> Translation:
    """``changes`` checked, with every removed field translated: the changes to apply,
    what to write after them, and the changes kept aside (in order, none of them
    half)."""
    out = Translation()
    batch = Batch.of(changes)
    batch_pips = {op.row_id: op for c in changes for op in c.ops if op.table == "pips"}
    said: list[modules.Said] = []
    for change in changes:
        try:
            if any(writes_removed_field(op) for op in change.ops):
                ops, records, pips, yes = _translate_change(conn, change, batch, batch_pips)
                taken = replace(change, ops=tuple(ops))
            else:
                taken, records, pips, yes = change, [], [], []
            for op in taken.ops:
                check_op(op)
        except Untranslatable as exc:
            out.set_aside.append(SetAside(change, _untranslatable_text(exc.table, exc.name)))
            continue
        except InvalidRemoteChange as exc:
            out.set_aside.append(SetAside(change, str(exc), exc.reason))
            continue
        out.records += records
        out.pips += pips
        said += yes
        if taken.ops:
            out.changes.append(taken)
    out.records += modules.writes(conn, said)
    return out


def _translate_change(
    conn: sqlite3.Connection, change: Change, batch: Batch, batch_pips: dict[str, Op]
) -> tuple[list[Op], list[RecordWrite], list[PipWrite], list[modules.Said]]:
    ops: list[Op] = []
    records: list[RecordWrite] = []
    pips: list[PipWrite] = []
    said: list[modules.Said] = []
    for op in change.ops:
        if not writes_removed_field(op):
            ops.append(op)
            continue
        data = dict(op.data or {})
        removed = {f: data.pop(f) for f in list(data) if (op.table, f) in TRANSLATED}
        if batch.has(conn, op):  # else an edit of a row not here: it does nothing
            if any((op.table, f) in decisions.FIELDS for f in removed):
                records += decisions.translate(conn, op, removed, batch, batch_pips)
            said += modules.translate(conn, op, removed, batch)
            if (converted := pip_text.translate(conn, op, removed, batch)) is not None:
                pips.append(converted)
        if data or op.op == "insert":
            ops.append(replace(op, data=data, base=_without(op.base, removed)))
    return ops, records, pips, said


def _without(base: dict[str, str] | None, names: dict[str, Any]) -> dict[str, str] | None:
    if base is None:
        return None
    return {k: v for k, v in base.items() if k not in names}


def write(tx: Transaction, conn: sqlite3.Connection, translation: Translation) -> None:
    """The office's own writes of a translation, after the batch's remote changes."""
    write_records(tx, conn, translation.records)
    pip_text.write(tx, conn, translation.pips)


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


__all__ = [
    "DECISIONS",
    "REMOVED_FIELDS",
    "TRANSLATED",
    "SetAside",
    "Translation",
    "translate",
    "write",
    "writes_removed_field",
]
