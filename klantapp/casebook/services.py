"""What a klantmanager does to a casebook: validated changes, each one transaction.

Every function checks its input with the domain rules first and raises
:class:`~klantapp.errors.InvalidInput` naming each record and field that is wrong; in
that case nothing is written. References (a member's household, a referral's partner)
must exist and belong together.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from klantapp.casebook.casebook import Casebook, Transaction
from klantapp.casebook.queries import get, person_name
from klantapp.domain.records import LEEFGEBIEDEN, RECORD_KINDS
from klantapp.domain.validate import validate_record
from klantapp.errors import InvalidInput, KlantappError, Problem
from klantapp.i18n import _, ngettext


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
    with cb.transaction() as tx:
        return tx.insert(kind, _validated(cb, kind, values))


def update_record(
    cb: Casebook, kind: str, record_id: str, changes: dict[str, Any], *, summary: str = ""
) -> None:
    """Validate and apply changed fields of one record (fields not given stay as they are).
    The read of the stored values, the check and the write are one transaction."""
    with cb.transaction(summary=summary) as tx:
        current = _current(cb, kind, record_id)
        normalized = _validated(cb, kind, changes, current=current)
        _write_update(cb, tx, kind, current, normalized)


def _current(cb: Casebook, kind: str, record_id: str) -> dict[str, Any]:
    current = get(cb, kind, record_id)
    if current is None:
        raise RecordNotFound(_not_found(kind, record_id))
    return current


def _write_update(
    cb: Casebook, tx: Transaction, kind: str, current: dict[str, Any], normalized: dict[str, Any]
) -> bool:
    """Write the fields of ``normalized`` that differ from ``current`` and remember the
    values they replace (for undo). True when something changed."""
    changed = {k: v for k, v in normalized.items() if k != "id" and current.get(k) != v}
    if not changed:
        return False
    _remember(cb, tx, kind, current["id"], {k: current.get(k) for k in changed})
    tx.update(kind, current["id"], changed)
    return True


# --- undo ------------------------------------------------------------------------------
#
# The local table undo_log keeps, per record, the values its last update (made here)
# replaced, with the id of that change. Undoing writes them back as a new change; the journal is
# never rewritten. Only the newest change of a record can be undone, and only when no
# later change touched it (from this laptop or, later, from a sync bundle).


def _remember(
    cb: Casebook, tx: Transaction, kind: str, record_id: str, before: dict[str, Any]
) -> None:
    key = f"{kind}:{record_id}"
    change_id = tx.change_id
    with cb.reading() as conn:
        row = conn.execute(
            "SELECT change_id, before_json FROM undo_log WHERE id = ?", (key,)
        ).fetchone()
    if row is not None and row[0] == change_id:  # the same change updates it again
        before = {**before, **json.loads(row[1])}
    values = {
        "tbl": kind,
        "row_id": record_id,
        "change_id": change_id,
        "before_json": json.dumps(before, ensure_ascii=False, sort_keys=True),
    }
    tx.put_local("undo_log", key, values)  # local bookkeeping: never sent anywhere


def _forget(cb: Casebook, tx: Transaction, kind: str, record_id: str) -> None:
    key = f"{kind}:{record_id}"
    with cb.reading() as conn:
        found = conn.execute("SELECT 1 FROM undo_log WHERE id = ?", (key,)).fetchone()
    if found:
        tx.delete_local("undo_log", key)


def _change_ops(conn: Any, change_id: int) -> list[tuple[str, str, str]]:
    """(table, row id, op) of the record operations of one change."""
    return [
        (tbl, row_id, op)
        for tbl, row_id, op in conn.execute(
            "SELECT tbl, row_id, op FROM oplog WHERE change_id = ? ORDER BY seq", (change_id,)
        )
        if tbl in RECORD_KINDS
    ]


def _last_change_of(conn: Any, kind: str, record_id: str) -> int | None:
    row = conn.execute(
        "SELECT max(change_id) FROM oplog WHERE tbl = ? AND row_id = ?", (kind, record_id)
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def undo_problem(cb: Casebook, change_id: int) -> str | None:
    """Why the change ``change_id`` cannot be undone, in words; None when it can."""
    with cb.reading() as conn:
        ops = _change_ops(conn, change_id)
        if not ops:
            return _("Deze wijziging bestaat niet (meer).")
        for kind, record_id, op in ops:
            if op == "delete":
                return _("Een verwijdering kan niet ongedaan worden gemaakt.")
            if _last_change_of(conn, kind, record_id) != change_id:
                return _("Er is daarna nog iets gewijzigd; alleen de laatste wijziging kan terug.")
            if op == "update":
                row = conn.execute(
                    "SELECT change_id FROM undo_log WHERE id = ?", (f"{kind}:{record_id}",)
                ).fetchone()
                if row is None or row[0] != change_id:
                    return _("De oude waarden van deze wijziging zijn niet bewaard.")
    return None


def undo_change(cb: Casebook, change_id: int) -> None:
    """Undo one change: a new change that writes back the values it replaced, and removes
    the records it added. Raises :class:`KlantappError` in words when that is not
    possible (a later change, a deletion, a record now used elsewhere)."""
    with cb.transaction() as tx:
        problem = undo_problem(cb, change_id)
        if problem:
            raise KlantappError(problem)
        with cb.reading() as conn:
            ops = _change_ops(conn, change_id)
            summary = conn.execute(
                "SELECT summary FROM changes WHERE id = ?", (change_id,)
            ).fetchone()[0]
        restores: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
        problems: list[Problem] = []
        inserted: list[tuple[str, str]] = []
        for kind, record_id, op in dict.fromkeys(ops):
            if op == "insert":
                inserted.append((kind, record_id))
                continue
            current = get(cb, kind, record_id)
            if current is None:
                continue  # removed by another record of this change
            with cb.reading() as conn:
                raw = conn.execute(
                    "SELECT before_json FROM undo_log WHERE id = ?", (f"{kind}:{record_id}",)
                ).fetchone()[0]
            before = json.loads(raw)
            normalized, found = validate_record(kind, before, partial=True, current=current)
            found += check_references(cb, kind, {**current, **normalized})
            problems += found
            restores.append((kind, current, normalized))
        if problems:
            raise InvalidInput(problems)
        for kind, current, normalized in restores:
            _write_update(cb, tx, kind, current, normalized)
        for kind, record_id in reversed(inserted):
            if get(cb, kind, record_id) is not None:
                _delete_checked(cb, tx, kind, record_id)
        tx.summary = (
            _("Ongedaan gemaakt: {what}").format(what=summary)
            if summary
            else _("Wijziging ongedaan gemaakt")
        )


def _delete_checked(cb: Casebook, tx: Transaction, kind: str, record_id: str) -> None:
    """Delete a record added by the change being undone; refuse when something else
    refers to it now (a note for a person who would vanish)."""
    with cb.reading() as conn:
        for referrer, ref_field, _required in _referrers(kind):
            used = conn.execute(
                f"SELECT count(*) FROM {referrer} WHERE {ref_field} = ?", (record_id,)
            ).fetchone()[0]
            if used:
                raise KlantappError(
                    _("{record} wordt nog gebruikt door {count} {referrers}.").format(
                        record=_label(kind),
                        count=used,
                        referrers=_(RECORD_KINDS[referrer].label_plural).lower(),
                    ),
                    hint=_("Verwijder of wijzig die eerst."),
                )
    _forget(cb, tx, kind, record_id)
    tx.delete(kind, record_id)


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


@dataclass
class Cascade:
    """What deleting a record takes along (:func:`cascade_of`): the rows to delete,
    those that must refer to it first and the record itself last, and the optional
    references to clear (kind, id, field)."""

    deletes: list[tuple[str, str]] = field(default_factory=list)
    clears: list[tuple[str, str, str]] = field(default_factory=list)


def cascade_of(cb: Casebook, kind: str, record_id: str, into: Cascade | None = None) -> Cascade:
    """What a delete of a record must deal with, as the registry says: records that
    must refer to a household or person go with it; any other required reference
    blocks the delete (KlantappError, in words); optional references are cleared."""
    plan = into if into is not None else Cascade()
    with cb.reading() as conn:
        for referrer, ref_field, required in _referrers(kind):
            ids = [
                r[0]
                for r in conn.execute(
                    f"SELECT id FROM {referrer} WHERE {ref_field} = ?", (record_id,)
                )
            ]
            if not ids:
                continue
            if required and kind in _OWNERS:
                for rid in ids:
                    cascade_of(cb, referrer, rid, plan)
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
                plan.clears += [(referrer, rid, ref_field) for rid in ids]
    plan.deletes.append((kind, record_id))
    return plan


def _delete_cascade(cb: Casebook, tx: Transaction, kind: str, record_id: str) -> None:
    """Delete a record with what :func:`cascade_of` says goes along."""
    plan = cascade_of(cb, kind, record_id)
    for referrer, rid, ref_field in plan.clears:
        tx.update(referrer, rid, {ref_field: None})
    for doomed_kind, doomed_id in plan.deletes:
        _forget(cb, tx, doomed_kind, doomed_id)
        tx.delete(doomed_kind, doomed_id)


def delete_record(cb: Casebook, kind: str, record_id: str) -> None:
    """Delete a record; a household takes its members and everything under it along,
    a person their intake scores and PIP versions (appointments and notes stay with the
    household)."""
    with cb.transaction() as tx:
        _current(cb, kind, record_id)
        _delete_cascade(cb, tx, kind, record_id)


def record_outcome(cb: Casebook, appointment_id: str, outcome: str) -> None:
    """Record what happened with an appointment (verschenen, niet_verschenen, ...)."""
    update_record(cb, "appointments", appointment_id, {"outcome": outcome})


def new_pip_version(cb: Casebook, person_id: str, values: dict[str, Any]) -> str:
    """A new PIP version for a person: starts from the latest version, which is marked
    *vervangen* once the new one is *vastgesteld*. The termijn keeps running from the
    first version's dagtekening (the deadline rules read the earliest version)."""
    return save_pip(cb, person_id, values)


