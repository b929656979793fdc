"""Correction of data received in error: the old value is shown nowhere afterwards
but in the audit trail's "corrected" entry, which says what and why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from klantapp.avg.correction import correct_record
from klantapp.avg.log import AuditFilter, audit_entries, describe_action
from klantapp.casebook import Casebook, queries, services
from klantapp.casebook.jsonio import export_document
from klantapp.errors import InvalidInput
from tests.avg.conftest import make_family
from tests.conftest import PASSPHRASE


def test_the_old_value_remains_only_in_the_corrected_entry(
    casebook: Casebook, casebook_path: Path
) -> None:
    fam = make_family(casebook)
    services.update_record(casebook, "persons", fam.person, {"given_names": "Foutnaam"})
    changed = correct_record(
        casebook,
        "persons",
        fam.person,
        {"given_names": "Juistnaam"},
        reason="DUO-signaal per vergissing gestuurd",
        source="duo",
    )
    assert changed == ["given_names"]
    assert queries.get(casebook, "persons", fam.person)["given_names"] == "Juistnaam"
    assert queries.search(casebook, "Foutnaam") == []
    assert queries.search(casebook, "Juistnaam")
    timeline = json.dumps(queries.timeline(casebook, fam.household), ensure_ascii=False)
    assert "Foutnaam" not in timeline
    assert "Foutnaam" not in json.dumps(export_document(casebook), ensure_ascii=False)
    entries = audit_entries(casebook, AuditFilter(person_id=fam.person))
    corrected = [e for e in entries if e["kind"] == "corrected"]
    assert len(corrected) == 1
    text = describe_action(corrected[0])
    assert "Foutnaam" in text and "DUO-signaal" in text and "Voornamen" in text
    others = [describe_action(e) for e in entries if e["kind"] != "corrected"]
    assert not any("Foutnaam" in t for t in others)
    # undo cannot bring the old value back
    latest = queries.timeline(casebook, fam.household)[0]
    assert not latest["undoable"] or "Foutnaam" not in json.dumps(latest)
    casebook.close()
    again = Casebook.open(casebook_path, PASSPHRASE)  # the journal replays the same
    try:
        assert queries.search(again, "Foutnaam") == []
        assert len([e for e in audit_entries(again) if e["kind"] == "corrected"]) == 1
    finally:
        again.close()


def test_a_correction_needs_a_reason(casebook: Casebook) -> None:
    fam = make_family(casebook)
    with pytest.raises(InvalidInput) as err:
        correct_record(casebook, "persons", fam.person, {"given_names": "X"}, reason=" ")
    assert [p.field for p in err.value.problems] == ["reason"]
    assert "X" not in str(err.value)


def test_the_corrected_value_leaves_the_files_on_disk_at_once(
    casebook: Casebook, casebook_path: Path
) -> None:
    from tests.avg.traces import decrypted_contents

    fam = make_family(casebook)
    services.update_record(casebook, "persons", fam.person, {"given_names": "Foutnaam"})
    correct_record(
        casebook, "persons", fam.person, {"given_names": "Juistnaam"}, reason="COA", source="coa"
    )
    path = casebook.path
    casebook.close()  # closing alone would not compact so small a journal
    raw = decrypted_contents(path)
    assert b"Juistnaam" in raw
    # only in the corrected entry (the one place it stays), once
    assert raw.count(b"Foutnaam") == 1


def test_the_office_learns_of_the_correction_without_the_old_value(casebook: Casebook) -> None:
    fam = make_family(casebook)
    services.update_record(casebook, "persons", fam.person, {"given_names": "Foutnaam"})
    correct_record(
        casebook,
        "persons",
        fam.person,
        {"given_names": "Juistnaam"},
        reason="DUO-signaal per vergissing",
        source="duo",
    )
    with casebook.reading() as conn:
        rows = conn.execute(
            "SELECT action, what, person_id FROM audit_entries WHERE action = 'correction'"
        ).fetchall()
    [(_action, what, person)] = rows  # a replicated entry: it travels with the household
    assert person == fam.person
    assert "Voornamen" in what and "DUO-signaal" in what and "Signaal van DUO" in what
    assert "Foutnaam" not in what


def test_a_reason_that_names_the_old_value_is_refused(casebook: Casebook) -> None:
    fam = make_family(casebook)
    services.update_record(casebook, "persons", fam.person, {"given_names": "Foutnaam"})
    with pytest.raises(InvalidInput) as err:
        correct_record(
            casebook,
            "persons",
            fam.person,
            {"given_names": "Juistnaam"},
            reason="foutnaam was een tikfout",
        )
    assert [p.field for p in err.value.problems] == ["reason"]
    assert queries.get(casebook, "persons", fam.person)["given_names"] == "Foutnaam"


def test_a_wrong_health_note_is_not_kept_even_in_the_corrected_entry(casebook: Casebook) -> None:
    fam = make_family(casebook)
    correct_record(
        casebook,
        "persons",
        fam.person,
        {"health_note": "Juiste notitie"},
        reason="notitie hoorde bij een ander",
        source="coa",
    )
    entries = json.dumps(audit_entries(casebook), ensure_ascii=False)
    assert "Zqxgezondheid" not in entries and "vertrouwelijk" in entries
