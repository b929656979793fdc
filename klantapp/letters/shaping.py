"""HarfBuzz shaping of one directional run into something ``canvas.drawString`` draws.

reportlab's ``shapeStr`` guesses the direction from the text itself; a run of neutral
characters inside right-to-left text (brackets, a dash) would then be shaped left to
right and not mirrored. We therefore call uharfbuzz ourselves with the direction that
the bidi algorithm resolved, and hand reportlab the same ``ShapedStr`` that ``shapeStr``
makes: glyphs in visual order with their HarfBuzz positions. Drawing it with
``canvas.drawString`` writes the glyphs joined and in the right order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import uharfbuzz
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr

from klantapp.letters.fonts import register_fonts

_FEATURES = {"kern": True, "liga": True}


@dataclass(frozen=True)
class ShapedRun:
    """A run shaped in one font: ``text`` is a reportlab ``ShapedStr`` in visual order."""

    text: Any  # reportlab.pdfbase.ttfonts.ShapedStr (a str subclass with shape data)
    font: str
    size: float
    width: float  # points
    rtl: bool
    source: str = ""  # the run's text in logical order (for the PDF's ActualText)


@lru_cache(maxsize=32)
def _hb_font(font: str) -> Any:
    # reportlab's own hbFont also installs ``hbAddPrivate`` on the font object.
    return pdfmetrics.getFont(font).hbFont(12)


# Per font: (glyph id, the characters it stands for) -> the code point drawn for it.
_CODES: dict[str, dict[tuple[int, str], int]] = {}
# Per font file (face name): code point -> the text the PDF's ToUnicode map gives for it.
_TEXT_OF: dict[bytes, dict[int, str]] = {}
_PRIVATE_START = 0xF0000  # Supplementary Private Use Area-A: never in our fonts' cmaps


def _code_for(ttf: Any, font: str, gid: int, text: str, width: float) -> int:
    """The code point to draw glyph ``gid`` with, such that the PDF maps it back to
    ``text`` (the characters of its HarfBuzz cluster, in logical order).

    A glyph's own code point when it is the plain glyph of a single character; else a
    private code point of its own, per (glyph, text): an Arabic contextual form, the
    lam-alef ligature (text "لا"), a Persian digit drawn with a shared glyph. Without
    this, text extraction and screen readers get presentation forms or nothing.
    """
    table = _CODES.setdefault(font, {})
    key = (gid, text)
    code = table.get(key)
    if code is not None:
        return code
    face = ttf.face
    if len(text) == 1 and face.charToGlyph.get(ord(text)) == gid:
        code = ord(text)
    else:
        code = _PRIVATE_START + len(table)
        while code in face.charToGlyph:
            code += 1
        face.charToGlyph[code] = gid
        face.glyphToChar.setdefault(gid, []).append(code)
        face.charWidths[code] = width
        _TEXT_OF.setdefault(face.name, {})[code] = text
    table[key] = code
    return code


def _cluster_texts(text: str, clusters: list[int]) -> dict[int, str]:
    """The characters of each cluster (a cluster value is its first character's index)."""
    starts = sorted(set(clusters))
    ends = [*starts[1:], len(text)]
    return {start: text[start:end] for start, end in zip(starts, ends, strict=True)}


@lru_cache(maxsize=20000)
def shape_run(text: str, font: str, size: float, rtl: bool) -> ShapedRun:
    """Shape ``text`` (logical order, one direction, one font) at ``size`` points."""
    register_fonts()
    ttf = pdfmetrics.getFont(font)
    hbf = _hb_font(font)
    buf = uharfbuzz.Buffer()
    buf.cluster_level = uharfbuzz.BufferClusterLevel.MONOTONE_CHARACTERS
    buf.add_str(text)
    buf.guess_segment_properties()
    buf.direction = "rtl" if rtl else "ltr"
    uharfbuzz.shape(hbf, buf, _FEATURES)
    char_widths = ttf.face.charWidths
    upem_scale = ttf.pdfScale
    infos = buf.glyph_infos
    texts = _cluster_texts(text, [info.cluster for info in infos])
    # A cluster drawn with several glyphs: its text goes with the first in logical order.
    seen: set[int] = set()
    order = range(len(infos) - 1, -1, -1) if rtl else range(len(infos))
    owner = [False] * len(infos)
    for i in order:
        if infos[i].cluster not in seen:
            seen.add(infos[i].cluster)
            owner[i] = True
    chars: list[str] = []
    data: list[ShapeData] = []
    advance = 0.0
    for i, (info, pos) in enumerate(zip(infos, buf.glyph_positions, strict=True)):
        x_advance = upem_scale(pos.x_advance)
        piece = texts[info.cluster] if owner[i] else "\u200b"
        uchar = _code_for(ttf, font, info.codepoint, piece, x_advance)
        advance += x_advance
        chars.append(chr(uchar))
        data.append(
            ShapeData(
                info.cluster,
                x_advance,
                upem_scale(pos.y_advance),
                upem_scale(pos.x_offset),
                upem_scale(pos.y_offset),
                char_widths.get(uchar, 0),
            )
        )
    shaped = ShapedStr("".join(chars), shapeData=data)
    return ShapedRun(shaped, font, size, advance * size / 1000.0, rtl, text)


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with each private code point mapped to its text."""
    face = fontname.split("+", 1)[-1].encode("latin-1")
    texts = next((t for name, t in _TEXT_OF.items() if face.startswith(name)), {})
    if not texts:
        return str(_reportlab_cmap(fontname, subset))

    def hexed(code: int) -> str:
        text = texts.get(code)
        return (text or chr(code)).encode("utf-16-be").hex().upper()

    entries = [f"<{i:02X}> <{hexed(code)}>" for i, code in enumerate(subset)]
    head = _reportlab_cmap(fontname, []).split("\n")
    # reportlab's CMap with our entries in place of its own
    cut = head.index("0 beginbfchar")
    return "\n".join(
        [
            *head[: cut - 3],
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *entries,
            *head[cut + 1 :],
        ]
    )


_reportlab_cmap = ttfonts.makeToUnicodeCMap
ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def text_width(text: str, font: str, size: float, rtl: bool = False) -> float:
    """Shaped width of ``text`` in points."""
    if not text:
        return 0.0
    return shape_run(text, font, size, rtl).width
