"""The data a letter is made from: plain values, no casebook needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True, kw_only=True)
class Gemeente:
    """The letterhead: who sends the letter and whom to call.

    ``name`` and ``phone`` are required before a letter is printed (see
    :mod:`klantapp.letters.checks`); a letter without them tells nobody whom to call.
    """

    name: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    department: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    # When the phone is answered: "HH:MM-HH:MM" on ``phone_days`` (0 = Monday).
    phone_hours: str = ""
    phone_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    logo_png: bytes | None = None


@dataclass(frozen=True, kw_only=True)
class Recipient:
    """Who the letter goes to, and the full postal address it is delivered at.

    ``care_of`` names the azc (COA location) when the letter goes to the azc's postal
    address instead of the person's own; ``address_source`` says which of the two the
    address fields came from ("own" or "azc"), so a missing field can be named.
    """

    name: str
    street: str = ""  # the street only
    house_number: str = ""  # with any addition: "14-B"
    postcode: str = ""
    city: str = ""
    care_of: str = ""
    address_source: str = "own"  # "own" or "azc"
    sex: str = ""  # "v", "m", "x" or "": chooses the gendered forms of a translation
    initials: str = ""  # "A.M. S.": for calendar entries, which carry no full name
    household_number: str = ""  # the household's short number, e.g. "HH-1A2B3C4D"

    @property
    def street_line(self) -> str:
        return " ".join(p for p in (self.street, self.house_number) if p)


@dataclass(frozen=True, kw_only=True)
class Appointment:
    kind: str  # a value of klantapp.domain.records.APPOINTMENT_KINDS
    starts_at: datetime  # local time of the gemeente (Europe/Amsterdam), naive
    location: str
    duration_minutes: int | None = None
    route_note: str = ""
    with_whom: str = ""  # a name or a role, as typed ("Toetsbegeleider Taalcentrum De Brug")
    interpreter_mode: str = ""  # "", "ter_plaatse", "telefoon", "video"
    interpreter_language: str = ""  # language code
    invitation_number: int | None = None  # 1, 2 or 3 (brede intake)
    bring_items: tuple[str, ...] = ()  # values of klantapp.domain.records.BRING_ITEMS
    bring: str = ""  # anything else to bring: free text in Dutch, as typed
    uid: str = ""  # stable id for the calendar event (the appointment id)
    sequence: int = 0  # how often the appointment was moved (iCalendar SEQUENCE)


@dataclass(frozen=True, kw_only=True)
class LetterData:
    """Everything one appointment letter shows. ``lang`` "nl" gives a Dutch-only letter.

    ``klantmanager`` is the sender who signs the letter; the appointment's ``with_whom``
    may be someone else, or a role rather than a name.
    """

    gemeente: Gemeente
    recipient: Recipient
    appointment: Appointment
    letter_date: date
    reference: str = ""
    lang: str = "nl"
    klantmanager: str = ""


class Sent(Protocol):
    """What every letter has, whatever it says: who sends it, to whom, on which day,
    its kenmerk, the language beside Dutch and the klantmanager who signs it. The
    letterhead, the address in the envelope window, the footer and the checks before
    printing (:mod:`klantapp.letters.checks`) need no more."""

    @property
    def gemeente(self) -> Gemeente: ...

    @property
    def recipient(self) -> Recipient: ...

    @property
    def letter_date(self) -> date: ...

    @property
    def reference(self) -> str: ...

    @property
    def lang(self) -> str: ...

    @property
    def klantmanager(self) -> str: ...


@dataclass(frozen=True, kw_only=True)
class LateOfferData:
    """The gemeente's statement that its offer started late (art. 12 Wi2021): the client
    sends it with a request to DUO to extend the inburgeringstermijn.

    ``birth_date`` and ``bsn`` are as recorded (a birth date may be partly known: "1990"
    or "1990-05"); DUO finds the person by them. ``started`` is ``None`` while the offer
    has not started; the statement then says so on ``letter_date``.
    """

    gemeente: Gemeente
    recipient: Recipient
    letter_date: date
    pip_date: date
    deadline: date
    started: date | None
    leerroute: str = ""  # "b1", "onderwijs", "z" or "" (not chosen)
    birth_date: str = ""
    bsn: str = ""
    reference: str = ""
    lang: str = "nl"
    klantmanager: str = ""
