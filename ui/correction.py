"""Correction and withdrawal of data received in error (art. 16 and 17 AVG) in the
client: a dialog on any record that corrects its wrong values, and one that withdraws
the whole record. Both ask why and from which source; the core does the rest
(klantapp/avg/correction.py: the old value leaves the timeline, search and summaries,
here and at the central office; docs/avg.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from klantapp.avg.correction import SOURCES, WITHDRAWABLE
from klantapp.domain.records import RECORD_KINDS
from klantapp.errors import InvalidInput, Problem
from klantapp.i18n import _, ngettext
from ui.busy import BusyDialog
from ui.forms import ParseError, RecordForm, record_title
from ui.session import Session
from ui.widgets import em

#: The source the dialog suggests for a kind of record (the user may change it).
LIKELY_SOURCE = {"duo_decisions": "duo", "warm_handovers": "coa", "exam_attempts": "duo"}


class ReasonFields(QWidget):
    """Why (required) and where the wrong data came from (required), each with its
    problem line. The core names them ``reason`` and ``source``."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.source = QComboBox()
        self.source.setAccessibleName(_("Bron van de onjuiste gegevens"))
        self.source.addItem(_("— kies de bron —"), None)
        for key, source_label in SOURCES.items():
            self.source.addItem(_(source_label), key)
        self.source.setCurrentIndex(max(0, self.source.findData(LIKELY_SOURCE.get(kind))))
        self.source.setProperty("input", True)
        self.reason = QLineEdit()
        self.reason.setAccessibleName(_("Reden"))
        self.reason.setMinimumWidth(em(self, 50))
        self.reason.setToolTip(
            _(
                "Waarom het onjuist is, in een paar woorden. De reden komt in het logboek, "
                "ook bij het centrale kantoor: noem de oude waarde er niet in."
            )
        )
        self.reason.setProperty("input", True)
        self.problems: dict[str, QLabel] = {}
        for name, widget, text in (
            ("source", self.source, _("&Bron *")),
            ("reason", self.reason, _("&Reden *")),
        ):
            cell = QVBoxLayout()
            cell.addWidget(widget)
            problem = QLabel()
            problem.setObjectName("problem")
            problem.setWordWrap(True)
            problem.hide()
            cell.addWidget(problem)
            self.problems[name] = problem
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, cell)

    def values(self) -> tuple[str, str]:
        return self.reason.text().strip(), str(self.source.currentData() or "")

    def missing(self) -> list[Problem]:
        """What the user must still fill in (checked here too: nothing slow starts)."""
        reason, source = self.values()
        found = []
        if not source:
            found.append(Problem("", "source", _("Kies waar de onjuiste gegevens vandaan kwamen.")))
        if not reason:
            found.append(Problem("", "reason", _("Geef de reden van de correctie.")))
        return found

    def show_problems(self, problems: Sequence[Problem]) -> list[Problem]:
        """Show the problems about reason and source at their fields; returns the rest."""
        rest = []
        for shown in self.problems.values():
            shown.hide()
        widgets: dict[str, QWidget] = {"reason": self.reason, "source": self.source}
        first: QWidget | None = None
        for p in problems:
            at = self.problems.get(p.field)
            if at is None:
                rest.append(p)
                continue
            at.setText("⚠ " + p.message)
            at.show()
            widgets[p.field].setAccessibleDescription(p.message)
            first = first or widgets[p.field]
        if first is not None:
            first.setFocus()
        return rest


