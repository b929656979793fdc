"""Vandaag: today's and this week's appointments and what is due or overdue."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QLocale, QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from klantapp.domain.records import APPOINTMENT_KINDS, APPOINTMENT_OUTCOMES, choice_label
from klantapp.i18n import _
from ui.forms import format_date
from ui.session import Session
from ui.widgets import DictTableModel, heading, make_table


def appointment_text(key: str, row: dict[str, Any]) -> str:
    value = row.get(key)
    if key == "starts_at":
        d, _sep, t = str(value or "").partition("T")
        return f"{format_date(d)} {t}".strip()
    if key == "time":
        return str(row.get("starts_at") or "")[11:16]
    if key == "kind":
        return _(choice_label(APPOINTMENT_KINDS, value))
    if key == "outcome":
        return _(choice_label(APPOINTMENT_OUTCOMES, value))
    return "" if value is None else str(value)


def offers_statement(row: dict[str, Any]) -> bool:
    """A due item for which the gemeente's statement that its offer started late can be
    made: the offer started late, or its last day to start has passed."""
    rule = row.get("rule")
    return bool(row.get("person_id")) and (
        rule == "verklaring_aanbod" or (rule == "aanbod_starten" and bool(row.get("overdue")))
    )


def appointment_columns(first: tuple[str, str]) -> list[tuple[str, str]]:
    """The columns of an appointment table (Vandaag, Agenda), after a first column
    that says when: the time of day, or the date and time."""
    return [
        first,
        ("household_name", _("Huishouden")),
        ("person_name", _("Gezinslid")),
        ("kind", _("Soort afspraak")),
        ("location", _("Locatie")),
        ("outcome", _("Uitkomst")),
    ]


class TodayScreen(QWidget):
    open_household = Signal(str, str, str)  # household id, record kind, record id
    go_requested = Signal(str)  # "settings" or "new_household" (the first steps)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        lay = QVBoxLayout(self)
        self.title = heading(_("Vandaag"))
        lay.addWidget(self.title)
        self.date_label = QLabel()
        lay.addWidget(self.date_label)
        # An empty casebook: say what to do first instead of three empty tables.
        self.first_steps = QLabel(
            _(
                "Dit dossier is nog leeg. Begin zo:\n"
                "1. Vul bij Instellingen de gegevens van de gemeente en uw naam in "
                "(die staan op de brieven en in het logboek).\n"
                "2. Maak bij Huishoudens een nieuw huishouden (Ctrl+N) en voeg de gezinsleden toe.\n"
                "3. Plan daarna de warme overdracht of de brede intake onder Afspraken."
            )
        )
        self.first_steps.setWordWrap(True)
        self.first_steps.setObjectName("first_steps")
        self.first_steps.hide()
        lay.addWidget(self.first_steps)
        steps_row = QHBoxLayout()
        self.settings_button = QPushButton(_("Naar Instellingen"))
        self.settings_button.clicked.connect(lambda: self.go_requested.emit("settings"))
        self.new_household_button = QPushButton(_("Nieuw huishouden…"))
        self.new_household_button.clicked.connect(lambda: self.go_requested.emit("new_household"))
        steps_row.addWidget(self.settings_button)
        steps_row.addWidget(self.new_household_button)
        steps_row.addStretch(1)
        lay.addLayout(steps_row)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter = splitter

        self.today_model = DictTableModel(
            appointment_columns(("time", _("Tijd"))), appointment_text, self
        )
        self.week_model = DictTableModel(
            appointment_columns(("starts_at", _("Datum en tijd"))), appointment_text, self
        )
        self.due_model = DictTableModel(
            [
                ("when", _("Datum")),
                ("state", _("Stand")),
                ("title", _("Wat")),
                ("household_name", _("Huishouden")),
                ("detail", _("Toelichting")),
            ],
            parent=self,
        )
        self.due_model.emphasis = lambda r: bool(r.get("overdue"))
        self.today_table = make_table(self.today_model, _("Afspraken vandaag"))
        self.week_table = make_table(self.week_model, _("Afspraken komende zeven dagen"))
        self.due_table = make_table(self.due_model, _("Termijnen en acties"))
        for title, table in (
            (_("Afspraken vandaag"), self.today_table),
            (_("Komende zeven dagen"), self.week_table),
            (_("Termijnen: te laat en binnenkort"), self.due_table),
        ):
            box = QWidget()
            box_lay = QVBoxLayout(box)
            box_lay.setContentsMargins(0, 0, 0, 0)
            box_lay.addWidget(heading(title, level=2))
            box_lay.addWidget(table)
            table.activated.connect(self._activated)
            table.clicked.connect(self._activated)  # a dashboard: one click opens
            splitter.addWidget(box)
        lay.addWidget(splitter, 1)
        self.due_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.due_table.customContextMenuRequested.connect(self._due_menu)
        hint = QLabel(
            _(
                "Dubbelklik of druk op Enter om het huishouden te openen; bij een verklaring "
                "voor de klant opent de verklaring. Rechtsklik voor meer."
            )
        )
        hint.setObjectName("hint")
        lay.addWidget(hint)
        self.refresh()

    def refresh(self) -> None:
        if not self.session.is_open:
            return
        today = date.today()
        self.date_label.setText(
            QLocale().toString(QDate.currentDate(), QLocale.FormatType.LongFormat)
        )
        start = datetime.combine(today, datetime.min.time())
        tomorrow = start + timedelta(days=1)
        week_end = tomorrow + timedelta(days=7)
        iso = "%Y-%m-%dT%H:%M"
        self.today_model.set_rows(
            self.session.appointments_between(start.strftime(iso), tomorrow.strftime(iso))
        )
        self.week_model.set_rows(
            self.session.appointments_between(tomorrow.strftime(iso), week_end.strftime(iso))
        )
        names: dict[str, str] = {}
        rows = []
        for item in self.session.due_items(today):
            hid = item.household_id
            if hid not in names:
                h = self.session.get("households", hid) or {}
                names[hid] = h.get("name") or ""
            rows.append(
                {
                    "when": format_date(item.due_on.isoformat()),
                    "state": _("Te laat") if item.overdue else _("Binnenkort"),
                    "title": item.title,  # already in the interface language
                    "household_name": names[hid],
                    "detail": item.detail,
                    "household_id": hid,
                    "overdue": item.overdue,
                    "person_id": item.person_id,
                    "rule": item.rule,
                }
            )
        rows.sort(key=lambda r: (not r["overdue"],))
        self.due_model.set_rows(rows)
        for table in (self.today_table, self.week_table, self.due_table):
            table.resizeColumnsToContents()
        empty = self.session.count_households() == 0
        for w in (self.first_steps, self.settings_button, self.new_household_button):
            w.setVisible(empty)
        self.splitter.setVisible(not empty)

    def _activated(self, index: QModelIndex) -> None:
        row = index.model().data(index, Qt.ItemDataRole.UserRole)
        if not row:
            return
        if row.get("rule") == "verklaring_aanbod" and offers_statement(row):
            self.make_statement(row)
            return
        hid = row.get("household_id")
        if hid:
            if "starts_at" in row:
                self.open_household.emit(hid, "appointments", row.get("id") or "")
            elif row.get("rule") == "avg_inzage" and row.get("person_id"):
                # the member who asked: AVG > Inzage maken answers the request
                self.open_household.emit(hid, "persons", row["person_id"])
            else:
                self.open_household.emit(hid, "", "")

    def make_statement(self, row: dict[str, Any]) -> None:
        """The late-offer statement for the person of a due item (preview, print)."""
        from ui.letters import show_late_offer

        show_late_offer(self.session, str(row["person_id"]), self)

    def due_menu_actions(self, row: dict[str, Any]) -> list[tuple[str, Any]]:
        """What the due table's context menu offers for ``row``: (text, action)."""
        actions: list[tuple[str, Any]] = []
        hid = row.get("household_id")
        if hid:
            actions.append((_("Huishouden openen"), lambda: self.open_household.emit(hid, "", "")))
        if offers_statement(row):
            actions.append((_("Verklaring te laat aanbod…"), lambda: self.make_statement(row)))
        return actions

    def _due_menu(self, pos: QPoint) -> None:
        index = self.due_table.indexAt(pos)
        row = index.model().data(index, Qt.ItemDataRole.UserRole) if index.isValid() else None
        if not row:
            return
        menu = QMenu(self)
        for text, action in self.due_menu_actions(row):
            menu.addAction(text).triggered.connect(action)
        menu.exec(self.due_table.viewport().mapToGlobal(pos))

    def data_changed(self, kind: str) -> None:
        self.refresh()

    def clear(self) -> None:
        for m in (self.today_model, self.week_model, self.due_model):
            m.clear()
