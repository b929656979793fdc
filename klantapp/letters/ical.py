"""An appointment as an iCalendar (RFC 5545) VEVENT: for the QR code and .ics export."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from klantapp.letters.model import LetterData

PRODID = "-//Klantapp//Brief//NL"

# Europe/Amsterdam since 1996: CET/CEST, switching on the last Sundays of March and
# October. Calendar programs need the definition when DTSTART names a TZID.
VTIMEZONE_AMSTERDAM = (
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Amsterdam",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def _local(dt: datetime) -> str:
    return dt.strftime("%Y%m%dT%H%M%S")


def _last_sunday(year: int, month: int) -> date:
    d = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
    return d - timedelta(days=(d.weekday() + 1) % 7)


def amsterdam_to_utc(local: datetime) -> datetime:
    """Local Dutch time (naive) to UTC (naive), by the EU summer-time rule.

    Summer time (UTC+2) runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on
    the last Sunday of October (EU rule since 1996); otherwise UTC+1. Computed here so
    the result does not depend on a tz database being installed (Windows has none).
    """
    start = datetime.combine(_last_sunday(local.year, 3), datetime.min.time()) + timedelta(
        hours=2
    )  # 02:00 local winter time = 01:00 UTC
    end = datetime.combine(_last_sunday(local.year, 10), datetime.min.time()) + timedelta(
        hours=3
    )  # 03:00 local summer time = 01:00 UTC
    offset = 2 if start <= local < end else 1
    return local - timedelta(hours=offset)


def _duration(minutes: int) -> str:
    return f"PT{minutes // 60}H{minutes % 60}M" if minutes % 60 else f"PT{minutes // 60}H"


def appointment_ics(
    data: LetterData,
    *,
    summary: str,
    description: str = "",
    now: datetime | None = None,
) -> str:
    """One VCALENDAR with one VEVENT for the appointment of ``data``.

    DTSTART/DTEND carry ``TZID=Europe/Amsterdam`` with the VTIMEZONE that defines it
    (what Outlook and other desktop calendars expect). UID is stable (the appointment's
    id) and SEQUENCE counts how often the appointment was moved, so a calendar that
    imports the file again updates the event instead of adding a second one.
    """
    appt = data.appointment
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    minutes = appt.duration_minutes or 60
    uid = f"{appt.uid or _local(appt.starts_at)}@klantapp"
    end = appt.starts_at + timedelta(minutes=minutes)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *VTIMEZONE_AMSTERDAM,
        "BEGIN:VEVENT",
        f"UID:{escape_text(uid)}",
        f"SEQUENCE:{max(0, appt.sequence):d}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;TZID=Europe/Amsterdam:{_local(appt.starts_at)}",
        f"DTEND;TZID=Europe/Amsterdam:{_local(end)}",
        f"SUMMARY:{escape_text(summary)}",
        f"LOCATION:{escape_text(appt.location)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)


def qr_event(data: LetterData, *, summary: str, description: str = "") -> str:
    """The appointment as a bare VEVENT for a QR code, as phone scanners read it (the
    ZXing "calendar event" form that the camera apps of Android and iOS recognise).

    Every byte makes the code denser, so it has only what the client's own calendar
    needs: what (``summary``), when (UTC, so no VTIMEZONE), how long, where, and whom to
    call (``description``). No name, no UID: the phone makes its own event.
    """
    appt = data.appointment
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{escape_text(summary)}",
        f"DTSTART:{_local(amsterdam_to_utc(appt.starts_at))}Z",
        f"DURATION:{_duration(appt.duration_minutes or 60)}",
        f"LOCATION:{escape_text(appt.location)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    lines.append("END:VEVENT")
    return "".join(fold(line) + "\r\n" for line in lines)
