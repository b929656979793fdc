"""Withdrawal of a record received in error (a DUO decision about someone else): the
record goes for good, with its history, and the audit trail says what, from where and
why -- never a value of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from klantapp.avg.correction import withdraw_record, withdrawal_of
from klantapp.avg.log import AuditFilter, audit_entries, describe_action
from klantapp.casebook import Casebook, queries, services
from klantapp.errors import InvalidInput, KlantappError
from tests.avg.conftest import make_family
from tests.avg.traces import decrypted_contents
from tests.conftest import PASSPHRASE


def _decision(cb: Casebook, household: str, person: str, number: str) -> str:
    return services.add_record(
        cb,
        "duo_decisions",
        {
            "household_id": household,
            "person_id": person,
            "date": "2026-04-01",
            "kind": "verlenging",
            "period_months": 6,
            "document_number": number,
            "notes": "Besluit over Qwvanderman",
        },
    )


def test_a_decision_about_someone_else_is_gone_with_its_history(
    casebook: Casebook, casebook_path: Path
) -> None:
    fam = make_family(casebook)
    decision = _decision(casebook, fam.household, fam.person, "DUO-Qw-778")
    services.update_record(casebook, "duo_decisions", decision, {"notes": "Qwtweede versie"})

    counts = withdraw_record(
        casebook,
        "duo_decisions",
        decision,
        reason="DUO stuurde een besluit van een andere klant",
        source="duo",
    )

    assert counts == {"duo_decisions": 1}
    assert queries.get(casebook, "duo_decisions", decision) is None
    with casebook.reading() as conn:
        lines = conn.execute(
            "SELECT op FROM oplog WHERE row_id = ? ORDER BY seq", (decision,)
        ).fetchall()
        tomb = conn.execute(
            "SELECT destroyed FROM tombstones WHERE row_id = ?", (decision,)
        ).fetchone()
        undo = conn.execute("SELECT count(*) FROM undo_log WHERE row_id = ?", (decision,))
        assert undo.fetchone()[0] == 0
    assert lines == [("delete",)]  # only the delete, which carries the id alone
    assert tomb == (1,)  # marked: a late edit from another device is dropped
    entries = audit_entries(casebook, AuditFilter(person_id=fam.person))
    [withdrawn] = [e for e in entries if e["action"] == "correction"]
    text = describe_action(withdrawn)
    assert "Besluit DUO ingetrokken" in text and "andere klant" in text and "DUO" in text
    assert "Qw" not in json.dumps(entries, ensure_ascii=False)
    # the casebook was compacted: nothing of it in the files on disk
    casebook.close()
    raw = decrypted_contents(casebook_path)
    assert b"Qwvanderman" not in raw and b"Qwtweede" not in raw and b"DUO-Qw-778" not in raw
    again = Casebook.open(casebook_path, PASSPHRASE)
    try:
        assert queries.get(again, "duo_decisions", decision) is None
    finally:
        again.close()


def test_a_person_received_in_error_takes_their_records_along(casebook: Casebook) -> None:
    fam = make_family(casebook)
    plan = withdrawal_of(casebook, "persons", fam.person)
    kinds = {k for k, _id in plan.deletes}
    assert plan.deletes[-1] == ("persons", fam.person)
    assert {"intake_scores", "pips"} <= kinds
    counts = withdraw_record(
        casebook, "persons", fam.person, reason="Hoort niet bij dit huishouden", source="coa"
    )
    assert counts["persons"] == 1 and sum(counts.values()) == len(plan.deletes)
    assert queries.get(casebook, "persons", fam.person) is None
    assert queries.get(casebook, "persons", fam.other) is not None
    assert queries.search(casebook, "Zqxvoornaam") == []
    # a note about the household stays, no longer naming the person
    assert queries.get(casebook, "notes", fam.ids["notes"])["person_id"] is None


def test_a_withdrawal_needs_a_reason_that_does_not_repeat_the_record(casebook: Casebook) -> None:
    fam = make_family(casebook)
    decision = _decision(casebook, fam.household, fam.person, "DUO-Qw-778")
    with pytest.raises(InvalidInput) as err:
        withdraw_record(casebook, "duo_decisions", decision, reason=" ")
    assert [p.field for p in err.value.problems] == ["reason"]
    with pytest.raises(InvalidInput) as err:
        withdraw_record(
            casebook, "duo_decisions", decision, reason="besluit duo-qw-778 is van een ander"
        )
    assert [p.field for p in err.value.problems] == ["reason"]
    with pytest.raises(InvalidInput) as err:
        withdraw_record(casebook, "duo_decisions", decision, reason="fout", source="post")
    assert [p.field for p in err.value.problems] == ["source"]
    assert queries.get(casebook, "duo_decisions", decision) is not None  # nothing happened


def test_a_whole_household_is_not_withdrawn(casebook: Casebook) -> None:
    fam = make_family(casebook)
    with pytest.raises(KlantappError, match="Alleen gegevens van een huishouden"):
        withdraw_record(casebook, "households", fam.household, reason="fout")
    assert queries.get(casebook, "households", fam.household) is not None
