"""Ketenpartners: the local partners, and the referrals to the selected partner."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from klantapp.domain.records import REFERRAL_STATUS, choice_label
from klantapp.i18n import _
from ui.forms import format_date
from ui.recordlist import RecordListEditor
from ui.session import Session
from ui.widgets import DictTableModel, heading, make_table


def _referral_text(key: str, row: dict[str, Any]) -> str:
    value = row.get(key)
    if key == "status":
        return _(choice_label(REFERRAL_STATUS, value))
    if key == "date":
        return format_date(value)
    return "" if value is None else str(value)


class PartnersScreen(QWidget):
    open_household = Signal(str, str, str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        lay = QVBoxLayout(self)
        lay.addWidget(heading(_("Ketenpartners")))
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.editor = RecordListEditor(
            session,
            "partners",
            ("name", "kind", "contact_person", "phone", "open_referrals"),
            hidden=(),
            defaults=lambda: {"kind": "taalschool"},
        )
        self.editor.model.columns = [
            (k, _("Open verwijzingen") if k == "open_referrals" else h)
            for k, h in self.editor.model.columns
        ]
        self.editor.table.selectionModel().currentRowChanged.connect(self._partner_changed)
        splitter.addWidget(self.editor)
        box = QWidget()
        box_lay = QVBoxLayout(box)
        box_lay.setContentsMargins(0, 0, 0, 0)
        box_lay.addWidget(heading(_("Verwijzingen naar deze partner"), level=2))
        self.referrals = DictTableModel(
            [
                ("date", _("Datum verwijzing")),
                ("household_name", _("Huishouden")),
                ("reason", _("Reden")),
                ("status", _("Status")),
            ],
            _referral_text,
            self,
        )
        self.referral_table = make_table(self.referrals, _("Verwijzingen naar deze partner"))
        self.referral_table.activated.connect(self._activated)
        box_lay.addWidget(self.referral_table)
        splitter.addWidget(box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        lay.addWidget(splitter, 1)
        self.refresh()

    def refresh(self) -> None:
        if not self.session.is_open:
            return
        self.editor.set_records(self.session.list_partners())
        self._partner_changed()

    def _partner_changed(self, *_args: object) -> None:
        record = self.editor.current_record()
        rows: list[dict[str, Any]] = []
        if record is not None and self.session.is_open:
            rows = self.session.referrals_for_partner(record["id"])
        self.referrals.set_rows(rows)
        self.referral_table.resizeColumnsToContents()

    def _activated(self, index: QModelIndex) -> None:
        row = self.referrals.row_at(index)
        if row and row.get("household_id"):
            self.open_household.emit(row["household_id"], "referrals", row["id"])

    def data_changed(self, kind: str) -> None:
        if kind in ("partners", "referrals", "households"):
            self.refresh()

    def maybe_leave(self) -> bool:
        return self.editor.maybe_leave()

    def is_dirty(self) -> bool:
        return self.editor.is_dirty()

    def save(self) -> bool:
        return self.editor.save()

    def new_record(self) -> None:
        self.editor.new_record()

    def clear(self) -> None:
        self.editor.model.clear()
        self.referrals.clear()
