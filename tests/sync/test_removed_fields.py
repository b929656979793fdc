"""An older laptop's change that writes a field a later schema removed (docs/sync.md,
"Laptops on another version"): the office translates it as migration 0007 translates
stored rows, so it is applied and acknowledged; what cannot be translated is kept
aside, named on both sides, and never holds up the laptop's later changes.

The older laptop is simulated as in test_mixed_versions.py: its bundles say schema 6
and its last unsent change is resealed with the removed field in it."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from klantapp.casebook import Casebook, queries, services
from klantapp.casebook.hlc import Timestamp
from klantapp.casebook.migrations import available, migrate
from klantapp.casebook.ops import Change, Op
from klantapp.sync import laptop, payload, removed
from klantapp.sync import state as st
from klantapp.sync.digest import state_digest
from klantapp.sync.hub import quarantine
from klantapp.sync.receive import apply_changes
from tests.casebook.older_schema import at_schema, updated_from
from tests.sync.test_mixed_versions import (
    _as_schema_6,
    _new_pip,
    _sent_by_an_older_version,
    _write_removed_field,
    _write_removed_fields,
)
from tests.sync.world import World, household

DECISION_COLUMNS = (
    "id",
    "household_id",
    "person_id",
    "kind",
    "date",
    "termijn_start",
    "ground",
    "period_months",
    "notes",
)


def _decisions(cb: Casebook, person: str) -> list[dict[str, Any]]:
    with cb.reading() as conn:
        rows = conn.execute(
            f"SELECT {', '.join(DECISION_COLUMNS)} FROM duo_decisions WHERE person_id = ? "
            "ORDER BY id",
            (person,),
        ).fetchall()
    return [dict(zip(DECISION_COLUMNS, r, strict=True)) for r in rows]


def _migration_0007_of(persons: list[dict[str, Any]], pips: list[dict[str, Any]]) -> list[Any]:
    """What migration 0007 makes of these rows in a casebook at schema 6."""
    conn = at_schema(6)
    for row in persons:
        conn.execute(
            "INSERT INTO persons (id, household_id, role, family_name, termijn_start) "
            "VALUES (?, ?, 'aanvrager', 'X', ?)",
            (row["id"], row["household_id"], row["termijn_start"]),
        )
    for row in pips:
        names = list(row)
        conn.execute(
            f"INSERT INTO pips ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            [row[n] for n in names],
        )
    migrate(conn, [m for m in available() if m.version <= 7])
    return [
        dict(zip(DECISION_COLUMNS, r, strict=True))
        for r in conn.execute(
            f"SELECT {', '.join(DECISION_COLUMNS)} FROM duo_decisions ORDER BY id"
        ).fetchall()
    ]


def _start_by_migration(person: str, household_id: str, start: str) -> list[Any]:
    return _migration_0007_of(
        [{"id": person, "household_id": household_id, "termijn_start": start}], []
    )


def _person(world: World, cb: Casebook, name: str) -> tuple[str, str]:
    hid = household(cb, name)
    pid = services.add_record(
        cb, "persons", {"household_id": hid, "role": "aanvrager", "family_name": name}
    )
    world.settle()
    return hid, pid


def _older_edit(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    cb: Casebook,
    pid: str,
    given_names: str = "Shilan",
    **fields: Any,
) -> Any:
    """An edit of the person made by an older Klantapp, which also wrote ``fields``."""
    services.update_record(cb, "persons", pid, {"given_names": given_names})
    for name, value in fields.items():
        _write_removed_field(cb, name, value)
    with monkeypatch.context() as m:
        _as_schema_6(m, laptop)
        world.sync_laptop("anna")
    return world.sync_hub()


def test_a_termijn_start_becomes_the_decision_migration_0007_makes_and_is_acknowledged(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna = world.add_laptop("anna")
    hid, pid = _person(world, anna, "Qadir")

    report = _older_edit(world, monkeypatch, anna, pid, termijn_start="2025-05-31")

    assert report.refused == [] and report.quarantined == []
    assert queries.get(world.hub, "persons", pid)["given_names"] == "Shilan"
    expected = _start_by_migration(pid, hid, "2025-05-31")
    assert _decisions(world.hub, pid) == expected
    assert expected[0]["kind"] == "termijn_start"
    # acknowledged: the laptop's later edits travel as usual
    services.update_record(anna, "households", hid, {"city": "Heuveldal"})
    world.settle()
    assert queries.get(world.hub, "households", hid)["city"] == "Heuveldal"
    assert laptop.status(anna)["unsent_changes"] == 0
    assert laptop.status(anna)["set_aside_at_office"] == []

    # a later edit of it by the older version: that decision, as the migration has it
    report = _older_edit(world, monkeypatch, anna, pid, "Roza", termijn_start="2025-06-02")
    assert report.quarantined == []
    assert _decisions(world.hub, pid) == _start_by_migration(pid, hid, "2025-06-02")


def test_an_untranslatable_change_is_kept_aside_and_the_later_changes_are_taken(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna = world.add_laptop("anna")
    hid, pid = _person(world, anna, "Haile")
    _older_edit(world, monkeypatch, anna, pid, termijn_start="2025-05-31")
    decided = _decisions(world.hub, pid)

    # clearing the start date that is a DUO decision now: a person must decide
    services.update_record(anna, "persons", pid, {"given_names": "Senait"})
    _write_removed_field(anna, "termijn_start", None)
    with monkeypatch.context() as m:
        report = _sent_by_an_older_version(world, m, 6, hid)

    assert [q["reason"] for q in report.quarantined] == ["removed_field"]
    assert report.refused == []
    # nothing of the kept change was applied; the later edit was
    assert queries.get(world.hub, "persons", pid)["given_names"] == "Shilan"
    assert _decisions(world.hub, pid) == decided
    assert queries.get(world.hub, "households", hid)["city"] == "Dalen"

    # listed at the office, with the change itself kept whole
    kept = quarantine.listing(world.hub, anna.device_id)
    assert [(q["reason"], q["changes"]) for q in kept] == [("removed_field", 1)]
    with world.hub.reading() as conn:
        value = st.all_of(conn, "sync_quarantine")[kept[0]["bundle"]]
    (change,) = payload.decode(base64.b64decode(value["ops"])).changes
    assert change.compute_digest() == change.digest
    assert {op.data["given_names"] for op in change.ops if op.table == "persons"} == {"Senait"}
    assert "termijn_start" in value["message"] and "None" not in value["message"]

    # and on the laptop: acknowledged (not sent again), listed in sync status
    world.settle()
    status = laptop.status(anna)
    assert status["unsent_changes"] == 0
    assert [a["first_seq"] for a in status["set_aside_at_office"]] == [change.first_seq]
    assert [n["kind"] for n in status["notices"]] == ["set_aside"]
    assert queries.get(anna, "persons", pid)["given_names"] == "Senait"  # kept here
    services.update_record(anna, "households", hid, {"city": "Heuveldal"})
    world.settle()
    assert queries.get(world.hub, "households", hid)["city"] == "Heuveldal"
    # the two differ there until a person decides: the office does not send the
    # caseload again and again over it
    for _round in range(2):
        assert world.sync_laptop("anna").applied_changes == 0
        assert world.sync_hub().written == []


def _pip(world: World, cb: Casebook, pid: str, hid: str, version: int) -> dict[str, Any]:
    row = {
        "household_id": hid,
        "person_id": pid,
        "version": version,
        "vastgesteld_on": f"2025-0{version}-15",
        "course_start": "2025-09-01",
    }
    with world.hub.transaction() as tx:
        row["id"] = tx.insert("pips", row)
    return row


def _older_change(
    table: str, row_id: str, data: dict[str, Any], kind: str = "update", seq: int = 9
) -> Change:
    """One older laptop's change of one row, as it reaches the office."""
    device = "laptop0000000009"
    clock = Timestamp(1_900_000_000_000 + seq, 0, device).encode()
    op = Op(table, row_id, kind, data, clock, device, seq)  # type: ignore[arg-type]
    return Change(device, "2026-12-01T10:00:00.000+00:00", "km", (op,)).sealed()


