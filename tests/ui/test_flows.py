"""The main flows, driven through the widgets as a klantmanager would."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox

from ui.mainwindow import MainWindow
from ui.screens.households import NewHouseholdDialog

from .conftest import PASSPHRASE, unlock
from .helpers import on_modal, reactivate


def _set_combo(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def test_first_run_creates_casebook_and_saves_recovery_secret(
    qtbot, make_window, tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    window: MainWindow = make_window(None)
    assert window.stack.currentWidget() is window.start_page
    qtbot.mouseClick(window.start_page.new_button, Qt.MouseButton.LeftButton)
    page = window.create_page
    assert window.stack.currentWidget() is page
    page.location.setText(str(tmp_path / "nieuw-dossier"))
    qtbot.keyClicks(page.passphrase, "kort")
    assert "Te kort" in page.strength_label.text()
    page.passphrase.clear()
    qtbot.keyClicks(page.passphrase, PASSPHRASE)
    qtbot.keyClicks(page.repeat, PASSPHRASE + "x")
    assert "niet gelijk" in page.match_label.text()
    page.repeat.setText(PASSPHRASE)
    page.generate_key.setChecked(True)
    secret_file = tmp_path / "herstel.txt"
    page.secret_file.setText(str(secret_file))
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=20_000)
    text = secret_file.read_text()
    assert "AGE-SECRET-KEY-1" in text
    assert secret_file.stat().st_mode & 0o777 == 0o600
    assert window.settings.last_casebook == str(tmp_path / "nieuw-dossier")


def test_create_refuses_bad_office_key_and_weak_passphrase(qtbot, make_window, tmp_path):
    window: MainWindow = make_window(None)
    window.show_create()
    page = window.create_page
    page.location.setText(str(tmp_path / "x"))
    page.passphrase.setText("wachtwoord")
    page.repeat.setText("wachtwoord")
    page.use_office_key.setChecked(True)
    page.office_key.setText("age1nietgoed")
    page.submit()
    assert "te zwak" in page.error.text() or "Te kort" in page.error.text()
    assert "publieke sleutel klopt niet" in page.error.text()
    assert window.workspace is None


def test_wrong_passphrase_message(qtbot, make_window, casebook_path):
    window: MainWindow = make_window(casebook_path)
    unlock(qtbot, window, "dit is niet het goede wachtwoord")
    page = window.unlock_page
    assert window.workspace is None
    assert "wachtwoordzin klopt niet" in page.error.text()
    assert page.unlock_button.isEnabled()
    unlock(qtbot, window)
    assert window.workspace is not None


def test_casebook_in_use_message(qtbot, make_window, casebook_path):
    from klantapp.casebook import Casebook

    other = Casebook.open(casebook_path, PASSPHRASE)
    try:
        window: MainWindow = make_window(casebook_path)
        unlock(qtbot, window)
        assert window.workspace is None
        assert "al geopend" in window.unlock_page.error.text()
    finally:
        other.close()


def test_household_members_intake_appointment_lock_and_find_again(
    qtbot, make_window, casebook_path
):
    window: MainWindow = make_window(casebook_path, idle_ms=600_000)
    unlock(qtbot, window)
    ws = window.workspace
    assert ws is not None

    # --- a new household (Ctrl+N on Huishoudens) ---------------------------------------
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert ws.current_screen() is ws.households

    def fill_household(dialog):
        assert isinstance(dialog, NewHouseholdDialog)
        form = dialog.form
        form.editor("name").setText("Familie Haddad")
        form.editor("koppeling_date").setText("31-02-2026")  # no such day
        dialog.save()
        assert "bestaat niet" in form.problem_text("koppeling_date")
        form.editor("koppeling_date").setText("02-03-2026")
        dialog.save()

    on_modal(fill_household)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: ws.household is not None, timeout=5_000)
    screen = ws.household
    assert screen.title.text() == "Familie Haddad"
    reactivate(qtbot, window)

    # --- two members -----------------------------------------------------------------------
    screen.set_tab("persons")
    members = screen.persons
    for given, family, role in (("Omar", "Haddad", "aanvrager"), ("مريم", "حداد", "partner")):
        qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        form = members.form
        if given.isascii():
            qtbot.keyClicks(form.editor("given_names"), given)
        else:  # QTest cannot type non-Latin keys; an input method would insert the text
            form.editor("given_names").insert(given)
        form.editor("family_name").setText(family)
        _set_combo(form.editor("role"), role)
        assert members.is_dirty()
        assert "Niet opgeslagen" in members.status.text()
        qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        assert "Opgeslagen" in members.status.text(), (given, members.status.text())
    assert members.model.rowCount() == 2

    # a wrong BSN is shown beside the field, in plain Dutch, and nothing is saved
    members.select(members.model.rows[0]["id"])
    bsn = members.form.editor("bsn")
    assert isinstance(bsn, QLineEdit)
    bsn.setText("123456789")
    assert not members.save()
    assert members.form.problem_text("bsn")
    bsn.setText("")
    assert members.save()

    # --- brede intake ----------------------------------------------------------------------------
    screen.set_tab("intake")
    grid = screen.intake
    assert grid.model.columnCount() == 2
    grid.table.setFocus()
    grid.table.setCurrentIndex(grid.model.index(0, 0))  # Financiën, first member
    qtbot.keyClick(grid.table, Qt.Key.Key_3)
    grid.table.setCurrentIndex(grid.model.index(3, 1))  # Huisvesting, second member
    qtbot.keyClick(grid.table, Qt.Key.Key_2)
    grid.notes.setPlainText("Woont tijdelijk bij familie")
    assert grid.is_dirty()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "Opgeslagen" in grid.status.text(), grid.status.text()

    # --- an appointment -----------------------------------------------------------------------------
    screen.set_tab("appointments")
    appts = screen.appointments
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    _set_combo(appts.form.editor("kind"), "brede_intake")
    appts.form.editor("location").setText("Stadhuis, Markt 1")
    assert appts.save(), appts.status.text()
    assert appts.model.rowCount() == 1

    # --- lock on idle ---------------------------------------------------------------------------------
    appts.form.editor("notes").setPlainText("Tolk Arabisch regelen")  # typed, not yet saved
    window.idle.set_timeout_ms(200)
    qtbot.waitUntil(lambda: window.is_locked, timeout=5_000)
    assert window.stack.currentWidget() is window.unlock_page
    assert "vergrendeld" in window.unlock_page.notice.text()
    assert window.session is None
    qtbot.waitUntil(lambda: not shiboken6.isValid(screen), timeout=2_000)  # widgets gone
    qtbot.waitUntil(lambda: not window.closing, timeout=10_000)

    # --- unlock and find everything again ----------------------------------------------------------------
    unlock(qtbot, window)
    ws = window.workspace
    assert ws is not None
    assert ws.household is not None
    assert ws.household.tab_name() == "appointments"
    screen = ws.household
    assert screen.title.text() == "Familie Haddad"
    names = {r["given_names"] for r in screen.persons.model.rows}
    assert names == {"Omar", "مريم"}
    scores = {(r["domain"], r["score"]) for r in screen.intake.model.saved.values()}
    assert scores == {("financien", 3), ("huisvesting", 2)}
    assert any(
        r.get("notes") == "Woont tijdelijk bij familie" for r in screen.intake.model.saved.values()
    )
    appt = screen.appointments.model.rows[0]
    assert appt["kind"] == "brede_intake"
    assert appt["notes"] == "Tolk Arabisch regelen"  # saved while locking

    # the list finds the household by the Arabic name
    ws.go("households")
    ws.households.search.setText("مريم")
    assert [r["name"] for r in ws.households.model.rows] == ["Familie Haddad"]


def test_enter_creates_and_the_default_recovery_choice_needs_nothing_typed(
    qtbot, make_window, tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    window: MainWindow = make_window(None)
    window.show_create()
    page = window.create_page
    page.location.setText(str(tmp_path / "dossier"))
    page.secret_file.setText(str(tmp_path / "herstel.txt"))
    page.passphrase.setText(PASSPHRASE)
    page.repeat.setText(PASSPHRASE)
    assert page.problems() == []  # nothing left empty by the default choice
    qtbot.keyClick(page.repeat, Qt.Key.Key_Return)  # Enter = "Dossier maken"
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=20_000)
    assert page.error.isHidden()


def test_a_known_office_key_is_the_default(qtbot, make_window, monkeypatch):
    monkeypatch.setenv("KLANTAPP_RECOVERY_KEY", "age1" + "q" * 58)
    window: MainWindow = make_window(None)
    page = window.create_page
    assert page.use_office_key.isChecked()
    assert page.office_key.text().startswith("age1")
