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
    report = world.sync_hub()
    assert len(report.refused) == 2
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
