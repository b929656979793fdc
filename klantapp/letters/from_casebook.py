"""From casebook records to :class:`LetterData`."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime, timedelta
from typing import Any

from klantapp.errors import KlantappError
from klantapp.i18n import _
from klantapp.letters.checks import ADDRESS_FIELDS
from klantapp.letters.model import Appointment, Gemeente, LateOfferData, LetterData, Recipient
from klantapp.letters.texts import LETTER_LANGUAGES


def _s(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _days(value: Any) -> tuple[int, ...]:
    if isinstance(value, list | tuple):
        days = tuple(int(d) for d in value if isinstance(d, int) and 0 <= d <= 6)
        if days:
            return days
    return Gemeente.phone_days


def gemeente_from_settings(settings: dict[str, Any]) -> Gemeente:
    """The letterhead from the casebook setting ``gemeente`` (a dict), read tolerantly:
    unknown keys are ignored and a missing one is empty (the letter check names it)."""
    logo: bytes | None = None
    b64 = settings.get("logo_png_b64")
    if b64:
        try:
            logo = base64.b64decode(str(b64), validate=True)
        except (binascii.Error, ValueError):
            logo = None  # a broken logo leaves the letterhead without one
    return Gemeente(
        name=_s(settings.get("name")),
        street=_s(settings.get("street")),
        postcode=_s(settings.get("postcode")),
        city=_s(settings.get("city")),
        department=_s(settings.get("department")),
        phone=_s(settings.get("phone")),
        email=_s(settings.get("email")),
        website=_s(settings.get("website")),
        phone_hours=_s(settings.get("phone_hours")),
        phone_days=_days(settings.get("phone_days")),
        logo_png=logo,
    )


def gemeente_settings(cb: Any) -> dict[str, Any]:
    settings = cb.get_setting("gemeente", {}) or {}
    return settings if isinstance(settings, dict) else {}


def household_number(household_id: str) -> str:
    """The short number of a household, as on its letters: "HH-1A2B3C4D"."""
    return "HH-" + household_id.replace("-", "")[:8].upper()


def initials(given_names: str, family_name: str) -> str:
    """ "A.M. S." for Ali Mohammed Saleh: enough to tell appointments apart in a
    calendar, without the full name."""
    first = "".join(f"{p[0].upper()}." for p in given_names.split() if p)
    last = "".join(f"{p[0].upper()}." for p in family_name.split() if p and p[0].isupper())
    if not last and family_name.strip():
        last = family_name.strip()[0].upper() + "."
    return " ".join(p for p in (first, last) if p)


def recipient_for(household: dict[str, Any], person: dict[str, Any] | None) -> Recipient:
    """Who the letter goes to and the full postal address: the household's own address
    once it has one (any of its fields filled), else the azc's postal address."""
    if person:
        given, family = _s(person.get("given_names")), _s(person.get("family_name"))
        name = " ".join(p for p in (given, family) if p)
    else:
        given, family = "", _s(household.get("name"))
        name = family
    own = [household.get(f) for _, f, _ in ADDRESS_FIELDS]
    in_azc = not any(_s(v) for v in own) and bool(
        _s(household.get("coa_location"))
        or any(_s(household.get(f)) for _, _, f in ADDRESS_FIELDS)
        or household.get("status") == "azc"
    )
    fields = [azc if in_azc else mine for _, mine, azc in ADDRESS_FIELDS]
    street, number, postcode, city = (_s(household.get(f)) for f in fields)
    return Recipient(
        name=name,
        street=street,
        house_number=number,
        postcode=postcode,
        city=city,
        care_of=_s(household.get("coa_location")) if in_azc else "",
        address_source="azc" if in_azc else "own",
        sex=_s(person.get("sex")) if person else "",
        initials=initials(given, family),
        household_number=household_number(str(household.get("id") or "")),
    )


def reschedule_counts(cb: Any, appointment_ids: list[str]) -> dict[str, int]:
    """How often each appointment was moved: the updates of its time, duration or place
    in the oplog (which every device's changes reach). This is the iCalendar SEQUENCE,
    so a calendar updates the event instead of adding a second one."""
    if not appointment_ids:
        return {}
    marks = ", ".join("?" for _ in appointment_ids)
    moved = " OR ".join(
        f"(',' || fields || ',') LIKE '%,{f},%'"
        for f in ("starts_at", "duration_minutes", "location")
    )
    with cb.reading() as conn:
        rows = conn.execute(
            f"SELECT row_id, count(*) FROM oplog WHERE tbl = 'appointments' AND op = 'update' "
            f"AND row_id IN ({marks}) AND ({moved}) GROUP BY row_id",
            appointment_ids,
        ).fetchall()
    return {str(r[0]): int(r[1]) for r in rows}


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


def _check_language(lang: str | None) -> None:
    if lang is not None and lang != "nl" and lang not in LETTER_LANGUAGES:
        raise KlantappError(
            _("Voor de taal {lang} zijn er geen brieven.").format(lang=repr(lang)),
            hint=_("Kies een van: {languages}.").format(languages=", ".join(LETTER_LANGUAGES)),
        )


