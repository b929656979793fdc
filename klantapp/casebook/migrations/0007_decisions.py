"""Schema 7: DUO's decisions on the person, and the permit basis as a choice.

- ``duo_decisions``: termijn start, verlenging, ontheffing, vrijstelling and the boete
  with its new termijn, each with dagtekening and document number (records.py).
- ``persons.termijn_start`` and ``pips.extension_months`` move into it: an extension
  read from the newest PIP only was lost with every new PIP version. Only the newest
  version's extension counted, so every date shown stays the same.
- The leerbaarheidstoets as a structured result (outcome, exemption, the gemeente's
  reasoned deviation); the old free text stays as the toelichting, and its outcome is
  read from it where it says hoog, gemiddeld or laag.
- ``handhaving.duty`` (brede intake or PIP: the caps differ) and ``zienswijze_until``.
- ``persons.permit_basis``: the free-text ``permit_type`` is mapped where its words are
  clear; otherwise the text stays and the klantmanager is asked to choose (the due rule
  ``vergunning_kiezen``). The text is kept in both cases.

The conversions are klantapp.domain.upgrade's, shared with the import of format-1
exports. The new records get ids derived from their source, so every laptop that
upgrades the same data makes the same records.
"""

from __future__ import annotations

import sqlite3

from klantapp.domain.upgrade import (
    decisions_from_v1,
    leerbaarheid_outcome_from_text,
    permit_basis_from_text,
)

_DECISION_COLUMNS = (
    "household_id",
    "person_id",
    "kind",
    "date",
    "document_number",
    "termijn_start",
    "ground",
    "period_months",
    "period_days",
    "new_last_day",
    "effective_from",
    "amount_eur",
    "notes",
)


def upgrade(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE duo_decisions (
            id TEXT PRIMARY KEY NOT NULL,
            household_id TEXT,
            person_id TEXT,
            kind TEXT,
            date TEXT,
            document_number TEXT,
            termijn_start TEXT,
            ground TEXT,
            period_months INTEGER,
            period_days INTEGER,
            new_last_day TEXT,
            effective_from TEXT,
            amount_eur INTEGER,
            notes TEXT
        )"""
    )
    conn.execute("CREATE INDEX duo_decisions_household_id ON duo_decisions(household_id)")
    for table, column in (
        ("persons", "permit_basis"),
        ("persons", "leerbaarheid_outcome"),
        ("persons", "leerbaarheid_exemption"),
        ("persons", "leerbaarheid_deviation"),
        ("handhaving", "duty"),
        ("handhaving", "zienswijze_until"),
    ):
        conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")

    persons = _dicts(
        conn,
        "SELECT id, household_id, termijn_start, permit_type, leerbaarheid_result FROM persons",
    )
    pips = _dicts(
        conn,
        "SELECT id, household_id, person_id, version, vastgesteld_on, course_start, "
        "extension_months FROM pips",
    )
    for d in decisions_from_v1(persons, pips):
        names = ["id", *(c for c in _DECISION_COLUMNS if c in d)]
        conn.execute(
            f"INSERT OR IGNORE INTO duo_decisions ({', '.join(names)}) "
            f"VALUES ({', '.join('?' for _ in names)})",
            [d[n] for n in names],
        )
    for p in persons:
        basis = permit_basis_from_text(p["permit_type"])
        if basis is not None:
            conn.execute("UPDATE persons SET permit_basis = ? WHERE id = ?", (basis, p["id"]))
        outcome = leerbaarheid_outcome_from_text(p["leerbaarheid_result"])
        if outcome is not None:
            conn.execute(
                "UPDATE persons SET leerbaarheid_outcome = ? WHERE id = ?", (outcome, p["id"])
            )
    # A boete linked to a brede intake appointment is for the brede intake duty.
    conn.execute(
        "UPDATE handhaving SET duty = 'brede_intake' WHERE appointment_id IN "
        "(SELECT id FROM appointments WHERE kind = 'brede_intake')"
    )

    for table, column in (("persons", "termijn_start"), ("pips", "extension_months")):
        conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        conn.execute("DELETE FROM clocks WHERE tbl = ? AND field = ?", (table, column))


def _dicts(conn: sqlite3.Connection, sql: str) -> list[dict[str, object]]:
    cur = conn.execute(sql)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
