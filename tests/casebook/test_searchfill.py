"""A batch of many new rows is indexed in one statement per table (klantapp/casebook/
searchfill.py): the search index ends exactly as the per-row triggers leave it, the
triggers are back afterwards, and a failing batch leaves nothing behind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from klantapp.casebook import Casebook, Transaction, searchfill
from klantapp.casebook.hlc import Timestamp
from klantapp.casebook.ops import Change, Op
from klantapp.casebook.queries import search
from klantapp.vault import KdfParams

PASS = "een lange test wachtwoordzin"
DEVICE = "kantoor000000001"
NAMES = ("Müller", "الحسن", "Yılmaz", "ዮናስ", "Şükrü", "رحیمی", "Ahmad_Karimi", "van der Berg")
HEALTH = ("geestelijke_gezondheid", "lichamelijke_gezondheid")
INDEXED = ("households", "persons", "notes", "intake_scores")


def _caseload(households: int) -> Change:
    """One office change that brings ``households`` households whole, the way a
    re-provision does: persons, notes (some restricted) and intake scores (some about
    health, which the index leaves out)."""
    ops: list[Op] = []
    seq = 0

    def add(table: str, row_id: str, data: dict[str, Any]) -> None:
        nonlocal seq
        seq += 1
        clock = Timestamp(1_800_000_000_000 + seq, 0, DEVICE).encode()
        ops.append(Op(table, row_id, "insert", data, clock, DEVICE, seq))

    for h in range(households):
        hid = f"h{h:04d}"
        name = NAMES[h % len(NAMES)]
        add("households", hid, {"name": f"Familie {name}", "notes": f"woning {h}"})
        for p in range(2):
            add(
                "persons",
                f"{hid}p{p}",
                {"household_id": hid, "family_name": name, "given_names": NAMES[(h + p) % 8]},
            )
        for n in range(2):
            add(
                "notes",
                f"{hid}n{n}",
                {
                    "household_id": hid,
                    "text": f"gesprek {name} taalschool",
                    "restricted": 1 if (h + n) % 5 == 0 else 0,
                },
            )
        add(
            "intake_scores",
            f"{hid}s",
            {"household_id": hid, "domain": HEALTH[h % 2] if h % 3 else "werk", "notes": name},
        )
    return Change(DEVICE, "2027-01-01T00:00:00.000+00:00", "kantoor", tuple(ops)).sealed()


def _one_by_one(self: Transaction, changes: list[Change]) -> None:
    for change in changes:
        self.apply_remote(change)


@pytest.fixture
def books(tmp_path: Path) -> Iterator[tuple[Casebook, Casebook]]:
    pair = [
        Casebook.create(tmp_path / name, PASS, kdf=KdfParams.for_tests(), actor="km")[0]
        for name in ("per-rij", "in-een-keer")
    ]
    try:
        yield pair[0], pair[1]
    finally:
        for cb in pair:
            cb.close()


def _index(cb: Casebook) -> dict[str, Any]:
    """Every (word, row id) pair of every index, each index's integrity check passed."""
    out: dict[str, Any] = {}
    with cb.reading() as conn:
        for table in searchfill.tables_indexed(conn):
            conn.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('integrity-check')")
            conn.execute(
                f"CREATE VIRTUAL TABLE temp.words_{table} "
                f"USING fts5vocab(main, {table}_fts, 'instance')"
            )
            out[table] = sorted(
                conn.execute(
                    f"SELECT w.term, t.id FROM temp.words_{table} w "
                    f"JOIN {table} t ON t.rowid = w.doc"
                ).fetchall()
            )
            conn.execute(f"DROP TABLE temp.words_{table}")
        out["triggers"] = sorted(
            conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        )
    return out


def _apply(cb: Casebook, change: Change) -> None:
    with cb.transaction(actor="uitwisseling") as tx:
        tx.apply_remote_all([change, change_of_one_more()])


def change_of_one_more() -> Change:
    """A second change in the batch, so the batch goes the bulk way."""
    clock = Timestamp(1_900_000_000_000, 0, DEVICE).encode()
    op = Op("partners", "partner1", "insert", {"name": "Taalcentrum Ünal"}, clock, DEVICE, 10**6)
    return Change(DEVICE, "2027-01-01T00:00:00.000+00:00", "kantoor", (op,)).sealed()


def test_a_whole_caseload_is_indexed_as_the_triggers_index_it(
    books: tuple[Casebook, Casebook], monkeypatch: pytest.MonkeyPatch
) -> None:
    per_row, at_once = books
    change = _caseload(searchfill.MIN_ROWS)  # every indexed table gets enough rows
    with monkeypatch.context() as m:
        m.setattr(Transaction, "apply_remote_all", _one_by_one)
        _apply(per_row, change)
    filled: list[str] = []
    original = searchfill._index_rows_after

    def spy(conn: Any, table: str, rowid: int) -> None:
        filled.append(table)
        original(conn, table, rowid)

    monkeypatch.setattr(searchfill, "_index_rows_after", spy)
    _apply(at_once, change)
    assert sorted(filled) == sorted(INDEXED)  # the bulk way was taken for each
    expected = _index(per_row)
    assert expected["notes"] and expected["persons"]
    assert _index(at_once) == expected
    # restricted notes and health scores are not in it, on either side
    assert ("gesprek", "h0000n0") not in expected["notes"]
    assert not [row for _word, row in expected["intake_scores"] if not row.endswith("s")]
    assert len({row for _w, row in expected["intake_scores"]}) == len(
        [h for h in range(searchfill.MIN_ROWS) if h % 3 == 0]
    )
    for typed in ("muller", "الحسن", "yilmaz", "sukru", "taalschool"):
        assert search(at_once, typed, limit=1000) == search(per_row, typed, limit=1000)


def test_after_a_bulk_fill_the_triggers_index_single_edits_again(
    books: tuple[Casebook, Casebook],
) -> None:
    _per_row, cb = books
    _apply(cb, _caseload(searchfill.MIN_ROWS))
    with cb.transaction() as tx:
        tx.update("households", "h0001", {"name": "Familie Okonkwo"})
        tx.insert("notes", {"household_id": "h0001", "text": "vrijwilligerswerk"})
    assert [(h.kind, h.id) for h in search(cb, "okonkwo")] == [("households", "h0001")]
    assert [h.kind for h in search(cb, "vrijwilligerswerk")] == ["notes"]


def test_a_batch_that_fails_half_way_leaves_the_index_and_triggers_as_they_were(
    books: tuple[Casebook, Casebook], monkeypatch: pytest.MonkeyPatch
) -> None:
    _per_row, cb = books
    before = _index(cb)

    def broken(conn: Any, table: str, rowid: int) -> None:
        raise RuntimeError("stroomstoring")

    monkeypatch.setattr(searchfill, "_index_rows_after", broken)
    with pytest.raises(RuntimeError):
        _apply(cb, _caseload(searchfill.MIN_ROWS))
    assert _index(cb) == before
    with cb.reading() as conn:
        assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
