"""Helpers to drive the client as a user would."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget


def on_modal(fn: Callable[[QWidget], None], *, tries: int = 200) -> None:
    """Run ``fn(dialog)`` once a modal dialog is open (for code that calls ``exec()``)."""

    def check(left: int = tries) -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None:
            fn(modal)
        elif left > 0:
            QTimer.singleShot(10, lambda: check(left - 1))

    QTimer.singleShot(0, check)


def reactivate(qtbot, window: QWidget) -> None:  # type: ignore[no-untyped-def]
    """Offscreen has no window manager: give the main window focus back after a dialog."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2_000)
