"""Address and contact: the Dutch postcode, phone numbers and e-mail addresses.

* postcode: ``"1234ab"`` and ``" 1234  ab"`` become ``"1234 AB"``;
* phone: surrounding whitespace removed and runs of spaces collapsed to one;
* e-mail: surrounding whitespace removed, the part after ``@`` in lower case.
"""

from __future__ import annotations

import re

from klantapp.domain.validate.base import InvalidValue, text_of
from klantapp.i18n import _

_POSTCODE = re.compile(r"([0-9]{4})\s*([A-Za-z]{2})")


def check_postcode(value: object, label: str = "Postcode") -> str:
    """A Dutch postcode, normalised to ``"1234 AB"``."""
    text = text_of(value, label)
    match = _POSTCODE.fullmatch(text)
    if match is None or match.group(1).startswith("0"):
        raise InvalidValue(
            _(
                "{label} klopt niet. Een postcode heeft 4 cijfers en 2 letters, bijvoorbeeld "
                "1234 AB."
            ).format(label=_(label))
        )
    letters = match.group(2).upper()
    if letters in {"SA", "SD", "SS"}:
        raise InvalidValue(
            _(
                "{label} klopt niet: postcodes met de letters SA, SD of SS bestaan niet. "
                "Controleer de letters."
            ).format(label=_(label))
        )
    return f"{match.group(1)} {letters}"


_PHONE_CHARS = re.compile(r"\+?[0-9][0-9 \-]*")
# Dutch service numbers (0800, 0900, ...) are shorter or longer than 10 digits.
_NL_SERVICE_PREFIXES = ("0800", "0900", "0906", "0909")


def check_phone(value: object, label: str = "Telefoon") -> str:
    """A phone number: digits, spaces and dashes, with an optional ``+`` in front.

    Dutch numbers (``06 12345678``, ``030-1234567``) have 10 digits; ``+31``/``0031``
    numbers have 9 digits after the 31. Service numbers (0800/0900) have 8 to 11 digits
    and gemeente 14-numbers (``14 020``) 5 to 7. Other international numbers have 8
    to 15 digits. The number is kept as typed, with runs of spaces collapsed.
    """
    text = text_of(value, label)
    text = re.sub(r"\s+", " ", text)
    if not _PHONE_CHARS.fullmatch(text):
        raise InvalidValue(
            _(
                "{label}: gebruik alleen cijfers, spaties en streepjes, en eventueel een + "
                "aan het begin. Bijvoorbeeld 06 12345678."
            ).format(label=_(label))
        )
    digits = re.sub(r"[^0-9]", "", text)
    international = text.startswith("+") or digits.startswith("00")
    if international:
        national = digits[2:] if digits.startswith("00") else digits
        if national.startswith("31"):
            rest = national[2:]
            if rest.startswith(tuple(p[1:] for p in _NL_SERVICE_PREFIXES)):
                ok = 7 <= len(rest) <= 10
            else:
                ok = len(rest) == 9
            if not ok:
                raise InvalidValue(
                    _(
                        "{label}: na +31 horen 9 cijfers, bijvoorbeeld +31 6 12345678. "
                        "Er staan er nu {count}."
                    ).format(label=_(label), count=len(rest))
                )
        elif not 8 <= len(national) <= 15:
            raise InvalidValue(
                _(
                    "{label}: een buitenlands nummer heeft 8 tot 15 cijfers. "
                    "Er staan er nu {count}."
                ).format(label=_(label), count=len(national))
            )
        return text
    if digits.startswith("14"):
        if not 5 <= len(digits) <= 7:
            raise InvalidValue(
                _(
                    "{label}: een 14-nummer van een gemeente heeft 5 tot 7 cijfers, "
                    "bijvoorbeeld 14 020."
                ).format(label=_(label))
            )
        return text
    if digits.startswith(_NL_SERVICE_PREFIXES):
        if not 8 <= len(digits) <= 11:
            raise InvalidValue(
                _(
                    "{label}: een 0800- of 0900-nummer heeft 8 tot 11 cijfers. "
                    "Er staan er nu {count}."
                ).format(label=_(label), count=len(digits))
            )
        return text
    if not digits.startswith("0") or len(digits) != 10:
        raise InvalidValue(
            _(
                "{label}: een Nederlands nummer begint met 0 en heeft 10 cijfers, "
                "bijvoorbeeld 06 12345678. Er staan er nu {count}."
            ).format(label=_(label), count=len(digits))
        )
    return text


_EMAIL = re.compile(r"[^\s@]+@([^\s@.]+\.)+[^\s@.]+")


def check_email(value: object, label: str = "E-mail") -> str:
    """A simple, sane e-mail check: ``naam@domein.tld``; the domain goes to lower case."""
    text = text_of(value, label)
    if len(text) > 254 or not _EMAIL.fullmatch(text) or ".." in text:
        raise InvalidValue(_email_message(label))
    local, domain = text.rsplit("@", 1)
    if local.startswith(".") or local.endswith("."):
        raise InvalidValue(_email_message(label))
    return f"{local}@{domain.lower()}"


def _email_message(label: str) -> str:
    return _("{label} klopt niet. Een e-mailadres ziet er zo uit: naam@voorbeeld.nl.").format(
        label=_(label)
    )
