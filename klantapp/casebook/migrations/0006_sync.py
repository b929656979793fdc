"""Schema 6: what the bundle exchange with the central office needs.

- ``clocks``: per field, the clock of the write that set its current value, so a late
  older edit never wins and pruning the oplog never changes an outcome. A row's insert
  is stored once (field ``''``); only fields written later get a row of their own.
- ``changes`` learn their origin device, digest and hash-chain predecessor, so a remote
  change keeps who made it, and two different changes under one (device, seq) are told
  apart. ``tombstones`` learn the household and change they belong to.
- ``households.owner``: the device that may edit the household (set by the hub).
- ``conflicts``: every losing value of a concurrent edit, kept and shown, never dropped.
- Local-only state, journaled like everything else but never replicated: device
  settings (moved out of ``settings``), sync state, keys, outbox, inbox (bundles waiting for a gap), peers,
  quarantine and notices. Each is (id, JSON value).
- An index on the oplog's row id: the household timeline looked rows up by scanning.

Existing casebooks get their clocks from the oplog they already have.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

LOCAL_TABLES = (
    "device_settings",
    "sync_state",
    "sync_keys",
    "sync_outbox",
    "sync_inbox",
    "sync_peers",
    "sync_quarantine",
    "sync_notices",
)


def upgrade(conn: sqlite3.Connection) -> None:
    db = sqlite_utils.Database(conn)
    db.table("households").add_column("owner", str)
    for name, kind in (
        ("device", int),
        ("digest", str),
        ("prev", str),
        ("first_seq", int),
        ("last_seq", int),
    ):
        db.table("changes").add_column(name, kind)
    for name, kind in (("household_id", str), ("seq", int), ("change_id", int)):
        db.table("tombstones").add_column(name, kind)
    conn.execute(
        """CREATE TABLE clocks (
            tbl TEXT NOT NULL,
            row_id TEXT NOT NULL,
            field TEXT NOT NULL,
            hlc INTEGER NOT NULL,
            device INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            change_id INTEGER NOT NULL,
            PRIMARY KEY (tbl, row_id, field)
        ) WITHOUT ROWID"""
    )
    conn.execute(
        """CREATE TABLE conflicts (
            id TEXT PRIMARY KEY NOT NULL,
            household_id TEXT,
            tbl TEXT NOT NULL,
            row_id TEXT NOT NULL,
            field TEXT NOT NULL,
            kept_value TEXT,
            kept_hlc TEXT NOT NULL,
            kept_actor TEXT,
            kept_at TEXT,
            winner_hlc TEXT NOT NULL,
            winner_actor TEXT,
            winner_at TEXT,
            detected_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open',
            resolved_by TEXT,
            resolved_at TEXT
        )"""
    )
    for table in LOCAL_TABLES:
        db.table(table).create({"id": str, "value": str}, pk="id", not_null={"id"})
    for statement in (
        "CREATE INDEX tombstones_change ON tombstones(change_id)",
        "CREATE INDEX oplog_row ON oplog(row_id)",
        "CREATE INDEX conflicts_household ON conflicts(household_id)",
        "CREATE INDEX households_owner ON households(owner)",
    ):
        conn.execute(statement)
    _backfill(conn)
    _device_settings_stay_here(conn)


def _backfill(conn: sqlite3.Connection) -> None:
    """Clocks and change origins from the oplog, in the order the changes were made."""
    # undo_log became local-only: its operations are no changes to send or audit
    conn.execute("DELETE FROM oplog WHERE tbl = 'undo_log'")
    rows = conn.execute(
        "SELECT change_id, device, seq, hlc, tbl, row_id, op, fields FROM oplog "
        "ORDER BY change_id, device, seq"
    ).fetchall()
    for change_id, device, seq, hlc, tbl, row_id, op, fields in rows:
        if op == "insert":
            conn.execute("DELETE FROM clocks WHERE tbl = ? AND row_id = ?", (tbl, row_id))
            conn.execute(
                "INSERT INTO clocks VALUES (?, ?, '', ?, ?, ?, ?)",
                (tbl, row_id, hlc, device, seq, change_id),
            )
        elif op == "update":
            conn.executemany(
                "INSERT OR REPLACE INTO clocks VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (tbl, row_id, f, hlc, device, seq, change_id)
                    for f in (fields or "").split(",")
                    if f
                ],
            )
        else:
            conn.execute("DELETE FROM clocks WHERE tbl = ? AND row_id = ?", (tbl, row_id))
            conn.execute(
                "UPDATE tombstones SET seq = ?, change_id = ? WHERE tbl = ? AND row_id = ?",
                (seq, change_id, tbl, row_id),
            )
    conn.execute(
        """UPDATE changes SET
               device = (SELECT min(device) FROM oplog WHERE change_id = changes.id),
               first_seq = (SELECT min(seq) FROM oplog WHERE change_id = changes.id),
               last_seq = (SELECT max(seq) FROM oplog WHERE change_id = changes.id)"""
    )


def _device_settings_stay_here(conn: sqlite3.Connection) -> None:
    """Settings of scope "device" (the klantmanager's own name) move to the local table:
    only shared settings travel with sync."""
    for key in ("klantmanager",):  # the device settings at schema 6 (domain/settings.py)
        conn.execute(
            "INSERT OR REPLACE INTO device_settings (id, value) "
            "SELECT id, value FROM settings WHERE id = ?",
            (key,),
        )
        conn.execute("DELETE FROM settings WHERE id = ?", (key,))
        conn.execute("DELETE FROM clocks WHERE tbl = 'settings' AND row_id = ?", (key,))
