"""Text and names: one line or many, in any script, kept exactly as typed.

Surrounding whitespace is removed; nothing else changes. Names in any script are kept
as typed: no Unicode normalisation, no case changes, zero-width joiners and non-joiners
stay. Control characters and lone surrogates are refused; a single-line field refuses
line breaks.
"""

from __future__ import annotations

import re
import unicodedata

from klantapp.domain.validate.base import InvalidValue, is_blank, text_of
from klantapp.i18n import _

# Every character bad_characters may object to (C0/C1 controls, line and paragraph
# separators, surrogates): texts without any, nearly all of them, are passed at once.
_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def bad_characters(text: str, label: str, *, multiline: bool) -> None:
    """Refuse control characters and lone surrogates; keep every other character."""
    for match in _SUSPECT.finditer(text):
        ch = match.group()
        if multiline and ch in "\n\r\t":
            continue
        if not multiline and ch in "\n\r\u2028\u2029":
            raise InvalidValue(_("{label} moet op één regel passen.").format(label=_(label)))
        category = unicodedata.category(ch)
        if category == "Cc":
            raise InvalidValue(
                _(
                    "{label} bevat een verborgen teken (zoals een tab) dat hier niet mag. "
                    "Typ de tekst opnieuw."
                ).format(label=_(label))
            )
        if category == "Cs":
            raise InvalidValue(
                _("{label} bevat een ongeldig teken. Typ de tekst opnieuw.").format(label=_(label))
            )


def check_required(value: object, label: str) -> None:
    """Raise when nothing is filled in (``None``, empty or only spaces)."""
    if is_blank(value) or (isinstance(value, list | dict) and not value):
        raise InvalidValue(_("{label} is verplicht. Vul dit in.").format(label=_(label)))


def check_max_length(text: str, label: str, max_length: int | None) -> str:
    if max_length is not None and len(text) > max_length:
        raise InvalidValue(
            _(
                "{label} is te lang: hoogstens {maximum} tekens, nu {length}. Maak het korter."
            ).format(label=_(label), maximum=max_length, length=len(text))
        )
    return text


def check_text(value: object, label: str, max_length: int | None = None) -> str:
    """One line of text in any script: trimmed at both ends, otherwise kept as typed."""
    text = text_of(value, label)
    bad_characters(text, label, multiline=False)
    return check_max_length(text, label, max_length)
