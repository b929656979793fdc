"""The bundle: one ``.kbundle`` file carrying operations between a laptop and the hub.

Outside, an age v1 file (:mod:`klantapp.crypto.agefile`) to X25519 recipients. Inside, a
tar archive (POSIX ustar) with exactly three regular files, in this order:

1. ``manifest.json``: what the bundle is (:class:`Manifest`), canonical JSON;
2. ``manifest.json.minisig``: the sender's minisign signature of ``manifest.json``;
3. ``ops.jsonl``: the operations, opaque bytes here, bound by their SHA-256 in the
   manifest.

The tar is deterministic: every header is the one :func:`_tar_header` makes (mode 0600,
uid/gid 0, no owner names, mtime 0, no pax or GNU extensions), data padded to 512 bytes,
then the two zero blocks that end an archive and nothing else. A reader accepts exactly
that, so a tar with an extra, missing, reordered, renamed, linked or oversized member is
refused before anything in it is used.

An auditor opens a bundle with the standard tools (docs/sync-formats.md)::

    age -d -i office-identity.txt X.kbundle | tar -x
    minisign -Vm manifest.json -P <sender's minisign key>
    sha256sum ops.jsonl      # equals "ops_sha256" in manifest.json
"""

from __future__ import annotations

import hashlib
import tarfile
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from klantapp.crypto import agefile
from klantapp.errors import BundleRefused, Refused
from klantapp.i18n import _
from klantapp.sync import canonical, minisign
from klantapp.sync.canonical import FieldError, Fields

FORMAT_VERSION = 1
MANIFEST_TYPE = "klantapp.bundle.manifest"
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.json.minisig"
OPS_NAME = "ops.jsonl"
SUFFIX = ".kbundle"

MAX_MANIFEST_BYTES = 256 * 1024
MAX_SIGNATURE_BYTES = 4 * 1024
MAX_OPS_BYTES = 256 * 1024 * 1024
MAX_DEVICES = 4096  # entries in each per-device map of a manifest
MAX_RECIPIENTS = 16
_BLOCK = 512

SignerLookup = Callable[[str], minisign.PublicKey | None]


@dataclass(frozen=True)
class Manifest:
    """What a bundle says about itself (``manifest.json``).

    ``sender`` is the sending device's id (the hub's id for hub bundles); ``recipients``
    are the :func:`~klantapp.crypto.agefile.recipient_key_id` of every age recipient it was
    encrypted to, sorted. ``ranges`` maps a device id to the (first, last) seq of its
    operations carried, inclusive; ``prerequisites`` maps a device id to the highest seq
    the receiver must already hold; ``acks`` maps a device id to the highest seq the
    sender has applied. ``state_digest`` is the sender's state digest (hex) or ``""``.
    ``created_at`` is UTC, ``"2026-12-01T09:30:00Z"``. ``ops_sha256`` is the SHA-256 (hex)
    of ``ops.jsonl``."""

    bundle_id: str
    hub_id: str
    gemeente: str
    sender: str
    recipients: tuple[str, ...]
    schema_version: int
    roster_version: int
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    prerequisites: dict[str, int] = field(default_factory=dict)
    acks: dict[str, int] = field(default_factory=dict)
    state_digest: str = ""
    created_at: str = ""
    ops_sha256: str = ""
    format: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        """The canonical ``manifest.json`` bytes."""
        return canonical.dumps(
            {
                "type": MANIFEST_TYPE,
                "format": self.format,
                "bundle_id": self.bundle_id,
                "hub_id": self.hub_id,
                "gemeente": self.gemeente,
                "sender": self.sender,
                "recipients": list(self.recipients),
                "schema_version": self.schema_version,
                "roster_version": self.roster_version,
                "ranges": {k: [a, b] for k, (a, b) in self.ranges.items()},
                "prerequisites": dict(self.prerequisites),
                "acks": dict(self.acks),
                "state_digest": self.state_digest,
                "created_at": self.created_at,
                "ops_sha256": self.ops_sha256,
            }
        )

    @staticmethod
    def from_json(data: bytes) -> Manifest:
        """Parse and check ``manifest.json``: :class:`FieldError` names a wrong field;
        :class:`UnsupportedFormat` for another format version."""
        fields = Fields(canonical.loads(data))
        fields.const("type", MANIFEST_TYPE)
        version = fields.integer("format")
        if version != FORMAT_VERSION:
            raise UnsupportedFormat(version)
        manifest = Manifest(
            format=version,
            bundle_id=fields.ident("bundle_id"),
            hub_id=fields.ident("hub_id"),
            gemeente=fields.text("gemeente"),
            sender=fields.ident("sender"),
            recipients=fields.id_list("recipients", max_items=MAX_RECIPIENTS),
            schema_version=fields.integer("schema_version"),
            roster_version=fields.integer("roster_version"),
            ranges=fields.range_map("ranges", max_items=MAX_DEVICES),
            prerequisites=fields.int_map("prerequisites", max_items=MAX_DEVICES),
            acks=fields.int_map("acks", max_items=MAX_DEVICES),
            state_digest=_state_digest(fields),
            created_at=str(fields.time("created_at")),
            ops_sha256=fields.pattern("ops_sha256", canonical.HEX64),
        )
        fields.done()
        return manifest

    def trusted_comment(self) -> str:
        """The signature's trusted comment: names the bundle, so ``minisign -V`` shows
        which bundle a signature belongs to."""
        return f"klantapp bundle {self.bundle_id} from {self.sender} for hub {self.hub_id}"

    def untrusted_comment(self) -> str:
        """The signature's untrusted comment. minisign does not sign it, so a reader
        requires exactly this text: no byte of a bundle can change unnoticed."""
        return f"klantapp bundle manifest, signed by {self.sender}"

    def check(self) -> None:
        """FieldError for the first field a reader would refuse."""
        Manifest.from_json(self.to_json())


