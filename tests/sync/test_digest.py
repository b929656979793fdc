"""The state digest is read straight from SQLite in its own order and hashed as the rows
stream by; here it is checked against its definition written out plainly (every row of
the scope, its line, all lines sorted), on casebooks with every kind of row in scope:
households and their records, deleted records, shared data and conflicts."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from klantapp.casebook import services
from klantapp.casebook.ops import Op
from klantapp.sync.digest import scope_rows, state_digest
from klantapp.sync.lines import clocks_of
from klantapp.sync.receive import InvalidRemoteChange, check_shape

from .world import World, household


def defined_digest(conn: sqlite3.Connection, device: str) -> str:
    """docs/sync.md's definition, without any of the fast path's shortcuts."""
    keys = list(scope_rows(conn, device))
    clocks = clocks_of(conn, keys)
    lines = sorted(
        f"{table}\t{row_id}\t"
        + "\t".join(
            f"{name}={c.encode()}" for name, c in sorted(clocks.get((table, row_id), {}).items())
        )
        for table, row_id in keys
    )
    digest = hashlib.sha256(b"klantapp-state/v2\n")
    for line in lines:
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


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
    for cb in (anna, bram):
        with cb.reading() as conn:
            mine = state_digest(conn, cb.device_id)
            assert mine == defined_digest(conn, cb.device_id)
        with world.hub.reading() as conn:
            assert state_digest(conn, cb.device_id) == defined_digest(conn, cb.device_id) == mine
    with anna.reading() as a, bram.reading() as b:
        assert state_digest(a, anna.device_id) != state_digest(b, bram.device_id)


def test_an_empty_scope_has_a_digest_too(world: World) -> None:
    anna = world.add_laptop("Anna")
    with anna.reading() as conn:
        assert state_digest(conn, anna.device_id) == defined_digest(conn, anna.device_id)


@pytest.mark.parametrize("row_id", ["", "a\tb", "regel\neen", "x" * 201])
def test_a_row_id_that_would_blur_the_digest_lines_is_refused(row_id: str) -> None:
    op = Op("partners", row_id, "update", {"phone": "1"}, "1764590000000-00000-dev", "dev", 1)
    with pytest.raises(InvalidRemoteChange, match="ongeldige sleutel"):
        check_shape(op)
