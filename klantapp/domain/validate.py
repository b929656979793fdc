"""Checks on what a klantmanager types, driven by the field definitions in ``records``.

Two layers:

* **Primitive checks** (``check_bsn``, ``check_postcode``, ``check_date``, ...). Each
  takes a raw value and the field's Dutch label, and returns the *normalised* value or
  raises :class:`InvalidValue` whose message is a short Dutch sentence that names the
  field. The desktop client may call them for live feedback on one field.
* :func:`validate_record` checks a whole record (or, with ``partial=True``, an update)
  against :data:`klantapp.domain.records.RECORD_KINDS` and returns the normalised values
  plus every :class:`~klantapp.errors.Problem` it found. It never raises for bad input.

Normalisation, so that the same thing is always stored the same way:

* single-line text (``text``): surrounding whitespace is removed; nothing else changes.
  Names in any script are kept exactly as typed: no Unicode normalisation, no case
  changes, zero-width joiners and non-joiners stay. Empty text becomes ``None``.
* BSN and V-nummer: spaces, dots and dashes as people type them are dropped, leaving
  only the digits; an 8-digit BSN gets a leading zero.
* postcode: ``"1234ab"`` and ``" 1234  ab"`` become ``"1234 AB"``.
* dates: ``datetime.date`` objects become ``"YYYY-MM-DD"``; datetimes become
  ``"YYYY-MM-DDTHH:MM"`` (a space instead of the ``T`` is accepted).
* numbers typed as text (``"12"``) become ``int``; ``"ja"``/``"nee"`` become ``bool``.
* phone: surrounding whitespace removed and runs of spaces collapsed to one.
* e-mail: surrounding whitespace removed, the part after ``@`` in lower case.

Pure Python: no I/O, no Qt, no SQL. The only outside input is "today" (for birth dates
in the future), which callers and tests may pass in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from klantapp.domain import examens, handhavingsprocedure, trajectmodules
from klantapp.domain.plicht import doelgroep_of
from klantapp.domain.records import ITEM_LABELS, Field, RecordKind
from klantapp.domain.records import kind as record_kind
from klantapp.errors import Problem
from klantapp.i18n import _

__all__ = [
    "EARLIEST_YEAR",
    "LATEST_YEAR",
    "InvalidValue",
    "check_bool",
    "check_bsn",
    "check_choice",
    "check_date",
    "check_datetime",
    "check_email",
    "check_int",
    "check_max_length",
    "check_partial_date",
    "check_phone",
    "check_postcode",
    "check_required",
    "check_score",
    "check_text",
    "check_vnummer",
    "elfproef",
    "is_blank",
    "partial_date_bounds",
    "read_date",
    "validate_record",
    "validate_values",
]

# Dates outside these years are almost certainly typing errors (0202, 20224).
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


class InvalidValue(ValueError):
    """A value that cannot be accepted; ``message`` is a Dutch sentence naming the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- small helpers ------------------------------------------------------------------


def is_blank(value: object) -> bool:
    """True for "nothing filled in": ``None`` or a string of only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def _text_of(value: object, label: str) -> str:
    if not isinstance(value, str):
        raise InvalidValue(_("{label}: hier hoort tekst te staan.").format(label=_(label)))
    return value.strip()


# Every character _bad_characters may object to (C0/C1 controls, line and paragraph
# separators, surrogates): texts without any, nearly all of them, are passed at once.
_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _bad_characters(text: str, label: str, *, multiline: bool) -> None:
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


def _digits_only(value: object, label: str, what: str) -> str:
    """Digits of a number as people type it: spaces, dots and dashes are dropped."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise InvalidValue(_("{label} mag alleen cijfers bevatten.").format(label=_(label)))
        return str(value)
    text = _text_of(value, label)
    digits = re.sub(r"[\s.\-]", "", text)
    if digits and (not digits.isascii() or not digits.isdigit()):
        raise InvalidValue(
            _(
                "{label} mag alleen cijfers bevatten; spaties, punten en streepjes mogen ook. "
                "Een {what} heeft geen letters."
            ).format(label=_(label), what=_(what))
        )
    return digits


# --- primitive checks ---------------------------------------------------------------


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
    text = _text_of(value, label)
    _bad_characters(text, label, multiline=False)
    return check_max_length(text, label, max_length)