class UnsupportedFormat(ValueError):
    """A manifest of another format version."""

    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


@dataclass(frozen=True)
class Inspection:
    """What :func:`inspect_bundle` found in a bundle."""

    manifest: Manifest
    ops_bytes: int
    ops_lines: int
    signer_key_id: str  # as minisign prints it, from the signature (claimed)
    signature_verified: bool
    trusted_comment: str | None  # None when the signature was not checked


def new_bundle_id() -> str:
    """A fresh random bundle id (32 hex digits)."""
    return uuid.uuid4().hex


def write_bundle(
    *,
    hub_id: str,
    gemeente: str,
    sender: str,
    schema_version: int,
    roster_version: int,
    ops_jsonl: bytes,
    signer: minisign.SigningKey,
    recipients: Sequence[str],
    ranges: Mapping[str, tuple[int, int]] | None = None,
    prerequisites: Mapping[str, int] | None = None,
    acks: Mapping[str, int] | None = None,
    state_digest: str = "",
    bundle_id: str | None = None,
    created_at: str | None = None,
) -> tuple[Manifest, bytes]:
    """A new bundle: (its manifest, the ``.kbundle`` bytes).

    Fills in ``recipients`` (the key ids of the age ``recipients``), ``ops_sha256``, a
    fresh ``bundle_id`` and ``created_at`` (now) unless given, signs ``manifest.json``
    with ``signer`` and encrypts the tar to every recipient. ValueError (naming the
    field) if a field would be refused by a reader, or ``ops_jsonl`` is over
    :data:`MAX_OPS_BYTES` (split the operations over several bundles)."""
    if len(ops_jsonl) > MAX_OPS_BYTES:
        raise ValueError(f"ops.jsonl is over {MAX_OPS_BYTES} bytes: split it")
    manifest = Manifest(
        bundle_id=new_bundle_id() if bundle_id is None else bundle_id,
        hub_id=hub_id,
        gemeente=gemeente,
        sender=sender,
        recipients=tuple(sorted({agefile.recipient_key_id(r) for r in recipients})),
        schema_version=schema_version,
        roster_version=roster_version,
        ranges=dict(sorted((ranges or {}).items())),
        prerequisites=dict(sorted((prerequisites or {}).items())),
        acks=dict(sorted((acks or {}).items())),
        state_digest=state_digest,
        created_at=canonical.utc_now() if created_at is None else created_at,
        ops_sha256=hashlib.sha256(ops_jsonl).hexdigest(),
    )
    try:
        manifest.check()
    except FieldError as exc:
        raise ValueError(f"manifest field {exc.field!r} is not valid") from None
    manifest_json = manifest.to_json()
    signature = minisign.sign(
        manifest_json,
        signer,
        manifest.trusted_comment(),
        untrusted_comment=manifest.untrusted_comment(),
    ).encode("utf-8")
    if len(manifest_json) > MAX_MANIFEST_BYTES or len(signature) > MAX_SIGNATURE_BYTES:
        raise ValueError("the manifest is too large for a reader")
    archive = tar_members(
        [(MANIFEST_NAME, manifest_json), (SIGNATURE_NAME, signature), (OPS_NAME, ops_jsonl)]
    )
    return manifest, agefile.encrypt(archive, recipients)


