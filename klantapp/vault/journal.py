"""The journal: an append-only file of encrypted records for one epoch.

Layout::

    file header: magic "KLTJRNL1" | casebook id (16) | epoch u64 | salt (32) | CRC-32 u32
    per record:  marker 0xC5 | ciphertext length u32 | CRC-32 of the previous 5 bytes u32
                 | nonce (12) | ciphertext+tag (length bytes)

Key: HKDF(DEK, salt, casebook id, epoch); the salt is also in the header, so only this
generation's journal is accepted. Each record's associated data binds the casebook id,
epoch, sequence number, its own frame header and the SHA-256 of the previous frame
(for the first record: of the file header), so records cannot be reordered, dropped
from the middle, or spliced in from elsewhere.

The frame header's CRC tells a *torn* final record (the file simply ends early: an
append that never returned) from a damaged one (a flipped length field). What may end
a journal without a refusal is described by :class:`Tail`: a torn record, or bytes
that hold no record start at all (the zeros a power loss leaves after the last
write). A tail that still holds records is a loss of saved changes and is reported as
such.
"""

from __future__ import annotations

import enum
import hashlib
import os
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from klantapp.errors import CasebookDamaged
from klantapp.i18n import N_, _
from klantapp.vault import failures, keys

MAGIC = b"KLTJRNL1"
_FILE_HEADER = struct.Struct(">8s16sQ32s")
FILE_HEADER_BYTES = _FILE_HEADER.size + 4
_MARKER = 0xC5
_FRAME = struct.Struct(">BI")
FRAME_HEADER_BYTES = _FRAME.size + 4
_TAG = 16
MAX_RECORD_BYTES = 256 * 1024 * 1024
_AD_LABEL = b"klantapp-vault/v1/journal"

# Dutch; translated where they are reported (Vault.open), in the language of that moment.
TORN_WARNING = N_(
    "De laatste wijziging was niet volledig opgeslagen (het programma of de computer "
    "stopte tijdens het opslaan) en is weggelaten. Controleer of uw laatste wijziging "
    "er staat en voer hem zo nodig opnieuw in."
)
GARBAGE_WARNING = N_(
    "Aan het eind van het wijzigingenbestand stonden onleesbare bytes, meestal een gevolg "
    "van stroomuitval. Alle wijzigingen daarvoor zijn er; controleer of uw laatste "
    "wijziging er staat en voer hem zo nodig opnieuw in."
)


def file_header(casebook_id: bytes, epoch: int, salt: bytes) -> bytes:
    raw = _FILE_HEADER.pack(MAGIC, casebook_id, epoch, salt)
    return raw + zlib.crc32(raw).to_bytes(4, "big")


class Sealer:
    """Encrypts records in order; holds the chain state of one open journal."""

    def __init__(
        self, *, key: bytes, casebook_id: bytes, epoch: int, seq: int, prev_hash: bytes
    ) -> None:
        self._aead = AESGCM(key)
        self._casebook_id = casebook_id
        self._epoch = epoch
        self.seq = seq
        self.prev_hash = prev_hash

    def seal(self, record: bytes) -> bytes:
        """The frame for the next record; call :meth:`advance` once it is durable."""
        if len(record) + _TAG > MAX_RECORD_BYTES:
            raise ValueError("record te groot voor het journaal")
        frame_header = _frame_header(len(record) + _TAG)
        nonce = os.urandom(keys.NONCE_BYTES)
        ad = _ad(self._casebook_id, self._epoch, self.seq, self.prev_hash, frame_header)
        return frame_header + nonce + self._aead.encrypt(nonce, record, ad)

    def advance(self, frame: bytes) -> None:
        self.seq += 1
        self.prev_hash = hashlib.sha256(frame).digest()


def _frame_header(length: int) -> bytes:
    raw = _FRAME.pack(_MARKER, length)
    return raw + zlib.crc32(raw).to_bytes(4, "big")


