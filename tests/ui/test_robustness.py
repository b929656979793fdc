"""Workers, error messages, unsaved changes, locking by shortcut."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QApplication

from ui import errordialog, widgets
from ui.tasks import run_task

from .conftest import unlock


def test_run_task_hands_result_progress_and_error_to_the_gui_thread(qtbot):
    gui = QThread.currentThread()
    seen: dict[str, object] = {}

    def work(x: int, progress) -> int:
        seen["worker_thread"] = threading.current_thread().name
        progress("bezig", 0.5)
        return x * 2

    def on_progress(stage: str, fraction: float) -> None:
        seen["progress"] = (stage, fraction, QThread.currentThread() is gui)

    def on_result(value: int) -> None:
        seen["result"] = (value, QThread.currentThread() is gui)

    run_task(work, 21, with_progress=True, on_progress=on_progress, on_result=on_result)
    qtbot.waitUntil(lambda: "result" in seen)
    assert seen["result"] == (42, True)
    assert seen["progress"] == ("bezig", 0.5, True)
    assert seen["worker_thread"] != threading.current_thread().name

    def boom() -> None:
        raise ValueError("kapot")

    errors: list[tuple[BaseException, str, bool]] = []
    run_task(boom, on_error=lambda e, d: errors.append((e, d, QThread.currentThread() is gui)))
    qtbot.waitUntil(lambda: bool(errors))
    exc, details, in_gui = errors[0]
    assert isinstance(exc, ValueError) and "kapot" in details and in_gui


def test_unexpected_error_dialog_and_safe_log_summary(qtbot, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(
        errordialog.UnexpectedErrorDialog,
        "exec",
        lambda self: shown.append(self.details.toPlainText()),
    )
    try:
        raise RuntimeError("BSN 123456782 van Omar")  # personal data in a message
    except RuntimeError as exc:
        summary = errordialog.safe_summary(exc)
        errordialog.show_unexpected_error(exc)
    assert "RuntimeError" in summary and "123456782" not in summary and "Omar" not in summary
    assert shown and "RuntimeError" in shown[0]


def test_damaged_casebook_message(qtbot, make_window, casebook_path):
    snapshot = next(casebook_path.glob("snapshot-*"))
    data = bytearray(snapshot.read_bytes())
    data[len(data) // 2] ^= 0x40
    snapshot.write_bytes(bytes(data))
    window = make_window(casebook_path)
    unlock(qtbot, window)
    assert window.workspace is None
    text = window.unlock_page.error.text()
    assert "beschadigd" in text or "gewijzigd" in text
    assert "wachtwoord" not in text


def test_leaving_a_dirty_form_asks_and_ctrl_l_locks(qtbot, make_window, casebook_path, monkeypatch):
    window = make_window(casebook_path, idle_ms=600_000)
    unlock(qtbot, window)
    ws = window.workspace
    hid = window.session.add("households", {"name": "Familie Tesfay", "status": "azc"})
    ws.open_household(hid)
    form = ws.household.details.form
    form.editor("city").setText("Heuveldal")
    assert ws.household.is_dirty()
    answers = ["cancel", "save"]
    asked: list[str] = []

    def fake_ask(parent, what):
        asked.append(what)
        return answers.pop(0)

    monkeypatch.setattr(widgets, "ask_unsaved", fake_ask)
    monkeypatch.setattr("ui.screens.household.ask_unsaved", fake_ask)
    assert not ws.go("agenda")  # cancelled: the user stays with the typed text
    assert ws.household is not None and form.editor("city").text() == "Heuveldal"
    assert ws.go("agenda")  # saved on the way out
    assert asked == ["het huishouden", "het huishouden"]
    assert window.session.get("households", hid)["city"] == "Heuveldal"
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked
    qtbot.waitUntil(lambda: not window.closing, timeout=10_000)
    unlock(qtbot, window)
    assert window.workspace.current_screen() is window.workspace.agenda


def test_lock_keeps_the_valid_part_of_an_invalid_edit(qtbot, make_window, casebook_path):
    window = make_window(casebook_path, idle_ms=600_000)
    unlock(qtbot, window)
    ws = window.workspace
    hid = window.session.add("households", {"name": "Familie Jama", "status": "azc"})
    pid = window.session.add(
        "persons", {"household_id": hid, "role": "aanvrager", "family_name": "Jama"}
    )
    ws.open_household(hid, "persons", pid)
    form = ws.household.persons.form
    form.editor("given_names").setText("Hodan")
    form.editor("bsn").setText("123456789")  # fails the elfproef
    window.lock(idle=True)
    notice = window.unlock_page.notice.text()
    assert "Gezinsleden" in notice and "klopte niet alles" in notice
    qtbot.waitUntil(lambda: not window.closing, timeout=10_000)
    unlock(qtbot, window)
    person = window.session.get("persons", pid)
    assert person["given_names"] == "Hodan"
    assert not person.get("bsn")


def test_import_json_in_a_worker(qtbot, make_window, casebook_path, tmp_path):
    import json

    from klantapp.casebook import Casebook
    from klantapp.casebook.jsonio import export_document
    from klantapp.vault import KdfParams

    other, _secret = Casebook.create(
        tmp_path / "ander", "nog een andere zin hier", kdf=KdfParams.for_tests()
    )
    from klantapp.casebook import services

    services.add_record(other, "households", {"name": "Familie Nour", "status": "azc"})
    doc = export_document(other)
    other.close()
    good = tmp_path / "export.json"
    good.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    bad = tmp_path / "kapot.json"
    bad.write_text("{niet json", encoding="utf-8")

    window = make_window(casebook_path)
    unlock(qtbot, window)
    ws = window.workspace
    ws.go("settings")
    screen = ws.settings_screen
    screen.start_import(str(bad))
    qtbot.waitUntil(lambda: screen.import_button.isEnabled(), timeout=10_000)
    assert "⚠" in screen.import_status.text()
    screen.start_import(str(good))
    assert not screen.import_button.isEnabled()  # busy, window still responsive
    qtbot.waitUntil(lambda: screen.import_button.isEnabled(), timeout=10_000)
    assert "(1 huishouden)" in screen.import_status.text(), screen.import_status.text()
    ws.go("households")
    assert [r["name"] for r in ws.households.model.rows] == ["Familie Nour"]