def read_bundle(
    data: bytes,
    *,
    identities: Sequence[str],
    signer_key: SignerLookup,
    expected_hub_id: str | None,
    own_key_ids: set[str] | None = None,
) -> tuple[Manifest, bytes]:
    """Open and verify a bundle: (its manifest, ``ops.jsonl``), or
    :class:`~klantapp.errors.BundleRefused` with one of these ``reason`` codes:

    - ``too_large``: the file or a member is over the size bounds;
    - ``damaged``: not a whole bundle (age header or payload, tar layout, manifest fields);
    - ``tampered``: the age header MAC fails, or ``ops.jsonl`` is not the one signed;
    - ``not_for_us``: none of ``identities`` opens the file;
    - ``unsupported``: a manifest format this version does not know;
    - ``other_hub``: the manifest's hub id is not ``expected_hub_id`` (None: not checked);
    - ``unknown_sender``: ``signer_key(manifest.sender)`` is None;
    - ``bad_signature``: the signature is not by that key, or does not verify;
    - ``wrong_recipient``: none of ``own_key_ids`` is among the manifest's recipients (a
      bundle re-encrypted to someone else). Default: the key ids of ``identities``.

    ``signer_key`` is asked only about the sender named in the manifest; what it returns
    for a revoked device is the caller's choice (quarantine needs the signature checked,
    so return the key and look at the status afterwards)."""
    manifest, signature, ops = _open(data, identities, expected_hub_id)
    _verify(manifest, signature, signer_key)
    _check_contents(manifest, ops, identities, own_key_ids)
    return manifest, ops


def inspect_bundle(
    data: bytes,
    *,
    identities: Sequence[str],
    signer_key: SignerLookup | None = None,
    expected_hub_id: str | None = None,
    own_key_ids: set[str] | None = None,
) -> Inspection:
    """Open a bundle and report on it without applying anything.

    Every check of :func:`read_bundle` runs, except that without ``signer_key`` the
    signature is not verified (``signature_verified`` is then False: the manifest may
    be anyone's). With ``signer_key``, an unknown sender or bad signature is refused."""
    manifest, signature, ops = _open(data, identities, expected_hub_id)
    claimed = minisign.signature_key_id(signature)
    comment = None if signer_key is None else _verify(manifest, signature, signer_key)
    _check_contents(manifest, ops, identities, own_key_ids)
    return Inspection(
        manifest=manifest,
        ops_bytes=len(ops),
        ops_lines=ops.count(b"\n") + (1 if ops and not ops.endswith(b"\n") else 0),
        signer_key_id=claimed[::-1].hex().upper() if claimed else "",
        signature_verified=comment is not None,
        trusted_comment=comment,
    )


# --- the steps --------------------------------------------------------------------------


