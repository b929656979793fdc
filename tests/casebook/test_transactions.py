"""The one write path: durable before 'saved', all-or-nothing, replayed exactly."""

from __future__ import annotations

import pytest

from klantapp.casebook import Casebook, queries, services
from klantapp.errors import InvalidInput


def _household(cb: Casebook, name: str = "Familie Test") -> str:
    return services.add_record(cb, "households", {"name": name, "status": "azc"})


def test_saved_changes_survive_reopen(casebook: Casebook, reopen) -> None:
    hid = _household(casebook, "Al-Hassan")
    pid = services.add_record(
        casebook,
        "persons",
        {"household_id": hid, "role": "aanvrager", "family_name": "الحسن", "given_names": "أحمد"},
    )
    services.update_record(casebook, "persons", pid, {"given_names": "Ahmad"})
    cb = reopen(casebook)
    try:
        person = queries.get(cb, "persons", pid)
        assert person is not None
        assert person["family_name"] == "الحسن"  # kept exactly as typed
        assert person["given_names"] == "Ahmad"
        assert queries.get(cb, "households", hid)["name"] == "Al-Hassan"  # type: ignore[index]
    finally:
        cb.close()


def test_the_connection_is_reached_only_under_the_lock(casebook: Casebook) -> None:
    """No way around the lock: reads go through ``reading()``, writes through
    ``transaction()`` (the sqlite-utils ``db`` property handed the bare connection to
    anyone, while a sync worker might be merging)."""
    public = {name for name in dir(Casebook) if not name.startswith("_")}
    assert "db" not in public
    with casebook.reading() as conn:
        assert conn.execute("SELECT count(*) FROM changes").fetchone()[0] >= 0


def test_an_error_inside_a_transaction_keeps_nothing(casebook: Casebook, reopen) -> None:
    with pytest.raises(RuntimeError), casebook.transaction() as tx:
        tx.insert("households", {"name": "Half", "status": "azc"})
        raise RuntimeError("boom")
    assert queries.list_households(casebook) == []
    cb = reopen(casebook)
    try:
        assert queries.list_households(cb) == []
    finally:
        cb.close()


