"""Uitwisseling gestopt: the office refused this laptop (an older copy put back, a copied
casebook, a revoked device). Says what happened and what to do; the casebook stays
usable, nothing unsent is lost, and the client no longer tries to exchange."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from klantapp.i18n import _, ngettext
from ui.session import Session
from ui.widgets import heading


class RefusedScreen(QWidget):
    go_on = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        lay = QVBoxLayout(self)
        lay.addWidget(heading("⚠ " + _("Uitwisseling met het centrale kantoor gestopt")))
        self.what = QLabel()
        self.what.setWordWrap(True)
        lay.addWidget(self.what)
        self.kept = QLabel()
        self.kept.setWordWrap(True)
        lay.addWidget(self.kept)
        todo = QLabel(
            _(
                "Wat nu:\n"
                "1. Bel het centrale kantoor en zeg dat deze laptop is gestopt met uitwisselen.\n"
                "2. Het kantoor richt de laptop opnieuw in: een nieuw dossier, opnieuw "
                "aanmelden, en uw huishoudens worden aan het nieuwe dossier toegewezen.\n"
                "3. Tot dan kunt u hier verder werken; wat u wijzigt blijft op deze laptop."
            )
        )
        todo.setWordWrap(True)
        lay.addWidget(todo)
        row = QHBoxLayout()
        self.go_on_button = QPushButton(_("Verder werken"))
        self.go_on_button.clicked.connect(self.go_on)
        row.addWidget(self.go_on_button)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(1)

    def show_refusal(self, refusal: dict[str, Any], unsent: int) -> None:
        from klantapp.sync.laptop import refusal_text

        self.what.setText(refusal_text(str(refusal.get("reason", ""))))
        self.kept.setText(
            ngettext(
                "{n} wijziging van deze laptop is bewaard en apart naar het centrale kantoor "
                "gestuurd om na te kijken.",
                "{n} wijzigingen van deze laptop zijn bewaard en apart naar het centrale "
                "kantoor gestuurd om na te kijken.",
                unsent,
            ).format(n=unsent)
        )
