"""Translations and locale formatting.

Catalogs are plain gettext ``.po`` files in ``translations/<domain>/<lang>.po``
(translators use Poedit or Weblate on them). They are compiled in memory with babel
when first needed, so there is no build step and nothing extra is written to disk.

Source strings are Dutch: Dutch is the authoritative language of the gemeente and the
default of the interface. A missing translation therefore falls back to Dutch.
"""

from __future__ import annotations

import gettext
import io
import os
from functools import lru_cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from klantapp.paths import translations_dir

SOURCE_LANGUAGE = "nl"


@lru_cache(maxsize=64)
def translation(domain: str, lang: str, source: str = SOURCE_LANGUAGE) -> gettext.NullTranslations:
    """The catalog of ``domain`` for ``lang``; the source texts when there is none.
    ``source``: the language of the domain's source texts (Dutch for ours; English for
    the ``argparse`` domain, which translates the standard library's own texts)."""
    if lang == source:
        return gettext.NullTranslations()
    po_path = translations_dir() / domain / f"{lang}.po"
    if not po_path.is_file():
        return gettext.NullTranslations()
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=lang.replace("-", "_"))
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def available_languages(domain: str) -> list[str]:
    """Languages with a catalog for ``domain``, plus Dutch."""
    folder = translations_dir() / domain
    found = sorted(p.stem for p in folder.glob("*.po")) if folder.is_dir() else []
    return [SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE)]


_current_lang = os.environ.get("KLANTAPP_LANG", SOURCE_LANGUAGE)


def set_language(lang: str) -> None:
    """Switch the language of the interface and of core messages."""
    global _current_lang
    _current_lang = lang


def current_language() -> str:
    return _current_lang


def _(message: str) -> str:
    """Translate a core/UI message (domain ``klantapp``) into the current language."""
    return translation("klantapp", _current_lang).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translation("klantapp", _current_lang).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a constant message for translation without translating it (gettext_noop).

    For texts defined once at import time (a table of rule descriptions, a warning
    constant): the place that shows the text passes it through :func:`_`, so it follows
    the language at that moment.
    """
    return message
