"""The words of a letter: Dutch source strings, translated through gettext.

Catalogs: ``translations/letters/<lang>.po`` (domain ``letters``). The Dutch strings
below are the msgids and the authoritative text (B1 or simpler: short sentences,
numbers as digits). Whether a qualified translator checked a catalog is recorded in
its header (see :mod:`klantapp.letters.review`).

Placeholders use ``str.format`` names; every translation must keep the same names
(``tests/letters`` checks this).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_date, format_time

from klantapp.i18n import translation
from klantapp.letters.bidi_layout import ltr
from klantapp.letters.model import LetterData, Sent

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

# The consequence again, short, beside its pictograms on page 1 (brede intake).
CONSEQUENCES_SHORT: dict[int, str] = {
    1: N_("Dan krijgt u een waarschuwing."),
    2: N_("Dan krijgt u een boete van {amount}."),
    3: N_("Dan krijgt u een boete van {amount}. De gemeente maakt uw plan (PIP) zonder u."),
}

FINE_AMOUNT = "€ 250"

# The common things to bring (klantapp.domain.records.BRING_ITEMS), as they read in a
# sentence: "Neem mee: paspoort of verblijfsdocument, bankpas en deze brief."
BRING_TEXTS: dict[str, str] = {
    "identiteitsbewijs": N_("paspoort of verblijfsdocument"),
    "deze_brief": N_("deze brief"),
    "bankpas": N_("bankpas"),
    "zorgpas": N_("zorgpas"),
    "brief_taalschool": N_("brief van de taalschool"),
    "diplomas": N_("diploma's en cijferlijsten"),
    "huurcontract": N_("huurcontract"),
    "brieven_duo": N_("brieven van DUO"),
    "leesbril": N_("leesbril"),
    "kinderen": N_("de kinderen"),
}
BRING_DEFAULT: tuple[str, ...] = ("identiteitsbewijs", "deze_brief")

T_INVITATION = N_("Uitnodiging: {kind}")
T_DEAR = N_("Beste {name},")
T_HAVE_APPOINTMENT = N_("U heeft een afspraak met de gemeente.")
T_DUTCH_TIME = N_("{time} (Nederlandse tijd)")
T_INTERPRETER_FREE = N_("De tolk is gratis.")
T_CANNOT_COME = N_("Kunt u niet komen? Bel dan {phone}. Doe dit vóór de afspraak.")
T_PHONE_HOURS = N_("U kunt bellen op {days} van {start} tot {end} uur.")
T_DAY_RANGE = N_("{first} tot en met {last}")
T_NOT_UNDERSTAND = N_("Begrijpt u deze brief niet? Bel {phone}.")
T_MANDATORY = N_("Deze afspraak is verplicht.")
T_REGARDS = N_("Met vriendelijke groet,")
T_KLANTMANAGER = N_("Klantmanager inburgering")
T_QR = N_("Scan de code met uw telefoon. Dan staat de afspraak in uw agenda.")
T_TRANSLATION_NOTE = N_("Dit is een vertaling. De Nederlandse tekst is de officiële tekst.")
T_WITH_KLANTMANAGER = N_("{name}, klantmanager")
T_YOUR_KLANTMANAGER = N_("Uw klantmanager")
T_INTERPRETER = N_("Tolk: {language}")
T_ROUTE = N_("Route: {route}")
T_MINUTES = N_("{minutes} minuten")
T_DUTCH_TEXT = N_("{text} (in het Nederlands)")
LABEL_WHAT = N_("WAT")
LABEL_WHEN = N_("WANNEER")
LABEL_WHERE = N_("WAAR")
LABEL_WITH_WHOM = N_("MET WIE")
LABEL_BRING = N_("MEENEMEN")
LABEL_IF_NOT = N_("KOMT U NIET?")


# The late-offer statement (klantapp.letters.late_offer).
LO_TITLE = N_("Verklaring: het aanbod voor uw inburgering startte te laat")
LO_INTRO = N_(
    "De gemeente verklaart met deze brief dat uw aanbod voor inburgering te laat is gestart."
)
LO_PIP = N_("Uw plan (PIP) is vastgesteld op {date}.")
LO_RULE = N_("Het aanbod moest binnen {months} maanden starten, dus uiterlijk op {date}.")
LO_STARTED = N_("Het aanbod is gestart op {date}.")
LO_NOT_STARTED = N_("Op {date} was het aanbod nog niet gestart.")
LO_DUO = N_(
    "U kunt DUO vragen om uw inburgeringstermijn te verlengen. Stuur deze brief mee met "
    "uw aanvraag."
)
LO_KEEP = N_("Bewaar deze brief goed.")


def _language_names() -> tuple[str, ...]:
    from klantapp.domain.records import LANGUAGES

    return tuple(name for _, name in LANGUAGES)


# The Dutch names of the languages (klantapp.domain.records.LANGUAGES) are msgids too:
# an interpreter language is named in the reader's language ("Arabic" in English, not
# "العربية" inside English text).
LANGUAGE_NAMES: tuple[str, ...] = _language_names()

ALL_MESSAGES: tuple[str, ...] = (
    *KIND_TITLES.values(),
    *KIND_PURPOSES.values(),
    *INTERPRETER_TEXTS.values(),
    *CONSEQUENCES.values(),
    *CONSEQUENCES_SHORT.values(),
    *BRING_TEXTS.values(),
    *LANGUAGE_NAMES,
    T_INVITATION,
    T_DEAR,
    T_HAVE_APPOINTMENT,
    T_DUTCH_TIME,
    T_INTERPRETER_FREE,
    T_CANNOT_COME,
    T_PHONE_HOURS,
    T_DAY_RANGE,
    T_NOT_UNDERSTAND,
    T_MANDATORY,
    T_REGARDS,
    T_KLANTMANAGER,
    T_QR,
    T_TRANSLATION_NOTE,
    T_WITH_KLANTMANAGER,
    T_YOUR_KLANTMANAGER,
    T_INTERPRETER,
    T_ROUTE,
    T_MINUTES,
    T_DUTCH_TEXT,
    LABEL_WHAT,
    LABEL_WHEN,
    LABEL_WHERE,
    LABEL_WITH_WHOM,
    LABEL_BRING,
    LABEL_IF_NOT,
    LO_TITLE,
    LO_INTRO,
    LO_PIP,
    LO_RULE,
    LO_STARTED,
    LO_NOT_STARTED,
    LO_DUO,
    LO_KEEP,
)

# Readers who may count the hours of the day from 06:00 (the Ethiopian and Eritrean
# clock): their time gets "(Nederlandse tijd)" in their language.
LOCAL_CLOCK_LANGUAGES = frozenset({"am", "ti"})

# gettext contexts for the forms that depend on the reader's sex (Arabic, Tigrinya,
# Pashto address a woman and a man differently). A catalog gives ``msgctxt "vrouw"``
# or ``"man"`` entries only where it needs them; the plain entry is the wording for
# anyone else and should be neutral where the language allows.
SEX_CONTEXTS: dict[str, str] = {"v": "vrouw", "m": "man"}


def is_rtl(lang: str) -> bool:
    row = _BY_CODE.get(lang)
    return bool(row and row[3])


def own_name(lang: str) -> str:
    row = _BY_CODE.get(lang)
    return row[1] if row else lang


def babel_locale(lang: str) -> str:
    row = _BY_CODE.get(lang)
    return row[2] if row else "nl"


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


def format_time_24h(starts_at: datetime, lang: str) -> str:
    """The time on the 24-hour clock, as the Dutch part gives it ("14:00"), in the
    reader's digits: never "2:00 م" or "ድ.ቀ." beside a Dutch 14:00."""
    return native_digits(format_time(starts_at, "HH:mm", locale="nl"), lang)


