"""Letters from the client: preview of the real PDF (from memory), printing, day batch."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QMessageBox

from ui.letters import LetterDialog, PdfPreview, render_to_printer

from .conftest import unlock


def _appointment(session, *, lang="ar", when=None):
    session.set_setting(
        "gemeente",
        {
            "name": "Gemeente Testdorp",
            "street": "Markt 1",
            "postcode": "1234 AB",
            "city": "Testdorp",
            "phone": "14 0123",
        },
    )
    hid = session.add(
        "households",
        {
            "name": "Familie Haddad",
            "status": "gehuisvest",
            "street": "Dorpsstraat",
            "house_number": "5",
            "postcode": "1234 AC",
            "city": "Testdorp",
        },
    )
    pid = session.add(
        "persons",
        {
            "household_id": hid,
            "role": "aanvrager",
            "family_name": "حداد",
            "given_names": "عمر",
            "letter_language": lang,
        },
    )
    when = when or (datetime.now() + timedelta(days=1)).replace(hour=10, minute=0)
    aid = session.add(
        "appointments",
        {
            "household_id": hid,
            "person_id": pid,
            "kind": "brede_intake",
            "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
            "location": "Stadhuis, Markt 1",
            "outcome": "gepland",
            "duration_minutes": 60,
        },
    )
    return hid, aid


def test_letter_preview_and_print(qtbot, make_window, casebook_path, tmp_path, monkeypatch):
    window = make_window(casebook_path)
    unlock(qtbot, window)
    hid, aid = _appointment(window.session)
    ws = window.workspace
    ws.open_household(hid, "appointments", aid)
    ws.household.appointments.letter_button.click()
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, LetterDialog) and w.isVisible() for w in QApplication.topLevelWidgets()
        ),
        timeout=20_000,
    )
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, LetterDialog))
    assert dialog.document.pageCount() >= 1
    assert dialog.pdf_bytes().startswith(b"%PDF")
    code, _name, _reviewed = dialog.language.currentData()
    assert code == "ar"
    # an unreviewed language asks before printing
    dialog.lang_reviewed = False
    dialog.lang_name = "Test"
    asked = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: asked.append(self.text()) or 0)
    assert not dialog.confirm_unreviewed()
    assert asked and "nagekeken" in asked[0]
    # printing renders the same pages into the printer
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "print.pdf"))
    assert render_to_printer(dialog.document, printer) == dialog.document.pageCount()
    assert (tmp_path / "print.pdf").read_bytes().startswith(b"%PDF")
    dialog.close()


def test_print_day_in_worker(qtbot, make_window, casebook_path):
    window = make_window(casebook_path)
    unlock(qtbot, window)
    when = (datetime.now() + timedelta(days=2)).replace(hour=9, minute=30)
    _appointment(window.session, lang="nl", when=when)
    ws = window.workspace
    ws.go("agenda")
    ws.agenda.day = when.date()
    ws.agenda.refresh()
    ws.agenda.print_day_button.click()
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, PdfPreview) and w.isVisible() for w in QApplication.topLevelWidgets()
        ),
        timeout=30_000,
    )
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PdfPreview))
    assert dialog.document.pageCount() >= 1
    assert dialog.lang_reviewed  # only Dutch that day
    dialog.close()
    assert date.today() < when.date()
