"""Apparaten (central office only): the laptops of the klantmanagers.

Per device: the klantmanager, its state (ok, achter, geweigerd, ingetrokken, nieuw),
the last sync, how many changes it has not taken yet, its households and the bundles
kept aside. Enrol a request (the codes shown large for the phone call), revoke a device,
and give a laptop casebook a new passphrase with the office's recovery key. No key and
no path the office does not need is shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from klantapp.errors import KlantappError
from klantapp.i18n import _, ngettext
from ui.passphrase import PassphraseInput
from ui.session import Session
from ui.sync import folder_pool, when_text
from ui.tasks import run_task
from ui.widgets import (
    DictTableModel,
    StatusLine,
    big_code,
    confirm,
    dialog_buttons,
    heading,
    make_table,
)

STATES: dict[str, str] = {
    "ok": "bij",
    "behind": "achter",
    "refused": "geweigerd",
    "revoked": "ingetrokken",
    "new": "nog niet uitgewisseld",
}

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Klantmanager"),
    ("state", "Stand"),
    ("last_sync_at", "Laatst uitgewisseld"),
    ("pending", "Nog te ontvangen"),
    ("households", "Huishoudens"),
    ("quarantined_bundles", "Apart gezet"),
)


def _cell(key: str, row: dict[str, Any]) -> str:
    if key == "state":
        return _(STATES.get(row["state"], row["state"]))
    if key == "last_sync_at":
        return when_text(row.get("last_sync_at"))
    if key == "pending":
        return str(max(int(row["hub_position"]) - int(row["acknowledged_position"]), 0))
    return str(row.get(key) if row.get(key) is not None else "")


def _waiting_requests(folder: str, known: set[str]) -> list[str]:
    """Worker: requests in the folder of devices not enrolled yet."""
    from klantapp.sync import transport

    return [p.name for p in transport.requests(Path(folder)) if p.stem not in known]


class EnrolledDialog(QDialog):
    """The two codes after enrolling, to compare by phone."""

    def __init__(self, enrolled: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Apparaat aangemeld"))
        lay = QVBoxLayout(self)
        intro = QLabel(
            _(
                "{name} is aangemeld. Bel de klantmanager en vergelijk deze codes met wat "
                "de laptop toont. Zijn ze anders, trek het apparaat dan in."
            ).format(name=enrolled.name)
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        lay.addWidget(big_code(_("Apparaat: {code}").format(code=enrolled.device_fingerprint)))
        lay.addWidget(
            big_code(_("Centraal kantoor: {code}").format(code=enrolled.office_fingerprint))
        )
        row = QHBoxLayout()
        row.addStretch(1)
        done = QPushButton(_("Sluiten"))
        done.setDefault(True)
        done.clicked.connect(self.accept)
        row.addWidget(done)
        lay.addLayout(row)


class RecoveryDialog(QDialog):
    """Guided: choose the laptop's casebook folder, type the new passphrase twice, go.
    The office's recovery key stays inside the hub's vault."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Nieuwe wachtwoordzin voor een laptop"))
        lay = QVBoxLayout(self)
        steps = QLabel(
            _(
                "1. Sluit Klantapp op de laptop af en neem de laptop of zijn dossiermap mee.\n"
                "2. Kies hieronder de dossiermap van de laptop.\n"
                "3. Typ samen met de klantmanager een nieuwe wachtwoordzin, twee keer.\n"
                "De oude wachtwoordzin opent het dossier daarna niet meer."
            )
        )
        steps.setWordWrap(True)
        lay.addWidget(steps)
        row = QHBoxLayout()
        self.path_label = QLabel(_("Nog geen dossier gekozen"))
        self.path_label.setObjectName("hint")
        self.choose = QPushButton(_("Dossiermap kiezen…"))
        self.choose.clicked.connect(self._choose)
        row.addWidget(self.choose)
        row.addWidget(self.path_label, 1)
        lay.addLayout(row)
        self.passphrase = PassphraseInput()
        lay.addWidget(self.passphrase)
        self.status = StatusLine()
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        lay.addWidget(dialog_buttons(self, _("Nieuwe wachtwoordzin instellen"), self.start))
        self.path = ""
        self.reset_done = False

    def _choose(self) -> None:
        path = QFileDialog.getExistingDirectory(self, _("Dossiermap van de laptop"))
        if path:
            self.set_path(path)

    def set_path(self, path: str) -> None:
        self.path = path
        self.path_label.setText(Path(path).name)

    def start(self) -> bool:
        if not self.path:
            self.status.problem(_("Kies eerst de dossiermap van de laptop."))
            return False
        problems = self.passphrase.problems()
        if problems:
            self.status.problem(" ".join(problems))
            return False
        new = self.passphrase.text()
        self.passphrase.clear()
        self.status.setText(_("Bezig…"))
        run_task(
            self.session.recover_casebook,
            self.path,
            new,
            owner=self,
            on_result=self._done,
            on_error=self._failed,
        )
        return True

    def _done(self, warnings: list[str]) -> None:
        self.reset_done = True
        self.status.setProperty("state", "saved")
        text = "✓ " + _(
            "Het dossier heeft een nieuwe wachtwoordzin. Geef die persoonlijk aan de klantmanager."
        )
        self.status.setText("\n".join([text, *warnings]))

    def _failed(self, exc: BaseException, details: str) -> None:
        if isinstance(exc, KlantappError):
            self.status.problem(str(exc))
        else:
            from ui.errordialog import show_unexpected_error

            show_unexpected_error(exc, details)


