"""The laptop side of the exchange: join a central office, then send and receive.

``join`` makes the device keys inside the casebook, remembers the office card, makes
the office's recovery key this casebook's recovery keyslot, claims the households the
laptop holds, and writes the enrolment request for the office.

``run`` (``klantapp sync run``) takes the hub's bundles addressed to this laptop from
the folder and applies each in one transaction (merge, acknowledgements, ownership,
roster), then writes one bundle with everything the hub has not acknowledged yet. It
is safe to run at any moment and any number of times: every step is idempotent.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from klantapp.casebook import Casebook, Transaction, migrations
from klantapp.casebook.apply import ROW, Clock
from klantapp.casebook.ops import HOUSEHOLD_TABLES, OFFICE_TABLES, Change
from klantapp.errors import BundleRefused, KlantappError, Refused
from klantapp.i18n import _
from klantapp.sync import bundle, card, keys, minisign, payload, roster, transport
from klantapp.sync import state as st
from klantapp.sync.digest import CONTROL_KNOWN, VERSIONS, requested, scope_rows, state_digest
from klantapp.sync.lines import RowKey, clocks_of, state_delta
from klantapp.sync.receive import InvalidRemoteChange, apply_changes, check_schema

Progress = Callable[[str, float], None]

#: What a laptop tells about itself in sync_state.
DEVICE = "device"
OFFICE = "office"
POSITION = "position"  # the hub stream position applied (the ``to`` of its last bundle)
ACKED = "acked"  # the highest own seq the hub has acknowledged
JOIN_SEQ = "join_seq"  # own seq at joining: the first bundle describes 1..join_seq
DIGEST = "digest"  # {"position", "digest"}: the state right after a hub bundle
SENT = "sent"  # what the last bundle to the hub carried
LAST_SYNC = "last_sync"
REFUSED = "refused"
ROSTER = "roster"
NAMES = "names"  # device id -> the klantmanager's name, from the roster
SET_ASIDE = "set_aside"  # own changes the office acknowledged but keeps aside, unapplied
#: The office runs an older Klantapp than this laptop (gegevensversies): it keeps this
#: laptop's bundles aside until it is updated (see hub/exchange.py OFFICE_OLDER).
OFFICE_OLDER = "office_older"


@dataclass
class RunReport:
    received: int = 0
    applied_changes: int = 0
    sent_changes: int = 0
    bundle_written: str | None = None
    settling: int = 0  # bundles seen too new to be whole yet: read on a later run
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # (file, reason, message)
    unfinished: list[str] = field(default_factory=list)  # files left to read on a later run
    notices: list[str] = field(default_factory=list)
    released: int = 0  # households handed over that left this laptop
    refused_state: dict[str, Any] | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _role(conn: sqlite3.Connection) -> str | None:
    value = st.get_in(conn, "sync_state", "role")
    return None if value is None else str(value)


# --- join ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Joined:
    request_text: str
    device_fingerprint: str
    office_fingerprint: str
    office_card: card.OfficeCard


def join(cb: Casebook, card_text: str, name: str) -> Joined:
    """Join the office of ``card_text`` as ``name`` (the klantmanager). Re-joining the
    same office (a new request, e.g. when the first got lost) keeps the same keys. The
    caller then makes ``office_card.recovery_recipient`` the casebook's recovery key
    (:meth:`Casebook.change_recovery_key`, which needs the passphrase)."""
    office = card.read_card(card_text)
    name = name.strip()
    if not name:
        raise KlantappError(
            _("Geef uw naam: het centrale kantoor ziet die bij dit apparaat."),
        )
    with cb.reading() as conn:
        current_role = _role(conn)
        known = st.get_in(conn, "sync_state", OFFICE)
    if current_role == st.ROLE_HUB:
        raise KlantappError(_("Dit is het dossier van het centrale kantoor zelf."))
    if known is not None and known.get("hub_id") != office.hub_id:
        raise KlantappError(
            _("Dit dossier is al aangemeld bij een ander centraal kantoor ({gemeente}).").format(
                gemeente=known.get("gemeente", "")
            ),
            hint=_("Een laptop hoort bij één centraal kantoor. Maak zo nodig een nieuw dossier."),
        )
    with cb.transaction(summary=_("Aangemeld bij het centrale kantoor")) as tx:
        conn = tx._conn
        if known is None:
            pair = keys.make(tx)
            seq = int(
                conn.execute(
                    "SELECT value FROM meta WHERE key = ?", (f"seq:{cb.device_id}",)
                ).fetchone()[0]
                if conn.execute(
                    "SELECT 1 FROM meta WHERE key = ?", (f"seq:{cb.device_id}",)
                ).fetchone()
                else 0
            )
            tx.put_local("sync_state", JOIN_SEQ, seq)
            tx.put_local("sync_state", POSITION, 0)
            tx.put_local("sync_state", ACKED, 0)
        else:
            pair = keys.load(conn)
        tx.put_local(
            "sync_state",
            OFFICE,
            {
                "hub_id": office.hub_id,
                "gemeente": office.gemeente,
                "age_recipient": office.age_recipient,
                "minisign_public_key": office.minisign_public_key,
                "recovery_recipient": office.recovery_recipient,
            },
        )
        tx.put_local("sync_state", DEVICE, {"id": cb.device_id, "name": name, "joined_at": _now()})
        tx.put_local("sync_state", "role", st.ROLE_LAPTOP)
        for (hid,) in conn.execute("SELECT id FROM households WHERE owner IS NULL").fetchall():
            tx.update("households", hid, {"owner": cb.device_id})
    request, text = card.write_request(
        card=office,
        device_id=cb.device_id,
        device_name=name,
        age_recipient=pair.age_recipient,
        device_key=pair.signing,
    )
    return Joined(text, request.fingerprint(), office.fingerprint(), office)


# --- status -------------------------------------------------------------------------


def status(cb: Casebook) -> dict[str, Any]:
    """What ``klantapp sync status`` and the client's status area show."""
    with cb.reading() as conn:
        outbox = conn.execute("SELECT value FROM sync_outbox").fetchall()
        operations = sum(len(json.loads(r[0])["ops"]) for r in outbox)
        conflicts = conn.execute("SELECT count(*) FROM conflicts WHERE status = 'open'").fetchone()[
            0
        ]
        office = st.get_in(conn, "sync_state", OFFICE)
        device = st.get_in(conn, "sync_state", DEVICE)
        roster_doc = st.get_in(conn, "sync_state", ROSTER) or {}
        notices = st.all_of(conn, "sync_notices")
        return {
            "joined": office is not None,
            "gemeente": (office or {}).get("gemeente"),
            "device_id": cb.device_id,
            "device_name": (device or {}).get("name"),
            # saves (with their row operations) the office has not yet acknowledged
            "unsent_changes": len(outbox),
            "unsent_operations": operations,
            "baseline_sent": st.get_in(conn, "sync_state", ACKED, 0)
            >= st.get_in(conn, "sync_state", JOIN_SEQ, 0),
            "open_conflicts": conflicts,
            "last_sync": st.get_in(conn, "sync_state", LAST_SYNC),
            "roster_version": roster_doc.get("version", 0),
            "position": st.get_in(conn, "sync_state", POSITION, 0),
            "acknowledged_seq": st.get_in(conn, "sync_state", ACKED, 0),
            "refused": st.get_in(conn, "sync_state", REFUSED),
            "set_aside_at_office": st.get_in(conn, "sync_state", SET_ASIDE) or [],
            # the office's and this laptop's gegevensversie, while the office is older
            "office_older": st.get_in(conn, "sync_state", OFFICE_OLDER),
            "notices": [dict(v, id=k) for k, v in notices.items()],
        }


