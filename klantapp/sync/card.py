"""What is handed over when a laptop joins the central office: the office card, the
enrolment request, and the fingerprints two people compare by phone.

Both files are a *signed document*: canonical JSON (:mod:`klantapp.sync.canonical`) with
two keys, ``document`` (the canonical JSON text of the content, as a string) and
``signature`` (a minisign signature of exactly those UTF-8 bytes). An auditor checks one
with ``jq -j .document FILE > doc.json; jq -j .signature FILE > doc.json.minisig;
minisign -Vm doc.json -P KEY``.

- The **office card** (``*.kcard``) is public: hub id, gemeente, the office's age
  recipient (bundles to the hub are encrypted to it), its minisign key (verifies the
  roster and the hub's bundles) and the recovery recipient (becomes the laptop's
  recovery keyslot). It is signed by the office key it carries: that proves it is whole
  and that its maker holds the key; whether it is the *right* office is what the
  fingerprint comparison settles.
- The **enrolment request** (``*.kreq``) is written by the laptop: device id, the
  klantmanager's name, the device's age recipient and minisign key, signed by that
  device key (proof of possession).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from klantapp.crypto import agefile
from klantapp.errors import Refused, UsageError
from klantapp.i18n import _
from klantapp.sync import canonical, minisign
from klantapp.sync.canonical import FieldError, Fields, damaged, unsupported

FORMAT_VERSION = 1
CARD_TYPE = "klantapp.office-card"
REQUEST_TYPE = "klantapp.enrolment-request"
CARD_SUFFIX = ".kcard"
REQUEST_SUFFIX = ".kreq"
MAX_DOCUMENT_BYTES = 64 * 1024
_FINGERPRINT_LABEL = b"klantapp-fingerprint/v1\n"


# --- fingerprints -----------------------------------------------------------------------


def fingerprint(*public_material: str) -> str:
    """A short string two people can read to each other: 24 digits in six groups of
    four (``"0412 9931 ..."``), from the SHA-256 of the public material (80 bits)."""
    digest = hashlib.sha256(_FINGERPRINT_LABEL + "\n".join(public_material).encode()).digest()
    digits = f"{int.from_bytes(digest[:10], 'big') % 10**24:024d}"
    return " ".join(digits[i : i + 4] for i in range(0, 24, 4))


# --- the office card --------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeCard:
    """The central office's public card."""

    hub_id: str
    gemeente: str
    age_recipient: str
    minisign_public_key: str  # the base64 line
    recovery_recipient: str
    created_at: str

    def signing_key(self) -> minisign.PublicKey:
        """The office's minisign key (verifies the roster and the hub's bundles)."""
        return minisign.parse_public_key(self.minisign_public_key)

    def fingerprint(self) -> str:
        """The office's fingerprint, as the hub shows it at enrolment."""
        return fingerprint(
            "office",
            self.hub_id,
            self.age_recipient,
            self.minisign_public_key,
            self.recovery_recipient,
        )

    def _content(self) -> dict[str, Any]:
        return {
            "type": CARD_TYPE,
            "format": FORMAT_VERSION,
            "hub_id": self.hub_id,
            "gemeente": self.gemeente,
            "age_recipient": self.age_recipient,
            "minisign_public_key": self.minisign_public_key,
            "recovery_recipient": self.recovery_recipient,
            "created_at": self.created_at,
        }

    def trusted_comment(self) -> str:
        return f"klantapp office card {self.hub_id}"


def write_card(
    *,
    hub_id: str,
    gemeente: str,
    age_recipient: str,
    office_key: minisign.SigningKey,
    recovery_recipient: str,
    created_at: str | None = None,
) -> tuple[OfficeCard, str]:
    """A new office card: (the card, the text of the ``.kcard`` file), signed by
    ``office_key``. ValueError naming a field that a reader would refuse."""
    card = OfficeCard(
        hub_id=hub_id,
        gemeente=gemeente,
        age_recipient=age_recipient,
        minisign_public_key=office_key.public_key().base64(),
        recovery_recipient=recovery_recipient,
        created_at=canonical.utc_now() if created_at is None else created_at,
    )
    text = _seal(card._content(), office_key, card.trusted_comment())
    _check_written(lambda: read_card(text))
    return card, text


def read_card(text: str) -> OfficeCard:
    """The office card in a ``.kcard`` file's text, or :class:`Refused` (``damaged``,
    ``unsupported``, ``bad_signature``)."""
    fields, document, signature = _unseal(text, CARD_TYPE, _("het kantoorkaartje"))
    try:
        card = OfficeCard(
            hub_id=fields.ident("hub_id"),
            gemeente=fields.text("gemeente"),
            age_recipient=recipient_field(fields, "age_recipient"),
            minisign_public_key=public_key_field(fields, "minisign_public_key"),
            recovery_recipient=recipient_field(fields, "recovery_recipient"),
            created_at=str(fields.time("created_at")),
        )
        fields.done()
    except FieldError as exc:
        raise damaged(_("het kantoorkaartje"), exc.field) from None
    _check_signature(document, signature, card.signing_key(), card.trusted_comment())
    return card


# --- the enrolment request --------------------------------------------------------------


