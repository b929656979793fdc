"""The exit-code contract of the sync commands (docs/sync.md), through the real command
line (klantapp.cli.main, in-process, on casebooks made with the test KDF): 6 when a
bundle or a device is refused, with every other good bundle applied; a half-copied
bundle is read again, not refused; `bundle inspect` never calls a manifest verified
without the sender's key; `conflicts` shows both sides, who and when."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from klantapp.avg.log import access_entries
from klantapp.casebook import Casebook, services
from klantapp.cli import main
from klantapp.sync import bundle, keys, minisign, payload
from klantapp.sync.hub import office
from tests.sync.world import PASSPHRASE, World, household, names, racing_edits

OLD = time.time() - 3600  # an mtime a copy kept from its source


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLANTAPP_PASSPHRASE", PASSPHRASE)


@contextmanager
def _closed(world: World) -> Iterator[None]:
    """The command opens the casebooks itself: the test's handles are closed meanwhile."""
    laptops = list(world.laptops)
    world.close()
    try:
        yield
    finally:
        world.hub = Casebook.open(world.hub.path, PASSPHRASE, actor="kantoor")
        for name in laptops:
            world.laptops[name] = Casebook.open(world.laptops[name].path, PASSPHRASE, actor=name)


def klantapp(world: World, *args: str | Path) -> int:
    with _closed(world):
        return main([str(a) for a in args])


def _tampered(path: Path) -> None:
    """Change one character of the age header's MAC: the file is whole, but someone
    changed it (reason ``tampered``, never mistaken for a copy still under way)."""
    data = bytearray(path.read_bytes())
    at = data.index(b"\n--- ") + 10
    data[at] = ord("B") if data[at] != ord("B") else ord("C")
    path.write_bytes(bytes(data))


def _bundle_of(world: World, name: str) -> Path:
    world.sync_laptop(name)
    device = world.laptops[name].device_id
    [sent] = (world.folder / "to-hub").glob(f"{device}-*.kbundle")
    return sent


