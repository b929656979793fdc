"""First run: create a casebook or open an existing one.

Creating asks for the location, the passphrase twice (with strength feedback, the
core's one passphrase policy) and the recovery key. The normal path is the central
office's public age key ("age1…"). Without one, Klantapp makes a key pair and saves
the secret half where the klantmanager chooses, never by default on the laptop: the
secret opens the whole casebook, so it belongs on a USB stick for the central office.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from klantapp import errors
from klantapp.domain import passphrase as strength
from klantapp.i18n import _
from ui.session import create_casebook
from ui.tasks import Task, run_task
from ui.widgets import em, heading

AGE_PUBLIC_KEY = re.compile(r"^age1[02-9ac-hj-np-z]{58}$")


def default_casebook_dir() -> Path:
    docs = Path.home() / "Documenten"
    if not docs.is_dir():
        docs = Path.home() / "Documents"
    if not docs.is_dir():
        docs = Path.home()
    return docs / "Klantapp-dossier"


def write_secret_file(path: Path, secret: str, casebook_path: str) -> None:
    """Write the recovery secret as an age identity file (what ``klantapp recover`` and
    ``age -d -i`` read): mode 0600 before any data, fsync, rename. (The vault modules
    are imported here, not at start: the first screen must appear fast.)"""
    from klantapp.vault.fsio import replace_file_atomically
    from klantapp.vault.recovery import secret_file_text

    text = secret_file_text(secret, Path(casebook_path).name)
    replace_file_atomically(path, text.encode("utf-8"))


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


class StartPage(QWidget):
    """Shown when there is no casebook yet (or the last one is gone)."""

    create_new = Signal()
    open_existing = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QWidget()
        box.setMaximumWidth(em(self, 80))
        lay = QVBoxLayout(box)
        lay.addWidget(heading(_("Welkom bij Klantapp")))
        intro = QLabel(
            _(
                "Klantapp bewaart uw dossiers versleuteld op deze computer en werkt zonder "
                "internet. Maak een nieuw dossier of open een dossier dat u al heeft."
            )
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(_("Nieuw dossier maken"))
        self.new_button.setDefault(True)
        self.new_button.clicked.connect(self.create_new)
        self.open_button = QPushButton(_("Bestaand dossier openen…"))
        self.open_button.clicked.connect(self.open_existing)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 3)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)


class CreatePage(QWidget):
    """Create a new casebook; the slow part (key derivation) runs in a worker."""

    created = Signal(object, str)  # Casebook, path
    cancelled = Signal()

    def __init__(self, kdf: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kdf = kdf  # tests pass KdfParams.for_tests(); None lets the core calibrate
        self._task: Task | None = None
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        outer.addWidget(scroll)
        inner = QWidget()
        scroll.setWidget(inner)
        lay = QVBoxLayout(inner)
        lay.addWidget(heading(_("Nieuw dossier maken")))

        form = QFormLayout()
        self.location = QLineEdit(str(default_casebook_dir()))
        self.location.setAccessibleName(_("Map van het dossier"))
        browse = QPushButton(_("Bladeren…"))
        browse.setAccessibleName(_("Map van het dossier kiezen"))
        browse.clicked.connect(self._browse_location)
        loc_row = QHBoxLayout()
        loc_row.addWidget(self.location, 1)
        loc_row.addWidget(browse)
        loc_label = QLabel(_("&Map van het dossier"))
        loc_label.setBuddy(self.location)
        form.addRow(loc_label, loc_row)

        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(_("Wachtwoordzin"))
        self.passphrase.textChanged.connect(self._update_strength)
        form.addRow(_("&Wachtwoordzin"), self.passphrase)
        self.strength_bar = QProgressBar()
        self.strength_bar.setRange(0, 4)
        self.strength_bar.setTextVisible(False)
        self.strength_bar.setAccessibleName(_("Sterkte van de wachtwoordzin"))
        self.strength_label = QLabel()
        self.strength_label.setWordWrap(True)
        strength_row = QVBoxLayout()
        strength_row.addWidget(self.strength_bar)
        strength_row.addWidget(self.strength_label)
        form.addRow(_("Sterkte"), strength_row)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName(_("Wachtwoordzin herhalen"))
        self.repeat.textChanged.connect(self._update_strength)
        form.addRow(_("Wachtwoordzin &herhalen"), self.repeat)
        self.match_label = QLabel()
        self.match_label.setObjectName("problem")
        form.addRow("", self.match_label)
        lay.addLayout(form)
        advice = QLabel(
            _(
                "Kies een zin van vier of meer woorden die u kunt onthouden en niemand anders "
                "raadt. Schrijf hem niet op de laptop."
            )
        )
        advice.setWordWrap(True)
        advice.setObjectName("hint")
        lay.addWidget(advice)

        lay.addWidget(heading(_("Herstelsleutel"), level=2))
        explain = QLabel(
            _(
                "Vergeet u de wachtwoordzin, dan kan het centrale kantoor het dossier openen met "
                "de herstelsleutel. Zo gaan er nooit gegevens verloren. Het centrale kantoor "
                "heeft een publieke sleutel (begint met age1); plak die hieronder. Dat is de "
                "gewone weg."
            )
        )
        explain.setWordWrap(True)
        lay.addWidget(explain)
        self.use_office_key = QRadioButton(_("Publieke sleutel van het centrale kantoor gebruiken"))
        self.generate_key = QRadioButton(_("Nieuw sleutelpaar maken en het geheim opslaan"))
        group = QButtonGroup(self)
        group.addButton(self.use_office_key)
        group.addButton(self.generate_key)
        lay.addWidget(self.use_office_key)
        self.office_key = QLineEdit()
        self.office_key.setPlaceholderText("age1…")
        self.office_key.setAccessibleName(_("Publieke sleutel van het centrale kantoor"))
        lay.addWidget(self.office_key)
        lay.addWidget(self.generate_key)
        self.secret_warning = QLabel(
            "⚠ "
            + _(
                "Met het geheim kan iedereen het hele dossier openen. Bewaar het niet op deze "
                "laptop: kies een USB-stick of een andere plek buiten deze computer, geef het "
                "aan het centrale kantoor en laat het daar veilig opbergen."
            )
        )
        self.secret_warning.setWordWrap(True)  # plain text colour: a warning, not a hint
        lay.addWidget(self.secret_warning)
        secret_row = QHBoxLayout()
        self.secret_file = QLineEdit()
        self.secret_file.setPlaceholderText(_("bijvoorbeeld een bestand op een USB-stick"))
        self.secret_file.setAccessibleName(_("Bestand voor het geheim van de herstelsleutel"))
        secret_browse = QPushButton(_("Bladeren…"))
        secret_browse.setAccessibleName(_("Bestand voor het geheim kiezen"))
        secret_browse.clicked.connect(self._browse_secret)
        secret_row.addWidget(self.secret_file, 1)
        secret_row.addWidget(secret_browse)
        lay.addLayout(secret_row)
        self.use_office_key.toggled.connect(self._sync_recovery)
        self.choose_default_recovery()
        for edit in (
            self.location,
            self.passphrase,
            self.repeat,
            self.office_key,
            self.secret_file,
        ):
            edit.returnPressed.connect(self.submit)  # Enter on the page = "Dossier maken"

        self.error = QLabel()
        self.error.setObjectName("problem")
        self.error.setWordWrap(True)
        self.error.hide()
        lay.addWidget(self.error)
        self.stage = QLabel()
        self.stage.hide()
        lay.addWidget(self.stage)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.progress.setAccessibleName(_("Voortgang"))
        lay.addWidget(self.progress)
        buttons = QHBoxLayout()
        self.create_button = QPushButton(_("Dossier maken"))
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.submit)
        self.cancel_button = QPushButton(_("Terug"))
        self.cancel_button.clicked.connect(self.cancelled)
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        lay.addStretch(1)
        self._update_strength()

    def choose_default_recovery(self, office_key: str = "") -> None:
        """The central office's key when one is known; otherwise making a key pair, whose
        secret then still needs a place chosen outside the laptop (issue 8: the secret
        is never suggested in the home folder)."""
        key = office_key or os.environ.get("KLANTAPP_RECOVERY_KEY", "")
        if key:
            self.office_key.setText(key)
        (self.use_office_key if self.office_key.text().strip() else self.generate_key).setChecked(
            True
        )
        self._sync_recovery()

    def _sync_recovery(self) -> None:
        office = self.use_office_key.isChecked()
        self.office_key.setEnabled(office)
        self.secret_file.setEnabled(not office)
        self.secret_warning.setVisible(not office)

    def _browse_location(self) -> None:
        parent = QFileDialog.getExistingDirectory(
            self, _("Kies de map waarin het dossier komt"), str(Path(self.location.text()).parent)
        )
        if parent:
            self.location.setText(str(Path(parent) / "Klantapp-dossier"))

    def _browse_secret(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Geheim van de herstelsleutel opslaan"), self.secret_file.text()
        )
        if path:
            self.secret_file.setText(path)

    def _update_strength(self) -> None:
        s = strength.estimate(self.passphrase.text())
        self.strength_bar.setValue(s.level)
        self.strength_label.setText(f"{s.label}. {s.hint}".strip() if s.hint else s.label)
        self.strength_bar.setAccessibleDescription(s.label)
        repeat = self.repeat.text()
        if repeat and repeat != self.passphrase.text():
            self.match_label.setText("⚠ " + _("De wachtwoordzinnen zijn niet gelijk."))
        else:
            self.match_label.setText("")

    def problems(self) -> list[str]:
        out: list[str] = []
        location = self.location.text().strip()
        if not location:
            out.append(_("Kies een map voor het dossier."))
        elif Path(location).exists() and any(Path(location).iterdir()):
            out.append(_("In deze map staat al iets. Kies een nieuwe, lege map."))
        s = strength.estimate(self.passphrase.text())
        if not s.acceptable:
            out.append(_("De wachtwoordzin is te zwak: {hint}").format(hint=s.hint or s.label))
        if self.passphrase.text() != self.repeat.text():
            out.append(_("De wachtwoordzinnen zijn niet gelijk."))
        if self.use_office_key.isChecked():
            if not AGE_PUBLIC_KEY.match(self.office_key.text().strip()):
                out.append(
                    _("De publieke sleutel klopt niet: hij begint met age1 en is 62 tekens lang.")
                )
        else:
            secret = Path(self.secret_file.text().strip())
            if not self.secret_file.text().strip():
                out.append(
                    _(
                        "Kies waar het geheim van de herstelsleutel komt, bijvoorbeeld op een "
                        "USB-stick."
                    )
                )
            elif location and _inside(secret, Path(location)):
                out.append(
                    _("Zet het geheim niet in de map van het dossier: kies een andere plek.")
                )
            elif secret.exists():
                out.append(_("Het bestand voor het geheim bestaat al. Kies een nieuwe naam."))
            elif not secret.parent.is_dir():
                out.append(_("De map voor het geheim bestaat niet."))
        return out

    def submit(self) -> None:
        if self._task is not None:
            return
        problems = self.problems()
        if problems:
            self.error.setText("\n".join(f"⚠ {p}" for p in problems))
            self.error.show()
            return
        self.error.hide()
        location = self.location.text().strip()
        recipient = self.office_key.text().strip() if self.use_office_key.isChecked() else None
        self._secret_target = None if recipient else Path(self.secret_file.text().strip())
        self.create_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.stage.setText(_("Dossier maken en sleutel afleiden…"))
        self.stage.show()
        self.progress.show()
        self._location = location
        self._task = run_task(
            create_casebook,
            location,
            self.passphrase.text(),
            recovery_recipient=recipient,
            kdf=self.kdf,
            owner=self,
            on_result=self._on_created,
            on_error=self._on_failed,
        )

    def _on_created(self, result: tuple[Any, str | None]) -> None:
        self._task = None
        cb, secret = result
        self.passphrase.clear()
        self.repeat.clear()
        self.progress.hide()
        self.stage.hide()
        self.create_button.setEnabled(True)
        self.cancel_button.setEnabled(True)
        if secret and self._secret_target is not None:
            try:
                write_secret_file(self._secret_target, secret, self._location)
            except OSError:
                self._show_secret_fallback(secret)
            else:
                QMessageBox.information(
                    self,
                    _("Herstelsleutel opgeslagen"),
                    _(
                        "Het geheim van de herstelsleutel staat in:\n{path}\n\nGeef dit bestand "
                        "aan het centrale kantoor en verwijder het daarna van deze laptop."
                    ).format(path=self._secret_target),
                )
        self.created.emit(cb, self._location)

    def _show_secret_fallback(self, secret: str) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(_("Herstelsleutel"))
        box.setText(
            _(
                "Het bestand kon niet worden geschreven. Kopieer het geheim hieronder en geef "
                "het aan het centrale kantoor."
            )
        )
        box.setDetailedText(secret)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.exec()

    def _on_failed(self, exc: BaseException, details: str) -> None:
        self._task = None
        self.progress.hide()
        self.stage.hide()
        self.create_button.setEnabled(True)
        self.cancel_button.setEnabled(True)
        if isinstance(exc, errors.CasebookExists):
            text = _("Op deze plek staat al een dossier. Kies een andere map.")
        elif isinstance(exc, errors.KlantappError):
            text = str(exc)
        else:
            from ui.errordialog import show_unexpected_error

            show_unexpected_error(exc, details)
            text = _("Het dossier kon niet worden gemaakt door een onverwachte fout.")
        self.error.setText("⚠ " + text)
        self.error.show()
