"""Appointment letters: bilingual A4 PDFs with pictograms and an iCalendar QR code.

Core code: never imports Qt. Public API::

    letter_pdf(cb, appointment_id, *, lang=None) -> bytes
    day_letters_pdf(cb, day, *, progress=None) -> bytes
    prepare_letter(cb, appointment_id, *, lang=None) -> Prepared (pdf, notices, lang)
    prepare_day_letters(cb, day, *, progress=None) -> Prepared
    appointment_ics_for(cb, appointment_id) -> str
    render_letter(data: LetterData) -> bytes
    render_letters(list[LetterData], *, progress=None) -> bytes
    letter_languages(gemeente=None) -> list[(code, name in its own language, reviewed)]
    prepare_late_offer(cb, person_id, *, lang=None, on=None) -> Prepared
    render_late_offer(data: LateOfferData) -> bytes

The late-offer statement (:mod:`klantapp.letters.late_offer`) is the gemeente's
declaration that its offer started late, for the client's DUO extension request.

A letter that could not arrive or be answered (no full postal address, no sender) is
refused with :class:`LetterNotPrintable`, naming what is missing. PDFs are built in
memory; nothing is written to disk unless the caller saves it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from klantapp.letters.checks import (
    LetterNotPrintable,
    check_letters,
    is_past,
    letter_notices,
    review_notices,
)
from klantapp.letters.from_casebook import (
    day_appointment_ids,
    gemeente_settings,
    late_offer_data,
    letter_data,
    letters_data,
)
from klantapp.letters.ical import appointment_ics
from klantapp.letters.late_offer import render_late_offer
from klantapp.letters.model import Appointment, Gemeente, LateOfferData, LetterData, Recipient
from klantapp.letters.render import render_letter, render_letters
from klantapp.letters.review import catalog_reviewed, letter_languages, review_of
from klantapp.letters.texts import KIND_TITLES

__all__ = [
    "Appointment",
    "Gemeente",
    "LateOfferData",
    "LetterData",
    "LetterNotPrintable",
    "Prepared",
    "Recipient",
    "appointment_ics_for",
    "catalog_reviewed",
    "check_letters",
    "day_letters_pdf",
    "is_past",
    "late_offer_data",
    "letter_data",
    "letter_languages",
    "letter_notices",
    "letter_pdf",
    "prepare_day_letters",
    "prepare_late_offer",
    "prepare_letter",
    "render_late_offer",
    "render_letter",
    "render_letters",
    "review_of",
]


@dataclass(frozen=True)
class Prepared:
    """A rendered letter (or a day's letters) with what to tell the user first."""

    pdf: bytes
    notices: tuple[str, ...]  # past appointment, unreviewed translation, ...
    languages: tuple[str, ...]  # the letter languages in it
    count: int  # number of letters


def letter_pdf(cb: Any, appointment_id: str, *, lang: str | None = None) -> bytes:
    """The letter for one appointment as PDF bytes (in memory)."""
    return render_letter(letter_data(cb, appointment_id, lang))


def prepare_letter(
    cb: Any, appointment_id: str, *, lang: str | None = None, now: datetime | None = None
) -> Prepared:
    """The letter for one appointment and its notices (e.g. the appointment is past)."""
    data = letter_data(cb, appointment_id, lang)
    pdf = render_letter(data)
    notices = letter_notices(data, now=now, gemeente=gemeente_settings(cb))
    return Prepared(pdf, tuple(notices), (data.lang,), 1)


def prepare_late_offer(
    cb: Any, person_id: str, *, lang: str | None = None, on: date | None = None
) -> Prepared:
    """The late-offer statement for one person, with its notices (an unreviewed
    translation). Refused when the offer was not late, or the letter could not arrive."""
    data = late_offer_data(cb, person_id, lang, on=on)
    pdf = render_late_offer(data)
    return Prepared(pdf, tuple(review_notices(data, gemeente_settings(cb))), (data.lang,), 1)


def prepare_day_letters(
    cb: Any,
    day: date,
    *,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> Prepared:
    """All letters for the planned appointments of ``day`` in one PDF, with notices."""
    letters = letters_data(cb, day_appointment_ids(cb, day))
    check_letters(letters, named=True)
    pdf = render_letters(letters, progress=progress)
    settings = gemeente_settings(cb)
    notices: list[str] = []
    for data in letters:
        for notice in letter_notices(data, now=now, gemeente=settings):
            if notice not in notices:
                notices.append(notice)
    langs = tuple(sorted({d.lang for d in letters}))
    return Prepared(pdf, tuple(notices), langs, len(letters))


def day_letters_pdf(
    cb: Any, day: date, *, progress: Callable[[int, int], None] | None = None
) -> bytes:
    """All letters for the planned appointments of ``day`` in one PDF. *Slow*.

    ``progress(done, total)`` is called after each letter, from the calling thread.
    """
    return prepare_day_letters(cb, day, progress=progress).pdf


def appointment_ics_for(cb: Any, appointment_id: str, *, now: datetime | None = None) -> str:
    """The appointment as an iCalendar file (text with CRLF line ends), for the
    klantmanager's own calendar (e.g. Outlook).

    It names the client by initials and household number only: a calendar is shared
    and synced in ways a casebook is not. UID is the appointment's id and SEQUENCE the
    number of times it was moved, so importing it again updates the event.
    """
    data = letter_data(cb, appointment_id, "nl")
    title = KIND_TITLES.get(data.appointment.kind, "Afspraak")
    rec = data.recipient
    who = " ".join(p for p in (rec.initials, f"({rec.household_number})") if p)
    return appointment_ics(
        data,
        summary=f"{title}: {who}",
        description=f"Kenmerk {data.reference}",
        now=now or datetime.now(UTC),
    )
