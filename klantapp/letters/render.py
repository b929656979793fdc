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

Sizes: body 12 pt, labels, notes and the footer 11 pt; only the return address in the
envelope window (for the postal service) is smaller. What matters most is on page 1:
the pictogram block with the consequence of not coming, the interpreter, whom to call
and when, and "Begrijpt u deze brief niet?".
"""

from __future__ import annotations

import contextlib
import io
import itertools
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from klantapp.i18n import _
from klantapp.letters import texts as T
from klantapp.letters.bidi_layout import Line, TextStyle, draw_line, layout_paragraph, ltr
from klantapp.letters.checks import LetterNotPrintable, check_letters
from klantapp.letters.fonts import font_name, register_fonts
from klantapp.letters.ical import qr_event
from klantapp.letters.model import LetterData, Sent
from klantapp.letters.pictograms import draw_icon
from klantapp.letters.qr import QR_QUIET, qr_modules
from klantapp.letters.tagging import TaggedCanvas

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

BODY = TextStyle(size=12.0, leading=15.5)
BODY_BOLD = TextStyle(size=12.0, bold=True, leading=15.5)
# Naskh needs more room between lines than Latin at the same size.
BODY_RTL = TextStyle(size=12.0, leading=17.5)
BODY_RTL_BOLD = TextStyle(size=12.0, bold=True, leading=17.5)
VALUE = TextStyle(size=12.5, bold=True, leading=15.0)
VALUE_PLAIN = TextStyle(size=12.0, leading=14.5)
LABEL = TextStyle(size=11.0, bold=True, leading=12.5, color=ACCENT)
SMALL = TextStyle(size=11.0, leading=13.5)
ADDRESS = TextStyle(size=11.0, leading=14.0)
FOOTER = TextStyle(size=11.0, leading=13.5)
# The return address above the recipient, for the postal service only.
RETURN_ADDRESS = TextStyle(size=8.0, leading=10.0)
HEAD = TextStyle(size=14.0, bold=True, leading=19.0, color=ACCENT)
MIN_TEXT_SIZE = 11.0  # a test checks every text on the letter against this

# reportlab fonts keep per-document state: one letter document at a time per process.
_render_lock = threading.Lock()

Op = Callable[[Canvas], None]


def _y(mm_from_top: float) -> float:
    return float(PAGE_H - mm_from_top * MM)


def _text_op(
    lines: Sequence[Line], x0: float, x1: float, top: float, style: TextStyle, lang: str = ""
) -> Op:
    """Draw lines starting with the first baseline ``style.size`` below ``top``."""

    def op(c: Canvas) -> None:
        c.setFillColorRGB(*style.color)
        y = top - style.size
        for line in lines:
            draw_line(c, line, x0, x1, y, lang)
            y -= style.leading

    return op


def _artifact(c: Canvas) -> contextlib.AbstractContextManager[None]:
    """Decoration (pictograms, rules, the QR code): not read out by a screen reader."""
    if isinstance(c, TaggedCanvas):
        return c.artifact()
    return contextlib.nullcontext()


@dataclass
class Flow:
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
        lang: str = "",
    ) -> None:
        lines = layout_paragraph(text, x1 - x0, style, rtl)
        i = 0
        while i < len(lines):
            self.need(style.leading * min(keep_lines, len(lines) - i))
            fit = max(1, int((self.y - BOTTOM) // style.leading))
            chunk = lines[i : i + fit]
            self.add(_text_op(chunk, x0, x1, self.y, style, lang))
            self.y -= style.leading * len(chunk)
            i += len(chunk)
        self.y -= space_after


def _lines(text: str, width: float, style: TextStyle, rtl: bool) -> list[Line]:
    return layout_paragraph(text, width, style, rtl) if text else []


LETTERHEAD_TOP = 15.0  # mm from the top
LETTERHEAD_RULE = 45.0  # mm: the rule under the letterhead
CONTACT_WIDTH = 62 * MM
NAME_SIZES = (17.0, 16.0, 15.0, 14.0, 13.0)


def _logo(data: Sent) -> tuple[ImageReader, float, float] | None:
    if not data.gemeente.logo_png:
        return None
    try:
        img = ImageReader(io.BytesIO(data.gemeente.logo_png))
        iw, ih = img.getSize()
    except Exception:  # a broken logo must not stop the letter
        return None
    scale = min(40 * MM / iw, 20 * MM / ih)
    return img, iw * scale, ih * scale


def _letterhead(c: Canvas, data: Sent) -> None:
    """Name and department at the left (beside the logo), contact details at the right.

    The name column ends where the contact block begins, whatever the logo's width;
    a long name or department wraps, in a smaller size if needed, and is never cut: if
    it still does not fit, the letter is refused and the message says so.
    """
    gem = data.gemeente
    top = _y(LETTERHEAD_TOP)
    room = (LETTERHEAD_RULE - LETTERHEAD_TOP - 2) * MM
    x = LEFT
    logo = _logo(data)
    if logo is not None:
        img, w, h = logo
        with _artifact(c):
            c.drawImage(img, LEFT, top - h, w, h, mask="auto")
        x = LEFT + w + 4 * MM
    x_end = RIGHT - CONTACT_WIDTH - 4 * MM
    for size in NAME_SIZES:
        name_style = TextStyle(size=size, bold=True, leading=size * 1.25, color=ACCENT)
        dept_style = TextStyle(size=11.0, leading=13.5, color=GREY)
        name_lines = _lines(gem.name, x_end - x, name_style, False)
        dept_lines = _lines(gem.department, x_end - x, dept_style, False)
        height = name_style.leading * len(name_lines) + dept_style.leading * len(dept_lines)
        if height <= room:
            break
    else:
        raise LetterNotPrintable(
            _("De naam en de afdeling van de gemeente passen niet in het briefhoofd."),
            hint=_("Maak ze korter bij Instellingen, of kies een kleiner logo."),
            missing=[],
        )
    _text_op(name_lines, x, x_end, top, name_style)(c)
    _text_op(dept_lines, x, x_end, top - name_style.leading * len(name_lines), dept_style)(c)
    contact = [
        gem.street,
        " ".join(p for p in (gem.postcode, gem.city) if p),
        gem.phone and f"Telefoon {gem.phone}",
        gem.email,
        gem.website,
    ]
    contact_lines = [
        line for text in contact if text for line in _lines(text, CONTACT_WIDTH, SMALL, False)
    ]
    if SMALL.leading * len(contact_lines) > room:
        raise LetterNotPrintable(
            _("De contactgegevens van de gemeente passen niet in het briefhoofd."),
            hint=_("Maak ze korter bij Instellingen."),
            missing=[],
        )
    grey = TextStyle(size=SMALL.size, leading=SMALL.leading, color=GREY)
    _text_op(contact_lines, RIGHT - CONTACT_WIDTH, RIGHT, top, grey)(c)
    with _artifact(c):
        c.setStrokeColorRGB(*ACCENT)
        c.setLineWidth(1.2)
        c.line(LEFT, _y(LETTERHEAD_RULE), RIGHT, _y(LETTERHEAD_RULE))


def _address_block(c: Canvas, data: Sent) -> None:
    gem = data.gemeente
    rec = data.recipient
    x0, x1 = 22 * MM, 108 * MM
    ret = ", ".join(p for p in (gem.name, gem.street, f"{gem.postcode} {gem.city}".strip()) if p)
    grey = TextStyle(size=RETURN_ADDRESS.size, leading=RETURN_ADDRESS.leading, color=GREY)
    _text_op(_lines(ret, x1 - x0, RETURN_ADDRESS, False)[:1], x0, x1, _y(52), grey)(c)
    texts = [
        rec.name,
        f"p/a {rec.care_of}" if rec.care_of else "",
        rec.street_line,
        f"{rec.postcode}  {rec.city}".strip(),
    ]
    lines = [line for text in texts if text for line in _lines(text, x1 - x0, ADDRESS, False)]
    if ADDRESS.leading * len(lines) > 35 * MM:
        raise LetterNotPrintable(
            _("Het adres past niet in het venster van de envelop."),
            hint=_("Kort de naam of het adres in."),
            missing=[],
        )
    _text_op(lines, x0, x1, _y(57), ADDRESS)(c)


def _meta_block(c: Canvas, data: Sent, subject: str) -> None:
    from babel.dates import format_date

    rows = [("Datum", format_date(data.letter_date, "long", locale="nl"))]
    if data.reference:
        rows.append(("Kenmerk", data.reference))
    rows.append(("Onderwerp", subject))
    y = _y(52)
    x0 = 120 * MM
    label_style = TextStyle(size=SMALL.size, leading=SMALL.leading, color=GREY)
    for label, value in rows:
        _text_op(_lines(label, 24 * MM, SMALL, False), x0, x0 + 24 * MM, y, label_style)(c)
        lines = _lines(value, RIGHT - x0 - 24 * MM, SMALL, False)
        _text_op(lines, x0 + 24 * MM, RIGHT, y, SMALL)(c)
        y -= SMALL.leading * max(1, len(lines)) + 2


def qr_payload(data: LetterData) -> str:
    """What the QR code holds: the appointment for the client's phone calendar, its
    title in Dutch and the client's language, and the gemeente's phone number."""
    nl_title = T.kind_title(data.appointment.kind, "nl")
    title = nl_title
    if data.lang != "nl":
        own = T.kind_title(data.appointment.kind, data.lang)
        if own != nl_title:
            title = f"{nl_title} / {own}"
    phone = data.gemeente.phone
    return qr_event(data, summary=title, description=f"Tel. {phone}" if phone else "")


def qr_size(modules: list[list[bool]]) -> float:
    """Side of the printed code in points, quiet zone included."""
    return max(QR_MIN_MM, (len(modules) + 2 * QR_QUIET) * QR_MODULE_MM) * MM


QR_MODULE_MM = 0.6  # a module at least this large: cheap phone cameras still focus
QR_MIN_MM = 32.0


def _qr_op(modules: list[list[bool]], x: float, top: float, size: float) -> Op:
    box = size / (len(modules) + 2 * QR_QUIET)
    # One path of rectangles, one per run of dark modules in a row, written as PDF
    # operators directly: a thousand canvas.rect calls would cost more than the letter.
    ops: list[str] = []
    for r, row in enumerate(modules):
        y = top - (r + QR_QUIET + 1) * box
        col = 0
        for dark, group in itertools.groupby(row):
            n = len(list(group))
            if dark:
                ops.append(f"{x + (col + QR_QUIET) * box:.3f} {y:.3f} {n * box:.3f} {box:.3f} re")
            col += n
    path = "\n".join(ops) + "\nf"

    def op(c: Canvas) -> None:
        with _artifact(c):
            c.saveState()
            c.setFillColorRGB(1, 1, 1)
            c.rect(x, top - size, size, size, stroke=0, fill=1)
            c.setFillColorRGB(*BLACK)
            c._code.append(path)
            c.restoreState()

    return op


def _icon_op(key: str, x: float, top: float, size: float) -> Op:
    def op(c: Canvas) -> None:
        with _artifact(c):
            draw_icon(c, key, x, top - size, size, ACCENT)

    return op


def _rule_op(y: float) -> Op:
    def op(c: Canvas) -> None:
        with _artifact(c):
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


def consequence_icons(invitation: int | None) -> tuple[str, ...]:
    """The pictograms of what happens when the client stays away (brede intake)."""
    return {1: ("warning_letter",), 2: ("fine",), 3: ("fine", "plan_without_you")}.get(
        invitation or 0, ()
    )


@dataclass(frozen=True)
class _Deferred:
    lines: Sequence[Line]
    x0: float
    x1: float
    offset: float
    style: TextStyle
    lang: str


def _shift(d: _Deferred, top: float) -> Op:
    return _text_op(d.lines, d.x0, d.x1, top - d.offset, d.style, d.lang)


ICON_COL = 18 * MM
GRID_ICON_COL = 15 * MM  # Dutch only: two rows side by side
ICON = 12 * MM
PAD = 1.0 * MM
GAP = 6 * MM


def _cell_text(
    rows: Sequence[tuple[str, Sequence[str]]],
    x0: float,
    x1: float,
    t: T.LetterTexts,
    lang: str,
    *,
    top: float = PAD,
    first_bold: bool = True,
) -> tuple[list[_Deferred], float]:
    """A label with its value lines (the first in bold) in one column; its height."""
    out: list[_Deferred] = []
    h = top
    for label, values in rows:
        if label:
            ll = _lines(label, x1 - x0, LABEL, t.rtl)
            out.append(_Deferred(ll, x0, x1, h, LABEL, lang))
            h += LABEL.leading * len(ll)
        for i, value in enumerate(values):
            style = VALUE if i == 0 and first_bold else VALUE_PLAIN
            vl = _lines(value, x1 - x0, style, t.rtl)
            out.append(_Deferred(vl, x0, x1, h, style, lang))
            h += style.leading * len(vl)
    return out, h + PAD


def _row_icons(
    row: T.PictoRow, data: LetterData, x: float
) -> tuple[list[tuple[str, float, float, float]], float]:
    """The pictograms of a row in its icon column: (key, x, offset, size), height."""
    if row.key == "consequence":
        keys = consequence_icons(data.appointment.invitation_number) or ("mandatory",)
        size = ICON if len(keys) == 1 else 9 * MM  # two: one above the other
        icons = [(k, x, PAD + i * (size + MM), size) for i, k in enumerate(keys)]
        return icons, PAD * 2 + len(keys) * (size + MM) - MM
    key = _what_icon(data.appointment.kind) if row.key == "what" else row.key
    icons = [(key, x, PAD, ICON)]
    if row.key == "with_whom" and row.interpreter:
        icons.append(("interpreter", x, PAD + ICON * 1.05, ICON * 0.85))
        return icons, PAD * 2 + ICON * 1.9
    return icons, PAD * 2 + ICON


def _place(
    flow: Flow,
    deferred: list[_Deferred],
    icons: list[tuple[str, float, float, float]],
    height: float,
) -> None:
    flow.need(height)
    top = flow.y
    for d in deferred:
        flow.add(_shift(d, top))
    for key, x, off, size in icons:
        flow.add(_icon_op(key, x, top - off, size))
    flow.y -= height
    flow.add(_rule_op(flow.y))


def _picto_block(flow: Flow, data: LetterData, nl: T.LetterTexts, cl: T.LetterTexts | None) -> None:
    """WAT / WANNEER / WAAR / MET WIE / MEENEMEN (/ KOMT U NIET?), the telephone row and
    the QR code. Bilingual: each row has a Dutch and a client-language column. Dutch
    only: two rows side by side and the QR code beside the telephone row, so the whole
    letter fits on one page."""
    flow.need(10)
    flow.add(_rule_op(flow.y))
    modules = qr_modules(qr_payload(data))
    qr = qr_size(modules)
    if cl is None:
        mid = LEFT + (WIDTH - GAP) / 2
        halves = [(LEFT, mid), (mid + GAP, RIGHT)]
        rows = list(nl.picto)
        for i in range(0, len(rows), 2):
            deferred: list[_Deferred] = []
            icons: list[tuple[str, float, float, float]] = []
            heights: list[float] = []
            for (h0, h1), row in zip(halves, rows[i : i + 2], strict=False):
                d, h = _cell_text([(row.label, row.lines)], h0 + GRID_ICON_COL, h1, nl, "")
                ic, ih = _row_icons(row, data, h0 + 1 * MM)
                deferred += d
                icons += ic
                heights += [h, ih]
            _place(flow, deferred, icons, max(heights))
        # the QR code at the left, then the telephone icon and the telephone text
        x_icon = LEFT + qr + 2 * MM
        x_text = x_icon + ICON + 3 * MM
        d, h = _cell_text([("", nl.phone_lines)], x_text, RIGHT, nl, "")
        caption = [("", (nl.qr_caption,))]
        d2, h2 = _cell_text(caption, x_text, RIGHT, nl, "", top=h, first_bold=False)
        height = max(h2, qr + 2 * PAD)
        flow.need(height)
        flow.add(_qr_op(modules, LEFT, flow.y - PAD, qr))
        _place(flow, d + d2, [("phone", x_icon, PAD, ICON)], height)
        flow.y -= 3 * MM
        return

    x_text = LEFT + ICON_COL
    mid = x_text + (RIGHT - x_text - GAP) / 2
    cols = [(x_text, mid, nl, ""), (mid + GAP, RIGHT, cl, cl.lang)]
    for idx, row in enumerate(nl.picto):
        deferred = []
        heights = []
        for x0, x1, t, lang in cols:
            r = t.picto[idx]
            d, h = _cell_text([(r.label, r.lines)], x0, x1, t, lang)
            deferred += d
            heights.append(h)
        icons, ih = _row_icons(row, data, LEFT + 3 * MM)
        _place(flow, deferred, icons, max([*heights, ih]))
    # telephone row: can't come (bold), when to call, "don't understand this letter?"
    deferred = []
    heights = []
    for x0, x1, t, lang in cols:
        d, h = _cell_text([("", t.phone_lines)], x0, x1, t, lang)
        deferred += d
        heights.append(h)
    _place(flow, deferred, [("phone", LEFT + 3 * MM, PAD, ICON)], max([*heights, ICON + 2 * PAD]))
    # the QR code, with its caption beside it in both languages
    x_caption = LEFT + qr + 3 * MM
    cmid = x_caption + (RIGHT - x_caption - GAP) / 2
    deferred = []
    heights = []
    for (x0, x1), (_a, _b, t, lang) in zip(
        ((x_caption, cmid), (cmid + GAP, RIGHT)), cols, strict=True
    ):
        d, h = _cell_text([("", (t.qr_caption,))], x0, x1, t, lang, top=3 * MM, first_bold=False)
        deferred += d
        heights.append(h)
    height = max([*heights, qr + 2 * PAD])
    flow.need(height)
    flow.add(_qr_op(modules, LEFT, flow.y - PAD, qr))
    _place(flow, deferred, [], height)
    flow.y -= 6 * MM


def facts_block(flow: Flow, rows: Sequence[tuple[str, str]]) -> None:
    """Label and value rows (Dutch, left to right), between rules: what a statement
    declares, for whoever reads it (DUO)."""
    label_w = 62 * MM
    flow.need(10)
    flow.add(_rule_op(flow.y))
    for label, value in rows:
        ll = _lines(label, label_w - 3 * MM, SMALL, False)
        vl = _lines(value, WIDTH - label_w, VALUE, False)
        height = max(SMALL.leading * len(ll), VALUE.leading * len(vl)) + 2 * PAD
        flow.need(height)
        grey = TextStyle(size=SMALL.size, leading=SMALL.leading, color=GREY)
        flow.add(_text_op(ll, LEFT, LEFT + label_w - 3 * MM, flow.y - PAD, grey))
        flow.add(_text_op(vl, LEFT + label_w, RIGHT, flow.y - PAD, VALUE))
        flow.y -= height
    flow.add(_rule_op(flow.y))
    flow.y -= 6 * MM


def _section(flow: Flow, t: T.LetterTexts, heading: str, marker: str) -> None:
    """One language's text: greeting, purpose, interpreter, consequence, signature."""
    lang = "" if t.lang == "nl" else t.lang
    flow.need(HEAD.leading + 4 * BODY.leading)
    top = flow.y
    hl = _lines(heading, WIDTH - 8 * MM, HEAD, t.rtl)
    if not hl:
        _paragraphs(flow, t, lang)
        return
    bar_x = RIGHT - 2.5 * MM if t.rtl else LEFT

    def bar(c: Canvas, top: float = top, n: int = len(hl)) -> None:
        with _artifact(c):
            c.setFillColorRGB(*ACCENT)
            c.rect(
                bar_x, top - HEAD.leading * n - 1, 2.5 * MM, HEAD.leading * n + 1, stroke=0, fill=1
            )

    flow.add(bar)
    flow.add(_text_op(hl, LEFT + 5 * MM, RIGHT - 5 * MM, top, HEAD, lang))
    flow.y -= HEAD.leading * len(hl) + 2
    if marker:
        flow.paragraph(marker, SMALL, t.rtl, space_after=4, lang=lang)
    flow.y -= 2
    _paragraphs(flow, t, lang)


