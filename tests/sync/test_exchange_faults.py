"""Faults in the exchange: damaged and foreign bundles in the folder, a cloned laptop.
Nothing is applied twice, nothing is lost (kill -9: test_exchange_kill9.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from klantapp.casebook import Casebook, services
from klantapp.sync import laptop
from klantapp.sync.hub import office
from tests.sync.world import PASSPHRASE, World, household, names


def test_damaged_and_truncated_bundles_are_set_aside_and_named(world: World) -> None:
    anna = world.add_laptop("Anna")
    household(anna, "Familie Tesfay")
    world.sync_laptop("Anna")
    [sent] = list((world.folder / "to-hub").iterdir())
    data = sent.read_bytes()
    (world.folder / "to-hub" / sent.name.replace(".kbundle", "0.kbundle")).write_bytes(
        data[: len(data) // 2]
    )
    flipped = bytearray(data)
    flipped[len(flipped) // 3] ^= 0x40
    sent.write_bytes(bytes(flipped))
    report = world.sync_hub()  # they may be copies still under way: left for later
    assert not report.refused and len(report.unfinished) == 2
    assert len(list((world.folder / "to-hub").iterdir())) == 2
    report = world.sync_hub()  # unchanged since, and still bad
    assert len(report.refused) == 2 and not report.unfinished
    assert names(world.hub) == []
    assert len(list((world.folder / "refused").iterdir())) == 2
    world.settle()  # the laptop sends again what was not acknowledged
    assert names(world.hub) == ["Familie Tesfay"]


def test_a_bundle_for_another_office_is_refused(world: World, tmp_path: Path) -> None:
    (tmp_path / "ander").mkdir()
    other = World.make(tmp_path / "ander")
    try:
        stranger = other.add_laptop("Vreemd")
        household(stranger, "Familie Elders")
        laptop.run(stranger, world.folder, settle=0)  # into our folder, by mistake
        report = world.sync_hub()
        assert [r["reason"] for r in report.refused] in (["not_for_us"], ["other_hub"])
        assert names(world.hub) == []
    finally:
        other.close()


def test_a_cloned_laptop_is_refused_and_its_changes_kept_aside(
    world: World, tmp_path: Path
) -> None:
    anna = world.add_laptop("Anna")
    hid = household(anna, "Familie Tesfay")
    world.settle()
    path = anna.path
    anna.close()
    shutil.copytree(path, tmp_path / "kloon")
    original = Casebook.open(path, PASSPHRASE)
    clone = Casebook.open(tmp_path / "kloon", PASSPHRASE)
    world.laptops["Anna"] = original
    try:
        services.update_record(original, "households", hid, {"city": "Origineel"})
        services.update_record(clone, "households", hid, {"city": "Kloon"})
        laptop.run(original, world.folder, settle=0)
        world.sync_hub()
        laptop.run(clone, world.folder, settle=0)
        report = world.sync_hub()
        assert [r["reason"] for r in report.refused] == ["diverged"]
        with world.hub.reading() as conn:
            assert conn.execute("SELECT city FROM households").fetchone() == ("Origineel",)
            assert conn.execute("SELECT count(*) FROM sync_quarantine").fetchone()[0] == 1
        assert [d["state"] for d in office.devices(world.hub)] == ["refused"]
        laptop.run(clone, world.folder, settle=0)
        assert laptop.status(clone)["refused"]["reason"] == "diverged"
        assert laptop.status(clone)["unsent_changes"] == 1  # still there, for the office
    finally:
        clone.close()


def _bundle_after_a_gap(world: World, tmp_path: Path) -> tuple[str, Path, Path]:
    """Anna's bundle N+1 in the folder while her bundle N is not (yet): the office put
    its casebook back from last night's copy, so it lacks N, which it had already
    acknowledged; N comes back later (from a copy of the folder). Returns her device
    id, bundle N (kept aside) and bundle N+1 (in the folder)."""
    anna = world.add_laptop("Anna")
    hid = household(anna, "Familie Tesfay")
    world.settle()
    hub_path = world.hub.path
    world.hub.close()
    shutil.copytree(hub_path, tmp_path / "kantoor-gisteren")
    world.reopen("hub")
    services.add_record(
        anna, "notes", {"household_id": hid, "text": "notitie N", "created_at": "2026-12-01T10:00"}
    )
    world.sync_laptop("Anna")
    [first] = list((world.folder / "to-hub").glob("*.kbundle"))
    kept = tmp_path / first.name
    shutil.copy(first, kept)
    world.sync_hub()
    world.sync_laptop("Anna")  # takes the acknowledgement of N
    services.add_record(
        anna,
        "notes",
        {"household_id": hid, "text": "notitie N+1", "created_at": "2026-12-01T11:00"},
    )
    world.sync_laptop("Anna")
    [second] = list((world.folder / "to-hub").glob("*.kbundle"))
    world.hub.close()
    shutil.rmtree(hub_path)
    shutil.copytree(tmp_path / "kantoor-gisteren", hub_path)
    world.reopen("hub")
    return anna.device_id, kept, second


def _notes(cb: Casebook) -> list[str]:
    with cb.reading() as conn:
        return sorted(r[0] for r in conn.execute("SELECT text FROM notes"))


def _inbox(cb: Casebook) -> int:
    with cb.reading() as conn:
        return int(conn.execute("SELECT count(*) FROM sync_inbox").fetchone()[0])


def test_a_bundle_after_a_gap_waits_in_the_vault_until_the_gap_is_filled(
    world: World, tmp_path: Path
) -> None:
    _device, first, second = _bundle_after_a_gap(world, tmp_path)
    report = world.sync_hub()
    assert report.waiting == [second.name] and not report.refused
    assert _notes(world.hub) == [] and not second.exists()  # inside the vault now
    world.reopen("hub")
    assert _inbox(world.hub) == 1
    assert world.sync_hub().waiting == [second.name]  # still waiting after a reopen
    shutil.copy(first, world.folder / "to-hub" / first.name)  # N arrives at last
    report = world.sync_hub()
    assert report.received == 2 and report.waiting == [] and not report.refused
    assert _notes(world.hub) == ["notitie N", "notitie N+1"]
    assert _inbox(world.hub) == 0
    shutil.copy(first, world.folder / "to-hub" / first.name)  # and once more: no change
    world.sync_hub()
    world.settle()
    assert _notes(world.hub) == ["notitie N", "notitie N+1"] == _notes(world.laptops["Anna"])
    assert laptop.status(world.laptops["Anna"])["unsent_changes"] == 0


def test_a_waiting_bundle_of_a_revoked_laptop_goes_to_quarantine(
    world: World, tmp_path: Path
) -> None:
    device, first, _second = _bundle_after_a_gap(world, tmp_path)
    world.sync_hub()
    assert _inbox(world.hub) == 1
    office.revoke(world.hub, device)
    shutil.copy(first, world.folder / "to-hub" / first.name)
    report = world.sync_hub()
    assert sorted(q["reason"] for q in report.quarantined) == ["revoked", "revoked"]
    assert report.waiting == [] and _inbox(world.hub) == 0
    assert _notes(world.hub) == []
    with world.hub.reading() as conn:
        assert conn.execute("SELECT count(*) FROM sync_quarantine").fetchone()[0] == 2
    assert [d["quarantined_bundles"] for d in office.devices(world.hub)] == [2]
