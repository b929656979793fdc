"""Saves of several records are one change; undo of the last change from the timeline."""

from __future__ import annotations

import pytest

from klantapp.casebook import Casebook, queries, services
from klantapp.domain.records import LEEFGEBIEDEN
from klantapp.errors import InvalidInput, KlantappError
from klantapp.vault import fsio


def _family(cb: Casebook, members: int = 4) -> tuple[str, list[str]]:
    hid, pids = services.save_household(
        cb,
        {"name": "Familie Haddad", "status": "gehuisvest"},
        [
            {"role": "aanvrager" if i == 0 else "kind", "family_name": "Haddad", "given_names": n}
            for i, n in enumerate(["Omar", "Mariam", "Lina", "Sami"][:members])
        ],
    )
    return hid, pids


def _journal_records(cb: Casebook) -> int:
    assert cb._vault is not None
    return cb._vault.journal_records


def _changes(cb: Casebook) -> int:
    with cb.reading() as conn:
        return int(conn.execute("SELECT count(*) FROM changes").fetchone()[0])


def test_household_with_members_is_one_change(casebook: Casebook) -> None:
    before = _journal_records(casebook)
    hid, pids = _family(casebook)
    assert _journal_records(casebook) == before + 1
    assert len(pids) == 4
    detail = queries.household_detail(casebook, hid)
    assert detail is not None and len(detail["persons"]) == 4
    entries = queries.timeline(casebook, hid)
    assert len(entries) == 1
    assert entries[0]["what"] == "Huishouden Familie Haddad toegevoegd: 4 gezinsleden toegevoegd"


def test_full_brede_intake_is_one_change_with_a_summary(casebook: Casebook) -> None:
    hid, pids = _family(casebook)
    cells = {
        (domain, pid): {"score": 1 + (i % 5), "notes": f"toelichting {i}"}
        for i, ((domain, _label), pid) in enumerate((d, p) for d in LEEFGEBIEDEN[:16] for p in pids)
    }
    assert len(cells) == 64
    records, changes = _journal_records(casebook), _changes(casebook)
    saved = services.save_intake(casebook, hid, "2026-11-20", cells, without_partner=True)
    assert len(saved) == 64
    assert _journal_records(casebook) == records + 1
    assert _changes(casebook) == changes + 1
    with casebook.reading() as conn:
        summary = conn.execute(
            "SELECT DISTINCT summary FROM audit_log WHERE change_id = (SELECT max(id) FROM changes)"
        ).fetchall()
    assert summary == [("Brede intake: 64 scores voor 4 gezinsleden",)]
    top = queries.timeline(casebook, hid)[0]
    assert top["what"] == "Brede intake: 64 scores voor 4 gezinsleden"
    assert top["actor"] == "tester"


def test_intake_summary_uses_the_singular(casebook: Casebook) -> None:
    hid, pids = _family(casebook, members=1)
    services.save_intake(casebook, hid, "2026-11-20", {("financien", pids[0]): {"score": 3}})
    assert queries.timeline(casebook, hid)[0]["what"] == "Brede intake: 1 score voor 1 gezinslid"


def test_one_bad_cell_saves_nothing_and_names_the_cell(casebook: Casebook) -> None:
    hid, pids = _family(casebook, members=2)
    changes = _changes(casebook)
    with pytest.raises(InvalidInput) as err:
        services.save_intake(
            casebook,
            hid,
            "2026-11-20",
            {("financien", pids[0]): {"score": 3}, ("huisvesting", pids[1]): {"score": 9}},
        )
    (problem,) = err.value.problems
    assert problem.field == "score" and problem.record == "Huisvesting, Mariam Haddad"
    assert _changes(casebook) == changes
    assert queries.household_detail(casebook, hid)["intake_scores"] == []  # type: ignore[index]


def test_a_crash_while_writing_the_intake_keeps_none_of_it(casebook: Casebook, reopen) -> None:
    hid, pids = _family(casebook)
    cells = {(d, p): {"score": 2} for d, _l in LEEFGEBIEDEN for p in pids}

    def crash(step: str, path: object) -> None:
        if step == "fsync":
            raise fsio.SimulatedCrash

    with pytest.raises(fsio.SimulatedCrash), fsio.fault_hook(crash):
        services.save_intake(casebook, hid, "2026-11-20", cells)
    assert queries.household_detail(casebook, hid)["intake_scores"] == []  # type: ignore[index]
    casebook._vault.close()  # type: ignore[union-attr]  # the process "died"
    casebook._vault = None
    cb = reopen(casebook)
    try:
        scores = queries.household_detail(cb, hid)["intake_scores"]  # type: ignore[index]
        assert len(scores) in (0, 64)  # the torn record is all or nothing
        assert scores == [] or all(s["score"] == 2 for s in scores)
    finally:
        cb.close()


def test_changing_an_intake_updates_only_what_changed(casebook: Casebook) -> None:
    hid, pids = _family(casebook, members=2)
    first = services.save_intake(
        casebook,
        hid,
        "2026-11-20",
        {("financien", pids[0]): {"score": 3}, ("financien", pids[1]): {"score": 4}},
    )
    again = services.save_intake(
        casebook, hid, "2026-11-20", {("financien", pids[0]): {"score": 5}}
    )
    assert again[("financien", pids[0])] == first[("financien", pids[0])]
    assert queries.timeline(casebook, hid)[0]["what"] == "Brede intake: 1 score voor 1 gezinslid"


