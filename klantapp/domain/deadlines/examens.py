"""Exam attempts per skill, and when the inburgeringsplicht is met.

The rules, each with its explanation and legal source:

* **The B1-route ends with exams** in lezen, luisteren, schrijven and spreken at level
  B1, and the KNM exam (art. 7 lid 1 Wi2021; Besluit inburgering 2021, the B1-route ~;
  DOMAIN.md 1.6). A skill counts as passed by an attempt with result *behaald* at the
  level required or higher. KNM has no ERK level.
* **Afschalen** lowers the level for a skill to A2 (Besluit inburgering 2021,
  afschalen ~; DOMAIN.md 1.6): the PIP's ``afgeschaald`` lists those skills.
* **The Z-route has no exams**: it ends with an eindgesprek (an appointment of kind
  ``z_eindgesprek`` with outcome *verschenen*); the KNM exam is optional since 2023.
* **The onderwijsroute** ends with entry into mbo, hbo or wo; Klantapp has no record
  of that, so it never calls an onderwijsroute finished on its own.
* **The plicht is met** when the leerroute, the PVT and the MAP (not on the
  onderwijsroute) are all done (art. 7 lid 1 Wi2021). Then the termijn items stop, and
  ``plicht_voldaan`` asks to record it (DUO decides that the plicht is met and tells the
  person; Klantapp cannot see that decision).

A passed attempt from an older Klantapp has no date (only "KNM behaald" was kept): it
counts as passed; the day the plicht was met is then unknown and the item is due today.

Pure functions on record dicts shaped like :data:`klantapp.domain.records.EXAM_ATTEMPT`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from klantapp.domain.dates import record_date
from klantapp.domain.deadlines.items import Collector
from klantapp.domain.deadlines.trajectmodules import map_done, map_required, pvt_done
from klantapp.domain.records import LANGUAGE_SKILLS
from klantapp.i18n import N_, _

__all__ = [
    "RULES",
    "Part",
    "completion_items",
    "inburgering_parts",
    "open_parts",
    "plicht_met_on",
    "required_level",
    "skill_passed",
]

RULES: Mapping[str, str] = {
    "plicht_voldaan": N_("Alle onderdelen behaald: inburgeringsplicht op 'Voldaan' zetten"),
}

_LEVELS = ("A0", "A1", "A2", "B1", "B2")


def required_level(pip: Mapping[str, object] | None, skill: str) -> str:
    """B1, or A2 for a skill the PIP has afgeschaald."""
    lowered = pip.get("afgeschaald") if pip is not None else None
    return "A2" if isinstance(lowered, list) and skill in lowered else "B1"


def _at_least(level: object, wanted: str) -> bool:
    return (
        isinstance(level, str)
        and level in _LEVELS
        and _LEVELS.index(level) >= _LEVELS.index(wanted)
    )


def skill_passed(
    attempts: Sequence[Mapping[str, object]], skill: str, level: str | None
) -> tuple[bool, date | None]:
    """(passed, the first day passed if known): an attempt at ``skill`` with result
    behaald, at ``level`` or higher (``None``: any level, as for KNM)."""
    passed = [
        a
        for a in attempts
        if a.get("skill") == skill
        and a.get("result") == "behaald"
        and (level is None or _at_least(a.get("level"), level))
    ]
    if not passed:
        return False, None
    days = [d for a in passed if (d := record_date(a.get("date"))) is not None]
    return True, min(days) if len(days) == len(passed) else None


@dataclass(frozen=True)
class Part:
    """One part of the plicht: done or not, and the day it was done (if known)."""

    key: str
    label: str  # plain words in the current language
    done: bool
    on: date | None
    missing: str = ""  # what to say while it is open, in the current language


def inburgering_parts(
    pip: Mapping[str, object] | None,
    modules: Sequence[Mapping[str, object]],
    attempts: Sequence[Mapping[str, object]],
    appointments: Sequence[Mapping[str, object]] = (),
) -> list[Part]:
    """The parts of one person's plicht on the route of ``pip`` (the newest
    vastgesteld version; ``None``: the B1-route)."""
    given = pip.get("leerroute") if pip is not None else None
    route = given if isinstance(given, str) and given else "b1"
    parts: list[Part] = []
    if route == "b1":
        for skill, label in LANGUAGE_SKILLS:
            level = required_level(pip, skill)
            done, on = skill_passed(attempts, skill, level)
            name = _("{skill} {level}").format(skill=_(label).lower(), level=level)
            parts.append(Part(skill, name, done, on, _("{part} niet behaald").format(part=name)))
        done, on = skill_passed(attempts, "knm", None)
        parts.append(Part("knm", _("KNM"), done, on, _("KNM niet behaald")))
    elif route == "z":
        talks = [
            d
            for a in appointments
            if a.get("kind") == "z_eindgesprek"
            and a.get("outcome") == "verschenen"
            and (d := record_date(a.get("starts_at"))) is not None
        ]
        parts.append(
            Part(
                "z_eindgesprek",
                _("Z-route-eindgesprek"),
                bool(talks),
                min(talks, default=None),
                _("Z-route-eindgesprek niet gehouden"),
            )
        )
    else:
        parts.append(
            Part(
                "onderwijs",
                _("onderwijsroute"),
                False,
                None,
                _("instroom in onderwijs niet vastgelegd"),
            )
        )
    done, on = pvt_done(modules)
    parts.append(Part("pvt", _("PVT"), done, on, _("participatieverklaring niet ondertekend")))
    if map_required(route):
        done, on = map_done(modules)
        parts.append(Part("map", _("MAP"), done, on, _("MAP-eindgesprek niet gehouden")))
    return parts


def plicht_met_on(parts: Sequence[Part], on: date) -> date | None:
    """The day the last part was done, when every part is; ``on`` when one of the days
    is unknown; ``None`` while a part is open."""
    if not parts or not all(p.done for p in parts):
        return None
    days = [p.on for p in parts]
    return max(d for d in days if d is not None) if all(d is not None for d in days) else on


def completion_items(
    c: Collector,
    *,
    person: Mapping[str, object],
    parts: Sequence[Part],
    name: str,
) -> bool:
    """Ask to record the plicht as met once every part is done; returns whether it is
    (then the termijn's items are not needed)."""
    met = plicht_met_on(parts, c.on)
    if met is None:
        return False
    if person.get("plicht_status") != "voldaan":
        c.add(
            "plicht_voldaan",
            _("Alle onderdelen behaald: zet de inburgeringsplicht op 'Voldaan'"),
            met,
            pid if isinstance(pid := person.get("id"), str) else None,
            _(
                "{name}: {parts} zijn behaald of afgerond. Daarmee is aan de "
                "inburgeringsplicht voldaan (art. 7 lid 1 Wi2021). DUO stelt dat vast; zet "
                "de inburgeringsplicht op 'Voldaan' zodra DUO het bevestigt."
            ).format(name=name, parts=", ".join(p.label for p in parts)),
        )
    return True


def open_parts(parts: Sequence[Part]) -> list[str]:
    """The parts still open, in plain words (for the termijn's explanations)."""
    return [p.missing or p.label for p in parts if not p.done]
