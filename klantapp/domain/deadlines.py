"""The Wi2021 deadline rules (DOMAIN.md 1.10) as code, on plain record dicts.

Small date rules first (:func:`termijn_end`, :func:`pip_deadline`, ...), each on plain
``date`` values. Then :func:`due_for_household`, which reads one household's records
as dicts shaped like :mod:`klantapp.domain.records` (dates as ``"YYYY-MM-DD"`` text)
and lists what is due or overdue on a given day as :class:`DueItem` values. The
casebook layer (:mod:`klantapp.casebook.due`) gathers the dicts and calls it.

How items come and go:

* An item is listed when its date falls within ``horizon_days`` from ``on``, or has
  passed (then ``overdue`` is true). It disappears once its condition is met: the PIP
  deadline when a PIP version has been vastgesteld (has a dagtekening), the start of the
  course offer when ``course_start`` is filled in, and so on.
* Signals that ask for no action by a fixed date (the last day to switch route, the end
  of the 6-month minimum of ontzorgen, the termijn check 6 months before the end) stay
  visible for ``horizon_days`` after their date and then disappear on their own;
  otherwise they would stay "overdue" for ever.
* A person gets no Wi2021 items when the plicht is met or does not apply: plicht
  voldaan, vrijstelling, ontheffing or niet plichtig; regime Wi2013 or geen; still abroad
  (nareis); or younger than 16 on ``on``. A partly known birth date counts from the
  latest day it can mean ("1990" -> 31 December 1990), so nobody is treated as 16 too
  early. An unknown birth date does not hold items back.
* Households that are afgerond or vertrokken get no items.

Where the dates come from:

* The PIP deadline counts from the person's own ``inschrijving_date`` when it is filled
  in (a member who arrived later, such as a nareiziger), else from the household's; a
  later start of the plicht (``plicht_start``, the 16th birthday) moves it on.
* The termijn (and with it the schakelen deadline and the termijn check) runs from the
  person's ``termijn_start`` when it is filled in: someone who moved here keeps the
  termijn that began the day after their first PIP in the previous gemeente, as DUO
  reports it. Otherwise it runs from the day after the first PIP recorded here.
* A missed brede intake is handled once the next invitation is planned, the PIP is
  vastgesteld, or a handhaving record linked to that appointment records the step
  (see :func:`handhaving_closes_intake`).

Pure Python: no I/O, no clock (``on`` is passed in).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel.core import UnknownLocaleError
from babel.dates import format_date

from klantapp.domain.records import APPOINTMENT_KINDS, choice_label
from klantapp.i18n import N_, SOURCE_LANGUAGE, _, current_language

__all__ = [
    "AFSCHALEN_MIN_LESUREN",
    "MAP_MIN_HOURS",
    "PVT_MIN_HOURS",
    "RULES",
    "TERMIJN_MONTHS",
    "Z_DUTCH_HOURS",
    "Z_PARTICIPATION_HOURS",
    "DueItem",
    "HourCounter",
    "add_months",
    "afschalen_eligible",
    "course_start_deadline",
    "current_pip",
    "due_for_household",
    "first_pip_date",
    "handhaving_closes_intake",
    "handhaving_step",
    "hour_counters",
    "huisvesting_target",
    "is_under",
    "koppeling_expected",
    "latest_birth_date",
    "ontzorgen_end",
    "person_termijn_start",
    "pip_deadline",
    "pip_is_vastgesteld",
    "schakelen_deadline",
    "termijn_end",
    "termijn_end_from_start",
    "termijn_start",
    "wi2021_applies",
    "woning_target",
]

TERMIJN_MONTHS = 36  # 3 years
PIP_WEEKS = 10  # ~ after inschrijving in the gemeente
SCHAKELEN_MONTHS = 18
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
PLICHT_MIN_AGE = 16


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
        "pip_vaststellen": N_("PIP vaststellen binnen 10 weken na inschrijving"),
        "aanbod_starten": N_("Aanbod starten binnen 3 maanden na PIP (6 bij onderwijsroute)"),
        "schakelen": N_("Schakelen (andere leerroute) binnen 18 maanden na start termijn"),
        "termijn_controle": N_("Termijn loopt over 6 maanden af"),
        "termijn_einde": N_("Einde inburgeringstermijn"),
        "handhaving_intake": N_("Brede intake gemist: handhaving"),
        "handhaving_nummer": N_("Brede intake gemist: uitnodigingsnummer ontbreekt"),
        "uitkomst_invullen": N_("Uitkomst van een afspraak invullen"),
    }
)

_INFORMATIONAL = frozenset({"ontzorgen_einde", "schakelen", "termijn_controle"})
_NO_PLICHT_STATUS = frozenset({"voldaan", "vrijstelling", "ontheffing", "niet_plichtig"})
_NO_WI2021_REGIME = frozenset({"wi2013", "geen"})
_CLOSED_HOUSEHOLD = frozenset({"afgerond", "vertrokken"})
_HOUSED = frozenset({"gehuisvest", "traject", "afgerond", "vertrokken"})
_ASIEL = frozenset({"asiel", "nareiziger"})
_SET_PIP_STATUS = frozenset({"vastgesteld", "bezwaar", "vervangen"})

_HANDHAVING = {
    1: N_("waarschuwing + uitnodiging 2"),
    2: N_("boete €250 + uitnodiging 3"),
    3: N_("boete €250; PIP wordt toch vastgesteld"),
}

_MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


# --- date arithmetic ----------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months; a day that does not exist in the target
    month becomes that month's last day (31 January + 1 month = 28/29 February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def termijn_start(first_pip_date: date) -> date:
    """The inburgeringstermijn starts the day after the first PIP's dagtekening."""
    return first_pip_date + timedelta(days=1)


