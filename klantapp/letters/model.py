"""The data a letter is made from: plain values, no casebook needed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, kw_only=True)
class Gemeente:
    """The letterhead: who sends the letter and whom to call."""

    name: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    department: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    logo_png: bytes | None = None


@dataclass(frozen=True, kw_only=True)
class Recipient:
    name: str
    street: str = ""  # street and house number
    postcode: str = ""
    city: str = ""


@dataclass(frozen=True, kw_only=True)
class Appointment:
    kind: str  # a value of klantapp.domain.records.APPOINTMENT_KINDS
    starts_at: datetime  # local time of the gemeente (Europe/Amsterdam), naive
    location: str
    duration_minutes: int | None = None
    route_note: str = ""
    with_whom: str = ""
    interpreter_mode: str = ""  # "", "ter_plaatse", "telefoon", "video"
    interpreter_language: str = ""  # language code
    invitation_number: int | None = None  # 1, 2 or 3 (brede intake)
    bring: str = ""  # free text in Dutch, as typed by the klantmanager
    uid: str = ""  # stable id for the calendar event (the appointment id)


@dataclass(frozen=True, kw_only=True)
class LetterData:
    """Everything one appointment letter shows. ``lang`` "nl" gives a Dutch-only letter."""

    gemeente: Gemeente
    recipient: Recipient
    appointment: Appointment
    letter_date: date
    reference: str = ""
    lang: str = "nl"
    extra: dict[str, str] = field(default_factory=dict)