def refusal_text(reason: str) -> str:
    """What a refused laptop tells its user: what happened and what to do."""
    if reason == "rolled_back":
        return _(
            "Het centrale kantoor heeft meer van deze laptop ontvangen dan dit dossier bevat: "
            "dit is een oudere kopie. Er wordt niet meer uitgewisseld; de niet verzonden "
            "wijzigingen blijven bewaard. Neem contact op met het centrale kantoor: de laptop "
            "moet opnieuw worden ingericht."
        )
    if reason == "diverged":
        return _(
            "Een andere kopie van dit dossier heeft al andere wijzigingen naar het centrale "
            "kantoor gestuurd. Er wordt niet meer uitgewisseld; de niet verzonden wijzigingen "
            "zijn naar het centrale kantoor gestuurd om na te kijken. Neem contact op met het "
            "centrale kantoor: de laptop moet opnieuw worden ingericht."
        )
    return _(
        "Het centrale kantoor wisselt niet meer uit met deze laptop ({reason}). Neem contact "
        "op met het centrale kantoor."
    ).format(reason=reason)


def dismiss_notice(cb: Casebook, notice_id: str) -> None:
    """The user has read a notice (a household handed over): it is not shown again."""
    with cb.transaction() as tx:
        tx.delete_local("sync_notices", notice_id)