def _pip_change(pip: dict[str, Any], months: Any) -> Change:
    return _older_change("pips", pip["id"], {"extension_months": months})


def _translate(hub: Casebook, change: Change) -> removed.Translation:
    with hub.transaction() as tx:
        translation = removed.translate(tx._conn, [change])
        removed.write(tx, tx._conn, translation)
    return translation


def test_an_extension_of_the_newest_pip_becomes_the_verlenging_migration_0007_makes(
    world: World,
) -> None:
    hid, pid = "h-extension", "p-extension"
    older = _pip(world, world.hub, pid, hid, 1)
    newest = _pip(world, world.hub, pid, hid, 2)

    translation = _translate(world.hub, _pip_change(newest, 6))
    assert translation.set_aside == []
    assert translation.changes == []  # nothing else in it to apply
    expected = _migration_0007_of(
        [], [{**older, "extension_months": 6}, {**newest, "extension_months": 6}]
    )
    assert _decisions(world.hub, pid) == expected
    assert expected[0]["period_months"] == 6

    # the older version's extension (only the newest counted), or not a number of
    # months: for a person to decide
    for pip, months in ((older, 3), (newest, "zes")):
        aside = _translate(world.hub, _pip_change(pip, months)).set_aside
        assert len(aside) == 1 and "extension_months" in aside[0].message
        assert "zes" not in aside[0].message
    assert _decisions(world.hub, pid) == expected
    # the same extension once more (carried into the change again): nothing new
    assert _translate(world.hub, _pip_change(newest, 6)).set_aside == []
    assert _decisions(world.hub, pid) == expected
    # another length on the newest version: that verlenging, as the migration has it
    _translate(world.hub, _pip_change(newest, 9))
    assert _decisions(world.hub, pid) == _migration_0007_of(
        [], [{**older, "extension_months": None}, {**newest, "extension_months": 9}]
    )


