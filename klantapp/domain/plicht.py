"""Who is inburgeringsplichtig on a date, under which regime, and in which doelgroep.

The one entry point is :func:`plicht_on` (the monitor and the deadline rules read it):
a person's plicht status, doelgroep and regime on a given day, with the reason in plain
words. The rules, each with its source:

* **Permit basis** (art. 3 lid 1 Wi2021): a verblijfsvergunning asiel (also the
  afgeleide one of a nareiziger) or regulier for a non-temporary purpose. A temporary
  purpose, EU/EER, Swiss and Turkish nationals: no plicht (art. 3 lid 2 and 3; Turkish
  nationals through the Associatieverdrag, DUO's explanation). The doelgroep follows
  from the basis (:func:`doelgroep_of`).
* **Age** (art. 3 lid 1): from 16 until the AOW age. *Choice*: while leerplicht or
  kwalificatieplicht applies the plicht does not start (art. 3 lid 3 sub b; Schulinck:
  "dan vangt de inburgeringsplicht aan zodra die vrijstelling niet meer geldt"). In
  practice that is until the 18th birthday; Klantapp counts from then. Someone of 16 or
  17 whose plicht DUO already started has a "Start inburgeringsplicht" filled in, which
  wins.
* **AOW age** (art. 3 lid 1; the AOW age per year from art. 7a AOW): the plicht ends
  on the day the person reaches it (:func:`aow_date`).
* **Regime** (art. 50 Wi2021, the transitional rule): whoever's plicht started before
  1 January 2022 stays under the Wi2013 and gets no Wi2021 deadlines. When the regime
  is not filled in, it is derived from the start of the plicht, or the permit date.
* **DUO decisions**: an ontheffing or vrijstelling (art. 4-6 Wi2021) ends the plicht
  from the day it applies.

Pure functions on record dicts; no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from klantapp.domain.dates import add_months, latest_birth_date, long_date, record_date
from klantapp.domain.records import DUO_DECISION_KINDS, PLICHT_STATUS, choice_label, own_records
from klantapp.i18n import N_, _

__all__ = [
    "ASIEL_PERMITS",
    "PRACTICAL_PLICHT_AGE",
    "WI2021_START",
    "Plicht",
    "aow_date",
    "doelgroep_of",
    "ontzorgen_mandatory",
    "plicht_on",
    "plicht_start_date",
    "regime_of",
]

WI2021_START = date(2022, 1, 1)
PRACTICAL_PLICHT_AGE = 18  # leerplicht/kwalificatieplicht end (art. 3 lid 3 sub b)

#: Permits under art. 28/29 Vw 2000 (asiel), incl. the afgeleide vergunning of nareizigers.
ASIEL_PERMITS = frozenset({"asiel_bepaald", "asiel_onbepaald", "nareis_asiel"})
_NOT_PLICHTIG_PERMITS = frozenset({"regulier_tijdelijk", "vrij_verkeer"})
_DOELGROEP_OF_PERMIT = {
    "asiel_bepaald": "asiel",
    "asiel_onbepaald": "asiel",
    "nareis_asiel": "nareiziger",
    "regulier_gezin": "gezin",
    "regulier_overig": "overig",
}
_ENDED_STATUS = frozenset({"voldaan", "vrijstelling", "ontheffing", "niet_plichtig"})

# AOW age by the calendar year in which it is reached (art. 7a AOW; 2028-2030 as set by
# the minister in 2023-2025). Later years: 67 years and 3 months until a new decision.
_AOW_MONTHS = {
    2013: 65 * 12 + 1,
    2014: 65 * 12 + 2,
    2015: 65 * 12 + 3,
    2016: 65 * 12 + 6,
    2017: 65 * 12 + 9,
    2018: 66 * 12,
    2019: 66 * 12 + 4,
    2020: 66 * 12 + 4,
    2021: 66 * 12 + 4,
    2022: 66 * 12 + 7,
    2023: 66 * 12 + 10,
    2024: 67 * 12,
    2025: 67 * 12,
    2026: 67 * 12,
    2027: 67 * 12,
    2028: 67 * 12 + 3,
    2029: 67 * 12 + 3,
    2030: 67 * 12 + 3,
}


def _aow_months(year: int) -> int:
    if year < 2013:
        return 65 * 12
    return _AOW_MONTHS.get(year, 67 * 12 + 3)


@lru_cache(maxsize=65536)  # pure; the monitor asks it for every person
def aow_date(birth_date: date) -> date:
    """The day someone born on ``birth_date`` reaches the AOW age (art. 7a AOW)."""
    for year in range(birth_date.year + 65, birth_date.year + 69):
        reached = add_months(birth_date, _aow_months(year))
        if reached.year == year:
            return reached
    return add_months(birth_date, _aow_months(birth_date.year + 68))


def doelgroep_of(person: Mapping[str, object]) -> str | None:
    """The doelgroep: from the permit basis where the law decides it, else as recorded."""
    basis = person.get("permit_basis")
    if isinstance(basis, str) and basis in _DOELGROEP_OF_PERMIT:
        return _DOELGROEP_OF_PERMIT[basis]
    recorded = person.get("doelgroep")
    return recorded if isinstance(recorded, str) and recorded else None


def ontzorgen_mandatory(person: Mapping[str, object]) -> bool:
    """Ontzorgen is mandatory on bijstand for a verblijfsvergunning asiel only (art. 56a
    Participatiewet), the afgeleide one of a nareiziger included; not for a family member
    who followed with a regular permit. Without a permit basis: only a recorded doelgroep
    "asiel" counts (a recorded "nareiziger" could be either)."""
    basis = person.get("permit_basis")
    if isinstance(basis, str) and basis:
        return basis in ASIEL_PERMITS
    return person.get("doelgroep") == "asiel"


def plicht_start_date(person: Mapping[str, object]) -> date | None:
    """The legal start of the plicht: "Start inburgeringsplicht", else the permit date
    (the plicht starts when the IND announces the verblijfsrecht)."""
    return record_date(person.get("plicht_start")) or record_date(person.get("permit_date"))


def regime_of(person: Mapping[str, object]) -> str | None:
    """``"wi2021"``, ``"wi2013"``, ``"geen"`` or ``None`` (unknown). A recorded regime
    wins; otherwise a plicht that started before 1 January 2022 is Wi2013 (art. 50)."""
    return _regime(person, plicht_start_date(person))


def _regime(person: Mapping[str, object], start: date | None) -> str | None:
    """:func:`regime_of`, with the person's :func:`plicht_start_date` read already."""
    recorded = person.get("regime")
    if isinstance(recorded, str) and recorded:
        return recorded
    if start is None:
        return None
    return "wi2013" if start < WI2021_START else "wi2021"


