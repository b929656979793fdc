"""Inzage (art. 15 AVG): complete, restricted data only after a logged confirmation,
the request's deadline on Vandaag."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from klantapp.avg.inzage import WITHHELD, make_inzage, open_requests, record_request
from klantapp.avg.log import AuditFilter, audit_entries
from klantapp.casebook import Casebook, services
from klantapp.casebook.due import due_items
from klantapp.domain.records import HOUSEHOLD_CHILDREN
from tests.avg.conftest import make_family


def test_every_record_kind_of_the_person_is_in_the_inzage(casebook: Casebook) -> None:
    fam = make_family(casebook)
    services.update_record(casebook, "persons", fam.person, {"given_names": "Nieuwvoornaam"})
    made = make_inzage(casebook, fam.person, include_restricted=True)
    doc = json.loads(made.json)
    for kind in ("households", *HOUSEHOLD_CHILDREN):
        assert kind in fam.ids, f"tests/avg/conftest.make_family has no {kind}: add one"
        got = {r["id"] for r in doc["records"][kind]}
        assert fam.ids[kind] in got, kind
    assert fam.other not in {r["id"] for r in doc["records"]["persons"]}  # not the partner
    assert any(a["record"] == "persons" and a["action"] == "update" for a in doc["audit"])
    assert any("Voornamen" in a["what"] for a in doc["audit"])
    text = made.json.decode()
    assert "Zqxgezondheid" in text and "Zqxgeheim" in text and "Zqxpsyche" in text
    for marker in ("Zqxduo", "Zqxmodule", "Zqxexamen"):
        assert marker in text
    assert made.pdf.startswith(b"%PDF")


def test_the_audit_trail_holds_the_household_and_its_shared_records_not_the_partner(
    casebook: Casebook,
) -> None:
    """The person's inzage and the Logboek's person filter show the changes to their
    household and to the household's records that name no member, and the reads and
    exports of the household; not what concerns only the other member."""
    from klantapp.avg.log import record_access

    fam = make_family(casebook)
    services.update_record(casebook, "households", fam.household, {"street": "Nieuwstraat"})
    shared = services.add_record(
        casebook,
        "notes",
        {"household_id": fam.household, "created_at": "2026-03-06T09:00", "text": "gezin"},
    )
    services.update_record(casebook, "notes", shared, {"text": "gezin, bijgewerkt"})
    services.update_record(casebook, "persons", fam.other, {"given_names": "Ander"})
    record_access(casebook, "export", what="Huishouden geprint", household_id=fam.household)
    record_access(
        casebook,
        "restricted_read",
        what="Gezondheid partner",
        person_id=fam.other,
        household_id=fam.household,
    )
    entries = audit_entries(casebook, AuditFilter(person_id=fam.person))
    changed = {(e["record"], e["row_id"], e["action"]) for e in entries if e["kind"] == "change"}
    assert ("households", fam.household, "update") in changed
    assert ("notes", shared, "update") in changed
    assert ("persons", fam.other, "update") not in changed
    for kind, rid in fam.ids.items():
        assert (kind, rid, "insert") in changed, kind  # every record of theirs, from the start
    access = [e["what"] for e in entries if e["kind"] == "access"]
    assert "Huishouden geprint" in access and "Gezondheid partner" not in access
    doc = json.loads(make_inzage(casebook, fam.person, pdf=False).json)
    assert {(a["record"], a["record_id"]) for a in doc["audit"]} >= {
        ("households", fam.household),
        ("notes", shared),
    }
    assert "Huishouden geprint" in {a["what"] for a in doc["audit"]}


def test_restricted_data_is_left_out_unless_confirmed_and_the_read_is_logged(
    casebook: Casebook,
) -> None:
    fam = make_family(casebook)
    plain = make_inzage(casebook, fam.person, include_restricted=False)
    text = plain.json.decode()
    for secret in ("Zqxgezondheid", "Zqxgeheim", "Zqxpsyche"):
        assert secret not in text
    assert WITHHELD in text
    actions = [e["action"] for e in audit_entries(casebook, AuditFilter(person_id=fam.person))]
    assert "inzage" in actions and "restricted_read" not in actions
    make_inzage(casebook, fam.person, include_restricted=True)
    entries = audit_entries(casebook, AuditFilter(person_id=fam.person))
    reads = [e for e in entries if e["action"] == "restricted_read"]
    assert len(reads) == 1 and reads[0]["actor"] == "tester"
    assert [e["action"] for e in entries].count("inzage") == 2


def test_the_request_deadline_is_on_vandaag_until_answered(casebook: Casebook) -> None:
    fam = make_family(casebook)
    request = record_request(casebook, fam.person, date(2026, 1, 31))
    assert request["deadline"] == "2026-02-28"  # one month, the month's last day
    items = [i for i in due_items(casebook, date(2026, 2, 20)) if i.rule == "avg_inzage"]
    assert len(items) == 1 and items[0].person_id == fam.person and not items[0].overdue
    assert [i.overdue for i in due_items(casebook, date(2026, 3, 2)) if i.rule == "avg_inzage"] == [
        True
    ]
    make_inzage(casebook, fam.person, pdf=False)
    assert open_requests(casebook) == []
    assert not [i for i in due_items(casebook, date(2026, 2, 20)) if i.rule == "avg_inzage"]


def test_the_request_survives_reopening(casebook: Casebook, casebook_path: Path) -> None:
    fam = make_family(casebook)
    record_request(casebook, fam.person, date(2026, 5, 1))
    casebook.close()
    from tests.conftest import PASSPHRASE

    again = Casebook.open(casebook_path, PASSPHRASE)
    try:
        assert [r["deadline"] for r in open_requests(again)] == ["2026-06-01"]
    finally:
        again.close()


def test_an_arabic_name_is_shaped_right_to_left_in_the_pdf(
    casebook: Casebook, tmp_path: Path, monkeypatch: Any
) -> None:
    """The report PDFs lay out Arabic script as the letters do (bidi, HarfBuzz): the
    name is drawn as one right-to-left shaped run, and reads back in logical order."""
    from klantapp.letters import report
    from tests.letters.conftest import pdf_text

    fam = make_family(casebook)
    services.update_record(casebook, "persons", fam.person, {"given_names": "أحمد"})
    services.update_record(casebook, "persons", fam.person, {"family_name": "الحسن"})
    drawn: list[Any] = []
    original = report.draw_line

    def spy(canvas: Any, line: Any, *rest: Any) -> None:
        drawn.append(line)
        original(canvas, line, *rest)

    monkeypatch.setattr(report, "draw_line", spy)
    made = make_inzage(casebook, fam.person)
    named = [line for line in drawn if "أحمد" in line.logical]
    assert any(line.rtl for line in named)  # the name on its own: a right-to-left line
    for line in named:  # also inside a Dutch sentence: a shaped right-to-left run
        run = next(r for r in line.runs if "أحمد" in r.source)
        assert run.rtl and run.font == report.font_name("arabic")
    assert "أحمد" in pdf_text(made.pdf, tmp_path)
