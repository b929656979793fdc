"""Conflicten: values that lost to a concurrent edit, beside the value that holds now.

Each row says which household, record and field, who wrote each value and when. "Deze
houden" makes the kept value a new edit; "Huidige houden" only closes the conflict.
The list empties as conflicts are resolved (klantapp.sync.conflicts).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from klantapp.errors import KlantappError
from klantapp.i18n import _, ngettext
from ui.session import Session
from ui.sync import when_text
from ui.widgets import DictTableModel, StatusLine, heading, make_table

COLUMNS: tuple[tuple[str, str], ...] = (
    ("household", "Huishouden"),
    ("where", "Gegeven"),
    ("current", "Geldende waarde"),
    ("kept", "Bewaarde waarde"),
)


def _cell(key: str, row: dict[str, Any]) -> str:
    if key == "household":
        return str(row.get("household") or _("gedeeld"))
    if key == "where":
        return f"{row['record']}: {row['field_label']}"
    if key == "current":
        return _("{value} — {who}, {when}").format(
            value=row["current_text"],
            who=row.get("winner_actor") or "?",
            when=when_text(row.get("winner_at")),
        )
    if key == "kept":
        return _("{value} — {who}, {when}").format(
            value=row["kept_text"],
            who=row.get("kept_actor") or "?",
            when=when_text(row.get("kept_at")),
        )
    return str(row.get(key) or "")


class ConflictsScreen(QWidget):
    open_household = Signal(str, str, str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._revealed: set[str] = set()  # conflicts whose health values are shown
        lay = QVBoxLayout(self)
        lay.addWidget(heading(_("Conflicten")))
        self.explain = QLabel(
            _(
                "Twee mensen wijzigden hetzelfde gegeven voordat ze elkaars wijziging zagen. "
                "De geldende waarde staat links; de andere is bewaard. Kies per regel welke "
                "blijft. Niets gaat verloren tot u kiest."
            )
        )
        self.explain.setWordWrap(True)
        lay.addWidget(self.explain)
        self.model = DictTableModel(
            [(k, _(label)) for k, label in COLUMNS], formatter=_cell, parent=self
        )
        self.table = make_table(self.model, _("Conflicten"))
        self.table.setWordWrap(True)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.table.doubleClicked.connect(self._open)
        lay.addWidget(self.table, 1)
        self.empty = QLabel("✓ " + _("Geen conflicten."))
        lay.addWidget(self.empty)
        row = QHBoxLayout()
        self.keep_button = QPushButton(_("Deze houden"))
        self.keep_button.setToolTip(
            _("De bewaarde waarde wordt een nieuwe wijziging; de geldende waarde vervalt.")
        )
        self.keep_button.clicked.connect(lambda: self.resolve(keep_losing_value=True))
        self.current_button = QPushButton(_("Huidige houden"))
        self.current_button.setToolTip(_("De geldende waarde blijft; het conflict is opgelost."))
        self.current_button.clicked.connect(lambda: self.resolve(keep_losing_value=False))
        self.open_button = QPushButton(_("Huishouden openen"))
        self.open_button.clicked.connect(self._open)
        # health data (AVG art. 9) shows as "(vertrouwelijk)" until asked for; logged
        self.reveal_button = QPushButton(_("Vertrouwelijke waarden tonen"))
        self.reveal_button.setToolTip(
            _("Toont beide waarden van dit gezondheidsgegeven; dat komt in het logboek.")
        )
        self.reveal_button.clicked.connect(self.reveal)
        row.addWidget(self.keep_button)
        row.addWidget(self.current_button)
        row.addWidget(self.open_button)
        row.addWidget(self.reveal_button)
        row.addStretch(1)
        self.status = StatusLine()
        row.addWidget(self.status)
        lay.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        if not self.session.is_open:
            return
        rows = self.session.conflicts()
        self._revealed.clear()  # read again: health values hidden again
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))
        if rows:
            self.table.selectRow(0)
        self._selected()

    def data_changed(self, kind: str) -> None:
        self.refresh()

    def selected(self) -> dict[str, Any] | None:
        return self.model.row_at(self.table.currentIndex())

    def _selected(self, *_args: object) -> None:
        row = self.selected()
        self.keep_button.setEnabled(bool(row and row.get("can_keep")))
        self.current_button.setEnabled(row is not None)
        self.open_button.setEnabled(bool(row and row.get("household_id")))
        self.reveal_button.setVisible(
            bool(row and row.get("restricted") and row["id"] not in self._revealed)
        )

    def reveal(self) -> None:
        """Show the selected conflict's health values (logged by the session)."""
        row = self.selected()
        if row is None:
            return
        shown = self.session.reveal_conflict(row["id"])
        if shown is None:
            return
        self._revealed.add(row["id"])
        number = self.table.currentIndex().row()
        rows = list(self.model.rows)
        rows[number] = shown
        self.model.set_rows(rows)
        self.table.resizeRowsToContents()
        self.table.selectRow(number)
        self._selected()

    def select(self, conflict_id: str) -> None:
        for number, row in enumerate(self.model.rows):
            if row["id"] == conflict_id:
                self.table.selectRow(number)

    def resolve(self, *, keep_losing_value: bool) -> bool:
        row = self.selected()
        if row is None:
            return False
        try:
            self.session.resolve_conflict(row["id"], keep_losing_value=keep_losing_value)
        except KlantappError as exc:
            self.status.problem(str(exc))
            return False
        left = len(self.model.rows)
        self.status.setText(
            "✓ "
            + ngettext("Opgelost; nog {n} conflict.", "Opgelost; nog {n} conflicten.", left).format(
                n=left
            )
        )
        return True

    def _open(self, *_args: object) -> None:
        row = self.selected()
        if row and row.get("household_id"):
            self.open_household.emit(row["household_id"], "", "")
