"""The words of a letter: Dutch source strings, translated through gettext.

Catalogs: ``translations/letters/<lang>.po`` (domain ``letters``). The Dutch strings
below are the msgids and the authoritative text (B1 or simpler: short sentences,
numbers as digits). A header field ``X-Translation-Reviewed`` in each catalog says
whether a qualified translator checked it; see :func:`catalog_reviewed`.

Placeholders use ``str.format`` names; every translation must keep the same names
(``tests/letters`` checks this).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from babel.dates import format_date, format_time

from klantapp.i18n import translation
from klantapp.letters.bidi_layout import ltr
from klantapp.letters.model import LetterData
from klantapp.paths import translations_dir

DOMAIN = "letters"


def N_(message: str) -> str:
    """Mark a string for extraction; translated later."""
    return message


# code, name in its own language, babel locale, right-to-left
LANGUAGE_TABLE: tuple[tuple[str, str, str, bool], ...] = (
    ("nl", "Nederlands", "nl", False),
    ("en", "English", "en_GB", False),
    ("ar", "العربية", "ar", True),
    ("ti", "ትግርኛ", "ti", False),
    ("fa", "فارسی", "fa", True),
    ("prs", "دری", "fa_AF", True),
    ("ps", "پښتو", "ps", True),
    ("so", "Soomaali", "so", False),
    ("tr", "Türkçe", "tr", False),
    ("kmr", "Kurmancî", "ku", False),
    ("ckb", "کوردی (سۆرانی)", "ckb", True),
    ("am", "አማርኛ", "am", False),
    ("uk", "Українська", "uk", False),
    ("ru", "Русский", "ru", False),
    ("fr", "Français", "fr", False),
)
_BY_CODE = {row[0]: row for row in LANGUAGE_TABLE}
LETTER_LANGUAGES: tuple[str, ...] = tuple(row[0] for row in LANGUAGE_TABLE)

# Native digits: a deliberate choice per language (babel/CLDR gives Latin digits).
# Farsi, Dari and Pashto readers read Extended Arabic-Indic digits (۰-۹) first; Sorani
# in Iraq uses Arabic-Indic digits (٠-٩). Arabic keeps Latin digits: CLDR's default for
# "ar", and what Syrian and Iraqi readers also see on Dutch signs and phones. Native
# digits are used for the date, time and duration only; phone numbers, postcodes,
# house numbers and amounts stay in Latin digits, as they are dialled and signposted.
_NATIVE_DIGITS: dict[str, str] = {
    "fa": "۰۱۲۳۴۵۶۷۸۹",
    "prs": "۰۱۲۳۴۵۶۷۸۹",
    "ps": "۰۱۲۳۴۵۶۷۸۹",
    "ckb": "٠١٢٣٤٥٦٧٨٩",
}

KIND_TITLES: dict[str, str] = {
    "warme_overdracht": N_("Kennismaking met de gemeente"),
    "brede_intake": N_("Brede intake"),
    "leerbaarheidstoets": N_("Leerbaarheidstoets"),
    "pip": N_("Gesprek over uw plan (PIP)"),
    "voortgang": N_("Gesprek over hoe het gaat"),
    "map_eindgesprek": N_("Eindgesprek over werk en meedoen (MAP)"),
    "z_eindgesprek": N_("Eindgesprek Z-route"),
    "pvt": N_("Bijeenkomst participatieverklaring"),
}

KIND_PURPOSES: dict[str, str] = {
    "warme_overdracht": N_(
        "U maakt kennis met uw klantmanager. Een medewerker van het COA is er ook."
    ),
    "brede_intake": N_(
        "We praten over uw leven, uw taal, uw school en uw werk. Daarna maken we samen een plan."
    ),
    "leerbaarheidstoets": N_(
        "U maakt een toets op de computer. De toets laat zien hoe u het best Nederlands leert. "
        "U hoeft niet te leren voor de toets."
    ),
    "pip": N_("We praten over uw plan voor inburgering. In het plan staat welke cursus u doet."),
    "voortgang": N_("We praten over uw inburgering. Hoe gaat het met de cursus?"),
    "map_eindgesprek": N_("We praten over wat u heeft geleerd over werk in Nederland."),
    "z_eindgesprek": N_("We praten over wat u heeft geleerd in de Z-route."),
    "pvt": N_(
        "U leert over de regels en waarden in Nederland. "
        "Aan het eind tekent u de participatieverklaring."
    ),
}

INTERPRETER_TEXTS: dict[str, str] = {
    "ter_plaatse": N_("Er is een tolk {language}. De tolk is bij het gesprek."),
    "telefoon": N_("Er is een tolk {language}. De tolk helpt via de telefoon."),
    "video": N_("Er is een tolk {language}. De tolk helpt via een video."),
}

CONSEQUENCES: dict[int, str] = {
    1: N_(
        "Deze afspraak is verplicht. Komt u niet? Dan krijgt u een waarschuwing. "
        "U krijgt dan een nieuwe uitnodiging."
    ),
    2: N_(
        "Deze afspraak is verplicht. Dit is de tweede uitnodiging. Komt u niet? "
        "Dan krijgt u een boete van {amount}. U krijgt dan een derde uitnodiging."
    ),
    3: N_(
        "Deze afspraak is verplicht. Dit is de derde en laatste uitnodiging. Komt u niet? "
        "Dan krijgt u nog een boete van {amount}. De gemeente maakt uw plan (PIP) dan zonder u."
    ),
}

FINE_AMOUNT = "€ 250"

T_INVITATION = N_("Uitnodiging: {kind}")
T_DEAR = N_("Beste {name},")
T_HAVE_APPOINTMENT = N_("U heeft een afspraak met de gemeente.")
T_WHEN = N_("De afspraak is op {date} om {time} uur.")
T_ADDRESS = N_("Het adres is: {address}.")
T_DURATION = N_("Het gesprek duurt ongeveer {minutes} minuten.")
T_BRING = N_("Neem mee: {things}.")
T_BRING_DEFAULT = N_("uw verblijfsdocument en deze brief")
T_CANNOT_COME = N_("Kunt u niet komen? Bel dan {phone}. Doe dit vóór de afspraak.")
T_QUESTIONS = N_("Heeft u vragen? Bel de gemeente: {phone}.")
T_REGARDS = N_("Met vriendelijke groet,")
T_KLANTMANAGER = N_("Klantmanager inburgering")
T_QR = N_("Scan de code met uw telefoon. Dan staat de afspraak in uw agenda.")
T_TRANSLATION_NOTE = N_("Dit is een vertaling. De Nederlandse tekst is de officiële tekst.")
T_WITH_KLANTMANAGER = N_("{name}, klantmanager")
T_YOUR_KLANTMANAGER = N_("Uw klantmanager")
T_INTERPRETER = N_("Tolk: {language}")
T_ROUTE = N_("Route: {route}")
T_MINUTES = N_("{minutes} minuten")
LABEL_WHAT = N_("WAT")
LABEL_WHEN = N_("WANNEER")
LABEL_WHERE = N_("WAAR")
LABEL_WITH_WHOM = N_("MET WIE")
LABEL_BRING = N_("MEENEMEN")

ALL_MESSAGES: tuple[str, ...] = (
    *KIND_TITLES.values(),
    *KIND_PURPOSES.values(),
    *INTERPRETER_TEXTS.values(),
    *CONSEQUENCES.values(),
    T_INVITATION,
    T_DEAR,
    T_HAVE_APPOINTMENT,
    T_WHEN,
    T_ADDRESS,
    T_DURATION,
    T_BRING,
    T_BRING_DEFAULT,
    T_CANNOT_COME,
    T_QUESTIONS,
    T_REGARDS,
    T_KLANTMANAGER,
    T_QR,
    T_TRANSLATION_NOTE,
    T_WITH_KLANTMANAGER,
    T_YOUR_KLANTMANAGER,
    T_INTERPRETER,
    T_ROUTE,
    T_MINUTES,
    LABEL_WHAT,
    LABEL_WHEN,
    LABEL_WHERE,
    LABEL_WITH_WHOM,
    LABEL_BRING,
)


def is_rtl(lang: str) -> bool:
    row = _BY_CODE.get(lang)
    return bool(row and row[3])


def own_name(lang: str) -> str:
    row = _BY_CODE.get(lang)
    return row[1] if row else lang


def babel_locale(lang: str) -> str:
    row = _BY_CODE.get(lang)
    return row[2] if row else "nl"


def catalog_headers(lang: str) -> dict[str, str]:
    """The header fields of ``translations/letters/<lang>.po`` (empty when missing).

    Read from the file itself: babel keeps only the standard fields, and the review
    status is a custom one.
    """
    path = translations_dir() / DOMAIN / f"{lang}.po"
    if not path.is_file():
        return {}
    text: list[str] = []
    in_header = False
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            line = raw.strip()
            if not in_header:
                if line == 'msgstr ""':
                    in_header = True
                continue
            if not line.startswith('"'):
                break
            text.append(line[1:-1].replace('\\"', '"').replace("\\n", "\n"))
    headers: dict[str, str] = {}
    for entry in "".join(text).split("\n"):
        key, sep, value = entry.partition(":")
        if sep:
            headers[key.strip().lower()] = value.strip()
    return headers


@lru_cache(maxsize=64)
def catalog_reviewed(lang: str) -> bool:
    """Whether a qualified translator reviewed the letter catalog of ``lang``.

    From the catalog header ``X-Translation-Reviewed: yes|no`` (with the reviewer in
    ``X-Reviewed-By``). Dutch, the source, counts as reviewed; a missing catalog or
    header counts as not reviewed.
    """
    if lang == "nl":
        return True
    value = catalog_headers(lang).get("x-translation-reviewed", "")
    return value.lower() in ("yes", "ja", "true", "1")


def letter_languages() -> list[tuple[str, str, bool]]:
    """(code, name in its own language, reviewed) for every letter language."""
    return [(code, name, catalog_reviewed(code)) for code, name, _, _ in LANGUAGE_TABLE]


_POSTCODE = re.compile(r"\b(\d{4}) ?([A-Z]{2})\b")


def nobreak(text: str) -> str:
    """Spaces that must not become line breaks (phone numbers, "€ 250", "60 minuten")."""
    return text.replace(" ", "\u00a0")


def keep_postcodes(text: str) -> str:
    """Keep Dutch postcodes ("9712 AB") on one line."""
    return _POSTCODE.sub("\\1\u00a0\\2", text)


def native_digits(text: str, lang: str) -> str:
    digits = _NATIVE_DIGITS.get(lang)
    if not digits:
        return text
    return text.translate(str.maketrans("0123456789", digits))


def format_when(starts_at: datetime, lang: str) -> tuple[str, str]:
    """(weekday + date, time) in the conventions of ``lang`` (Gregorian calendar)."""
    loc = babel_locale(lang)
    day = format_date(starts_at, "full", locale=loc)
    time = format_time(starts_at, "short", locale=loc).replace("\u202f", " ")
    return native_digits(day, lang), native_digits(time, lang)


@dataclass(frozen=True)
class PictoRow:
    key: str  # what, when, where, with_whom, bring
    label: str
    lines: tuple[str, ...]
    interpreter: str = ""  # language shown beside the interpreter icon


@dataclass(frozen=True)
class LetterTexts:
    """All text of one language section, already filled in."""

    lang: str
    rtl: bool
    title: str
    paragraphs: tuple[tuple[str, bool], ...]  # (text, bold)
    picto: tuple[PictoRow, ...]
    cannot_come: str
    qr_caption: str
    translation_note: str


def build_texts(data: LetterData, lang: str) -> LetterTexts:
    """The filled-in text of ``data`` in ``lang`` ("nl" for the Dutch section)."""
    tr = translation(DOMAIN, lang)
    _ = tr.gettext
    rtl = is_rtl(lang)
    appt = data.appointment
    gem = data.gemeente
    kind_title = _(KIND_TITLES.get(appt.kind, KIND_TITLES["voortgang"]))
    day, time = format_when(appt.starts_at, lang)
    time = nobreak(time)
    phone = ltr(nobreak(gem.phone))
    address = ltr(keep_postcodes(appt.location))
    if lang == "nl":
        interp_lang = _dutch_language_name(appt.interpreter_language)
    else:
        interp_lang = own_name(appt.interpreter_language)

    paras: list[tuple[str, bool]] = [(_(T_DEAR).format(name=data.recipient.name), False)]
    paras.append(
        (
            " ".join(
                [_(T_HAVE_APPOINTMENT), _(KIND_PURPOSES.get(appt.kind, KIND_PURPOSES["voortgang"]))]
            ),
            False,
        )
    )
    when = [_(T_WHEN).format(date=day, time=time), _(T_ADDRESS).format(address=address)]
    if appt.duration_minutes:
        minutes = native_digits(str(appt.duration_minutes), lang)
        when.append(_(T_DURATION).format(minutes=minutes))
    paras.append((" ".join(when), False))
    if appt.interpreter_mode in INTERPRETER_TEXTS and appt.interpreter_language:
        paras.append(
            (_(INTERPRETER_TEXTS[appt.interpreter_mode]).format(language=interp_lang), False)
        )
    things = ltr(appt.bring) if appt.bring else _(T_BRING_DEFAULT)
    paras.append((_(T_BRING).format(things=things), False))
    if appt.kind == "brede_intake" and appt.invitation_number in CONSEQUENCES:
        text = _(CONSEQUENCES[appt.invitation_number]).format(amount=ltr(nobreak(FINE_AMOUNT)))
        paras.append((text, True))
    cannot = _(T_CANNOT_COME).format(phone=phone)
    paras.append((cannot, True))
    paras.append((_(T_QUESTIONS).format(phone=phone), False))

    who = (
        _(T_WITH_KLANTMANAGER).format(name=appt.with_whom)
        if appt.with_whom
        else _(T_YOUR_KLANTMANAGER)
    )
    where = [address]
    if appt.route_note:
        where.append(_(T_ROUTE).format(route=ltr(appt.route_note)))
    when_lines = [day, time]
    if appt.duration_minutes:
        minutes = native_digits(str(appt.duration_minutes), lang)
        when_lines[1] = f"{time}  ·  {nobreak(_(T_MINUTES).format(minutes=minutes))}"
    interp = ""
    with_lines = [who]
    if appt.interpreter_mode and appt.interpreter_language:
        interp = interp_lang
        with_lines.append(_(T_INTERPRETER).format(language=interp_lang))
    picto = (
        PictoRow("what", _(LABEL_WHAT), (kind_title,)),
        PictoRow("when", _(LABEL_WHEN), tuple(when_lines)),
        PictoRow("where", _(LABEL_WHERE), tuple(where)),
        PictoRow("with_whom", _(LABEL_WITH_WHOM), tuple(with_lines), interp),
        PictoRow("bring", _(LABEL_BRING), (things,)),
    )
    return LetterTexts(
        lang=lang,
        rtl=rtl,
        title=_(T_INVITATION).format(kind=kind_title),
        paragraphs=tuple(paras),
        picto=picto,
        cannot_come=cannot,
        qr_caption=_(T_QR),
        translation_note=_(T_TRANSLATION_NOTE),
    )


def signature_lines(data: LetterData, lang: str) -> list[str]:
    _ = translation(DOMAIN, lang).gettext
    lines = [_(T_REGARDS)]
    if data.appointment.with_whom:
        lines.append(data.appointment.with_whom)
    lines += [_(T_KLANTMANAGER), data.gemeente.name]
    return lines


def _dutch_language_name(code: str) -> str:
    from klantapp.domain.records import LANGUAGES, choice_label

    return choice_label(LANGUAGES, code)
