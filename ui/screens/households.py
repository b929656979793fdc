"""Huishoudens: the list with instant search, filters, sortable columns; new household."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from klantapp.domain.records import HOUSEHOLD_STATUS, LEERROUTES, choice_label
from klantapp.errors import KlantappError
from klantapp.i18n import _, ngettext
from ui.forms import RecordForm, display_value, save_form
from ui.session import Session
from ui.widgets import StatusLine, dialog_buttons, em, heading, make_table

Index = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Naam huishouden"),
    ("main_person", "Hoofdpersoon"),
    ("members", "Leden"),
    ("status", "Status"),
    ("leerroute", "Leerroute"),
    ("next_appointment", "Volgende afspraak"),
    ("city", "Plaats"),
    ("owner", "Klantmanager"),  # the central office only: who owns the household
    ("found", "Gevonden in"),
)
PAGE = 200
SOON_DAYS = 14


class HouseholdTableModel(QAbstractTableModel):
    """Households from ``queries.list_households``; sorting is done by the query."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.rows: list[dict[str, Any]] = []
        self.text = ""
        self.status: str | None = None
        self.leerroute: str | None = None
        self.only_ids: list[str] | None = None
        self.owner: str | None = None
        self.owner_names: dict[str, str] = {}
        self.order_by = "name"
        self.descending = False
        self.last_query_ms = 0.0

    def refresh(self) -> None:
        t0 = time.perf_counter()
        ids = self.only_ids
        matches: dict[str, Any] = {}
        if self.text.strip():
            # the same search as the command line's: names, BSN, V-nummer and notes
            matches = self.session.household_matches(self.text)
            allowed = None if ids is None else set(ids)
            ids = [h for h in matches if allowed is None or h in allowed]
        rows = self.session.list_households(
            status=self.status,
            leerroute=self.leerroute,
            household_ids=ids,
            owner=self.owner,
            order_by=self.order_by,
            descending=self.descending,
            limit=PAGE,
        )
        for row in rows:
            match = matches.get(row["id"])
            row["found"] = "; ".join(match.what) if match else ""
            row["record"] = match.record if match else None
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()
        self.last_query_ms = (time.perf_counter() - t0) * 1000

    def clear(self) -> None:
        self.beginResetModel()
        self.rows = []
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section][1])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            value = row.get(key)
            if key == "status":
                return _(choice_label(HOUSEHOLD_STATUS, value))
            if key == "leerroute":
                return _(choice_label(LEERROUTES, value)) if value else ""
            if key == "next_appointment":
                return _fmt_dt(value)
            if key == "owner":
                return self.owner_names.get(value or "", "") if value else _("niemand")
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.UserRole:
            return row.get("id")
        if role == Qt.ItemDataRole.ToolTipRole and key == "found" and row.get("found"):
            return str(row["found"]).replace("; ", "\n")
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "members":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][0]
        self.order_by = key if key != "main_person" else "name"
        self.descending = order == Qt.SortOrder.DescendingOrder
        if self.session.is_open:
            self.refresh()


def _fmt_dt(value: Any) -> str:
    if not value:
        return ""
    d, _sep, t = str(value).partition("T")
    parts = d.split("-")
    return f"{parts[2]}-{parts[1]}-{parts[0]} {t}" if len(parts) == 3 else str(value)