@dataclass(frozen=True)
class EnrolmentRequest:
    """A laptop's request to join the roster."""

    hub_id: str
    device_id: str
    device_name: str
    age_recipient: str
    minisign_public_key: str  # the base64 line
    created_at: str

    def signing_key(self) -> minisign.PublicKey:
        """The device's minisign key."""
        return minisign.parse_public_key(self.minisign_public_key)

    def fingerprint(self) -> str:
        """The device's fingerprint, as the laptop and the hub show it at enrolment."""
        return fingerprint("device", self.device_id, self.age_recipient, self.minisign_public_key)

    def _content(self) -> dict[str, Any]:
        return {
            "type": REQUEST_TYPE,
            "format": FORMAT_VERSION,
            "hub_id": self.hub_id,
            "device_id": self.device_id,
            "device_name": self.device_name,
            "age_recipient": self.age_recipient,
            "minisign_public_key": self.minisign_public_key,
            "created_at": self.created_at,
        }

    def trusted_comment(self) -> str:
        return f"klantapp enrolment request {self.device_id} for hub {self.hub_id}"


def write_request(
    *,
    card: OfficeCard,
    device_id: str,
    device_name: str,
    age_recipient: str,
    device_key: minisign.SigningKey,
    created_at: str | None = None,
) -> tuple[EnrolmentRequest, str]:
    """A new enrolment request for the office of ``card``: (the request, the text of the
    ``.kreq`` file), signed by ``device_key``."""
    request = EnrolmentRequest(
        hub_id=card.hub_id,
        device_id=device_id,
        device_name=device_name,
        age_recipient=age_recipient,
        minisign_public_key=device_key.public_key().base64(),
        created_at=canonical.utc_now() if created_at is None else created_at,
    )
    text = _seal(request._content(), device_key, request.trusted_comment())
    _check_written(lambda: read_request(text, expected_hub_id=card.hub_id))
    return request, text


def read_request(text: str, *, expected_hub_id: str | None) -> EnrolmentRequest:
    """The request in a ``.kreq`` file's text, checked: signed by the key it carries,
    and made for ``expected_hub_id`` (``other_hub`` otherwise; None: not checked)."""
    what = _("het aanmeldverzoek")
    fields, document, signature = _unseal(text, REQUEST_TYPE, what)
    try:
        request = EnrolmentRequest(
            hub_id=fields.ident("hub_id"),
            device_id=fields.ident("device_id"),
            device_name=fields.text("device_name"),
            age_recipient=recipient_field(fields, "age_recipient"),
            minisign_public_key=public_key_field(fields, "minisign_public_key"),
            created_at=str(fields.time("created_at")),
        )
        fields.done()
    except FieldError as exc:
        raise damaged(what, exc.field) from None
    _check_signature(document, signature, request.signing_key(), request.trusted_comment())
    if expected_hub_id is not None and request.hub_id != expected_hub_id:
        raise Refused(
            "other_hub",
            _("Het aanmeldverzoek is voor een ander centraal kantoor gemaakt."),
            hint=_("Laat de laptop een nieuw verzoek maken met het kaartje van dit kantoor."),
        )
    return request


# --- signed documents -------------------------------------------------------------------


def _seal(content: dict[str, Any], key: minisign.SigningKey, comment: str) -> str:
    document = canonical.dumps(content)
    signature = minisign.sign(document, key, comment)
    return canonical.dumps({"document": document.decode("utf-8"), "signature": signature}).decode(
        "utf-8"
    )


def _unseal(text: str, kind: str, what: str) -> tuple[Fields, bytes, str]:
    """(the content's fields, the signed bytes, the signature); the type and format are
    read already."""
    raw = text.encode("utf-8")
    try:
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise FieldError("")
        outer = Fields(canonical.loads(raw))
        document = outer.text("document", max_len=MAX_DOCUMENT_BYTES, lines=True).encode()
        signature = outer.text("signature", max_len=4096, lines=True)
        outer.done()
        fields = Fields(canonical.loads(document))
        fields.const("type", kind)
        version = fields.integer("format")
    except FieldError as exc:
        raise damaged(what, exc.field) from None
    if version != FORMAT_VERSION:
        raise unsupported(what)
    return fields, document, signature


def _check_signature(
    document: bytes, signature: str, key: minisign.PublicKey, comment: str
) -> None:
    if minisign.verify(document, signature, key) != comment:
        raise minisign.BadSignature()


def _check_written(read_back: Callable[[], object]) -> None:
    try:
        read_back()
    except Refused as exc:
        raise ValueError(f"a reader would refuse this document: {exc}") from None


def recipient_field(fields: Fields, name: str) -> str:
    """Field ``name``: an age X25519 recipient."""
    value = fields.text(name, max_len=100)
    try:
        return agefile.check_recipient(value)
    except UsageError:
        raise FieldError(fields.path(name)) from None


def public_key_field(fields: Fields, name: str) -> str:
    """Field ``name``: a minisign public key's base64 line."""
    value = fields.text(name, max_len=100)
    try:
        minisign.parse_public_key(value)
    except Refused:
        raise FieldError(fields.path(name)) from None
    return value