def test_a_failing_disk_write_rolls_back_memory_too(
    casebook: Casebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    _household(casebook, "Blijft")

    def full_disk(record: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(casebook._vault, "append", full_disk)
    with pytest.raises(OSError):
        _household(casebook, "Gaat verloren")
    names = [h["name"] for h in queries.list_households(casebook)]
    assert names == ["Blijft"]


def test_invalid_input_names_the_field_and_saves_nothing(casebook: Casebook) -> None:
    hid = _household(casebook)
    with pytest.raises(InvalidInput) as err:
        services.add_record(
            casebook,
            "persons",
            {"household_id": hid, "role": "aanvrager", "family_name": "Test", "bsn": "123456789"},
        )
    assert [p.field for p in err.value.problems] == ["bsn"]
    assert queries.household_detail(casebook, hid)["persons"] == []  # type: ignore[index]


def test_required_field_cannot_be_cleared_by_an_update(casebook: Casebook) -> None:
    hid = _household(casebook)
    with pytest.raises(InvalidInput) as err:
        services.update_record(casebook, "households", hid, {"name": "  "})
    assert err.value.problems[0].field == "name"
    assert queries.get(casebook, "households", hid)["name"] == "Familie Test"  # type: ignore[index]


def test_each_operation_has_clock_device_and_sequence(casebook: Casebook, reopen) -> None:
    hid = _household(casebook)
    services.update_record(casebook, "households", hid, {"city": "Heuveldal"})
    services.delete_record(casebook, "households", hid)
    with casebook.reading() as conn:
        ops = conn.execute(
            "SELECT device, seq, hlc, action, tbl FROM audit_log ORDER BY seq"
        ).fetchall()
    assert [o[3] for o in ops] == ["insert", "update", "delete"]
    seqs = [o[1] for o in ops]  # the undo bookkeeping of the update takes a number too
    assert seqs == sorted(set(seqs)) and seqs[0] == 1
    assert {o[0] for o in ops} == {casebook.device_id}
    stamps = [o[2] for o in ops]  # packed hybrid logical clock: strictly increasing
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    cb = reopen(casebook)
    try:
        # the sequence continues after a restart; it never reuses a number
        services.add_record(cb, "households", {"name": "Na herstart", "status": "azc"})
        with cb.reading() as conn:
            assert conn.execute("SELECT max(seq) FROM oplog").fetchone()[0] == seqs[-1] + 1
            tomb = conn.execute(
                "SELECT count(*) FROM tombstones WHERE row_id = ?", (hid,)
            ).fetchone()[0]
        assert tomb == 1
    finally:
        cb.close()


def test_audit_log_records_who_and_which_fields_but_no_values(casebook: Casebook) -> None:
    hid = _household(casebook)
    services.update_record(casebook, "households", hid, {"city": "Geheimstad"})
    with casebook.reading() as conn:
        rows = conn.execute(
            "SELECT actor, action, fields FROM audit_log ORDER BY change_id, seq"
        ).fetchall()
    assert rows[-1] == ("tester", "update", "city")
    assert all("Geheimstad" not in (r[2] or "") for r in rows)


def test_deleting_a_household_deletes_everything_under_it(demo_casebook: Casebook) -> None:
    hid = queries.list_households(demo_casebook, text="Al-Hassan")[0]["id"]
    services.delete_record(demo_casebook, "households", hid)
    with demo_casebook.reading() as conn:
        for kind in ("persons", "intake_scores", "pips", "appointments", "notes", "referrals"):
            left = conn.execute(
                f"SELECT count(*) FROM {kind} WHERE household_id = ?", (hid,)
            ).fetchone()[0]
            assert left == 0, kind


def test_deleting_a_person_keeps_the_household_records_that_only_mention_them(
    demo_casebook: Casebook,
) -> None:
    person = next(
        p for p in queries.all_records(demo_casebook, "persons") if p["given_names"] == "Ahmad"
    )
    services.delete_record(demo_casebook, "persons", person["id"])
    detail = queries.household_detail(demo_casebook, person["household_id"])
    assert detail is not None
    assert all(s["person_id"] != person["id"] for s in detail["intake_scores"])  # his scores went
    assert all(p["person_id"] != person["id"] for p in detail["pips"])
    kept = [n for n in detail["notes"] if "diplomawaardering" in n["text"]]
    assert kept and kept[0]["person_id"] is None  # the household's note stays, unlinked
    assert any(a["kind"] == "voortgang" and a["person_id"] is None for a in detail["appointments"])


def test_a_partner_with_referrals_is_not_deleted(demo_casebook: Casebook) -> None:
    from klantapp.errors import KlantappError

    partner = next(p for p in queries.list_partners(demo_casebook) if p["open_referrals"])
    with pytest.raises(KlantappError, match="verwijzingen"):
        services.delete_record(demo_casebook, "partners", partner["id"])
    assert queries.get(demo_casebook, "partners", partner["id"]) is not None


def test_new_pip_version_keeps_the_first_and_marks_it_replaced(demo_casebook: Casebook) -> None:
    person = next(
        p for p in queries.all_records(demo_casebook, "persons") if p["given_names"] == "Ahmad"
    )
    new_id = services.new_pip_version(
        demo_casebook,
        person["id"],
        {"status": "vastgesteld", "vastgesteld_on": "2026-11-01", "lesuren": 400},
    )
    pips = [p for p in queries.all_records(demo_casebook, "pips") if p["person_id"] == person["id"]]
    by_version = {p["version"]: p for p in pips}
    assert by_version[1]["status"] == "vervangen"
    assert by_version[2]["id"] == new_id
    assert by_version[2]["leerroute"] == "b1"  # carried over from version 1
    assert by_version[2]["lesuren"] == 400


def test_settings_are_stored_encrypted_and_survive(casebook: Casebook, reopen) -> None:
    casebook.set_setting("gemeente", {"name": "Gemeente Heuveldal", "phone": "0548-123456"})
    casebook.set_setting("gemeente", {"name": "Gemeente Heuveldal", "phone": "0548-999999"})
    cb = reopen(casebook)
    try:
        assert cb.get_setting("gemeente")["phone"] == "0548-999999"
        assert cb.get_setting("klantmanager", 42) == 42  # known, but never set
    finally:
        cb.close()


def test_reference_to_a_missing_household_is_refused(casebook: Casebook) -> None:
    with pytest.raises(InvalidInput) as err:
        services.add_record(
            casebook,
            "notes",
            {"household_id": "nope", "created_at": "2026-01-01T10:00", "text": "x"},
        )
    assert err.value.problems[0].field == "household_id"


def test_a_person_from_another_household_is_refused(casebook: Casebook) -> None:
    h1, h2 = _household(casebook, "Een"), _household(casebook, "Twee")
    pid = services.add_record(
        casebook, "persons", {"household_id": h1, "role": "aanvrager", "family_name": "A"}
    )
    with pytest.raises(InvalidInput) as err:
        services.add_record(
            casebook,
            "notes",
            {"household_id": h2, "person_id": pid, "created_at": "2026-01-01T10:00", "text": "x"},
        )
    assert err.value.problems[0].field == "person_id"


def test_compaction_keeps_everything_and_empties_the_journal(
    demo_casebook: Casebook, reopen
) -> None:
    before = {
        k: len(queries.all_records(demo_casebook, k)) for k in ("households", "persons", "notes")
    }
    demo_casebook.compact()
    assert demo_casebook._vault.journal_records == 0  # type: ignore[union-attr]
    services.add_record(demo_casebook, "households", {"name": "Na compactie", "status": "azc"})
    cb = reopen(demo_casebook)
    try:
        after = {k: len(queries.all_records(cb, k)) for k in ("households", "persons", "notes")}
        assert after == {**before, "households": before["households"] + 1}
    finally:
        cb.close()


def test_a_recorded_boete_closes_the_handhaving_item_of_a_missed_intake(casebook: Casebook) -> None:
    from datetime import date

    from klantapp.casebook.due import due_items

    hid = services.add_record(
        casebook,
        "households",
        {"name": "Test", "status": "gehuisvest", "inschrijving_date": "2026-09-01"},
    )
    pid = services.add_record(
        casebook,
        "persons",
        {
            "household_id": hid,
            "role": "aanvrager",
            "family_name": "Test",
            "birth_date": "1990",
            "regime": "wi2021",
            "plicht_status": "plichtig",
            "doelgroep": "asiel",
        },
    )
    missed = services.add_record(
        casebook,
        "appointments",
        {
            "household_id": hid,
            "person_id": pid,
            "kind": "brede_intake",
            "starts_at": "2026-11-10T10:00",
            "location": "Gemeentehuis",
            "invitation_number": 3,
            "outcome": "niet_verschenen",
        },
    )
    on = date(2026, 11, 22)
    assert "handhaving_intake" in {i.rule for i in due_items(casebook, on)}
    services.add_record(
        casebook,
        "handhaving",
        {
            "household_id": hid,
            "person_id": pid,
            "date": "2026-11-20",
            "kind": "boete",
            "amount_eur": 250,
            "status": "opgelegd",
            "appointment_id": missed,
        },
    )
    assert "handhaving_intake" not in {i.rule for i in due_items(casebook, on)}


def test_a_handhaving_record_cannot_point_at_another_households_appointment(
    demo_casebook: Casebook,
) -> None:
    appointments = queries.all_records(demo_casebook, "appointments")
    persons = queries.all_records(demo_casebook, "persons")
    appt = appointments[0]
    person = next(p for p in persons if p["household_id"] != appt["household_id"])
    with pytest.raises(InvalidInput) as err:
        services.add_record(
            demo_casebook,
            "handhaving",
            {
                "household_id": person["household_id"],
                "person_id": person["id"],
                "date": "2026-11-01",
                "kind": "waarschuwing",
                "status": "opgelegd",
                "appointment_id": appt["id"],
            },
        )
    assert [p.field for p in err.value.problems] == ["appointment_id"]


def test_a_batch_save_is_one_change_with_a_summary(casebook: Casebook, reopen) -> None:
    hid = _household(casebook)
    records_before = casebook._vault.journal_records  # type: ignore[union-attr]
    with casebook.transaction(summary="Twee gezinsleden toegevoegd") as tx:
        tx.insert("persons", {"household_id": hid, "role": "aanvrager", "family_name": "Een"})
        tx.insert("persons", {"household_id": hid, "role": "partner", "family_name": "Twee"})
    assert casebook._vault.journal_records == records_before + 1  # type: ignore[union-attr]
    cb = reopen(casebook)
    try:
        with cb.reading() as conn:
            rows = conn.execute(
                "SELECT DISTINCT change_id, summary FROM audit_log WHERE tbl = 'persons'"
            ).fetchall()
        assert [r[1] for r in rows] == ["Twee gezinsleden toegevoegd"]
    finally:
        cb.close()
