"""The AVG duties in the client, as a klantmanager does them: record an inzage request
and make the inzage (restricted health data only after a confirmation), correct a
record received in error, withdraw one, look at the retention periods and run a
destruction, and set the gemeente's choices (the office's, on a laptop)."""

from __future__ import annotations

import json
import os
import stat
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from klantapp.avg.inzage import requests as inzage_requests
from klantapp.avg.log import audit_entries
from klantapp.domain.privacy import RETENTION_RULES, inzage_deadline
from tests.sync.world import World
from tests.ui.test_sync import open_workspace, world  # noqa: F401 (fixtures)
from ui.correction import CorrectionDialog, WithdrawDialog
from ui.inzage import InzageDialog

from .conftest import unlock
from .helpers import on_modal


def _family(session: Any, *, status: str = "traject") -> tuple[str, str]:
    hid = session.add("households", {"name": "Familie Tesfay", "status": status})
    pid = session.add(
        "persons",
        {
            "household_id": hid,
            "role": "aanvrager",
            "family_name": "Tesfay",
            "given_names": "Foutnaam",
            "health_restricted": True,
            "health_note": "Zqxgezondheid",
        },
    )
    return hid, pid


def _household(qtbot: Any, make_window: Any, casebook_path: Path) -> tuple[Any, str, str]:
    window = make_window(casebook_path)
    unlock(qtbot, window)
    hid, pid = _family(window.session)
    ws = window.workspace
    assert ws.open_household(hid, "persons", pid)
    return window, hid, pid


