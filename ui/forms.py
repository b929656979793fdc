"""Forms generated from the record definitions in :mod:`klantapp.domain.records`.

One :class:`RecordForm` per record kind: an editor per field chosen by the field's
kind, the Dutch label through gettext, a marker on required fields, a problem line
under each field (filled from ``InvalidInput.problems``), and restricted (health)
fields hidden until the user asks to see them. The form tracks what changed since it
was loaded, so the screens can save only the changes and ask before leaving.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from klantapp.domain.records import ITEM_LABELS, SCORES, Field, RecordKind
from klantapp.domain.records import kind as record_kind
from klantapp.domain.validate import InvalidValue, read_date
from klantapp.errors import InvalidInput, KlantappError, Problem
from klantapp.i18n import N_, _
from ui.i18n import language_label, language_name
from ui.widgets import DateLineEdit, StatusLine

LIST_SEPARATOR = ";"

# --- value conversions ---------------------------------------------------------------


class ParseError(ValueError):
    pass


#: Working hours for a new appointment's default time.
DAY_STARTS, DAY_ENDS, DEFAULT_HOUR = 9, 16, 10


def working_slot(day: date | None = None, now: datetime | None = None) -> str:
    """A sensible time for a new appointment: on ``day`` at 10:00; without a day, the
    next full hour today if that is within working hours on a weekday, else 10:00 on
    the next weekday."""
    if day is not None:
        return datetime.combine(day, time(DEFAULT_HOUR)).strftime("%Y-%m-%dT%H:%M")
    now = now or datetime.now()
    start = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if start.weekday() < 5 and start.date() == now.date():
        if start.hour < DAY_STARTS:
            start = start.replace(hour=DAY_STARTS)
        if start.hour <= DAY_ENDS:
            return start.strftime("%Y-%m-%dT%H:%M")
    nxt = now.date() + timedelta(days=1)
    while nxt.weekday() >= 5:
        nxt += timedelta(days=1)
    return working_slot(nxt)


#: What a date field accepts, said the same way in its placeholder and its help text.
DATE_FORMS = N_("DD-MM-JJJJ, bijvoorbeeld 31-03-2026")
PARTIAL_DATE_FORMS = N_("DD-MM-JJJJ; een onbekende dag of maand als 00: 00-MM-JJJJ of 00-00-JJJJ")


def parse_date(text: str, label: str = "Datum") -> str | None:
    """'31-12-2024', '31/12/2024', '31-12-24' or '2024-12-31' -> '2024-12-31'; '' -> None."""
    try:
        return read_date(text, label)
    except InvalidValue as exc:
        raise ParseError(exc.message) from None


def format_date(value: str | None) -> str:
    """'2024-12-31' -> '31-12-2024'; a partial birth date in the BRP form: '1984-03' ->
    '00-03-1984', '1984' -> '00-00-1984'."""
    if not value:
        return ""
    parts = str(value).split("-")
    if len(parts) == 3:
        return f"{parts[2]}-{parts[1]}-{parts[0]}"
    if len(parts) == 2:
        return f"00-{parts[1]}-{parts[0]}"
    if len(parts) == 1 and len(parts[0]) == 4 and parts[0].isdigit():
        return f"00-00-{parts[0]}"
    return str(value)


def parse_partial_date(text: str, label: str = "Geboortedatum") -> str | None:
    """Birth dates: a full date, or with an unknown day or month as 00 (BRP/COA)."""
    try:
        return read_date(text, label, partial=True)
    except InvalidValue as exc:
        raise ParseError(exc.message) from None


def display_value(field: Field, value: Any) -> str:
    """A value as text for tables and lists."""
    if value is None or value == "":
        return ""
    if field.kind == "language":
        return language_name(str(value))
    if field.kind == "choice":
        for v, label in field.choices:
            if v == value:
                return _(label)
        return str(value)
    if field.kind == "score":
        for v, label in SCORES:
            if v == str(value):
                return _(label)
        return str(value)
    if field.kind == "bool":
        return _("Ja") if value else _("Nee")
    if field.kind in ("date", "partial_date"):
        return format_date(str(value))
    if field.kind == "datetime":
        d, _sep, t = str(value).partition("T")
        return f"{format_date(d)} {t}".strip()
    if field.kind in ("textlist", "multichoice") and isinstance(value, list):
        return f"{LIST_SEPARATOR} ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{v}" for v in value.values() if v)
    return str(value)


# --- editors ---------------------------------------------------------------------------


class _Editor:
    """Adapter between one field and its widget."""

    def __init__(self, field: Field, widget: QWidget) -> None:
        self.field = field
        self.widget = widget

    def get(self) -> Any:  # may raise ParseError
        raise NotImplementedError

    def set(self, value: Any) -> None:
        raise NotImplementedError

    def connect_changed(self, slot: Any) -> None:
        raise NotImplementedError


def date_placeholder(partial: bool) -> str:
    return _("DD-MM-JJJJ of 00-MM-JJJJ") if partial else _("DD-MM-JJJJ")


def date_help(field: Field) -> str:
    """The help text of a date field: its own help, or the forms it accepts."""
    if field.help:
        return _(field.help)
    return _(PARTIAL_DATE_FORMS if field.kind == "partial_date" else DATE_FORMS)


class _LineEditor(_Editor):
    def __init__(self, field: Field) -> None:
        edit = DateLineEdit() if field.kind in ("date", "partial_date") else QLineEdit()
        if field.max_length:
            edit.setMaxLength(field.max_length)
        super().__init__(field, edit)
        self.edit = edit
        if field.kind in ("date", "partial_date"):
            edit.setPlaceholderText(date_placeholder(field.kind == "partial_date"))
        elif field.kind == "int":
            lo = field.minimum if field.minimum is not None else -(10**9)
            hi = field.maximum if field.maximum is not None else 10**9
            edit.setValidator(QIntValidator(lo, hi, edit))
        elif field.kind == "postcode":
            edit.setPlaceholderText("1234 AB")
        elif field.kind in ("textlist", "multichoice"):
            edit.setPlaceholderText(_("Scheid met ;"))
        elif field.kind == "bsn":
            edit.setPlaceholderText(_("9 cijfers"))
        elif field.kind == "vnummer":
            edit.setPlaceholderText(_("10 cijfers"))
        # Names in Arabic or Ge'ez script: let the text decide its direction.
        edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)

    def get(self) -> Any:
        text = self.edit.text()
        k = self.field.kind
        if k == "date":
            return parse_date(text, self.field.label)
        if k == "partial_date":
            return parse_partial_date(text, self.field.label)
        if k == "int":
            text = text.strip()
            if not text:
                return None
            try:
                return int(text)
            except ValueError:
                raise ParseError(_("Vul een heel getal in.")) from None
        if k in ("textlist", "multichoice"):
            items = [p.strip() for p in text.split(LIST_SEPARATOR)]
            return [p for p in items if p]
        text = text.strip()
        return text or None

    def set(self, value: Any) -> None:
        k = self.field.kind
        if value is None:
            self.edit.setText("")
        elif k in ("date", "partial_date"):
            self.edit.setText(format_date(str(value)))
        elif k in ("textlist", "multichoice") and isinstance(value, list):
            self.edit.setText(f"{LIST_SEPARATOR} ".join(str(v) for v in value))
        else:
            self.edit.setText(str(value))
        self.edit.setCursorPosition(0)

    def connect_changed(self, slot: Any) -> None:
        self.edit.textChanged.connect(slot)


class _TextEditor(_Editor):
    def __init__(self, field: Field) -> None:
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)  # Tab moves on through the form
        edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * 4)
        edit.setMaximumHeight(edit.fontMetrics().lineSpacing() * 8)
        super().__init__(field, edit)
        self.edit = edit

    def get(self) -> Any:
        text = self.edit.toPlainText().strip()
        return text or None

    def set(self, value: Any) -> None:
        self.edit.setPlainText("" if value is None else str(value))

    def connect_changed(self, slot: Any) -> None:
        self.edit.textChanged.connect(slot)


class _BoolEditor(_Editor):
    def __init__(self, field: Field) -> None:
        box = QCheckBox(_(field.label))
        super().__init__(field, box)
        self.box = box

    def get(self) -> Any:
        return self.box.isChecked()

    def set(self, value: Any) -> None:
        self.box.setChecked(bool(value))

    def connect_changed(self, slot: Any) -> None:
        self.box.toggled.connect(slot)


class _ChoiceEditor(_Editor):
    def __init__(self, field: Field, options: Sequence[tuple[str, str]] | None = None) -> None:
        combo = QComboBox()
        super().__init__(field, combo)
        self.combo = combo
        self.as_int = field.kind == "score"
        if options is None and field.kind == "language":
            options = [(v, language_label(v)) for v, _label in field.choices]
        if options is None:
            options = SCORES if field.kind == "score" else field.choices
            options = [(v, _(label)) for v, label in options]
        # A long choice must not widen the whole form: the popup shows it in full.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        if not field.required or not options:
            combo.addItem("—", None)
        for value, label in options:
            if value == "" and not field.required:
                continue  # the empty choice is the "—" above
            combo.addItem(label, value)

    def get(self) -> Any:
        value = self.combo.currentData()
        if value in (None, ""):
            return None
        return int(value) if self.as_int else value

    def set(self, value: Any) -> None:
        if value is None or value == "":
            index = self.combo.findData(None)
            self.combo.setCurrentIndex(max(index, 0))
            return
        index = self.combo.findData(str(value) if self.as_int else value)
        if index < 0:  # a value we do not know (newer version, import): keep it visible
            self.combo.addItem(str(value), str(value) if self.as_int else value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    def connect_changed(self, slot: Any) -> None:
        self.combo.currentIndexChanged.connect(slot)


class _DateTimeEditor(_Editor):
    def __init__(self, field: Field) -> None:
        edit = QDateTimeEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd-MM-yyyy HH:mm")
        edit.setDateTime(QDateTime.fromString(working_slot(), "yyyy-MM-ddTHH:mm"))
        super().__init__(field, edit)
        self.edit = edit

    def get(self) -> Any:
        return self.edit.dateTime().toString("yyyy-MM-ddTHH:mm")

    def set(self, value: Any) -> None:
        if value:
            dt = QDateTime.fromString(str(value)[:16], "yyyy-MM-ddTHH:mm")
            if dt.isValid():
                self.edit.setDateTime(dt)
                return
        self.edit.setDateTime(QDateTime.fromString(working_slot(), "yyyy-MM-ddTHH:mm"))

    def connect_changed(self, slot: Any) -> None:
        self.edit.dateTimeChanged.connect(slot)


class _JsonEditor(_Editor):
    """A small sub-form for a ``json`` field with named items (one object)."""

    def __init__(self, field: Field) -> None:
        box = QWidget()
        layout = QFormLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        super().__init__(field, box)
        self.edits: dict[str, QLineEdit] = {}
        for name, _kind in (field.items or {}).items():
            edit = QLineEdit()
            item = _(ITEM_LABELS.get(name, name))
            edit.setAccessibleName(f"{_(field.label)}: {item}")
            layout.addRow(item, edit)
            self.edits[name] = edit

    def get(self) -> Any:
        return _item_values(self.field, self.edits) or None

    def set(self, value: Any) -> None:
        _set_item_values(self.edits, value if isinstance(value, dict) else {})

    def connect_changed(self, slot: Any) -> None:
        for edit in self.edits.values():
            edit.textChanged.connect(slot)


def _item_values(field: Field, edits: dict[str, QLineEdit]) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for name, edit in edits.items():
        text = edit.text().strip()
        if not text:
            continue
        if (field.items or {}).get(name) == "int":
            try:
                value[name] = int(text)
            except ValueError:
                raise ParseError(
                    _("{label}: vul bij {part} een heel getal in.").format(
                        label=_(field.label), part=_(ITEM_LABELS.get(name, name)).lower()
                    )
                ) from None
        else:
            value[name] = text
    return value


def _set_item_values(edits: dict[str, QLineEdit], value: dict[str, Any]) -> None:
    for name, edit in edits.items():
        v = value.get(name)
        edit.setText("" if v is None else str(v))


class _RepeatedEditor(_Editor):
    """A repeated structured field (Werkervaring): an editable list of entries, each a
    row of the items the registry names, with add, remove and move up/down."""

    def __init__(self, field: Field) -> None:
        box = QWidget()
        super().__init__(field, box)
        self.rows: list[tuple[QWidget, dict[str, QLineEdit]]] = []
        self._slots: list[Any] = []
        outer = QVBoxLayout(box)
        outer.setContentsMargins(0, 0, 0, 0)
        self.list_layout = QVBoxLayout()
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.list_layout)
        self.empty = QLabel(_("Nog niets ingevuld."))
        self.empty.setObjectName("hint")
        outer.addWidget(self.empty)
        self.add_button = QPushButton(_("{label}: regel toevoegen").format(label=_(field.label)))
        self.add_button.clicked.connect(lambda: self.add_row({}, focus=True))
        outer.addLayout(hbox(self.add_button))

    def add_row(self, value: dict[str, Any], *, focus: bool = False) -> None:
        row = QWidget()
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        edits: dict[str, QLineEdit] = {}
        number = len(self.rows) + 1
        for name, kind in (self.field.items or {}).items():
            edit = QLineEdit()
            item = _(ITEM_LABELS.get(name, name))
            edit.setPlaceholderText(item)
            edit.setAccessibleName(f"{_(self.field.label)} {number}: {item}")
            if kind == "int":
                edit.setValidator(QIntValidator(0, 100, edit))
                edit.setMaximumWidth(edit.fontMetrics().averageCharWidth() * 8)
            lay.addWidget(edit, 0 if kind == "int" else 1)
            edits[name] = edit
            for slot in self._slots:
                edit.textChanged.connect(slot)
        for text, name, tip, handler in (
            ("▲", _("Omhoog"), _("Regel een plaats omhoog"), self._move_up),
            ("▼", _("Omlaag"), _("Regel een plaats omlaag"), self._move_down),
            ("✕", _("Verwijderen"), _("Regel verwijderen"), self._remove),
        ):
            button = QToolButton()
            button.setText(text)
            button.setAccessibleName(f"{name} ({_(self.field.label)} {number})")
            button.setToolTip(tip)
            button.clicked.connect(lambda _c=False, r=row, h=handler: h(r))
            lay.addWidget(button)
        _set_item_values(edits, value)
        self.rows.append((row, edits))
        self.list_layout.addWidget(row)
        self.empty.setVisible(not self.rows)
        if focus:
            next(iter(edits.values())).setFocus(Qt.FocusReason.OtherFocusReason)
            self._changed()

    def _index(self, row: QWidget) -> int:
        return [r for r, _e in self.rows].index(row)

    def _move_up(self, row: QWidget) -> None:
        self._swap(self._index(row), -1)

    def _move_down(self, row: QWidget) -> None:
        self._swap(self._index(row), 1)

    def _swap(self, i: int, step: int) -> None:
        j = i + step
        if 0 <= j < len(self.rows):
            values = self.entries()
            values[i], values[j] = values[j], values[i]
            self._fill(values)
            next(iter(self.rows[j][1].values())).setFocus()
            self._changed()

    def _remove(self, row: QWidget) -> None:
        values = self.entries()
        del values[self._index(row)]
        self._fill(values)
        self._changed()

    def _changed(self) -> None:
        for slot in self._slots:
            slot()

    def _fill(self, values: list[dict[str, Any]]) -> None:
        for row, _edits in self.rows:
            row.hide()
            row.deleteLater()
        self.rows = []
        for value in values:
            self.add_row(value)
        self.empty.setVisible(not self.rows)

    def entries(self) -> list[dict[str, Any]]:
        """The rows as typed (unparsed ints kept as text), empty rows included."""
        return [
            {name: edit.text() for name, edit in edits.items() if edit.text().strip()}
            for _row, edits in self.rows
        ]

    def get(self) -> Any:
        out = []
        for number, (_row, edits) in enumerate(self.rows, start=1):
            try:
                value = _item_values(self.field, edits)
            except ParseError as exc:
                raise ParseError(f"{number}: {exc}") from None
            if value:
                out.append(value)
        return out

    def set(self, value: Any) -> None:
        entries = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        self._fill([e for e in entries if isinstance(e, dict)])

    def connect_changed(self, slot: Any) -> None:
        self._slots.append(slot)
        for _row, edits in self.rows:
            for edit in edits.values():
                edit.textChanged.connect(slot)


def make_editor(field: Field, options: Sequence[tuple[str, str]] | None = None) -> _Editor:
    k = field.kind
    if k == "longtext":
        return _TextEditor(field)
    if k == "bool":
        return _BoolEditor(field)
    if k in ("choice", "language", "score"):
        return _ChoiceEditor(field, options)
    if k == "ref":
        return _ChoiceEditor(field, options or [])
    if k == "datetime":
        return _DateTimeEditor(field)
    if k == "json":
        return _RepeatedEditor(field) if field.repeated else _JsonEditor(field)
    return _LineEditor(field)


# --- the form --------------------------------------------------------------------------


def _normalise(value: Any) -> Any:
    if value in ("", [], {}):
        return None
    return value


class RecordForm(QWidget):
    """A form for one record of ``kind``; edits nothing until the screen saves it."""

    dirty_changed = Signal(bool)
    restricted_revealed = Signal()  # the user chose to see the restricted fields

    def __init__(
        self,
        kind: str | RecordKind,
        *,
        hidden: Iterable[str] = ("household_id",),
        only: Iterable[str] | None = None,
        refs: dict[str, Sequence[tuple[str, str]]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind = record_kind(kind) if isinstance(kind, str) else kind
        self.hidden = set(hidden)
        only_set = set(only) if only is not None else None
        self.editors: dict[str, _Editor] = {}
        self.problem_labels: dict[str, QLabel] = {}
        self.field_rows: dict[str, QWidget] = {}
        self._original: dict[str, Any] = {}
        self._dirty = False
        self._loading = False
        self.problem_fields: set[str] = set()
        refs = refs or {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.general_problem = QLabel()
        self.general_problem.setWordWrap(True)
        self.general_problem.setObjectName("problem")
        self.general_problem.hide()
        outer.addWidget(self.general_problem)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # Labels stay on one line (never clipped); where the form is too narrow for a
        # long label and its field side by side, the field goes below its label.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        outer.addLayout(form)

        restricted_fields = []
        for f in self.kind.fields:
            if f.name in self.hidden or (only_set is not None and f.name not in only_set):
                continue
            if f.restricted:
                restricted_fields.append(f)
                continue
            self._add_field(form, f, refs.get(f.name))

        self.reveal_button: QPushButton | None = None
        self.restricted_box: QGroupBox | None = None
        if restricted_fields:
            self.reveal_button = QPushButton(_("Vertrouwelijke gegevens tonen"))
            self.reveal_button.setCheckable(True)
            self.reveal_button.setAccessibleDescription(
                _("Gezondheidsgegevens zijn bijzondere persoonsgegevens; ze staan verborgen.")
            )
            self.reveal_button.toggled.connect(self._reveal_toggled)
            outer.addWidget(self.reveal_button)
            self.restricted_box = QGroupBox(_("Vertrouwelijk (gezondheid)"))
            rform = QFormLayout(self.restricted_box)
            for f in restricted_fields:
                self._add_field(rform, f, refs.get(f.name))
            self.restricted_box.hide()
            outer.addWidget(self.restricted_box)
        legend = QLabel(_("Velden met * zijn verplicht."))
        legend.setObjectName("hint")
        outer.addWidget(legend)
        outer.addStretch(1)

    def _add_field(
        self, form: QFormLayout, f: Field, options: Sequence[tuple[str, str]] | None
    ) -> None:
        editor = make_editor(f, options)
        label_text = _(f.label) + (" *" if f.required else "")
        cell = QWidget()
        lay = QVBoxLayout(cell)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(editor.widget)
        problem = QLabel()
        problem.setObjectName("problem")
        problem.setWordWrap(True)
        problem.hide()
        lay.addWidget(problem)
        editor.widget.setAccessibleName(_(f.label))
        help_text = date_help(f) if f.kind in ("date", "partial_date") else _(f.help)
        if help_text:
            editor.widget.setToolTip(help_text)
            editor.widget.setAccessibleDescription(help_text)
        editor.widget.setObjectName(f"field_{f.name}")
        if f.kind == "bool":
            form.addRow("", cell)
        else:
            label = QLabel(label_text)
            label.setBuddy(editor.widget)
            form.addRow(label, cell)
        editor.connect_changed(self._on_edited)
        self.editors[f.name] = editor
        self.problem_labels[f.name] = problem
        self.field_rows[f.name] = cell

    # --- restricted fields ------------------------------------------------------------
    def _reveal_toggled(self, visible: bool) -> None:
        self.set_restricted_visible(visible)
        if visible:
            self.restricted_revealed.emit()

    def set_restricted_visible(self, visible: bool) -> None:
        if self.restricted_box is None or self.reveal_button is None:
            return
        self.restricted_box.setVisible(visible)
        self.reveal_button.blockSignals(True)
        self.reveal_button.setChecked(visible)
        self.reveal_button.blockSignals(False)
        self.reveal_button.setText(
            _("Vertrouwelijke gegevens verbergen")
            if visible
            else _("Vertrouwelijke gegevens tonen")
        )

    # --- loading and reading ------------------------------------------------------------
    def set_record(
        self, record: dict[str, Any] | None, defaults: dict[str, Any] | None = None
    ) -> None:
        """Show ``record`` (or an empty form with ``defaults``) and mark it unchanged."""
        self._loading = True
        try:
            source = dict(defaults or {})
            source.update(record or {})
            for name, editor in self.editors.items():
                editor.set(source.get(name))
            self.set_restricted_visible(False)
        finally:
            self._loading = False
        self.clear_problems()
        self._original = self._current_or_raw()
        self._set_dirty(False)

    def set_options(self, field_name: str, options: Sequence[tuple[str, str]]) -> None:
        editor = self.editors.get(field_name)
        if isinstance(editor, _ChoiceEditor):
            current = editor.get()
            editor.combo.blockSignals(True)
            editor.combo.clear()
            if not editor.field.required:
                editor.combo.addItem("—", None)
            for value, label in options:
                editor.combo.addItem(label, value)
            editor.set(current)
            editor.combo.blockSignals(False)

    def _current_or_raw(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, editor in self.editors.items():
            try:
                out[name] = _normalise(editor.get())
            except ParseError:
                out[name] = ("<unparsed>", name)
        return out

    def values(self) -> dict[str, Any]:
        """All values of the form; shows problems and raises ParseError if any are unreadable."""
        out: dict[str, Any] = {}
        problems: list[Problem] = []
        for name, editor in self.editors.items():
            try:
                out[name] = _normalise(editor.get())
            except ParseError as exc:
                problems.append(Problem("", name, str(exc)))
        if problems:
            self.show_problems(problems)
            raise ParseError(problems[0].message)
        return out

    def changes(self) -> dict[str, Any]:
        """Only the fields that differ from what was loaded."""
        now = self.values()
        return {k: v for k, v in now.items() if self._original.get(k) != v}

    def editor(self, name: str) -> QWidget:
        return self.editors[name].widget

    def set_value(self, name: str, value: Any) -> None:
        self.editors[name].set(value)

    # --- dirty state --------------------------------------------------------------------
    def _on_edited(self, *_args: object) -> None:
        if self._loading:
            return
        self._set_dirty(self._current_or_raw() != self._original)

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    def is_dirty(self) -> bool:
        return self._dirty

    def mark_clean(self) -> None:
        self._original = self._current_or_raw()
        self._set_dirty(False)

    # --- problems -------------------------------------------------------------------------
    def clear_problems(self) -> None:
        self.problem_fields = set()
        for label in self.problem_labels.values():
            label.hide()
            label.clear()
        self.general_problem.hide()
        for editor in self.editors.values():
            editor.widget.setProperty("invalid", False)
            f = editor.field
            editor.widget.setAccessibleDescription(
                date_help(f) if f.kind in ("date", "partial_date") else _(f.help) if f.help else ""
            )

    def valid_changes(self) -> dict[str, Any]:
        """Changed fields that are readable and not marked with a problem (for locking)."""
        out: dict[str, Any] = {}
        for name, editor in self.editors.items():
            if name in self.problem_fields:
                continue
            try:
                value = _normalise(editor.get())
            except ParseError:
                continue
            if self._original.get(name) != value:
                out[name] = value
        return out

    def show_problems(self, problems: Iterable[Problem]) -> None:
        """Show each problem beside its field; others at the top. Focus the first."""
        problems = list(problems)
        self.clear_problems()
        self.problem_fields = {p.field for p in problems}
        general: list[str] = []
        first: QWidget | None = None
        for p in problems:
            label = self.problem_labels.get(p.field)
            if label is None:
                where = p.field
                if p.field in self.kind.field_names:
                    where = _(self.kind.field(p.field).label)
                general.append(f"{where}: {p.message}" if where else p.message)
                continue
            text = f"⚠ {p.message}"
            label.setText(label.text() + "\n" + text if label.text() else text)
            label.show()
            widget = self.editors[p.field].widget
            widget.setProperty("invalid", True)
            widget.setAccessibleDescription(p.message)
            if self.editors[p.field].field.restricted:
                self.set_restricted_visible(True)
            if first is None:
                first = widget
        if general:
            self.general_problem.setText("\n".join(f"⚠ {g}" for g in general))
            self.general_problem.show()
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def problem_text(self, name: str) -> str:
        label = self.problem_labels.get(name)
        return label.text() if label is not None and not label.isHidden() else ""


def follow_person(form: RecordForm, person_of: Callable[[str], dict[str, Any] | None]) -> None:
    """An appointment form takes the tolk, the tolk's language and the letter language
    from the member the user chooses (what is stored with that person)."""
    chooser = form.editors.get("person_id")
    if chooser is None:
        return

    def chosen(*_args: object) -> None:
        if form._loading:
            return
        person_id = chooser.get()
        person = person_of(person_id) if person_id else None
        if not person:
            return
        if person.get("interpreter_needed"):
            if "interpreter_mode" in form.editors and not form.editors["interpreter_mode"].get():
                form.set_value("interpreter_mode", "ter_plaatse")
            if person.get("interpreter_language") and "interpreter_language" in form.editors:
                form.set_value("interpreter_language", person["interpreter_language"])
        elif "interpreter_mode" in form.editors:
            form.set_value("interpreter_mode", None)
            form.set_value("interpreter_language", None)
        if person.get("letter_language") and "letter_language" in form.editors:
            form.set_value("letter_language", person["letter_language"])

    chooser.connect_changed(chosen)


def record_title(kind: str, record: dict[str, Any]) -> str:
    """A short title from the kind's display fields."""
    rk = record_kind(kind)
    parts = []
    for name in rk.display:
        value = record.get(name)
        if value in (None, ""):
            continue
        parts.append(display_value(rk.field(name), value))
    return " ".join(parts) or _(rk.label)


def hbox(*widgets: QWidget, stretch: bool = True) -> QHBoxLayout:
    lay = QHBoxLayout()
    for w in widgets:
        lay.addWidget(w)
    if stretch:
        lay.addStretch(1)
    return lay


def save_form[T](
    form: RecordForm, status: StatusLine, write: Callable[[], T]
) -> tuple[bool, T | None]:
    """Run ``write`` (it reads ``form`` and calls the core). On a problem, show it where
    the user looks -- beside the field, or in the status line -- and return
    ``(False, None)``; nothing was saved then."""
    try:
        return True, write()
    except ParseError:
        status.problem(_("Verbeter de gemarkeerde velden."))
    except InvalidInput as exc:
        form.show_problems(exc.problems)
        status.problem(_("Niet opgeslagen: verbeter de gemarkeerde velden."))
    except KlantappError as exc:
        status.problem(str(exc))
    return False, None