# --- run ----------------------------------------------------------------------------


def run(
    cb: Casebook,
    folder: Path,
    *,
    progress: Progress | None = None,
    settle: float = transport.SETTLE_SECONDS,
) -> RunReport:
    """Receive, apply, send. Raises only for this laptop's own problems (not joined,
    folder unreachable); refused bundles are listed in the report."""
    folder = Path(folder)
    report = RunReport()
    with cb.reading() as conn:
        if _role(conn) != st.ROLE_LAPTOP:
            raise KlantappError(
                _("Dit dossier is niet aangemeld bij een centraal kantoor."),
                hint=_("Meld het eerst aan met het kantoorkaartje (klantapp sync join)."),
            )
        pair = keys.load(conn)
        office = dict(st.get_in(conn, "sync_state", OFFICE))
        refused = st.get_in(conn, "sync_state", REFUSED)
        unreadable = st.get_in(conn, "sync_state", st.UNREADABLE) or {}
    if refused and refused.get("reported", True):
        report.refused_state = refused
        return report  # a refused laptop stops exchanging: the office must re-provision it
    if not folder.is_dir():
        raise KlantappError(
            _("De uitwisselmap {folder} is niet bereikbaar.").format(folder=folder),
            hint=_("Controleer de netwerkverbinding of de USB-stick, en probeer het opnieuw."),
        )
    hub_key = minisign.parse_public_key(office["minisign_public_key"])
    hub_id = str(office["hub_id"])

    def signer(sender: str) -> minisign.PublicKey | None:
        return hub_key if sender == hub_id else None  # only the office sends to laptops

    if progress:
        progress(_("Bundels van het centrale kantoor lezen"), 0.0)
    found, look = transport.incoming(folder, cb.device_id, settle=settle)
    report.settling = look.waiting(found)
    moment = time.time()
    still_unreadable: dict[str, Any] = {}
    for number, item in enumerate(found):
        try:
            data = item.path.read_bytes()
            manifest, ops = bundle.read_bundle(
                data, identities=[pair.age_identity], signer_key=signer, expected_hub_id=hub_id
            )
            body = payload.decode(ops)
        except BundleRefused as exc:
            note = transport.unfinished(
                exc.reason, unreadable.get(item.path.name), item.state, now=moment, settle=settle
            )
            if note is not None:  # may still be being copied in: read again next time
                still_unreadable[item.path.name] = note
                report.unfinished.append(item.path.name)
            else:
                report.refused.append((item.path.name, exc.reason, str(exc)))
            continue
        except (payload.PayloadError, OSError) as exc:
            report.refused.append((item.path.name, "damaged", str(exc)))
            continue
        try:
            _make_way_for_office_rows(cb, manifest, body)
            applied = _apply_hub_bundle(cb, manifest, body, report)
        except InvalidRemoteChange as exc:  # nothing of it was applied
            report.refused.append((item.path.name, "invalid", str(exc)))
            continue
        report.received += 1
        report.applied_changes += applied
        with contextlib.suppress(OSError):  # applied: seeing it again changes nothing
            transport.remove(item.path)
        if progress:
            progress(_("Bundels van het centrale kantoor lezen"), (number + 1) / len(found))
        if report.refused_state:
            break
    if report.released:
        # A household that left must not linger in the journal until some later close
        # happens to compact: the snapshot is rewritten now, without it.
        cb.compact(vacuum=True)
    if report.refused_state or refused:
        # Refused here (this copy differs from what the office has): send the unsent
        # changes once more, so the office keeps them aside for a person to review.
        _send(cb, folder, pair, office, report, force=True)
        with cb.transaction() as tx:
            final = dict(report.refused_state or refused or {})
            tx.put_local("sync_state", REFUSED, {**final, "reported": True})
            report.refused_state = {**final, "reported": True}
        return report
    _send(cb, folder, pair, office, report)
    with cb.transaction() as tx:
        tx.put_local("sync_state", LAST_SYNC, {"at": _now(), "ok": not report.refused})
        if still_unreadable != unreadable:
            tx.put_local("sync_state", st.UNREADABLE, still_unreadable)
    return report


