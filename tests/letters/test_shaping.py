"""HarfBuzz shaping: joined Arabic, Ge'ez glyphs, no missing glyphs in any letter text."""

from __future__ import annotations

import string

import pytest

from klantapp.i18n import translation
from klantapp.letters.bidi_layout import split_runs
from klantapp.letters.fonts import font_name, has_glyph
from klantapp.letters.shaping import shape_run
from klantapp.letters.texts import (
    ALL_MESSAGES,
    DOMAIN,
    LANGUAGE_NAMES,
    LETTER_LANGUAGES,
    is_rtl,
)

_INVISIBLE = {"\u202a", "\u202c", "\u200e", "\u200f"}


def test_arabic_is_joined_and_in_visual_order() -> None:
    run = shape_run("بيت", font_name("arabic"), 12, True)
    glyphs = [ord(c) for c in str(run.text)]
    # Visual order (left to right) is the reverse of logical order: final taa first.
    # reportlab names each glyph by a code point: contextual forms are presentation
    # forms (U+FExx) or private-use code points, never the isolated base letters.
    assert len(glyphs) == 3
    assert all(g >= 0xE000 for g in glyphs), [hex(g) for g in glyphs]
    isolated = shape_run("ب", font_name("arabic"), 12, True)
    initial = glyphs[-1]
    assert initial != ord(str(isolated.text))


def test_zwnj_breaks_joining_in_farsi() -> None:
    joined = shape_run("میکنیم", font_name("arabic"), 12, True)
    broken = shape_run("می\u200cکنیم", font_name("arabic"), 12, True)
    assert str(joined.text) != str(broken.text)


def test_ethiopic_has_glyphs_and_width() -> None:
    run = shape_run("ትግርኛ", font_name("ethiopic"), 12, False)
    assert run.width > 20
    assert all(has_glyph("ethiopic", ch) for ch in "ትግርኛ።፣፡")


@pytest.mark.parametrize("lang", [code for code in LETTER_LANGUAGES if code != "nl"])
def test_every_translated_character_has_a_glyph(lang: str) -> None:
    """No tofu: each character lands in a font that has it."""
    tr = translation(DOMAIN, lang)
    for msg in ALL_MESSAGES:
        text = tr.gettext(msg)
        # a language's name may be the same word in Dutch ("Tigrinya", "Urdu")
        same_ok = msg.startswith("{") or msg in ("Route: {route}", *LANGUAGE_NAMES)
        assert text != msg or same_ok, msg
        for run in split_runs(text.replace("{", "").replace("}", ""), is_rtl(lang)):
            for ch in run.text:
                if ch in _INVISIBLE or ch in string.whitespace:
                    continue
                assert has_glyph(run.script, ch), (lang, hex(ord(ch)), run)
