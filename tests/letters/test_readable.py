"""Issue 12, "wrong in print" and "readable for the people it is for": each test renders a
whole letter (the layout path, not a helper alone) and checks what a reader would see."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from klantapp.letters import render_letter
from klantapp.letters.fonts import font_name
from klantapp.letters.model import Gemeente, LetterData
from klantapp.letters.render import MIN_TEXT_SIZE, RETURN_ADDRESS
from klantapp.letters.shaping import shape_run
from klantapp.letters.texts import LETTER_LANGUAGES, is_rtl, texts_for

from .conftest import GEMEENTE, make_letter, pdf_pages, pdf_text

Drawn = list[tuple[str, Any, float, float]]
TRANSLATED = [code for code in LETTER_LANGUAGES if code != "nl"]


def _glyphs(text: str, bold: bool) -> str:
    return str(shape_run(text, font_name("arabic", bold), 13.44, True).text)


def _drawn_glyphs(drawn: Drawn) -> list[str]:
    return [str(run.text) for _, line, _, _ in drawn for run in line.runs]


@pytest.mark.parametrize("lang", ["fa", "prs"])
def test_zwnj_survives_the_layout_of_the_whole_letter(lang: str, drawn: Drawn) -> None:
    """سه‌شنبه (babel's Tuesday) and می‌شوید keep their non-joiner: the glyphs drawn
    on the page are those of the word with ZWNJ, not of the wrongly joined one."""
    render_letter(make_letter(lang, starts_at=datetime(2026, 12, 8, 14, 0)))
    runs = "".join(_drawn_glyphs(drawn))
    for word in ("سه\u200cشنبه", "می\u200cشوید"):
        joined = word.replace("\u200c", "")
        for bold in (False, True):
            assert _glyphs(word, bold) != _glyphs(joined, bold)
            assert _glyphs(joined, bold) not in runs, word
        assert _glyphs(word, False) in runs or _glyphs(word, True) in runs, word


def test_zwnj_in_the_extracted_text(tmp_path: Path) -> None:
    text = pdf_text(render_letter(make_letter("fa")), tmp_path)
    assert "سه\u200cشنبه" in text


@pytest.mark.parametrize("lang", LETTER_LANGUAGES)
def test_no_separator_that_reads_as_a_digit(lang: str, tmp_path: Path) -> None:
    """ "۹۰ ·" looks like 900: no middle dot or bullet anywhere on the letter."""
    text = pdf_text(render_letter(make_letter(lang)), tmp_path)
    assert not re.search("[\u00b7\u2022\u2219\u22c5\u30fb\u0660\u06f0]\\s*$", "")
    assert not re.search("[\u00b7\u2022\u2219\u22c5\u30fb]", text), lang


@pytest.mark.parametrize("lang", ["ar", "so", "ti", "am"])
def test_24_hour_time_as_in_the_dutch_part(lang: str, tmp_path: Path) -> None:
    text = pdf_text(
        render_letter(make_letter(lang, starts_at=datetime(2026, 12, 8, 14, 0))), tmp_path
    )
    assert text.count("14:00") >= 2  # the Dutch column and the client's
    assert "2:00" not in text.replace("12:00", "")
    for twelve_hour in ("م", "ص", "ድ.ቀ.", "ቅ.ቀ.", "GD", "GH", "PM", "AM"):
        assert f"2:00 {twelve_hour}" not in text


def test_amharic_and_tigrinya_say_dutch_time(tmp_path: Path) -> None:
    assert "(የኔዘርላንድ ሰዓት)" in pdf_text(render_letter(make_letter("am")), tmp_path)
    assert "(ሰዓት ሆላንድ)" in pdf_text(render_letter(make_letter("ti")), tmp_path)
    assert "(Nederlandse tijd)" not in pdf_text(render_letter(make_letter("ar")), tmp_path)


def test_a_role_is_not_a_name(drawn: Drawn, tmp_path: Path) -> None:
    role = "Toetsbegeleider Taalcentrum De Brug"
    data = make_letter("en", with_whom=role, kind="leerbaarheidstoets")
    text = pdf_text(render_letter(data), tmp_path)
    assert role in text
    assert f"{role}, klantmanager" not in text and f"{role}, case manager" not in text
    # the klantmanager signs, not the role
    signature = [t for t, *_ in drawn if "Met vriendelijke groet" in t]
    assert signature
    after = [t for t, *_ in drawn][[t for t, *_ in drawn].index(signature[0]) + 1]
    assert after == "Sanne de Vries"
    assert text.count(role) == 2  # MET WIE in Dutch and in English only


def test_the_klantmanager_by_name_is_still_the_klantmanager(tmp_path: Path) -> None:
    text = pdf_text(render_letter(make_letter("nl", with_whom="Sanne de Vries")), tmp_path)
    assert "Sanne de Vries, klantmanager" in text


def test_interpreter_language_in_the_readers_language(tmp_path: Path) -> None:
    text = pdf_text(render_letter(make_letter("en", interpreter_language="ar")), tmp_path)
    assert "Arabic" in text and "العربية" not in text
    text = pdf_text(render_letter(make_letter("ar", interpreter_language="ti")), tmp_path)
    assert "ትግርኛ" not in text and "التغرينية" in text


def test_pip_stays_pip(tmp_path: Path) -> None:
    text = pdf_text(render_letter(make_letter("nl", kind="pip")), tmp_path)
    assert "(pip)" not in text and "(PIP)" in text


def _with_gemeente(data: LetterData, **changes: Any) -> LetterData:
    return replace(data, gemeente=replace(data.gemeente, **changes))


def test_a_long_department_is_wrapped_not_cut(tmp_path: Path) -> None:
    department = (
        "Afdeling Werk, Inkomen en Maatschappelijke Ondersteuning, team Inburgering en Participatie"
    )
    text = pdf_text(
        render_letter(_with_gemeente(make_letter("nl"), department=department)), tmp_path
    )
    assert department in text


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), (0, 80, 160)).save(buf, format="PNG")
    return buf.getvalue()


def test_a_logo_never_pushes_the_name_into_the_contact_block(tmp_path: Path) -> None:
    data = _with_gemeente(
        make_letter("nl"), name="Gemeente Súdwest-Fryslân en Omstreken", logo_png=_png(400, 100)
    )
    path = tmp_path / "logo.pdf"
    path.write_bytes(render_letter(data))
    from .conftest import run_tool

    xml = run_tool("pdftotext", "-f", "1", "-l", "1", "-bbox", str(path), "-")
    words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]+)</word>', xml)
    top = 45 * 72 / 25.4  # the letterhead: the top 45 mm
    contact_x = min(float(x0) for x0, y0, _, w in words if w == "Marktplein" and float(y0) < top)
    for word in ("Súdwest-Fryslân", "Omstreken"):
        # in the letterhead (the top 45 mm), not the return address or the footer
        hits = [float(x1) for _, y0, x1, w in words if w == word and float(y0) < top]
        assert hits, word
        assert max(hits) < contact_x, word


def test_past_appointment_is_flagged_by_the_core() -> None:
    from klantapp.letters import is_past, letter_notices

    data = make_letter("nl", starts_at=datetime(2020, 1, 6, 10, 0))
    assert is_past(data)
    assert any("al voorbij" in n for n in letter_notices(data))
    assert not letter_notices(make_letter("nl", starts_at=datetime(2099, 1, 6, 10, 0)))


def _page1(data: LetterData, tmp_path: Path) -> str:
    return pdf_text(render_letter(data), tmp_path, "-l", "1")


def _words(text: str) -> str:
    """The words only, in order: poppler places the punctuation at the end of a
    right-to-left line by its own rules."""
    import unicodedata

    bare = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(re.findall(r"\w+", bare))


def has(sentence: str, text: str) -> bool:
    return _words(sentence) in _words(text)


@pytest.mark.parametrize(
    ("number", "icons"),
    [(1, {"warning_letter"}), (2, {"fine"}), (3, {"fine", "plan_without_you"})],
)
def test_consequence_as_a_pictogram_row_on_page_1(
    number: int, icons: set[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from klantapp.letters import render

    drawn_icons: list[str] = []
    original = render.draw_icon
    monkeypatch.setattr(
        render, "draw_icon", lambda c, key, *a: (drawn_icons.append(key), original(c, key, *a))
    )
    page1 = _page1(make_letter("ar", invitation_number=number), tmp_path)
    assert "KOMT U NIET?" in page1 and "Deze afspraak is verplicht." in page1
    assert has("هذا الموعد إلزامي.", page1)
    assert icons <= set(drawn_icons)
    other = _page1(make_letter("nl", kind="voortgang", invitation_number=None), tmp_path)
    assert "KOMT U NIET?" not in other


@pytest.mark.parametrize("lang", TRANSLATED)
def test_page_1_has_free_interpreter_phone_hours_and_help(lang: str, tmp_path: Path) -> None:

    tr = texts_for(lang, "v").text  # the test letter is for a woman
    page1 = _page1(make_letter(lang), tmp_path)
    assert has("De tolk is gratis.", page1)
    assert has(tr("De tolk is gratis."), page1)
    assert has("U kunt bellen op maandag tot en met vrijdag van 09:00 tot 17:00 uur.", page1)
    assert has("Begrijpt u deze brief niet? Bel 050 123 45 67.", page1)
    # the question itself ("Begrijpt u deze brief niet?"), without the phone number that
    # poppler puts in visual order inside right-to-left text
    question = tr("Begrijpt u deze brief niet? Bel {phone}.").split("{phone}")[0]
    if is_rtl(lang):
        question = re.split("[?؟]", question)[0]
    assert has(question, page1)


def test_no_interpreter_no_free_interpreter_line(tmp_path: Path) -> None:
    text = pdf_text(render_letter(make_letter("nl", interpreter_mode="")), tmp_path)
    assert "De tolk is gratis" not in text


def test_dutch_only_letter_fits_one_page(tmp_path: Path) -> None:
    long = make_letter(
        "nl",
        invitation_number=3,
        bring_items=("identiteitsbewijs", "bankpas", "zorgpas"),
        bring="Uw leesbril als u die heeft",
    )
    assert pdf_pages(render_letter(long), tmp_path) == 1


def test_bring_items_translated_and_free_text_marked_dutch(tmp_path: Path) -> None:
    data = make_letter("ar", bring_items=("identiteitsbewijs", "bankpas"), bring="Uw leesbril")
    text = pdf_text(render_letter(data), tmp_path)
    assert "جواز السفر أو وثيقة الإقامة" in text and "البطاقة البنكية" in text
    assert "Paspoort of verblijfsdocument" in text  # the Dutch column
    assert has("بالهولندية", text) and "Uw leesbril" in text
    route = make_letter("en", route_note="Ingang achterkant")
    assert "Ingang achterkant (in Dutch)" in pdf_text(render_letter(route), tmp_path)


@pytest.mark.parametrize("lang", ["nl", "ar", "ti"])
def test_labels_notes_and_body_are_large_enough(lang: str, drawn: Drawn) -> None:
    render_letter(make_letter(lang))
    sizes = {
        (text, run.size)
        for text, line, _, _ in drawn
        for run in line.runs
        if not text.startswith(GEMEENTE.name + ",")  # the return address, for the post
    }
    assert min(size for _, size in sizes) >= MIN_TEXT_SIZE
    assert RETURN_ADDRESS.size < MIN_TEXT_SIZE  # the only exception, and only there
    body = [size for text, size in sizes if text.startswith(("Beste", "Met vriendelijke"))]
    assert body and min(body) >= 12


def test_gendered_forms_follow_the_persons_sex(tmp_path: Path) -> None:
    woman = pdf_text(render_letter(make_letter("ar", sex="v")), tmp_path)
    man = pdf_text(render_letter(make_letter("ar", sex="m")), tmp_path)
    assert "عزيزتي Amina Haddad" in woman or "عزيزتي" in woman
    assert "عزيزتي" not in man and "عزيزي" in man
    assert "عزيزي/عزيزتي" not in woman + man
    ti_woman = pdf_text(render_letter(make_letter("ti", sex="v")), tmp_path)
    assert "ክብርቲ" in ti_woman and "ክቡር/ክብርቲ" not in ti_woman


def test_the_sender_and_address_are_printed(tmp_path: Path) -> None:
    data = make_letter("nl")
    data = replace(
        data,
        recipient=replace(data.recipient, care_of="Azc Zwolle", address_source="azc"),
        gemeente=Gemeente(**{**GEMEENTE.__dict__}),
    )
    text = pdf_text(render_letter(data), tmp_path)
    assert "p/a Azc Zwolle" in text and "Korenbloemstraat 14-B" in text and "9713 KL" in text
