"""Inzage (art. 15 AVG) in the client: record a person's request (its one-month
deadline shows on Vandaag) and make the inzage that answers it, as a PDF (and JSON)
saved where the klantmanager chooses (klantapp/avg/inzage.py does the work; docs/avg.md).

Restricted health data goes in only after an explicit confirmation, as on the command
line (``--with-restricted`` and a typed yes); the core logs that confirmation.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QCheckBox, QFileDialog, QFormLayout, QLabel, QVBoxLayout, QWidget

from klantapp.domain.privacy import inzage_deadline
from klantapp.i18n import _
from ui.busy import BusyDialog
from ui.forms import ParseError, format_date, parse_date
from ui.screens.intake import person_label
from ui.session import Session
from ui.widgets import DateLineEdit, confirm


class ReceivedOn(QWidget):
    """The day a request came in (DD-MM-JJJJ, today by default), with the deadline it
    sets and a problem line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.edit = DateLineEdit()
        self.edit.setAccessibleName(_("Verzoek ontvangen op"))
        self.edit.setToolTip(_("De datum waarop het verzoek binnenkwam, als DD-MM-JJJJ."))
        self.edit.setProperty("input", True)
        self.edit.setText(date.today().strftime("%d-%m-%Y"))
        self.edit.textChanged.connect(self._show_deadline)
        lay.addWidget(self.edit)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        lay.addWidget(self.problem)
        self.deadline = QLabel()
        self.deadline.setObjectName("hint")
        lay.addWidget(self.deadline)
        self._show_deadline()

    def _show_deadline(self) -> None:
        try:
            day = self.day()
        except ParseError:
            self.deadline.setText("")
            return
        self.deadline.setText(
            _("Uiterlijk beantwoorden op {day} (een maand, art. 12 AVG).").format(
                day=format_date(inzage_deadline(day).isoformat())
            )
        )

    def day(self) -> date:
        """The day typed; ParseError (in words) when it is missing, wrong or to come."""
        text = parse_date(self.edit.text(), _("Verzoek ontvangen op"))
        if text is None:
            raise ParseError(_("Vul de datum in waarop het verzoek binnenkwam."))
        day = date.fromisoformat(text)
        if day > date.today():
            raise ParseError(_("Deze datum ligt in de toekomst; een verzoek is al ontvangen."))
        return day

    def checked_day(self) -> date | None:
        """:meth:`day`, or None with the problem shown at the field."""
        try:
            day = self.day()
        except ParseError as exc:
            self.problem.setText("⚠ " + str(exc))
            self.problem.show()
            self.edit.setAccessibleDescription(str(exc))
            self.edit.setFocus()
            return None
        self.problem.hide()
        self.edit.setAccessibleDescription("")
        return day


class InzageRequestDialog(BusyDialog):
    """Inzageverzoek vastleggen: the date the request came in."""

    def __init__(self, session: Session, person: dict[str, Any], parent: QWidget | None = None):
        super().__init__(_("Inzageverzoek vastleggen"), parent)
        self.session = session
        self.person = person
        self.explain(
            _(
                "{name} vraagt om inzage in de eigen gegevens (art. 15 AVG). Leg vast wanneer "
                "het verzoek binnenkwam: de termijn van een maand staat dan op Vandaag, tot "
                "de inzage is gemaakt."
            ).format(name=person_label(person))
        )
        form = QFormLayout()
        self.received = ReceivedOn()
        label = QLabel(_("Verzoek &ontvangen op *"))
        label.setBuddy(self.received.edit)
        form.addRow(label, self.received)
        self.body.addLayout(form)
        self.add_buttons(_("Vastleggen"), self.record)
        self.request: dict[str, Any] | None = None

    def record(self) -> bool:
        day = self.received.checked_day()
        if day is None:
            return False
        self.request = self.session.record_inzage_request(self.person["id"], day)
        self.accept()
        return True


