"""The access log and the audit trail: who read, exported or changed what, and when.

Changes to records come from the oplog (field names only, never values, see
``audit_log`` in the schema). Reads of restricted health notes, exports and inzage
are *audit entries* (``audit_entries``, schema 11): append-only rows of the household
they concern, each with its origin device and klantmanager, that travel with the
household like its records, so the office sees what was done on every laptop and a
laptop sees what was done about the households it holds (klantapp/sync/scope.py).
Entries of before schema 11 stay in the device's local table ``avg_access`` and are
read from there. Corrections add their "corrected" entry in ``avg_corrections`` -- the
one place an old value stays, which therefore never leaves the device.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from klantapp.casebook.apply import local_value, local_values
from klantapp.casebook.casebook import Casebook, Transaction
from klantapp.domain.records import HOUSEHOLD_CHILDREN, RECORD_KINDS
from klantapp.i18n import N_, _

#: What an access entry records, in words (the audit screen and inzage show them).
ACTIONS: dict[str, str] = {
    "restricted_read": N_("Vertrouwelijke gezondheidsgegevens ingezien"),
    "export": N_("Gegevens geëxporteerd"),
    "inzage": N_("Inzage (art. 15 AVG) gemaakt"),
    "inzage_request": N_("Inzageverzoek vastgelegd"),
    "correction": N_("Gegevens gecorrigeerd"),
    "destruction": N_("Vernietiging na bewaartermijn"),
    "monitor_export": N_("Monitor geëxporteerd"),
    "quarantine_dismissed": N_("Apart gezette wijzigingen verwijderd (centraal kantoor)"),
}


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def local_moment(at: str) -> datetime:
    """A logged moment (UTC, ISO 8601) on this computer's clock: the Logboek shows it,
    and its period filter counts days, as the klantmanager does, in local time."""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        moment = datetime.fromisoformat(at[:10])
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()


def local_time(at: str) -> str:
    """A logged moment as the Logboek and ``klantapp audit`` show it: "YYYY-MM-DD HH:MM"."""
    return local_moment(at).strftime("%Y-%m-%d %H:%M")


def log_access(
    tx: Transaction,
    action: str,
    *,
    what: str = "",
    person_id: str | None = None,
    household_id: str | None = None,
) -> None:
    """Add an audit entry inside a transaction. ``what`` names the records or the
    file, never a value of them."""
    if action not in ACTIONS:
        raise ValueError(f"unknown access action {action!r}")
    entry = {
        "at": now_utc(),
        "actor": tx.actor,
        "device": tx.device_id,
        "action": action,
        "what": what,
        "person_id": person_id,
        "household_id": household_id,
    }
    tx.insert("audit_entries", entry, row_id=str(uuid.uuid4()))


def record_access(cb: Casebook, action: str, **kw: Any) -> None:
    """An access entry as a change of its own (a read or an export)."""
    with cb.transaction(summary="") as tx:
        log_access(tx, action, **kw)


def local_entries(cb: Casebook, table: str) -> list[dict[str, Any]]:
    with cb.reading() as conn:
        rows = conn.execute(f"SELECT id, value FROM {table} ORDER BY id").fetchall()
    return [{"id": rid, **json.loads(value)} for rid, value in rows]


def shared_entries(cb: Casebook, table: str) -> list[dict[str, Any]]:
    """The rows of a replicated AVG table (``ops.AVG_TABLES``) as dicts."""
    with cb.reading() as conn:
        cur = conn.execute(f"SELECT * FROM {table} ORDER BY id")
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def access_entries(cb: Casebook) -> list[dict[str, Any]]:
    """Every audit entry this casebook holds: the shared ones (with their origin
    device), then those of before schema 11 kept on this device."""
    legacy = [{**e, "device": cb.device_id} for e in local_entries(cb, "avg_access")]
    return shared_entries(cb, "audit_entries") + legacy


def device_names(cb: Casebook) -> dict[str, str]:
    """Device id -> a name to show: the klantmanager of an enrolled laptop (the
    office's roster, or the names the office sent a laptop), "dit apparaat"."""
    # the sync state, read without klantapp.sync (the casebook's due list reaches here)
    with cb.reading() as conn:
        peers = local_values(conn, "sync_peers")
        sent = local_value(conn, "sync_state", "names") or {}
    names = {str(k): str(v) for k, v in sent.items()}
    names.update({d: str(p.get("name")) for d, p in peers.items() if p.get("name")})
    names[cb.device_id] = _("dit apparaat")
    return names


@dataclass(frozen=True)
class AuditFilter:
    person_id: str | None = None
    household_id: str | None = None
    record_id: str | None = None
    actor: str | None = None
    since: str | None = None  # YYYY-MM-DD, inclusive, a local day
    until: str | None = None  # YYYY-MM-DD, inclusive, a local day


#: Household records that concern every member when they name none (a person_id left empty).
HOUSEHOLD_WIDE = ("warm_handovers", "appointments", "referrals", "notes")


def person_scope(kind: str) -> str:
    """The SQL condition for the records of ``kind`` about one person (parameters
    ``:person`` and ``:household``, the person's household): the household itself, the
    person (not the other members), every record naming them, and the household's
    records that name no member. The inzage holds these records, and the Logboek's
    person filter their history."""
    if kind == "households":
        return "id = :household"
    if kind == "persons":
        return "id = :person"
    if "person_id" not in RECORD_KINDS[kind].field_names:
        return "household_id = :household"
    if kind in HOUSEHOLD_WIDE:
        return (
            "household_id = :household "
            "AND (person_id = :person OR person_id IS NULL OR person_id = '')"
        )
    return "person_id = :person"


def household_of_person(cb: Casebook, person_id: str) -> str | None:
    with cb.reading() as conn:
        row = conn.execute("SELECT household_id FROM persons WHERE id = ?", (person_id,)).fetchone()
    return None if row is None else str(row[0])


def rows_of_person(cb: Casebook, person_id: str) -> set[str]:
    """The ids of every record about the person (:func:`person_scope`)."""
    ids = {person_id}
    household = household_of_person(cb, person_id)
    if household is None:
        return ids
    params = {"person": person_id, "household": household}
    with cb.reading() as conn:
        for kind in ("households", *HOUSEHOLD_CHILDREN):
            sql = f"SELECT id FROM {kind} WHERE {person_scope(kind)}"
            ids.update(r[0] for r in conn.execute(sql, params))
    return ids


def rows_of_household(cb: Casebook, household_id: str) -> set[str]:
    ids = {household_id}
    with cb.reading() as conn:
        for child in HOUSEHOLD_CHILDREN:
            ids.update(
                r[0]
                for r in conn.execute(
                    f"SELECT id FROM {child} WHERE household_id = ?", (household_id,)
                )
            )
    return ids


def _add_households(cb: Casebook, entries: list[dict[str, Any]]) -> None:
    """The household of each change entry's record (while the record exists)."""
    wanted: dict[str, set[str]] = {}
    for e in entries:
        if e["household_id"] is None and e["record"] in HOUSEHOLD_CHILDREN:
            wanted.setdefault(e["record"], set()).add(e["row_id"])
    found: dict[str, str] = {}
    with cb.reading() as conn:
        for kind, ids in wanted.items():
            found.update(
                conn.execute(
                    f"SELECT id, household_id FROM {kind} "
                    "WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps(sorted(ids)),),
                ).fetchall()
            )
    for e in entries:
        if e["household_id"] is None:
            e["household_id"] = found.get(e["row_id"])


def _about_person(person_id: str, household: str | None) -> Callable[[dict[str, Any]], bool]:
    """An access entry about the person: naming them, or only their household (a read
    or export of the household's records, which are theirs too)."""

    def wanted(entry: dict[str, Any]) -> bool:
        if entry.get("person_id"):
            return bool(entry["person_id"] == person_id)
        return household is not None and entry.get("household_id") == household

    return wanted


def _about_one_of(ids: set[str]) -> Callable[[dict[str, Any]], bool]:
    """An access entry about one of these records (its household or its person)."""
    return lambda entry: entry.get("household_id") in ids or entry.get("person_id") in ids


def _record_label(tbl: str) -> str:
    rk = RECORD_KINDS.get(tbl)
    return _(rk.label) if rk else tbl


def audit_entries(cb: Casebook, flt: AuditFilter | None = None) -> list[dict[str, Any]]:
    """The audit trail, newest first: changes (record, action, fields), access
    entries and corrections, each {at, actor, kind, action, what, record, row_id,
    person_id, household_id, device} (``at``: UTC; ``device``: where it was done).
    Filters: person, household, record, klantmanager, period (local days)."""
    flt = flt or AuditFilter()
    ids: set[str] | None = None
    about: list[Callable[[dict[str, Any]], bool]] = []  # the access entries wanted
    if flt.person_id:
        ids = rows_of_person(cb, flt.person_id)
        about.append(_about_person(flt.person_id, household_of_person(cb, flt.person_id)))
    if flt.household_id:
        hh = rows_of_household(cb, flt.household_id)
        ids = hh if ids is None else ids & hh
        about.append(_about_one_of(hh))
    if flt.record_id:
        ids = {flt.record_id} if ids is None else ids & {flt.record_id}
        about.append(_about_one_of({flt.record_id}))
    out: list[dict[str, Any]] = []
    with cb.reading() as conn:
        sql = "SELECT at, actor, tbl, row_id, action, fields, device FROM audit_log"
        params: list[Any] = []
        if ids is not None:
            sql += " WHERE row_id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(sorted(ids)))
        for at, actor, tbl, row_id, action, fields, device in conn.execute(sql, params):
            if tbl not in RECORD_KINDS:
                continue
            names = []
            rk = RECORD_KINDS[tbl]
            for f in (fields or "").split(","):
                if f in rk.field_names:
                    names.append(_(rk.field(f).label))
            out.append(
                {
                    "at": at,
                    "actor": actor,
                    "kind": "change",
                    "action": action,
                    "what": ", ".join(names),
                    "record": tbl,
                    "row_id": row_id,
                    "person_id": None,
                    "household_id": row_id if tbl == "households" else None,
                    "device": device,
                }
            )
    _add_households(cb, out)
    for entry in access_entries(cb):
        if not all(wanted(entry) for wanted in about):
            continue
        out.append(
            {
                "at": entry["at"],
                "actor": entry["actor"],
                "kind": "access",
                "action": entry["action"],
                "what": entry.get("what") or _(ACTIONS.get(entry["action"], entry["action"])),
                "record": None,
                "row_id": entry.get("household_id"),
                "person_id": entry.get("person_id"),
                "household_id": entry.get("household_id"),
                "device": entry.get("device"),
            }
        )
    for entry in local_entries(cb, "avg_corrections"):
        if ids is not None and entry.get("row_id") not in ids:
            continue
        out.append(
            {
                "at": entry["at"],
                "actor": entry["actor"],
                "kind": "corrected",
                "action": "corrected",
                "what": _("{field}: was {old}; reden: {reason}").format(
                    field=entry["field_label"], old=entry["old"], reason=entry["reason"]
                ),
                "record": entry["tbl"],
                "row_id": entry["row_id"],
                "person_id": entry.get("person_id"),
                "household_id": entry.get("household_id"),
                "device": cb.device_id,
            }
        )
    if flt.actor:
        out = [e for e in out if e["actor"] == flt.actor]
    if flt.since or flt.until:
        first, last = flt.since or "0000-00-00", flt.until or "9999-99-99"
        out = [e for e in out if first <= local_moment(e["at"]).date().isoformat() <= last]
    out.sort(key=lambda e: e["at"], reverse=True)
    return out


def describe_action(entry: dict[str, Any]) -> str:
    """One line in words for an audit entry."""
    if entry["kind"] == "change":
        verb = {
            "insert": _("{record} toegevoegd"),
            "update": _("{record} gewijzigd"),
            "delete": _("{record} verwijderd"),
        }.get(entry["action"], "{record}")
        text = verb.format(record=_record_label(entry["record"]))
        return f"{text}: {entry['what']}" if entry["what"] else text
    if entry["kind"] == "corrected":
        return _("{record} gecorrigeerd: {what}").format(
            record=_record_label(entry["record"]), what=entry["what"]
        )
    return str(entry["what"])
