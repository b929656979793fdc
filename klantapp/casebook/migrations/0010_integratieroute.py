"""Schema 10: the PIP's integratieroute (KIS) replaces its free-text einddoel.

- ``pips.integratieroute``: where the PIP leads, as the KIS monitor counts it (direct
  naar werk, via onderwijs, activering, maatschappelijke participatie). Every PIP
  version gets the route its leerroute leads to, which is what the monitor counted
  before, so no figure changes; activering is chosen by the klantmanager from now on.
- ``pips.goal`` (Einddoel) goes: its text becomes the line "Einddoel: ..." of the PIP
  version's toelichting, so nothing of it is lost.

The conversion is klantapp.domain.upgrade's, shared with the import of format-3
exports; it is the same on every laptop that upgrades the same data. A laptop still on
schema 9 that writes ``goal`` is translated at the office the same way
(klantapp/sync/removed/pip_text.py, docs/sync.md).
"""

from __future__ import annotations

import sqlite3

from klantapp.domain.upgrade import pip_with_integratieroute


def upgrade(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE pips ADD COLUMN integratieroute TEXT")
    rows = conn.execute("SELECT id, leerroute, goal, notes FROM pips").fetchall()
    for pip_id, leerroute, goal, notes in rows:
        new = pip_with_integratieroute({"leerroute": leerroute, "goal": goal, "notes": notes})
        conn.execute(
            "UPDATE pips SET integratieroute = ?, notes = ? WHERE id = ?",
            (new.get("integratieroute"), new.get("notes"), pip_id),
        )
    conn.execute("ALTER TABLE pips DROP COLUMN goal")
    conn.execute("DELETE FROM clocks WHERE tbl = 'pips' AND field = 'goal'")


__all__ = ["upgrade"]
