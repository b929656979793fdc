"""What a klantmanager does to a casebook: validated changes, each one transaction.

Every function checks its input with the domain rules first and raises
:class:`~klantapp.errors.InvalidInput` naming each record and field that is wrong; in
that case nothing is written. References (a member's household, a referral's partner)
must exist and belong together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from klantapp.casebook.casebook import Casebook, Transaction
from klantapp.casebook.queries import get
from klantapp.domain.records import RECORD_KINDS
from klantapp.domain.validate import validate_record
from klantapp.errors import InvalidInput, KlantappError, Problem
from klantapp.i18n import _


class RecordNotFound(KlantappError):
    pass


def _label(kind: str) -> str:
    """The name of a record kind in the current language."""
    return _(RECORD_KINDS[kind].label)


def _not_found(kind: str, record_id: str) -> str:
    return _("{record} {id} bestaat niet (meer).").format(record=_label(kind), id=record_id)


def check_references(
    cb: Casebook,
    kind: str,
    values: dict[str, Any],
    *,
    where: str = "",
    pending: Mapping[str, str | None] | None = None,
) -> list[Problem]:
    """Problems with the references in ``values``: a target that does not exist, or one
    that belongs to another household than the record (a person, an appointment).
    ``pending`` maps ids being created in the same batch (JSON import) to their
    household."""
    problems: list[Problem] = []
    household = values.get("household_id")
    with cb.reading() as conn:
        for f in RECORD_KINDS[kind].fields:
            target = values.get(f.name)
            if f.kind != "ref" or not target or f.ref is None:
                continue
            owned = f.name != "household_id" and "household_id" in RECORD_KINDS[f.ref].field_names
            if pending is not None and target in pending:
                found: tuple[Any, ...] | None = (pending[target],)
            else:
                column = "household_id" if owned else "1"
                found = conn.execute(
                    f"SELECT {column} FROM {f.ref} WHERE id = ?", (target,)
                ).fetchone()
            if found is None:
                problems.append(
                    Problem(
                        where,
                        f.name,
                        _("{record} met id {id} bestaat niet.").format(
                            record=_label(f.ref), id=target
                        ),
                    )
                )
            elif owned and household and found[0] != household:
                problems.append(
                    Problem(
                        where,
                        f.name,
                        _("Deze {record} hoort bij een ander huishouden.").format(
                            record=_label(f.ref).lower()
                        ),
                    )
                )
    return problems


def _validated(
    cb: Casebook,
    kind: str,
    values: dict[str, Any],
    *,
    current: dict[str, Any] | None = None,
    where: str = "",
) -> dict[str, Any]:
    """Normalised values, or :class:`InvalidInput` naming every wrong field. With
    ``current`` (an update) only the given fields are checked, against the stored record
    for rules that span fields; a required field may not be cleared."""
    if kind not in RECORD_KINDS:
        raise KlantappError(_("Onbekend soort gegeven: {kind}.").format(kind=kind))
    normalized, problems = validate_record(
        kind, values, partial=current is not None, where=where, current=current
    )
    problems += check_references(cb, kind, normalized, where=where)
    if problems:
        raise InvalidInput(problems)
    return normalized


def add_record(cb: Casebook, kind: str, values: dict[str, Any]) -> str:
    """Validate and insert one record; returns its id."""
    normalized = _validated(cb, kind, values)
    with cb.transaction() as tx:
        return tx.insert(kind, normalized)


def update_record(cb: Casebook, kind: str, record_id: str, changes: dict[str, Any]) -> None:
    """Validate and apply changed fields of one record (fields not given stay as they are)."""
    current = get(cb, kind, record_id)
    if current is None:
        raise RecordNotFound(_not_found(kind, record_id))
    normalized = _validated(cb, kind, changes, current=current)
    changed = {k: v for k, v in normalized.items() if current.get(k) != v}
    if not changed:
        return
    with cb.transaction() as tx:
        tx.update(kind, record_id, changed)


#: Kinds that own the records that must refer to them: deleting one deletes those too.
_OWNERS = frozenset({"households", "persons"})


def _referrers(target: str) -> list[tuple[str, str, bool]]:
    """(kind, field, required) for every reference field pointing at ``target``."""
    return [
        (kind, f.name, f.required)
        for kind, rk in RECORD_KINDS.items()
        for f in rk.fields
        if f.kind == "ref" and f.ref == target
    ]


def _delete_cascade(cb: Casebook, tx: Transaction, kind: str, record_id: str) -> None:
    """Delete a record and deal with what refers to it, as the registry says: records
    that must refer to a household or person go with it; any other required reference
    blocks the delete; optional references are cleared."""
    with cb.reading() as conn:
        for referrer, field, required in _referrers(kind):
            ids = [
                r[0]
                for r in conn.execute(f"SELECT id FROM {referrer} WHERE {field} = ?", (record_id,))
            ]
            if not ids:
                continue
            if required and kind in _OWNERS:
                for rid in ids:
                    _delete_cascade(cb, tx, referrer, rid)
            elif required:
                raise KlantappError(
                    _("{record} wordt nog gebruikt door {count} {referrers}.").format(
                        record=_label(kind),
                        count=len(ids),
                        referrers=_(RECORD_KINDS[referrer].label_plural).lower(),
                    ),
                    hint=_("Verwijder of wijzig die eerst."),
                )
            else:
                for rid in ids:
                    tx.update(referrer, rid, {field: None})
    tx.delete(kind, record_id)


def delete_record(cb: Casebook, kind: str, record_id: str) -> None:
    """Delete a record; a household takes its members and everything under it along,
    a person their intake scores and PIP versions (appointments and notes stay with the
    household)."""
    if get(cb, kind, record_id) is None:
        raise RecordNotFound(_not_found(kind, record_id))
    with cb.transaction() as tx:
        _delete_cascade(cb, tx, kind, record_id)


def record_outcome(cb: Casebook, appointment_id: str, outcome: str) -> None:
    """Record what happened with an appointment (verschenen, niet_verschenen, ...)."""
    update_record(cb, "appointments", appointment_id, {"outcome": outcome})


def new_pip_version(cb: Casebook, person_id: str, values: dict[str, Any]) -> str:
    """A new PIP version for a person: starts from the latest version, which is marked
    *vervangen* once the new one is *vastgesteld*. The termijn keeps running from the
    first version's dagtekening (the deadline rules read the earliest version)."""
    person = get(cb, "persons", person_id)
    if person is None:
        raise RecordNotFound(_not_found("persons", person_id))
    with cb.reading() as conn:
        row = conn.execute(
            "SELECT id, version FROM pips WHERE person_id = ? ORDER BY version DESC LIMIT 1",
            (person_id,),
        ).fetchone()
    previous = get(cb, "pips", row[0]) if row else None
    base: dict[str, Any] = {}
    if previous:
        base = {
            k: v
            for k, v in previous.items()
            if k not in ("id", "version", "status", "vastgesteld_on")
        }
    new_values = {
        **base,
        "household_id": person["household_id"],
        "person_id": person_id,
        "status": "concept",
        **values,
        "version": (row[1] + 1) if row else 1,
    }
    normalized = _validated(cb, "pips", new_values)
    with cb.transaction() as tx:
        new_id = tx.insert("pips", normalized)
        if previous and normalized.get("status") == "vastgesteld":
            tx.update("pips", previous["id"], {"status": "vervangen"})
        return new_id