def test_a_start_date_that_is_not_a_date_is_kept_aside(world: World) -> None:
    with world.hub.transaction() as tx:
        pid = tx.insert("persons", {"household_id": "h-datum", "family_name": "Osman"})
    change = _older_change("persons", pid, {"termijn_start": "31 mei"})
    (aside,) = _translate(world.hub, change).set_aside
    assert "termijn_start" in aside.message and "31 mei" not in aside.message
    assert _decisions(world.hub, pid) == []


# --- schema 9 and 10: the PIP's yes/no fields, its count of exam attempts, its einddoel


RECORDS = {
    "trajectmodules": ("id", "household_id", "person_id", "kind", "status", "notes"),
    "exam_attempts": ("id", "household_id", "person_id", "skill", "result", "notes"),
}
OLD_PIP = {
    "household_id": "h-oud",
    "person_id": "p-oud",
    "version": 1,
    "status": "concept",
    "leerroute": "b1",
    "notes": "Start na de zomer",
}
SCHEMA_8_FIELDS = {"pvt_signed": 1, "knm_done": True, "exam_attempts": 2, "goal": "Werk als kapper"}


def _made(conn: Any) -> dict[str, Any]:
    """What the office (or a migration) holds of PIP versions and the records made of
    them: comparable across casebooks."""
    out: dict[str, Any] = {
        "pips": conn.execute(
            "SELECT id, notes, integratieroute FROM pips ORDER BY person_id, version"
        ).fetchall()
    }
    for table, columns in RECORDS.items():
        out[table] = conn.execute(
            f"SELECT {', '.join(columns)} FROM {table} ORDER BY id"
        ).fetchall()
    return out


def _migrations_of(since: int, pips: list[dict[str, Any]]) -> dict[str, Any]:
    """What the migrations make of these PIP versions in a casebook at schema ``since``."""
    conn = at_schema(since)
    for row in pips:
        names = list(row)
        conn.execute(
            f"INSERT INTO pips ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            [row[n] for n in names],
        )
    migrate(conn)
    return _made(conn)


def _take(hub: Casebook, *changes: Change) -> removed.Translation:
    """The office takes an older laptop's changes (as hub/exchange.py does)."""
    with hub.transaction() as tx:
        translation = removed.translate(tx._conn, list(changes))
        apply_changes(tx, tx._conn, translation.changes, keep_losers=True, validate=False)
        removed.write(tx, tx._conn, translation)
    return translation


def _office_made(hub: Casebook) -> dict[str, Any]:
    with hub.reading() as conn:
        return _made(conn)


