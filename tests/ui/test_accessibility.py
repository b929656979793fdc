"""Keyboard and screen-reader basics: names on buttons and inputs, no fixed pixel sizes."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from .conftest import unlock

ROOT = Path(__file__).resolve().parents[2]


def _buddied(root: QWidget) -> set[int]:
    return {id(label.buddy()) for label in root.findChildren(QLabel) if label.buddy() is not None}


def _unnamed(root: QWidget) -> list[str]:
    problems = []
    buddies = _buddied(root)
    for button in root.findChildren(QAbstractButton):
        if button.objectName().startswith("qt_") or not isinstance(button.parent(), QWidget):
            continue  # Qt's own parts (table corner, tab scrollers) carry their own names
        if type(button.parentWidget()).__name__ in ("QTabBar", "QLineEdit", "QCalendarWidget"):
            continue
        text = re.sub(r"[^\w]", "", button.text())
        if not text and not button.accessibleName():
            problems.append(f"button {button.objectName() or button!r} has no name")
    for kind in (QLineEdit, QComboBox, QPlainTextEdit, QAbstractSpinBox):
        for w in root.findChildren(kind):
            parent = w.parentWidget()
            if isinstance(parent, (QComboBox, QAbstractSpinBox)):
                continue  # the line edit inside an editable combo or spin box
            if not w.accessibleName() and id(w) not in buddies:
                problems.append(f"{type(w).__name__} {w.objectName() or '?'} has no name")
    return problems


def test_every_control_has_a_name(qtbot, make_window, casebook_path):
    window = make_window(casebook_path)
    assert not _unnamed(window.unlock_page)
    window.show_create()
    assert not _unnamed(window.create_page)
    unlock(qtbot, window)
    ws = window.workspace
    hid = window.session.add("households", {"name": "Familie Abdi", "status": "azc"})
    ws.open_household(hid)
    assert not _unnamed(ws), _unnamed(ws)[:5]


def test_restricted_health_fields_hidden_until_asked(qtbot, make_window, casebook_path):
    window = make_window(casebook_path)
    unlock(qtbot, window)
    hid = window.session.add("households", {"name": "Familie Abdi", "status": "azc"})
    pid = window.session.add(
        "persons",
        {
            "household_id": hid,
            "role": "aanvrager",
            "family_name": "Abdi",
            "health_note": "diabetes",
        },
    )
    ws = window.workspace
    ws.open_household(hid, "persons", pid)
    form = ws.household.persons.form
    note = form.editor("health_note")
    assert not note.isVisibleTo(window)
    form.reveal_button.click()
    assert note.isVisibleTo(window) and note.toPlainText() == "diabetes"


def test_no_fixed_pixel_sizes_in_ui_code():
    pattern = re.compile(r"setFixed(Width|Height|Size)\(\s*\d|setMinimum(Width|Height)\(\s*\d")
    offenders = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in (ROOT / "ui").rglob("*.py")
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders


def test_forms_follow_reading_order(qtbot):
    """Tab order = creation order = the order of the fields in records.py."""
    from ui.forms import RecordForm

    form = RecordForm("appointments")
    names = [f.name for f in form.kind.fields if f.name in form.editors]
    layout = form.layout().itemAt(1).layout()
    assert isinstance(layout, QFormLayout)
    order = []
    for row in range(layout.rowCount()):
        item = layout.itemAt(row, QFormLayout.ItemRole.FieldRole)
        cell = item.widget() if item else None
        if cell is None:
            continue
        for name, editor in form.editors.items():
            if cell.isAncestorOf(editor.widget):
                order.append(name)
    assert order == names