class NewHouseholdDialog(QDialog):
    """The few fields needed to start a household; the rest is filled in on its page."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.new_id: str | None = None
        self.setWindowTitle(_("Nieuw huishouden"))
        lay = QVBoxLayout(self)
        self.form = RecordForm(
            "households",
            only=("name", "status", "coa_location", "koppeling_date", "city"),
        )
        self.form.set_record(None, {"status": "gekoppeld"})
        lay.addWidget(self.form)
        self.status = StatusLine()
        lay.addWidget(self.status)
        lay.addWidget(dialog_buttons(self, _("Opslaan"), self.save))
        self.setMinimumWidth(em(self, 60))

    def save(self) -> None:
        def write() -> str:
            values = {k: v for k, v in self.form.values().items() if v is not None}
            return self.session.add("households", values)

        ok, new_id = save_form(self.form, self.status, write)
        if ok:
            self.new_id = new_id
            self.accept()


class AssignDialog(QDialog):
    """The central office gives a household to a klantmanager (hub mode)."""

    def __init__(
        self,
        session: Session,
        household: dict[str, Any],
        devices: list[dict[str, Any]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.household = household
        self.setWindowTitle(_("Huishouden toewijzen"))
        lay = QVBoxLayout(self)
        text = QLabel(
            _(
                "Aan wie geeft u huishouden {name}? De huidige klantmanager ziet het na de "
                "volgende uitwisseling niet meer, en krijgt daar een melding van."
            ).format(name=household.get("name") or "")
        )
        text.setWordWrap(True)
        lay.addWidget(text)
        self.target = QComboBox()
        self.target.setAccessibleName(_("Klantmanager"))
        for device in devices:
            if device["status"] == "active" and device["id"] != household.get("owner"):
                self.target.addItem(str(device["name"]), device["id"])
        lay.addWidget(self.target)
        self.status = StatusLine()
        lay.addWidget(self.status)
        lay.addWidget(dialog_buttons(self, _("Toewijzen"), self.save))

    def save(self) -> bool:
        device = self.target.currentData()
        if not device:
            self.status.problem(_("Er is geen andere actieve klantmanager."))
            return False
        try:
            self.session.assign([self.household["id"]], device)
        except KlantappError as exc:  # the device was revoked meanwhile, say
            self.status.problem(str(exc))
            return False
        self.accept()
        return True


class HouseholdsScreen(QWidget):
    open_household = Signal(str, str, str)  # household id, record kind, record id

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(_("Huishoudens")))
        top.addStretch(1)
        self.new_button = QPushButton(_("Nieuw huishouden"))
        self.new_button.setToolTip(_("Nieuw huishouden (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_record)
        top.addWidget(self.new_button)
        lay.addLayout(top)

        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            _("Zoek op naam (elk schrift), BSN, V-nummer of een woord uit een notitie…")
        )
        self.search.setAccessibleName(_("Zoeken in huishoudens"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search)
        self.search.returnPressed.connect(self._open_first)
        search_label = QLabel(_("&Zoeken"))
        search_label.setBuddy(self.search)
        filters.addWidget(search_label)
        filters.addWidget(self.search, 3)
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName(_("Filter op status"))
        self.status_filter.addItem(_("Alle statussen"), None)
        for value, label in HOUSEHOLD_STATUS:
            self.status_filter.addItem(_(label), value)
        self.status_filter.currentIndexChanged.connect(self.refresh)
        filters.addWidget(self.status_filter, 1)
        self.route_filter = QComboBox()
        self.route_filter.setAccessibleName(_("Filter op leerroute"))
        self.route_filter.addItem(_("Alle leerroutes"), None)
        for value, label in LEERROUTES:
            self.route_filter.addItem(_(label), value)
        self.route_filter.currentIndexChanged.connect(self.refresh)
        filters.addWidget(self.route_filter, 1)
        self.soon_filter = QCheckBox(_("Termijn binnenkort of verlopen"))
        self.soon_filter.toggled.connect(self.refresh)
        filters.addWidget(self.soon_filter)
        # The central office: every caseload, filtered per klantmanager.
        self.owner_filter = QComboBox()
        self.owner_filter.setAccessibleName(_("Filter op klantmanager"))
        self.owner_filter.currentIndexChanged.connect(self.refresh)
        filters.addWidget(self.owner_filter, 1)
        self.assign_button = QPushButton(_("Toewijzen…"))
        self.assign_button.setToolTip(_("Het gekozen huishouden aan een klantmanager geven"))
        self.assign_button.clicked.connect(self.assign_selected)
        filters.addWidget(self.assign_button)
        lay.addLayout(filters)

        self.model = HouseholdTableModel(session, self)
        self.table = make_table(self.model, _("Huishoudens"))
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.activated.connect(self._activated)
        lay.addWidget(self.table, 1)
        self.count = QLabel()
        self.count.setObjectName("hint")
        lay.addWidget(self.count)
        self._due_ids: list[str] | None = None
        self._sized = False
        self.hub = False
        self._fill_owners()
        self.refresh()

    def _fill_owners(self) -> None:
        """In hub mode: the klantmanagers for the owner column and filter."""
        self.hub = self.session.is_open and self.session.sync_role() == "hub"
        self.owner_filter.setVisible(self.hub)
        self.assign_button.setVisible(self.hub)
        owner_column = [k for k, _l in COLUMNS].index("owner")
        self.table.setColumnHidden(owner_column, not self.hub)
        if not self.hub:
            return
        self.devices = self.session.devices()
        self.model.owner_names = {d["id"]: d["name"] for d in self.devices}
        current = self.owner_filter.currentData()
        self.owner_filter.blockSignals(True)
        self.owner_filter.clear()
        self.owner_filter.addItem(_("Alle klantmanagers"), None)
        for device in sorted(self.devices, key=lambda d: str(d["name"])):
            self.owner_filter.addItem(str(device["name"]), device["id"])
        self.owner_filter.setCurrentIndex(max(self.owner_filter.findData(current), 0))
        self.owner_filter.blockSignals(False)

    def selected_household(self) -> dict[str, Any] | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        return self.model.rows[index.row()]

    def assign_selected(self) -> None:
        row = self.selected_household()
        if row is None:
            self.count.setText(_("Kies eerst een huishouden in de lijst."))
            return
        dialog = AssignDialog(self.session, row, self.devices, self)
        dialog.open()
        self.assign_dialog = dialog

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _on_search(self, text: str) -> None:
        self.model.text = text
        self.refresh()

    def refresh(self, *_args: object) -> None:
        if not self.session.is_open:
            return
        self.model.status = self.status_filter.currentData()
        self.model.leerroute = self.route_filter.currentData()
        self.model.owner = self.owner_filter.currentData() if self.hub else None
        if self.soon_filter.isChecked():
            if self._due_ids is None:
                items = self.session.due_items(date.today(), horizon_days=SOON_DAYS)
                self._due_ids = sorted({i.household_id for i in items})
            self.model.only_ids = self._due_ids
        else:
            self.model.only_ids = None
        self.model.refresh()
        n = len(self.model.rows)
        if n >= PAGE:
            self.count.setText(
                _("De eerste {n} huishoudens; zoek of filter om er minder te zien.").format(n=n)
            )
        else:
            self.count.setText(ngettext("{n} huishouden", "{n} huishoudens", n).format(n=n))
        if n and not self._sized:
            # once: measuring every cell on each keystroke would cost more than the query
            self._sized = True
            self.table.resizeColumnsToContents()

    def data_changed(self, kind: str) -> None:
        self._due_ids = None
        if kind in ("", "devices"):
            self._fill_owners()
        if kind in ("", "households", "persons", "appointments", "pips"):
            self.refresh()

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid() and index.row() < len(self.model.rows):
            self._open(self.model.rows[index.row()])

    def _open(self, row: dict[str, Any]) -> None:
        """Open the household, at the record that matched the search when there is one."""
        kind, record_id = row.get("record") or ("", "")
        self.open_household.emit(row["id"], kind, record_id)

    def _open_first(self) -> None:
        if len(self.model.rows) == 1:
            self._open(self.model.rows[0])
        elif self.model.rows:
            self.table.setFocus()
            self.table.selectRow(0)

    def new_record(self) -> None:
        dialog = NewHouseholdDialog(self.session, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.new_id:
            self.open_household.emit(dialog.new_id, "", "")

    def clear(self) -> None:
        self.model.clear()


__all__ = [
    "AssignDialog",
    "HouseholdTableModel",
    "HouseholdsScreen",
    "NewHouseholdDialog",
    "display_value",
]
