"""Handhaving: the steps after a missed brede intake, and the besluit after a voornemen.

* **Missed brede intake** (art. 14 and 29 Wi2021; DOMAIN.md 1.4, ~): after invitation 1
  a warning and invitation 2; after 2 a boete of €250 and invitation 3; after 3 another
  €250, and the PIP is set anyway. Rule ``handhaving_intake``, until the next
  invitation is planned, the PIP is vastgesteld, or a handhaving record linked to that
  appointment records the step (:func:`handhaving_closes_intake`);
  ``handhaving_nummer`` while the invitation number is missing.
* **Besluit** (art. 5:51 lid 1 Awb): a voornemen tot een boete needs its besluit at the
  latest 13 weeks after the voornemen, after the zienswijze term. Rule
  ``handhaving_besluit``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from klantapp.domain.dates import long_date, record_date
from klantapp.domain.deadlines.items import Collector, str_or_none
from klantapp.domain.termijn import first_pip_date
from klantapp.i18n import N_, _

RULES = {
    "handhaving_intake": N_("Brede intake gemist: handhaving"),
    "handhaving_nummer": N_("Brede intake gemist: uitnodigingsnummer ontbreekt"),
    "handhaving_besluit": N_("Besluit over een voorgenomen boete binnen 13 weken na het voornemen"),
}

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


def handhaving_besluit_items(
    c: Collector, handhaving: Sequence[Mapping[str, object]], names: Mapping[str | None, str]
) -> None:
    """A voornemen (status voorgenomen) needs its besluit: after the zienswijze term,
    and at the latest 13 weeks after the voornemen (art. 5:51 lid 1 Awb)."""
    for record in handhaving:
        if record.get("status") != "voorgenomen" or record.get("kind") != "boete":
            continue
        if record_date(record.get("decision_date")) is not None:
            continue
        start = record_date(record.get("date"))
        if start is None:
            continue
        due_on = start + timedelta(weeks=BESLUIT_WEEKS)
        pid = str_or_none(record.get("person_id"))
        until = record_date(record.get("zienswijze_until"))
        term = (
            " "
            + _("De klant kan tot en met {day} een zienswijze geven.").format(day=long_date(until))
            if until is not None
            else ""
        )
        c.add(
            "handhaving_besluit",
            _("Besluit over de voorgenomen boete"),
            due_on,
            pid,
            _(
                "{name}: voornemen tot een boete van {day}.{term} Neem het besluit uiterlijk "
                "op {due} (13 weken na het voornemen, art. 5:51 Awb) en vul de datum besluit in."
            ).format(
                name=names.get(pid, "?"), day=long_date(start), term=term, due=long_date(due_on)
            ),
        )
