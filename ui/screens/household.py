"""One household: its details, members, warme overdracht, brede intake, PIP, appointments,
referrals, notes and timeline, each on its own tab."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from klantapp.domain.records import (
    APPOINTMENT_KINDS,
    HOUSEHOLD_CHILDREN,
    HOUSEHOLD_STATUS,
    choice_label,
)
from klantapp.errors import InvalidInput, KlantappError
from klantapp.i18n import _, ngettext
from ui.correction import CorrectionDialog, WithdrawDialog, can_withdraw, describe_counts
from ui.forms import RecordForm, follow_person, format_date, save_form, working_slot
from ui.inzage import InzageDialog, InzageRequestDialog
from ui.recordlist import RecordListEditor
from ui.screens.intake import IntakeGrid, person_label
from ui.session import Session
from ui.widgets import DictTableModel, StatusLine, ask_unsaved, heading, make_table


def describe_appointment(a: dict[str, Any]) -> str:
    when = str(a.get("starts_at") or "")
    d, _sep, t = when.partition("T")
    return f"{format_date(d)} {t} {_(choice_label(APPOINTMENT_KINDS, a.get('kind')))}".strip()


def local_time(value: Any) -> str:
    """An audit timestamp (UTC ISO) as local 'DD-MM-JJJJ HH:MM'."""
    try:
        return datetime.fromisoformat(str(value)).astimezone().strftime("%d-%m-%Y %H:%M")
    except (TypeError, ValueError):
        return str(value or "")


class HouseholdForm(QWidget):
    """The household's own fields with explicit save."""

    kind = "households"

    def __init__(self, session: Session, household_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.household_id = household_id
        self.status = StatusLine()
        self.form = RecordForm("households", hidden=())
        self.form.dirty_changed.connect(lambda d: self.status.dirty() if d else self.status.blank())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(scroll, 1)
        row = QHBoxLayout()
        self.save_button = QPushButton(_("Opslaan"))
        self.save_button.setToolTip(_("Opslaan (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        self.avg_row = row  # the household screen adds its AVG button here
        row.addStretch(1)
        row.addWidget(self.status)
        lay.addLayout(row)

    def current_record(self) -> dict[str, Any] | None:
        return self.session.get("households", self.household_id)

    def add_record_button(self, button: QPushButton) -> None:
        self.avg_row.insertWidget(1, button)

    def load(self, record: dict[str, Any]) -> None:
        if not self.form.is_dirty():
            self.form.set_record(record)

    def is_dirty(self) -> bool:
        return self.form.is_dirty()

    def save(self) -> bool:
        def write() -> None:
            changes = self.form.changes()
            if changes:
                self.session.update("households", self.household_id, changes)

        ok, _nothing = save_form(self.form, self.status, write)
        if not ok:
            return False
        self.form.mark_clean()
        record = self.session.get("households", self.household_id)
        if record:
            self.form.set_record(record)
        self.status.saved()
        return True

    def save_for_lock(self) -> bool:
        if self.save():
            return True
        changes = self.form.valid_changes()
        if changes:
            try:
                self.session.update("households", self.household_id, changes)
            except KlantappError:
                return False
        return False

    def maybe_leave(self) -> bool:
        if not self.form.is_dirty():
            return True
        answer = ask_unsaved(self, _("het huishouden"))
        if answer == "save":
            return self.save()
        if answer == "discard":
            record = self.session.get("households", self.household_id)
            self.form.set_record(record)
            return True
        return False

    def new_record(self) -> None:
        pass


class PipEditor(RecordListEditor):
    """PIP versions: saving a changed 'vastgesteld' PIP is done as a new version."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version_button = QPushButton(_("Nieuwe versie"))
        self.version_button.setToolTip(
            _("Maak een nieuwe versie van het PIP van dit gezinslid (de termijn loopt door).")
        )
        self.version_button.clicked.connect(self.new_version)
        self.add_record_button(self.version_button)

    def write_new(self, values: dict[str, Any]) -> str:
        person_id = values.get("person_id")
        if not person_id:
            raise InvalidInput([_problem("person_id", _("Kies een gezinslid."))])
        values = {k: v for k, v in values.items() if k not in ("version",)}
        return self.session.new_pip_version(person_id, values)

    def write_changes(self, record_id: str, changes: dict[str, Any]) -> None:
        """A PIP set to vastgesteld replaces the versions before it, in the same change."""
        record = self.current_record() or {}
        person_id = changes.get("person_id") or record.get("person_id")
        if not person_id:
            raise InvalidInput([_problem("person_id", _("Kies een gezinslid."))])
        self.session.save_pip(person_id, changes, pip_id=record_id)

    def new_version(self) -> None:
        record = self.current_record()
        if record is None or not self.maybe_leave():
            return
        try:
            new_id = self.session.new_pip_version(record["person_id"], {"status": "concept"})
        except KlantappError as exc:
            self.status.problem(str(exc))
            return
        self.select(new_id)
        self.status.saved()


def _problem(field: str, message: str) -> Any:
    from klantapp.errors import Problem

    return Problem("", field, message)


class AppointmentEditor(RecordListEditor):
    letter_requested = Signal(str)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        follow_person(self.form, lambda pid: self.session.get("persons", pid))
        self.came_button = QPushButton(_("Verschenen"))
        self.came_button.clicked.connect(lambda: self._outcome("verschenen"))
        self.missed_button = QPushButton(_("Niet verschenen"))
        self.missed_button.clicked.connect(lambda: self._outcome("niet_verschenen"))
        self.letter_button = QPushButton(_("Brief maken"))
        self.letter_button.clicked.connect(self._letter)
        for b in (self.came_button, self.missed_button, self.letter_button):
            self.add_record_button(b)

    def _outcome(self, outcome: str) -> None:
        record = self.current_record()
        if record is None or not self.maybe_leave():
            return
        try:
            self.session.record_outcome(record["id"], outcome)
        except KlantappError as exc:
            self.status.problem(str(exc))
            return
        self.select(record["id"])
        self.status.saved()

    def _letter(self) -> None:
        record = self.current_record()
        if record is not None and self.maybe_leave():
            self.letter_requested.emit(record["id"])


TABS = (
    "household",
    "persons",
    "warm_handovers",
    "intake",
    "pips",
    "trajectmodules",
    "exam_attempts",
    "appointments",
    "referrals",
    "handhaving",
    "duo_decisions",
    "notes",
    "timeline",
)


class HouseholdScreen(QWidget):
    back = Signal()
    letter_requested = Signal(str)
    conflicts_requested = Signal()

    def __init__(self, session: Session, household_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.household_id = household_id
        self._tab_index = 0
        self._persons: list[dict[str, Any]] = []
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        self.back_button = QPushButton("← " + _("Huishoudens"))
        self.back_button.setAccessibleName(_("Terug naar de lijst met huishoudens"))
        self.back_button.clicked.connect(self.back)
        top.addWidget(self.back_button)
        self.title = heading("")
        top.addWidget(self.title, 1)
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        top.addWidget(self.summary)
        lay.addLayout(top)
        # Sync: whose household this is (read-only when another laptop owns it), and
        # whether a conflict about it waits for a decision.
        self.owner_banner = QLabel()
        self.owner_banner.setObjectName("banner")
        self.owner_banner.setWordWrap(True)
        self.owner_banner.hide()
        lay.addWidget(self.owner_banner)
        self.conflict_banner = QWidget()
        self.conflict_banner.setObjectName("banner")
        c_lay = QHBoxLayout(self.conflict_banner)
        c_lay.setContentsMargins(0, 0, 0, 0)
        self.conflict_text = QLabel()
        self.conflict_text.setWordWrap(True)
        c_lay.addWidget(self.conflict_text, 1)
        self.conflict_button = QPushButton(_("Conflicten bekijken"))
        self.conflict_button.clicked.connect(self.conflicts_requested)
        c_lay.addWidget(self.conflict_button)
        self.conflict_banner.hide()
        lay.addWidget(self.conflict_banner)
        self.read_only = False
        self._conflicts: list[dict[str, Any]] = []
        self._ref_options: dict[str, Sequence[tuple[str, str]]] = {}

        parent_values = {"household_id": household_id}
        self.details = HouseholdForm(session, household_id)
        self.persons = RecordListEditor(
            session,
            "persons",
            ("given_names", "family_name", "role", "birth_date"),
            parent_values=parent_values,
            defaults=lambda: {"role": "partner" if self._persons else "aanvrager"},
        )
        self.handovers = RecordListEditor(
            session,
            "warm_handovers",
            ("date", "scenario", "coa_worker"),
            parent_values=parent_values,
        )
        self.intake = IntakeGrid(session, household_id)
        self.pips = PipEditor(
            session,
            "pips",
            ("person_id", "version", "status", "leerroute", "vastgesteld_on"),
            parent_values=parent_values,
            refs={"person_id": []},
            defaults=lambda: {"status": "concept", "version": 1},
            hidden=("household_id", "version"),
        )
        self.appointments = AppointmentEditor(
            session,
            "appointments",
            ("starts_at", "kind", "person_id", "outcome", "invitation_number"),
            parent_values=parent_values,
            refs={"person_id": []},
            defaults=lambda: {
                "outcome": "gepland",
                "starts_at": working_slot(),
                "duration_minutes": 60,
                "location": self._default_location(),
            },
        )
        self.appointments.letter_requested.connect(self.letter_requested)
        self.referrals = RecordListEditor(
            session,
            "referrals",
            ("date", "partner_id", "person_id", "status"),
            parent_values=parent_values,
            refs={"person_id": [], "partner_id": []},
            defaults=lambda: {"status": "aangemeld", "date": datetime.now().strftime("%Y-%m-%d")},
        )
        self.modules = RecordListEditor(
            session,
            "trajectmodules",
            ("kind", "person_id", "partner_id", "start_date", "status"),
            parent_values=parent_values,
            refs={"person_id": [], "partner_id": []},
            defaults=lambda: {"kind": "pvt", "status": "gepland"},
        )
        self.exams = RecordListEditor(
            session,
            "exam_attempts",
            ("date", "person_id", "skill", "level", "result"),
            parent_values=parent_values,
            refs={"person_id": []},
            defaults=lambda: {
                "result": "uitslag_volgt",
                "exam": "inburgeringsexamen",
                "date": datetime.now().strftime("%Y-%m-%d"),
            },
        )
        self.handhaving = RecordListEditor(
            session,
            "handhaving",
            ("date", "kind", "person_id", "amount_eur", "status"),
            parent_values=parent_values,
            refs={"person_id": [], "appointment_id": []},
            defaults=lambda: {"status": "voorgenomen", "date": datetime.now().strftime("%Y-%m-%d")},
        )
        self.decisions = RecordListEditor(
            session,
            "duo_decisions",
            ("date", "kind", "person_id", "document_number"),
            parent_values=parent_values,
            refs={"person_id": []},
            defaults=lambda: {"kind": "verlenging", "date": datetime.now().strftime("%Y-%m-%d")},
        )
        self.notes = RecordListEditor(
            session,
            "notes",
            ("created_at", "author", "text"),
            parent_values=parent_values,
            refs={"person_id": []},
            defaults=lambda: {"created_at": datetime.now().strftime("%Y-%m-%dT%H:%M")},
            sensitive=lambda r: bool(r.get("restricted")),
        )
        self.timeline_model = DictTableModel(
            [("at", _("Wanneer")), ("actor", _("Door wie")), ("what", _("Wat"))],
            parent=self,
        )
        self.timeline = make_table(self.timeline_model, _("Tijdlijn"))
        self.timeline.setWordWrap(True)
        self.timeline.selectionModel().currentRowChanged.connect(self._sync_undo)
        self.undo_button = QPushButton(_("Laatste wijziging ongedaan maken"))
        self.undo_button.setToolTip(
            _(
                "Zet de waarden terug van vóór de gekozen wijziging. Dat wordt een nieuwe "
                "wijziging; niets verdwijnt uit het logboek."
            )
        )
        self.undo_button.clicked.connect(self.undo_selected)
        self.timeline_status = StatusLine()
        self.timeline_page = QWidget()
        timeline_lay = QVBoxLayout(self.timeline_page)
        timeline_lay.setContentsMargins(0, 0, 0, 0)
        timeline_lay.addWidget(self.timeline, 1)
        undo_row = QHBoxLayout()
        undo_row.addWidget(self.undo_button)
        undo_row.addStretch(1)
        undo_row.addWidget(self.timeline_status)
        timeline_lay.addLayout(undo_row)
        self._timeline_stale = True

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.details, _("Huishouden"))
        self.tabs.addTab(self.persons, _("Gezinsleden"))
        self.tabs.addTab(self.handovers, _("Warme overdracht"))
        self.tabs.addTab(self.intake, _("Brede intake"))
        self.tabs.addTab(self.pips, _("PIP"))
        self.tabs.addTab(self.modules, _("PVT en MAP"))
        self.tabs.addTab(self.exams, _("Examens"))
        self.tabs.addTab(self.appointments, _("Afspraken"))
        self.tabs.addTab(self.referrals, _("Verwijzingen"))
        self.tabs.addTab(self.handhaving, _("Handhaving"))
        self.tabs.addTab(self.decisions, _("Besluiten DUO"))
        self.tabs.addTab(self.notes, _("Notities"))
        self.tabs.addTab(self.timeline_page, _("Tijdlijn"))
        self.tabs.currentChanged.connect(self._tab_changed)
        lay.addWidget(self.tabs, 1)
        for editor in self.editors():
            if hasattr(editor, "kind") and hasattr(editor, "add_record_button"):
                self._add_avg_button(editor)
        self.refresh()
        self._sync_undo()

    def _default_location(self) -> str:
        setting = self.session.get_setting("gemeente", {}) or {}
        parts = [setting.get("street"), setting.get("city")]
        return ", ".join(p for p in parts if p)

    # --- data ---------------------------------------------------------------------------
    #: What to reload when records of a kind change: the kind's own tab, plus the tabs
    #: that show those records as choices (members in every person list, ...).
    _AFFECTS: ClassVar[dict[str, frozenset[str]]] = {
        "households": frozenset({"households"}),
        "persons": frozenset({"households", "persons", "intake_scores", "refs"}),
        "partners": frozenset({"refs"}),
        "appointments": frozenset({"appointments", "refs"}),
    }

    def data_changed(self, kind: str) -> None:
        """Reload only what a change of ``kind`` records can have altered."""
        if not kind:
            self.refresh()
            return
        if kind == "settings":
            return
        self.refresh(self._AFFECTS.get(kind, frozenset({kind})))

    def refresh(self, parts: frozenset[str] | None = None) -> None:
        """Reload the household's tabs from the casebook (only ``parts``: record kinds,
        "households" for the title and details, "refs" for the choice lists)."""
        if not self.session.is_open:
            return
        every = parts is None
        wanted = set(HOUSEHOLD_CHILDREN) if parts is None else set(parts)
        if "refs" in wanted or "households" in wanted:
            wanted |= {"persons", "appointments"}
        detail = self.session.household_detail(self.household_id, sorted(wanted))
        if not detail:
            self.back.emit()
            return
        h = detail["household"]
        if "persons" in detail:
            self._persons = detail["persons"]
        if every or "households" in wanted:
            self.title.setText(h.get("name") or "")
            self.title.setAccessibleName(h.get("name") or "")
            self.summary.setText(
                _("{status} · {members}").format(
                    status=_(choice_label(HOUSEHOLD_STATUS, h.get("status"))),
                    members=ngettext("{n} gezinslid", "{n} gezinsleden", len(self._persons)).format(
                        n=len(self._persons)
                    ),
                )
            )
            self.details.load(h)
            self._show_sync_state()
        if every or "refs" in wanted or "persons" in wanted or "appointments" in wanted:
            self._load_refs(detail)
        loaders: dict[str, Any] = {
            "persons": self.persons.set_records,
            "warm_handovers": self.handovers.set_records,
            "pips": self.pips.set_records,
            "appointments": self.appointments.set_records,
            "referrals": self.referrals.set_records,
            "handhaving": self.handhaving.set_records,
            "duo_decisions": self.decisions.set_records,
            "trajectmodules": self.modules.set_records,
            "exam_attempts": self.exams.set_records,
            "notes": self.notes.set_records,
        }
        for kind, load in loaders.items():
            if kind in wanted and (every or kind in (parts or ())):
                load(detail.get(kind, []))
        if every or "intake_scores" in (parts or ()):
            self.intake.load(self._persons, detail.get("intake_scores", []))
        self._timeline_stale = True
        if self.tabs.currentWidget() is self.timeline_page:
            self.refresh_timeline()

    def _show_sync_state(self) -> None:
        """The owner banner (a laptop reads another device's household only) and the
        conflict banner."""
        role = self.session.sync_role()
        owner, name = self.session.owner_of(self.household_id) if role else (None, "")
        mine = owner in (None, self.session.device_id())
        self.read_only = role == "laptop" and not mine
        if self.read_only:
            self.owner_banner.setText(
                _(
                    "Huishouden {name} wordt beheerd door {owner}. U kunt het bekijken, niet "
                    "wijzigen; het centrale kantoor kan het aan u toewijzen."
                ).format(name=self.title.text(), owner=name or _("een andere klantmanager"))
            )
        elif role == "hub":
            self.owner_banner.setText(
                _("Klantmanager: {owner}").format(owner=name or _("nog niemand toegewezen"))
            )
        self.owner_banner.setVisible(self.read_only or role == "hub")
        for page in self.editors():
            # the lists stay browsable; the forms are greyed, the buttons that write gone
            inner = getattr(page, "form", None)
            (inner if inner is not None else page).setEnabled(not self.read_only)
            for name in (
                "new_button",
                "save_button",
                "delete_button",
                "version_button",
                "came_button",
                "missed_button",
                "avg_button",
            ):
                button = getattr(page, name, None)
                if button is not None:
                    button.setVisible(not self.read_only)
        self.undo_button.setVisible(not self.read_only)
        self._conflicts = self.session.conflicts(self.household_id) if role else []
        n = len(self._conflicts)
        self.conflict_text.setText(
            "⚠ "
            + ngettext(
                "Er is {n} conflict in dit huishouden: een wijziging van iemand anders is "
                "bewaard naast de geldende waarde.",
                "Er zijn {n} conflicten in dit huishouden: wijzigingen van iemand anders zijn "
                "bewaard naast de geldende waarden.",
                n,
            ).format(n=n)
        )
        self.conflict_banner.setVisible(bool(n))

    def _load_refs(self, detail: dict[str, Any]) -> None:
        person_options = [(p["id"], person_label(p)) for p in self._persons]
        partner_options = [(p["id"], p.get("name") or "") for p in self.session.list_partners()]
        self._ref_options["person_id"] = person_options
        self._ref_options["partner_id"] = partner_options
        listed = (
            self.pips,
            self.modules,
            self.exams,
            self.appointments,
            self.referrals,
            self.handhaving,
            self.decisions,
        )
        for editor in (*listed, self.notes):
            editor.set_refs("person_id", person_options)
        self.referrals.set_refs("partner_id", partner_options)
        self.modules.set_refs("partner_id", partner_options)
        appointment_options = [
            (a["id"], describe_appointment(a)) for a in detail.get("appointments", [])
        ]
        self.handhaving.set_refs("appointment_id", appointment_options)
        self._ref_options["appointment_id"] = appointment_options
        # refs used by the list columns
        for editor in listed:
            editor.model.formatter = _ref_formatter(
                editor.model.formatter,
                {"person_id": dict(person_options), "partner_id": dict(partner_options)},
            )
            editor.model.layoutChanged.emit()

    def refresh_timeline(self) -> None:
        self._timeline_stale = False
        timeline = self.session.timeline(self.household_id)
        for item in timeline:
            item["at"] = local_time(item.get("at"))  # "what" comes translated from the core
        open_conflicts = [
            {
                "at": local_time(c.get("detected_at")),
                "actor": c.get("kept_actor") or "",
                "what": "⚠ "
                + _("Conflict over {record}, {field}: bewaard {kept}, geldend {current}").format(
                    record=c["record"],
                    field=c["field_label"],
                    kept=c["kept_text"],
                    current=c["current_text"],
                ),
                "undoable": False,
            }
            for c in self._conflicts
        ]
        timeline = open_conflicts + timeline
        self.timeline_model.set_rows(timeline)
        self.timeline.resizeColumnsToContents()
        self._sync_undo()

    # --- the AVG duties on a record: inzage, correction, withdrawal --------------------------
    def _add_avg_button(self, editor: Any) -> None:
        """One button with a menu on the shown record: for a member the inzage, for
        every record correction and (but for the household itself) withdrawal."""
        button = QPushButton(_("AVG"))
        button.setAccessibleName(_("AVG: inzage, correctie of intrekken"))
        button.setToolTip(_("Inzage, of onjuist ontvangen gegevens corrigeren of intrekken (AVG)."))
        menu = QMenu(button)
        kind = editor.kind
        if kind == "persons":
            menu.addAction(_("Inzageverzoek &vastleggen…"), lambda: self.record_request(editor))
            menu.addAction(_("&Inzage maken…"), lambda: self.make_inzage(editor))
            menu.addSeparator()
        menu.addAction(_("&Corrigeren…"), lambda: self.correct(editor))
        if can_withdraw(kind):
            menu.addAction(_("I&ntrekken…"), lambda: self.withdraw(editor))
        button.setMenu(menu)
        editor.avg_button = button
        editor.add_record_button(button)

    def _record_of(self, editor: Any) -> dict[str, Any] | None:
        """The record shown in ``editor``, once its unsaved changes are dealt with."""
        if editor.current_record() is None or not editor.maybe_leave():
            return None
        record: dict[str, Any] | None = editor.current_record()
        return record

    def record_request(self, editor: Any) -> bool:
        person = self._record_of(editor)
        if person is None:
            return False
        dialog = InzageRequestDialog(self.session, person, self)
        if not dialog.exec():
            return False
        editor.status.setText("✓ " + _("Inzageverzoek vastgelegd"))
        return True

    def make_inzage(self, editor: Any) -> None:
        person = self._record_of(editor)
        if person is not None:
            InzageDialog(self.session, person, self).exec()

    def correct(self, editor: Any) -> bool:
        record = self._record_of(editor)
        if record is None:
            return False
        dialog = CorrectionDialog(self.session, editor.kind, record, self._ref_options, self)
        if not dialog.exec():
            return False
        editor.status.setText("✓ " + _("Gecorrigeerd"))
        return True

    def withdraw(self, editor: Any) -> bool:
        record = self._record_of(editor)
        if record is None:
            return False
        dialog = WithdrawDialog(self.session, editor.kind, record, self)
        if not dialog.exec():
            return False
        editor.show_none()
        editor.status.setText(
            "✓ " + _("Ingetrokken: {what}").format(what=describe_counts(dialog.counts))
        )
        return True

    # --- tabs and leaving ------------------------------------------------------------------
    def editors(self) -> list[Any]:
        return [
            self.details,
            self.persons,
            self.handovers,
            self.intake,
            self.pips,
            self.modules,
            self.exams,
            self.appointments,
            self.referrals,
            self.handhaving,
            self.decisions,
            self.notes,
        ]

    def current_editor(self) -> Any:
        widget = self.tabs.currentWidget()
        return widget if hasattr(widget, "save") else None

    def _tab_changed(self, index: int) -> None:
        if index == self._tab_index:
            return
        previous = self.tabs.widget(self._tab_index)
        if previous is not None and hasattr(previous, "maybe_leave") and not previous.maybe_leave():
            self.tabs.blockSignals(True)
            self.tabs.setCurrentIndex(self._tab_index)
            self.tabs.blockSignals(False)
            return
        self._tab_index = index
        if self.tabs.widget(index) is self.timeline_page and self._timeline_stale:
            self.refresh_timeline()

    def selected_change(self) -> dict[str, Any] | None:
        return self.timeline_model.row_at(self.timeline.currentIndex())

    def _sync_undo(self, *_args: object) -> None:
        entry = self.selected_change()
        self.undo_button.setEnabled(bool(entry and entry.get("undoable")))

    def undo_selected(self) -> bool:
        """Undo the chosen change (a new change that restores the old values)."""
        entry = self.selected_change()
        if entry is None or not entry.get("undoable"):
            return False
        if self.is_dirty() and not self.maybe_leave():
            return False
        try:
            self.session.undo_change(int(entry["change_id"]))
        except InvalidInput as exc:
            self.timeline_status.problem("; ".join(p.message for p in exc.problems))
            return False
        except KlantappError as exc:
            self.timeline_status.problem(str(exc))
            return False
        self.refresh_timeline()
        self.timeline.selectRow(0)
        self.timeline_status.saved()
        return True

    def set_tab(self, name: str) -> None:
        if name in TABS:
            self.tabs.setCurrentIndex(TABS.index(name))

    def tab_name(self) -> str:
        return TABS[self.tabs.currentIndex()]

    def maybe_leave(self) -> bool:
        return all(e.maybe_leave() for e in self.editors() if e.is_dirty())

    def is_dirty(self) -> bool:
        return any(e.is_dirty() for e in self.editors())

    def save_all(self) -> list[str]:
        """Save every dirty editor (before locking); names of those that could not be saved."""
        failed = []
        for index, editor in enumerate(self.editors()):
            save = getattr(editor, "save_for_lock", editor.save)
            if editor.is_dirty() and not save():
                failed.append(self.tabs.tabText(index))
        return failed

    def save(self) -> None:
        editor = self.current_editor()
        if editor is not None:
            editor.save()

    def new_record(self) -> None:
        editor = self.current_editor()
        if editor is not None and hasattr(editor, "new_record"):
            editor.new_record()

    def show_record(self, kind: str, record_id: str) -> None:
        tab = {"intake_scores": "intake"}.get(kind, kind)
        if tab in TABS:
            self.set_tab(tab)
            editor = self.tabs.currentWidget()
            if isinstance(editor, RecordListEditor):
                editor.select(record_id)

    def current_record_id(self) -> str | None:
        editor = self.tabs.currentWidget()
        return editor.current_id if isinstance(editor, RecordListEditor) else None

    def select_on_tab(self, record_id: str) -> None:
        editor = self.tabs.currentWidget()
        if isinstance(editor, RecordListEditor):
            editor.select(record_id)

    def focus_first(self) -> None:
        self.tabs.setFocus(Qt.FocusReason.OtherFocusReason)


def _ref_formatter(inner: Any, refs: dict[str, dict[str, str]]) -> Any:
    base = getattr(inner, "__wrapped_base__", inner)

    def fmt(key: str, row: dict[str, Any]) -> str:
        if key in refs:
            return refs[key].get(row.get(key) or "", "")
        return base(key, row) if base else str(row.get(key) or "")

    fmt.__wrapped_base__ = base  # type: ignore[attr-defined]
    return fmt
