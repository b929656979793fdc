"""The age v1 layer of a bundle (https://c2sp.org/age), X25519 recipients only.

Encryption and decryption are pyrage's (rage, the Rust implementation). Before a file is
handed to pyrage, :func:`check_header` reads its header strictly by the C2SP grammar,
because pyrage 1.4.0 accepts two malformed headers that the reference implementation
refuses (the CCTV vectors ``stanza_missing_body`` and ``stanza_missing_final_line``):

    header  = "age-encryption.org/v1" LF 1*stanza "---" SP mac LF
    stanza  = "->" 1*(SP arg) LF body
    arg     = 1*VCHAR                       ; %x21-7E, never empty
    body    = *full-line short-line         ; canonical base64 without padding
    full-line  = 64 base64 characters LF
    short-line = 0-63 base64 characters LF  ; always there, even when empty
    mac     = 43 base64 characters (32 bytes)

Our own bound, which the spec does not set: at most :data:`MAX_STANZAS` stanzas and
:data:`MAX_HEADER_BYTES` bytes of header (every X25519 stanza costs a scalar
multiplication per identity before anything is authenticated).

ASCII armor is not accepted: bundles are binary files.

Every failure is a :class:`~klantapp.errors.BundleRefused` with a ``reason`` of
``"damaged"`` (not an age file, malformed, truncated, a payload chunk that does not
authenticate, trailing bytes), ``"tampered"`` (the header MAC does not match: the
header was changed) or ``"not_for_us"`` (none of our identities opens it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Sequence

import pyrage

from klantapp.errors import BundleRefused, UsageError
from klantapp.i18n import _

VERSION_LINE = b"age-encryption.org/v1\n"
MAX_STANZAS = 64
MAX_HEADER_BYTES = 64 * 1024
BODY_COLUMNS = 64
_MAC_BASE64_CHARS = 43  # 32 bytes, unpadded

_BASE64 = re.compile(rb"[A-Za-z0-9+/]*")
_VCHAR = re.compile(rb"[\x21-\x7e]+")
_IDENTITY = re.compile(r"AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}")
_RECIPIENT = re.compile(r"age1[02-9ac-hj-np-z]{58}")


# --- keys -------------------------------------------------------------------------------


def new_identity() -> tuple[str, str]:
    """A new X25519 key pair: (secret ``"AGE-SECRET-KEY-1..."``, public ``"age1..."``).

    The secret belongs inside the caller's vault; it is never written by this module."""
    identity = pyrage.x25519.Identity.generate()
    return str(identity), str(identity.to_public())


def recipient_of(identity: str) -> str:
    """The public ``age1...`` recipient of a secret identity."""
    return str(_identity(identity).to_public())


def check_recipient(recipient: str) -> str:
    """``recipient`` if it is a valid X25519 recipient (``age1...``), else a
    :class:`UsageError` that names the field."""
    if _RECIPIENT.fullmatch(recipient):
        try:
            pyrage.x25519.Recipient.from_str(recipient)
            return recipient
        except pyrage.RecipientError:
            pass
    raise UsageError(
        _("De openbare age-sleutel (ontvanger) is ongeldig."),
        hint=_("Een openbare age-sleutel begint met age1 en is 62 tekens lang."),
    )


def recipient_key_id(recipient: str) -> str:
    """A short stable id of a public key: the first 16 hex digits of the SHA-256 of its
    ``age1...`` text. Manifests name their recipients by it."""
    check_recipient(recipient)
    return hashlib.sha256(recipient.encode("ascii")).hexdigest()[:16]


def identity_key_id(identity: str) -> str:
    """The :func:`recipient_key_id` of a secret identity's public key."""
    return recipient_key_id(recipient_of(identity))


def parse_identity_file(text: str) -> str:
    """The one secret identity in an age-keygen file.

    Accepts what ``age-keygen`` writes: ``# created: ...`` and ``# public key: age1...``
    comment lines, blank lines, and one ``AGE-SECRET-KEY-1...`` line (CRLF too). If the
    file names its public key, it must belong to the secret key."""
    secrets: list[str] = []
    stated_public: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            comment = line[1:].strip()
            if comment.lower().startswith("public key:"):
                stated_public.append(comment.split(":", 1)[1].strip())
            continue
        secrets.append(line)
    hint = _(
        "Gebruik het sleutelbestand dat het centrale kantoor heeft gemaakt "
        "(klantapp hub export-identity of age-keygen)."
    )
    if len(secrets) != 1:
        raise UsageError(
            _("Het sleutelbestand moet precies één geheime age-sleutel bevatten."), hint=hint
        )
    secret = secrets[0]
    public = recipient_of(secret)
    if any(stated != public for stated in stated_public):
        raise UsageError(
            _("De openbare sleutel in het sleutelbestand hoort niet bij de geheime sleutel."),
            hint=hint,
        )
    return secret