def test_hub_sync_applies_the_good_bundle_then_exits_6_naming_the_bad_one(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    household(world.add_laptop("Anna"), "Familie Tesfay")
    household(world.add_laptop("Bram"), "Familie Haddad")
    _bundle_of(world, "Anna")
    bad = _bundle_of(world, "Bram")
    _tampered(bad)
    sync = ("hub", "sync", world.hub.path, "--folder", world.folder, "--settle", "0")
    assert klantapp(world, *sync) == 6
    err = capsys.readouterr().err
    assert bad.name in err and "tampered" in err
    assert names(world.hub) == ["Familie Tesfay"]
    assert (world.folder / "refused" / bad.name).exists()


def test_a_bundle_copied_in_two_halves_is_taken_whole_on_the_next_run(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    household(world.add_laptop("Anna"), "Familie Tesfay")
    sent = _bundle_of(world, "Anna")
    data = sent.read_bytes()
    # someone's copy writes the first half under the final name, keeping the old mtime
    sent.write_bytes(data[: len(data) // 2])
    os.utime(sent, (OLD, OLD))
    assert klantapp(world, "hub", "sync", world.hub.path, "--folder", world.folder) == 0
    assert "Nog niet compleet" in capsys.readouterr().out
    assert sent.exists() and not (world.folder / "refused").exists()
    assert names(world.hub) == []
    sent.write_bytes(data)  # the copy finishes
    os.utime(sent, (OLD, OLD))
    assert klantapp(world, "hub", "sync", world.hub.path, "--folder", world.folder) == 0
    assert names(world.hub) == ["Familie Tesfay"]
    assert not sent.exists()


def test_sync_run_reads_a_half_copied_bundle_again(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    anna = world.add_laptop("Anna")
    hid = household(anna, "Familie Tesfay")
    world.settle()
    services.update_record(world.hub, "households", hid, {"city": "Heuveldal"})
    world.sync_hub()
    [sent] = (world.folder / f"to-{anna.device_id}").glob("*.kbundle")
    data = sent.read_bytes()
    sent.write_bytes(data[: len(data) // 2])
    os.utime(sent, (OLD, OLD))
    run = ("sync", "run", anna.path, "--folder", world.folder)
    assert klantapp(world, *run) == 0
    assert "Nog niet compleet" in capsys.readouterr().out and sent.exists()
    sent.write_bytes(data)
    os.utime(sent, (OLD, OLD))
    assert klantapp(world, *run) == 0
    with world.laptops["Anna"].reading() as conn:
        assert conn.execute("SELECT city FROM households").fetchone() == ("Heuveldal",)
    assert not sent.exists()


def test_a_bundle_that_stays_damaged_is_set_aside_on_a_later_run(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    household(world.add_laptop("Anna"), "Familie Tesfay")
    sent = _bundle_of(world, "Anna")
    sent.write_bytes(sent.read_bytes()[:-100])  # truncated, and it stays so
    sync = ("hub", "sync", world.hub.path, "--folder", world.folder, "--settle", "0")
    assert klantapp(world, *sync) == 0
    assert sent.exists()
    assert klantapp(world, *sync) == 6
    assert sent.name in capsys.readouterr().err
    assert (world.folder / "refused" / sent.name).exists()


def _refused_laptop(world: World, tmp_path: Path) -> Path:
    """A copy of Anna's casebook that went on working beside the original: the office
    takes the original's changes and refuses the copy (a clone)."""
    anna = world.add_laptop("Anna")
    hid = household(anna, "Familie Tesfay")
    world.settle()
    anna.close()
    shutil.copytree(anna.path, tmp_path / "kloon")
    world.laptops["Anna"] = Casebook.open(anna.path, PASSPHRASE, actor="Anna")
    world.laptops["Kloon"] = clone = Casebook.open(tmp_path / "kloon", PASSPHRASE, actor="Anna")
    services.update_record(world.laptops["Anna"], "households", hid, {"city": "Origineel"})
    services.update_record(clone, "households", hid, {"city": "Kloon"})
    world.sync_laptop("Anna")
    world.sync_hub()
    world.sync_laptop("Kloon")
    assert [r["reason"] for r in world.sync_hub().refused] == ["diverged"]
    return clone.path


def test_a_refused_laptop_exits_6_on_sync_run_and_sync_status(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clone = _refused_laptop(world, tmp_path)
    run = ("sync", "run", clone, "--folder", world.folder, "--settle", "0")
    assert klantapp(world, *run) == 6
    assert "Een andere kopie van dit dossier" in capsys.readouterr().err
    assert klantapp(world, *run) == 6  # it stays refused: no more exchanging
    capsys.readouterr()
    assert klantapp(world, "sync", "status", clone) == 6
    assert "opnieuw worden ingericht" in capsys.readouterr().err
    assert klantapp(world, "sync", "status", clone, "--json") == 6
    shown = json.loads(capsys.readouterr().out)
    assert shown["refused"]["reason"] == "diverged" and shown["unsent_changes"] == 1


# --- bundle inspect ---------------------------------------------------------------


@pytest.fixture
def auditor(world: World, tmp_path: Path) -> tuple[Path, Path, Path]:
    """Anna's real bundle, the office identity file and Anna's public key file."""
    household(world.add_laptop("Anna"), "Familie Tesfay")
    sent = _bundle_of(world, "Anna")
    identity = tmp_path / "kantoor.txt"
    assert klantapp(world, "hub", "export-identity", world.hub.path, "-o", identity) == 0
    [device] = office.devices(world.hub)
    key = tmp_path / "anna.pub"
    key.write_text(str(device["minisign_public_key"]) + "\n", encoding="utf-8")
    return sent, identity, key


def _forged(world: World, genuine: Path, folder: Path) -> Path:
    """A bundle that claims to be Anna's, to the office, signed by someone else's key."""
    with world.hub.reading() as conn:
        pair = keys.load(conn)
    claimed = bundle.inspect_bundle(genuine.read_bytes(), identities=[pair.age_identity])
    _manifest, data = bundle.write_bundle(
        hub_id=claimed.manifest.hub_id,
        gemeente=claimed.manifest.gemeente,
        sender=claimed.manifest.sender,
        schema_version=claimed.manifest.schema_version,
        roster_version=claimed.manifest.roster_version,
        ops_jsonl=payload.encode(payload.Payload([], {})),
        signer=minisign.generate(),
        recipients=[pair.age_recipient],
    )
    folder.mkdir()
    forged = folder / genuine.name
    forged.write_bytes(data)
    return forged


def test_bundle_inspect_verifies_with_the_signer_key_or_the_hub(
    world: World, auditor: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    sent, identity, key = auditor
    inspect = ("bundle", "inspect", sent, "--json")
    assert klantapp(world, *inspect, "--identity", identity, "--signer-key", key) == 0
    assert json.loads(capsys.readouterr().out)["signature_verified"] is True
    assert klantapp(world, *inspect, "--identity", identity, "--hub", world.hub.path) == 0
    assert json.loads(capsys.readouterr().out)["signature_verified"] is True
    assert klantapp(world, *inspect, "--hub", world.hub.path) == 0  # the office's own key
    shown = json.loads(capsys.readouterr().out)
    assert shown["manifest"]["sender"] == world.laptops["Anna"].device_id


def test_bundle_inspect_exits_6_on_a_tampered_bundle(
    world: World, auditor: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    sent, identity, key = auditor
    _tampered(sent)
    assert (
        klantapp(world, "bundle", "inspect", sent, "--identity", identity, "--hub", world.hub.path)
        == 6
    )
    assert (
        klantapp(world, "bundle", "inspect", sent, "--identity", identity, "--signer-key", key) == 6
    )


def test_bundle_inspect_never_calls_a_forged_manifest_fine(
    world: World,
    auditor: tuple[Path, Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sent, identity, key = auditor
    forged = _forged(world, sent, tmp_path / "vals")
    inspect = ("bundle", "inspect", forged, "--identity", identity)
    assert klantapp(world, *inspect, "--signer-key", key) == 6
    assert klantapp(world, *inspect, "--hub", world.hub.path) == 6
    capsys.readouterr()
    # without any key to check it with: no verdict, and nothing shown as if it were one
    assert klantapp(world, *inspect) == 2
    assert klantapp(world, *inspect, "--json") == 2
    out = capsys.readouterr()
    assert out.out == "" and "--signer-key" in out.err and "--hub" in out.err


# --- conflicts --------------------------------------------------------------------


def test_conflicts_show_both_sides_who_and_when(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    anna = world.add_laptop("Anna")
    hid, _pid = racing_edits(world, anna)
    assert klantapp(world, "conflicts", anna.path, "--json") == 0
    found = {c["field"]: c for c in json.loads(capsys.readouterr().out)}
    city = found["city"]
    assert {city["kept_value"], city["current_value"]} == {"Kantoorstad", "Annastad"}
    assert {city["kept_actor"], city["winner_actor"]} == {"kantoor", "Anna"}
    assert city["kept_at"] and city["winner_at"] and city["household"] == "Familie Tesfay"
    health = found["health_note"]
    assert health["restricted"] and health["kept_value"] is None
    assert health["current_value"] is None
    assert klantapp(world, "conflicts", anna.path) == 0
    text = capsys.readouterr().out
    assert "Kantoorstad" in text and "Annastad" in text
    assert "kantoor" in text and "Anna," in text and city["kept_at"] in text
    assert "Zqx" not in text and "(vertrouwelijk)" in text
    assert klantapp(world, "conflicts", anna.path, "--show-restricted") == 0
    text = capsys.readouterr().out
    assert "Zqxkantoor" in text and "Zqxanna" in text
    assert klantapp(world, "conflicts", anna.path, "--json", "--show-restricted") == 0
    health = {c["field"]: c for c in json.loads(capsys.readouterr().out)}["health_note"]
    assert {health["kept_value"], health["current_value"]} == {"Zqxkantoor", "Zqxanna"}
    # each time the health data was shown it was logged, about the household, without it
    reads = [e for e in access_entries(world.laptops["Anna"]) if e["action"] == "restricted_read"]
    assert len(reads) == 2 and {e["household_id"] for e in reads} == {hid}
    assert all("Persoon" in e["what"] and "Zqx" not in e["what"] for e in reads)


def test_a_bundle_too_new_to_be_whole_is_named_as_waiting_not_silently_skipped(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """Right after a laptop wrote its bundle the office's run leaves it for the next run
    (it may still be being copied): the run says so instead of "0 bundels" alone."""
    household(world.add_laptop("Anna"), "Familie Tesfay")
    _bundle_of(world, "Anna")
    sync = ("hub", "sync", world.hub.path, "--folder", world.folder)
    assert klantapp(world, *sync, "--settle", "60") == 0
    out = capsys.readouterr().out
    assert "Verwerkt: 0 bundels" in out and "1 bundel is nog te nieuw" in out
    assert names(world.hub) == []
    assert klantapp(world, *sync, "--settle", "0") == 0
    out = capsys.readouterr().out
    assert "Verwerkt: 1 bundel, 1 wijziging" in out and "te nieuw" not in out
    assert names(world.hub) == ["Familie Tesfay"]
