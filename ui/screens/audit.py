"""Logboek: who changed, read or exported what, and when (the AVG audit trail), with
filters for household, member, record, klantmanager, kind of entry and period (local
days; the times are shown on this computer's clock). Each line says on which device it
was done: at the central office every laptop's entries arrive with their households
(klantapp/avg/log.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from klantapp.avg.log import AuditFilter, describe_action, local_time
from klantapp.domain.records import HOUSEHOLD_CHILDREN, RECORD_KINDS
from klantapp.i18n import N_, _
from ui.forms import record_title
from ui.session import Session
from ui.widgets import DictTableModel, heading, make_table

KINDS = (
    ("", N_("Alles")),
    ("change", N_("Wijzigingen")),
    ("restricted_read", N_("Vertrouwelijk ingezien")),
    ("export", N_("Exports en inzage")),
    ("corrected", N_("Correcties")),
)
_EXPORTS = {"export", "inzage", "inzage_request", "monitor_export"}


class AuditScreen(QWidget):
    open_household = Signal(str, str, str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        lay = QVBoxLayout(self)
        lay.addWidget(heading(_("Logboek")))
        lay.addWidget(
            QLabel(_("Wie wat wijzigde, vertrouwelijke gegevens inzag of exporteerde, en wanneer."))
        )
        row = QHBoxLayout()
        self.household = QComboBox()
        self.household.setAccessibleName(_("Huishouden"))
        self.household.currentIndexChanged.connect(self._household_changed)
        self.person = QComboBox()
        self.person.setAccessibleName(_("Gezinslid"))
        self.record = QComboBox()
        self.record.setAccessibleName(_("Gegeven"))
        self.record.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.record.setMinimumContentsLength(18)
        self.actor = QComboBox()
        self.actor.setAccessibleName(_("Klantmanager"))
        self.kind = QComboBox()
        self.kind.setAccessibleName(_("Soort"))
        for key, label in KINDS:
            self.kind.addItem(_(label), key)
        self.use_period = QCheckBox(_("Periode"))
        today = QDate.currentDate()
        self.since = QDateEdit(today.addMonths(-1))
        self.until = QDateEdit(today)
        for edit, name in ((self.since, _("Van")), (self.until, _("Tot en met"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd-MM-yyyy")
            edit.setAccessibleName(name)
        about = QHBoxLayout()  # whom or what: household, member, record
        for target, label, w in (
            (about, _("Huishouden"), self.household),
            (about, _("Gezinslid"), self.person),
            (about, _("Gegeven"), self.record),
            (row, _("Klantmanager"), self.actor),
            (row, _("Soort"), self.kind),
        ):
            text = QLabel(label)
            text.setBuddy(w)
            target.addWidget(text)
            target.addWidget(w)
        about.addStretch(1)
        lay.addLayout(about)
        row.addWidget(self.use_period)
        row.addWidget(self.since)
        row.addWidget(self.until)
        self.apply = QPushButton(_("Toon"))
        self.apply.clicked.connect(self.refresh)
        row.addWidget(self.apply)
        row.addStretch(1)
        lay.addLayout(row)
        self.model = DictTableModel(
            [
                ("when", _("Wanneer")),
                ("actor", _("Wie")),
                ("origin", _("Apparaat")),
                ("household_name", _("Huishouden")),
                ("text", _("Wat")),
            ],
            None,
            self,
        )
        self.table = make_table(self.model, _("Logboek"))
        self.table.activated.connect(self._activated)
        lay.addWidget(self.table, 1)
        self.count = QLabel()
        lay.addWidget(self.count)
        self._names: dict[str, str] = {}
        self.refresh(reload_choices=True)

    def _household_changed(self) -> None:
        self.person.clear()
        self.person.addItem(_("Iedereen"), "")
        self.record.clear()
        self.record.addItem(_("Alle gegevens"), "")
        hid = self.household.currentData()
        if hid and self.session.is_open:
            detail = self.session.household_detail(hid, list(HOUSEHOLD_CHILDREN)) or {}
            for p in detail.get("persons", []):
                name = " ".join(x for x in (p.get("given_names"), p.get("family_name")) if x)
                self.person.addItem(name or p["id"][:8], p["id"])
            self.record.addItem(_(RECORD_KINDS["households"].label), hid)
            for kind in HOUSEHOLD_CHILDREN:
                for r in detail.get(kind, []):
                    title = record_title(kind, r)
                    self.record.addItem(f"{_(RECORD_KINDS[kind].label)}: {title}", r["id"])

    def _fill_choices(self, entries: list[dict[str, Any]]) -> None:
        households = self.session.list_households()
        self._names = {h["id"]: h.get("name") or "" for h in households}
        keep = self.household.currentData()
        self.household.blockSignals(True)
        self.household.clear()
        self.household.addItem(_("Alle huishoudens"), "")
        for h in sorted(households, key=lambda x: str(x.get("name") or "").lower()):
            self.household.addItem(h.get("name") or h["id"][:8], h["id"])
        if keep:
            self.household.setCurrentIndex(max(0, self.household.findData(keep)))
        self.household.blockSignals(False)
        self._household_changed()
        actors = sorted({e["actor"] for e in entries if e.get("actor")})
        self.actor.clear()
        self.actor.addItem(_("Iedereen"), "")
        for a in actors:
            self.actor.addItem(a, a)

    def _filter(self) -> AuditFilter:
        def day(edit: QDateEdit) -> str:
            d = edit.date()
            return date(d.year(), d.month(), d.day()).isoformat()

        return AuditFilter(
            household_id=self.household.currentData() or None,
            person_id=self.person.currentData() or None,
            record_id=self.record.currentData() or None,
            actor=self.actor.currentData() or None,
            since=day(self.since) if self.use_period.isChecked() else None,
            until=day(self.until) if self.use_period.isChecked() else None,
        )

    def refresh(self, reload_choices: bool = False) -> None:
        if not self.session.is_open:
            return
        if reload_choices or self.household.count() == 0:
            self._fill_choices(self.session.audit_entries())
        entries = self.session.audit_entries(self._filter())
        devices = self.session.device_names()
        wanted = self.kind.currentData()
        if wanted == "export":
            entries = [e for e in entries if e["action"] in _EXPORTS]
        elif wanted == "restricted_read":
            entries = [e for e in entries if e["action"] == "restricted_read"]
        elif wanted:
            entries = [e for e in entries if e["kind"] == wanted]
        rows = []
        for e in entries:
            hid = e.get("household_id")
            rows.append(
                {
                    **e,
                    "when": local_time(e["at"]),
                    "text": describe_action(e),
                    "household_name": self._names.get(hid or "", ""),
                    "origin": devices.get(e.get("device") or "", (e.get("device") or "")[:8]),
                    "household_id": hid,
                }
            )
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.count.setText(_("{n} regels").format(n=len(rows)))

    def _activated(self, index: QModelIndex) -> None:
        row = self.model.row_at(index)
        if row and row.get("household_id") in self._names:
            self.open_household.emit(row["household_id"], "", "")

    def data_changed(self, kind: str) -> None:
        self.refresh()

    def clear(self) -> None:
        self.model.clear()