def termijn_end_from_start(start: date, extension_months: int = 0) -> date:
    """End of the inburgeringstermijn from its start date: + 3 years + DUO's extensions
    in months. A start on 29 February ends on 28 February when the end year has no
    29 February."""
    if extension_months < 0:
        raise ValueError("extension_months must not be negative")
    return add_months(start, TERMIJN_MONTHS + extension_months)


def termijn_end(first_pip_date: date, extension_months: int = 0) -> date:
    """End of the inburgeringstermijn: termijn start (day after the *first* PIP's
    dagtekening) + 3 years + DUO's extensions in months.

    Later PIP versions and bezwaar do not move it: pass the first dagtekening. A start
    on 29 February ends on 28 February when the end year has no 29 February.
    """
    return termijn_end_from_start(termijn_start(first_pip_date), extension_months)


def pip_deadline(inschrijving_date: date) -> date:
    """The PIP must be vastgesteld within 10 weeks of inschrijving in the gemeente (~)."""
    return inschrijving_date + timedelta(weeks=PIP_WEEKS)


def schakelen_deadline(termijn_start_date: date) -> date:
    """Schakelen (changing leerroute) must happen within 18 months of the termijn start."""
    return add_months(termijn_start_date, SCHAKELEN_MONTHS)


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


def _open_parts(pip: Mapping[str, object] | None) -> list[str]:
    """What is still open in a PIP version, in plain words."""
    if pip is None:
        return []
    parts = [str(c) for c in hour_counters(pip) if not c.met]
    if not pip.get("pvt_signed"):
        parts.append(_("participatieverklaring niet ondertekend"))
    if (pip.get("leerroute") or "b1") == "b1" and not pip.get("knm_done"):
        parts.append(_("KNM niet behaald"))
    return parts