def _paragraphs(flow: Flow, t: T.LetterTexts, lang: str) -> None:
    body, bold_body = (BODY_RTL, BODY_RTL_BOLD) if t.rtl else (BODY, BODY_BOLD)
    for para in t.paragraphs:
        style = bold_body if para.bold else body
        flow.paragraph(para.text, style, t.rtl, space_after=5, lang=lang)
    flow.y -= 2
    flow.need(body.leading * len(t.signature) + 6)
    for i, text in enumerate(t.signature):
        flow.paragraph(text, body, t.rtl, space_after=6 if i == 0 else 0, lang=lang)
    flow.y -= 6 * MM


def _footer(c: Canvas, data: Sent, page: int, pages: int) -> None:
    # An en dash between the parts: a middle dot reads as a zero next to Persian digits.
    parts = [data.gemeente.name]
    if data.reference:
        parts.append(f"Kenmerk {data.reference}")
    parts.append(f"Pagina {page} van {pages}")
    grey = TextStyle(size=FOOTER.size, leading=FOOTER.leading, color=GREY)
    lines = _lines("  \u2013  ".join(p for p in parts if p), WIDTH, FOOTER, False)
    _text_op(lines[:1], LEFT, RIGHT, 12 * MM + FOOTER.size, grey)(c)