def test_a_schema_8_pip_version_becomes_what_migrations_0009_and_0010_make(
    world: World,
) -> None:
    insert = _older_change("pips", "v1", {**OLD_PIP, **SCHEMA_8_FIELDS}, kind="insert")
    translation = _take(world.hub, insert)

    assert translation.set_aside == []
    made = _office_made(world.hub)
    assert made == _migrations_of(8, [{"id": "v1", **OLD_PIP, **SCHEMA_8_FIELDS}])
    assert made["pips"] == [
        (
            "v1",
            "Start na de zomer\nExamenpogingen (uit een oudere versie van Klantapp): 2.\n"
            "Einddoel: Werk als kapper",
            "werk",
        )
    ]
    assert [r[3:5] for r in made["trajectmodules"]] == [("pvt", "afgerond")]
    assert [r[3:5] for r in made["exam_attempts"]] == [("knm", "behaald")]

    # the same values sent again (a new change of the same version): nothing added twice
    _take(world.hub, _older_change("pips", "v1", SCHEMA_8_FIELDS, seq=10))
    assert _office_made(world.hub) == made


def test_two_versions_in_one_batch_make_one_record_as_the_migration_does(world: World) -> None:
    v1 = {"id": "v1", **OLD_PIP, "pvt_signed": 1}
    v2 = {"id": "v2", **OLD_PIP, "version": 2, "pvt_signed": 1, "knm_done": 1}
    _take(
        world.hub,
        _older_change("pips", "v2", {k: v for k, v in v2.items() if k != "id"}, kind="insert"),
        _older_change("pips", "v1", {k: v for k, v in v1.items() if k != "id"}, "insert", 10),
    )
    assert _office_made(world.hub) == _migrations_of(8, [v1, v2])


def test_a_new_version_that_carries_the_answers_over_makes_no_second_record(
    world: World,
) -> None:
    _take(world.hub, _older_change("pips", "v1", {**OLD_PIP, "pvt_signed": 1}, kind="insert"))
    first = _office_made(world.hub)["trajectmodules"]
    assert len(first) == 1
    carried = {**OLD_PIP, "version": 2, "pvt_signed": 1, "knm_done": 0}
    assert _take(world.hub, _older_change("pips", "v2", carried, "insert", 10)).set_aside == []
    made = _office_made(world.hub)
    assert made["trajectmodules"] == first and made["exam_attempts"] == []


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"pvt_signed": 0}, "pvt_signed"),  # clearing it on the version the module is of
        ({"knm_done": "ja"}, "knm_done"),
        ({"exam_attempts": 0}, "exam_attempts"),  # clearing the count, a line now
        ({"exam_attempts": "twee"}, "exam_attempts"),
        ({"exam_attempts": -1}, "exam_attempts"),
        ({"goal": ""}, "goal"),  # clearing the einddoel, a line now
        ({"goal": 12}, "goal"),
        ({"goal": "Werk\x00als kapper"}, "goal"),  # a line the toelichting refuses
        ({"pvt_signed": 1, "notes": "nieuw", "goal": None}, "goal"),  # never half
    ],
)
def test_what_a_person_must_decide_of_the_pip_fields_is_kept_aside_whole(
    world: World, fields: dict[str, Any], named: str
) -> None:
    _take(world.hub, _older_change("pips", "v1", {**OLD_PIP, **SCHEMA_8_FIELDS}, kind="insert"))
    before = _office_made(world.hub)

    (aside,) = _take(world.hub, _older_change("pips", "v1", fields, seq=10)).set_aside
    assert aside.reason == "removed_field"
    assert named in aside.message and "sinds gegevensversie" in aside.message
    assert "twee" not in aside.message and "kapper" not in aside.message
    assert _office_made(world.hub) == before


# --- end to end: an older laptop, and one updated with a change of then unsent ------


