"""The bulk path (klantapp/casebook/bulk.py) leaves a casebook exactly as applying the
same merged changes one by one does: rows, clocks, oplog, tombstones, changes, meta,
conflicts, the search index and the state digest -- also after a replay of the journal,
and all-or-nothing when it fails half-way."""

from __future__ import annotations

import itertools
import shutil
import uuid
from collections.abc import Iterator
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klantapp.casebook import Casebook, Transaction, bulk
from klantapp.casebook import casebook as casebook_module
from klantapp.casebook.hlc import Timestamp
from klantapp.casebook.ops import Change, Op
from klantapp.sync import receive
from klantapp.sync.digest import state_digest
from klantapp.sync.receive import apply_changes
from klantapp.vault import KdfParams

PASS = "een lange test wachtwoordzin"
OWNER = "laptop0000000001"
DEVICES = ("apparaata0000000", "apparaatb0000000")
HOUSEHOLDS = ("h1", "h2", "h3")  # h3 is not in the seed: only an insert makes it
NOTES = ("n1", "n2", "n3", "n4")  # n4 likewise
WORDS = ("taalschool", "woning", "tolk", "werkplek")


def _seed(path: Path) -> None:
    cb, _ = Casebook.create(path, PASS, kdf=KdfParams.for_tests(), actor="tester")
    with cb.transaction() as tx:
        for hid in HOUSEHOLDS[:2]:
            tx.insert("households", {"name": f"Familie {hid}", "owner": OWNER}, row_id=hid)
        for n, nid in enumerate(NOTES[:3]):
            tx.insert("notes", {"household_id": HOUSEHOLDS[n % 2], "text": WORDS[n]}, row_id=nid)
    cb.close()


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "dossier"
    _seed(path)
    return path


def _copy(seed: Path, target: Path) -> Casebook:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(seed, target)
    return Casebook.open(target, PASS, actor="tester")


