"""Laptops and an office on different versions of Klantapp (docs/sync.md, "Laptops on
another version").

The office and its laptop are the shared ``world`` (tests/sync/conftest.py). An older
laptop (schema 6) is simulated: its bundles say schema 6, and one of its
changes still writes a field that schema 7 moved into a DUO decision. A newer office
is simulated the other way round: the laptop says it is on schema 6.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from klantapp.casebook import Casebook, migrations, queries, services
from klantapp.casebook.ops import Change, Op
from klantapp.sync import laptop
from klantapp.sync.hub import exchange, quarantine
from klantapp.sync.receive import InvalidRemoteChange, check_op
from tests.sync.world import World, household


def _as_schema_6(monkeypatch: pytest.MonkeyPatch, module: object) -> None:
    _as_schema(6, monkeypatch, module)


def _as_schema(version: int, monkeypatch: pytest.MonkeyPatch, module: object) -> None:
    monkeypatch.setattr(module, "migrations", _Schema(version))


class _Schema:
    """migrations as an older Klantapp would report them."""

    def __init__(self, version: int) -> None:
        self.version = version

    def schema_version(self, _conn: object) -> int:
        return self.version


def _write_removed_field(cb: object, field: str, value: object, table: str = "persons") -> None:
    """Make the laptop's last unsent change also write ``field`` of ``table``, as an
    older schema did."""
    _write_removed_fields(cb, table, {field: value})


def _write_removed_fields(cb: object, table: str, fields: dict[str, object]) -> None:
    """Make the laptop's last unsent change also write ``fields`` of each row of
    ``table`` it writes, as an older schema did (resealed: it is the change the laptop
    made, in its hash chain)."""
    with cb.transaction() as tx:  # type: ignore[attr-defined]
        conn = tx._conn
        row_id, raw = conn.execute(
            "SELECT id, value FROM sync_outbox ORDER BY id DESC LIMIT 1"
        ).fetchone()
        change = Change.from_json(json.loads(raw))
        ops = tuple(
            replace(o, data={**(o.data or {}), **fields}) if o.table == table else o
            for o in change.ops
        )
        resealed = replace(change, ops=ops).sealed()
        conn.execute(
            "UPDATE sync_outbox SET value = ? WHERE id = ?",
            (json.dumps(resealed.to_json()), row_id),
        )
        # the laptop's own record of the change is the one it sent (its chain head too)
        conn.execute(
            "UPDATE changes SET digest = ? WHERE digest = ?", (resealed.digest, change.digest)
        )
        conn.execute(
            "UPDATE meta SET value = ? WHERE key LIKE 'chain:%' AND value = ?",
            (resealed.digest, change.digest),
        )


def _laptop_with_member(world: World, name: str) -> tuple[Casebook, str, str]:
    """Laptop anna with household ``name`` and its member, both at the office too."""
    anna = world.add_laptop("anna")
    hid = household(anna, name)
    pid = services.add_record(
        anna, "persons", {"household_id": hid, "role": "aanvrager", "family_name": name}
    )
    world.settle()
    assert queries.get(world.hub, "persons", pid) is not None
    return anna, hid, pid


def _new_pip(cb: Casebook, hid: str, pid: str) -> str:
    """A first PIP version of the member, with a leerroute and a toelichting."""
    return services.add_record(
        cb,
        "pips",
        {
            "household_id": hid,
            "person_id": pid,
            "version": 1,
            "status": "concept",
            "leerroute": "b1",
            "notes": "Start na de zomer",
        },
    )


def test_a_removed_field_without_a_translation_is_refused_with_the_reason() -> None:
    """The office translates the removed fields it knows (test_removed_fields.py); where
    a change still writes one (nothing translated it), it is refused, never half
    applied, and the message names the field and where the fact lives now."""
    op = Op(
        "persons",
        "p1",
        "update",
        {"given_names": "Shilan", "termijn_start": "2025-05-31"},
        "1800000000000-00000-laptop0000000001",
        "laptop0000000001",
        3,
    )
    with pytest.raises(InvalidRemoteChange) as refused:
        check_op(op)
    message = str(refused.value)
    assert "oudere versie van Klantapp" in message
    assert "termijn_start" in message and "sinds gegevensversie 7" in message
    assert "besluit van DUO 'Start termijn'" in message
    assert "2025-05-31" not in message  # never the value itself


def test_an_older_laptops_edits_of_current_fields_are_taken(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna = world.add_laptop("anna")
    hid = household(anna, "Tesfay")
    world.settle()
    services.update_record(anna, "households", hid, {"city": "Heuveldal"})
    _as_schema_6(monkeypatch, laptop)
    world.sync_laptop("anna")
    report = world.sync_hub()
    assert report.refused == []
    assert queries.get(world.hub, "households", hid)["city"] == "Heuveldal"


def test_a_bundle_from_a_newer_office_waits_until_the_laptop_is_updated(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna = world.add_laptop("anna")
    world.settle()
    partner = services.add_record(
        world.hub, "partners", {"name": "Taalcentrum De Brug", "kind": "taalschool"}
    )
    world.sync_hub()

    with monkeypatch.context() as m:
        _as_schema_6(m, laptop)
        report = world.sync_laptop("anna")
    assert [r[1] for r in report.refused] == ["invalid"]
    message = report.refused[0][2]
    assert "nieuwere versie van Klantapp" in message
    assert f"gegevensversie {migrations.latest_version()}; hier 6" in message
    assert "Werk Klantapp hier bij" in message
    assert queries.get(anna, "partners", partner) is None  # nothing applied

    # updated: the same bundle, still in the folder, is taken now
    report = world.sync_laptop("anna")
    assert report.refused == []
    assert queries.get(anna, "partners", partner)["name"] == "Taalcentrum De Brug"


def test_a_schema_9_laptops_einddoel_is_translated_and_does_not_hold_up_its_later_changes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna, hid, pid = _laptop_with_member(world, "Haile")
    pip = _new_pip(anna, hid, pid)
    _write_removed_field(anna, "goal", "Werk als kapper", table="pips")
    with monkeypatch.context() as m:
        report = _sent_by_an_older_version(world, m, 9, hid)

    assert report.refused == [] and report.quarantined == []
    # as migration 0010 has it: the einddoel a line of the toelichting, the route of
    # its leerroute chosen
    stored = queries.get(world.hub, "pips", pip)
    assert stored["notes"] == "Start na de zomer\nEinddoel: Werk als kapper"
    assert stored["integratieroute"] == "werk"
    assert queries.get(world.hub, "households", hid)["city"] == "Dalen"

    world.settle()  # updated: it hears that everything was taken
    assert laptop.status(anna)["unsent_changes"] == 0
    assert laptop.status(anna)["set_aside_at_office"] == []
    assert queries.get(anna, "pips", pip)["notes"] == stored["notes"]


def _sent_by_an_older_version(
    world: World, monkeypatch: pytest.MonkeyPatch, version: int, hid: str
) -> exchange.HubReport:
    """Laptop anna, on schema ``version`` (for as long as ``monkeypatch`` holds), sends
    its unsent changes, then an edit of household ``hid`` made after them; the office
    takes both bundles."""
    _as_schema(version, monkeypatch, laptop)
    world.sync_laptop("anna")
    services.update_record(world.laptops["anna"], "households", hid, {"city": "Dalen"})
    world.sync_laptop("anna")
    return world.sync_hub()


def _unsent_edit_with_unknown_field(world: World) -> tuple[Casebook, str, str]:
    """Laptop anna, and an unsent edit of its member that also writes a field no
    version of the office knows (a field a migration dropped without a translation)."""
    anna, hid, pid = _laptop_with_member(world, "Tesfay")
    services.update_record(anna, "persons", pid, {"given_names": "Senait"})
    _write_removed_field(anna, "verblijfsnummer", "V-1234")
    return anna, hid, pid


def test_a_change_the_office_cannot_take_is_kept_aside_once_and_the_laptop_is_told(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna, hid, pid = _unsent_edit_with_unknown_field(world)
    with monkeypatch.context() as m:
        report = _sent_by_an_older_version(world, m, 8, hid)
        assert [q["reason"] for q in report.quarantined] == ["removed_field"]
        assert report.refused == []
        # the change alone is kept aside, not the laptop's bundle: its later edit is taken
        assert queries.get(world.hub, "persons", pid)["given_names"] is None
        assert queries.get(world.hub, "households", hid)["city"] == "Dalen"
        # still on the older version it cannot read the office and sends it all again:
        # nothing new is kept, nothing is refused, hub sync succeeds
        for _round in range(2):
            world.sync_laptop("anna")
            again = world.sync_hub()
            assert again.quarantined == [] and again.refused == []

    world.settle()  # updated: told, and the change leaves its outbox
    status = laptop.status(anna)
    assert status["unsent_changes"] == 0
    [aside] = status["set_aside_at_office"]
    assert "onbekende velden: verblijfsnummer" in aside["message"]
    assert "V-1234" not in aside["message"]
    assert [n["kind"] for n in status["notices"]] == ["set_aside"]
    kept = quarantine.listing(world.hub, anna.device_id)
    assert [(q["reason"], q["changes"], q["times"]) for q in kept] == [("removed_field", 1, 1)]
    for _round in range(2):
        world.sync_laptop("anna")
        assert world.sync_hub().quarantined == []


def test_a_newer_laptops_bundle_is_kept_once_however_often_it_comes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna, hid, _pid = _laptop_with_member(world, "Osman")
    services.update_record(anna, "households", hid, {"city": "Dalen"})
    with monkeypatch.context() as m:
        _as_schema(migrations.latest_version() + 1, m, laptop)
        for _round in range(3):  # the same unsent change, in a new bundle each time
            world.sync_laptop("anna")
            report = world.sync_hub()
            assert [r["reason"] for r in report.refused] == ["newer_version"]
    assert queries.get(world.hub, "households", hid)["city"] is None
    kept = quarantine.listing(world.hub, anna.device_id)
    assert [(q["reason"], q["changes"], q["times"]) for q in kept] == [("newer_version", 1, 3)]
    # the office updated (here: the laptop told to be as old as the office): taken
    world.settle()
    assert queries.get(world.hub, "households", hid)["city"] == "Dalen"


def test_a_laptop_newer_than_its_office_is_told_why_its_changes_wait(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna, hid, _pid = _laptop_with_member(world, "Osman")
    services.update_record(anna, "households", hid, {"city": "Dalen"})
    newer = migrations.latest_version() + 1
    with monkeypatch.context() as m:
        _as_schema(newer, m, laptop)
        world.sync_laptop("anna")
        world.sync_hub()
        report = world.sync_laptop("anna")
        status = laptop.status(anna)
        assert status["office_older"] == {"office": newer - 1, "laptop": newer}
        [text] = report.notices
        assert f"gegevensversie {newer - 1}; deze laptop {newer}" in text
        assert [n["kind"] for n in status["notices"]] == ["office_older"]
        assert status["unsent_changes"] == 1  # kept here, sent again
        world.sync_hub()
        assert world.sync_laptop("anna").notices == []  # told once
    world.settle()  # the office updated (here: the laptop as old as the office)
    status = laptop.status(anna)
    assert status["office_older"] is None
    assert status["notices"] == []
    assert status["unsent_changes"] == 0
    assert queries.get(world.hub, "households", hid)["city"] == "Dalen"
