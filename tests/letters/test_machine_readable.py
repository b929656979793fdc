"""Issue 12, "readable by machines": a tagged PDF with its language, the real words for
copy-paste, pdftotext and screen readers in every language, a QR code that survives a
fold and a cheap phone camera."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest

from klantapp.letters import render_letter
from klantapp.letters.texts import (
    KIND_PURPOSES,
    LETTER_LANGUAGES,
    T_HAVE_APPOINTMENT,
    T_INTERPRETER_FREE,
    T_MANDATORY,
    T_QR,
    T_REGARDS,
    T_TRANSLATION_NOTE,
    is_rtl,
    texts_for,
)

from .conftest import make_letter, pdf_text, run_tool

TRANSLATED = [code for code in LETTER_LANGUAGES if code != "nl"]
# Sentences without a filled-in value: the catalog's text exactly as the reader sees it.
SENTENCES = (
    T_HAVE_APPOINTMENT,
    KIND_PURPOSES["brede_intake"],
    T_INTERPRETER_FREE,
    T_MANDATORY,
    T_QR,
    T_REGARDS,
    T_TRANSLATION_NOTE,
)


def _words(text: str) -> str:
    bare = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(re.findall(r"\w+", bare))


def actual_texts(pdf: bytes) -> str:
    """The structure tree's ActualText of every line, in reading order, joined."""
    found = re.findall(rb"/ActualText <FEFF([0-9A-F]*)>", pdf)
    return " ".join(bytes.fromhex(h.decode()).decode("utf-16-be") for h in found)


def test_the_pdf_is_tagged_with_its_language(tmp_path: Path) -> None:
    pdf = render_letter(make_letter("ar"))
    path = tmp_path / "ar.pdf"
    path.write_bytes(pdf)
    assert re.search(r"Tagged:\s+yes", run_tool("pdfinfo", str(path)))
    assert b"/Lang (nl-NL)" in pdf and b"/StructTreeRoot" in pdf
    assert b"/Lang (ar)" in pdf  # the Arabic lines say they are Arabic
    structure = run_tool("pdfinfo", "-struct", str(path))
    assert structure.startswith("Document") and structure.count("P (block)") > 40


@pytest.mark.parametrize("lang", [code for code in TRANSLATED if is_rtl(code)])
def test_screen_reader_text_has_the_catalog_sentences_in_logical_order(lang: str) -> None:
    """Right-to-left lines carry their text in logical order in the structure tree (what
    a screen reader reads; left-to-right lines are read from their glyphs)."""
    tr = texts_for(lang, "v").text  # the test letter is for a woman
    text = re.sub(r"\s+", " ", actual_texts(render_letter(make_letter(lang))))
    for sentence in SENTENCES:
        for part in re.split(r"(?<=[.?!።؟])\s+", tr(sentence)):
            # a sentence may be broken over two lines: compare with the spaces made one
            assert part in text, (lang, part)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_pdftotext_gives_the_real_words_in_logical_order(
    lang: str, tmp_path: Path, drawn: list[tuple[str, object, float, float]]
) -> None:
    """Every line of the letter comes out of pdftotext with its real words, each stretch
    between two punctuation marks (or numbers) in logical order. (Within a right-to-left
    line poppler writes those stretches in visual order, each wrapped in RLE ... PDF, so
    that a bidi-aware display of its output shows them in order.)"""
    text = _words(pdf_text(render_letter(make_letter(lang)), tmp_path))
    checked = 0
    for logical, *_ in drawn:
        if re.search("[\u0600-\u06ff]", logical):
            # inside right-to-left text, Latin names are a stretch of their own as well
            logical = re.sub(r"[A-Za-z][A-Za-z ]*", ".", logical)
        for stretch in re.split(r"[.,:;?!،؛؟።፣፡()\u202a-\u202e€@/+-]|[0-9۰-۹٠-٩]+", logical):
            if _words(stretch):
                assert _words(stretch) in text, (lang, stretch)
                checked += 1
    assert checked > 60


def test_lam_alef_and_persian_four_are_not_lost(tmp_path: Path) -> None:
    arabic = pdf_text(render_letter(make_letter("ar")), tmp_path)
    assert "لا تستطيعون الحضور" in arabic  # "you cannot come", not "you can come"
    farsi = pdf_text(
        render_letter(make_letter("fa", starts_at=datetime(2026, 12, 8, 14, 0))), tmp_path
    )
    assert "۱۴:۰۰" in farsi and "۲۰۲۶" in farsi


def _qr_from_page(pdf: bytes, tmp_path: Path, blur: float) -> list[object]:
    import zxingcpp
    from PIL import Image, ImageFilter

    path = tmp_path / "qr.pdf"
    path.write_bytes(pdf)
    run_tool("pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "page"))
    found = []
    for png in sorted(tmp_path.glob("page-*.png")):
        image = Image.open(png).convert("L").filter(ImageFilter.GaussianBlur(blur))
        found += zxingcpp.read_barcodes(image)
    return found


@pytest.mark.parametrize("lang", ["nl", "ar", "ti", "fa", "so"])
def test_qr_decodes_from_a_blurred_150_dpi_page(lang: str, tmp_path: Path) -> None:
    from icalendar import Event

    from klantapp.letters.texts import kind_title

    codes = _qr_from_page(render_letter(make_letter(lang)), tmp_path, blur=1.2)
    assert len(codes) == 1
    (code,) = codes
    assert code.ec_level in ("M", "Q")  # type: ignore[attr-defined]
    event = Event.from_ical(code.text)  # type: ignore[attr-defined]
    summary = str(event["SUMMARY"])
    assert kind_title("brede_intake", "nl") in summary
    assert kind_title("brede_intake", lang) in summary
    assert "050 123 45 67" in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART") == datetime(
        2026, 12, 8, 9, 30, tzinfo=event.decoded("DTSTART").tzinfo
    )
    assert "Amina" not in code.text and "Haddad" not in code.text  # type: ignore[attr-defined]


def test_qr_modules_are_large_enough_for_a_cheap_phone() -> None:
    from klantapp.letters.qr import QR_QUIET, qr_modules
    from klantapp.letters.render import MM, qr_payload, qr_size

    for lang in ("ar", "ti", "am"):
        modules = qr_modules(qr_payload(make_letter(lang)))
        module_mm = qr_size(modules) / MM / (len(modules) + 2 * QR_QUIET)
        assert module_mm >= 0.5, lang
