"""Small shared widgets and helpers: table models over dicts, status lines, prompts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    Qt,
)
from PySide6.QtGui import (
    QAction,
    QFont,
    QIcon,
    QKeyEvent,
    QPainter,
    QPalette,
    QPixmap,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QCalendarWidget,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
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


def confirm(parent: QWidget, title: str, text: str, yes: str, detail: str = "") -> bool:
    """Ask before something with consequences: ``yes`` or Annuleren."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    if detail:
        box.setInformativeText(detail)
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


# --- fields that must not change under a scrolling mouse ------------------------------


class WheelGuard(QObject):
    """An application-wide event filter: the mouse wheel changes a combo box, spin box or
    date field only when that field has the keyboard focus; otherwise the wheel event
    goes on to the form around it, which scrolls. Such fields also stop taking the
    focus from the wheel (StrongFocus), so scrolling past them never selects one."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if isinstance(obj, QComboBox | QAbstractSpinBox):
            if kind == QEvent.Type.Polish and obj.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                obj.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            elif kind == QEvent.Type.Wheel and not obj.hasFocus():
                assert isinstance(event, QWheelEvent)
                self._scroll_around(obj, event)
                return True
        return False

    @staticmethod
    def _scroll_around(widget: QWidget, event: QWheelEvent) -> None:
        """Hand the wheel to the nearest scroll area around ``widget`` (the form)."""
        parent = widget.parentWidget()
        while parent is not None and not isinstance(parent, QAbstractScrollArea):
            parent = parent.parentWidget()
        if parent is None:
            event.ignore()
            return
        viewport = parent.viewport()
        forwarded = QWheelEvent(
            QPointF(viewport.mapFromGlobal(event.globalPosition().toPoint())),
            event.globalPosition(),
            event.pixelDelta(),
            event.angleDelta(),
            event.buttons(),
            event.modifiers(),
            event.phase(),
            event.inverted(),
        )
        QApplication.sendEvent(viewport, forwarded)


_wheel_guard: WheelGuard | None = None


def install_wheel_guard() -> None:
    global _wheel_guard
    app = QApplication.instance()
    if app is not None and _wheel_guard is None:
        _wheel_guard = WheelGuard(app)
        app.installEventFilter(_wheel_guard)


# --- a date field with a calendar -------------------------------------------------------


def _calendar_icon(widget: QWidget) -> QIcon:
    """A small calendar drawn in the widget's text colour (no image files)."""
    size = widget.fontMetrics().height()
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    pen = painter.pen()
    pen.setColor(widget.palette().color(QPalette.ColorRole.Text))
    pen.setWidthF(max(1.0, size / 14))
    painter.setPen(pen)
    m = size / 8
    painter.drawRect(QRectF(m, 2 * m, size - 2 * m, size - 3 * m))
    painter.fillRect(QRectF(m, 2 * m, size - 2 * m, 1.5 * m), pen.color())
    for row in range(2):
        for col in range(3):
            x = 2 * m + col * 1.8 * m
            y = 4.6 * m + row * 1.5 * m
            painter.fillRect(QRectF(x, y, m, m), pen.color())
    painter.end()
    return QIcon(pix)


class DateLineEdit(QLineEdit):
    """A date typed as text (DD-MM-JJJJ, and for birth dates 00 for an unknown day or
    month), with a calendar to pick it from. The text stays the value: the calendar
    only fills it in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calendar_action = QAction(_calendar_icon(self), _("Kalender"), self)
        self.calendar_action.setToolTip(_("Kies de datum in een kalender (Alt+Omlaag)"))
        self.calendar_action.triggered.connect(self.show_calendar)
        self.addAction(self.calendar_action, QLineEdit.ActionPosition.TrailingPosition)
        self.calendar: QCalendarWidget | None = None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier:
            self.show_calendar()
            return
        super().keyPressEvent(event)

    def _typed_date(self) -> QDate:
        text = self.text().strip()
        for fmt in ("d-M-yyyy", "d/M/yyyy", "d.M.yyyy", "yyyy-M-d"):
            day = QDate.fromString(text, fmt)
            if day.isValid():
                return day
        return QDate.currentDate()

    def show_calendar(self) -> None:
        if self.calendar is None:  # one popup per field, made when first asked for
            self.calendar = QCalendarWidget(self)
            self.calendar.setWindowFlags(Qt.WindowType.Popup)
            self.calendar.setAccessibleName(_("Kalender"))
            self.calendar.setGridVisible(True)
            self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
            self.calendar.activated.connect(self._picked)
            self.calendar.clicked.connect(self._picked)
        self.calendar.setSelectedDate(self._typed_date())
        self.calendar.move(self.mapToGlobal(self.rect().bottomLeft()))
        self.calendar.show()
        self.calendar.setFocus()

    def _picked(self, day: QDate) -> None:
        self.setText(day.toString("dd-MM-yyyy"))
        if self.calendar is not None:
            self.calendar.hide()
        self.setFocus()


def big_code(text: str) -> QLabel:
    """A code two people read to each other by phone: large, bold, selectable."""
    label = QLabel(text)
    label.setObjectName("fingerprint")
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.8)
    font.setBold(True)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
