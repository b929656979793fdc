"""Brede intake: a grid of leefgebieden × household members with 1-5 scores and notes.

Pick a cell (arrows) and type 1-5 to score it, or use the panel below to set the score
and write the toelichting. Notes of health leefgebieden stay hidden until the user
asks to see them. Changes are kept per cell until "Opslaan" writes them all.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from klantapp.domain.records import LEEFGEBIEDEN, RESTRICTED_LEEFGEBIEDEN, SCORES
from klantapp.errors import InvalidInput, KlantappError
from klantapp.i18n import _
from ui.forms import ParseError, format_date, parse_date
from ui.session import Session
from ui.widgets import DateLineEdit, StatusLine, ask_unsaved, make_table

Index = QModelIndex | QPersistentModelIndex
Cell = tuple[str, str]  # (domain, person_id)


def person_label(p: dict[str, Any]) -> str:
    return " ".join(x for x in (p.get("given_names"), p.get("family_name")) if x) or "?"


class IntakeModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.persons: list[dict[str, Any]] = []
        self.saved: dict[Cell, dict[str, Any]] = {}  # records of the chosen intake date
        self.pending: dict[Cell, dict[str, Any]] = {}

    def load(self, persons: list[dict[str, Any]], records: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.persons = persons
        self.saved = {(r["domain"], r["person_id"]): r for r in records}
        self.pending = {}
        self.endResetModel()

    def cell(self, index: Index) -> Cell:
        return (LEEFGEBIEDEN[index.row()][0], self.persons[index.column()]["id"])

    def value(self, cell: Cell) -> dict[str, Any]:
        base = dict(self.saved.get(cell, {}))
        base.update(self.pending.get(cell, {}))
        return base

    def set_pending(self, cell: Cell, changes: dict[str, Any]) -> None:
        merged = {**self.pending.get(cell, {}), **changes}
        saved = self.saved.get(cell, {})
        merged = {k: v for k, v in merged.items() if saved.get(k) != v}
        if merged:
            self.pending[cell] = merged
        else:
            self.pending.pop(cell, None)
        row = [d for d, _l in LEEFGEBIEDEN].index(cell[0])
        col = [p["id"] for p in self.persons].index(cell[1])
        index = self.index(row, col)
        self.dataChanged.emit(index, index)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(LEEFGEBIEDEN)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.persons)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return person_label(self.persons[section])
        return _(LEEFGEBIEDEN[section][1])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cell = self.cell(index)
        value = self.value(cell)
        score = value.get("score")
        if role == Qt.ItemDataRole.DisplayRole:
            text = str(score) if score else "–"
            if value.get("notes"):
                text += " ✎"
            if cell in self.pending:
                text += " *"
            return text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            label = dict(SCORES).get(str(score), _("geen score")) if score else _("geen score")
            return f"{_(LEEFGEBIEDEN[index.row()][1])}, {person_label(self.persons[index.column()])}: {_(label)}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole and score:
            return _(dict(SCORES).get(str(score), str(score)))
        return None


class IntakeGrid(QWidget):
    def __init__(self, session: Session, household_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.household_id = household_id
        self._records: list[dict[str, Any]] = []
        self._persons: list[dict[str, Any]] = []
        self._loading = False
        self._revealed: set[str] = set()  # the persons whose restricted notes are shown

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.date_choice = QComboBox()
        self.date_choice.setAccessibleName(_("Intake kiezen"))
        self.date_choice.currentIndexChanged.connect(self._date_chosen)
        label = QLabel(_("&Intake van"))
        label.setBuddy(self.date_choice)
        top.addWidget(label)
        top.addWidget(self.date_choice)
        self.new_date = DateLineEdit()
        self.new_date.setPlaceholderText(_("DD-MM-JJJJ"))
        self.new_date.setAccessibleName(_("Datum nieuwe intake"))
        self.new_date.setText(format_date(date.today().isoformat()))
        top.addWidget(self.new_date)
        self.without_partner = QCheckBox(_("Gesprek zonder partner aangeboden"))
        self.without_partner.toggled.connect(self._without_partner_toggled)
        top.addWidget(self.without_partner)
        top.addStretch(1)
        lay.addLayout(top)
        hint = QLabel(
            _("Kies een vak met de pijltjestoetsen en typ 1 tot 5 voor de score; ✎ = toelichting.")
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        lay.addWidget(hint)

        self.model = IntakeModel(self)
        self.table = make_table(self.model, _("Brede intake"))
        self.table.setSelectionBehavior(self.table.SelectionBehavior.SelectItems)
        self.table.verticalHeader().show()
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.installEventFilter(self)
        self.table.selectionModel().currentChanged.connect(self._cell_changed)

        panel = QWidget()
        form = QFormLayout(panel)
        self.cell_title = QLabel()
        font = self.cell_title.font()
        font.setBold(True)
        self.cell_title.setFont(font)
        form.addRow(self.cell_title)
        self.score = QComboBox()
        self.score.addItem("—", None)
        for value, text in SCORES:
            self.score.addItem(_(text), int(value))
        self.score.setAccessibleName(_("Score (1-5)"))
        self.score.currentIndexChanged.connect(self._panel_edited)
        form.addRow(_("&Score"), self.score)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setAccessibleName(_("Toelichting"))
        self.notes.setMinimumHeight(self.notes.fontMetrics().lineSpacing() * 4)
        self.notes.textChanged.connect(self._panel_edited)
        form.addRow(_("&Toelichting"), self.notes)
        self.reveal = QPushButton(_("Vertrouwelijke toelichting tonen"))
        self.reveal.clicked.connect(self._reveal)
        form.addRow("", self.reveal)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        form.addRow(self.problem)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        lay.addWidget(splitter, 1)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("Opslaan"))
        self.save_button.setToolTip(_("Opslaan (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        self.status = StatusLine()
        buttons.addWidget(self.status)
        lay.addLayout(buttons)
        self._set_panel_enabled(False)

    # --- data ---------------------------------------------------------------------------
    def load(self, persons: list[dict[str, Any]], records: list[dict[str, Any]]) -> None:
        if self.is_dirty():
            return  # keep what is being typed; refreshed after saving
        self._persons = persons
        self._records = records
        dates = sorted({r["intake_date"] for r in records if r.get("intake_date")}, reverse=True)
        current = self.date_choice.currentData()
        self._loading = True
        self.date_choice.clear()
        for d in dates:
            self.date_choice.addItem(format_date(d), d)
        self.date_choice.addItem(_("Nieuwe intake"), "")
        index = self.date_choice.findData(current) if current is not None else 0
        self.date_choice.setCurrentIndex(max(index, 0))
        self._loading = False
        self._date_chosen()

    def current_date(self) -> str:
        return self.date_choice.currentData() or ""

    def _date_chosen(self, *_args: object) -> None:
        if self._loading:
            return
        chosen = self.current_date()
        self.new_date.setVisible(not chosen)
        records = [r for r in self._records if chosen and r.get("intake_date") == chosen]
        self.model.load(self._persons, records)
        self.without_partner.blockSignals(True)
        self.without_partner.setChecked(any(r.get("without_partner") for r in records))
        self.without_partner.blockSignals(False)
        self.table.resizeColumnsToContents()
        self._cell_changed(self.table.currentIndex())
        self.status.blank()

    # --- editing ------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            text = event.text()
            index = self.table.currentIndex()
            if text in {"1", "2", "3", "4", "5"} and index.isValid():
                self.model.set_pending(self.model.cell(index), {"score": int(text)})
                self._cell_changed(index)
                self._mark()
                return True
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and index.isValid():
                self.model.set_pending(self.model.cell(index), {"score": None})
                self._cell_changed(index)
                self._mark()
                return True
        return super().eventFilter(obj, event)

    def _set_panel_enabled(self, enabled: bool) -> None:
        for w in (self.score, self.notes, self.reveal):
            w.setEnabled(enabled)

    def _cell_changed(self, index: QModelIndex, *_args: object) -> None:
        self._loading = True
        try:
            if not index.isValid() or not self.model.persons:
                self.cell_title.setText(_("Kies een leefgebied en een gezinslid."))
                self._set_panel_enabled(False)
                self.score.setCurrentIndex(0)
                self.notes.clear()
                self.reveal.hide()
                return
            self._set_panel_enabled(True)
            cell = self.model.cell(index)
            value = self.model.value(cell)
            self.cell_title.setText(
                f"{_(LEEFGEBIEDEN[index.row()][1])} — {person_label(self.model.persons[index.column()])}"
            )
            score = value.get("score")
            self.score.setCurrentIndex(max(self.score.findData(score), 0) if score else 0)
            restricted = cell[0] in RESTRICTED_LEEFGEBIEDEN and cell[1] not in self._revealed
            self.notes.setPlainText("" if restricted else (value.get("notes") or ""))
            self.notes.setVisible(not restricted)
            self.reveal.setVisible(restricted)
        finally:
            self._loading = False

    def _reveal(self) -> None:
        """Show the chosen person's restricted notes: a read of their health data, logged
        with their id (their inzage and the Logboek's person filter show it)."""
        index = self.table.currentIndex()
        if not index.isValid():
            return
        person_id = self.model.cell(index)[1]
        self._revealed.add(person_id)
        self.session.log_restricted_read(
            "intake_scores", {"household_id": self.household_id, "person_id": person_id}
        )
        self._cell_changed(self.table.currentIndex())
        self.notes.setFocus()

    def _panel_edited(self, *_args: object) -> None:
        if self._loading:
            return
        index = self.table.currentIndex()
        if not index.isValid():
            return
        changes: dict[str, Any] = {"score": self.score.currentData()}
        if self.notes.isVisible() or not self.notes.isHidden():
            changes["notes"] = self.notes.toPlainText().strip() or None
        self.model.set_pending(self.model.cell(index), changes)
        self._mark()

    def _without_partner_toggled(self, _checked: bool) -> None:
        self._mark()

    def _mark(self) -> None:
        if self.is_dirty():
            self.status.dirty()
        else:
            self.status.blank()

    def is_dirty(self) -> bool:
        if self.model.pending:
            return True
        saved_flag = any(r.get("without_partner") for r in self.model.saved.values())
        return bool(self.model.saved) and self.without_partner.isChecked() != saved_flag

    def maybe_leave(self) -> bool:
        if not self.is_dirty():
            return True
        answer = ask_unsaved(self, _("de brede intake"))
        if answer == "save":
            return self.save()
        if answer == "discard":
            self.model.pending.clear()
            self._date_chosen()
            return True
        return False

    def save(self) -> bool:
        chosen = self.current_date()
        try:
            intake_date = chosen or parse_date(self.new_date.text())
        except ParseError as exc:
            self.status.problem(str(exc))
            self.new_date.setFocus()
            return False
        if not intake_date:
            self.status.problem(_("Vul de datum van de intake in."))
            self.new_date.setFocus()
            return False
        flag = self.without_partner.isChecked()
        try:
            self.session.save_intake(
                self.household_id,
                intake_date,
                {cell: dict(changes) for cell, changes in self.model.pending.items()},
                without_partner=flag,
            )
        except InvalidInput as exc:
            self.problem.setText(
                "\n".join(
                    f"⚠ {p.record}: {p.message}" if p.record else f"⚠ {p.message}"
                    for p in exc.problems
                )
            )
            self.status.problem(_("Niet opgeslagen: verbeter de invoer."))
            return False
        except KlantappError as exc:
            self.status.problem(str(exc))
            return False
        self.model.pending.clear()
        self.problem.clear()
        detail = (
            self.session.household_detail(self.household_id, ["persons", "intake_scores"]) or {}
        )
        self._records = detail.get("intake_scores", [])
        self._persons = detail.get("persons", [])
        self._loading = True
        self.date_choice.clear()
        for d in sorted({r["intake_date"] for r in self._records}, reverse=True):
            self.date_choice.addItem(format_date(d), d)
        self.date_choice.addItem(_("Nieuwe intake"), "")
        self.date_choice.setCurrentIndex(max(self.date_choice.findData(intake_date), 0))
        self._loading = False
        index = self.table.currentIndex()
        self._date_chosen()
        if index.isValid():
            self.table.setCurrentIndex(self.model.index(index.row(), index.column()))
        self.status.saved()
        return True