def test_record_an_inzage_request_and_answer_it_with_the_inzage(
    qtbot, make_window, casebook_path, tmp_path, monkeypatch
):
    window, _hid, pid = _household(qtbot, make_window, casebook_path)
    screen = window.workspace.household
    editor = screen.persons
    actions = [a.text().replace("&", "") for a in editor.avg_button.menu().actions()]
    assert actions[:2] == ["Inzageverzoek vastleggen…", "Inzage maken…"]
    received = date.today() - timedelta(days=10)

    def fill_request(dialog: Any) -> None:
        dialog.received.edit.setText((date.today() + timedelta(days=3)).strftime("%d-%m-%Y"))
        assert not dialog.record()  # a request cannot come in tomorrow
        assert "toekomst" in dialog.received.problem.text()
        dialog.received.edit.setText(received.strftime("%d-%m-%Y"))
        assert "Uiterlijk beantwoorden" in dialog.received.deadline.text()
        dialog.record()

    on_modal(fill_request)
    assert screen.record_request(editor)
    session = window.session
    due = [i for i in session.due_items(date.today()) if i.rule == "avg_inzage"]
    assert [(i.person_id, i.due_on) for i in due] == [(pid, inzage_deadline(received))]
    ws = window.workspace
    assert ws.go("today")
    today = ws.today
    row = next(i for i, r in enumerate(today.due_model.rows) if r["rule"] == "avg_inzage")
    today._activated(today.due_model.index(row, 0))  # opens the member who asked
    assert ws.household.tab_name() == "persons" and ws.household.persons.current_id == pid

    # the inzage, with the restricted health data: only after the confirmation
    dialog = InzageDialog(session, session.get("persons", pid))
    qtbot.addWidget(dialog)
    assert "Open verzoek" in dialog.request_text.text()
    target = tmp_path / "uit" / "inzage.pdf"
    target.parent.mkdir()
    monkeypatch.setattr("ui.inzage.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), ""))
    asked: list[str] = []
    answers = iter([False, True])
    monkeypatch.setattr(
        InzageDialog, "confirm_restricted", lambda self: asked.append("?") or next(answers)
    )
    dialog.restricted.setChecked(True)
    assert not dialog.make()  # not confirmed: nothing made, nothing saved
    assert not target.exists() and session.open_inzage_requests(pid)
    assert dialog.make()
    qtbot.waitUntil(lambda: not dialog.working, timeout=20_000)
    assert len(asked) == 2
    assert target.read_bytes().startswith(b"%PDF")
    doc = json.loads(target.with_suffix(".json").read_text(encoding="utf-8"))
    assert doc["restricted_included"] is True and "Zqxgezondheid" in json.dumps(doc)
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "Inzage opgeslagen" in dialog.status.text()
    assert session.open_inzage_requests(pid) == []
    actions_logged = [e["action"] for e in audit_entries(session.cb)]
    assert "restricted_read" in actions_logged and "inzage" in actions_logged
    dialog.buttons.buttons()[0].click()  # Sluiten
    assert not dialog.isVisible()


def test_an_inzage_without_a_request_records_one_and_leaves_health_data_out(
    qtbot, make_window, casebook_path, tmp_path, monkeypatch
):
    window, _hid, pid = _household(qtbot, make_window, casebook_path)
    session = window.session
    dialog = InzageDialog(session, session.get("persons", pid))
    qtbot.addWidget(dialog)
    assert dialog.received is not None  # no open request: asks when it came in
    target = tmp_path / "inzage"
    monkeypatch.setattr("ui.inzage.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog.with_json.setChecked(False)
    assert dialog.make()
    qtbot.waitUntil(lambda: not dialog.working, timeout=20_000)
    pdf = tmp_path / "inzage.pdf"
    assert pdf.exists() and not (tmp_path / "inzage.json").exists()
    requests = inzage_requests(session.cb)
    assert len(requests) == 1 and requests[0]["answered_on"] == date.today().isoformat()
    assert "restricted_read" not in [e["action"] for e in audit_entries(session.cb)]


def test_a_correction_names_what_is_wrong_and_then_corrects(qtbot, make_window, casebook_path):
    window, hid, pid = _household(qtbot, make_window, casebook_path)
    session = window.session
    dialog = CorrectionDialog(session, "persons", session.get("persons", pid))
    qtbot.addWidget(dialog)
    assert not dialog.correct()  # nothing changed, no reason, no source
    assert "Verander eerst" in dialog.form.general_problem.text()
    assert not dialog.reasons.problems["reason"].isHidden()
    assert not dialog.reasons.problems["source"].isHidden()
    dialog.form.set_value("bsn", "123456788")  # fails the elfproef: the core says so
    dialog.reasons.reason.setText("COA-profiel van iemand anders")
    dialog.reasons.source.setCurrentIndex(dialog.reasons.source.findData("coa"))
    assert dialog.correct()
    qtbot.waitUntil(lambda: not dialog.working, timeout=20_000)
    assert "elfproef" in dialog.form.problem_text("bsn")
    assert session.get("persons", pid).get("bsn") is None
    dialog.form.set_value("bsn", None)
    dialog.form.set_value("given_names", "Juistnaam")
    dialog.reasons.reason.setText("foutnaam kwam van het COA")  # names the old value
    assert dialog.correct()
    qtbot.waitUntil(lambda: not dialog.working, timeout=20_000)
    assert "noemt een waarde" in dialog.reasons.problems["reason"].text()
    assert session.get("persons", pid)["given_names"] == "Foutnaam"
    dialog.reasons.reason.setText("COA-profiel van iemand anders")
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        assert dialog.correct()
    assert dialog.changed == ["given_names"]
    assert session.get("persons", pid)["given_names"] == "Juistnaam"
    assert session.search("Foutnaam") == []
    timeline = json.dumps(session.timeline(hid), ensure_ascii=False)
    assert "Foutnaam" not in timeline


def test_correct_and_withdraw_from_the_household_screen(qtbot, make_window, casebook_path):
    window, hid, pid = _household(qtbot, make_window, casebook_path)
    session = window.session
    decision = session.add(
        "duo_decisions",
        {
            "household_id": hid,
            "person_id": pid,
            "date": "2026-04-01",
            "kind": "verlenging",
            "period_months": 6,
            "document_number": "DUO-778",
        },
    )
    screen = window.workspace.household
    screen.show_record("duo_decisions", decision)
    editor = screen.decisions
    assert editor.current_id == decision
    labels = [a.text().replace("&", "") for a in editor.avg_button.menu().actions()]
    assert labels == ["Corrigeren…", "Intrekken…"]

    def correct(dialog: Any) -> None:
        assert dialog.reasons.source.currentData() == "duo"  # suggested for a DUO decision
        dialog.form.set_value("document_number", "DUO-779")
        dialog.reasons.reason.setText("Nummer verkeerd doorgegeven")
        dialog.correct()

    on_modal(correct)
    assert screen.correct(editor)
    assert session.get("duo_decisions", decision)["document_number"] == "DUO-779"
    assert "Gecorrigeerd" in editor.status.text()

    def withdraw(dialog: Any) -> None:
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled()  # first: I understand this cannot be undone
        dialog.sure.setChecked(True)
        assert ok.isEnabled()
        dialog.reasons.reason.setText("Besluit over een andere klant")
        ok.click()

    on_modal(withdraw)
    assert screen.withdraw(editor)
    assert session.get("duo_decisions", decision) is None
    assert editor.current_id is None and editor.model.rows == []
    assert "Ingetrokken" in editor.status.text()
    texts = [e["what"] for e in audit_entries(session.cb) if e["action"] == "correction"]
    assert len(texts) == 2 and any("ingetrokken" in t for t in texts)
    assert not any("DUO-77" in t for t in texts)  # no value of the record


def test_withdrawing_a_member_says_what_goes_along(qtbot, make_window, casebook_path):
    window, _hid, pid = _household(qtbot, make_window, casebook_path)
    session = window.session
    session.save_pip(pid, {"status": "concept", "leerroute": "b1"})
    dialog = WithdrawDialog(session, "persons", session.get("persons", pid))
    qtbot.addWidget(dialog)
    assert "1 pip" in dialog.along.text().lower()
    dialog.sure.setChecked(True)
    assert not dialog.withdraw()  # no source chosen
    assert not dialog.reasons.problems["source"].isHidden()
    dialog.reasons.source.setCurrentIndex(dialog.reasons.source.findData("coa"))
    dialog.reasons.reason.setText("Geen lid van dit huishouden")
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        assert dialog.withdraw()
    assert dialog.counts == {"persons": 1, "pips": 1}
    assert session.get("persons", pid) is None


def test_bewaartermijnen_shows_the_rules_and_destroys_after_typing_the_number(
    qtbot, make_window, casebook_path
):
    window = make_window(casebook_path)
    unlock(qtbot, window)
    session = window.session
    keep, _p = _family(session)
    gone, _q = _family(session, status="afgerond")
    ws = window.workspace
    assert ws.go("retention")
    screen = ws.retention
    assert len(screen.rules_model.rows) == len(RETENTION_RULES)
    appointments = next(r for r in screen.rules_model.rows if r["kind"] == "appointments")
    assert appointments["choice_text"].startswith("2, 5, 10 jaar") and appointments["basis"]
    qtbot.waitUntil(lambda: not screen.busy, timeout=10_000)
    assert "niets aan de beurt" in screen.due_text.text()
    assert not screen.destroy_button.isEnabled()
    later = date.today() + timedelta(days=11 * 366)
    screen.on_edit.setDate(QDate(later.year, later.month, later.day))
    screen.look_button.click()
    qtbot.waitUntil(lambda: screen.destroy_button.isEnabled(), timeout=10_000)
    assert "1 huishouden geheel" in screen.due_text.text()
    n = len(screen.plan.rows)
    assert {r["kind"] for r in screen.due_model.rows} >= {"households", "persons"}

    def confirm(dialog: Any) -> None:
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        dialog.typed.setText(str(n + 1))
        assert not ok.isEnabled()
        dialog.typed.setText(str(n))
        assert ok.isEnabled()
        ok.click()

    on_modal(confirm)
    assert screen.ask_destroy()
    assert not screen.progress.isHidden()  # the run goes on off the UI thread
    qtbot.waitUntil(lambda: "Vernietigd" in screen.result_text.text(), timeout=30_000)
    assert session.get("households", gone) is None
    assert session.get("households", keep) is not None
    qtbot.waitUntil(lambda: not screen.busy, timeout=10_000)
    [line] = screen.log_model.rows
    assert line["total"] == str(n) and line["households"] == "1"
    assert "Tesfay" not in json.dumps(screen.log_model.rows)
    assert not screen.destroy_button.isEnabled()  # nothing left to do


def test_a_destruction_that_changed_meanwhile_is_not_run(qtbot, make_window, casebook_path):
    window = make_window(casebook_path)
    unlock(qtbot, window)
    session = window.session
    gone, _p = _family(session, status="afgerond")
    ws = window.workspace
    assert ws.go("retention")
    screen = ws.retention
    later = date.today() + timedelta(days=11 * 366)
    screen.on_edit.setDate(QDate(later.year, later.month, later.day))
    screen.look_button.click()
    qtbot.waitUntil(lambda: screen.destroy_button.isEnabled(), timeout=10_000)
    _family(session, status="afgerond")  # e.g. a sync brought another closed dossier
    assert screen.destroy_confirmed()
    qtbot.waitUntil(lambda: "veranderd" in screen.progress_text.text(), timeout=20_000)
    assert session.get("households", gone) is not None


def test_the_gemeentes_choices_in_instellingen(qtbot, make_window, casebook_path):
    window = make_window(casebook_path)
    unlock(qtbot, window)
    ws = window.workspace
    assert ws.go("settings")
    box = ws.settings_screen.choices
    combo = box.years["appointments"]
    assert combo.currentData() == 2 and "standaard" in combo.currentText()
    assert not box.small_numbers.isChecked()
    combo.setCurrentIndex(combo.findData(5))
    box.small_numbers.setChecked(True)
    assert ws.settings_screen.is_dirty()
    assert ws.settings_screen.save()
    session = window.session
    assert session.get_setting("retention")["appointments"] == 5
    assert session.get_setting("monitor") == {"show_small_numbers": True}
    assert not ws.settings_screen.is_dirty()
    assert ws.go("retention")
    row = next(r for r in ws.retention.rules_model.rows if r["kind"] == "appointments")
    assert row["kept"] == "5 jaar"


def test_on_a_laptop_the_choices_are_the_offices(
    qtbot,
    world: World,  # noqa: F811
    open_workspace,  # noqa: F811
):
    anna = world.add_laptop("anna")
    world.hub.set_setting("retention", {"notes": 10})
    world.settle()
    ws = open_workspace(anna)
    assert ws.go("settings")
    box = ws.settings_screen.choices
    assert not box.office_note.isHidden()
    assert not box.years["notes"].isEnabled() and not box.save_button.isEnabled()
    assert box.years["notes"].currentData() == 10
    assert ws.go("retention")
    assert "centrale kantoor" in ws.retention.choices_note.text()


@pytest.fixture(autouse=True)
def _no_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A message box would wait for a click: fail instead of hanging."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"unexpected message box: {args[2] if len(args) > 2 else args}")

    for name in ("warning", "information", "critical", "question"):
        monkeypatch.setattr(QMessageBox, name, refuse)