def format_when(starts_at: datetime, lang: str) -> tuple[str, str]:
    """(weekday + date, time) in the conventions of ``lang`` (Gregorian calendar).

    The time is always on the 24-hour clock; for readers who may count the hours from
    06:00 it says "(Nederlandse tijd)" in their language.
    """
    day = format_date(starts_at, "full", locale=babel_locale(lang))
    time = format_time_24h(starts_at, lang)
    if lang in LOCAL_CLOCK_LANGUAGES:
        time = texts_for(lang, "").text(T_DUTCH_TIME).format(time=time)
    return native_digits(day, lang), time


@dataclass(frozen=True)
class _Texts:
    """gettext for one letter language and one reader: the reader's sex picks the
    gendered entries (``msgctxt``) where a catalog has them."""

    lang: str
    context: str

    def text(self, message: str) -> str:
        tr = translation(DOMAIN, self.lang)
        if self.context:
            found = tr.pgettext(self.context, message)
            if found != message:
                return found
        return tr.gettext(message)


def texts_for(lang: str, sex: str) -> _Texts:
    return _Texts(lang, SEX_CONTEXTS.get(sex, ""))


def language_name(code: str, lang: str) -> str:
    """The name of language ``code`` in the letter language ``lang``."""
    from klantapp.domain.records import LANGUAGES, choice_label

    return texts_for(lang, "").text(choice_label(LANGUAGES, code))


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _day_list(days: tuple[int, ...], lang: str, t: _Texts) -> str:
    """ "maandag tot en met vrijdag", or the days one by one when there are gaps."""
    from babel.dates import get_day_names
    from babel.lists import format_list

    loc = babel_locale(lang)
    names = get_day_names("wide", locale=loc)
    ordered = sorted(set(d for d in days if 0 <= d <= 6))
    if not ordered:
        return ""
    if len(ordered) >= 3 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return t.text(T_DAY_RANGE).format(first=names[ordered[0]], last=names[ordered[-1]])
    return str(format_list([names[d] for d in ordered], locale=loc))