# --- reading records ------------------------------------------------------------------

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(value: object) -> date | None:
    """A date from a record value: ``date``, ``datetime`` or ISO text; else ``None``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def as_date(value: object) -> date | None:
    """A date from a record value (``date``, ``datetime`` or ISO text), else None: how
    every rule here reads dates, for code that reads records alongside them."""
    return _date(value)


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


def latest_birth_date(birth_date: object) -> date | None:
    """The latest day a (partial) birth date can mean: "1990" -> 1990-12-31,
    "1992-02" -> 1992-02-29, "1990-05-17" -> itself. ``None`` when unknown or unreadable."""
    if isinstance(birth_date, date):
        return _date(birth_date)
    if not isinstance(birth_date, str):
        return None
    text = birth_date.strip()
    try:
        if re.fullmatch(r"[0-9]{4}", text):
            return date(int(text), 12, 31)
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):
            year, month = int(text[:4]), int(text[5:])
            return date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        return None
    return _date(text) if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) else None


def is_under(birth_date: object, years: int, on: date) -> bool:
    """True when the person is surely younger than ``years`` on ``on``: counted from the
    latest day a partial birth date can mean. Unknown birth dates give ``False``."""
    latest = latest_birth_date(birth_date)
    if latest is None:
        return False
    return add_months(latest, 12 * years) > on


def wi2021_applies(person: Mapping[str, object], on: date) -> bool:
    """Whether Wi2021 items apply to this person on ``on`` (see the module docstring)."""
    if person.get("regime") in _NO_WI2021_REGIME:
        return False
    if person.get("plicht_status") in _NO_PLICHT_STATUS:
        return False
    if person.get("arrival_status") == "nareis":
        return False
    return not is_under(person.get("birth_date"), PLICHT_MIN_AGE, on)


def pip_is_vastgesteld(pip: Mapping[str, object]) -> bool:
    """A PIP version that was vastgesteld: it has a dagtekening and is not a concept.
    A version in bezwaar or replaced by a newer one was vastgesteld too."""
    return pip.get("status") in _SET_PIP_STATUS and _date(pip.get("vastgesteld_on")) is not None


def first_pip_date(pips: Iterable[Mapping[str, object]]) -> date | None:
    """The dagtekening of the first vastgesteld PIP among one person's versions."""
    dates = [d for p in pips if pip_is_vastgesteld(p) and (d := _date(p.get("vastgesteld_on")))]
    return min(dates, default=None)


def current_pip(pips: Sequence[Mapping[str, object]]) -> Mapping[str, object] | None:
    """The newest version (highest version number) among one person's PIP versions."""
    return max(pips, key=lambda p: _int(p.get("version")), default=None)


def person_termijn_start(
    person: Mapping[str, object], pips: Iterable[Mapping[str, object]]
) -> date | None:
    """When this person's termijn started: ``termijn_start`` as DUO or the previous
    gemeente reported it, else the day after the first PIP vastgesteld here; ``None``
    when neither is known. The termijn runs from the first PIP anywhere, so a PIP set
    here after a move does not restart it."""
    given = _date(person.get("termijn_start"))
    if given is not None:
        return given
    first = first_pip_date(pips)
    return termijn_start(first) if first is not None else None


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


def _nl(day: date) -> str:
    """A date in plain words in the current language: 3 maart 2026, 3 March 2026."""
    lang = current_language()
    if lang != SOURCE_LANGUAGE:
        # English for a Dutch gemeente: day before month, as in British usage.
        locale = "en_GB" if lang == "en" else lang.replace("-", "_")
        try:
            return format_date(day, format="long", locale=locale)
        except (UnknownLocaleError, ValueError):
            pass
    return f"{day.day} {_MONTHS_NL[day.month - 1]} {day.year}"


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
    koppeling = _date(household.get("koppeling_date"))
    housed = _date(household.get("housing_date")) is not None or household.get("status") in _HOUSED
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
                koppeling=_nl(koppeling),
                woning=_nl(woning_target(koppeling)),
                verhuisd=_nl(huisvesting_target(koppeling)),
            ),
        )

    bijstand = _date(household.get("bijstand_start"))
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
            ).format(bijstand=_nl(bijstand), end=_nl(end)),
        )
    elif c.on < end and any(
        p.get("doelgroep") in _ASIEL and wi2021_applies(p, c.on) for p in persons
    ):
        c.add(
            "ontzorgen_vastleggen",
            _("Ontzorgen vastleggen: verplicht bij bijstand"),
            bijstand,
            None,
            _(
                "Het huishouden heeft bijstand sinds {bijstand}. Voor asielstatushouders in "
                "de bijstand is ontzorgen verplicht (huur, energie en water, zorgverzekering), "
                "minstens tot {end}. Zet 'Ontzorgen' aan en vul in aan wie betaald wordt."
            ).format(bijstand=_nl(bijstand), end=_nl(end)),
        )


