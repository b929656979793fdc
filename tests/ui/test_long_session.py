"""A working day in one session: the real screens driven through more than 20,000 widget
updates (open households, type and save brede intakes, switch tabs, edit members,
search) without a crash, and everything saved is there at the end (issue 7).

Widget updates are counted at the Python-to-Qt boundary, where the PySide6 6.12 /
Python 3.11 combination lost a reference to None on every call that returns nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from klantapp.domain.records import LEEFGEBIEDEN

from .conftest import unlock

WIDGET_UPDATES = 20_000

_COUNTED: tuple[tuple[type, str], ...] = (
    (QLabel, "setText"),
    (QLineEdit, "setText"),
    (QPlainTextEdit, "setPlainText"),
    (QComboBox, "setCurrentIndex"),
    (QAbstractItemView, "setCurrentIndex"),
    (QWidget, "setVisible"),
    (QWidget, "setEnabled"),
    (QWidget, "setToolTip"),
)


@pytest.fixture
def counted_updates(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    counter = [0]
    for cls, name in _COUNTED:
        original = getattr(cls, name)

        def counting(self: Any, *args: Any, _original: Callable[..., Any] = original) -> Any:
            counter[0] += 1
            return _original(self, *args)

        monkeypatch.setattr(cls, name, counting)
    return counter


@pytest.mark.slow
def test_a_long_session_of_real_work_does_not_crash(
    qtbot, make_window, casebook_path, counted_updates
):
    window = make_window(casebook_path, idle_ms=3_600_000)
    unlock(qtbot, window)
    session = window.session
    families = []
    for n in range(3):
        families.append(
            session.save_household(
                {"name": f"Familie {n}", "status": "gehuisvest"},
                [
                    {
                        "role": "aanvrager" if i == 0 else "kind",
                        "family_name": f"F{n}",
                        "given_names": g,
                    }
                    for i, g in enumerate(("Omar", "Mariam", "Lina", "Sami"))
                ],
            )
        )
    ws = window.workspace
    rounds = 0
    while counted_updates[0] < WIDGET_UPDATES:
        hid, pids = families[rounds % len(families)]
        assert ws.open_household(hid)
        screen = ws.household
        screen.set_tab("intake")
        grid = screen.intake
        grid.date_choice.setCurrentIndex(grid.date_choice.findData(""))  # a new intake
        grid.new_date.setText(f"{1 + rounds % 28:02d}-10-2026")
        grid.table.setFocus()
        for row in range(len(LEEFGEBIEDEN)):
            for col in range(len(pids)):
                grid.table.setCurrentIndex(grid.model.index(row, col))
                qtbot.keyClick(grid.table, str(1 + (row + col + rounds) % 5))
        assert grid.save(), grid.status.text()
        for tab in (
            "household",
            "persons",
            "warm_handovers",
            "pips",
            "appointments",
            "referrals",
            "handhaving",
            "duo_decisions",
            "notes",
            "timeline",
            "intake",
        ):
            screen.set_tab(tab)
        screen.set_tab("persons")
        members = screen.persons
        members.select(pids[rounds % len(pids)])
        members.form.editor("given_names").setText(f"Naam {rounds}")
        assert members.save(), members.status.text()
        ws.go("households")
        ws.households.search.setText("Naam")
        ws.households.search.clear()
        ws.go("today")
        ws.go("agenda")
        rounds += 1
        assert rounds < 200, "the session does not reach the number of updates"
    assert counted_updates[0] >= WIDGET_UPDATES
    for hid, _pids in families:
        scores = session.household_detail(hid)["intake_scores"]
        assert len(scores) >= 64 and all(1 <= s["score"] <= 5 for s in scores)
    assert not ws.is_dirty()
