"""The state digest is read straight from SQLite in its own order and hashed as the rows
stream by; here it is checked against its definitions written out plainly (every row of
the scope, its line; version 2: all lines sorted and hashed, version 3: the lines' hashes
added up), on casebooks with every kind of row in scope: households and their records,
deleted records, shared data and conflicts. The office keeps version 3's household sums
between runs and moves them by what each import wrote: they must come out as a fresh
computation does, and the laptops must answer with the same digest."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from klantapp.casebook import Casebook, services
from klantapp.casebook.ops import Op
from klantapp.sync import state as st
from klantapp.sync.digest import scope_rows, state_digest
from klantapp.sync.hub import office
from klantapp.sync.lines import clocks_of
from klantapp.sync.receive import InvalidRemoteChange, check_shape

from .world import World, household


def _lines(conn: sqlite3.Connection, device: str) -> list[bytes]:
    keys = list(scope_rows(conn, device))
    clocks = clocks_of(conn, keys)
    return [
        (
            f"{table}\t{row_id}\t"
            + "\t".join(
                f"{name}={c.encode()}"
                for name, c in sorted(clocks.get((table, row_id), {}).items())
            )
            + "\n"
        ).encode("utf-8")
        for table, row_id in keys
    ]


def defined_digest(conn: sqlite3.Connection, device: str, version: int = 3) -> str:
    """docs/sync.md's definitions, without any of the fast path's shortcuts."""
    if version == 2:
        digest = hashlib.sha256(b"klantapp-state/v2\n")
        for line in sorted(_lines(conn, device)):
            digest.update(line)
        return digest.hexdigest()
    total = sum(
        int.from_bytes(hashlib.sha256(line).digest(), "big") for line in _lines(conn, device)
    )
    return hashlib.sha256(b"klantapp-state/v3\n" + (total % 2**256).to_bytes(32, "big")).hexdigest()


def test_the_streamed_digest_is_the_defined_one_on_both_sides(world: World) -> None:
    anna = world.add_laptop("Anna")
    bram = world.add_laptop("Bram")
    pid = services.add_record(world.hub, "partners", {"name": "Taalcentrum", "kind": "taalschool"})
    homes = [household(anna, f"Familie {n}") for n in ("Tesfay", "Haddad", "Yılmaz")]
    household(bram, "Familie Ahmadi")
    person = services.add_record(
        anna,
        "persons",
        {"household_id": homes[0], "role": "aanvrager", "family_name": "Tesfay"},
    )
    note = services.add_record(
        anna,
        "notes",
        {"household_id": homes[1], "text": "Eerste gesprek", "created_at": "2026-11-30T10:00"},
    )
    world.settle()
    services.update_record(anna, "persons", person, {"given_names": "Selam"})
    services.delete_record(anna, "notes", note)
    services.update_record(anna, "partners", pid, {"phone": "0548-111111"})
    services.update_record(bram, "partners", pid, {"phone": "0548-222222"})  # a conflict
    world.settle()
    with world.hub.reading() as conn:
        assert conn.execute("SELECT count(*) FROM conflicts").fetchone()[0] == 1
    for version in (2, 3):
        for cb in (anna, bram):
            with cb.reading() as conn:
                mine = state_digest(conn, cb.device_id, version)
                assert mine == defined_digest(conn, cb.device_id, version)
            with world.hub.reading() as conn:
                theirs = state_digest(conn, cb.device_id, version)
                assert theirs == defined_digest(conn, cb.device_id, version) == mine
        with anna.reading() as a, bram.reading() as b:
            assert state_digest(a, anna.device_id, version) != state_digest(
                b, bram.device_id, version
            )


def test_an_empty_scope_has_a_digest_too(world: World) -> None:
    anna = world.add_laptop("Anna")
    with anna.reading() as conn:
        for version in (2, 3):
            assert state_digest(conn, anna.device_id, version) == defined_digest(
                conn, anna.device_id, version
            )


def _sent_digests(world: World, cb: Casebook) -> dict[str, str]:
    with world.hub.reading() as conn:
        return dict(st.get_in(conn, "sync_peers", cb.device_id)["sent_digests"])


def test_the_offices_kept_sums_give_the_digest_a_fresh_count_gives(world: World) -> None:
    anna = world.add_laptop("Anna")
    bram = world.add_laptop("Bram")
    homes = [household(anna, f"Familie {n}") for n in ("Tesfay", "Haddad")]
    other = household(bram, "Familie Ahmadi")
    world.settle()
    person = services.add_record(
        anna, "persons", {"household_id": homes[0], "role": "aanvrager", "family_name": "T"}
    )
    world.settle()
    # between runs: an edit at the office, an assignment, and the laptop's own edits
    services.update_record(world.hub, "households", homes[1], {"city": "Dalen"})
    office.assign(world.hub, other, anna.device_id)
    services.update_record(anna, "persons", person, {"given_names": "Selam"})
    services.update_record(anna, "households", homes[0], {"city": "Heuveldal"})
    world.settle()
    for cb in (anna, bram):
        with world.hub.reading() as conn:
            fresh = state_digest(conn, cb.device_id)
            assert fresh == defined_digest(conn, cb.device_id)
        sent = _sent_digests(world, cb)
        assert sent[max(sent, key=int)] == fresh  # what the office sent last is today's
        with cb.reading() as conn:
            assert state_digest(conn, cb.device_id) == fresh  # and the laptop agrees
    for cb in (anna, bram):
        with world.hub.reading() as conn:
            assert not st.get_in(conn, "sync_peers", cb.device_id).get("resend_all")


def test_a_laptop_that_names_no_digest_definition_is_answered_in_the_older_one(
    world: World,
) -> None:
    anna = world.add_laptop("Anna")
    home = household(anna, "Familie Tesfay")
    world.settle()
    services.update_record(world.hub, "households", home, {"city": "Dalen"})
    with world.hub.transaction() as tx:  # as an older version leaves its entry
        entry = dict(st.get_in(tx._conn, "sync_peers", anna.device_id))
        entry.pop("digest_version", None)
        tx.put_local("sync_peers", anna.device_id, entry)
    world.sync_hub()
    sent = _sent_digests(world, anna)
    with world.hub.reading() as conn:
        assert sent[max(sent, key=int)] == state_digest(conn, anna.device_id, 2)
    world.sync_laptop("Anna")  # it answers in that one; the office finds no mismatch
    world.sync_hub()
    with world.hub.reading() as conn:
        assert not st.get_in(conn, "sync_peers", anna.device_id).get("resend_all")


@pytest.mark.parametrize("row_id", ["", "a\tb", "regel\neen", "x" * 201])
def test_a_row_id_that_would_blur_the_digest_lines_is_refused(row_id: str) -> None:
    op = Op("partners", row_id, "update", {"phone": "1"}, "1764590000000-00000-dev", "dev", 1)
    with pytest.raises(InvalidRemoteChange, match="ongeldige sleutel"):
        check_shape(op)
