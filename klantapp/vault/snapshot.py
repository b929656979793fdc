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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from klantapp.i18n import _
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


def encrypt_chunks(
    data: bytes | memoryview,
    *,
    dek: bytes | bytearray,
    casebook_id: bytes,
    epoch: int,
    salt: bytes,
    progress: Progress | None = None,
) -> Iterator[bytes]:
    """The snapshot file, piece by piece: its header, then each encrypted chunk. Written
    as it is produced, so no second copy of the whole database is ever held."""
    chunk_size = CHUNK_SIZE
    count = max(1, -(-len(data) // chunk_size))
    file_header = _FILE_HEADER.pack(MAGIC, salt, chunk_size, count)
    aead = AESGCM(keys.snapshot_key(dek, casebook_id, epoch, salt))
    yield file_header
    view = memoryview(data)
    for index in range(count):
        chunk = view[index * chunk_size : (index + 1) * chunk_size]
        last = index == count - 1
        try:
            yield aead.encrypt(
                _nonce(index), chunk, _ad(file_header, casebook_id, epoch, index, last)
            )
        except MemoryError:
            raise failures.not_enough_memory() from None
        if progress:
            progress((index + 1) / count)


def encrypt(
    data: bytes | memoryview,
    *,
    dek: bytes | bytearray,
    casebook_id: bytes,
    epoch: int,
    salt: bytes,
    progress: Progress | None = None,
) -> bytes:
    """The whole snapshot file in memory (for small data and tests)."""
    return b"".join(
        encrypt_chunks(
            data, dek=dek, casebook_id=casebook_id, epoch=epoch, salt=salt, progress=progress
        )
    )


def _chunks(
    source: BinaryIO,
    total: int,
    *,
    dek: bytes | bytearray,
    casebook_id: bytes,
    epoch: int,
    expected_salt: bytes,
    path: Path,
) -> Iterator[_Chunk]:
    """Checks the file header and yields each chunk, reading the file one chunk at a
    time."""
    file_header = source.read(_FILE_HEADER.size)
    if len(file_header) < _FILE_HEADER.size or file_header[: len(MAGIC)] != MAGIC:
        raise failures.damaged(path, _("het gegevensbestand is geen Klantapp-gegevensbestand"))
    _magic, salt, chunk_size, count = _FILE_HEADER.unpack(file_header)
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE or count < 1:
        raise failures.damaged(path, _("de indeling van het gegevensbestand klopt niet"))
    body = total - _FILE_HEADER.size
    full = chunk_size + _TAG
    last_len = body - (count - 1) * full
    if not _TAG <= last_len <= full:
        raise failures.damaged(path, _("het gegevensbestand is afgekapt of te lang"))
    if salt != expected_salt:
        raise failures.tampered(path, _("het gegevensbestand hoort niet bij deze kopgegevens"))
    aead = AESGCM(keys.snapshot_key(dek, casebook_id, epoch, salt))
    for index in range(count):
        last = index == count - 1
        size = last_len if last else full
        sealed = source.read(size)
        if len(sealed) != size:
            raise failures.damaged(path, _("het gegevensbestand is afgekapt"))
        ad = _ad(file_header, casebook_id, epoch, index, last)
        yield _Chunk(index, index * chunk_size, size - _TAG, sealed, aead, ad, path)


@dataclass(frozen=True)
class _Chunk:
    """One sealed chunk as read from the file, and what opening it takes."""

    index: int
    offset: int  # where its plaintext goes
    size: int  # plaintext bytes
    sealed: bytes
    aead: AESGCM
    ad: bytes
    path: Path

    def open(self) -> bytes:
        with self._authentic():
            return self.aead.decrypt(_nonce(self.index), self.sealed, self.ad)

    def open_into(self, out: memoryview) -> None:
        """Decrypt straight into ``out`` (exactly ``size`` bytes long)."""
        with self._authentic():
            self.aead.decrypt_into(_nonce(self.index), self.sealed, self.ad, out)

    @contextmanager
    def _authentic(self) -> Iterator[None]:
        try:
            yield
        except InvalidTag:
            raise failures.tampered(
                self.path,
                _("blok {number} van het gegevensbestand is niet echt").format(
                    number=self.index + 1
                ),
            ) from None
        except MemoryError:
            raise failures.not_enough_memory() from None


def _plain_size(source: BinaryIO, total: int) -> int:
    """Plaintext size from a file header (checked again, fully, by _chunks)."""
    head = source.read(_FILE_HEADER.size)
    source.seek(0)
    if len(head) < _FILE_HEADER.size:
        return 0
    _magic, _salt, chunk_size, count = _FILE_HEADER.unpack(head)
    if chunk_size < MIN_CHUNK_SIZE or count < 1:
        return 0
    return max(0, total - _FILE_HEADER.size - int(count) * _TAG)


#: Gives the writable buffer of that many bytes a snapshot is decrypted into. The
#: casebook passes one SQLite allocated, so that loading it takes no second copy.
Allocate = Callable[[int], memoryview]


def in_bytearray(size: int) -> memoryview:
    return memoryview(bytearray(size))


def wipe(view: memoryview) -> None:
    """Zero a buffer that held (part of) a plaintext, a chunk at a time."""
    zeros = bytes(min(len(view), CHUNK_SIZE))
    for start in range(0, len(view), len(zeros) or 1):
        end = min(start + len(zeros), len(view))
        view[start:end] = zeros[: end - start]


def decrypt_file(
    path: Path,
    *,
    dek: bytes | bytearray,
    casebook_id: bytes,
    epoch: int,
    expected_salt: bytes,
    progress: Progress | None = None,
    allocate: Allocate = in_bytearray,
) -> memoryview:
    """Decrypt a snapshot file chunk by chunk straight into one buffer from
    ``allocate``: the ciphertext is never held whole, no plaintext chunk is copied,
    nothing is joined. Returns the plaintext's part of the buffer. When a chunk is
    refused, what was written into the buffer is zeroed before the error goes up."""
    with path.open("rb") as source:
        total = os.fstat(source.fileno()).st_size
        try:
            out = allocate(_plain_size(source, total))
        except MemoryError:
            raise failures.not_enough_memory() from None
        end = 0
        try:
            chunks = _chunks(
                source,
                total,
                dek=dek,
                casebook_id=casebook_id,
                epoch=epoch,
                expected_salt=expected_salt,
                path=path,
            )
            for chunk in chunks:
                end = chunk.offset + chunk.size
                if end > len(out):  # cannot be for the sizes _plain_size read; never write past
                    raise failures.damaged(path, _("het gegevensbestand is afgekapt of te lang"))
                chunk.open_into(out[chunk.offset : end])
                del chunk  # its ciphertext goes as soon as its plaintext is in place
                if progress:
                    progress(end / max(1, len(out)))
        except BaseException:
            wipe(out)
            raise
    return out[:end]  # the whole buffer for a well-formed file


def matches_file(
    path: Path,
    expected: bytes | memoryview,
    *,
    dek: bytes | bytearray,
    casebook_id: bytes,
    epoch: int,
    expected_salt: bytes,
) -> bool:
    """Whether the file decrypts to exactly ``expected``, compared chunk by chunk."""
    view = memoryview(expected)
    seen = 0
    with path.open("rb") as source:
        total = os.fstat(source.fileno()).st_size
        chunks = _chunks(
            source,
            total,
            dek=dek,
            casebook_id=casebook_id,
            epoch=epoch,
            expected_salt=expected_salt,
            path=path,
        )
        for chunk in chunks:
            if view[chunk.offset : chunk.offset + chunk.size] != chunk.open():
                return False
            seen = chunk.offset + chunk.size
    return seen == len(view)