def _pip_items(
    c: _Collector,
    household: Mapping[str, object],
    person: Mapping[str, object],
    pips: Sequence[Mapping[str, object]],
) -> None:
    pid = _str_or_none(person.get("id"))
    name = _name(person)
    first = first_pip_date(pips)
    newest = current_pip(pips)
    if first is None:
        _pip_deadline_item(c, household, person, pid, name)
    else:
        _course_start_item(c, pips, newest, first, pid, name)
    _termijn_items(c, person, pips, newest, pid, name)


def person_inschrijving(
    household: Mapping[str, object], person: Mapping[str, object]
) -> date | None:
    """The day the person was registered in the gemeente: their own date (a nareiziger
    registered later), else the household's."""
    return _date(person.get("inschrijving_date")) or _date(household.get("inschrijving_date"))


def pip_deadline_start(
    household: Mapping[str, object], person: Mapping[str, object]
) -> tuple[date, date] | None:
    """(inschrijving, the day the 10 weeks for the PIP count from), or None when the
    inschrijving is unknown."""
    inschrijving = person_inschrijving(household, person)
    if inschrijving is None:
        return None
    # Someone whose plicht starts later (turning 16, a later plicht_start) has the
    # 10 weeks from then, not from the inschrijving.
    starts = [inschrijving]
    plicht_start = _date(person.get("plicht_start"))
    if plicht_start is not None:
        starts.append(plicht_start)
    latest_birth = latest_birth_date(person.get("birth_date"))
    if latest_birth is not None:
        starts.append(add_months(latest_birth, 12 * PLICHT_MIN_AGE))
    return inschrijving, max(starts)


def person_pip_deadline(
    household: Mapping[str, object], person: Mapping[str, object]
) -> date | None:
    """The day the person's PIP must be vastgesteld by (10 weeks), or None."""
    found = pip_deadline_start(household, person)
    return None if found is None else pip_deadline(found[1])


def person_course_deadline(pips: Sequence[Mapping[str, object]]) -> date | None:
    """The day the offer must start by (3 months after the first PIP, 6 for the
    onderwijsroute: the leerroute of the first vastgesteld version), or None."""
    first = first_pip_date(pips)
    if first is None:
        return None
    first_version = min(
        (p for p in pips if pip_is_vastgesteld(p) and _date(p.get("vastgesteld_on")) == first),
        key=lambda p: _int(p.get("version")),
    )
    newest = current_pip(pips)
    leerroute = _str_or_none(first_version.get("leerroute")) or (
        _str_or_none(newest.get("leerroute")) if newest else None
    )
    return course_start_deadline(first, leerroute)


def person_termijn_end(
    person: Mapping[str, object], pips: Sequence[Mapping[str, object]]
) -> date | None:
    """The end of the person's termijn (3 years from its start, plus the newest PIP's
    extension), or None when its start is unknown."""
    start = person_termijn_start(person, pips)
    if start is None:
        return None
    newest = current_pip(pips)
    extension = _int(newest.get("extension_months")) if newest else 0
    return termijn_end_from_start(start, max(0, extension))


