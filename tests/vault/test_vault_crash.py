"""A crash at every single write step leaves a casebook that opens to the old or the
new state: never a mix, never a loss.

fsio calls a hook before each step (create, write, fsync, replace, fsync_dir,
truncate, unlink, ...). These tests first record the steps an operation takes, then
replay the operation once per step with a SimulatedCrash at exactly that step, on a
fresh copy of the casebook, and reopen.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from klantapp.errors import CasebookNotFound, KlantappError, WrongPassphrase
from klantapp.vault import KdfParams, OpenMode, Vault, fsio

Step = tuple[str, str]


def record_steps(action: Callable[[], object]) -> list[Step]:
    steps: list[Step] = []
    with fsio.fault_hook(lambda name, path: steps.append((name, path.name))):
        action()
    return steps


def crash_at(n: int) -> fsio.FaultHook:
    calls = iter(range(10**9))

    def hook(name: str, path: Path) -> None:
        if next(calls) == n:
            raise fsio.SimulatedCrash(f"{name} {path.name}")

    return hook


def crash_during(vault: Vault, n: int, action: Callable[[], object]) -> None:
    """Run ``action`` with a crash at step ``n``; the "dead process" loses its lock."""
    with fsio.fault_hook(crash_at(n)), pytest.raises(fsio.SimulatedCrash):
        action()
    vault.close()  # writes nothing; stands in for the OS dropping the lock and fds


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_every_step_of_append(env, fast_kdf) -> None:
    vault, base = env.create()
    vault.append(b"een")
    vault.append(b"twee")
    vault.close()

    probe, _ = env.open(env.copy(base, "probe"))
    steps = record_steps(lambda: probe.append(b"drie"))
    assert [name for name, _ in steps] == ["write", "fsync"]

    outcomes = set()
    for n in range(len(steps)):
        folder = env.copy(base, f"append-{n}")
        vault, _ = env.open(folder)
        crash_during(vault, n, lambda v=vault: v.append(b"drie"))
        vault, contents = env.open(folder)
        assert contents.snapshot == env.snapshot
        assert contents.records in ([b"een", b"twee"], [b"een", b"twee", b"drie"])
        outcomes.add(len(contents.records))
        expected = [*contents.records, b"vier"]
        vault.append(b"vier")  # and the casebook keeps working after the crash
        vault.close()
        assert env.read(folder).records == expected
    assert outcomes == {2, 3}


def kept_warning(contents) -> list[str]:
    return [w for w in contents.warnings if "andere versie" in w]


def originals_survive(before: dict[str, bytes], folder: Path, *, replaced: set[str]) -> None:
    """Every file that was there before is still there byte for byte, except the
    generation the interrupted operation itself replaced (``replaced``)."""
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    for name, data in before.items():
        if name not in replaced:
            assert after.get(name) == data, f"{name} was changed or removed"


def test_every_step_of_compaction(env, fast_kdf) -> None:
    vault, base = env.create()
    vault.append(b"een")
    vault.append(b"twee")
    vault.close()
    old = (env.snapshot, [b"een", b"twee"])
    new = (b"nieuwe momentopname MARKER", [])
    before = env.state(base)

    probe, _ = env.open(env.copy(base, "probe"))
    steps = record_steps(lambda: probe.compact(new[0]))
    probe.close()
    names = [name for name, _ in steps]
    # snapshot temp+rename, journal temp+rename, header temp+rename (the commit), cleanup
    assert names.count("replace") == 3 and names.count("unlink") >= 3, steps
    commit = steps.index(("replace", "header-00000001.kvh"))

    outcomes = set()
    for n in range(len(steps)):
        folder = env.copy(base, f"compact-{n}")
        vault, _ = env.open(folder)
        crash_during(vault, n, lambda v=vault: v.compact(new[0]))
        vault, contents = env.open(folder)
        state = (contents.snapshot, contents.records)
        assert state == (new if n > commit else old), f"crash before step {n} {steps[n]}"
        outcomes.add(state == new)
        assert vault.epoch == (1 if state == new else 0)
        # Nothing but the replaced generation may be gone; what is left is reported.
        originals_survive(before, folder, replaced=set(before) if state == new else set())
        leftovers = set(files(folder)) - {
            "casebook.lock",
            f"header-{vault.epoch:08d}.kvh",
            f"journal-{vault.epoch:08d}.kvj",
            f"snapshot-{vault.epoch:08d}.kvs",
        }
        generation_leftovers = {f for f in leftovers if not f.endswith(".tmp")}
        assert bool(kept_warning(contents)) == bool(generation_leftovers), (n, leftovers)
        vault.append(b"daarna")
        vault.compact(b"nog een keer")  # a later compaction never reuses a leftover's name
        vault.append(b"laatste")
        vault.close()
        contents = env.read(folder)
        assert (contents.snapshot, contents.records) == (b"nog een keer", [b"laatste"])
    assert outcomes == {False, True}


def rotation_steps(env, base: Path, action) -> list[Step]:
    probe, _ = env.open(env.copy(base, "probe"))
    steps = record_steps(lambda: action(probe))
    probe.close()
    return steps


def opens_with(folder: Path, passphrase: str):
    try:
        vault, contents = Vault.open(folder, passphrase, mode=OpenMode.READ)
    except WrongPassphrase:
        return None
    vault.close()
    return contents


@pytest.mark.parametrize("opened_with", ["passphrase", "recovery key"])
def test_every_step_of_a_key_rotation(env, fast_kdf, opened_with) -> None:
    """passwd and recover: at every crash point the old passphrase or the new one opens
    the casebook (never neither, never both), with every saved change; the recovery
    key opens it too."""
    vault, base = env.create()
    vault.append(b"een")
    vault.close()
    old = (env.snapshot, [b"een"])
    new = (b"momentopname met een", [])

    def open_it(folder: Path) -> Vault:
        if opened_with == "passphrase":
            vault, _ = env.open(folder)
        else:
            vault, _ = Vault.open_with_recovery(folder, env.recovery_secret)
        return vault

    def rotate(v: Vault) -> None:
        env.passwd(v, "een nieuwe wachtwoordzin", snapshot=new[0])

    steps = rotation_steps(env, base, rotate)
    commit = steps.index(("replace", "header-00000001.kvh"))
    outcomes = set()
    for n in range(len(steps)):
        folder = env.copy(base, f"rotate-{n}")
        vault = open_it(folder)
        crash_during(vault, n, lambda v=vault: rotate(v))
        with_old = opens_with(folder, env.passphrase)
        with_new = opens_with(folder, "een nieuwe wachtwoordzin")
        assert (with_old is None) != (with_new is None), f"crash before step {n} {steps[n]}"
        contents = with_old or with_new
        assert (contents.snapshot, contents.records) == (old if with_old else new)
        assert (with_new is not None) == (n > commit), f"crash before step {n} {steps[n]}"
        outcomes.add("new" if with_new else "old")
        vault, recovered = Vault.open_with_recovery(folder, env.recovery_secret)
        assert (recovered.snapshot, recovered.records) == (contents.snapshot, contents.records)
        vault.close()
    assert outcomes == {"old", "new"}


def test_every_step_of_create(env, tmp_path) -> None:
    def create(folder: Path) -> Vault:
        return Vault.create(
            folder,
            env.passphrase,
            snapshot=env.snapshot,
            recovery_recipient=env.recovery_public,
            kdf=KdfParams.for_tests(),
        )

    steps = record_steps(lambda: create(tmp_path / "probe").close())
    commit = steps.index(("replace", "header-00000000.kvh"))  # the header is written last
    for n in range(len(steps)):
        folder = tmp_path / f"create-{n}"
        with fsio.fault_hook(crash_at(n)), pytest.raises(fsio.SimulatedCrash):
            create(folder)
        try:
            env.read(folder)
            complete = True
        except CasebookNotFound:
            complete = False
        if not complete:
            create(folder).close()  # an interrupted create can simply be done again
        assert env.read(folder).snapshot == env.snapshot
        assert complete == (n > commit), f"crash before step {n} {steps[n]}"


def test_every_step_of_cutting_a_torn_tail(env, fast_kdf) -> None:
    vault, base = env.create()
    vault.append(b"een")
    vault.close()
    journal = env.journal_file(base)
    intact = journal.read_bytes()
    with open(journal, "ab") as handle:
        handle.write(b"\xc5\x00\x00")  # a torn frame header
    steps = record_steps(lambda: env.read(env.copy(base, "probe")))
    assert [name for name, _ in steps][-2:] == ["truncate", "fsync"]
    # the cut bytes are kept (temp file, rename) before the journal is cut
    assert (
        steps.index(("replace", "journal-00000000.kvj.torn-" + str(len(intact)))) < len(steps) - 2
    )
    for n in range(len(steps)):
        folder = env.copy(base, f"open-{n}")
        with fsio.fault_hook(crash_at(n)), pytest.raises(fsio.SimulatedCrash):
            Vault.open(folder, env.passphrase)
        contents = env.read(folder)
        assert (contents.snapshot, contents.records) == (env.snapshot, [b"een"])
        assert env.journal_file(folder).read_bytes() == intact
        kept = folder / f"journal-00000000.kvj.torn-{len(intact)}"
        assert kept.read_bytes() == b"\xc5\x00\x00"


def test_every_step_of_a_repair(env, fast_kdf) -> None:
    """A crash anywhere in `repair` loses no original file: each is either still in
    place or in the bewaard-... folder, and the casebook opens as before or repaired."""
    vault, base = env.create()
    for record in (b"een", b"twee" * 250, b"drie", b"vier"):
        vault.append(record)
    vault.close()
    journal = env.journal_file(base)
    data = journal.read_bytes()
    first_end = journal_record_ends(data)[0]
    journal.write_bytes(data[: first_end + 100] + data[first_end + 600 :])  # a cut in record 2
    before = env.state(base)

    def repair(folder: Path) -> None:
        vault, contents = Vault.open(folder, env.passphrase, mode=OpenMode.REPAIR)
        try:
            assert contents.records == [b"een"] and contents.lost == 3
            vault.compact(b"hersteld")
        finally:
            vault.close()

    steps = record_steps(lambda: repair(env.copy(base, "probe")))
    assert "move" in {name for name, _ in steps}
    for n in range(len(steps)):
        folder = env.copy(base, f"repair-{n}")
        with fsio.fault_hook(crash_at(n)), pytest.raises(fsio.SimulatedCrash):
            repair(folder)
        everything = {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
        for name, content in before.items():
            assert everything.get(name) == content, f"crash before step {n}: {name} lost"
        try:
            vault, contents = Vault.open(folder, env.passphrase, mode=OpenMode.READ)
        except KlantappError as exc:
            raise AssertionError(f"crash before step {n} {steps[n]}: {exc}") from exc
        assert (contents.snapshot, contents.records) in (
            (env.snapshot, [b"een"]),
            (b"hersteld", []),
        )
        vault.close()


def journal_record_ends(data: bytes) -> list[int]:
    import struct

    from klantapp.vault import journal

    ends, offset = [], journal.FILE_HEADER_BYTES
    while offset < len(data):
        (length,) = struct.unpack_from(">I", data, offset + 1)
        offset += journal.FRAME_HEADER_BYTES + 12 + length
        ends.append(offset)
    return ends


def test_a_failed_write_is_cut_off_and_the_vault_keeps_working(env, monkeypatch) -> None:
    vault, folder = env.create()
    vault.append(b"een")
    real_write = fsio.write_all

    def half_then_disk_full(fd: int, data: bytes, path: Path) -> None:
        real_write(fd, data[: len(data) // 2], path)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(fsio, "write_all", half_then_disk_full)
    with pytest.raises(KlantappError, match="niet worden opgeslagen"):
        vault.append(b"twee")
    monkeypatch.setattr(fsio, "write_all", real_write)
    vault.append(b"drie")
    vault.close()
    contents = env.read(folder)
    assert contents.records == [b"een", b"drie"]
    assert contents.warnings == []


def test_a_failed_compaction_leaves_the_old_generation_in_use(env, monkeypatch) -> None:
    vault, folder = env.create()
    vault.append(b"een")

    def refuse(name: str, path: Path) -> None:
        if name == "replace" and path.name.startswith("header-"):
            raise OSError(errno.EIO, os.strerror(errno.EIO))

    with fsio.fault_hook(refuse), pytest.raises(KlantappError):
        vault.compact(b"nieuw")
    assert vault.epoch == 0
    vault.append(b"twee")
    vault.close()
    contents = env.read(folder)
    assert (contents.snapshot, contents.records) == (env.snapshot, [b"een", b"twee"])
    assert files(folder) == [
        "casebook.lock",
        "header-00000000.kvh",
        "journal-00000000.kvj",
        "snapshot-00000000.kvs",
    ]


def test_a_failed_cleanup_after_compaction_is_harmless(env) -> None:
    vault, folder = env.create()
    vault.append(b"een")

    def refuse_unlink(name: str, path: Path) -> None:
        if name == "unlink" and path.name.startswith("journal-00000000"):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES))

    with fsio.fault_hook(refuse_unlink):
        vault.compact(b"nieuw")  # committed; the old journal could not be removed
    assert vault.epoch == 1
    vault.append(b"twee")
    vault.close()
    contents = env.read(folder)
    assert (contents.snapshot, contents.records) == (b"nieuw", [b"twee"])
    # An open deletes nothing it did not write itself: the old journal stays, reported.
    assert (folder / "journal-00000000.kvj").exists()
    assert kept_warning(contents) and "journal-00000000.kvj" in kept_warning(contents)[0]
