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
from klantapp.vault import KdfParams, Vault, fsio

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


def test_every_step_of_compaction(env, fast_kdf) -> None:
    vault, base = env.create()
    vault.append(b"een")
    vault.append(b"twee")
    vault.close()
    old = (env.snapshot, [b"een", b"twee"])
    new = (b"nieuwe momentopname MARKER", [])

    probe, _ = env.open(env.copy(base, "probe"))
    steps = record_steps(lambda: probe.compact(new[0]))
    probe.close()
    names = [name for name, _ in steps]
    # snapshot temp+rename, journal temp+rename, header temp+rename (the commit), cleanup
    assert names.count("replace") == 3 and names.count("unlink") >= 2, steps

    outcomes = set()
    for n in range(len(steps)):
        folder = env.copy(base, f"compact-{n}")
        vault, _ = env.open(folder)
        crash_during(vault, n, lambda v=vault: v.compact(new[0]))
        vault, contents = env.open(folder)
        state = (contents.snapshot, contents.records)
        assert state in (old, new), f"crash before step {n} {steps[n]}"
        outcomes.add(state == new)
        assert vault.epoch == (1 if state == new else 0)
        # The next open cleaned up: exactly one generation is left.
        assert files(folder) == [
            "casebook.header",
            "casebook.lock",
            f"journal-{vault.epoch:08d}.kvj",
            f"snapshot-{vault.epoch:08d}.kvs",
        ], f"after crash before step {n} {steps[n]}"
        vault.append(b"daarna")
        vault.compact(b"nog een keer")  # a later compaction reuses the names safely
        vault.append(b"laatste")
        vault.close()
        contents = env.read(folder)
        assert (contents.snapshot, contents.records) == (b"nog een keer", [b"laatste"])
    assert outcomes == {False, True}


def test_every_step_of_change_passphrase(env, fast_kdf) -> None:
    vault, base = env.create()
    vault.append(b"een")
    vault.close()
    probe, _ = env.open(env.copy(base, "probe"))
    steps = record_steps(lambda: probe.change_passphrase("nieuw"))
    probe.close()

    outcomes = set()
    for n in range(len(steps)):
        folder = env.copy(base, f"passwd-{n}")
        vault, _ = env.open(folder)
        crash_during(vault, n, lambda v=vault: v.change_passphrase("nieuw"))
        try:
            vault, contents = Vault.open(folder, env.passphrase)
            outcomes.add("oud")
        except WrongPassphrase:
            vault, contents = Vault.open(folder, "nieuw")
            outcomes.add("nieuw")
        assert contents.records == [b"een"]
        vault.close()
        vault, _ = Vault.open_with_recovery(folder, env.recovery_secret)
        vault.close()
    assert outcomes == {"oud", "nieuw"}


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
    commit = steps.index(("replace", "casebook.header"))  # the header is written last
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


def test_crash_while_open_repairs_a_torn_record(env, fast_kdf) -> None:
    vault, base = env.create()
    vault.append(b"een")
    vault.compact(b"tussenstand")  # leaves no debris, so add some by hand:
    vault.close()
    journal = env.journal_file(base)
    (base / "snapshot-00000000.kvs.tmp").write_bytes(b"\x00" * 10)
    with open(journal, "ab") as handle:
        handle.write(b"\xc5\x00\x00")  # a torn frame header
    steps = record_steps(lambda: env.read(env.copy(base, "probe")))
    assert {"truncate", "unlink"} <= {name for name, _ in steps}
    for n in range(len(steps)):
        folder = env.copy(base, f"open-{n}")
        with fsio.fault_hook(crash_at(n)), pytest.raises(fsio.SimulatedCrash):
            Vault.open(folder, env.passphrase)
        contents = env.read(folder)
        assert (contents.snapshot, contents.records) == (b"tussenstand", [])
        assert not list(folder.glob("*.tmp"))


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
        if name == "replace" and path.name == "casebook.header":
            raise OSError(errno.EIO, os.strerror(errno.EIO))

    with fsio.fault_hook(refuse), pytest.raises(KlantappError):
        vault.compact(b"nieuw")
    assert vault.epoch == 0
    vault.append(b"twee")
    vault.close()
    contents = env.read(folder)
    assert (contents.snapshot, contents.records) == (env.snapshot, [b"een", b"twee"])
    assert files(folder) == [
        "casebook.header",
        "casebook.lock",
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
    contents = env.read(folder)  # which removes it
    assert (contents.snapshot, contents.records) == (b"nieuw", [b"twee"])
    assert not (folder / "journal-00000000.kvj").exists()
