"""Small shared widgets and helpers: table models over dicts, status lines, prompts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
    QWidget,
)

from klantapp.i18n import _

Index = QModelIndex | QPersistentModelIndex


class DictTableModel(QAbstractTableModel):
    """Rows of plain dicts shown in columns; one model, no widget per row."""

    def __init__(
        self,
        columns: Sequence[tuple[str, str]],
        formatter: Callable[[str, dict[str, Any]], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)  # (key, header)
        self.rows: list[dict[str, Any]] = []
        self.formatter = formatter
        self.emphasis: Callable[[dict[str, Any]], bool] | None = None

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = self.columns[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if self.formatter is not None:
                return self.formatter(key, row)
            value = row.get(key)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.UserRole:
            return row
        if role == Qt.ItemDataRole.FontRole and self.emphasis is not None and self.emphasis(row):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][1]
        return None

    def row_at(self, index: Index) -> dict[str, Any] | None:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        return self.rows[index.row()]


def make_table(model: QAbstractTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.setAccessibleName(name)
    view.setWordWrap(False)
    return view


def heading(text: str, level: int = 1) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * (1.5 if level == 1 else 1.2))
    font.setBold(True)
    label.setFont(font)
    label.setAccessibleName(text)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


class StatusLine(QLabel):
    """'Opgeslagen' / 'Niet opgeslagen wijzigingen' / a problem, as text (not colour only)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("status")
        self.setAccessibleName(_("Status"))

    def saved(self) -> None:
        self.setProperty("state", "saved")
        self.setText("✓ " + _("Opgeslagen"))

    def dirty(self) -> None:
        self.setProperty("state", "dirty")
        self.setText("● " + _("Niet opgeslagen wijzigingen"))

    def problem(self, text: str) -> None:
        self.setProperty("state", "problem")
        self.setText("⚠ " + text)

    def blank(self) -> None:
        self.setProperty("state", "")
        self.setText("")


def ask_unsaved(parent: QWidget, what: str) -> str:
    """'save', 'discard' or 'cancel'."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("Niet opgeslagen wijzigingen"))
    box.setText(_("U heeft wijzigingen in {what} die nog niet zijn opgeslagen.").format(what=what))
    box.setInformativeText(_("Wilt u ze opslaan?"))
    save = box.addButton(_("Opslaan"), QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(_("Niet opslaan"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(_("Annuleren"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.exec()
    clicked = box.clickedButton()
    if clicked is save:
        return "save"
    if clicked is discard:
        return "discard"
    return "cancel"


def confirm(parent: QWidget, title: str, text: str, yes: str) -> bool:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("Annuleren"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is ok


def em(widget: QWidget, chars: float) -> int:
    """A width of ``chars`` average characters in the widget's font (no fixed pixels)."""
    return int(widget.fontMetrics().averageCharWidth() * chars)


def dialog_buttons(dialog: QDialog, ok_text: str, on_ok: Callable[[], object]) -> QDialogButtonBox:
    """The OK / Annuleren row of a dialog, in the interface language. ``on_ok`` decides
    whether the dialog closes (a save that finds problems keeps it open)."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuleren"))
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons
