"""The PIP: vastgesteld within 10 weeks, and the hours it must reach.

* **Deadline** (art. 14 Wi2021; DOMAIN.md 1.5, ~): the PIP is vastgesteld within 10
  weeks of the inschrijving in the gemeente: the person's own ``inschrijving_date``
  (a member who arrived later, such as a nareiziger), else the household's. Someone
  whose duties start later (``plicht_start``, the 18th birthday: art. 3 lid 3 Wi2021,
  leerplicht and kwalificatieplicht) has the 10 weeks from then. Rule
  ``pip_vaststellen``, until a PIP version has its dagtekening.
* **Hours** (DOMAIN.md 1.7): PVT at least 12 h for everyone; MAP at least 40 h on the
  B1- and Z-route; on the Z-route 800 h Dutch and 800 h participation
  (:func:`hour_counters`). What is still open is said on the termijn items.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from klantapp.domain.dates import add_months, latest_birth_date, long_date, record_date
from klantapp.domain.deadlines.items import Collector, int_of
from klantapp.domain.plicht import PRACTICAL_PLICHT_AGE, Plicht, doelgroep_of, plicht_on
from klantapp.i18n import N_, _

PIP_WEEKS = 10  # ~ after inschrijving in the gemeente
PVT_MIN_HOURS = 12
MAP_MIN_HOURS = 40
Z_DUTCH_HOURS = 800
Z_PARTICIPATION_HOURS = 800

RULES = {"pip_vaststellen": N_("PIP vaststellen binnen 10 weken na inschrijving of start plicht")}


def pip_deadline(inschrijving_date: date) -> date:
    """The PIP must be vastgesteld within 10 weeks of inschrijving in the gemeente (~)."""
    return inschrijving_date + timedelta(weeks=PIP_WEEKS)


@dataclass(frozen=True)
class HourCounter:
    """Progress of one required number of hours, e.g. PVT 8 of 12."""

    key: str  # the PIP field
    label: str  # Dutch; translated when shown
    done: int
    target: int

    @property
    def met(self) -> bool:
        return self.done >= self.target

    @property
    def remaining(self) -> int:
        return max(0, self.target - self.done)

    def __str__(self) -> str:
        return _("{label} {done} van {target} uur").format(
            label=_(self.label), done=self.done, target=self.target
        )


def hour_counters(pip: Mapping[str, object]) -> list[HourCounter]:
    """The hours a PIP version must reach for its leerroute.

    PVT >= 12 for everyone; MAP >= 40 on the B1- and Z-route (the onderwijsroute has no
    MAP); on the Z-route 800 h Dutch and 800 h participation. A route not yet chosen
    counts as B1 (the most common route).
    """
    route = pip.get("leerroute") or "b1"
    counters = [HourCounter("pvt_hours", "PVT", int_of(pip.get("pvt_hours")), PVT_MIN_HOURS)]
    if route != "onderwijs":
        counters.append(
            HourCounter("map_hours", "MAP", int_of(pip.get("map_hours")), MAP_MIN_HOURS)
        )
    if route == "z":
        counters.append(
            HourCounter(
                "z_dutch_hours",
                N_("Z-route Nederlands"),
                int_of(pip.get("z_dutch_hours")),
                Z_DUTCH_HOURS,
            )
        )
        counters.append(
            HourCounter(
                "z_participation_hours",
                N_("Z-route participatie"),
                int_of(pip.get("z_participation_hours")),
                Z_PARTICIPATION_HOURS,
            )
        )
    return counters


def pip_open_parts(pip: Mapping[str, object] | None) -> list[str]:
    """The hours still open in a PIP version, in plain words (the exams, PVT and MAP
    are klantapp.domain.deadlines.examens')."""
    if pip is None:
        return []
    return [str(c) for c in hour_counters(pip) if not c.met]


def is_under(birth_date: object, years: int, on: date) -> bool:
    """True when the person is surely younger than ``years`` on ``on``: counted from the
    latest day a partial birth date can mean. Unknown birth dates give ``False``."""
    latest = latest_birth_date(birth_date)
    if latest is None:
        return False
    return add_months(latest, 12 * years) > on


def person_inschrijving(
    household: Mapping[str, object], person: Mapping[str, object]
) -> date | None:
    """The day the person was registered in the gemeente: their own date (a member who
    was registered later, such as a nareiziger), else the household's."""
    return record_date(person.get("inschrijving_date")) or record_date(
        household.get("inschrijving_date")
    )


def pip_deadline_start(
    household: Mapping[str, object],
    person: Mapping[str, object],
    on: date,
    decisions: Iterable[Mapping[str, object]] = (),
    *,
    plicht: Plicht | None = None,
) -> tuple[date, date] | None:
    """(inschrijving, the day the 10 weeks for the PIP count from), or ``None`` when the
    inschrijving is unknown. Someone whose duties start later (the 18th birthday, a
    later plicht_start) has the 10 weeks from then, not from the inschrijving.
    ``plicht``: :func:`plicht_on` of the person on ``on``, when the caller has it
    already (the monitor reads it once per person for every figure)."""
    inschrijving = person_inschrijving(household, person)
    if inschrijving is None:
        return None
    duties = (plicht or plicht_on(person, on, decisions)).duties_start
    return inschrijving, max(inschrijving, duties) if duties is not None else inschrijving


def pip_deadline_item(
    c: Collector,
    household: Mapping[str, object],
    person: Mapping[str, object],
    decisions: Sequence[Mapping[str, object]],
    pid: str | None,
    name: str,
    *,
    plicht: Plicht | None = None,
) -> None:
    """``pip_vaststellen``; ``plicht``: :func:`plicht_on` of the person on ``c.on``, when
    the caller has it already (the same answer: see :func:`pip_deadline_start`)."""
    found = pip_deadline_start(household, person, c.on, decisions, plicht=plicht)
    if found is None:
        return
    inschrijving, base = found
    due = pip_deadline(base)
    if base == inschrijving:
        title = _("PIP vaststellen (10 weken na inschrijving)")
        detail = _(
            "{name}: het PIP moet uiterlijk op {due} vastgesteld zijn (10 weken na "
            "inschrijving in de gemeente op {start})."
        ).format(name=name, due=long_date(due), start=long_date(inschrijving))
    else:
        # the title names the same start as the explanation (Vandaag shows both)
        title = _("PIP vaststellen (10 weken na start van de plicht)")
        detail = _(
            "{name}: het PIP moet uiterlijk op {due} vastgesteld zijn (10 weken na start van "
            "de plicht op {start})."
        ).format(name=name, due=long_date(due), start=long_date(base))
    birth = latest_birth_date(person.get("birth_date"))
    if birth is not None and base == add_months(birth, 12 * PRACTICAL_PLICHT_AGE):
        detail += " " + _(
            "Dat is de 18e verjaardag: Klantapp gaat ervan uit dat tot dan de leerplicht of "
            "kwalificatieplicht geldt (art. 3 lid 3 Wi2021). Heeft DUO de plicht eerder "
            "laten beginnen, vul dan 'Start inburgeringsplicht' in."
        )
    if doelgroep_of(person) in ("gezin", "overig"):
        detail += " " + _("Let op: voor gezins- en overige migranten is deze termijn niet zeker.")
    c.add("pip_vaststellen", title, due, pid, detail)
