"""Dates: calendar dates, partly known birth dates, dates and times, and dates as typed.

``datetime.date`` objects become ``"YYYY-MM-DD"``; datetimes ``"YYYY-MM-DDTHH:MM"`` (a
space instead of the ``T`` is accepted). A birth date may be partly unknown
(``YYYY``/``YYYY-MM``). Years outside 1900-2100 are refused as typing errors.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from klantapp.domain.validate.base import InvalidValue, text_of
from klantapp.i18n import _

# Dates outside these years are almost certainly typing errors (0202, 20224).
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


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
        text = text_of(value, label)
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
    text = text_of(value, label)
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
    text = text_of(value, label)
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
