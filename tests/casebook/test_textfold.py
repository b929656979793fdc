"""Folding for search: the ASCII shortcut gives what the full folding gives."""

from __future__ import annotations

import sqlite3
import string
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from klantapp.casebook.textfold import _ARABIC_VARIANTS, fold, fts_query, fts_words


def folded_the_long_way(text: str) -> str:
    s = unicodedata.normalize("NFKD", text)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    return s.translate(_ARABIC_VARIANTS).casefold()


@given(st.text(alphabet=string.printable) | st.text())
def test_every_text_folds_as_the_full_rule_says(text: str) -> None:
    assert fold(text) == folded_the_long_way(text)


def test_examples() -> None:
    assert fold("Müller") == fold("MULLER") == "muller"
    assert fold("Yılmaz") == "yilmaz"
    assert fold("BSN 123456782") == "bsn 123456782"


def _index() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2', "
        "detail=none)"
    )
    return conn


def test_a_word_splits_where_the_index_splits_it() -> None:
    # U+19B0 is a letter for Python (Unicode 8 and later) but a mark for SQLite's older
    # tables: the query used to hold "aᦰa" as one word, which FTS5 refused as a phrase
    assert fts_words("AᦰA") == ["a", "a"]
    conn = _index()
    conn.execute("INSERT INTO t (x) VALUES (?)", (fold("AᦰA"),))
    query = fts_query("AᦰA")
    assert query is not None
    assert conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (query,)).fetchone() == (1,)


@given(st.text(min_size=1, max_size=12))
def test_every_query_is_one_the_index_takes_and_finds_its_own_text(text: str) -> None:
    query = fts_query(text)
    if query is None:
        return
    conn = _index()
    conn.execute("INSERT INTO t (x) VALUES (?)", (fold(text),))
    assert conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (query,)).fetchone() == (1,)
