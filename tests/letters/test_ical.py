"""iCalendar output (RFC 5545)."""

from __future__ import annotations

from datetime import UTC, datetime

from klantapp.letters.ical import amsterdam_to_utc, appointment_ics, escape_text, fold, qr_event

from .conftest import make_letter

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_full_form_has_tzid_vtimezone_uid_dtstamp_and_crlf() -> None:
    ics = appointment_ics(make_letter("nl"), summary="Brede intake", now=NOW)
    assert ics.endswith("\r\n")
    assert "\n" not in ics.replace("\r\n", "")
    lines = ics.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert "BEGIN:VTIMEZONE" in lines and "TZID:Europe/Amsterdam" in lines
    assert "DTSTART;TZID=Europe/Amsterdam:20261208T103000" in lines
    assert "DTEND;TZID=Europe/Amsterdam:20261208T113000" in lines
    assert "DTSTAMP:20261122T120000Z" in lines
    assert "UID:0d4f5a7e-3c1b-4a8e-9f2d-6b7c8e9f0a1b@klantapp" in lines
    assert "LOCATION:Gemeentehuis\\, Marktplein 1\\, 9712 AB Westerhoven" in lines


def test_qr_event_uses_utc_and_no_name() -> None:
    ics = qr_event(make_letter("nl"), summary="X", description="Tel. 050 123 45 67")
    assert ics.startswith("BEGIN:VEVENT\r\n") and ics.endswith("END:VEVENT\r\n")
    assert "VTIMEZONE" not in ics and "Amina" not in ics and "Haddad" not in ics
    assert "DTSTART:20261208T093000Z\r\n" in ics  # 10:30 CET = 09:30 UTC
    assert "DURATION:PT1H\r\n" in ics


def test_amsterdam_summer_and_winter_time() -> None:
    assert amsterdam_to_utc(datetime(2026, 7, 1, 10, 0)) == datetime(2026, 7, 1, 8, 0)
    assert amsterdam_to_utc(datetime(2026, 1, 15, 10, 0)) == datetime(2026, 1, 15, 9, 0)
    # 2026: summer time starts 29 March, ends 25 October
    assert amsterdam_to_utc(datetime(2026, 3, 29, 1, 30)) == datetime(2026, 3, 29, 0, 30)
    assert amsterdam_to_utc(datetime(2026, 3, 29, 3, 30)) == datetime(2026, 3, 29, 1, 30)
    assert amsterdam_to_utc(datetime(2026, 10, 25, 1, 30)) == datetime(2026, 10, 24, 23, 30)
    assert amsterdam_to_utc(datetime(2026, 10, 25, 3, 30)) == datetime(2026, 10, 25, 2, 30)


def test_escaping() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_folding_at_75_octets_without_splitting_characters() -> None:
    line = "SUMMARY:" + "ترجمة " * 30
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    for part in parts:
        assert len(part.encode("utf-8")) <= 75
    for part in parts[1:]:
        assert part.startswith(" ")
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
