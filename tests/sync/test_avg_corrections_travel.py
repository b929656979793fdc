"""A correction reaches the central office without its old value, and the office
forgets the old value as the laptop does: after correction and sync (and the office's
next compaction) the old value is nowhere at the office -- not in its decrypted
snapshot and journal, oplog, change summaries, search index or export. A withdrawal
travels the same way, and a sync never brings the withdrawn record back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from klantapp.avg.correction import correct_record, withdraw_record
from klantapp.avg.log import audit_entries, describe_action
from klantapp.casebook import Casebook, queries, services
from klantapp.casebook.jsonio import export_document
from klantapp.errors import KlantappError
from klantapp.vault import OpenMode, Vault
from tests.sync.world import PASSPHRASE, World

OLD = "Qxfoutnaam"
NEW = "Juistnaam"


def _traces(cb: Casebook, text: str) -> list[str]:
    """Where ``text`` still shows in an open casebook (the audit trail's own corrected
    entry, on the device that made the correction, excepted)."""
    found = []
    if queries.search(cb, text):
        found.append("search")
    if text in json.dumps(export_document(cb), ensure_ascii=False):
        found.append("export")
    with cb.reading() as conn:
        summaries = [r[0] for r in conn.execute("SELECT summary FROM changes") if r[0]]
        found += [f"summary: {s}" for s in summaries if text in s]
        oplog = conn.execute("SELECT * FROM oplog").fetchall()
        if text in repr(oplog):
            found.append("oplog")
        conflicts = conn.execute("SELECT * FROM conflicts").fetchall()
        if text in repr(conflicts):
            found.append("conflicts")
        outbox = conn.execute("SELECT value FROM sync_outbox").fetchall()
        if text in repr(outbox):
            found.append("outbox")
    others = [describe_action(e) for e in audit_entries(cb) if e["kind"] != "corrected"]
    found += [f"audit: {t}" for t in others if text in t]
    return found


def _on_disk(world: World, name: str, text: str) -> bool:
    """Is ``text`` in the decrypted snapshot or journal of a party's casebook folder?
    (Closed to read it -- closing does not compact so small a journal -- and opened
    again.)"""
    cb = world.hub if name == "hub" else world.laptops[name]
    path = Path(cb.path)
    cb.close()
    vault, contents = Vault.open(path, PASSPHRASE, mode=OpenMode.READ)
    try:
        raw = bytes(contents.snapshot) + b"".join(contents.records)
    finally:
        vault.close()
    world.reopen(name)
    return text.encode() in raw


def _family(cb: Casebook) -> tuple[str, str]:
    hid, [pid] = services.save_household(
        cb,
        {"name": f"Familie {OLD}", "status": "azc"},
        [{"role": "aanvrager", "family_name": OLD, "given_names": "Amal"}],
    )
    return hid, pid


def test_a_correction_made_after_sync_leaves_nothing_of_the_old_value_at_the_office(
    world: World,
) -> None:
    anna = world.add_laptop("anna")
    hid, pid = _family(anna)  # summary: "Huishouden Familie Qxfoutnaam toegevoegd: ..."
    world.settle()
    assert _traces(world.hub, OLD)  # the check sees it before

    correct_record(
        anna, "households", hid, {"name": f"Familie {NEW}"}, reason="COA-fout", source="coa"
    )
    correct_record(anna, "persons", pid, {"family_name": NEW}, reason="COA-fout", source="coa")
    world.settle()

    assert queries.get(world.hub, "persons", pid)["family_name"] == NEW
    assert _traces(world.hub, OLD) == []
    assert _traces(anna, OLD) == []
    corrections = [e for e in audit_entries(world.hub) if e["action"] == "correction"]
    assert len(corrections) == 2 and all("COA-fout" in e["what"] for e in corrections)
    assert all(e["device"] == anna.device_id for e in corrections)
    world.reopen("hub")  # the journal replays the received changes: the same forgetting
    assert _traces(world.hub, OLD) == []
    world.hub.compact()  # the office's next compaction
    assert not _on_disk(world, "hub", OLD)
    assert _traces(world.hub, OLD) == []


def test_a_correction_before_the_first_sync_is_forgotten_at_the_office_on_arrival(
    world: World,
) -> None:
    anna = world.add_laptop("anna")
    world.settle()
    hid, pid = _family(anna)
    # corrected before it was ever sent: the outbox still carries the old insert
    correct_record(anna, "households", hid, {"name": f"Familie {NEW}"}, reason="tikfout")
    correct_record(anna, "persons", pid, {"family_name": NEW}, reason="tikfout")
    world.settle()
    assert queries.get(world.hub, "households", hid)["name"] == f"Familie {NEW}"
    assert _traces(world.hub, OLD) == []
    world.hub.compact()
    assert not _on_disk(world, "hub", OLD)
    # the laptop's outbox was acknowledged: its next compaction leaves nothing either
    assert _traces(anna, OLD) == []
    anna.compact()
    assert _on_disk(world, "anna", OLD)  # the corrected entry, the one place it stays
    anna = world.laptops["anna"]
    with anna.reading() as conn:
        kept = [r[0] for r in conn.execute("SELECT value FROM avg_corrections")]
    assert len(kept) == 2 and all(OLD in k for k in kept)


def test_a_correction_at_the_office_is_forgotten_on_the_owners_laptop(world: World) -> None:
    anna = world.add_laptop("anna")
    hid, pid = _family(anna)
    world.settle()
    correct_record(world.hub, "persons", pid, {"family_name": NEW}, reason="BRP", source="brp")
    correct_record(world.hub, "households", hid, {"name": f"Familie {NEW}"}, reason="BRP")
    world.settle()
    assert queries.get(anna, "persons", pid)["family_name"] == NEW
    assert _traces(anna, OLD) == []
    anna.compact()
    assert not _on_disk(world, "anna", OLD)


def test_a_withdrawn_record_leaves_the_office_and_does_not_come_back(world: World) -> None:
    anna = world.add_laptop("anna")
    hid, pid = _family(anna)
    note = services.add_record(
        anna,
        "notes",
        {
            "household_id": hid,
            "person_id": pid,
            "created_at": "2026-03-04T09:00",
            "text": "Qxandermans besluit",
        },
    )
    world.settle()
    assert queries.get(world.hub, "notes", note) is not None
    withdraw_record(anna, "notes", note, reason="hoort bij een andere klant", source="duo")
    world.settle()
    assert queries.get(world.hub, "notes", note) is None
    assert _traces(world.hub, "Qxandermans") == []
    [entry] = [e for e in audit_entries(world.hub) if e["action"] == "correction"]
    assert "Notitie ingetrokken" in entry["what"]
    world.hub.compact()
    assert not _on_disk(world, "hub", "Qxandermans")
    anna = world.laptops["anna"]
    # a full re-send from the office, or another round, does not bring it back
    world.settle()
    assert queries.get(anna, "notes", note) is None
    assert queries.get(world.hub, "notes", note) is None


def test_the_gemeentes_choices_are_made_at_the_office(world: World) -> None:
    anna = world.add_laptop("anna")
    world.settle()
    with pytest.raises(KlantappError, match="centrale kantoor"):
        anna.set_setting("retention", {"appointments": 10})
    with pytest.raises(KlantappError, match="centrale kantoor"):
        anna.set_setting("monitor", {"show_small_numbers": True})
    with pytest.raises(KlantappError, match="centrale kantoor"):
        anna.set_setting("gemeente", {"name": "Heuveldal"})  # the letterhead: the same
    world.hub.set_setting("retention", {"appointments": 10})
    world.settle()
    assert anna.get_setting("retention") == {"appointments": 10}
