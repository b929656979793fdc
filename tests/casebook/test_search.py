"""Full-text search over names in any script and notes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klantapp.casebook import Casebook, queries, services
from klantapp.casebook.textfold import fold, fts_query


def _titles(cb: Casebook, q: str) -> set[str]:
    return {h.title for h in queries.search(cb, q)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("al-hassan", "Ahmad Al-Hassan"),
        ("أحمد", "Ahmad Al-Hassan"),  # Arabic script, as written in the transliteration
        ("احمد", "Ahmad Al-Hassan"),  # typed without hamza
        ("ዮናስ", "Yonas Tesfay"),  # Ge'ez script
        ("yilmaz", "Mehmet Şükrü Yılmaz"),  # Turkish dotless i
        ("SUKRU", "Mehmet Şükrü Yılmaz"),  # diacritics and case ignored
        ("رضا کریمی", "Reza Karimi"),  # Persian keh
        ("رضا كريمي", "Reza Karimi"),  # ... typed with Arabic kaf/yeh
        ("Moha", "Mohammad Rahimi"),  # prefix of a word
    ],
)
def test_names_are_found_in_any_script(demo_casebook: Casebook, query: str, expected: str) -> None:
    assert expected in _titles(demo_casebook, query)


def test_an_underscore_separates_words_as_a_space_does(demo_casebook: Casebook) -> None:
    """Typed "al_hassan" used to stop the search with an SQL error (a phrase of two
    tokens on an index without positions)."""
    assert "Ahmad Al-Hassan" in _titles(demo_casebook, "al_hassan")
    assert _titles(demo_casebook, "al_hassan") == _titles(demo_casebook, "al hassan")


def test_bsn_and_v_number_find_the_person(demo_casebook: Casebook) -> None:
    person = next(
        p for p in queries.all_records(demo_casebook, "persons") if p["given_names"] == "Reza"
    )
    assert "Reza Karimi" in _titles(demo_casebook, person["bsn"])
    assert "Reza Karimi" in _titles(demo_casebook, person["v_number"])


def test_notes_are_searchable(demo_casebook: Casebook) -> None:
    hits = queries.search(demo_casebook, "diplomawaardering")
    assert [h.kind for h in hits] == ["notes"]


def test_restricted_health_notes_are_not_in_the_index(casebook: Casebook) -> None:
    hid = services.add_record(casebook, "households", {"name": "X", "status": "azc"})
    services.add_record(
        casebook,
        "notes",
        {
            "household_id": hid,
            "created_at": "2026-01-01T10:00",
            "text": "diabetes behandeling",
            "restricted": True,
        },
    )
    services.add_record(
        casebook,
        "notes",
        {"household_id": hid, "created_at": "2026-01-01T10:00", "text": "diabetes voorlichting"},
    )
    assert [h.snippet for h in queries.search(casebook, "diabetes")] == ["diabetes voorlichting"]


def test_index_follows_edits_and_deletes(casebook: Casebook) -> None:
    hid = services.add_record(casebook, "households", {"name": "Bakr", "status": "azc"})
    assert _titles(casebook, "bakr") == {"Bakr"}
    services.update_record(casebook, "households", hid, {"name": "Bakri"})
    assert _titles(casebook, "bakri") == {"Bakri"}
    services.delete_record(casebook, "households", hid)
    assert _titles(casebook, "bakri") == set()


@pytest.mark.parametrize(
    "query", ['"', "AND", "a OR b", "NEAR(", "*", "name:x", "-", "'; DROP TABLE persons; --"]
)
def test_search_syntax_in_user_input_is_just_text(demo_casebook: Casebook, query: str) -> None:
    queries.search(demo_casebook, query)  # must not raise
    assert queries.all_records(demo_casebook, "persons")  # and nothing was harmed


@given(st.text())
def test_fts_query_is_always_valid_syntax(text: str) -> None:
    import sqlite3

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    q = fts_query(text)
    if q is not None:
        conn.execute("SELECT * FROM t WHERE t MATCH ?", (q,)).fetchall()


_NAME = st.text(
    alphabet=st.characters(categories=["Lu", "Ll", "Lo", "Mn"]), min_size=1, max_size=12
)


@settings(deadline=None)  # each example migrates a fresh database; a busy machine is slow
@given(st.lists(_NAME, min_size=1, max_size=3))
def test_a_name_in_any_script_is_found_by_typing_it(words: list[str]) -> None:
    from klantapp.casebook import migrations
    from klantapp.casebook.casebook import _connect

    conn = _connect()
    migrations.migrate(conn)
    name = " ".join(words)
    conn.execute(
        "INSERT INTO persons (id, household_id, family_name) VALUES ('p', 'h', ?)", (name,)
    )
    query = fts_query(name)
    if query is None:  # only combining marks: nothing a person could search for
        assert not fold(name).strip()
        return
    found = conn.execute(
        "SELECT rowid FROM persons_fts WHERE persons_fts MATCH ?", (query,)
    ).fetchall()
    assert found, (name, query)


def test_household_list_filters_by_text_status_and_route(demo_casebook: Casebook) -> None:
    assert [h["name"] for h in queries.list_households(demo_casebook, text="ሰላም")] == [
        "Gebremedhin"
    ]
    assert {h["name"] for h in queries.list_households(demo_casebook, status="azc")} == {"Saleh"}
    assert {h["name"] for h in queries.list_households(demo_casebook, leerroute="z")} == {
        "Al-Hassan",
        "Warsame",
    }
    names = [
        h["name"] for h in queries.list_households(demo_casebook, order_by="name", descending=True)
    ]
    assert names == sorted(names, key=str.casefold, reverse=True)


def test_a_partners_referrals_come_with_names_newest_first(demo_casebook: Casebook) -> None:
    partner = next(
        p for p in queries.list_partners(demo_casebook) if p["name"] == "Werkplein Heuveldal"
    )
    rows = queries.referrals_for_partner(demo_casebook, partner["id"])
    assert [(r["household_name"], r["person_name"]) for r in rows] == [
        ("Al-Hassan", "Ahmad Al-Hassan")
    ]
    assert queries.referrals_for_partner(demo_casebook, "unknown") == []


def test_record_hits_are_titled_with_labels_not_codes(casebook: Casebook) -> None:
    hid = services.add_record(casebook, "households", {"name": "X", "status": "azc"})
    services.add_record(
        casebook,
        "appointments",
        {
            "household_id": hid,
            "kind": "brede_intake",
            "starts_at": "2026-11-22T14:00",
            "location": "Gemeentehuis",
            "outcome": "gepland",
            "notes": "tolk geregeld",
        },
    )
    (hit,) = queries.search(casebook, "geregeld")
    assert hit.title == "Afspraak · Brede intake 2026-11-22 14:00"


def test_a_pip_hit_names_its_version(demo_casebook: Casebook) -> None:
    (hit,) = queries.search(demo_casebook, "kinderopvang lessen")
    assert hit.title == "PIP · Versie 1 Z-route"
