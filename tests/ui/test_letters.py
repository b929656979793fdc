"""Letters from the client: preview of the real PDF (from memory), printing, day batch."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QMessageBox

from ui.letters import LetterDialog, PdfPreview, letter_languages, render_to_printer

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


def _wait_for_letter_dialog(qtbot):
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, LetterDialog) and w.isVisible() for w in QApplication.topLevelWidgets()
        ),
        timeout=20_000,
    )
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, LetterDialog))


def test_an_undeliverable_letter_is_refused_with_the_missing_field(
    qtbot, make_window, casebook_path, monkeypatch
):
    window = make_window(casebook_path)
    unlock(qtbot, window)
    hid, aid = _appointment(window.session)
    window.session.update("households", hid, {"postcode": None})
    warnings = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text)
    )
    ws = window.workspace
    ws.open_household(hid, "appointments", aid)
    ws.household.appointments.letter_button.click()
    qtbot.waitUntil(lambda: bool(warnings), timeout=20_000)
    assert "Postcode" in warnings[0] and "komt niet aan" in warnings[0]
    assert not any(isinstance(w, LetterDialog) for w in QApplication.topLevelWidgets())


def test_a_letter_for_a_past_appointment_warns_above_the_preview(qtbot, make_window, casebook_path):
    window = make_window(casebook_path)
    unlock(qtbot, window)
    hid, aid = _appointment(window.session, lang="nl", when=datetime(2024, 3, 5, 10, 0))
    ws = window.workspace
    ws.open_household(hid, "appointments", aid)
    ws.household.appointments.letter_button.click()
    dialog = _wait_for_letter_dialog(qtbot)
    assert not dialog.warning.isHidden()
    assert "al voorbij" in dialog.warning.text()
    dialog.close()


def test_settings_mark_a_language_reviewed(qtbot, make_window, casebook_path):
    window = make_window(casebook_path)
    unlock(qtbot, window)
    _appointment(window.session)
    ws = window.workspace
    ws.go("settings")
    screen = ws.settings_screen
    screen.review_language.setCurrentIndex(screen.review_language.findData("ti"))
    assert "Niet nagekeken" in screen.review_state.text()
    assert not screen.mark_reviewed()  # a reviewer's name is required
    screen.reviewer.setText("A. Tesfay")
    assert screen.mark_reviewed()
    screen.review_language.setCurrentIndex(screen.review_language.findData("ti"))
    assert "A. Tesfay" in screen.review_state.text()
    gemeente = window.session.get_setting("gemeente")
    assert gemeente["reviewed_languages"]["ti"]["by"] == "A. Tesfay"
    assert gemeente["name"] == "Gemeente Testdorp"  # the rest of the setting is kept
    assert ("ti", "ትግርኛ", True) in letter_languages(window.session)
    # saving the gemeente form keeps the mark
    screen.fields["phone_hours"].setText("09:00-12:00")
    assert screen.save()
    gemeente = window.session.get_setting("gemeente")
    assert gemeente["phone_hours"] == "09:00-12:00" and "ti" in gemeente["reviewed_languages"]
    screen.fields["phone_hours"].setText("ochtend")
    assert not screen.save()
    assert "09:00-17:00" in screen.problems["phone_hours"].text()
    screen.fields["phone_hours"].setText("09:00-12:00")  # nothing left unsaved


def test_languages_are_named_in_dutch_and_their_own_script(qtbot, make_window, casebook_path):
    window = make_window(casebook_path)
    unlock(qtbot, window)
    dialog = _open_letter(qtbot, window, lang="ti")
    labels = [dialog.language.itemText(i) for i in range(dialog.language.count())]
    assert any(label.startswith("Tigrinya — ትግርኛ") for label in labels), labels
    if not dialog.lang_reviewed:  # the sentence names the language in Dutch only
        assert "Tigrinya" in dialog.warning.text() and "ትግርኛ" not in dialog.warning.text()
    dialog.lang_reviewed, dialog.lang_name = False, "Tigrinya"
    asked: list[str] = []
    from PySide6.QtWidgets import QMessageBox

    def answer(box):  # type: ignore[no-untyped-def]
        asked.append(box.text())
        box.clickedButton = lambda: None  # Annuleren
        return 0

    import pytest

    mp = pytest.MonkeyPatch()
    mp.setattr(QMessageBox, "exec", answer)
    try:
        assert dialog.save_pdf() is None  # cancelled at the first question
    finally:
        mp.undo()
    assert asked and "Tigrinya" in asked[0] and "ትግርኛ" not in asked[0]
    dialog.close()


def test_save_as_pdf_asks_warns_and_writes_0600_over_an_existing_file(
    qtbot, make_window, casebook_path, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    window = make_window(casebook_path)
    unlock(qtbot, window)
    dialog = _open_letter(qtbot, window, lang="nl")
    target = tmp_path / "brief.pdf"
    target.write_bytes(b"oud")
    target.chmod(0o644)
    asked: list[str] = []

    def accept(box):  # type: ignore[no-untyped-def]
        asked.append(box.text() + " " + box.informativeText())
        first = box.buttons()[0]
        box.clickedButton = lambda: first
        return 0

    monkeypatch.setattr(QMessageBox, "exec", accept)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog.lang_reviewed, dialog.lang_name = False, "Tigrinya"
    assert dialog.save_pdf() == str(target)
    assert "nagekeken" in asked[0] and "Toch opslaan" in asked[0]
    assert "niet versleuteld" in asked[1]
    assert target.read_bytes().startswith(b"%PDF")
    assert target.stat().st_mode & 0o777 == 0o600
    assert not list(tmp_path.glob("*.tmp"))
    dialog.close()
    # a saved letter is personal data leaving the casebook: the Logboek says so
    [saved] = [e for e in window.session.audit_entries() if e["action"] == "export"]
    assert saved["what"] == "Brief voor een afspraak als PDF naar brief.pdf"
    assert saved["household_id"] and saved["person_id"]


def _open_letter(qtbot, window, lang="ti"):
    _hid, aid = _appointment(window.session, lang=lang)
    window.workspace.make_letter(aid)
    return _wait_for_letter_dialog(qtbot)


def _late_offer_person(session):
    """An asielstatushouder whose offer started 2 months after its last day."""
    hid, _aid = _appointment(session)
    pid = session.add(
        "persons",
        {
            "household_id": hid,
            "role": "partner",
            "family_name": "Haddad",
            "given_names": "Amina",
            "permit_basis": "asiel_bepaald",
            "plicht_status": "plichtig",
            "letter_language": "ar",
        },
    )
    pip_day = date.today() - timedelta(days=200)
    session.add(
        "pips",
        {
            "household_id": hid,
            "person_id": pid,
            "version": 1,
            "status": "vastgesteld",
            "vastgesteld_on": pip_day.isoformat(),
            "leerroute": "b1",
            "course_start": (date.today() - timedelta(days=3)).isoformat(),
        },
    )
    return hid, pid


def test_late_offer_statement_from_the_due_item_on_vandaag(qtbot, make_window, casebook_path):
    window = make_window(casebook_path)
    unlock(qtbot, window)
    _hid, pid = _late_offer_person(window.session)
    today = window.workspace.today
    today.refresh()
    model = today.due_model
    rows = [r for r in model.rows if r.get("rule") == "verklaring_aanbod"]
    assert [r["person_id"] for r in rows] == [pid]
    index = model.index(model.rows.index(rows[0]), 0)
    assert [text for text, _action in today.due_menu_actions(rows[0])] == [
        "Huishouden openen",
        "Verklaring te laat aanbod…",
    ]
    today._activated(index)  # the item asks for the statement: activating it makes it
    dialog = _wait_for_letter_dialog(qtbot)
    assert dialog.windowTitle() == "Verklaring te laat aanbod"
    assert dialog.pdf_bytes().startswith(b"%PDF")
    code, _name, _reviewed = dialog.language.currentData()
    assert code == "ar"
    assert any("niet nagekeken" in n for n in dialog.notices)
    # another language: made again in the worker
    assert dialog.language.itemData(0)[0] == "nl"
    dialog.language.setCurrentIndex(0)
    qtbot.waitUntil(lambda: dialog.language.isEnabled(), timeout=20_000)
    assert dialog.notices == ()
    dialog.close()


def test_a_statement_when_the_offer_was_on_time_is_refused_in_words(
    qtbot, make_window, casebook_path, monkeypatch
):
    from ui.letters import show_late_offer

    window = make_window(casebook_path)
    unlock(qtbot, window)
    hid, pid = _late_offer_person(window.session)
    pip = next(p for p in window.session.household_detail(hid)["pips"] if p["person_id"] == pid)
    window.session.update("pips", pip["id"], {"course_start": pip["vastgesteld_on"]})
    warnings = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text)
    )
    show_late_offer(window.session, pid, window)
    qtbot.waitUntil(lambda: bool(warnings), timeout=20_000)
    assert "geen verklaring nodig" in warnings[0]
