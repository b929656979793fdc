"""The demo caseload is a document in the export format, loaded in one transaction,
with its dates following today."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema

from klantapp.casebook import Casebook, queries
from klantapp.casebook.demo import ANCHOR, KLANTMANAGER, demo_document, fill_demo

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "casebook.schema.json"


def test_the_demo_is_a_valid_export_document() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(demo_document(ANCHOR), schema)
    jsonschema.validate(demo_document(date(2031, 2, 28)), schema)


def test_the_demo_loads_in_one_transaction(casebook: Casebook) -> None:
    with casebook.reading() as conn:
        before = conn.execute("SELECT count(*) FROM changes").fetchone()[0]
    counts = fill_demo(casebook, today=date(2027, 3, 1))
    with casebook.reading() as conn:
        after = conn.execute("SELECT count(*) FROM changes").fetchone()[0]
    assert after - before == 1
    assert counts["households"] == 10 and counts["persons"] == 17


def test_the_demo_dates_follow_today() -> None:
    for today in (ANCHOR, date(2027, 2, 28), date(2030, 7, 1)):
        doc = demo_document(today)
        starts = [a["starts_at"][:10] for h in doc["households"] for a in h.get("appointments", [])]
        assert today.isoformat() in starts  # today's agenda is never empty
        # partial birth dates stay as they are
        years = [
            p["birth_date"]
            for h in doc["households"]
            for p in h.get("persons", [])
            if len(p.get("birth_date", "")) == 4
        ]
        assert years and all(len(y) == 4 for y in years)


def test_a_demo_casebook_has_deadlines_to_show(casebook: Casebook) -> None:
    from klantapp.casebook.due import due_items

    fill_demo(casebook, today=date(2027, 3, 1))
    assert due_items(casebook, date(2027, 3, 1))
    assert len(queries.list_households(casebook)) == 10


def test_the_demo_shows_a_gezinsmigrant_and_a_duo_extension(casebook: Casebook) -> None:
    """The due list of the demo shows the rules for a gezinsmigrant (a PIP deadline
    that is not certain, no offer by the gemeente) and a termijn DUO extended."""
    from klantapp.casebook.due import due_items

    fill_demo(casebook, today=ANCHOR)
    items = due_items(casebook, ANCHOR)
    rania = [i for i in items if i.detail.startswith("Rania Mansour")]
    assert [i.rule for i in rania] == ["pip_vaststellen"]
    assert "voor gezins- en overige migranten is deze termijn niet zeker" in rania[0].detail
    khaled = [i for i in items if i.detail.startswith("Khaled Mansour")]
    assert [i.rule for i in khaled] == ["termijn_controle"]
    # the PIP's dagtekening 5 April 2024 + 3 years, plus DUO's 1 month and 17 days
    assert "de laatste dag van de termijn is 22 mei 2027 (verlengd door DUO)" in khaled[0].detail


def test_the_demo_is_made_by_its_klantmanager_and_the_casebook_keeps_its_actor(
    casebook: Casebook,
) -> None:
    """The Logboek of a demo names Sanne de Vries, not the account that ran the command."""
    before = casebook.actor
    fill_demo(casebook)
    with casebook.reading() as conn:
        actors = {r[0] for r in conn.execute("SELECT DISTINCT actor FROM changes")}
    assert actors == {KLANTMANAGER}
    assert casebook.actor == before
