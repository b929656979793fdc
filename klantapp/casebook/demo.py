"""A realistic, entirely fictional caseload for demonstrations, screenshots and tests.

Every name, number and address here is invented. BSNs pass the elfproef but were
generated, V-nummers are made up. Dates are relative to the day the demo is made, so
today's agenda and the deadline list always have something to show.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from klantapp.casebook.casebook import Casebook
from klantapp.casebook.services import add_record

GEMEENTE = {
    "name": "Gemeente Heuveldal",
    "department": "Team Inburgering",
    "street": "Marktplein 1",
    "postcode": "7461 AB",
    "city": "Heuveldal",
    "phone": "0548-123456",
    "phone_hours": "09:00-17:00",
    "email": "inburgering@heuveldal.example",
    "website": "www.heuveldal.example",
}

KLANTMANAGER = "Sanne de Vries"
OFFICE = "Gemeentehuis Heuveldal, Marktplein 1, 7461 AB Heuveldal"


def demo_bsn(seed: int) -> str:
    """A 9-digit number that passes the elfproef, derived from ``seed`` (fictional)."""
    n = 10_000_000 + (seed * 7_919) % 89_000_000
    while True:
        digits = [int(c) for c in f"{n:08d}"]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        check = total % 11
        if check < 10:
            return f"{n:08d}{check}"
        n += 1


def _at(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute)).strftime("%Y-%m-%dT%H:%M")


def _household(cb: Casebook, spec: dict[str, Any]) -> str:
    return add_record(cb, "households", spec)


def fill_demo(cb: Casebook, *, today: date | None = None) -> dict[str, int]:
    """Fill ``cb`` with the demo caseload. Returns counts per record kind."""
    t = today or date.today()

    def d(days: int) -> str:
        return (t + timedelta(days=days)).isoformat()

    counts: dict[str, int] = {}

    def add(kind: str, values: dict[str, Any]) -> str:
        counts[kind] = counts.get(kind, 0) + 1
        return add_record(cb, kind, values)

    cb.set_setting("gemeente", GEMEENTE)
    cb.set_setting("klantmanager", {"name": KLANTMANAGER})

    taalschool = add(
        "partners",
        {
            "name": "Taalcentrum De Brug",
            "kind": "taalschool",
            "contact_person": "Peter Jansen",
            "phone": "0548-654321",
            "email": "intake@debrug.example",
            "address": "Schoolstraat 12, 7461 CD Heuveldal",
        },
    )
    vwn = add(
        "partners",
        {
            "name": "VluchtelingenWerk Heuveldal",
            "kind": "maatschappelijke_begeleiding",
            "contact_person": "Aisha Bakker",
            "phone": "0548-777888",
            "address": "Kerkweg 3, 7461 EF Heuveldal",
        },
    )
    werk = add("partners", {"name": "Werkplein Heuveldal", "kind": "werk", "phone": "0548-222333"})
    add(
        "partners",
        {"name": "Woonstichting Dal & Heuvel", "kind": "woningcorporatie", "phone": "0548-444555"},
    )

    # 1. A Syrian family: housed, brede intake done, PIP vastgesteld, in traject.
    h1 = _household(
        cb,
        {
            "name": "Al-Hassan",
            "status": "traject",
            "coa_location": "Azc Zwolle",
            "koppeling_date": d(-260),
            "housing_date": d(-190),
            "inschrijving_date": d(-185),
            "street": "Lindelaan",
            "house_number": "14",
            "postcode": "7462 GH",
            "city": "Heuveldal",
            "housing_corporation": "Woonstichting Dal & Heuvel",
            "phone": "06-12345678",
            "bijstand_start": d(-185),
            "ontzorgen": True,
            "ontzorgen_payees": {
                "rent": "Woonstichting Dal & Heuvel",
                "energy": "Energie Oost",
                "insurance": "Zorgverzekeraar Noord",
            },
        },
    )
    ahmad = add(
        "persons",
        {
            "household_id": h1,
            "role": "aanvrager",
            "arrival_status": "in_nl",
            "family_name": "Al-Hassan",
            "given_names": "Ahmad",
            "transliterations": ["أحمد الحسن", "Ahmed Alhasan"],
            "birth_date": "1986-03-14",
            "sex": "m",
            "v_number": "2012345678",
            "bsn": demo_bsn(1),
            "nationalities": ["Syrisch"],
            "country_of_origin": "Syrië",
            "permit_date": d(-280),
            "regime": "wi2021",
            "permit_basis": "asiel_bepaald",
            "doelgroep": "asiel",
            "plicht_status": "plichtig",
            "plicht_start": d(-280),
            "mother_tongue": "ar",
            "other_languages": ["Engels (basis)"],
            "literacy_own_script": "goed",
            "literacy_latin": "beperkt",
            "interpreter_needed": True,
            "interpreter_language": "ar",
            "letter_language": "ar",
            "education_years": 12,
            "education_level": "Middelbare school + vakopleiding elektrotechniek",
            "diplomas": ["Diploma vakschool elektrotechniek (Aleppo)"],
            "work_history": [{"role": "Elektricien", "country": "Syrië", "years": 9}],
            "driving_licence": True,
            "digital_skills": "beperkt",
            "leerbaarheid_date": d(-150),
            "leerbaarheid_result": "Hoog: B1-route haalbaar",
            "phone": "06-12345678",
        },
    )
    fatima = add(
        "persons",
        {
            "household_id": h1,
            "role": "partner",
            "arrival_status": "in_nl",
            "family_name": "Al-Hassan",
            "given_names": "Fatima",
            "transliterations": ["فاطمة الحسن"],
            "birth_date": "1990",
            "sex": "v",
            "v_number": "2012345679",
            "bsn": demo_bsn(2),
            "nationalities": ["Syrisch"],
            "country_of_origin": "Syrië",
            "permit_date": d(-280),
            "regime": "wi2021",
            "permit_basis": "asiel_bepaald",
            "doelgroep": "asiel",
            "plicht_status": "plichtig",
            "plicht_start": d(-280),
            "mother_tongue": "ar",
            "literacy_own_script": "beperkt",
            "literacy_latin": "geen",
            "interpreter_needed": True,
            "interpreter_language": "ar",
            "letter_language": "ar",
            "education_years": 6,
            "care_duties": "Zorgt voor dochter van 4; kinderopvang nodig voor lessen",
            "health_restricted": True,
            "health_note": "Rugklachten; fysiotherapie via huisarts (vertrouwelijk).",
        },
    )
    for given, born, sex in (("Omar", "2015-09-02", "m"), ("Lina", f"{t.year - 4}-05", "v")):
        add(
            "persons",
            {
                "household_id": h1,
                "role": "kind",
                "arrival_status": "in_nl",
                "family_name": "Al-Hassan",
                "given_names": given,
                "birth_date": born,
                "sex": sex,
                "bsn": demo_bsn(3 + len(given)),
                "regime": "geen",
            },
        )
    add(
        "warm_handovers",
        {
            "household_id": h1,
            "date": d(-240),
            "scenario": "snelle_start",
            "coa_worker": "M. Visser (COA)",
            "location": "Azc Zwolle",
            "profile": {
                "composition": "Echtpaar met 2 kinderen",
                "origin": "Syrië (Aleppo)",
                "language": "Arabisch; Ahmad wat Engels",
                "education": "Ahmad vakopleiding, Fatima 6 jaar basisschool",
                "work": "Ahmad 9 jaar elektricien",
                "disabilities": "Geen zichtbare beperkingen",
                "voorinburgering": "Beiden gestart, Ahmad ver gevorderd",
            },
            "legal_basis": "Wettelijke taak Wi2021; toestemming gezin voor delen informatieprofiel",
            "notes": "Gezin is gemotiveerd. Ahmad wil snel aan het werk als elektricien.",
        },
    )
    intake_day = d(-160)
    for person, scores in (
        (
            ahmad,
            {
                "financien": 3,
                "werk_opleiding": 3,
                "huisvesting": 4,
                "taal": 2,
                "sociaal_netwerk": 2,
                "lichamelijke_gezondheid": 4,
                "digitale_vaardigheden": 3,
            },
        ),
        (
            fatima,
            {
                "financien": 2,
                "werk_opleiding": 2,
                "huisvesting": 4,
                "taal": 1,
                "sociaal_netwerk": 2,
                "lichamelijke_gezondheid": 3,
                "ouderschap_vve": 3,
            },
        ),
    ):
        for domain, score in scores.items():
            add(
                "intake_scores",
                {
                    "household_id": h1,
                    "person_id": person,
                    "intake_date": intake_day,
                    "domain": domain,
                    "score": score,
                    "notes": "Besproken met tolk Arabisch."
                    if domain != "ouderschap_vve"
                    else "VVE voor Lina besproken; aanmelding peuterspeelzaal.",
                    "without_partner": person == fatima,
                },
            )
    add(
        "pips",
        {
            "household_id": h1,
            "person_id": ahmad,
            "version": 1,
            "status": "vastgesteld",
            "vastgesteld_on": d(-140),
            "leerroute": "b1",
            "goal": "B1 op alle vaardigheden; werk als elektricien",
            "provider": "Taalcentrum De Brug",
            "course_start": d(-110),
            "lesuren": 320,
            "pvt_hours": 12,
            "pvt_signed": True,
            "map_hours": 16,
            "levels": {"lezen": "A2", "luisteren": "A2", "schrijven": "A1", "spreken": "A2"},
            "ontzorgen": True,
            "begeleiding": "VluchtelingenWerk, wekelijks",
            "notes": "Combinatie met werkervaringsplek via Werkplein.",
        },
    )
    add(
        "pips",
        {
            "household_id": h1,
            "person_id": fatima,
            "version": 1,
            "status": "vastgesteld",
            "vastgesteld_on": d(-138),
            "leerroute": "z",
            "goal": "Zelfredzaamheid en A1",
            "provider": "Taalcentrum De Brug",
            "lesuren": 0,
            "z_dutch_hours": 0,
            "randvoorwaarden": "Kinderopvang voor Lina nodig voordat de lessen starten",
            "notes": "Start van de lessen wacht op kinderopvang.",
        },
    )
    add(
        "appointments",
        {
            "household_id": h1,
            "person_id": ahmad,
            "kind": "voortgang",
            "starts_at": _at(t, 10, 0),
            "duration_minutes": 45,
            "location": OFFICE,
            "with_whom": KLANTMANAGER,
            "interpreter_mode": "telefoon",
            "interpreter_language": "ar",
            "outcome": "gepland",
            "letter_language": "ar",
            "bring_items": ["identiteitsbewijs", "brief_taalschool"],
        },
    )
    add(
        "referrals",
        {
            "household_id": h1,
            "person_id": ahmad,
            "partner_id": werk,
            "date": d(-60),
            "reason": "Werkervaringsplek elektrotechniek",
            "status": "gestart",
        },
    )
    add(
        "notes",
        {
            "household_id": h1,
            "person_id": ahmad,
            "created_at": _at(t - timedelta(days=20), 14, 30),
            "author": KLANTMANAGER,
            "text": "Ahmad vertelt dat de lessen goed gaan. Hij vraagt naar diplomawaardering (IDW).",
        },
    )

    # 2. A young Eritrean man in the azc: warme overdracht planned, onderwijsroute likely.
    h2 = _household(
        cb,
        {
            "name": "Tesfay",
            "status": "gekoppeld",
            "coa_location": "Azc Almelo",
            "coa_street": "Bornsestraat",
            "coa_house_number": "349",
            "coa_postcode": "7601 PB",
            "coa_city": "Almelo",
            "coa_contact": "R. de Boer (COA)",
            "koppeling_date": d(-30),
            "inschrijving_date": d(-25),
        },
    )
    yonas = add(
        "persons",
        {
            "household_id": h2,
            "role": "aanvrager",
            "arrival_status": "azc",
            "family_name": "Tesfay",
            "given_names": "Yonas",
            "transliterations": ["ዮናስ ተስፋይ"],
            "birth_date": f"{t.year - 23}-01-01",
            "sex": "m",
            "v_number": "3012345670",
            "bsn": demo_bsn(11),
            "nationalities": ["Eritrees"],
            "country_of_origin": "Eritrea",
            "permit_date": d(-45),
            "regime": "wi2021",
            "permit_basis": "asiel_bepaald",
            "doelgroep": "asiel",
            "plicht_status": "plichtig",
            "plicht_start": d(-45),
            "mother_tongue": "ti",
            "other_languages": ["Amhaars", "Engels"],
            "literacy_own_script": "goed",
            "literacy_latin": "goed",
            "interpreter_needed": True,
            "interpreter_language": "ti",
            "letter_language": "ti",
            "education_years": 11,
            "education_level": "Middelbare school (onvolledig)",
            "digital_skills": "goed",
        },
    )
    add(
        "appointments",
        {
            "household_id": h2,
            "person_id": yonas,
            "kind": "warme_overdracht",
            "starts_at": _at(t + timedelta(days=2), 13, 30),
            "duration_minutes": 60,
            "location": "Azc Almelo, Bornsestraat 349, 7601 PB Almelo",
            "route_note": "Melden bij de receptie van het COA",
            "with_whom": KLANTMANAGER,
            "interpreter_mode": "ter_plaatse",
            "interpreter_language": "ti",
            "outcome": "gepland",
            "letter_language": "ti",
            "bring_items": ["identiteitsbewijs", "deze_brief"],
        },
    )
    add(
        "notes",
        {
            "household_id": h2,
            "created_at": _at(t - timedelta(days=10), 9, 15),
            "author": KLANTMANAGER,
            "text": "COA meldt: Yonas wil graag verder leren, interesse in techniek. Onderwijsroute bespreken.",
        },
    )

    # 3. An Eritrean mother with children; husband is a nareiziger. Brede intake invitation 1 missed.
    h3 = _household(
        cb,
        {
            "name": "Gebremedhin",
            "status": "gehuisvest",
            "koppeling_date": d(-120),
            "housing_date": d(-70),
            "inschrijving_date": d(-68),
            "street": "Esdoornstraat",
            "house_number": "3a",
            "postcode": "7463 KL",
            "city": "Heuveldal",
            "bijstand_start": d(-68),
            "ontzorgen": True,
        },
    )
    selam = add(
        "persons",
        {
            "household_id": h3,
            "role": "referent",
            "arrival_status": "in_nl",
            "family_name": "Gebremedhin",
            "given_names": "Selam",
            "transliterations": ["ሰላም ገብረመድህን"],
            "birth_date": "1994-07",
            "sex": "v",
            "v_number": "3012345689",
            "bsn": demo_bsn(21),
            "nationalities": ["Eritrees"],
            "country_of_origin": "Eritrea",
            "permit_date": d(-140),
            "regime": "wi2021",
            "permit_basis": "asiel_bepaald",
            "doelgroep": "asiel",
            "plicht_status": "plichtig",
            "plicht_start": d(-140),
            "mother_tongue": "ti",
            "literacy_own_script": "beperkt",
            "literacy_latin": "geen",
            "interpreter_needed": True,
            "interpreter_language": "ti",
            "letter_language": "ti",
            "education_years": 4,
        },
    )
    add(
        "persons",
        {
            "household_id": h3,
            "role": "partner",
            "arrival_status": "nareis",
            "family_name": "Haile",
            "given_names": "Dawit",
            "transliterations": ["ዳዊት ሃይለ"],
            "birth_date": "1991",
            "sex": "m",
            "nationalities": ["Eritrees"],
            "permit_basis": "nareis_asiel",
            "doelgroep": "nareiziger",
        },
    )
    add(
        "persons",
        {
            "household_id": h3,
            "role": "kind",
            "arrival_status": "in_nl",
            "family_name": "Gebremedhin",
            "given_names": "Ruth",
            "birth_date": f"{t.year - 6}-02-11",
            "sex": "v",
            "regime": "geen",
        },
    )
    selam_missed = add(
        "appointments",
        {
            "household_id": h3,
            "person_id": selam,
            "kind": "brede_intake",
            "starts_at": _at(t - timedelta(days=9), 9, 30),
            "duration_minutes": 90,
            "location": OFFICE,
            "with_whom": KLANTMANAGER,
            "interpreter_mode": "ter_plaatse",
            "interpreter_language": "ti",
            "invitation_number": 1,
            "outcome": "niet_verschenen",
            "letter_language": "ti",
        },
    )
    add(
        "appointments",
        {
            "household_id": h3,
            "person_id": selam,
            "kind": "brede_intake",
            "starts_at": _at(t, 14, 0),
            "duration_minutes": 90,
            "location": OFFICE,
            "with_whom": KLANTMANAGER,
            "interpreter_mode": "ter_plaatse",
            "interpreter_language": "ti",
            "invitation_number": 2,
            "outcome": "gepland",
            "letter_language": "ti",
            "bring_items": ["identiteitsbewijs", "bankpas", "huurcontract"],
        },
    )
    add(
        "handhaving",
        {
            "household_id": h3,
            "person_id": selam,
            "date": d(-8),
            "kind": "waarschuwing",
            "appointment_id": selam_missed,
            "reason": "Niet verschenen op de brede intake (uitnodiging 1)",
            "status": "opgelegd",
            "notes": "Waarschuwing verstuurd samen met uitnodiging 2, met een vertaling in het "
            "Tigrinya. Bij de volgende keer niet verschijnen volgt een boete van €250.",
        },
    )
    add(
        "referrals",
        {
            "household_id": h3,
            "person_id": selam,
            "partner_id": vwn,
            "date": d(-65),
            "reason": "Maatschappelijke begeleiding en hulp bij post",
            "status": "gestart",
        },
    )

    # 4. An Afghan couple (Dari), housed last month: PIP deadline approaching.
    h4 = _household(
        cb,
        {
            "name": "Rahimi",
            "status": "gehuisvest",
            "koppeling_date": d(-90),
            "housing_date": d(-62),
            "inschrijving_date": d(-60),
            "street": "Beukenhof",
            "house_number": "22",
            "postcode": "7462 MN",
            "city": "Heuveldal",
            "bijstand_start": d(-60),
        },
    )
    mohammad = add(
        "persons",
        {
            "household_id": h4,
            "role": "aanvrager",
            "arrival_status": "in_nl",
            "family_name": "Rahimi",
            "given_names": "Mohammad",
            "transliterations": ["محمد رحیمی"],
            "birth_date": "1979-11-30",
            "sex": "m",
            "v_number": "4012345671",
            "bsn": demo_bsn(31),
            "nationalities": ["Afghaans"],
            "country_of_origin": "Afghanistan",
            "permit_date": d(-110),
            "regime": "wi2021",
            "permit_basis": "asiel_bepaald",
            "doelgroep": "asiel",
            "plicht_status": "plichtig",
            "plicht_start": d(-110),
            "mother_tongue": "prs",
            "other_languages": ["Pasjtoe", "Urdu"],
            "literacy_own_script": "goed",
            "literacy_latin": "beperkt",
            "interpreter_needed": True,
            "interpreter_language": "prs",
            "letter_language": "prs",
            "education_years": 16,
            "education_level": "Universiteit (rechten), Kabul",
            "diplomas": ["Bachelor rechten"],
            "work_history": [
                {"role": "Jurist bij ministerie", "country": "Afghanistan", "years": 12}
            ],
        },
    )
    zahra = add(
        "persons",
        {
            "household_id": h4,
            "role": "partner",
            "arrival_status": "in_nl",
            "family_name": "Rahimi",
            "given_names": "Zahra",
            "transliterations": ["زهرا رحیمی"],
            "birth_date": "1985",
            "sex": "v",
            "v_number": "4012345672",
            "bsn": demo_bsn(32),
            "nationalities": ["Afghaans"],
            "permit_date": d(-110),
            "regime": "wi2021",
            "permit_basis": "asiel_bepaald",
            "doelgroep": "asiel",
            "plicht_status": "plichtig",
            "mother_tongue": "prs",
            "literacy_own_script": "goed",
            "interpreter_needed": True,
            "interpreter_language": "prs",
            "letter_language": "prs",
            "education_years": 12,
        },
    )
    for person in (mohammad, zahra):
        add(
            "appointments",
            {
                "household_id": h4,
                "person_id": person,
                "kind": "leerbaarheidstoets",
                "starts_at": _at(t + timedelta(days=3), 9 if person == mohammad else 11, 0),
                "duration_minutes": 90,
                "location": "Taalcentrum De Brug, Schoolstraat 12, 7461 CD Heuveldal",
                "with_whom": "Toetsbegeleider Taalcentrum De Brug",
                "outcome": "gepland",
                "letter_language": "prs",
                "bring_items": ["identiteitsbewijs", "leesbril"],
            },
        )
    add(
        "referrals",
        {
            "household_id": h4,
            "person_id": mohammad,
            "partner_id": taalschool,
            "date": d(-20),
            "reason": "Leerbaarheidstoets en proefklas",
            "status": "aangemeld",
        },
    )

    # 5. A Turkish-Kurdish man (Kurmanji), Wi2021, course start overdue.
    h5 = _household(
        cb,
        {
            "name": "Yılmaz",
            "status": "traject",
            "koppeling_date": d(-300),
            "housing_date": d(-240),
            "inschrijving_date": d(-238),
            "street": "Molenweg",
            "house_number": "7",
            "postcode": "7461 PQ",
            "city": "Heuveldal",
        },
    )
    mehmet = add(
        "persons",
        {
            "household_id": h5,
            "role": "aanvrager",
            "arrival_status": "in_nl",
            "family_name": "Yılmaz",
            "given_names": "Mehmet Şükrü",
            "birth_date": "1988-04-22",
            "sex": "m",
            "v_number": "5012345678",
            "bsn": demo_bsn(41),
            "nationalities": ["Turks"],
            "country_of_origin": "Turkije",
            "permit_date": d(-320),
            "regime": "wi2021",
            "permit_basis": "asiel_bepaald",
            "doelgroep": "asiel",
            "plicht_status": "plichtig",
            "plicht_start": d(-320),
            "mother_tongue": "kmr",
            "other_languages": ["Turks"],
            "literacy_own_script": "goed",
            "literacy_latin": "goed",
            "letter_language": "kmr",
            "education_years": 10,
            "work_history": [{"role": "Kok", "country": "Turkije", "years": 6}],
        },
    )
    mehmet_intakes = [
        add(
            "appointments",
            {
                "household_id": h5,
                "person_id": mehmet,
                "kind": "brede_intake",
                "starts_at": _at(t - timedelta(days=days), 10, 0),
                "duration_minutes": 90,
                "location": OFFICE,
                "with_whom": KLANTMANAGER,
                "invitation_number": number,
                "outcome": outcome,
                "letter_language": "kmr",
            },
        )
        for days, number, outcome in (
            (232, 1, "niet_verschenen"),
            (222, 2, "niet_verschenen"),
            (212, 3, "verschenen"),
        )
    ]
    add(
        "handhaving",
        {
            "household_id": h5,
            "person_id": mehmet,
            "date": d(-231),
            "kind": "waarschuwing",
            "appointment_id": mehmet_intakes[0],
            "reason": "Niet verschenen op de brede intake (uitnodiging 1)",
            "status": "opgelegd",
        },
    )
    add(
        "handhaving",
        {
            "household_id": h5,
            "person_id": mehmet,
            "date": d(-221),
            "kind": "boete",
            "appointment_id": mehmet_intakes[1],
            "amount_eur": 250,
            "reason": "Niet verschenen op de brede intake (uitnodiging 2)",
            "status": "ingetrokken",
            "decision_date": d(-214),
            "notes": "Boete ingetrokken na bezwaar: de uitnodigingen gingen naar het oude "
            "adres in het azc.",
        },
    )
    add(
        "handhaving",
        {
            "household_id": h5,
            "person_id": mehmet,
            "date": d(-205),
            "kind": "bezwaar",
            "appointment_id": mehmet_intakes[1],
            "reason": "Uitnodigingen 1 en 2 zijn naar het oude adres in het azc gestuurd",
            "status": "afgehandeld",
            "decision_date": d(-170),
            "notes": "Bezwaar gegrond verklaard. Brieven voortaan naar Molenweg 7 sturen.",
        },
    )
    add(
        "pips",
        {
            "household_id": h5,
            "person_id": mehmet,
            "version": 1,
            "status": "vastgesteld",
            "vastgesteld_on": d(-200),
            "leerroute": "b1",
            "goal": "B1 en werk in de horeca",
            "provider": "Taalcentrum De Brug",
            "notes": "Taalschool had geen plek; start aanbod loopt achter.",
        },
    )
    add(
        "notes",
        {
            "household_id": h5,
            "created_at": _at(t - timedelta(days=3), 11, 0),
            "author": KLANTMANAGER,
            "text": "Met Taalcentrum De Brug gebeld: Mehmet kan volgende maand starten. Verklaring voor DUO opstellen.",
        },
    )

    # 6. A Somali mother, Z-route, voortgangsgesprek next week.
    h6 = _household(
        cb,
        {
            "name": "Warsame",
            "status": "traject",
            "koppeling_date": d(-500),
            "housing_date": d(-420),
            "inschrijving_date": d(-418),
            "street": "Kastanjelaan",
            "house_number": "40",
            "postcode": "7462 RS",
            "city": "Heuveldal",
            "bijstand_start": d(-418),
        },
    )
    hodan = add(
        "persons",
        {
            "household_id": h6,
            "role": "aanvrager",
            "arrival_status": "in_nl",
            "family_name": "Warsame",
            "given_names": "Hodan Cabdi",
            "birth_date": "1983",
            "sex": "v",
            "v_number": "6012345678",
            "bsn": demo_bsn(51),
            "nationalities": ["Somalisch"],
            "country_of_origin": "Somalië",
            "permit_date": d(-520),
            "regime": "wi2021",
            "permit_basis": "asiel_bepaald",
            "doelgroep": "asiel",
            "plicht_status": "plichtig",
            "mother_tongue": "so",
            "literacy_own_script": "beperkt",
            "literacy_latin": "beperkt",
            "interpreter_needed": True,
            "interpreter_language": "so",
            "letter_language": "so",
            "education_years": 2,
        },
    )
    add(
        "pips",
        {
            "household_id": h6,
            "person_id": hodan,
            "version": 1,
            "status": "vastgesteld",
            "vastgesteld_on": d(-380),
            "leerroute": "z",
            "goal": "Zelfredzaam in de wijk; A1 spreken",
            "provider": "Taalcentrum De Brug",
            "course_start": d(-350),
            "z_dutch_hours": 420,
            "z_participation_hours": 380,
            "pvt_hours": 12,
            "pvt_signed": True,
            "map_hours": 30,
        },
    )
    add(
        "appointments",
        {
            "household_id": h6,
            "person_id": hodan,
            "kind": "voortgang",
            "starts_at": _at(t + timedelta(days=5), 10, 30),
            "duration_minutes": 45,
            "location": OFFICE,
            "with_whom": KLANTMANAGER,
            "interpreter_mode": "telefoon",
            "interpreter_language": "so",
            "outcome": "gepland",
            "letter_language": "so",
        },
    )

    # 7. An Iranian man (Farsi), new: PIP to be made, intake today.
    h7 = _household(
        cb,
        {
            "name": "Karimi",
            "status": "gehuisvest",
            "koppeling_date": d(-80),
            "housing_date": d(-50),
            "inschrijving_date": d(-49),
            "street": "Stationsstraat",
            "house_number": "9",
            "postcode": "7461 TU",
            "city": "Heuveldal",
        },
    )
    reza = add(
        "persons",
        {
            "household_id": h7,
            "role": "aanvrager",
            "arrival_status": "in_nl",
            "family_name": "Karimi",
            "given_names": "Reza",
            "transliterations": ["رضا کریمی"],
            "birth_date": "1992-12-05",
            "sex": "m",
            "v_number": "7012345678",
            "bsn": demo_bsn(61),
            "nationalities": ["Iraans"],
            "country_of_origin": "Iran",
            "permit_date": d(-95),
            "regime": "wi2021",
            "permit_basis": "asiel_bepaald",
            "doelgroep": "asiel",
            "plicht_status": "plichtig",
            "mother_tongue": "fa",
            "other_languages": ["Engels"],
            "literacy_own_script": "goed",
            "literacy_latin": "goed",
            "letter_language": "fa",
            "education_years": 16,
            "education_level": "Bachelor informatica",
            "digital_skills": "goed",
        },
    )
    add(
        "appointments",
        {
            "household_id": h7,
            "person_id": reza,
            "kind": "brede_intake",
            "starts_at": _at(t, 15, 30),
            "duration_minutes": 90,
            "location": OFFICE,
            "with_whom": KLANTMANAGER,
            "invitation_number": 1,
            "outcome": "gepland",
            "letter_language": "fa",
            "bring_items": ["diplomas"],
            "bring": "Vertalingen van uw diploma's, als u die heeft",
        },
    )

    # 8. A Yemeni man (Arabic) still in the azc, warme overdracht done.
    h8 = _household(
        cb,
        {
            "name": "Saleh",
            "status": "azc",
            "coa_location": "Azc Zwolle",
            "coa_street": "Dennenweg",
            "coa_house_number": "2",
            "coa_postcode": "8041 ZZ",
            "coa_city": "Zwolle",
            "koppeling_date": d(-14),
        },
    )
    ali = add(
        "persons",
        {
            "household_id": h8,
            "role": "aanvrager",
            "arrival_status": "azc",
            "family_name": "Saleh",
            "given_names": "Ali Mohammed",
            "transliterations": ["علي محمد صالح"],
            "birth_date": "2001",
            "sex": "m",
            "v_number": "8012345678",
            "nationalities": ["Jemenitisch"],
            "country_of_origin": "Jemen",
            "permit_date": d(-28),
            "regime": "wi2021",
            "permit_basis": "asiel_bepaald",
            "doelgroep": "asiel",
            "plicht_status": "plichtig",
            "mother_tongue": "ar",
            "literacy_own_script": "goed",
            "literacy_latin": "beperkt",
            "interpreter_needed": True,
            "interpreter_language": "ar",
            "letter_language": "ar",
        },
    )
    add(
        "warm_handovers",
        {
            "household_id": h8,
            "date": d(-4),
            "scenario": "gecombineerd",
            "coa_worker": "M. Visser (COA)",
            "location": "Azc Zwolle",
            "profile": {
                "composition": "Alleenstaand",
                "origin": "Jemen",
                "language": "Arabisch",
                "education": "Middelbare school",
            },
            "notes": "Brede intake en PIP in het azc (gecombineerde aanpak). BSN volgt na inschrijving.",
        },
    )
    add(
        "appointments",
        {
            "household_id": h8,
            "person_id": ali,
            "kind": "brede_intake",
            "starts_at": _at(t + timedelta(days=1), 10, 0),
            "duration_minutes": 90,
            "location": "Azc Zwolle, Hoofdgebouw, spreekkamer 2",
            "with_whom": KLANTMANAGER,
            "interpreter_mode": "video",
            "interpreter_language": "ar",
            "invitation_number": 1,
            "outcome": "gepland",
            "letter_language": "ar",
        },
    )

    # 9. An Iraqi-Kurdish woman (Sorani) who moved here from another gemeente: her termijn
    # started there (DUO gave the date), so the schakelen deadline is near; a new PIP
    # must be made here.
    h9 = _household(
        cb,
        {
            "name": "Qadir",
            "status": "traject",
            "housing_date": d(-35),
            "inschrijving_date": d(-33),
            "street": "Wilgenhof",
            "house_number": "5",
            "postcode": "7463 VW",
            "city": "Heuveldal",
            "housing_corporation": "Woonstichting Dal & Heuvel",
            "notes": "Verhuisd uit de gemeente Rivierdal (werk in de regio).",
        },
    )
    shilan = add(
        "persons",
        {
            "household_id": h9,
            "role": "aanvrager",
            "arrival_status": "in_nl",
            "family_name": "Qadir",
            "given_names": "Shilan",
            "transliterations": ["شیلان قادر"],
            "birth_date": "1989-08-21",
            "sex": "v",
            "v_number": "9012345678",
            "bsn": demo_bsn(71),
            "nationalities": ["Iraaks"],
            "country_of_origin": "Irak",
            "permit_date": d(-700),
            "regime": "wi2021",
            "permit_basis": "asiel_bepaald",
            "doelgroep": "asiel",
            "plicht_status": "plichtig",
            "plicht_start": d(-700),
            "mother_tongue": "ckb",
            "other_languages": ["Arabisch", "Engels"],
            "literacy_own_script": "goed",
            "literacy_latin": "goed",
            "letter_language": "ckb",
            "education_years": 14,
            "education_level": "Hbo verpleegkunde (Erbil)",
            "work_history": [{"role": "Verpleegkundige", "country": "Irak", "years": 5}],
            "digital_skills": "goed",
        },
    )
    add(
        "duo_decisions",
        {
            "household_id": h9,
            "person_id": shilan,
            "kind": "termijn_start",
            "date": d(-20),
            "document_number": "DUO-2026-448120",
            "termijn_start": d(-540),
            "notes": "Termijn liep al in de gemeente Rivierdal (eerste PIP daar).",
        },
    )
    add(
        "appointments",
        {
            "household_id": h9,
            "person_id": shilan,
            "kind": "pip",
            "starts_at": _at(t + timedelta(days=6), 10, 0),
            "duration_minutes": 60,
            "location": OFFICE,
            "with_whom": KLANTMANAGER,
            "outcome": "gepland",
            "letter_language": "ckb",
            "bring_items": ["brieven_duo"],
            "bring": "Het PIP van de gemeente Rivierdal",
        },
    )
    add(
        "notes",
        {
            "household_id": h9,
            "person_id": shilan,
            "created_at": _at(t - timedelta(days=12), 11, 30),
            "author": KLANTMANAGER,
            "text": "Gemeente Rivierdal meldt: B1-route, 310 lesuren gevolgd, PVT gedaan. "
            "DUO bevestigt de start van de termijn. Nieuw PIP maken; de leerroute blijft B1. "
            "Schakelen kan nog maar kort.",
        },
    )
    return counts