class InzageDialog(BusyDialog):
    """Inzage maken: the person's every record as a PDF (and JSON), saved where the
    klantmanager chooses; answers the open request."""

    def __init__(self, session: Session, person: dict[str, Any], parent: QWidget | None = None):
        super().__init__(_("Inzage maken"), parent)
        self.session = session
        self.person = person
        self.saved_to: list[str] = []
        name = person_label(person)
        self.explain(
            _(
                "Alles wat dit dossier over {name} bevat, met het logboek van wie wat "
                "wijzigde, inzag of exporteerde: als PDF om te geven, en als JSON "
                "(machineleesbaar) ernaast. Het maken van de inzage komt in het logboek en "
                "beantwoordt het verzoek."
            ).format(name=name)
        )
        open_requests = session.open_inzage_requests(person["id"])
        form = QFormLayout()
        self.received: ReceivedOn | None = None
        if open_requests:
            first = min(open_requests, key=lambda r: r["received_on"])
            self.request_text = QLabel(
                _(
                    "Open verzoek, ontvangen op {received}; uiterlijk beantwoorden op {deadline}."
                ).format(
                    received=format_date(first["received_on"]),
                    deadline=format_date(first["deadline"]),
                )
            )
            self.request_text.setWordWrap(True)
            form.addRow(_("Verzoek"), self.request_text)
        else:
            self.explain(
                _(
                    "Er is geen open verzoek van {name}. Het wordt met deze datum vastgelegd "
                    "en meteen beantwoord."
                ).format(name=name)
            )
            self.received = ReceivedOn()
            label = QLabel(_("Verzoek &ontvangen op *"))
            label.setBuddy(self.received.edit)
            form.addRow(label, self.received)
        self.body.addLayout(form)
        self.restricted = QCheckBox(_("Ook &vertrouwelijke gezondheidsgegevens opnemen"))
        self.restricted.setToolTip(
            _(
                "Bijzondere persoonsgegevens (art. 9 AVG). Zonder dit vinkje staan ze als "
                "'weggelaten' in de inzage. Opnemen vraagt om bevestiging en komt in het "
                "logboek."
            )
        )
        self.restricted.setProperty("input", True)
        self.body.addWidget(self.restricted)
        self.with_json = QCheckBox(_("Ook als &JSON opslaan (machineleesbaar), naast de PDF"))
        self.with_json.setChecked(True)
        self.with_json.setProperty("input", True)
        self.body.addWidget(self.with_json)
        self.explain(
            _(
                "Het bestand is niet versleuteld, zoals het dossier: geef het alleen aan "
                "{name} zelf en verwijder uw kopie als het is overhandigd."
            ).format(name=name)
        )
        self.add_buttons(_("Inzage maken en opslaan…"), self.make)

    def suggested_path(self) -> str:
        family = str(self.person.get("family_name") or "").strip().replace(os.sep, "-")
        stem = "-".join(p for p in ("inzage", family, date.today().isoformat()) if p)
        return str(Path.home() / f"{stem}.pdf")

    def confirm_restricted(self) -> bool:
        """The explicit confirmation the command line asks with a typed yes."""
        return confirm(
            self,
            _("Vertrouwelijke gezondheidsgegevens"),
            _(
                "De inzage krijgt ook vertrouwelijke gezondheidsgegevens. Dit wordt in het "
                "logboek vastgelegd."
            ),
            _("Opnemen en doorgaan"),
            _("Doe dit alleen als de persoon zelf om deze gegevens vraagt."),
        )

    def choose_path(self) -> str | None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Inzage opslaan als PDF"), self.suggested_path(), _("PDF-bestanden (*.pdf)")
        )
        if not path:
            return None
        return path if path.lower().endswith(".pdf") else path + ".pdf"

    def make(self) -> bool:
        """Ask what must be asked, then make and save the inzage in a worker. Returns
        whether the work started."""
        received_on = None
        if self.received is not None:
            received_on = self.received.checked_day()
            if received_on is None:
                return False
        include = self.restricted.isChecked()
        if include and not self.confirm_restricted():
            return False
        pdf_path = self.choose_path()
        if pdf_path is None:
            return False
        folder = Path(pdf_path).parent
        if not os.access(folder, os.W_OK):
            self.status.problem(
                _("In de map {folder} kan niet worden geschreven; kies een andere.").format(
                    folder=folder
                )
            )
            return False
        json_path = str(Path(pdf_path).with_suffix(".json")) if self.with_json.isChecked() else None
        self.saved_to = [p for p in (pdf_path, json_path) if p]
        self.run(
            self.session.save_inzage,
            self.person["id"],
            pdf_path,
            json_path,
            include_restricted=include,
            received_on=received_on,
            busy_text=_("Bezig met de inzage…"),
            on_result=self._made,
            on_error=self._failed,
        )
        return True

    def _made(self, _document: Any) -> None:
        self.session.notify("inzage_requests")
        self.finish(_("Inzage opgeslagen: {files}").format(files=", ".join(self.saved_to)))

    def _failed(self, exc: BaseException) -> bool:
        if isinstance(exc, OSError):
            self.session.notify("inzage_requests")  # made and logged before the write
            self.status.problem(
                _(
                    "De inzage is gemaakt en vastgelegd, maar het bestand kon niet worden "
                    "opgeslagen: {reason}. Maak haar opnieuw en kies een andere plek."
                ).format(reason=exc.strerror or type(exc).__name__)
            )
            return True
        return False