def test_undo_the_last_change_restores_the_values(casebook: Casebook, reopen) -> None:
    hid, pids = _family(casebook, members=1)
    services.update_record(casebook, "persons", pids[0], {"given_names": "Omer", "bsn": None})
    services.update_record(casebook, "persons", pids[0], {"given_names": "Umar"})
    journal = _journal_records(casebook)
    top = queries.timeline(casebook, hid)[0]
    assert top["undoable"]
    services.undo_change(casebook, top["change_id"])
    assert queries.get(casebook, "persons", pids[0])["given_names"] == "Omer"  # type: ignore[index]
    assert _journal_records(casebook) == journal + 1  # a new change; nothing rewritten
    entries = queries.timeline(casebook, hid)
    assert entries[0]["what"] == "Wijziging ongedaan gemaakt"
    # the change before it is not the last one of that person any more
    assert not entries[1]["undoable"]
    cb = reopen(casebook)
    try:
        assert queries.get(cb, "persons", pids[0])["given_names"] == "Omer"  # type: ignore[index]
        # the undo can itself be undone, also after reopening (and a compaction)
        cb.compact()
        services.undo_change(cb, queries.timeline(cb, hid)[0]["change_id"])
        assert queries.get(cb, "persons", pids[0])["given_names"] == "Umar"  # type: ignore[index]
    finally:
        cb.close()


def test_undo_a_whole_intake_and_refuse_older_changes(casebook: Casebook) -> None:
    hid, pids = _family(casebook, members=2)
    services.save_intake(casebook, hid, "2026-11-20", {("financien", pids[0]): {"score": 3}})
    older = queries.timeline(casebook, hid)[0]["change_id"]
    services.save_intake(casebook, hid, "2026-11-20", {("financien", pids[0]): {"score": 4}})
    with pytest.raises(KlantappError, match="laatste wijziging"):
        services.undo_change(casebook, older)
    latest = queries.timeline(casebook, hid)[0]
    services.undo_change(casebook, latest["change_id"])
    scores = queries.household_detail(casebook, hid)["intake_scores"]  # type: ignore[index]
    assert [s["score"] for s in scores] == [3]
    assert queries.timeline(casebook, hid)[0]["what"].startswith("Ongedaan gemaakt: Brede intake")


def test_undo_an_addition_removes_it_unless_it_is_used(casebook: Casebook) -> None:
    hid, _pids = _family(casebook, members=1)
    note = services.add_record(
        casebook,
        "notes",
        {"household_id": hid, "created_at": "2026-11-20T10:00", "text": "Gebeld"},
    )
    services.undo_change(casebook, queries.timeline(casebook, hid)[0]["change_id"])
    assert queries.get(casebook, "notes", note) is None
    # a household that now has members cannot vanish by undoing its addition
    entry = queries.timeline(casebook, hid)[-1]
    assert entry["what"].startswith("Huishouden Familie Haddad toegevoegd")
    services.add_record(
        casebook, "persons", {"household_id": hid, "role": "kind", "family_name": "X"}
    )
    with pytest.raises(KlantappError):
        services.undo_change(casebook, entry["change_id"])


def test_pip_with_a_new_vastgesteld_version_replaces_the_old_one(casebook: Casebook) -> None:
    hid, pids = _family(casebook, members=1)
    v1 = services.save_pip(
        casebook,
        pids[0],
        {"status": "vastgesteld", "vastgesteld_on": "2026-01-10", "leerroute": "b1"},
    )
    v2 = services.save_pip(casebook, pids[0], {"status": "concept"})
    changes = _changes(casebook)
    services.save_pip(
        casebook, pids[0], {"status": "vastgesteld", "vastgesteld_on": "2026-06-01"}, pip_id=v2
    )
    assert _changes(casebook) == changes + 1
    assert queries.get(casebook, "pips", v1)["status"] == "vervangen"  # type: ignore[index]
    assert queries.get(casebook, "pips", v2)["leerroute"] == "b1"  # type: ignore[index]
    assert (
        queries.timeline(casebook, hid)[0]["what"]
        == "PIP versie 2 vastgesteld voor Omar Haddad; versie 1 vervangen"
    )


def test_update_reads_validates_and_writes_under_the_lock(
    casebook: Casebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stored values are read inside the transaction: a write that slips in between
    (a sync merge on another thread) cannot be overwritten by a stale read."""
    hid = services.add_record(casebook, "households", {"name": "Familie A", "status": "azc"})
    seen: list[bool] = []
    real_get = services.get

    def spying_get(cb: Casebook, kind: str, record_id: str):  # type: ignore[no-untyped-def]
        seen.append(cb._lock._is_owned())  # type: ignore[attr-defined]
        return real_get(cb, kind, record_id)

    monkeypatch.setattr(services, "get", spying_get)
    services.update_record(casebook, "households", hid, {"city": "Heuveldal"})
    assert seen and all(seen)
