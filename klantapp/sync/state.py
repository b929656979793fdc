"""The local-only state of the exchange, inside the casebook (journaled, never sent).

Each local table holds JSON values by id (see migration 0003). This module names what
lives there, so the laptop and the hub read and write it in one way:

- ``sync_state``: the role ("laptop" or "hub"), the office card, this device, stream
  positions and acknowledgements, the roster, the last sync, a refusal.
- ``sync_keys``: this device's secret keys (laptop) or the office keys (hub).
- ``sync_outbox``: a laptop's changes the hub has not acknowledged.
- ``sync_inbox``: bundles waiting for a gap to be filled (hub).
- ``sync_peers``: the hub's devices: keys, status, what each has acknowledged.
- ``sync_quarantine``: bundles kept aside, not applied (revoked, refused), for review.
- ``sync_notices``: what the user must be told (a household handed over, a refusal).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from klantapp.casebook import Casebook, Transaction
from klantapp.casebook.apply import local_value, local_values

ROLE_LAPTOP = "laptop"
ROLE_HUB = "hub"
FOLDER = "folder"  # sync_state: the exchange folder chosen in the client (this device's own)
UNREADABLE = (
    "unreadable"  # sync_state: files in the folder not yet read whole (transport.unfinished)
)


def get(cb: Casebook, table: str, key: str, default: Any = None) -> Any:
    with cb.reading() as conn:
        value = local_value(conn, table, key)
    return default if value is None else value


def get_in(conn: sqlite3.Connection, table: str, key: str, default: Any = None) -> Any:
    value = local_value(conn, table, key)
    return default if value is None else value


def all_of(conn: sqlite3.Connection, table: str) -> dict[str, Any]:
    return local_values(conn, table)


def role(cb: Casebook) -> str | None:
    value = get(cb, "sync_state", "role")
    return None if value is None else str(value)


def put(tx: Transaction, table: str, key: str, value: Any) -> None:
    tx.put_local(table, key, value)


def update(tx: Transaction, conn: sqlite3.Connection, table: str, key: str, **changes: Any) -> Any:
    """Merge ``changes`` into the dict stored under ``key`` and store it."""
    current = dict(get_in(conn, table, key, {}) or {})
    current.update(changes)
    tx.put_local(table, key, current)
    return current


def folder(cb: Casebook) -> str | None:
    """The exchange folder this device syncs through (chosen in Instellingen), or None."""
    value = get(cb, "sync_state", FOLDER)
    return str(value) if value else None


def set_folder(cb: Casebook, path: str) -> None:
    with cb.transaction() as tx:
        tx.put_local("sync_state", FOLDER, str(path))