class DevicesScreen(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        lay = QVBoxLayout(self)
        lay.addWidget(heading(_("Apparaten")))
        self.model = DictTableModel(
            [(k, _(label)) for k, label in COLUMNS], formatter=_cell, parent=self
        )
        self.model.emphasis = lambda row: row["state"] in ("behind", "refused")
        self.table = make_table(self.model, _("Apparaten"))
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        lay.addWidget(self.table, 1)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        lay.addWidget(self.detail)
        self.requests = QLabel()
        self.requests.setObjectName("hint")
        lay.addWidget(self.requests)
        row = QHBoxLayout()
        self.enrol_button = QPushButton(_("Aanmelding verwerken…"))
        self.enrol_button.setToolTip(_("Een aanmeldverzoek (.kreq) van een laptop"))
        self.enrol_button.clicked.connect(self.choose_request)
        self.revoke_button = QPushButton(_("Intrekken…"))
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.recover_button = QPushButton(_("Wachtwoordzin van een laptop herstellen…"))
        self.recover_button.clicked.connect(self.show_recovery)
        for button in (self.enrol_button, self.revoke_button, self.recover_button):
            row.addWidget(button)
        row.addStretch(1)
        self.status = StatusLine()
        row.addWidget(self.status)
        lay.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        if not self.session.is_open or self.session.sync_role() != "hub":
            return
        current = self.selected()
        rows = self.session.devices()
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        for number, found in enumerate(rows):
            if current and found["id"] == current["id"]:
                self.table.selectRow(number)
        self._selected()
        folder = self.session.sync_folder()
        if folder:
            known = {d["id"] for d in rows}
            run_task(
                _waiting_requests,
                folder,
                known,
                owner=self,
                pool=folder_pool(),
                on_result=self._show_requests,
                on_error=lambda _exc, _details: None,
            )

    def _show_requests(self, waiting: list[str]) -> None:
        self.requests.setText(
            ngettext(
                "{n} aanmeldverzoek wacht in de uitwisselmap.",
                "{n} aanmeldverzoeken wachten in de uitwisselmap.",
                len(waiting),
            ).format(n=len(waiting))
            if waiting
            else ""
        )

    def data_changed(self, kind: str) -> None:
        self.refresh()

    def selected(self) -> dict[str, Any] | None:
        return self.model.row_at(self.table.currentIndex())

    def _selected(self, *_args: object) -> None:
        row = self.selected()
        self.revoke_button.setEnabled(bool(row and row["status"] != "revoked"))
        if row is None:
            self.detail.setText("")
            return
        lines = [
            ngettext(
                "{name}: {n} huishouden, laatst uitgewisseld {when}.",
                "{name}: {n} huishoudens, laatst uitgewisseld {when}.",
                int(row["households"]),
            ).format(name=row["name"], n=row["households"], when=when_text(row.get("last_sync_at")))
        ]
        refused = row.get("refused") or {}
        if refused:
            lines.append(
                _(
                    "Geweigerd: deze laptop stuurde een stand die niet klopt met wat het kantoor "
                    "heeft (een teruggezette of gekopieerde laptop). Richt hem opnieuw in en wijs "
                    "zijn huishoudens toe aan het nieuwe apparaat."
                )
            )
        for kept in self.session.quarantined(row["id"]):
            lines.append(
                ngettext(
                    "Apart gezet ({when}): {why} {n} wijziging om na te kijken.",
                    "Apart gezet ({when}): {why} {n} wijzigingen om na te kijken.",
                    int(kept["changes"]),
                ).format(
                    when=when_text(kept.get("received_at")),
                    why=kept["reason_text"],
                    n=kept["changes"],
                )
            )
        self.detail.setText("\n".join(lines))

    def choose_request(self) -> None:
        start = str(Path(self.session.sync_folder() or "") / "aanmeldingen")
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Aanmeldverzoek kiezen"), start, _("Aanmeldverzoeken (*.kreq)")
        )
        if path:
            self.enrol_file(path)

    def enrol_file(self, path: str) -> Any:
        try:
            text = Path(path).read_text(encoding="utf-8")
            enrolled = self.session.enrol(text)
        except (OSError, UnicodeDecodeError):
            self.status.problem(_("Dit aanmeldverzoek kan niet worden gelezen."))
            return None
        except KlantappError as exc:
            self.status.problem(str(exc))
            return None
        self.status.setProperty("state", "saved")
        self.status.setText("✓ " + _("{name} is aangemeld.").format(name=enrolled.name))
        dialog = EnrolledDialog(enrolled, self)
        dialog.open()
        self.last_dialog = dialog
        return enrolled

    def revoke_selected(self, *, ask: bool = True) -> bool:
        row = self.selected()
        if row is None:
            return False
        if ask and not confirm(
            self,
            _("Apparaat intrekken"),
            _("De laptop van {name} intrekken?").format(name=row["name"]),
            _("Intrekken"),
            _(
                "Wat hij daarna stuurt, wordt apart gezet en niet toegepast. Wijs zijn "
                "huishoudens toe aan een ander apparaat."
            ),
        ):
            return False
        self.session.revoke(row["id"])
        self.status.setProperty("state", "saved")
        self.status.setText("✓ " + _("Ingetrokken."))
        return True

    def show_recovery(self) -> RecoveryDialog:
        dialog = RecoveryDialog(self.session, self)
        dialog.open()
        return dialog