def test_a_schema_8_laptops_pip_is_translated_and_its_later_changes_are_taken(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna = world.add_laptop("anna")
    hid, pid = _person(world, anna, "Haile")
    pip = _new_pip(anna, hid, pid)
    _write_removed_fields(anna, "pips", SCHEMA_8_FIELDS)
    with monkeypatch.context() as m:
        report = _sent_by_an_older_version(world, m, 8, hid)

    assert report.refused == [] and report.quarantined == []
    assert queries.get(world.hub, "households", hid)["city"] == "Dalen"
    made = _office_made(world.hub)
    row = {"id": pip, **OLD_PIP, "household_id": hid, "person_id": pid, **SCHEMA_8_FIELDS}
    assert made == _migrations_of(8, [row])
    world.settle()
    assert laptop.status(anna)["unsent_changes"] == 0


def _old_row(kind: str, hid: str, pid: str, pip: str) -> tuple[int, int, str, str, dict[str, Any]]:
    """(schema then, schema of the migration that removed the fields, table, row id,
    the removed fields the laptop's unsent change wrote)."""
    if kind == "termijn_start":
        return 6, 7, "persons", pid, {"termijn_start": "2025-05-31"}
    if kind == "goal":
        return 9, 10, "pips", pip, {"goal": "Werk als kapper"}
    return 8, 10, "pips", pip, SCHEMA_8_FIELDS


@pytest.mark.parametrize("kind", ["termijn_start", "schema_8", "goal"])
def test_a_laptop_updated_with_a_change_of_then_unsent_ends_as_the_office(
    world: World, kind: str
) -> None:
    """The laptop made a change on an older Klantapp, then was updated before it was
    sent: its own migration converted its rows (without clocks, as migrations do), and
    the change still writes the removed fields (its digest is in the hash chain). The
    office translates the change as the migration converted the rows, and the laptop
    takes the office's records in place of its own copies: the same rows, the same
    state digest, no full re-send, nothing lost."""
    anna = world.add_laptop("anna")
    hid, pid = _person(world, anna, "Haile")
    pip = _new_pip(anna, hid, pid)
    world.settle()
    if kind == "termijn_start":
        services.update_record(anna, "persons", pid, {"given_names": "Senait"})
    else:
        services.update_record(
            anna, "pips", pip, {"status": "vastgesteld", "vastgesteld_on": "2025-06-01"}
        )
    since, upto, table, row_id, fields = _old_row(kind, hid, pid, pip)
    _write_removed_fields(anna, table, fields)
    with anna.transaction() as tx:  # the update, with the change unsent
        updated_from(tx._conn, since, upto, {(table, row_id): fields})
    with anna.reading() as conn:
        own = _made(conn), _decided(conn)

    for _round in range(4):
        world.sync_laptop("anna")
        report = world.sync_hub()
        assert report.refused == [] and report.quarantined == []
        with world.hub.reading() as conn:
            assert not st.get_in(conn, "sync_peers", anna.device_id).get("resend_all")
    world.sync_laptop("anna")

    with world.hub.reading() as conn:
        office_state = _made(conn), _decided(conn)
        office_digest = state_digest(conn, anna.device_id)
    with anna.reading() as conn:
        laptop_state = _made(conn), _decided(conn)
        laptop_digest = state_digest(conn, anna.device_id)
    assert office_state == own == laptop_state  # what the laptop's migration made
    assert office_digest == laptop_digest
    assert laptop.status(anna)["unsent_changes"] == 0
    if kind == "termijn_start":
        assert [d[3] for d in office_state[1]] == ["termijn_start"]
    else:
        assert "Einddoel: Werk als kapper" in office_state[0]["pips"][0][1]


def _decided(conn: Any) -> list[Any]:
    return conn.execute(
        f"SELECT {', '.join(DECISION_COLUMNS)} FROM duo_decisions ORDER BY id"
    ).fetchall()


def test_a_row_made_and_edited_in_one_batch_is_translated_as_the_office_will_have_it(
    world: World,
) -> None:
    """An older laptop's new PIP version, then a tick on it, both unsent; a new member
    with the termijn start filled in afterwards: nothing for a person to decide."""
    person = {"household_id": "h-oud", "role": "aanvrager", "family_name": "Osman"}
    translation = _take(
        world.hub,
        _older_change("pips", "v1", {**OLD_PIP, "pvt_signed": 0}, kind="insert"),
        _older_change("pips", "v1", {"pvt_signed": 1}, seq=10),
        _older_change("persons", "p-oud", person, "insert", 11),
        _older_change("persons", "p-oud", {"termijn_start": "2025-05-31"}, seq=12),
    )
    assert translation.set_aside == []
    assert _office_made(world.hub) == _migrations_of(8, [{"id": "v1", **OLD_PIP, "pvt_signed": 1}])
    assert _decisions(world.hub, "p-oud") == _start_by_migration("p-oud", "h-oud", "2025-05-31")


def test_an_edit_of_a_version_the_office_does_not_have_translates_to_nothing(
    world: World,
) -> None:
    """The version was deleted there (or its household destroyed): the edit does
    nothing, its removed fields neither, and nothing of it is kept."""
    change = _older_change("pips", "v-weg", {"pvt_signed": 1, "goal": "Werk", "status": "concept"})
    translation = _take(world.hub, change)
    assert translation.set_aside == [] and translation.records == []
    assert _office_made(world.hub) == {"pips": [], "trajectmodules": [], "exam_attempts": []}
