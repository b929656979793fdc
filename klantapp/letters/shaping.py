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
from reportlab.pdfbase import pdfmetrics
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


@lru_cache(maxsize=32)
def _hb_font(font: str) -> Any:
    # reportlab's own hbFont also installs ``hbAddPrivate`` on the font object.
    return pdfmetrics.getFont(font).hbFont(12)


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
    face = ttf.face
    glyph_to_char = face.glyphToChar
    char_widths = face.charWidths
    upem_scale = ttf.pdfScale
    chars: list[str] = []
    data: list[ShapeData] = []
    advance = 0.0
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
        gid = info.codepoint
        try:
            uchar = glyph_to_char[gid][0]
        except (KeyError, IndexError):
            # A contextual form (Arabic initial/medial/final, a ligature) that has no
            # code point of its own: reportlab maps it to a private-use one.
            uchar = ttf.hbAddPrivate(hbf.glyph_to_string(gid), gid, pos.x_advance)
        x_advance = upem_scale(pos.x_advance)
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
    return ShapedRun(shaped, font, size, advance * size / 1000.0, rtl)


def text_width(text: str, font: str, size: float, rtl: bool = False) -> float:
    """Shaped width of ``text`` in points."""
    if not text:
        return 0.0
    return shape_run(text, font, size, rtl).width