def _apply_hub_bundle(
    cb: Casebook, manifest: bundle.Manifest, body: payload.Payload, report: RunReport
) -> int:
    hub_id = manifest.sender
    _start, end = manifest.ranges.get(hub_id, (0, 0))
    needs = manifest.prerequisites.get(hub_id, 0)
    controls = body.controls
    with cb.reading() as conn:
        # a bundle from a newer Klantapp stays in the folder until this one is updated
        check_schema(manifest.schema_version, migrations.schema_version(conn))
    with cb.transaction(actor=_("centraal kantoor")) as tx:
        conn = tx._conn
        position = int(st.get_in(conn, "sync_state", POSITION, 0))
        if controls.get("refused"):
            refusal = {**controls["refused"], "at": _now()}
            tx.put_local("sync_state", REFUSED, refusal)
            report.refused_state = refusal
            return 0
        ack = manifest.acks.get(cb.device_id)
        acked_digest = str(controls.get("acked_digest") or "")
        if end <= position and not controls.get("full"):
            # Nothing newer than what this laptop has (an old copy delivered again, or
            # only acknowledgements): its data is not applied -- it could bring back a
            # household that has left -- but an acknowledgement only ever grows.
            if ack is not None and not _acknowledged(
                tx, conn, cb.device_id, int(ack), acked_digest
            ):
                return _diverged(tx, report)
            _take_set_aside(tx, conn, controls, report)
            _take_office_older(tx, conn, controls, report)
            return 0
        if needs > position:
            # The office acknowledged more than this casebook holds: an older copy.
            refusal = {"reason": "rolled_back", "at": _now(), "position": position, "needs": needs}
            tx.put_local("sync_state", REFUSED, refusal)
            report.refused_state = refusal
            return 0
        if ack is not None and not _acknowledged(tx, conn, cb.device_id, int(ack), acked_digest):
            return _diverged(tx, report)
        _take_set_aside(tx, conn, controls, report)
        _take_office_older(tx, conn, controls, report)
        _take_roster(tx, conn, controls, hub_id)
        names = controls.get("names")
        if isinstance(names, dict):
            tx.put_local("sync_state", NAMES, {str(k): str(v) for k, v in names.items()})
        # signed by the office, which checked the values when they reached it
        received = apply_changes(tx, conn, body.changes, keep_losers=False, validate=False)
        if controls.get("full"):
            _missing_at_office(tx, conn, cb.device_id, body.changes, report)
        _release(tx, conn, cb.device_id, report)
        tx.put_local("sync_state", POSITION, max(position, end))
        unsent = conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0]
        # A change the office keeps aside is here and not there: until a person has
        # dealt with it, the two differ by design and the digest would only make the
        # office send the caseload again and again.
        if unsent == 0 and not st.get_in(conn, "sync_state", SET_ASIDE):
            tx.put_local(
                "sync_state",
                DIGEST,
                {
                    "position": max(position, end),
                    # in the definition the office used for its bundle
                    "digest": state_digest(conn, cb.device_id, requested(controls)),
                },
            )
        else:
            tx.delete_local("sync_state", DIGEST)
    return received.changes


