"""Agenda: create, move, record the outcome, cancel."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QMessageBox

from ui.screens.agenda import MoveDialog, NewAppointmentDialog

from .conftest import unlock
from .helpers import on_modal


def test_agenda_create_move_outcome_cancel(qtbot, make_window, casebook_path, monkeypatch):
    window = make_window(casebook_path)
    unlock(qtbot, window)
    session = window.session
    hid = session.add("households", {"name": "Familie Warsame", "status": "traject"})
    session.add("persons", {"household_id": hid, "role": "aanvrager", "family_name": "Warsame"})
    ws = window.workspace
    ws.go("agenda")
    agenda = ws.agenda
    day = date.today() + timedelta(days=3)
    agenda.day = day
    agenda.refresh()

    def fill(dialog):
        assert isinstance(dialog, NewAppointmentDialog)
        dialog.household.setCurrentIndex(dialog.household.findData(hid))
        form = dialog.form
        form.editor("kind").setCurrentIndex(form.editor("kind").findData("voortgang"))
        form.editor("location").setText("")
        dialog.save()  # location is required: shown beside the field, dialog stays open
        assert form.problem_text("location")
        form.editor("location").setText("Gemeentehuis")
        dialog.save()

    on_modal(fill)
    agenda.new_button.click()
    assert agenda.model.rowCount() == 1
    row = agenda.model.rows[0]
    assert row["starts_at"].startswith(day.isoformat())
    assert row["household_name"] == "Familie Warsame"

    # move to the next day at 14:00
    agenda.table.selectRow(0)
    target = QDateTime.fromString(
        f"{(day + timedelta(days=1)).isoformat()}T14:00", "yyyy-MM-ddTHH:mm"
    )

    def move(dialog):
        assert isinstance(dialog, MoveDialog)
        dialog.when.setDateTime(target)
        dialog.accept()

    on_modal(move)
    agenda.move_button.click()
    assert agenda.model.rowCount() == 0  # no longer on this day
    agenda.week_radio.setChecked(True)
    agenda.day = day + timedelta(days=1)
    agenda.refresh()
    assert [r["starts_at"][11:] for r in agenda.model.rows] == ["14:00"]

    agenda.table.selectRow(0)
    agenda.missed_button.click()
    assert session.get("appointments", row["id"])["outcome"] == "niet_verschenen"
    assert "Opgeslagen" in agenda.status.text()

    monkeypatch.setattr(QMessageBox, "exec", lambda self: None)
    monkeypatch.setattr(QMessageBox, "clickedButton", lambda self: self.buttons()[0])
    agenda.table.selectRow(0)
    agenda.cancel_button.click()
    assert session.get("appointments", row["id"])["outcome"] == "geannuleerd"
