"""Letters from a casebook: letter_pdf, day_letters_pdf, the language choice, and the
letter CLI commands."""

from __future__ import annotations

import base64
import json
import re
import stat
from datetime import date
from pathlib import Path

import pytest

from klantapp.casebook import Casebook, queries, services
from klantapp.cli import main
from klantapp.errors import KlantappError
from klantapp.letters import appointment_ics_for, day_letters_pdf, letter_data, letter_pdf
from klantapp.letters.from_casebook import choose_language

from .conftest import run_tool

PASSPHRASE = "een lange test wachtwoordzin"  # as in tests/conftest.py
DEMO_TODAY = date(2026, 11, 22)


def _planned(cb: Casebook) -> list[dict]:  # type: ignore[type-arg]
    rows = queries.appointments_between(cb, "2000-01-01T00:00", "2100-01-01T00:00")
    return [r for r in rows if r["outcome"] == "gepland"]


def test_letter_pdf_for_every_demo_appointment(demo_casebook: Casebook, tmp_path: Path) -> None:
    rows = queries.appointments_between(demo_casebook, "2000-01-01T00:00", "2100-01-01T00:00")
    assert rows
    for row in rows:
        pdf = letter_pdf(demo_casebook, row["id"])
        path = tmp_path / f"{row['id']}.pdf"
        path.write_bytes(pdf)
        flat = re.sub(r"\s+", " ", run_tool("pdftotext", str(path), "-"))
        assert row["starts_at"][11:16] in flat  # the time, e.g. 10:00
        assert "Gemeente Heuveldal" in flat
        assert row["location"] in flat


def test_letter_data_reads_settings_household_and_person(demo_casebook: Casebook) -> None:
    row = _planned(demo_casebook)[0]
    data = letter_data(demo_casebook, row["id"])
    assert data.gemeente.name == "Gemeente Heuveldal"
    assert data.gemeente.phone == "0548-123456"
    assert data.lang == (row["letter_language"] or "nl")
    assert data.recipient.name == row["person_name"]
    assert data.recipient.postcode
    assert data.appointment.starts_at.isoformat(timespec="minutes") == row["starts_at"]
    assert data.appointment.with_whom  # from the appointment or the klantmanager setting


def test_logo_from_settings(demo_casebook: Casebook) -> None:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (120, 60), (0, 80, 160)).save(buf, format="PNG")
    settings = demo_casebook.get_setting("gemeente", {})
    demo_casebook.set_setting(
        "gemeente", {**settings, "logo_png_b64": base64.b64encode(buf.getvalue()).decode()}
    )
    row = _planned(demo_casebook)[0]
    assert letter_data(demo_casebook, row["id"]).gemeente.logo_png == buf.getvalue()
    assert letter_pdf(demo_casebook, row["id"]).startswith(b"%PDF")


def test_unknown_appointment_and_language(demo_casebook: Casebook) -> None:
    with pytest.raises(KlantappError):
        letter_pdf(demo_casebook, "no-such-id")
    row = _planned(demo_casebook)[0]
    with pytest.raises(KlantappError):
        letter_pdf(demo_casebook, row["id"], lang="xx")
    assert letter_data(demo_casebook, row["id"], "nl").lang == "nl"


def test_choose_language() -> None:
    assert choose_language({"letter_language": "ti"}, {"letter_language": "ar"}) == "ti"
    assert choose_language({}, {"letter_language": "ar", "mother_tongue": "fa"}) == "ar"
    assert choose_language({}, {"letter_language": "nl", "mother_tongue": "fa"}) == "nl"
    assert choose_language({}, {"mother_tongue": "om", "interpreter_language": "am"}) == "am"
    assert choose_language({}, {"mother_tongue": "om", "other_languages": ["en"]}) == "en"
    assert choose_language({}, {"mother_tongue": "om"}) == "nl"
    assert choose_language({}, None) == "nl"