# --- saves of several records: validated whole, written as one change ------------------


def save_pip(
    cb: Casebook, person_id: str, values: dict[str, Any], *, pip_id: str | None = None
) -> str:
    """Save a PIP with what goes with it, as one change: a new version (``pip_id`` None,
    starting from the latest version's values) or changes to ``pip_id``. When the saved
    version is *vastgesteld*, the versions before it that were vastgesteld or concept
    are marked *vervangen*. Returns the PIP's id."""
    with cb.transaction() as tx:
        person = _current(cb, "persons", person_id)
        with cb.reading() as conn:
            versions = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM pips WHERE person_id = ? ORDER BY version", (person_id,)
                )
            ]
        earlier = [get(cb, "pips", v) or {} for v in versions if v != pip_id]
        if pip_id is None:
            previous = earlier[-1] if earlier else None
            base = {
                k: v
                for k, v in (previous or {}).items()
                if k not in ("id", "version", "status", "vastgesteld_on")
            }
            new_values = {
                **base,
                "household_id": person["household_id"],
                "person_id": person_id,
                "status": "concept",
                **{k: v for k, v in values.items() if k != "version"},
                "version": max((int(p.get("version") or 0) for p in earlier), default=0) + 1,
            }
            normalized = _validated(cb, "pips", new_values)
            saved_id = tx.insert("pips", normalized)
            version = normalized["version"]
            status = normalized.get("status")
        else:
            current = _current(cb, "pips", pip_id)
            if current.get("person_id") != person_id:
                raise KlantappError(_("Dit PIP hoort bij een ander gezinslid."))
            normalized = _validated(cb, "pips", values, current=current)
            _write_update(cb, tx, "pips", current, normalized)
            saved_id = pip_id
            version = current.get("version")
            status = normalized.get("status", current.get("status"))
            earlier = [p for p in earlier if int(p.get("version") or 0) < int(version or 0)]
        replaced = []
        if status == "vastgesteld":
            for p in earlier:
                if p.get("status") in ("vastgesteld", "concept"):
                    _write_update(cb, tx, "pips", p, {"status": "vervangen"})
                    replaced.append(p.get("version"))
        name = person_name(person)
        what = (
            _("PIP versie {version} vastgesteld voor {name}")
            if status == "vastgesteld"
            else _("PIP versie {version} opgeslagen voor {name}")
        ).format(version=version, name=name)
        if replaced:
            what += "; " + ngettext(
                "versie {versions} vervangen", "versies {versions} vervangen", len(replaced)
            ).format(versions=", ".join(str(v) for v in replaced))
        tx.summary = what
        return saved_id


