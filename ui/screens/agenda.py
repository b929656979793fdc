"""Agenda: appointments per day or week; create, move, cancel; record the outcome."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QLocale, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from klantapp.errors import InvalidInput, KlantappError
from klantapp.i18n import _
from ui.forms import RecordForm, follow_person, format_date, save_form, working_slot
from ui.screens.today import appointment_columns, appointment_text
from ui.session import Session
from ui.widgets import (
    DictTableModel,
    StatusLine,
    confirm,
    dialog_buttons,
    em,
    heading,
    make_table,
)

ISO = "%Y-%m-%dT%H:%M"


class NewAppointmentDialog(QDialog):
    """Choose the household, then fill in the appointment form."""

    def __init__(self, session: Session, when: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.new_id: str | None = None
        self.setWindowTitle(_("Nieuwe afspraak"))
        lay = QVBoxLayout(self)
        top = QFormLayout()
        self.household = QComboBox()
        self.household.setEditable(True)
        self.household.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.household.setAccessibleName(_("Huishouden"))
        for h in session.list_households(limit=1000):
            self.household.addItem(h.get("name") or "", h["id"])
        self.household.currentIndexChanged.connect(self._household_changed)
        top.addRow(_("&Huishouden *"), self.household)
        lay.addLayout(top)
        setting = session.get_setting("gemeente", {}) or {}
        self.form = RecordForm("appointments", refs={"person_id": []})
        self.form.set_record(
            None,
            {
                "outcome": "gepland",
                "starts_at": when,
                "duration_minutes": 60,
                "location": ", ".join(p for p in (setting.get("street"), setting.get("city")) if p),
            },
        )
        follow_person(self.form, lambda pid: self.session.get("persons", pid))
        lay.addWidget(self.form)
        self.status = StatusLine()
        lay.addWidget(self.status)
        lay.addWidget(dialog_buttons(self, _("Opslaan"), self.save))
        self.setMinimumWidth(em(self, 70))
        self._household_changed()

    def _household_changed(self, *_args: object) -> None:
        hid = self.household.currentData()
        options: list[tuple[str, str]] = []
        if hid:
            detail = self.session.household_detail(hid) or {}
            options = [
                (p["id"], " ".join(x for x in (p.get("given_names"), p.get("family_name")) if x))
                for p in detail.get("persons", [])
            ]
        self.form.set_options("person_id", options)

    def save(self) -> None:
        hid = self.household.currentData()
        if not hid:
            self.status.problem(_("Kies een huishouden."))
            return

        def write() -> str:
            values = {k: v for k, v in self.form.values().items() if v is not None}
            return self.session.add("appointments", {**values, "household_id": hid})

        ok, new_id = save_form(self.form, self.status, write)
        if ok:
            self.new_id = new_id
            self.accept()


class MoveDialog(QDialog):
    def __init__(self, starts_at: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Afspraak verplaatsen"))
        lay = QFormLayout(self)
        self.when = QDateTimeEdit(QDateTime.fromString(starts_at[:16], "yyyy-MM-ddTHH:mm"))
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("dd-MM-yyyy HH:mm")
        self.when.setAccessibleName(_("Nieuwe datum en tijd"))
        lay.addRow(_("&Nieuwe datum en tijd"), self.when)
        lay.addRow(dialog_buttons(self, _("Verplaatsen"), self.accept))

    def value(self) -> str:
        return self.when.dateTime().toString("yyyy-MM-ddTHH:mm")


class AgendaScreen(QWidget):
    open_household = Signal(str, str, str)
    letter_requested = Signal(str)
    print_day_requested = Signal(object)  # date

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.day = date.today()
        self.week_mode = False
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(_("Agenda")))
        top.addStretch(1)
        self.day_radio = QRadioButton(_("&Dag"))
        self.week_radio = QRadioButton(_("&Week"))
        group = QButtonGroup(self)
        group.addButton(self.day_radio)
        group.addButton(self.week_radio)
        self.day_radio.setChecked(True)
        self.week_radio.toggled.connect(self._mode_changed)
        top.addWidget(self.day_radio)
        top.addWidget(self.week_radio)
        self.prev_button = QPushButton("◀")
        self.prev_button.setAccessibleName(_("Vorige"))
        self.prev_button.setToolTip(_("Vorige (Alt+Links)"))
        self.prev_button.setShortcut("Alt+Left")
        self.prev_button.clicked.connect(lambda: self._step(-1))
        self.today_button = QPushButton(_("Vandaag"))
        self.today_button.clicked.connect(self.go_today)
        self.next_button = QPushButton("▶")
        self.next_button.setAccessibleName(_("Volgende"))
        self.next_button.setToolTip(_("Volgende (Alt+Rechts)"))
        self.next_button.setShortcut("Alt+Right")
        self.next_button.clicked.connect(lambda: self._step(1))
        for b in (self.prev_button, self.today_button, self.next_button):
            top.addWidget(b)
        lay.addLayout(top)
        self.range_label = heading("", level=2)
        lay.addWidget(self.range_label)

        self.model = DictTableModel(
            appointment_columns(("starts_at", _("Datum en tijd"))), appointment_text, self
        )
        self.table = make_table(self.model, _("Afspraken"))
        self.table.activated.connect(self._activated)
        self.table.selectionModel().currentRowChanged.connect(self._sync_buttons)
        lay.addWidget(self.table, 1)

        actions = QHBoxLayout()
        self.new_button = QPushButton(_("Nieuwe afspraak"))
        self.new_button.setToolTip(_("Nieuwe afspraak (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_record)
        self.move_button = QPushButton(_("Verplaatsen…"))
        self.move_button.clicked.connect(self.move_current)
        self.cancel_button = QPushButton(_("Annuleren"))
        self.cancel_button.setToolTip(_("De gemeente annuleert deze afspraak"))
        self.cancel_button.clicked.connect(self.cancel_current)
        self.came_button = QPushButton(_("Verschenen"))
        self.came_button.clicked.connect(lambda: self._outcome("verschenen"))
        self.missed_button = QPushButton(_("Niet verschenen"))
        self.missed_button.clicked.connect(lambda: self._outcome("niet_verschenen"))
        self.letter_button = QPushButton(_("Brief maken"))
        self.letter_button.clicked.connect(self._letter)
        self.print_day_button = QPushButton(_("Brieven van de dag afdrukken…"))
        self.print_day_button.clicked.connect(lambda: self.print_day_requested.emit(self.day))
        for b in (
            self.new_button,
            self.move_button,
            self.cancel_button,
            self.came_button,
            self.missed_button,
            self.letter_button,
        ):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.print_day_button)
        lay.addLayout(actions)
        self.status = StatusLine()
        lay.addWidget(self.status)
        self.refresh()

    def _mode_changed(self, week: bool) -> None:
        self.week_mode = week
        self.refresh()

    def _step(self, direction: int) -> None:
        self.day += timedelta(days=7 * direction if self.week_mode else direction)
        self.refresh()

    def go_today(self) -> None:
        self.day = date.today()
        self.refresh()

    def range(self) -> tuple[datetime, datetime]:
        if self.week_mode:
            start = self.day - timedelta(days=self.day.weekday())
            return datetime.combine(start, datetime.min.time()), datetime.combine(
                start + timedelta(days=7), datetime.min.time()
            )
        start_dt = datetime.combine(self.day, datetime.min.time())
        return start_dt, start_dt + timedelta(days=1)

    def refresh(self) -> None:
        if not self.session.is_open:
            return
        start, end = self.range()
        if self.week_mode:
            self.range_label.setText(
                _("Week {week}: {start} t/m {end}").format(
                    week=start.isocalendar()[1],
                    start=format_date(start.date().isoformat()),
                    end=format_date((end - timedelta(days=1)).date().isoformat()),
                )
            )
        else:
            qdate = QDate(self.day.year, self.day.month, self.day.day)
            self.range_label.setText(QLocale().toString(qdate, QLocale.FormatType.LongFormat))
        self.print_day_button.setEnabled(not self.week_mode)
        current = self.current()
        self.model.set_rows(
            self.session.appointments_between(start.strftime(ISO), end.strftime(ISO))
        )
        self.table.resizeColumnsToContents()
        if current:
            for i, row in enumerate(self.model.rows):
                if row.get("id") == current.get("id"):
                    self.table.selectRow(i)
        self._sync_buttons()

    def current(self) -> dict[str, Any] | None:
        return self.model.row_at(self.table.currentIndex())

    def _sync_buttons(self, *_args: object) -> None:
        has = self.current() is not None
        for b in (
            self.move_button,
            self.cancel_button,
            self.came_button,
            self.missed_button,
            self.letter_button,
        ):
            b.setEnabled(has)

    def _activated(self, index: QModelIndex) -> None:
        row = self.model.row_at(index)
        if row:
            self.open_household.emit(row["household_id"], "appointments", row["id"])

    def new_record(self) -> None:
        when = working_slot(self.day if self.day != date.today() else None)
        dialog = NewAppointmentDialog(self.session, when, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.new_id:
            self.refresh()
            self.status.saved()

    def move_current(self) -> None:
        row = self.current()
        if row is None:
            return
        dialog = MoveDialog(row.get("starts_at") or working_slot(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self._write(
            lambda: self.session.update("appointments", row["id"], {"starts_at": dialog.value()})
        )

    def cancel_current(self) -> None:
        row = self.current()
        if row is None:
            return
        if confirm(
            self,
            _("Afspraak annuleren"),
            _("Deze afspraak annuleren? De klant moet dan een nieuwe uitnodiging krijgen."),
            _("Afspraak annuleren"),
        ):
            self._write(lambda: self.session.record_outcome(row["id"], "geannuleerd"))

    def _outcome(self, outcome: str) -> None:
        row = self.current()
        if row is not None:
            self._write(lambda: self.session.record_outcome(row["id"], outcome))

    def _write(self, fn: Any) -> None:
        try:
            fn()
        except InvalidInput as exc:
            self.status.problem("; ".join(p.message for p in exc.problems))
            return
        except KlantappError as exc:
            self.status.problem(str(exc))
            return
        self.refresh()
        self.status.saved()

    def _letter(self) -> None:
        row = self.current()
        if row is not None:
            self.letter_requested.emit(row["id"])

    def data_changed(self, kind: str) -> None:
        if kind in ("appointments", "households", "persons"):
            self.refresh()

    def clear(self) -> None:
        self.model.clear()


__all__ = ["AgendaScreen", "MoveDialog", "NewAppointmentDialog", "QLabel", "Qt"]
