"""Instellingen: interface language, auto-lock minutes, gemeente details for letters, the
central office (ui/screens/office.py), the gemeente's choices of retention periods and
small numbers (ui/screens/choices.py).

Language and auto-lock are local settings of this laptop (QSettings). The gemeente
details are shared data printed on letters; they are stored in the casebook. On a laptop
joined to a central office they are the office's: shown read-only, with a note (the
klantmanager's own name stays editable: it is this laptop's). The gemeente's choices are
shared too, and on a joined laptop the central office's.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from klantapp.domain.settings import validate_setting
from klantapp.errors import InvalidInput, KlantappError
from klantapp.i18n import _, ngettext
from klantapp.letters.texts import parse_phone_hours
from ui.forms import format_date
from ui.i18n import ui_languages
from ui.passphrase import PassphraseInput
from ui.screens.choices import GemeenteChoices
from ui.screens.office import OfficeBox
from ui.session import Session
from ui.settings import MAX_AUTOLOCK_MINUTES, MIN_AUTOLOCK_MINUTES, AppSettings
from ui.tasks import run_task
from ui.widgets import StatusLine, ask_unsaved, em, heading

GEMEENTE_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Naam gemeente"),
    ("department", "Afdeling"),
    ("street", "Bezoekadres (straat en nummer)"),
    ("postcode", "Postcode"),
    ("city", "Plaats"),
    ("phone", "Telefoon"),
    ("phone_hours", "Telefonisch bereikbaar (bijv. 09:00-17:00)"),
    ("email", "E-mail"),
    ("website", "Website"),
)
_POSTCODE = re.compile(r"^\s*[1-9][0-9]{3}\s?[A-Za-z]{2}\s*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _gemeente_problems(values: dict[str, str]) -> dict[str, str]:
    """What the form itself sees wrong in the gemeente's details, per field."""
    problems: dict[str, str] = {}
    if values["postcode"] and not _POSTCODE.match(values["postcode"]):
        problems["postcode"] = _("Een postcode is vier cijfers en twee letters, zoals 1234 AB.")
    if values["email"] and not _EMAIL.match(values["email"]):
        problems["email"] = _("Dit is geen geldig e-mailadres.")
    if values["phone_hours"] and parse_phone_hours(values["phone_hours"]) is None:
        problems["phone_hours"] = _("Schrijf de tijden als 09:00-17:00.")
    return problems


