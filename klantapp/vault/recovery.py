"""The recovery keyslot: the data key as an age (X25519) message to the central office.

A forgotten passphrase never loses data: the office opens the casebook with its secret
``AGE-SECRET-KEY-1...`` identity. age has no associated data, so the plaintext carries
a label and the casebook id, checked on the way out.
"""

from __future__ import annotations

from pathlib import Path

import pyrage

from klantapp.errors import UsageError
from klantapp.i18n import _
from klantapp.vault import failures
from klantapp.vault.keys import DEK_BYTES

_RECOVERY_LABEL = b"klantapp-vault/recovery/v1\x00"


def check_recovery_recipient(recipient: str) -> None:
    try:
        pyrage.x25519.Recipient.from_str(recipient)
    except pyrage.RecipientError:
        raise UsageError(
            _(
                "De herstelsleutel van het centrale kantoor is ongeldig; het dossier is niet "
                "aangemaakt."
            ),
            hint=_(
                "Vraag het centrale kantoor om de juiste openbare herstelsleutel; "
                "die begint met age1."
            ),
        ) from None


def wrap_for_recovery(dek: bytes | bytearray, recipient: str, casebook_id: bytes) -> bytes:
    check_recovery_recipient(recipient)
    to = pyrage.x25519.Recipient.from_str(recipient)
    ciphertext: bytes = pyrage.encrypt(_RECOVERY_LABEL + casebook_id + bytes(dek), [to])
    return ciphertext


def unwrap_for_recovery(
    ciphertext: bytes, identity: str, casebook_id: bytes, header_file: Path
) -> bytearray:
    try:
        secret = pyrage.x25519.Identity.from_str(identity.strip())
    except pyrage.IdentityError:
        raise failures.wrong_recovery_key(_("is geen geldige geheime herstelsleutel")) from None
    try:
        plain: bytes = pyrage.decrypt(ciphertext, [secret])
    except pyrage.DecryptError:
        raise failures.wrong_recovery_key(_("past niet bij dit dossier")) from None
    prefix = _RECOVERY_LABEL + casebook_id
    if len(plain) != len(prefix) + DEK_BYTES or not plain.startswith(prefix):
        # The right key, but the slot was made for another casebook: copied in on purpose.
        raise failures.tampered(header_file, _("de herstelgegevens horen bij een ander dossier"))
    return bytearray(plain[len(prefix) :])


def generate_recovery_identity() -> tuple[str, str]:
    """(public "age1...", secret "AGE-SECRET-KEY-1...") for the central office."""
    identity = pyrage.x25519.Identity.generate()
    return str(identity.to_public()), str(identity)
