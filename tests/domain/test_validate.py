"""What a klantmanager would check about input: each rule, its edge cases, its messages."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klantapp.domain import records
from klantapp.domain.validate import (
    InvalidValue,
    check_bool,
    check_bsn,
    check_choice,
    check_date,
    check_datetime,
    check_email,
    check_int,
    check_max_length,
    check_partial_date,
    check_phone,
    check_postcode,
    check_required,
    check_score,
    check_text,
    check_vnummer,
    elfproef,
    is_blank,
    partial_date_bounds,
    validate_record,
)
from klantapp.errors import InvalidInput, Problem

TODAY = date(2026, 11, 22)
HH = "0b8e6d9c-7d5f-4a1e-9b0e-1c2d3e4f5a6b"
PERSON_ID = "5f2c1a7e-3b4d-4c8e-9f0a-112233445566"


def message(fn, *args, **kwargs) -> str:
    with pytest.raises(InvalidValue) as err:
        fn(*args, **kwargs)
    return err.value.message


# --- BSN ------------------------------------------------------------------------------


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "012345672"])
def test_known_valid_bsns_pass(bsn):
    assert elfproef(bsn)
    assert check_bsn(bsn) == bsn


def test_bsn_typed_with_spaces_dots_and_dashes_is_stored_as_digits():
    assert check_bsn(" 1234.56.782 ") == "123456782"
    assert check_bsn("1234 56 782") == "123456782"
    assert check_bsn("123-456-782") == "123456782"


def test_eight_digit_bsn_gets_leading_zero():
    assert check_bsn("12345672") == "012345672"
    assert check_bsn(12345672) == "012345672"  # a spreadsheet dropped the zero


def test_bsn_with_wrong_check_digit_says_elfproef():
    assert (
        message(check_bsn, "123456789")
        == "Dit BSN klopt niet: de elfproef faalt. Controleer de cijfers."
    )


def test_all_zero_bsn_is_refused():
    assert not elfproef("000000000")
    assert "nullen" in message(check_bsn, "000000000")
    assert "nullen" in message(check_bsn, "00000000")


@pytest.mark.parametrize("bsn", ["1234567", "1234567890", ""])
def test_bsn_of_wrong_length_says_how_many_digits(bsn):
    text = message(check_bsn, bsn)
    assert "9" in text
    assert f"heeft {len(bsn)} cijfers" in text


def test_bsn_with_letters_is_refused():
    assert "alleen cijfers" in message(check_bsn, "12345678a")
    assert "alleen cijfers" in message(check_bsn, "١٢٣٤٥٦٧٨٢")  # Arabic-Indic digits


def test_elfproef_needs_exactly_nine_ascii_digits():
    assert not elfproef("12345678")
    assert not elfproef("1234567820")
    assert not elfproef("12345678x")


def _check_digit(first8: str) -> int:
    weights = (9, 8, 7, 6, 5, 4, 3, 2)
    return sum(w * int(d) for w, d in zip(weights, first8, strict=True)) % 11


valid_bsns = (
    st.text(alphabet="0123456789", min_size=8, max_size=8)
    .filter(lambda s: _check_digit(s) < 10 and s != "00000000")
    .map(lambda s: s + str(_check_digit(s)))
)


@given(valid_bsns)
def test_every_number_with_a_correct_check_digit_passes(bsn):
    assert elfproef(bsn)
    assert check_bsn(bsn) == bsn


@given(valid_bsns, st.integers(0, 8), st.integers(1, 9))
def test_any_single_digit_change_fails_the_elfproef(bsn, position, delta):
    changed = bsn[:position] + str((int(bsn[position]) + delta) % 10) + bsn[position + 1 :]
    assert changed != bsn
    assert not elfproef(changed)
    with pytest.raises(InvalidValue):
        check_bsn(changed)


# --- V-nummer --------------------------------------------------------------------------


def test_vnummer_is_ten_digits_and_typing_separators_are_dropped():
    assert check_vnummer("1234567890") == "1234567890"
    assert check_vnummer("12.345.678.90") == "1234567890"
    assert check_vnummer(" 12345 67890 ") == "1234567890"


@pytest.mark.parametrize("vnr", ["123456789", "12345678901"])
def test_vnummer_of_wrong_length_is_refused(vnr):
    assert "10" in message(check_vnummer, vnr)


def test_vnummer_with_letters_is_refused():
    assert "alleen cijfers" in message(check_vnummer, "V123456789")


# --- dates ---------------------------------------------------------------------------


def test_date_in_iso_form_passes_and_date_objects_are_converted():
    assert check_date("2024-02-29") == "2024-02-29"
    assert check_date(date(2026, 1, 5)) == "2026-01-05"
    assert check_date(datetime(2026, 1, 5, 14, 30)) == "2026-01-05"
    assert check_date(" 2026-01-05 ") == "2026-01-05"


@pytest.mark.parametrize("text", ["2023-02-29", "2026-04-31", "2026-13-01", "2026-00-10"])
def test_dates_that_do_not_exist_are_refused(text):
    msg = message(check_date, text, "Datum koppeling")
    assert "bestaat niet in de kalender" in msg
    assert text not in msg  # a refused value is not repeated (it may be a birth date)


@pytest.mark.parametrize("text", ["22-11-2026", "2026/11/22", "2026-1-5", "gisteren", "20261122"])
def test_other_date_forms_are_refused_with_an_example(text):
    msg = message(check_date, text, "Datum koppeling")
    assert msg.startswith("Datum koppeling:")
    assert "JJJJ-MM-DD" in msg


def test_implausible_years_are_refused():
    assert message(check_date, "0202-01-01", "Datum vergunning") == (
        "Datum vergunning: dit jaartal klopt vast niet (het ligt tussen 1900 en 2100). "
        "Controleer het jaartal."
    )
    assert "2101" not in message(check_date, "2101-01-01")


def test_date_not_after():
    assert check_date("2026-11-22", not_after=TODAY) == "2026-11-22"
    assert "toekomst" in message(check_date, "2026-11-23", not_after=TODAY)


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("1990", date(1990, 1, 1), date(1990, 12, 31)),
        ("1990-02", date(1990, 2, 1), date(1990, 2, 28)),
        ("1992-02", date(1992, 2, 1), date(1992, 2, 29)),
        ("1990-12", date(1990, 12, 1), date(1990, 12, 31)),
        ("1990-05-17", date(1990, 5, 17), date(1990, 5, 17)),
    ],
)
def test_partial_date_bounds(text, earliest, latest):
    assert partial_date_bounds(text) == (earliest, latest)
    assert check_partial_date(text) == text


@pytest.mark.parametrize("text", ["1990-13", "1990-00", "1990-02-30", "90", "1990-5", "05-1990"])
def test_bad_partial_dates_are_refused(text):
    with pytest.raises(InvalidValue):
        check_partial_date(text, "Geboortedatum")


def test_partial_birth_date_in_the_future_is_refused_only_if_it_surely_is():
    assert check_partial_date("2026", not_after=TODAY) == "2026"
    assert check_partial_date("2026-11", not_after=TODAY) == "2026-11"
    assert "toekomst" in message(check_partial_date, "2026-12", "Geboortedatum", not_after=TODAY)
    assert "toekomst" in message(check_partial_date, "2027", "Geboortedatum", not_after=TODAY)
    msg = message(check_partial_date, "2026-11-23", "Geboortedatum", not_after=TODAY)
    assert msg == "Geboortedatum ligt in de toekomst. Controleer de datum."


def test_datetime():
    assert check_datetime("2026-03-31T14:30") == "2026-03-31T14:30"
    assert check_datetime("2026-03-31 14:30") == "2026-03-31T14:30"
    assert check_datetime(datetime(2026, 3, 31, 9, 5, 59)) == "2026-03-31T09:05"
    assert "deze tijd bestaat niet" in message(check_datetime, "2026-03-31T24:00")
    assert "10:60" not in message(check_datetime, "2026-03-31T10:60")
    assert "bestaat niet" in message(check_datetime, "2026-02-30T10:00")
    assert "UU:MM" in message(check_datetime, "2026-03-31")
    assert "UU:MM" in message(check_datetime, "2026-03-31T9:00")


# --- postcode, phone, e-mail -----------------------------------------------------------


@pytest.mark.parametrize("typed", ["1234AB", "1234 ab", " 1234  Ab ", "1234\tAB"])
def test_postcode_is_normalised(typed):
    assert check_postcode(typed) == "1234 AB"


@pytest.mark.parametrize("typed", ["123 AB", "12345 AB", "1234 A", "0123 AB", "AB 1234", "1234-AB"])
def test_bad_postcodes_are_refused_with_an_example(typed):
    assert "1234 AB" in message(check_postcode, typed)


@pytest.mark.parametrize("typed", ["1234 SS", "1234sa", "1234 SD"])
def test_postcodes_with_unused_letter_pairs_are_refused(typed):
    assert "SA, SD of SS" in message(check_postcode, typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0612345678", "0612345678"),
        ("06 12345678", "06 12345678"),
        ("06-1234 5678", "06-1234 5678"),
        ("030-1234567", "030-1234567"),
        (" +31 6 12345678 ", "+31 6 12345678"),
        ("0031 6 1234  5678", "0031 6 1234 5678"),
        ("+32 470 12 34 56", "+32 470 12 34 56"),
        ("+963 944 123 456", "+963 944 123 456"),
        ("0800-1234", "0800-1234"),
        ("0900-1234567", "0900-1234567"),
        ("+31 800 1234", "+31 800 1234"),
        ("14 020", "14 020"),
    ],
)
def test_valid_phone_numbers_are_kept_as_typed(typed, stored):
    assert check_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("061234567", "10 cijfers"),
        ("06123456789", "10 cijfers"),
        ("612345678", "10 cijfers"),
        ("+31 6 1234567", "na +31 horen 9 cijfers"),
        ("+44 123", "8 tot 15 cijfers"),
        ("06 1234 5678 ext 2", "alleen cijfers"),
        ("(06) 12345678", "alleen cijfers"),
        ("06+12345678", "alleen cijfers"),
        ("14 0", "14-nummer"),
        ("0800-12", "0800"),
    ],
)
def test_bad_phone_numbers_are_refused(typed, says):
    assert says in message(check_phone, typed, "Telefoon")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("naam@voorbeeld.nl", "naam@voorbeeld.nl"),
        (" Fatima.Ali@Gemeente.NL ", "Fatima.Ali@gemeente.nl"),
        ("a+b@sub.example.org", "a+b@sub.example.org"),
    ],
)
def test_valid_email(typed, stored):
    assert check_email(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "naam",
        "naam@",
        "@voorbeeld.nl",
        "naam@voorbeeld",
        "na am@voorbeeld.nl",
        "a@@b.nl",
        "a@b..nl",
        ".a@b.nl",
        "a@.b.nl",
        "a@b.nl.",
    ],
)
def test_bad_email(typed):
    assert "naam@voorbeeld.nl" in message(check_email, typed)


# --- numbers, choices, text ---------------------------------------------------------------


def test_score_is_one_to_five():
    assert [check_score(v) for v in (1, "5", 3.0)] == [1, 5, 3]
    for bad in (0, 6, "drie", 2.5, True):
        assert "1 tot en met 5" in message(check_score, bad, "ZRM huishouden (score)")


def test_int_ranges_and_messages():
    assert check_int("12", "Jaren onderwijs", 0, 30) == 12
    assert check_int(0, "Jaren onderwijs", 0, 30) == 0
    assert check_int(30, "Jaren onderwijs", 0, 30) == 30
    assert message(check_int, 31, "Jaren onderwijs", 0, 30) == (
        "Jaren onderwijs: vul een getal in van 0 tot en met 30."
    )
    assert "kleiner zijn dan 5" in message(check_int, 4, "Duur", 5)
    assert "groter zijn dan 3" in message(check_int, 4, "Nr", None, 3)
    assert "heel getal" in message(check_int, "12,5", "Lesuren")
    assert "heel getal" in message(check_int, True, "Lesuren")
    assert "heel getal" in message(check_int, 2.5, "Lesuren")


def test_bool():
    assert check_bool(True, "Rijbewijs") is True
    assert check_bool("ja", "Rijbewijs") is True
    assert check_bool("Nee", "Rijbewijs") is False
    assert check_bool(0, "Rijbewijs") is False
    assert "ja of nee" in message(check_bool, "misschien", "Rijbewijs")
    assert "ja of nee" in message(check_bool, 2, "Rijbewijs")


def test_choice_exact_or_case_corrected():
    assert check_choice("b1", "Leerroute", records.LEERROUTES) == "b1"
    assert check_choice(" B1 ", "Leerroute", records.LEERROUTES) == "b1"
    assert check_choice("b1", "Niveau", records.CEFR) == "B1"
    msg = message(check_choice, "c1", "Leerroute", records.LEERROUTES)
    assert msg == "Leerroute: kies een van deze mogelijkheden: B1-route, Onderwijsroute, Z-route."
    assert "uit de lijst" in message(check_choice, "xx", "Moedertaal", records.LANGUAGES)


def test_text_trims_outer_whitespace_only():
    assert check_text("  Amanuel  Tesfay ", "Naam") == "Amanuel  Tesfay"
    assert "één regel" in message(check_text, "regel 1\nregel 2", "Naam")
    assert "verborgen teken" in message(check_text, "a\tb", "Naam")
    assert "verborgen teken" in message(check_text, "a\x00b", "Naam")
    assert "hier hoort tekst" in message(check_text, 12, "Naam")


def test_max_length():
    assert check_max_length("abc", "Plaats", 3) == "abc"
    assert message(check_max_length, "abcd", "Plaats", 3) == (
        "Plaats is te lang: hoogstens 3 tekens, nu 4. Maak het korter."
    )


def test_required():
    check_required("x", "Achternaam")
    check_required(0, "Versie")
    for blank in (None, "", "   ", [], {}):
        assert (
            message(check_required, blank, "Achternaam") == "Achternaam is verplicht. Vul dit in."
        )
    assert is_blank(None)
    assert is_blank(" \t")
    assert not is_blank("x")


# --- validate_record: whole records ----------------------------------------------------------


def person(**kw):
    values = {"household_id": HH, "role": "aanvrager", "family_name": "Tesfay"}
    values.update(kw)
    return values


def appointment(**kw):
    values = {
        "household_id": HH,
        "kind": "brede_intake",
        "starts_at": "2026-12-01T10:00",
        "location": "Gemeentehuis, Markt 1",
        "outcome": "gepland",
    }
    values.update(kw)
    return values


def fields_of(problems: list[Problem]) -> list[str]:
    return [p.field for p in problems]


def test_a_correct_person_has_no_problems_and_is_normalised():
    values, problems = validate_record(
        "persons",
        person(
            given_names="  Amanuel ",
            bsn="1234.56.782",
            v_number="12.345.678.90",
            birth_date="1990",
            education_years="12",
            interpreter_needed="ja",
            transliterations=[" አማኑኤል ተስፋይ ", "", "Amanuel Tesfai"],
            email="A@Example.NL",
            phone="06  12345678",
            mother_tongue="TI",
            work_history=[{"role": " kapper ", "country": "Eritrea", "years": "4"}],
            health_note="  eerste regel\nnog een  ",
        ),
        today=TODAY,
    )
    assert problems == []
    assert values["given_names"] == "Amanuel"
    assert values["bsn"] == "123456782"
    assert values["v_number"] == "1234567890"
    assert values["education_years"] == 12
    assert values["interpreter_needed"] is True
    assert values["transliterations"] == ["አማኑኤል ተስፋይ", "Amanuel Tesfai"]
    assert values["email"] == "A@example.nl"
    assert values["phone"] == "06 12345678"
    assert values["mother_tongue"] == "ti"
    assert values["work_history"] == [{"role": "kapper", "country": "Eritrea", "years": 4}]
    assert values["health_note"] == "  eerste regel\nnog een  "  # notes are kept as typed
    assert set(values) == set(person()) | {
        "given_names",
        "bsn",
        "v_number",
        "birth_date",
        "education_years",
        "interpreter_needed",
        "transliterations",
        "email",
        "phone",
        "mother_tongue",
        "work_history",
        "health_note",
    }


def test_missing_required_fields_are_named_by_label():
    values, problems = validate_record("persons", {"household_id": HH}, where="persoon 1")
    assert fields_of(problems) == ["role", "family_name"]
    assert problems[0] == Problem("persoon 1", "role", "Rol is verplicht. Vul dit in.")
    assert problems[1].message == "Achternaam is verplicht. Vul dit in."
    assert values == {"household_id": HH}


def test_blank_required_field_is_a_problem_also_in_an_update():
    _, problems = validate_record("persons", {"family_name": "   "}, partial=True)
    assert fields_of(problems) == ["family_name"]
    assert problems[0].message == "Achternaam is verplicht. Vul dit in."


def test_update_checks_only_the_given_fields():
    values, problems = validate_record("persons", {"bsn": "111 222 333"}, partial=True)
    assert problems == []
    assert values == {"bsn": "111222333"}


def test_blank_optional_values_become_none():
    values, problems = validate_record(
        "persons", person(given_names="  ", bsn="", birth_date=None), today=TODAY
    )
    assert problems == []
    assert values["given_names"] is None
    assert values["bsn"] is None
    assert values["birth_date"] is None


def test_wrong_values_are_reported_with_record_field_and_label_and_kept_unchanged():
    values, problems = validate_record(
        "persons",
        person(bsn="123456789", birth_date="2030-01", sex="q", education_years=40),
        where="households[0].persons[1]",
        today=TODAY,
    )
    by_field = {p.field: p for p in problems}
    assert set(by_field) == {"bsn", "birth_date", "sex", "education_years"}
    assert all(p.record == "households[0].persons[1]" for p in problems)
    assert (
        by_field["bsn"].message == "Dit BSN klopt niet: de elfproef faalt. Controleer de cijfers."
    )
    assert by_field["birth_date"].message.startswith("Geboortedatum")
    assert by_field["sex"].message.startswith("Geslacht")
    assert by_field["education_years"].message.startswith("Jaren onderwijs")
    assert values["bsn"] == "123456789"
    assert values["education_years"] == 40
    # The casebook turns problems into the error the user sees.
    err = InvalidInput(problems)
    assert "4 plaatsen" in str(err)


def test_unknown_field_is_a_problem_but_id_is_accepted():
    values, problems = validate_record(
        "households",
        {
            "id": " 3f1e0c7a-1111-4222-8333-444455556666 ",
            "name": "Familie Haile",
            "status": "azc",
            "naam": "typo",
        },
    )
    assert fields_of(problems) == ["naam"]
    assert "bestaat niet bij Huishouden" in problems[0].message
    assert values["id"] == "3f1e0c7a-1111-4222-8333-444455556666"


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(KeyError):
        validate_record("unicorns", {})


def test_wrong_types_are_problems_not_crashes():
    _, problems = validate_record(
        "persons",
        person(
            given_names=5,
            transliterations="Tesfai",
            nationalities=[1],
            work_history="x",
            household_id="",
        ),
    )
    assert sorted(fields_of(problems)) == [
        "given_names",
        "household_id",
        "nationalities",
        "transliterations",
        "work_history",
    ]


def test_json_field_shape_follows_the_field():
    work = records.PERSON.field("work_history")
    profile = records.WARM_HANDOVER.field("profile")
    _, problems = validate_record("warm_handovers", {"profile": {"origin": "Syrië"}}, partial=True)
    assert problems == []
    if getattr(work, "repeated", None) is not None:
        # one object for a repeated field is its only entry (never "not a list")
        values, problems = validate_record("persons", {"work_history": {"role": "x"}}, partial=True)
        assert problems == [] and values["work_history"] == [{"role": "x"}]
        _, problems = validate_record("persons", {"work_history": "x"}, partial=True)
        assert fields_of(problems) == ["work_history"]
        assert "lijst" not in problems[0].message
        _, problems = validate_record(
            "warm_handovers", {"profile": [{"origin": "Syrië"}]}, partial=True
        )
        assert fields_of(problems) == ["profile"]
        assert not getattr(profile, "repeated", False)


def test_json_text_parts_may_run_over_lines_and_are_trimmed():
    values, problems = validate_record(
        "warm_handovers",
        {"profile": {"education": " 6 jaar school\nkapper ", "work": 5}},
        partial=True,
    )
    assert fields_of(problems) == ["profile"]
    assert problems[0].message == "Informatieprofiel (Werk): hier hoort tekst te staan."
    values, problems = validate_record(
        "warm_handovers", {"profile": {"education": " 6 jaar school\nkapper "}}, partial=True
    )
    assert problems == []
    assert values["profile"] == {"education": "6 jaar school\nkapper"}


def test_json_field_refuses_unknown_parts():
    _, problems = validate_record(
        "households", {"ontzorgen_payees": {"rent": "Woonstad", "car": "x"}}, partial=True
    )
    assert fields_of(problems) == ["ontzorgen_payees"]
    assert "car" in problems[0].message


def test_household_postcode_and_phone_are_normalised():
    values, problems = validate_record(
        "households",
        {
            "name": " Familie Haile ",
            "status": "gehuisvest",
            "postcode": "7511ab",
            "phone": "+31  6 12345678",
            "zrm_household_score": "4",
            "ontzorgen": False,
        },
    )
    assert problems == []
    assert values["name"] == "Familie Haile"
    assert values["postcode"] == "7511 AB"
    assert values["phone"] == "+31 6 12345678"
    assert values["zrm_household_score"] == 4
    assert values["ontzorgen"] is False


def test_max_length_from_the_record_kind():
    _, problems = validate_record("households", {"house_number": "1" * 21}, partial=True)
    assert problems[0].message == (
        "Huisnummer is te lang: hoogstens 20 tekens, nu 21. Maak het korter."
    )


def test_note_text_max_length_and_multiline():
    values, problems = validate_record(
        "notes",
        {"household_id": HH, "created_at": "2026-11-22 09:15", "text": "regel 1\nregel 2"},
    )
    assert problems == []
    assert values["created_at"] == "2026-11-22T09:15"
    _, problems = validate_record("notes", {"text": "x" * 20001}, partial=True)
    assert fields_of(problems) == ["text"]


def test_birth_date_in_the_future_uses_today():
    _, problems = validate_record(
        "persons", {"birth_date": "2026-11-23"}, partial=True, today=TODAY
    )
    assert problems[0].message == "Geboortedatum ligt in de toekomst. Controleer de datum."
    _, problems = validate_record(
        "persons", {"birth_date": "2026-11-22"}, partial=True, today=TODAY
    )
    assert problems == []


def test_every_record_kind_accepts_a_minimal_record():
    minimal = {
        "households": {"name": "H", "status": "azc"},
        "persons": person(),
        "warm_handovers": {"household_id": HH, "date": "2026-01-01"},
        "intake_scores": {
            "household_id": HH,
            "person_id": PERSON_ID,
            "intake_date": "2026-01-01",
            "domain": "taal",
        },
        "pips": {"household_id": HH, "person_id": PERSON_ID, "version": 1, "status": "concept"},
        "appointments": appointment(),
        "partners": {"name": "Taalschool Noord", "kind": "taalschool"},
        "referrals": {
            "household_id": HH,
            "partner_id": PERSON_ID,
            "date": "2026-01-01",
            "status": "aangemeld",
        },
        "notes": {"household_id": HH, "created_at": "2026-01-01T09:00", "text": "x"},
        "handhaving": handhaving(),
        "duo_decisions": {
            "household_id": HH,
            "person_id": PERSON_ID,
            "kind": "ontheffing",
            "date": "2026-01-01",
        },
        "trajectmodules": {
            "household_id": HH,
            "person_id": PERSON_ID,
            "kind": "pvt",
            "status": "gepland",
        },
        "exam_attempts": {
            "household_id": HH,
            "person_id": PERSON_ID,
            "skill": "knm",
            "result": "uitslag_volgt",
        },
    }
    assert set(minimal) == set(records.RECORD_KINDS)
    for kind_name, values in minimal.items():
        assert validate_record(kind_name, values)[1] == [], kind_name
        assert validate_record(kind_name, {})[1], kind_name  # something is required


# --- cross-field rules ---------------------------------------------------------------------


def test_tolk_needs_a_language():
    _, problems = validate_record("appointments", appointment(interpreter_mode="telefoon"))
    assert fields_of(problems) == ["interpreter_language"]
    assert problems[0].message == "Taal tolk is verplicht als er een tolk is gekozen."
    _, problems = validate_record(
        "appointments", appointment(interpreter_mode="telefoon", interpreter_language="ar")
    )
    assert problems == []


def test_geen_tolk_is_a_real_answer_and_needs_no_language():
    values, problems = validate_record("appointments", appointment(interpreter_mode=""))
    assert problems == []
    assert values["interpreter_mode"] == ""


def test_invitation_number_only_on_a_brede_intake():
    _, problems = validate_record("appointments", appointment(invitation_number=2))
    assert problems == []
    _, problems = validate_record(
        "appointments", appointment(kind="voortgang", invitation_number=2)
    )
    assert fields_of(problems) == ["invitation_number"]
    assert "alleen bij een brede intake" in problems[0].message
    _, problems = validate_record("appointments", appointment(invitation_number=4))
    assert problems[0].message == "Uitnodiging nr.: vul een getal in van 1 tot en met 3."


def test_cross_field_rules_on_an_update_use_the_stored_record():
    stored = appointment(kind="voortgang")
    _, problems = validate_record(
        "appointments", {"invitation_number": 1}, partial=True, current=stored
    )
    assert fields_of(problems) == ["invitation_number"]
    _, problems = validate_record(
        "appointments", {"interpreter_mode": "video"}, partial=True, current=stored
    )
    assert fields_of(problems) == ["interpreter_language"]
    stored_with_language = appointment(interpreter_language="fa")
    _, problems = validate_record(
        "appointments", {"interpreter_mode": "video"}, partial=True, current=stored_with_language
    )
    assert problems == []
    # Without the stored record, a rule that needs a field not in the update is skipped.
    _, problems = validate_record("appointments", {"interpreter_mode": "video"}, partial=True)
    assert problems == []


def test_vastgesteld_pip_needs_its_dagtekening():
    pip = {"household_id": HH, "person_id": PERSON_ID, "version": 1, "status": "vastgesteld"}
    _, problems = validate_record("pips", pip)
    assert fields_of(problems) == ["vastgesteld_on"]
    assert problems[0].message.startswith("Dagtekening (vastgesteld op) is verplicht")
    assert validate_record("pips", {**pip, "vastgesteld_on": "2026-02-01"})[1] == []
    assert validate_record("pips", {**pip, "status": "concept"})[1] == []


def test_regime_geen_does_not_fit_plichtig():
    _, problems = validate_record("persons", person(regime="geen", plicht_status="plichtig"))
    assert fields_of(problems) == ["plicht_status"]
    assert validate_record("persons", person(regime="wi2021", plicht_status="plichtig"))[1] == []


def handhaving(**kw):
    values = {
        "household_id": HH,
        "person_id": PERSON_ID,
        "date": "2026-11-10",
        "kind": "waarschuwing",
        "status": "opgelegd",
    }
    values.update(kw)
    return values


def test_handhaving_record_needs_person_date_kind_and_status():
    _, problems = validate_record("handhaving", {"household_id": HH})
    assert sorted(fields_of(problems)) == ["date", "kind", "person_id", "status"]
    messages = {p.field: p.message for p in problems}
    assert messages["kind"] == "Soort is verplicht. Vul dit in."
    _, problems = validate_record("handhaving", handhaving(kind="dwangsom"))
    assert fields_of(problems) == ["kind"]
    assert problems[0].message.startswith("Soort: kies een van deze mogelijkheden: Waarschuwing")


def test_boete_with_amount_linked_to_the_missed_intake():
    values, problems = validate_record(
        "handhaving",
        handhaving(
            kind="boete",
            amount_eur="250",
            appointment_id=" a-1 ",
            status="voorgenomen",
            decision_date="2026-11-20",
            reason="Niet verschenen op de brede intake (uitnodiging 2)",
        ),
    )
    assert problems == []
    assert values["amount_eur"] == 250
    assert values["appointment_id"] == "a-1"
    _, problems = validate_record("handhaving", handhaving(kind="boete", amount_eur=10001))
    assert problems[0].message == "Bedrag (euro): vul een getal in van 0 tot en met 10000."


def test_amount_only_on_a_boete():
    _, problems = validate_record("handhaving", handhaving(kind="waarschuwing", amount_eur=250))
    assert fields_of(problems) == ["amount_eur"]
    assert problems[0].message == (
        "Bedrag (euro) hoort alleen bij een boete. Maak het veld leeg, of kies als soort Boete."
    )
    assert validate_record("handhaving", handhaving(kind="boete", amount_eur=250))[1] == []
    assert validate_record("handhaving", handhaving(kind="bezwaar", amount_eur=None))[1] == []
    # An update that turns a boete into a bezwaar while the amount stays is caught too.
    stored = handhaving(kind="boete", amount_eur=250)
    _, problems = validate_record("handhaving", {"kind": "bezwaar"}, partial=True, current=stored)
    assert fields_of(problems) == ["amount_eur"]


def test_person_inschrijving_is_a_date():
    values, problems = validate_record(
        "persons", {"inschrijving_date": date(2026, 3, 2)}, partial=True
    )
    assert problems == []
    assert values == {"inschrijving_date": "2026-03-02"}


def test_the_termijn_start_from_duo_is_a_decision_not_a_person_field():
    _, problems = validate_record("persons", {"termijn_start": "2025-06-17"}, partial=True)
    assert fields_of(problems) == ["termijn_start"]
    decision = {
        "household_id": HH,
        "person_id": PERSON_ID,
        "kind": "termijn_start",
        "date": "2026-03-02",
        "document_number": "DUO-2026-0001",
    }
    _, problems = validate_record("duo_decisions", decision)
    assert fields_of(problems) == ["termijn_start"]
    assert problems[0].message.startswith("Start termijn is verplicht")
    _, problems = validate_record("duo_decisions", {**decision, "termijn_start": "2025-06-17"})
    assert problems == []


def test_a_verlenging_needs_a_period_and_a_boete_its_new_termijn():
    base = {"household_id": HH, "person_id": PERSON_ID, "date": "2026-03-02"}
    _, problems = validate_record("duo_decisions", {**base, "kind": "verlenging"})
    assert fields_of(problems) == ["period_months"]
    for period in ({"period_days": 45}, {"period_months": 3}, {"new_last_day": "2027-08-31"}):
        assert validate_record("duo_decisions", {**base, "kind": "verlenging", **period})[1] == []
    _, problems = validate_record("duo_decisions", {**base, "kind": "boete_termijn"})
    assert fields_of(problems) == ["new_last_day"]


def test_the_doelgroep_must_fit_the_permit_basis():
    # art. 3 Wi2021 / art. 56a Pw: a nareiziger with a regular permit is a gezinsmigrant
    _, problems = validate_record(
        "persons", {"permit_basis": "regulier_gezin", "doelgroep": "nareiziger"}, partial=True
    )
    assert fields_of(problems) == ["doelgroep"]
    assert "Gezinsmigrant" in problems[0].message
    for fits in ("gezin", None):
        _, problems = validate_record(
            "persons", {"permit_basis": "regulier_gezin", "doelgroep": fits}, partial=True
        )
        assert problems == []


def test_a_wrong_field_is_not_also_blamed_by_a_cross_field_rule():
    _, problems = validate_record(
        "appointments", appointment(interpreter_mode="telefoon", interpreter_language="xx")
    )
    assert fields_of(problems) == ["interpreter_language"]
    assert "kies een waarde uit de lijst" in problems[0].message


# --- names in any script ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "محمد الأحمد",  # Arabic
        "ተስፋይ ገብረሚካኤል",  # Tigrinya, Ge'ez script
        "Çağlar Öztürk",  # Turkish
        "Nguyễn Thị Minh Khai",  # combining-heavy Latin
        "e\u0301lodie",  # e + combining acute: NOT to be composed into é
        "می\u200cخواهم",  # Persian with zero-width non-joiner
        "O'Brien-D'Souza",
    ],
)
def test_names_are_kept_exactly_as_typed(name):
    values, problems = validate_record(
        "persons", {"family_name": f"  {name}\u3000", "given_names": name}, partial=True
    )
    assert problems == []
    assert values["family_name"] == name
    assert values["given_names"] == name


name_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=200
).filter(lambda s: s.strip() and "\u2028" not in s and "\u2029" not in s)


@given(
    name_text,
    st.text(alphabet=" \u00a0\u3000\u2003", max_size=3),
    st.text(alphabet=" \u00a0\u3000\u2003", max_size=3),
)
@settings(max_examples=300)
def test_arbitrary_unicode_names_survive_unchanged_except_outer_whitespace(name, before, after):
    typed = before + name + after
    values, problems = validate_record(
        "persons", person(family_name=typed, transliterations=[typed])
    )
    assert problems == []
    assert values["family_name"] == typed.strip()
    assert values["transliterations"] == [typed.strip()]


# --- normalised values re-validate to themselves ---------------------------------------------

bsn_as_typed = valid_bsns.flatmap(
    lambda b: st.sampled_from([b, f"{b[:4]} {b[4:6]} {b[6:]}", f"{b[:4]}.{b[4:6]}.{b[6:]}"])
)
postcodes_as_typed = st.builds(
    lambda n, a, b, sp: f"{n}{sp}{a}{b}",
    st.integers(1000, 9999),
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    st.sampled_from("BCEFGHJKLMNPRTUVWXYZ"),
    st.sampled_from(["", " ", "  "]),
)
dates_ = st.dates(date(1900, 1, 1), date(2100, 12, 31))


@given(
    st.fixed_dictionaries(
        {
            "household_id": st.just(HH),
            "role": st.sampled_from(["aanvrager", "kind"]),
            "family_name": name_text,
        },
        optional={
            "bsn": bsn_as_typed,
            "v_number": st.from_regex(r"\A[0-9]{2}\.?[0-9]{4} ?[0-9]{4}\Z"),
            "birth_date": st.one_of(
                dates_.map(lambda d: d.isoformat()),
                dates_.map(lambda d: d.isoformat()[:7]),
                dates_.map(lambda d: d.isoformat()[:4]),
            ).filter(lambda s: s <= TODAY.isoformat()[: len(s)]),
            "permit_date": dates_,
            "education_years": st.one_of(st.integers(0, 30), st.integers(0, 30).map(str)),
            "interpreter_needed": st.sampled_from([True, False, "ja", "nee", 1, 0]),
            "mother_tongue": st.sampled_from([c for c, _ in records.LANGUAGES] + ["AR", "Ti"]),
            "phone": st.sampled_from(["06 1234 5678", "+31  20 123 4567", "0031612345678"]),
            "email": st.sampled_from(["x@Y.NL", " a.b@c.org "]),
            "transliterations": st.lists(name_text, max_size=3),
        },
    )
)
def test_normalised_person_revalidates_to_itself(values):
    once, problems = validate_record("persons", values, today=TODAY)
    assert problems == []
    twice, problems = validate_record("persons", once, today=TODAY)
    assert problems == []
    assert twice == once


@given(
    st.fixed_dictionaries(
        {"name": name_text, "status": st.sampled_from([c for c, _ in records.HOUSEHOLD_STATUS])},
        optional={
            "postcode": postcodes_as_typed,
            "koppeling_date": dates_.map(lambda d: d.isoformat()),
            "zrm_household_score": st.sampled_from([1, 2, 3, "4", 5.0]),
        },
    )
)
def test_normalised_household_revalidates_to_itself(values):
    once, problems = validate_record("households", values)
    assert problems == []
    assert validate_record("households", once) == (once, [])


@given(st.datetimes(datetime(1900, 1, 1), datetime(2100, 12, 31)), st.sampled_from(["T", " "]))
def test_datetimes_normalise_and_revalidate(moment, sep):
    typed = moment.strftime(f"%Y-%m-%d{sep}%H:%M")
    once = check_datetime(typed)
    assert once == moment.strftime("%Y-%m-%dT%H:%M")
    assert check_datetime(once) == once


@given(dates_)
def test_every_real_date_passes(day):
    assert check_date(day.isoformat()) == day.isoformat()
    assert (
        partial_date_bounds(day.isoformat()[:7])[0]
        <= day
        <= partial_date_bounds(day.isoformat()[:7])[1]
    )


# --- dates as people type them (the client's date fields) ------------------------------


@pytest.mark.parametrize(
    ("typed", "partial", "stored"),
    [
        ("31-03-2026", False, "2026-03-31"),
        ("1/3/2026", False, "2026-03-01"),
        ("31.03.2026", False, "2026-03-31"),
        ("2026-03-31", False, "2026-03-31"),
        ("31-03-26", False, "2026-03-31"),  # an ordinary date: 26 can only be 2026
        ("00-03-1984", True, "1984-03"),  # BRP/COA: unknown day
        ("00-00-1984", True, "1984"),  # unknown day and month
        ("03-1984", True, "1984-03"),
        ("1984", True, "1984"),
        ("14-03-1984", True, "1984-03-14"),
        ("", True, None),
    ],
)
def test_read_date_accepts_what_people_type(typed: str, partial: bool, stored: str | None) -> None:
    from klantapp.domain.validate import read_date

    assert read_date(typed, "Geboortedatum", partial=partial) == stored


@pytest.mark.parametrize(
    ("typed", "partial", "says"),
    [
        ("14-03-84", True, "vier cijfers"),  # 1984 or 2084: a birth date spans a century
        ("00-03-2026", False, "DD-MM-JJJJ"),  # an ordinary date needs its day
        ("31-02-2026", False, "bestaat niet"),
        ("00-13-1984", True, "deze maand bestaat niet"),  # the value is not repeated
        ("maart", True, "00-03-1984"),
    ],
)
def test_read_date_refuses_with_the_forms_it_accepts(typed: str, partial: bool, says: str) -> None:
    from klantapp.domain.validate import read_date

    with pytest.raises(InvalidValue) as err:
        read_date(typed, "Geboortedatum", partial=partial)
    assert says in err.value.message


def test_brp_zero_day_and_month_are_stored_as_partial_dates() -> None:
    assert check_partial_date("1984-03-00") == "1984-03"
    assert check_partial_date("1984-00-00") == "1984"


@pytest.mark.parametrize(
    ("kind", "record", "message"),
    [
        (
            "appointments",
            {"kind": "voortgang", "invitation_number": 2},
            "Uitnodiging nr. hoort alleen bij een brede intake. Maak het veld leeg, of kies "
            "als soort afspraak Brede intake.",
        ),
        (
            "trajectmodules",
            {"kind": "map", "verklaring_signed_on": "2026-01-05"},
            "Participatieverklaring ondertekend op hoort alleen bij een PVT. Maak het veld "
            "leeg, of kies als module PVT.",
        ),
        (
            "trajectmodules",
            {"kind": "pvt", "eindgesprek_on": "2026-01-05"},
            "MAP-eindgesprek gehouden op hoort alleen bij een MAP. Maak het veld leeg, of "
            "kies als module MAP.",
        ),
    ],
)
def test_a_field_of_another_kind_of_record_is_named_with_the_kind_to_choose(
    kind: str, record: dict[str, object], message: str
) -> None:
    _, problems = validate_record(kind, record, partial=True, current=record)
    assert message in [p.message for p in problems]
