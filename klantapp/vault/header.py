"""The header file: what is needed to find and unlock everything else.

Layout (see docs/vault-format.md)::

    magic "KLTVAULT" | version u16 | body length u32 | body (UTF-8 JSON)
    | HMAC-SHA256 under the header key (32) | SHA-256 of everything before (32)

The unkeyed SHA-256 comes last in every version, so accidental damage (a bit flip, a
truncated copy) is reported as *damaged* before any key is derived. The HMAC needs
the data key, so it is checked after unlocking: a header whose checksum was
recomputed by someone without the key is reported as *tampered*.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import struct
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from klantapp.i18n import _
from klantapp.vault import failures
from klantapp.vault.kdf import SALT_BYTES, KdfParams
from klantapp.vault.keys import CASEBOOK_ID_BYTES, DEK_BYTES, NONCE_BYTES, PassphraseSlot
from klantapp.vault.recovery import recovery_recipient_is_valid

MAGIC = b"KLTVAULT"
VERSION = 1
_PREFIX = struct.Struct(">8sHI")  # magic, version, body length
_MAC_BYTES = 32
_SUM_BYTES = 32
MAX_HEADER_BYTES = 64 * 1024
FILE_SALT_BYTES = 32
_GCM_TAG = 16


@dataclass(frozen=True)
class Header:
    casebook_id: bytes
    epoch: int
    kdf: KdfParams
    kdf_salt: bytes
    passphrase_slot: PassphraseSlot
    recovery_slot: bytes  # age message
    recovery_recipient: str | None  # the office's public key, so a new data key can be
    # wrapped to it again; None in headers written before key rotation existed
    snapshot_salt: bytes  # binds exactly one snapshot file to this header
    journal_salt: bytes  # binds exactly one journal file to this header

    def with_changes(self, **changes: Any) -> Header:
        return replace(self, **changes)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _body(header: Header) -> bytes:
    body = {
        "casebook_id": header.casebook_id.hex(),
        "epoch": header.epoch,
        "kdf": {
            "algorithm": "argon2id",
            "memory_kib": header.kdf.memory_kib,
            "iterations": header.kdf.iterations,
            "lanes": header.kdf.lanes,
            "salt": _b64(header.kdf_salt),
        },
        "keyslots": {
            "passphrase": {
                "nonce": _b64(header.passphrase_slot.nonce),
                "wrapped_key": _b64(header.passphrase_slot.wrapped),
            },
            "recovery": {
                "type": "age-x25519",
                "message": _b64(header.recovery_slot),
                **({"recipient": header.recovery_recipient} if header.recovery_recipient else {}),
            },
        },
        "snapshot_salt": _b64(header.snapshot_salt),
        "journal_salt": _b64(header.journal_salt),
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def encode(header: Header, mac_key: bytes) -> bytes:
    body = _body(header)
    signed = _PREFIX.pack(MAGIC, VERSION, len(body)) + body
    signed += hmac.new(mac_key, signed, hashlib.sha256).digest()
    return signed + hashlib.sha256(signed).digest()


@dataclass(frozen=True)
class ParsedHeader:
    """A header that passed the checksum and sanity checks but is not yet authenticated."""

    header: Header
    signed: bytes  # the bytes the HMAC covers
    mac: bytes

    def verify(self, mac_key: bytes, path: Path) -> Header:
        expected = hmac.new(mac_key, self.signed, hashlib.sha256).digest()
        if not hmac.compare_digest(expected, self.mac):
            raise failures.tampered(path, _("de kopgegevens zijn niet echt"))
        return self.header


def parse(data: bytes, path: Path) -> ParsedHeader:
    """Checksum, structure and bounds. Derives nothing, so it is cheap and safe on any input."""
    minimum = _PREFIX.size + _MAC_BYTES + _SUM_BYTES
    if len(data) < minimum or len(data) > MAX_HEADER_BYTES:
        raise failures.damaged(path, _("het kopbestand heeft een onmogelijke lengte"))
    if data[: len(MAGIC)] != MAGIC:
        raise failures.damaged(path, _("het kopbestand is geen Klantapp-dossier"))
    content, checksum = data[:-_SUM_BYTES], data[-_SUM_BYTES:]
    if not hmac.compare_digest(hashlib.sha256(content).digest(), checksum):
        raise failures.damaged(path, _("de controlesom van het kopbestand klopt niet"))
    # From here on the bytes are as written: anything odd was made on purpose.
    _magic, version, body_len = _PREFIX.unpack_from(content)
    if version != VERSION:
        raise failures.damaged(
            path,
            _(
                "het dossier heeft bestandsversie {version}; deze Klantapp kent alleen "
                "versie {known} (werk Klantapp bij)"
            ).format(version=version, known=VERSION),
        )
    if _PREFIX.size + body_len + _MAC_BYTES != len(content):
        raise failures.tampered(path, _("de lengte van de kopgegevens klopt niet"))
    signed = content[: _PREFIX.size + body_len]
    mac = content[_PREFIX.size + body_len :]
    try:
        header = _from_body(json.loads(signed[_PREFIX.size :].decode("utf-8")))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError, binascii.Error):
        raise failures.tampered(path, _("de kopgegevens hebben niet de juiste vorm")) from None
    if not header.kdf.within_bounds():
        raise failures.tampered(path, _("de sleutelparameters in het kopbestand zijn onzinnig"))
    return ParsedHeader(header, signed, mac)


def _bytes(value: object, length: int | None = None) -> bytes:
    if not isinstance(value, str):
        raise TypeError("tekst verwacht")
    raw = base64.b64decode(value.encode("ascii"), validate=True)
    if length is not None and len(raw) != length:
        raise ValueError("onverwachte lengte")
    return raw


def _int(value: object) -> int:
    if type(value) is not int:
        raise TypeError("geheel getal verwacht")
    return value


def _from_body(body: dict[str, Any]) -> Header:
    kdf = body["kdf"]
    if kdf["algorithm"] != "argon2id":
        raise ValueError("onbekend sleutelalgoritme")
    passphrase = body["keyslots"]["passphrase"]
    recovery = body["keyslots"]["recovery"]
    if recovery["type"] != "age-x25519":
        raise ValueError("onbekend soort herstelsleutel")
    recipient = recovery.get("recipient")
    if recipient is not None and not (
        isinstance(recipient, str) and recovery_recipient_is_valid(recipient)
    ):
        raise ValueError("ongeldige openbare herstelsleutel")
    casebook_id = bytes.fromhex(body["casebook_id"])
    if len(casebook_id) != CASEBOOK_ID_BYTES:
        raise ValueError("casebook-id heeft de verkeerde lengte")
    epoch = _int(body["epoch"])
    if not 0 <= epoch < 2**63:
        raise ValueError("ongeldige generatie")
    return Header(
        casebook_id=casebook_id,
        epoch=epoch,
        kdf=KdfParams(
            memory_kib=_int(kdf["memory_kib"]),
            iterations=_int(kdf["iterations"]),
            lanes=_int(kdf["lanes"]),
        ),
        kdf_salt=_bytes(kdf["salt"], SALT_BYTES),
        passphrase_slot=PassphraseSlot(
            nonce=_bytes(passphrase["nonce"], NONCE_BYTES),
            wrapped=_bytes(passphrase["wrapped_key"], DEK_BYTES + _GCM_TAG),
        ),
        recovery_slot=_bytes(recovery["message"]),
        recovery_recipient=recipient,
        snapshot_salt=_bytes(body["snapshot_salt"], FILE_SALT_BYTES),
        journal_salt=_bytes(body["journal_salt"], FILE_SALT_BYTES),
    )
