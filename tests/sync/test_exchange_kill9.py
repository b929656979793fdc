"""kill -9 in the middle of `hub sync` and of `sync run`: the run that follows finishes
the work, every change is applied exactly once, nothing is lost, and the casebook opens.

The bundles are put in place first; one undisturbed run on a copy is timed, and the
real run is killed at moments drawn from that duration (spread over it: early, middle,
late), each from the same starting point. A kill that comes after the run has finished
proves nothing, so the delay is shortened and the trial made again. The undisturbed
run is also the reference: after a kill and a second run, the office (or the laptop)
holds exactly what the undisturbed run gave.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from klantapp.casebook import Casebook, services
from klantapp.casebook.verify import verify
from klantapp.sync import laptop
from klantapp.sync.hub import exchange, office
from tests.sync.world import PASSPHRASE, World, household, state

ROOT = Path(__file__).resolve().parents[2]
TRIALS = 5

# One run, as the command line makes it: open, sync once, close.
CHILD = r"""
import sys
from klantapp.casebook import Casebook
from klantapp.sync import laptop
from klantapp.sync.hub import exchange
role, path, folder, passphrase = sys.argv[1:5]
cb = Casebook.open(path, passphrase)
print("ready", flush=True)
if role == "hub":
    exchange.sync(cb, folder, settle=0)
else:
    laptop.run(cb, folder, settle=0)
