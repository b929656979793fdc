"""Schema 9: PVT and MAP as modules, exam attempts per skill, handhaving as a procedure.

- ``trajectmodules``: the PVT and the MAP of a person, with the ketenpartner that gives
  it, start and end, the signing of the participatieverklaring and the MAP eindgesprek.
  ``pips.pvt_signed`` moves into it (a PVT module "afgerond" whose note asks for the
  date, which was never kept).
- ``exam_attempts``: one row per exam (skill, date, level, result). ``pips.knm_done``
  becomes a passed KNM attempt; ``pips.exam_attempts`` was only a count, so it is
  written into that PIP version's toelichting.
- ``pips.afgeschaald``: the skills the PIP asks A2 for instead of B1 after afschalen.
- ``handhaving.overtreding_date`` and ``zienswijze_on``: the day of the overtreding
  (from which the power to impose a boete lapses, art. 5:45 Awb) and the day a
  zienswijze came in. A record linked to an appointment gets that appointment's day
  as its overtreding. Nothing of a handhaving record is removed or changed otherwise.

The conversions are klantapp.domain.upgrade's, shared with the import of format-2
exports; the new records get ids derived from their source, so every laptop that
upgrades the same data makes the same records.
"""

from __future__ import annotations

import sqlite3

from klantapp.domain.upgrade import modules_from_v2, pip_notes_with_attempts

_TABLES = {
    "trajectmodules": (
        "household_id",
        "person_id",
        "kind",
        "partner_id",
        "status",
        "start_date",
        "end_date",
        "verklaring_signed_on",
        "eindgesprek_on",
        "notes",
    ),
    "exam_attempts": (
        "household_id",
        "person_id",
        "skill",
        "exam",
        "date",
        "level",
        "result",
        "notes",
    ),
}


def upgrade(conn: sqlite3.Connection) -> None:
    for table, columns in _TABLES.items():
        body = ", ".join(f"{c} TEXT" for c in columns)
        conn.execute(f"CREATE TABLE {table} (id TEXT PRIMARY KEY NOT NULL, {body})")
        conn.execute(f"CREATE INDEX {table}_household_id ON {table}(household_id)")
    for table, column in (
        ("handhaving", "overtreding_date"),
        ("handhaving", "zienswijze_on"),
        ("pips", "afgeschaald"),
    ):
        conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")

    conn.execute(
        "UPDATE handhaving SET overtreding_date = ("
        "SELECT substr(a.starts_at, 1, 10) FROM appointments a "
        "WHERE a.id = handhaving.appointment_id) "
        "WHERE appointment_id IS NOT NULL AND overtreding_date IS NULL"
    )

    pips = _dicts(
        conn,
        "SELECT id, household_id, person_id, version, pvt_signed, knm_done, exam_attempts, "
        "notes FROM pips",
    )
    for record in modules_from_v2(pips):
        table = str(record.pop("_kind"))
        names = ["id", *(c for c in _TABLES[table] if c in record)]
        conn.execute(
            f"INSERT OR IGNORE INTO {table} ({', '.join(names)}) "
            f"VALUES ({', '.join('?' for _ in names)})",
            [record[n] for n in names],
        )
    for pip in pips:
        notes = pip_notes_with_attempts(pip["notes"], pip["exam_attempts"])
        if notes != pip["notes"]:
            conn.execute("UPDATE pips SET notes = ? WHERE id = ?", (notes, pip["id"]))

    for column in ("pvt_signed", "knm_done", "exam_attempts"):
        conn.execute(f"ALTER TABLE pips DROP COLUMN {column}")
        conn.execute("DELETE FROM clocks WHERE tbl = 'pips' AND field = ?", (column,))


def _dicts(conn: sqlite3.Connection, sql: str) -> list[dict[str, object]]:
    cur = conn.execute(sql)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


__all__ = ["upgrade"]
