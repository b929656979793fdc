"""Generated forms: repeated fields, dates, the mouse wheel."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QScrollArea

from ui.forms import RecordForm, format_date, working_slot
from ui.widgets import DateLineEdit, install_wheel_guard

from .conftest import unlock


def test_werkervaring_is_an_editable_list_that_saves(qtbot, make_window, casebook_path):
    window = make_window(casebook_path, idle_ms=600_000)
    unlock(qtbot, window)
    session = window.session
    hid = session.add("households", {"name": "Familie Yilmaz", "status": "azc"})
    pid = session.add(
        "persons",
        {
            "household_id": hid,
            "role": "aanvrager",
            "family_name": "Yılmaz",
            "work_history": [{"role": "Kapper", "country": "Turkije", "years": 6}],
        },
    )
    ws = window.workspace
    ws.open_household(hid, "persons", pid)
    members = ws.household.persons
    editor = members.form.editors["work_history"]
    assert len(editor.rows) == 1  # the first job is shown, and so will every other be
    editor.add_button.click()
    editor.rows[1][1]["role"].setText("Bakker")
    editor.rows[1][1]["country"].setText("Nederland")
    editor.rows[1][1]["years"].setText("2")
    editor.add_button.click()
    editor.rows[2][1]["role"].setText("Schoonmaker")
    assert members.is_dirty()
    editor._move_up(editor.rows[1][0])  # Bakker first
    qtbot.waitUntil(lambda: editor.rows[0][1]["role"].text() == "Bakker")
    editor._remove(editor.rows[2][0])  # Schoonmaker gone
    assert members.save(), members.status.text()
    stored = session.get("persons", pid)["work_history"]
    assert stored == [
        {"role": "Bakker", "country": "Nederland", "years": 2},
        {"role": "Kapper", "country": "Turkije", "years": 6},
    ]
    assert "een lijst" not in members.status.text()
    # an entry with a wrong number is refused with its line named
    editor.rows[0][1]["years"].setText("x")
    assert not members.save()
    assert "1:" in members.form.problem_text("work_history")


def test_a_single_object_for_a_repeated_field_is_its_only_entry():
    from klantapp.domain.validate import validate_record

    values, problems = validate_record(
        "persons", {"work_history": {"role": "Kapper", "years": 3}}, partial=True
    )
    assert not problems
    assert values["work_history"] == [{"role": "Kapper", "years": 3}]


def _wheel(widget, delta: int = -120) -> None:
    pos = QPointF(widget.rect().center())
    event = QWheelEvent(
        pos,
        QPointF(widget.mapToGlobal(QPoint(int(pos.x()), int(pos.y())))),
        QPoint(0, 0),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_the_wheel_scrolls_the_form_and_changes_a_field_only_with_focus(qtbot):
    install_wheel_guard()
    form = RecordForm("persons")
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(form)
    scroll.resize(600, 300)
    qtbot.addWidget(scroll)
    scroll.show()
    qtbot.waitExposed(scroll)
    combo = form.editor("role")
    assert isinstance(combo, QComboBox)
    assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus  # the wheel never focuses it
    before = combo.currentIndex()
    bar = scroll.verticalScrollBar()
    assert bar.maximum() > 0
    _wheel(combo)
    assert combo.currentIndex() == before  # unchanged: the form scrolled instead
    assert bar.value() > 0
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    _wheel(combo)
    assert combo.currentIndex() != before


def test_dates_accept_the_brp_form_and_say_the_same_formats_everywhere(qtbot):
    form = RecordForm("persons")
    birth = form.editor("birth_date")
    assert isinstance(birth, DateLineEdit)
    birth.setText("00-03-1984")
    assert form.values()["birth_date"] == "1984-03"
    birth.setText("00-00-1984")
    assert form.values()["birth_date"] == "1984"
    form.set_value("birth_date", "1984-03")
    assert birth.text() == "00-03-1984"  # shown in the form it is typed in
    # placeholder and help name the same forms
    assert "00-MM-JJJJ" in birth.placeholderText() and "00-MM-JJJJ" in birth.toolTip()
    assert birth.placeholderText().split(" ")[0] in birth.toolTip()
    date_field = form.editor("permit_date")
    assert date_field.placeholderText() == "DD-MM-JJJJ"
    assert "DD-MM-JJJJ" in date_field.toolTip()
    date_field.setText("15-02-26")  # two digits: only 2026 is possible for such a date
    assert form.values()["permit_date"] == "2026-02-15"
    birth.setText("15-02-84")  # 1984 or 2084? refused, with the reason
    with pytest.raises(ValueError):
        form.values()
    assert "vier cijfers" in form.problem_text("birth_date")


def test_a_date_can_be_picked_from_a_calendar(qtbot):
    edit = DateLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    edit.setText("10-03-2026")
    edit.calendar_action.trigger()
    calendar = edit.calendar
    assert calendar is not None and calendar.selectedDate().day() == 10
    calendar.setSelectedDate(calendar.selectedDate().addDays(5))
    calendar.activated.emit(calendar.selectedDate())
    assert edit.text() == "15-03-2026"


def test_a_new_appointment_starts_at_a_working_hour():
    evening = datetime(2026, 11, 20, 22, 30)  # a Friday night
    assert working_slot(now=evening) == "2026-11-23T10:00"  # Monday morning
    morning = datetime(2026, 11, 18, 7, 5)
    assert working_slot(now=morning) == "2026-11-18T09:00"
    noon = datetime(2026, 11, 18, 11, 40)
    assert working_slot(now=noon) == "2026-11-18T12:00"
    assert working_slot(date(2026, 12, 1)) == "2026-12-01T10:00"
    form = RecordForm("appointments")
    form.set_record(None, {})
    hour = int(form.values()["starts_at"][11:13])
    assert 9 <= hour <= 16


def test_format_date_shows_partial_dates_with_zeros():
    assert format_date("1984-03") == "00-03-1984"
    assert format_date("1984") == "00-00-1984"
    assert format_date("1984-03-14") == "14-03-1984"


def test_the_pip_form_records_the_integratieroute(qtbot, make_window, casebook_path):
    window = make_window(casebook_path, idle_ms=600_000)
    unlock(qtbot, window)
    session = window.session
    hid = session.add("households", {"name": "Familie Haile", "status": "traject"})
    pid = session.add("persons", {"household_id": hid, "role": "aanvrager", "family_name": "H"})
    pip = session.add(
        "pips",
        {
            "household_id": hid,
            "person_id": pid,
            "version": 1,
            "status": "concept",
            "leerroute": "z",
        },
    )
    ws = window.workspace
    ws.open_household(hid, "pips", pip)
    pips = ws.household.pips
    combo = pips.form.editor("integratieroute")
    assert isinstance(combo, QComboBox)
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert {"Direct naar werk", "Via onderwijs", "Activering"} <= set(labels)
    combo.setCurrentIndex(labels.index("Activering"))
    assert pips.save(), pips.status.text()
    assert session.get("pips", pip)["integratieroute"] == "activering"
