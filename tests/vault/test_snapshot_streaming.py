"""The snapshot is written and read chunk by chunk; the streaming paths agree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from klantapp.vault import snapshot as snapshots
from klantapp.vault.fsio import replace_file_atomically

DEK = os.urandom(32)
CID = os.urandom(16)
SALT = os.urandom(32)


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshots, "CHUNK_SIZE", 64)


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 1000])
def test_streamed_file_decrypts_to_the_data(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    path = tmp_path / "snap"
    replace_file_atomically(
        path, snapshots.encrypt_chunks(data, dek=DEK, casebook_id=CID, epoch=3, salt=SALT)
    )
    # streaming writes the same bytes as encrypting in one go
    assert path.read_bytes() == snapshots.encrypt(
        data, dek=DEK, casebook_id=CID, epoch=3, salt=SALT
    )
    from_file = snapshots.decrypt_file(path, dek=DEK, casebook_id=CID, epoch=3, expected_salt=SALT)
    assert bytes(from_file) == data
    assert snapshots.matches_file(path, data, dek=DEK, casebook_id=CID, epoch=3, expected_salt=SALT)


def test_verification_notices_any_difference(tmp_path: Path) -> None:
    data = os.urandom(300)
    path = tmp_path / "snap"
    replace_file_atomically(
        path, snapshots.encrypt_chunks(data, dek=DEK, casebook_id=CID, epoch=1, salt=SALT)
    )
    kw = {"dek": DEK, "casebook_id": CID, "epoch": 1, "expected_salt": SALT}
    changed = bytearray(data)
    changed[200] ^= 1
    assert not snapshots.matches_file(path, bytes(changed), **kw)
    assert not snapshots.matches_file(path, data + b"x", **kw)
    assert not snapshots.matches_file(path, data[:-1], **kw)