def _ad(casebook_id: bytes, epoch: int, seq: int, prev_hash: bytes, frame_header: bytes) -> bytes:
    return (
        _AD_LABEL
        + casebook_id
        + epoch.to_bytes(8, "big")
        + seq.to_bytes(8, "big")
        + prev_hash
        + frame_header
    )


class Tail(enum.Enum):
    """What follows the last record that could be read."""

    NONE = "none"  # nothing: the journal ends on a record boundary
    TORN = "torn"  # a record that ends early: the one append that never returned
    GARBAGE = "garbage"  # bytes that hold no record start (zeros after a power loss)
    LOST = "lost"  # more than one record's worth: changes that were saved are lost
    DAMAGED = "damaged"  # salvage only: a damaged or changed record, and what follows


@dataclass
class Replay:
    records: list[bytes] = field(default_factory=list)
    valid_length: int = 0  # bytes up to the end of the last complete record
    prev_hash: bytes = b""
    tail: Tail = Tail.NONE
    lost: int = 0  # records (or what looks like them) after valid_length that are lost

    @property
    def torn(self) -> bool:
        """A tail a writing open may cut off (kept aside) without losing a saved change."""
        return self.tail in (Tail.TORN, Tail.GARBAGE)


def _frame_length(data: bytes, at: int) -> int | None:
    """The ciphertext length if a valid frame header starts at ``at``, else None."""
    frame_header = data[at : at + FRAME_HEADER_BYTES]
    if len(frame_header) < FRAME_HEADER_BYTES or frame_header[0] != _MARKER:
        return None
    if zlib.crc32(frame_header[: _FRAME.size]).to_bytes(4, "big") != frame_header[-4:]:
        return None
    (length,) = struct.unpack_from(">I", frame_header, 1)
    return length if _TAG <= length <= MAX_RECORD_BYTES else None


def _count_frames(data: bytes, start: int) -> int:
    """How many frame headers start at or after ``start``: records that are lost when
    the journal is cut before them. Walks frame by frame; where the chain breaks it
    searches for the next marker (a false match needs 40 bits by chance)."""
    count, at = 0, start
    while (at := data.find(bytes([_MARKER]), at)) != -1:
        length = _frame_length(data, at)
        if length is None:
            at += 1
            continue
        count += 1
        at += FRAME_HEADER_BYTES + keys.NONCE_BYTES + length
    return count


def _damaged_frame_header(frame_header: bytes) -> bool:
    """A frame header one flipped bit away from a valid one: a damaged record, not the
    zeros or noise a power loss leaves behind."""
    for byte in range(FRAME_HEADER_BYTES):
        for bit in range(8):
            candidate = bytearray(frame_header)
            candidate[byte] ^= 1 << bit
            if _frame_length(bytes(candidate), 0) is not None:
                return True
    return False


