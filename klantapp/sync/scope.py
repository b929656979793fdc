"""Who may hold what: a laptop holds the households it owns and the shared data.

- Household data: a household and every record with its ``household_id`` (members,
  intake, PIPs, appointments, handhaving, referrals, notes), its inzage requests and
  audit entries (``AVG_TABLES``) and the conflicts about them. Only the owner device
  edits it; the central office (the hub) reassigns owners. An audit entry about no
  household (an export of everything) goes to the office and to no laptop.
- Shared data: ketenpartners, the gemeente's shared settings, and conflicts about
  shared data. Every laptop holds it.
- Device settings and every local table never leave the device.
"""

from __future__ import annotations

import sqlite3

from klantapp.casebook.ops import (
    APPEND_ONLY_TABLES,
    AVG_TABLES,
    HOUSEHOLD_TABLES,
    REPLICATED_TABLES,
    Op,
    is_destruction,
)
from klantapp.i18n import _

#: Replicated tables every laptop holds whole.
SHARED_TABLES: tuple[str, ...] = tuple(
    sorted(t for t in REPLICATED_TABLES if t not in HOUSEHOLD_TABLES)
)


def owner_of(conn: sqlite3.Connection, household_id: str) -> str | None:
    row = conn.execute("SELECT owner FROM households WHERE id = ?", (household_id,)).fetchone()
    return None if row is None else row[0]


def households_of(conn: sqlite3.Connection, device: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT id FROM households WHERE owner = ? ORDER BY id", (device,)
        ).fetchall()
    ]


def avg_op_problem(op: Op) -> str | None:
    """Why an operation on an AVG table (``AVG_TABLES``) from another device is refused,
    or None: only its own columns; an audit entry is only ever added, by the device it
    names as its origin, and removed only by a destruction."""
    if op.table not in AVG_TABLES:
        return None
    if op.table in APPEND_ONLY_TABLES:
        if op.op == "update" or (op.op == "delete" and not is_destruction(op)):
            return _("een regel van het logboek kan niet worden gewijzigd of verwijderd")
        if op.op == "insert" and (op.data or {}).get("device") != op.device:
            return _("een regel van het logboek noemt een ander apparaat dan het zijne")
    unknown = sorted(set(op.data or {}) - set(AVG_TABLES[op.table]))
    if op.op != "delete" and unknown:
        return _("een wijziging bevat onbekende velden: {fields}").format(fields=", ".join(unknown))
    return None


__all__ = ["HOUSEHOLD_TABLES", "SHARED_TABLES", "avg_op_problem", "households_of", "owner_of"]
