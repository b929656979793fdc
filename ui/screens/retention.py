"""Bewaartermijnen: how long each kind of record is kept after a dossier is closed and
why (docs/retention.md), the gemeente's choices, what is due now (counts, no names),
the destruction run after a typed confirmation, and the destruction log (counts).

The rules and the run are klantapp/avg/retention.py; this screen only calls them. The
look at what is due and the run itself happen in a worker: the run is one large
change and a compaction of the casebook.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from klantapp.domain.records import RECORD_KINDS
from klantapp.i18n import _, ngettext
from ui.busy import BusyDialog
from ui.forms import format_date
from ui.screens.household import local_time
from ui.session import Session
from ui.tasks import Task, run_task
from ui.widgets import DictTableModel, StatusLine, heading, make_table


def kind_label(kind: str) -> str:
    """The name of a record kind, plural (the AVG tables too)."""
    names = {
        "inzage_requests": _("Inzageverzoeken"),
        "audit_entries": _("Regels van het logboek"),
    }
    if kind in RECORD_KINDS:
        return _(RECORD_KINDS[kind].label_plural)
    return names.get(kind, kind)


def years_text(years: int) -> str:
    return ngettext("{n} jaar", "{n} jaar", years).format(n=years)


class DestroyDialog(BusyDialog):
    """The explicit confirmation of a destruction run: type the number of records."""

    def __init__(self, plan: Any, parent: QWidget | None = None) -> None:
        super().__init__(_("Vernietigen na bewaartermijn"), parent)
        self.plan = plan
        n = len(plan.rows)
        self.explain(
            _(
                "{records}, waarvan {households} geheel, worden voorgoed vernietigd: uit het "
                "dossier, de zoekfunctie en de geschiedenis, en bij de volgende "
                "synchronisatie ook bij het centrale kantoor of de laptop van de "
                "klantmanager. Dit kan niet ongedaan worden gemaakt. Het vernietigingslog "
                "houdt alleen de aantallen bij."
            ).format(
                records=ngettext("{n} gegeven", "{n} gegevens", n).format(n=n),
                households=ngettext(
                    "{n} huishouden", "{n} huishoudens", len(plan.households)
                ).format(n=len(plan.households)),
            )
        )
        self.typed = QLineEdit()
        self.typed.setAccessibleName(_("Typ het aantal gegevens om te bevestigen"))
        self.typed.setProperty("input", True)
        label = QLabel(_("Typ &{n} om te bevestigen:").format(n=n))
        label.setBuddy(self.typed)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.typed)
        row.addStretch(1)
        self.body.addLayout(row)
        buttons = self.add_buttons(_("Voorgoed vernietigen"), self.accept_typed)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.typed.textChanged.connect(lambda t: self.ok.setEnabled(t.strip() == str(n)))

    def accept_typed(self) -> None:
        if self.typed.text().strip() == str(len(self.plan.rows)):
            self.accept()


class RetentionScreen(QWidget):
    go_requested = Signal(str)  # "settings": where the gemeente's choices are made

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.plan: Any = None
        self._task: Task | None = None
        self._look_again = False
        lay = QVBoxLayout(self)
        lay.addWidget(heading(_("Bewaartermijnen")))
        intro = QLabel(
            _(
                "Hoe lang elk soort gegeven wordt bewaard nadat het dossier is afgesloten "
                "(Afgerond of Verhuisd/vertrokken), en waarom. Wat over de termijn is, wordt "
                "na uw bevestiging vernietigd (Archiefwet, art. 5 AVG)."
            )
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        splitter = QSplitter(Qt.Orientation.Vertical)
        lay.addWidget(splitter, 1)

        # the rules
        rules = QWidget()
        r_lay = QVBoxLayout(rules)
        r_lay.setContentsMargins(0, 0, 0, 0)
        self.rules_model = DictTableModel(
            [
                ("kind_name", _("Soort gegeven")),
                ("kept", _("Bewaren na afsluiten")),
                ("choice_text", _("Keuze gemeente")),
                ("basis", _("Grondslag")),
            ],
            parent=self,
        )
        self.rules_table = make_table(self.rules_model, _("Bewaartermijnen per soort gegeven"))
        self.rules_table.setWordWrap(True)
        r_lay.addWidget(self.rules_table, 1)
        row = QHBoxLayout()
        self.choices_note = QLabel()
        self.choices_note.setWordWrap(True)
        row.addWidget(self.choices_note, 1)
        self.choices_button = QPushButton(_("Keuzes van de gemeente…"))
        self.choices_button.setToolTip(_("De keuzes staan bij Instellingen."))
        self.choices_button.clicked.connect(lambda: self.go_requested.emit("settings"))
        row.addWidget(self.choices_button)
        r_lay.addLayout(row)
        splitter.addWidget(rules)

        # what is due
        due = QWidget()
        d_lay = QVBoxLayout(due)
        d_lay.setContentsMargins(0, 0, 0, 0)
        d_lay.addWidget(heading(_("Aan de beurt"), level=2))
        row = QHBoxLayout()
        self.on_edit = QDateEdit(QDate.currentDate())
        self.on_edit.setCalendarPopup(True)
        self.on_edit.setDisplayFormat("dd-MM-yyyy")
        self.on_edit.setAccessibleName(_("Peildatum"))
        on_label = QLabel(_("&Peildatum"))
        on_label.setBuddy(self.on_edit)
        row.addWidget(on_label)
        row.addWidget(self.on_edit)
        self.look_button = QPushButton(_("Bekijken"))
        self.look_button.clicked.connect(self.look)
        row.addWidget(self.look_button)
        self.destroy_button = QPushButton(_("Vernietigen…"))
        self.destroy_button.setEnabled(False)
        self.destroy_button.clicked.connect(self.ask_destroy)
        row.addWidget(self.destroy_button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the core reports no steps for this work
        self.progress.setAccessibleName(_("Voortgang"))
        self.progress.setMaximumWidth(self.fontMetrics().averageCharWidth() * 30)
        self.progress.hide()
        row.addWidget(self.progress)
        self.progress_text = StatusLine()
        row.addWidget(self.progress_text, 1)
        d_lay.addLayout(row)
        self.result_text = StatusLine()  # the outcome of the last run
        self.result_text.setWordWrap(True)
        self.result_text.hide()
        d_lay.addWidget(self.result_text)
        self.due_text = QLabel()
        self.due_text.setWordWrap(True)
        d_lay.addWidget(self.due_text)
        self.due_model = DictTableModel(
            [("kind_name", _("Soort gegeven")), ("count", _("Aantal"))], parent=self
        )
        self.due_table = make_table(self.due_model, _("Te vernietigen gegevens per soort"))
        d_lay.addWidget(self.due_table, 1)
        splitter.addWidget(due)

        # the destruction log
        log = QWidget()
        l_lay = QVBoxLayout(log)
        l_lay.setContentsMargins(0, 0, 0, 0)
        l_lay.addWidget(heading(_("Vernietigingslog"), level=2))
        self.log_model = DictTableModel(
            [
                ("when", _("Wanneer")),
                ("actor", _("Door wie")),
                ("reference", _("Peildatum")),
                ("households", _("Huishoudens geheel")),
                ("total", _("Gegevens")),
                ("detail", _("Per soort")),
            ],
            parent=self,
        )
        self.log_table = make_table(self.log_model, _("Vernietigingslog"))
        l_lay.addWidget(self.log_table, 1)
        splitter.addWidget(log)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 2)
        splitter.setStretchFactor(2, 1)
        self.refresh()

    # --- reading --------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.session.is_open:
            return
        rows = []
        for rule in self.session.retention_rules():
            choice = rule["choice"]
            if choice:
                text = _("{allowed} jaar; gekozen: {chosen}").format(
                    allowed=", ".join(str(y) for y in choice), chosen=years_text(rule["years"])
                )
            else:
                text = "—"
            rows.append(
                {
                    **rule,
                    "kind_name": kind_label(rule["kind"]),
                    "kept": years_text(rule["years"]),
                    "choice_text": text,
                }
            )
        self.rules_model.set_rows(rows)
        self.rules_table.resizeColumnsToContents()
        self.rules_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.rules_table.resizeRowsToContents()
        office = self.session.office_decides("retention")
        self.choices_note.setText(
            _("De keuzes maakt het centrale kantoor; ze komen met de synchronisatie mee.")
            if office
            else _("Waar de Selectielijst een keuze laat, kiest de gemeente (Instellingen).")
        )
        self.refresh_log()
        self.look()

    def refresh_log(self) -> None:
        rows = []
        for entry in reversed(self.session.destruction_log()):
            counts = entry.get("counts") or {}
            rows.append(
                {
                    "when": local_time(entry.get("at")),
                    "actor": entry.get("actor") or "",
                    "reference": format_date(entry.get("reference_date")),
                    "households": str(entry.get("households", 0)),
                    "total": str(sum(counts.values())),
                    "detail": ", ".join(f"{kind_label(k)}: {n}" for k, n in counts.items()),
                }
            )
        self.log_model.set_rows(rows)
        self.log_table.resizeColumnsToContents()

    def reference_date(self) -> date:
        d = self.on_edit.date()
        return date(d.year(), d.month(), d.day())

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done

    def look(self) -> None:
        """What is due on the reference date (in a worker; once more after the one
        running, if one is)."""
        if self.busy:
            self._look_again = True
            return
        self._look_again = False
        self.destroy_button.setEnabled(False)
        self._working(_("Bezig met kijken wat aan de beurt is…"))
        self._task = run_task(
            self.session.retention_due,
            self.reference_date(),
            owner=self,
            on_result=self._show_due,
            on_error=self._failed,
        )

    def _show_due(self, plan: Any) -> None:
        self.plan = plan
        self._working("")
        if self._look_again:  # the date changed meanwhile
            self.look()
            return
        counts = plan.counts()
        self.due_model.set_rows(
            [{"kind_name": kind_label(k), "count": str(n), "kind": k} for k, n in counts.items()]
        )
        self.due_table.resizeColumnsToContents()
        self.due_table.resizeRowsToContents()
        n = len(plan.rows)
        text = (
            _("Op {day}: {records}, waarvan {households} geheel.").format(
                day=format_date(plan.on.isoformat()),
                records=ngettext("{n} gegeven", "{n} gegevens", n).format(n=n),
                households=ngettext(
                    "{n} huishouden", "{n} huishoudens", len(plan.households)
                ).format(n=len(plan.households)),
            )
            if n
            else _("Op {day} is niets aan de beurt.").format(day=format_date(plan.on.isoformat()))
        )
        if plan.skipped:
            text += " " + ngettext(
                "{n} huishouden is overgeslagen: er zijn wijzigingen die nog niet naar het "
                "centrale kantoor zijn verzonden. Synchroniseer eerst.",
                "{n} huishoudens zijn overgeslagen: er zijn wijzigingen die nog niet naar het "
                "centrale kantoor zijn verzonden. Synchroniseer eerst.",
                len(plan.skipped),
            ).format(n=len(plan.skipped))
        self.due_text.setText(text)
        self.destroy_button.setEnabled(bool(n))

    def _failed(self, exc: BaseException, details: str) -> None:
        from klantapp.errors import KlantappError

        self._working("")
        self.look_button.setEnabled(True)
        self.destroy_button.setEnabled(bool(self.plan and self.plan.rows))
        if isinstance(exc, KlantappError):
            self.progress_text.problem(str(exc))
            return
        from ui.errordialog import show_unexpected_error

        show_unexpected_error(exc, details)
        self.progress_text.problem(_("Er ging iets onverwachts mis; zie de melding."))

    # --- the run ----------------------------------------------------------------------------
    def ask_destroy(self) -> bool:
        """The typed confirmation, then the run in a worker. Returns whether it started."""
        if self.plan is None or not self.plan.rows or self.busy:
            return False
        if not DestroyDialog(self.plan, self).exec():
            return False
        return self.destroy_confirmed()

    def destroy_confirmed(self) -> bool:
        self.look_button.setEnabled(False)
        self.destroy_button.setEnabled(False)
        self.result_text.hide()
        self._working(_("Bezig met vernietigen; daarna wordt het dossier opnieuw opgeslagen…"))
        self._task = run_task(
            self.session.destroy_due,
            self.plan.on,
            self.plan,
            owner=self,
            on_result=self._destroyed,
            on_error=self._failed,
        )
        return True

    def _destroyed(self, report: Any) -> None:
        self._working("")
        self.look_button.setEnabled(True)
        total = sum(report.counts.values())
        self.result_text.setProperty("state", "saved")
        self.result_text.show()
        self.result_text.setText(
            "✓ "
            + _("Vernietigd: {records}, waarvan {households} geheel.").format(
                records=ngettext("{n} gegeven", "{n} gegevens", total).format(n=total),
                households=ngettext("{n} huishouden", "{n} huishoudens", report.households).format(
                    n=report.households
                ),
            )
        )
        self.session.notify("")  # refreshes this screen too: the log, what is due now

    def _working(self, text: str) -> None:
        self.progress.setVisible(bool(text))
        if text:
            self.progress_text.setText(text)
        else:
            self.progress_text.blank()

    def data_changed(self, kind: str) -> None:
        if kind in ("", "settings", "households") and not self.busy:
            self.refresh()

    def clear(self) -> None:
        self.due_model.clear()
        self.plan = None
