"""The bundled Noto fonts and the choice of a font per script.

Fonts live in ``resources/fonts`` (SIL Open Font License 1.1, see ``OFL.txt`` there) so
a letter looks the same on a machine with no fonts installed. Three families cover the
letter languages:

* Noto Sans: Latin (Dutch, English, French, Somali, Turkish, Kurmanji with their
  diacritics) and Cyrillic (Ukrainian, Russian); also the fallback for punctuation;
* Noto Naskh Arabic: the Arabic script of Arabic, Farsi, Dari, Pashto and Sorani;
* Noto Sans Ethiopic: the Ge'ez script of Tigrinya and Amharic.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Literal

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from klantapp.paths import fonts_dir

Script = Literal["latin", "arabic", "ethiopic"]

FAMILY_FILES: dict[Script, str] = {
    "latin": "NotoSans",
    "arabic": "NotoNaskhArabic",
    "ethiopic": "NotoSansEthiopic",
}

_lock = threading.Lock()
_registered = False


def font_name(script: Script, bold: bool = False) -> str:
    """The reportlab name under which a script's font is registered."""
    return f"Klantapp-{script}-{'Bold' if bold else 'Regular'}"


def register_fonts() -> None:
    """Register the bundled fonts with reportlab (once per process)."""
    global _registered
    if _registered:
        return
    with _lock:
        _register_locked()


def _register_locked() -> None:
    global _registered
    if not _registered:
        folder = fonts_dir()
        for script, stem in FAMILY_FILES.items():
            for bold in (False, True):
                path = folder / f"{stem}-{'Bold' if bold else 'Regular'}.ttf"
                if not path.is_file():
                    raise FileNotFoundError(f"Lettertype ontbreekt: {path}")
                pdfmetrics.registerFont(TTFont(font_name(script, bold), str(path), shapable=True))
    _registered = True


def script_of(ch: str) -> Script | None:
    """The script that decides the font for ``ch``; None for neutral characters."""
    cp = ord(ch)
    if (
        0x0600 <= cp <= 0x06FF
        or 0x0750 <= cp <= 0x077F
        or 0x08A0 <= cp <= 0x08FF
        or 0xFB50 <= cp <= 0xFDFF
        or 0xFE70 <= cp <= 0xFEFF
    ):
        # Digits and the Arabic comma are Arabic-script too: they belong with the text.
        return "arabic"
    if 0x1200 <= cp <= 0x139F or 0x2D80 <= cp <= 0x2DDF or 0xAB00 <= cp <= 0xAB2F:
        return "ethiopic"
    if ch.isalpha():
        return "latin"
    return None


@lru_cache(maxsize=4096)
def has_glyph(script: Script, ch: str) -> bool:
    """Whether the font of ``script`` has a glyph for ``ch``."""
    register_fonts()
    font = pdfmetrics.getFont(font_name(script))
    return ord(ch) in font.face.charToGlyph
