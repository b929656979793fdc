"""Schema 9 (migration 0009): two yes/no fields of the PIP version became records of the
person (:func:`klantapp.domain.upgrade.modules_from_v2`):

- ``pips.pvt_signed`` (participatieverklaring ondertekend) becomes a PVT module with
  the status 'afgerond';
- ``pips.knm_done`` (KNM behaald) becomes a passed KNM exam attempt.

Per person there is one record of each, made of the person's first PIP version that
says yes, with the id derived from that version: the office makes it of the versions
one batch says yes for, as the migration makes it of all of them. Once the office has
the record made of any of the person's versions (or a person deleted it there),
another version saying yes (a new version carries the answer over) changes nothing.
A 'no' changes nothing either, unless the change clears it on the very version the
record was made of: whether the record goes is for a person to decide. So is a value
that is neither yes nor no.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from klantapp.casebook.ops import Op
from klantapp.domain.upgrade import modules_from_v2
from klantapp.sync.lines import read_row
from klantapp.sync.removed.base import (
    Batch,
    RecordWrite,
    Untranslatable,
    as_stored,
    on_record,
    record_write,
)

#: The removed field, and the table of the record the migration makes of it.
FLAGS = {"pvt_signed": "trajectmodules", "knm_done": "exam_attempts"}
FIELDS = frozenset(("pips", name) for name in FLAGS)

_COLUMNS = ("household_id", "person_id", "version")


@dataclass(frozen=True)
class Said:
    """A PIP version that an older laptop's change says yes for (``name``)."""

    name: str
    pip: dict[str, Any]  # id, household_id, person_id, version
    op: Op


def translate(
    conn: sqlite3.Connection, op: Op, removed: dict[str, Any], batch: Batch
) -> list[Said]:
    """The yes of each flag ``op`` writes; raises :class:`Untranslatable` for what a
    person must decide."""
    out = []
    for name in FLAGS:
        if name not in removed:
            continue
        value = removed[name]
        if not _yes_or_no(value):
            raise Untranslatable("pips", name)
        if modules_from_v2([{"id": op.row_id, name: value}]):  # yes, as the migration reads it
            said = Said(name, as_stored(conn, op, _COLUMNS, batch), op)
            _record_of([said])  # a record the rules take (the version names its person)
            out.append(said)
        elif (
            op.op == "update" and read_row(conn, FLAGS[name], made_of(name, op.row_id)) is not None
        ):
            raise Untranslatable("pips", name)  # clearing what the record holds
    return out


def writes(conn: sqlite3.Connection, said: list[Said]) -> list[RecordWrite]:
    """The records to make of what a batch said yes for (after its set-aside changes
    are left out): per person and flag, the migration's record of those versions,
    unless the office has the record of one of the person's versions already."""
    groups: dict[tuple[str, Any], dict[str, Said]] = defaultdict(dict)
    for s in said:
        groups[(s.name, s.pip.get("person_id"))][s.pip["id"]] = s  # a version once
    out = []
    for (name, person), versions in groups.items():
        table = FLAGS[name]
        known = set(versions) | _versions_of(conn, person)
        if any(on_record(conn, table, made_of(name, pip_id)) for pip_id in known):
            continue
        out.append(_record_of(list(versions.values())))
    return out


def _record_of(said: list[Said]) -> RecordWrite:
    """The record the migration makes of these versions of one person saying yes to
    one flag, with the clock of the change of the version it is made of."""
    name = said[0].name
    (record,) = modules_from_v2([{**s.pip, name: True} for s in said])
    record.pop("_kind")
    source = next(s for s in said if made_of(name, s.pip["id"]) == record["id"])
    return record_write(FLAGS[name], record, source.op, name)


def made_of(name: str, pip_id: str) -> str:
    """The id of the record the migration makes of PIP version ``pip_id``'s yes."""
    (record,) = modules_from_v2([{"id": pip_id, name: True}])
    return str(record["id"])


def _yes_or_no(value: Any) -> bool:
    return value is None or isinstance(value, bool) or (type(value) is int and value in (0, 1))


def _versions_of(conn: sqlite3.Connection, person: Any) -> set[str]:
    if person is None:
        return set()
    return {r[0] for r in conn.execute("SELECT id FROM pips WHERE person_id = ?", (person,))}
