"""The gemeente's shared settings (the letterhead) are the office's: what the office sets
reaches every laptop, what a laptop held before it joined makes way for it, a laptop
cannot change them, an older laptop's edit is kept aside at the office instead of
spreading, and a laptop's own settings (the klantmanager's name) never leave it."""

from __future__ import annotations

import json

import pytest

from klantapp.casebook import Casebook, services
from klantapp.casebook.casebook import NotOwner
from klantapp.casebook.jsonio import FORMAT, FORMAT_VERSION, import_document
from klantapp.sync import bundle, keys, laptop, payload, transport
from klantapp.sync.hub import office, quarantine
from klantapp.vault import KdfParams
from tests.sync.world import PASSPHRASE, World, household

LETTERHEAD = {"name": "Gemeente Heuveldal", "street": "Markt 1", "city": "Heuveldal"}


def laptop_with_own_letterhead(world: World, name: str) -> Casebook:
    """A casebook that had a letterhead of its own before it joined (set after the office
    was made, so its clock is the newer one)."""
    cb, _secret = Casebook.create(
        world.root / f"laptop-{name}", PASSPHRASE, kdf=KdfParams.for_tests(), actor=name
    )
    cb.set_setting("gemeente", {"name": "Eigen briefhoofd", "phone": "0123-456789"})
    cb.set_setting("retention", {"appointments": 10})
    _card, card_text = office.office_card(world.hub)
    office.enrol(world.hub, laptop.join(cb, card_text, name).request_text)
    world.laptops[name] = cb
    return cb


def test_the_letterhead_set_at_the_office_reaches_every_laptop(world: World) -> None:
    anna = laptop_with_own_letterhead(world, "Anna")
    bram = world.add_laptop("Bram")
    world.settle()
    # what Anna had before she joined made way for the office's; the office kept its own
    for cb in (world.hub, anna, bram):
        assert cb.get_setting("gemeente") == {"name": "Heuveldal"}, cb.actor
        assert cb.get_setting("retention") is None, cb.actor
    world.hub.set_setting("gemeente", LETTERHEAD)
    world.settle()
    assert anna.get_setting("gemeente") == LETTERHEAD
    assert bram.get_setting("gemeente") == LETTERHEAD
    # both sides hold the same rows: the digests agree, nothing is sent again and again
    assert world.sync_hub().written == []
    with world.hub.reading() as conn:
        assert not office.peer(conn, anna.device_id).get("resend_all")


def test_a_joined_laptop_cannot_edit_the_letterhead_but_its_own_name(world: World) -> None:
    anna = world.add_laptop("Anna")
    world.settle()
    with pytest.raises(NotOwner, match="centrale kantoor"):
        anna.set_setting("gemeente", LETTERHEAD)
    anna.set_setting("klantmanager", {"name": "Anna de Wit"})
    assert anna.get_setting("klantmanager") == {"name": "Anna de Wit"}
    assert laptop.status(anna)["unsent_changes"] == 0  # a device setting is nothing to send


def test_an_import_on_a_joined_laptop_leaves_the_shared_settings_to_the_office(
    world: World,
) -> None:
    anna = world.add_laptop("Anna")
    world.settle()
    counts = import_document(
        anna,
        {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "settings": {"gemeente": LETTERHEAD, "klantmanager": {"name": "Anna de Wit"}},
            "households": [{"id": "h-1", "name": "Familie Noor", "status": "azc"}],
        },
    )
    assert counts == {"households": 1, "settings": 1}
    assert anna.get_setting("gemeente") == {"name": "Heuveldal"}
    assert anna.get_setting("klantmanager") == {"name": "Anna de Wit"}