def letter_language(data: Sent) -> str:
    """The language beside Dutch ("nl": a Dutch-only letter)."""
    return data.lang if data.lang in T.LETTER_LANGUAGES else "nl"


def new_flow() -> Flow:
    """The text flow of a letter, starting below the address block on page 1."""
    flow = Flow()
    flow.y = _y(96)
    return flow


def language_sections(flow: Flow, nl: T.LetterTexts, cl: T.LetterTexts | None) -> None:
    """The Dutch text (authoritative), then the client's language with its note that it
    is a translation. A Dutch-only letter needs no heading to say which text is Dutch."""
    _section(flow, nl, "Nederlands" if cl is not None else "", "")
    if cl is not None:
        _section(
            flow,
            cl,
            T.own_name(cl.lang),
            f"{cl.translation_note} ({ltr('Vertaling. De Nederlandse tekst geldt.')})",
        )


def draw_pages(c: Canvas, data: Sent, flow: Flow, subject: str) -> int:
    """Draw a letter's pages: letterhead, address and date block on page 1, the flow,
    a footer on every page. Returns the number of pages."""
    for number, ops in enumerate(flow.pages, start=1):
        if number == 1:
            _letterhead(c, data)
            _address_block(c, data)
            _meta_block(c, data, subject)
        for op in ops:
            op(c)
        _footer(c, data, number, len(flow.pages))
        c.showPage()
    return len(flow.pages)


