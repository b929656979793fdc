"""Instellingen → Centraal kantoor: join the office, choose and check the exchange folder.

Joining: the office card (a file the office hands out), the klantmanager's name, the
exchange folder (checked: reachable and writable, in a worker) and the passphrase
(the office's recovery key becomes this casebook's, which needs it). The enrolment
request is left in the folder for the office; the two codes are shown large, to be
compared by phone. On the office's own casebook this box chooses the folder and saves
the card to hand out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from klantapp.errors import KlantappError
from klantapp.i18n import _
from ui.session import Session
from ui.tasks import run_task
from ui.widgets import StatusLine, big_code, em


def check_folder(folder: str) -> bool:
    """Worker: the folder is there and a file can be written in it (never on the UI
    thread: a network share may hang)."""
    from klantapp.sync import transport

    return transport.writable(Path(folder))


class FolderRow(QWidget):
    """A folder path with Kiezen…"""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(title)
        self.edit.setMinimumWidth(em(self, 30))
        self.button = QPushButton(_("Kiezen…"))
        self.button.clicked.connect(self._choose)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.button)
        self._title = title

    def _choose(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self._title, self.edit.text())
        if path:
            self.edit.setText(path)

    def text(self) -> str:
        return self.edit.text().strip()


class OfficeBox(QGroupBox):
    """The Centraal kantoor part of Instellingen."""

    joined = Signal()
    folder_changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(_("Centraal kantoor"), parent)
        self.session = session
        lay = QVBoxLayout(self)
        self.about = QLabel()
        self.about.setWordWrap(True)
        lay.addWidget(self.about)

        self.join_form = QWidget()
        form = QFormLayout(self.join_form)
        form.setContentsMargins(0, 0, 0, 0)
        card_row = QWidget()
        card_lay = QHBoxLayout(card_row)
        card_lay.setContentsMargins(0, 0, 0, 0)
        self.card_path = QLineEdit()
        self.card_path.setAccessibleName(_("Kantoorkaartje"))
        self.card_button = QPushButton(_("Kiezen…"))
        self.card_button.clicked.connect(self._choose_card)
        card_lay.addWidget(self.card_path, 1)
        card_lay.addWidget(self.card_button)
        form.addRow(_("&Kantoorkaartje (.kcard)"), card_row)
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Uw naam"))
        form.addRow(_("Uw &naam"), self.name)
        self.join_folder = FolderRow(_("Uitwisselmap"))
        form.addRow(_("&Uitwisselmap"), self.join_folder)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(_("Uw wachtwoordzin, ter bevestiging"))
        form.addRow(_("Uw &wachtwoordzin (ter bevestiging)"), self.passphrase)
        self.join_button = QPushButton(_("Aanmelden bij het centrale kantoor"))
        self.join_button.clicked.connect(self.start_join)
        form.addRow("", self.join_button)
        lay.addWidget(self.join_form)

        # The codes, large: read aloud on the phone with the office.
        self.codes = QWidget()
        codes_lay = QVBoxLayout(self.codes)
        codes_lay.setContentsMargins(0, 0, 0, 0)
        self.codes_hint = QLabel(
            _(
                "Vergelijk dit met het centrale kantoor (telefonisch). Zijn de codes "
                "anders, meld dat dan: dan is het kaartje of het verzoek niet echt."
            )
        )
        self.codes_hint.setWordWrap(True)
        codes_lay.addWidget(self.codes_hint)
        self.device_code = big_code("")
        self.office_code = big_code("")
        codes_lay.addWidget(self.device_code)
        codes_lay.addWidget(self.office_code)
        self.codes.hide()
        lay.addWidget(self.codes)

        self.folder_form = QWidget()
        f_lay = QHBoxLayout(self.folder_form)
        f_lay.setContentsMargins(0, 0, 0, 0)
        f_lay.addWidget(QLabel(_("Uitwisselmap")))
        self.folder = FolderRow(_("Uitwisselmap"))
        f_lay.addWidget(self.folder, 1)
        self.folder_button = QPushButton(_("Controleren en bewaren"))
        self.folder_button.clicked.connect(self.save_folder)
        f_lay.addWidget(self.folder_button)
        lay.addWidget(self.folder_form)

        self.card_out = QPushButton(_("Kantoorkaartje opslaan…"))
        self.card_out.setToolTip(
            _("Het kaartje is openbaar: geef het aan elke klantmanager (mail, USB-stick).")
        )
        self.card_out.clicked.connect(self.save_card)
        lay.addWidget(self.card_out, 0, Qt.AlignmentFlag.AlignLeft)
        self.status = StatusLine()
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        self.refresh()

    def refresh(self) -> None:
        if not self.session.is_open:
            return
        role = self.session.sync_role()
        info = self.session.sync_status()
        self.join_form.setVisible(role is None)
        self.folder_form.setVisible(role is not None)
        self.card_out.setVisible(role == "hub")
        self.folder.edit.setText(self.session.sync_folder() or "")
        if role is None:
            self.about.setText(
                _(
                    "Meld deze laptop aan bij het centrale kantoor van de gemeente. Dan "
                    "wisselt Klantapp vanzelf uw wijzigingen uit zodra de uitwisselmap "
                    "bereikbaar is. Het kantoor geeft u het kantoorkaartje."
                )
            )
            if not self.name.text():
                self.name.setText(self.session.klantmanager_name())
        elif role == "hub":
            self.about.setText(
                _("Dit is het dossier van het centrale kantoor van {gemeente}.").format(
                    gemeente=info.get("gemeente") or ""
                )
            )
        else:
            self.about.setText(
                _(
                    "Deze laptop is aangemeld bij het centrale kantoor van {gemeente} als {name}."
                ).format(gemeente=info.get("gemeente") or "", name=info.get("device_name") or "")
            )

    def _choose_card(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Kantoorkaartje kiezen"), "", _("Kantoorkaartjes (*.kcard)")
        )
        if path:
            self.card_path.setText(path)

    def start_join(self) -> bool:
        card_file = self.card_path.text().strip()
        name = self.name.text().strip()
        folder = self.join_folder.text()
        passphrase = self.passphrase.text()
        missing = [
            label
            for value, label in (
                (card_file, _("het kantoorkaartje")),
                (name, _("uw naam")),
                (folder, _("de uitwisselmap")),
                (passphrase, _("uw wachtwoordzin")),
            )
            if not value
        ]
        if missing:
            self.status.problem(_("Vul nog in: {what}.").format(what=", ".join(missing)))
            return False
        try:
            card_text = Path(card_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            self.status.problem(
                _(
                    "Het kantoorkaartje kan niet worden gelezen. Kies het bestand dat het kantoor gaf."
                )
            )
            return False
        self.passphrase.clear()
        self.join_button.setEnabled(False)
        self.status.setText(_("Bezig met aanmelden…"))
        run_task(
            self.session.join_office,
            card_text,
            name,
            passphrase,
            folder,
            owner=self,
            on_result=self._joined,
            on_error=self._failed,
        )
        return True

    def _joined(self, joined: Any) -> None:
        self.join_button.setEnabled(True)
        self.device_code.setText(_("Dit apparaat: {code}").format(code=joined.device_fingerprint))
        self.office_code.setText(
            _("Centraal kantoor: {code}").format(code=joined.office_fingerprint)
        )
        self.codes.show()
        self.status.setProperty("state", "saved")
        self.status.setText(
            "✓ "
            + _(
                "Aangemeld. Het aanmeldverzoek staat in de uitwisselmap. Bel het centrale "
                "kantoor om de codes te vergelijken; daarna begint het uitwisselen vanzelf."
            )
        )
        self.refresh()
        self.session.notify_all_changed()
        self.joined.emit()

    def _failed(self, exc: BaseException, details: str) -> None:
        self.join_button.setEnabled(True)
        self.folder_button.setEnabled(True)
        if isinstance(exc, KlantappError):
            self.status.problem(str(exc))
        else:
            from ui.errordialog import show_unexpected_error

            show_unexpected_error(exc, details)
            self.status.problem(_("Er is niets gewijzigd door een onverwachte fout."))

    def save_folder(self) -> bool:
        folder = self.folder.text()
        if not folder:
            self.status.problem(_("Kies de uitwisselmap."))
            return False
        self.folder_button.setEnabled(False)
        self.status.setText(_("De map wordt gecontroleerd…"))
        run_task(
            check_folder,
            folder,
            owner=self,
            on_result=lambda ok: self._folder_checked(folder, bool(ok)),
            on_error=self._failed,
        )
        return True

    def _folder_checked(self, folder: str, ok: bool) -> None:
        self.folder_button.setEnabled(True)
        if not ok:
            self.status.problem(
                _(
                    "Deze map is niet bereikbaar of er kan niet in worden geschreven. Kies een andere."
                )
            )
            return
        self.session.set_sync_folder(folder)
        self.status.setProperty("state", "saved")
        self.status.setText("✓ " + _("De uitwisselmap is bereikbaar en bewaard."))
        self.folder_changed.emit()

    def save_card(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Kantoorkaartje opslaan"), "kantoor.kcard", _("Kantoorkaartjes (*.kcard)")
        )
        if path:
            self.write_card(path)

    def write_card(self, path: str) -> None:
        from klantapp.vault import fsio

        fsio.replace_file_atomically(Path(path), self.session.office_card().encode("utf-8"))
        self.status.setProperty("state", "saved")
        self.status.setText("✓ " + _("Kantoorkaartje opgeslagen."))
