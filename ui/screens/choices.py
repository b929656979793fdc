"""The gemeente's choices in Instellingen: the retention periods where the Archiefwet
selection list leaves one (docs/retention.md), and whether the monitor's exports show
numbers under 5.

Both are shared settings (klantapp/domain/settings.py: ``retention``, ``monitor``) that
the central office decides: on a laptop joined to it they are shown, not changed (they
arrive with the sync); the core refuses a change there too.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from klantapp.domain.privacy import RETENTION_RULES
from klantapp.domain.records import RECORD_KINDS
from klantapp.errors import InvalidInput, KlantappError
from klantapp.i18n import _, ngettext
from ui.session import Session
from ui.widgets import StatusLine, em


class GemeenteChoices(QGroupBox):
    """Retention periods and small numbers, with their own Opslaan."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(_("Keuzes van de gemeente: bewaartermijnen en monitor"), parent)
        self.session = session
        lay = QVBoxLayout(self)
        explain = QLabel(
            _(
                "Waar de Selectielijst gemeenten een keuze laat, kiest de gemeente hoe lang "
                "gegevens na het afsluiten van een dossier worden bewaard (de archivaris "
                "bevestigt dit). De overige termijnen staan vast; zie Bewaartermijnen."
            )
        )
        explain.setWordWrap(True)
        lay.addWidget(explain)
        self.office_note = QLabel(
            _(
                "Deze keuzes maakt het centrale kantoor; ze komen met de synchronisatie mee "
                "en kunnen op deze laptop niet worden gewijzigd."
            )
        )
        self.office_note.setObjectName("banner")
        self.office_note.setWordWrap(True)
        self.office_note.hide()
        lay.addWidget(self.office_note)
        form = QFormLayout()
        self.years: dict[str, QComboBox] = {}
        for rule in RETENTION_RULES.values():
            if not rule.choice:
                continue
            combo = QComboBox()
            combo.setMaximumWidth(em(self, 30))
            name = _("Bewaren: {kind}").format(kind=_(RECORD_KINDS[rule.kind].label_plural))
            combo.setAccessibleName(name)
            for years in rule.choice:
                text = ngettext("{n} jaar", "{n} jaar", years).format(n=years)
                if years == rule.years:
                    text = _("{years} (standaard)").format(years=text)
                combo.addItem(text, years)
            combo.currentIndexChanged.connect(self._edited)
            label = QLabel(_(RECORD_KINDS[rule.kind].label_plural))
            label.setBuddy(combo)
            combo.setToolTip(_(rule.basis))
            form.addRow(label, combo)
            self.years[rule.kind] = combo
        lay.addLayout(form)
        self.small_numbers = QCheckBox(
            _("Kleine aantallen (onder 5) tonen in exports van de monitor")
        )
        self.small_numbers.setToolTip(
            _(
                "Standaard uit: een export toont dan '< 5', zodat in een kleine gemeente "
                "niemand herkenbaar is. Zet het alleen aan voor exports die binnen de "
                "gemeente blijven."
            )
        )
        self.small_numbers.toggled.connect(self._edited)
        lay.addWidget(self.small_numbers)
        row = QHBoxLayout()
        self.save_button = QPushButton(_("Keuzes opslaan"))
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        row.addStretch(1)
        self.status = StatusLine()
        row.addWidget(self.status)
        lay.addLayout(row)
        self._original: dict[str, Any] = {}
        self.refresh()

    def _values(self) -> dict[str, Any]:
        return {
            "retention": {kind: combo.currentData() for kind, combo in self.years.items()},
            "monitor": {"show_small_numbers": self.small_numbers.isChecked()},
        }

    def refresh(self) -> None:
        if not self.session.is_open or self.is_dirty():
            return
        from klantapp.domain.privacy import retention_years

        chosen = self.session.get_setting("retention", {})
        for kind, combo in self.years.items():
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(retention_years(kind, chosen))))
            combo.blockSignals(False)
        monitor = self.session.get_setting("monitor", {})
        self.small_numbers.blockSignals(True)
        self.small_numbers.setChecked(bool(monitor.get("show_small_numbers")))
        self.small_numbers.blockSignals(False)
        office = self.session.office_decides("retention")
        self.office_note.setVisible(office)
        for widget in (*self.years.values(), self.small_numbers, self.save_button):
            widget.setEnabled(not office)
        self._original = self._values()

    def discard(self) -> None:
        """Forget what was changed: the stored choices are shown again."""
        self._original = {}
        self.refresh()

    def is_dirty(self) -> bool:
        return bool(self._original) and self._values() != self._original

    def _edited(self, *_args: object) -> None:
        if self.is_dirty():
            self.status.dirty()
        else:
            self.status.blank()

    def save(self) -> bool:
        values = self._values()
        try:
            for key in ("retention", "monitor"):
                if values[key] != self._original.get(key):
                    self.session.set_setting(key, values[key])
        except InvalidInput as exc:
            self.status.problem("; ".join(p.message for p in exc.problems))
            return False
        except KlantappError as exc:
            self.status.problem(str(exc))
            return False
        self._original = {}
        self.refresh()
        self.status.saved()
        return True