def replay(
    data: bytes,
    *,
    key: bytes,
    casebook_id: bytes,
    epoch: int,
    expected_salt: bytes,
    path: Path,
    salvage: bool = False,
    progress: Callable[[float], None] | None = None,
) -> Replay:
    """Decrypt every record. Only the end of the file may be cut off (see :class:`Tail`);
    any other damage raises, unless ``salvage`` (for repair): then the records before
    the first damage are returned with ``Tail.DAMAGED`` and how many follow it."""
    if len(data) < FILE_HEADER_BYTES or data[: len(MAGIC)] != MAGIC:
        if salvage:
            return Replay(tail=Tail.DAMAGED, lost=_count_frames(data, 0))
        raise failures.damaged(path, _("het wijzigingenbestand is geen Klantapp-journaal"))
    head = data[:FILE_HEADER_BYTES]
    if zlib.crc32(head[:-4]).to_bytes(4, "big") != head[-4:]:
        if salvage:
            return Replay(tail=Tail.DAMAGED, lost=_count_frames(data, FILE_HEADER_BYTES))
        raise failures.damaged(path, _("de kop van het wijzigingenbestand is beschadigd"))
    _magic, file_id, file_epoch, salt = _FILE_HEADER.unpack(head[:-4])
    if (file_id, file_epoch, salt) != (casebook_id, epoch, expected_salt):
        if salvage:
            return Replay(tail=Tail.DAMAGED, lost=_count_frames(data, FILE_HEADER_BYTES))
        raise failures.tampered(path, _("het wijzigingenbestand hoort niet bij deze kopgegevens"))

    aead = AESGCM(key)
    result = Replay(valid_length=FILE_HEADER_BYTES, prev_hash=chain_start(head))
    offset = FILE_HEADER_BYTES
    total = len(data)
    seq = 0

    def stop(tail: Tail, lost: int, error: CasebookDamaged) -> Replay:
        if not salvage:
            raise error
        result.tail, result.lost = tail, lost
        return result

    while offset < total:
        if total - offset < FRAME_HEADER_BYTES:
            # The file ends inside a frame header: a torn append, or a few stray bytes.
            torn = data[offset] == _MARKER
            result.tail, result.lost = (Tail.TORN, 1) if torn else (Tail.GARBAGE, 0)
            break
        frame_header = data[offset : offset + FRAME_HEADER_BYTES]
        marker, length = _FRAME.unpack_from(frame_header)
        if zlib.crc32(frame_header[: _FRAME.size]).to_bytes(4, "big") != frame_header[-4:]:
            later = _count_frames(data, offset + 1)
            if later or _damaged_frame_header(frame_header):
                return stop(
                    Tail.DAMAGED,
                    1 + later,
                    failures.damaged(
                        path,
                        _("wijziging {number} in het journaal is beschadigd").format(
                            number=seq + 1
                        ),
                        repairable=path.parent,
                    ),
                )
            result.tail, result.lost = Tail.GARBAGE, 0  # zeros or noise: no record starts here
            break
        if marker != _MARKER or not _TAG <= length <= MAX_RECORD_BYTES:
            return stop(
                Tail.DAMAGED,
                1 + _count_frames(data, offset + 1),
                failures.tampered(
                    path,
                    _("wijziging {number} in het journaal is ongeldig").format(number=seq + 1),
                    repairable=path.parent,
                ),
            )
        end = offset + FRAME_HEADER_BYTES + keys.NONCE_BYTES + length
        if end > total:
            # The file ends inside this record: the append that never returned, unless
            # more records follow inside what would be dropped.
            later = _count_frames(data, offset + FRAME_HEADER_BYTES)
            result.tail = Tail.LOST if later else Tail.TORN
            result.lost = 1 + later
            break
        nonce_at = offset + FRAME_HEADER_BYTES
        nonce = data[nonce_at : nonce_at + keys.NONCE_BYTES]
        ad = _ad(casebook_id, epoch, seq, result.prev_hash, frame_header)
        try:
            record = aead.decrypt(nonce, data[nonce_at + keys.NONCE_BYTES : end], ad)
        except InvalidTag:
            return stop(
                Tail.DAMAGED,
                # (counted from inside this record: bytes missing from it make its declared
                # end reach into the next one)
                1 + _count_frames(data, offset + FRAME_HEADER_BYTES),
                failures.tampered(
                    path,
                    _("wijziging {number} in het journaal is niet echt").format(number=seq + 1),
                    repairable=path.parent,
                ),
            )
        except MemoryError:
            raise failures.not_enough_memory() from None
        result.records.append(record)
        result.prev_hash = hashlib.sha256(data[offset:end]).digest()
        result.valid_length = offset = end
        seq += 1
        if progress:
            progress(offset / total)
    return result


def chain_start(file_head: bytes) -> bytes:
    """What the first record's "previous hash" is: the hash of the journal's file header."""
    return hashlib.sha256(file_head).digest()
