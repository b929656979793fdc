"""Issue 8 in the client: no stored setting keeps it from opening (finding 6), the
klantmanager's name is a setting of its own, and the first-run screen no longer puts
the recovery secret in the home folder (finding 9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from klantapp.casebook import Casebook
from klantapp.vault import Vault

from .conftest import PASSPHRASE, unlock


@pytest.mark.parametrize("stored", ["x", 42, [1], {"postcode": ["nee"]}])
def test_any_stored_gemeente_value_still_opens_the_client(
    qtbot, make_window, casebook_path: Path, stored
) -> None:
    cb = Casebook.open(casebook_path, PASSPHRASE)
    with cb.transaction() as tx:  # what import-json used to let through
        tx.insert("settings", {"value": stored}, row_id="gemeente")
    cb.close()
    window = make_window(casebook_path)
    unlock(qtbot, window)
    assert window.workspace is not None
    window.workspace.go("settings")
    screen = window.workspace.settings_screen
    assert screen.fields["name"].text() == ""
    window.workspace.go("agenda")  # reads the gemeente address too


def test_the_klantmanager_name_is_saved_as_its_own_setting(
    qtbot, make_window, casebook_path: Path
) -> None:
    window = make_window(casebook_path)
    unlock(qtbot, window)
    window.workspace.go("settings")
    screen = window.workspace.settings_screen
    screen.fields["name"].setText("Gemeente Heuveldal")
    screen.klantmanager.setText("Sanne de Vries")
    assert screen.save()
    session = window.session
    assert session.get_setting("gemeente") == {"name": "Gemeente Heuveldal"}
    assert session.get_setting("klantmanager") == {"name": "Sanne de Vries"}
    screen.fields["postcode"].setText("1234 AB")
    screen.klantmanager.setText("Sanne\x07")  # refused by the core: saves neither
    assert not screen.save()
    assert session.get_setting("gemeente") == {"name": "Gemeente Heuveldal"}
    assert not screen.klantmanager_problem.isHidden()
    screen.fields["postcode"].setText("")
    screen.klantmanager.setText("Sanne de Vries")
    assert not screen.is_dirty()  # nothing left unsaved when the window closes


def test_first_run_offers_a_chosen_place_for_the_secret_with_a_warning(
    qtbot, make_window, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.delenv("KLANTAPP_RECOVERY_KEY", raising=False)
    window = make_window(None)
    window.show_create()
    page = window.create_page
    page.use_office_key.setChecked(True)  # the normal path: the office's public key
    assert page.secret_warning.isHidden()
    page.generate_key.setChecked(True)
    assert not page.secret_warning.isHidden()
    assert "USB-stick" in page.secret_warning.text()
    assert page.secret_file.text() == ""  # never suggested in the home folder
    location = tmp_path / "nieuw-dossier"
    page.location.setText(str(location))
    page.passphrase.setText(PASSPHRASE)
    page.repeat.setText(PASSPHRASE)
    assert any("USB-stick" in p for p in page.problems())
    page.secret_file.setText(str(location / "geheim.txt"))
    assert any("map van het dossier" in p for p in page.problems())
    stick = tmp_path / "usb-stick"
    stick.mkdir()
    page.secret_file.setText(str(stick / "herstelsleutel.txt"))
    assert page.problems() == []
    page.submit()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=20_000)
    text = (stick / "herstelsleutel.txt").read_text()
    assert "\n# created: " in text and "# public key: age1" in text  # an age identity file
    window.session.detach().close()
    window.session = None
    vault, _ = Vault.open_with_recovery(location, text)  # the file opens the casebook
    vault.close()