def dump(cb: Casebook) -> dict[str, Any]:
    """Everything a person or another replica could tell apart, rowids aside."""
    out: dict[str, Any] = {}
    with cb.reading() as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%' ORDER BY name"
            )
        ]
        for table in tables:
            cur = conn.execute(f"SELECT * FROM {table}")
            out[table] = sorted(cur.fetchall(), key=repr)
        for fts in ("households_fts", "notes_fts"):
            conn.execute(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')")
        for word in WORDS:
            out[f"search:{word}"] = sorted(
                r[0]
                for r in conn.execute(
                    "SELECT id FROM notes WHERE rowid IN "
                    "(SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?)",
                    (word,),
                )
            )
        out["digest"] = state_digest(conn, OWNER)
    return out


def _one_by_one(self: Transaction, changes: list[Change]) -> None:
    for change in changes:
        self.apply_remote(change)


class _Frozen(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _Frozen:
        return cls(2027, 2, 1, tzinfo=tz)


def _receive(cb: Casebook, batches: list[list[Change]], *, sequential: bool) -> None:
    numbers = itertools.count()
    with pytest.MonkeyPatch.context() as mp:
        if sequential:
            mp.setattr(Transaction, "apply_remote_all", _one_by_one)
        # the conflicts this office keeps get the same ids and moment on both sides
        mp.setattr(uuid, "uuid4", lambda: uuid.UUID(int=next(numbers)))
        mp.setattr(casebook_module, "_utc_now", lambda: "2027-02-01T00:00:00.000+00:00")
        mp.setattr(receive, "datetime", _Frozen)
        for batch in batches:
            with cb.transaction(actor="uitwisseling") as tx:
                apply_changes(tx, tx._conn, batch, keep_losers=True, validate=False)


@pytest.fixture
def pair(seed: Path, tmp_path: Path) -> Iterator[tuple[Casebook, Casebook]]:
    one, many = _copy(seed, tmp_path / "een"), _copy(seed, tmp_path / "bulk")
    try:
        yield one, many
    finally:
        one.close()
        many.close()


def _ts(wall: int, counter: int, device: str) -> str:
    return Timestamp(1_800_000_000_000 + wall, counter, device).encode()


def _op(table: str, row_id: str, kind: str, data: Any, clock: str, seq: int, **kw: Any) -> Op:
    return Op(table, row_id, kind, data, clock, Timestamp.decode(clock).device, seq, **kw)  # type: ignore[arg-type]


def _change(device: str, *ops: Op) -> Change:
    return Change(device, "2027-01-01T00:00:00.000+00:00", "km", tuple(ops)).sealed()


def test_one_batch_of_inserts_edits_and_deletes_is_written_as_one_by_one(
    pair: tuple[Casebook, Casebook],
) -> None:
    a, b = DEVICES
    batch = [
        _change(
            a,
            _op("households", "h3", "insert", {"name": "Nieuw", "owner": OWNER}, _ts(1, 0, a), 1),
            _op("notes", "n4", "insert", {"household_id": "h3", "text": "tolk"}, _ts(2, 0, a), 2),
        ),
        _change(a, _op("notes", "n4", "update", {"text": "woning"}, _ts(3, 0, a), 3)),
        _change(
            b,
            _op("notes", "n1", "update", {"text": "werkplek"}, _ts(4, 0, b), 1),
            _op("households", "h1", "update", {"city": "Dalen"}, _ts(5, 0, b), 2),
        ),
        _change(b, _op("notes", "n1", "delete", None, _ts(6, 0, b), 3)),
        _change(a, _op("notes", "n4", "delete", None, _ts(7, 0, a), 4)),  # made here
        _change(b, _op("notes", "n2", "update", {"text": "taalschool"}, _ts(8, 0, b), 4)),
    ]
    one, many = pair
    _receive(one, [batch], sequential=True)
    _receive(many, [batch], sequential=False)
    assert dump(many) == dump(one)
    with many.reading() as conn:  # the bulk path took the batch (not the fallback)
        assert conn.execute("SELECT count(*) FROM tombstones").fetchone()[0] == 2


def test_shapes_the_merge_never_makes_still_come_out_the_same(
    pair: tuple[Casebook, Casebook],
) -> None:
    """An insert again after a delete, a second delete: the change-by-change way."""
    a = DEVICES[0]
    batch = [
        _change(a, _op("notes", "n1", "delete", None, _ts(1, 0, a), 1)),
        _change(a, _op("notes", "n2", "delete", None, _ts(2, 0, a), 2)),
        _change(a, _op("notes", "n2", "delete", None, _ts(3, 0, a), 3)),
        _change(a, _op("notes", "n1", "insert", {"text": "tolk"}, _ts(4, 0, a), 4)),
    ]
    one, many = pair
    for cb, way in ((one, "apply_remote"), (many, "apply_remote_all")):
        with cb.transaction() as tx:
            if way == "apply_remote":
                _one_by_one(tx, batch)
            else:
                tx.apply_remote_all(batch)
    assert dump(many) == dump(one)


def test_an_insert_of_a_row_a_migration_made_replaces_it_both_ways(
    pair: tuple[Casebook, Casebook],
) -> None:
    a = DEVICES[0]
    one, many = pair
    for cb in (one, many):
        with cb.transaction() as tx:  # as a migration writes a row: without a clock
            tx._conn.execute(
                "INSERT INTO notes (id, household_id, text) VALUES ('n9', 'h1', 'woning')"
            )
    insert = _op("notes", "n9", "insert", {"household_id": "h1", "text": "tolk"}, _ts(1, 0, a), 1)
    _receive(one, [[_change(a, insert)]], sequential=True)
    _receive(many, [[_change(a, insert)]], sequential=False)
    assert dump(many) == dump(one)
    assert "n9" in dump(many)["search:tolk"] and "n9" not in dump(many)["search:woning"]
    with many.reading() as conn:
        clocks = conn.execute("SELECT field FROM clocks WHERE row_id = 'n9'").fetchall()
    assert clocks == [("",)]  # the insert's clock, as on the side it came from


def test_a_row_deleted_twice_keeps_its_household_on_the_tombstone(
    pair: tuple[Casebook, Casebook],
) -> None:
    """Found by the property below: one change deleting a note twice, and a later one
    deleting it again. The tombstone must still say which household the note was in
    (sync sends it to that household's laptop), whichever way the batch is written."""
    a = DEVICES[0]
    batch = [
        _change(
            a,
            _op("notes", "n1", "delete", None, _ts(1, 0, a), 1),
            _op("notes", "n1", "delete", None, _ts(1, 1, a), 2),
        ),
        _change(a, _op("notes", "n1", "delete", None, _ts(2, 0, a), 3)),
    ]
    one, many = pair
    _receive(one, [batch], sequential=True)
    _receive(many, [batch], sequential=False)
    assert dump(many) == dump(one)
    for cb in (one, many):
        with cb.reading() as conn:
            row = conn.execute(
                "SELECT household_id FROM tombstones WHERE tbl = 'notes' AND row_id = 'n1'"
            ).fetchone()
        assert row[0] == "h1"


@st.composite
def histories(draw: st.DrawFn) -> list[list[Change]]:
    """Random changes of two devices on a few rows: inserts, edits (some racing: an
    outdated base), deletes, clocks out of order; cut into one to three bundles."""
    seqs = dict.fromkeys(DEVICES, 0)
    changes: list[Change] = []
    seen: list[str] = [_ts(0, 0, DEVICES[0])]
    for _ in range(draw(st.integers(1, 12))):
        device = draw(st.sampled_from(DEVICES))
        ops: list[Op] = []
        for _ in range(draw(st.integers(1, 4))):
            seqs[device] += 1
            clock = _ts(draw(st.integers(0, 40)), draw(st.integers(0, 3)), device)
            table = draw(st.sampled_from(("households", "notes")))
            row_id = draw(st.sampled_from(HOUSEHOLDS if table == "households" else NOTES))
            kind = draw(st.sampled_from(("insert", "update", "update", "delete")))
            if table == "households":
                data = {
                    draw(st.sampled_from(("name", "city"))): draw(st.sampled_from(WORDS)),
                }
                if kind == "insert":
                    data["owner"] = OWNER
            else:
                data = {"text": draw(st.sampled_from(WORDS))}
                if kind == "insert" or draw(st.booleans()):
                    data["household_id"] = draw(st.sampled_from(HOUSEHOLDS))
            base = None
            if kind != "insert" and draw(st.booleans()):
                prior = draw(st.sampled_from(seen))
                base = {"": prior} if kind == "delete" else dict.fromkeys(data, prior)
            ops.append(
                _op(
                    table,
                    row_id,
                    kind,
                    None if kind == "delete" else data,
                    clock,
                    seqs[device],
                    base=base,
                )  # type: ignore[arg-type]
            )
            seen.append(clock)
        changes.append(_change(device, *ops))
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(changes) - 1)), max_size=2)))
    bounds = [0, *cuts, len(changes)]
    return [changes[s:e] for s, e in itertools.pairwise(bounds) if changes[s:e]]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batches=histories())
