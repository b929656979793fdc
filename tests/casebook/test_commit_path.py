"""A live transaction finishes its own change in a few statements, from what it keeps
in memory (the chain head, the role); opening replays the journal through the general
path, which reads everything back from the database and compares. Both must leave the
same bookkeeping, whatever mix of edits, remote changes, role changes and rollbacks
came before. A sealed change is serialised once, and the journal holds the same JSON
as before."""

from __future__ import annotations

import dataclasses
import errno
import json
import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klantapp.casebook import Casebook
from klantapp.casebook.hlc import Timestamp
from klantapp.casebook.ops import Change, ChangeRecord, LocalOp, Op, canonical_json
from klantapp.errors import KlantappError
from klantapp.vault import KdfParams, fsio
from tests.conftest import PASSPHRASE

from .test_sync_groundwork import BOOKKEEPING as SYNC_BOOKKEEPING

BOOKKEEPING = (
    *SYNC_BOOKKEEPING,  # clocks, changes, oplog, tombstones, meta, sync_state
    "SELECT id, value FROM sync_outbox ORDER BY id",
    "SELECT id, household_id, text FROM notes ORDER BY id",
)
OTHER = "anderapparaat000"


class _Aborted(Exception):
    pass


def _dump(cb: Casebook) -> list[list[tuple[object, ...]]]:
    with cb.reading() as conn:
        return [conn.execute(q).fetchall() for q in BOOKKEEPING]


def _note_ids(cb: Casebook) -> list[str]:
    with cb.reading() as conn:
        return [r[0] for r in conn.execute("SELECT id FROM notes ORDER BY id")]


def _remote(cb: Casebook, device: str, seq: int, hid: str, city: str) -> Change:
    """A change of ``device`` (another one, or this one's sent back from elsewhere)."""
    hlc = Timestamp(cb._clock.last.wall_ms + 1_000, 0, device).encode()
    op = Op("households", hid, "update", {"city": city}, hlc, device, seq)
    return Change(device, "2026-12-01T10:00:00.000+00:00", "elders", (op,)).sealed()


STEP = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 50), st.sampled_from(["", "Notitie bijgewerkt"])),
    st.tuples(st.just("edits"), st.integers(0, 50), st.integers(2, 4)),
    st.tuples(st.just("insert"), st.integers(0, 50)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("role"), st.sampled_from(["laptop", "hub", None])),
    st.tuples(st.just("remote"), st.integers(1, 5)),
    st.tuples(st.just("sent back"), st.integers(0, 3)),
    st.tuples(st.just("remote and edit"), st.integers(0, 50)),
    st.tuples(st.just("rolled back"), st.integers(0, 50)),
    st.tuples(st.just("disk full"), st.integers(0, 50)),
)


def _run(cb: Casebook, hid: str, step: tuple[object, ...], other_seq: list[int]) -> None:
    kind, arg = step[0], step[1]
    notes = _note_ids(cb)
    pick = notes[int(arg) % len(notes)] if notes and isinstance(arg, int) else None
    if kind == "edit" and pick:
        with cb.transaction(summary=str(step[2])) as tx:
            tx.update("notes", pick, {"text": f"tekst {uuid.uuid4().hex[:6]}"})
    elif kind == "edits" and notes:
        with cb.transaction() as tx:
            for i in range(int(step[2])):
                tx.update("notes", notes[(int(arg) + i) % len(notes)], {"text": f"t{i}"})
    elif kind == "insert":
        with cb.transaction() as tx:
            tx.insert("notes", {"household_id": hid, "text": f"nieuw {arg}", "author": "t"})
    elif kind == "delete" and pick:
        with cb.transaction() as tx:
            tx.delete("notes", pick)
    elif kind == "role":
        with cb.transaction() as tx:
            if arg is None:
                tx.delete_local("sync_state", "role")
            else:
                tx.put_local("sync_state", "role", arg)
    elif kind == "remote":
        other_seq[0] += int(arg)
        with cb.transaction() as tx:
            tx.apply_remote(_remote(cb, OTHER, other_seq[0], hid, f"Stad {other_seq[0]}"))
    elif kind == "sent back":
        # a change of this very device arriving from elsewhere (a restored backup's):
        # once with a sequence number ahead of this device's, its chain stays put
        ahead = cb._next_seq + int(arg)
        with cb.transaction() as tx:
            tx.apply_remote(_remote(cb, cb.device_id, ahead, hid, "Terug"))
    elif kind == "remote and edit" and pick:
        other_seq[0] += 1
        with cb.transaction(summary="Ontvangen en bewerkt") as tx:
            tx.apply_remote(_remote(cb, OTHER, other_seq[0], hid, "Samen"))
            tx.put_local("sync_state", "positie", other_seq[0])
            tx.update("notes", pick, {"text": "na ontvangst"})
    elif kind == "rolled back" and pick:
        try:
            with cb.transaction() as tx:
                tx.put_local("sync_state", "role", "laptop")
                tx.update("notes", pick, {"text": "nooit bewaard"})
                raise _Aborted
        except _Aborted:
            pass
    elif kind == "disk full" and pick:
        # sealed, then the journal append fails: nothing of it may linger
        with (
            fsio.fault_hook(_disk_full),
            pytest.raises(KlantappError),
            cb.transaction() as tx,
        ):
            tx.update("notes", pick, {"text": "nooit bewaard"})


def _disk_full(step: str, _path: Path) -> None:
    if step == "write":
        raise OSError(errno.ENOSPC, "No space left on device")


