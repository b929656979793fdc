"""Interface language: gettext catalogs for our strings, Qt's own .qm for Qt's dialogs.

Our strings are Dutch source text passed through :func:`klantapp.i18n._`; this module
only switches the language and installs Qt's translator (``qtbase_<lang>.qm`` from
PySide6's translations folder) so QFileDialog, QPrintDialog and friends follow.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator

from klantapp import i18n
from klantapp.i18n import _

# Interface languages, each named in its own language.
UI_LANGUAGES: tuple[tuple[str, str], ...] = (("nl", "Nederlands"), ("en", "English"))

_qt_translators: list[QTranslator] = []

#: Texts of Qt's own dialogs that qtbase_nl.qm (Qt 6.12) leaves in English, by their
#: English source text: the file dialog's "Look in" and "Files of type", the print
#: dialog's duplex settings.
QT_GAPS: dict[str, dict[str, str]] = {
    "nl": {
        "&Look in:": "&Zoeken in:",
        "Files of &type:": "Bestands&type:",
        "Page &Set:": "Pagina&set:",
        "All Pages": "Alle pagina's",
        "Odd Pages": "Oneven pagina's",
        "Even Pages": "Even pagina's",
        "Double Sided Printing": "Dubbelzijdig afdrukken",
        "Off": "Uit",
        "Long side binding": "Binden langs de lange kant",
        "Short side binding": "Binden langs de korte kant",
    }
}


class _QtGaps(QTranslator):
    """Fills the few gaps of Qt's own catalog; everything else goes on to qtbase_*.qm."""

    def __init__(self, texts: dict[str, str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._texts = texts

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        return self._texts.get(source)  # type: ignore[return-value]  # None: not ours, ask the next

    def isEmpty(self) -> bool:
        return False


def ui_languages() -> list[tuple[str, str]]:
    """Languages offered in Instellingen: those with a catalog (plus Dutch)."""
    available = set(i18n.available_languages("klantapp"))
    return [(code, name) for code, name in UI_LANGUAGES if code in available or code == "nl"]


def apply_language(lang: str) -> None:
    """Switch gettext and Qt's own translations to ``lang`` (call in the GUI thread)."""
    i18n.set_language(lang)
    QLocale.setDefault(QLocale(lang))
    app = QCoreApplication.instance()
    if app is None:
        return
    while _qt_translators:
        app.removeTranslator(_qt_translators.pop())
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{lang}", folder):
        app.installTranslator(translator)
        _qt_translators.append(translator)
    if lang in QT_GAPS:  # installed last, so asked first
        gaps = _QtGaps(QT_GAPS[lang], app)
        app.installTranslator(gaps)
        _qt_translators.append(gaps)


def language_label(code: str) -> str:
    """A language as the lists show it: its name in the interface language and, when
    different, in its own script: "Tigrinya — ትግርኛ". Sentences use only the first."""
    from klantapp.domain.records import LANGUAGES

    name = _(dict(LANGUAGES).get(code, code))
    own = dict((c, n) for c, n, _reviewed in _letter_languages()).get(code)
    return f"{name} — {own}" if own and own != name else name


def language_name(code: str) -> str:
    """A language's name in the interface language, for use inside a sentence."""
    from klantapp.domain.records import LANGUAGES

    return _(dict(LANGUAGES).get(code, code))


def _letter_languages() -> list[tuple[str, str, bool]]:
    from klantapp.letters import letter_languages

    return list(letter_languages())
