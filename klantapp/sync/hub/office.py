"""The central office's casebook (hub mode): keys, card, roster, devices, caseloads.

A hub is an ordinary casebook whose local state says ``role = hub``. Its vault holds
the office keys (age identity for bundles to the office, minisign key for the roster
and hub bundles, the recovery identity of every laptop casebook) and per device
(``sync_peers``) what the hub knows of it: its public keys from the roster, its status,
the highest change it has applied from it, the head of its change chain, and the
position of the hub's stream it has acknowledged.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from klantapp.casebook import Casebook, Transaction
from klantapp.errors import KlantappError, UsageError
from klantapp.i18n import _, ngettext
from klantapp.sync import agefile, card, keys, roster
from klantapp.sync import state as st
from klantapp.vault import KdfParams

HUB = "hub"  # sync_state: {"id", "gemeente", "created_at"}
ROSTER = "roster"  # sync_state: {"version", "text", "signature"}

ACTIVE = roster.ACTIVE
REVOKED = roster.REVOKED
REFUSED = "refused"
LAST_SYNC = "last_sync"  # sync_state: {"at", "ok"} after each hub sync


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp() -> str:
    return _now().isoformat(timespec="milliseconds")


def require_hub(conn: sqlite3.Connection) -> dict[str, Any]:
    info = st.get_in(conn, "sync_state", HUB)
    if st.get_in(conn, "sync_state", "role") != st.ROLE_HUB or not info:
        raise UsageError(
            _("Dit is geen dossier van het centrale kantoor."),
            hint=_("Maak het met: klantapp hub init MAP --gemeente NAAM"),
        )
    return dict(info)


def make_hub(cb: Casebook, gemeente: str) -> None:
    """Turn a new, empty casebook into the central office's (``klantapp hub init``)."""
    gemeente = gemeente.strip()
    if not gemeente:
        raise UsageError(_("Geef de naam van de gemeente (--gemeente)."))
    with cb.transaction(summary=_("Centraal kantoor ingericht")) as tx:
        conn = tx._conn
        if st.get_in(conn, "sync_state", "role") is not None:
            raise KlantappError(_("Dit dossier is al ingericht voor uitwisseling."))
        if conn.execute("SELECT count(*) FROM households").fetchone()[0]:
            raise KlantappError(
                _("Het centrale kantoor begint met een leeg dossier."),
                hint=_("Maak een nieuw dossier met klantapp hub init."),
            )
        pair = keys.make(tx, with_recovery=True)
        tx.put_local("sync_state", "role", st.ROLE_HUB)
        tx.put_local(
            "sync_state", HUB, {"id": cb.device_id, "gemeente": gemeente, "created_at": _stamp()}
        )
        _store_roster(tx, roster.new_roster(cb.device_id, now=_now()), pair)
        exists = conn.execute("SELECT value FROM settings WHERE id = 'gemeente'").fetchone()
        if exists is None:
            tx.insert("settings", {"value": {"name": gemeente}}, row_id="gemeente")


def _store_roster(tx: Transaction, current: roster.Roster, pair: keys.KeyPair) -> None:
    text, signature = roster.sign_roster(current, pair.signing)
    tx.put_local(
        "sync_state", ROSTER, {"version": current.version, "text": text, "signature": signature}
    )


def current_roster(conn: sqlite3.Connection) -> roster.Roster:
    doc = st.get_in(conn, "sync_state", ROSTER)
    pair = keys.load(conn)
    return roster.verify_roster(
        doc["text"],
        doc["signature"],
        pair.signing.public_key(),
        newer_than=0,
        now=datetime(1970, 1, 2, tzinfo=UTC),  # our own copy: expiry is renewed on use
    )


def roster_control(conn: sqlite3.Connection) -> dict[str, Any]:
    """The roster to hand to laptops, renewed first when it is older than a week (a
    laptop refuses an expired roster)."""
    doc = dict(st.get_in(conn, "sync_state", ROSTER))
    return {"text": doc["text"], "signature": doc["signature"], "version": doc["version"]}


def office_card(cb: Casebook) -> tuple[card.OfficeCard, str]:
    with cb.reading() as conn:
        info = require_hub(conn)
        pair = keys.load(conn)
        recovery = agefile.recipient_of(keys.recovery_identity(conn))
    return card.write_card(
        hub_id=str(info["id"]),
        gemeente=str(info["gemeente"]),
        age_recipient=pair.age_recipient,
        office_key=pair.signing,
        recovery_recipient=recovery,
    )


def identity_file(cb: Casebook) -> str:
    """The office's age identity in age-keygen format (for an auditor's ``age -d``)."""
    with cb.reading() as conn:
        require_hub(conn)
        pair = keys.load(conn)
    return agefile.format_identity_file(
        pair.age_identity, _now().isoformat(timespec="seconds").replace("+00:00", "Z")
    )


@dataclass(frozen=True)
class Enrolled:
    device_id: str
    name: str
    device_fingerprint: str
    office_fingerprint: str
    roster_version: int


