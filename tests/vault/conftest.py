"""Shared helpers for the vault tests (as fixtures: the suite runs with
--import-mode=importlib, so test modules do not import each other).

Everything uses KdfParams.for_tests(): fast.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from klantapp.vault import KdfParams, Vault, VaultContents, generate_recovery_identity, header, keys

_RECOVERY = generate_recovery_identity()


class VaultEnv:
    """Creates casebooks in one temp folder and closes whatever is left open."""

    passphrase = "Zomer in Zwolle 2026 ✓"
    snapshot = b"SQLite format 3\x00" + b"MARKER-SNAPSHOT-PLAINTEXT " * 40
    recovery_public, recovery_secret = _RECOVERY

    def __init__(self, root: Path) -> None:
        self.root = root
        self._open: list[Vault] = []

    def create(self, name: str = "cb", snapshot: bytes | None = None) -> tuple[Vault, Path]:
        folder = self.root / name
        vault = Vault.create(
            folder,
            self.passphrase,
            snapshot=self.snapshot if snapshot is None else snapshot,
            recovery_recipient=self.recovery_public,
            kdf=KdfParams.for_tests(),
        )
        self._open.append(vault)
        return vault, folder

    def with_records(self, *records: bytes, name: str = "cb") -> Path:
        """A closed casebook whose journal holds ``records``."""
        vault, folder = self.create(name)
        for record in records:
            vault.append(record)
        vault.close()
        return folder

    def make_legacy(self, vault: Vault) -> Path:
        """Turn the open ``vault`` into a casebook as the first release wrote it: one
        ``casebook.header`` without the office's public key. Closes the vault."""
        legacy = vault._header.with_changes(recovery_recipient=None)
        assert vault._dek is not None
        data = header.encode(legacy, keys.header_mac_key(vault._dek, legacy.casebook_id))
        folder = vault.path
        vault.close()
        self.header_file(folder).unlink()
        (folder / "casebook.header").write_bytes(data)
        return folder

    def open(self, folder: Path) -> tuple[Vault, VaultContents]:
        vault, contents = Vault.open(folder, self.passphrase)
        self._open.append(vault)
        return vault, contents

    def read(self, folder: Path) -> VaultContents:
        """Open, read, close."""
        vault, contents = Vault.open(folder, self.passphrase)
        vault.close()
        return contents

    def copy(self, folder: Path, name: str) -> Path:
        target = self.root / name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(folder, target)
        return target

    @staticmethod
    def only(folder: Path, pattern: str) -> Path:
        """The one file matching ``pattern`` (e.g. "journal-*.kvj")."""
        (found,) = sorted(folder.glob(pattern))
        return found

    def journal_file(self, folder: Path) -> Path:
        return self.only(folder, "journal-*.kvj")

    def snapshot_file(self, folder: Path) -> Path:
        return self.only(folder, "snapshot-*.kvs")

    def header_file(self, folder: Path) -> Path:
        return self.only(folder, "header-*.kvh")

    @staticmethod
    def state(folder: Path) -> dict[str, bytes]:
        """Every file's bytes (the lock file aside): to check nothing was changed."""
        return {
            p.name: p.read_bytes()
            for p in sorted(folder.iterdir())
            if p.is_file() and p.name != "casebook.lock"
        }

    @staticmethod
    def passwd(vault: Vault, new: str, snapshot: bytes = b"na de wissel", kdf=None) -> None:
        """Change the passphrase: a new data key, and ``snapshot`` as the new generation."""
        vault.rotate_keys(snapshot, passphrase=new, kdf=kdf or KdfParams.for_tests())

    def close_all(self) -> None:
        for vault in self._open:
            vault.close()
        self._open.clear()


@pytest.fixture
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Memoize the passphrase KDF: for tests that open the same casebook hundreds of
    times to probe what happens *after* the key is derived. Argon2id is deterministic,
    so the result is the same; header tests do not use this."""
    from klantapp.vault import vault as vault_module

    monkeypatch.setattr(vault_module, "derive_kek", functools.cache(vault_module.derive_kek))


@pytest.fixture
def env(tmp_path: Path) -> Iterator[VaultEnv]:
    helper = VaultEnv(tmp_path)
    yield helper
    helper.close_all()