def _pip_deadline_item(
    c: _Collector,
    household: Mapping[str, object],
    person: Mapping[str, object],
    pid: str | None,
    name: str,
) -> None:
    found = pip_deadline_start(household, person)
    if found is None:
        return
    inschrijving, base = found
    due = pip_deadline(base)
    if base == inschrijving:
        title = _("PIP vaststellen (10 weken na inschrijving)")
        detail = _(
            "{name}: het PIP moet uiterlijk {due} vastgesteld zijn (10 weken na inschrijving "
            "in de gemeente op {start})."
        ).format(name=name, due=_nl(due), start=_nl(inschrijving))
    else:
        # the title names the same start as the explanation (Vandaag shows both)
        title = _("PIP vaststellen (10 weken na start van de plicht)")
        detail = _(
            "{name}: het PIP moet uiterlijk {due} vastgesteld zijn (10 weken na start van de "
            "plicht op {start})."
        ).format(name=name, due=_nl(due), start=_nl(base))
    if person.get("doelgroep") in ("gezin", "overig"):
        detail += " " + _("Let op: voor gezins- en overige migranten is deze termijn niet zeker.")
    c.add("pip_vaststellen", title, due, pid, detail)


def _course_start_item(
    c: _Collector,
    pips: Sequence[Mapping[str, object]],
    newest: Mapping[str, object] | None,
    first: date,
    pid: str | None,
    name: str,
) -> None:
    if any(_date(p.get("course_start")) for p in pips):
        return
    first_version = min(
        (p for p in pips if pip_is_vastgesteld(p) and _date(p.get("vastgesteld_on")) == first),
        key=lambda p: _int(p.get("version")),
    )
    leerroute = _str_or_none(first_version.get("leerroute")) or (
        _str_or_none(newest.get("leerroute")) if newest else None
    )
    due = course_start_deadline(first, leerroute)
    months = COURSE_START_MONTHS_ONDERWIJS if leerroute == "onderwijs" else COURSE_START_MONTHS
    c.add(
        "aanbod_starten",
        _("Aanbod laten starten ({months} maanden na PIP)").format(months=months),
        due,
        pid,
        _(
            "{name}: het PIP is vastgesteld op {pip_date}. Het aanbod moet uiterlijk {due} "
            "starten. Start het later, dan kan DUO de termijn verlengen en geeft de gemeente "
            "de klant daarover een verklaring. Vul 'Start aanbod' in zodra het aanbod "
            "begonnen is."
        ).format(name=name, pip_date=_nl(first), due=_nl(due)),
    )


