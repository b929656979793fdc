"""Start the desktop client: ``run_gui(path)`` is what ``klantapp`` / ``klantapp gui PATH`` call."""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from klantapp.paths import fonts_dir
from ui.about import app_icon
from ui.errordialog import install_excepthook
from ui.i18n import apply_language
from ui.mainwindow import AppConfig, MainWindow
from ui.settings import AppSettings

STYLE = """
QLabel#problem { color: #a40000; }
QLabel#hint { color: palette(placeholder-text); }
QLabel#status[state="saved"] { color: #1e6b1e; font-weight: bold; }
QLabel#status[state="dirty"] { color: #8a5a00; }
QLabel#status[state="problem"] { color: #a40000; font-weight: bold; }
*[invalid="true"] { border: 2px solid #a40000; }
"""


def register_fonts() -> int:
    """Bundled Noto fonts (Arabic, Ge'ez, ...) so names show in any script."""
    count = 0
    folder = fonts_dir()
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if (
                path.suffix.lower() in (".ttf", ".otf")
                and QFontDatabase.addApplicationFont(str(path)) >= 0
            ):
                count += 1
    return count


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Klantapp")
    app.setOrganizationName("Klantapp")
    app.setApplicationDisplayName("Klantapp")
    app.setWindowIcon(app_icon())
    app.setStyleSheet(STYLE)
    return app


def unsafe_binding() -> str | None:
    """Why this Python + PySide6 combination must not run the client, or None.

    PySide6 6.12 on Python 3.11 drops a reference to None on every Qt call that returns
    nothing; a working session then aborts with "none_dealloc" and loses unsaved work.
    From Python 3.12 on None is immortal."""
    import PySide6

    if sys.version_info < (3, 12) and tuple(PySide6.__version_info__[:2]) >= (6, 12):
        return (
            f"Klantapp cannot run on Python {sys.version_info[0]}.{sys.version_info[1]} with "
            f"PySide6 {PySide6.__version__}: that combination crashes during normal use. "
            "Use Python 3.12 or 3.13 (make run sets this up)."
        )
    return None


def run_gui(path: str | None = None) -> int:
    """Open the main window on ``path`` (or the last casebook / the first-run screen)."""
    problem = unsafe_binding()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    logging.basicConfig(level=os.environ.get("KLANTAPP_LOG", "WARNING"))
    app = make_app()
    settings = AppSettings()
    apply_language(os.environ.get("KLANTAPP_LANG") or settings.language)
    install_excepthook()
    window = MainWindow(AppConfig(settings=settings), path)
    window.show()
    if os.environ.get("KLANTAPP_REPORT_SHOWN"):
        # for the start-up benchmark: tell the parent when the first frame is up
        QTimer.singleShot(0, lambda: print("KLANTAPP_SHOWN", flush=True))
    QTimer.singleShot(0, register_fonts)  # after the first frame: keeps start-up fast
    return app.exec()


if __name__ == "__main__":
    sys.exit(run_gui(sys.argv[1] if len(sys.argv) > 1 else None))
