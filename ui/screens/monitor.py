"""Monitor: the gemeente's figures as bar charts, shaded tables (the two-way figures)
and a timeline per month, with the households behind every number one click away: each
bar, each cell of a table (and its row's total), each median (klantapp/monitor; the
definitions are in docs/monitor.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from klantapp.domain.records import HOUSEHOLD_STATUS, choice_label
from klantapp.i18n import _
from klantapp.monitor.figures import Figure, Monitor, Row, grid
from ui.session import Session
from ui.widgets import DictTableModel, em, heading, make_table

ACCENT = QColor("#1f4e79")
SELECTED = QColor("#d9822b")


def bars_of(figure: Figure) -> list[Row]:
    """The bars of a one-way figure: its counted rows (a median is shown beside)."""
    return [r for r in figure.rows if not r.of]


class BarChart(QWidget):
    """Horizontal bars, labelled, with the count beside each. Click a bar (or move
    with the arrow keys) to select it."""

    selected = Signal(object)  # the Row

    def __init__(self, figure: Figure, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figure = figure
        self.bars = bars_of(figure)
        self.current = -1
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(figure.title)
        self.setAccessibleDescription("; ".join(f"{b.label}: {b.count}" for b in self.bars))
        self.setMinimumHeight(self._row_h() * len(self.bars) + 6)
        self.setMinimumWidth(em(self, 50))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def _row_h(self) -> int:
        return self.fontMetrics().height() + 6

    def sizeHint(self) -> QSize:
        return QSize(520, self._row_h() * len(self.bars) + 6)

    def _label_w(self) -> int:
        fm = self.fontMetrics()
        return min(max((fm.horizontalAdvance(b.label) for b in self.bars), default=0) + 12, 300)

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        h = self._row_h()
        lw = self._label_w()
        count_w = fm.horizontalAdvance("00000") + 8
        span = max(10, self.width() - lw - count_w - 8)
        top = max((b.count for b in self.bars), default=0) or 1
        text = self.palette().color(QPalette.ColorRole.WindowText)
        for i, bar in enumerate(self.bars):
            y = 3 + i * h
            p.setPen(text)
            p.drawText(
                QRectF(0, y, lw - 8, h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                bar.label,
            )
            width = span * bar.count / top
            p.fillRect(
                QRectF(lw, y + 3, max(width, 1 if bar.count else 0), h - 6),
                SELECTED if i == self.current else ACCENT,
            )
            shown = str(bar.count)
            if bar.share is not None:
                shown += f"  ({100 * bar.share:.0f}%)".replace(".", ",")
            p.drawText(
                QRectF(lw + width + 6, y, count_w + 60, h), Qt.AlignmentFlag.AlignVCenter, shown
            )
        if self.hasFocus() and self.current >= 0:
            p.setPen(text)
            p.drawRect(QRectF(0, 3 + self.current * h, self.width() - 1, h))
        p.end()

    def select(self, index: int) -> None:
        if 0 <= index < len(self.bars):
            self.current = index
            self.update()
            self.selected.emit(self.bars[index])

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus()
        self.select(int((event.position().y() - 3) // self._row_h()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.select(min(self.current + 1, len(self.bars) - 1))
        elif event.key() == Qt.Key.Key_Up:
            self.select(max(self.current - 1, 0))
        else:
            super().keyPressEvent(event)


#: One colour per series of the timeline (klantapp.monitor.figures.TIMELINE_SERIES).
SERIES_COLOURS = (QColor("#1f4e79"), QColor("#5b9bd5"), QColor("#a5a5a5"))


class TimelineChart(QWidget):
    """The timeline figure: per month a group of bars, one per series (inschrijvingen,
    first PIPs, termijn ends), a legend above. Click a bar, or move with the arrow
    keys (left/right: month, up/down: series), to see the households behind it."""

    selected = Signal(object)  # the Row

    def __init__(self, figure: Figure, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figure = figure
        self.months = grid(figure)  # (month, a cell per series)
        self.series = list(figure.columns)
        self.current: tuple[int, int] = (-1, -1)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(figure.title)
        self.setAccessibleDescription(
            "; ".join(
                f"{month}: "
                + ", ".join(f"{s} {c.count}" for s, c in zip(self.series, cells, strict=True))
                for month, cells in self.months
            )
        )
        self.setMinimumWidth(em(self, 50))
        self.setMinimumHeight(self._line_h() * 3 + em(self, 12))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def _line_h(self) -> int:
        return self.fontMetrics().height() + 4

    def sizeHint(self) -> QSize:
        return QSize(520, self.minimumHeight())

    def _plot(self) -> QRectF:
        """The area of the bars: below the legend, above the month labels."""
        h = self._line_h()
        return QRectF(4, h + 6, self.width() - 8, self.height() - 2 * h - 12)

    def _bar(self, month: int, series: int) -> QRectF:
        plot = self._plot()
        group = plot.width() / max(1, len(self.months))
        bar_w = max(2.0, (group - 6) / max(1, len(self.series)))
        top = max((c.count for _m, cells in self.months for c in cells), default=0) or 1
        count = self.months[month][1][series].count
        height = plot.height() * count / top
        x = plot.left() + month * group + 3 + series * bar_w
        return QRectF(x, plot.bottom() - height, bar_w - 1, height)

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        fm = self.fontMetrics()
        text = self.palette().color(QPalette.ColorRole.WindowText)
        x = 4.0
        for i, name in enumerate(self.series):  # the legend
            p.fillRect(QRectF(x, 4, 10, 10), SERIES_COLOURS[i % len(SERIES_COLOURS)])
            p.setPen(text)
            p.drawText(QRectF(x + 14, 0, fm.horizontalAdvance(name) + 4, 18), 0, name)
            x += fm.horizontalAdvance(name) + 30
        plot = self._plot()
        p.setPen(text)
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        group = plot.width() / max(1, len(self.months))
        every = max(1, int(fm.horizontalAdvance("2026-00 ") // max(1.0, group)) + 1)
        for m, (month, cells) in enumerate(self.months):
            for s, cell in enumerate(cells):
                colour = SELECTED if (m, s) == self.current else SERIES_COLOURS[s % 3]
                rect = self._bar(m, s)
                if cell.count:
                    p.fillRect(rect, colour)
            if m % every == 0:
                p.drawText(
                    QRectF(plot.left() + m * group, plot.bottom() + 2, group * every, 18),
                    Qt.AlignmentFlag.AlignLeft,
                    month,
                )
        if self.current[0] >= 0:
            m, s = self.current
            cell = self.months[m][1][s]
            rect = self._bar(m, s)
            p.drawText(
                QRectF(rect.left() - 20, rect.top() - fm.height() - 2, rect.width() + 40, 18),
                Qt.AlignmentFlag.AlignHCenter,
                str(cell.count),
            )
            if self.hasFocus():
                p.drawRect(rect.adjusted(-1, -1, 1, 1))
        p.end()

    def select(self, month: int, series: int) -> None:
        if 0 <= month < len(self.months) and 0 <= series < len(self.series):
            self.current = (month, series)
            self.update()
            self.selected.emit(self.months[month][1][series])

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus()
        plot = self._plot()
        group = plot.width() / max(1, len(self.months))
        month = int((event.position().x() - plot.left()) // group)
        bar_w = max(2.0, (group - 6) / max(1, len(self.series)))
        series = int((event.position().x() - plot.left() - month * group - 3) // bar_w)
        self.select(month, min(max(series, 0), len(self.series) - 1))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        m, s = self.current if self.current[0] >= 0 else (0, 0)
        moves = {
            Qt.Key.Key_Right: (m + 1, s),
            Qt.Key.Key_Left: (m - 1, s),
            Qt.Key.Key_Down: (m, s + 1),
            Qt.Key.Key_Up: (m, s - 1),
        }
        if event.key() in moves:
            self.select(*moves[Qt.Key(event.key())])
        else:
            super().keyPressEvent(event)


Index = QModelIndex | QPersistentModelIndex


class CellModel(QAbstractTableModel):
    """A two-way figure as a table: a row per row label, a column per column label and
    one for the row's total; each cell shaded by its count."""

    def __init__(self, figure: Figure, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figure = figure
        self.lines = grid(figure)
        self.columns = [*figure.columns, _("Totaal")]
        self.totals = []
        for label, cells in self.lines:
            key = cells[0].key.split("|")[0] + "|"
            total = Row(label, sum(c.count for c in cells), key=key, column=_("Totaal"))
            for c in cells:
                total.households |= c.households
            self.totals.append(total)
        self.top = max((c.count for c in figure.rows), default=0) or 1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def cell(self, index: Index) -> Row:
        cells = self.lines[index.row()][1]
        return cells[index.column()] if index.column() < len(cells) else self.totals[index.row()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section]
        return self.lines[section][0]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cell = self.cell(index)
        total = index.column() == len(self.columns) - 1
        if role == Qt.ItemDataRole.DisplayRole:
            return str(cell.count)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{cell.name}: {cell.count}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return _("{cell}: {count}. Kies de cel om de huishoudens te zien.").format(
                cell=cell.name, count=cell.count
            )
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole and cell.count and not total:
            shade = QColor(ACCENT)
            shade.setAlphaF(0.08 + 0.42 * cell.count / self.top)  # light: the text stays legible
            return shade
        if role == Qt.ItemDataRole.FontRole and total:
            font = QFont()
            font.setBold(True)
            return font
        return None


class CellTable(QTableView):
    """A two-way figure: every cell (and each row's total) can be chosen, with the
    mouse or the arrow keys, to see the households behind it."""

    selected = Signal(object)  # the Row

    def __init__(self, figure: Figure, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figure = figure
        self.cells = CellModel(figure, self)
        self.setModel(self.cells)
        self.setAccessibleName(figure.title)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.horizontalHeader().setMinimumSectionSize(em(self, 7))
        self.resizeColumnsToContents()
        self.resizeRowsToContents()
        height = self.horizontalHeader().height() + 2 * self.frameWidth() + 2
        height += sum(self.rowHeight(i) for i in range(self.cells.rowCount()))
        self.setFixedHeight(height)
        # as wide as its columns (AdjustToContents): the counts stay near their labels
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.selectionModel().currentChanged.connect(self._current)

    def _current(self, index: QModelIndex, _previous: QModelIndex) -> None:
        if index.isValid():
            self.selected.emit(self.cells.cell(index))

    def select(self, row: int, column: int) -> None:
        self.setCurrentIndex(self.cells.index(row, column))


def _household_text(key: str, row: dict[str, Any]) -> str:
    if key == "status":
        return _(choice_label(HOUSEHOLD_STATUS, row.get("status")))
    value = row.get(key)
    return "" if value is None else str(value)


def _median_text(row: Row, unit: str) -> str:
    weeks = f"{row.value:.1f}".replace(".", ",")
    return _("{label}: {weeks} ({count} {unit}) — toon de huishoudens").format(
        label=row.label, weeks=weeks, count=row.count, unit=unit
    )


class MonitorScreen(QWidget):
    open_household = Signal(str, str, str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.monitor: Monitor | None = None
        self.charts: list[BarChart | TimelineChart | CellTable] = []
        self.medians: list[QPushButton] = []
        lay = QVBoxLayout(self)
        lay.addWidget(heading(_("Monitor")))
        controls = QHBoxLayout()
        today = QDate.currentDate()
        self.on_edit = self._date_edit(today, _("Peildatum"))
        self.from_edit = self._date_edit(QDate(today.year(), 1, 1), _("Periode van"))
        self.to_edit = self._date_edit(today, _("Periode tot en met"))
        for label, edit in (
            (_("Peildatum"), self.on_edit),
            (_("Periode van"), self.from_edit),
            (_("tot en met"), self.to_edit),
        ):
            text = QLabel(label)
            text.setBuddy(edit)
            controls.addWidget(text)
            controls.addWidget(edit)
        self.refresh_button = QPushButton(_("Bijwerken"))
        self.refresh_button.clicked.connect(self.refresh)
        controls.addWidget(self.refresh_button)
        controls.addStretch(1)
        self.pdf_button = QPushButton(_("Rapport (PDF)…"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.csv_button = QPushButton(_("Exporteren (CSV)…"))
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        controls.addWidget(self.pdf_button)
        controls.addWidget(self.csv_button)
        lay.addLayout(controls)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.chart_scroll = QScrollArea()
        self.chart_scroll.setWidgetResizable(True)
        self.chart_box = QWidget()
        self.chart_lay = QVBoxLayout(self.chart_box)
        self.chart_scroll.setWidget(self.chart_box)
        splitter.addWidget(self.chart_scroll)
        right = QWidget()
        right_lay = QVBoxLayout(right)
        right_lay.setContentsMargins(0, 0, 0, 0)
        self.detail_title = heading(_("Huishoudens achter het cijfer"), level=2)
        right_lay.addWidget(self.detail_title)
        self.detail_hint = QLabel(
            _("Klik op een balk, een cel of een mediaan om te zien welke huishoudens meetellen.")
        )
        self.detail_hint.setWordWrap(True)
        right_lay.addWidget(self.detail_hint)
        self.detail = DictTableModel(
            [("name", _("Huishouden")), ("status", _("Status")), ("city", _("Plaats"))],
            _household_text,
            self,
        )
        self.detail_table = make_table(self.detail, _("Huishoudens achter het cijfer"))
        self.detail_table.activated.connect(self._activated)
        self.detail_table.clicked.connect(self._activated)
        right_lay.addWidget(self.detail_table, 1)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([em(self, 80), em(self, 45)])
        self.chart_scroll.setMinimumWidth(em(self, 55))
        lay.addWidget(splitter, 1)
        self.refresh()

    def _date_edit(self, day: QDate, name: str) -> QDateEdit:
        edit = QDateEdit(day)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd-MM-yyyy")
        edit.setAccessibleName(name)
        return edit

    @staticmethod
    def _day(edit: QDateEdit) -> date:
        d = edit.date()
        return date(d.year(), d.month(), d.day())

    def refresh(self) -> None:
        if not self.session.is_open:
            return
        self.monitor = self.session.monitor(
            self._day(self.on_edit), self._day(self.from_edit), self._day(self.to_edit)
        )
        while self.chart_lay.count():
            item = self.chart_lay.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        self.charts = []
        self.medians = []
        for figure in self.monitor.figures:
            title = heading(figure.title, level=2)
            title.setWordWrap(True)
            self.chart_lay.addWidget(title)
            info = QLabel(f"{figure.definition} ({_('bron')}: {figure.source})")
            info.setWordWrap(True)
            info.setObjectName("hint")
            self.chart_lay.addWidget(info)
            chart: BarChart | TimelineChart | CellTable
            if figure.key == "timeline":
                chart = TimelineChart(figure)
            elif figure.columns:
                chart = CellTable(figure)
            else:
                chart = BarChart(figure)
            chart.selected.connect(lambda row, f=figure: self._show(f, row))
            self.chart_lay.addWidget(chart)
            for median in (r for r in figure.rows if r.of and r.value is not None):
                button = QPushButton(_median_text(median, figure.unit))
                button.setFlat(True)
                button.setStyleSheet("text-align: left")
                button.clicked.connect(lambda _c=False, f=figure, r=median: self._show(f, r))
                self.chart_lay.addWidget(button)
                self.medians.append(button)
            self.charts.append(chart)
        self.chart_lay.addStretch(1)
        self.detail.clear()

    def _show(self, figure: Figure, row: Row) -> None:
        rows = []
        for hid in sorted(row.households):
            h = self.session.get("households", hid)
            if h is not None:
                rows.append(h)
        rows.sort(key=lambda h: str(h.get("name") or "").lower())
        self.detail_title.setText(
            _("{figure}: {row} ({count} {unit}, {households} huishoudens)").format(
                figure=figure.title,
                row=row.name,
                count=row.count,
                unit=figure.unit,
                households=len(row.households),
            )
        )
        self.detail_title.setWordWrap(True)
        self.detail.set_rows(rows)
        self.detail_table.resizeColumnsToContents()

    def _activated(self, index: QModelIndex) -> None:
        row = self.detail.row_at(index)
        if row and row.get("id"):
            self.open_household.emit(row["id"], "", "")

    def export(self, kind: str) -> None:
        if self.monitor is None:
            return
        suffix = "pdf" if kind == "pdf" else "csv"
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Monitor opslaan"),
            str(Path.home() / f"monitor-{self.monitor.on.isoformat()}.{suffix}"),
            f"*.{suffix}",
        )
        if not path:
            return
        if not path.lower().endswith("." + suffix):
            path += "." + suffix
        from klantapp.vault.fsio import replace_file_atomically

        try:
            replace_file_atomically(Path(path), self.session.monitor_export(self.monitor, kind))
        except OSError as exc:
            QMessageBox.warning(
                self,
                _("Monitor opslaan"),
                _("Het bestand kon niet worden opgeslagen: {reason}").format(
                    reason=exc.strerror or type(exc).__name__
                ),
            )

    def data_changed(self, kind: str) -> None:
        if kind != "settings":
            self.refresh()

    def clear(self) -> None:
        self.detail.clear()
        self.monitor = None
