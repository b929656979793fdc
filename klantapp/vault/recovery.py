"""The recovery keyslot: the data key as an age (X25519) message to the central office.

A forgotten passphrase never loses data: the office opens the casebook with its secret
``AGE-SECRET-KEY-1...`` identity. age has no associated data, so the plaintext carries
a label and the casebook id, checked on the way out.

The secret is read from an identity file in the format ``age-keygen`` writes (comment
lines starting with ``#``, one ``AGE-SECRET-KEY-1...`` per line); the file Klantapp
writes for the office (:func:`secret_file_text`) is such a file too, so ``age -d -i``
reads it as well.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyrage

from klantapp.errors import UsageError
from klantapp.i18n import _
from klantapp.vault import failures
from klantapp.vault.keys import DEK_BYTES

_RECOVERY_LABEL = b"klantapp-vault/recovery/v1\x00"
_SECRET_PREFIX = "AGE-SECRET-KEY-1"  # noqa: S105 - the format's prefix, not a secret


def recovery_recipient_is_valid(recipient: str) -> bool:
    try:
        pyrage.x25519.Recipient.from_str(recipient)
    except (pyrage.RecipientError, ValueError, TypeError):
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


def identities(text: str) -> list[pyrage.x25519.Identity]:
    """The secret keys in an identity file (or one pasted key). Blank lines and ``#``
    comments are skipped, as age does; anything else that is not a key makes the whole
    text unusable (a cut-off or mistyped key must not be half-accepted)."""
    found = []
    for raw in text.lstrip("\ufeff").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            found.append(pyrage.x25519.Identity.from_str(line))
        except (pyrage.IdentityError, ValueError, TypeError):
            return []
    return found


def public_key_of(text: str) -> str | None:
    """The public key (``age1...``) of the first secret key in ``text``."""
    found = identities(text)
    return str(found[0].to_public()) if found else None


def unwrap_for_recovery(
    ciphertext: bytes, identity: str, casebook_id: bytes, header_file: Path
) -> bytearray:
    secrets = identities(identity)
    if not secrets:
        raise failures.wrong_recovery_key(
            _("is geen geldige geheime herstelsleutel (een regel die begint met {prefix})").format(
                prefix=_SECRET_PREFIX
            )
        )
    try:
        plain: bytes = pyrage.decrypt(ciphertext, secrets)
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


def secret_file_text(secret: str, casebook_name: str, *, now: datetime | None = None) -> str:
    """The recovery secret as an age identity file (what ``age-keygen`` writes), with a
    note for whoever finds it. The comment lines hold nothing secret."""
    public = public_key_of(secret)
    if public is None:
        raise ValueError("not an age secret key")
    created = (now or datetime.now(UTC)).replace(microsecond=0).isoformat()
    return (
        f"# created: {created}\n"
        f"# public key: {public}\n"
        f"# Klantapp: herstelsleutel (GEHEIM) van het dossier {casebook_name}.\n"
        "# Geef dit bestand aan het centrale kantoor; bewaar het niet op de laptop.\n"
        f"{secret.strip()}\n"
    )
