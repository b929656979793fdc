"""Cross-field rules: what one field needs of another in the same record.

Per record kind: a tolk needs a language and an invitation number belongs to a brede
intake (appointments); a vastgesteld PIP needs its dagtekening (pips); the regime
fits the plicht and the doelgroep follows from the permit basis where the law decides
it (persons); each kind of DUO decision has what it needs to count (duo_decisions); an
amount belongs to a boete, at most the cap for its duty, and the steps of a boete's
procedure follow each other: no besluit inside the zienswijze term without a
zienswijze, no boete after the power lapsed (handhaving, art. 4:8, 5:45 Awb; the dates
are klantapp.domain.deadlines.handhaving's); the signing belongs to a PVT and the
eindgesprek to a MAP (trajectmodules); KNM has no ERK level and a passed language exam
says its level (exam_attempts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from klantapp.domain.dates import long_date, record_date
from klantapp.domain.deadlines.handhaving import BOETE_CAPS_EUR, imposing_last_day
from klantapp.domain.plicht import doelgroep_of
from klantapp.domain.records import LANGUAGE_SKILLS, RecordKind, choice_label
from klantapp.domain.validate.base import is_blank
from klantapp.i18n import N_, _

# A cross-field rule: (fields it reads, check). The check gets the merged record and
# returns (field name, message) for each problem.
RuleCheck = Callable[[Mapping[str, object], RecordKind], list[tuple[str, str]]]
Rule = tuple[tuple[str, ...], RuleCheck]


def _rule_interpreter_language(
    rec: Mapping[str, object], kind: RecordKind
) -> list[tuple[str, str]]:
    if rec.get("interpreter_mode") and is_blank(rec.get("interpreter_language")):
        lang = _(kind.field("interpreter_language").label)
        return [
            (
                "interpreter_language",
                _("{label} is verplicht als er een tolk is gekozen.").format(label=lang),
            )
        ]
    return []


def _only_with(field: str, selector: str, value: str, belongs: str) -> RuleCheck:
    """The rule that ``field`` belongs only to a record whose ``selector`` is ``value``
    (an invitation number to a brede intake, an amount to a boete, the signing to a
    PVT); ``belongs`` names such a record in words ("een boete")."""

    def check(rec: Mapping[str, object], kind: RecordKind) -> list[tuple[str, str]]:
        if is_blank(rec.get(field)) or rec.get(selector) == value:
            return []
        chooser = kind.field(selector)
        return [
            (
                field,
                _(
                    "{label} hoort alleen bij {what}. Maak het veld leeg, of kies als "
                    "{selector} {choice}."
                ).format(
                    label=_(kind.field(field).label),
                    what=_(belongs),
                    selector=_(chooser.label).lower(),
                    choice=_(choice_label(chooser.choices, value)),
                ),
            )
        ]

    return check


def _rule_pip_dagtekening(rec: Mapping[str, object], kind: RecordKind) -> list[tuple[str, str]]:
    status = rec.get("status")
    if status in ("vastgesteld", "bezwaar") and is_blank(rec.get("vastgesteld_on")):
        label = _(kind.field("vastgesteld_on").label)
        status_label = _(dict(kind.field("status").choices)[str(status)])
        return [
            (
                "vastgesteld_on",
                _(
                    "{label} is verplicht als de status '{status}' is. "
                    "Vul de datum van de beschikking in."
                ).format(label=label, status=status_label),
            )
        ]
    return []


def _rule_regime_plicht(rec: Mapping[str, object], kind: RecordKind) -> list[tuple[str, str]]:
    if rec.get("regime") == "geen" and rec.get("plicht_status") == "plichtig":
        return [
            (
                "plicht_status",
                _(
                    "Regime 'Niet inburgeringsplichtig' past niet bij Inburgeringsplicht "
                    "'Inburgeringsplichtig'. Pas een van beide aan."
                ),
            )
        ]
    return []


def _rule_permit_doelgroep(rec: Mapping[str, object], kind: RecordKind) -> list[tuple[str, str]]:
    """The doelgroep follows from the permit basis where the law decides it."""
    doelgroep = rec.get("doelgroep")
    if not rec.get("permit_basis") or not doelgroep:
        return []
    derived = doelgroep_of({"permit_basis": rec.get("permit_basis")})
    if derived is None or derived == doelgroep:
        return []
    choices = dict(kind.field("doelgroep").choices)
    return [
        (
            "doelgroep",
            _(
                "Bij deze grond van de verblijfsvergunning hoort doelgroep '{expected}'. "
                "Kies die, of maak Doelgroep leeg."
            ).format(expected=_(choices[derived])),
        )
    ]


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


def _rule_decision_fields(rec: Mapping[str, object], kind: RecordKind) -> list[tuple[str, str]]:
    """What each kind of DUO decision needs to count."""
    decision = rec.get("kind")
    if decision == "termijn_start" and is_blank(rec.get("termijn_start")):
        return [
            (
                "termijn_start",
                _("{label} is verplicht bij dit soort besluit. Vul de datum in.").format(
                    label=_(kind.field("termijn_start").label)
                ),
            )
        ]
    if decision == "verlenging" and not (
        rec.get("period_months") or rec.get("period_days") or rec.get("new_last_day")
    ):
        return [
            (
                "period_months",
                _(
                    "Een verlenging heeft een duur nodig: vul de maanden en dagen in, of de "
                    "nieuwe laatste dag van de termijn."
                ),
            )
        ]
    if decision == "boete_termijn" and is_blank(rec.get("new_last_day")):
        return [
            (
                "new_last_day",
                _("Vul de nieuwe laatste dag van de termijn in die DUO bij de boete geeft."),
            )
        ]
    return []


_signing_only_pvt = _only_with("verklaring_signed_on", "kind", "pvt", N_("een PVT"))
_eindgesprek_only_map = _only_with("eindgesprek_on", "kind", "map", N_("een MAP"))


def _rule_module_dates(rec: Mapping[str, object], kind: RecordKind) -> list[tuple[str, str]]:
    """The signing belongs to a PVT, the eindgesprek to a MAP; nothing ends before it
    starts."""
    out = _signing_only_pvt(rec, kind) + _eindgesprek_only_map(rec, kind)
    start, end = record_date(rec.get("start_date")), record_date(rec.get("end_date"))
    if start is not None and end is not None and end < start:
        out.append(
            (
                "end_date",
                _("{label} ligt vóór de startdatum. Pas een van beide aan.").format(
                    label=_(kind.field("end_date").label)
                ),
            )
        )
    return out


def _rule_exam_level(rec: Mapping[str, object], kind: RecordKind) -> list[tuple[str, str]]:
    """KNM has no ERK level; a passed language exam says at which level."""
    skill, level = rec.get("skill"), rec.get("level")
    label = _(kind.field("level").label)
    if skill == "knm" and level:
        return [
            (
                "level",
                _("{label} hoort niet bij het KNM-examen. Maak het veld leeg.").format(label=label),
            )
        ]
    if skill not in (None, "knm") and rec.get("result") == "behaald" and not level:
        return [
            (
                "level",
                _("{label} is verplicht bij een behaald examen {skill}. Vul het niveau in.").format(
                    label=label, skill=_(choice_label(LANGUAGE_SKILLS, str(skill))).lower()
                ),
            )
        ]
    return []


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


#: The cross-field rules of each record kind.
CROSS_FIELD_RULES: dict[str, tuple[Rule, ...]] = {
    "appointments": (
        (("interpreter_mode", "interpreter_language"), _rule_interpreter_language),
        (
            ("invitation_number", "kind"),
            _only_with("invitation_number", "kind", "brede_intake", N_("een brede intake")),
        ),
    ),
    "pips": ((("status", "vastgesteld_on"), _rule_pip_dagtekening),),
    "persons": (
        (("regime", "plicht_status"), _rule_regime_plicht),
        (("permit_basis", "doelgroep"), _rule_permit_doelgroep),
    ),
    "duo_decisions": (
        (
            ("kind", "termijn_start", "period_months", "period_days", "new_last_day"),
            _rule_decision_fields,
        ),
    ),
    "handhaving": (
        (("amount_eur", "kind"), _only_with("amount_eur", "kind", "boete", N_("een boete"))),
        (("amount_eur", "duty"), _rule_boete_cap),
        (
            ("date", "overtreding_date", "zienswijze_until", "zienswijze_on", "decision_date"),
            _rule_procedure_dates,
        ),
    ),
    "trajectmodules": (
        (
            ("kind", "verklaring_signed_on", "eindgesprek_on", "start_date", "end_date"),
            _rule_module_dates,
        ),
    ),
    "exam_attempts": ((("skill", "level", "result"), _rule_exam_level),),
}
