"""A new passphrase typed twice, with the strength meter (as when a casebook is made)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QProgressBar, QVBoxLayout, QWidget

from klantapp.domain import passphrase as strength
from klantapp.i18n import _


class PassphraseInput(QWidget):
    """Two password fields, a strength bar with its words, and the check that they match."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(_("Nieuwe wachtwoordzin"))
        self.passphrase.textChanged.connect(self._update)
        label = QLabel(_("&Nieuwe wachtwoordzin"))
        label.setBuddy(self.passphrase)
        form.addRow(label, self.passphrase)
        self.strength_bar = QProgressBar()
        self.strength_bar.setRange(0, 4)
        self.strength_bar.setTextVisible(False)
        self.strength_bar.setAccessibleName(_("Sterkte van de wachtwoordzin"))
        self.strength_label = QLabel()
        self.strength_label.setWordWrap(True)
        meter = QVBoxLayout()
        meter.addWidget(self.strength_bar)
        meter.addWidget(self.strength_label)
        form.addRow(_("Sterkte"), meter)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName(_("Nieuwe wachtwoordzin herhalen"))
        self.repeat.textChanged.connect(self._update)
        repeat_label = QLabel(_("Nieuwe wachtwoordzin &herhalen"))
        repeat_label.setBuddy(self.repeat)
        form.addRow(repeat_label, self.repeat)
        self.match_label = QLabel()
        self.match_label.setObjectName("problem")
        form.addRow("", self.match_label)
        self._update()

    def _update(self) -> None:
        s = strength.estimate(self.passphrase.text())
        self.strength_bar.setValue(s.level)
        self.strength_label.setText(f"{s.label}. {s.hint}".strip() if s.hint else s.label)
        self.strength_bar.setAccessibleDescription(s.label)
        repeat = self.repeat.text()
        mismatch = bool(repeat) and repeat != self.passphrase.text()
        self.match_label.setText(
            "⚠ " + _("De wachtwoordzinnen zijn niet gelijk.") if mismatch else ""
        )

    def problems(self) -> list[str]:
        out = []
        s = strength.estimate(self.passphrase.text())
        if not s.acceptable:
            out.append(_("De wachtwoordzin is te zwak: {hint}").format(hint=s.hint or s.label))
        if self.passphrase.text() != self.repeat.text():
            out.append(_("De wachtwoordzinnen zijn niet gelijk."))
        return out

    def text(self) -> str:
        return self.passphrase.text()

    def clear(self) -> None:
        self.passphrase.clear()
        self.repeat.clear()
