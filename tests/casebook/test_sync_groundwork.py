"""What the bundle exchange stands on: per-field clocks, change digests and their chain,
a clock that only moves forward, local-only state in the journal, and a replay that
reproduces all of it exactly."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from klantapp.casebook import Casebook, services
from klantapp.casebook.apply import ROW, Clock, row_clocks
from klantapp.casebook.hlc import MAX_COUNTER, HybridClock, Timestamp
from klantapp.casebook.ops import Change, ChangeRecord, Op

SAMPLE = Path(__file__).parent.parent / "data" / "casebook-v1"
SAMPLE_PASSPHRASE = "voorbeeld wachtwoordzin 2026"

BOOKKEEPING = (
    "SELECT tbl, row_id, field, hlc, device, seq, change_id FROM clocks ORDER BY 1, 2, 3",
    "SELECT id, at, actor, summary, device, digest, prev, first_seq, last_seq FROM changes "
    "ORDER BY id",
    "SELECT device, seq, hlc, change_id, tbl, row_id, op, fields FROM oplog ORDER BY 1, 2",
    "SELECT * FROM tombstones ORDER BY tbl, row_id",
    "SELECT key, value FROM meta ORDER BY key",
    "SELECT id, value FROM sync_state ORDER BY id",
)


def _dump(cb: Casebook) -> list[list[tuple[object, ...]]]:
    with cb.reading() as conn:
        return [conn.execute(q).fetchall() for q in BOOKKEEPING]


def _household(cb: Casebook, name: str = "Familie Klok") -> str:
    return services.add_record(cb, "households", {"name": name, "status": "azc"})


def test_a_row_has_one_insert_clock_and_a_clock_per_field_written_later(
    casebook: Casebook,
) -> None:
    hid = _household(casebook)
    services.update_record(casebook, "households", hid, {"city": "Heuveldal"})
    with casebook.reading() as conn:
        clocks = row_clocks(conn, "households", hid)
    assert set(clocks) == {ROW, "city"}
    assert clocks["city"].key > clocks[ROW].key
    assert clocks["city"].device == casebook.device_id


def test_an_update_carries_the_clock_it_replaced(casebook: Casebook) -> None:
    hid = _household(casebook)
    with casebook.reading() as conn:
        insert_clock = row_clocks(conn, "households", hid)[ROW]
    with casebook.transaction() as tx:
        tx.update("households", hid, {"city": "Heuveldal"})
    assert tx.ops[0].base == {"city": insert_clock.encode()}
    with casebook.transaction() as tx:
        tx.update("households", hid, {"city": "Dalen"})
    with casebook.reading() as conn:
        first_update = row_clocks(conn, "households", hid)["city"]
    assert tx.ops[0].base is not None
    assert Clock.decode_key(tx.ops[0].base["city"]) < first_update.key


def test_changes_have_digests_chained_per_device(casebook: Casebook, reopen) -> None:
    hid = _household(casebook)
    services.update_record(casebook, "households", hid, {"city": "Heuveldal"})
    cb = reopen(casebook)
    try:
        services.update_record(cb, "households", hid, {"city": "Dalen"})
        with cb.reading() as conn:
            rows = conn.execute(
                "SELECT digest, prev FROM changes WHERE digest IS NOT NULL ORDER BY id"
            ).fetchall()
    finally:
        cb.close()
    assert len(rows) == 3
    assert rows[0][1] is None  # the device's first change
    assert [r[1] for r in rows[1:]] == [r[0] for r in rows[:-1]]  # each names its predecessor
    assert len({r[0] for r in rows}) == 3


def test_two_different_changes_under_one_device_and_seq_have_different_digests() -> None:
    def change(city: str) -> Change:
        op = Op("households", "h1", "update", {"city": city}, "0000000000001-00000-d", "d", 7)
        return Change("d", "2026-12-01T10:00:00.000+00:00", "km", (op,)).sealed()

    assert change("Dalen").digest != change("Heuveldal").digest
    assert change("Dalen").digest == change("Dalen").digest


def test_replay_rebuilds_clocks_changes_oplog_and_local_state_exactly(
    casebook: Casebook, reopen
) -> None:
    hid = _household(casebook)
    pid = services.add_record(
        casebook, "persons", {"household_id": hid, "role": "aanvrager", "family_name": "Klok"}
    )
    services.update_record(casebook, "persons", pid, {"given_names": "Tijd"})
    with casebook.transaction(summary="Twee dingen") as tx:
        tx.update("households", hid, {"city": "Dalen"})
        tx.put_local("sync_state", "proef", {"waarde": 1})
    services.delete_record(casebook, "persons", pid)
    before = _dump(casebook)
    cb = reopen(casebook)
    try:
        assert _dump(cb) == before
        cb.compact()
    finally:
        cb.close()
    again = Casebook.open(casebook.path, "een lange test wachtwoordzin", actor="tester")
    try:
        assert _dump(again) == before
    finally:
        again.close()


def test_remote_changes_never_move_the_stored_clock_back(casebook: Casebook, reopen) -> None:
    hid = _household(casebook)
    with casebook.reading() as conn:
        newest = conn.execute("SELECT value FROM meta WHERE key = 'hlc'").fetchone()[0]
    old = Timestamp(1, 0, "anderapparaat000").encode()
    remote = Change(
        "anderapparaat000",
        "2000-01-01T00:00:00.000+00:00",
        "elders",
        (Op("households", hid, "update", {"city": "Oud"}, old, "anderapparaat000", 1),),
    ).sealed()
    with casebook.transaction() as tx:
        tx.apply_remote(remote)
    cb = reopen(casebook)
    try:
        with cb.reading() as conn:
            stored = conn.execute("SELECT value FROM meta WHERE key = 'hlc'").fetchone()[0]
        assert stored == newest
        assert cb._clock.last >= Timestamp.decode(newest)
    finally:
        cb.close()


def test_an_older_change_arriving_late_never_moves_a_device_sequence_number_back(
    casebook: Casebook, reopen
) -> None:
    """The newest sequence number of each device stays the newest, live and after a
    replay of the journal (the batch path), whatever order its changes arrive in."""
    hid = _household(casebook)
    other = "anderapparaat000"

    def change(seq: int, city: str) -> Change:
        hlc = Timestamp(1_000 + seq, 0, other).encode()
        op = Op("households", hid, "update", {"city": city}, hlc, other, seq)
        return Change(other, "2026-12-01T10:00:00.000+00:00", "elders", (op,)).sealed()

    with casebook.transaction() as tx:
        tx.apply_remote(change(10, "Nieuw"))
    with casebook.transaction() as tx:
        tx.apply_remote(change(5, "Oud"))

    def stored_seq(cb: Casebook) -> str:
        with cb.reading() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (f"seq:{other}",))
            return str(row.fetchone()[0])

    assert stored_seq(casebook) == "10"
    cb = reopen(casebook)
    try:
        assert stored_seq(cb) == "10"
    finally:
        cb.close()


def test_receiving_moves_the_clock_past_every_timestamp_seen(casebook: Casebook) -> None:
    hid = _household(casebook)
    future = Timestamp(casebook._clock.last.wall_ms + 365 * 86_400_000, 3, "toekomst00000000")
    remote = Change(
        future.device,
        "2027-12-01T00:00:00.000+00:00",
        "elders",
        (Op("households", hid, "update", {"city": "Later"}, future.encode(), future.device, 1),),
    ).sealed()
    with casebook.transaction() as tx:
        tx.apply_remote(remote)
    services.update_record(casebook, "households", hid, {"city": "Daarna"})
    with casebook.reading() as conn:
        city = row_clocks(conn, "households", hid)["city"]
    assert city.key > (future.pack(), future.device)  # the local edit after it wins


def test_a_clock_a_year_behind_still_orders_edits_after_what_it_has_seen() -> None:
    now = [1_700_000_000_000]
    clock = HybridClock("laptop", now_ms=lambda: now[0])
    seen = Timestamp(now[0] + 365 * 86_400_000, 0, "hub")
    clock.observe(seen)
    stamps = [clock.tick() for _ in range(3)]
    assert all(s > seen for s in stamps)
    assert stamps == sorted(stamps) and len(set(stamps)) == 3


@settings(max_examples=50)
@given(st.lists(st.integers(min_value=-5, max_value=5), min_size=1, max_size=200))
def test_the_clock_never_goes_back_whatever_the_wall_clock_does(steps: list[int]) -> None:
    now = [1_000_000]
    clock = HybridClock("d", now_ms=lambda: now[0])
    last = clock.tick()
    for step in steps:
        now[0] += step
        ts = clock.tick()
        assert ts > last
        last = ts


def test_the_counter_rolls_over_into_the_next_millisecond() -> None:
    clock = HybridClock("d", Timestamp(5, MAX_COUNTER, "d"), now_ms=lambda: 0)
    ts = clock.tick()
    assert ts == Timestamp(6, 0, "d")
    assert ts.pack() > Timestamp(5, MAX_COUNTER, "d").pack()


def test_local_state_is_journaled_but_is_no_change(casebook: Casebook, reopen) -> None:
    with casebook.transaction() as tx:
        tx.put_local("sync_state", "positie", {"hub": 12})
    with casebook.reading() as conn:
        assert conn.execute("SELECT count(*) FROM changes").fetchone()[0] == 0
    cb = reopen(casebook)
    try:
        with cb.reading() as conn:
            row = conn.execute("SELECT value FROM sync_state WHERE id = 'positie'").fetchone()
        assert row == ('{"hub": 12}',)
    finally:
        cb.close()


def test_a_record_of_the_first_format_still_decodes() -> None:
    raw = (
        b'{"v":1,"actor":"a","at":"2026-01-01T00:00:00.000+00:00","ops":[{"t":"households",'
        b'"id":"h","op":"insert","d":{"name":"X","status":"azc"},"h":"0000000000001-00000-d",'
        b'"dev":"d","s":1}]}'
    )
    record = ChangeRecord.decode(raw)
    assert record.format == 1
    assert record.ops[0].row_id == "h"


def test_the_migration_derives_clocks_from_the_first_release_oplog(tmp_path: Path) -> None:
    target = tmp_path / "oud"
    shutil.copytree(SAMPLE, target)
    os.chmod(target, 0o700)
    cb = Casebook.open(target, SAMPLE_PASSPHRASE)
    try:
        with cb.reading() as conn:
            live = conn.execute(
                "SELECT count(*) FROM households h WHERE NOT EXISTS (SELECT 1 FROM clocks c "
                "WHERE c.tbl = 'households' AND c.row_id = h.id AND c.field = '')"
            ).fetchone()[0]
            origins = conn.execute(
                "SELECT count(*) FROM changes WHERE device IS NULL OR first_seq IS NULL"
            ).fetchone()[0]
        assert live == 0  # every household has its insert clock
        assert origins == 0  # every old change knows its device and seq range
        hid = conn_first_household(cb)
        services.update_record(cb, "households", hid, {"city": "Na de migratie"})
    finally:
        cb.close()


def conn_first_household(cb: Casebook) -> str:
    with cb.reading() as conn:
        return str(conn.execute("SELECT id FROM households ORDER BY name LIMIT 1").fetchone()[0])
