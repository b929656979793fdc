"""The late-offer statement: what the client sends DUO with an extension request.

Checked as DUO and the client would read it (pdftotext), with the fonts embedded
(pdffonts), refused like every letter when it could not arrive, and made from a
casebook and from the command line only when the offer really started late.
"""

from __future__ import annotations

import dataclasses
import re
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from klantapp.casebook import Casebook, queries, services
from klantapp.cli import main
from klantapp.errors import KlantappError
from klantapp.letters import (
    LateOfferData,
    LetterNotPrintable,
    prepare_late_offer,
    render_late_offer,
)
from klantapp.letters.texts import LETTER_LANGUAGES

from .conftest import GEMEENTE, RECIPIENT, pdf_pages, pdf_text, run_tool

PASSPHRASE = "een lange test wachtwoordzin"  # as in tests/conftest.py
DEMO_TODAY = date(2026, 11, 22)


def statement(lang: str = "ar", **changes: Any) -> LateOfferData:
    values: dict[str, Any] = {
        "gemeente": GEMEENTE,
        "recipient": RECIPIENT,
        "letter_date": date(2026, 11, 23),
        "pip_date": date(2026, 2, 10),
        "deadline": date(2026, 5, 10),
        "started": date(2026, 7, 20),
        "leerroute": "b1",
        "birth_date": "1990-05-17",
        "bsn": "123456782",
        "reference": "VRK-5F2C1A7E",
        "lang": lang,
        "klantmanager": "Sanne de Vries",
    }
    values.update(changes)
    return LateOfferData(**values)


def test_dutch_and_arabic_statement_says_what_duo_needs(tmp_path: Path) -> None:
    flat = pdf_text(render_late_offer(statement("ar")), tmp_path)
    # the facts, for DUO
    assert "Verklaring: het aanbod voor uw inburgering startte te laat" in flat
    assert "Amina Haddad" in flat and "17-05-1990" in flat and "123456782" in flat
    assert "B1-route" in flat
    assert "10 februari 2026" in flat and "10 mei 2026" in flat and "20 juli 2026" in flat
    assert "artikel 12 Wet inburgering 2021" in flat
    # the Dutch text and the client's
    assert "Het aanbod moest binnen 3 maanden starten, dus uiterlijk op 10 mei 2026." in flat
    assert "U kunt DUO vragen om uw inburgeringstermijn te verlengen." in flat
    assert "العربية" in flat and "DUO" in flat
    assert "يمكنكم أن تطلبوا من" in flat
    # sender, address, signature
    assert "Gemeente Westerhoven" in flat and "9713 KL" in flat
    assert "Sanne de Vries" in flat and "Kenmerk VRK-5F2C1A7E" in flat


def test_fonts_embedded_as_subsets(tmp_path: Path) -> None:
    path = tmp_path / "ar.pdf"
    path.write_bytes(render_late_offer(statement("ar")))
    rows = [line.split() for line in run_tool("pdffonts", str(path)).splitlines()[2:]]
    names = {row[0].split("+", 1)[-1] for row in rows if row}
    assert {"NotoSans-Regular", "NotoNaskhArabic-Regular"} <= names
    for row in rows:
        if row:
            assert "+" in row[0], row
            assert row[-5:-2] == ["yes", "yes", "yes"], row


@pytest.mark.parametrize("lang", LETTER_LANGUAGES)
def test_every_language_fits_one_sheet_with_the_dutch_facts(lang: str, tmp_path: Path) -> None:
    pdf = render_late_offer(statement(lang))
    flat = pdf_text(pdf, tmp_path)
    assert "Start van het aanbod 20 juli 2026" in flat
    assert "Uiterste startdatum aanbod 10 mei 2026" in flat
    assert pdf_pages(pdf, tmp_path) <= 2  # one sheet, printed on both sides


def test_an_offer_not_started_says_so_on_the_letter_date(tmp_path: Path) -> None:
    flat = pdf_text(render_late_offer(statement("nl", started=None)), tmp_path)
    assert "nog niet gestart op 23 november 2026" in flat
    assert "Op 23 november 2026 was het aanbod nog niet gestart." in flat
    assert "Nederlands" not in flat  # a Dutch-only letter needs no language heading


def test_onderwijsroute_has_six_months(tmp_path: Path) -> None:
    data = statement("nl", leerroute="onderwijs", deadline=date(2026, 8, 10))
    flat = pdf_text(render_late_offer(data), tmp_path)
    assert "binnen 6 maanden starten, dus uiterlijk op 10 augustus 2026" in flat
    assert "Onderwijsroute" in flat