def _make_way_for_office_rows(
    cb: Casebook, manifest: bundle.Manifest, body: payload.Payload
) -> None:
    """The gemeente's shared settings are the office's (``OFFICE_TABLES``): a bundle that
    describes them whole (the first one, or a full re-send) replaces what this laptop
    holds of them, values and clocks, so both sides hold the same rows and the state
    digest agrees. A row of this laptop's own (written before it joined, or by an older
    Klantapp) would otherwise win by its clock and keep the office's letterhead out.
    Rows that differ from the office's are removed first, in a transaction of their
    own (the journal replays a record's changes before its local writes); only for a
    bundle that will be applied, so a crash in between costs nothing but a moment: the
    bundle stays in the folder and brings the rows on the next run."""
    hub_id = manifest.sender
    start, end = manifest.ranges.get(hub_id, (0, 0))
    controls = body.controls
    if (start != 0 and not controls.get("full")) or controls.get("refused"):
        return
    expected: dict[RowKey, dict[str, tuple[int, str]]] = {}
    for change in body.changes:
        for op in change.ops:
            if op.table not in OFFICE_TABLES:
                continue
            clocks = expected.setdefault((op.table, op.row_id), {})
            if op.op == "insert":
                clocks.clear()
                clocks[ROW] = Clock.of(op).key
            elif op.op == "update":
                clocks.update(dict.fromkeys(op.data or {}, Clock.of(op).key))
    with cb.reading() as conn:
        check_schema(manifest.schema_version, migrations.schema_version(conn))
        position = int(st.get_in(conn, "sync_state", POSITION, 0))
        if (end <= position and not controls.get("full")) or manifest.prerequisites.get(
            hub_id, 0
        ) > position:
            return  # not applied (see _apply_hub_bundle)
        held = [
            (t, r) for t in sorted(OFFICE_TABLES) for (r,) in conn.execute(f"SELECT id FROM {t}")
        ]
        stored = clocks_of(conn, held)
    differ = [
        key
        for key in held
        if {f: c.key for f, c in stored.get(key, {}).items()} != expected.get(key)
    ]
    if differ:
        with cb.transaction() as tx:
            for table, row_id in differ:
                tx.purge(table, row_id)


def _take_roster(
    tx: Transaction, conn: sqlite3.Connection, controls: dict[str, Any], hub_id: str
) -> None:
    doc = controls.get("roster")
    if not isinstance(doc, dict):
        return
    office = st.get_in(conn, "sync_state", OFFICE) or {}
    current = st.get_in(conn, "sync_state", ROSTER) or {}
    try:
        taken = roster.verify_roster(
            str(doc.get("text", "")),
            str(doc.get("signature", "")),
            minisign.parse_public_key(office["minisign_public_key"]),
            newer_than=int(current.get("version", 0)),
            now=datetime.now(UTC),
            expected_hub_id=hub_id,
        )
    except Refused:
        return  # an older or equal roster: the one we have stays
    tx.put_local(
        "sync_state",
        ROSTER,
        {"version": taken.version, "text": doc["text"], "signature": doc["signature"]},
    )
    tx.put_local("sync_state", NAMES, {d.id: d.name for d in taken.devices})


