"""Changing the passphrase or the recovery key rotates the data key (issue 8, finding 1):
an old header with the old passphrase (or old recovery key) opens nothing saved after
the change, whether the old header is put back or a header is forged from the old key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from klantapp.errors import CasebookDamaged, UsageError, WrongPassphrase
from klantapp.vault import KdfParams, OpenMode, Vault, generate_recovery_identity, header, keys
from klantapp.vault import snapshot as snapshots
from klantapp.vault.kdf import derive_kek

NEW = "een nieuwe lange wachtwoordzin"


def old_data_key(env, header_bytes: bytes, passphrase: str) -> bytearray:
    """What someone with an old header and the old passphrase can unwrap."""
    parsed = header.parse(header_bytes, Path("casebook.header")).header
    kek = derive_kek(passphrase, parsed.kdf_salt, parsed.kdf)
    return keys.unwrap_with_kek(parsed.passphrase_slot, kek, parsed.casebook_id)


def test_the_old_header_and_passphrase_open_nothing_saved_after_passwd(env, fast_kdf) -> None:
    vault, folder = env.create()
    vault.append(b"voor de wissel")
    vault.close()
    old_header = env.header_file(folder)
    old_header_bytes = old_header.read_bytes()
    old_copy = env.copy(folder, "oude-kopie")  # e.g. a backup made before

    vault, _ = env.open(folder)
    env.passwd(vault, NEW, snapshot=b"stand bij de wissel")
    vault.append(b"GEHEIM-NA-DE-WISSEL")
    vault.close()

    # The old header put back, alone or with the old files beside the new ones.
    (folder / old_header.name).write_bytes(old_header_bytes)
    with pytest.raises((WrongPassphrase, CasebookDamaged)):
        Vault.open(folder, env.passphrase, mode=OpenMode.READ)
    for old_file in old_copy.iterdir():
        if old_file.name != "casebook.lock":
            shutil.copy2(old_file, folder / old_file.name)
    with pytest.raises(WrongPassphrase):
        Vault.open(folder, env.passphrase, mode=OpenMode.READ)

    # A header forged from the old data key: the new files are under another key.
    old_dek = old_data_key(env, old_header_bytes, env.passphrase)
    current = header.parse((folder / "header-00000001.kvh").read_bytes(), folder).header
    with pytest.raises(CasebookDamaged):
        snapshots.decrypt_file(
            folder / "snapshot-00000001.kvs",
            dek=old_dek,
            casebook_id=current.casebook_id,
            epoch=current.epoch,
            expected_salt=current.snapshot_salt,
        )

    # The new passphrase opens everything, including what came after the change.
    vault, contents = Vault.open(folder, NEW, mode=OpenMode.READ)
    assert (contents.snapshot, contents.records) == (
        b"stand bij de wissel",
        [b"GEHEIM-NA-DE-WISSEL"],
    )
    vault.close()


def test_changing_the_recovery_key_locks_out_the_old_one(env, fast_kdf) -> None:
    vault, folder = env.create()
    old_header = env.header_file(folder)
    old_header_bytes = old_header.read_bytes()
    new_public, new_secret = generate_recovery_identity()
    vault.rotate_keys(
        b"stand",
        passphrase=env.passphrase,
        kdf=KdfParams.for_tests(),
        recovery_recipient=new_public,
    )
    vault.append(b"na de wissel")
    vault.close()

    with pytest.raises(WrongPassphrase, match="past niet"):
        Vault.open_with_recovery(folder, env.recovery_secret)
    (folder / old_header.name).write_bytes(old_header_bytes)  # the old header put back
    with pytest.raises(WrongPassphrase):
        Vault.open_with_recovery(folder, env.recovery_secret, mode=OpenMode.READ)
    vault, contents = Vault.open_with_recovery(folder, new_secret, mode=OpenMode.READ)
    assert contents.records == [b"na de wissel"]
    vault.close()
    vault, contents = Vault.open(folder, env.passphrase, mode=OpenMode.READ)  # same passphrase
    assert contents.records == [b"na de wissel"]
    vault.close()


def test_rotation_removes_the_old_generation(env, fast_kdf) -> None:
    vault, folder = env.create()
    env.passwd(vault, NEW)
    vault.close()
    assert sorted(p.name for p in folder.iterdir()) == [
        "casebook.lock",
        "header-00000001.kvh",
        "journal-00000001.kvj",
        "snapshot-00000001.kvs",
    ]


def test_a_casebook_from_before_rotation_needs_the_office_key_once(env, fast_kdf) -> None:
    """Headers written before key rotation existed do not hold the office's public key
    (``casebook.header``, no ``recipient``): passwd asks for it instead of guessing."""
    vault, _folder = env.create()
    vault.append(b"oud")
    folder = env.make_legacy(vault)

    vault, contents = env.open(folder)
    assert contents.records == [b"oud"] and contents.warnings == []
    with pytest.raises(UsageError, match="--recovery-key"):
        env.passwd(vault, NEW)
    vault.rotate_keys(
        b"nieuw",
        passphrase=NEW,
        kdf=KdfParams.for_tests(),
        recovery_recipient=env.recovery_public,
    )
    vault.close()
    assert not (folder / "casebook.header").exists()  # replaced by the new generation
    vault, _ = Vault.open_with_recovery(folder, env.recovery_secret)
    env.passwd(vault, "en nog een andere zin")  # now the header knows the office key
    vault.close()


def test_recovery_after_a_legacy_header_uses_the_key_that_opened_it(env, fast_kdf) -> None:
    folder = env.make_legacy(env.create()[0])
    vault, _ = Vault.open_with_recovery(folder, env.recovery_secret)
    env.passwd(vault, NEW)
    vault.close()
    vault, _ = Vault.open_with_recovery(folder, env.recovery_secret)
    vault.close()
