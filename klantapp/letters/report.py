"""Printable reports (inzage, monitor): A4, the gemeente's letterhead in words, the
date, page numbers, the bundled Noto fonts -- the letters' fonts, so names in Arabic
or Ge'ez script print too. Built with reportlab's platypus (flowing text, tables,
its own charts); the letters keep their own exact layout in :mod:`.render`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from klantapp.letters.bidi_layout import (
    Line,
    TextStyle,
    draw_line,
    layout_paragraph,
    needs_bidi,
    rtl_first,
    shape_line,
)
from klantapp.letters.fonts import Script, font_name, register_fonts, script_of
from klantapp.letters.render import _binary_streams

ACCENT = colors.HexColor("#1f4e79")
GREY = colors.HexColor("#555555")


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    regular, bold = font_name("latin"), font_name("latin", bold=True)
    return {
        "title": ParagraphStyle(
            "title", fontName=bold, fontSize=16, leading=20, textColor=ACCENT, spaceAfter=4
        ),
        "h2": ParagraphStyle(
            "h2",
            fontName=bold,
            fontSize=12,
            leading=15,
            textColor=ACCENT,
            spaceBefore=8,
            spaceAfter=3,
        ),
        "body": ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5),
        "small": ParagraphStyle("small", fontName=regular, fontSize=8, leading=10, textColor=GREY),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8, leading=10),
        "cellb": ParagraphStyle("cellb", fontName=bold, fontSize=8, leading=10),
    }


def markup(text: str) -> str:
    """Escaped text with each run of Arabic or Ge'ez script in its own font."""
    out: list[str] = []
    run: list[str] = []
    current: Script | None = None

    def flush() -> None:
        if not run:
            return
        chunk = escape("".join(run))
        if current in ("arabic", "ethiopic"):
            out.append(f'<font name="{font_name(current)}">{chunk}</font>')
        else:
            out.append(chunk)
        run.clear()

    for ch in text:
        script = script_of(ch)
        if script is not None and script != current and (script != "latin" or current):
            flush()
            current = script
        run.append(ch)
    flush()
    return "".join(out).replace("\n", "<br/>")


class ShapedText(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """A paragraph with right-to-left script (Arabic, Persian, Pashto, ...): broken into
    lines, bidi-ordered and shaped with HarfBuzz by the letters' own layout
    (:mod:`.bidi_layout`), since platypus's Paragraph would draw it unjoined and in
    logical order. Right-to-left when its first strong character is."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text
        self.pstyle = style
        bold = style.fontName == font_name("latin", bold=True)
        self.tstyle = TextStyle(size=style.fontSize, bold=bold, leading=style.leading)
        self.rtl = rtl_first(text)
        self.lines: list[Line] = []
        self.line_width = 0.0
        self.spaceBefore = style.spaceBefore
        self.spaceAfter = style.spaceAfter

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.line_width = avail_width
        self.lines = layout_paragraph(self.text, avail_width, self.tstyle, self.rtl)
        self.width, self.height = avail_width, len(self.lines) * self.tstyle.leading
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(self.pstyle.textColor)
        y = self.height - self.tstyle.size
        for line in self.lines:
            draw_line(c, line, 0, self.line_width, y)
            y -= self.tstyle.leading


def para(text: object, style: ParagraphStyle) -> Flowable:
    value = "" if text is None else str(text)
    if needs_bidi(value):
        return ShapedText(value, style)
    return Paragraph(markup(value), style)


def draw_heading(c: Canvas, text: str, x: float, y: float, *, right: bool = False) -> None:
    """One line on the page itself (letterhead, page head) in the canvas's current
    font size, shaped as :class:`ShapedText` when it holds right-to-left script."""
    if not needs_bidi(text):
        (c.drawRightString if right else c.drawString)(x, y, text)
        return
    line = shape_line(text, TextStyle(size=c._fontsize, bold=True), rtl_first(text))
    left = x - line.width if right else x
    draw_line(c, line, left, left + line.width, y)


def table(
    rows: Sequence[Sequence[object]], widths: Sequence[float], *, header: bool = True
) -> Table:
    st = styles()
    body = [
        [
            para(c, _fitting(st["cellb"], str(c or ""), w - 4) if header and i == 0 else st["cell"])
            for c, w in zip(row, widths, strict=True)
        ]
        for i, row in enumerate(rows)
    ]
    t = Table(body, colWidths=list(widths), repeatRows=1 if header else 0)
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, ACCENT),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return t


#: The smallest a column heading is set so that its longest word fits its column.
MIN_HEADING_SIZE = 6.0


def _fitting(style: ParagraphStyle, text: str, width: float) -> ParagraphStyle:
    """``style``, or a smaller copy of it in which the longest word of ``text`` fits
    ``width``: a heading such as "Asielstatushouder" over a narrow column would otherwise
    be broken inside the word ("Asielstatushoude / r")."""
    longest = max((stringWidth(w, style.fontName, style.fontSize) for w in text.split()), default=0)
    if longest <= width or needs_bidi(text):
        return style
    size = max(MIN_HEADING_SIZE, style.fontSize * width / longest)
    return ParagraphStyle(f"{style.name}-{size:.1f}", parent=style, fontSize=size, leading=size + 2)


CONTENT_WIDTH = A4[0] - 36 * mm


def build_report(title: str, gemeente: dict[str, Any], story: list[Any], *, on: date) -> bytes:
    """The PDF: ``story`` under a letterhead line (gemeente, department), the title and
    date on every page, page numbers at the foot."""
    register_fonts()
    buf = io.BytesIO()
    name = str(gemeente.get("name") or "")
    dept = str(gemeente.get("department") or "")
    where = " · ".join(p for p in (name, dept) if p)

    def page(c: Canvas, doc: Any) -> None:
        c.saveState()
        c.setFont(font_name("latin", bold=True), 11)
        c.setFillColor(ACCENT)
        draw_heading(c, where or title, 18 * mm, A4[1] - 14 * mm)
        c.setFont(font_name("latin"), 8)
        c.setFillColor(GREY)
        c.drawRightString(A4[0] - 18 * mm, A4[1] - 14 * mm, f"{title} · {on.isoformat()}")
        c.setStrokeColor(ACCENT)
        c.setLineWidth(0.8)
        c.line(18 * mm, A4[1] - 16 * mm, A4[0] - 18 * mm, A4[1] - 16 * mm)
        c.drawRightString(A4[0] - 18 * mm, 10 * mm, str(doc.page))
        c.restoreState()

    with _binary_streams():
        doc = SimpleDocTemplate(
            buf,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=22 * mm,
            bottomMargin=16 * mm,
            title=title,
            author=name or "Klantapp",
            lang="nl-NL",
        )
        doc.build(story, onFirstPage=page, onLaterPages=page)
    return buf.getvalue()
