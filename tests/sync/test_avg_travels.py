"""Inzage requests and audit entries travel with their household (docs/avg.md):
the office sees what a laptop recorded, a hand-over carries it along, a laptop never
receives what another klantmanager did with households it does not hold, and a
destruction leaves nothing of the person in them anywhere."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from klantapp.avg.inzage import make_inzage, open_requests, record_request
from klantapp.avg.log import AuditFilter, audit_entries, describe_action, device_names
from klantapp.avg.retention import destroy, due
from klantapp.casebook import Casebook, services
from klantapp.casebook.due import due_items
from klantapp.casebook.ops import Op
from klantapp.sync.hub import office
from klantapp.sync.receive import InvalidRemoteChange, check_op
from tests.sync.world import World, household


def _family(cb: Casebook, name: str) -> tuple[str, str]:
    hid = household(cb, name)
    pid = services.add_record(
        cb,
        "persons",
        {
            "household_id": hid,
            "role": "aanvrager",
            "family_name": name,
            "health_restricted": True,
            "health_note": f"{name} gezondheid",
        },
    )
    return hid, pid


def _read_health_note(cb: Casebook, hid: str, pid: str) -> None:
    """What the client logs when a klantmanager opens a restricted health note."""
    from klantapp.avg.log import record_access

    record_access(
        cb,
        "restricted_read",
        what="Vertrouwelijke gegevens getoond: Gezinslid",
        person_id=pid,
        household_id=hid,
    )


def test_the_office_sees_a_laptops_inzage_request_and_its_deadline(world: World) -> None:
    anna = world.add_laptop("anna")
    hid, pid = _family(anna, "Haile")
    received = date.today() - timedelta(days=20)
    record_request(anna, pid, received)
    world.settle()

    [request] = open_requests(world.hub)
    assert (request["person_id"], request["received_on"]) == (pid, received.isoformat())
    on_vandaag = [i for i in due_items(world.hub, date.today()) if i.rule == "avg_inzage"]
    assert [(i.person_id, i.household_id) for i in on_vandaag] == [(pid, hid)]
    assert on_vandaag[0].due_on == date.fromisoformat(request["deadline"])

    # answered on the laptop: the office's Vandaag no longer shows it
    make_inzage(anna, pid, pdf=False)
    world.settle()
    assert open_requests(world.hub) == []


def test_a_request_taken_at_the_office_reaches_the_owner_and_follows_a_hand_over(
    world: World,
) -> None:
    anna = world.add_laptop("anna")
    bram = world.add_laptop("bram")
    hid, pid = _family(anna, "Tesfay")
    world.settle()
    record_request(world.hub, pid, date.today())
    world.settle()
    assert [r["person_id"] for r in open_requests(anna)] == [pid]
    assert open_requests(bram) == []  # not Bram's household

    office.assign(world.hub, hid, bram.device_id)
    world.settle()
    assert [r["person_id"] for r in open_requests(bram)] == [pid]
    assert open_requests(anna) == []  # it left with the household
    assert [i.person_id for i in due_items(bram, date.today()) if i.rule == "avg_inzage"] == [pid]


def test_the_offices_audit_screen_lists_a_laptops_health_note_read(world: World) -> None:
    anna = world.add_laptop("anna")
    hid, pid = _family(anna, "Qadir")
    _read_health_note(anna, hid, pid)
    world.settle()

    reads = [e for e in audit_entries(world.hub) if e["action"] == "restricted_read"]
    assert [(e["actor"], e["person_id"], e["household_id"]) for e in reads] == [("anna", pid, hid)]
    assert device_names(world.hub)[reads[0]["device"]] == "anna"  # its origin, by name
    assert describe_action(reads[0]) == "Vertrouwelijke gegevens getoond: Gezinslid"
    # the klantmanager filter now tells the laptops apart
    assert audit_entries(world.hub, AuditFilter(actor="anna"))
    assert not [
        e
        for e in audit_entries(world.hub, AuditFilter(actor="kantoor"))
        if e["action"] == "restricted_read"
    ]


def test_a_laptop_receives_no_audit_entries_of_households_it_does_not_hold(
    world: World,
) -> None:
    anna = world.add_laptop("anna")
    bram = world.add_laptop("bram")
    a_hid, a_pid = _family(anna, "Haile")
    b_hid, b_pid = _family(bram, "Osman")
    world.settle()
    _read_health_note(anna, a_hid, a_pid)
    _read_health_note(world.hub, b_hid, b_pid)  # the office reads Bram's client's note
    from klantapp.avg.log import record_access

    record_access(world.hub, "monitor_export", what="Monitor als CSV")  # about no household
    world.settle()

    def reads(cb: Casebook) -> set[tuple[str, str]]:
        return {(e["actor"], e["household_id"]) for e in audit_entries(cb) if e["kind"] == "access"}

    assert reads(world.hub) >= {("anna", a_hid), ("kantoor", b_hid), ("kantoor", None)}
    assert reads(bram) == {("kantoor", b_hid)}  # the office's read of Bram's own client
    assert reads(anna) == {("anna", a_hid)}  # nothing of Bram's, nothing of the office's


def test_an_audit_entry_is_never_edited_nor_removed_nor_forged_in_another_name() -> None:
    base = {"t": "audit_entries", "id": "e1", "h": "0000000000001-0000-d1", "dev": "d1", "s": 1}
    entry = {"at": "2026-01-01T10:00:00+00:00", "actor": "anna", "device": "d1"}
    check_op(Op.from_json({**base, "op": "insert", "d": entry}))
    for op in (
        {**base, "op": "update", "d": {"what": "niets"}},
        {**base, "op": "delete", "d": None},
        {**base, "op": "insert", "d": {**entry, "device": "d2"}},
        {**base, "op": "insert", "d": {**entry, "value": "x"}},
    ):
        with pytest.raises(InvalidRemoteChange):
            check_op(Op.from_json(op))
    check_op(Op.from_json({**base, "op": "delete", "d": {"avg": "destroyed"}}))


def test_a_destroyed_person_leaves_nothing_in_synced_audit_entries(world: World) -> None:
    anna = world.add_laptop("anna")
    hid, pid = _family(anna, "Zqxnaam")
    keep_hid, keep_pid = _family(anna, "Blijft")
    _read_health_note(anna, hid, pid)
    _read_health_note(anna, keep_hid, keep_pid)
    record_request(anna, pid, date.today())
    services.update_record(anna, "households", hid, {"status": "afgerond"})
    world.settle()
    assert any(e["household_id"] == hid for e in audit_entries(world.hub))

    plan = due(world.hub, date.today() + timedelta(days=11 * 366))
    assert hid in plan.households and keep_hid not in plan.households
    destroy(world.hub, plan)
    world.settle()

    for cb in (world.hub, anna):
        with cb.reading() as conn:
            for table in ("audit_entries", "inzage_requests"):
                rows = conn.execute(f"SELECT * FROM {table}").fetchall()
                assert not [r for r in rows if hid in r or pid in r], table
                text = repr(rows)
                assert "Zqxnaam" not in text
        access = [e for e in audit_entries(cb) if e["kind"] == "access"]
        assert [e["household_id"] for e in access if e["action"] != "destruction"] == [keep_hid]
        assert open_requests(cb) == []
    # the run itself is in the office's Logboek: counts, about no household; it stays
    # at the office (an entry about no household is sent to no laptop)
    [run] = [e for e in audit_entries(world.hub) if e["action"] == "destruction"]
    assert run["household_id"] is None and run["person_id"] is None
    assert not [e for e in audit_entries(anna) if e["action"] == "destruction"]


def test_a_read_on_a_laptop_that_only_shows_a_handed_over_household_reaches_the_office(
    world: World,
) -> None:
    anna = world.add_laptop("anna")
    bram = world.add_laptop("bram")
    hid, pid = _family(anna, "Abdi")
    world.settle()
    office.assign(world.hub, hid, bram.device_id)
    services.update_record(anna, "households", hid, {"city": "Heuveldal"})  # not yet sent
    world.sync_laptop("anna")  # hears of the hand-over: the household is read-only here
    _read_health_note(anna, hid, pid)  # the klantmanager still looks at it
    world.settle()

    reads = [e for e in audit_entries(world.hub) if e["action"] == "restricted_read"]
    assert [(e["actor"], e["household_id"]) for e in reads] == [("anna", hid)]


def test_a_read_made_before_the_laptop_heard_of_the_destruction_leaves_nothing(
    world: World,
) -> None:
    anna = world.add_laptop("anna")
    hid, pid = _family(anna, "Zqxnaam")
    services.update_record(anna, "households", hid, {"status": "afgerond"})
    world.settle()
    _read_health_note(anna, hid, pid)  # on the laptop, not yet sent
    destroy(world.hub, due(world.hub, date.today() + timedelta(days=11 * 366)))
    world.settle()  # the laptop sends the read and hears of the destruction

    for cb in (world.hub, anna):
        with cb.reading() as conn:
            # (the office keeps the run's own entry: counts, about no household)
            assert (
                conn.execute("SELECT * FROM audit_entries WHERE action <> 'destruction'").fetchall()
                == []
            )
            lines = conn.execute(
                "SELECT op FROM oplog WHERE tbl = 'audit_entries' AND row_id NOT IN "
                "(SELECT id FROM audit_entries WHERE action = 'destruction')"
            )
            others = [op for (op,) in lines]
            assert others in ([], ["delete"])
        # what stays is the destruction's own delete lines: ids only (docs/retention.md)
        assert {e["action"] for e in audit_entries(cb) if pid in (e["person_id"], e["row_id"])} <= {
            "delete"
        }
