"""Handhaving: the steps after a missed brede intake, and the besluit after a voornemen.

* **Missed brede intake** (art. 14 and 29 Wi2021; DOMAIN.md 1.4, ~): after invitation 1
  a warning and invitation 2; after 2 a boete of €250 and invitation 3; after 3 another
  €250, and the PIP is set anyway. Rule ``handhaving_intake``, until the next
  invitation is planned, the PIP is vastgesteld, or a handhaving record linked to that
  appointment records the step (:func:`handhaving_closes_intake`);
  ``handhaving_nummer`` while the invitation number is missing.

The boete as a procedure (afdeling 5.4 Awb). One handhaving record of kind *boete* is
one procedure: the day of the overtreding, the voornemen (its dagtekening is the
record's ``date``: the rapport), the term for a zienswijze, the day a zienswijze came
in, the besluit. (The checks that the steps follow each other, the caps and the lapse
are klantapp.domain.validate.rules'.)

* **Caps.** Not coming to the brede intake: €250 (DOMAIN.md 1.4, ~ Divosa); breaking
  the duties of the PIP: at most €800 (DOMAIN.md 1.5, ~ Divosa):
  :data:`BOETE_CAPS_EUR`. Without a duty (older records) no cap is checked.
* **Zienswijze.** The client gets the chance to respond before the besluit (art. 4:8
  and 5:53 lid 2 Awb): the term ends on ``zienswijze_until`` (``zienswijze_termijn``,
  a signal, until a zienswijze is recorded).
* **Besluit within 13 weeks** after the dagtekening of the rapport (art. 5:51 lid 1
  Awb; ``handhaving_besluit``). It is a termijn van orde (ABRvS 4 October 2023,
  ECLI:NL:RVS:2023:3702): the power stays, but the item is overdue.
* **The power to impose lapses** three years after the overtreding, five years when a
  boete of more than €340 can be imposed (art. 5:45 lid 1 and 2 Awb, with art. 5:53:
  the PIP duties, up to €800): ``handhaving_verval``. Klantapp's choice: the last day
  is the day three (five) years after the overtreding, as the termijn's last day is
  counted; an unknown duty counts as three years, the earlier day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from klantapp.domain.dates import add_months, long_date, record_date
from klantapp.domain.deadlines.items import Collector, str_or_none
from klantapp.domain.termijn import first_pip_date
from klantapp.i18n import N_, _

RULES = {
    "handhaving_intake": N_("Brede intake gemist: handhaving"),
    "handhaving_nummer": N_("Brede intake gemist: uitnodigingsnummer ontbreekt"),
    "handhaving_besluit": N_("Besluit over een voorgenomen boete binnen 13 weken na het voornemen"),
    "zienswijze_termijn": N_("Termijn voor een zienswijze op een voorgenomen boete loopt af"),
    "handhaving_verval": N_(
        "Laatste dag om een boete op te leggen: 3 jaar na de overtreding (5 jaar boven €340)"
    ),
}

#: The highest boete per duty (~ Divosa, DOMAIN.md 1.4-1.5).
BOETE_CAPS_EUR: Mapping[str, int] = {"brede_intake": 250, "pip": 800}
#: Above this amount the heavier procedure of art. 5:53 Awb applies.
AWB_5_53_ABOVE_EUR = 340

_HANDHAVING = {
    1: N_("waarschuwing + uitnodiging 2"),
    2: N_("boete €250 + uitnodiging 3"),
    3: N_("boete €250; PIP wordt toch vastgesteld"),
}


def handhaving_step(invitation_number: int) -> str | None:
    """What follows when someone does not come to brede-intake invitation 1, 2 or 3 (~)."""
    step = _HANDHAVING.get(invitation_number)
    return _(step) if step is not None else None


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


def handhaving_intake_items(
    c: Collector,
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
        pid = str_or_none(appt.get("person_id"))
        if pid not in person_ids:
            continue
        when = record_date(appt.get("starts_at"))
        if when is None:
            continue
        same_person = [a for a in intakes if str_or_none(a.get("person_id")) == pid]
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


BESLUIT_WEEKS = 13  # art. 5:51 lid 1 Awb: 13 weeks after the rapport (the voornemen)


def besluit_deadline(voornemen: date) -> date:
    """The last day for the besluit: 13 weeks after the rapport's dagtekening."""
    return voornemen + timedelta(weeks=BESLUIT_WEEKS)


def imposing_last_day(overtreding: date, duty: object) -> date:
    """The last day a boete can be imposed: 3 years after the overtreding, 5 when the
    duty's boete can exceed €340 (art. 5:45 Awb). An unknown duty counts as 3 years:
    the earlier day, so no deadline is shown too late."""
    cap = BOETE_CAPS_EUR.get(duty) if isinstance(duty, str) else None
    years = 5 if cap is not None and cap > AWB_5_53_ABOVE_EUR else 3
    return add_months(overtreding, 12 * years)


def _open(record: Mapping[str, object]) -> bool:
    return (
        record.get("kind") == "boete"
        and record.get("status") == "voorgenomen"
        and record_date(record.get("decision_date")) is None
    )


def handhaving_besluit_items(
    c: Collector, handhaving: Sequence[Mapping[str, object]], names: Mapping[str | None, str]
) -> None:
    """The open steps of each voorgenomen boete: the zienswijze term, the besluit, and
    the last day to impose it."""
    for record in handhaving:
        if not _open(record):
            continue
        start = record_date(record.get("date"))
        if start is None:
            continue
        given = record.get("person_id")
        pid = given if isinstance(given, str) and given else None
        name = names.get(pid, "?")
        until = record_date(record.get("zienswijze_until"))
        received = record_date(record.get("zienswijze_on"))
        if until is not None and received is None:
            c.add(
                "zienswijze_termijn",
                _("Zienswijzetermijn loopt af"),
                until,
                pid,
                _(
                    "{name}: voornemen tot een boete van {day}. De klant kan tot en met "
                    "{until} een zienswijze geven (art. 4:8 Awb). Vul de datum in als er een "
                    "zienswijze komt; neem het besluit pas na die dag."
                ).format(name=name, day=long_date(start), until=long_date(until)),
                signal=True,
            )
        due_on = besluit_deadline(start)
        if received is not None:
            term = " " + _("De zienswijze kwam binnen op {day}.").format(day=long_date(received))
        elif until is not None:
            term = " " + _("De klant kan tot en met {day} een zienswijze geven.").format(
                day=long_date(until)
            )
        else:
            term = ""
        c.add(
            "handhaving_besluit",
            _("Besluit over de voorgenomen boete"),
            due_on,
            pid,
            _(
                "{name}: voornemen tot een boete van {day}.{term} Neem het besluit uiterlijk "
                "op {due} (13 weken na het voornemen, art. 5:51 Awb) en vul de datum besluit in."
            ).format(name=name, day=long_date(start), term=term, due=long_date(due_on)),
        )
        overtreding = record_date(record.get("overtreding_date"))
        if overtreding is not None:
            last = imposing_last_day(overtreding, record.get("duty"))
            c.add(
                "handhaving_verval",
                _("Laatste dag om de boete op te leggen"),
                last,
                pid,
                _(
                    "{name}: de overtreding was op {day}. Na {last} kan de boete niet meer "
                    "worden opgelegd (art. 5:45 Awb: 3 jaar na de overtreding, 5 jaar als de "
                    "boete hoger dan €340 kan zijn)."
                ).format(name=name, day=long_date(overtreding), last=long_date(last)),
            )
