"""Schema 7: DUO decisions move onto the person and the permit basis becomes a choice,
without losing anything an older casebook held."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from klantapp.casebook import Casebook, migrations, queries
from klantapp.casebook.migrations import migrate
from klantapp.casebook.verify import verify

from .older_schema import at_schema

SAMPLE = Path(__file__).parent.parent / "data" / "casebook-v1"
SAMPLE_PASSPHRASE = "voorbeeld wachtwoordzin 2026"


def _persons(conn: sqlite3.Connection) -> dict[str, tuple[object, object]]:
    return {
        r[0]: (r[1], r[2])
        for r in conn.execute("SELECT id, permit_type, permit_basis FROM persons").fetchall()
    }


def test_free_text_permits_are_mapped_and_unknown_ones_kept_for_the_klantmanager() -> None:
    conn = at_schema(6)
    for pid, text in (
        ("p1", "Asiel bepaalde tijd"),
        ("p2", "nareis (afgeleid asiel)"),
        ("p3", "Gezinshereniging"),
        ("p4", "vergunning volgt, zie map"),
        ("p5", None),
    ):
        conn.execute(
            "INSERT INTO persons (id, household_id, role, family_name, permit_type) "
            "VALUES (?, 'h', 'aanvrager', 'X', ?)",
            (pid, text),
        )
    migrate(conn)
    assert _persons(conn) == {
        "p1": ("Asiel bepaalde tijd", "asiel_bepaald"),
        "p2": ("nareis (afgeleid asiel)", "nareis_asiel"),
        "p3": ("Gezinshereniging", "regulier_gezin"),
        "p4": ("vergunning volgt, zie map", None),  # kept; the due rule asks to choose
        "p5": (None, None),
    }


def test_the_extension_of_the_newest_pip_and_the_termijn_start_become_decisions() -> None:
    conn = at_schema(6)
    conn.execute(
        "INSERT INTO persons (id, household_id, role, family_name, termijn_start) "
        "VALUES ('p1', 'h', 'aanvrager', 'X', '2025-05-17')"
    )
    for pip_id, version, months in (("v1", 1, 3), ("v2", 2, 6)):
        conn.execute(
            "INSERT INTO pips (id, household_id, person_id, version, status, vastgesteld_on, "
            "extension_months) VALUES (?, 'h', 'p1', ?, 'vastgesteld', '2026-01-10', ?)",
            (pip_id, version, months),
        )
    migrate(conn)
    rows = conn.execute(
        "SELECT kind, person_id, termijn_start, period_months, ground FROM duo_decisions "
        "ORDER BY kind"
    ).fetchall()
    # only the newest version's 6 months counted before, so only they count now
    assert rows == [
        ("termijn_start", "p1", "2025-05-17", None, None),
        ("verlenging", "p1", None, 6, "onbekend"),
    ]
    columns = {r[1] for r in conn.execute("PRAGMA table_info(pips)")}
    assert "extension_months" not in columns


def test_the_first_release_casebook_keeps_its_permit_text_and_termijn(tmp_path: Path) -> None:
    target = tmp_path / "oud"
    shutil.copytree(SAMPLE, target)
    os.chmod(target, 0o700)
    for f in target.iterdir():
        os.chmod(f, 0o600)
    cb = Casebook.open(target, SAMPLE_PASSPHRASE)
    try:
        with cb.reading() as conn:
            assert migrations.schema_version(conn) == migrations.latest_version()
            permits = conn.execute(
                "SELECT permit_type, permit_basis FROM persons WHERE permit_type IS NOT NULL"
            ).fetchall()
            decisions = conn.execute(
                "SELECT kind, termijn_start FROM duo_decisions ORDER BY kind"
            ).fetchall()
        assert permits == [("Asiel bepaalde tijd", "asiel_bepaald")]
        # Shilan Qadir moved here with a running termijn (demo of 2026-11-22: d(-540))
        assert decisions == [("termijn_start", "2025-05-31")]
        qadir = next(h for h in queries.list_households(cb) if "Qadir" in h["name"])
        detail = queries.household_detail(cb, qadir["id"])
        assert detail is not None
        assert [d["kind"] for d in detail["duo_decisions"]] == ["termijn_start"]
        assert verify(cb).ok
    finally:
        cb.close()


def test_a_format_1_export_still_imports_as_the_current_format(casebook: Casebook) -> None:
    from klantapp.casebook.jsonio import export_document, import_document

    old = {
        "format": "klantapp-casebook",
        "format_version": 1,
        "households": [
            {
                "id": "h1",
                "name": "Haile",
                "status": "traject",
                "persons": [
                    {
                        "id": "p1",
                        "role": "aanvrager",
                        "family_name": "Haile",
                        "permit_type": "Nareis asiel",
                        "termijn_start": "2025-05-17",
                    },
                    {
                        "id": "p2",
                        "role": "partner",
                        "family_name": "Haile",
                        "permit_type": "zie brief IND",
                    },
                ],
                "pips": [
                    {
                        "id": "v1",
                        "person_id": "p1",
                        "version": 1,
                        "status": "vastgesteld",
                        "vastgesteld_on": "2026-01-10",
                        "extension_months": 4,
                    }
                ],
            }
        ],
    }
    counts = import_document(casebook, old)
    assert counts["duo_decisions"] == 2
    doc = export_document(casebook)
    assert doc["format_version"] == 4  # format 1 -> 2 -> 3 -> 4 (migrations 0007, 0009, 0010)
    [h] = doc["households"]
    assert [(p["permit_type"], p.get("permit_basis")) for p in h["persons"]] == [
        ("Nareis asiel", "nareis_asiel"),
        ("zie brief IND", None),
    ]
    assert "extension_months" not in h["pips"][0]
    assert sorted(
        (d["kind"], d.get("termijn_start"), d.get("period_months")) for d in h["duo_decisions"]
    ) == [("termijn_start", "2025-05-17", None), ("verlenging", None, 4)]