Cell = tuple[str, str]  # (leefgebied, person id)


def save_intake(
    cb: Casebook,
    household_id: str,
    intake_date: str,
    cells: Mapping[Cell, Mapping[str, Any]],
    *,
    without_partner: bool | None = None,
) -> dict[Cell, str]:
    """Save a brede intake grid as one change: for each (leefgebied, member) cell its
    score and toelichting, added or changed; ``without_partner`` is set on every score
    of that intake. Every cell is checked first; a problem names the cell (record) and
    the field, and then nothing is saved. Returns the id of each cell's record."""
    domains = dict(LEEFGEBIEDEN)
    with cb.transaction() as tx:
        _current(cb, "households", household_id)
        date_values, problems = validate_record(
            "intake_scores", {"intake_date": intake_date}, partial=True
        )
        if problems:
            raise InvalidInput(problems)
        day = date_values["intake_date"]
        with cb.reading() as conn:
            stored = {
                (r["domain"], r["person_id"]): r
                for r in (
                    get(cb, "intake_scores", row[0]) or {}
                    for row in conn.execute(
                        "SELECT id FROM intake_scores WHERE household_id = ? AND intake_date = ?",
                        (household_id, day),
                    )
                )
            }
            members = {
                row[0]: person_name({"given_names": row[1], "family_name": row[2]})
                for row in conn.execute(
                    "SELECT id, given_names, family_name FROM persons WHERE household_id = ?",
                    (household_id,),
                )
            }
        planned: list[tuple[Cell, dict[str, Any] | None, dict[str, Any]]] = []
        for cell, changes in cells.items():
            domain, person_id = cell
            where = _("{leefgebied}, {member}").format(
                leefgebied=_(domains.get(domain, domain)), member=members.get(person_id, "?")
            )
            current = stored.get(cell)
            if current is None:
                values: dict[str, Any] = {
                    "household_id": household_id,
                    "person_id": person_id,
                    "domain": domain,
                    "intake_date": day,
                    **{k: v for k, v in changes.items() if v is not None},
                }
                if without_partner is not None:
                    values["without_partner"] = without_partner
                normalized, found = validate_record("intake_scores", values, where=where)
                found += check_references(cb, "intake_scores", normalized, where=where)
            else:
                update = dict(changes)
                if without_partner is not None:
                    update["without_partner"] = without_partner
                normalized, found = validate_record(
                    "intake_scores", update, partial=True, where=where, current=current
                )
            problems += found
            planned.append((cell, current, normalized))
        if problems:
            raise InvalidInput(problems)
        saved: dict[Cell, str] = {}
        touched: set[Cell] = set()
        for cell, current, normalized in planned:
            if current is None:
                saved[cell] = tx.insert("intake_scores", normalized)
                touched.add(cell)
            else:
                saved[cell] = current["id"]
                if _write_update(cb, tx, "intake_scores", current, normalized):
                    touched.add(cell)
        if without_partner is not None:
            for cell, current in stored.items():
                if cell not in saved and bool(current.get("without_partner")) != without_partner:
                    _write_update(
                        cb, tx, "intake_scores", current, {"without_partner": without_partner}
                    )
        tx.summary = _intake_summary(len(touched), len({c[1] for c in touched}))
        return saved


