"""What the desktop client asks of the sync core (klantapp.sync stays Qt-free): the
folder it keeps, the enrolment request left in the folder, the office's status and
quarantine listing, notices read, and the guided passphrase recovery."""

from __future__ import annotations

import pytest

from klantapp.casebook import Casebook, services
from klantapp.errors import WrongPassphrase
from klantapp.sync import laptop, state, transport
from klantapp.sync.hub import office, quarantine
from klantapp.vault import KdfParams
from tests.sync.world import PASSPHRASE, World, household


def test_the_folder_is_kept_in_the_casebook_and_never_sent(world: World) -> None:
    anna = world.add_laptop("Anna")
    assert state.folder(anna) is None
    state.set_folder(anna, str(world.folder))
    assert state.folder(world.reopen("Anna")) == str(world.folder)
    world.settle()
    assert state.folder(world.hub) is None  # device state: not in any bundle


def test_an_enrolment_request_left_in_the_folder_is_what_the_office_enrols(
    world: World,
) -> None:
    cb, _secret = Casebook.create(
        world.root / "laptop-sanne", PASSPHRASE, kdf=KdfParams.for_tests()
    )
    world.laptops["Sanne"] = cb
    joined = laptop.join(cb, office.office_card(world.hub)[1], "Sanne")
    written = transport.send_request(world.folder, cb.device_id, joined.request_text)
    again = transport.send_request(world.folder, cb.device_id, joined.request_text)
    assert written == again and transport.requests(world.folder) == [written]
    assert not [p for p in written.parent.iterdir() if p.name.startswith(".")]  # no leftovers
    enrolled = office.enrol(world.hub, written.read_text(encoding="utf-8"))
    assert enrolled.device_fingerprint == joined.device_fingerprint


def test_the_office_status_counts_devices_needing_attention_and_bundles_kept_aside(
    world: World,
) -> None:
    anna = world.add_laptop("Anna")
    world.add_laptop("Bram")
    assert office.status(world.hub)["last_sync"] is None
    world.settle()
    assert office.status(world.hub)["last_sync"]["ok"] is True
    office.revoke(world.hub, anna.device_id)
    household(anna, "Familie Na Intrekking")
    world.sync_laptop("Anna")
    world.sync_hub()
    kept = quarantine.listing(world.hub)
    assert [(q["device_name"], q["reason"], q["changes"]) for q in kept] == [("Anna", "revoked", 1)]
    assert "ingetrokken" in kept[0]["reason_text"]
    assert quarantine.listing(world.hub, world.laptops["Bram"].device_id) == []
    assert office.status(world.hub)["quarantined_bundles"] == 1


def test_a_notice_once_read_is_not_shown_again(world: World) -> None:
    anna = world.add_laptop("Anna")
    bram = world.add_laptop("Bram")
    hid = household(anna, "Familie Tesfay")
    world.settle()
    office.assign(world.hub, hid, bram.device_id)
    world.settle()
    notices = laptop.status(anna)["notices"]
    assert [n["kind"] for n in notices] == ["handover"]
    laptop.dismiss_notice(anna, notices[0]["id"])
    assert laptop.status(anna)["notices"] == []


def test_recover_gives_a_laptop_casebook_a_new_passphrase(world: World) -> None:
    anna = world.add_laptop("Anna")
    services.add_record(anna, "households", {"name": "Familie Tesfay", "status": "azc"})
    anna.change_recovery_key(
        office.office_card(world.hub)[0].recovery_recipient, PASSPHRASE, KdfParams.for_tests()
    )
    path = anna.path
    anna.close()
    del world.laptops["Anna"]
    office.recover(world.hub, str(path), "een nieuwe wachtwoordzin", kdf=KdfParams.for_tests())
    with pytest.raises(WrongPassphrase):
        Casebook.open(path, PASSPHRASE)
    reopened = Casebook.open(path, "een nieuwe wachtwoordzin")
    try:
        with reopened.reading() as conn:
            assert conn.execute("SELECT name FROM households").fetchall() == [("Familie Tesfay",)]
    finally:
        reopened.close()
