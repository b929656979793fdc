"""Schema 9: PVT and MAP become modules, exam attempts records, and handhaving gets the
steps of its procedure, without losing anything an older casebook held."""

from __future__ import annotations

import sqlite3

from klantapp.casebook import Casebook
from klantapp.casebook.jsonio import FORMAT_VERSION
from klantapp.casebook.migrations import migrate

from .older_schema import at_schema


def _rows(conn: sqlite3.Connection, sql: str) -> list[dict[str, object]]:
    cur = conn.execute(sql)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def test_signed_pvt_and_passed_knm_become_records_and_the_attempt_count_a_note() -> None:
    conn = at_schema(8)
    conn.execute(
        "INSERT INTO pips (id, household_id, person_id, version, status, pvt_signed, knm_done, "
        "exam_attempts, notes) VALUES ('v1', 'h', 'p1', 1, 'vastgesteld', 0, 0, NULL, NULL), "
        "('v2', 'h', 'p1', 2, 'vastgesteld', 1, 1, 3, 'Werkt 2 dagen.'), "
        "('w1', 'h', 'p2', 1, 'concept', 0, 0, 2, NULL)"
    )
    migrate(conn)
    modules = _rows(
        conn, "SELECT person_id, kind, status, verklaring_signed_on FROM trajectmodules"
    )
    assert modules == [
        {"person_id": "p1", "kind": "pvt", "status": "afgerond", "verklaring_signed_on": None}
    ]
    exams = _rows(conn, "SELECT person_id, skill, result, date FROM exam_attempts")
    assert exams == [{"person_id": "p1", "skill": "knm", "result": "behaald", "date": None}]
    notes = dict(conn.execute("SELECT id, notes FROM pips").fetchall())
    assert notes == {
        "v1": None,
        "v2": "Werkt 2 dagen.\nExamenpogingen (uit een oudere versie van Klantapp): 3.",
        "w1": "Examenpogingen (uit een oudere versie van Klantapp): 2.",
    }
    columns = {r[1] for r in conn.execute("PRAGMA table_info(pips)")}
    assert {"pvt_signed", "knm_done", "exam_attempts"}.isdisjoint(columns)
    assert "afgeschaald" in columns


def test_handhaving_records_keep_every_value_and_get_their_overtreding_day() -> None:
    conn = at_schema(8)
    conn.execute(
        "INSERT INTO appointments (id, household_id, person_id, kind, starts_at, outcome) "
        "VALUES ('a2', 'h', 'p1', 'brede_intake', '2026-04-08T10:00', 'niet_verschenen')"
    )
    conn.execute(
        "INSERT INTO handhaving (id, household_id, person_id, date, kind, duty, "
        "zienswijze_until, appointment_id, amount_eur, reason, status, decision_date, notes) "
        "VALUES ('b1', 'h', 'p1', '2026-04-15', 'boete', 'brede_intake', '2026-04-29', 'a2', "
        "250, 'Niet verschenen', 'ingetrokken', '2026-04-22', 'Na bezwaar'), "
        "('w1', 'h', 'p1', '2026-04-05', 'waarschuwing', NULL, NULL, NULL, NULL, NULL, "
        "'opgelegd', NULL, NULL)"
    )
    before = _rows(conn, "SELECT * FROM handhaving ORDER BY id")
    migrate(conn)
    after = _rows(conn, "SELECT * FROM handhaving ORDER BY id")
    for old, new in zip(before, after, strict=True):
        assert {k: new[k] for k in old} == old  # nothing lost or changed
    assert [(r["id"], r["overtreding_date"], r["zienswijze_on"]) for r in after] == [
        ("b1", "2026-04-08", None),  # the missed brede intake is the overtreding
        ("w1", None, None),
    ]


def test_the_migration_is_the_same_on_every_laptop() -> None:
    ids = []
    for _ in range(2):
        conn = at_schema(8)
        conn.execute(
            "INSERT INTO pips (id, household_id, person_id, version, status, pvt_signed) "
            "VALUES ('v1', 'h', 'p1', 1, 'vastgesteld', 1)"
        )
        migrate(conn)
        ids.append(conn.execute("SELECT id FROM trajectmodules").fetchall())
    assert ids[0] == ids[1]


def test_a_format_2_export_imports_as_today(casebook: Casebook) -> None:
    from klantapp.casebook.jsonio import export_document, import_document

    old = {
        "format": "klantapp-casebook",
        "format_version": 2,
        "households": [
            {
                "id": "h1",
                "name": "Haile",
                "status": "traject",
                "persons": [{"id": "p1", "role": "aanvrager", "family_name": "Haile"}],
                "pips": [
                    {
                        "id": "v1",
                        "person_id": "p1",
                        "version": 1,
                        "status": "vastgesteld",
                        "vastgesteld_on": "2026-01-10",
                        "pvt_signed": True,
                        "knm_done": True,
                        "exam_attempts": 2,
                    }
                ],
            }
        ],
    }
    counts = import_document(casebook, old)
    assert counts["trajectmodules"] == 1 and counts["exam_attempts"] == 1
    doc = export_document(casebook)
    assert doc["format_version"] == FORMAT_VERSION
    [h] = doc["households"]
    [pip] = h["pips"]
    assert {"pvt_signed", "knm_done", "exam_attempts"}.isdisjoint(pip)
    assert pip["notes"] == "Examenpogingen (uit een oudere versie van Klantapp): 2."
    assert [(m["kind"], m["status"]) for m in h["trajectmodules"]] == [("pvt", "afgerond")]
    assert [(e["skill"], e["result"]) for e in h["exam_attempts"]] == [("knm", "behaald")]
