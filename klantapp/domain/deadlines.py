"""The Wi2021 deadline rules (DOMAIN.md 1.10) as code, on plain record dicts.

Small date rules first (:func:`pip_deadline`, :func:`course_start_deadline`, ...), each
on plain ``date`` values; the termijn is :mod:`klantapp.domain.termijn`'s and who is
plichtig :mod:`klantapp.domain.plicht`'s. Then :func:`due_for_household`, which reads
one household's records as dicts shaped like :mod:`klantapp.domain.records` (dates as
``"YYYY-MM-DD"`` text) and lists what is due or overdue on a given day as
:class:`DueItem` values. The casebook layer (:mod:`klantapp.casebook.due`) gathers the
dicts and calls it.

How items come and go:

* An item is listed when its date falls within ``horizon_days`` from ``on``, or has
  passed (then ``overdue`` is true). It disappears once its condition is met: the PIP
  deadline when a PIP version has been vastgesteld (has a dagtekening), the start of the
  course offer when ``course_start`` is filled in, and so on. A date is the *last day*
  ("uiterlijk op"): an item due today is not overdue yet.
* Signals that ask for no action by a fixed date (the last day to switch route, the end
  of the 6-month minimum of ontzorgen, the termijn check 6 months before the end) stay
  visible for ``horizon_days`` after their date and then disappear on their own;
  otherwise they would stay "overdue" for ever.
* A person gets Wi2021 items only while :func:`klantapp.domain.plicht.plicht_on` says
  the deadlines apply: not after an ontheffing or vrijstelling, not under the Wi2013
  (a plicht that started before 2022), not above the AOW age, not while abroad, not
  before the 18th birthday (leerplicht and kwalificatieplicht). A partly known birth
  date counts from the latest day it can mean ("1990" -> 31 December 1990). An unknown
  birth date does not hold items back.
* Households that are afgerond or vertrokken get no items.

Where the dates come from:

* The PIP deadline counts from the person's own ``inschrijving_date`` when it is filled
  in (a member who arrived later, such as a nareiziger), else from the household's; a
  later start of the duties (``plicht_start``, the 18th birthday) moves it on.
* The termijn runs from the day after the first PIP, or from the start DUO reports for
  someone who moved here; DUO's extensions and a boete with a new termijn move its last
  day (:func:`klantapp.domain.termijn.person_termijn`).
* A missed brede intake is handled once the next invitation is planned, the PIP is
  vastgesteld, or a handhaving record linked to that appointment records the step
  (see :func:`handhaving_closes_intake`).

Pure Python: no I/O, no clock (``on`` is passed in).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from klantapp.domain import examens, handhavingsprocedure, trajectmodules
from klantapp.domain.dates import add_months, latest_birth_date, long_date, record_date
from klantapp.domain.plicht import (
    PRACTICAL_PLICHT_AGE,
    doelgroep_of,
    ontzorgen_mandatory,
    plicht_on,
)
from klantapp.domain.records import APPOINTMENT_KINDS, choice_label
from klantapp.domain.termijn import (
    Termijn,
    first_pip_date,
    person_termijn,
    pip_is_vastgesteld,
    schakelen_last_day,
)
from klantapp.i18n import N_, _

__all__ = [
    "AFSCHALEN_MIN_LESUREN",
    "MAP_MIN_HOURS",
    "PVT_MIN_HOURS",
    "RULES",
    "Z_DUTCH_HOURS",
    "Z_PARTICIPATION_HOURS",
    "DueItem",
    "HourCounter",
    "LateOffer",
    "afschalen_eligible",
    "course_start_deadline",
    "current_leerroute",
    "current_pip",
    "due_for_household",
    "handhaving_closes_intake",
    "handhaving_step",
    "hour_counters",
    "huisvesting_target",
    "is_under",
    "koppeling_expected",
    "late_offer",
    "offer_deadline",
    "ontzorgen_end",
    "person_inschrijving",
    "pip_deadline",
    "pip_deadline_start",
    "wi2021_applies",
    "woning_target",
]

PIP_WEEKS = 10  # ~ after inschrijving in the gemeente
COURSE_START_MONTHS = 3
COURSE_START_MONTHS_ONDERWIJS = 6
ONTZORGEN_MONTHS = 6
WONING_WEEKS = 10
VERHUIZING_WEEKS = 2
KOPPELING_WEEKS = 2  # ~ "about 2 weeks after the vergunning"
TERMIJN_CHECK_MONTHS = 6  # a check 6 months before the end: DUO extension requests
AFSCHALEN_MIN_LESUREN = 600
PVT_MIN_HOURS = 12
MAP_MIN_HOURS = 40
Z_DUTCH_HOURS = 800
Z_PARTICIPATION_HOURS = 800


class _Translated(Mapping[str, str]):
    """A fixed table of Dutch texts, each read out in the current language."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._texts = dict(texts)

    def __getitem__(self, key: str) -> str:
        return _(self._texts[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


# Rule ids (DueItem.rule) and what they mean, for the UI's filter and help text; a
# description is translated when it is read.
RULES: Mapping[str, str] = _Translated(
    {
        "huisvesting": N_("Woning en verhuizing binnen 10 + 2 weken na koppeling"),
        "ontzorgen_vastleggen": N_("Ontzorgen is verplicht voor asielstatushouders in de bijstand"),
        "ontzorgen_einde": N_("Minimumperiode ontzorgen (6 maanden) loopt af"),
        "pip_vaststellen": N_("PIP vaststellen binnen 10 weken na inschrijving of start plicht"),
        "aanbod_starten": N_(
            "Aanbod starten binnen 3 maanden na PIP (6 bij onderwijsroute), voor asielstatushouders"
        ),
        "schakelen": N_("Schakelen (andere leerroute) binnen 18 maanden na start termijn"),
        "termijn_controle": N_("Termijn loopt over 6 maanden af"),
        "termijn_einde": N_("Einde inburgeringstermijn"),
        "handhaving_intake": N_("Brede intake gemist: handhaving"),
        "handhaving_nummer": N_("Brede intake gemist: uitnodigingsnummer ontbreekt"),
        "uitkomst_invullen": N_("Uitkomst van een afspraak invullen"),
        "vergunning_kiezen": N_("Grond van de verblijfsvergunning kiezen"),
        "verklaring_aanbod": N_(
            "Verklaring voor de klant als het aanbod te laat startte (voor verlenging bij DUO)"
        ),
        # the rules of the topic modules, each beside its code and legal source
        **trajectmodules.RULE_TEXTS,
        **examens.RULE_TEXTS,
        **handhavingsprocedure.RULE_TEXTS,
    }
)

_INFORMATIONAL = frozenset(
    {"ontzorgen_einde", "schakelen", "termijn_controle", "verklaring_aanbod"}
    | handhavingsprocedure.INFORMATIONAL
)
_CLOSED_HOUSEHOLD = frozenset({"afgerond", "vertrokken"})
_HOUSED = frozenset({"gehuisvest", "traject", "afgerond", "vertrokken"})
_ASIEL = frozenset({"asiel", "nareiziger"})

_HANDHAVING = {
    1: N_("waarschuwing + uitnodiging 2"),
    2: N_("boete €250 + uitnodiging 3"),
    3: N_("boete €250; PIP wordt toch vastgesteld"),
}

# --- date rules -----------------------------------------------------------------------


def pip_deadline(inschrijving_date: date) -> date:
    """The PIP must be vastgesteld within 10 weeks of inschrijving in the gemeente (~)."""
    return inschrijving_date + timedelta(weeks=PIP_WEEKS)


def course_start_deadline(pip_date: date, leerroute: str | None) -> date:
    """The gemeente's offer must start within 3 months of the PIP, 6 for the onderwijsroute.

    Otherwise DUO may extend the termijn, and the gemeente must give the person a
    statement saying so.
    """
    months = COURSE_START_MONTHS_ONDERWIJS if leerroute == "onderwijs" else COURSE_START_MONTHS
    return add_months(pip_date, months)


def ontzorgen_end(bijstand_start: date) -> date:
    """Ontzorgen lasts at least 6 months from the start of bijstand."""
    return add_months(bijstand_start, ONTZORGEN_MONTHS)


def woning_target(koppeling_date: date) -> date:
    """Target for a woning: 10 weeks after the koppeling."""
    return koppeling_date + timedelta(weeks=WONING_WEEKS)


def huisvesting_target(koppeling_date: date) -> date:
    """Target for having moved in: 10 + 2 weeks after the koppeling."""
    return koppeling_date + timedelta(weeks=WONING_WEEKS + VERHUIZING_WEEKS)


def koppeling_expected(permit_date: date) -> date:
    """The COA koppeling follows about 2 weeks after the vergunning (~, informative)."""
    return permit_date + timedelta(weeks=KOPPELING_WEEKS)


def afschalen_eligible(lesuren: int | None, leerroute: str | None = "b1") -> bool:
    """Afschalen (to A2 per skill) is possible on the B1-route from 600 lesuren.

    The other conditions (at least half of the hours in class, enough effort) are for
    the klantmanager to judge; the records hold no fields for them.
    """
    return leerroute == "b1" and (lesuren or 0) >= AFSCHALEN_MIN_LESUREN


def handhaving_step(invitation_number: int) -> str | None:
    """What follows when someone does not come to brede-intake invitation 1, 2 or 3 (~)."""
    step = _HANDHAVING.get(invitation_number)
    return _(step) if step is not None else None


# --- hour counters -------------------------------------------------------------------


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
    counters = [HourCounter("pvt_hours", "PVT", _int(pip.get("pvt_hours")), PVT_MIN_HOURS)]
    if route != "onderwijs":
        counters.append(HourCounter("map_hours", "MAP", _int(pip.get("map_hours")), MAP_MIN_HOURS))
    if route == "z":
        counters.append(
            HourCounter(
                "z_dutch_hours",
                N_("Z-route Nederlands"),
                _int(pip.get("z_dutch_hours")),
                Z_DUTCH_HOURS,
            )
        )
        counters.append(
            HourCounter(
                "z_participation_hours",
                N_("Z-route participatie"),
                _int(pip.get("z_participation_hours")),
                Z_PARTICIPATION_HOURS,
            )
        )
    return counters


def _open_parts(pip: Mapping[str, object] | None, parts: Sequence[examens.Part]) -> list[str]:
    """What is still open in a PIP version and of the plicht's parts, in plain words."""
    hours = [str(c) for c in hour_counters(pip) if not c.met] if pip is not None else []
    return hours + examens.open_parts(parts)


# --- reading records ------------------------------------------------------------------


def _int(value: object) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return 0


def is_under(birth_date: object, years: int, on: date) -> bool:
    """True when the person is surely younger than ``years`` on ``on``: counted from the
    latest day a partial birth date can mean. Unknown birth dates give ``False``."""
    latest = latest_birth_date(birth_date)
    if latest is None:
        return False
    return add_months(latest, 12 * years) > on


def wi2021_applies(
    person: Mapping[str, object], on: date, decisions: Iterable[Mapping[str, object]] = ()
) -> bool:
    """Whether the Wi2021 deadline rules apply to this person on ``on``
    (:func:`klantapp.domain.plicht.plicht_on` says why or why not)."""
    return plicht_on(person, on, decisions).deadlines


def current_leerroute(pips: Sequence[Mapping[str, object]]) -> str | None:
    """The leerroute of the newest vastgesteld PIP version ("b1", "onderwijs", "z"), or
    ``None`` while no PIP is vastgesteld or it names no route. After a move the route
    stays the same (DOMAIN.md 1.3), so the newest version here says it."""
    set_ = [p for p in pips if pip_is_vastgesteld(p)]
    newest = max(set_, key=lambda p: _int(p.get("version")), default=None)
    return _str_or_none(newest.get("leerroute")) if newest else None


def current_pip(pips: Sequence[Mapping[str, object]]) -> Mapping[str, object] | None:
    """The newest version (highest version number) among one person's PIP versions."""
    return max(pips, key=lambda p: _int(p.get("version")), default=None)


# Handhaving records that count as "the step was taken" after a missed brede intake.
# After invitation 1 the step is a warning; after 2 and 3 a boete, or for someone on
# bijstand a Participatiewet maatregel instead. Bezwaar or beroep against it means the
# step was taken too. An ontheffing request is no step: the plicht stays until DUO
# grants it (then plicht_status "ontheffing" ends all items).
_INTAKE_STEP_KINDS: dict[int, frozenset[str]] = {
    1: frozenset({"waarschuwing", "boete", "maatregel_participatiewet", "bezwaar", "beroep"}),
    2: frozenset({"boete", "maatregel_participatiewet", "bezwaar", "beroep"}),
    3: frozenset({"boete", "maatregel_participatiewet", "bezwaar", "beroep"}),
}


def handhaving_closes_intake(
    record: Mapping[str, object], appointment_id: object, invitation_number: object
) -> bool:
    """Whether a handhaving record records the step after a missed brede intake: it is
    linked to that appointment (``appointment_id``) and of a kind that fits the
    invitation (a warning after invitation 1; a boete or maatregel after 2 and 3;
    bezwaar or beroep after any). Its status does not matter: a boete withdrawn after
    bezwaar was still dealt with."""
    if not isinstance(invitation_number, int) or isinstance(invitation_number, bool):
        return False
    kinds = _INTAKE_STEP_KINDS.get(invitation_number)
    if kinds is None or not isinstance(appointment_id, str) or not appointment_id:
        return False
    return record.get("appointment_id") == appointment_id and record.get("kind") in kinds


# --- due items ------------------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    """Something a klantmanager must do or know by ``due_on``."""

    rule: str  # a key of RULES
    title: str  # plain words in the current language, one line
    due_on: date
    overdue: bool  # due_on lies before the day asked about
    household_id: str
    person_id: str | None
    detail: str  # plain words in the current language: why, and what to do


def _name(person: Mapping[str, object]) -> str:
    parts = [person.get("given_names"), person.get("family_name")]
    return " ".join(str(p).strip() for p in parts if isinstance(p, str) and p.strip()) or "?"


class _Collector:
    def __init__(self, household_id: str, on: date, horizon_days: int) -> None:
        self.household_id = household_id
        self.on = on
        self.horizon = timedelta(days=max(0, horizon_days))
        self.items: list[DueItem] = []

    def add(self, rule: str, title: str, due_on: date, person_id: str | None, detail: str) -> None:
        if due_on > self.on + self.horizon:
            return
        if rule in _INFORMATIONAL and due_on < self.on - self.horizon:
            return
        self.items.append(
            DueItem(
                rule=rule,
                title=title,
                due_on=due_on,
                overdue=due_on < self.on,
                household_id=self.household_id,
                person_id=person_id,
                detail=detail,
            )
        )


def _household_items(
    c: _Collector, household: Mapping[str, object], persons: Sequence[Mapping[str, object]]
) -> None:
    koppeling = record_date(household.get("koppeling_date"))
    housed = (
        record_date(household.get("housing_date")) is not None or household.get("status") in _HOUSED
    )
    if koppeling is not None and not housed:
        c.add(
            "huisvesting",
            _("Woning en verhuizing: streefdatum 12 weken na koppeling"),
            huisvesting_target(koppeling),
            None,
            _(
                "Koppeling op {koppeling}. Streven: een woning uiterlijk {woning} en verhuisd "
                "uiterlijk {verhuisd}. Vul de datum huisvesting in zodra het huishouden "
                "verhuisd is."
            ).format(
                koppeling=long_date(koppeling),
                woning=long_date(woning_target(koppeling)),
                verhuisd=long_date(huisvesting_target(koppeling)),
            ),
        )

    bijstand = record_date(household.get("bijstand_start"))
    if bijstand is None:
        return
    end = ontzorgen_end(bijstand)
    if household.get("ontzorgen"):
        c.add(
            "ontzorgen_einde",
            _("Ontzorgen: de minimumperiode van 6 maanden loopt af"),
            end,
            None,
            _(
                "Bijstand sinds {bijstand}; ontzorgen duurt minstens tot {end}. Bespreek of "
                "ontzorgen doorgaat of wordt afgebouwd, en leg dat vast in het PIP."
            ).format(bijstand=long_date(bijstand), end=long_date(end)),
        )
    elif c.on < end and any(ontzorgen_mandatory(p) for p in persons):
        c.add(
            "ontzorgen_vastleggen",
            _("Ontzorgen vastleggen: verplicht bij bijstand"),
            bijstand,
            None,
            _(
                "Het huishouden heeft bijstand sinds {bijstand}. Voor wie een "
                "verblijfsvergunning asiel heeft (ook een nareiziger met een afgeleide "
                "asielvergunning) is ontzorgen in de bijstand verplicht (art. 56a "
                "Participatiewet: huur, energie en water, zorgverzekering), "
                "minstens tot {end}. Zet 'Ontzorgen' aan en vul in aan wie betaald wordt."
            ).format(bijstand=long_date(bijstand), end=long_date(end)),
        )


def _pip_items(
    c: _Collector,
    household: Mapping[str, object],
    person: Mapping[str, object],
    pips: Sequence[Mapping[str, object]],
    decisions: Sequence[Mapping[str, object]],
    mine: _PersonRecords,
) -> None:
    pid = _str_or_none(person.get("id"))
    name = _name(person)
    first = first_pip_date(pips)
    newest = current_pip(pips)
    termijn = person_termijn(person, pips, decisions)
    if first is None and termijn is None:
        _pip_deadline_item(c, household, person, decisions, pid, name)
    elif first is not None and doelgroep_of(person) in _ASIEL:
        # The gemeente offers the leerroute to asielstatushouders only (art. 16 Wi2021);
        # a gezinsmigrant arranges and pays for the course.
        _course_start_item(c, person, pips, pid, name)
    if first is None and termijn is None:
        return
    # The parts of the plicht on the route of the newest vastgesteld PIP version.
    route_pip = max(
        (p for p in pips if pip_is_vastgesteld(p)),
        key=lambda p: _int(p.get("version")),
        default=None,
    )
    parts = examens.inburgering_parts(route_pip, mine.modules, mine.exams, mine.appointments)
    if examens.completion_items(c.add, c.on, person=person, parts=parts, name=name):
        return  # every part done: nothing of the termijn is due any more
    trajectmodules.module_items(
        c.add,
        c.on,
        modules=mine.modules,
        leerroute=current_leerroute(pips),
        termijn_last_day=termijn.last_day if termijn is not None else None,
        person_id=pid,
        name=name,
    )
    if termijn is not None:
        _termijn_items(c, termijn, newest, parts, pid, name)


@dataclass(frozen=True)
class _PersonRecords:
    """One person's PVT/MAP modules, exam attempts and appointments."""

    modules: Sequence[Mapping[str, object]] = ()
    exams: Sequence[Mapping[str, object]] = ()
    appointments: Sequence[Mapping[str, object]] = ()


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
) -> tuple[date, date] | None:
    """(inschrijving, the day the 10 weeks for the PIP count from), or ``None`` when the
    inschrijving is unknown. Someone whose duties start later (the 18th birthday, a
    later plicht_start) has the 10 weeks from then, not from the inschrijving."""
    inschrijving = person_inschrijving(household, person)
    if inschrijving is None:
        return None
    duties = plicht_on(person, on, decisions).duties_start
    return inschrijving, max(inschrijving, duties) if duties is not None else inschrijving


def _pip_deadline_item(
    c: _Collector,
    household: Mapping[str, object],
    person: Mapping[str, object],
    decisions: Sequence[Mapping[str, object]],
    pid: str | None,
    name: str,
) -> None:
    found = pip_deadline_start(household, person, c.on, decisions)
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


@dataclass(frozen=True)
class LateOffer:
    """The gemeente's offer that started after its deadline: what the gemeente's
    statement for a DUO extension request says (art. 12 Wi2021; Besluit inburgering
    2021 art. 4.4; DOMAIN.md 1.8). ``started`` is ``None`` while it has not started."""

    pip_date: date
    deadline: date
    started: date | None
    leerroute: str | None

    def days_late(self, on: date) -> int:
        return max(0, ((self.started or on) - self.deadline).days)


def offer_deadline(pips: Sequence[Mapping[str, object]]) -> tuple[date, str | None] | None:
    """The last day for the offer to start, from the first vastgesteld PIP (3 months, 6
    on the onderwijsroute), and the leerroute that decided it; ``None`` without a PIP."""
    first = first_pip_date(pips)
    if first is None:
        return None
    first_version = min(
        (
            p
            for p in pips
            if pip_is_vastgesteld(p) and record_date(p.get("vastgesteld_on")) == first
        ),
        key=lambda p: _int(p.get("version")),
    )
    newest = current_pip(pips)
    leerroute = _str_or_none(first_version.get("leerroute")) or (
        _str_or_none(newest.get("leerroute")) if newest else None
    )
    return course_start_deadline(first, leerroute), leerroute


def late_offer(
    person: Mapping[str, object], pips: Sequence[Mapping[str, object]], on: date
) -> LateOffer | None:
    """The late offer of an asielstatushouder (the gemeente offers the leerroute to
    them only), started late or not started by ``on``; ``None`` when it was on time."""
    if doelgroep_of(person) not in _ASIEL:
        return None
    pid = person.get("id")
    mine = [p for p in pips if pid is None or p.get("person_id") in (None, pid)]
    found = offer_deadline(mine)
    first = first_pip_date(mine)
    if found is None or first is None:
        return None
    deadline, leerroute = found
    starts = [d for p in mine if (d := record_date(p.get("course_start"))) is not None]
    started = min(starts, default=None)
    if (started or on) <= deadline:
        return None
    return LateOffer(first, deadline, started, leerroute)


def _course_start_item(
    c: _Collector,
    person: Mapping[str, object],
    pips: Sequence[Mapping[str, object]],
    pid: str | None,
    name: str,
) -> None:
    found = offer_deadline(pips)
    first = first_pip_date(pips)
    if found is None or first is None:
        return
    due, leerroute = found
    late = late_offer(person, pips, c.on)
    if late is not None and late.started is not None:
        c.add(
            "verklaring_aanbod",
            _("Verklaring voor de klant: het aanbod startte te laat"),
            late.started,
            pid,
            _(
                "{name}: het aanbod had uiterlijk op {due} moeten starten en startte op "
                "{started}. Geef de klant een verklaring van de gemeente: daarmee kan de klant "
                "DUO om verlenging van de termijn vragen."
            ).format(name=name, due=long_date(due), started=long_date(late.started)),
        )
        return
    if any(record_date(p.get("course_start")) for p in pips):
        return
    months = COURSE_START_MONTHS_ONDERWIJS if leerroute == "onderwijs" else COURSE_START_MONTHS
    c.add(
        "aanbod_starten",
        _("Aanbod laten starten ({months} maanden na PIP)").format(months=months),
        due,
        pid,
        _(
            "{name}: het PIP is vastgesteld op {pip_date}. Het aanbod moet uiterlijk op {due} "
            "starten. Start het later, dan kan DUO de termijn verlengen en geeft de gemeente "
            "de klant daarover een verklaring. Vul 'Start aanbod' in zodra het aanbod "
            "begonnen is."
        ).format(name=name, pip_date=long_date(first), due=long_date(due)),
    )


def _termijn_items(
    c: _Collector,
    termijn: Termijn,
    newest: Mapping[str, object] | None,
    parts: Sequence[examens.Part],
    pid: str | None,
    name: str,
) -> None:
    start, end = termijn.start, termijn.last_day
    open_parts = _open_parts(newest, parts)
    # Optional parts of the sentences below, each with its leading space.
    still_open = (
        " " + _("Nog open: {parts}.").format(parts="; ".join(open_parts)) if open_parts else ""
    )
    ext_text = " " + _("(verlengd door DUO)") if termijn.extended else ""
    source = " " + _("(start volgens DUO of de vorige gemeente)") if termijn.from_duo else ""

    # The onderwijsroute may switch to the B1-route at any time: no schakelen deadline.
    if (_str_or_none(newest.get("leerroute")) if newest else None) != "onderwijs":
        due = schakelen_last_day(start)
        c.add(
            "schakelen",
            _("Laatste dag om van leerroute te wisselen (schakelen)"),
            due,
            pid,
            _(
                "{name}: de termijn begon op {start}{source}. Schakelen naar een andere "
                "leerroute moet binnen 18 maanden, dus uiterlijk op {due}."
            ).format(name=name, start=long_date(start), source=source, due=long_date(due)),
        )
    c.add(
        "termijn_controle",
        _("Inburgeringstermijn loopt over 6 maanden af"),
        add_months(end, -TERMIJN_CHECK_MONTHS),
        pid,
        _(
            "{name}: de laatste dag van de termijn is {end}{extension}.{still_open} Bespreek "
            "de voortgang. Is meer tijd nodig, vraag dan op tijd verlenging aan bij DUO."
        ).format(name=name, end=long_date(end), extension=ext_text, still_open=still_open),
    )
    c.add(
        "termijn_einde",
        _("Laatste dag van de inburgeringstermijn"),
        end,
        pid,
        _(
            "{name}: de termijn van 3 jaar{extension} begon op {start}{source} en loopt tot "
            "en met {end}: de plicht moet uiterlijk op {end} voldaan zijn.{still_open} Zet "
            "de inburgeringsplicht op 'Voldaan' als alles behaald is."
        ).format(
            name=name,
            start=long_date(start),
            source=source,
            end=long_date(end),
            extension=ext_text,
            still_open=still_open,
        ),
    )


def _permit_items(c: _Collector, persons: Sequence[Mapping[str, object]]) -> None:
    """Ask for the permit basis where an older version left free text Klantapp could
    not read, or where a nareiziger's permit (asiel or regulier) is not known."""
    for person in persons:
        if person.get("permit_basis"):
            continue
        text = _str_or_none(person.get("permit_type"))
        if text is None and person.get("doelgroep") != "nareiziger":
            continue
        c.add(
            "vergunning_kiezen",
            _("Kies de grond van de verblijfsvergunning"),
            c.on,
            _str_or_none(person.get("id")),
            _(
                "{name}: kies bij 'Grond verblijfsvergunning' of het een asielvergunning, "
                "een afgeleide asielvergunning (nareis) of een reguliere vergunning is. Daar "
                "hangen de doelgroep, het aanbod van de gemeente en het verplichte ontzorgen "
                "van af. De oude omschrijving blijft bewaard."
            ).format(name=_name(person)),
        )


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _handhaving_items(
    c: _Collector,
    appointments: Sequence[Mapping[str, object]],
    pips: Sequence[Mapping[str, object]],
    handhaving: Sequence[Mapping[str, object]],
    person_ids: set[str | None],
    names: Mapping[str | None, str],
) -> None:
    intakes = [a for a in appointments if a.get("kind") == "brede_intake"]
    for appt in intakes:
        if appt.get("outcome") != "niet_verschenen":
            continue
        pid = _str_or_none(appt.get("person_id"))
        if pid not in person_ids:
            continue
        when = record_date(appt.get("starts_at"))
        if when is None:
            continue
        same_person = [a for a in intakes if _str_or_none(a.get("person_id")) == pid]
        later = [a for a in same_person if (record_date(a.get("starts_at")) or when) > when]
        who = names.get(pid, "?") if pid else None
        number = appt.get("invitation_number")
        step = handhaving_step(number) if isinstance(number, int) else None
        if not isinstance(number, int) or step is None:
            if not later:
                if who is None:
                    detail = _(
                        "niet verschenen op de brede intake van {day}. Vul in de hoeveelste "
                        "uitnodiging dit was (1, 2 of 3); dan toont Klantapp de volgende stap."
                    ).format(day=long_date(when))
                else:
                    detail = _(
                        "{name}: niet verschenen op de brede intake van {day}. Vul in de "
                        "hoeveelste uitnodiging dit was (1, 2 of 3); dan toont Klantapp de "
                        "volgende stap."
                    ).format(name=who, day=long_date(when))
                c.add(
                    "handhaving_nummer",
                    _("Brede intake gemist: vul het uitnodigingsnummer in"),
                    when,
                    pid,
                    detail,
                )
            continue
        relevant = [p for p in pips if pid is None or p.get("person_id") == pid]
        pip_set = first_pip_date(relevant) is not None
        appt_id = appt.get("id")
        recorded = any(handhaving_closes_intake(h, appt_id, number) for h in handhaving)
        if number < 3:
            # Done once the next invitation is in the agenda (or any later intake), or
            # once the PIP has been vastgesteld after all.
            done = (
                pip_set
                or recorded
                or bool(later)
                or any(a.get("invitation_number") == number + 1 for a in same_person)
            )
            title = (
                _("Brede intake gemist (uitnodiging 1): stuur een waarschuwing en uitnodiging 2")
                if number == 1
                else _("Brede intake gemist (uitnodiging 2): boete van €250 en uitnodiging 3")
            )
            todo = _("Plan de brede intake opnieuw met uitnodiging {number}.").format(
                number=number + 1
            )
            record_it = (
                _("Leg de waarschuwing vast onder Handhaving, bij deze afspraak.")
                if number == 1
                else _("Leg de boete vast onder Handhaving, bij deze afspraak.")
            )
        else:
            # The boete recorded closes this item; the PIP deadline item stays until the
            # PIP is vastgesteld.
            done = pip_set or recorded
            title = _("Brede intake gemist (uitnodiging 3): boete van €250, stel het PIP toch vast")
            todo = _("Stel het PIP vast zonder brede intake.")
            record_it = _("Leg de boete vast onder Handhaving, bij deze afspraak.")
        if done:
            continue
        c.add(
            "handhaving_intake",
            title,
            when,
            pid,
            (
                _(
                    "niet verschenen op de brede intake van {day} (uitnodiging {number}). "
                    "Volgende stap: {step}."
                ).format(day=long_date(when), number=number, step=step)
                if who is None
                else _(
                    "{name}: niet verschenen op de brede intake van {day} (uitnodiging "
                    "{number}). Volgende stap: {step}."
                ).format(name=who, day=long_date(when), number=number, step=step)
            )
            + f" {todo} {record_it}",
        )


def _outcome_items(c: _Collector, appointments: Sequence[Mapping[str, object]]) -> None:
    for appt in appointments:
        if appt.get("outcome") not in (None, "", "gepland"):
            continue
        when = record_date(appt.get("starts_at"))
        if when is None or when >= c.on:
            continue
        kind = choice_label(APPOINTMENT_KINDS, _str_or_none(appt.get("kind"))) or "Afspraak"
        c.add(
            "uitkomst_invullen",
            _("Uitkomst van een afspraak invullen"),
            when,
            _str_or_none(appt.get("person_id")),
            _(
                "{appointment} op {day}: de uitkomst staat nog op 'Gepland'. Vul in of de klant "
                "verschenen is."
            ).format(appointment=_(kind), day=long_date(when)),
        )


def due_for_household(
    household: Mapping[str, object],
    persons: Sequence[Mapping[str, object]],
    pips: Sequence[Mapping[str, object]],
    appointments: Sequence[Mapping[str, object]],
    on: date,
    horizon_days: int = 14,
    *,
    handhaving: Sequence[Mapping[str, object]] = (),
    decisions: Sequence[Mapping[str, object]] = (),
    modules: Sequence[Mapping[str, object]] = (),
    exams: Sequence[Mapping[str, object]] = (),
) -> list[DueItem]:
    """What is due within ``horizon_days`` of ``on``, or overdue, for one household.

    ``persons``, ``pips``, ``appointments``, ``handhaving``, ``decisions`` (DUO
    decisions), ``modules`` (PVT and MAP) and ``exams`` (exam attempts) are that
    household's
    records as dicts (see :mod:`klantapp.domain.records`; each with its ``id``). Sorted
    by ``due_on``. Handhaving records only ever take items away (a step recorded after
    a missed brede intake).
    """
    if household.get("status") in _CLOSED_HOUSEHOLD:
        return []
    c = _Collector(str(household.get("id") or ""), on, horizon_days)
    _household_items(c, household, persons)

    _permit_items(c, persons)
    plichtig = [p for p in persons if wi2021_applies(p, on, decisions)]
    for person in plichtig:
        pid = person.get("id")
        _pip_items(
            c,
            household,
            person,
            [p for p in pips if p.get("person_id") == pid],
            [d for d in decisions if d.get("person_id") == pid],
            _PersonRecords(
                [m for m in modules if m.get("person_id") == pid],
                [e for e in exams if e.get("person_id") == pid],
                [a for a in appointments if a.get("person_id") == pid],
            ),
        )

    # Handhaving applies to people under Wi2021; an appointment for the whole household
    # counts when someone in it is (or when no persons are recorded yet).
    person_ids: set[str | None] = {_str_or_none(p.get("id")) for p in plichtig}
    if plichtig or not persons:
        person_ids.add(None)
    names = {_str_or_none(p.get("id")): _name(p) for p in persons}
    _handhaving_items(c, appointments, pips, handhaving, person_ids, names)
    handhavingsprocedure.procedure_items(c.add, c.on, handhaving, names)
    _outcome_items(c, appointments)

    return sorted(c.items, key=lambda i: (i.due_on, i.person_id or "", i.rule, i.title))