class CorrectionDialog(BusyDialog):
    """Gegevens corrigeren: the record's form, filled in; the user changes what was
    wrong and says why and from where."""

    def __init__(
        self,
        session: Session,
        kind: str,
        record: dict[str, Any],
        refs: dict[str, Sequence[tuple[str, str]]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        rk = RECORD_KINDS[kind]
        super().__init__(_("Gegevens corrigeren: {record}").format(record=_(rk.label)), parent)
        self.session = session
        self.kind = kind
        self.record = record
        self.changed: list[str] = []
        self.explain(
            _(
                "Voor gegevens die onjuist zijn ontvangen, bijvoorbeeld een signaal van DUO "
                "of het COA. Verander hieronder de onjuiste waarden. De oude waarde verdwijnt "
                "uit de tijdlijn, de zoekfunctie en de samenvattingen, hier en bij het "
                "centrale kantoor; alleen de correctieregel in het logboek van dit apparaat "
                "bewaart haar, met de reden."
            )
        )
        self.form = RecordForm(kind, hidden=("household_id",), refs=refs)
        self.form.set_record(record)
        self.form.restricted_revealed.connect(
            lambda: self.session.log_restricted_read(kind, record)
        )
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setMinimumHeight(self.fontMetrics().lineSpacing() * 14)
        self.body.addWidget(scroll, 1)
        self.reasons = ReasonFields(kind)
        self.body.addWidget(self.reasons)
        self.add_buttons(_("Corrigeren"), self.correct)
        self.resize(em(self, 90), self.fontMetrics().lineSpacing() * 34)

    def correct(self) -> bool:
        """Check what can be checked here, then correct in a worker (the casebook is
        compacted). Returns whether the work started."""
        self.form.clear_problems()
        try:
            changes = self.form.changes()
        except ParseError:
            self.status.problem(_("Verbeter de gemarkeerde velden."))
            return False
        missing = self.reasons.missing()
        if not changes:
            self.form.show_problems([Problem("", "", _("Verander eerst de onjuiste waarde."))])
        self.reasons.show_problems(missing)
        if missing or not changes:
            self.status.problem(_("Niet gecorrigeerd: verbeter de gemarkeerde velden."))
            return False
        reason, source = self.reasons.values()
        self.run(
            self.session.correct,
            self.kind,
            self.record["id"],
            changes,
            reason=reason,
            source=source,
            busy_text=_("Bezig met corrigeren…"),
            on_result=self._corrected,
            on_error=self._refused,
        )
        return True

    def _corrected(self, changed: list[str]) -> None:
        self.changed = changed
        self.session.notify(self.kind, self.record["id"])
        self.accept()

    def _refused(self, exc: BaseException) -> bool:
        if not isinstance(exc, InvalidInput):
            return False
        rest = self.reasons.show_problems(exc.problems)
        if rest:
            self.form.show_problems(rest)
        self.status.problem(_("Niet gecorrigeerd: verbeter de gemarkeerde velden."))
        return True


def describe_counts(counts: dict[str, int]) -> str:
    """'1 gezinslid, 3 brede intake-scores' -- how many records of each kind."""
    return ", ".join(
        f"{n} {_(RECORD_KINDS[k].label if n == 1 else RECORD_KINDS[k].label_plural).lower()}"
        for k, n in counts.items()
    )


class WithdrawDialog(BusyDialog):
    """Gegeven intrekken: the whole record was received in error (a DUO decision about
    someone else); it goes for good, with its history, on every device."""

    def __init__(
        self, session: Session, kind: str, record: dict[str, Any], parent: QWidget | None = None
    ) -> None:
        rk = RECORD_KINDS[kind]
        super().__init__(_("Gegeven intrekken: {record}").format(record=_(rk.label)), parent)
        self.session = session
        self.kind = kind
        self.record = record
        self.counts: dict[str, int] = {}
        plan = session.withdrawal_of(kind, record["id"])
        self.explain(
            _(
                "Trek '{title}' in als het onjuist is ontvangen, bijvoorbeeld een besluit "
                "van DUO over iemand anders. Het wordt voorgoed verwijderd, met zijn "
                "geschiedenis, hier en bij het centrale kantoor; het logboek houdt alleen bij "
                "dat het is ingetrokken, door wie, waarom en uit welke bron."
            ).format(title=record_title(kind, record))
        )
        along = Counter(k for k, _id in plan.deletes[:-1])
        if along:
            self.along = self.explain(
                _("Wat bij dit gegeven hoort, gaat mee: {what}.").format(
                    what=describe_counts(dict(along))
                )
            )
        if plan.clears:
            self.explain(
                ngettext(
                    "{n} ander gegeven blijft, zonder de verwijzing ernaar.",
                    "{n} andere gegevens blijven, zonder de verwijzing ernaar.",
                    len(plan.clears),
                ).format(n=len(plan.clears))
            )
        self.reasons = ReasonFields(kind)
        self.body.addWidget(self.reasons)
        self.sure = QCheckBox(_("Ik begrijp dat dit &niet ongedaan kan worden gemaakt"))
        self.sure.setProperty("input", True)
        self.body.addWidget(self.sure)
        buttons = self.add_buttons(_("Voorgoed intrekken"), self.withdraw)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.sure.toggled.connect(ok.setEnabled)

    def withdraw(self) -> bool:
        if not self.sure.isChecked():
            return False
        missing = self.reasons.missing()
        self.reasons.show_problems(missing)
        if missing:
            self.status.problem(_("Niet ingetrokken: verbeter de gemarkeerde velden."))
            return False
        reason, source = self.reasons.values()
        self.run(
            self.session.withdraw,
            self.kind,
            self.record["id"],
            reason=reason,
            source=source,
            busy_text=_("Bezig met intrekken…"),
            on_result=self._withdrawn,
            on_error=self._refused,
        )
        return True

    def _withdrawn(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.session.notify("" if len(counts) > 1 else self.kind)
        self.accept()

    def _refused(self, exc: BaseException) -> bool:
        if isinstance(exc, InvalidInput):
            rest = self.reasons.show_problems(exc.problems)
            text = "; ".join(p.message for p in rest)
            self.status.problem(text or _("Niet ingetrokken: verbeter de gemarkeerde velden."))
            return True
        return False


def can_withdraw(kind: str) -> bool:
    return kind in WITHDRAWABLE