@dataclass(frozen=True)
class Plicht:
    """A person's plicht on one day.

    ``status``: a PLICHT_STATUS value (records.py) or ``"nog_niet"`` (not yet: under 18,
    still abroad). ``deadlines``: whether the Wi2021 deadline rules apply that day.
    ``duties_start``: the day the Wi2021 duties start or started (the later of the legal
    start and the 18th birthday), when known. :attr:`reason`: plain words, translated.
    """

    status: str
    doelgroep: str | None
    regime: str | None
    deadlines: bool
    duties_start: date | None
    #: the reason's key in _REASONS and what it names (a day, a decision's kind)
    why: tuple[str, date | None, str | None] = ("plichtig", None, None)

    @property
    def reason(self) -> str:
        """Why, in plain words, translated: worded when asked (the monitor works out the
        plicht of every person and words none of them)."""
        key, day, kind = self.why
        text = _(_REASONS[key])
        if key == "decision":
            decision = _(choice_label(DUO_DECISION_KINDS, kind or "")).lower()
            return text.format(decision=decision, day=long_date(day) if day else "")
        if key == "status":
            return text.format(status=_(choice_label(PLICHT_STATUS, kind or "")))
        return text.format(day=long_date(day)) if day is not None else text


_REASONS = {
    "decision": N_("DUO heeft een {decision} gegeven, geldig vanaf {day}."),
    "status": N_("De inburgeringsplicht staat op '{status}'."),
    "permit": N_("Met deze verblijfsvergunning geldt geen inburgeringsplicht (art. 3 Wi2021)."),
    "wi2013": N_(
        "De plicht begon voor 1 januari 2022: de Wet inburgering 2013 geldt, zonder de "
        "termijnen van de Wi2021 (art. 50 Wi2021)."
    ),
    "geen": N_("Niet inburgeringsplichtig."),
    "aow": N_("De AOW-leeftijd is bereikt op {day}: de plicht is geëindigd (art. 3 Wi2021)."),
    "abroad": N_("Nog in het buitenland (nareis): de plicht begint na aankomst."),
    "minor": N_(
        "Jonger dan 18: zolang de leerplicht of kwalificatieplicht geldt, begint de plicht "
        "niet (art. 3 lid 3 Wi2021). Klantapp rekent vanaf de 18e verjaardag, {day}."
    ),
    "plichtig": N_("Inburgeringsplichtig onder de Wi2021."),
}


