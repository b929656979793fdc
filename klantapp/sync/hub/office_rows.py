"""Laptop writes to data the office owns (``OFFICE_TABLES``: the gemeente's shared
settings, such as the letterhead), taken out of a laptop's changes at the office.

Only the office writes the shared settings; a laptop joined to it cannot (the casebook
refuses), but a laptop of an older Klantapp could, and its edit would win by its clock
and spread to every laptop. Such a write is not applied: it is kept aside at the office
for a person to read (``klantapp hub quarantine``), the laptop is told, and the rest of
its change is applied as usual. A write that leaves the office's value as it is (the
same letterhead) is nothing to review and is left out without a word.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from klantapp.casebook.ops import OFFICE_TABLES, Change, Op
from klantapp.domain.settings import SETTINGS
from klantapp.i18n import _
from klantapp.sync.lines import read_row
from klantapp.sync.removed import SetAside

#: The quarantine reason of such a write.
REASON = "shared_setting"


def split(conn: sqlite3.Connection, changes: list[Change]) -> tuple[list[Change], list[SetAside]]:
    """``changes`` without their writes to data the office owns, and those writes (per
    change, the ones that would change something) to keep aside."""
    kept: list[Change] = []
    aside: list[SetAside] = []
    for change in changes:
        theirs = [op for op in change.ops if op.table in OFFICE_TABLES]
        if not theirs:
            kept.append(change)
            continue
        rest = tuple(op for op in change.ops if op.table not in OFFICE_TABLES)
        if rest:
            kept.append(replace(change, ops=rest))
        differing = [op for op in theirs if _changes_something(conn, op)]
        if differing:
            aside.append(
                SetAside(replace(change, ops=tuple(differing)), _message(differing), REASON)
            )
    return kept, aside


def _changes_something(conn: sqlite3.Connection, op: Op) -> bool:
    current = read_row(conn, op.table, op.row_id)
    if op.op == "delete":
        return current is not None
    if current is None:
        return True
    return any(current.get(k) != v for k, v in (op.data or {}).items())


def _message(ops: list[Op]) -> str:
    """In plain words, the settings named, never their values."""
    names = sorted({_label(op.row_id) for op in ops})
    return _(
        "een wijziging van de gedeelde instellingen ({names}): die beheert het centrale "
        "kantoor, de laptop niet"
    ).format(names=", ".join(names))


def _label(key: str) -> str:
    known = SETTINGS.get(key)
    return _(known.kind.label) if known is not None else key


__all__ = ["REASON", "split"]