def test_a_laptops_own_settings_never_leave_it(world: World) -> None:
    cb, _secret = Casebook.create(
        world.root / "laptop-Anna", PASSPHRASE, kdf=KdfParams.for_tests(), actor="Anna"
    )
    cb.set_setting("klantmanager", {"name": "Zqxklantmanager"})
    cb.set_setting("gemeente", {"name": "Zqxbriefhoofd"})
    _card, card_text = office.office_card(world.hub)
    office.enrol(world.hub, laptop.join(cb, card_text, "Anna").request_text)
    world.laptops["Anna"] = anna = cb
    household(anna, "Familie Noor")
    anna.set_setting("klantmanager", {"name": "Zqxnieuwenaam"})
    world.sync_laptop("Anna")
    with world.hub.reading() as conn:
        identity = keys.load(conn).age_identity
        roster_keys = office.current_roster(conn).signer_key
        hub_id = office.require_hub(conn)["id"]
    found, _look = transport.incoming(world.folder, transport.HUB, settle=0)
    assert found
    for item in found:
        _manifest, ops = bundle.read_bundle(
            item.path.read_bytes(),
            identities=[identity],
            signer_key=roster_keys,
            expected_hub_id=hub_id,
        )
        sent = payload.decode(ops)
        tables = {op.table for c in sent.changes for op in c.ops}
        assert tables and "settings" not in tables and "device_settings" not in tables
        assert b"Zqx" not in ops
    world.settle()
    assert world.hub.get_setting("gemeente") == {"name": "Heuveldal"}
    assert anna.get_setting("klantmanager") == {"name": "Zqxnieuwenaam"}
    bram = world.add_laptop("Bram")
    world.settle()
    assert bram.get_setting("klantmanager") is None
    assert bram.get_setting("gemeente") == {"name": "Heuveldal"}


def test_an_older_laptops_letterhead_edit_does_not_spread(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna = world.add_laptop("Anna")
    bram = world.add_laptop("Bram")
    hid = household(anna, "Familie Noor")
    world.hub.set_setting("gemeente", LETTERHEAD)
    world.settle()
    # an older Klantapp let a laptop edit the letterhead; its edit is still unsent
    monkeypatch.setattr(Casebook, "_require_office_owner", lambda *_a: None, raising=False)
    with anna.transaction() as tx:
        tx.update("settings", "gemeente", {"value": {**LETTERHEAD, "phone": "0900-1234"}})
        tx.update("households", hid, {"city": "Heuveldal"})
    monkeypatch.undo()
    world.sync_laptop("Anna")
    report = world.sync_hub()
    assert [q["reason"] for q in report.quarantined] == ["shared_setting"]
    assert world.hub.get_setting("gemeente") == LETTERHEAD
    with world.hub.reading() as conn:  # the rest of the same change was taken
        assert conn.execute("SELECT city FROM households WHERE id = ?", (hid,)).fetchone() == (
            "Heuveldal",
        )
    world.settle()
    assert bram.get_setting("gemeente") == LETTERHEAD
    assert anna.get_setting("gemeente") == LETTERHEAD  # the office's again
    status = laptop.status(anna)
    assert [s["reason"] for s in status["set_aside_at_office"]] == ["shared_setting"]
    assert any("Gemeente (briefhoofd)" in n["text"] for n in status["notices"])
    assert "0900" not in str(status)  # the message names the setting, never its value
    services.update_record(anna, "households", hid, {"city": "Later"})
    world.hub.set_setting("gemeente", {**LETTERHEAD, "phone": "0548-000000"})
    world.settle()
    assert anna.get_setting("gemeente")["phone"] == "0548-000000"
    assert bram.get_setting("gemeente")["phone"] == "0548-000000"
    # the office reads what the laptop wrote, and dismisses it
    (item,) = quarantine.listing(world.hub)
    assert item["reason"] == "shared_setting" and item["records"][0]["row_id"] == "gemeente"
    assert "0900-1234" in json.dumps(quarantine.show(world.hub, item["id"]))
    quarantine.dismiss(world.hub, item["id"])
    world.settle()
    assert laptop.status(anna)["set_aside_at_office"] == []
    assert world.sync_hub().written == []  # the two agree again: nothing more to send
