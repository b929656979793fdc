"""Schema 12: an edit re-indexes a row for search only when it changes what the
search index holds, and the index stays exactly right whatever is edited."""

from __future__ import annotations

import random
import re
import sqlite3

from klantapp.casebook.apply import FTS_TABLES
from klantapp.casebook.migrations import migrate
from klantapp.casebook.textfold import fold

from .older_schema import at_schema

HEALTH = "geestelijke_gezondheid"


def _filled_at_schema_11() -> sqlite3.Connection:
    conn = at_schema(11)
    conn.execute("INSERT INTO households (id, name, status) VALUES ('h', 'Familie Haile', 'azc')")
    conn.execute(
        "INSERT INTO persons (id, household_id, role, family_name, given_names) "
        "VALUES ('p', 'h', 'aanvrager', 'Haile', 'Selam')"
    )
    conn.execute("INSERT INTO notes (id, household_id, text) VALUES ('n', 'h', 'taalschool')")
    conn.execute(
        "INSERT INTO intake_scores (id, household_id, person_id, domain, score, notes) "
        "VALUES ('i', 'h', 'p', 'financien', 3, 'schulden')"
    )
    return conn


def _found(conn: sqlite3.Connection, fts: str, word: str) -> bool:
    return bool(conn.execute(f"SELECT 1 FROM {fts} WHERE {fts} MATCH ?", (word,)).fetchone())


def _folds_during(conn: sqlite3.Connection, sql: str) -> int:
    """How often the index triggers folded text while ``sql`` ran."""
    calls = [0]

    def counting(text: str | None) -> str | None:
        calls[0] += 1
        return fold(text)

    conn.create_function("kfold", 1, counting, deterministic=True)
    try:
        conn.execute(sql)
    finally:
        conn.create_function("kfold", 1, fold, deterministic=True)
    return calls[0]


def test_an_edit_of_an_unindexed_field_leaves_the_search_index_alone() -> None:
    conn = _filled_at_schema_11()
    migrate(conn)
    assert _folds_during(conn, "UPDATE persons SET birth_date = '1990' WHERE id = 'p'") == 0
    assert _folds_during(conn, "UPDATE households SET status = 'traject' WHERE id = 'h'") == 0
    assert _folds_during(conn, "UPDATE notes SET author = 'km' WHERE id = 'n'") == 0
    assert _folds_during(conn, "UPDATE persons SET given_names = 'Yonas' WHERE id = 'p'") > 0
    assert _found(conn, "persons_fts", "yonas") and not _found(conn, "persons_fts", "selam")


def test_what_keeps_a_row_out_of_the_index_still_takes_it_out_and_back() -> None:
    conn = _filled_at_schema_11()
    migrate(conn)
    conn.execute("UPDATE notes SET restricted = 1 WHERE id = 'n'")
    assert not _found(conn, "notes_fts", "taalschool")
    conn.execute("UPDATE notes SET restricted = 0, text = 'kinderopvang' WHERE id = 'n'")
    assert _found(conn, "notes_fts", "kinderopvang") and not _found(conn, "notes_fts", "taalschool")
    conn.execute(f"UPDATE intake_scores SET domain = '{HEALTH}' WHERE id = 'i'")
    assert not _found(conn, "intake_scores_fts", "schulden")
    conn.execute("UPDATE intake_scores SET domain = 'financien' WHERE id = 'i'")
    assert _found(conn, "intake_scores_fts", "schulden")


def test_every_index_update_trigger_fires_on_each_column_it_reads() -> None:
    """Also for a trigger added later: a column its body reads but its event leaves
    out would leave the index stale."""
    conn = at_schema(99)
    triggers = conn.execute(
        "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE "
        "'%AFTER UPDATE%'"
    ).fetchall()
    assert {f"{t}_fts" for t, _ in triggers} == set(FTS_TABLES)
    for table, sql in triggers:
        event = re.search(r"AFTER UPDATE OF ([\w, ]+) ON (\w+)", sql)
        assert event is not None and event[2] == table, sql
        listed = {c.strip() for c in event[1].split(",")}
        assert set(re.findall(r"\b(?:old|new)\.(\w+)", sql)) - {"rowid"} == listed


def test_the_index_matches_the_rows_after_many_mixed_edits() -> None:
    conn = _filled_at_schema_11()
    migrate(conn)
    rnd = random.Random(12)
    words = ["taalschool", "werk", "tolk", "huisarts", "Şükrü", "ሰላም"]
    for i in range(300):
        conn.execute(
            rnd.choice(
                [
                    "UPDATE notes SET text = ?1 WHERE id = 'n'",
                    "UPDATE notes SET author = ?1 WHERE id = 'n'",
                    "UPDATE notes SET restricted = (length(?1) % 2) WHERE id = 'n'",
                    "UPDATE persons SET family_name = ?1, phone = ?1 WHERE id = 'p'",
                    "UPDATE persons SET phone = ?1 WHERE id = 'p'",
                    "UPDATE households SET owner = ?1 WHERE id = 'h'",
                    "UPDATE households SET name = ?1 WHERE id = 'h'",
                    "UPDATE intake_scores SET score = length(?1) % 5 WHERE id = 'i'",
                    f"UPDATE intake_scores SET domain = iif(length(?1) % 2, '{HEALTH}', 'werk')"
                    " WHERE id = 'i'",
                ]
            ),
            (f"{rnd.choice(words)} {i}",),
        )
    for fts in FTS_TABLES:  # the index against the rows it is made from
        conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