_HOURS = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_phone_hours(text: str) -> tuple[str, str] | None:
    """("09:00", "17:00") from "9:00-17:00"; None when it cannot be read."""
    m = _HOURS.match(text)
    if not m:
        return None
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if not (0 <= h1 <= 23 and 0 <= h2 <= 24 and m1 < 60 and m2 < 60 and (h1, m1) < (h2, m2)):
        return None
    return f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}"


def phone_hours_text(data: LetterData, lang: str, t: _Texts) -> str:
    gem = data.gemeente
    hours = parse_phone_hours(gem.phone_hours) if gem.phone_hours else None
    days = _day_list(gem.phone_days, lang, t)
    if hours is None or not days:
        return ""
    start, end = (nobreak(native_digits(h, lang)) for h in hours)
    return t.text(T_PHONE_HOURS).format(days=days, start=start, end=end)


@dataclass(frozen=True)
class Para:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class PictoRow:
    key: str  # what, when, where, with_whom, bring, consequence
    label: str
    lines: tuple[str, ...]
    interpreter: str = ""  # language shown beside the interpreter icon


@dataclass(frozen=True)
class LetterTexts:
    """All text of one language section, already filled in."""

    lang: str
    rtl: bool
    title: str
    paragraphs: tuple[Para, ...]
    picto: tuple[PictoRow, ...]
    phone_lines: tuple[str, ...]  # the telephone row: can't come, opening hours, help
    qr_caption: str
    translation_note: str
    signature: tuple[str, ...]


def kind_title(kind: str, lang: str) -> str:
    return texts_for(lang, "").text(KIND_TITLES.get(kind, KIND_TITLES["voortgang"]))


def bring_list(data: LetterData, lang: str, t: _Texts) -> list[str]:
    """The things to bring in ``lang``; what the klantmanager typed stays Dutch."""
    appt = data.appointment
    codes = [c for c in appt.bring_items if c in BRING_TEXTS]
    if not codes and not appt.bring:
        codes = list(BRING_DEFAULT)
    items = [t.text(BRING_TEXTS[c]) for c in codes]
    if appt.bring:
        items.append(dutch_text(appt.bring, lang, t))
    return items


def dutch_text(text: str, lang: str, t: _Texts) -> str:
    """Free text typed in Dutch: as typed, and marked as Dutch inside a translation."""
    if lang == "nl":
        return text
    return t.text(T_DUTCH_TEXT).format(text=ltr(text))


def looks_like_a_role(text: str) -> bool:
    """ "Toetsbegeleider Taalcentrum De Brug", "medewerker van het COA": Dutch words that
    a translation marks as Dutch. A plain name ("Mohamed Bouali") is not marked."""
    words = text.split()
    return len(words) > 3 or any(w[:1].islower() for w in words)