def enrol(cb: Casebook, request_text: str) -> Enrolled:
    with cb.reading() as conn:
        info = require_hub(conn)
    request = card.read_request(request_text, expected_hub_id=str(info["id"]))
    with cb.transaction(
        summary=_("Apparaat aangemeld: {name}").format(name=request.device_name)
    ) as tx:
        conn = tx._conn
        pair = keys.load(conn)
        taken = roster.enrolled(current_roster(conn), request, now=_now())
        _store_roster(tx, taken, pair)
        tx.put_local(
            "sync_peers",
            request.device_id,
            {
                "name": request.device_name,
                "age_recipient": request.age_recipient,
                "minisign_public_key": request.minisign_public_key,
                "status": ACTIVE,
                "enrolled_at": _stamp(),
                "acked": 0,
                "chain_head": "",
                "position_acked": 0,
                "sent_digests": {},
                "full": {},
                "releases": {},
                "resend_all": False,
                "roster_version": 0,
            },
        )
    card_now, _text = office_card(cb)
    return Enrolled(
        request.device_id,
        request.device_name,
        request.fingerprint(),
        card_now.fingerprint(),
        taken.version,
    )


def peer(conn: sqlite3.Connection, device_id: str) -> dict[str, Any]:
    found = st.get_in(conn, "sync_peers", device_id)
    if not found:
        raise UsageError(
            _("Apparaat {device} is niet aangemeld bij dit centrale kantoor.").format(
                device=device_id
            ),
            hint=_("Zie klantapp hub devices."),
        )
    return dict(found)


def revoke(cb: Casebook, device_id: str) -> None:
    with cb.transaction(summary=_("Apparaat ingetrokken")) as tx:
        conn = tx._conn
        require_hub(conn)
        entry = peer(conn, device_id)
        pair = keys.load(conn)
        _store_roster(tx, roster.revoked(current_roster(conn), device_id, now=_now()), pair)
        tx.put_local("sync_peers", device_id, {**entry, "status": REVOKED, "revoked_at": _stamp()})


def assign(cb: Casebook, household_id: str, device_id: str) -> str | None:
    """Make ``device_id`` the owner of a household; returns the previous owner. The old
    owner gives the household up once the office holds all its changes to it; the new
    owner receives it whole."""
    return assign_many(cb, [household_id], device_id).get(household_id)


def assign_many(cb: Casebook, household_ids: list[str], device_id: str) -> dict[str, str | None]:
    """:func:`assign` for several households in one change (a caseload moving to a
    re-provisioned laptop); returns each household's previous owner."""
    previous: dict[str, str | None] = {}
    with cb.transaction(
        summary=ngettext(
            "{n} huishouden toegewezen", "{n} huishoudens toegewezen", len(household_ids)
        ).format(n=len(household_ids))
    ) as tx:
        conn = tx._conn
        require_hub(conn)
        target = peer(conn, device_id)
        if target.get("status") != ACTIVE:
            raise UsageError(_("Dit apparaat is niet actief; kies een actief apparaat."))
        # 0: not yet sent; the exchange notes the position it was sent at, and drops
        # the entry once the device has acknowledged that position.
        full = dict(target.get("full") or {})
        releases: dict[str, dict[str, int]] = {}
        for household_id in household_ids:
            row = conn.execute(
                "SELECT owner FROM households WHERE id = ?", (household_id,)
            ).fetchone()
            if row is None:
                raise UsageError(
                    _("Huishouden {id} bestaat niet.").format(id=household_id),
                    hint=_("Zie klantapp search of klantapp export-json."),
                )
            owner: str | None = row[0]
            previous[household_id] = owner
            if owner == device_id:
                continue
            tx.update("households", household_id, {"owner": device_id})
            full[household_id] = 0
            if owner:
                releases.setdefault(owner, {})[household_id] = 0
        tx.put_local("sync_peers", device_id, {**target, "full": full})
        for owner, handed in releases.items():
            old = st.get_in(conn, "sync_peers", owner)
            if old:
                merged = {**dict(old.get("releases") or {}), **handed}
                tx.put_local("sync_peers", owner, {**old, "releases": merged})
    return previous


