"""The late-offer statement: the gemeente declares that its offer started late.

When the gemeente's offer of the leerroute did not start within 3 months of the first
PIP (6 on the onderwijsroute), DUO may extend the person's inburgeringstermijn (art. 12
Wi2021; Besluit inburgering 2021 art. 4.4; DOMAIN.md 1.8), and the gemeente gives the
person a statement to send with the request. The facts come from
:func:`klantapp.domain.deadlines.late_offer`.

The letter: the letterhead and the address in the envelope window as on every letter,
a block of facts in Dutch for DUO (name, birth date, BSN, leerroute, the PIP's
dagtekening, the last day to start and the day it started or that it has not), then the text in Dutch
(authoritative) and in the person's language, signed by the klantmanager.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from reportlab.pdfgen.canvas import Canvas

from klantapp.letters import texts as T
from klantapp.letters.bidi_layout import ltr
from klantapp.letters.checks import check_letter
from klantapp.letters.model import LateOfferData
from klantapp.letters.render import (
    HEAD,
    SMALL,
    draw_pages,
    facts_block,
    language_sections,
    letter_language,
    new_flow,
    pdf_document,
)

# The facts block is for DUO: Dutch only.
_ROUTES = {"b1": "B1-route", "onderwijs": "Onderwijsroute", "z": "Z-route"}
_PURPOSE = (
    "Deze verklaring hoort bij een aanvraag bij DUO om verlenging van de "
    "inburgeringstermijn (artikel 12 Wet inburgering 2021)."
)


def offer_months(leerroute: str) -> int:
    """The months the offer had to start in: 6 on the onderwijsroute, else 3."""
    return 6 if leerroute == "onderwijs" else 3


def day_text(day: date, lang: str) -> str:
    """A date written out in ``lang`` ("12 maart 2026"), in the reader's digits."""
    return T.native_digits(format_date(day, "long", locale=T.babel_locale(lang)), lang)


def birth_date_text(value: str) -> str:
    """A recorded birth date as DUO reads it: "17-05-1990", "05-1990" or "1990"."""
    parts = value.split("-")
    return "-".join(reversed(parts)) if all(p.isdigit() for p in parts) else value


def facts(data: LateOfferData) -> list[tuple[str, str]]:
    """The Dutch facts block: who it is about and the dates of the offer."""
    rows = [("Naam", data.recipient.name)]
    if data.birth_date:
        rows.append(("Geboortedatum", birth_date_text(data.birth_date)))
    if data.bsn:
        rows.append(("BSN", data.bsn))
    if data.leerroute in _ROUTES:
        rows.append(("Leerroute", _ROUTES[data.leerroute]))
    rows += [
        ("PIP vastgesteld op (dagtekening)", day_text(data.pip_date, "nl")),
        ("Uiterste startdatum aanbod", day_text(data.deadline, "nl")),
        (
            "Start van het aanbod",
            day_text(data.started, "nl")
            if data.started is not None
            else f"nog niet gestart op {day_text(data.letter_date, 'nl')}",
        ),
    ]
    return rows


def build_texts(data: LateOfferData, lang: str) -> T.LetterTexts:
    """The statement's text in ``lang`` ("nl" for the Dutch section)."""
    t = T.texts_for(lang, data.recipient.sex)
    _ = t.text
    rtl = T.is_rtl(lang)
    gem = data.gemeente
    phone = ltr(T.nobreak(gem.phone))
    months = T.native_digits(str(offer_months(data.leerroute)), lang)
    if data.started is not None:
        started = _(T.LO_STARTED).format(date=day_text(data.started, lang))
    else:
        started = _(T.LO_NOT_STARTED).format(date=day_text(data.letter_date, lang))
    facts_text = " ".join(
        (
            _(T.LO_PIP).format(date=day_text(data.pip_date, lang)),
            _(T.LO_RULE).format(months=months, date=day_text(data.deadline, lang)),
            started,
        )
    )
    paras = (
        T.Para(_(T.T_DEAR).format(name=data.recipient.name)),
        T.Para(_(T.LO_INTRO)),
        T.Para(facts_text),
        T.Para(_(T.LO_DUO), bold=True),
        T.Para(f"{_(T.LO_KEEP)} {_(T.T_NOT_UNDERSTAND).format(phone=phone)}"),
    )
    signature = T.signature_lines(data, lang, t)
    return T.LetterTexts(
        lang=lang,
        rtl=rtl,
        title=_(T.LO_TITLE),
        paragraphs=paras,
        picto=(),
        phone_lines=(),
        qr_caption="",
        translation_note=_(T.T_TRANSLATION_NOTE),
        signature=tuple(signature),
    )


def _draw(c: Canvas, data: LateOfferData) -> int:
    lang = letter_language(data)
    nl = build_texts(data, "nl")
    cl = build_texts(data, lang) if lang != "nl" else None
    flow = new_flow()
    flow.paragraph(nl.title, HEAD, False, space_after=2)
    if cl is not None:
        flow.paragraph(cl.title, HEAD, cl.rtl, space_after=2, lang=lang)
    flow.y -= 4
    facts_block(flow, facts(data))
    flow.paragraph(_PURPOSE, SMALL, False, space_after=8)
    language_sections(flow, nl, cl)
    return draw_pages(c, data, flow, "Verklaring te laat gestart aanbod")


def render_late_offer(data: LateOfferData) -> bytes:
    """The statement as PDF bytes. Refused
    (:class:`~klantapp.letters.checks.LetterNotPrintable`) like every letter when it
    could not arrive or be answered: no full postal address, no sender."""
    check_letter(data)

    def draw(c: Canvas) -> None:
        _draw(c, data)

    return pdf_document("Verklaring te laat gestart aanbod", data.gemeente.name, draw)
