"""Retention and destruction: after the run (and its compaction) no trace of the
destroyed family anywhere -- decrypted snapshot and journal, search index, oplog,
export -- and a later sync does not bring it back."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from klantapp.avg.retention import destroy, destruction_log, due
from klantapp.casebook import Casebook, queries, services
from tests.avg.conftest import Family, make_family
from tests.avg.traces import traces, vault_traces
from tests.conftest import PASSPHRASE
from tests.sync.world import World

LATER = date.today() + timedelta(days=11 * 366)


def close_dossier(cb: Casebook, fam: Family) -> None:
    services.update_record(cb, "households", fam.household, {"status": "afgerond"})


def test_nothing_is_due_while_the_dossier_is_open_or_recent(casebook: Casebook) -> None:
    fam = make_family(casebook)
    assert due(casebook, LATER).rows == []
    close_dossier(casebook, fam)
    assert due(casebook, date.today()).rows == []
    three_years = due(casebook, date.today() + timedelta(days=3 * 366))
    assert three_years.households == []
    assert {k for k, _ in three_years.rows} == {"appointments"}  # the shortest rule
    assert set(due(casebook, LATER).households) == {fam.household}


def test_a_gemeente_chooses_a_longer_period_where_the_rule_allows(casebook: Casebook) -> None:
    fam = make_family(casebook)
    close_dossier(casebook, fam)
    casebook.set_setting("retention", {"appointments": 10})
    assert due(casebook, date.today() + timedelta(days=3 * 366)).rows == []


def test_after_destruction_no_trace_is_left(casebook: Casebook, casebook_path: Path) -> None:
    keep = make_family(casebook, "Kpw")
    fam = make_family(casebook)
    services.update_record(casebook, "persons", fam.person, {"given_names": "Zqxtweede"})
    fam.markers.append("Zqxtweede")
    from klantapp.avg.inzage import make_inzage, record_request

    record_request(casebook, fam.person, date.today())
    make_inzage(casebook, fam.person, include_restricted=True, pdf=False)
    close_dossier(casebook, fam)
    assert traces(casebook, fam)  # the check sees them before
    plan = due(casebook, LATER)
    assert plan.households == [fam.household]
    report = destroy(casebook, plan)
    assert report.households == 1 and report.counts["persons"] == 2
    assert traces(casebook, fam) == []
    casebook.close()
    assert vault_traces(casebook_path, fam) == []
    again = Casebook.open(casebook_path, PASSPHRASE)
    try:
        assert traces(again, fam) == []
        assert queries.get(again, "households", keep.household) is not None
        assert queries.search(again, "Kpwnaam")
        log = destruction_log(again)
        assert len(log) == 1 and log[0]["counts"]["notes"] == 2
        assert fam.household not in json.dumps(log) and "Zqx" not in json.dumps(log)
        # who ran it (an employee, named), when and counts: nothing of the client
        assert set(log[0]) == {"id", "at", "actor", "reference_date", "households", "counts"}
        assert log[0]["actor"] == "tester"
        # and the run is an action in the Logboek, with counts only
        from klantapp.avg.log import audit_entries

        runs = [e for e in audit_entries(again) if e["action"] == "destruction"]
        assert len(runs) == 1 and runs[0]["actor"] == "tester"
        assert runs[0]["what"].startswith(f"Vernietigd na bewaartermijn (peildatum {LATER}):")
        assert "1 huishoudens geheel" in runs[0]["what"]
        assert runs[0]["household_id"] is None and runs[0]["person_id"] is None
        assert not any(i in json.dumps(runs) for i in [*fam.ids.values(), *fam.markers])
        with again.reading() as conn:
            tombs = {r[0] for r in conn.execute("SELECT row_id FROM tombstones")}
        assert set(fam.ids.values()) <= tombs
    finally:
        again.close()


def test_a_destroyed_household_does_not_come_back_through_sync(tmp_path: Path) -> None:
    world = World.make(tmp_path)
    try:
        lap = world.add_laptop("sanne")
        fam = make_family(lap)
        world.settle()
        assert queries.get(world.hub, "households", fam.household) is not None
        close_dossier(lap, fam)
        world.settle()
        # the office destroys; the laptop meanwhile edits a note of that household
        destroy(world.hub, due(world.hub, LATER))
        services.update_record(lap, "notes", fam.ids["notes"], {"text": "Zqxlaat"})
        fam.markers.append("Zqxlaat")
        world.settle()
        for cb in (world.hub, lap):
            for kind, rid in fam.ids.items():
                assert queries.get(cb, kind, rid) is None, (cb.actor, kind)
        world.settle()
        lap = world.reopen("sanne")
        assert queries.get(lap, "households", fam.household) is None
        assert queries.get(world.hub, "households", fam.household) is None
        assert traces(world.hub, fam) == []
        # the owner's laptop removed the history too (the destruction's mark travels)
        assert traces(lap, fam) == []
        lap_path = lap.path
        lap.close()
        lap = world.laptops["sanne"] = Casebook.open(lap_path, PASSPHRASE)
        lap.compact()
        lap_path = lap.path
        lap.close()
        assert vault_traces(lap_path, fam) == []
        world.laptops["sanne"] = Casebook.open(lap_path, PASSPHRASE)
        hub_path = world.hub.path
        world.hub.close()
        assert vault_traces(hub_path, fam) == []
        world.hub = Casebook.open(hub_path, PASSPHRASE)
    finally:
        world.close()