def _intake_summary(scores: int, members: int) -> str:
    """'Brede intake: 64 scores voor 4 gezinsleden'."""
    return _("Brede intake: {scores} voor {members}").format(
        scores=ngettext("{n} score", "{n} scores", scores).format(n=scores),
        members=ngettext("{n} gezinslid", "{n} gezinsleden", members).format(n=members),
    )


def save_household(
    cb: Casebook,
    values: dict[str, Any],
    members: Sequence[Mapping[str, Any]] = (),
    *,
    household_id: str | None = None,
) -> tuple[str, list[str]]:
    """Save a household with its members as one change: a new household (``household_id``
    None) or changes to one, and each member added (no ``id``) or changed. Every record
    is checked first; then nothing or everything is saved. Returns the household's id
    and the members' ids."""
    with cb.transaction() as tx:
        problems: list[Problem] = []
        current = None if household_id is None else _current(cb, "households", household_id)
        normalized, found = validate_record(
            "households", values, partial=current is not None, current=current
        )
        problems += found
        hid = household_id or str(values.get("id") or "") or None
        planned: list[tuple[dict[str, Any] | None, dict[str, Any]]] = []
        for number, member in enumerate(members, start=1):
            where = _("Gezinslid {n}").format(n=number)
            member_id = member.get("id")
            if member_id:
                stored = _current(cb, "persons", str(member_id))
                if household_id is None or stored.get("household_id") != household_id:
                    raise KlantappError(_("Dit gezinslid hoort bij een ander huishouden."))
                norm, found = validate_record(
                    "persons", dict(member), partial=True, where=where, current=stored
                )
            else:
                stored = None
                norm, found = validate_record(
                    "persons",
                    {**{k: v for k, v in member.items() if v is not None}, "household_id": "-"},
                    where=where,
                )
            problems += found
            planned.append((stored, norm))
        if problems:
            raise InvalidInput(problems)
        if current is None:
            hid = tx.insert("households", normalized)
        else:
            _write_update(cb, tx, "households", current, normalized)
        assert hid is not None
        ids: list[str] = []
        added = changed = 0
        for stored, norm in planned:
            if stored is None:
                ids.append(tx.insert("persons", {**norm, "household_id": hid}))
                added += 1
            else:
                ids.append(stored["id"])
                changed += _write_update(cb, tx, "persons", stored, norm)
        name = normalized.get("name") or (current or {}).get("name") or ""
        parts = []
        if added:
            parts.append(
                ngettext("{n} gezinslid toegevoegd", "{n} gezinsleden toegevoegd", added).format(
                    n=added
                )
            )
        if changed:
            parts.append(
                ngettext("{n} gezinslid gewijzigd", "{n} gezinsleden gewijzigd", changed).format(
                    n=changed
                )
            )
        head = (
            _("Huishouden {name} toegevoegd") if current is None else _("Huishouden {name}")
        ).format(name=name)
        tx.summary = f"{head}: {', '.join(parts)}" if parts else head
        return hid, ids


__all__ = [
    "Cascade",
    "RecordNotFound",
    "add_record",
    "cascade_of",
    "delete_record",
    "new_pip_version",
    "record_outcome",
    "save_household",
    "save_intake",
    "save_pip",
    "undo_change",
    "undo_problem",
    "update_record",
]
