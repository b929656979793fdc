"""Correcting data received in error (art. 16 AVG; a wrong DUO or COA signal), and
withdrawing a whole record received in error (art. 17: a DUO decision about someone
else).

A correction writes the new value like any edit, and records *what* was corrected and
*why* in the audit trail's "corrected" entry (``avg_corrections``, on this device),
the only place the old value stays. Everywhere else it goes: the undo bookkeeping of
the record is dropped (undo could bring it back), every change summary that mentions
it is removed, and the full-text index is merged so its words are gone from it too.

A withdrawal deletes the record (a person with the records that must name them) the
way a destruction does: marked, so every device that applies it forgets the rows'
history, and with a tombstone that keeps a sync from bringing them back.

Both add an audit entry (action ``correction``, ``ops.CORRECTION``) that says what was
corrected or withdrawn, from which source and why, never the old value. It travels
with the household to the central office (and the owner's laptop); a device that
applies the change forgets the values it replaces, as this one does
(``apply.corrected_values``). Both compact the casebook at the end, so the journal on
disk no longer holds the old value either.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Iterable
from typing import Any

from klantapp.avg.inzage import WITHHELD, withhold
from klantapp.avg.log import log_access, now_utc
from klantapp.casebook import services
from klantapp.casebook.apply import forgettable
from klantapp.casebook.casebook import Casebook
from klantapp.casebook.ops import CORRECTION
from klantapp.domain.records import HOUSEHOLD_CHILDREN, RECORD_KINDS
from klantapp.errors import InvalidInput, KlantappError, Problem
from klantapp.i18n import N_, _, ngettext

#: Where data received in error comes from.
SOURCES: dict[str, str] = {
    "duo": N_("Signaal van DUO"),
    "coa": N_("Gegevens van het COA"),
    "ind": N_("Gegevens van de IND"),
    "brp": N_("Basisregistratie Personen"),
    "klant": N_("Verzoek van de klant (art. 16 AVG)"),
    "anders": N_("Anders"),
}

#: Record kinds that can be withdrawn: the records of a household (a person takes the
#: records that must name them along). A whole household goes with the retention
#: rules; ketenpartners are no client's data.
WITHDRAWABLE: tuple[str, ...] = HOUSEHOLD_CHILDREN

#: Field kinds whose values name or identify someone: a withdrawal's reason may not
#: repeat them (a date or a choice may be said).
_NAMING = frozenset(
    {"text", "longtext", "textlist", "bsn", "vnummer", "postcode", "phone", "email"}
)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return _("(leeg)")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _mentions(text: str, value: Any) -> bool:
    """Does ``text`` name ``value`` (as a whole word, any case)?"""
    if not forgettable(value):
        return False
    pattern = r"(?<!\w)" + re.escape(str(value).strip()) + r"(?!\w)"
    return re.search(pattern, text, re.IGNORECASE) is not None


def _check(kind: str, reason: str, source: str, removed: Iterable[Any] = ()) -> None:
    """Refuse (InvalidInput, field named) an empty reason, an unknown source, or a
    reason that names a value being removed: the reason travels to the office."""
    problems = []
    if not reason.strip():
        problems.append(Problem(kind, "reason", _("Geef de reden van de correctie.")))
    elif any(_mentions(reason, value) for value in removed):
        problems.append(
            Problem(
                kind,
                "reason",
                _(
                    "De reden noemt een waarde die weg moet; de reden gaat mee naar het "
                    "logboek van het centrale kantoor. Beschrijf de reden zonder die waarde."
                ),
            )
        )
    if source not in SOURCES:
        problems.append(Problem(kind, "source", _("Onbekende bron van de correctie.")))
    if kind not in RECORD_KINDS:
        raise KlantappError(_("Onbekend soort gegeven: {kind}.").format(kind=kind))
    if problems:
        raise InvalidInput(problems)


def _ids_of(kind: str, record_id: str, row: dict[str, Any]) -> tuple[str | None, str | None]:
    """(person id, household id) the audit entry of a record names."""
    person_id = record_id if kind == "persons" else row.get("person_id")
    household_id = record_id if kind == "households" else row.get("household_id")
    return person_id, household_id


def correct_record(
    cb: Casebook,
    kind: str,
    record_id: str,
    changes: dict[str, Any],
    *,
    reason: str,
    source: str = "anders",
) -> list[str]:
    """Correct fields of one record; returns the names of the fields that changed.
    Refuses (InvalidInput, field named) an empty reason, an unknown source or a reason
    that names an old value. Compacts the casebook when something changed."""
    current = services._current(cb, kind, record_id) if kind in RECORD_KINDS else {}
    olds = [current.get(k) for k in changes if current.get(k) != changes[k]]
    _check(kind, reason, source, olds)
    rk = RECORD_KINDS[kind]
    with cb.transaction() as tx:
        current = services._current(cb, kind, record_id)
        normalized = services._validated(cb, kind, changes, current=current)
        changed = {k: v for k, v in normalized.items() if k != "id" and current.get(k) != v}
        if not changed:
            return []
        tx.update(kind, record_id, changed)
        with cb.reading() as conn:
            kept = conn.execute(
                "SELECT 1 FROM undo_log WHERE id = ?", (f"{kind}:{record_id}",)
            ).fetchone()
        if kept:
            tx.delete_local("undo_log", f"{kind}:{record_id}")
        person_id, household_id = _ids_of(kind, record_id, current)
        # restricted health data (art. 9 AVG) is not kept even here: it was wrong
        withheld, _hidden = withhold(kind, current)
        labels = []
        for name in sorted(changed):
            label = _(rk.field(name).label)
            labels.append(label)
            restricted = withheld.get(name) == WITHHELD
            entry = {
                "at": now_utc(),
                "actor": tx.actor,
                "tbl": kind,
                "row_id": record_id,
                "person_id": person_id,
                "household_id": household_id,
                "field": name,
                "field_label": label,
                "old": _("(vertrouwelijk, niet bewaard)") if restricted else _shown(current[name]),
                "reason": reason.strip(),
                "source": source,
            }
            tx.put_local("avg_corrections", f"{entry['at']}-{uuid.uuid4().hex[:8]}", entry)
        log_access(
            tx,
            CORRECTION,
            what=_("{record} gecorrigeerd: {fields}; bron: {source}; reden: {reason}").format(
                record=_(rk.label),
                fields=", ".join(labels),
                source=_(SOURCES[source]),
                reason=reason.strip(),
            ),
            person_id=person_id,
            household_id=household_id,
        )
        tx.forget(texts=[v for v in (current.get(n) for n in changed) if forgettable(v)])
        summary = _("Gegevens gecorrigeerd: {record} ({fields})").format(
            record=_(rk.label), fields=", ".join(labels)
        )
        if any(_mentions(summary, current.get(n)) for n in changed):
            summary = _("Gegevens gecorrigeerd")
        tx.summary = summary
    cb.compact(vacuum=True)  # the old value leaves the journal on disk now
    return sorted(changed)


def withdrawal_of(cb: Casebook, kind: str, record_id: str) -> services.Cascade:
    """What withdrawing the record removes: the record and (a person) the records that
    must name them, and the references that are cleared. KlantappError, in words, for a
    kind that cannot be withdrawn or a record that does not exist."""
    if kind not in WITHDRAWABLE:
        raise KlantappError(
            _(
                "Alleen gegevens van een huishouden kunnen worden ingetrokken, geen {record}."
            ).format(
                record=_(RECORD_KINDS[kind].label_plural).lower() if kind in RECORD_KINDS else kind
            ),
            hint=_(
                "Een heel huishouden wordt vernietigd volgens de bewaartermijnen "
                "(Bewaartermijnen, of klantapp retention)."
            ),
        )
    services._current(cb, kind, record_id)
    return services.cascade_of(cb, kind, record_id)


def withdraw_record(
    cb: Casebook, kind: str, record_id: str, *, reason: str, source: str = "anders"
) -> dict[str, int]:
    """Remove a record received in error, with :func:`withdrawal_of` what goes along;
    returns how many records of each kind went. The deletes carry the destruction's
    mark (every device forgets their history; the tombstone keeps a sync from bringing
    them back); the audit entry says what, from which source and why, never a value.
    Compacts the casebook."""
    plan = withdrawal_of(cb, kind, record_id)
    record = services._current(cb, kind, record_id)
    naming = [record.get(f.name) for f in RECORD_KINDS[kind].fields if f.kind in _NAMING]
    _check(kind, reason, source, naming)
    rk = RECORD_KINDS[kind]
    with cb.transaction() as tx:
        plan = withdrawal_of(cb, kind, record_id)  # as it is inside the transaction
        for referrer, rid, ref_field in plan.clears:
            tx.update(referrer, rid, {ref_field: None})
        tx.delete_rows(plan.deletes, destroyed=True)
        tx.forget(rows=plan.deletes)  # the undo values and local AVG entries go too
        person_id, household_id = _ids_of(kind, record_id, record)
        counts = Counter(k for k, _id in plan.deletes)
        along = len(plan.deletes) - 1
        what = _("{record} ingetrokken (onjuist ontvangen); bron: {source}; reden: {reason}")
        if along:
            what = ngettext(
                "{record} ingetrokken (onjuist ontvangen), met {n} gegeven dat erbij hoort; "
                "bron: {source}; reden: {reason}",
                "{record} ingetrokken (onjuist ontvangen), met {n} gegevens die erbij horen; "
                "bron: {source}; reden: {reason}",
                along,
            )
        log_access(
            tx,
            CORRECTION,
            what=what.format(
                record=_(rk.label), n=along, source=_(SOURCES[source]), reason=reason.strip()
            ),
            person_id=person_id,
            household_id=household_id,
        )
        tx.summary = _("Gegevens ingetrokken: {record}").format(record=_(rk.label))
    cb.compact(vacuum=True)  # nothing of the records stays in the journal on disk
    return dict(sorted(counts.items()))
