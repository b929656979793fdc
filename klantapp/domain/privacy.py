"""The AVG's rules as code: the deadline of an access request and the retention of
each record kind (docs/retention.md gives every basis).

Pure functions and data; :mod:`klantapp.avg` applies them to a casebook.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from klantapp.domain.dates import add_months
from klantapp.i18n import N_


def inzage_deadline(received_on: date) -> date:
    """Art. 12(3) AVG: an access request is answered within one month of receipt
    (extendable by two months, with notice to the person within the first month)."""
    return add_months(received_on, 1)


#: A household's dossier is closed when its status is one of these.
CLOSED_STATUSES = frozenset({"afgerond", "vertrokken"})


@dataclass(frozen=True)
class RetentionRule:
    kind: str  # record kind
    years: int  # kept this many years after the dossier is closed
    basis: str  # why (Dutch, shown in the client and in docs/retention.md)
    choice: tuple[int, ...] = ()  # years a gemeente may choose instead (a setting)


RETENTION_RULES: dict[str, RetentionRule] = {
    r.kind: r
    for r in (
        RetentionRule(
            "households",
            10,
            N_("Selectielijst gemeenten 2020, inburgering: dossier 10 jaar na afsluiten"),
        ),
        RetentionRule(
            "persons",
            10,
            N_("Selectielijst gemeenten 2020, inburgering: dossier 10 jaar na afsluiten"),
        ),
        RetentionRule(
            "pips",
            10,
            N_("Besluit (PIP) hoort bij het dossier: 10 jaar na afsluiten"),
        ),
        RetentionRule(
            "duo_decisions",
            10,
            N_(
                "Besluit van DUO (termijn, verlenging, ontheffing) hoort bij het dossier: 10 jaar na afsluiten"
            ),
        ),
        RetentionRule(
            "trajectmodules",
            10,
            N_("PVT en MAP horen bij het inburgeringsdossier: 10 jaar na afsluiten"),
        ),
        RetentionRule(
            "exam_attempts",
            10,
            N_("Examenuitslagen horen bij het inburgeringsdossier: 10 jaar na afsluiten"),
        ),
        RetentionRule(
            "handhaving",
            10,
            N_("Besluit (boete, maatregel) en bezwaar: 10 jaar na afsluiten"),
        ),
        RetentionRule(
            "warm_handovers",
            5,
            N_("Gegevens van het COA: 5 jaar na einde plicht (VNG), of met het dossier"),
            choice=(5, 10),
        ),
        RetentionRule(
            "intake_scores",
            5,
            N_("Brede intake (ZRM): 5 jaar na einde plicht (VNG), of met het dossier"),
            choice=(5, 10),
        ),
        RetentionRule(
            "appointments",
            2,
            N_("Afspraken en uitnodigingen: 2 jaar na afsluiten, of met het dossier"),
            choice=(2, 5, 10),
        ),
        RetentionRule(
            "referrals",
            5,
            N_("Verwijzingen naar ketenpartners: 5 jaar na afsluiten, of met het dossier"),
            choice=(5, 10),
        ),
        RetentionRule(
            "notes",
            5,
            N_("Notities: 5 jaar na afsluiten, of met het dossier"),
            choice=(2, 5, 10),
        ),
    )
}


def retention_years(kind: str, chosen: dict[str, object] | None = None) -> int:
    """The years a record kind is kept: the gemeente's choice where the rule leaves
    one (setting ``retention``), else the rule's own."""
    rule = RETENTION_RULES[kind]
    value = (chosen or {}).get(kind)
    if isinstance(value, int) and value in rule.choice:
        return value
    return rule.years


def destroy_after(closed_on: date, years: int) -> date:
    """The first day a record of a dossier closed on ``closed_on`` may be destroyed."""
    return add_months(closed_on, 12 * years)
