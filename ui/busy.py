"""A dialog whose action runs off the GUI thread (through :func:`ui.tasks.run_task`):
a busy bar and a status line under its content, its buttons greyed while it works.

Used by the AVG dialogs (inzage, correction, withdrawal, destruction): each of them
writes a change and compacts the casebook, which takes seconds on a large one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from klantapp.errors import InvalidInput, KlantappError
from klantapp.i18n import _
from ui.tasks import Task, run_task
from ui.widgets import StatusLine, dialog_buttons


class BusyDialog(QDialog):
    """Put the content in :attr:`body`, call :meth:`add_buttons` once, and start the
    work with :meth:`run`. While it runs, the dialog cannot be closed: the result must
    reach the screens (they refresh on it)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        outer = QVBoxLayout(self)
        self.body = QVBoxLayout()
        outer.addLayout(self.body)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the core reports no steps for this work
        self.progress.setAccessibleName(title)
        self.progress.hide()
        outer.addWidget(self.progress)
        self.status = StatusLine()
        self.status.setWordWrap(True)
        outer.addWidget(self.status)
        self.buttons: QDialogButtonBox | None = None
        self._outer = outer
        self.task: Task | None = None

    def explain(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        self.body.addWidget(label)
        return label

    def add_buttons(self, ok_text: str, on_ok: Callable[[], object]) -> QDialogButtonBox:
        self.buttons = dialog_buttons(self, ok_text, on_ok)
        self._outer.addWidget(self.buttons)
        return self.buttons

    def finish(self, text: str) -> None:
        """The work is done: say so, and leave one button, Sluiten."""
        self.status.setProperty("state", "saved")
        self.status.setText("✓ " + text)
        if self.buttons is not None:
            self.buttons.accepted.disconnect()
            self.buttons.clear()
            close = self.buttons.addButton(_("Sluiten"), QDialogButtonBox.ButtonRole.AcceptRole)
            self.buttons.accepted.connect(self.accept)
            close.setDefault(True)
            close.setFocus()

    @property
    def working(self) -> bool:
        return self.task is not None and not self.task.done

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        busy_text: str,
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], bool] | None = None,
        **kwargs: Any,
    ) -> None:
        """Run ``fn`` in a worker; ``on_result`` in the GUI thread after it. An error
        goes to ``on_error`` first (True: it was shown), then: a KlantappError in the
        status line, anything else in the unexpected-error dialog."""
        self._set_working(True, busy_text)

        def done(result: Any) -> None:
            self._set_working(False, "")
            on_result(result)

        def failed(exc: BaseException, details: str) -> None:
            self._set_working(False, "")
            if on_error is not None and on_error(exc):
                return
            if isinstance(exc, InvalidInput):
                self.status.problem("; ".join(p.message for p in exc.problems))
            elif isinstance(exc, KlantappError):
                self.status.problem(str(exc))
            else:
                from ui.errordialog import show_unexpected_error

                show_unexpected_error(exc, details)
                self.status.problem(_("Er ging iets onverwachts mis; zie de melding."))

        self.task = run_task(fn, *args, owner=self, on_result=done, on_error=failed, **kwargs)

    def _set_working(self, working: bool, text: str) -> None:
        self.progress.setVisible(working)
        if self.buttons is not None:
            self.buttons.setEnabled(not working)
        for child in self.findChildren(QWidget):
            if child.property("input") is True:
                child.setEnabled(not working)
        if working:
            self.status.blank()
            self.status.setText(text)

    def reject(self) -> None:
        if not self.working:
            super().reject()
