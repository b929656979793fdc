"""Ed25519 signatures in minisign's format (https://jedisct1.github.io/minisign/).

So that ``minisign -Vm FILE -P KEY`` verifies what Klantapp signs, and Klantapp verifies
what ``minisign -S`` signs. Only the prehashed algorithm ``ED`` is made and accepted
(current minisign's default): the signature is over BLAKE2b-512 of the data.

Public key (``.pub``), two lines::

    untrusted comment: <text>
    base64( "Ed" || key id (8 bytes) || Ed25519 public key (32 bytes) )

Signature (``.minisig``), four lines::

    untrusted comment: <text>
    base64( "ED" || key id (8) || Ed25519( BLAKE2b-512(data) ) (64) )
    trusted comment: <text>
    base64( Ed25519( signature (64) || trusted comment ) )   ; the "global signature"

minisign shows a key id as 16 upper-case hex digits of the 8 bytes read as a
little-endian number (:attr:`PublicKey.key_id_hex`).

Secret keys never touch the disk here: :meth:`SigningKey.to_bytes` gives 40 bytes (key id
|| Ed25519 seed) for the caller to keep inside its vault.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from klantapp.errors import Refused
from klantapp.i18n import _

KEY_ALGORITHM = b"Ed"
SIGNATURE_ALGORITHM = b"ED"  # prehashed with BLAKE2b-512
KEY_ID_BYTES = 8
SECRET_BYTES = KEY_ID_BYTES + 32
MAX_COMMENT_BYTES = 1024  # minisign's own limit for a comment line (COMMENTMAXBYTES)

UNTRUSTED_PREFIX = "untrusted comment: "
TRUSTED_PREFIX = "trusted comment: "


@dataclass(frozen=True)
class PublicKey:
    """A minisign Ed25519 public key."""

    key_id: bytes  # 8 bytes
    key: bytes  # 32 bytes, raw Ed25519

    def __post_init__(self) -> None:
        if len(self.key_id) != KEY_ID_BYTES or len(self.key) != 32:
            raise ValueError("a minisign public key is an 8-byte id and 32 key bytes")

    @property
    def key_id_hex(self) -> str:
        """The key id as minisign prints it (16 upper-case hex digits)."""
        return self.key_id[::-1].hex().upper()

    def base64(self) -> str:
        """The key's one line of base64, as ``minisign -P`` takes it."""
        return base64.b64encode(KEY_ALGORITHM + self.key_id + self.key).decode("ascii")

    def text(self) -> str:
        """The two-line ``.pub`` file, exactly as ``minisign -G`` writes it."""
        return f"{UNTRUSTED_PREFIX}minisign public key {self.key_id_hex}\n{self.base64()}\n"


class SigningKey:
    """A minisign secret key, in memory only."""

    __slots__ = ("_private", "key_id")

    def __init__(self, key_id: bytes, seed: bytes) -> None:
        if len(key_id) != KEY_ID_BYTES or len(seed) != 32:
            raise ValueError("a minisign secret key is an 8-byte id and a 32-byte seed")
        self.key_id = bytes(key_id)
        self._private = Ed25519PrivateKey.from_private_bytes(bytes(seed))

    def __repr__(self) -> str:
        return f"SigningKey(key_id={self.key_id_hex!r})"

    @property
    def key_id_hex(self) -> str:
        """The key id as minisign prints it."""
        return self.public_key().key_id_hex

    def public_key(self) -> PublicKey:
        """The matching public key."""
        raw = self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return PublicKey(self.key_id, raw)

    def public_key_text(self) -> str:
        """The two-line ``.pub`` file of the matching public key."""
        return self.public_key().text()

    def to_bytes(self) -> bytes:
        """40 bytes (key id || seed) for the caller's vault. Secret: never log or write
        them anywhere else."""
        seed = self._private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return self.key_id + seed

    @classmethod
    def from_bytes(cls, data: bytes) -> SigningKey:
        """The key that :meth:`to_bytes` gave."""
        if len(data) != SECRET_BYTES:
            raise ValueError("a stored minisign secret key is 40 bytes")
        return cls(data[:KEY_ID_BYTES], data[KEY_ID_BYTES:])

    def _sign(self, message: bytes) -> bytes:
        return self._private.sign(message)


def generate() -> SigningKey:
    """A new random signing key with a random key id."""
    return SigningKey(os.urandom(KEY_ID_BYTES), os.urandom(32))


