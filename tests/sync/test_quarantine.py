"""What the office keeps aside can be read and dealt with: ``klantapp hub quarantine``
lists each item (device, reason, when, households, records and fields, how many
changes; no values), ``--show`` prints the changes themselves (health data only with
--show-restricted), ``--dismiss`` removes one after confirmation, with an audit entry."""

from __future__ import annotations

import json

import pytest

from klantapp.avg.log import access_entries
from klantapp.casebook import Casebook, services
from klantapp.cli import main
from klantapp.sync.hub import office, quarantine
from tests.sync.world import PASSPHRASE, World, household


@pytest.fixture
def kept(world: World) -> tuple[World, dict[str, str]]:
    """Anna's laptop is revoked; her later edits are kept aside at the office."""
    anna = world.add_laptop("Anna")
    world.add_laptop("Bram")
    hid = household(anna, "Familie Qwerty")
    pid = services.add_record(
        anna,
        "persons",
        {"household_id": hid, "role": "aanvrager", "family_name": "Qwerty", "given_names": "Ana"},
    )
    world.settle()
    office.revoke(world.hub, anna.device_id)
    services.update_record(
        anna, "persons", pid, {"given_names": "Anaqz", "health_note": "Qzgezondheid"}
    )
    services.add_record(
        anna, "notes", {"household_id": hid, "text": "Qznotitie", "created_at": "2026-03-01T09:00"}
    )
    world.sync_laptop("Anna")
    assert [q["reason"] for q in world.sync_hub().quarantined] == ["revoked"]
    return world, {"household": hid, "person": pid, "device": anna.device_id}


def test_the_list_says_who_why_when_and_what_without_values(
    kept: tuple[World, dict[str, str]],
) -> None:
    world, ids = kept
    (item,) = quarantine.listing(world.hub)
    assert (item["device_name"], item["reason"], item["changes"]) == ("Anna", "revoked", 2)
    assert item["received_at"] and item["readable"]
    assert item["households"] == [{"id": ids["household"], "name": "Familie Qwerty"}]
    by_table = {r["table"]: r for r in item["records"]}
    assert by_table["persons"]["fields"] == ["given_names", "health_note"]
    assert by_table["persons"]["household_id"] == ids["household"]  # found at the office
    assert by_table["notes"]["operations"] == ["insert"]
    assert "Qz" not in json.dumps(item)
    assert quarantine.listing(world.hub, world.laptops["Bram"].device_id) == []


def test_the_command_lists_shows_and_dismisses(
    kept: tuple[World, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    world, ids = kept
    hub = str(world.hub.path)
    world.hub.close()
    monkeypatch.setenv("KLANTAPP_PASSPHRASE", PASSPHRASE)

    assert main(["hub", "quarantine", hub, "--json"]) == 0
    (item,) = json.loads(capsys.readouterr().out)
    assert main(["hub", "quarantine", hub]) == 0
    listed = capsys.readouterr().out
    assert item["id"] in listed and "Anna" in listed and "ingetrokken" in listed
    assert "Familie Qwerty" in listed and "Voornamen, Gezondheid (vertrouwelijk)" in listed
    assert "Qz" not in listed

    assert main(["hub", "quarantine", hub, "--show", item["id"]]) == 0
    shown = capsys.readouterr()
    assert "Anaqz" in shown.out and "Qznotitie" in shown.out
    assert "Qzgezondheid" not in shown.out and "(vertrouwelijk)" in shown.out
    assert "--show-restricted" in shown.err
    assert main(["hub", "quarantine", hub, "--show", item["id"], "--show-restricted"]) == 0
    assert "Qzgezondheid" in capsys.readouterr().out

    # no terminal to ask and no --yes: nothing is removed
    assert main(["hub", "quarantine", hub, "--dismiss", item["id"]]) == 2
    assert main(["hub", "quarantine", hub, "--dismiss", "onbekend", "--yes"]) == 1
    assert "Er is niets apart gezet met id onbekend" in capsys.readouterr().err
    assert main(["hub", "quarantine", hub, "--dismiss", item["id"], "--yes"]) == 0
    capsys.readouterr()
    assert main(["hub", "quarantine", hub, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []

    world.hub = Casebook.open(hub, PASSPHRASE)
    # showing the health data was logged, once (the plain --show and --json were not)
    (read,) = [e for e in access_entries(world.hub) if e["action"] == "restricted_read"]
    assert "Persoon" in read["what"] and "Qz" not in read["what"]
    assert read["household_id"] is not None
    logged = [e for e in access_entries(world.hub) if e["action"] == "quarantine_dismissed"]
    assert len(logged) == 1 and "Anna" in logged[0]["what"] and "Qz" not in logged[0]["what"]
    assert logged[0]["household_id"] is None  # it stays at the office
    assert office.status(world.hub)["quarantined_bundles"] == 0
    assert ids["device"] in {d["id"] for d in office.devices(world.hub)}
