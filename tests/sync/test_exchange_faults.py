"""Faults in the exchange: kill -9 in the middle of a sync, damaged and foreign bundles
in the folder, a cloned laptop. Nothing is applied twice, nothing is lost."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from klantapp.casebook import Casebook, services
from klantapp.sync import laptop
from klantapp.sync.hub import office
from tests.sync.world import PASSPHRASE, World, household, names, state

ROOT = Path(__file__).resolve().parents[2]

# A child that syncs in a loop: a laptop that keeps editing, or the hub.
CHILD = r"""
import sys, itertools
sys.path.insert(0, sys.argv[4])
from klantapp.casebook import Casebook, services
from klantapp.sync import laptop
from klantapp.sync.hub import exchange
role, path, folder = sys.argv[1], sys.argv[2], sys.argv[3]
cb = Casebook.open(path, "een lange test wachtwoordzin")
if role == "hub":
    while True:
        exchange.sync(cb, folder, settle=0)
        print("synced", flush=True)
else:
    hid = cb.reading().__enter__().execute("SELECT id FROM households").fetchone()[0]
    for i in itertools.count():
        services.add_record(cb, "notes", {"household_id": hid, "text": f"notitie {i}", "created_at": "2026-12-01T10:00"})
        print(i, flush=True)
        laptop.run(cb, folder, settle=0)
"""


def _run_and_kill(role: str, cb: Casebook, folder: Path, after: float) -> list[str]:
    path = cb.path
    cb.close()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, role, str(path), str(folder), str(ROOT)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    time.sleep(after)
    os.kill(proc.pid, signal.SIGKILL)
    out, _ = proc.communicate(timeout=60)
    return (first + out).split("\n")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("after", [0.2, 0.6, 1.1])
def test_kill_9_during_sync_loses_nothing_and_applies_nothing_twice(
    world: World, after: float
) -> None:
    anna = world.add_laptop("Anna")
    household(anna, "Familie Tesfay")
    world.settle()
    # the laptop edits and syncs in a loop; kill it at a random moment
    lines = _run_and_kill("laptop", anna, world.folder, after)
    saved = {int(x) for x in lines if x.strip().isdigit()}
    assert saved, "the child saved nothing before it was killed"
    world.laptops["Anna"] = Casebook.open(anna.path, PASSPHRASE)
    # the hub syncs in a loop; kill it too
    hub = world.hub
    _run_and_kill("hub", hub, world.folder, after)
    world.hub = Casebook.open(hub.path, PASSPHRASE)
    world.settle()
    with world.hub.reading() as conn:
        texts = [r[0] for r in conn.execute("SELECT text FROM notes")]
    assert {f"notitie {i}" for i in saved} <= set(texts)  # everything saved arrived
    assert len(texts) == len(set(texts))  # and nothing twice
    assert state(world.laptops["Anna"], ("notes",)) == state(world.hub, ("notes",))
    assert laptop.status(world.laptops["Anna"])["unsent_changes"] == 0


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
