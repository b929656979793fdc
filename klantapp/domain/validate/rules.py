"""Cross-field rules: what one field needs of another in the same record.

Per record kind: a tolk needs a language and an invitation number belongs to a brede
intake (appointments); a vastgesteld PIP needs its dagtekening (pips); the regime
fits the plicht and the doelgroep follows from the permit basis where the law decides
it (persons); each kind of DUO decision has what it needs to count (duo_decisions); an
amount belongs to a boete, at most the cap for its duty (handhaving).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from klantapp.domain.plicht import doelgroep_of
from klantapp.domain.records import RecordKind
from klantapp.domain.validate.base import is_blank
from klantapp.i18n import _

# A cross-field rule: (fields it reads, check). The check gets the merged record and
# returns (field name, message) for each problem.
Rule = tuple[tuple[str, ...], Callable[[Mapping[str, object], RecordKind], list[tuple[str, str]]]]


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


def _rule_invitation_only_intake(
    rec: Mapping[str, object], kind: RecordKind
) -> list[tuple[str, str]]:
    if rec.get("invitation_number") is not None and rec.get("kind") != "brede_intake":
        label = _(kind.field("invitation_number").label)
        return [
            (
                "invitation_number",
                _(
                    "{label} hoort alleen bij een brede intake. Maak het veld leeg, "
                    "of kies als soort afspraak Brede intake."
                ).format(label=label),
            )
        ]
    return []


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


def _rule_amount_only_boete(rec: Mapping[str, object], kind: RecordKind) -> list[tuple[str, str]]:
    if rec.get("amount_eur") is not None and rec.get("kind") != "boete":
        label = _(kind.field("amount_eur").label)
        return [
            (
                "amount_eur",
                _(
                    "{label} hoort alleen bij een boete. Maak het veld leeg, of kies als soort "
                    "Boete."
                ).format(label=label),
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


#: The highest boete per duty (~ Divosa, DOMAIN.md 1.4-1.5).
BOETE_CAPS_EUR = {"brede_intake": 250, "pip": 800}


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


#: The cross-field rules of each record kind.
CROSS_FIELD_RULES: dict[str, tuple[Rule, ...]] = {
    "appointments": (
        (("interpreter_mode", "interpreter_language"), _rule_interpreter_language),
        (("invitation_number", "kind"), _rule_invitation_only_intake),
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
        (("amount_eur", "kind"), _rule_amount_only_boete),
        (("amount_eur", "duty"), _rule_boete_cap),
    ),
}