def _acknowledged(
    tx: Transaction, conn: sqlite3.Connection, me: str, ack: int, digest: str
) -> bool:
    """The hub has applied this laptop's changes up to ``ack``, the last of them with
    ``digest``: drop them from the outbox. False (nothing dropped) when that is not
    this laptop's change: another copy of this casebook (a clone) sent different
    changes under the same numbers, so this one must stop and keep what it has."""
    current = int(st.get_in(conn, "sync_state", ACKED, 0))
    if ack <= current:
        return True
    if digest:
        row = conn.execute(
            "SELECT c.digest FROM changes c JOIN devices d ON d.id = c.device "
            "WHERE d.device = ? AND c.last_seq = ? AND c.digest IS NOT NULL",
            (me, ack),
        ).fetchone()
        if row is None or row[0] != digest:
            return False
    for row_id, value in conn.execute("SELECT id, value FROM sync_outbox").fetchall():
        last = max((int(o["s"]) for o in json.loads(value)["ops"]), default=0)
        if last <= ack:
            tx.delete_local("sync_outbox", row_id)
    tx.put_local("sync_state", ACKED, ack)
    return True


def _take_set_aside(
    tx: Transaction, conn: sqlite3.Connection, controls: dict[str, Any], report: RunReport
) -> None:
    """The office's list of this laptop's changes it keeps aside (an older version's
    change it cannot translate, docs/sync.md): they stay in this casebook as made, and
    the user is told of each once."""
    listed = controls.get("set_aside")
    if not isinstance(listed, list):
        return
    known = st.get_in(conn, "sync_state", SET_ASIDE) or []
    if listed == known:
        return
    tx.put_local("sync_state", SET_ASIDE, listed)

    def key(item: dict[str, Any]) -> tuple[Any, ...]:
        return (item.get("first_seq"), item.get("last_seq"), item.get("reason"))

    seen = {key(k) for k in known if isinstance(k, dict)}
    for item in listed:
        if not isinstance(item, dict) or key(item) in seen:
            continue
        text = _(
            "Het centrale kantoor heeft een wijziging van {at} apart gezet: {message}. "
            "Uw latere wijzigingen zijn gewoon ontvangen."
        ).format(at=str(item.get("at", ""))[:10], message=str(item.get("message", "")))
        reason = item.get("reason")
        kind = "" if reason in (None, "removed_field") else f"{reason}-"
        tx.put_local(
            "sync_notices",
            f"set-aside-{kind}{item.get('first_seq')}",
            {"at": _now(), "kind": "set_aside", "text": text},
        )
        report.notices.append(text)


def office_older_text(told: dict[str, Any]) -> str:
    """What the user of a laptop newer than its office is told."""
    return _(
        "Het centrale kantoor gebruikt een oudere versie van Klantapp (gegevensversie "
        "{office}; deze laptop {laptop}) en neemt de wijzigingen van deze laptop nog niet "
        "aan. Ze blijven hier bewaard en worden opnieuw verstuurd; ze komen aan zodra het "
        "centrale kantoor is bijgewerkt. Vraag het centrale kantoor Klantapp bij te werken."
    ).format(office=told.get("office", "?"), laptop=told.get("laptop", "?"))


def _take_office_older(
    tx: Transaction, conn: sqlite3.Connection, controls: dict[str, Any], report: RunReport
) -> None:
    """The office says it keeps this laptop's bundles aside because it runs an older
    Klantapp (or, by no longer saying so, that it has been updated): kept for the
    status, and the user is told once."""
    told = controls.get(OFFICE_OLDER)
    if not isinstance(told, dict):
        told = None
    if told == st.get_in(conn, "sync_state", OFFICE_OLDER):
        return
    if told is None:
        tx.delete_local("sync_state", OFFICE_OLDER)
        tx.delete_local("sync_notices", OFFICE_OLDER)
        return
    tx.put_local("sync_state", OFFICE_OLDER, told)
    text = office_older_text(told)
    tx.put_local("sync_notices", OFFICE_OLDER, {"at": _now(), "kind": OFFICE_OLDER, "text": text})
    report.notices.append(text)


