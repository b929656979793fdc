"""The folder transport: atomic writes, and a reader that takes only whole bundles
addressed to it, while someone else may still be copying files in."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from klantapp.sync import transport
from klantapp.sync.transport import HUB, Look
from klantapp.vault import fsio

ANNA = "a1a1a1a1a1a1a1a1"
BRAM = "b2b2b2b2b2b2b2b2"
NOW = 2_000_000_000.0  # a fixed "now" for the rule; mtimes are set relative to it


def _age(path: Path, seconds_ago: float) -> None:
    moment = NOW - seconds_ago
    os.utime(path, (moment, moment))


def _names(found: list[transport.Incoming]) -> list[str]:
    return [f.path.name for f in found]


def test_send_writes_the_final_name_in_the_addressee_folder(tmp_path: Path) -> None:
    path = transport.send(tmp_path, sender=ANNA, to=HUB, bundle_id="b01", data=b"bundle")
    assert path == tmp_path / "to-hub" / f"{ANNA}-hub-b01.kbundle"
    assert path.read_bytes() == b"bundle"
    assert os.listdir(path.parent) == [path.name]  # no temp file left
    _age(path, 60)
    found, _look = transport.incoming(tmp_path, HUB, now=NOW)
    assert [(f.sender, f.bundle_id, f.path) for f in found] == [(ANNA, "b01", path)]


def test_send_is_all_or_nothing_under_a_crash(tmp_path: Path) -> None:
    """A crash at any step of the write leaves either no bundle or the whole one under its
    final name; a half-written temp file is never taken as a bundle."""
    steps: list[str] = []

    def record(step: str, _path: Path) -> None:
        steps.append(step)

    with fsio.fault_hook(record):
        transport.send(tmp_path / "", sender=ANNA, to=HUB, bundle_id="b00", data=b"x")
    for crash_at in range(len(steps)):
        folder = tmp_path / f"crash{crash_at}"
        folder.mkdir()

        calls: list[str] = []

        def crash(step: str, _path: Path, at: int = crash_at, calls: list[str] = calls) -> None:
            calls.append(step)
            if len(calls) - 1 == at:
                raise fsio.SimulatedCrash(step)

        with pytest.raises(fsio.SimulatedCrash), fsio.fault_hook(crash):
            transport.send(folder, sender=ANNA, to=HUB, bundle_id="b01", data=b"whole bundle")
        for leftover in (folder / "to-hub").iterdir():
            _age(leftover, 60)
        found, _look = transport.incoming(folder, HUB, now=NOW)
        assert [f.path.read_bytes() for f in found] in ([], [b"whole bundle"])


def test_a_senders_own_temporary_files_left_by_a_stopped_run_are_cleaned_up(
    tmp_path: Path,
) -> None:
    hub_dir = transport.address_folder(tmp_path, HUB)
    hub_dir.mkdir()
    now = time.time()
    left = {
        "mine, old": (f".{ANNA}-hub-0001.kbundle.1a2b3c4d.part", 2 * 3600),
        "mine, being written": (f".{ANNA}-hub-0002.kbundle.5e6f7a8b.part", 10),
        "another sender's, old": (f".{BRAM}-hub-0003.kbundle.9c0d1e2f.part", 2 * 3600),
        "a bundle, old": (f"{ANNA}-hub-0004.kbundle", 2 * 3600),
    }
    for name, age in left.values():
        (hub_dir / name).write_bytes(b"x")
        os.utime(hub_dir / name, (now - age, now - age))
    transport.send(tmp_path, sender=ANNA, to=HUB, bundle_id="0005", data=b"bundle")
    remaining = {p.name for p in hub_dir.iterdir()}
    assert left["mine, old"][0] not in remaining
    assert {
        left[k][0] for k in ("mine, being written", "another sender's, old", "a bundle, old")
    } <= remaining
    assert f"{ANNA}-hub-0005.kbundle" in remaining


def test_only_bundles_addressed_to_me_are_listed(tmp_path: Path) -> None:
    transport.send(tmp_path, sender="hub0001", to=ANNA, bundle_id="c1", data=b"for anna")
    transport.send(tmp_path, sender="hub0001", to=BRAM, bundle_id="c2", data=b"for bram")
    misplaced = tmp_path / f"to-{ANNA}" / f"hub0001-{BRAM}-c3.kbundle"
    misplaced.write_bytes(b"for bram, in anna's folder")
    for path in tmp_path.rglob("*.kbundle"):
        _age(path, 60)
    found, _look = transport.incoming(tmp_path, ANNA, now=NOW)
    assert _names(found) == [f"hub0001-{ANNA}-c1.kbundle"]


def test_temp_names_other_files_and_links_are_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "to-hub"
    folder.mkdir()
    good = folder / f"{ANNA}-hub-b1.kbundle"
    good.write_bytes(b"x")
    for name in (
        f".{ANNA}-hub-b2.kbundle.1234abcd.part",  # our own temp name
        f"{ANNA}-hub-b3.kbundle.part",
        f"{ANNA}-hub-b4.kbundle~",
        f"~${ANNA}-hub-b5.kbundle",
        f"{ANNA}-hub-B6.kbundle",  # not an id
        f"{ANNA}-hub.kbundle",
        "notes.txt",
    ):
        (folder / name).write_bytes(b"x")
    (folder / f"{ANNA}-hub-b7.kbundle").mkdir()
    (folder / f"{ANNA}-hub-b8.kbundle").symlink_to(good)
    for path in folder.iterdir():
        os.utime(path, (NOW - 60, NOW - 60), follow_symlinks=False)
    found, _look = transport.incoming(tmp_path, HUB, now=NOW)
    assert _names(found) == [good.name]


def test_a_file_still_being_copied_in_is_not_taken(tmp_path: Path) -> None:
    folder = tmp_path / "to-hub"
    folder.mkdir()
    copying = folder / f"{ANNA}-hub-b1.kbundle"

    # Someone starts copying: an empty file, then the first part, just now.
    copying.write_bytes(b"")
    _age(copying, 0)
    found, look = transport.incoming(tmp_path, HUB, now=NOW)
    assert found == []
    copying.write_bytes(b"first part")
    _age(copying, 1)
    found, look = transport.incoming(tmp_path, HUB, previous=look, now=NOW + 1)
    assert found == []  # recent mtime, and changed since the last look

    # It grows while keeping an old mtime (a copy that sets the source's time early):
    # changed since the previous look, so still not ready.
    copying.write_bytes(b"first part, second part")
    _age(copying, 3600)
    found, look = transport.incoming(tmp_path, HUB, previous=look, now=NOW + 2)
    assert found == []

    # Unchanged at the next look, and its mtime is old: now it is whole.
    found, look = transport.incoming(tmp_path, HUB, previous=look, now=NOW + 3)
    assert _names(found) == [copying.name]


def test_a_recent_file_is_ready_once_it_has_settled(tmp_path: Path) -> None:
    path = transport.send(tmp_path, sender=ANNA, to=HUB, bundle_id="b1", data=b"x")
    _age(path, 1)
    found, look = transport.incoming(tmp_path, HUB, now=NOW)
    assert found == []  # written a second ago: someone may still be at it
    found, look = transport.incoming(tmp_path, HUB, previous=look, now=NOW + 3)
    assert found == []  # unchanged, but its mtime is only 4 s old
    found, look = transport.incoming(tmp_path, HUB, previous=look, now=NOW + 4)
    assert _names(found) == [path.name]


def test_the_settle_rule_by_mtime_age(tmp_path: Path) -> None:
    path = transport.send(tmp_path, sender=ANNA, to=HUB, bundle_id="b1", data=b"x")
    for seconds_ago, ready in ((0, False), (4.9, False), (5.0, True), (600, True)):
        _age(path, seconds_ago)
        found, _look = transport.incoming(tmp_path, HUB, now=NOW)
        assert bool(found) is ready, seconds_ago


def test_a_file_from_a_clock_ahead_is_ready_once_seen_unchanged_long_enough(
    tmp_path: Path,
) -> None:
    """The share's clock runs an hour ahead: the mtime is 'in the future' for us."""
    path = transport.send(tmp_path, sender=ANNA, to=HUB, bundle_id="b1", data=b"x")
    _age(path, -3600)
    found, look = transport.incoming(tmp_path, HUB, now=NOW)
    assert found == []
    found, look = transport.incoming(tmp_path, HUB, previous=look, now=NOW + 2)
    assert found == []
    found, look = transport.incoming(tmp_path, HUB, previous=look, now=NOW + 5)
    assert _names(found) == [path.name]