def _decided(decisions: list[Mapping[str, object]], on: date) -> tuple[str, date] | None:
    if not decisions:
        return None
    for d in sorted(decisions, key=lambda d: str(d.get("date") or "")):
        if d.get("kind") in ("ontheffing", "vrijstelling"):
            since = record_date(d.get("effective_from")) or record_date(d.get("date"))
            if since is not None and since <= on:
                return str(d["kind"]), since
    return None


def plicht_on(
    person: Mapping[str, object],
    on: date,
    decisions: Iterable[Mapping[str, object]] = (),
) -> Plicht:
    """A person's plicht status, doelgroep and regime on ``on``.

    ``decisions``: the person's DUO decisions (records of kind ``duo_decisions``); others
    are ignored. See the module docstring for the rules.
    """
    mine = own_records(person, decisions)
    doelgroep = doelgroep_of(person)
    legal_start = plicht_start_date(person)
    regime = _regime(person, legal_start)
    latest_birth = latest_birth_date(person.get("birth_date"))
    adult = add_months(latest_birth, 12 * PRACTICAL_PLICHT_AGE) if latest_birth else None
    # A start recorded by DUO before the 18th birthday wins (no leerplicht any more).
    recorded_start = record_date(person.get("plicht_start"))
    if adult is not None and not (recorded_start is not None and recorded_start < adult):
        starts = [d for d in (legal_start, adult) if d is not None]
        duties_start: date | None = max(starts)
    else:
        duties_start = legal_start

    def result(
        status: str, deadlines: bool, key: str, day: date | None = None, kind: str | None = None
    ) -> Plicht:
        return Plicht(status, doelgroep, regime, deadlines, duties_start, (key, day, kind))

    decided = _decided(mine, on)
    if decided is not None:
        kind, since = decided
        return result(kind, False, "decision", since, kind)
    status = person.get("plicht_status")
    if isinstance(status, str) and status in _ENDED_STATUS:
        return result(status, False, "status", kind=status)
    if person.get("permit_basis") in _NOT_PLICHTIG_PERMITS:
        return result("niet_plichtig", False, "permit")
    if regime == "geen":
        return result("niet_plichtig", False, "geen")
    if latest_birth is not None:
        aow = aow_date(latest_birth)
        if aow <= on:
            return result("niet_plichtig", False, "aow", aow)
    if regime == "wi2013":
        return result("plichtig", False, "wi2013")
    if person.get("arrival_status") == "nareis":
        return result("nog_niet", False, "abroad")
    if adult is not None and duties_start is not None and duties_start > on and adult > on:
        return result("nog_niet", False, "minor", adult)
    return result("plichtig", True, "plichtig")
