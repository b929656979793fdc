"""The AVG dialogs and screens for scripts/screenshots.py, on the demo casebook:
making an inzage, correcting a record received in error, withdrawing one, the
Bewaartermijnen screen with what is due on a later day and its typed confirmation, and
the gemeente's choices in Instellingen. Every dialog is only shown: nothing is corrected,
withdrawn or destroyed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QWidget


def walk(
    window: Any,
    household_id: str,
    shot: Callable[[QWidget, str], None],
    until: Callable[[Callable[[], bool]], None],
) -> None:
    from ui.correction import CorrectionDialog, WithdrawDialog
    from ui.inzage import InzageDialog
    from ui.screens.retention import DestroyDialog

    ws = window.workspace
    session = window.session
    ws.open_household(household_id)
    screen = ws.household
    screen.set_tab("persons")
    screen.persons.table.selectRow(0)
    person = screen.persons.current_record()
    inzage = InzageDialog(session, person, window)
    inzage.show()
    shot(inzage, "48-inzage-maken")
    inzage.close()

    correction = CorrectionDialog(session, "persons", person, screen._ref_options, window)
    correction.form.set_value("given_names", (person.get("given_names") or "") + "a")
    correction.reasons.source.setCurrentIndex(correction.reasons.source.findData("coa"))
    correction.reasons.reason.setText("Voornaam verkeerd gespeld in het COA-profiel")
    correction.show()
    shot(correction, "49-gegevens-corrigeren")
    correction.close()

    withdraw = WithdrawDialog(session, "persons", person, window)
    withdraw.reasons.source.setCurrentIndex(withdraw.reasons.source.findData("coa"))
    withdraw.reasons.reason.setText("Hoort niet bij dit huishouden")
    withdraw.sure.setChecked(True)
    withdraw.show()
    shot(withdraw, "50-gegeven-intrekken")
    withdraw.close()

    # the demo has no closed dossier: close one for these shots, then reopen it
    other = next(h for h in session.list_households() if h["id"] != household_id)
    status = other["status"]
    session.update("households", other["id"], {"status": "afgerond"})
    ws.go("retention")
    retention = ws.retention
    later = date(date.today().year + 11, 1, 1)  # then the closed dossier is due
    retention.on_edit.setDate(QDate(later.year, later.month, later.day))
    retention.look_button.click()
    until(lambda: not retention.busy and retention.plan is not None and retention.plan.on == later)
    shot(window, "51-bewaartermijnen")
    confirm = DestroyDialog(retention.plan, window)
    confirm.typed.setText(str(len(retention.plan.rows)))
    confirm.show()
    shot(confirm, "52-vernietigen-bevestigen")
    confirm.close()
    session.update("households", other["id"], {"status": status})

    ws.go("settings")
    choices = ws.settings_screen.choices
    for _ in range(3):  # the scroll area learns its size over a few rounds of events
        QApplication.processEvents()
        for area in ws.settings_screen.findChildren(QWidget):
            ensure = getattr(area, "ensureWidgetVisible", None)
            if ensure is not None:
                ensure(choices)
    shot(window, "53-instellingen-keuzes-gemeente")