def test_day_letters_only_planned_with_progress(demo_casebook: Casebook, tmp_path: Path) -> None:
    planned_today = [
        r for r in _planned(demo_casebook) if r["starts_at"][:10] == DEMO_TODAY.isoformat()
    ]
    assert planned_today
    # one of today's appointments gets an outcome: it no longer gets a letter
    services.record_outcome(demo_casebook, planned_today[0]["id"], "afgezegd")
    calls: list[tuple[int, int]] = []
    pdf = day_letters_pdf(demo_casebook, DEMO_TODAY, progress=lambda d, t: calls.append((d, t)))
    n = len(planned_today) - 1
    assert calls == [(i, n) for i in range(1, n + 1)]
    path = tmp_path / "day.pdf"
    path.write_bytes(pdf)
    text = run_tool("pdftotext", str(path), "-")
    assert text.count("Met vriendelijke groet") == n
    empty = day_letters_pdf(demo_casebook, date(1999, 1, 1))
    assert empty.startswith(b"%PDF")


def test_ics_for_appointment(demo_casebook: Casebook) -> None:
    row = _planned(demo_casebook)[0]
    ics = appointment_ics_for(demo_casebook, row["id"])
    start = row["starts_at"].replace("-", "").replace(":", "") + "00"
    assert f"DTSTART;TZID=Europe/Amsterdam:{start}\r\n" in ics
    assert f"UID:{row['id']}@klantapp\r\n" in ics


# --- command line ---------------------------------------------------------------------


@pytest.fixture
def closed_demo(casebook_path: Path) -> tuple[Path, list[dict]]:  # type: ignore[type-arg]
    from klantapp.casebook.demo import fill_demo
    from klantapp.vault import KdfParams

    cb, _ = Casebook.create(casebook_path, PASSPHRASE, kdf=KdfParams.for_tests())
    fill_demo(cb, today=DEMO_TODAY)
    rows = _planned(cb)
    cb.close()
    return casebook_path, rows


def test_cli_letter_letters_and_ics(
    closed_demo: tuple[Path, list[dict]],  # type: ignore[type-arg]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, rows = closed_demo
    monkeypatch.setenv("KLANTAPP_PASSPHRASE", PASSPHRASE)
    row = next(r for r in rows if r["letter_language"] not in (None, "", "nl"))
    out = tmp_path / "brief.pdf"
    assert main(["letter", str(path), "--appointment", row["id"], "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    err = capsys.readouterr().err
    assert "niet nagekeken" in err  # our drafts are not reviewed

    out_nl = tmp_path / "nl.pdf"
    assert (
        main(["letter", str(path), "--appointment", row["id"], "--lang", "nl", "-o", str(out_nl)])
        == 0
    )
    assert "niet nagekeken" not in capsys.readouterr().err

    day = tmp_path / "dag.pdf"
    assert main(["letters", str(path), "--date", DEMO_TODAY.isoformat(), "-o", str(day)]) == 0
    assert day.read_bytes().startswith(b"%PDF")
    assert main(["letters", str(path), "--date", "22-11-2026", "-o", str(day)]) == 2

    ics = tmp_path / "afspraak.ics"
    assert main(["ics", str(path), "--appointment", row["id"], "-o", str(ics)]) == 0
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert stat.S_IMODE(ics.stat().st_mode) == 0o600

    assert main(["letter", str(path), "--appointment", "nope", "-o", str(out)]) == 1

    # every file written is a logged export, with the appointment's household and person
    capsys.readouterr()
    assert main(["audit", str(path), "--json"]) == 0
    exports = [e for e in json.loads(capsys.readouterr().out) if e["action"] == "export"]
    assert sorted(e["what"] for e in exports) == [
        "Afspraak als agendabestand (.ics) naar afspraak.ics",
        "Brief voor een afspraak als PDF naar brief.pdf",
        "Brief voor een afspraak als PDF naar nl.pdf",
        f"Brieven van {DEMO_TODAY.isoformat()} als PDF naar dag.pdf",
    ]
    ics_entry = next(e for e in exports if e["what"].endswith(".ics"))
    assert ics_entry["household_id"] == row["household_id"]
    assert ics_entry["person_id"] == row.get("person_id")