def elfproef(digits: str) -> bool:
    """The BSN elfproef on exactly 9 ASCII digits: weights 9..2 and -1, sum divisible by 11.

    ``000000000`` passes the arithmetic but is no BSN, so it fails here.
    """
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit():
        return False
    if digits == "000000000":
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    total = sum(w * int(d) for w, d in zip(weights, digits, strict=True))
    return total % 11 == 0


def check_bsn(value: object, label: str = "BSN") -> str:
    """A Burgerservicenummer as 9 digits; 8 digits get a leading zero (as in old records)."""
    digits = _digits_only(value, label, "BSN")
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9:
        raise InvalidValue(
            _(
                "Dit {label} heeft {count} cijfers, maar een BSN heeft er 9. Controleer de cijfers."
            ).format(label=_(label), count=len(digits))
        )
    if digits == "000000000":
        raise InvalidValue(
            _("Dit {label} bestaat niet: alleen nullen. Controleer de cijfers.").format(
                label=_(label)
            )
        )
    if not elfproef(digits):
        raise InvalidValue(
            _("Dit {label} klopt niet: de elfproef faalt. Controleer de cijfers.").format(
                label=_(label)
            )
        )
    return digits


def check_vnummer(value: object, label: str = "V-nummer") -> str:
    """A V-nummer as its 10 digits; spaces, dots and dashes as typed are dropped."""
    digits = _digits_only(value, label, "V-nummer")
    if len(digits) != 10:
        raise InvalidValue(
            _(
                "Dit {label} heeft {count} cijfers, maar een V-nummer heeft er 10. "
                "Controleer de cijfers."
            ).format(label=_(label), count=len(digits))
        )
    return digits


_POSTCODE = re.compile(r"([0-9]{4})\s*([A-Za-z]{2})")


def check_postcode(value: object, label: str = "Postcode") -> str:
    """A Dutch postcode, normalised to ``"1234 AB"``."""
    text = _text_of(value, label)
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
    text = _text_of(value, label)
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
    text = _text_of(value, label)
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


def _year_ok(year: int, label: str) -> None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise InvalidValue(
            _(
                "{label}: dit jaartal klopt vast niet (het ligt tussen {earliest} en {latest}). "
                "Controleer het jaartal."
            ).format(label=_(label), earliest=EARLIEST_YEAR, latest=LATEST_YEAR)
        )


def _real_date(year: int, month: int, day: int, label: str) -> date:
    _year_ok(year, label)
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidValue(
            _("{label}: deze datum bestaat niet in de kalender. Controleer dag en maand.").format(
                label=_(label)
            )
        ) from None


def _future_message(label: str) -> str:
    return _("{label} ligt in de toekomst. Controleer de datum.").format(label=_(label))


_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def check_date(value: object, label: str = "Datum", *, not_after: date | None = None) -> str:
    """A real calendar date as ``"YYYY-MM-DD"`` (``date`` objects are accepted)."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        parsed = _real_date(value.year, value.month, value.day, label)
    else:
        text = _text_of(value, label)
        match = _DATE.fullmatch(text)
        if match is None:
            raise InvalidValue(
                _("{label}: schrijf de datum als JJJJ-MM-DD, bijvoorbeeld 2026-03-31.").format(
                    label=_(label)
                )
            )
        year, month, day = (int(g) for g in match.groups())
        parsed = _real_date(year, month, day, label)
    if not_after is not None and parsed > not_after:
        raise InvalidValue(_future_message(label))
    return parsed.isoformat()


_PARTIAL_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def partial_date_bounds(text: str, label: str = "Datum") -> tuple[date, date]:
    """Earliest and latest real date a partial date ``YYYY``/``YYYY-MM``/``YYYY-MM-DD`` can mean.

    Raises :class:`InvalidValue` for anything else.
    """
    match = _PARTIAL_DATE.fullmatch(text.strip())
    if match is None:
        raise InvalidValue(
            _(
                "{label}: schrijf JJJJ, JJJJ-MM of JJJJ-MM-DD, bijvoorbeeld 1990, 1990-05 "
                "of 1990-05-17."
            ).format(label=_(label))
        )
    year = int(match.group(1))
    if match.group(2) is None:
        _year_ok(year, label)
        return date(year, 1, 1), date(year, 12, 31)
    month = int(match.group(2))
    if match.group(3) is None:
        first = _real_date(year, month, 1, label) if 1 <= month <= 12 else None
        if first is None:
            raise InvalidValue(
                _("{label}: deze maand bestaat niet. Controleer de maand.").format(label=_(label))
            )
        nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return first, date.fromordinal(nxt.toordinal() - 1)
    exact = _real_date(year, month, int(match.group(3)), label)
    return exact, exact


def check_partial_date(
    value: object, label: str = "Datum", *, not_after: date | None = None
) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``: for birth dates that are partly unknown.
    The BRP/COA way of writing an unknown day or month as 00 (``1984-03-00``,
    ``1984-00-00``) is accepted and stored as ``1984-03`` and ``1984``.

    With ``not_after`` (today, for a birth date) the earliest date the value can mean
    must not lie after it: ``"2026"`` is fine all through 2026, ``"2026-12"`` is not
    in November 2026.
    """
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        value = value.isoformat()
    text = _text_of(value, label)
    if re.fullmatch(r"[0-9]{4}-00-00", text):
        text = text[:4]
    elif re.fullmatch(r"[0-9]{4}-[0-9]{2}-00", text):
        text = text[:7]
    earliest, _latest = partial_date_bounds(text, label)
    if not_after is not None and earliest > not_after:
        raise InvalidValue(_future_message(label))
    return text