def test_persian_dates_in_persian_digits(tmp_path: Path) -> None:
    flat = pdf_text(render_late_offer(statement("fa")), tmp_path)
    assert "۲۰۲۶" in flat  # the client's text
    assert "20 juli 2026" in flat  # the Dutch facts keep Latin digits


def test_refused_without_a_full_address_or_a_sender() -> None:
    no_street = dataclasses.replace(statement().recipient, street="")
    with pytest.raises(LetterNotPrintable) as err:
        render_late_offer(statement(recipient=no_street))
    assert err.value.missing == ("Straat",)
    with pytest.raises(LetterNotPrintable) as err:
        render_late_offer(statement(gemeente=dataclasses.replace(GEMEENTE, phone="")))
    assert err.value.missing == ("Telefoon",)


# --- from a casebook, and the command line ---------------------------------------------


def _person_with_pip(
    cb: Casebook, *, permit_basis: str, vastgesteld_on: str, course_start: str | None
) -> str:
    household = services.add_record(
        cb,
        "households",
        {
            "name": "Haddad",
            "status": "traject",
            "street": "Korenbloemstraat",
            "house_number": "14-B",
            "postcode": "9713 KL",
            "city": "Westerhoven",
            "inschrijving_date": "2026-01-05",
        },
    )
    person = services.add_record(
        cb,
        "persons",
        {
            "household_id": household,
            "role": "aanvrager",
            "given_names": "Amina",
            "family_name": "Haddad",
            "birth_date": "1990-05-17",
            "permit_basis": permit_basis,
            "plicht_status": "plichtig",
        },
    )
    services.add_record(
        cb,
        "pips",
        {
            "household_id": household,
            "person_id": person,
            "version": 1,
            "status": "vastgesteld",
            "vastgesteld_on": vastgesteld_on,
            "leerroute": "b1",
            "course_start": course_start,
        },
    )
    cb.set_setting("gemeente", {"name": "Gemeente Westerhoven", "phone": "050 123 45 67"})
    return person


def test_from_a_casebook_only_when_the_offer_was_late(casebook: Casebook, tmp_path: Path) -> None:
    late = _person_with_pip(
        casebook,
        permit_basis="asiel_bepaald",
        vastgesteld_on="2026-02-10",
        course_start="2026-07-20",
    )
    prepared = prepare_late_offer(casebook, late, lang="ar", on=date(2026, 11, 23))
    flat = pdf_text(prepared.pdf, tmp_path)
    assert "10 mei 2026" in flat and "20 juli 2026" in flat and "Amina Haddad" in flat
    assert any("niet nagekeken" in n for n in prepared.notices)  # our drafts

    on_time = _person_with_pip(
        casebook,
        permit_basis="asiel_bepaald",
        vastgesteld_on="2026-02-10",
        course_start="2026-04-01",
    )
    with pytest.raises(KlantappError, match="niet te laat gestart"):
        prepare_late_offer(casebook, on_time, on=date(2026, 11, 23))
    # the gemeente makes no offer to a gezinsmigrant: nothing it could declare late
    family = _person_with_pip(
        casebook, permit_basis="regulier_gezin", vastgesteld_on="2026-02-10", course_start=None
    )
    with pytest.raises(KlantappError, match="niet te laat gestart"):
        prepare_late_offer(casebook, family, on=date(2026, 11, 23))


def test_cli_late_offer(
    casebook_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from klantapp.casebook.demo import fill_demo
    from klantapp.casebook.due import due_items
    from klantapp.vault import KdfParams

    cb, _ = Casebook.create(casebook_path, PASSPHRASE, kdf=KdfParams.for_tests())
    fill_demo(cb, today=date.today())
    late = next(
        i.person_id for i in due_items(cb, date.today()) if i.rule == "aanbod_starten" and i.overdue
    )
    on_time = next(p["id"] for p in queries.all_records(cb, "persons") if p["id"] != late)
    cb.close()
    monkeypatch.setenv("KLANTAPP_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "verklaring.pdf"
    assert main(["late-offer", str(casebook_path), "--person", late, "-o", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    flat = re.sub(r"\s+", " ", run_tool("pdftotext", str(out), "-"))
    assert "Verklaring: het aanbod voor uw inburgering startte te laat" in flat
    assert "nog niet gestart op" in flat
    capsys.readouterr()
    refused = tmp_path / "geen.pdf"
    assert main(["late-offer", str(casebook_path), "--person", on_time, "-o", str(refused)]) == 1
    assert not refused.exists()
    assert "geen verklaring nodig" in capsys.readouterr().err
