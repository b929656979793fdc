"""Sync in the desktop client: two laptops and a central office in temporary folders, each
casebook in its own workspace (offscreen), driven as a klantmanager and a coordinator
would: join, enrol, sync on reachability and after a save, a conflict made and
resolved, a reassignment, a refused laptop, and a hanging folder that never freezes the
window."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from klantapp.casebook import Casebook, services
from klantapp.sync import transport
from klantapp.sync.hub import office
from klantapp.vault import KdfParams
from tests.sync.world import PASSPHRASE, World, household, names, racing_edits
from ui.screens.households import COLUMNS
from ui.session import Session
from ui.sync import SyncController
from ui.workspace import Workspace


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with World.opened(tmp_path) as w:
        yield w


@pytest.fixture
def open_workspace(qtbot, settings):  # type: ignore[no-untyped-def]
    def let_go(ws: Workspace) -> None:
        # As locking does: stop, let the exchange end, then let go of the casebook. This
        # runs before pytest-qt closes and deletes the window (which happens before any
        # fixture's teardown): a result delivered to a deleted controller is dropped, so
        # waiting after that would wait for ever.
        ws.sync.stop()
        qtbot.waitUntil(lambda: not ws.sync.running, timeout=20_000)
        ws.session.detach()  # a late folder check is dropped; the world closes the casebook

    def make(cb: Casebook, folder: Path | None = None, **options: Any) -> Workspace:
        session = Session(cb, str(cb.path))
        session.kdf = KdfParams.for_tests()
        if folder is not None:
            session.set_sync_folder(str(folder))
        controller = SyncController(
            session,
            check_ms=options.get("check_ms", 3_600_000),
            check_timeout=options.get("check_timeout", 2.0),
            settle=0,
        )
        controller.after_save.setInterval(20)
        ws = Workspace(session, settings, sync=controller)
        qtbot.addWidget(ws, before_close_func=let_go)
        ws.show()
        return ws

    return make


def synced(qtbot, ws: Workspace) -> None:  # type: ignore[no-untyped-def]
    """Press Nu synchroniseren and wait for the exchange to end."""
    assert ws.sync.sync_now()
    qtbot.waitUntil(lambda: not ws.sync.running, timeout=20_000)


def visible_text(widget: Any) -> str:
    return " ".join(
        w.text() for w in widget.findChildren(QLabel) if w.isVisibleTo(widget) and w.text()
    )


def test_join_from_instellingen_then_the_office_enrols_the_request(
    qtbot, world: World, tmp_path: Path, open_workspace
) -> None:  # type: ignore[no-untyped-def]
    laptop_cb, _secret = Casebook.create(
        tmp_path / "laptop-sanne", PASSPHRASE, kdf=KdfParams.for_tests(), actor="Sanne"
    )
    world.laptops["Sanne"] = laptop_cb
    card = tmp_path / "kantoor.kcard"
    hub_ws = open_workspace(world.hub, world.folder)
    hub_ws.go("settings")
    hub_ws.settings_screen.office.write_card(str(card))

    ws = open_workspace(laptop_cb)
    assert "Niet aangemeld" in ws.status_area.connection.text()
    ws.status_area.join.click()  # "Aanmelden…" leads to Instellingen → Centraal kantoor
    box = ws.settings_screen.office
    assert ws.current_screen() is ws.settings_screen and box.join_form.isVisibleTo(box)
    box.card_path.setText(str(card))
    box.name.setText("Sanne de Vries")
    box.join_folder.edit.setText(str(world.folder))
    box.passphrase.setText(PASSPHRASE)
    assert box.start_join()
    qtbot.waitUntil(lambda: box.codes.isVisibleTo(box), timeout=20_000)
    device_code = box.device_code.text().split(": ", 1)[1]
    office_code = box.office_code.text().split(": ", 1)[1]
    assert len(device_code.replace(" ", "")) == 24
    assert "Vergelijk dit met het centrale kantoor (telefonisch)" in box.codes_hint.text()
    shown = visible_text(box) + " ".join(e.text() for e in box.findChildren(QLineEdit))
    for jargon in ("X25519", "age1", "sleutelpaar", "minisign"):
        assert jargon not in shown
    assert box.passphrase.text() == ""  # not kept on screen
    request = world.folder / transport.REQUESTS / f"{laptop_cb.device_id}.kreq"
    assert request.is_file()  # the enrolment request waits in the folder

    # The office: Apparaten shows the waiting request; enrolling shows the same codes.
    hub_ws.go("devices")
    qtbot.waitUntil(lambda: "1 aanmeldverzoek" in hub_ws.devices.requests.text(), timeout=5_000)
    enrolled = hub_ws.devices.enrol_file(str(request))
    assert enrolled.device_fingerprint == device_code
    assert enrolled.office_fingerprint == office_code
    dialog_text = visible_text(hub_ws.devices.last_dialog)
    assert device_code in dialog_text and office_code in dialog_text
    hub_ws.devices.last_dialog.accept()
    assert [r["name"] for r in hub_ws.devices.model.rows] == ["Sanne de Vries"]
    assert hub_ws.devices.requests.text() == "" or "0" not in hub_ws.devices.requests.text()


def test_on_a_joined_laptop_the_letterhead_is_the_offices_and_read_only(
    qtbot, world: World, open_workspace
) -> None:  # type: ignore[no-untyped-def]
    anna = world.add_laptop("Anna")
    world.hub.set_setting("gemeente", {"name": "Gemeente Heuveldal", "city": "Heuveldal"})
    ws = open_workspace(anna, world.folder)
    ws.go("settings")
    screen = ws.settings_screen
    assert all(edit.isReadOnly() for edit in screen.fields.values())
    assert screen.office_note.isVisibleTo(screen)
    assert "beheerd door het centrale kantoor" in screen.office_note.text()
    assert not screen.mark_button.isEnabled()
    world.sync_hub()
    synced(qtbot, ws)
    qtbot.waitUntil(lambda: screen.fields["city"].text() == "Heuveldal", timeout=5_000)
    # the klantmanager's own name is this laptop's: still saved here
    screen.klantmanager.setText("Anna de Wit")
    assert screen.save()
    assert ws.session.get_setting("klantmanager") == {"name": "Anna de Wit"}
    assert anna.get_setting("gemeente") == {"name": "Gemeente Heuveldal", "city": "Heuveldal"}
    # and the office's own client edits it as before
    hub_ws = open_workspace(world.hub, world.folder)
    hub_ws.go("settings")
    office_screen = hub_ws.settings_screen
    assert not office_screen.fields["city"].isReadOnly()
    assert office_screen.office_note.isHidden()


def test_syncs_when_the_folder_becomes_reachable_and_after_each_save(
    qtbot, world: World, open_workspace
) -> None:  # type: ignore[no-untyped-def]
    anna = world.add_laptop("Anna")
    later = world.root / "share-later"  # not there yet: the USB stick is not in
    ws = open_workspace(anna, later, check_ms=50)
    hid = ws.session.add("households", {"name": "Familie Tesfay", "status": "azc"})
    qtbot.waitUntil(lambda: ws.sync.connected is False, timeout=5_000)
    assert "Niet verbonden" in ws.status_area.connection.text()
    assert ws.status_area.unsent.text() == "1 wijziging nog niet bij het kantoor"
    assert not (world.folder / "to-hub").exists()

    shutil.move(world.folder, later)  # the stick goes in
    world.folder = later
    qtbot.waitUntil(lambda: ws.sync.connected is True and not ws.sync.running, timeout=10_000)
    qtbot.waitUntil(lambda: bool(list((later / "to-hub").glob("*.kbundle"))), timeout=10_000)
    assert "● Verbonden" in ws.status_area.connection.text()
    world.sync_hub()
    assert names(world.hub) == ["Familie Tesfay"]

    # a save while connected goes out on its own
    ws.session.update("households", hid, {"city": "Zwolle"})
    qtbot.waitUntil(lambda: len(list((later / "to-hub").glob("*.kbundle"))) == 1, timeout=10_000)
    qtbot.waitUntil(
        lambda: not ws.sync.running and not ws.sync.after_save.isActive(), timeout=10_000
    )
    world.sync_hub()
    with world.hub.reading() as conn:
        assert conn.execute("SELECT city FROM households").fetchone() == ("Zwolle",)
    synced(qtbot, ws)
    assert ws.sync.status["unsent_changes"] == 0
    assert ws.status_area.unsent.text() == "0 wijzigingen nog niet bij het kantoor"
    assert "vandaag" in ws.status_area.last.text()


def test_a_conflict_is_shown_and_deze_houden_makes_it_the_value(
    qtbot, world: World, open_workspace
) -> None:  # type: ignore[no-untyped-def]
    anna = world.add_laptop("Anna")
    hid = household(anna, "Familie Tesfay")
    world.settle()
    services.update_record(world.hub, "households", hid, {"city": "Kantoorstad"})
    services.update_record(anna, "households", hid, {"city": "Annastad"})  # not seen the other
    world.settle()
    ws = open_workspace(anna, world.folder)
    assert "1 conflict" in ws.status_area.conflicts.text()
    ws.status_area.conflicts.click()
    screen = ws.conflicts
    assert ws.current_screen() is screen
    assert len(screen.model.rows) == 1
    row = screen.model.rows[0]
    current, kept = row["current_text"], row["kept_text"]
    assert {current, kept} == {"Kantoorstad", "Annastad"}
    assert row["kept_actor"] and row["winner_actor"]  # who, on both sides

    # the household and its timeline show it too
    screen.open_button.click()
    assert ws.household is not None and ws.household.conflict_banner.isVisibleTo(ws.household)
    ws.household.set_tab("timeline")
    assert any("Conflict" in r["what"] for r in ws.household.timeline_model.rows)
    ws.household.conflict_button.click()
    assert ws.current_screen() is screen

    screen.table.selectRow(0)
    assert screen.resolve(keep_losing_value=True)
    assert screen.model.rows == [] and screen.empty.isVisibleTo(screen)
    assert "0 conflicten" in ws.status_area.conflicts.text()
    with anna.reading() as conn:
        assert conn.execute("SELECT city FROM households").fetchone() == (kept,)
    synced(qtbot, ws)
    world.settle()
    with world.hub.reading() as conn:
        assert conn.execute("SELECT city FROM households").fetchone() == (kept,)
        assert conn.execute("SELECT status FROM conflicts").fetchall() == [("resolved",)]


def test_the_office_reassigns_a_household_and_the_old_laptop_is_told(
    qtbot, world: World, open_workspace
) -> None:  # type: ignore[no-untyped-def]
    anna = world.add_laptop("Anna")
    bram = world.add_laptop("Bram")
    hid = household(anna, "Familie Tesfay")
    world.settle()
    hub_ws = open_workspace(world.hub, world.folder)
    hub_ws.go("households")
    screen = hub_ws.households
    owner_col = [k for k, _l in COLUMNS]
    assert not screen.table.isColumnHidden(owner_col.index("owner"))
    assert screen.model.data(screen.model.index(0, owner_col.index("owner"))) == "Anna"
    screen.owner_filter.setCurrentIndex(screen.owner_filter.findText("Bram"))
    assert screen.model.rows == []
    screen.owner_filter.setCurrentIndex(screen.owner_filter.findText("Anna"))
    assert [r["name"] for r in screen.model.rows] == ["Familie Tesfay"]
    screen.table.selectRow(0)
    screen.assign_selected()
    dialog = screen.assign_dialog
    dialog.target.setCurrentIndex(dialog.target.findText("Bram"))
    assert dialog.save()
    screen.owner_filter.setCurrentIndex(screen.owner_filter.findText("Bram"))
    assert [r["name"] for r in screen.model.rows] == ["Familie Tesfay"]

    synced(qtbot, hub_ws)
    # offline, before she hears of it
    services.update_record(anna, "households", hid, {"city": "Nog van Anna"})
    ws = open_workspace(anna, world.folder)  # reachable: it syncs on its own
    qtbot.waitUntil(lambda: ws.sync.connected is True and not ws.sync.running, timeout=10_000)
    # she has heard of it; her edit is not acknowledged yet, so the household stays, read-only
    assert ws.open_household(hid)
    page = ws.household
    assert page is not None and page.read_only
    assert "wordt beheerd door Bram" in page.owner_banner.text()
    assert not page.details.form.isEnabled()
    assert page.persons.new_button.isHidden()
    ws.go("today")
    synced(qtbot, hub_ws)
    synced(qtbot, ws)
    assert names(anna) == []
    assert ws.notice_banner.isVisibleTo(ws)
    assert "Huishouden Familie Tesfay is overgedragen aan Bram" in ws.notice_text.text()
    ws.notice_button.click()
    assert not ws.notice_banner.isVisibleTo(ws)
    world.settle()
    assert names(bram) == ["Familie Tesfay"]


def test_a_refused_laptop_is_told_what_to_do_and_stops_syncing(
    qtbot, world: World, tmp_path: Path, open_workspace
) -> None:  # type: ignore[no-untyped-def]
    anna = world.add_laptop("Anna")
    hid = household(anna, "Familie Tesfay")
    world.settle()
    backup = tmp_path / "kopie-anna"
    anna.close()
    shutil.copytree(anna.path, backup)
    anna = world.reopen("Anna")
    services.update_record(anna, "households", hid, {"city": "Nieuw"})
    world.settle()
    path = anna.path
    anna.close()
    shutil.rmtree(path)
    shutil.copytree(backup, path)  # an older copy put back
    anna = Casebook.open(path, PASSPHRASE, actor="Anna")
    world.laptops["Anna"] = anna
    ws = open_workspace(anna, world.folder)
    ws.session.update("households", hid, {"city": "Oud en anders"})
    qtbot.waitUntil(lambda: not ws.sync.after_save.isActive(), timeout=5_000)
    synced(qtbot, ws)
    world.sync_hub()
    synced(qtbot, ws)
    assert ws.current_screen() is ws.refused
    text = visible_text(ws.refused)
    assert "kopie" in text and "centrale kantoor" in text  # restored or diverged copy
    assert "bewaard" in text
    assert ws.sync.stopped and not ws.sync.timer.isActive()
    assert "gestopt" in ws.status_area.connection.text()
    assert not ws.status_area.now.isEnabled()
    before = sorted((world.folder / "to-hub").glob("*"))
    assert not ws.sync.sync_now()  # no loop: nothing more is sent
    ws.session.update("households", hid, {"city": "Nog later"})
    qtbot.wait(100)
    assert sorted((world.folder / "to-hub").glob("*")) == before
    ws.refused.go_on_button.click()
    assert ws.current_screen() is ws.today  # the casebook stays usable

    hub_ws = open_workspace(world.hub, world.folder)
    qtbot.waitUntil(lambda: hub_ws.sync.connected and not hub_ws.sync.running, timeout=20_000)
    hub_ws.go("devices")
    devices = hub_ws.devices
    devices.table.selectRow(0)
    assert devices.model.data(devices.model.index(0, 1)) == "geweigerd"
    assert "Apart gezet" in devices.detail.text() and "Geweigerd" in devices.detail.text()
    assert devices.revoke_selected(ask=False)
    assert devices.model.data(devices.model.index(0, 1)) == "ingetrokken"


def test_the_office_resets_a_laptops_passphrase_with_the_guided_dialog(
    qtbot, world: World, open_workspace
) -> None:  # type: ignore[no-untyped-def]
    anna = world.add_laptop("Anna")
    anna.change_recovery_key(
        office.office_card(world.hub)[0].recovery_recipient, PASSPHRASE, KdfParams.for_tests()
    )
    path = anna.path
    anna.close()
    del world.laptops["Anna"]
    hub_ws = open_workspace(world.hub, world.folder)
    hub_ws.go("devices")
    dialog = hub_ws.devices.show_recovery()
    assert not dialog.start()  # no casebook chosen yet: said so
    dialog.set_path(str(path))
    assert str(path) not in visible_text(dialog)  # only the folder's name
    dialog.passphrase.passphrase.setText("een nieuwe lange wachtwoordzin")
    dialog.passphrase.repeat.setText("een nieuwe lange wachtwoordzin")
    assert dialog.start()
    qtbot.waitUntil(lambda: dialog.reset_done, timeout=20_000)
    Casebook.open(path, "een nieuwe lange wachtwoordzin").close()


def test_a_hanging_folder_never_freezes_the_window(
    qtbot, world: World, open_workspace, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    anna = world.add_laptop("Anna")
    release = threading.Event()
    entered = threading.Event()

    def hang(*_args: Any, **_kwargs: Any) -> Any:  # a network share that stops answering
        entered.set()
        release.wait(30)
        raise OSError("share gone")

    monkeypatch.setattr(transport, "_listable", hang)
    monkeypatch.setattr(transport, "incoming", hang)
    try:
        ws = open_workspace(anna, world.folder, check_ms=50, check_timeout=0.2)
        qtbot.waitUntil(entered.is_set, timeout=5_000)
        qtbot.waitUntil(lambda: ws.sync.connected is False, timeout=5_000)
        assert "Niet verbonden" in ws.status_area.connection.text()
        # "Nu synchroniseren" starts an exchange that hangs in the listing, in the
        # background; the window goes on: a timer fires, a save works, screens change.
        assert ws.sync.sync_now()
        fired: list[bool] = []
        QTimer.singleShot(30, lambda: fired.append(True))
        qtbot.waitUntil(lambda: bool(fired), timeout=2_000)
        assert ws.sync.running
        hid = ws.session.add("households", {"name": "Familie Tijdens", "status": "azc"})
        assert names(anna) == ["Familie Tijdens"]
        assert ws.go("households") and ws.open_household(hid)
        QApplication.processEvents()
        assert "Bezig" in ws.status_area.message.text() or ws.status_area.bar.isVisibleTo(ws)
        assert ws.sync.timer.isActive()  # checks go on, never two at once
    finally:
        release.set()
    qtbot.waitUntil(lambda: not ws.sync.running, timeout=10_000)
    assert ws.sync.connected is False
    assert ws.status_area.message.text()  # what went wrong, in words


def test_a_laptop_newer_than_its_office_says_its_changes_wait_for_the_office(
    qtbot, world: World, open_workspace, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from klantapp.casebook import migrations
    from klantapp.sync import laptop

    anna = world.add_laptop("Anna")
    household(anna, "Familie Osman")
    newer = migrations.latest_version() + 1

    class Newer:  # Anna's Klantapp is a version ahead of the office's (her bundles say so)
        @staticmethod
        def schema_version(_conn: object) -> int:
            return newer

    monkeypatch.setattr(laptop, "migrations", Newer)
    world.sync_laptop("Anna")
    assert [r["reason"] for r in world.sync_hub().refused] == ["newer_version"]
    world.sync_laptop("Anna")  # the office's answer: it is older
    ws = open_workspace(anna)
    qtbot.waitUntil(lambda: "wacht tot het kantoor" in ws.status_area.unsent.text(), timeout=5_000)
    assert ws.status_area.unsent.text() == "⚠ 1 wijziging wacht tot het kantoor Klantapp bijwerkt"
    assert f"gegevensversie {newer - 1}; deze laptop {newer}" in ws.status_area.unsent.toolTip()


def test_a_health_conflict_shows_its_values_only_when_asked_and_that_is_logged(
    qtbot, world: World, open_workspace
) -> None:  # type: ignore[no-untyped-def]
    from klantapp.avg.log import access_entries

    anna = world.add_laptop("Anna")
    hid, pid = racing_edits(world, anna)
    ws = open_workspace(anna, world.folder)
    ws.go("conflicts")
    screen = ws.conflicts
    by_field = {r["field"]: n for n, r in enumerate(screen.model.rows)}
    screen.table.selectRow(by_field["city"])
    assert not screen.reveal_button.isVisibleTo(screen)  # nothing confidential here
    screen.table.selectRow(by_field["health_note"])
    row = screen.selected()
    assert row["kept_text"] == row["current_text"] == "(vertrouwelijk)"
    assert screen.reveal_button.isVisibleTo(screen)
    assert not [e for e in access_entries(anna) if e["action"] == "restricted_read"]
    screen.reveal_button.click()
    row = screen.selected()
    assert row["field"] == "health_note"
    assert {row["kept_text"], row["current_text"]} == {"Zqxkantoor", "Zqxanna"}
    assert not screen.reveal_button.isVisibleTo(screen)
    (read,) = [e for e in access_entries(anna) if e["action"] == "restricted_read"]
    assert read["household_id"] == hid and read["person_id"] == pid
    assert "Zqx" not in read["what"]
    screen.refresh()  # read again: hidden again until asked
    row = screen.model.rows[by_field["health_note"]]
    assert row["kept_text"] == "(vertrouwelijk)"
