"""The data key (DEK), its two keyslots, and the sub-keys derived from it.

- Passphrase slot: AES-256-GCM under the Argon2id key (KEK); the associated data binds
  the casebook id and the slot type, so a slot copied from another casebook fails.
- Recovery slot: see :mod:`klantapp.vault.recovery`.
- Sub-keys: HKDF-SHA256 from the DEK, one per purpose, so no key is used for two things.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from klantapp.vault import failures

DEK_BYTES = 32
NONCE_BYTES = 12
CASEBOOK_ID_BYTES = 16

SLOT_PASSPHRASE = "passphrase"  # noqa: S105 - a slot name, not a password

_INFO = b"klantapp-vault/v1/"


def new_dek() -> bytearray:
    """A bytearray so :meth:`Vault.close` can overwrite it (best effort in Python)."""
    return bytearray(secrets.token_bytes(DEK_BYTES))


def _slot_ad(slot: str, casebook_id: bytes) -> bytes:
    return _INFO + b"keyslot/" + slot.encode("ascii") + b"/" + casebook_id


@dataclass(frozen=True)
class PassphraseSlot:
    nonce: bytes
    wrapped: bytes


def wrap_with_kek(dek: bytes | bytearray, kek: bytes, casebook_id: bytes) -> PassphraseSlot:
    nonce = os.urandom(NONCE_BYTES)
    wrapped = AESGCM(kek).encrypt(nonce, bytes(dek), _slot_ad(SLOT_PASSPHRASE, casebook_id))
    return PassphraseSlot(nonce, wrapped)


def unwrap_with_kek(slot: PassphraseSlot, kek: bytes, casebook_id: bytes) -> bytearray:
    """Raises WrongPassphrase: the header checksum was fine, so the key must be wrong."""
    try:
        dek = AESGCM(kek).decrypt(slot.nonce, slot.wrapped, _slot_ad(SLOT_PASSPHRASE, casebook_id))
    except InvalidTag:
        raise failures.wrong_passphrase() from None
    return bytearray(dek)


def _hkdf(dek: bytes | bytearray, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO + info).derive(
        bytes(dek)
    )


def header_mac_key(dek: bytes | bytearray, casebook_id: bytes) -> bytes:
    return _hkdf(dek, casebook_id, b"header-mac")


def journal_key(dek: bytes | bytearray, casebook_id: bytes, epoch: int, salt: bytes) -> bytes:
    return _hkdf(dek, salt, b"journal/" + casebook_id + epoch.to_bytes(8, "big"))


def snapshot_key(dek: bytes | bytearray, casebook_id: bytes, epoch: int, salt: bytes) -> bytes:
    return _hkdf(dek, salt, b"snapshot/" + casebook_id + epoch.to_bytes(8, "big"))


def wipe(buffer: bytearray | None) -> None:
    if buffer is not None:
        buffer[:] = bytes(len(buffer))
