"""The contract: create, open, append, compact, change passphrase, recovery, close."""

from __future__ import annotations

import stat
import uuid
from pathlib import Path

import pytest

from klantapp.errors import (
    CasebookExists,
    CasebookNotFound,
    UsageError,
    WrongPassphrase,
)
from klantapp.vault import KdfParams, Vault, generate_recovery_identity


def test_create_then_open_returns_snapshot_and_records(env) -> None:
    vault, folder = env.create()
    vault.append(b"eerste")
    vault.append(b"")
    vault.append(b"derde" * 1000)
    casebook_id = vault.casebook_id
    vault.close()

    vault, contents = Vault.open(folder, env.passphrase)
    try:
        assert contents.snapshot == env.snapshot
        assert contents.records == [b"eerste", b"", b"derde" * 1000]
        assert contents.warnings == []
        assert {"kdf", "snapshot", "journal", "total"} <= contents.timings.keys()
        assert vault.casebook_id == casebook_id
        uuid.UUID(casebook_id)
        assert vault.epoch == 0
        assert vault.journal_records == 3
        assert vault.journal_bytes == (folder / "journal-00000000.kvj").stat().st_size
    finally:
        vault.close()


def test_wrong_passphrase_is_reported_as_such(env) -> None:
    vault, folder = env.create()
    vault.close()
    with pytest.raises(WrongPassphrase) as caught:
        Vault.open(folder, env.passphrase + " ")
    assert "wachtwoordzin klopt niet" in str(caught.value)


def test_passphrase_is_unicode_normalized(env) -> None:
    vault, folder = env.create()
    env.passwd(vault, "Cafe\u0301")  # e + combining accent
    vault.close()
    vault, _ = Vault.open(folder, "Caf\u00e9")  # precomposed é
    vault.close()


def test_compact_starts_new_epoch_and_removes_old_generation(env) -> None:
    vault, folder = env.create()
    vault.append(b"a")
    vault.compact(b"nieuwe momentopname")
    assert vault.epoch == 1
    assert vault.journal_records == 0
    vault.append(b"b")
    vault.close()
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "casebook.lock",
        "header-00000001.kvh",
        "journal-00000001.kvj",
        "snapshot-00000001.kvs",
    ]
    vault, contents = Vault.open(folder, env.passphrase)
    assert (contents.snapshot, contents.records, vault.epoch) == (b"nieuwe momentopname", [b"b"], 1)
    vault.close()


def test_multi_chunk_snapshot_roundtrips(env, monkeypatch) -> None:
    from klantapp.vault import snapshot as snapshots

    monkeypatch.setattr(snapshots, "CHUNK_SIZE", 100)
    data = bytes(range(256)) * 7  # 1792 bytes -> 18 chunks, the last one short
    vault, folder = env.create(snapshot=data)
    vault.compact(data[:300])  # exactly 3 chunks
    vault.close()
    vault, contents = Vault.open(folder, env.passphrase)
    assert contents.snapshot == data[:300]
    vault.compact(b"")  # an empty snapshot is one empty chunk
    vault.close()
    vault, contents = Vault.open(folder, env.passphrase)
    assert contents.snapshot == b""
    vault.close()


def test_recovery_key_opens_and_then_a_new_passphrase_can_be_set(env) -> None:
    vault, folder = env.create()
    vault.append(b"x")
    vault.close()
    vault, contents = Vault.open_with_recovery(folder, env.recovery_secret)
    assert contents.records == [b"x"]
    env.passwd(vault, "nieuw wachtwoord", snapshot=b"met x erin")
    vault.close()
    with pytest.raises(WrongPassphrase):
        Vault.open(folder, env.passphrase)
    vault, contents = Vault.open(folder, "nieuw wachtwoord")
    assert (contents.snapshot, contents.records) == (b"met x erin", [])
    vault.close()
    # The new data key is wrapped to the same recovery key again.
    vault, _ = Vault.open_with_recovery(folder, env.recovery_secret)
    vault.close()


def test_another_recovery_key_is_refused(env) -> None:
    vault, folder = env.create()
    vault.close()
    _, other_secret = generate_recovery_identity()
    with pytest.raises(WrongPassphrase, match="past niet bij dit dossier"):
        Vault.open_with_recovery(folder, other_secret)
    with pytest.raises(WrongPassphrase, match="geen geldige"):
        Vault.open_with_recovery(folder, "AGE-SECRET-KEY-1ONZIN")


def test_change_passphrase_with_new_kdf_params(env) -> None:
    vault, folder = env.create()
    env.passwd(vault, "twee", kdf=KdfParams(memory_kib=16 * 1024, iterations=2, lanes=2))
    vault.append(b"na wissel")
    vault.close()
    vault, contents = Vault.open(folder, "twee")
    assert contents.records == [b"na wissel"]
    vault.close()


def test_create_refuses_existing_casebook_and_foreign_files(env, tmp_path) -> None:
    vault, folder = env.create()
    vault.close()
    kwargs = dict(snapshot=b"", recovery_recipient=env.recovery_public, kdf=KdfParams.for_tests())
    with pytest.raises(CasebookExists):
        Vault.create(folder, "x", **kwargs)
    other = tmp_path / "andere"
    other.mkdir()
    (other / "vakantiefoto.jpg").write_bytes(b"...")
    with pytest.raises(CasebookExists):
        Vault.create(other, "x", **kwargs)
    assert (other / "vakantiefoto.jpg").read_bytes() == b"..."
    empty = tmp_path / "leeg"
    empty.mkdir()
    Vault.create(empty, "x", **kwargs).close()


def test_create_refuses_a_bad_recovery_recipient(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        Vault.create(
            tmp_path / "cb",
            "x",
            snapshot=b"",
            recovery_recipient="age1nee",
            kdf=KdfParams.for_tests(),
        )
    assert not (tmp_path / "cb").exists()


def test_open_missing_casebook(tmp_path) -> None:
    with pytest.raises(CasebookNotFound):
        Vault.open(tmp_path / "bestaat-niet", "x")
    with pytest.raises(CasebookNotFound):
        Vault.open(tmp_path, "x")


@pytest.mark.skipif(not hasattr(__import__("os"), "fchmod"), reason="POSIX permissions")
def test_folder_is_private_and_files_are_0600(env) -> None:
    vault, folder = env.create()
    vault.append(b"r")
    vault.compact(b"s")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_progress_reports_stages(env) -> None:
    vault, folder = env.create()
    vault.append(b"r")
    vault.close()
    seen: list[tuple[str, float]] = []
    vault, _ = Vault.open(folder, env.passphrase, progress=lambda s, f: seen.append((s, f)))
    vault.close()
    stages = [s for s, _ in seen]
    assert stages[0] == "Sleutel afleiden"
    assert "Gegevens ontsleutelen" in stages and "Wijzigingen nalezen" in stages
    assert all(0.0 <= f <= 1.0 for _, f in seen)


def test_closed_vault_refuses_writes(env) -> None:
    vault, _ = env.create()
    vault.close()
    vault.close()  # twice is fine
    with pytest.raises(RuntimeError):
        vault.append(b"x")
