"""Letters in the client: preview the real PDF, print it, save it only when asked.

The PDF is made by the core (:mod:`klantapp.letters`) in memory, in a worker. The
preview loads it into a QPdfDocument from a QBuffer (never a temporary file); printing
renders the same pages into the printer, so what is previewed is what prints. A
language whose translation no qualified translator has reviewed is flagged, and the
user is asked before printing it. A letter the core refuses (no full postal address, no
sender details) is not shown at all: the message says what is missing. A letter for an
appointment that is already past shows the core's notice above the preview.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from klantapp.errors import KlantappError
from klantapp.i18n import _, ngettext
from klantapp.vault.fsio import fsync_dir, replace_file_atomically
from ui.forms import format_date
from ui.i18n import language_label, language_name
from ui.session import Session
from ui.tasks import run_task
from ui.widgets import confirm, em


def letter_languages(session: Session | None = None) -> list[tuple[str, str, bool]]:
    from klantapp import letters

    gemeente = session.get_setting("gemeente", {}) if session is not None else {}
    return list(letters.letter_languages(gemeente if isinstance(gemeente, dict) else {}))


def prepare_letter(session: Session, appointment_id: str, lang: str | None) -> Any:
    """Worker: the core's letter with its notices (it refuses an undeliverable letter)."""
    from klantapp import letters

    return letters.prepare_letter(session.cb, appointment_id, lang=lang)


def default_language(session: Session, appointment_id: str) -> str:
    try:
        from klantapp.letters.from_casebook import choose_language

        appt = session.get("appointments", appointment_id) or {}
        person = session.get("persons", appt["person_id"]) if appt.get("person_id") else None
        return str(choose_language(appt, person))
    except Exception:
        return "nl"


class PdfPreview(QDialog):
    """Shows PDF bytes; print and save as explicit actions."""

    def __init__(
        self,
        title: str,
        pdf: bytes,
        *,
        suggested_name: str,
        parent: QWidget | None = None,
        on_saved: Callable[[Path], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.suggested_name = suggested_name
        self.on_saved = on_saved  # logs the saved file (an export of personal data)
        self.languages: list[tuple[str, str, bool]] = []
        self.lang_reviewed = True
        self.lang_name = ""
        self.notices: tuple[str, ...] = ()
        self._data = QByteArray()
        self._buffer: QBuffer | None = None
        self.document = QPdfDocument(self)
        lay = QVBoxLayout(self)
        self.top = QHBoxLayout()
        lay.addLayout(self.top)
        self.warning = QLabel()
        self.warning.setObjectName("problem")
        self.warning.setWordWrap(True)
        self.warning.hide()
        lay.addWidget(self.warning)
        self.view = QPdfView()
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setAccessibleName(_("Voorbeeld van de brief"))
        lay.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(_("Afdrukken…"))
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_document)
        self.save_button = QPushButton(_("Opslaan als PDF…"))
        self.save_button.clicked.connect(self.save_pdf)
        close = QPushButton(_("Sluiten"))
        close.clicked.connect(self.reject)
        self.pages = QLabel()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.pages)
        buttons.addWidget(close)
        lay.addLayout(buttons)
        fm = self.fontMetrics()
        self.resize(em(self, 110), fm.lineSpacing() * 45)
        self.set_pdf(pdf)

    def set_pdf(self, pdf: bytes) -> None:
        self.document.close()
        self._data = QByteArray(pdf)
        buffer = QBuffer(self)
        buffer.setData(self._data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        old, self._buffer = self._buffer, buffer
        self.document.load(buffer)
        if old is not None:
            old.close()
            old.deleteLater()
        pages = self.document.pageCount()
        self.pages.setText(ngettext("{n} pagina", "{n} pagina's", pages).format(n=pages))

    def show_notices(self, notices: tuple[str, ...]) -> None:
        """The core's notices (a past appointment, an unreviewed translation) above the PDF."""
        self.notices = tuple(notices)
        self.warning.setText("\n".join("⚠ " + line for line in self.notices))
        self.warning.setVisible(bool(self.notices))

    def pdf_bytes(self) -> bytes:
        return bytes(self._data.data())

    def confirm_unreviewed(self, *, saving: bool = False) -> bool:
        """Before printing or saving a letter in a language no translator has checked."""
        if self.lang_reviewed:
            return True
        return confirm(
            self,
            _("Vertaling niet nagekeken"),
            _(
                "De tekst in het {lang} is nog niet nagekeken door een gekwalificeerde "
                "vertaler. De Nederlandse tekst op de brief blijft de geldende tekst."
            ).format(lang=self.lang_name),
            _("Toch opslaan") if saving else _("Toch afdrukken"),
            _("Toch opslaan?") if saving else _("Toch afdrukken?"),
        )

    def confirm_unencrypted(self) -> bool:
        """Say before saving that the PDF file is not encrypted, as the casebook is."""
        return confirm(
            self,
            _("Opslaan als PDF"),
            _(
                "Het PDF-bestand wordt niet versleuteld: wie het bestand heeft, kan de brief "
                "lezen, met naam en adres."
            ),
            _("Opslaan"),
            _(
                "Bewaar het alleen waar dat mag, en verwijder het als de brief verstuurd is. "
                "Doorgaan?"
            ),
        )

    def print_document(self) -> None:
        if not self.confirm_unreviewed():
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_name)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Brief afdrukken"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        render_to_printer(self.document, printer)

    def save_pdf(self) -> str | None:
        """Ask (unreviewed language, not encrypted), then write the PDF where the user
        chooses; returns the path written."""
        if not self.confirm_unreviewed(saving=True) or not self.confirm_unencrypted():
            return None
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Opslaan als PDF"),
            str(Path.home() / self.suggested_name),
            _("PDF-bestanden (*.pdf)"),
        )
        if not path:
            return None
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            write_private_file(Path(path), self.pdf_bytes())
        except OSError as exc:
            QMessageBox.warning(
                self,
                _("Opslaan als PDF"),
                _("Het bestand kon niet worden opgeslagen: {reason}").format(
                    reason=exc.strerror or type(exc).__name__
                ),
            )
            return None
        if self.on_saved is not None:
            self.on_saved(Path(path))
        return path


