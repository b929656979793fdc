"""What older casebooks and exports held, in today's records.

Used by the schema migrations 0007, 0009 and 0010 (casebooks), by the JSON import of
older formats (exports) and by the office's translation of an older laptop's changes
(klantapp/sync/removed/), so all of them read old data the same way:

* ``persons.permit_type`` was free text. :func:`permit_basis_from_text` recognises the
  usual wordings and gives the permit basis; a text it does not recognise gives
  ``None``: the text stays in ``permit_type`` and the klantmanager is asked to choose
  (the due rule ``vergunning_kiezen``). Nothing is lost.
* ``persons.leerbaarheid_result`` was free text; :func:`leerbaarheid_outcome_from_text`
  reads the outcome from it where it is plain. The text stays as the toelichting.
* ``persons.termijn_start`` and ``pips.extension_months`` became DUO decisions on the
  person (:func:`decisions_from_v1`). Only the newest PIP version's extension counted
  before, so only that one becomes a verlenging: every date stays what it was shown as.
  The decisions get ids derived from the record they came from, so every laptop that
  upgrades the same data makes the same records.
* ``pips.goal`` (Einddoel) was free text; schema 10 (format 4) has the KIS
  ``integratieroute`` instead (:func:`pip_with_integratieroute`): the route the
  leerroute leads to, as the monitor counted it before, and the text of the einddoel
  as a line of the PIP's toelichting. Nothing is lost.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from klantapp.domain.records import INTEGRATIEROUTE_OF_LEERROUTE

__all__ = [
    "decisions_from_v1",
    "leerbaarheid_outcome_from_text",
    "modules_from_v2",
    "permit_basis_from_text",
    "pip_notes_with_attempts",
    "pip_with_integratieroute",
]

_NAMESPACE = uuid.UUID("6f1d3b7e-8a52-4c0e-9a4f-2d8e5b1c7a90")

# Checked in order: the first pattern found in the lower-cased text decides.
_PERMIT_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"nareis|afgeleid|volgmigra", "nareis_asiel"),
    (r"asiel.*onbepaald|onbepaald.*asiel", "asiel_onbepaald"),
    (r"asiel", "asiel_bepaald"),
    (r"\beu\b|eer|zwitser|turk|vrij verkeer|unieburger", "vrij_verkeer"),
    (r"studie|seizoen|au.?pair|tijdelijk|uitwisseling|kennismigrant", "regulier_tijdelijk"),
    (r"gezin|partner|familie|referent|kind bij ouder", "regulier_gezin"),
    (r"regulier", "regulier_overig"),
)


def permit_basis_from_text(text: object) -> str | None:
    """The permit basis a free-text permit type means, or ``None`` when unsure.

    "Asiel bepaalde tijd" -> asiel_bepaald; "Nareis (afgeleid asiel)" -> nareis_asiel;
    "Gezinshereniging" -> regulier_gezin. A text that says "nareis" but also "regulier"
    is left for the klantmanager: a nareizend gezinslid can have either permit.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    low = text.strip().lower()
    if "nareis" in low and "regulier" in low:
        return None
    for pattern, basis in _PERMIT_PATTERNS:
        if re.search(pattern, low):
            return basis
    return None


def leerbaarheid_outcome_from_text(text: object) -> str | None:
    """The outcome a free-text leerbaarheidstoets result names ("Hoog: B1-route
    haalbaar" -> hoog), or ``None`` when it names none or more than one."""
    if not isinstance(text, str):
        return None
    low = text.lower()
    found = {
        outcome
        for outcome, words in (
            ("hoog", ("hoog",)),
            ("gemiddeld", ("gemiddeld", "midden")),
            ("laag", ("laag",)),
        )
        if any(re.search(rf"\b{w}\b", low) for w in words)
    }
    return found.pop() if len(found) == 1 else None


