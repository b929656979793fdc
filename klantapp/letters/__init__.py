"""Appointment letters: bilingual A4 PDFs with pictograms and an iCalendar QR code.

Core code: never imports Qt. Public API::

    letter_pdf(cb, appointment_id, *, lang=None) -> bytes
    day_letters_pdf(cb, day, *, progress=None) -> bytes
    appointment_ics_for(cb, appointment_id) -> str
    render_letter(data: LetterData) -> bytes
    render_letters(list[LetterData], *, progress=None) -> bytes
    letter_languages() -> list[(code, name in its own language, reviewed)]

PDFs are built in memory; nothing is written to disk unless the caller saves it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from klantapp.letters.from_casebook import day_appointment_ids, letter_data
from klantapp.letters.ical import appointment_ics
from klantapp.letters.model import Appointment, Gemeente, LetterData, Recipient
from klantapp.letters.render import render_letter, render_letters
from klantapp.letters.texts import KIND_TITLES, catalog_reviewed, letter_languages

__all__ = [
    "Appointment",
    "Gemeente",
    "LetterData",
    "Recipient",
    "appointment_ics_for",
    "catalog_reviewed",
    "day_letters_pdf",
    "letter_data",
    "letter_languages",
    "letter_pdf",
    "render_letter",
    "render_letters",
]


def letter_pdf(cb: Any, appointment_id: str, *, lang: str | None = None) -> bytes:
    """The letter for one appointment as PDF bytes (in memory)."""
    return render_letter(letter_data(cb, appointment_id, lang))


def day_letters_pdf(
    cb: Any, day: date, *, progress: Callable[[int, int], None] | None = None
) -> bytes:
    """All letters for the planned appointments of ``day`` in one PDF. *Slow*.

    ``progress(done, total)`` is called after each letter, from the calling thread.
    """
    letters = [letter_data(cb, i) for i in day_appointment_ids(cb, day)]
    return render_letters(letters, progress=progress)


def appointment_ics_for(cb: Any, appointment_id: str, *, now: datetime | None = None) -> str:
    """The appointment as an iCalendar file (text with CRLF line ends), e.g. for Outlook."""
    data = letter_data(cb, appointment_id, "nl")
    title = KIND_TITLES.get(data.appointment.kind, "Afspraak")
    who = data.recipient.name
    return appointment_ics(
        data,
        summary=f"{title}: {who}" if who else title,
        description=f"Kenmerk {data.reference}",
        now=now or datetime.now(UTC),
    )
