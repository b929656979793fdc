"""The snapshot file: the caller's bytes (a serialized database), AES-256-GCM in chunks.

Layout::

    magic "KLTSNAP1" | salt (32) | chunk size u32 | chunk count u32
    then per chunk: ciphertext+tag (chunk size + 16 bytes; the last chunk may be shorter)

The key is HKDF(DEK, salt, casebook id, epoch); the salt is fresh for every snapshot
and also stored in the header, so the header accepts exactly one snapshot file. The
key is used for one file only, so the nonce is simply the chunk index. Each chunk's
associated data binds the file's own header bytes, casebook id, epoch, chunk index and
a last-chunk flag: dropped, reordered or appended chunks fail authentication.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from klantapp.vault import failures, keys
from klantapp.vault.header import FILE_SALT_BYTES

MAGIC = b"KLTSNAP1"
_FILE_HEADER = struct.Struct(">8s32sII")  # magic, salt, chunk size, chunk count
CHUNK_SIZE = 1024 * 1024  # module attribute: tests lower it to get many chunks cheaply
MIN_CHUNK_SIZE = 16
MAX_CHUNK_SIZE = 64 * 1024 * 1024
_TAG = 16
_AD_LABEL = b"klantapp-vault/v1/snapshot"

Progress = Callable[[float], None]


def new_salt() -> bytes:
    return os.urandom(FILE_SALT_BYTES)


def _nonce(index: int) -> bytes:
    return index.to_bytes(keys.NONCE_BYTES, "big")


def _ad(file_header: bytes, casebook_id: bytes, epoch: int, index: int, last: bool) -> bytes:
    return (
        _AD_LABEL
        + casebook_id
        + epoch.to_bytes(8, "big")
        + index.to_bytes(4, "big")
        + (b"\x01" if last else b"\x00")
        + file_header
    )


def encrypt(
    data: bytes,
    *,
    dek: bytes | bytearray,
    casebook_id: bytes,
    epoch: int,
    salt: bytes,
    progress: Progress | None = None,
) -> bytes:
    chunk_size = CHUNK_SIZE
    count = max(1, -(-len(data) // chunk_size))
    file_header = _FILE_HEADER.pack(MAGIC, salt, chunk_size, count)
    aead = AESGCM(keys.snapshot_key(dek, casebook_id, epoch, salt))
    parts = [file_header]
    view = memoryview(data)
    for index in range(count):
        chunk = bytes(view[index * chunk_size : (index + 1) * chunk_size])
        last = index == count - 1
        parts.append(
            aead.encrypt(_nonce(index), chunk, _ad(file_header, casebook_id, epoch, index, last))
        )
        if progress:
            progress((index + 1) / count)
    return b"".join(parts)


def decrypt(
    blob: bytes,
    *,
    dek: bytes | bytearray,
    casebook_id: bytes,
    epoch: int,
    expected_salt: bytes,
    path: Path,
    progress: Progress | None = None,
) -> bytes:
    if len(blob) < _FILE_HEADER.size or blob[: len(MAGIC)] != MAGIC:
        raise failures.damaged(path, "het gegevensbestand is geen Klantapp-gegevensbestand")
    file_header = blob[: _FILE_HEADER.size]
    _magic, salt, chunk_size, count = _FILE_HEADER.unpack(file_header)
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE or count < 1:
        raise failures.damaged(path, "de indeling van het gegevensbestand klopt niet")
    body = len(blob) - _FILE_HEADER.size
    full = chunk_size + _TAG
    last_len = body - (count - 1) * full
    if not _TAG <= last_len <= full:
        raise failures.damaged(path, "het gegevensbestand is afgekapt of te lang")
    if salt != expected_salt:
        raise failures.tampered(path, "het gegevensbestand hoort niet bij deze kopgegevens")
    aead = AESGCM(keys.snapshot_key(dek, casebook_id, epoch, salt))
    parts = []
    offset = _FILE_HEADER.size
    for index in range(count):
        last = index == count - 1
        size = last_len if last else full
        try:
            parts.append(
                aead.decrypt(
                    _nonce(index),
                    blob[offset : offset + size],
                    _ad(file_header, casebook_id, epoch, index, last),
                )
            )
        except InvalidTag:
            raise failures.tampered(
                path, f"blok {index + 1} van het gegevensbestand is niet echt"
            ) from None
        except MemoryError:
            raise failures.not_enough_memory() from None
        offset += size
        if progress:
            progress((index + 1) / count)
    try:
        return b"".join(parts)
    except MemoryError:
        raise failures.not_enough_memory() from None