def parse_public_key(text: str) -> PublicKey:
    """A public key from a ``.pub`` file's text, or from its base64 line alone."""
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) == 2 and lines[0].startswith(UNTRUSTED_PREFIX.rstrip()):
        lines = lines[1:]
    if len(lines) != 1:
        raise _bad_public_key()
    raw = _b64(lines[0], 2 + KEY_ID_BYTES + 32)
    if raw is None or raw[:2] != KEY_ALGORITHM:
        raise _bad_public_key()
    return PublicKey(raw[2 : 2 + KEY_ID_BYTES], raw[2 + KEY_ID_BYTES :])


def sign(
    data: bytes,
    key: SigningKey,
    trusted_comment: str,
    *,
    untrusted_comment: str = "signature from minisign secret key",
) -> str:
    """The ``.minisig`` text of ``data``: prehashed (``ED``) signature plus the global
    signature over it and ``trusted_comment`` (one line, at most 1024 bytes)."""
    trusted = _comment(trusted_comment)
    untrusted = _comment(untrusted_comment)
    signature = key._sign(_prehash(data))
    global_signature = key._sign(signature + trusted)
    return (
        f"{UNTRUSTED_PREFIX}{untrusted.decode()}\n"
        f"{base64.b64encode(SIGNATURE_ALGORITHM + key.key_id + signature).decode()}\n"
        f"{TRUSTED_PREFIX}{trusted.decode()}\n"
        f"{base64.b64encode(global_signature).decode()}\n"
    )


def verify(data: bytes, signature_text: str, public_key: PublicKey) -> str:
    """The trusted comment, if ``signature_text`` is a valid signature of ``data`` by
    ``public_key``; else :class:`BadSignature`.

    Refuses a signature by another key id, a legacy (not prehashed) signature, a bad
    signature and a bad global signature (a changed trusted comment)."""
    lines = signature_text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if (
        len(lines) != 4
        or not lines[0].startswith(UNTRUSTED_PREFIX)
        or not lines[2].startswith(TRUSTED_PREFIX)
    ):
        raise BadSignature()
    raw = _b64(lines[1], 2 + KEY_ID_BYTES + 64)
    global_signature = _b64(lines[3], 64)
    if raw is None or global_signature is None or raw[:2] != SIGNATURE_ALGORITHM:
        raise BadSignature()
    key_id, signature = raw[2 : 2 + KEY_ID_BYTES], raw[2 + KEY_ID_BYTES :]
    if key_id != public_key.key_id:
        raise BadSignature()
    trusted = lines[2][len(TRUSTED_PREFIX) :].encode("utf-8")
    verifier = Ed25519PublicKey.from_public_bytes(public_key.key)
    try:
        verifier.verify(signature, _prehash(data))
        verifier.verify(global_signature, signature + trusted)
    except InvalidSignature:
        raise BadSignature() from None
    return trusted.decode("utf-8")


def signature_key_id(signature_text: str) -> bytes | None:
    """The key id a ``.minisig`` text claims to be signed with (unverified), or None."""
    lines = signature_text.split("\n")
    raw = _b64(lines[1], 2 + KEY_ID_BYTES + 64) if len(lines) > 1 else None
    return raw[2 : 2 + KEY_ID_BYTES] if raw is not None else None


class BadSignature(Refused):
    """A minisign signature that does not verify (reason ``"bad_signature"``)."""

    def __init__(self) -> None:
        super().__init__(
            "bad_signature",
            _("De handtekening klopt niet: het bestand is niet ondertekend door wie het zegt."),
            hint=_("Het bestand is niet gebruikt. Meld dit aan het centrale kantoor."),
        )


def _prehash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=64).digest()


def _comment(text: str) -> bytes:
    raw = text.encode("utf-8")
    if "\n" in text or "\r" in text or len(raw) > MAX_COMMENT_BYTES:
        raise ValueError("a minisign comment is one line of at most 1024 bytes")
    return raw


def _b64(text: str, length: int) -> bytes | None:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    if len(raw) != length or base64.b64encode(raw).decode("ascii") != text:
        return None  # the wrong size, or not canonical base64 (minisign writes canonical)
    return raw


def _bad_public_key() -> Refused:
    return Refused(
        "damaged",
        _("De openbare ondertekensleutel is ongeldig."),
        hint=_("Een minisign-sleutel is één regel base64 die begint met RW."),
    )
