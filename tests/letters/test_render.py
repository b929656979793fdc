"""Whole letters: every language renders, the text is findable, fonts are embedded,
right-to-left lines really come out right to left on the rendered page."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from klantapp.letters import render_letter, render_letters
from klantapp.letters.bidi_layout import TextStyle, draw_line, layout_paragraph
from klantapp.letters.fonts import font_name, register_fonts
from klantapp.letters.model import LetterData
from klantapp.letters.texts import LETTER_LANGUAGES

from .conftest import make_letter, run_tool

PdfFile = Callable[[bytes, str], Path]


@pytest.mark.parametrize("lang", LETTER_LANGUAGES)
def test_every_language_renders_with_date_time_and_address(lang: str, pdf_file: PdfFile) -> None:
    data = make_letter(lang)
    pdf = render_letter(data)
    assert pdf.startswith(b"%PDF-")
    path = pdf_file(pdf, f"{lang}.pdf")
    text = run_tool("pdftotext", str(path), "-")
    flat = re.sub(r"\s+", " ", text)
    assert "dinsdag 8 december 2026" in flat
    assert "10:30" in flat
    assert "Gemeentehuis, Marktplein 1, 9712 AB Westerhoven" in flat
    assert "Kunt u niet komen? Bel dan 050 123 45 67" in flat
    assert "Amina Haddad" in flat and "9713 KL" in flat
    pages = int(re.search(r"Pages:\s+(\d+)", run_tool("pdfinfo", str(path))).group(1))  # type: ignore[union-attr]
    assert pages <= 2  # one sheet, printed on both sides


def test_consequences_of_not_coming_per_invitation(pdf_file: PdfFile) -> None:
    expected = {
        1: "Dan krijgt u een waarschuwing",
        2: "Dan krijgt u een boete van € 250",
        3: "De gemeente maakt uw plan (PIP) dan zonder u",
    }
    for number, phrase in expected.items():
        path = pdf_file(
            render_letter(make_letter("nl", invitation_number=number)), f"i{number}.pdf"
        )
        flat = re.sub(r"\s+", " ", run_tool("pdftotext", str(path), "-"))
        assert phrase in flat
    other = pdf_file(render_letter(make_letter("nl", kind="voortgang")), "v.pdf")
    assert "verplicht" not in run_tool("pdftotext", str(other), "-")


def test_fonts_are_embedded_subsets(pdf_file: PdfFile) -> None:
    path = pdf_file(render_letters([make_letter("ar"), make_letter("ti")]), "two.pdf")
    out = run_tool("pdffonts", str(path))
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows, out
    names = {row[0].split("+", 1)[-1] for row in rows}
    assert {"NotoSans-Regular", "NotoNaskhArabic-Regular", "NotoSansEthiopic-Regular"} <= names
    for row in rows:
        # name type encoding emb sub uni ...: every font embedded and subset
        assert "+" in row[0], row
        assert row[-5:-2] == ["yes", "yes", "yes"], row


def test_latin_phone_number_left_to_right_inside_arabic_line(pdf_file: PdfFile) -> None:
    path = pdf_file(render_letter(make_letter("ar")), "ar.pdf")
    xml = run_tool("pdftotext", "-f", "1", "-l", "1", "-bbox", str(path), "-")
    words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]+)</word>', xml)
    # The Arabic "can't you come?" line: find the groups of the phone number on it.
    groups = {}
    for x, y, word in words:
        if word in ("050", "123", "45", "67"):
            groups.setdefault(round(float(y)), {})[word] = float(x)
    lines = [g for g in groups.values() if len(g) == 4]
    assert lines, groups
    for g in lines:
        assert g["050"] < g["123"] < g["45"] < g["67"]


def _ink_columns(png: bytes) -> list[bool]:
    img = Image.open(io.BytesIO(png)).convert("L")
    w, h = img.size
    px = img.load()
    return [any(px[x, y] < 128 for y in range(h)) for x in range(w)]


def test_pixels_first_arabic_word_lies_right_of_second(tmp_path: Path) -> None:
    """Render one right-to-left line (the layout step + drawing) and look at the page:
    the first logical word is the short one, and it must be the rightmost ink."""
    register_fonts()
    first, second = "في", "مستقبلهم"  # short word first, long; letters that all join
    style = TextStyle(size=28, leading=36)
    lines = layout_paragraph(f"{first} {second}", 400, style, rtl_base=True)
    assert len(lines) == 1
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, initialFontName=font_name("latin"))
    draw_line(c, lines[0], 100, 500, 700)
    c.showPage()
    c.save()
    pdf = tmp_path / "line.pdf"
    pdf.write_bytes(buf.getvalue())
    # crop around the line: x 90..510 pt, baseline 700 pt from the bottom
    run_tool(
        "pdftoppm", "-r", "72", "-png", "-singlefile",
        "-x", "90", "-y", str(int(A4[1] - 700 - 30)), "-W", "420", "-H", "45",
        str(pdf), str(tmp_path / "line"),
    )  # fmt: skip
    cols = _ink_columns((tmp_path / "line.png").read_bytes())
    # clusters of ink separated by a gap of at least 4 px (the word space)
    clusters: list[list[int]] = []
    gap = 99
    for x, ink in enumerate(cols):
        if ink:
            if gap >= 4:
                clusters.append([x, x])
            clusters[-1][1] = x
            gap = 0
        else:
            gap += 1
    assert len(clusters) == 2, clusters
    left, right = clusters
    width = lambda c: c[1] - c[0]  # noqa: E731
    # right-aligned at x=500 pt -> 410 px in the crop
    assert right[1] > 400
    # the short first word is on the right, the long second word on the left
    assert width(right) < width(left)


def test_dutch_only_letter_has_no_second_section(pdf_file: PdfFile) -> None:
    path = pdf_file(render_letter(make_letter("nl")), "nl.pdf")
    text = run_tool("pdftotext", str(path), "-")
    assert "Met vriendelijke groet" in text
    assert "Dit is een vertaling" not in text


def test_several_letters_each_start_on_a_new_page(pdf_file: PdfFile) -> None:
    letters: list[LetterData] = [make_letter(lang) for lang in ("ar", "tr", "nl")]
    calls: list[tuple[int, int]] = []
    pdf = render_letters(letters, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 3), (2, 3), (3, 3)]
    path = pdf_file(pdf, "batch.pdf")
    pages = run_tool("pdftotext", str(path), "-").split("\f")
    starts = [i for i, p in enumerate(pages) if "Onderwerp" in p]
    assert len(starts) == 3


def test_qr_matrix_is_reportlabs_encoder_with_a_fixed_mask(monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab.graphics.barcode import qrencoder

    from klantapp.letters.qr import QR_LEVEL, QR_MASK, REPORTLAB_CREATE_BYTES, qr_modules
    from klantapp.letters.render import qr_payload

    for lang in ("ar", "ti", "nl"):
        payload = qr_payload(make_letter(lang))
        ours = qr_modules(payload)
        with monkeypatch.context() as m:
            # reportlab's own encoder: its Reed-Solomon step, and our fixed mask
            m.setattr(qrencoder.QRCode, "createBytes", staticmethod(REPORTLAB_CREATE_BYTES))
            m.setattr(qrencoder.QRCode, "getBestMaskPattern", lambda self: QR_MASK)
            reference = qrencoder.QRCode(None, QR_LEVEL)
            reference.addData(qrencoder.QR8bitByte(payload))
            reference.make()
        assert ours == [[bool(m) for m in row] for row in reference.modules], lang


def test_batch_pads_odd_page_letters_for_duplex(pdf_file: PdfFile) -> None:
    long_note = " ".join(["Loop door de hoofdingang, neem de lift naar de derde verdieping."] * 12)
    three = make_letter("fr", route_note=long_note[:300], bring=long_note[:500])
    single = pdf_file(render_letter(three), "three.pdf")
    pages_single = int(
        re.search(r"Pages:\s+(\d+)", run_tool("pdfinfo", str(single))).group(1)  # type: ignore[union-attr]
    )
    batch = pdf_file(render_letters([three, make_letter("nl")]), "batch.pdf")
    pages = run_tool("pdftotext", str(batch), "-").split("\f")
    second_start = next(i for i, p in enumerate(pages) if i > 0 and "Onderwerp" in p)
    assert second_start % 2 == 0  # 0-based: the second letter starts on a front side
    if pages_single % 2:
        assert pages[second_start - 1].strip() == ""