def write_private_file(path: Path, data: bytes) -> None:
    """Write ``data`` readable for this user only (0600), through a temporary file and a
    rename: an existing file is replaced whole, and gets the new mode too."""
    replace_file_atomically(path, data)
    fsync_dir(path.parent)


def render_to_printer(document: QPdfDocument, printer: QPrinter) -> int:
    """Draw every page of ``document`` into ``printer``; returns the pages printed."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        dpi = printer.resolution()
        count = document.pageCount()
        for page in range(count):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            size = QSize(int(points.width() * dpi / 72), int(points.height() * dpi / 72))
            image = document.render(page, size)
            target = painter.viewport()
            scaled = size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(target.topLeft(), scaled), image)
    finally:
        painter.end()
    return count


class LetterDialog(PdfPreview):
    """A letter (an appointment's, the late-offer statement) with a language choice:
    ``make(lang)`` is the worker that makes it again in another language."""

    def __init__(
        self,
        session: Session,
        make: Callable[[str | None], Any],
        pdf: bytes,
        lang: str,
        parent: QWidget | None,
        *,
        title: str,
        suggested_name: str,
        on_saved: Callable[[Path], None] | None = None,
    ) -> None:
        super().__init__(
            title, pdf, suggested_name=suggested_name, parent=parent, on_saved=on_saved
        )
        self.session = session
        self.make = make
        self.language = QComboBox()
        self.language.setAccessibleName(_("Taal van de brief"))
        for code, _own, reviewed in letter_languages(session):
            shown = language_label(code)
            label = shown if reviewed else _("{name} (niet nagekeken)").format(name=shown)
            self.language.addItem(label, (code, language_name(code), reviewed))
        caption = QLabel(_("&Taal naast het Nederlands"))
        caption.setBuddy(self.language)
        self.top.addWidget(caption)
        self.top.addWidget(self.language)
        self.top.addStretch(1)
        self._select_language(lang)
        self.language.currentIndexChanged.connect(self._language_changed)

    def _select_language(self, lang: str) -> None:
        for i in range(self.language.count()):
            code, name, reviewed = self.language.itemData(i)
            if code == lang:
                self.language.blockSignals(True)
                self.language.setCurrentIndex(i)
                self.language.blockSignals(False)
                self._show_review_state(name, reviewed)
                return

    def _show_review_state(self, name: str, reviewed: bool) -> None:
        self.lang_name = name
        self.lang_reviewed = reviewed
        self.show_notices(self.notices)

    def _language_changed(self, *_args: object) -> None:
        code, name, reviewed = self.language.currentData()
        self._show_review_state(name, reviewed)
        self.language.setEnabled(False)
        run_task(self.make, code, owner=self, on_result=self._new_pdf, on_error=self._failed)

    def _new_pdf(self, prepared: Any) -> None:
        self.language.setEnabled(True)
        self.set_pdf(prepared.pdf)
        self.show_notices(prepared.notices)

    def _failed(self, exc: BaseException, details: str) -> None:
        self.language.setEnabled(True)
        if isinstance(exc, KlantappError):
            QMessageBox.warning(self, self.windowTitle(), str(exc))
        else:
            from ui.errordialog import show_unexpected_error

            show_unexpected_error(exc, details)


def _show_letter_dialog(
    session: Session,
    make: Callable[[str | None], Any],
    lang: str,
    parent: QWidget,
    *,
    title: str,
    busy_text: str,
    suggested_name: str,
    on_saved: Callable[[Path], None],
) -> None:
    """Make the letter in a worker, then open its preview; a refusal is shown in words."""
    busy = QProgressDialog(busy_text, "", 0, 0, parent)
    busy.setCancelButton(None)
    busy.setWindowModality(Qt.WindowModality.WindowModal)
    busy.setMinimumDuration(300)

    def done(prepared: Any) -> None:
        busy.close()
        dialog = LetterDialog(
            session,
            make,
            prepared.pdf,
            lang,
            parent,
            title=title,
            suggested_name=suggested_name,
            on_saved=on_saved,
        )
        dialog.show_notices(prepared.notices)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def failed(exc: BaseException, details: str) -> None:
        busy.close()
        if isinstance(exc, KlantappError):
            QMessageBox.warning(parent, title, str(exc))
        else:
            from ui.errordialog import show_unexpected_error

            show_unexpected_error(exc, details)

    run_task(make, lang, owner=parent, on_result=done, on_error=failed)


def show_letter(session: Session, appointment_id: str, parent: QWidget) -> None:
    """'Brief maken': build the PDF in a worker, then open the preview."""

    def make(lang: str | None) -> Any:
        return prepare_letter(session, appointment_id, lang)

    appt = session.get("appointments", appointment_id) or {}

    _show_letter_dialog(
        session,
        make,
        default_language(session, appointment_id),
        parent,
        title=_("Brief"),
        busy_text=_("Brief maken…"),
        suggested_name=f"brief-{appointment_id[:8]}.pdf",
        on_saved=lambda path: session.log_export(
            _("Brief voor een afspraak als PDF naar {file}").format(file=path.name),
            household_id=appt.get("household_id"),
            person_id=appt.get("person_id"),
        ),
    )


def show_late_offer(session: Session, person_id: str, parent: QWidget) -> None:
    """'Verklaring te laat aanbod': the gemeente's statement that its offer started late,
    for the client's DUO extension request; refused in words when it was not late."""

    def make(lang: str | None) -> Any:
        from klantapp import letters

        return letters.prepare_late_offer(session.cb, person_id, lang=lang)

    person = session.get("persons", person_id) or {}
    try:
        from klantapp.letters.from_casebook import choose_language

        lang = str(choose_language({}, person))
    except Exception:
        lang = "nl"
    _show_letter_dialog(
        session,
        make,
        lang,
        parent,
        title=_("Verklaring te laat aanbod"),
        busy_text=_("Verklaring maken…"),
        suggested_name=f"verklaring-{person_id[:8]}.pdf",
        on_saved=lambda path: session.log_export(
            _("Verklaring te laat aanbod als PDF naar {file}").format(file=path.name),
            household_id=person.get("household_id"),
            person_id=person_id,
        ),
    )


def print_day(session: Session, day: date, parent: QWidget) -> None:
    """All letters of a day: made in a worker with progress, then preview and print."""
    progress = QProgressDialog(
        _("Brieven maken voor {day}…").format(day=format_date(day.isoformat())),
        _("Verbergen"),
        0,
        100,
        parent,
    )
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)
    progress.setValue(0)

    def work(progress: Any) -> Any:
        from klantapp import letters

        def report(done: int, total: int) -> None:
            progress(_("Brieven maken"), done / total if total else 1.0)

        return letters.prepare_day_letters(session.cb, day, progress=report)

    def on_progress(_stage: str, fraction: float) -> None:
        progress.setValue(int(fraction * 100))

    def done(prepared: Any) -> None:
        progress.close()
        dialog = PdfPreview(
            _("Brieven van {day}").format(day=format_date(day.isoformat())),
            prepared.pdf,
            suggested_name=f"brieven-{day.isoformat()}.pdf",
            parent=parent,
            on_saved=lambda path: session.log_export(
                _("Brieven van {day} als PDF naar {file}").format(
                    day=day.isoformat(), file=path.name
                )
            ),
        )
        langs = prepared.languages
        unreviewed = [
            language_name(code)
            for code, _own, ok in letter_languages(session)
            if not ok and code in langs
        ]
        dialog.lang_reviewed = not unreviewed
        dialog.lang_name = ", ".join(unreviewed)
        dialog.show_notices(prepared.notices)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if dialog.document.pageCount() == 0:
            QMessageBox.information(parent, _("Brieven"), _("Er zijn geen afspraken op deze dag."))
            dialog.deleteLater()
            return
        dialog.open()

    def failed(exc: BaseException, details: str) -> None:
        progress.close()
        if isinstance(exc, KlantappError):
            QMessageBox.warning(parent, _("Brieven"), str(exc))
        else:
            from ui.errordialog import show_unexpected_error

            show_unexpected_error(exc, details)

    run_task(
        work,
        owner=parent,
        with_progress=True,
        on_progress=on_progress,
        on_result=done,
        on_error=failed,
    )
