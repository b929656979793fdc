"""Handhaving as a procedure: overtreding, voornemen, zienswijze, besluit.

A boete of the gemeente under the Wi2021 is a bestuurlijke boete, so its procedure is
that of afdeling 5.4 Awb. One handhaving record of kind *boete* is one procedure: the
day of the overtreding, the voornemen (its dagtekening is the record's ``date``: the
rapport), the term for a zienswijze, the day a zienswijze came in, the besluit.

The rules, each with its explanation and legal source:

* **Caps.** Not coming to the brede intake: €250 (DOMAIN.md 1.4, ~ Divosa); breaking
  the duties of the PIP: at most €800 (DOMAIN.md 1.5, ~ Divosa). An amount above the
  cap of its duty is refused, with the field ``amount_eur`` named
  (:data:`BOETE_CAPS_EUR`). Without a duty (older records) no cap is checked.
* **Zienswijze.** The client gets the chance to respond before the besluit (art. 4:8
  and 5:53 lid 2 Awb): the term ends on ``zienswijze_until`` (rule
  ``zienswijze_termijn``, a signal). A besluit dated inside the term without a
  zienswijze received is refused (field ``decision_date``).
* **Besluit within 13 weeks** after the dagtekening of the rapport (art. 5:51 lid 1
  Awb; rule ``handhaving_besluit``). It is a termijn van orde (ABRvS 4 October 2023,
  ECLI:NL:RVS:2023:3702): the power stays, but the item is overdue.
* **The power to impose lapses** three years after the overtreding, five years when a
  boete of more than €340 can be imposed (art. 5:45 lid 1 and 2 Awb, with art. 5:53:
  the PIP duties, up to €800). Rule ``handhaving_verval``; a boete imposed after that
  day is refused (field ``decision_date``). Klantapp's choice: the last day is the day
  three (five) years after the overtreding, as the termijn's last day is counted.

Pure functions on record dicts shaped like :data:`klantapp.domain.records.HANDHAVING`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from klantapp.domain.dates import add_months, long_date, record_date
from klantapp.domain.records import RecordKind
from klantapp.domain.rules import AddItem, CrossFieldRules
from klantapp.i18n import N_, _

__all__ = [
    "BESLUIT_WEEKS",
    "BOETE_CAPS_EUR",
    "RULE_TEXTS",
    "VALIDATION_RULES",
    "besluit_deadline",
    "imposing_last_day",
    "procedure_items",
]

#: The highest boete per duty (~ Divosa, DOMAIN.md 1.4-1.5).
BOETE_CAPS_EUR: Mapping[str, int] = {"brede_intake": 250, "pip": 800}
#: Above this amount the heavier procedure of art. 5:53 Awb applies.
AWB_5_53_ABOVE_EUR = 340
BESLUIT_WEEKS = 13  # art. 5:51 lid 1 Awb: 13 weeks after the rapport (the voornemen)

RULE_TEXTS: Mapping[str, str] = {
    "zienswijze_termijn": N_("Termijn voor een zienswijze op een voorgenomen boete loopt af"),
    "handhaving_besluit": N_("Besluit over een voorgenomen boete binnen 13 weken na het voornemen"),
    "handhaving_verval": N_(
        "Laatste dag om een boete op te leggen: 3 jaar na de overtreding (5 jaar boven €340)"
    ),
}
#: Signals that ask for no action by their date (they disappear on their own).
INFORMATIONAL = frozenset({"zienswijze_termijn"})


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


def procedure_items(
    add: AddItem,
    on: date,
    handhaving: Sequence[Mapping[str, object]],
    names: Mapping[str | None, str],
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
            add(
                "zienswijze_termijn",
                _("Zienswijzetermijn loopt af"),
                until,
                pid,
                _(
                    "{name}: voornemen tot een boete van {day}. De klant kan tot en met "
                    "{until} een zienswijze geven (art. 4:8 Awb). Vul de datum in als er een "
                    "zienswijze komt; neem het besluit pas na die dag."
                ).format(name=name, day=long_date(start), until=long_date(until)),
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
        add(
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
            add(
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


# --- validation ---------------------------------------------------------------------------


def _rule_boete_cap(rec: Mapping[str, object], kind: RecordKind) -> list[tuple[str, str]]:
    amount, duty = rec.get("amount_eur"), rec.get("duty")
    cap = BOETE_CAPS_EUR.get(duty) if isinstance(duty, str) else None
    if cap is None or not isinstance(amount, int) or amount <= cap:
        return []
    return [
        (
            "amount_eur",
            _(
                "Een boete voor deze plicht is hoogstens €{cap}. Pas het bedrag aan, of kies "
                "een andere plicht."
            ).format(cap=cap),
        )
    ]


def _rule_procedure_dates(rec: Mapping[str, object], kind: RecordKind) -> list[tuple[str, str]]:
    """The steps follow each other: overtreding, voornemen, zienswijze, besluit."""
    voornemen = record_date(rec.get("date"))
    overtreding = record_date(rec.get("overtreding_date"))
    until = record_date(rec.get("zienswijze_until"))
    received = record_date(rec.get("zienswijze_on"))
    decided = record_date(rec.get("decision_date"))

    def label(name: str) -> str:
        return _(kind.field(name).label)

    out: list[tuple[str, str]] = []
    if voornemen is not None:
        for name, day in (("overtreding_date", overtreding),):
            if day is not None and day > voornemen:
                out.append(
                    (
                        name,
                        _(
                            "{label} ligt na de datum van het voornemen. Pas een van beide aan."
                        ).format(label=label(name)),
                    )
                )
        for name, day in (
            ("zienswijze_until", until),
            ("zienswijze_on", received),
            ("decision_date", decided),
        ):
            if day is not None and day < voornemen:
                out.append(
                    (
                        name,
                        _(
                            "{label} ligt vóór de datum van het voornemen. Pas een van beide aan."
                        ).format(label=label(name)),
                    )
                )
    if out:
        return out
    if (
        rec.get("kind") == "boete"
        and decided is not None
        and until is not None
        and received is None
        and decided <= until
    ):
        out.append(
            (
                "decision_date",
                _(
                    "Het besluit valt binnen de termijn voor een zienswijze (tot en met {until}) "
                    "en er is geen zienswijze ontvangen. Neem het besluit na die dag, of vul in "
                    "wanneer de zienswijze binnenkwam."
                ).format(until=long_date(until)),
            )
        )
    if (
        rec.get("kind") == "boete"
        and rec.get("status") in ("opgelegd", "bezwaar_lopend", "afgehandeld")
        and decided is not None
        and overtreding is not None
        and decided > (last := imposing_last_day(overtreding, rec.get("duty")))
    ):
        out.append(
            (
                "decision_date",
                _(
                    "Na {last} kan deze boete niet meer worden opgelegd (art. 5:45 Awb). "
                    "Controleer de datum van het besluit en van de overtreding."
                ).format(last=long_date(last)),
            )
        )
    return out


VALIDATION_RULES: CrossFieldRules = {
    "handhaving": (
        (("amount_eur", "duty"), _rule_boete_cap),
        (
            ("date", "overtreding_date", "zienswijze_until", "zienswijze_on", "decision_date"),
            _rule_procedure_dates,
        ),
    ),
}
