"""The layout step: bidi levels, runs, fonts per script, visual order, line breaking."""

from __future__ import annotations

import re

from bidi import get_display

from klantapp.letters.bidi_layout import (
    LRE,
    PDF,
    TextStyle,
    break_lines,
    ltr,
    shape_line,
    split_runs,
    visual_order,
)

AR_YOUR_APPOINTMENT = "موعدك"  # "your appointment"
AR_IN = "في"
AR_HOUR = "الساعة"


def _visual_text(text: str, rtl: bool) -> str:
    """Characters of a line in visual order, as our run layout would draw them."""
    runs = split_runs(text, rtl)
    order = visual_order([r.level for r in runs])
    return "".join(runs[i].text[::-1] if runs[i].rtl else runs[i].text for i in order)


def test_mixed_arabic_latin_line_run_order() -> None:
    line = f"{AR_YOUR_APPOINTMENT} {AR_IN} Marktplein 1, 9712 AB Westerhoven {AR_HOUR} 10:00"
    runs = split_runs(line, rtl_base=True)
    assert [(r.text, r.level, r.script) for r in runs] == [
        (f"{AR_YOUR_APPOINTMENT} {AR_IN} ", 1, "arabic"),
        ("Marktplein 1, 9712 AB Westerhoven", 2, "latin"),
        (f" {AR_HOUR} ", 1, "arabic"),
        ("10:00", 2, "latin"),
    ]
    order = visual_order([r.level for r in runs])
    # Left to right on paper: the time, "the hour", the address, "your appointment in".
    assert [runs[i].text.strip() for i in order] == [
        "10:00",
        AR_HOUR,
        "Marktplein 1, 9712 AB Westerhoven",
        f"{AR_YOUR_APPOINTMENT} {AR_IN}",
    ]
    shaped = shape_line(line, TextStyle(), rtl_base=True)
    assert [r.rtl for r in shaped.runs] == [False, True, False, True]
    assert shaped.runs[0].font.startswith("Klantapp-latin")
    assert shaped.runs[1].font.startswith("Klantapp-arabic")


def test_visual_order_matches_python_bidi_reference() -> None:
    """Our run-level reordering gives the same character order as python-bidi's own
    (Rust) implementation of the whole algorithm, for lines without mirrored chars."""
    lines = [
        f"{AR_YOUR_APPOINTMENT} {AR_IN} Marktplein 1, 9712 AB {AR_HOUR} 10:00.",
        f"Beste Amina, {AR_YOUR_APPOINTMENT} is om 10:30 uur.",
        f"{AR_HOUR} 14:00 - 15:30 {AR_IN} Westerhoven",
        "Gewoon Nederlands zonder iets bijzonders.",
    ]
    for line in lines:
        for rtl in (True, False):
            expected = get_display(line, base_dir="R" if rtl else "L")
            assert _visual_text(line, rtl) == expected, (line, rtl)


def test_phone_number_stays_in_order_inside_rtl_text() -> None:
    phone = "+31 50 123 45 67"
    plain = f"اتصل بالرقم {phone} الآن"
    # Without protection the bidi algorithm reorders the digit groups (they act as R).
    assert phone not in _visual_text(plain, True)
    protected = f"اتصل بالرقم {ltr(phone)} الآن"
    assert phone in _visual_text(protected, True)
    # and the number sits left of "call the number", which starts the sentence
    vis = _visual_text(protected, True)
    assert vis.index(phone) < vis.index("مقرلاب")


def test_latin_in_rtl_keeps_postcode_and_street_order() -> None:
    text = f"العنوان: {ltr('Korenbloemstraat 14-B, 9713 KL Westerhoven')}."
    vis = _visual_text(text, True)
    assert "Korenbloemstraat 14-B, 9713 KL Westerhoven" in vis
    assert vis.endswith(":ناونعلا")


def test_neutral_brackets_in_rtl_are_shaped_right_to_left() -> None:
    runs = split_runs("خطة (PIP) جديدة", True)
    latin = [r for r in runs if r.script == "latin"]
    assert any(r.text == "PIP" and not r.rtl for r in latin)
    # The brackets themselves are RTL neutrals: HarfBuzz mirrors them for us.
    assert any("(" in r.text and r.rtl for r in runs)


def test_line_breaking_respects_width_and_reopens_embeddings() -> None:
    style = TextStyle(size=12, leading=16)
    text = "Het adres is " + ltr("Gemeentehuis, Marktplein 1, 9712 AB Westerhoven") + " echt."
    lines = break_lines(text, 120, style, rtl_base=True)
    assert len(lines) > 2
    for line in lines:
        assert shape_line(line, style, True).width <= 120 + 0.01
    # every line that carries part of the embedded address opens it again
    inner = [ln for ln in lines if "Marktplein" in ln or "Westerhoven" in ln]
    assert all(ln.count(LRE) >= 1 for ln in inner)
    joined = re.sub(f"[{LRE}{PDF}]", "", " ".join(lines))
    assert joined == re.sub(f"[{LRE}{PDF}]", "", text)


def test_ethiopic_and_latin_runs_get_their_own_fonts() -> None:
    runs = split_runs("ቆጸራ ኣብ Westerhoven ኣሎ።", False)
    assert [r.script for r in runs] == ["ethiopic", "latin", "ethiopic"]
    assert all(r.level == 0 for r in runs)