def test_a_file_that_does_not_read_whole_is_looked_at_again_until_it_stays_bad() -> None:
    half, whole = transport.FileState(100, 5), transport.FileState(200, 6)
    note = transport.unfinished("damaged", None, half, now=1000.0, settle=5)
    assert note == {"size": 100, "mtime_ns": 5, "since": 1000.0}  # first seen bad: wait
    assert transport.unfinished("damaged", note, half, now=1003.0, settle=5) == note  # too soon
    assert transport.unfinished("damaged", note, half, now=1005.0, settle=5) is None  # refuse
    assert transport.unfinished("too_large", note, whole, now=1005.0, settle=5) == {
        "size": 200,
        "mtime_ns": 6,
        "since": 1005.0,
    }  # it changed: still arriving, the clock starts again
    # a copy under way cannot give these: refused at once
    for reason in ("tampered", "bad_signature", "not_for_us", "unknown_sender", "other_hub"):
        assert transport.unfinished(reason, None, half, now=1000.0, settle=5) is None


def test_a_missing_folder_lists_nothing(tmp_path: Path) -> None:
    assert transport.incoming(tmp_path / "nowhere", HUB, now=NOW) == ([], Look())


def test_send_to_a_missing_folder_fails_plainly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        transport.send(tmp_path / "unplugged", sender=ANNA, to=HUB, bundle_id="b1", data=b"x")


