"""The letter itself: an A4 PDF built with reportlab, in memory.

Page layout (millimetres from the top-left corner of A4, 210 x 297):

* Letterhead: gemeente name (and logo) top left, contact details top right, 15-40.
* Address block in the window of a Dutch window envelope. We follow the common
  NEN 1026 "venster links" position for EA5/6 (110 x 220 mm) envelopes and A4 folded
  in three: window 90 x 45 mm, 20 mm from the left edge, its top 50 mm from the top of
  the sheet. The address is set 2 mm inside that window on every side (x 22, y 52-93)
  so it stays visible when the folded letter shifts in the envelope.
* Date, reference and subject at the right of the address block (x 120).
* Title (Dutch, then the client's language), then the pictogram block (WAT / WANNEER /
  WAAR / MET WIE / MEENEMEN, a telephone row and the QR code) with a Dutch and a
  client-language column, then the Dutch text (authoritative), then the client text,
  each under its own marked heading. A footer on every page names the gemeente, the
  reference and the page number.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab import rl_config
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from klantapp.letters import texts as T
from klantapp.letters.bidi_layout import Line, TextStyle, draw_line, layout_paragraph, ltr
from klantapp.letters.fonts import font_name, register_fonts
from klantapp.letters.ical import appointment_ics
from klantapp.letters.model import LetterData
from klantapp.letters.pictograms import draw_icon

MM = 72.0 / 25.4
PAGE_W, PAGE_H = A4
LEFT = 20 * MM
RIGHT = PAGE_W - 20 * MM
WIDTH = RIGHT - LEFT
BOTTOM = 18 * MM
TOP_NEXT = 20 * MM  # top margin of pages after the first

ACCENT = (0.0, 0.30, 0.52)
GREY = (0.45, 0.45, 0.45)
RULE = (0.75, 0.75, 0.75)
BLACK = (0.0, 0.0, 0.0)

BODY = TextStyle(size=12.0, leading=16.0)
BODY_BOLD = TextStyle(size=12.0, bold=True, leading=16.0)
# Naskh needs more room between lines than Latin at the same size.
BODY_RTL = TextStyle(size=12.0, leading=17.5)
BODY_RTL_BOLD = TextStyle(size=12.0, bold=True, leading=17.5)
VALUE = TextStyle(size=12.5, bold=True, leading=16.0)
VALUE_PLAIN = TextStyle(size=12.0, leading=15.0)
LABEL = TextStyle(size=9.0, bold=True, leading=11.0, color=ACCENT)
SMALL = TextStyle(size=9.0, leading=11.5)
TINY = TextStyle(size=7.0, leading=9.0)
TITLE = TextStyle(size=16.0, bold=True, leading=21.0)
TITLE2 = TextStyle(size=14.0, bold=True, leading=20.0)
HEAD = TextStyle(size=14.0, bold=True, leading=19.0, color=ACCENT)
GEMEENTE = TextStyle(size=17.0, bold=True, leading=21.0, color=ACCENT)

# reportlab fonts keep per-document state: one letter document at a time per process.
_render_lock = threading.Lock()

Op = Callable[[Canvas], None]


def _y(mm_from_top: float) -> float:
    return float(PAGE_H - mm_from_top * MM)


def _text_op(lines: Sequence[Line], x0: float, x1: float, top: float, style: TextStyle) -> Op:
    """Draw lines starting with the first baseline ``style.size`` below ``top``."""

    def op(c: Canvas) -> None:
        c.setFillColorRGB(*style.color)
        y = top - style.size
        for line in lines:
            draw_line(c, line, x0, x1, y)
            y -= style.leading

    return op


@dataclass
class _Flow:
    """Collects drawing operations page by page, breaking pages where needed."""

    pages: list[list[Op]] = field(default_factory=lambda: [[]])
    y: float = 0.0

    def add(self, op: Op) -> None:
        self.pages[-1].append(op)

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.pages.append([])
            self.y = PAGE_H - TOP_NEXT

    def paragraph(
        self,
        text: str,
        style: TextStyle,
        rtl: bool,
        x0: float = LEFT,
        x1: float = RIGHT,
        space_after: float = 6.0,
        keep_lines: int = 2,
    ) -> None:
        lines = layout_paragraph(text, x1 - x0, style, rtl)
        i = 0
        while i < len(lines):
            self.need(style.leading * min(keep_lines, len(lines) - i))
            fit = max(1, int((self.y - BOTTOM) // style.leading))
            chunk = lines[i : i + fit]
            self.add(_text_op(chunk, x0, x1, self.y, style))
            self.y -= style.leading * len(chunk)
            i += len(chunk)
        self.y -= space_after


def _lines(text: str, width: float, style: TextStyle, rtl: bool) -> list[Line]:
    return layout_paragraph(text, width, style, rtl) if text else []


def _letterhead(c: Canvas, data: LetterData) -> None:
    gem = data.gemeente
    x = LEFT
    if gem.logo_png:
        try:
            img = ImageReader(io.BytesIO(gem.logo_png))
            iw, ih = img.getSize()
            scale = min(40 * MM / iw, 18 * MM / ih)
            c.drawImage(img, LEFT, _y(15) - ih * scale, iw * scale, ih * scale, mask="auto")
            x = LEFT + iw * scale + 4 * MM
        except Exception:  # a broken logo must not stop the letter
            x = LEFT
    c.setFillColorRGB(*GEMEENTE.color)
    name_lines = _lines(gem.name, 95 * MM, GEMEENTE, False)[:2]
    for i, line in enumerate(name_lines):
        draw_line(c, line, x, x + 95 * MM, _y(15) - GEMEENTE.size - i * GEMEENTE.leading)
    if gem.department:
        style = TextStyle(size=11.0, leading=14.0)
        c.setFillColorRGB(*GREY)
        y = _y(15) - GEMEENTE.leading * len(name_lines) - style.size
        for line in _lines(gem.department, 95 * MM, style, False)[:1]:
            draw_line(c, line, x, x + 95 * MM, y)
    c.setFillColorRGB(*GREY)
    contact = [
        gem.street,
        " ".join(p for p in (gem.postcode, gem.city) if p),
        gem.phone and f"Telefoon {gem.phone}",
        gem.email,
        gem.website,
    ]
    y = _y(15) - SMALL.size
    for text in (t for t in contact if t):
        for line in _lines(text, 60 * MM, SMALL, False):
            draw_line(c, line, RIGHT - 60 * MM, RIGHT, y)
            # contact details are right-aligned under each other
            y -= SMALL.leading
    c.setStrokeColorRGB(*ACCENT)
    c.setLineWidth(1.2)
    c.line(LEFT, _y(42), RIGHT, _y(42))


def _address_block(c: Canvas, data: LetterData) -> None:
    gem = data.gemeente
    rec = data.recipient
    x0, x1 = 22 * MM, 108 * MM
    c.setFillColorRGB(*GREY)
    ret = ", ".join(p for p in (gem.name, gem.street, f"{gem.postcode} {gem.city}".strip()) if p)
    for line in _lines(ret, x1 - x0, TINY, False)[:1]:
        draw_line(c, line, x0, x1, _y(52) - TINY.size)
    c.setFillColorRGB(*BLACK)
    style = TextStyle(size=11.0, leading=14.5)
    y = _y(59) - style.size
    for text in (rec.name, rec.street, f"{rec.postcode}  {rec.city}".strip()):
        for line in _lines(text, x1 - x0, style, False)[:2]:
            draw_line(c, line, x0, x1, y)
            y -= style.leading


def _meta_block(c: Canvas, data: LetterData, kind_title: str) -> None:
    from babel.dates import format_date

    rows = [("Datum", format_date(data.letter_date, "long", locale="nl"))]
    if data.reference:
        rows.append(("Kenmerk", data.reference))
    rows.append(("Onderwerp", f"Uitnodiging {kind_title.lower()}"))
    y = _y(52)
    x0 = 120 * MM
    for label, value in rows:
        c.setFillColorRGB(*GREY)
        for line in _lines(label, 25 * MM, SMALL, False):
            draw_line(c, line, x0, x0 + 25 * MM, y - SMALL.size)
        c.setFillColorRGB(*BLACK)
        lines = _lines(value, RIGHT - x0 - 22 * MM, SMALL, False)
        for i, line in enumerate(lines):
            draw_line(c, line, x0 + 22 * MM, RIGHT, y - SMALL.size - i * SMALL.leading)
        y -= SMALL.leading * max(1, len(lines)) + 2


def _qr_payload(data: LetterData) -> str:
    title = T.KIND_TITLES.get(data.appointment.kind, "Afspraak")
    summary = f"{title} - {data.gemeente.name}" if data.gemeente.name else title
    return appointment_ics(data, summary=summary, compact=True)


# reportlab's encoder would try all 8 mask patterns in pure Python (about 50 ms per
# letter, more than the rest of the letter together). Decoders read any mask; we use
# the checkerboard mask, which breaks up large light or dark areas well.
QR_MASK = 0


def qr_modules(payload: str) -> list[list[bool]]:
    """The QR code of ``payload`` (UTF-8 bytes) as rows of dark modules.

    Error correction level L keeps the code coarse enough to scan at 28 mm.
    """
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.L)
    qr.addData(qrencoder.QR8bitByte(payload))  # UTF-8 bytes, never Kanji mode
    qr.version = qr.calculate_version()
    qr.makeImpl(False, QR_MASK)
    return [[bool(m) for m in row] for row in qr.modules]


def _qr_op(payload: str, x: float, top: float, size: float) -> Op:
    modules = qr_modules(payload)
    border = 2  # modules of quiet zone inside ``size``; the page around adds more
    box = size / (len(modules) + 2 * border)
    # One path of rectangles, one per run of dark modules in a row, written as PDF
    # operators directly: a thousand canvas.rect calls would cost more than the letter.
    ops: list[str] = []
    for r, row in enumerate(modules):
        y = top - (r + border + 1) * box
        col = 0
        for dark, group in itertools.groupby(row):
            n = len(list(group))
            if dark:
                ops.append(f"{x + (col + border) * box:.3f} {y:.3f} {n * box:.3f} {box:.3f} re")
            col += n
    path = "\n".join(ops) + "\nf"

    def op(c: Canvas) -> None:
        c.saveState()
        c.setFillColorRGB(*BLACK)
        c._code.append(path)
        c.restoreState()

    return op


def _icon_op(key: str, x: float, top: float, size: float) -> Op:
    def op(c: Canvas) -> None:
        draw_icon(c, key, x, top - size, size, ACCENT)

    return op


def _rule_op(y: float) -> Op:
    def op(c: Canvas) -> None:
        c.setStrokeColorRGB(*RULE)
        c.setLineWidth(0.6)
        c.line(LEFT, y, RIGHT, y)

    return op


def _what_icon(kind: str) -> str:
    if kind == "leerbaarheidstoets":
        return "test"
    if kind == "pvt":
        return "group"
    return "what"


def _picto_block(
    flow: _Flow, data: LetterData, nl: T.LetterTexts, cl: T.LetterTexts | None
) -> None:
    icon_col = 24 * MM
    icon = 12 * MM
    gap = 5 * MM
    x_text = LEFT + icon_col
    if cl is None:
        cols = [(x_text, RIGHT, nl)]
    else:
        mid = x_text + (RIGHT - x_text - gap) / 2
        cols = [(x_text, mid, nl), (mid + gap, RIGHT, cl)]
    pad = 1.6 * MM

    flow.need(10)
    flow.add(_rule_op(flow.y))
    rows: list[tuple[str, list[tuple[str, Sequence[str]]]]] = []
    for idx, row in enumerate(nl.picto):
        per_col: list[tuple[str, Sequence[str]]] = [
            (t.picto[idx].label, t.picto[idx].lines) for _, _, t in cols
        ]
        rows.append((row.key, per_col))
    for key, per_col in rows:
        col_ops: list[Op] = []
        heights: list[float] = []
        for (x0, x1, t), (label, values) in zip(cols, per_col, strict=True):
            h = 0.0
            top_off = pad
            ll = _lines(label, x1 - x0, LABEL, t.rtl)
            col_ops.append(_deferred_text(ll, x0, x1, top_off, LABEL))
            h = top_off + LABEL.leading * len(ll)
            for i, value in enumerate(values):
                style = VALUE if i == 0 else VALUE_PLAIN
                vl = _lines(value, x1 - x0, style, t.rtl)
                col_ops.append(_deferred_text(vl, x0, x1, h, style))
                h += style.leading * len(vl)
            heights.append(h + pad)
        interp = key == "with_whom" and any(r.interpreter for r in nl.picto if r.key == key)
        icon_h = pad * 2 + icon * (1.9 if interp else 1.0)
        height = max([*heights, icon_h])
        flow.need(height)
        top = flow.y
        for op in col_ops:
            flow.add(_shift(op, top))
        icon_key = _what_icon(data.appointment.kind) if key == "what" else key
        flow.add(_icon_op(icon_key, LEFT + 3 * MM, top - pad, icon))
        if interp:
            small = icon * 0.85
            flow.add(_icon_op("interpreter", LEFT + 3 * MM, top - pad - icon * 1.05, small))
        flow.y -= height
        flow.add(_rule_op(flow.y))

    # telephone row and QR row
    for kind in ("phone", "qr"):
        col_ops = []
        heights = []
        for x0, x1, t in cols:
            text = t.cannot_come if kind == "phone" else t.qr_caption
            style = VALUE if kind == "phone" else VALUE_PLAIN
            xs = x0 if kind == "phone" or x0 != x_text else x0 + 10 * MM
            ll = _lines(text, x1 - xs, style, t.rtl)
            col_ops.append(_deferred_text(ll, xs, x1, pad, style))
            heights.append(pad * 2 + style.leading * len(ll))
        size = 28 * MM if kind == "qr" else icon
        height = max([*heights, size + 2 * pad])
        flow.need(height)
        top = flow.y
        for op in col_ops:
            flow.add(_shift(op, top))
        if kind == "phone":
            flow.add(_icon_op("phone", LEFT + 3 * MM, top - pad, icon))
        else:
            flow.add(_qr_op(_qr_payload(data), LEFT, top - pad, size))
        flow.y -= height
        flow.add(_rule_op(flow.y))
    flow.y -= 6 * MM


@dataclass(frozen=True)
class _Deferred:
    lines: Sequence[Line]
    x0: float
    x1: float
    offset: float
    style: TextStyle


def _deferred_text(
    lines: Sequence[Line], x0: float, x1: float, offset: float, style: TextStyle
) -> Any:
    return _Deferred(lines, x0, x1, offset, style)


def _shift(d: Any, top: float) -> Op:
    assert isinstance(d, _Deferred)
    return _text_op(d.lines, d.x0, d.x1, top - d.offset, d.style)


def _section(flow: _Flow, data: LetterData, t: T.LetterTexts, heading: str, marker: str) -> None:
    flow.need(HEAD.leading + 4 * BODY.leading)
    top = flow.y
    hl = _lines(heading, WIDTH - 8 * MM, HEAD, t.rtl)
    bar_x = RIGHT - 2.5 * MM if t.rtl else LEFT

    def bar(c: Canvas, top: float = top, n: int = len(hl)) -> None:
        c.setFillColorRGB(*ACCENT)
        c.rect(bar_x, top - HEAD.leading * n - 1, 2.5 * MM, HEAD.leading * n + 1, stroke=0, fill=1)

    flow.add(bar)
    flow.add(_text_op(hl, LEFT + 5 * MM, RIGHT - 5 * MM, top, HEAD))
    flow.y -= HEAD.leading * len(hl) + 2
    if marker:
        flow.paragraph(marker, SMALL, t.rtl, space_after=4)
    flow.y -= 2
    body, bold_body = (BODY_RTL, BODY_RTL_BOLD) if t.rtl else (BODY, BODY_BOLD)
    for text, bold in t.paragraphs:
        flow.paragraph(text, bold_body if bold else body, t.rtl, space_after=5)
    flow.y -= 2
    sig = T.signature_lines(data, t.lang)
    flow.need(body.leading * len(sig) + 6)
    for i, text in enumerate(sig):
        flow.paragraph(text, body, t.rtl, space_after=6 if i == 0 else 0)
    flow.y -= 6 * MM


def _footer(c: Canvas, data: LetterData, page: int, pages: int) -> None:
    parts = [data.gemeente.name]
    if data.gemeente.phone:
        parts.append(f"Telefoon {data.gemeente.phone}")
    if data.reference:
        parts.append(f"Kenmerk {data.reference}")
    parts.append(f"Pagina {page} van {pages}")
    c.setFillColorRGB(*GREY)
    for line in _lines("  ·  ".join(p for p in parts if p), WIDTH, TINY, False)[:1]:
        draw_line(c, line, LEFT, RIGHT, 12 * MM)


def _draw_letter(c: Canvas, data: LetterData) -> int:
    """Draw one letter on new pages; returns its number of pages."""
    lang = data.lang if data.lang in T.LETTER_LANGUAGES else "nl"
    nl = T.build_texts(data, "nl")
    cl = T.build_texts(data, lang) if lang != "nl" else None
    flow = _Flow()
    flow.y = _y(97)
    flow.paragraph(nl.title, TITLE, False, space_after=2)
    if cl is not None:
        flow.paragraph(cl.title, TITLE2, cl.rtl, space_after=2)
    flow.y -= 2 * MM
    _picto_block(flow, data, nl, cl)
    _section(flow, data, nl, "Nederlands", "")
    if cl is not None:
        _section(
            flow,
            data,
            cl,
            T.own_name(lang),
            f"{cl.translation_note} ({ltr('Vertaling. De Nederlandse tekst geldt.')})",
        )
    kind_title = T.KIND_TITLES.get(data.appointment.kind, "afspraak")
    for number, ops in enumerate(flow.pages, start=1):
        if number == 1:
            _letterhead(c, data)
            _address_block(c, data)
            _meta_block(c, data, kind_title)
        for op in ops:
            op(c)
        _footer(c, data, number, len(flow.pages))
        c.showPage()
    return len(flow.pages)


@contextlib.contextmanager
def _binary_streams() -> Iterator[None]:
    """Plain deflated PDF streams, not ASCII85 text (reportlab's default): 20% smaller
    and no pure-Python encoding pass. reportlab reads this from its global config."""
    old = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = old


def render_letters(
    letters: Sequence[LetterData],
    *,
    progress: Callable[[int, int], None] | None = None,
    duplex: bool = True,
) -> bytes:
    """Several letters in one PDF, each starting on a new page; built in memory.

    With ``duplex`` (the default) a letter with an odd number of pages is followed by a
    blank page, so that printed on both sides no letter starts on the back of another
    person's letter.
    """
    register_fonts()
    buf = io.BytesIO()
    with _render_lock, _binary_streams():
        c = Canvas(buf, pagesize=A4, pageCompression=1, initialFontName=font_name("latin"))
        c.setTitle("Uitnodiging" if len(letters) == 1 else "Uitnodigingen")
        c.setAuthor(letters[0].gemeente.name if letters else "Klantapp")
        c.setCreator("Klantapp")
        total = len(letters)
        for done, data in enumerate(letters, start=1):
            pages = _draw_letter(c, data)
            if duplex and pages % 2 and done < total:
                c.showPage()
            if progress is not None:
                progress(done, total)
        if not letters:
            c.showPage()
        c.save()
    return buf.getvalue()


def render_letter(data: LetterData) -> bytes:
    """One appointment letter as PDF bytes."""
    return render_letters([data])
