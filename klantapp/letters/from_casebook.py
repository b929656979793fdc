"""From casebook records to :class:`LetterData`."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime, timedelta
from typing import Any

from klantapp.errors import KlantappError
from klantapp.i18n import _
from klantapp.letters.model import Appointment, Gemeente, LetterData, Recipient
from klantapp.letters.texts import LETTER_LANGUAGES


def _s(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def gemeente_from_settings(settings: dict[str, Any]) -> Gemeente:
    logo: bytes | None = None
    b64 = settings.get("logo_png_b64")
    if b64:
        try:
            logo = base64.b64decode(str(b64), validate=True)
        except (binascii.Error, ValueError):
            logo = None  # a broken logo leaves the letterhead without one
    return Gemeente(
        name=_s(settings.get("name")) or "Gemeente",
        street=_s(settings.get("street")),
        postcode=_s(settings.get("postcode")),
        city=_s(settings.get("city")),
        department=_s(settings.get("department")),
        phone=_s(settings.get("phone")),
        email=_s(settings.get("email")),
        website=_s(settings.get("website")),
        logo_png=logo,
    )


def choose_language(appointment: dict[str, Any], person: dict[str, Any] | None) -> str:
    """The letter language when none is given.

    In order: the appointment's letter language, the person's letter language, the
    mother tongue, the interpreter language, the person's other languages; the first
    one we have a letter catalog for wins. "nl" anywhere in the first two means a
    Dutch-only letter. When nothing fits, the letter is Dutch only: we do not guess
    English for someone who may not read it (the klantmanager can pick a language).
    """
    person = person or {}
    for explicit in (appointment.get("letter_language"), person.get("letter_language")):
        if explicit == "nl":
            return "nl"
        if explicit in LETTER_LANGUAGES:
            return str(explicit)
    candidates: list[Any] = [person.get("mother_tongue"), person.get("interpreter_language")]
    others = person.get("other_languages") or []
    if isinstance(others, list):
        candidates.extend(others)
    for code in candidates:
        if isinstance(code, str) and code in LETTER_LANGUAGES:
            return code
    return "nl"


def letter_data(cb: Any, appointment_id: str, lang: str | None = None) -> LetterData:
    """The letter data of one appointment, read from the casebook ``cb``."""
    from klantapp.casebook import queries

    appt = queries.get(cb, "appointments", appointment_id)
    if appt is None:
        raise KlantappError(
            _("Deze afspraak bestaat niet."),
            hint=_("Kies een afspraak uit de lijst van afspraken."),
        )
    household = queries.get(cb, "households", appt["household_id"]) or {}
    person = queries.get(cb, "persons", appt["person_id"]) if appt.get("person_id") else None
    gemeente = gemeente_from_settings(cb.get_setting("gemeente", {}))
    klantmanager = cb.get_setting("klantmanager", {}).get("name")

    if person:
        name = " ".join(
            p for p in (_s(person.get("given_names")), _s(person.get("family_name"))) if p
        )
    else:
        name = _s(household.get("name"))
    street = " ".join(
        p for p in (_s(household.get("street")), _s(household.get("house_number"))) if p
    )
    if not street:
        # Not yet housed: the letter goes to the azc (COA location) instead.
        street = _s(household.get("coa_location"))
    recipient = Recipient(
        name=name,
        street=street,
        postcode=_s(household.get("postcode")),
        city=_s(household.get("city")),
    )
    if lang is None:
        lang = choose_language(appt, person)
    elif lang != "nl" and lang not in LETTER_LANGUAGES:
        raise KlantappError(
            _("Voor deze taal zijn er geen brieven."),
            hint=_("Kies een van: {languages}.").format(languages=", ".join(LETTER_LANGUAGES)),
        )
    invitation = appt.get("invitation_number")
    appointment = Appointment(
        kind=_s(appt.get("kind")) or "voortgang",
        starts_at=datetime.fromisoformat(str(appt["starts_at"])),
        location=_s(appt.get("location")),
        duration_minutes=int(appt["duration_minutes"]) if appt.get("duration_minutes") else None,
        route_note=_s(appt.get("route_note")),
        with_whom=_s(appt.get("with_whom")) or _s(klantmanager),
        interpreter_mode=_s(appt.get("interpreter_mode")),
        interpreter_language=_s(appt.get("interpreter_language")),
        invitation_number=int(invitation) if invitation else None,
        bring=_s(appt.get("bring")),
        uid=str(appt["id"]),
    )
    return LetterData(
        gemeente=gemeente,
        recipient=recipient,
        appointment=appointment,
        letter_date=date.today(),
        reference=f"AFS-{str(appt['id'])[:8].upper()}",
        lang=lang,
    )


def day_appointment_ids(cb: Any, day: date) -> list[str]:
    """Ids of the planned (outcome "gepland") appointments of ``day``, in time order."""
    from klantapp.casebook import queries

    start = f"{day.isoformat()}T00:00"
    end = f"{(day + timedelta(days=1)).isoformat()}T00:00"
    rows = queries.appointments_between(cb, start, end)
    return [str(r["id"]) for r in rows if (r.get("outcome") or "gepland") == "gepland"]