def test_remove_deletes_a_bundle(tmp_path: Path) -> None:
    path = transport.send(tmp_path, sender=ANNA, to=HUB, bundle_id="b1", data=b"x")
    transport.remove(path)
    assert not path.exists()
    transport.remove(path)  # already gone: fine


def test_names_round_trip_and_refuse_bad_ids() -> None:
    name = transport.bundle_name(ANNA, HUB, "0123abc")
    assert transport.parse_name(name) == (ANNA, HUB, "0123abc")
    with pytest.raises(ValueError):
        transport.bundle_name("a-b", HUB, "x")
    with pytest.raises(ValueError):
        transport.address_folder(Path("."), "../etc")


def test_reachable_and_writable(tmp_path: Path) -> None:
    assert transport.reachable(tmp_path) and transport.writable(tmp_path)
    assert os.listdir(tmp_path) == []  # the probe cleaned up after itself
    assert not transport.reachable(tmp_path / "nowhere")
    assert not transport.writable(tmp_path / "nowhere")
    (tmp_path / "file").write_bytes(b"")
    assert not transport.reachable(tmp_path / "file")


def test_a_folder_that_refuses_writes_is_reachable_but_not_writable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object) -> int:
        raise PermissionError("read-only share")

    monkeypatch.setattr(transport.os, "open", refuse)
    assert transport.reachable(tmp_path) and not transport.writable(tmp_path)


def test_a_hung_share_does_not_hang_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A share that never answers: the checks give up after their timeout, False."""
    release = threading.Event()
    real_listdir, real_open = os.listdir, os.open

    def hang_listdir(path: object) -> list[str]:
        release.wait()
        return real_listdir(path)  # type: ignore[arg-type]

    def hang_open(path: object, *args: object) -> int:
        release.wait()
        return real_open(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(transport.os, "listdir", hang_listdir)
    monkeypatch.setattr(transport.os, "open", hang_open)
    try:
        assert transport.reachable(tmp_path, timeout=0.2) is False
        assert transport.writable(tmp_path, timeout=0.2) is False
    finally:
        release.set()