def test_random_interleavings_and_conflicts_merge_to_the_same_casebook(
    seed: Path, tmp_path: Path, batches: list[list[Change]]
) -> None:
    one, many = _copy(seed, tmp_path / "een"), _copy(seed, tmp_path / "bulk")
    try:
        _receive(one, batches, sequential=True)
        _receive(many, batches, sequential=False)
        expected = dump(one)
        assert dump(many) == expected
        path = many.path
        many.close()
        many = Casebook.open(path, PASS, actor="tester")  # replays the bulk-made records
        assert dump(many) == expected
    finally:
        one.close()
        many.close()


def _failing(*_args: Any, **_kwargs: Any) -> None:
    raise OSError("stroom weg")


@pytest.mark.parametrize("where", ["after the rows", "while sealing"])
def test_a_bundle_that_fails_half_way_leaves_nothing_and_applies_whole_later(
    pair: tuple[Casebook, Casebook], where: str
) -> None:
    a = DEVICES[0]
    batch = [
        _change(a, _op("notes", f"n{i}", "update", {"text": "tolk"}, _ts(i, 0, a), i))
        for i in (1, 2, 3)
    ] + [_change(a, _op("households", "h1", "delete", None, _ts(9, 0, a), 4))]
    one, many = pair
    before = dump(many)
    with pytest.MonkeyPatch.context() as mp:
        if where == "after the rows":
            mp.setattr(bulk, "_finish_changes", _failing)
        else:
            mp.setattr(type(many._vault), "append", _failing)
        with pytest.raises(OSError):
            _receive(many, [batch], sequential=False)
    assert dump(many) == before
    path = many.path
    many.close()
    many = Casebook.open(path, PASS, actor="tester")
    try:
        assert dump(many) == before  # nothing of it reached the disk either
        _receive(many, [batch], sequential=False)
        _receive(one, [batch], sequential=True)
        assert dump(many) == dump(one)
    finally:
        many.close()
