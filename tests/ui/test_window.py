"""The window as a klantmanager meets it: size, menus, titles, search, first steps,
passphrase, returning after a lock."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QMessageBox

from ui.mainwindow import MainWindow

from .conftest import PASSPHRASE, unlock


def _demo_household(session):  # type: ignore[no-untyped-def]
    hid, pids = session.save_household(
        {"name": "Al-Hassan", "status": "traject", "city": "Heuveldal"},
        [
            {"role": "aanvrager", "family_name": "Al-Hassan", "given_names": "Ahmad"},
            {"role": "partner", "family_name": "Al-Hassan", "given_names": "Fatima"},
            {"role": "kind", "family_name": "Al-Hassan", "given_names": "Omar"},
            {"role": "kind", "family_name": "Al-Hassan", "given_names": "Lina"},
        ],
    )
    return hid, pids


def test_menus_show_every_shortcut_and_icon_buttons_have_tooltips(
    qtbot, make_window, casebook_path
):
    window: MainWindow = make_window(casebook_path)
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["Bestand", "Bewerken", "Beeld", "Help"]
    unlock(qtbot, window)
    keys = {k for _what, k in window.shortcuts()}
    for wanted in ("Ctrl+F", "Ctrl+N", "Ctrl+S", "Ctrl+L", *(f"Alt+{i}" for i in range(1, 6))):
        assert wanted in keys, (wanted, keys)
    hid, _pids = _demo_household(window.session)
    ws = window.workspace
    ws.open_household(hid)
    ws.go("agenda")
    ws.open_household(hid)
    missing = []
    for button in window.findChildren(QAbstractButton):
        if button.objectName().startswith("qt_") or not button.isVisibleTo(window):
            continue
        if type(button.parentWidget()).__name__ == "QTabBar":
            continue  # Qt's own tab scrollers, named by Qt
        if not re.search(r"\w", button.text()) and not button.toolTip():
            missing.append(button.accessibleName() or repr(button))
    assert not missing, missing


def test_no_doubled_name_in_the_title(qtbot, make_window, casebook_path):
    window: MainWindow = make_window(casebook_path)
    unlock(qtbot, window)
    # Qt adds " — Klantapp" (the display name) to every title itself
    assert "Klantapp" not in window.windowTitle()
    assert window.windowTitle() == casebook_path.name


def test_usable_at_1366x768_and_size_remembered(qtbot, make_window, casebook_path, settings):
    window: MainWindow = make_window(casebook_path, idle_ms=600_000)
    window.resize(1366, 768)
    unlock(qtbot, window)
    hid, pids = _demo_household(window.session)
    ws = window.workspace
    ws.open_household(hid, "persons", pids[0])
    screen = ws.household
    bar = screen.tabs.tabBar()
    qtbot.waitUntil(lambda: bar.width() > 0)
    assert bar.tabRect(bar.count() - 1).right() <= bar.width(), "tabs behind a scroll button"
    for tab in ("household", "persons", "intake", "pips", "appointments", "notes", "timeline"):
        screen.set_tab(tab)
        qtbot.wait(10)
        for area in screen.tabs.currentWidget().findChildren(QAbstractScrollArea):
            if area.isVisibleTo(window):
                assert not area.horizontalScrollBar().isVisible(), (tab, area)
    ws.go("settings")
    for area in ws.settings_screen.findChildren(QAbstractScrollArea):
        if area.isVisibleTo(window):
            assert not area.horizontalScrollBar().isVisible()
    window.resize(780, 520)  # the test screen (offscreen) is 800x600
    qtbot.wait(10)
    # at the smallest size every entry of the navigation is whole, none behind a scroll bar
    nav = ws.nav
    assert not nav.horizontalScrollBar().isVisible()
    for row in range(nav.count()):
        item = nav.item(row)
        if not item.isHidden():
            assert nav.visualItemRect(item).width() <= nav.viewport().width(), item.text()
            assert nav.fontMetrics().horizontalAdvance(item.text()) < nav.viewport().width()
    size = (window.width(), window.height())
    assert size != (1366, 768)
    window.close()
    again = MainWindow(window.config, None)
    qtbot.addWidget(again)
    assert settings.geometry() is not None
    assert again.height() == size[1]  # (the width is at least what the first page needs)


def test_search_finds_a_word_from_a_note_and_says_where(qtbot, make_window, casebook_path):
    window: MainWindow = make_window(casebook_path, idle_ms=600_000)
    unlock(qtbot, window)
    session = window.session
    hid, _pids = _demo_household(session)
    note = session.add(
        "notes",
        {"household_id": hid, "created_at": "2026-11-20T10:00", "text": "Woont bij oom Karim"},
    )
    ws = window.workspace
    ws.go("households")
    ws.households.search.setText("Karim")
    rows = ws.households.model.rows
    assert [r["name"] for r in rows] == ["Al-Hassan"]
    assert rows[0]["found"].startswith("Notitie")
    ws.households.search.setText("Fatima")
    assert ws.households.model.rows[0]["found"] == "Gezinslid: Fatima Al-Hassan"
    ws.households.search.setText("Karim")
    qtbot.keyClick(ws.households.search, Qt.Key.Key_Return)  # the one hit opens at the note
    assert ws.household is not None and ws.household.tab_name() == "notes"
    assert ws.household.notes.current_id == note


def test_first_run_asks_for_the_gemeente_and_says_what_to_do(qtbot, make_window, casebook_path):
    window: MainWindow = make_window(casebook_path, idle_ms=600_000)
    unlock(qtbot, window)
    ws = window.workspace
    assert ws.gemeente_banner.isVisibleTo(window)
    assert "afdeling" in ws.gemeente_text.text()
    today = ws.today
    assert today.first_steps.isVisibleTo(window) and "Huishoudens" in today.first_steps.text()
    ws.gemeente_button.click()
    assert ws.current_screen() is ws.settings_screen
    screen = ws.settings_screen
    for key, value in {
        "name": "Gemeente Heuveldal",
        "department": "Team Inburgering",
        "street": "Marktplein 1",
        "postcode": "7461 AB",
        "city": "Heuveldal",
        "phone": "0548 123456",
    }.items():
        screen.fields[key].setText(value)
    screen.klantmanager.setText("Anouk de Vries")
    assert screen.save()
    assert not ws.gemeente_banner.isVisibleTo(window)
    assert window.session.cb.actor == "Anouk de Vries"
    _demo_household(window.session)
    ws.go("today")
    today.refresh()
    assert not today.first_steps.isVisibleTo(window)
    assert "person_name" in [key for key, _h in today.week_model.columns]


def test_forgotten_passphrase_says_what_to_do(qtbot, make_window, casebook_path, monkeypatch):
    window: MainWindow = make_window(casebook_path)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    window.unlock_page.forgot_button.click()
    assert shown and "centrale kantoor" in shown[0] and str(casebook_path) in shown[0]
    assert "laptop" in shown[0]


def test_change_the_passphrase_from_instellingen(qtbot, make_window, casebook_path):
    window: MainWindow = make_window(casebook_path, idle_ms=600_000)
    unlock(qtbot, window)
    ws = window.workspace
    ws.go("settings")
    screen = ws.settings_screen
    screen.new_passphrase.passphrase.setText("kort")
    screen.new_passphrase.repeat.setText("kort")
    assert not screen.change_passphrase()
    assert "te zwak" in screen.passphrase_status.text()
    new = "groene olifant drinkt warme thee"
    screen.new_passphrase.passphrase.setText(new)
    screen.new_passphrase.repeat.setText(new)
    assert (
        "Sterk" in screen.new_passphrase.strength_label.text()
        or screen.new_passphrase.strength_bar.value() >= 2
    )
    assert screen.change_passphrase()
    qtbot.waitUntil(lambda: not screen.changing_passphrase, timeout=30_000)
    assert "gewijzigd" in screen.passphrase_status.text(), screen.passphrase_status.text()
    window.lock()
    qtbot.waitUntil(lambda: not window.closing, timeout=10_000)
    unlock(qtbot, window, PASSPHRASE)
    assert window.workspace is None  # the old one no longer opens it
    unlock(qtbot, window, new)
    assert window.workspace is not None


def test_unlock_returns_to_the_record_the_user_was_on(qtbot, make_window, casebook_path):
    window: MainWindow = make_window(casebook_path, idle_ms=600_000)
    unlock(qtbot, window)
    session = window.session
    hid, pids = _demo_household(session)
    ws = window.workspace
    ws.open_household(hid, "persons", pids[2])
    window.lock(idle=True)
    qtbot.waitUntil(lambda: not window.closing, timeout=10_000)
    unlock(qtbot, window)
    screen = window.workspace.household
    assert screen is not None and screen.tab_name() == "persons"
    assert screen.persons.current_id == pids[2]


def test_choosing_a_member_fills_tolk_and_letter_language(qtbot, make_window, casebook_path):
    window: MainWindow = make_window(casebook_path, idle_ms=600_000)
    unlock(qtbot, window)
    session = window.session
    hid, pids = _demo_household(session)
    session.update(
        "persons",
        pids[1],
        {"interpreter_needed": True, "interpreter_language": "ar", "letter_language": "ar"},
    )
    ws = window.workspace
    ws.open_household(hid)
    ws.household.set_tab("appointments")
    appts = ws.household.appointments
    appts.new_record()
    form = appts.form
    combo = form.editor("person_id")
    combo.setCurrentIndex(combo.findData(pids[1]))
    values = form.values()
    assert values["interpreter_mode"] == "ter_plaatse"
    assert values["interpreter_language"] == "ar"
    assert values["letter_language"] == "ar"