def same_person(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def with_whom_text(data: LetterData, lang: str, t: _Texts) -> str:
    """The klantmanager by name ("Sanne de Vries, klantmanager"), or whoever the
    appointment names, as typed: a role ("Toetsbegeleider Taalcentrum De Brug") is not a
    name and gets no "klantmanager" after it."""
    km = data.klantmanager
    typed = data.appointment.with_whom
    if typed and not (km and same_person(typed, km)):
        return dutch_text(typed, lang, t) if looks_like_a_role(typed) else typed
    if km:
        return t.text(T_WITH_KLANTMANAGER).format(name=km)
    return t.text(T_YOUR_KLANTMANAGER)


def signature_lines(data: Sent, lang: str, t: _Texts) -> list[str]:
    """The closing of every letter: the greeting, the klantmanager's name, and their
    role with the gemeente's name (after the script's comma)."""
    lines = [t.text(T_REGARDS)]
    if data.klantmanager:
        lines.append(data.klantmanager)
    comma = "، " if is_rtl(lang) else ("፣ " if lang in ("am", "ti") else ", ")
    role = t.text(T_KLANTMANAGER)
    name = data.gemeente.name
    lines.append(f"{role}{comma}{ltr(name)}" if name else role)
    return lines


def build_texts(data: LetterData, lang: str) -> LetterTexts:
    """The filled-in text of ``data`` in ``lang`` ("nl" for the Dutch section)."""

    t = texts_for(lang, data.recipient.sex)
    _ = t.text
    rtl = is_rtl(lang)
    appt = data.appointment
    gem = data.gemeente
    title = kind_title(appt.kind, lang)
    day, time = format_when(appt.starts_at, lang)
    phone = ltr(nobreak(gem.phone))
    address = ltr(keep_postcodes(appt.location))
    interp_lang = language_name(appt.interpreter_language, lang)
    interpreter = appt.interpreter_mode in INTERPRETER_TEXTS and bool(appt.interpreter_language)
    minutes = native_digits(str(appt.duration_minutes), lang) if appt.duration_minutes else ""
    things = bring_list(data, lang, t)

    paras = [Para(_(T_DEAR).format(name=data.recipient.name))]
    purpose = _(KIND_PURPOSES.get(appt.kind, KIND_PURPOSES["voortgang"]))
    paras.append(Para(f"{_(T_HAVE_APPOINTMENT)} {purpose}"))
    # When, where, what to bring and whom to call are in the pictogram block on page 1
    # (in both languages); the text does not repeat them, so the letter stays short.
    if interpreter:
        text = _(INTERPRETER_TEXTS[appt.interpreter_mode]).format(language=interp_lang)
        paras.append(Para(f"{text} {_(T_INTERPRETER_FREE)}"))
    consequence: tuple[str, ...] = ()
    if appt.kind == "brede_intake" and appt.invitation_number in CONSEQUENCES:
        amount = ltr(nobreak(FINE_AMOUNT))
        paras.append(Para(_(CONSEQUENCES[appt.invitation_number]).format(amount=amount), bold=True))
        short = _(CONSEQUENCES_SHORT[appt.invitation_number]).format(amount=amount)
        consequence = (_(T_MANDATORY), short)
    cannot = _(T_CANNOT_COME).format(phone=phone)
    hours = phone_hours_text(data, lang, t)
    help_line = _(T_NOT_UNDERSTAND).format(phone=phone)

    where = [address]
    if appt.route_note:
        where.append(_(T_ROUTE).format(route=dutch_text(appt.route_note, lang, t)))
    when_lines = [day, time]
    if minutes:
        # brackets, not a dot: "۱۴:۰۰ · ۶۰" would read as a zero in Persian digits
        when_lines[1] = f"{time} ({nobreak(_(T_MINUTES).format(minutes=minutes))})"
    with_lines = [with_whom_text(data, lang, t)]
    if interpreter:
        with_lines += [_(T_INTERPRETER).format(language=interp_lang), _(T_INTERPRETER_FREE)]
    rows = [
        PictoRow("what", _(LABEL_WHAT), (title,)),
        PictoRow("when", _(LABEL_WHEN), tuple(when_lines)),
        PictoRow("where", _(LABEL_WHERE), tuple(where)),
        PictoRow(
            "with_whom", _(LABEL_WITH_WHOM), tuple(with_lines), interp_lang if interpreter else ""
        ),
        PictoRow("bring", _(LABEL_BRING), tuple(_first_upper(x) for x in things)),
    ]
    if consequence:
        rows.append(PictoRow("consequence", _(LABEL_IF_NOT), consequence))
    # The klantmanager signs, never whoever the appointment is with (a role is no name).
    signature = signature_lines(data, lang, t)
    return LetterTexts(
        lang=lang,
        rtl=rtl,
        title=_(T_INVITATION).format(kind=title),
        paragraphs=tuple(paras),
        picto=tuple(rows),
        phone_lines=tuple(x for x in (cannot, hours, help_line) if x),
        qr_caption=_(T_QR),
        translation_note=_(T_TRANSLATION_NOTE),
        signature=tuple(signature),
    )