def _id(source: str, what: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{source}:{what}"))


def decisions_from_v1(
    persons: Iterable[Mapping[str, Any]], pips: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """DUO decisions for what format 1 kept on the person and the PIP. Each dict has
    ``id``, ``household_id``, ``person_id`` and the decision's fields."""
    out: list[dict[str, Any]] = []
    for person in persons:
        start = person.get("termijn_start")
        if start:
            out.append(
                {
                    "id": _id(str(person["id"]), "termijn_start"),
                    "household_id": person.get("household_id"),
                    "person_id": person["id"],
                    "kind": "termijn_start",
                    "date": start,
                    "termijn_start": start,
                    "notes": "Overgenomen uit het veld 'Start termijn' van de persoon.",
                }
            )
    newest: dict[object, Mapping[str, Any]] = {}
    for pip in pips:
        key = pip.get("person_id")
        if key not in newest or _version(pip) > _version(newest[key]):
            newest[key] = pip
    for pip in newest.values():
        months = pip.get("extension_months")
        if not isinstance(months, int) or isinstance(months, bool) or months <= 0:
            continue
        out.append(
            {
                "id": _id(str(pip["id"]), "verlenging"),
                "household_id": pip.get("household_id"),
                "person_id": pip.get("person_id"),
                "kind": "verlenging",
                "date": pip.get("vastgesteld_on") or pip.get("course_start") or "2022-01-01",
                "ground": "onbekend",
                "period_months": months,
                "notes": (
                    f"Overgenomen uit PIP versie {pip.get('version')} "
                    "(veld 'Verlenging termijn'). Vul de dagtekening en het kenmerk van DUO in."
                ),
            }
        )
    return out


def _version(pip: Mapping[str, Any]) -> int:
    v = pip.get("version")
    return v if isinstance(v, int) else 0


# --- format 2 -> 3 (schema migration 0009) ---------------------------------------------
#
# * ``pips.pvt_signed`` became the signing on a PVT module (records of kind
#   ``trajectmodules``); the date was never kept, so the module says "afgerond" and its
#   note asks for the date.
# * ``pips.knm_done`` became a passed KNM exam attempt (``exam_attempts``), date unknown.
# * ``pips.exam_attempts`` (a count, no dates or results) cannot become attempts: the
#   count is written into the PIP version's own toelichting, so it stays readable.
# * ``handhaving.overtreding_date`` is new: for a record linked to an appointment it is
#   that appointment's day (the missed brede intake is the overtreding).


def modules_from_v2(pips: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A PVT module (afgerond) per person whose PIP versions said the participatie-
    verklaring was signed, and a passed KNM attempt per person whose versions said
    KNM was behaald: each a record dict with ``_kind`` naming its kind."""
    signed: dict[object, list[Mapping[str, Any]]] = {}
    knm: dict[object, list[Mapping[str, Any]]] = {}
    for pip in pips:
        if pip.get("pvt_signed") is True or pip.get("pvt_signed") == 1:
            signed.setdefault(pip.get("person_id"), []).append(pip)
        if pip.get("knm_done") is True or pip.get("knm_done") == 1:
            knm.setdefault(pip.get("person_id"), []).append(pip)
    out: list[dict[str, Any]] = []
    for person_id, found in signed.items():
        first = min(found, key=_version)
        out.append(
            {
                "_kind": "trajectmodules",
                "id": _id(str(first["id"]), "pvt"),
                "household_id": first.get("household_id"),
                "person_id": person_id,
                "kind": "pvt",
                "status": "afgerond",
                "notes": (
                    f"Overgenomen uit PIP versie {_versions(found)} (veld 'Participatie"
                    "verklaring ondertekend'). Vul de datum van ondertekening in."
                ),
            }
        )
    for person_id, found in knm.items():
        first = min(found, key=_version)
        out.append(
            {
                "_kind": "exam_attempts",
                "id": _id(str(first["id"]), "knm"),
                "household_id": first.get("household_id"),
                "person_id": person_id,
                "skill": "knm",
                "result": "behaald",
                "notes": (
                    f"Overgenomen uit PIP versie {_versions(found)} (veld 'KNM behaald'). "
                    "Vul de examendatum in."
                ),
            }
        )
    return out


def pip_notes_with_attempts(notes: object, attempts: object) -> object:
    """The PIP's toelichting with the old count of exam attempts added, or unchanged."""
    if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts <= 0:
        return notes
    line = f"Examenpogingen (uit een oudere versie van Klantapp): {attempts}."
    return f"{notes}\n{line}" if isinstance(notes, str) and notes.strip() else line


def pip_with_integratieroute(pip: Mapping[str, Any]) -> dict[str, Any]:
    """A PIP version that had the free-text ``goal`` (schema 9, format 3) as it is now:
    without it, with its text as the line "Einddoel: ..." of the toelichting, and with
    the integratieroute its leerroute leads to unless one is given."""
    out = {k: v for k, v in pip.items() if k != "goal"}
    goal = pip.get("goal")
    if isinstance(goal, str) and goal.strip():
        line = f"Einddoel: {goal.strip()}"
        notes = pip.get("notes")
        out["notes"] = f"{notes}\n{line}" if isinstance(notes, str) and notes.strip() else line
    if not out.get("integratieroute"):
        route = INTEGRATIEROUTE_OF_LEERROUTE.get(str(pip.get("leerroute")))
        if route is not None:
            out["integratieroute"] = route
    return out


def _versions(pips: list[Mapping[str, Any]]) -> str:
    return ", ".join(str(_version(p)) for p in sorted(pips, key=_version))
