"""Before a letter is printed: refusals (it could not arrive or be answered) and notices.

A letter is refused, with every missing detail named, when

* the postal address is incomplete: the person's own address, or for someone still in
  the azc the azc's postal address (street, house number, postcode, city), or
* the sender is unknown: the gemeente's name or telephone number is empty, so the
  letter would say "Bel dan ." (or its telephone hours cannot be read).

Notices do not stop printing but are shown (CLI: on stderr; client: above the
preview): the appointment is already past, or the translation is not reviewed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from klantapp.errors import KlantappError
from klantapp.i18n import N_, _
from klantapp.letters.model import LetterData, Sent

# Recipient attribute -> the household field it comes from (own address, azc address).
ADDRESS_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("street", "street", "coa_street"),
    ("house_number", "house_number", "coa_house_number"),
    ("postcode", "postcode", "coa_postcode"),
    ("city", "city", "coa_city"),
)

GEMEENTE_REQUIRED: tuple[tuple[str, str], ...] = (
    ("name", N_("Naam gemeente")),
    ("phone", N_("Telefoon")),
)


class LetterNotPrintable(KlantappError):
    """The letter is refused; ``missing`` names each missing detail (field labels)."""

    def __init__(self, message: str, *, hint: str, missing: Sequence[str]) -> None:
        super().__init__(message, hint=hint)
        self.missing = tuple(missing)


def _field_label(name: str) -> str:
    from klantapp.domain.records import HOUSEHOLD

    return _(HOUSEHOLD.field(name).label)


def missing_address_fields(data: Sent) -> list[str]:
    """Labels of the household fields the postal address still needs."""
    rec = data.recipient
    azc = rec.address_source == "azc"
    return [
        _field_label(azc_field if azc else own_field)
        for attr, own_field, azc_field in ADDRESS_FIELDS
        if not str(getattr(rec, attr)).strip()
    ]


def missing_sender_fields(data: Sent) -> list[str]:
    gem = data.gemeente
    return [_(label) for attr, label in GEMEENTE_REQUIRED if not str(getattr(gem, attr)).strip()]


def _problems(data: Sent) -> list[tuple[str, str, list[str]]]:
    """(message, hint, missing) for everything that stops this letter."""
    from klantapp.letters.texts import parse_phone_hours

    out: list[tuple[str, str, list[str]]] = []
    if not data.recipient.name.strip():
        out.append(
            (
                _("Op de brief staat geen naam."),
                _("Vul bij het gezinslid de naam in."),
                [_("Achternaam")],
            )
        )
    missing = missing_address_fields(data)
    if missing:
        if data.recipient.address_source == "azc":
            message = _(
                "Deze brief komt niet aan: het postadres van het azc is niet compleet. "
                "Ontbreekt: {fields}."
            )
            hint = _(
                "Vul bij het huishouden het postadres van het azc in (straat, huisnummer, "
                "postcode en plaats), of het eigen adres als het huishouden al een woning heeft."
            )
        else:
            message = _(
                "Deze brief komt niet aan: het adres van het huishouden is niet compleet. "
                "Ontbreekt: {fields}."
            )
            hint = _("Vul bij het huishouden het adres aan.")
        out.append((message.format(fields=", ".join(missing)), hint, missing))
    sender = missing_sender_fields(data)
    if sender:
        out.append(
            (
                _(
                    "Op de brief staat niet wie hem stuurt en wie de klant kan bellen. "
                    "Ontbreekt bij de gegevens van de gemeente: {fields}."
                ).format(fields=", ".join(sender)),
                _("Vul bij Instellingen de gegevens van de gemeente in."),
                sender,
            )
        )
    hours = data.gemeente.phone_hours
    if hours and parse_phone_hours(hours) is None:
        out.append(
            (
                _("De telefoontijden van de gemeente zijn niet te lezen."),
                _("Schrijf ze bij Instellingen als 09:00-17:00."),
                [_("Telefonisch bereikbaar")],
            )
        )
    return out


def check_letter(data: Sent) -> None:
    """Raise :class:`LetterNotPrintable` when the letter could not arrive or be answered."""
    problems = _problems(data)
    if problems:
        raise LetterNotPrintable(
            " ".join(p[0] for p in problems),
            hint=" ".join(p[1] for p in problems),
            missing=[m for p in problems for m in p[2]],
        )


def check_letters(letters: Sequence[LetterData], *, named: bool = False) -> None:
    """Like :func:`check_letter` for a batch: one refusal naming every letter's problems
    (by reference, date and time), so the whole day can be fixed in one go. A single
    letter is named only with ``named`` (a day that has one appointment)."""
    if len(letters) == 1 and not named:
        check_letter(letters[0])
        return
    lines: list[str] = []
    hints: list[str] = []
    missing: list[str] = []
    for data in letters:
        for message, hint, fields in _problems(data):
            when = data.appointment.starts_at.strftime("%d-%m-%Y %H:%M")
            lines.append(
                _("Brief {reference} ({when}): {problem}").format(
                    reference=data.reference or "-", when=when, problem=message
                )
            )
            if hint not in hints:
                hints.append(hint)
            missing += fields
    if lines:
        raise LetterNotPrintable(
            _("Er zijn {n} brieven niet gemaakt:").format(n=len(lines)) + "\n" + "\n".join(lines),
            hint="\n" + " ".join(hints),
            missing=missing,
        )


def is_past(data: LetterData, now: datetime | None = None) -> bool:
    """Whether the appointment has already started (local time of the gemeente)."""
    return data.appointment.starts_at < (now or datetime.now())


def letter_notices(
    data: LetterData,
    *,
    now: datetime | None = None,
    gemeente: Mapping[str, Any] | None = None,
) -> list[str]:
    """Warnings to show before printing; they do not stop the letter."""
    notices: list[str] = []
    if is_past(data, now):
        notices.append(
            _(
                "Deze afspraak is al voorbij ({when}). Stuur deze brief alleen als dat echt "
                "de bedoeling is; maak anders eerst een nieuwe afspraak."
            ).format(when=data.appointment.starts_at.strftime("%d-%m-%Y %H:%M"))
        )
    notices += review_notices(data, gemeente)
    return notices


def review_notices(data: Sent, gemeente: Mapping[str, Any] | None = None) -> list[str]:
    """The notice for a letter language no qualified translator has reviewed."""
    from klantapp.domain.records import LANGUAGES, choice_label
    from klantapp.letters.review import review_of

    if data.lang == "nl" or review_of(data.lang, gemeente).reviewed:
        return []
    return [
        _(
            "De vertaling in het {language} is niet nagekeken door een gekwalificeerd "
            "vertaler. De Nederlandse tekst in de brief is de officiële tekst."
        ).format(language=_(choice_label(LANGUAGES, data.lang)))
    ]