class SettingsScreen(QWidget):
    language_changed = Signal(str)
    autolock_changed = Signal(int)

    def __init__(
        self, session: Session, settings: AppSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll)
        content = QWidget()
        scroll.setWidget(content)
        lay = QVBoxLayout(content)
        lay.addWidget(heading(_("Instellingen")))

        local = QGroupBox(_("Deze computer"))
        local_form = QFormLayout(local)
        self.language = QComboBox()
        self.language.setAccessibleName(_("Taal van het programma"))
        for code, name in ui_languages():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(settings.language), 0))
        self.language.currentIndexChanged.connect(self._language_chosen)
        local_form.addRow(_("&Taal van het programma"), self.language)
        self.autolock = QSpinBox()
        self.autolock.setRange(MIN_AUTOLOCK_MINUTES, MAX_AUTOLOCK_MINUTES)
        self.autolock.setSuffix(" " + _("min"))
        self.autolock.setValue(settings.autolock_minutes)
        self.autolock.setAccessibleName(_("Automatisch vergrendelen na (minuten)"))
        self.autolock.valueChanged.connect(self._autolock_chosen)
        local_form.addRow(_("&Automatisch vergrendelen na"), self.autolock)
        lay.addWidget(local)
        self.office = OfficeBox(session)
        lay.addWidget(self.office)

        gemeente = QGroupBox(_("Gemeente (staat op de brieven)"))
        g_lay = QVBoxLayout(gemeente)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        self.problems: dict[str, QLabel] = {}
        # The klantmanager's own name: on letters and in the log of who changed what.
        self.klantmanager = QLineEdit()
        self.klantmanager.setAccessibleName(_("Uw naam (klantmanager)"))
        self.klantmanager.setMaximumWidth(em(self, 60))
        self.klantmanager.setToolTip(
            _("Staat op de brieven en in de tijdlijn bij elke wijziging die u maakt.")
        )
        self.klantmanager.textChanged.connect(self._edited)
        name_label = QLabel(_("&Uw naam (klantmanager)"))
        name_label.setBuddy(self.klantmanager)
        self.klantmanager_problem = QLabel()
        self.klantmanager_problem.setObjectName("problem")
        self.klantmanager_problem.hide()
        name_cell = QVBoxLayout()
        name_cell.addWidget(self.klantmanager)
        name_cell.addWidget(self.klantmanager_problem)
        form.addRow(name_label, name_cell)
        for key, label in GEMEENTE_FIELDS:
            edit = QLineEdit()
            edit.setAccessibleName(_(label))
            edit.setMaximumWidth(em(self, 60))
            edit.textChanged.connect(self._edited)
            problem = QLabel()
            problem.setObjectName("problem")
            problem.hide()
            cell = QVBoxLayout()
            cell.addWidget(edit)
            cell.addWidget(problem)
            text = QLabel(_(label))
            text.setBuddy(edit)
            form.addRow(text, cell)
            self.fields[key] = edit
            self.problems[key] = problem
        g_lay.addLayout(form)
        self.office_note = QLabel(
            _(
                "De gegevens van de gemeente worden beheerd door het centrale kantoor; "
                "wijzigingen daar komen vanzelf op deze laptop."
            )
        )
        self.office_note.setWordWrap(True)
        self.office_note.hide()
        g_lay.addWidget(self.office_note)
        row = QHBoxLayout()
        self.save_button = QPushButton(_("Opslaan"))
        self.save_button.setToolTip(_("Opslaan (Ctrl+S)"))
        self.save_button.clicked.connect(self.save_gemeente)
        row.addWidget(self.save_button)
        row.addStretch(1)
        self.status = StatusLine()
        row.addWidget(self.status)
        g_lay.addLayout(row)
        lay.addWidget(gemeente)
        self.choices = GemeenteChoices(session)
        lay.addWidget(self.choices)

        secret = QGroupBox(_("Wachtwoordzin van dit dossier"))
        s_lay = QVBoxLayout(secret)
        self.new_passphrase = PassphraseInput()
        s_lay.addWidget(self.new_passphrase)
        s_row = QHBoxLayout()
        self.passphrase_button = QPushButton(_("Wachtwoordzin wijzigen"))
        self.passphrase_button.clicked.connect(self.change_passphrase)
        s_row.addWidget(self.passphrase_button)
        self.passphrase_progress = QProgressBar()
        self.passphrase_progress.setRange(0, 0)
        self.passphrase_progress.setAccessibleName(_("Voortgang wachtwoordzin wijzigen"))
        self.passphrase_progress.hide()
        s_row.addWidget(self.passphrase_progress)
        s_row.addStretch(1)
        self.passphrase_status = StatusLine()
        s_row.addWidget(self.passphrase_status)
        s_lay.addLayout(s_row)
        lay.addWidget(secret)
        lay.addWidget(self._review_box())

        data = QGroupBox(_("Gegevens"))
        d_lay = QVBoxLayout(data)
        explain = QLabel(
            _(
                "Importeer huishoudens uit een Klantapp-export (JSON), bijvoorbeeld van het "
                "centrale kantoor. Alles of niets: bij een fout wordt niets opgeslagen."
            )
        )
        explain.setWordWrap(True)
        d_lay.addWidget(explain)
        row2 = QHBoxLayout()
        self.import_button = QPushButton(_("Importeren (JSON)…"))
        self.import_button.clicked.connect(self.choose_import)
        row2.addWidget(self.import_button)
        self.import_progress = QProgressBar()
        self.import_progress.setRange(0, 0)
        self.import_progress.setAccessibleName(_("Voortgang importeren"))
        self.import_progress.hide()
        row2.addWidget(self.import_progress)
        row2.addStretch(1)
        d_lay.addLayout(row2)
        self.import_status = QLabel()
        self.import_status.setWordWrap(True)
        self.import_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        d_lay.addWidget(self.import_status)
        lay.addWidget(data)
        lay.addStretch(1)
        self._original: dict[str, str] = {}
        self.refresh()

    def office_owned(self) -> bool:
        """Joined to a central office: the gemeente's details are the office's."""
        return self.session.is_open and self.session.sync_role() == "laptop"

    def _show_ownership(self) -> None:
        owned = self.office_owned()
        for edit in self.fields.values():
            edit.setReadOnly(owned)
        self.office_note.setVisible(owned)
        self.review_note.setVisible(owned)
        for widget in (self.reviewer, self.mark_button):
            widget.setEnabled(not owned)

    def refresh(self) -> None:
        if not self.session.is_open:
            return
        self.choices.refresh()
        if self._gemeente_dirty():
            return
        self._show_ownership()
        value = self._gemeente()
        if hasattr(self, "review_language"):
            self._fill_review_languages()
        for key, edit in self.fields.items():
            edit.blockSignals(True)
            edit.setText(str(value.get(key) or ""))
            edit.blockSignals(False)
        self.klantmanager.blockSignals(True)
        self.klantmanager.setText(self.session.klantmanager_name())
        self.klantmanager.blockSignals(False)
        self._original = self._values()

    def _values(self) -> dict[str, str]:
        values = {k: e.text().strip() for k, e in self.fields.items()}
        values["__klantmanager"] = self.klantmanager.text().strip()
        return values

    def is_dirty(self) -> bool:
        return self._gemeente_dirty() or self.choices.is_dirty()

    def _gemeente_dirty(self) -> bool:
        return bool(self._original) and self._values() != self._original

    def _edited(self, *_args: object) -> None:
        if self._gemeente_dirty():
            self.status.dirty()
        else:
            self.status.blank()

    def _language_chosen(self, *_args: object) -> None:
        code = self.language.currentData()
        if code and code != self.settings.language:
            self.settings.language = code
            self.language_changed.emit(code)

    def _autolock_chosen(self, minutes: int) -> None:
        self.settings.autolock_minutes = minutes
        self.autolock_changed.emit(minutes)

    def save(self) -> bool:
        """Save what was changed: the gemeente's details (always, as before) and its
        choices (when changed)."""
        choices = self.choices.save() if self.choices.is_dirty() else True
        return self.save_gemeente() and choices

    def save_gemeente(self) -> bool:
        values = self._values()
        # On a joined laptop the gemeente's details are the office's (shown read-only):
        # only the klantmanager's own name is saved here.
        owned = self.office_owned()
        problems = {} if owned else _gemeente_problems(values)
        for key, label in self.problems.items():
            label.setText("⚠ " + problems[key] if key in problems else "")
            label.setVisible(key in problems)
        self.klantmanager_problem.hide()
        if problems:
            self.status.problem(_("Niet opgeslagen: verbeter de gemarkeerde velden."))
            self.fields[next(iter(problems))].setFocus()
            return False
        if values["postcode"]:
            pc = values["postcode"].replace(" ", "").upper()
            values["postcode"] = f"{pc[:4]} {pc[4:]}"
        name = values.pop("__klantmanager")
        saving: dict[str, dict[str, Any]] = {}
        if not owned:
            # keys this form does not show (logo, reviewed languages, ...) are kept
            current = self._gemeente()
            kept = {k: v for k, v in current.items() if k not in self.fields}
            saving["gemeente"] = {**kept, **{k: v for k, v in values.items() if v}}
        saving["klantmanager"] = {"name": name}
        # The core checks all first (klantapp/domain/settings.py): a problem in one
        # saves none, and is shown at its field.
        found = [p for key, value in saving.items() for p in validate_setting(key, value)[1]]
        if found:
            for problem in found:  # "gemeente.postcode" -> the postcode field
                shown_at: QLabel | None = (
                    self.klantmanager_problem
                    if problem.field == "klantmanager.name"
                    else self.problems.get(problem.field.partition(".")[2])
                )
                if shown_at is not None:
                    shown_at.setText("⚠ " + problem.message)
                    shown_at.show()
            self.status.problem(_("Niet opgeslagen: verbeter de gemarkeerde velden."))
            return False
        try:
            if "gemeente" in saving:
                self.session.set_setting("gemeente", saving["gemeente"])
            if name != self.session.klantmanager_name():
                self.session.set_setting("klantmanager", {"name": name})
        except KlantappError as exc:
            self.status.problem(str(exc))
            return False
        self._original = {}
        self.refresh()
        self.status.saved()
        return True

    def change_passphrase(self) -> bool:
        """A new passphrase, set in a worker (a key derivation and, as the vault rotates
        the data key, a compaction: some seconds). Returns whether it started."""
        problems = self.new_passphrase.problems()
        if problems:
            self.passphrase_status.problem(" ".join(problems))
            return False
        new = self.new_passphrase.text()
        self.new_passphrase.clear()
        self.passphrase_button.setEnabled(False)
        self.passphrase_progress.show()
        self.passphrase_status.setText(_("Bezig met de nieuwe wachtwoordzin…"))
        run_task(
            self.session.change_passphrase,
            new,
            owner=self,
            on_result=self._passphrase_changed,
            on_error=self._passphrase_failed,
        )
        return True

    def _passphrase_changed(self, _result: object) -> None:
        self.passphrase_button.setEnabled(True)
        self.passphrase_progress.hide()
        self.passphrase_status.setProperty("state", "saved")
        self.passphrase_status.setText(
            "✓ " + _("De wachtwoordzin is gewijzigd. Gebruik voortaan de nieuwe.")
        )

    def _passphrase_failed(self, exc: BaseException, details: str) -> None:
        self.passphrase_button.setEnabled(True)
        self.passphrase_progress.hide()
        if isinstance(exc, KlantappError):
            self.passphrase_status.problem(str(exc))
        else:
            from ui.errordialog import show_unexpected_error

            show_unexpected_error(exc, details)
            self.passphrase_status.problem(
                _("De wachtwoordzin is niet gewijzigd; de oude geldt nog.")
            )

    @property
    def changing_passphrase(self) -> bool:
        return not self.passphrase_progress.isHidden()

    # --- translations reviewed by the gemeente ------------------------------------------

    def _gemeente(self) -> dict[str, Any]:
        value = self.session.get_setting("gemeente", {}) if self.session.is_open else {}
        return value if isinstance(value, dict) else {}

    def _review_box(self) -> QGroupBox:
        box = QGroupBox(_("Vertalingen van de brieven"))
        b_lay = QVBoxLayout(box)
        explain = QLabel(
            _(
                "Een vertaling is 'niet nagekeken' tot een gekwalificeerd vertaler hem heeft "
                "gecontroleerd. Heeft de gemeente een taal laten nakijken? Markeer hem hier, "
                "met wie het deed. Verandert de tekst in een nieuwe versie, dan vervalt de "
                "markering."
            )
        )
        explain.setWordWrap(True)
        b_lay.addWidget(explain)
        form = QFormLayout()
        self.review_language = QComboBox()
        self.review_language.setAccessibleName(_("Taal van de brieven"))
        self.review_language.currentIndexChanged.connect(self._show_review)
        form.addRow(_("T&aal"), self.review_language)
        self.reviewer = QLineEdit()
        self.reviewer.setAccessibleName(_("Nagekeken door (naam vertaler)"))
        self.reviewer.setMaximumWidth(em(self, 40))
        form.addRow(_("Nagekeken &door"), self.reviewer)
        b_lay.addLayout(form)
        row = QHBoxLayout()
        self.mark_button = QPushButton(_("Markeren als nagekeken"))
        self.mark_button.clicked.connect(self.mark_reviewed)
        self.unmark_button = QPushButton(_("Markering weghalen"))
        self.unmark_button.clicked.connect(self.unmark_reviewed)
        row.addWidget(self.mark_button)
        row.addWidget(self.unmark_button)
        row.addStretch(1)
        b_lay.addLayout(row)
        self.review_note = QLabel(
            _("Welke vertalingen zijn nagekeken, legt het centrale kantoor vast.")
        )
        self.review_note.setWordWrap(True)
        self.review_note.hide()
        b_lay.addWidget(self.review_note)
        self.review_state = QLabel()
        self.review_state.setWordWrap(True)
        b_lay.addWidget(self.review_state)
        self._fill_review_languages()
        return box

    def _fill_review_languages(self) -> None:
        from klantapp.letters.review import letter_languages

        current = self.review_language.currentData()
        self.review_language.blockSignals(True)
        self.review_language.clear()
        for code, name, _reviewed in letter_languages(self._gemeente()):
            if code != "nl":
                self.review_language.addItem(name, code)
        index = self.review_language.findData(current)
        self.review_language.setCurrentIndex(max(index, 0))
        self.review_language.blockSignals(False)
        self._show_review()

    def _show_review(self, *_args: object) -> None:
        from klantapp.letters.review import review_of

        code = self.review_language.currentData()
        if not code:
            return
        review = review_of(code, self._gemeente())
        if not review.reviewed:
            text = _("Niet nagekeken.")
        elif review.source == "gemeente":
            text = _("Nagekeken door {name} op {date} (gemarkeerd door de gemeente).").format(
                name=review.by, date=format_date(review.on) if review.on else "-"
            )
        else:
            text = _("Nagekeken door {name} op {date} (in de vertaling zelf).").format(
                name=review.by or "-", date=review.on or "-"
            )
        self.review_state.setText(text)
        self.unmark_button.setEnabled(review.source == "gemeente" and not self.office_owned())

    def mark_reviewed(self) -> bool:
        from klantapp.letters.review import mark_reviewed

        name = self.reviewer.text().strip()
        if not name:
            self.review_state.setText("⚠ " + _("Vul in wie de vertaling heeft nagekeken."))
            self.reviewer.setFocus()
            return False
        code = self.review_language.currentData()
        try:
            self.session.set_setting("gemeente", mark_reviewed(self._gemeente(), code, name))
        except KlantappError as exc:
            self.review_state.setText("⚠ " + str(exc))
            return False
        self.reviewer.clear()
        self._fill_review_languages()
        return True

    def unmark_reviewed(self) -> None:
        from klantapp.letters.review import unmark_reviewed

        code = self.review_language.currentData()
        self.session.set_setting("gemeente", unmark_reviewed(self._gemeente(), code))
        self._fill_review_languages()

    def choose_import(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Klantapp-export kiezen"), "", _("JSON-bestanden (*.json)")
        )
        if path:
            self.start_import(path)

    def start_import(self, path: str) -> None:
        """Import in a worker; the window stays usable."""
        self.import_button.setEnabled(False)
        self.import_progress.show()
        self.import_status.setText(_("Bezig met importeren…"))
        run_task(
            self.session.import_json_file,
            path,
            owner=self,
            on_result=self._imported,
            on_error=self._import_failed,
        )

    def _imported(self, counts: dict[str, int]) -> None:
        self.import_button.setEnabled(True)
        self.import_progress.hide()
        total = sum(counts.values())
        self.import_status.setText(
            "✓ "
            + _("Geïmporteerd: {records} ({households}).").format(
                records=ngettext("{n} gegeven", "{n} gegevens", total).format(n=total),
                households=ngettext(
                    "{n} huishouden", "{n} huishoudens", counts.get("households", 0)
                ).format(n=counts.get("households", 0)),
            )
        )
        self.session.notify_all_changed()

    def _import_failed(self, exc: BaseException, details: str) -> None:
        self.import_button.setEnabled(True)
        self.import_progress.hide()
        if isinstance(exc, InvalidInput):
            lines = [f"- {p}" for p in exc.problems[:20]]
            more = len(exc.problems) - len(lines)
            if more > 0:
                lines.append(
                    ngettext("… en nog {n} probleem", "… en nog {n} problemen", more).format(n=more)
                )
            self.import_status.setText(
                "⚠ " + _("Niets geïmporteerd: het bestand klopt niet.") + "\n" + "\n".join(lines)
            )
        elif isinstance(exc, KlantappError):
            self.import_status.setText("⚠ " + str(exc))
        else:
            from ui.errordialog import show_unexpected_error

            show_unexpected_error(exc, details)
            self.import_status.setText("⚠ " + _("Niets geïmporteerd door een onverwachte fout."))

    def maybe_leave(self) -> bool:
        if not self.is_dirty():
            return True
        answer = ask_unsaved(self, _("de gegevens van de gemeente"))
        if answer == "save":
            return self.save()
        if answer == "discard":
            self._original = {}
            self.choices.discard()
            self.refresh()
            return True
        return False

    def data_changed(self, kind: str) -> None:
        if kind in ("settings", "", "sync"):  # an exchange may bring the office's
            self.refresh()
        if kind in ("", "sync"):
            self.office.refresh()

    def new_record(self) -> None:
        pass

    def clear(self) -> None:
        for edit in self.fields.values():
            edit.clear()
