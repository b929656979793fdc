"""Over Klantapp (Help menu): the version number that ``klantapp --version`` and the
installers show too (klantapp.__version__), the licence and the runtime underneath,
including the SQLite the casebook runs on (klantapp.versions)."""

from __future__ import annotations

import sys

import PySide6
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMessageBox, QWidget

from klantapp import __version__
from klantapp.i18n import _
from klantapp.paths import resources_dir
from klantapp.versions import sqlite_version


def app_icon() -> QIcon:
    """The application icon (resources/icons), from the PNG sizes: no SVG plugin needed."""
    icon = QIcon()
    for png in sorted((resources_dir() / "icons").glob("klantapp-*.png")):
        icon.addFile(str(png))
    return icon


def about_text() -> str:
    python = ".".join(str(n) for n in sys.version_info[:3])
    return "\n".join(
        (
            _("Klantapp {version}").format(version=__version__),
            _("Versleuteld klantdossier voor inburgering (Wi2021), werkt zonder internet."),
            _("Licentie: EUPL-1.2."),
            f"Python {python}, SQLite {sqlite_version()}, Qt {PySide6.__version__}",
        )
    )


def show_about(parent: QWidget) -> None:
    QMessageBox.about(parent, _("Over Klantapp"), about_text())
