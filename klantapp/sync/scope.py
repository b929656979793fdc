"""Who may hold what: a laptop holds the households it owns and the shared data.

- Household data: a household and every record with its ``household_id`` (members,
  intake, PIPs, appointments, handhaving, referrals, notes) and the conflicts about
  them. Only the owner device edits it; the central office (the hub) reassigns owners.
- Shared data: ketenpartners, the gemeente's shared settings, and conflicts about
  shared data. Every laptop holds it.
- Device settings and every local table never leave the device.
"""

from __future__ import annotations

import sqlite3

from klantapp.casebook.ops import HOUSEHOLD_TABLES, REPLICATED_TABLES

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


__all__ = ["HOUSEHOLD_TABLES", "SHARED_TABLES", "households_of", "owner_of"]
