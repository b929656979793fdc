"""Dates as the rules count them and as people read them.

Calendar months (:func:`add_months`), last days of periods (:func:`last_day`),
partly known birth dates (:func:`latest_birth_date`), reading dates from record values
(:func:`record_date`) and writing them in plain words (:func:`long_date`).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from babel.core import UnknownLocaleError
from babel.dates import format_date

from klantapp.i18n import SOURCE_LANGUAGE, current_language

__all__ = ["add_months", "last_day", "latest_birth_date", "long_date", "record_date"]

_MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@lru_cache(maxsize=65536)  # pure; the monitor asks it for every person's AOW date
def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months; a day that does not exist in the target
    month becomes that month's last day (31 January + 1 month = 28/29 February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def last_day(start: date, months: int) -> date:
    """The last day of a period of ``months`` calendar months that begins on ``start``
    (Algemene termijnenwet counting: 1 March + 18 months runs through 31 August a year
    later)."""
    return add_months(start, months) - timedelta(days=1)


def record_date(value: object) -> date | None:
    """A date from a record value: ``date``, ``datetime`` or ISO text; else ``None``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return _text_date(value)
    return None


@lru_cache(maxsize=65536)  # pure; the deadline rules read the same dates over and over
def _text_date(value: str) -> date | None:
    if _ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def latest_birth_date(birth_date: object) -> date | None:
    """The latest day a (partial) birth date can mean: "1990" -> 1990-12-31,
    "1992-02" -> 1992-02-29, "1990-05-17" -> itself. ``None`` when unknown or unreadable."""
    if isinstance(birth_date, date):
        return record_date(birth_date)
    if not isinstance(birth_date, str):
        return None
    return _latest_birth_date(birth_date)


@lru_cache(maxsize=65536)  # pure: the same birth dates are read for every rule
def _latest_birth_date(birth_date: str) -> date | None:
    text = birth_date.strip()
    try:
        if re.fullmatch(r"[0-9]{4}", text):
            return date(int(text), 12, 31)
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):
            year, month = int(text[:4]), int(text[5:])
            return date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        return None
    return record_date(text) if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) else None


def long_date(day: date) -> str:
    """A date in plain words in the current language: 3 maart 2026, 3 March 2026."""
    lang = current_language()
    if lang != SOURCE_LANGUAGE:
        # English for a Dutch gemeente: day before month, as in British usage.
        locale = "en_GB" if lang == "en" else lang.replace("-", "_")
        try:
            return format_date(day, format="long", locale=locale)
        except (UnknownLocaleError, ValueError):
            pass
    return f"{day.day} {_MONTHS_NL[day.month - 1]} {day.year}"