_TYPED_DMY = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4}|[0-9]{2})")
_TYPED_MY = re.compile(r"([0-9]{1,2})[-/.]([0-9]{4})")
_TYPED_YMD = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_TYPED_YM = re.compile(r"([0-9]{4})-([0-9]{1,2})")


def read_date(text: str, label: str = "Datum", *, partial: bool = False) -> str | None:
    """A date as a person types it, day first, into ``"YYYY-MM-DD"`` (``None`` for
    nothing typed). Accepted: ``31-03-2026``, ``31/3/2026``, ``31.03.2026`` and
    ``2026-03-31``. A two-digit year (``31-03-26``) only for ordinary dates, where it
    can only mean 20YY; a birth date spans a century, so there it must have four
    digits. With ``partial`` (birth dates) an unknown day or month may be written as 00,
    as the BRP and the COA do (``00-03-1984``, ``00-00-1984``), or left out (``03-1984``,
    ``1984``); the result is then ``"YYYY-MM"`` or ``"YYYY"``. Raises
    :class:`InvalidValue` naming the field and the accepted forms."""
    text = text.strip()
    if not text:
        return None
    if m := _TYPED_DMY.fullmatch(text):
        day, month, year_text = int(m.group(1)), int(m.group(2)), m.group(3)
        if len(year_text) == 2:
            if partial:
                raise InvalidValue(
                    _(
                        "{label}: schrijf het jaar met vier cijfers (bij {year} is niet "
                        "zeker welke eeuw bedoeld is)."
                    ).format(label=_(label), year=year_text)
                )
            year = 2000 + int(year_text)
        else:
            year = int(year_text)
    elif m := _TYPED_YMD.fullmatch(text):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif partial and (m := _TYPED_MY.fullmatch(text)):
        year, month, day = int(m.group(2)), int(m.group(1)), 0
    elif partial and (m := _TYPED_YM.fullmatch(text)):
        year, month, day = int(m.group(1)), int(m.group(2)), 0
    elif partial and re.fullmatch(r"[0-9]{4}", text):
        year, month, day = int(text), 0, 0
    else:
        raise InvalidValue(_date_forms_message(label, partial))
    if partial and day == 0:
        if month == 0:
            return check_partial_date(f"{year:04d}", label)
        if not 1 <= month <= 12:
            raise InvalidValue(
                _("{label}: deze maand bestaat niet. Controleer de maand.").format(label=_(label))
            )
        return check_partial_date(f"{year:04d}-{month:02d}", label)
    if day == 0 or month == 0:
        raise InvalidValue(_date_forms_message(label, partial))
    return _real_date(year, month, day, label).isoformat()


def _date_forms_message(label: str, partial: bool) -> str:
    if partial:
        return _(
            "{label}: schrijf DD-MM-JJJJ; een onbekende dag of maand als 00, bijvoorbeeld "
            "00-03-1984 of 00-00-1984."
        ).format(label=_(label))
    return _("{label}: schrijf de datum als DD-MM-JJJJ, bijvoorbeeld 31-03-2026.").format(
        label=_(label)
    )


_DATETIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})")


