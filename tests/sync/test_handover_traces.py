"""A household handed to another klantmanager leaves the old owner's laptop without a
trace, as a destroyed one does (tests/avg/test_destruction.py): no row, oplog line,
change summary, undo value, AVG entry, search-index word or export line of it, and --
once the notice is read and the casebook compacted -- nothing in the decrypted snapshot
or journal either."""

from __future__ import annotations

from datetime import date

from klantapp.avg.correction import correct_record
from klantapp.avg.inzage import make_inzage, record_request
from klantapp.casebook import Casebook, queries, services
from klantapp.sync import laptop
from klantapp.sync.hub import office
from tests.avg.conftest import make_family
from tests.avg.traces import traces, vault_traces
from tests.sync.world import PASSPHRASE, World


def test_a_handed_over_household_leaves_no_trace_on_the_old_laptop(world: World) -> None:
    anna = world.add_laptop("Anna")
    bram = world.add_laptop("Bram")
    keep = make_family(anna, "Kpw")
    fam = make_family(anna)
    # what leaves local bookkeeping behind: an edit (undo value), a summary naming a
    # person, a correction (AVG entry with the old value), an inzage, a note deleted
    # earlier (tombstone, oplog)
    services.update_record(anna, "persons", fam.person, {"given_names": "Zqxtweede"})
    fam.markers.append("Zqxtweede")
    services.new_pip_version(anna, fam.person, {"status": "concept"})
    correct_record(
        anna, "persons", fam.other, {"given_names": "Zqxjuist"}, reason="typfout", source="brp"
    )
    fam.markers.append("Zqxjuist")
    record_request(anna, fam.person, date.today())
    make_inzage(anna, fam.person, include_restricted=True, pdf=False)
    gone = services.add_record(
        anna,
        "notes",
        {"household_id": fam.household, "text": "Zqxweg", "created_at": "2026-01-01T09:00"},
    )
    services.delete_record(anna, "notes", gone)
    fam.markers.append("Zqxweg")
    fam.ids["deleted note"] = gone
    world.settle()
    before = traces(anna, fam)  # the check sees them before
    for place in ("summary", "undo_log", "avg_corrections", "oplog", "search", "export"):
        assert any(t.startswith(place) for t in before), place

    office.assign(world.hub, fam.household, bram.device_id)
    world.settle()

    assert queries.get(anna, "households", fam.household) is None
    assert queries.get(bram, "persons", fam.person)["given_names"] == "Zqxtweede"
    assert traces(anna, fam) == []
    ids = {*fam.ids.values(), fam.other}
    with anna.reading() as conn:
        lines = [r for r in conn.execute("SELECT tbl, row_id FROM oplog") if r[1] in ids]
        tombs = [r for r in conn.execute("SELECT row_id FROM tombstones") if r[0] in ids]
    assert lines == [] and tombs == []  # not even the ids of its deleted rows
    # the other family stays whole, searchable and undoable
    assert queries.search(anna, "Kpwnaam")
    assert queries.get(anna, "households", keep.household) is not None

    # The notice names the household until the klantmanager has read it; after that,
    # a compaction leaves nothing of it in the files.
    notices = laptop.status(anna)["notices"]
    assert [n["kind"] for n in notices] == ["handover"]
    laptop.dismiss_notice(anna, notices[0]["id"])
    anna_path = anna.path
    anna.close()
    reopened = world.laptops["Anna"] = Casebook.open(anna_path, PASSPHRASE)
    assert traces(reopened, fam) == []  # the journal replays to the same state
    reopened.compact()
    reopened.close()
    assert vault_traces(anna_path, fam) == []
    world.laptops["Anna"] = Casebook.open(anna_path, PASSPHRASE)


def test_the_laptop_compacts_after_a_handover(world: World) -> None:
    """The handover's sync run compacts: the old owner's data is not left in the
    journal until some later close happens to compact."""
    anna = world.add_laptop("Anna")
    bram = world.add_laptop("Bram")
    fam = make_family(anna)
    world.settle()
    office.assign(world.hub, fam.household, bram.device_id)
    world.sync_hub()
    world.sync_laptop("Anna")
    assert queries.get(anna, "households", fam.household) is None
    anna_path = anna.path
    anna.close()
    fam.markers = fam.markers[1:]  # the unread notice still names the household itself
    assert vault_traces(anna_path, fam) == []
    world.laptops["Anna"] = Casebook.open(anna_path, PASSPHRASE)