@settings(max_examples=30)
@given(st.lists(STEP, min_size=1, max_size=14))
def test_live_commits_leave_the_bookkeeping_a_replay_of_the_journal_makes(
    steps: list[tuple[object, ...]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dossier"
        cb, _secret = Casebook.create(path, PASSPHRASE, kdf=KdfParams.for_tests(), actor="t")
        try:
            with cb.transaction() as tx:
                hid = tx.insert("households", {"name": "Familie Klok", "status": "azc"})
                for i in range(3):
                    tx.insert("notes", {"household_id": hid, "text": f"notitie {i}"})
            other_seq = [0]
            for step in steps:
                _run(cb, hid, step, other_seq)
            live = _dump(cb)
        finally:
            cb.close()
        again = Casebook.open(path, PASSPHRASE, actor="t")
        try:
            assert _dump(again) == live
            # and the next commit after an open continues the chain where it was
            with again.transaction() as tx:
                tx.insert("notes", {"household_id": hid, "text": "na het openen"})
            assert tx.ops
            with again.reading() as conn:
                prev = conn.execute("SELECT prev FROM changes ORDER BY id DESC LIMIT 1").fetchone()[
                    0
                ]
            chain = dict(live[4]).get(f"chain:{again.device_id}")
            assert prev == chain
        finally:
            again.close()


def test_the_meta_rows_after_edits_name_the_newest_clock_sequence_and_chain(
    casebook: Casebook,
) -> None:
    with casebook.transaction() as tx:
        hid = tx.insert("households", {"name": "Familie Klok", "status": "azc"})
        nid = tx.insert("notes", {"household_id": hid, "text": "eerste"})
    for i in range(5):
        with casebook.transaction() as tx:
            tx.update("notes", nid, {"text": f"versie {i}"})
    last = tx.ops[-1]
    dev = casebook.device_id
    with casebook.reading() as conn:
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        digest, first, last_seq = conn.execute(
            "SELECT digest, first_seq, last_seq FROM changes ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert meta["hlc"] == last.hlc
    assert meta[f"seq:{dev}"] == str(last.seq) == "7"  # two inserts, five edits
    assert meta[f"chain:{dev}"] == digest
    assert meta[f"chainseq:{dev}"] == str(last_seq) == str(first) == "7"


#: Strings with what could confuse the splicing of JSON: quotes, the key names.
TEXT = st.lists(
    st.sampled_from(
        ['"', ",", ":", "[", "]", "\\", '","ops":[', '"changes":[]', "é", "ሰ", "a", " "]
    ),
    max_size=6,
).map("".join)
OPS = st.lists(
    st.builds(
        Op,
        table=st.sampled_from(["notes", "households"]),
        row_id=TEXT,
        op=st.sampled_from(["insert", "update"]),
        data=st.dictionaries(st.sampled_from(["text", "city", "name"]), TEXT, max_size=2),
        hlc=st.just("0001733570000000-00000-d"),
        device=st.just("d"),
        seq=st.integers(1, 10**6),
        base=st.none() | st.dictionaries(st.sampled_from(["text", "city"]), TEXT, min_size=1),
    ),
    min_size=1,
    max_size=3,
)
CHANGES = st.builds(
    Change, device=TEXT, at=TEXT, actor=TEXT, ops=OPS.map(tuple), summary=TEXT, prev=TEXT
)


@given(CHANGES)
def test_a_sealed_change_keeps_the_canonical_form_its_digest_was_taken_over(
    change: Change,
) -> None:
    sealed = change.sealed()
    assert sealed.digest == change.compute_digest() == sealed.compute_digest()
    assert sealed.canonical() == canonical_json(sealed.to_json())
    assert Change.from_json(json.loads(sealed.canonical())) == sealed
    trimmed = dataclasses.replace(sealed, ops=sealed.ops[:1], digest="")
    assert trimmed.canonical() == canonical_json(trimmed.to_json())


@given(CHANGES)
def test_a_received_change_whose_digest_holds_keeps_the_form_it_was_checked_in(
    change: Change,
) -> None:
    received = Change.from_json(json.loads(change.sealed().canonical()))
    assert received.digest_holds()
    assert received.canonical() == canonical_json(received.to_json())
    forged = dataclasses.replace(received, actor=received.actor + "x")
    assert not forged.digest_holds()
    assert forged.canonical() == canonical_json(forged.to_json())


@given(
    st.lists(CHANGES.map(Change.sealed) | CHANGES, max_size=3),
    TEXT,
    TEXT,
    st.lists(
        st.builds(LocalOp, st.just("sync_state"), TEXT, st.just("put"), st.none()), max_size=2
    ),
)
def test_a_journal_record_holds_what_it_held_before_and_reads_back(
    changes: list[Change], actor: str, summary: str, local: list[LocalOp]
) -> None:
    record = ChangeRecord(
        actor, "2026-12-07T10:00:00.000+00:00", tuple(changes), tuple(local), summary
    )
    raw = record.encode()
    # the JSON the encoder before issue 15 wrote (key order aside)
    before: dict[str, object] = {
        "v": 2,
        "actor": actor,
        "at": record.at,
        "changes": [c.to_json() for c in changes],
    }
    if local:
        before["local"] = [lo.to_json() for lo in local]
    if summary:
        before["sum"] = summary
    assert json.loads(raw) == before
    assert ChangeRecord.decode(raw) == record
