"""The cheap form of a prefix search finds exactly the rows the prefix phrase finds."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from klantapp.casebook.prefixmatch import MAX_TERMS, cheap_match
from klantapp.casebook.textfold import fold, fts_query, fts_words

# Latin with diacritics, Arabic, Ge'ez, digits and punctuation: what names and notes hold.
ALPHABET = "abkmoé" + "محسن" + "ዮናስ" + "019" + " -_'"


def _index(texts: list[str]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE t_fts USING fts5(text, "
        "tokenize='unicode61 remove_diacritics 2', detail=none)"
    )
    conn.executemany("INSERT INTO t_fts(text) VALUES (?)", [(fold(t),) for t in texts])
    return conn


def _rows(conn: sqlite3.Connection, match: str) -> list[int]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT rowid FROM t_fts WHERE t_fts MATCH ? ORDER BY rowid DESC", (match,)
        )
    ]


@settings(max_examples=150, deadline=None)
@given(
    texts=st.lists(st.text(ALPHABET, max_size=30), min_size=1, max_size=40),
    typed=st.text(ALPHABET, min_size=1, max_size=8),
)
def test_cheap_match_finds_what_the_prefix_phrase_finds(texts: list[str], typed: str) -> None:
    conn = _index(texts)
    words = fts_words(typed)
    if not words:
        return
    prefix = fts_query(typed)
    assert prefix is not None
    assert _rows(conn, cheap_match(conn, "t_fts", words)) == _rows(conn, prefix)


def test_a_word_with_many_continuations_keeps_its_prefix_phrase() -> None:
    conn = _index([f"kind{'x' * n}" for n in range(MAX_TERMS + 2)] + ["kok"])
    match = cheap_match(conn, "t_fts", ["kind"])
    assert match == '"kind"*'
    assert len(_rows(conn, match)) == MAX_TERMS + 2


def test_a_whole_word_is_searched_as_that_word_and_its_continuations() -> None:
    conn = _index(["kinderopvang geregeld", "kinderopvangtoeslag", "kind", "kok"])
    match = cheap_match(conn, "t_fts", ["kinderopvang"])
    assert match == '("kinderopvang" OR "kinderopvangtoeslag")'
    assert _rows(conn, match) == [2, 1]
