"""Issue 12: a letter always carries a full postal address and its sender, or it is
refused (core, CLI and client) with the missing details named; a letter for a past
appointment warns; the calendar entry has no full name, a stable UID and a SEQUENCE."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from klantapp.casebook import Casebook, queries, services
from klantapp.cli import main
from klantapp.letters import (
    LetterNotPrintable,
    appointment_ics_for,
    letter_data,
    letter_pdf,
    prepare_letter,
)

from .conftest import pdf_text

PASSPHRASE = "een lange test wachtwoordzin"  # as in tests/conftest.py


def _azc_household(cb: Casebook, **address: Any) -> tuple[str, str]:
    """A man in the azc with an appointment next week; returns (household, appointment)."""
    hid = services.add_record(
        cb,
        "households",
        {"name": "Idris", "status": "azc", "coa_location": "Azc Zwolle", **address},
    )
    pid = services.add_record(
        cb,
        "persons",
        {
            "household_id": hid,
            "role": "aanvrager",
            "family_name": "Idris",
            "given_names": "Musa Ali",
            "sex": "m",
        },
    )
    aid = services.add_record(
        cb,
        "appointments",
        {
            "household_id": hid,
            "person_id": pid,
            "kind": "warme_overdracht",
            "starts_at": (datetime.now() + timedelta(days=7)).strftime("%Y-%m-%dT10:00"),
            "location": "Azc Zwolle, spreekkamer 2",
            "outcome": "gepland",
            "letter_language": "ar",
        },
    )
    return hid, aid


AZC = {
    "coa_street": "Dennenweg",
    "coa_house_number": "2",
    "coa_postcode": "8041 ZZ",
    "coa_city": "Zwolle",
}


def test_letter_to_the_azc_carries_its_postal_address(
    demo_casebook: Casebook, tmp_path: Path
) -> None:
    _hid, aid = _azc_household(demo_casebook, **AZC)
    text = pdf_text(letter_pdf(demo_casebook, aid), tmp_path)
    assert "Musa Ali Idris p/a Azc Zwolle Dennenweg 2 8041 ZZ Zwolle" in text


def test_incomplete_azc_address_is_refused_naming_the_fields(demo_casebook: Casebook) -> None:
    _hid, aid = _azc_household(demo_casebook, coa_street="Dennenweg")
    with pytest.raises(LetterNotPrintable) as err:
        letter_pdf(demo_casebook, aid)
    assert err.value.missing == (
        "Postadres azc: huisnummer",
        "Postadres azc: postcode",
        "Postadres azc: plaats",
    )
    assert "Postadres azc: postcode" in str(err.value)
    assert "Dennenweg" not in str(err.value)  # the message never echoes the data


def test_own_address_wins_and_must_be_complete(demo_casebook: Casebook) -> None:
    hid, aid = _azc_household(demo_casebook, **AZC)
    services.update_record(
        demo_casebook, "households", hid, {"street": "Lindelaan", "city": "Heuveldal"}
    )
    with pytest.raises(LetterNotPrintable) as err:
        letter_pdf(demo_casebook, aid)
    assert err.value.missing == ("Huisnummer", "Postcode")
    services.update_record(
        demo_casebook, "households", hid, {"house_number": "3", "postcode": "7462 GH"}
    )
    data = letter_data(demo_casebook, aid)
    assert data.recipient.street_line == "Lindelaan 3" and not data.recipient.care_of


def test_no_sender_details_is_refused(demo_casebook: Casebook) -> None:
    settings = demo_casebook.get_setting("gemeente")
    demo_casebook.set_setting("gemeente", {**settings, "name": "", "phone": " "})
    _hid, aid = _azc_household(demo_casebook, **AZC)
    with pytest.raises(LetterNotPrintable) as err:
        letter_pdf(demo_casebook, aid)
    assert err.value.missing == ("Naam gemeente", "Telefoon")
    assert "Instellingen" in str(err.value)


def test_a_day_batch_names_every_letter_it_refuses(demo_casebook: Casebook) -> None:
    from klantapp.letters import day_letters_pdf

    _hid, aid = _azc_household(demo_casebook)
    day = date.fromisoformat(queries.get(demo_casebook, "appointments", aid)["starts_at"][:10])
    with pytest.raises(LetterNotPrintable) as err:
        day_letters_pdf(demo_casebook, day)
    assert f"AFS-{aid[:8].upper()}" in str(err.value)
    assert "Postadres azc: straat" in str(err.value)


def test_every_demo_letter_is_deliverable(demo_casebook: Casebook) -> None:
    rows = queries.appointments_between(demo_casebook, "2000-01-01T00:00", "2100-01-01T00:00")
    for row in rows:
        assert letter_pdf(demo_casebook, row["id"]).startswith(b"%PDF")


def test_past_appointment_notice(demo_casebook: Casebook) -> None:
    _hid, aid = _azc_household(demo_casebook, **AZC)
    later = datetime.now() + timedelta(days=30)
    assert any("al voorbij" in n for n in prepare_letter(demo_casebook, aid, now=later).notices)
    assert not any("al voorbij" in n for n in prepare_letter(demo_casebook, aid).notices)


@pytest.fixture
def closed(casebook_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, str]:
    from klantapp.vault import KdfParams

    cb, _ = Casebook.create(casebook_path, PASSPHRASE, kdf=KdfParams.for_tests())
    cb.set_setting("gemeente", {"name": "Gemeente Heuveldal", "phone": "0548-123456"})
    _hid, incomplete = _azc_household(cb, coa_street="Dennenweg")
    _hid2, past = _azc_household(cb, **AZC)
    services.update_record(cb, "appointments", past, {"starts_at": "2024-03-05T10:00"})
    cb.close()
    monkeypatch.setenv("KLANTAPP_PASSPHRASE", PASSPHRASE)
    return casebook_path, incomplete, past


def test_cli_refuses_and_warns(
    closed: tuple[Path, str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, incomplete, past = closed
    out = tmp_path / "brief.pdf"
    assert main(["letter", str(path), "--appointment", incomplete, "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Postadres azc: huisnummer" in err and "Postadres azc: plaats" in err
    assert not out.exists()
    assert main(["letter", str(path), "--appointment", past, "-o", str(out)]) == 0
    assert "al voorbij (05-03-2024 10:00)" in capsys.readouterr().err


def test_ics_has_initials_household_number_uid_and_growing_sequence(
    demo_casebook: Casebook,
) -> None:
    hid, aid = _azc_household(demo_casebook, **AZC)
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)

    def event() -> Any:
        cal = Calendar.from_ical(appointment_ics_for(demo_casebook, aid, now=now))
        (vevent,) = cal.walk("VEVENT")
        return vevent

    first = event()
    summary = str(first["SUMMARY"])
    assert "Musa" not in summary and "Idris" not in summary
    assert "M.A. I." in summary and f"HH-{hid.replace('-', '')[:8].upper()}" in summary
    assert str(first["UID"]) == f"{aid}@klantapp"
    assert int(first["SEQUENCE"]) == 0
    services.update_record(demo_casebook, "appointments", aid, {"notes": "belt terug"})
    assert int(event()["SEQUENCE"]) == 0  # a note does not move the appointment
    services.update_record(demo_casebook, "appointments", aid, {"starts_at": "2030-01-07T11:00"})
    moved = event()
    assert int(moved["SEQUENCE"]) == 1 and str(moved["UID"]) == f"{aid}@klantapp"
    assert moved.decoded("DTSTART").replace(tzinfo=None) == datetime(2030, 1, 7, 11, 0)
    services.update_record(demo_casebook, "appointments", aid, {"location": "Gemeentehuis"})
    assert int(event()["SEQUENCE"]) == 2
