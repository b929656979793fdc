"""The roster: the central office's signed list of devices.

Two files, so the standard tool verifies them: ``roster.json`` (canonical JSON, see
:mod:`klantapp.sync.canonical`) and ``roster.json.minisig`` (a minisign signature of it
by the office key, trusted comment ``klantapp roster <hub id> version <n>``)::

    {"devices":[{"age_recipient":"age1...","enrolled_at":"2026-12-01T09:00:00Z",
      "id":"a1b2c3d4e5f60718","minisign_public_key":"RWQ...","name":"Fatima El Amrani",
      "status":"active"}, ...],
     "expires_at":"2027-03-01T09:00:00Z","format":1,"hub_id":"hub0001",
     "issued_at":"2026-12-01T09:00:00Z","type":"klantapp.roster","version":7}

Devices are sorted by id, ids unique; a revoked device keeps its entry with
``"status":"revoked"`` and ``revoked_at`` (so its later bundles can still be verified and
kept in quarantine). Caseloads are not in the roster: the hub decides per household.

A laptop accepts a roster only if it is signed by the office, newer than the one it has
(:func:`verify_roster`'s ``newer_than``) and not expired.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from klantapp.errors import Refused
from klantapp.i18n import _
from klantapp.sync import canonical, minisign
from klantapp.sync.canonical import FieldError, Fields, damaged, unsupported
from klantapp.sync.card import EnrolmentRequest, public_key_field, recipient_field

FORMAT_VERSION = 1
ROSTER_TYPE = "klantapp.roster"
ACTIVE = "active"
REVOKED = "revoked"
VALIDITY = timedelta(days=90)
MAX_DEVICES = 4096
MAX_ROSTER_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class DeviceEntry:
    """One device in the roster."""

    id: str
    name: str
    age_recipient: str
    minisign_public_key: str  # the base64 line
    status: str  # ACTIVE or REVOKED
    enrolled_at: str
    revoked_at: str | None = None

    def signing_key(self) -> minisign.PublicKey:
        return minisign.parse_public_key(self.minisign_public_key)

    def _content(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "age_recipient": self.age_recipient,
            "minisign_public_key": self.minisign_public_key,
            "status": self.status,
            "enrolled_at": self.enrolled_at,
        }
        if self.revoked_at is not None:
            out["revoked_at"] = self.revoked_at
        return out


@dataclass(frozen=True)
class Roster:
    """A version of the roster."""

    hub_id: str
    version: int
    issued_at: str
    expires_at: str
    devices: tuple[DeviceEntry, ...] = ()

    def device(self, device_id: str) -> DeviceEntry | None:
        """The entry of ``device_id``, whatever its status, or None."""
        return next((d for d in self.devices if d.id == device_id), None)

    def is_active(self, device_id: str) -> bool:
        entry = self.device(device_id)
        return entry is not None and entry.status == ACTIVE

    def signer_key(self, device_id: str) -> minisign.PublicKey | None:
        """The minisign key of ``device_id`` (revoked ones too, so their bundles can be
        verified before they go to quarantine), or None: the ``signer_key`` callback of
        :func:`klantapp.sync.bundle.read_bundle`."""
        entry = self.device(device_id)
        return entry.signing_key() if entry is not None else None

    def to_json(self) -> bytes:
        """The canonical ``roster.json`` bytes."""
        return canonical.dumps(
            {
                "type": ROSTER_TYPE,
                "format": FORMAT_VERSION,
                "hub_id": self.hub_id,
                "version": self.version,
                "issued_at": self.issued_at,
                "expires_at": self.expires_at,
                "devices": [d._content() for d in self.devices],
            }
        )

    def trusted_comment(self) -> str:
        return f"klantapp roster {self.hub_id} version {self.version}"


def new_roster(hub_id: str, *, now: datetime, valid_for: timedelta = VALIDITY) -> Roster:
    """Version 1, no devices."""
    return Roster(
        hub_id=canonical.check_id(hub_id, "hub_id"),
        version=1,
        issued_at=canonical.format_time(now),
        expires_at=canonical.format_time(now + valid_for),
    )


def reissued(
    roster: Roster,
    *,
    now: datetime,
    valid_for: timedelta = VALIDITY,
    devices: tuple[DeviceEntry, ...] | None = None,
) -> Roster:
    """The next version: issued now, valid for ``valid_for``, with ``devices`` (sorted by
    id) or the same devices."""
    chosen = roster.devices if devices is None else devices
    return Roster(
        hub_id=roster.hub_id,
        version=roster.version + 1,
        issued_at=canonical.format_time(now),
        expires_at=canonical.format_time(now + valid_for),
        devices=tuple(sorted(chosen, key=lambda d: d.id)),
    )


def enrolled(roster: Roster, request: EnrolmentRequest, *, now: datetime) -> Roster:
    """The next version, with the (verified) ``request``'s device added as active.

    :class:`Refused` (``already_enrolled``) if the device id is in the roster already,
    ``other_hub`` if the request is for another office."""
    if request.hub_id != roster.hub_id:
        raise Refused(
            "other_hub", _("Het aanmeldverzoek is voor een ander centraal kantoor gemaakt.")
        )
    if roster.device(request.device_id) is not None:
        raise Refused(
            "already_enrolled",
            _("Dit apparaat staat al in de lijst van apparaten."),
            hint=_("Een opnieuw ingerichte laptop maakt een nieuw aanmeldverzoek."),
        )
    entry = DeviceEntry(
        id=request.device_id,
        name=request.device_name,
        age_recipient=request.age_recipient,
        minisign_public_key=request.minisign_public_key,
        status=ACTIVE,
        enrolled_at=canonical.format_time(now),
    )
    return reissued(roster, now=now, devices=(*roster.devices, entry))


def revoked(roster: Roster, device_id: str, *, now: datetime) -> Roster:
    """The next version, with ``device_id`` revoked (KeyError if it is not there)."""
    entry = roster.device(device_id)
    if entry is None:
        raise KeyError(device_id)
    if entry.status == REVOKED:
        return roster
    others = tuple(d for d in roster.devices if d.id != device_id)
    gone = dataclasses.replace(entry, status=REVOKED, revoked_at=canonical.format_time(now))
    return reissued(roster, now=now, devices=(*others, gone))


def sign_roster(roster: Roster, office_key: minisign.SigningKey) -> tuple[str, str]:
    """(``roster.json`` text, ``roster.json.minisig`` text)."""
    document = roster.to_json()
    try:
        _parse(document)
    except FieldError as exc:
        raise ValueError(f"roster field {exc.field!r} is not valid") from None
    signature = minisign.sign(document, office_key, roster.trusted_comment())
    return document.decode("utf-8"), signature


def verify_roster(
    text: str,
    signature: str,
    office_key: minisign.PublicKey,
    *,
    newer_than: int,
    now: datetime,
    expected_hub_id: str | None = None,
) -> Roster:
    """The roster, if signed by ``office_key``, for ``expected_hub_id`` (None: not
    checked), with a version above ``newer_than`` and not expired at ``now``; else
    :class:`Refused` with reason ``damaged``, ``unsupported``, ``bad_signature``,
    ``other_hub``, ``stale_roster`` or ``expired_roster``."""
    what = _("de lijst van apparaten")
    document = text.encode("utf-8")
    if len(document) > MAX_ROSTER_BYTES:
        raise damaged(what, "")
    try:
        roster = _parse(document)
    except _Unsupported:
        raise unsupported(what) from None
    except FieldError as exc:
        raise damaged(what, exc.field) from None
    if minisign.verify(document, signature, office_key) != roster.trusted_comment():
        raise minisign.BadSignature()
    if expected_hub_id is not None and roster.hub_id != expected_hub_id:
        raise Refused(
            "other_hub", _("De lijst van apparaten hoort bij een ander centraal kantoor.")
        )
    if roster.version <= newer_than:
        raise Refused(
            "stale_roster",
            _(
                "De lijst van apparaten is niet nieuwer dan de lijst die er al is; de oude "
                "lijst blijft gelden."
            ),
        )
    if canonical.parse_time(roster.expires_at) <= now:
        raise Refused(
            "expired_roster",
            _("De lijst van apparaten is verlopen en is niet gebruikt."),
            hint=_("Vraag het centrale kantoor om een nieuwe lijst (klantapp hub sync)."),
        )
    return roster


class _Unsupported(ValueError):
    pass


def _parse(document: bytes) -> Roster:
    fields = Fields(canonical.loads(document))
    fields.const("type", ROSTER_TYPE)
    if fields.integer("format") != FORMAT_VERSION:
        raise _Unsupported()
    devices = []
    for item in fields.objects("devices", max_items=MAX_DEVICES):
        status = item.choice("status", (ACTIVE, REVOKED))
        entry = DeviceEntry(
            id=item.ident("id"),
            name=item.text("name"),
            age_recipient=recipient_field(item, "age_recipient"),
            minisign_public_key=public_key_field(item, "minisign_public_key"),
            status=status,
            enrolled_at=str(item.time("enrolled_at")),
            revoked_at=item.time("revoked_at", optional=True),
        )
        if (entry.status == REVOKED) != (entry.revoked_at is not None):
            raise FieldError(item.path("revoked_at"))
        item.done()
        devices.append(entry)
    if [d.id for d in devices] != sorted({d.id for d in devices}):
        raise FieldError("devices")
    roster = Roster(
        hub_id=fields.ident("hub_id"),
        version=fields.integer("version", minimum=1),
        issued_at=str(fields.time("issued_at")),
        expires_at=str(fields.time("expires_at")),
        devices=tuple(devices),
    )
    fields.done()
    return roster