def devices(cb: Casebook) -> list[dict[str, Any]]:
    """Every enrolled device with its state: ok, behind, refused or revoked."""
    with cb.reading() as conn:
        require_hub(conn)
        peers = st.all_of(conn, "sync_peers")
        position = int(conn.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0])
        quarantined: dict[str, int] = {}
        for value in st.all_of(conn, "sync_quarantine").values():
            quarantined[value.get("device", "")] = quarantined.get(value.get("device", ""), 0) + 1
        owned = dict(
            conn.execute(
                "SELECT owner, count(*) FROM households WHERE owner IS NOT NULL GROUP BY owner"
            ).fetchall()
        )
    out = []
    for device_id, entry in peers.items():
        if entry.get("status") == REVOKED:
            state = "revoked"
        elif entry.get("refused"):
            state = "refused"
        elif int((entry.get("last_sent") or {}).get("position", 0)) > int(
            entry.get("position_acked", 0)
        ) and entry.get("last_sync_at"):
            state = "behind"  # it has not yet taken the last bundle written to it
        elif not entry.get("last_sync_at"):
            state = "new"
        else:
            state = "ok"
        out.append(
            {
                "id": device_id,
                "name": entry.get("name"),
                "status": entry.get("status"),
                "state": state,
                "minisign_public_key": entry.get("minisign_public_key"),
                "age_recipient": entry.get("age_recipient"),
                "last_acknowledged_seq": int(entry.get("acked", 0)),
                "acknowledged_position": int(entry.get("position_acked", 0)),
                "hub_position": position,
                "last_sync_at": entry.get("last_sync_at"),
                "households": int(owned.get(device_id, 0)),
                "quarantined_bundles": quarantined.get(device_id, 0),
                "refused": entry.get("refused"),
            }
        )
    return out


QUARANTINE_REASONS: dict[str, str] = {
    "revoked": "Het apparaat is ingetrokken; de bundel is niet toegepast.",
    "refused_device": "Het apparaat is geweigerd; de bundel is niet toegepast.",
    "rolled_back": "Een teruggezette, oudere kopie van het dossier stuurde deze bundel.",
    "diverged": "Een gekopieerd dossier stuurde deze bundel onder bestaande nummers.",
    "damaged": "De bundel is beschadigd.",
    "removed_field": (
        "Een wijziging van een oudere versie van Klantapp die niet vanzelf is om te zetten: "
        "zij is niet toegepast, de latere wijzigingen van die laptop wel."
    ),
    "invalid_change": (
        "Een wijziging die de regels van het centrale kantoor niet aannemen: zij is niet "
        "toegepast, de latere wijzigingen van die laptop wel."
    ),
    "newer_version": (
        "De bundel is gemaakt met een nieuwere versie van Klantapp. De laptop stuurt zijn "
        "wijzigingen opnieuw; ze worden ontvangen zodra het centrale kantoor is bijgewerkt."
    ),
}


def quarantined(cb: Casebook, device_id: str | None = None) -> list[dict[str, Any]]:
    """The bundles kept aside (not applied) for a person to review, newest first, with
    how many changes each holds and why it was kept: per device or all of them."""
    with cb.reading() as conn:
        require_hub(conn)
        kept = st.all_of(conn, "sync_quarantine")
        peers = st.all_of(conn, "sync_peers")
    out = []
    for bundle_id, value in kept.items():
        device = str(value.get("device", ""))
        if device_id is not None and device != device_id:
            continue
        ranges = (value.get("manifest") or {}).get("ranges") or {}
        first, last = ranges.get(device, (0, 0)) if isinstance(ranges, dict) else (0, 0)
        reason = str(value.get("reason", ""))
        out.append(
            {
                "bundle": bundle_id,
                "device": device,
                "device_name": (peers.get(device) or {}).get("name") or device,
                "reason": reason,
                "reason_text": _(QUARANTINE_REASONS.get(reason, "De bundel is apart gezet.")),
                "received_at": value.get("received_at"),
                "changes": max(int(last) - int(first) + 1, 0) if last else 0,
                "times": int(value.get("times", 1)),  # the same changes sent again
            }
        )
    out.sort(key=lambda q: str(q["received_at"] or ""), reverse=True)
    return out


def status(cb: Casebook) -> dict[str, Any]:
    """What the client's status area shows in hub mode."""
    with cb.reading() as conn:
        info = require_hub(conn)
        conflicts = conn.execute("SELECT count(*) FROM conflicts WHERE status = 'open'").fetchone()[
            0
        ]
        last = st.get_in(conn, "sync_state", LAST_SYNC)
    found = devices(cb)
    return {
        "gemeente": info.get("gemeente"),
        "last_sync": last,
        "open_conflicts": int(conflicts),
        "devices": len(found),
        "attention": sum(1 for d in found if d["state"] in ("behind", REFUSED)),
        "quarantined_bundles": sum(d["quarantined_bundles"] for d in found),
    }


def recover(
    hub: Casebook,
    casebook_path: str,
    new_passphrase: str,
    *,
    actor: str = "",
    kdf: KdfParams | None = None,
) -> list[str]:
    """Give a laptop casebook a new passphrase with the office recovery key that lives in
    the hub's vault (the secret never becomes a loose file). The casebook gets a new data
    key: the old passphrase opens nothing afterwards. Returns what opening the casebook
    warned about (a repaired file, say)."""
    from klantapp.casebook import Casebook as _Casebook

    with hub.reading() as conn:
        require_hub(conn)
        identity = keys.recovery_identity(conn)
    laptop = _Casebook.open_with_recovery(casebook_path, identity, actor=actor or hub.actor)
    try:
        warnings = [str(w) for w in laptop.warnings]
        laptop.change_passphrase(new_passphrase, kdf)
    finally:
        laptop.close()
    del identity
    return warnings