print("done", flush=True)
cb.close()
"""

TABLES = ("households", "persons", "notes", "partners")
NAMES = ("Anna", "Bram", "Cem")


def _child(role: str, path: Path, folder: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, role, str(path), str(folder), PASSPHRASE],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _timed_run(role: str, path: Path, folder: Path) -> float:
    """Seconds from the casebook being open to the run being done, undisturbed."""
    proc = _child(role, path, folder)
    assert proc.stdout is not None
    assert proc.stdout.readline() == "ready\n"
    start = time.monotonic()
    assert proc.stdout.readline() == "done\n"
    took = time.monotonic() - start
    assert proc.wait(timeout=120) == 0
    return took


def _killed_run(role: str, path: Path, folder: Path, delay: float) -> bool:
    """Run once, kill -9 ``delay`` seconds after the casebook is open; True if the kill
    came before the run was done."""
    proc = _child(role, path, folder)
    assert proc.stdout is not None
    assert proc.stdout.readline() == "ready\n"
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    rest = proc.stdout.read()  # through the same buffer as readline
    proc.wait(timeout=60)
    return "done" not in rest


def _open_world(root: Path) -> World:
    hub = Casebook.open(root / "hub", PASSPHRASE, actor="kantoor")
    laptops = {}
    for name in NAMES:
        if (root / f"laptop-{name}").exists():
            laptops[name] = Casebook.open(root / f"laptop-{name}", PASSPHRASE, actor=name)
    return World(root, hub, root / "uitwissel", laptops)


def _restore(snapshot: Path, root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(snapshot, root)


def _opens_whole(path: Path) -> None:
    """The journal replays: the casebook opens complete and checks out."""
    cb = Casebook.open(path, PASSPHRASE)
    try:
        assert cb.complete
        report = verify(cb)
        assert report.ok, report.lines
    finally:
        cb.close()


def _outcome(cb: Casebook) -> dict[str, Any]:
    """What a run decided: the data, and every kept losing value (no ids or times)."""
    out: dict[str, Any] = dict(state(cb, TABLES))
    with cb.reading() as conn:
        out["conflicts"] = sorted(
            conn.execute(
                "SELECT tbl, row_id, field, kept_value, kept_hlc, winner_hlc FROM conflicts"
            ).fetchall()
        )
        out["notes per text"] = sorted(
            conn.execute("SELECT text, count(*) FROM notes GROUP BY text").fetchall()
        )
    return out


def _delays(duration: float, seed: int) -> list[float]:
    """One moment in each of TRIALS equal parts of the run (0 .. 90% of it)."""
    rng = random.Random(seed)
    part = 0.9 * duration / TRIALS
    return [part * (i + rng.random()) for i in range(TRIALS)]


def _kill_mid_run(role: str, root: Path, path: Path, delay: float) -> float:
    """Kill a run at ``delay``, or earlier if it was done by then (restoring the start
    each time); the delay the kill came at, mid-run."""
    snapshot = root.parent / f"{root.name}-start"
    for _attempt in range(6):
        _restore(snapshot, root)
        if _killed_run(role, path, root / "uitwissel", delay):
            return delay
        delay /= 2
    pytest.fail(f"every kill came after the run was done (last delay {delay:.3f} s)")


def _prepare(root: Path) -> World:
    """Three laptops and the office, each having edited since they last exchanged: new
    notes, the same field of the household edited at the office and on its laptop, a
    shared ketenpartner edited everywhere (races, kept as conflicts)."""
    world = World.make(root)
    households = {}
    for name in NAMES:
        cb = world.add_laptop(name)
        households[name] = household(cb, f"Familie {name}")
        services.add_record(
            cb,
            "persons",
            {"household_id": households[name], "role": "aanvrager", "family_name": name},
        )
    partner = services.add_record(world.hub, "partners", {"name": "Taalhuis", "kind": "taalschool"})
    world.settle()
    services.update_record(world.hub, "partners", partner, {"phone": "0548-000000"})
    for number, name in enumerate(NAMES, start=1):
        cb = world.laptops[name]
        services.update_record(world.hub, "households", households[name], {"city": "Kantoor"})
        services.update_record(cb, "households", households[name], {"city": f"Stad van {name}"})
        services.update_record(cb, "partners", partner, {"phone": f"0548-{number}00000"})
        for i in range(30):
            services.add_record(
                cb,
                "notes",
                {
                    "household_id": households[name],
                    "text": f"notitie {name} {i}",
                    "created_at": "2026-12-01T10:00",
                },
            )
    return world


def _snapshot(world: World) -> None:
    """Close everything and keep a copy of the starting point (see _kill_mid_run)."""
    world.close()
    shutil.copytree(world.root, world.root.parent / f"{world.root.name}-start")


def _hub(world: World) -> Casebook:
    return world.hub


def _anna(world: World) -> Casebook:
    return world.laptops["Anna"]


def _reference(role: str, root: Path, pick: Callable[[World], Casebook]) -> tuple[float, Any]:
    """One undisturbed run from the starting point: how long it took, what it gave."""
    duration = _timed_run(role, _path_of(root, role), root / "uitwissel")
    reference = _open_world(root)
    try:
        return duration, _outcome(pick(reference))
    finally:
        reference.close()


def _path_of(root: Path, role: str) -> Path:
    return root / ("hub" if role == "hub" else "laptop-Anna")


def _kill_and_resume(
    role: str, root: Path, pick: Callable[[World], Casebook], duration: float, expected: Any
) -> None:
    """Kill the run at moments spread over its duration; after each kill the casebook
    opens whole, the next run gives exactly what the undisturbed run gave, and once
    everyone has exchanged, everyone agrees."""
    path = _path_of(root, role)
    seed = random.randrange(2**32)
    for planned in _delays(duration, seed):
        delay = _kill_mid_run(role, root, path, planned)
        where = f"seed {seed}, killed {delay:.3f} s into a run of {duration:.3f} s"
        _opens_whole(path)
        world = _open_world(root)
        try:
            if role == "hub":  # the next run finishes the work
                exchange.sync(world.hub, world.folder, settle=0)
            else:
                laptop.run(pick(world), world.folder, settle=0)
            assert _outcome(pick(world)) == expected, where
            world.settle()
            _everyone_agrees(world, where)
        finally:
            world.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_during_hub_sync_applies_every_change_once(tmp_path: Path) -> None:
    root = tmp_path / "wereld"
    root.mkdir()
    world = _prepare(root)
    for name in NAMES:  # every laptop's bundle in place before the office runs
        world.sync_laptop(name)
    _snapshot(world)
    duration, expected = _reference("hub", root, _hub)
    assert len(expected["conflicts"]) >= 3 + 3, "the test should make races at the office"
    _kill_and_resume("hub", root, _hub, duration, expected)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_during_sync_run_applies_every_change_once(tmp_path: Path) -> None:
    root = tmp_path / "wereld"
    root.mkdir()
    world = _prepare(root)
    anna = world.laptops["Anna"]
    # the office has more for Anna than her own edits: Bram's household moves to her
    with world.hub.reading() as conn:
        moved = conn.execute("SELECT id FROM households WHERE name = 'Familie Bram'").fetchone()[0]
    for name in ("Bram", "Cem"):
        world.sync_laptop(name)
    world.sync_hub()
    office.assign(world.hub, moved, anna.device_id)
    world.sync_hub()
    assert list((world.folder / f"to-{anna.device_id}").glob("*.kbundle"))
    _snapshot(world)
    duration, expected = _reference("laptop", root, _anna)
    assert len(expected["notes per text"]) == 60  # her own notes and those of Bram's household
    _kill_and_resume("laptop", root, _anna, duration, expected)


def _everyone_agrees(world: World, where: str) -> None:
    """Every note made anywhere is at the office exactly once; every laptop holds
    exactly the office's rows of its caseload, and has nothing left to send."""
    made = {f"notitie {name} {i}" for name in NAMES for i in range(30)}
    with world.hub.reading() as conn:
        texts = [r[0] for r in conn.execute("SELECT text FROM notes")]
    assert sorted(texts) == sorted(made), where
    for name, cb in world.laptops.items():
        assert laptop.status(cb)["unsent_changes"] == 0, (name, where)
        with cb.reading() as conn:
            mine = {r[0] for r in conn.execute("SELECT id FROM households")}
        assert _caseload(cb, mine) == _caseload(world.hub, mine), (name, where)
        assert state(cb, ("partners",)) == state(world.hub, ("partners",)), (name, where)


def _caseload(cb: Casebook, households: set[str]) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with cb.reading() as conn:
        for table, column in (
            ("households", "id"),
            ("persons", "household_id"),
            ("notes", "household_id"),
        ):
            out[table] = conn.execute(
                f"SELECT * FROM {table} WHERE {column} IN (SELECT value FROM json_each(?)) "
                "ORDER BY id",
                (json.dumps(sorted(households)),),
            ).fetchall()
    return out