def check_datetime(value: object, label: str = "Datum en tijd") -> str:
    """Date and time as ``"YYYY-MM-DDTHH:MM"`` (local time); a space for the T is accepted."""
    if isinstance(value, datetime):
        _year_ok(value.year, label)
        return value.strftime("%Y-%m-%dT%H:%M")
    text = _text_of(value, label)
    match = _DATETIME.fullmatch(text)
    if match is None:
        raise InvalidValue(
            _(
                "{label}: schrijf datum en tijd als JJJJ-MM-DD UU:MM, bijvoorbeeld "
                "2026-03-31 14:30."
            ).format(label=_(label))
        )
    year, month, day, hour, minute = (int(g) for g in match.groups())
    day_ = _real_date(year, month, day, label)
    if hour > 23 or minute > 59:
        raise InvalidValue(
            _("{label}: deze tijd bestaat niet. Controleer de tijd.").format(label=_(label))
        )
    return f"{day_.isoformat()}T{hour:02d}:{minute:02d}"


def check_int(
    value: object,
    label: str,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """A whole number (``12``, ``"12"`` or ``12.0``) between ``minimum`` and ``maximum``."""
    number: int
    if isinstance(value, bool):
        raise InvalidValue(_("{label}: vul een heel getal in.").format(label=_(label)))
    if isinstance(value, int):
        number = value
    elif (isinstance(value, float) and value.is_integer()) or (
        isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]+\s*", value)
    ):
        number = int(value)
    else:
        raise InvalidValue(
            _("{label}: vul een heel getal in, zonder letters of komma.").format(label=_(label))
        )
    too_low = minimum is not None and number < minimum
    too_high = maximum is not None and number > maximum
    if too_low or too_high:
        if minimum is not None and maximum is not None:
            raise InvalidValue(
                _("{label}: vul een getal in van {minimum} tot en met {maximum}.").format(
                    label=_(label), minimum=minimum, maximum=maximum
                )
            )
        if too_low:
            raise InvalidValue(
                _("{label}: het getal mag niet kleiner zijn dan {minimum}.").format(
                    label=_(label), minimum=minimum
                )
            )
        raise InvalidValue(
            _("{label}: het getal mag niet groter zijn dan {maximum}.").format(
                label=_(label), maximum=maximum
            )
        )
    return number


def check_score(value: object, label: str = "Score") -> int:
    """A ZRM score: a whole number 1 (acuut) to 5 (volledig zelfredzaam)."""
    try:
        return check_int(value, label, 1, 5)
    except InvalidValue:
        raise InvalidValue(
            _("{label}: kies een score van 1 tot en met 5.").format(label=_(label))
        ) from None


_TRUE = {"ja", "j", "true", "waar", "1", "yes"}
_FALSE = {"nee", "n", "false", "onwaar", "0", "no"}