def _termijn_items(
    c: _Collector,
    person: Mapping[str, object],
    pips: Sequence[Mapping[str, object]],
    newest: Mapping[str, object] | None,
    pid: str | None,
    name: str,
) -> None:
    start = person_termijn_start(person, pips)
    if start is None:
        return
    from_elsewhere = _date(person.get("termijn_start")) is not None
    extension = _int(newest.get("extension_months")) if newest else 0
    end = termijn_end_from_start(start, max(0, extension))
    open_parts = _open_parts(newest)
    # Optional parts of the sentences below, each with its leading space.
    still_open = (
        " " + _("Nog open: {parts}.").format(parts="; ".join(open_parts)) if open_parts else ""
    )
    ext_text = (
        " " + _("(met {months} maanden verlenging)").format(months=extension)
        if extension > 0
        else ""
    )
    source = " " + _("(start volgens DUO of de vorige gemeente)") if from_elsewhere else ""

    # The onderwijsroute may switch to the B1-route at any time: no schakelen deadline.
    if (_str_or_none(newest.get("leerroute")) if newest else None) != "onderwijs":
        c.add(
            "schakelen",
            _("Laatste moment om van leerroute te wisselen (schakelen)"),
            schakelen_deadline(start),
            pid,
            _(
                "{name}: de termijn begon op {start}{source}. Schakelen naar een andere "
                "leerroute moet binnen 18 maanden, dus uiterlijk {due}."
            ).format(
                name=name, start=_nl(start), source=source, due=_nl(schakelen_deadline(start))
            ),
        )
    c.add(
        "termijn_controle",
        _("Inburgeringstermijn loopt over 6 maanden af"),
        add_months(end, -TERMIJN_CHECK_MONTHS),
        pid,
        _(
            "{name}: de termijn eindigt op {end}{extension}.{still_open} Bespreek de "
            "voortgang. Is meer tijd nodig, vraag dan op tijd verlenging aan bij DUO."
        ).format(name=name, end=_nl(end), extension=ext_text, still_open=still_open),
    )
    c.add(
        "termijn_einde",
        _("Einde inburgeringstermijn"),
        end,
        pid,
        _(
            "{name}: de termijn van 3 jaar{extension} eindigt op {end}.{still_open} "
            "Zet de inburgeringsplicht op 'Voldaan' als alles behaald is."
        ).format(name=name, end=_nl(end), extension=ext_text, still_open=still_open),
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
        when = _date(appt.get("starts_at"))
        if when is None:
            continue
        same_person = [a for a in intakes if _str_or_none(a.get("person_id")) == pid]
        later = [a for a in same_person if (_date(a.get("starts_at")) or when) > when]
        who = names.get(pid, "?") if pid else None
        number = appt.get("invitation_number")
        step = handhaving_step(number) if isinstance(number, int) else None
        if not isinstance(number, int) or step is None:
            if not later:
                if who is None:
                    detail = _(
                        "niet verschenen op de brede intake van {day}. Vul in de hoeveelste "
                        "uitnodiging dit was (1, 2 of 3); dan toont Klantapp de volgende stap."
                    ).format(day=_nl(when))
                else:
                    detail = _(
                        "{name}: niet verschenen op de brede intake van {day}. Vul in de "
                        "hoeveelste uitnodiging dit was (1, 2 of 3); dan toont Klantapp de "
                        "volgende stap."
                    ).format(name=who, day=_nl(when))
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
                ).format(day=_nl(when), number=number, step=step)
                if who is None
                else _(
                    "{name}: niet verschenen op de brede intake van {day} (uitnodiging "
                    "{number}). Volgende stap: {step}."
                ).format(name=who, day=_nl(when), number=number, step=step)
            )
            + f" {todo} {record_it}",
        )


def _outcome_items(c: _Collector, appointments: Sequence[Mapping[str, object]]) -> None:
    for appt in appointments:
        if appt.get("outcome") not in (None, "", "gepland"):
            continue
        when = _date(appt.get("starts_at"))
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
            ).format(appointment=_(kind), day=_nl(when)),
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
) -> list[DueItem]:
    """What is due within ``horizon_days`` of ``on``, or overdue, for one household.

    ``persons``, ``pips``, ``appointments`` and ``handhaving`` are that household's
    records as dicts (see :mod:`klantapp.domain.records`; each with its ``id``). Sorted
    by ``due_on``. Handhaving records only ever take items away (a step recorded after
    a missed brede intake).
    """
    if household.get("status") in _CLOSED_HOUSEHOLD:
        return []
    c = _Collector(str(household.get("id") or ""), on, horizon_days)
    _household_items(c, household, persons)

    plichtig = [p for p in persons if wi2021_applies(p, on)]
    for person in plichtig:
        pid = person.get("id")
        _pip_items(c, household, person, [p for p in pips if p.get("person_id") == pid])

    # Handhaving applies to people under Wi2021; an appointment for the whole household
    # counts when someone in it is (or when no persons are recorded yet).
    person_ids: set[str | None] = {_str_or_none(p.get("id")) for p in plichtig}
    if plichtig or not persons:
        person_ids.add(None)
    names = {_str_or_none(p.get("id")): _name(p) for p in persons}
    _handhaving_items(c, appointments, pips, handhaving, person_ids, names)
    _outcome_items(c, appointments)

    return sorted(c.items, key=lambda i: (i.due_on, i.person_id or "", i.rule, i.title))
