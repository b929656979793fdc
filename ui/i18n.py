"""Interface language: gettext catalogs for our strings, Qt's own .qm for Qt's dialogs.

Our strings are Dutch source text passed through :func:`klantapp.i18n._`; this module
only switches the language and installs Qt's translator (``qtbase_<lang>.qm`` from
PySide6's translations folder) so QFileDialog, QPrintDialog and friends follow.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from klantapp import i18n

# Interface languages, each named in its own language.
UI_LANGUAGES: tuple[tuple[str, str], ...] = (("nl", "Nederlands"), ("en", "English"))

_qt_translator: QTranslator | None = None


def ui_languages() -> list[tuple[str, str]]:
    """Languages offered in Instellingen: those with a catalog (plus Dutch)."""
    available = set(i18n.available_languages("klantapp"))
    return [(code, name) for code, name in UI_LANGUAGES if code in available or code == "nl"]


def apply_language(lang: str) -> None:
    """Switch gettext and Qt's own translations to ``lang`` (call in the GUI thread)."""
    global _qt_translator
    i18n.set_language(lang)
    QLocale.setDefault(QLocale(lang))
    app = QCoreApplication.instance()
    if app is None:
        return
    if _qt_translator is not None:
        app.removeTranslator(_qt_translator)
        _qt_translator = None
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{lang}", folder):
        app.installTranslator(translator)
        _qt_translator = translator