def check_bool(value: object, label: str) -> bool:
    """Yes or no: ``True``/``False``, ``1``/``0`` or ``"ja"``/``"nee"``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise InvalidValue(_("{label}: kies ja of nee.").format(label=_(label)))


def check_choice(value: object, label: str, choices: tuple[tuple[str, str], ...]) -> str:
    """One of the choice values. A different case (``"b1"`` for ``"B1"``) is corrected."""
    if not isinstance(value, str):
        raise InvalidValue(_choice_message(label, choices))
    if any(value == v for v, _name in choices):
        return value
    text = value.strip()
    for v, _name in choices:
        if v == text:
            return v
    matches = [v for v, _name in choices if v.casefold() == text.casefold()]
    if len(matches) == 1:
        return matches[0]
    raise InvalidValue(_choice_message(label, choices))


def _choice_message(label: str, choices: tuple[tuple[str, str], ...]) -> str:
    names = [_(name) for value, name in choices if value]
    if len(names) <= 8:
        return _("{label}: kies een van deze mogelijkheden: {choices}.").format(
            label=_(label), choices=", ".join(names)
        )
    return _("{label}: kies een waarde uit de lijst.").format(label=_(label))


# --- record validation --------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    today: date


def _check_longtext(value: object, field: Field) -> str | None:
    if not isinstance(value, str):
        raise InvalidValue(_("{label}: hier hoort tekst te staan.").format(label=_(field.label)))
    if not value.strip():
        return None
    _bad_characters(value, field.label, multiline=True)
    return check_max_length(value, field.label, field.max_length)


def _textlist_message(field: Field) -> str:
    return _("{label}: verwacht een lijst met teksten.").format(label=_(field.label))


def _check_textlist(value: object, field: Field) -> list[str]:
    if not isinstance(value, list | tuple):
        raise InvalidValue(_textlist_message(field))
    out: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise InvalidValue(_textlist_message(field))
        if item.strip():
            out.append(check_text(item, field.label, field.max_length))
    return out


def _check_multichoice(value: object, field: Field) -> list[str]:
    if not isinstance(value, list | tuple):
        raise InvalidValue(
            _("{label}: verwacht een lijst met keuzes.").format(label=_(field.label))
        )
    out: list[str] = []
    for item in value:
        chosen = check_choice(item, field.label, field.choices)
        if chosen not in out:
            out.append(chosen)
    return out


def _check_json_object(obj: object, field: Field, entry: int | None = None) -> dict[str, object]:
    label = _(field.label) if entry is None else f"{_(field.label)} {entry}"
    if not isinstance(obj, dict):
        raise InvalidValue(_("{label}: de gegevens hebben niet de goede vorm.").format(label=label))
    items = field.items or {}
    out: dict[str, object] = {}
    for key, sub in obj.items():
        if not isinstance(key, str) or (items and key not in items):
            raise InvalidValue(
                _("{label}: onbekend onderdeel '{part}'.").format(label=label, part=key)
            )
        sub_kind = items.get(key, "json")
        part_label = f"{label} ({_(ITEM_LABELS.get(key, key))})"
        if sub is None or (isinstance(sub, str) and not sub.strip()):
            out[key] = None
        elif sub_kind == "text":
            # Parts of a profile (education, work, ...) may run over several lines.
            if not isinstance(sub, str):
                raise InvalidValue(
                    _("{label}: hier hoort tekst te staan.").format(label=part_label)
                )
            _bad_characters(sub, part_label, multiline=True)
            out[key] = sub.strip()
        elif sub_kind == "int":
            out[key] = check_int(sub, part_label, minimum=0)
        else:
            out[key] = sub
    return out


def _check_json(value: object, field: Field) -> object:
    """One object, or for a repeated field (Werkervaring) a list of them; one object
    given for a repeated field is its only entry. Entries are numbered in messages."""
    if field.repeated:
        entries = [value] if isinstance(value, dict) else value
        if not isinstance(entries, list | tuple):
            raise InvalidValue(
                _("{label}: de gegevens hebben niet de goede vorm.").format(label=_(field.label))
            )
        checked = [_check_json_object(item, field, i) for i, item in enumerate(entries, 1)]
        return [entry for entry in checked if any(v is not None for v in entry.values())]
    return _check_json_object(value, field)


def _ref_message(field: Field) -> str:
    return _("{label}: de verwijzing ontbreekt of klopt niet.").format(label=_(field.label))


def _check_ref(value: object, field: Field) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 100:
        raise InvalidValue(_ref_message(field))
    text = value.strip()
    if any(ch.isspace() for ch in text):
        raise InvalidValue(_ref_message(field))
    return text


def _check_field(field: Field, value: object, ctx: _Context) -> object:
    """Check and normalise one non-blank value of ``field``."""
    k = field.kind
    label = field.label
    if k == "text":
        return check_text(value, label, field.max_length)
    if k == "longtext":
        return _check_longtext(value, field)
    if k == "date":
        return check_date(value, label)
    if k == "partial_date":
        return check_partial_date(value, label, not_after=ctx.today)
    if k == "datetime":
        return check_datetime(value, label)
    if k == "int":
        return check_int(value, label, field.minimum, field.maximum)
    if k == "bool":
        return check_bool(value, label)
    if k in ("choice", "language"):
        if field.choices:
            return check_choice(value, label, field.choices)
        return check_text(value, label, field.max_length)
    if k == "multichoice":
        return _check_multichoice(value, field)
    if k == "textlist":
        return _check_textlist(value, field)
    if k == "json":
        return _check_json(value, field)
    if k == "ref":
        return _check_ref(value, field)
    if k == "bsn":
        return check_bsn(value, label)
    if k == "vnummer":
        return check_vnummer(value, label)
    if k == "postcode":
        return check_postcode(value, label)
    if k == "phone":
        return check_phone(value, label)
    if k == "email":
        return check_email(value, label)
    if k == "score":
        return check_score(value, label)
    raise AssertionError(f"no check for field kind {k!r}")  # pragma: no cover


def _is_empty(field: Field, value: object) -> bool:
    """Nothing filled in. For a choice with an explicit empty option ("Geen tolk"), ``""``
    is a real answer, not an empty field."""
    if value is None:
        return True
    if isinstance(value, str) and not value.strip():
        return not (field.kind in ("choice", "language") and value == "" and _has_empty(field))
    return False


def _has_empty(field: Field) -> bool:
    return any(v == "" for v, _name in field.choices)


# A cross-field rule: (fields it reads, check). The check gets the merged record and
# returns (field name, message) for each problem.
_Rule = tuple[tuple[str, ...], Callable[[Mapping[str, object], RecordKind], list[tuple[str, str]]]]


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


_RULES: dict[str, tuple[_Rule, ...]] = {
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
    "handhaving": ((("amount_eur", "kind"), _rule_amount_only_boete),),
}
# The rules of a topic module sit beside its deadlines (caps and procedure of a boete,
# PVT and MAP, exam attempts).
for _topic in (handhavingsprocedure, trajectmodules, examens):
    for _kind, _topic_rules in _topic.VALIDATION_RULES.items():
        _RULES[_kind] = (*_RULES.get(_kind, ()), *_topic_rules)


def _required(field: Field) -> str:
    return _("{label} is verplicht. Vul dit in.").format(label=_(field.label))


def validate_record(
    kind_name: str,
    values: Mapping[str, object],
    *,
    partial: bool = False,
    where: str = "",
    current: Mapping[str, object] | None = None,
    today: date | None = None,
) -> tuple[dict[str, object], list[Problem]]:
    """Check ``values`` for a record of kind ``kind_name``; return (normalised, problems).

    * ``partial=False`` (a new record): every required field must be filled in.
    * ``partial=True`` (an update): only the fields given are checked; a required field
      that is given must not be empty.
    * ``current``: the stored record an update applies to. Cross-field rules (a tolk
      needs a language, an invitation number only on a brede intake, a vastgesteld PIP
      needs its dagtekening, an amount only on a boete, ...) look at the stored values
      merged with the update. For an update without ``current``, a rule runs only when
      the update holds every field it reads.
    * ``today``: for "birth date not in the future"; defaults to ``date.today()``.

    The normalised dict has exactly the keys of ``values``; blank values become ``None``
    and a value with a problem is returned unchanged. ``id`` is accepted as a key (every
    record has one); any other name not in the record kind is a problem. Each problem's
    ``record`` is ``where`` and its ``field`` the field name. Raises ``KeyError`` only for
    an unknown ``kind_name`` (a programming error, not bad input).
    """
    return validate_values(
        record_kind(kind_name),
        values,
        partial=partial,
        where=where,
        current=current,
        today=today,
    )


def validate_values(
    kind: RecordKind,
    values: Mapping[str, object],
    *,
    partial: bool = False,
    where: str = "",
    current: Mapping[str, object] | None = None,
    today: date | None = None,
) -> tuple[dict[str, object], list[Problem]]:
    """:func:`validate_record` for any set of fields described like a record kind
    (the settings in :mod:`klantapp.domain.settings` are)."""
    ctx = _Context(today=today or date.today())
    fields = {f.name: f for f in kind.fields}
    out: dict[str, object] = {}
    problems: list[Problem] = []
    bad: set[str] = set()

    def problem(name: str, message: str) -> None:
        problems.append(Problem(record=where, field=name, message=message))
        bad.add(name)

    for name, value in values.items():
        if name == "id":
            if not isinstance(value, str) or not value.strip():
                problem("id", _("Het nummer (id) van dit record ontbreekt of klopt niet."))
                out[name] = value
            else:
                out[name] = value.strip()
            continue
        field = fields.get(name)
        if field is None:
            problem(
                name,
                _(
                    "Het veld '{field}' bestaat niet bij {record}. Het kan niet worden opgeslagen."
                ).format(field=name, record=_(kind.label)),
            )
            out[name] = value
            continue
        if _is_empty(field, value):
            out[name] = None
            if field.required:
                problem(name, _required(field))
            continue
        try:
            normalised = _check_field(field, value, ctx)
        except InvalidValue as err:
            problem(name, err.message)
            out[name] = value
            continue
        if normalised is None and field.required:
            problem(name, _required(field))
        out[name] = normalised

    if not partial:
        for field in kind.fields:
            if field.required and field.name not in values:
                problem(field.name, _required(field))

    merged: dict[str, object] = dict(current or {})
    merged.update(out)
    for reads, rule in _RULES.get(kind.name, ()):
        if bad.intersection(reads):
            continue  # the field itself is already wrong; say that first
        if partial and current is None and not all(r in values for r in reads):
            continue
        for name, message in rule(merged, kind):
            problem(name, message)
    return out, problems