def _draw_letter(c: Canvas, data: LetterData) -> int:
    """Draw one letter on new pages; returns its number of pages."""
    lang = letter_language(data)
    nl = T.build_texts(data, "nl")
    cl = T.build_texts(data, lang) if lang != "nl" else None
    flow = new_flow()
    # The title is the first row of the pictogram block (WAT), in both languages.
    _picto_block(flow, data, nl, cl)
    language_sections(flow, nl, cl)
    return draw_pages(c, data, flow, nl.title)


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

    Refused (:class:`~klantapp.letters.checks.LetterNotPrintable`) before anything is
    drawn when a letter could not arrive or be answered. With ``duplex`` (the default)
    a letter with an odd number of pages is followed by a blank page, so that printed
    on both sides no letter starts on the back of another person's letter.
    """
    check_letters(letters)

    def draw(c: Canvas) -> None:
        total = len(letters)
        for done, data in enumerate(letters, start=1):
            pages = _draw_letter(c, data)
            if duplex and pages % 2 and done < total:
                c.showPage()
            if progress is not None:
                progress(done, total)
        if not letters:
            c.showPage()

    return pdf_document(
        "Uitnodiging" if len(letters) == 1 else "Uitnodigingen",
        letters[0].gemeente.name if letters else "Klantapp",
        draw,
    )


def pdf_document(title: str, author: str, draw: Callable[[Canvas], None]) -> bytes:
    """A tagged PDF in memory, with its title and author, drawn by ``draw``."""
    register_fonts()
    buf = io.BytesIO()
    with _render_lock, _binary_streams():
        c = TaggedCanvas(
            buf,
            pagesize=A4,
            pageCompression=1,
            initialFontName=font_name("latin"),
            lang="nl-NL",
        )
        c.setTitle(title)
        c.setAuthor(author)
        c.setCreator("Klantapp")
        c.setViewerPreference("DisplayDocTitle", "true")
        draw(c)
        c.save()
    return buf.getvalue()


def render_letter(data: LetterData) -> bytes:
    """One appointment letter as PDF bytes."""
    return render_letters([data])