def _diverged(tx: Transaction, report: RunReport) -> int:
    refusal = {"reason": "diverged", "at": _now(), "reported": False}
    tx.put_local("sync_state", REFUSED, refusal)
    report.refused_state = refusal
    return 0


def _unsent_households(conn: sqlite3.Connection) -> set[str]:
    touched: set[str] = set()
    for (value,) in conn.execute("SELECT value FROM sync_outbox").fetchall():
        for op in json.loads(value)["ops"]:
            if op["t"] == "households":
                touched.add(op["id"])
            elif op["t"] in HOUSEHOLD_TABLES:
                hid = (op.get("d") or {}).get("household_id")
                if hid is None:
                    found = conn.execute(
                        f"SELECT household_id FROM {op['t']} WHERE id = ?", (op["id"],)
                    ).fetchone()
                    hid = found[0] if found else None
                if hid:
                    touched.add(hid)
    return touched


def _release(tx: Transaction, conn: sqlite3.Connection, me: str, report: RunReport) -> None:
    """Households handed to another device leave this laptop once the hub holds every
    change made to them here; the user is told, never silently."""
    handed = conn.execute(
        "SELECT id, name, owner FROM households WHERE owner IS NOT NULL AND owner != ?", (me,)
    ).fetchall()
    if not handed:
        return
    waiting = _unsent_households(conn)
    names = st.get_in(conn, "sync_state", NAMES, {}) or {}
    for hid, name, owner in handed:
        if hid in waiting:
            continue
        tx.purge_household(hid)
        report.released += 1
        text = _("Huishouden {name} is overgedragen aan {owner}.").format(
            name=name, owner=names.get(owner) or _("een andere klantmanager")
        )
        tx.put_local(
            "sync_notices",
            f"handover-{hid}",
            {"at": _now(), "kind": "handover", "household": name, "to": owner, "text": text},
        )
        report.notices.append(text)


def _missing_at_office(
    tx: Transaction,
    conn: sqlite3.Connection,
    me: str,
    changes: list[Change],
    report: RunReport,
) -> None:
    """After a full re-send: a household of this laptop that the office does not have is
    never removed here (nothing is lost silently); the user and the office are told."""
    sent = {op.row_id for c in changes for op in c.ops if op.table == "households"}
    waiting = _unsent_households(conn)
    for hid, name in conn.execute(
        "SELECT id, name FROM households WHERE owner = ?", (me,)
    ).fetchall():
        if hid in sent or hid in waiting:
            continue
        text = _(
            "Het centrale kantoor heeft huishouden {name} niet. Het blijft op deze laptop; "
            "neem contact op met het centrale kantoor."
        ).format(name=name)
        tx.put_local(
            "sync_notices", f"missing-{hid}", {"at": _now(), "kind": "missing", "text": text}
        )
        report.notices.append(text)


