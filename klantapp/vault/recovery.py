"""The recovery keyslot: the data key as an age (X25519) message to the central office.

A forgotten passphrase never loses data: the office opens the casebook with its secret
``AGE-SECRET-KEY-1...`` identity. age has no associated data, so the plaintext carries
a label and the casebook id, checked on the way out.

The age keys themselves (checking a public key, reading and writing an identity file
in the format ``age-keygen`` writes) are :mod:`klantapp.crypto.agefile`'s, the one place
for them; this module only words their failures for the recovery key. The file
Klantapp writes for the office (:func:`secret_file_text`) is such an identity file, so
``klantapp recover`` and ``age -d -i FILE`` both read it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyrage

from klantapp.crypto import agefile
from klantapp.errors import UsageError
from klantapp.i18n import _
from klantapp.vault import failures
from klantapp.vault.keys import DEK_BYTES

_RECOVERY_LABEL = b"klantapp-vault/recovery/v1\x00"
_SECRET_PREFIX = "AGE-SECRET-KEY-1"  # noqa: S105 - the format's prefix, not a secret


def recovery_recipient_is_valid(recipient: str) -> bool:
    try:
        agefile.check_recipient(recipient)
    except UsageError:
        return False
    return True


def check_recovery_recipient(recipient: str) -> None:
    if not recovery_recipient_is_valid(recipient):
        raise UsageError(
            _("De openbare herstelsleutel van het centrale kantoor is ongeldig."),
            hint=_(
                "Vraag het centrale kantoor om de juiste openbare herstelsleutel; "
                "die begint met age1."
            ),
        )


def wrap_for_recovery(dek: bytes | bytearray, recipient: str, casebook_id: bytes) -> bytes:
    check_recovery_recipient(recipient)
    to = pyrage.x25519.Recipient.from_str(recipient)
    ciphertext: bytes = pyrage.encrypt(_RECOVERY_LABEL + casebook_id + bytes(dek), [to])
    return ciphertext


def secret_of(text: str) -> str | None:
    """The secret key in an identity file's text (or a pasted key), None if there is
    not exactly one valid key in it. A byte-order mark is fine."""
    try:
        return agefile.parse_identity_file(text.lstrip("\ufeff"))
    except UsageError:
        return None


def public_key_of(text: str) -> str | None:
    """The public key (``age1...``) of the secret key in ``text``."""
    secret = secret_of(text)
    return None if secret is None else agefile.recipient_of(secret)


def unwrap_for_recovery(
    ciphertext: bytes, identity: str, casebook_id: bytes, header_file: Path
) -> bytearray:
    secret = secret_of(identity)
    if secret is None:
        raise failures.wrong_recovery_key(
            _("is geen geldige geheime herstelsleutel (een regel die begint met {prefix})").format(
                prefix=_SECRET_PREFIX
            )
        )
    try:
        plain: bytes = pyrage.decrypt(ciphertext, [pyrage.x25519.Identity.from_str(secret)])
    except pyrage.DecryptError:
        raise failures.wrong_recovery_key(_("past niet bij dit dossier")) from None
    prefix = _RECOVERY_LABEL + casebook_id
    if len(plain) != len(prefix) + DEK_BYTES or not plain.startswith(prefix):
        # The right key, but the slot was made for another casebook: copied in on purpose.
        raise failures.tampered(header_file, _("de herstelgegevens horen bij een ander dossier"))
    return bytearray(plain[len(prefix) :])


def generate_recovery_identity() -> tuple[str, str]:
    """(public "age1...", secret "AGE-SECRET-KEY-1...") for the central office."""
    secret, public = agefile.new_identity()
    return public, secret


def secret_file_text(secret: str, casebook_name: str, *, now: datetime | None = None) -> str:
    """The recovery secret as an age identity file, after a note for whoever finds it
    (comment lines hold nothing secret)."""
    created = (now or datetime.now(UTC)).replace(microsecond=0).isoformat()
    return (
        f"# Klantapp: herstelsleutel (GEHEIM) van het dossier {casebook_name}.\n"
        "# Geef dit bestand aan het centrale kantoor; bewaar het niet op de laptop.\n"
        + agefile.format_identity_file(secret, created)
    )
