"""Schema 11: inzage requests and audit entries travel like a household's records.

Until schema 10 both were local to the device that recorded them (``avg_requests``,
``avg_access``): a request taken on a laptop showed its deadline on that laptop only,
and the office's audit screen showed what the office did. Now they are replicated
tables of the household (``klantapp.casebook.ops.AVG_TABLES``, the same columns): ``inzage_requests``
(received, deadline, answered) and ``audit_entries`` (when, who, on which device, what
action, about which person; append-only). The sync sends them to the office and to the
household's owner, and a hand-over carries them along.

What the local tables already hold stays there and is still read (the audit screen,
Vandaag, inzage); it is not sent: those rows were never part of a change, so the
office cannot receive them as one, and rows a laptop holds that the office lacks would
make their state digests differ on every exchange.
"""

from __future__ import annotations

import sqlite3

_TABLES = {
    "inzage_requests": ("household_id", "person_id", "received_on", "deadline", "answered_on"),
    "audit_entries": ("household_id", "person_id", "at", "actor", "device", "action", "what"),
}


def upgrade(conn: sqlite3.Connection) -> None:
    for table, columns in _TABLES.items():
        body = ", ".join(f"{c} TEXT" for c in columns)
        conn.execute(f"CREATE TABLE {table} (id TEXT PRIMARY KEY NOT NULL, {body})")
        conn.execute(f"CREATE INDEX {table}_household_id ON {table}(household_id)")


__all__ = ["upgrade"]
