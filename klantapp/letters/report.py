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
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

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


def para(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup("" if text is None else str(text)), style)


def table(
    rows: Sequence[Sequence[object]], widths: Sequence[float], *, header: bool = True
) -> Table:
    st = styles()
    body = [
        [para(c, st["cellb"] if header and i == 0 else st["cell"]) for c in row]
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
        c.drawString(18 * mm, A4[1] - 14 * mm, where or title)
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