def max_bundle_bytes() -> int:
    """The largest ``.kbundle`` a reader opens: the members' bounds plus tar and age
    overhead (16 bytes per 64 KiB chunk, the header)."""
    tar = MAX_MANIFEST_BYTES + MAX_SIGNATURE_BYTES + MAX_OPS_BYTES + 6 * _BLOCK
    return tar + (tar // 65536 + 1) * 16 + agefile.MAX_HEADER_BYTES + 16


def _open(
    data: bytes, identities: Sequence[str], hub_id: str | None
) -> tuple[Manifest, str, bytes]:
    """Decrypt, take the tar apart, parse the manifest, check the hub."""
    if len(data) > max_bundle_bytes():
        raise _too_large()
    plain = agefile.decrypt(data, identities)
    manifest_json, signature, ops = untar_members(plain)
    try:
        manifest = Manifest.from_json(manifest_json)
    except UnsupportedFormat:
        raise BundleRefused(
            "unsupported",
            _("De bundel is gemaakt door een nieuwere versie van Klantapp en is niet gebruikt."),
            hint=_("Installeer de nieuwste versie van Klantapp en synchroniseer opnieuw."),
        ) from None
    except FieldError as exc:
        raise _bad_field(f"{MANIFEST_NAME}: {exc.field}" if exc.field else MANIFEST_NAME) from None
    if hub_id is not None and manifest.hub_id != hub_id:
        raise BundleRefused(
            "other_hub",
            _("De bundel hoort bij een ander centraal kantoor en is niet gebruikt."),
            hint=_("Controleer of de map van de juiste gemeente is gekozen."),
        )
    try:
        signature_text = signature.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad_field(SIGNATURE_NAME) from None
    return manifest, signature_text, ops


def _check_contents(
    manifest: Manifest, ops: bytes, identities: Sequence[str], own_key_ids: set[str] | None
) -> None:
    """After the signature: meant for us, and the operations are the ones signed."""
    ours = (
        own_key_ids if own_key_ids is not None else {agefile.identity_key_id(i) for i in identities}
    )
    if not ours & set(manifest.recipients):
        raise BundleRefused(
            "wrong_recipient",
            _(
                "De bundel was voor een ander apparaat bedoeld en is opnieuw versleuteld; "
                "hij is niet gebruikt."
            ),
            hint=_("Meld dit aan het centrale kantoor."),
        )
    if hashlib.sha256(ops).hexdigest() != manifest.ops_sha256:
        raise BundleRefused(
            "tampered",
            _(
                "De operaties in de bundel zijn niet de ondertekende; de bundel is veranderd "
                "en is niet gebruikt."
            ),
            hint=_("Meld dit aan het centrale kantoor en laat de bundel opnieuw maken."),
        )


def _verify(manifest: Manifest, signature: str, signer_key: SignerLookup) -> str:
    """The trusted comment, if the manifest is signed by its sender's key."""
    key = signer_key(manifest.sender)
    if key is None:
        raise BundleRefused(
            "unknown_sender",
            _("De bundel komt van een apparaat dat niet bekend is en is niet gebruikt."),
            hint=_(
                "Alleen apparaten die het centrale kantoor heeft ingeschreven kunnen "
                "synchroniseren. Vraag het centrale kantoor om de lijst van apparaten bij te "
                "werken."
            ),
        )
    try:
        comment = minisign.verify(manifest.to_json(), signature, key)
    except Refused:
        comment = None
    first_line = signature.split("\n", 1)[0]
    if comment != manifest.trusted_comment() or first_line != (
        minisign.UNTRUSTED_PREFIX + manifest.untrusted_comment()
    ):
        raise BundleRefused(
            "bad_signature",
            _(
                "De handtekening van de bundel klopt niet: hij is niet gemaakt door het "
                "apparaat dat erin staat. De bundel is niet gebruikt."
            ),
            hint=_("Meld dit aan het centrale kantoor."),
        )
    return comment


# --- the tar ----------------------------------------------------------------------------


def _members() -> tuple[tuple[str, int], ...]:
    """The members of a bundle's tar, in order, with their size bounds."""
    return (
        (MANIFEST_NAME, MAX_MANIFEST_BYTES),
        (SIGNATURE_NAME, MAX_SIGNATURE_BYTES),
        (OPS_NAME, MAX_OPS_BYTES),
    )


def _tar_header(name: str, size: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = 0
    info.mode = 0o600
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.type = tarfile.REGTYPE
    return info.tobuf(format=tarfile.USTAR_FORMAT, encoding="ascii", errors="strict")


def tar_members(members: Sequence[tuple[str, bytes]]) -> bytes:
    """The deterministic tar of ``members`` (name, bytes), in that order."""
    out = bytearray()
    for name, data in members:
        out += _tar_header(name, len(data))
        out += data
        out += bytes(-len(data) % _BLOCK)
    out += bytes(2 * _BLOCK)
    return bytes(out)


def untar_members(archive: bytes) -> tuple[bytes, bytes, bytes]:
    """(manifest.json, manifest.json.minisig, ops.jsonl) from a bundle's tar, which must
    be exactly what :func:`tar_members` makes of them."""
    pos = 0
    found: list[bytes] = []
    for name, limit in _members():
        header = archive[pos : pos + _BLOCK]
        size = _size_field(header)
        if size is None:
            raise _bad_field(name)
        if size > limit:
            raise _too_large()
        if header != _tar_header(name, size):
            raise _bad_field(name)
        start = pos + _BLOCK
        end = start + size
        pos = end + (-size % _BLOCK)
        if pos > len(archive) or any(archive[end:pos]):
            raise _bad_field(name)
        found.append(archive[start:end])
    if archive[pos:] != bytes(2 * _BLOCK):
        raise _bad_field("tar")
    return found[0], found[1], found[2]


def _size_field(header: bytes) -> int | None:
    """The size of a ustar header as tarfile writes it (11 octal digits, NUL)."""
    if len(header) != _BLOCK:
        return None
    raw = header[124:136]
    digits = raw[:11]
    if raw[11:] != b"\0" or not digits or any(c not in b"01234567" for c in digits):
        return None
    return int(digits, 8)


def _state_digest(fields: Fields) -> str:
    value = fields.text("state_digest", max_len=64, empty=True)
    if value and not canonical.HEX64.fullmatch(value):
        raise FieldError("state_digest")
    return value


def _bad_field(name: str) -> BundleRefused:
    return BundleRefused(
        "damaged",
        _("De bundel is beschadigd ({field} klopt niet) en is niet gebruikt.").format(field=name),
        hint=_("Laat de bundel opnieuw maken en synchroniseer nog eens."),
    )


def _too_large() -> BundleRefused:
    return BundleRefused(
        "too_large",
        _("De bundel is groter dan Klantapp verwerkt en is niet gebruikt."),
        hint=_("Meld dit aan het centrale kantoor."),
    )
