"""A list of records of one kind beside a generated form: new, save, delete.

Used for household members, warme overdrachten, PIP versions, appointments,
referrals, notes and ketenpartners. Saving is explicit (button or Ctrl+S); moving to
another record, tab or screen with unsaved changes asks first. "Opgeslagen" is shown
only after the core returned, i.e. after the change was fsynced.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from klantapp.domain.records import kind as record_kind
from klantapp.errors import KlantappError
from klantapp.i18n import _
from ui.forms import RecordForm, display_value, save_form
from ui.session import Session
from ui.widgets import DictTableModel, StatusLine, ask_unsaved, confirm, make_table


class RecordListEditor(QWidget):
    saved = Signal(str)  # id

    def __init__(
        self,
        session: Session,
        kind: str,
        columns: Sequence[str],
        *,
        parent_values: dict[str, Any] | None = None,
        refs: dict[str, Sequence[tuple[str, str]]] | None = None,
        defaults: Callable[[], dict[str, Any]] | None = None,
        sensitive: Callable[[dict[str, Any]], bool] | None = None,
        hidden: Sequence[str] = ("household_id",),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.kind = kind
        self.rk = record_kind(kind)
        self.parent_values = dict(parent_values or {})
        self.defaults = defaults or (lambda: {})
        self.sensitive = sensitive
        self.current_id: str | None = None
        self._records: list[dict[str, Any]] = []
        self._revealed: set[str] = set()

        fields = {f.name: f for f in self.rk.fields}

        def fmt(key: str, row: dict[str, Any]) -> str:
            if (
                self.sensitive is not None
                and self.sensitive(row)
                and row.get("id") not in self._revealed
            ) and key in ("text", "notes"):
                return _("(vertrouwelijk)")
            if key in fields:
                f = fields[key]
                if f.kind == "ref" and refs and key in refs:
                    return dict(refs[key]).get(row.get(key) or "", "")
                return display_value(f, row.get(key))
            value = row.get(key)
            return "" if value is None else str(value)

        self.model = DictTableModel(
            [(c, _(fields[c].label) if c in fields else c) for c in columns], fmt, self
        )
        self.table = make_table(self.model, _(self.rk.label_plural))
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)

        self.form = RecordForm(self.rk, hidden=hidden, refs=refs)
        self.form.restricted_revealed.connect(self._log_reveal)
        self.form.dirty_changed.connect(self._on_dirty)
        self.reveal_record = QPushButton(_("Vertrouwelijke notitie tonen"))
        self.reveal_record.hide()
        self.reveal_record.clicked.connect(self._reveal_current)

        self.new_button = QPushButton(_("Nieuw"))
        self.new_button.setToolTip(_("Nieuw (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_record)
        self.save_button = QPushButton(_("Opslaan"))
        self.save_button.setToolTip(_("Opslaan (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton(_("Verwijderen"))
        self.delete_button.clicked.connect(self.delete_current)
        self.status = StatusLine()
        self.extra_buttons = QHBoxLayout()
        self.record_buttons: list[QPushButton] = []  # enabled only when a record is shown

        left = QWidget()
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        left_lay.addWidget(self.table)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addStretch(1)
        left_lay.addLayout(row)

        right = QWidget()
        right_lay = QVBoxLayout(right)
        right_lay.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        holder = QWidget()
        holder_lay = QVBoxLayout(holder)
        holder_lay.addWidget(self.reveal_record)
        holder_lay.addWidget(self.form)
        self.scroll_area.setWidget(holder)
        right_lay.addWidget(self.scroll_area, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.delete_button)
        buttons.addLayout(self.extra_buttons)
        buttons.addStretch(1)
        buttons.addWidget(self.status)
        right_lay.addLayout(buttons)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.splitter)
        self._sized = False
        self._show_form(None)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._sized:  # once: the list as wide as its columns, 2/5 to 1/2 of it
            self._sized = True
            total = max(self.width(), 10)
            header = self.table.horizontalHeader()
            needed = (
                sum(header.sectionSize(i) for i in range(header.count()))
                + self.table.verticalScrollBar().sizeHint().width()
                + 2 * self.table.frameWidth()
            )
            left = min(max(needed, total * 2 // 5), total // 2)
            self.splitter.setSizes([left, total - left])

    # --- data ---------------------------------------------------------------------------
    def set_records(self, records: list[dict[str, Any]], keep: bool = True) -> None:
        current = self.current_id if keep else None
        self._records = list(records)
        self.table.selectionModel().blockSignals(True)
        self.model.set_rows(self._records)
        self.table.selectionModel().blockSignals(False)
        self.table.resizeColumnsToContents()
        if current is not None and not self.form.is_dirty():
            self.select(current)
        elif current is None and not self.form.is_dirty():
            self._show_form(None)

    def set_refs(self, field_name: str, options: Sequence[tuple[str, str]]) -> None:
        self.form.set_options(field_name, options)

    def select(self, record_id: str | None) -> bool:
        for row, rec in enumerate(self._records):
            if rec.get("id") == record_id:
                index = self.model.index(row, 0)
                self.table.selectionModel().blockSignals(True)
                self.table.selectionModel().setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.table.selectionModel().blockSignals(False)
                self._show_form(rec)
                return True
        return False

    def current_record(self) -> dict[str, Any] | None:
        if self.current_id is None:
            return None
        for rec in self._records:
            if rec.get("id") == self.current_id:
                return rec
        return None

    def _show_form(self, record: dict[str, Any] | None) -> None:
        self.current_id = record.get("id") if record else None
        hidden = (
            record is not None
            and self.sensitive is not None
            and self.sensitive(record)
            and record.get("id") not in self._revealed
        )
        if record is None:
            self.form.set_record(None, {**self.defaults(), **self.parent_values})
        else:
            self.form.set_record(record)
        self.form.setVisible(not hidden)
        self.reveal_record.setVisible(hidden)
        self.delete_button.setEnabled(record is not None)
        for button in self.record_buttons:
            button.setEnabled(record is not None)
        self.status.blank()

    def add_record_button(self, button: QPushButton) -> None:
        """An extra action on the shown record (subclasses)."""
        self.record_buttons.append(button)
        self.extra_buttons.addWidget(button)
        button.setEnabled(self.current_id is not None)

    def _log_reveal(self) -> None:
        """Seeing restricted data is logged (AVG audit)."""
        current = next((r for r in self._records if r.get("id") == self.current_id), None)
        if current is not None:
            self.session.log_restricted_read(self.kind, current)

    def _reveal_current(self) -> None:
        if self.current_id:
            self._revealed.add(self.current_id)
            self._log_reveal()
            self.form.show()
            self.reveal_record.hide()
            self.model.layoutChanged.emit()

    def _on_current_changed(self, current: Any, previous: Any) -> None:
        if not self.isVisible():
            return  # being torn down (lock, quit): never prompt then
        record = self.model.row_at(current)
        if record is not None and record.get("id") == self.current_id:
            return
        if not self.maybe_leave():
            # go back to the row being edited
            self.table.selectionModel().blockSignals(True)
            if previous is not None and previous.isValid():
                self.table.selectionModel().setCurrentIndex(
                    previous,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
            else:
                self.table.clearSelection()
            self.table.selectionModel().blockSignals(False)
            return
        self._show_form(record)

    def _on_dirty(self, dirty: bool) -> None:
        if dirty:
            self.status.dirty()
        else:
            self.status.blank()

    # --- actions --------------------------------------------------------------------------
    def is_dirty(self) -> bool:
        return self.form.is_dirty()

    def maybe_leave(self) -> bool:
        """True when it is fine to leave the current record (saved or discarded)."""
        if not self.form.is_dirty():
            return True
        answer = ask_unsaved(self, _(self.rk.label).lower())
        if answer == "save":
            return self.save()
        if answer == "discard":
            self._show_form(self.current_record())
            return True
        return False

    def new_record(self) -> None:
        if not self.maybe_leave():
            return
        self.table.selectionModel().blockSignals(True)
        self.table.clearSelection()
        self.table.setCurrentIndex(self.model.index(-1, -1))
        self.table.selectionModel().blockSignals(False)
        self._show_form(None)
        first = next(iter(self.form.editors.values()), None)
        if first is not None:
            first.widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def save(self) -> bool:
        """Save the form; True when saved (or nothing to save)."""

        def write() -> str:
            if self.current_id is None:
                values = {**self.form.values(), **self.parent_values}
                values = {k: v for k, v in values.items() if v is not None}
                self.current_id = self.write_new(values)
            else:
                changes = self.form.changes()
                if changes:
                    self.write_changes(self.current_id, changes)
            return self.current_id

        ok, saved_id = save_form(self.form, self.status, write)
        if not ok or saved_id is None:
            return False
        new_id = saved_id
        self.form.mark_clean()
        self.select(new_id)  # show what the core stored (normalised values)
        self.status.saved()
        self.saved.emit(new_id)
        return True

    def save_for_lock(self) -> bool:
        """Before locking: save; if some fields are wrong, save at least the others."""
        if self.save():
            return True
        if self.current_id is not None:
            changes = self.form.valid_changes()
            if changes:
                try:
                    self.session.update(self.kind, self.current_id, changes)
                except KlantappError:
                    return False
        return False

    def write_new(self, values: dict[str, Any]) -> str:
        return self.session.add(self.kind, values)

    def write_changes(self, record_id: str, changes: dict[str, Any]) -> None:
        self.session.update(self.kind, record_id, changes)

    def delete_current(self) -> None:
        record = self.current_record()
        if record is None:
            return
        if not confirm(
            self,
            _("Verwijderen"),
            _("Weet u zeker dat u dit wilt verwijderen? Dit kan niet ongedaan worden gemaakt."),
            _("Verwijderen"),
        ):
            return
        try:
            self.session.delete(self.kind, record["id"])
        except KlantappError as exc:
            self.status.problem(str(exc))
            return
        self.show_none()

    def show_none(self) -> None:
        """The shown record is gone (deleted, withdrawn): an empty form."""
        self.current_id = None
        self.form.mark_clean()
        self._show_form(None)
