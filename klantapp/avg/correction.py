"""Correcting data received in error (art. 16 AVG; a wrong DUO or COA signal).

A correction writes the new value like any edit, and records *what* was corrected and
*why* in the audit trail's "corrected" entry (``avg_corrections``), the only place the
old value stays. Everywhere else it goes: the undo bookkeeping of the record is
dropped (undo could bring it back), every change summary that mentions it is removed,
and the full-text index is merged so its words are gone from it too. Compaction
removes it from the journal (the correction compacts right away).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from klantapp.avg.log import now_utc
from klantapp.casebook import services
from klantapp.casebook.casebook import Casebook
from klantapp.domain.records import RECORD_KINDS
from klantapp.errors import InvalidInput, KlantappError, Problem
from klantapp.i18n import N_, _

#: Where data received in error comes from.
SOURCES: dict[str, str] = {
    "duo": N_("Signaal van DUO"),
    "coa": N_("Gegevens van het COA"),
    "ind": N_("Gegevens van de IND"),
    "brp": N_("Basisregistratie Personen"),
    "klant": N_("Verzoek van de klant (art. 16 AVG)"),
    "anders": N_("Anders"),
}


def _shown(value: Any) -> str:
    if value is None or value == "":
        return _("(leeg)")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


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
    Refuses (InvalidInput, field named) an empty reason or an unknown source."""
    problems = []
    if not reason.strip():
        problems.append(Problem(kind, "reason", _("Geef de reden van de correctie.")))
    if source not in SOURCES:
        problems.append(Problem(kind, "source", _("Onbekende bron van de correctie.")))
    if kind not in RECORD_KINDS:
        raise KlantappError(_("Onbekend soort gegeven: {kind}.").format(kind=kind))
    if problems:
        raise InvalidInput(problems)
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
        person_id = record_id if kind == "persons" else current.get("person_id")
        household_id = record_id if kind == "households" else current.get("household_id")
        labels = []
        for name in sorted(changed):
            label = _(rk.field(name).label)
            labels.append(label)
            entry = {
                "at": now_utc(),
                "actor": tx.actor,
                "tbl": kind,
                "row_id": record_id,
                "person_id": person_id,
                "household_id": household_id,
                "field": name,
                "field_label": label,
                "old": _shown(current.get(name)),
                "reason": reason.strip(),
                "source": source,
            }
            tx.put_local("avg_corrections", f"{entry['at']}-{uuid.uuid4().hex[:8]}", entry)
            old = current.get(name)
            if isinstance(old, str) and len(old.strip()) >= 2:
                tx.forget(text=old)
        summary = _("Gegevens gecorrigeerd: {record} ({fields})").format(
            record=_(rk.label), fields=", ".join(labels)
        )
        olds = [str(current.get(n)) for n in changed if isinstance(current.get(n), str)]
        if any(o.strip() and o.strip() in summary for o in olds):
            summary = _("Gegevens gecorrigeerd")
        tx.summary = summary
    return sorted(changed)