def letter_data(cb: Any, appointment_id: str, lang: str | None = None) -> LetterData:
    """The letter data of one appointment, read from the casebook ``cb``."""
    return letters_data(cb, [appointment_id], lang)[0]


def letters_data(cb: Any, appointment_ids: list[str], lang: str | None = None) -> list[LetterData]:
    """The letter data of several appointments (one oplog scan for all of them)."""
    from klantapp.casebook import queries

    settings = gemeente_settings(cb)
    gemeente = gemeente_from_settings(settings)
    klantmanager = queries.klantmanager_name(cb)
    _check_language(lang)
    moved = reschedule_counts(cb, appointment_ids)
    out: list[LetterData] = []
    for appointment_id in appointment_ids:
        appt = queries.get(cb, "appointments", appointment_id)
        if appt is None:
            raise KlantappError(
                _("Deze afspraak bestaat niet."),
                hint=_("Kies een afspraak uit de lijst van afspraken."),
            )
        household = queries.get(cb, "households", appt["household_id"]) or {}
        person = queries.get(cb, "persons", appt["person_id"]) if appt.get("person_id") else None
        invitation = appt.get("invitation_number")
        items = appt.get("bring_items") or []
        appointment = Appointment(
            kind=_s(appt.get("kind")) or "voortgang",
            starts_at=datetime.fromisoformat(str(appt["starts_at"])),
            location=_s(appt.get("location")),
            duration_minutes=int(appt["duration_minutes"])
            if appt.get("duration_minutes")
            else None,
            route_note=_s(appt.get("route_note")),
            with_whom=_s(appt.get("with_whom")),
            interpreter_mode=_s(appt.get("interpreter_mode")),
            interpreter_language=_s(appt.get("interpreter_language")),
            invitation_number=int(invitation) if invitation else None,
            bring_items=tuple(str(i) for i in items) if isinstance(items, list) else (),
            bring=_s(appt.get("bring")),
            uid=str(appt["id"]),
            sequence=moved.get(str(appt["id"]), 0),
        )
        out.append(
            LetterData(
                gemeente=gemeente,
                recipient=recipient_for(household, person),
                appointment=appointment,
                letter_date=date.today(),
                reference=f"AFS-{str(appt['id'])[:8].upper()}",
                lang=choose_language(appt, person) if lang is None else lang,
                klantmanager=klantmanager,
            )
        )
    return out


def day_appointment_ids(cb: Any, day: date) -> list[str]:
    """Ids of the planned (outcome "gepland") appointments of ``day``, in time order."""
    from klantapp.casebook import queries

    start = f"{day.isoformat()}T00:00"
    end = f"{(day + timedelta(days=1)).isoformat()}T00:00"
    rows = queries.appointments_between(cb, start, end)
    return [str(r["id"]) for r in rows if (r.get("outcome") or "gepland") == "gepland"]


def late_offer_data(
    cb: Any, person_id: str, lang: str | None = None, *, on: date | None = None
) -> LateOfferData:
    """The statement that the gemeente's offer to this person started late, read from
    the casebook ``cb`` on ``on`` (today). Refused with the reason when the offer was on
    time, has no PIP yet, or is not the gemeente's to give (a gezinsmigrant)."""
    from klantapp.casebook import queries
    from klantapp.domain.deadlines import late_offer

    person = queries.get(cb, "persons", person_id)
    if person is None:
        raise KlantappError(
            _("Dit gezinslid bestaat niet."),
            hint=_("Kies een gezinslid uit het huishouden."),
        )
    detail = queries.household_detail(cb, person["household_id"], ["pips"]) or {}
    household = detail.get("household") or {}
    pips = [p for p in detail.get("pips", []) if p.get("person_id") == person_id]
    day = on or date.today()
    late = late_offer(person, pips, day)
    if late is None:
        raise KlantappError(
            _("Er is geen verklaring nodig: het aanbod is niet te laat gestart."),
            hint=_(
                "Een verklaring is er voor een asielstatushouder van wie het aanbod later "
                "startte dan 3 maanden na het PIP (6 bij de onderwijsroute). Controleer de "
                "datum van het PIP en 'Start aanbod'."
            ),
        )
    _check_language(lang)
    return LateOfferData(
        gemeente=gemeente_from_settings(gemeente_settings(cb)),
        recipient=recipient_for(household, person),
        letter_date=day,
        pip_date=late.pip_date,
        deadline=late.deadline,
        started=late.started,
        leerroute=late.leerroute or "",
        birth_date=_s(person.get("birth_date")),
        bsn=_s(person.get("bsn")),
        reference=f"VRK-{person_id.replace('-', '')[:8].upper()}",
        lang=choose_language({}, person) if lang is None else lang,
        klantmanager=queries.klantmanager_name(cb),
    )
