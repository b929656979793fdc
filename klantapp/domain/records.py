"""The record kinds of a casebook and their fields: one description that everything reads.

Validation (:mod:`klantapp.domain.validate`), the JSON exchange format and its JSON
Schema (:mod:`klantapp.casebook.jsonio`), and the forms of the desktop client all
derive from these definitions, so a field is added in one place. The SQL schema lives
in ordered migrations (:mod:`klantapp.casebook.migrations`); a test checks that every
field below is a column there.

Labels are Dutch (the source language); the client translates them with gettext.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

FieldKind = Literal[
    "text",  # one line, any script, kept exactly as typed
    "longtext",  # multi-line notes
    "date",  # YYYY-MM-DD
    "partial_date",  # YYYY, YYYY-MM or YYYY-MM-DD (birth dates are often partly unknown)
    "datetime",  # YYYY-MM-DDTHH:MM (local time of the gemeente)
    "int",
    "bool",
    "choice",  # one of ``choices``
    "multichoice",  # list of ``choices`` values (stored as JSON)
    "textlist",  # list of strings (stored as JSON)
    "json",  # structured value (stored as JSON); shape given by ``items``
    "ref",  # id of another record (``ref`` names the kind)
    "bsn",  # Burgerservicenummer: 9 digits, elfproef
    "vnummer",  # IND/COA V-nummer: 10 digits
    "postcode",  # Dutch postcode 1234 AB
    "phone",
    "email",
    "score",  # ZRM score 1-5
    "language",  # language code from LANGUAGES
]


@dataclass(frozen=True)
class Field:
    name: str
    kind: FieldKind
    label: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    ref: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    restricted: bool = False  # special-category data (health): shown only on request
    searchable: bool = False  # fed into full-text search
    items: dict[str, str] | None = None  # for kind "json": sub-field name -> kind
    repeated: bool = False  # for kind "json": a list of such objects instead of one
    help: str = ""


@dataclass(frozen=True)
class RecordKind:
    name: str  # record kind, also the SQL table name
    label: str
    label_plural: str
    fields: tuple[Field, ...]
    parent: str | None = None  # the kind this one belongs to (for nesting in JSON)
    parent_field: str | None = None
    display: tuple[str, ...] = ()  # fields that make a short title

    @cached_property
    def by_name(self) -> dict[str, Field]:
        """The fields by name (looked up for every value checked)."""
        return {f.name: f for f in self.fields}

    def field(self, name: str) -> Field:
        found = self.by_name.get(name)
        if found is None:
            raise KeyError(f"{self.name} has no field {name!r}")
        return found

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


# --- shared choice lists ---------------------------------------------------------------

# Languages a client may read; code -> name in Dutch. The letter languages are a subset.
LANGUAGES: tuple[tuple[str, str], ...] = (
    ("nl", "Nederlands"),
    ("en", "Engels"),
    ("ar", "Arabisch"),
    ("ti", "Tigrinya"),
    ("am", "Amhaars"),
    ("fa", "Farsi (Perzisch)"),
    ("prs", "Dari"),
    ("ps", "Pasjtoe"),
    ("so", "Somalisch"),
    ("tr", "Turks"),
    ("kmr", "Koerdisch (Kurmanji)"),
    ("ckb", "Koerdisch (Sorani)"),
    ("uk", "Oekraïens"),
    ("ru", "Russisch"),
    ("fr", "Frans"),
    ("es", "Spaans"),
    ("ur", "Urdu"),
    ("om", "Oromo"),
)

HOUSEHOLD_STATUS = (
    ("azc", "In azc"),
    ("gekoppeld", "Gekoppeld, wacht op woning"),
    ("gehuisvest", "Gehuisvest"),
    ("traject", "In traject"),
    ("afgerond", "Afgerond"),
    ("vertrokken", "Verhuisd/vertrokken"),
)

ROLES = (
    ("aanvrager", "Aanvrager"),
    ("referent", "Referent"),
    ("partner", "Partner"),
    ("kind", "Kind"),
    ("overig", "Overig gezinslid"),
)

ARRIVAL_STATUS = (
    ("azc", "In azc"),
    ("in_nl", "In Nederland, gehuisvest"),
    ("nareis", "Nareis in behandeling"),
)

SEX = (("v", "Vrouw"), ("m", "Man"), ("x", "Anders/onbekend"))

REGIMES = (("wi2021", "Wi2021"), ("wi2013", "Wi2013"), ("geen", "Niet inburgeringsplichtig"))

DOELGROEPEN = (
    ("asiel", "Asielstatushouder"),
    ("nareiziger", "Nareiziger"),
    ("gezin", "Gezinsmigrant"),
    ("overig", "Overige migrant"),
)

# The permit the plicht rests on (art. 3 Wi2021): doelgroep and ontzorgen follow from it.
# A nareiziger with an afgeleide asielvergunning is an asielstatushouder; a family member
# who followed with a regular permit (gezinshereniging) is a gezinsmigrant.
PERMIT_BASES = (
    ("asiel_bepaald", "Asiel, bepaalde tijd"),
    ("asiel_onbepaald", "Asiel, onbepaalde tijd"),
    ("nareis_asiel", "Nareis asiel (afgeleide asielvergunning)"),
    ("regulier_gezin", "Regulier: gezinshereniging of gezinsvorming"),
    ("regulier_overig", "Regulier: ander niet-tijdelijk doel"),
    ("regulier_tijdelijk", "Regulier: tijdelijk doel (niet plichtig)"),
    ("vrij_verkeer", "EU/EER, Zwitsers of Turks (niet plichtig)"),
)

PLICHT_STATUS = (
    ("plichtig", "Inburgeringsplichtig"),
    ("vrijstelling", "Vrijstelling"),
    ("ontheffing", "Ontheffing"),
    ("voldaan", "Voldaan"),
    ("niet_plichtig", "Niet plichtig"),
)

LITERACY = (
    ("geen", "Niet"),
    ("beperkt", "Beperkt"),
    ("goed", "Goed"),
)

SCENARIOS = (
    ("snelle_start", "Snelle start"),
    ("gecombineerd", "Gecombineerde aanpak"),
    ("na_verhuizing", "Start na verhuizing"),
)

# Leefgebieden of the brede intake: the 13 ZRM domains plus the Divosa topics.
LEEFGEBIEDEN = (
    ("financien", "Financiën"),
    ("werk_opleiding", "Werk & opleiding"),
    ("tijdsbesteding", "Tijdsbesteding"),
    ("huisvesting", "Huisvesting"),
    ("huiselijke_relaties", "Huiselijke relaties"),
    ("geestelijke_gezondheid", "Geestelijke gezondheid"),
    ("lichamelijke_gezondheid", "Lichamelijke gezondheid"),
    ("middelengebruik", "Middelengebruik"),
    ("basale_adl", "Basale ADL"),
    ("instrumentele_adl", "Instrumentele ADL"),
    ("sociaal_netwerk", "Sociaal netwerk"),
    ("maatschappelijke_participatie", "Maatschappelijke participatie"),
    ("justitie", "Justitie"),
    ("taal", "Taal en zelfredzaamheid"),
    ("digitale_vaardigheden", "Digitale vaardigheden"),
    ("ouderschap_vve", "Ouderschap en VVE"),
)

# Health-related leefgebieden: their notes are special-category data (art. 9 AVG).
RESTRICTED_LEEFGEBIEDEN = frozenset({"geestelijke_gezondheid", "lichamelijke_gezondheid"})

SCORES = (
    ("1", "1 acuut"),
    ("2", "2 niet zelfredzaam"),
    ("3", "3 beperkt zelfredzaam"),
    ("4", "4 voldoende zelfredzaam"),
    ("5", "5 volledig zelfredzaam"),
)

LEERROUTES = (
    ("b1", "B1-route"),
    ("onderwijs", "Onderwijsroute"),
    ("z", "Z-route"),
)

# Where the PIP leads: the integratieroutes of the KIS monitor for gemeenten. No value:
# no route chosen (yet); the monitor then reads it from the leerroute.
INTEGRATIEROUTES = (
    ("werk", "Direct naar werk"),
    ("onderwijs", "Via onderwijs"),
    ("activering", "Activering"),
    ("participatie", "Maatschappelijke participatie"),
)

#: The integratieroute a leerroute leads to when none was chosen (and what schema 10
#: gave the PIP versions it found): the B1-route to werk, the onderwijsroute to
#: onderwijs, the Z-route to maatschappelijke participatie.
INTEGRATIEROUTE_OF_LEERROUTE = {"b1": "werk", "onderwijs": "onderwijs", "z": "participatie"}

CEFR = (("", "-"), ("A0", "A0"), ("A1", "A1"), ("A2", "A2"), ("B1", "B1"), ("B2", "B2"))

APPOINTMENT_KINDS = (
    ("warme_overdracht", "Warme overdracht"),
    ("brede_intake", "Brede intake"),
    ("leerbaarheidstoets", "Leerbaarheidstoets"),
    ("pip", "PIP-gesprek"),
    ("voortgang", "Voortgangsgesprek"),
    ("map_eindgesprek", "MAP-eindgesprek"),
    ("z_eindgesprek", "Z-route eindgesprek"),
    ("pvt", "PVT-bijeenkomst"),
)

APPOINTMENT_OUTCOMES = (
    ("gepland", "Gepland"),
    ("verschenen", "Verschenen"),
    ("niet_verschenen", "Niet verschenen"),
    ("afgezegd", "Afgezegd door klant"),
    ("geannuleerd", "Geannuleerd door gemeente"),
)

INTERPRETER_MODES = (
    ("", "Geen tolk"),
    ("ter_plaatse", "Tolk ter plaatse"),
    ("telefoon", "Telefoontolk"),
    ("video", "Videotolk"),
)

# What to bring to an appointment: the common things, translated on every letter
# (klantapp/letters/texts.py has the letter wording of each, in every catalog).
BRING_ITEMS = (
    ("identiteitsbewijs", "Paspoort of verblijfsdocument"),
    ("deze_brief", "Deze brief"),
    ("bankpas", "Bankpas"),
    ("zorgpas", "Zorgpas"),
    ("brief_taalschool", "Brief van de taalschool"),
    ("diplomas", "Diploma's en cijferlijsten"),
    ("huurcontract", "Huurcontract"),
    ("brieven_duo", "Brieven van DUO"),
    ("leesbril", "Leesbril"),
    ("kinderen", "De kinderen"),
)

PARTNER_KINDS = (
    ("taalschool", "Taalschool"),
    ("maatschappelijke_begeleiding", "Maatschappelijke begeleiding"),
    ("werk", "Werk/re-integratie"),
    ("zorg", "Zorg"),
    ("onderwijs", "Onderwijs/VVE"),
    ("woningcorporatie", "Woningcorporatie"),
    ("overig", "Overig"),
)

REFERRAL_STATUS = (
    ("aangemeld", "Aangemeld"),
    ("gestart", "Gestart"),
    ("afgerond", "Afgerond"),
    ("gestopt", "Gestopt"),
)

PIP_STATUS = (
    ("concept", "Concept"),
    ("vastgesteld", "Vastgesteld"),
    ("bezwaar", "In bezwaar"),
    ("vervangen", "Vervangen door nieuwe versie"),
)

# Handhaving (DOMAIN.md 1.4, 1.5, 1.8): the steps after a missed brede intake or broken
# PIP duties, a bijstand maatregel instead of a boete, and what the client does against it.
# DUO's decisions on a person's plicht and termijn (art. 7, 12, 28 and 30 Wi2021;
# Besluit inburgering 2021 art. 4.3-4.5), each with its dagtekening and document number.
DUO_DECISION_KINDS = (
    ("termijn_start", "Start termijn (van DUO of vorige gemeente)"),
    ("verlenging", "Verlenging termijn"),
    ("ontheffing", "Ontheffing"),
    ("vrijstelling", "Vrijstelling"),
    ("boete_termijn", "Boete termijnoverschrijding, met nieuwe termijn"),
)

VERLENGING_GRONDEN = (
    ("aanbod_te_laat", "Aanbod van de gemeente startte te laat"),
    ("ziekte", "Ziekte of andere omstandigheid buiten eigen schuld"),
    ("onderwijs", "Niet-vrijstellende opleiding"),
    ("inspanning", "Aantoonbaar voldoende inspanning"),
    ("overig", "Andere grond"),
    ("onbekend", "Onbekend (overgenomen uit een oudere versie)"),
)

# The leerbaarheidstoets (part of the brede intake; DUO hosts it, the gemeente supervises): its outcome, the gemeente's reasoned deviation, and since 2023 the
# exemption for visual impairment and for hearing impairment that prevents the test.
LEERBAARHEID_OUTCOMES = (
    ("hoog", "Hoog"),
    ("gemiddeld", "Gemiddeld"),
    ("laag", "Laag"),
    ("niet_afgerond", "Niet afgerond"),
)

LEERBAARHEID_EXEMPTIONS = (
    ("visueel", "Vrijgesteld: visuele beperking"),
    ("auditief", "Vrijgesteld: auditieve beperking (kan de toets niet maken)"),
)

# The duty a boete is for: its cap differs (~ Divosa, DOMAIN.md 1.4-1.5: €250 for not
# coming to the brede intake, at most €800 for breaking PIP duties).
HANDHAVING_DUTIES = (
    ("brede_intake", "Meewerken aan de brede intake (max. €250)"),
    ("pip", "Verplichtingen uit het PIP (max. €800)"),
)

HANDHAVING_KINDS = (
    ("waarschuwing", "Waarschuwing"),
    ("boete", "Boete"),
    ("maatregel_participatiewet", "Maatregel Participatiewet (bijstand)"),
    ("bezwaar", "Bezwaar"),
    ("beroep", "Beroep"),
    ("ontheffing_aangevraagd", "Ontheffing aangevraagd bij DUO"),
)

HANDHAVING_STATUS = (
    ("voorgenomen", "Voorgenomen (voornemen verstuurd)"),
    ("opgelegd", "Opgelegd of verstuurd"),
    ("afgezien", "Afgezien (na zienswijze of om een andere reden)"),
    ("bezwaar_lopend", "Bezwaar of beroep loopt"),
    ("ingetrokken", "Ingetrokken"),
    ("afgehandeld", "Afgehandeld"),
)

# The two modules of the inburgeringsplicht besides the leerroute (art. 7 lid 1 Wi2021):
# the Participatieverklaringstraject and the Module Arbeidsmarkt en Participatie.
TRAJECT_MODULE_KINDS = (
    ("pvt", "PVT"),
    ("map", "MAP"),
)

TRAJECT_MODULE_STATUS = (
    ("gepland", "Gepland"),
    ("gestart", "Gestart"),
    ("afgerond", "Afgerond"),
    ("gestopt", "Gestopt"),
)

# The parts of the inburgeringsexamen (B1-route) and of the staatsexamen NT2; the KNM
# exam has no ERK level.
EXAM_SKILLS = (
    ("lezen", "Lezen"),
    ("luisteren", "Luisteren"),
    ("schrijven", "Schrijven"),
    ("spreken", "Spreken"),
    ("knm", "KNM"),
)

LANGUAGE_SKILLS = tuple(s for s in EXAM_SKILLS if s[0] != "knm")

EXAM_KINDS = (
    ("inburgeringsexamen", "Inburgeringsexamen (DUO)"),
    ("staatsexamen_1", "Staatsexamen NT2 programma I (B1)"),
    ("staatsexamen_2", "Staatsexamen NT2 programma II (B2)"),
)

EXAM_RESULTS = (
    ("behaald", "Behaald"),
    ("niet_behaald", "Niet behaald"),
    ("niet_verschenen", "Niet verschenen"),
    ("uitslag_volgt", "Uitslag volgt"),
)


# Labels of the parts of ``json`` fields (Field.items), for forms and messages.
ITEM_LABELS: dict[str, str] = {
    "rent": "Huur",
    "energy": "Energie",
    "water": "Water",
    "insurance": "Zorgverzekering",
    "role": "Functie",
    "country": "Land",
    "years": "Jaren",
    "composition": "Samenstelling",
    "origin": "Herkomst",
    "language": "Taal",
    "education": "Opleiding",
    "work": "Werk",
    "disabilities": "Zichtbare beperkingen",
    "voorinburgering": "Voorinburgering",
    "lezen": "Lezen",
    "luisteren": "Luisteren",
    "schrijven": "Schrijven",
    "spreken": "Spreken",
}


def _f(name: str, kind: FieldKind, label: str, **kw: object) -> Field:
    return Field(name, kind, label, **kw)  # type: ignore[arg-type]


HOUSEHOLD = RecordKind(
    name="households",
    label="Huishouden",
    label_plural="Huishoudens",
    display=("name",),
    fields=(
        _f("name", "text", "Naam huishouden", required=True, max_length=200, searchable=True),
        _f("status", "choice", "Status", required=True, choices=HOUSEHOLD_STATUS),
        _f("coa_location", "text", "Azc / COA-locatie", max_length=200),
        _f("coa_contact", "text", "Contactpersoon COA", max_length=200),
        # Where post reaches someone in the azc: letters go here until the household has
        # an address of its own (klantapp.letters refuses a letter without either).
        _f("coa_street", "text", "Postadres azc: straat", max_length=200),
        _f("coa_house_number", "text", "Postadres azc: huisnummer", max_length=20),
        _f("coa_postcode", "postcode", "Postadres azc: postcode"),
        _f("coa_city", "text", "Postadres azc: plaats", max_length=100),
        _f("koppeling_date", "date", "Datum koppeling"),
        _f("housing_date", "date", "Datum huisvesting"),
        _f("inschrijving_date", "date", "Datum inschrijving BRP gemeente"),
        _f("street", "text", "Straat", max_length=200),
        _f("house_number", "text", "Huisnummer", max_length=20),
        _f("postcode", "postcode", "Postcode"),
        _f("city", "text", "Plaats", max_length=100),
        _f("housing_corporation", "text", "Woningcorporatie", max_length=200),
        _f("phone", "phone", "Telefoon"),
        _f("bijstand_start", "date", "Start bijstand"),
        _f("ontzorgen", "bool", "Ontzorgen"),
        _f(
            "ontzorgen_payees",
            "json",
            "Ontzorgen: betalingen aan",
            items={"rent": "text", "energy": "text", "water": "text", "insurance": "text"},
        ),
        _f("zrm_household_score", "score", "ZRM huishouden (score)"),
        _f("notes", "longtext", "Opmerkingen", searchable=True),
    ),
)

PERSON = RecordKind(
    name="persons",
    label="Persoon",
    label_plural="Gezinsleden",
    parent="households",
    parent_field="household_id",
    display=("given_names", "family_name"),
    fields=(
        _f("household_id", "ref", "Huishouden", required=True, ref="households"),
        _f("role", "choice", "Rol", required=True, choices=ROLES),
        _f("arrival_status", "choice", "Verblijfplaats", choices=ARRIVAL_STATUS),
        _f("family_name", "text", "Achternaam", required=True, max_length=200, searchable=True),
        _f("given_names", "text", "Voornamen", max_length=200, searchable=True),
        _f(
            "transliterations",
            "textlist",
            "Andere schrijfwijzen",
            searchable=True,
            help="Namen in eigen schrift of andere spellingen",
        ),
        _f(
            "birth_date",
            "partial_date",
            "Geboortedatum",
            help="DD-MM-JJJJ; een onbekende dag of maand als 00: 00-MM-JJJJ of 00-00-JJJJ",
        ),
        _f("sex", "choice", "Geslacht", choices=SEX),
        _f("v_number", "vnummer", "V-nummer", searchable=True),
        _f("bsn", "bsn", "BSN", searchable=True),
        _f("nationalities", "textlist", "Nationaliteiten", help="Ook: staatloos, onbekend"),
        _f("country_of_origin", "text", "Land van herkomst", max_length=100),
        _f(
            "permit_basis",
            "choice",
            "Grond verblijfsvergunning",
            choices=PERMIT_BASES,
            help="Bepaalt de doelgroep en of ontzorgen verplicht is.",
        ),
        _f(
            "permit_type",
            "text",
            "Verblijfsvergunning (omschrijving)",
            max_length=100,
            help="Vrije tekst uit een oudere versie; kies hierboven de grond.",
        ),
        _f("permit_date", "date", "Datum vergunning (bekendmaking verblijfsrecht)"),
        _f("regime", "choice", "Regime", choices=REGIMES),
        _f("doelgroep", "choice", "Doelgroep", choices=DOELGROEPEN),
        _f("plicht_status", "choice", "Inburgeringsplicht", choices=PLICHT_STATUS),
        _f("plicht_start", "date", "Start inburgeringsplicht"),
        _f(
            "inschrijving_date",
            "date",
            "Datum inschrijving BRP (als later dan het huishouden)",
            help="Alleen invullen als deze persoon later is ingeschreven dan het huishouden, "
            "bijvoorbeeld een nareiziger. Leeg: de datum van het huishouden telt.",
        ),
        _f("mother_tongue", "language", "Moedertaal", choices=LANGUAGES),
        _f("other_languages", "textlist", "Andere talen"),
        _f("literacy_own_script", "choice", "Geletterd in eigen schrift", choices=LITERACY),
        _f("literacy_latin", "choice", "Geletterd in Latijns schrift", choices=LITERACY),
        _f("interpreter_needed", "bool", "Tolk nodig"),
        _f("interpreter_language", "language", "Taal tolk", choices=LANGUAGES),
        _f("interpreter_dialect", "text", "Dialect tolk", max_length=100),
        _f("letter_language", "language", "Taal voor brieven", choices=LANGUAGES),
        _f("education_years", "int", "Jaren onderwijs", minimum=0, maximum=30),
        _f("education_level", "text", "Opleidingsniveau", max_length=200),
        _f("diplomas", "textlist", "Diploma's"),
        _f(
            "work_history",
            "json",
            "Werkervaring",
            items={"role": "text", "country": "text", "years": "int"},
            repeated=True,
        ),
        _f("driving_licence", "bool", "Rijbewijs"),
        _f("digital_skills", "choice", "Digitale vaardigheden", choices=LITERACY),
        _f("leerbaarheid_date", "date", "Datum leerbaarheidstoets"),
        _f(
            "leerbaarheid_outcome",
            "choice",
            "Uitkomst leerbaarheidstoets",
            choices=LEERBAARHEID_OUTCOMES,
        ),
        _f(
            "leerbaarheid_exemption",
            "choice",
            "Leerbaarheidstoets: vrijstelling",
            choices=LEERBAARHEID_EXEMPTIONS,
            help="Verplicht bij een visuele beperking, of een auditieve die de toets belet.",
        ),
        _f(
            "leerbaarheid_deviation",
            "longtext",
            "Afwijking van de uitkomst (motivering gemeente)",
            help="De gemeente mag van de uitkomst afwijken als zij dat motiveert.",
        ),
        _f(
            "leerbaarheid_result",
            "text",
            "Uitslag leerbaarheidstoets (toelichting)",
            max_length=200,
        ),
        _f("care_duties", "text", "Zorgtaken (zwangerschap, kinderopvang)", max_length=500),
        _f("phone", "phone", "Telefoon"),
        _f("email", "email", "E-mail"),
        _f("health_restricted", "bool", "Gezondheid: bijzonder persoonsgegeven", restricted=True),
        _f("health_note", "longtext", "Gezondheid (vertrouwelijk)", restricted=True),
        _f("consent_sharing", "text", "Toestemming/grondslag gegevensdeling", max_length=500),
    ),
)

WARM_HANDOVER = RecordKind(
    name="warm_handovers",
    label="Warme overdracht",
    label_plural="Warme overdrachten",
    parent="households",
    parent_field="household_id",
    display=("date",),
    fields=(
        _f("household_id", "ref", "Huishouden", required=True, ref="households"),
        _f("date", "date", "Datum", required=True),
        _f("scenario", "choice", "Scenario", choices=SCENARIOS),
        _f("coa_worker", "text", "Medewerker COA", max_length=200),
        _f("location", "text", "Locatie", max_length=200),
        _f(
            "profile",
            "json",
            "Informatieprofiel",
            items={
                "composition": "text",
                "origin": "text",
                "language": "text",
                "education": "text",
                "work": "text",
                "disabilities": "text",
                "voorinburgering": "text",
            },
        ),
        _f("legal_basis", "text", "Grondslag/toestemming", max_length=500),
        _f("notes", "longtext", "Aantekeningen", searchable=True),
    ),
)

INTAKE_SCORE = RecordKind(
    name="intake_scores",
    label="Brede intake: leefgebied",
    label_plural="Brede intake",
    parent="households",
    parent_field="household_id",
    display=("domain",),
    fields=(
        _f("household_id", "ref", "Huishouden", required=True, ref="households"),
        _f("person_id", "ref", "Gezinslid", required=True, ref="persons"),
        _f("intake_date", "date", "Datum intake", required=True),
        _f("domain", "choice", "Leefgebied", required=True, choices=LEEFGEBIEDEN),
        _f("score", "score", "Score (1-5)"),
        _f("notes", "longtext", "Toelichting", searchable=True),
        _f("without_partner", "bool", "Gesprek zonder partner aangeboden"),
    ),
)

PIP = RecordKind(
    name="pips",
    label="PIP",
    label_plural="PIP-versies",
    parent="households",
    parent_field="household_id",
    display=("version", "leerroute"),
    fields=(
        _f("household_id", "ref", "Huishouden", required=True, ref="households"),
        _f("person_id", "ref", "Gezinslid", required=True, ref="persons"),
        _f("version", "int", "Versie", required=True, minimum=1, maximum=99),
        _f("status", "choice", "Status", required=True, choices=PIP_STATUS),
        _f("vastgesteld_on", "date", "Dagtekening (vastgesteld op)"),
        _f("leerroute", "choice", "Leerroute", choices=LEERROUTES),
        _f(
            "integratieroute",
            "choice",
            "Integratieroute",
            choices=INTEGRATIEROUTES,
            help=(
                "Waar het PIP naartoe leidt (KIS-monitor): direct naar werk, via onderwijs, "
                "activering of maatschappelijke participatie."
            ),
        ),
        _f("provider", "text", "Taalschool/aanbieder", max_length=200),
        _f("course_start", "date", "Start aanbod"),
        _f("lesuren", "int", "Gevolgde lesuren", minimum=0, maximum=5000),
        _f("pvt_hours", "int", "PVT-uren", minimum=0, maximum=500),
        _f("map_hours", "int", "MAP-uren", minimum=0, maximum=500),
        _f("z_dutch_hours", "int", "Z-route uren Nederlands", minimum=0, maximum=5000),
        _f("z_participation_hours", "int", "Z-route uren participatie", minimum=0, maximum=5000),
        _f(
            "levels",
            "json",
            "Niveau per vaardigheid",
            items={
                "lezen": "text",
                "luisteren": "text",
                "schrijven": "text",
                "spreken": "text",
            },
        ),
        _f(
            "afgeschaald",
            "multichoice",
            "Afgeschaald naar A2 (B1-route)",
            choices=LANGUAGE_SKILLS,
            help="De vaardigheden waarvoor het PIP na afschalen A2 vraagt in plaats van B1.",
        ),
        _f("ontzorgen", "bool", "Ontzorgen in PIP"),
        _f("randvoorwaarden", "longtext", "Randvoorwaarden (kinderopvang, ...)"),
        _f("begeleiding", "longtext", "Begeleiding"),
        _f("notes", "longtext", "Toelichting", searchable=True),
    ),
)

APPOINTMENT = RecordKind(
    name="appointments",
    label="Afspraak",
    label_plural="Afspraken",
    parent="households",
    parent_field="household_id",
    display=("kind", "starts_at"),
    fields=(
        _f("household_id", "ref", "Huishouden", required=True, ref="households"),
        _f("person_id", "ref", "Gezinslid", ref="persons"),
        _f("kind", "choice", "Soort afspraak", required=True, choices=APPOINTMENT_KINDS),
        _f("starts_at", "datetime", "Datum en tijd", required=True),
        _f("duration_minutes", "int", "Duur (minuten)", minimum=5, maximum=600),
        _f("location", "text", "Adres/locatie", required=True, max_length=300),
        _f("route_note", "text", "Routebeschrijving", max_length=300),
        _f("with_whom", "text", "Met wie", max_length=200),
        _f("interpreter_mode", "choice", "Tolk", choices=INTERPRETER_MODES),
        _f("interpreter_language", "language", "Taal tolk", choices=LANGUAGES),
        _f("invitation_number", "int", "Uitnodiging nr.", minimum=1, maximum=3),
        _f("outcome", "choice", "Uitkomst", required=True, choices=APPOINTMENT_OUTCOMES),
        _f("letter_language", "language", "Taal brief", choices=LANGUAGES),
        _f("bring_items", "multichoice", "Meenemen", choices=BRING_ITEMS),
        _f(
            "bring",
            "text",
            "Meenemen (anders)",
            max_length=500,
            help="Alleen wat niet in de lijst staat: dit komt in het Nederlands op de brief.",
        ),
        _f("notes", "longtext", "Aantekeningen", searchable=True),
    ),
)

# Handhaving as the Awb procedure of a bestuurlijke boete (afdeling 5.4 Awb): the
# overtreding, the voornemen (the rapport), the zienswijze with its term, the besluit.
# Warnings, Participatiewet maatregelen, bezwaar and beroep are records of their own kind.
HANDHAVING = RecordKind(
    name="handhaving",
    label="Handhaving",
    label_plural="Handhaving",
    parent="households",
    parent_field="household_id",
    display=("kind", "date"),
    fields=(
        _f("household_id", "ref", "Huishouden", required=True, ref="households"),
        _f("person_id", "ref", "Gezinslid", required=True, ref="persons"),
        _f("kind", "choice", "Soort", required=True, choices=HANDHAVING_KINDS),
        _f("duty", "choice", "Voor welke plicht", choices=HANDHAVING_DUTIES),
        _f(
            "appointment_id",
            "ref",
            "Bij afspraak",
            ref="appointments",
            help="Bijvoorbeeld de brede intake waarop de klant niet verscheen",
        ),
        _f(
            "overtreding_date",
            "date",
            "Datum overtreding",
            help="De dag van de overtreding, bijvoorbeeld de gemiste afspraak. Hiervandaan "
            "telt de termijn waarbinnen een boete kan worden opgelegd (art. 5:45 Awb).",
        ),
        _f(
            "date",
            "date",
            "Datum voornemen of brief",
            required=True,
            help="Bij een boete: de dagtekening van het voornemen (het rapport). Anders de "
            "datum van de brief of het bezwaarschrift.",
        ),
        _f(
            "zienswijze_until",
            "date",
            "Zienswijze mogelijk tot en met",
            help="Bij een voornemen: de termijn die de klant krijgt om te reageren.",
        ),
        _f(
            "zienswijze_on",
            "date",
            "Zienswijze ontvangen op",
            help="Leeg als de klant (nog) niet gereageerd heeft.",
        ),
        _f(
            "decision_date",
            "date",
            "Datum besluit",
            help="Het besluit over de boete of maatregel, of de beslissing op bezwaar",
        ),
        _f("status", "choice", "Status", required=True, choices=HANDHAVING_STATUS),
        _f(
            "amount_eur",
            "int",
            "Bedrag (euro)",
            minimum=0,
            maximum=10000,
            help="Alleen bij een boete",
        ),
        _f("reason", "text", "Reden", max_length=500),
        _f("notes", "longtext", "Toelichting", searchable=True),
    ),
)

DUO_DECISION = RecordKind(
    name="duo_decisions",
    label="Besluit DUO",
    label_plural="Besluiten DUO",
    parent="households",
    parent_field="household_id",
    display=("kind", "date"),
    fields=(
        _f("household_id", "ref", "Huishouden", required=True, ref="households"),
        _f("person_id", "ref", "Gezinslid", required=True, ref="persons"),
        _f("kind", "choice", "Soort besluit", required=True, choices=DUO_DECISION_KINDS),
        _f("date", "date", "Dagtekening", required=True),
        _f("document_number", "text", "Kenmerk (documentnummer)", max_length=100),
        _f(
            "termijn_start",
            "date",
            "Start termijn",
            help="Bij 'Start termijn': de dag na de dagtekening van het eerste PIP, ook als "
            "dat in een andere gemeente was.",
        ),
        _f("ground", "choice", "Grond verlenging", choices=VERLENGING_GRONDEN),
        _f("period_months", "int", "Verlenging (maanden)", minimum=0, maximum=60),
        _f("period_days", "int", "Verlenging (dagen)", minimum=0, maximum=366),
        _f(
            "new_last_day",
            "date",
            "Nieuwe laatste dag termijn",
            help="Bij een boete: de nieuwe termijn. Bij een verlenging: als DUO de datum noemt.",
        ),
        _f("effective_from", "date", "Geldt vanaf", help="Bij ontheffing of vrijstelling"),
        _f("amount_eur", "int", "Bedrag (euro)", minimum=0, maximum=10000),
        _f("notes", "longtext", "Toelichting"),
    ),
)

TRAJECT_MODULE = RecordKind(
    name="trajectmodules",
    label="PVT/MAP-module",
    label_plural="PVT en MAP",
    parent="households",
    parent_field="household_id",
    display=("kind", "start_date"),
    fields=(
        _f("household_id", "ref", "Huishouden", required=True, ref="households"),
        _f("person_id", "ref", "Gezinslid", required=True, ref="persons"),
        _f(
            "kind",
            "choice",
            "Module",
            required=True,
            choices=TRAJECT_MODULE_KINDS,
            help="PVT: Participatieverklaringstraject. MAP: Module Arbeidsmarkt en Participatie.",
        ),
        _f("partner_id", "ref", "Aanbieder (ketenpartner)", ref="partners"),
        _f("status", "choice", "Status", required=True, choices=TRAJECT_MODULE_STATUS),
        _f("start_date", "date", "Startdatum"),
        _f("end_date", "date", "Einddatum (laatste bijeenkomst)"),
        _f(
            "verklaring_signed_on",
            "date",
            "Participatieverklaring ondertekend op",
            help="Alleen bij PVT: het traject eindigt met de ondertekening.",
        ),
        _f(
            "eindgesprek_on",
            "date",
            "MAP-eindgesprek gehouden op",
            help="Alleen bij MAP: de module eindigt met een eindgesprek met de gemeente.",
        ),
        _f("notes", "longtext", "Toelichting"),
    ),
)

EXAM_ATTEMPT = RecordKind(
    name="exam_attempts",
    label="Examenpoging",
    label_plural="Examens",
    parent="households",
    parent_field="household_id",
    display=("skill", "date"),
    fields=(
        _f("household_id", "ref", "Huishouden", required=True, ref="households"),
        _f("person_id", "ref", "Gezinslid", required=True, ref="persons"),
        _f(
            "skill",
            "choice",
            "Onderdeel",
            required=True,
            choices=EXAM_SKILLS,
            help="KNM: Kennis van de Nederlandse Maatschappij (geen ERK-niveau).",
        ),
        _f("exam", "choice", "Examen", choices=EXAM_KINDS),
        _f(
            "date",
            "date",
            "Examendatum",
            help="Leeg alleen bij een gegeven uit een oudere versie van Klantapp.",
        ),
        _f("level", "choice", "Niveau (ERK)", choices=CEFR, help="Niet bij KNM."),
        _f("result", "choice", "Uitslag", required=True, choices=EXAM_RESULTS),
        _f("notes", "longtext", "Toelichting"),
    ),
)

PARTNER = RecordKind(
    name="partners",
    label="Ketenpartner",
    label_plural="Ketenpartners",
    display=("name",),
    fields=(
        _f("name", "text", "Naam", required=True, max_length=200, searchable=True),
        _f("kind", "choice", "Soort", required=True, choices=PARTNER_KINDS),
        _f("contact_person", "text", "Contactpersoon", max_length=200),
        _f("phone", "phone", "Telefoon"),
        _f("email", "email", "E-mail"),
        _f("address", "text", "Adres", max_length=300),
        _f("notes", "longtext", "Opmerkingen"),
    ),
)

REFERRAL = RecordKind(
    name="referrals",
    label="Verwijzing",
    label_plural="Verwijzingen",
    parent="households",
    parent_field="household_id",
    display=("date",),
    fields=(
        _f("household_id", "ref", "Huishouden", required=True, ref="households"),
        _f("person_id", "ref", "Gezinslid", ref="persons"),
        _f("partner_id", "ref", "Ketenpartner", required=True, ref="partners"),
        _f("date", "date", "Datum verwijzing", required=True),
        _f("reason", "text", "Reden", max_length=500),
        _f("status", "choice", "Status", required=True, choices=REFERRAL_STATUS),
        _f("notes", "longtext", "Aantekeningen", searchable=True),
    ),
)

NOTE = RecordKind(
    name="notes",
    label="Notitie",
    label_plural="Notities",
    parent="households",
    parent_field="household_id",
    display=("created_at",),
    fields=(
        _f("household_id", "ref", "Huishouden", required=True, ref="households"),
        _f("person_id", "ref", "Gezinslid", ref="persons"),
        _f("created_at", "datetime", "Datum", required=True),
        _f("author", "text", "Auteur", max_length=200),
        _f("text", "longtext", "Tekst", required=True, searchable=True, max_length=20000),
        # The flag is not itself health data: it must be settable without revealing anything.
        _f("restricted", "bool", "Vertrouwelijk (gezondheid)"),
    ),
)

RECORD_KINDS: dict[str, RecordKind] = {
    k.name: k
    for k in (
        HOUSEHOLD,
        PERSON,
        WARM_HANDOVER,
        INTAKE_SCORE,
        PIP,
        APPOINTMENT,
        HANDHAVING,
        DUO_DECISION,
        TRAJECT_MODULE,
        EXAM_ATTEMPT,
        PARTNER,
        REFERRAL,
        NOTE,
    )
}

# Kinds nested under a household in the JSON format, in the order they are written.
HOUSEHOLD_CHILDREN: tuple[str, ...] = (
    "persons",
    "warm_handovers",
    "intake_scores",
    "pips",
    "appointments",
    "handhaving",
    "duo_decisions",
    "trajectmodules",
    "exam_attempts",
    "referrals",
    "notes",
)


def own_records(
    person: Mapping[str, object], records: Iterable[Mapping[str, object]]
) -> list[Mapping[str, object]]:
    """The records (PIP versions, DUO decisions) that are ``person``'s: those with the
    person's id, and those that name no person (a household's own). For a person
    without an id, all of them."""
    pid = person.get("id")
    return [r for r in records if pid is None or r.get("person_id") in (None, pid)]


def kind(name: str) -> RecordKind:
    try:
        return RECORD_KINDS[name]
    except KeyError:
        raise KeyError(f"unknown record kind {name!r}") from None


def choice_label(choices: tuple[tuple[str, str], ...], value: str | None) -> str:
    for v, label in choices:
        if v == value:
            return label
    return value or ""
