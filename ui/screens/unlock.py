"""Unlock an existing casebook: passphrase, progress while the key is derived, clear errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from klantapp import errors
from klantapp.i18n import _
from ui.session import open_casebook
from ui.tasks import Task, run_task
from ui.widgets import em, heading


def unlock_error_text(exc: BaseException) -> str | None:
    """A distinct message per cause; None for errors that are not ours (unexpected)."""
    if isinstance(exc, errors.WrongPassphrase):
        return _(
            "De wachtwoordzin klopt niet. Let op hoofdletters en op de taal van het toetsenbord, "
            "en probeer het opnieuw."
        )
    if isinstance(exc, errors.CasebookTampered):
        return _(
            "Het dossier is buiten Klantapp om gewijzigd of beschadigd en wordt daarom niet "
            "geopend. Zet een reservekopie terug of neem contact op met het centrale kantoor."
        )
    if isinstance(exc, errors.CasebookDamaged):
        return _(
            "Het dossier is beschadigd en kan niet worden geopend. Zet een reservekopie terug "
            "of neem contact op met het centrale kantoor."
        )
    if isinstance(exc, errors.CasebookInUse):
        return _(
            "Dit dossier is al geopend, in een ander Klantapp-venster of op een andere "
            "computer. Sluit het daar eerst en probeer het dan opnieuw."
        )
    if isinstance(exc, errors.CasebookNotFound):
        return _("Op deze plek staat geen dossier. Kies een ander dossier of maak een nieuw.")
    if isinstance(exc, errors.NotEnoughMemory):
        return _(
            "Er is niet genoeg werkgeheugen om het dossier te openen. Sluit andere programma's "
            "en probeer het opnieuw."
        )
    if isinstance(exc, errors.KlantappError):
        return str(exc)
    return None


def forgot_passphrase_text(path: str) -> str:
    """What a klantmanager does who forgot the passphrase, in plain words."""
    where = path or _("de map van het dossier")
    return _(
        "Bent u de wachtwoordzin vergeten? Er gaat niets verloren: het centrale kantoor kan "
        "een nieuwe wachtwoordzin instellen met de herstelsleutel van dit dossier.\n\n"
        "Wat u doet:\n"
        "1. Bel of mail het centrale kantoor en zeg dat u de wachtwoordzin van uw dossier "
        "kwijt bent.\n"
        "2. Breng de laptop naar het kantoor, of geef het kantoor de map van het dossier "
        "zoals het kantoor u vraagt (bijvoorbeeld op een USB-stick). Die map is:\n"
        "{path}\n"
        "De map is versleuteld: zonder wachtwoordzin of herstelsleutel kan niemand hem lezen.\n"
        "3. Het kantoor zet een nieuwe wachtwoordzin op het dossier en geeft die aan u. Kies "
        "daarna bij Instellingen zelf een nieuwe wachtwoordzin.\n\n"
        "Probeer tot die tijd geen andere dingen met de map: niet verplaatsen, niet "
        "verwijderen."
    ).format(path=where)


def show_forgot_passphrase(parent: QWidget, path: str) -> None:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(_("Wachtwoordzin vergeten"))
    box.setText(forgot_passphrase_text(path))
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.exec()


class UnlockPage(QWidget):
    """Asks for the passphrase and opens the casebook in a worker."""

    unlocked = Signal(object, str)  # Casebook, path
    open_other = Signal()
    create_new = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = ""
        self._task: Task | None = None
        self._busy_reason = ""
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QWidget()
        box.setMaximumWidth(em(self, 70))
        lay = QVBoxLayout(box)
        self.title = heading(_("Dossier ontgrendelen"))
        lay.addWidget(self.title)
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.where)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setObjectName("hint")
        self.notice.hide()
        lay.addWidget(self.notice)
        form = QFormLayout()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(_("Wachtwoordzin"))
        self.passphrase.returnPressed.connect(self.submit)
        form.addRow(_("&Wachtwoordzin"), self.passphrase)
        lay.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("problem")
        self.error.setWordWrap(True)
        self.error.hide()
        self.error.setAccessibleName(_("Foutmelding"))
        lay.addWidget(self.error)
        self.stage = QLabel()
        self.stage.hide()
        lay.addWidget(self.stage)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setAccessibleName(_("Voortgang ontgrendelen"))
        self.progress.hide()
        lay.addWidget(self.progress)
        buttons = QHBoxLayout()
        self.unlock_button = QPushButton(_("Ontgrendelen"))
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.submit)
        buttons.addWidget(self.unlock_button)
        buttons.addStretch(1)
        self.other_button = QPushButton(_("Ander dossier openen…"))
        self.other_button.clicked.connect(self.open_other)
        buttons.addWidget(self.other_button)
        self.new_button = QPushButton(_("Nieuw dossier…"))
        self.new_button.clicked.connect(self.create_new)
        buttons.addWidget(self.new_button)
        lay.addLayout(buttons)
        self.forgot_button = QPushButton(_("Wachtwoordzin vergeten?"))
        self.forgot_button.setFlat(True)
        self.forgot_button.setToolTip(_("Wat u kunt doen als u de wachtwoordzin niet meer weet"))
        self.forgot_button.clicked.connect(lambda: show_forgot_passphrase(self, self.path))
        forgot_row = QHBoxLayout()
        forgot_row.addWidget(self.forgot_button)
        forgot_row.addStretch(1)
        lay.addLayout(forgot_row)
        center = QHBoxLayout()
        center.addStretch(1)
        center.addWidget(box, 3)
        center.addStretch(1)
        outer.addLayout(center)
        outer.addStretch(2)

    def set_path(self, path: str, notice: str = "") -> None:
        self.path = path
        name = Path(path).name or path
        self.where.setText(_("Dossier: {name}").format(name=name) + f"\n{path}")
        self.where.setToolTip(path)
        self.notice.setText(notice)
        self.notice.setVisible(bool(notice))
        self.error.hide()
        self.passphrase.clear()
        self._set_busy(bool(self._busy_reason))

    def set_closing(self, closing: bool) -> None:
        """While the previous session is being closed (after auto-lock), wait."""
        self._busy_reason = "closing" if closing else ""
        self._set_busy(closing)
        self.stage.setText(_("Bezig met vergrendelen…") if closing else "")
        self.stage.setVisible(closing)

    def focus_passphrase(self) -> None:
        self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_busy(self, busy: bool) -> None:
        for w in (self.passphrase, self.unlock_button, self.other_button, self.new_button):
            w.setEnabled(not busy)

    def submit(self) -> None:
        if self._task is not None or self._busy_reason or not self.path:
            return
        secret = self.passphrase.text()
        if not secret:
            self.show_error(_("Vul de wachtwoordzin in."))
            return
        self.error.hide()
        self._set_busy(True)
        self.stage.setText(_("Sleutel afleiden…"))
        self.stage.show()
        self.progress.setValue(0)
        self.progress.show()
        self._task = run_task(
            open_casebook,
            self.path,
            secret,
            owner=self,
            with_progress=True,
            on_progress=self._on_progress,
            on_result=self._on_opened,
            on_error=self._on_failed,
        )

    def _on_progress(self, stage: str, fraction: float) -> None:
        self.stage.setText(_(stage))
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 100))

    def _on_opened(self, cb: Any) -> None:
        self._task = None
        self.passphrase.clear()
        self.progress.hide()
        self.stage.hide()
        self._set_busy(False)
        self.unlocked.emit(cb, self.path)

    def _on_failed(self, exc: BaseException, details: str) -> None:
        self._task = None
        self.progress.hide()
        self.stage.hide()
        self._set_busy(False)
        text = unlock_error_text(exc)
        if text is None:
            from ui.errordialog import show_unexpected_error

            show_unexpected_error(exc, details)
            text = _("Het dossier kon niet worden geopend door een onverwachte fout.")
        self.show_error(text)
        if isinstance(exc, errors.WrongPassphrase):
            self.passphrase.selectAll()
        self.focus_passphrase()

    def show_error(self, text: str) -> None:
        self.error.setText("⚠ " + text)
        self.error.show()

    @property
    def busy(self) -> bool:
        return self._task is not None
