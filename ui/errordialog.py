"""Unexpected errors: say what happened and what to do, with details to copy.

Nothing is sent anywhere. The log gets only the kind of error and where it happened
(file and line), never the message or values, which may hold personal data; the
dialog shows the full details only to the person at the screen, who may copy them.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from klantapp import __version__
from klantapp.i18n import _

log = logging.getLogger("klantapp.ui")


def safe_summary(exc: BaseException) -> str:
    """Error kind and innermost frames, without the message (which may hold personal data)."""
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in reversed(frames))
    return f"{type(exc).__name__} at {where or '?'}"


class UnexpectedErrorDialog(QDialog):
    def __init__(self, exc: BaseException, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Er ging iets mis"))
        layout = QVBoxLayout(self)
        what = QLabel(
            _(
                "Klantapp liep tegen een onverwachte fout aan. Wat u als laatste zag als "
                "'Opgeslagen' staat veilig op schijf."
            )
        )
        what.setWordWrap(True)
        todo = QLabel(
            _(
                "Wat u kunt doen: controleer of uw laatste wijziging is opgeslagen en probeer "
                "het opnieuw. Gebeurt het nog eens, sluit Klantapp dan af en start opnieuw. "
                "Blijft het gebeuren, kopieer dan de details hieronder en geef ze aan uw "
                "functioneel beheerder. Klantapp verstuurt zelf niets."
            )
        )
        todo.setWordWrap(True)
        layout.addWidget(what)
        layout.addWidget(todo)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName(_("Technische details"))
        self.details.setPlainText(f"Klantapp {__version__}\n{details.strip()}")
        fm = self.fontMetrics()
        self.details.setMinimumSize(fm.averageCharWidth() * 70, fm.lineSpacing() * 10)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton(_("Details kopiëren"))
        copy.clicked.connect(self.copy_details)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())


_showing = False


def show_unexpected_error(exc: BaseException, details: str | None = None) -> None:
    """Log a safe summary and show the dialog (at most one at a time)."""
    global _showing
    log.error("unexpected error: %s", safe_summary(exc))
    if details is None:
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    if _showing or QApplication.instance() is None:
        return
    _showing = True
    try:
        UnexpectedErrorDialog(exc, details, QApplication.activeWindow()).exec()
    finally:
        _showing = False


def install_excepthook() -> None:
    """Route uncaught exceptions in slots and callbacks to the dialog."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        show_unexpected_error(exc, details)

    sys.excepthook = hook
