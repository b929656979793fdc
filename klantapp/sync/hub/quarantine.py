"""What the office keeps aside, for a person to read and deal with (``klantapp hub
quarantine``).

Kept aside, not applied (``sync_quarantine``, inside the hub's vault): whole bundles of
a revoked or refused device (a restored or cloned laptop: its unsent changes), bundles
that could not be taken (damaged, invalid), and single changes the office cannot apply
without a person (an older laptop's removed field, a laptop's edit of the shared
settings). Each item can be listed (which device, why, when, which households, records
and fields, how many changes), shown change by change (values of health data only on
request), and dismissed: removed for good, with an audit entry saying who did it. A
change of a dismissed item that should count is made again by a person, through the
normal edit (so it merges and keeps conflicts like any other).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from klantapp.avg.inzage import withhold
from klantapp.avg.log import log_access
from klantapp.casebook import Casebook
from klantapp.casebook.ops import Change, Op
from klantapp.domain.records import RECORD_KINDS
from klantapp.errors import KlantappError
from klantapp.i18n import N_, _
from klantapp.sync import payload
from klantapp.sync import state as st
from klantapp.sync.conflicts import field_label, value_text
from klantapp.sync.hub.office import require_hub
from klantapp.sync.lines import households_of, read_row

TABLE = "sync_quarantine"

#: Why an item was kept aside, in words (the client's device screen shows them too).
REASONS: dict[str, str] = {
    "revoked": N_("Het apparaat is ingetrokken; de bundel is niet toegepast."),
    "refused_device": N_("Het apparaat is geweigerd; de bundel is niet toegepast."),
    "rolled_back": N_("Een teruggezette, oudere kopie van het dossier stuurde deze bundel."),
    "diverged": N_("Een gekopieerd dossier stuurde deze bundel onder bestaande nummers."),
    "damaged": N_("De bundel is beschadigd."),
    "invalid": N_("De bundel bevat een wijziging die niet klopt; niets ervan is toegepast."),
    "removed_field": N_(
        "Een wijziging van een oudere versie van Klantapp die niet vanzelf is om te zetten: "
        "zij is niet toegepast, de latere wijzigingen van die laptop wel."
    ),
    "invalid_change": N_(
        "Een wijziging die de regels van het centrale kantoor niet aannemen: zij is niet "
        "toegepast, de latere wijzigingen van die laptop wel."
    ),
    "newer_version": N_(
        "De bundel is gemaakt met een nieuwere versie van Klantapp. De laptop stuurt zijn "
        "wijzigingen opnieuw; ze worden ontvangen zodra het centrale kantoor is bijgewerkt."
    ),
    "shared_setting": N_(
        "Een wijziging van de gedeelde instellingen door een laptop: die beheert het centrale "
        "kantoor. Zij is niet toegepast, de rest van de wijziging wel."
    ),
}

_VERBS = {"insert": N_("toegevoegd"), "update": N_("gewijzigd"), "delete": N_("verwijderd")}


class NotKept(KlantappError):
    """No item with that id is kept aside."""


@dataclass(frozen=True)
class _Item:
    id: str
    value: dict[str, Any]
    changes: list[Change] | None  # None: not readable (a damaged bundle)


def _changes(value: dict[str, Any]) -> list[Change] | None:
    try:
        return payload.decode(base64.b64decode(str(value.get("ops", "")), validate=True)).changes
    except (payload.PayloadError, binascii.Error, ValueError, KeyError, TypeError):
        return None


def _items(cb: Casebook) -> tuple[list[_Item], dict[str, Any]]:
    with cb.reading() as conn:
        require_hub(conn)
        kept = st.all_of(conn, TABLE)
        peers = st.all_of(conn, "sync_peers")
    return [_Item(k, v, _changes(v)) for k, v in kept.items()], peers


def _one(cb: Casebook, item_id: str) -> tuple[_Item, dict[str, Any]]:
    items, peers = _items(cb)
    for item in items:
        if item.id == item_id:
            return item, peers
    raise NotKept(
        _("Er is niets apart gezet met id {id}.").format(id=item_id),
        hint=_("Bekijk de ids met: klantapp hub quarantine KANTOOR"),
    )


def _op_household(op: Op, found: dict[tuple[str, str], str | None]) -> str | None:
    if op.table == "households":
        return op.row_id
    if op.data and op.data.get("household_id"):
        return str(op.data["household_id"])
    return found.get((op.table, op.row_id))


def _record_label(table: str) -> str:
    kind = RECORD_KINDS.get(table)
    if kind is not None:
        return _(kind.label)
    if table == "settings":
        return _("Instellingen")
    return table


def _summary(cb: Casebook, item: _Item, peers: dict[str, Any]) -> dict[str, Any]:
    value = item.value
    device = str(value.get("device", ""))
    reason = str(value.get("reason", ""))
    out: dict[str, Any] = {
        "id": item.id,
        "bundle": item.id,  # (the name it had before single changes were kept too)
        "device": device,
        "device_name": (peers.get(device) or {}).get("name") or device,
        "reason": reason,
        "reason_text": _(REASONS.get(reason, N_("De bundel is apart gezet."))),
        "message": value.get("message"),
        "received_at": value.get("received_at"),
        "times": int(value.get("times", 1)),  # the same changes sent again since
        "readable": item.changes is not None,
    }
    if item.changes is None:
        ranges = (value.get("manifest") or {}).get("ranges") or {}
        first, last = ranges.get(device, (0, 0)) if isinstance(ranges, dict) else (0, 0)
        out.update(
            changes=max(int(last) - int(first) + 1, 0) if last else 0,
            operations=None,
            households=[],
            records=[],
        )
        return out
    ops = [op for c in item.changes for op in c.ops]
    records: dict[tuple[str, str], dict[str, Any]] = {}
    with cb.reading() as conn:
        found = households_of(conn, [(op.table, op.row_id) for op in ops])
        household_ids = sorted({h for op in ops if (h := _op_household(op, found))})
        names = dict(
            conn.execute(
                "SELECT id, name FROM households WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(household_ids),),
            ).fetchall()
        )
    for op in ops:
        record = records.setdefault(
            (op.table, op.row_id),
            {
                "table": op.table,
                "record": _record_label(op.table),
                "row_id": op.row_id,
                "household_id": _op_household(op, found),
                "operations": [],
                "operation_labels": [],
                "fields": [],
                "field_labels": [],
            },
        )
        if op.op not in record["operations"]:
            record["operations"].append(op.op)
            record["operation_labels"].append(_(_VERBS.get(op.op, op.op)))
        for name in sorted(op.data or {}) if op.op != "delete" else ():
            if name not in record["fields"]:
                record["fields"].append(name)
                record["field_labels"].append(field_label(op.table, name))
    out.update(
        changes=len(item.changes),
        operations=len(ops),
        households=[{"id": h, "name": names.get(h)} for h in household_ids],
        records=list(records.values()),
    )
    return out


def listing(cb: Casebook, device_id: str | None = None) -> list[dict[str, Any]]:
    """Everything kept aside, newest first (per device, or all): who sent it, why, when,
    which households, records and fields it touches, how many changes. No values."""
    items, peers = _items(cb)
    out = [
        _summary(cb, item, peers)
        for item in items
        if device_id is None or str(item.value.get("device", "")) == device_id
    ]
    out.sort(key=lambda q: str(q["received_at"] or ""), reverse=True)
    return out


def _shown_values(
    cb: Casebook, op: Op, *, show_restricted: bool
) -> tuple[list[dict[str, Any]], bool]:
    """The op's fields, labelled, values of health data withheld unless asked for (as
    the office holds the record now, so an edit of a confidential note is withheld too),
    and whether it has such values (shown or not)."""
    data = dict(op.data or {})
    restricted: set[str] = set()
    if op.table in RECORD_KINDS:
        with cb.reading() as conn:
            current = read_row(conn, op.table, op.row_id) or {}
        merged = {**current, **data}
        clean, _any = withhold(op.table, merged)
        restricted = {k for k in data if clean.get(k) != merged.get(k)}
    hidden = set() if show_restricted else restricted
    fields = [
        {
            "field": name,
            "field_label": field_label(op.table, name),
            "value": None if name in hidden else data[name],
            "text": _("(vertrouwelijk)") if name in hidden else value_text(data[name]),
            "withheld": name in hidden,
        }
        for name in sorted(data)
    ]
    return fields, bool(restricted)


def show(cb: Casebook, item_id: str, *, show_restricted: bool = False) -> dict[str, Any]:
    """One kept item whole: its summary (as :func:`listing`) and every change in it,
    operation by operation with the values written (health data withheld unless
    ``show_restricted``)."""
    item, peers = _one(cb, item_id)
    out = _summary(cb, item, peers)
    names = {h["id"]: h["name"] for h in out["households"]}
    shown = []
    withheld = False
    for change in item.changes or []:
        ops = []
        for op in change.ops:
            fields, restricted = _shown_values(cb, op, show_restricted=show_restricted)
            withheld = withheld or (restricted and not show_restricted)
            household = next(
                (r["household_id"] for r in out["records"] if r["row_id"] == op.row_id), None
            )
            ops.append(
                {
                    "table": op.table,
                    "record": _record_label(op.table),
                    "row_id": op.row_id,
                    "household_id": household,
                    "household": names.get(household) if household else None,
                    "op": op.op,
                    "op_label": _(_VERBS.get(op.op, op.op)),
                    "seq": op.seq,
                    "fields": fields if op.op != "delete" else [],
                    "restricted": restricted and op.op != "delete",  # health data in it
                }
            )
        shown.append(
            {
                "device": change.device,
                "actor": change.actor,
                "at": change.at,
                "summary": change.summary,
                "first_seq": change.first_seq,
                "last_seq": change.last_seq,
                "operations": ops,
            }
        )
    out["change_list"] = shown
    out["withheld"] = withheld
    return out


def dismiss(cb: Casebook, item_id: str) -> dict[str, Any]:
    """Remove a kept item for good (nothing of it is applied), with an audit entry of
    who did it: the device, the reason and how many changes, never a value. A laptop
    told of a change kept aside hears in its next bundle that it is no longer kept.
    Returns the item's summary as it was."""
    item, peers = _one(cb, item_id)
    summary = _summary(cb, item, peers)
    what = _("apart gezet van {device} ({reason}, {n} wijzigingen): {id}").format(
        device=summary["device_name"], reason=summary["reason"], n=summary["changes"], id=item_id
    )
    with cb.transaction(summary=_("Apart gezette wijzigingen verwijderd")) as tx:
        tx.delete_local(TABLE, item_id)
        log_access(tx, "quarantine_dismissed", what=what)
    return summary


__all__ = ["REASONS", "NotKept", "dismiss", "listing", "show"]