def _send(
    cb: Casebook,
    folder: Path,
    pair: keys.KeyPair,
    office: dict[str, Any],
    report: RunReport,
    *,
    force: bool = False,
) -> None:
    with cb.reading() as conn:
        outbox = [
            Change.from_json(json.loads(v))
            for (v,) in conn.execute("SELECT value FROM sync_outbox ORDER BY id").fetchall()
        ]
        position = int(st.get_in(conn, "sync_state", POSITION, 0))
        acked = int(st.get_in(conn, "sync_state", ACKED, 0))
        join_seq = int(st.get_in(conn, "sync_state", JOIN_SEQ, 0))
        sent = st.get_in(conn, "sync_state", SENT) or {}
        digest = st.get_in(conn, "sync_state", DIGEST) or {}
        roster_doc = st.get_in(conn, "sync_state", ROSTER) or {}
        baseline: list[Change] = []
        controls: dict[str, Any] = {CONTROL_KNOWN: list(VERSIONS)}  # digests it answers in
        if acked < join_seq:
            rows = [
                (t, r)
                for t, r in scope_rows(conn, cb.device_id)
                if t in HOUSEHOLD_TABLES or t == "partners"
            ]
            # What this laptop wrote before it joined, as it is now; what it wrote since
            # travels as the changes themselves (the outbox). Not its settings: the
            # shared ones are the office's (they make way for the office's rows), the
            # device's own never leave it.
            baseline = [
                trimmed
                for c in state_delta(conn, rows, 0)
                if c.device == cb.device_id
                and (trimmed := replace(c, ops=tuple(o for o in c.ops if o.seq <= join_seq))).ops
            ]
            controls["baseline"] = {
                "last_seq": join_seq,
                "chain_head": _chain_at(conn, cb.device_id, join_seq),
            }
        held = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM households WHERE owner IS NOT NULL AND owner != ? ORDER BY id",
                (cb.device_id,),
            )
        ]
        if held:
            controls["held"] = held  # handed over, but changes to them are still unsent
        last_seq = max([join_seq if baseline else 0, *(c.last_seq for c in outbox)])
        schema = migrations.schema_version(conn)
    nothing_new = (
        not force
        and not outbox
        and not baseline
        and sent.get("position") == position
        and sent.get("acked") == acked
    )
    if nothing_new:
        return
    changes = [*baseline, *outbox]
    first = 1 if baseline else (outbox[0].first_seq if outbox else 0)
    ranges = {cb.device_id: (first, last_seq)} if changes else {}
    manifest, data = bundle.write_bundle(
        hub_id=str(office["hub_id"]),
        gemeente=str(office["gemeente"]),
        sender=cb.device_id,
        schema_version=schema,
        roster_version=int(roster_doc.get("version", 0)),
        ops_jsonl=payload.encode(payload.Payload(changes, controls)),
        signer=pair.signing,
        recipients=[str(office["age_recipient"])],
        ranges=ranges,
        # what the hub must already have of ours: also what we know it acknowledged
        prerequisites={cb.device_id: first - 1 if changes else acked},
        acks={str(office["hub_id"]): position},
        state_digest=str(digest.get("digest", "")) if digest.get("position") == position else "",
    )
    written = transport.send(
        folder,
        sender=cb.device_id,
        to=transport.HUB,
        bundle_id=manifest.bundle_id,
        data=data,
    )
    # Earlier bundles of ours that the hub has not taken yet are covered by this one.
    for item in _own_waiting(folder, cb.device_id, manifest.bundle_id):
        with contextlib.suppress(OSError):
            transport.remove(item)
    with cb.transaction() as tx:
        tx.put_local(
            "sync_state",
            SENT,
            {
                "position": position,
                "acked": acked,
                "bundle": manifest.bundle_id,
                "last_seq": last_seq,
            },
        )
    report.bundle_written = written.name
    report.sent_changes = len(changes)  # saves, as the office counts what it applied


def _own_waiting(folder: Path, me: str, keep: str) -> list[Path]:
    directory = transport.address_folder(folder, transport.HUB)
    if not directory.is_dir():
        return []
    out = []
    for path in directory.iterdir():
        parsed = transport.parse_name(path.name)
        if parsed and parsed[0] == me and parsed[2] != keep:
            out.append(path)
    return out


def _chain_at(conn: sqlite3.Connection, device: str, seq: int) -> str:
    """The digest of ``device``'s change that ends at ``seq`` ("" if it has none)."""
    row = conn.execute(
        "SELECT c.digest FROM changes c JOIN devices d ON d.id = c.device "
        "WHERE d.device = ? AND c.last_seq <= ? AND c.digest IS NOT NULL "
        "ORDER BY c.last_seq DESC LIMIT 1",
        (device, seq),
    ).fetchone()
    return "" if row is None else str(row[0])
