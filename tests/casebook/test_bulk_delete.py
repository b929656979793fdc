"""Deleting many rows at once (Transaction.delete_rows, apply.apply_deletes): the
same state as deleting them one by one -- rows, clocks, tombstones, oplog, search
index -- live and after the journal is replayed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from klantapp.casebook import Casebook, queries, services
from tests.avg.conftest import make_family
from tests.conftest import PASSPHRASE

BOOKKEEPING = (
    "SELECT tbl, row_id, hlc, device, household_id, seq, owner, destroyed FROM tombstones "
    "ORDER BY tbl, row_id",
    "SELECT seq, tbl, row_id, op FROM oplog ORDER BY seq",
    "SELECT tbl, row_id, field FROM clocks ORDER BY tbl, row_id, field",
)


def state(cb: Casebook, names: dict[str, str]) -> list[list[Any]]:
    """The bookkeeping, ids replaced by their place in the delete (they are random),
    clocks and device ids left out (they differ between two casebooks)."""

    def plain(row: tuple[Any, ...], skip: tuple[int, ...] = ()) -> tuple[Any, ...]:
        return tuple(
            names.get(v, "other" if isinstance(v, str) and len(v) == 36 else v)
            for i, v in enumerate(row)
            if i not in skip
        )

    with cb.reading() as conn:
        return [
            sorted(plain(r, (2, 3)) for r in conn.execute(BOOKKEEPING[0])),
            [plain(r) for r in conn.execute(BOOKKEEPING[1])],
            sorted(plain(r) for r in conn.execute(BOOKKEEPING[2])),
        ]


def family_rows(cb: Casebook, household: str) -> list[tuple[str, str]]:
    with cb.reading() as conn:
        rows = [
            (kind, r[0])
            for kind in ("notes", "referrals", "handhaving", "appointments", "pips")
            for r in conn.execute(f"SELECT id FROM {kind} WHERE household_id = ?", (household,))
        ]
        rows += [
            ("intake_scores", r[0])
            for r in conn.execute(
                "SELECT id FROM intake_scores WHERE household_id = ?", (household,)
            )
        ]
        rows += [
            ("warm_handovers", r[0])
            for r in conn.execute(
                "SELECT id FROM warm_handovers WHERE household_id = ?", (household,)
            )
        ]
        rows += [
            ("persons", r[0])
            for r in conn.execute("SELECT id FROM persons WHERE household_id = ?", (household,))
        ]
    return [*rows, ("households", household)]


def build(path: Path, *, bulk: bool) -> tuple[Casebook, list[str], dict[str, str]]:
    cb, _secret = Casebook.create(path, PASSPHRASE)
    fam = make_family(cb)
    keep = make_family(cb, "Kpw")
    rows = family_rows(cb, fam.household)
    with cb.transaction() as tx:
        if bulk:
            tx.delete_rows(rows)
        else:
            for table, row_id in rows:
                tx.delete(table, row_id)
    assert queries.get(cb, "households", keep.household) is not None
    names = {rid: f"{table}#{i}" for i, (table, rid) in enumerate(rows)}
    names.update(
        {rid: f"kept:{kind}" for kind, rid in keep.ids.items()} | {keep.other: "kept:other"}
    )
    return cb, fam.markers, names


def test_many_deletes_at_once_leave_what_one_by_one_leaves(tmp_path: Path) -> None:
    one, markers, one_names = build(tmp_path / "one", bulk=False)
    bulk, _markers, names = build(tmp_path / "bulk", bulk=True)
    try:
        deleted = state(bulk, names)
        assert len(deleted[0]) == 11  # a tombstone per row, ids only
        assert all(t[2] == "households#10" for t in deleted[0])  # the household's id
        assert deleted == state(one, one_names)
        for marker in markers:
            assert queries.search(bulk, marker) == [], marker
        path = bulk.path
        bulk.close()  # no compaction: the journal record is replayed on open
        bulk = Casebook.open(path, PASSPHRASE)
        assert state(bulk, names) == deleted
        for marker in markers:
            assert queries.search(bulk, marker) == [], marker
    finally:
        one.close()
        bulk.close()


def test_a_delete_names_the_newest_clock_of_the_row_as_its_base(casebook: Casebook) -> None:
    fam = make_family(casebook)
    services.update_record(casebook, "notes", fam.ids["notes"], {"text": "later"})
    with casebook.reading() as conn:
        newest = conn.execute(
            "SELECT max(hlc) FROM clocks WHERE tbl = 'notes' AND row_id = ?", (fam.ids["notes"],)
        ).fetchone()[0]
    with casebook.transaction() as tx:
        tx.delete_rows([("notes", fam.ids["notes"]), ("notes", "never-there")])
    base = tx.ops[0].base or {}
    from klantapp.casebook.hlc import Timestamp

    assert Timestamp.decode(base[""]).pack() == newest
    assert tx.ops[1].base is None
    assert [op.seq for op in tx.ops] == sorted(op.seq for op in tx.ops)


def test_a_casebook_of_an_older_program_is_vacuumed_once(casebook: Casebook) -> None:
    """Free pages of a program without secure_delete may hold deleted text: such a
    casebook (no mark) is rebuilt at its first destruction's compaction, then marked."""
    from klantapp.casebook.casebook import _ZEROED

    def mark() -> str | None:
        with casebook.reading() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (_ZEROED,)).fetchone()
        return None if row is None else str(row[0])

    assert mark() == "1"  # made by this program: zeroed from the start
    with casebook.reading() as conn:
        conn.execute("DELETE FROM meta WHERE key = ?", (_ZEROED,))
    vacuums: list[str] = []
    casebook._require_conn().set_trace_callback(
        lambda sql: vacuums.append(sql) if sql.strip().upper() == "VACUUM" else None
    )
    casebook.compact(vacuum=True)
    casebook.compact(vacuum=True)
    casebook._require_conn().set_trace_callback(None)
    assert vacuums == ["VACUUM"] and mark() == "1"