def format_identity_file(identity: str, created_at: str) -> str:
    """The age-keygen text of ``identity`` (``created_at`` as RFC 3339, e.g.
    ``"2026-12-01T09:30:00Z"``), for ``age -d -i FILE`` and :func:`parse_identity_file`."""
    return f"# created: {created_at}\n# public key: {recipient_of(identity)}\n{identity.strip()}\n"


def _identity(identity: str) -> pyrage.x25519.Identity:
    text = identity.strip()
    if _IDENTITY.fullmatch(text.upper()):
        try:
            return pyrage.x25519.Identity.from_str(text)
        except pyrage.IdentityError:
            pass
    raise UsageError(
        _("De geheime age-sleutel is ongeldig."),
        hint=_("Een geheime age-sleutel begint met AGE-SECRET-KEY-1 en is 74 tekens lang."),
    )


# --- files ------------------------------------------------------------------------------


def encrypt(plaintext: bytes, recipients: Sequence[str]) -> bytes:
    """An age v1 file (binary, not armored) that each of ``recipients`` can open."""
    if not recipients:
        raise UsageError(_("Er is geen ontvanger voor de bundel opgegeven."))
    to = [pyrage.x25519.Recipient.from_str(check_recipient(r)) for r in recipients]
    data: bytes = pyrage.encrypt(bytes(plaintext), to)
    return data


def decrypt(data: bytes, identities: Sequence[str]) -> bytes:
    """The plaintext of an age v1 file, after :func:`check_header`.

    Releases nothing unless the whole file authenticates (all or nothing)."""
    keys = [_identity(i) for i in identities]
    if not keys:
        raise UsageError(_("Er is geen geheime sleutel opgegeven om de bundel te openen."))
    check_header(data)
    try:
        plain: bytes = pyrage.decrypt(bytes(data), keys)
    except pyrage.DecryptError as exc:
        raise _refusal_for(str(exc)) from None
    except BaseException as exc:
        # A Rust panic surfaces as pyo3's PanicException, a BaseException; any other
        # error inside pyrage means the file is not one it can read.
        if isinstance(exc, Exception) or type(exc).__name__ == "PanicException":
            raise damaged() from None
        raise
    return plain


def check_header(data: bytes) -> int:
    """Check the age header of ``data`` strictly (see the module text); returns the
    header's length in bytes (where the payload nonce begins)."""
    if not data.startswith(VERSION_LINE):
        raise damaged()
    pos = len(VERSION_LINE)
    stanzas = 0
    while True:
        line, pos = _line(data, pos)
        if line.startswith(b"--- "):
            _check_mac(line[4:])
            if stanzas == 0:
                raise damaged()
            return pos
        if not line.startswith(b"-> "):
            raise damaged()
        stanzas += 1
        if stanzas > MAX_STANZAS:
            raise damaged()
        if not all(_VCHAR.fullmatch(arg) for arg in line[3:].split(b" ")):
            raise damaged()
        while True:  # the body: full lines, then one short (possibly empty) line
            body_line, pos = _line(data, pos)
            if len(body_line) > BODY_COLUMNS or not _canonical_base64(body_line):
                raise damaged()
            if len(body_line) < BODY_COLUMNS:
                break


def _line(data: bytes, pos: int) -> tuple[bytes, int]:
    end = data.find(b"\n", pos, MAX_HEADER_BYTES)
    if end < 0:
        raise damaged()
    return data[pos:end], end + 1


def _check_mac(text: bytes) -> None:
    if len(text) != _MAC_BASE64_CHARS or not _canonical_base64(text):
        raise damaged()


def _canonical_base64(text: bytes) -> bool:
    """RFC 4648 base64 without padding, with the unused low bits zero."""
    if not _BASE64.fullmatch(text) or len(text) % 4 == 1:
        return False
    try:
        raw = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except binascii.Error:
        return False
    return base64.b64encode(raw).rstrip(b"=") == text


# --- refusals ---------------------------------------------------------------------------


def damaged() -> BundleRefused:
    """The refusal for a file that is not a whole, readable bundle."""
    return BundleRefused(
        "damaged",
        _("De bundel is beschadigd of onvolledig en is niet gebruikt."),
        hint=_(
            "Misschien is het kopiëren niet afgemaakt. Laat de bundel opnieuw maken en "
            "synchroniseer nog eens."
        ),
    )


def _refusal_for(pyrage_message: str) -> BundleRefused:
    if "No matching keys" in pyrage_message:
        return BundleRefused(
            "not_for_us",
            _("De bundel is niet voor dit apparaat versleuteld en is niet gebruikt."),
            hint=_(
                "Controleer of de map van de juiste gemeente is gekozen, of vraag het "
                "centrale kantoor de bundel opnieuw te maken."
            ),
        )
    if "MAC" in pyrage_message:
        return BundleRefused(
            "tampered",
            _("De bundel is veranderd nadat hij is gemaakt en is niet gebruikt."),
            hint=_("Meld dit aan het centrale kantoor en laat de bundel opnieuw maken."),
        )
    return damaged()
