"""``klantapp hub sync``: take every laptop's bundles, merge, write one bundle per device.

For each bundle addressed to the office, in this order:

1. open and verify it (age, signature by the sender's key from the roster, payload
   hash, recipients, hub id); refused files are moved to ``DIR/refused/`` and named,
   except a file that may still be being copied in (damaged or too large, and not
   found so before unchanged: ``transport.unfinished``), which is read again next run;
2. a revoked or refused sender's bundle goes to quarantine inside the hub's vault
   (kept for review, not applied), also one that was waiting in the inbox;
3. per device, in sequence order, each bundle is applied in one transaction: changes
   already applied are skipped (after checking they are the same, by digest); a gap
   waits in the inbox until the missing bundle arrives; a device whose state is older
   than what the office acknowledged (a restored copy), or whose changes differ from
   the ones applied under the same numbers (a clone), is refused and told so;
   everything else is merged, every losing value kept in ``conflicts``.

Then each active device gets one bundle: what changed in its caseload and in the shared
data since the position it acknowledged, the acknowledgement of its own changes, the
roster, and the digest check. Bundles that a device has not yet taken are replaced.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from klantapp.casebook import Casebook, Transaction, migrations
from klantapp.casebook.gcpause import gc_paused
from klantapp.casebook.ops import HOUSEHOLD_TABLES, Change, Op
from klantapp.errors import BundleRefused
from klantapp.i18n import _
from klantapp.sync import bundle, digest, keys, payload, removed, roster, transport
from klantapp.sync import state as st
from klantapp.sync.digest import scope_rows
from klantapp.sync.hub import office_rows
from klantapp.sync.hub.digests import HouseholdSums, Rows
from klantapp.sync.hub.office import (
    ACTIVE,
    LAST_SYNC,
    REVOKED,
    ROSTER,
    _store_roster,
    current_roster,
    require_hub,
    roster_control,
)
from klantapp.sync.lines import RowKey, households_of, row_states, state_delta, writes_since
from klantapp.sync.merge import RowState
from klantapp.sync.receive import InvalidRemoteChange, apply_changes, check_schema
from klantapp.sync.scope import SHARED_TABLES
from klantapp.vault import fsio

#: Renew the roster when it expires within this time (laptops refuse expired ones).
ROSTER_RENEW = timedelta(days=30)
KEEP_DIGESTS = 8
#: A device's bundle was made by a newer Klantapp (gegevensversie) than the office's: in
#: its peer entry until one of its bundles is taken, and told to it in a control.
OFFICE_OLDER = "office_older"


@dataclass
class HubReport:
    received: int = 0
    applied_changes: int = 0
    conflicts: int = 0
    refused: list[dict[str, str]] = field(default_factory=list)
    quarantined: list[dict[str, str]] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)  # files left to read on a later run
    settling: int = 0  # bundles seen too new to be whole yet: read on a later run
    written: list[str] = field(default_factory=list)
    # devices whose state digest differed from the office's: sent everything again
    digest_differed: list[str] = field(default_factory=list)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _position(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0])


def sync(cb: Casebook, folder: Path, *, settle: float = transport.SETTLE_SECONDS) -> HubReport:
    # Thousands of short-lived operations and rows, without reference cycles: the
    # cyclic collector's runs in between are work for nothing (casebook/gcpause.py).
    with gc_paused():
        return _sync(cb, folder, settle=settle)


def _sync(cb: Casebook, folder: Path, *, settle: float) -> HubReport:
    folder = Path(folder)
    report = HubReport()
    with cb.reading() as conn:
        info = require_hub(conn)
        pair = keys.load(conn)
        known = current_roster(conn)
        sums = HouseholdSums(conn)
        unreadable = st.get_in(conn, "sync_state", st.UNREADABLE) or {}
    hub_id = str(info["id"])
    found, look = transport.incoming(folder, transport.HUB, settle=settle)
    report.settling = look.waiting(found)
    moment = time.time()
    still_unreadable: dict[str, Any] = {}
    accepted: dict[str, list[tuple[bundle.Manifest, payload.Payload, Path | None, str]]] = {}
    for item in found:
        try:
            data = item.path.read_bytes()
            manifest, ops = bundle.read_bundle(
                data,
                identities=[pair.age_identity],
                signer_key=known.signer_key,
                expected_hub_id=hub_id,
            )
        except BundleRefused as exc:
            note = transport.unfinished(
                exc.reason, unreadable.get(item.path.name), item.state, now=moment, settle=settle
            )
            if note is not None:  # may still be being copied in: left for a later run
                still_unreadable[item.path.name] = note
                report.unfinished.append(item.path.name)
                continue
            report.refused.append(
                {
                    "file": item.path.name,
                    "device": item.sender,
                    "reason": exc.reason,
                    "message": str(exc),
                }
            )
            _set_aside(folder, item.path)
            continue
        except OSError:
            continue  # gone meanwhile, or not readable yet: next time
        if _kept_from(cb, manifest, ops, report):
            _remove(item.path)
            continue
        try:
            body = payload.decode(ops)
        except payload.PayloadError as exc:
            report.refused.append(
                {
                    "file": item.path.name,
                    "device": manifest.sender,
                    "reason": "damaged",
                    "message": str(exc),
                }
            )
            _quarantine(cb, manifest, ops, "damaged", report)
            _remove(item.path)
            continue
        accepted.setdefault(manifest.sender, []).append((manifest, body, item.path, item.path.name))
    with cb.reading() as conn:
        inbox = st.all_of(conn, "sync_inbox")
    for key, value in inbox.items():
        manifest = bundle.Manifest.from_json(base64.b64decode(value["manifest"]))
        ops = base64.b64decode(value["ops"])
        if _kept_from(cb, manifest, ops, report, inbox_key=key):  # revoked while it waited
            continue
        accepted.setdefault(manifest.sender, []).append((manifest, payload.decode(ops), None, key))
    for device, items in accepted.items():
        _apply_in_order(cb, device, items, hub_id, report, sums)
    if accepted:
        with contextlib.suppress(OSError):
            fsio.fsync_dir(transport.address_folder(folder, transport.HUB))
    sent = _write_bundles(cb, folder, hub_id, pair, report, sums)
    with cb.transaction() as tx:  # what was sent, for all devices at once (a crash
        for done in sent:  # before: sent again, the sums computed again)
            _record_sent(tx, done)
        sums.store(tx)
        tx.put_local("sync_state", LAST_SYNC, {"at": _now(), "ok": not report.refused})
        if still_unreadable != unreadable:
            tx.put_local("sync_state", st.UNREADABLE, still_unreadable)
    return report


def _kept_from(
    cb: Casebook,
    manifest: bundle.Manifest,
    ops: bytes,
    report: HubReport,
    *,
    inbox_key: str | None = None,
) -> bool:
    """A bundle of a device that is revoked or refused is not applied: it goes to
    quarantine (True). The same check for a fresh bundle and one from the inbox
    (``inbox_key``), which then leaves the inbox."""
    with cb.reading() as conn:
        entry = st.get_in(conn, "sync_peers", manifest.sender) or {}
    if entry.get("status") == ACTIVE and not entry.get("refused"):
        return False
    reason = "revoked" if entry.get("status") == REVOKED else "refused_device"
    _quarantine(cb, manifest, ops, reason, report, inbox_key=inbox_key)
    return True


def _first_seq(manifest: bundle.Manifest) -> int:
    return manifest.ranges.get(manifest.sender, (0, 0))[0]


def _apply_in_order(
    cb: Casebook,
    device: str,
    items: list[tuple[bundle.Manifest, payload.Payload, Path | None, str]],
    hub_id: str,
    report: HubReport,
    sums: HouseholdSums,
) -> None:
    pending = sorted(items, key=lambda item: _first_seq(item[0]))
    progressed = True
    while pending and progressed:
        progressed = False
        for item in list(pending):
            manifest, body, path, name = item
            outcome = _apply_device_bundle(cb, device, manifest, body, hub_id, report, sums)
            if outcome == "gap":
                continue
            pending.remove(item)
            progressed = True
            if path is not None:  # taken: the folder is fsynced once at the end
                _remove(path, durable=False)
            else:
                with cb.transaction() as tx:
                    tx.delete_local("sync_inbox", name)
            if outcome == "refused":
                for rest_manifest, rest_body, rest_path, rest_name in pending:
                    _quarantine(
                        cb,
                        rest_manifest,
                        payload.encode(rest_body),
                        "refused_device",
                        report,
                        inbox_key=None if rest_path is not None else rest_name,
                    )
                    if rest_path is not None:
                        _remove(rest_path)
                return
    for manifest, body, path, _name in pending:  # still waiting for an earlier bundle
        report.waiting.append(
            transport.bundle_name(manifest.sender, transport.HUB, manifest.bundle_id)
        )
        if path is not None:
            with cb.transaction() as tx:
                tx.put_local(
                    "sync_inbox",
                    manifest.bundle_id,
                    {
                        "device": device,
                        "manifest": base64.b64encode(manifest.to_json()).decode("ascii"),
                        "ops": base64.b64encode(payload.encode(body)).decode("ascii"),
                        "received_at": _now(),
                    },
                )
            _remove(path)


def _refuse_device(
    tx: Transaction,
    conn: sqlite3.Connection,
    device: str,
    entry: dict[str, Any],
    manifest: bundle.Manifest,
    body: payload.Payload,
    reason: str,
    report: HubReport,
) -> str:
    refusal = {"reason": reason, "at": _now(), "told": False}
    tx.put_local("sync_peers", device, {**entry, "refused": refusal})
    _keep(tx, manifest, payload.encode(body), reason)
    report.refused.append(
        {
            "file": manifest.bundle_id,
            "device": device,
            "reason": reason,
            "message": _refusal_text(reason, str(entry.get("name", device))),
        }
    )
    return "refused"


def _refusal_text(reason: str, name: str) -> str:
    if reason == "rolled_back":
        return _(
            "De laptop van {name} stuurde een oudere stand dan het centrale kantoor al had "
            "ontvangen (een teruggezette kopie). Niets is toegepast; de niet verzonden "
            "wijzigingen zijn apart gezet. Richt de laptop opnieuw in."
        ).format(name=name)
    if reason == "diverged":
        return _(
            "De laptop van {name} stuurde andere wijzigingen onder nummers die al waren "
            "ontvangen (een gekopieerd dossier). Niets is toegepast; de wijzigingen zijn "
            "apart gezet. Richt de laptop opnieuw in."
        ).format(name=name)
    return _("Een bundel van {name} is geweigerd en apart gezet.").format(name=name)


def _apply_device_bundle(
    cb: Casebook,
    device: str,
    manifest: bundle.Manifest,
    body: payload.Payload,
    hub_id: str,
    report: HubReport,
    sums: HouseholdSums,
) -> str:
    """'applied', 'duplicate', 'gap' or 'refused'; one transaction."""
    rows = Rows()
    with cb.transaction(actor=_("uitwisseling")) as tx:
        outcome = _take_bundle(tx, device, manifest, body, hub_id, report, sums, rows)
    sums.moved(rows)
    return outcome


def _take_bundle(
    tx: Transaction,
    device: str,
    manifest: bundle.Manifest,
    body: payload.Payload,
    hub_id: str,
    report: HubReport,
    sums: HouseholdSums,
    rows: Rows,
) -> str:
    conn = tx._conn
    entry = dict(st.get_in(conn, "sync_peers", device) or {})
    acked = int(entry.get("acked", 0))
    head = str(entry.get("chain_head", ""))
    claimed = int(manifest.acks.get(hub_id, 0))
    newest = str(entry.get("newest_bundle_at", ""))
    if claimed < int(entry.get("position_acked", 0)) and manifest.created_at > newest:
        # Made after the newest bundle seen, yet it knows less than that one did:
        # the laptop is running on an older copy of its casebook. (An older bundle
        # delivered late says stale things about positions; its changes are still
        # checked one by one below.)
        return _refuse_device(tx, conn, device, entry, manifest, body, "rolled_back", report)
    entry["newest_bundle_at"] = max(newest, manifest.created_at)
    baseline = body.controls.get("baseline")
    taken: list[Change] = []
    for change in body.changes:
        if change.device != device or not change.ops:
            return _refuse_device(tx, conn, device, entry, manifest, body, "damaged", report)
    if isinstance(baseline, dict) and acked < int(baseline.get("last_seq", 0)):
        last = int(baseline["last_seq"])
        taken += [c for c in body.changes if c.last_seq <= last]
        acked, head = last, str(baseline.get("chain_head", ""))
    for change in body.changes:
        if isinstance(baseline, dict) and change.last_seq <= int(baseline.get("last_seq", 0)):
            continue
        if change.last_seq <= acked:
            known = conn.execute(
                "SELECT c.digest FROM changes c JOIN devices d ON d.id = c.device "
                "WHERE d.device = ? AND c.first_seq = ? AND c.digest IS NOT NULL",
                (device, change.first_seq),
            ).fetchone()
            if known is not None and change.digest and known[0] != change.digest:
                return _refuse_device(tx, conn, device, entry, manifest, body, "diverged", report)
            continue
        if change.first_seq != acked + 1:
            if taken:
                break  # apply what connects now; the rest waits
            return "gap"
        if not change.digest_holds():
            return _refuse_device(tx, conn, device, entry, manifest, body, "damaged", report)
        if head and change.prev != head:
            return _refuse_device(tx, conn, device, entry, manifest, body, "diverged", report)
        taken.append(change)
        acked, head = change.last_seq, change.digest
    try:
        check_schema(manifest.schema_version, migrations.schema_version(conn))
    except InvalidRemoteChange as exc:
        # made by a newer Klantapp: nothing of it is taken until the office is updated,
        # and the laptop is told why its changes stay unacknowledged
        _keep(tx, manifest, payload.encode(body), "newer_version")
        older = {"office": migrations.schema_version(conn), "laptop": manifest.schema_version}
        tx.put_local("sync_peers", device, {**entry, OFFICE_OLDER: older})
        report.quarantined.append(
            {"bundle": manifest.bundle_id, "device": device, "reason": "newer_version"}
        )
        report.refused.append(
            {
                "file": manifest.bundle_id,
                "device": device,
                "reason": "newer_version",
                "message": str(exc),
            }
        )
        return "refused"
    # what this office holds of every row the bundle writes, read once: for the owner
    # check, the merge and the state-digest sums
    states = row_states(conn, [(op.table, op.row_id) for c in taken for op in c.ops])
    allowed = _authorised(conn, device, entry, taken, states)
    allowed, office_writes = office_rows.split(conn, allowed)  # the office's settings
    # an older laptop's removed fields translated; a change the office cannot take is
    # kept aside on its own, acknowledged and named to the laptop
    translation = removed.translate(conn, allowed)
    sums.catch_up(conn)
    translated = [(op.table, op.row_id) for c in translation.changes for op in c.ops]
    states.update(row_states(conn, [key for key in translated if key not in states]))
    rows.add_states(states)  # the merge moves these on: the sums take them as they end
    rows.add_before(conn, translation.rows())
    received = apply_changes(
        tx, conn, translation.changes, keep_losers=True, checked=True, states=states
    )
    removed.write(tx, conn, translation)
    _renumber_pip_versions(tx, conn, received.households, rows)
    for aside in [*office_writes, *translation.set_aside]:
        key = _keep_change(tx, device, aside)
        report.quarantined.append({"bundle": key, "device": device, "reason": aside.reason})
    rows.finish(conn, created=[(op.table, op.row_id) for op in tx.ops])
    report.received += 1
    report.applied_changes += received.changes
    report.conflicts += received.conflicts
    sent = entry.get("sent_digests", {})
    expected = sent.get(str(claimed)) if manifest.state_digest else None
    if office_writes or (expected is not None and expected != manifest.state_digest):
        # the digests disagree, or the laptop holds a value of the office's settings
        # that was kept aside here: its caseload and the shared data go whole again
        # (the laptop then takes the office's rows in place of its own)
        entry["resend_all"] = True
        sums.forget(device)
        if not office_writes:
            report.digest_differed.append(device)
    held = set(body.controls.get("held", []))
    entry["releases"] = {
        hid: position
        for hid, position in _as_positions(entry.get("releases", {})).items()
        if position == 0 or claimed < position or hid in held
    }
    entry["full"] = {
        hid: position
        for hid, position in _as_positions(entry.get("full", {})).items()
        if position == 0 or claimed < position
    }
    if entry.get("resend_all") not in (None, False, True) and claimed >= int(entry["resend_all"]):
        entry["resend_all"] = False
    if device in manifest.prerequisites:  # the acknowledgement it has received
        entry["peer_acked"] = int(manifest.prerequisites[device])
    entry.pop(OFFICE_OLDER, None)  # the office has been updated since, if it said so
    entry.update(
        roster_version=manifest.roster_version,
        acked=acked,
        chain_head=head,
        position_acked=max(claimed, int(entry.get("position_acked", 0))),
        last_sync_at=_now(),
        digest_version=digest.answerable(body.controls),
    )
    tx.put_local("sync_peers", device, entry)
    return "applied" if taken else "duplicate"


def _renumber_pip_versions(
    tx: Transaction, conn: sqlite3.Connection, households: set[str], rows: Rows
) -> None:
    """Two devices may each have made version N of a person's PIP (around a handover):
    the one written later (by clock) becomes the person's next version, here, as an
    edit of the office that reaches every replica."""
    if not households:
        return
    found = conn.execute(
        "SELECT p.id, p.person_id, p.version, c.hlc, d.device FROM pips p "
        "JOIN clocks c ON c.tbl = 'pips' AND c.row_id = p.id AND c.field = '' "
        "JOIN devices d ON d.id = c.device "
        "WHERE p.household_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY p.person_id, p.version, c.hlc, d.device",
        (json.dumps(sorted(households)),),
    ).fetchall()
    highest: dict[str, int] = {}
    for _pip, person, version, _hlc, _dev in found:
        highest[person] = max(highest.get(person, 0), int(version))
    seen: set[tuple[str, int]] = set()
    renumbered: dict[str, int] = {}
    for pip, person, version, _hlc, _dev in found:
        if (person, version) in seen:
            highest[person] += 1
            renumbered[pip] = highest[person]
        else:
            seen.add((person, version))
    rows.add_before(conn, [("pips", pip) for pip in renumbered])
    for pip, version in renumbered.items():
        tx.update("pips", pip, {"version": version})


def _as_positions(value: Any) -> dict[str, int]:
    """Households with the hub position they were (last) sent at (0: not yet)."""
    if isinstance(value, dict):
        return {str(k): int(v) for k, v in value.items()}
    return {str(k): 0 for k in value or ()}


def _authorised(
    conn: sqlite3.Connection,
    device: str,
    entry: dict[str, Any],
    changes: list[Change],
    states: dict[RowKey, RowState],
) -> list[Change]:
    """The changes without operations their device may not make: edits of a household
    it does not own (unless it was handed away and the device had not yet heard), and
    any change of ownership other than claiming a household nobody owns. The household
    of every row and the owner of every household are read once for the whole bundle;
    a claim counts within its own change (the rows are written after all are checked)."""
    releases = _as_positions(entry.get("releases", {}))
    of_row = _households_of_ops(conn, [op for c in changes for op in c.ops], states)
    stored = _owners(conn, {h for h in of_row.values() if h is not None})
    out = []
    for change in changes:
        owners = dict(stored)
        kept: list[Op] = []
        for op in change.ops:
            if op.table not in HOUSEHOLD_TABLES:
                kept.append(op)
                continue
            household = of_row.get((op.table, op.row_id, _given_household(op)))
            if household is None:
                kept.append(op)
                continue
            owner = owners.get(household)
            if owner not in (None, device) and household not in releases:
                continue
            if op.table == "households" and op.data and "owner" in op.data:
                if op.data["owner"] != device or owner not in (None, device):
                    data = {k: v for k, v in op.data.items() if k != "owner"}
                    if op.op == "insert":
                        data["owner"] = owner if owner is not None else device
                    if not data:
                        continue
                    op = replace(op, data=data)
                owners[household] = device if owner is None else owner
            kept.append(op)
        if len(kept) == len(change.ops) and all(
            a is b for a, b in zip(kept, change.ops, strict=True)
        ):
            out.append(change)  # nothing dropped or trimmed (the usual case)
        elif kept:
            out.append(replace(change, ops=tuple(kept)))
    return out


def _given_household(op: Op) -> str | None:
    if op.table == "households":
        return op.row_id
    if op.data and op.data.get("household_id"):
        return str(op.data["household_id"])
    return None


def _households_of_ops(
    conn: sqlite3.Connection, ops: list[Op], states: dict[RowKey, RowState]
) -> dict[tuple[str, str, str | None], str | None]:
    """The household each operation is about, keyed by (table, row id, the household the
    operation names itself): the one it names, else the row's as stored here (in
    ``states``), else the one its tombstone kept. One query per table for the rows
    that are gone."""
    out: dict[tuple[str, str, str | None], str | None] = {}
    unnamed: list[RowKey] = []
    for op in ops:
        if op.table not in HOUSEHOLD_TABLES:
            continue
        given = _given_household(op)
        if given is not None:
            out[(op.table, op.row_id, given)] = given
            continue
        state = states.get((op.table, op.row_id))
        if state is not None and state.values is not None:
            stored = state.values.get("household_id")
            out[(op.table, op.row_id, None)] = None if stored is None else str(stored)
        else:
            unnamed.append((op.table, op.row_id))
    for (table, row_id), household in households_of(conn, dict.fromkeys(unnamed)).items():
        out[(table, row_id, None)] = household
    return out


def _owners(conn: sqlite3.Connection, households: set[str]) -> dict[str, str | None]:
    if not households:
        return {}
    return dict(
        conn.execute(
            "SELECT id, owner FROM households WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(households)),),
        ).fetchall()
    )


# --- writing the bundles for the devices ------------------------------------------


class _Recent:
    """What was written after the oldest position any device acknowledged: computed once
    per run, then looked up per device by the households it owns (not filtered row by
    row for every device)."""

    def __init__(self, conn: sqlite3.Connection, oldest: int) -> None:
        # per row: its place in the order written, and per origin device the newest
        # change of that device that wrote it
        self._rows: dict[RowKey, tuple[int, dict[str, int]]] = {}
        for key, change_id, origin in writes_since(conn, oldest):
            entry = self._rows.get(key)
            if entry is None:
                entry = self._rows[key] = (len(self._rows), {})
            entry[1][origin] = change_id
        household = households_of(conn, self._rows)
        # a deleted (destroyed) household's owner is kept with its tombstone, so the
        # owner's laptop hears of the deletion too
        owner = dict(
            conn.execute(
                "SELECT row_id, owner FROM tombstones WHERE tbl = 'households' "
                "AND owner IS NOT NULL UNION ALL SELECT id, owner FROM households"
            ).fetchall()
        )
        self._by_household: dict[str, list[RowKey]] = defaultdict(list)
        self._by_owner: dict[str, list[RowKey]] = defaultdict(list)
        self._shared: list[RowKey] = []
        for key in self._rows:
            hid = household.get(key)
            if hid is None:
                if key[0] in SHARED_TABLES or key[0] == "conflicts":
                    self._shared.append(key)
                continue
            self._by_household[hid].append(key)
            if (holder := owner.get(hid)) is not None:
                self._by_owner[holder].append(key)

    def for_device(self, device: str, since: int, extra: set[str]) -> list[RowKey]:
        """The rows of ``device``'s households (and of ``extra``) and the shared rows that
        someone else wrote after local change ``since``, in the order written. A row only
        the device itself wrote since then holds nothing it lacks: what it sent is not
        sent back (see :func:`_without_echo`)."""
        candidates = [*self._by_owner.get(device, ()), *self._shared]
        for hid in extra:
            candidates += self._by_household.get(hid, ())
        out = []
        for key in dict.fromkeys(candidates):
            _order, writers = self._rows[key]
            if any(change_id > since for origin, change_id in writers.items() if origin != device):
                out.append(key)
        out.sort(key=lambda key: self._rows[key][0])
        return out


def _household_rows(conn: sqlite3.Connection, households: set[str]) -> list[RowKey]:
    rows: list[RowKey] = []
    for hid in sorted(households):
        rows.append(("households", hid))
        for table in HOUSEHOLD_TABLES[1:]:
            rows += [
                (table, r[0])
                for r in conn.execute(f"SELECT id FROM {table} WHERE household_id = ?", (hid,))
            ]
    return rows


def _renew_roster(cb: Casebook, pair: keys.KeyPair) -> None:
    with cb.reading() as conn:
        current = current_roster(conn)
    expires = datetime.fromisoformat(current.expires_at.replace("Z", "+00:00"))
    if expires - datetime.now(UTC) > ROSTER_RENEW:
        return
    with cb.transaction() as tx:
        _store_roster(tx, roster.reissued(current, now=datetime.now(UTC)), pair)


def _write_bundles(
    cb: Casebook,
    folder: Path,
    hub_id: str,
    pair: keys.KeyPair,
    report: HubReport,
    sums: HouseholdSums,
) -> list[_Sent]:
    _renew_roster(cb, pair)
    with cb.reading() as conn:
        peers = st.all_of(conn, "sync_peers")
        gemeente = str(require_hub(conn)["gemeente"])
        roster_doc = roster_control(conn)
        schema = migrations.schema_version(conn)
        set_aside = _set_aside_of(st.all_of(conn, "sync_quarantine"))
    names = {device: str(entry.get("name", "")) for device, entry in peers.items()}
    names[hub_id] = _("het centrale kantoor")
    active = {d: e for d, e in peers.items() if e.get("status") == ACTIVE}
    with cb.reading() as conn:
        known = [int(e.get("position_acked", 0)) for e in active.values()]
        recent = _Recent(conn, min([p for p in known if p > 0], default=_position(conn)))
    sent: list[_Sent] = []
    shared: int | None = None  # the shared rows' digest sum, once per run
    for device, entry in active.items():
        with cb.reading() as conn:
            position = _position(conn)
            since = int(entry.get("position_acked", 0))
            controls: dict[str, Any] = {
                "names": names,
                "acked_digest": str(entry.get("chain_head", "")),
            }
            refused = entry.get("refused")
            if refused:
                if refused.get("told"):
                    continue
                controls["refused"] = {"reason": refused["reason"]}
                changes: list[Change] = []
                states: dict[RowKey, RowState] = {}
            else:
                full_households = set(_as_positions(entry.get("full", {})))
                releases = set(_as_positions(entry.get("releases", {})))
                whole = bool(entry.get("resend_all")) or since == 0
                if whole:  # a first bundle, or the digests disagreed: the caseload whole
                    rows = [
                        *scope_rows(conn, device),
                        *(("households", h) for h in sorted(releases)),
                    ]
                    full_households = set()
                    if entry.get("resend_all"):
                        controls["full"] = True
                else:
                    rows = recent.for_device(device, since, releases)
                whole_rows = _household_rows(conn, full_households)
                states = row_states(conn, [*rows, *whole_rows])
                changes = state_delta(conn, rows, 0 if whole else since, states)
                if not whole:
                    changes = [
                        _without_echo(c, device, int(entry.get("acked", 0))) for c in changes
                    ]
                if whole_rows:
                    changes += state_delta(conn, whole_rows, 0, states)
                changes = [c for c in changes if c.ops]
                if int(entry.get("roster_version", 0)) < int(roster_doc["version"]):
                    controls["roster"] = roster_doc
                controls["set_aside"] = set_aside.get(device, [])
                if entry.get(OFFICE_OLDER):
                    controls[OFFICE_OLDER] = entry[OFFICE_OLDER]
            last = entry.get("last_sent") or {}
            # Nothing new for it: no data, no roster or refusal to tell, and no
            # acknowledgement it lacks -- a new one, or one it evidently did not get (it
            # wrote again since our last bundle, still waiting for it). Its position
            # moving on alone is no news.
            acked = int(entry.get("acked", 0))
            lacks_ack = last.get("acked") != acked or (
                int(entry.get("peer_acked", acked)) < acked
                and str(entry.get("last_sync_at", "")) > str(last.get("at", ""))
            )
            unchanged = (
                not changes
                and "roster" not in controls
                and "refused" not in controls
                and "full" not in controls
                and not lacks_ack
                and "since" in last
                # a change kept aside here, or no longer (dismissed): the laptop is told
                and last.get("set_aside", []) == controls.get("set_aside", [])
                # likewise that the office is older than the laptop, or no longer
                and last.get(OFFICE_OLDER) == controls.get(OFFICE_OLDER)
            )
            if unchanged:
                continue
            version = int(entry.get("digest_version", 2))
            if refused:
                state = ""
            elif version == digest.LATEST:
                if shared is None:
                    shared = digest.shared_sum(conn)
                state = sums.digest(conn, device, shared)
            else:  # a laptop of an older version answers in the older definition
                state = digest.state_digest(conn, device, version)
            controls[digest.CONTROL] = version
        manifest, data = bundle.write_bundle(
            hub_id=hub_id,
            gemeente=gemeente,
            sender=hub_id,
            schema_version=schema,
            roster_version=int(roster_doc["version"]),
            ops_jsonl=payload.encode(payload.Payload(changes, controls)),
            signer=pair.signing,
            recipients=[str(entry["age_recipient"])],
            ranges={hub_id: (since, position)},
            prerequisites={hub_id: since},
            acks={device: int(entry.get("acked", 0))},
            state_digest=state,
        )
        written = transport.send(
            folder, sender=hub_id, to=device, bundle_id=manifest.bundle_id, data=data
        )
        for old in _waiting_for(folder, hub_id, device, manifest.bundle_id):
            _remove(old)
        report.written.append(written.name)
        sent.append(
            _Sent(
                device,
                entry,
                since,
                position,
                state,
                controls.get("set_aside", []),
                controls.get(OFFICE_OLDER),
            )
        )
    return sent


@dataclass
class _Sent:
    device: str
    entry: dict[str, Any]  # the device's entry as the bundle was made from it
    since: int
    position: int
    digest: str
    set_aside: list[Any]  # what the bundle told of the device's changes kept aside
    office_older: dict[str, int] | None  # what it told of the office's older version


def _record_sent(tx: Transaction, sent: _Sent) -> None:
    fresh = dict(st.get_in(tx._conn, "sync_peers", sent.device) or sent.entry)
    position = sent.position
    sent_digests = dict(fresh.get("sent_digests", {}))
    if sent.digest:
        sent_digests[str(position)] = sent.digest
    for key in sorted(sent_digests, key=int)[:-KEEP_DIGESTS]:
        del sent_digests[key]
    fresh["sent_digests"] = sent_digests
    fresh["last_sent"] = {
        "acked": sent.entry.get("acked"),
        "since": sent.since,
        "position": position,
        "at": _now(),
        "set_aside": sent.set_aside,
        OFFICE_OLDER: sent.office_older,
    }
    fresh["full"] = {
        hid: (pos or position) for hid, pos in _as_positions(fresh.get("full", {})).items()
    }
    fresh["releases"] = {
        hid: (pos or position) for hid, pos in _as_positions(fresh.get("releases", {})).items()
    }
    if fresh.get("resend_all") is True:
        fresh["resend_all"] = position
    refused = sent.entry.get("refused")
    if refused:
        fresh["refused"] = {**refused, "told": True}
    tx.put_local("sync_peers", sent.device, fresh)


def _without_echo(change: Change, device: str, acked: int) -> Change:
    """A device need not get back the operations it sent itself."""
    if change.device != device:
        return change
    ops = tuple(op for op in change.ops if op.seq > acked)
    return Change(
        change.device, change.at, change.actor, ops, change.summary, change.prev, change.digest
    )


def _waiting_for(folder: Path, hub_id: str, device: str, keep: str) -> list[Path]:
    directory = transport.address_folder(folder, device)
    if not directory.is_dir():
        return []
    out = []
    for path in directory.iterdir():
        parsed = transport.parse_name(path.name)
        if parsed and parsed[0] == hub_id and parsed[2] != keep:
            out.append(path)
    return out


# --- keeping things aside -----------------------------------------------------------


def _keep(tx: Transaction, manifest: bundle.Manifest, ops: bytes, reason: str) -> None:
    """Keep a bundle aside, once: a device that sends the same changes again (it was
    not told, or cannot hear the office yet) adds no second entry; the first one
    counts how often they came."""
    content = _content(ops)
    for key, value in st.all_of(tx._conn, "sync_quarantine").items():
        if value.get("device") == manifest.sender and value.get("content") == content:
            again = {**value, "times": int(value.get("times", 1)) + 1, "last_received_at": _now()}
            tx.put_local("sync_quarantine", key, again)
            return
    tx.put_local(
        "sync_quarantine",
        manifest.bundle_id,
        {
            "device": manifest.sender,
            "reason": reason,
            "received_at": _now(),
            "manifest": json.loads(manifest.to_json()),
            "ops": base64.b64encode(ops).decode("ascii"),
            "content": content,
        },
    )


def _content(ops: bytes) -> str:
    """What a kept bundle holds, whatever bundle carried it: its changes by origin,
    numbers and digest (the whole payload if it cannot be read)."""
    try:
        changes = payload.decode(ops).changes
    except payload.PayloadError:
        return hashlib.sha256(ops).hexdigest()
    lines = "".join(f"{c.device} {c.first_seq} {c.last_seq} {c.digest}\n" for c in changes)
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def _change_key(change: Change, reason: str) -> str:
    prefix = "change" if reason == "removed_field" else reason
    return f"{prefix}-{change.device}-{change.first_seq}"


def _keep_change(tx: Transaction, device: str, aside: removed.SetAside) -> str:
    """Keep one change aside (it cannot be applied without a person deciding); its
    acknowledgement still goes out, so the laptop's later changes are not held up, and
    the laptop is told of it (``told``) for as long as it is kept here. Returns its
    key in the quarantine."""
    change, reason = aside.change, aside.reason
    key = _change_key(change, reason)
    tx.put_local(
        "sync_quarantine",
        key,
        {
            "device": device,
            "reason": reason,
            "message": aside.message,
            "received_at": _now(),
            "manifest": {"ranges": {device: [change.first_seq, change.last_seq]}},
            "ops": base64.b64encode(payload.encode(payload.Payload([change], {}))).decode(),
            "told": {
                "first_seq": change.first_seq,
                "last_seq": change.last_seq,
                "at": change.at,
                "message": aside.message,
                "reason": reason,
            },
        },
    )
    return key


def _set_aside_of(kept: dict[str, Any]) -> dict[str, list[Any]]:
    """Per device, what it is told of its changes kept aside here (see _keep_change)."""
    out: dict[str, list[Any]] = {}
    for value in kept.values():
        if value.get("told"):
            out.setdefault(str(value.get("device", "")), []).append(value["told"])
    return out


def _quarantine(
    cb: Casebook,
    manifest: bundle.Manifest,
    ops: bytes,
    reason: str,
    report: HubReport,
    *,
    inbox_key: str | None = None,
) -> None:
    """Keep a bundle aside; one from the inbox (``inbox_key``) leaves it in the same
    transaction."""
    with cb.transaction() as tx:
        _keep(tx, manifest, ops, reason)
        if inbox_key is not None:
            tx.delete_local("sync_inbox", inbox_key)
    report.quarantined.append(
        {"bundle": manifest.bundle_id, "device": manifest.sender, "reason": reason}
    )


def _set_aside(folder: Path, path: Path) -> None:
    """A refused file leaves the inbox folder but is not deleted: someone may want to
    look at it (it is ciphertext)."""
    target = Path(folder) / "refused"
    with contextlib.suppress(OSError):
        target.mkdir(exist_ok=True)
        os.replace(path, target / path.name)


def _remove(path: Path, *, durable: bool = True) -> None:
    with contextlib.suppress(OSError):
        transport.remove(path, durable=durable)


__all__ = ["ROSTER", "HubReport", "sync"]
