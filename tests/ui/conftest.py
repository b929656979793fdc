"""pytest-qt fixtures for the desktop client: offscreen, a fresh casebook per test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("KLANTAPP_LANG", "nl")

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from klantapp import i18n
from klantapp.casebook import Casebook
from klantapp.vault import KdfParams
from ui.mainwindow import AppConfig, MainWindow
from ui.settings import AppSettings

PASSPHRASE = "paars konijn eet zeven wortels"


@pytest.fixture(autouse=True)
def _dutch() -> Iterator[None]:
    i18n.set_language("nl")
    yield
    i18n.set_language("nl")


@pytest.fixture(autouse=True)
def _application(qapp: Any) -> None:
    """Every client test has its QApplication, also one that makes a widget without
    qtbot: a widget made before it exists aborts the process (Qt's qFatal), which took
    a whole test worker down when such a test happened to run first on it."""


@pytest.fixture(autouse=True)
def _unexpected_errors_fail_the_test(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The unexpected-error dialog is modal: in a test it would wait for a click that
    never comes and hang the run. Here it is recorded instead, and the test fails with
    what the user would have seen (a test that checks the dialog patches exec itself)."""
    from ui import errordialog

    seen: list[str] = []
    monkeypatch.setattr(
        errordialog.UnexpectedErrorDialog,
        "exec",
        lambda self: seen.append(self.details.toPlainText()) or 0,
    )
    yield
    if seen:
        pytest.fail("unexpected-error dialog shown:\n" + "\n".join(seen), pytrace=False)


@pytest.fixture
def settings(tmp_path: Path) -> AppSettings:
    qs = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    return AppSettings(qs)


@pytest.fixture
def casebook_path(tmp_path: Path) -> Path:
    """A fresh, closed casebook (fast KDF) with its passphrase PASSPHRASE."""
    path = tmp_path / "dossier"
    cb, _secret = Casebook.create(path, PASSPHRASE, kdf=KdfParams.for_tests())
    cb.close()
    return path


@pytest.fixture
def make_window(qtbot, settings):  # type: ignore[no-untyped-def]
    windows: list[MainWindow] = []

    def make(path: Path | str | None = None, idle_ms: int | None = None) -> MainWindow:
        config = AppConfig(settings=settings, kdf=KdfParams.for_tests(), idle_ms=idle_ms)
        window = MainWindow(config, str(path) if path else None)
        window.ask_on_close = False  # pytest-qt closes the window before this teardown
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for w in windows:
        w.ask_on_close = False
        w.hide()
        if w.session is not None:
            cb = w.session.detach()
            if cb is not None:
                cb.close()
            w.session = None
        if w.workspace is not None:
            w.workspace.deleteLater()
            w.workspace = None
    # let lock workers finish closing before the temp folder goes
    qtbot.waitUntil(lambda: all(not w.closing for w in windows), timeout=10_000)


def unlock(qtbot, window: MainWindow, passphrase: str = PASSPHRASE) -> None:  # type: ignore[no-untyped-def]
    page = window.unlock_page
    qtbot.waitUntil(lambda: page.unlock_button.isEnabled(), timeout=10_000)
    page.passphrase.setText(passphrase)
    page.unlock_button.click()
    qtbot.waitUntil(
        lambda: window.workspace is not None or not page.error.isHidden(), timeout=20_000
    )
