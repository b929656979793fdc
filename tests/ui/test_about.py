"""Over Klantapp shows the one version number; the window carries the application icon."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox

from klantapp import __version__, i18n
from klantapp.versions import sqlite_version
from ui.about import about_text, app_icon
from ui.app import make_app


def test_about_shows_the_version_that_the_command_line_and_installers_show(
    qtbot, make_window, monkeypatch
):
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "about", lambda _parent, title, text: shown.append((title, text))
    )
    window = make_window()
    window.about_action.trigger()
    assert shown and shown[0][0] == "Over Klantapp"
    assert f"Klantapp {__version__}" in shown[0][1]
    assert "EUPL-1.2" in shown[0][1]
    assert f"SQLite {sqlite_version()}" in shown[0][1]


def test_about_in_english():
    i18n.set_language("en")
    assert "works offline" in about_text()


def test_the_application_has_its_icon(qtbot):
    assert {s.width() for s in app_icon().availableSizes()} >= {16, 32, 48, 256}
    app = make_app()
    assert isinstance(app, QApplication)
    assert not app.windowIcon().isNull()
