"""The sync screens for scripts/screenshots.py: a central office and three laptops in a
temporary folder (everything fictional), each state a klantmanager or coordinator meets:
joining, the status area, a conflict, a household handed over (read-only, then the
notice), a refused laptop, and at the office the caseloads, Apparaten, an enrolment and
the recovery dialog."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from klantapp.casebook import Casebook, services
from klantapp.sync import laptop, state, transport
from klantapp.sync.hub import exchange, office
from klantapp.vault import KdfParams

PASSPHRASE = "demo"


def _casebook(path: Path, actor: str) -> Casebook:
    cb, _secret = Casebook.create(path, PASSPHRASE, kdf=KdfParams.for_tests(), actor=actor)
    return cb


def _household(cb: Casebook, name: str, city: str) -> str:
    return services.add_record(cb, "households", {"name": name, "status": "azc", "city": city})


def make_world(root: Path) -> dict[str, Any]:
    """Casebooks (closed) and the folder; returns their paths."""
    folder = root / "uitwissel"
    folder.mkdir(parents=True)
    hub = _casebook(root / "kantoor", "Coördinator kantoor")
    office.make_hub(hub, "Heuveldal")
    card_text = office.office_card(hub)[1]
    (root / "kantoor.kcard").write_text(card_text, encoding="utf-8")
    laptops: dict[str, Casebook] = {}
    for name in ("Anna de Boer", "Bram Visser", "Chris Jansen"):
        cb = _casebook(root / name.split()[0].lower(), name)
        cb.set_setting("klantmanager", {"name": name})
        joined = laptop.join(cb, card_text, name)
        office.enrol(hub, joined.request_text)
        state.set_folder(cb, str(folder))
        laptops[name] = cb
    state.set_folder(hub, str(folder))
    anna, bram, chris = laptops.values()

    def settle() -> None:
        for _round in range(3):
            for cb in laptops.values():
                laptop.run(cb, folder, settle=0)
            exchange.sync(hub, folder, settle=0)
        for cb in laptops.values():
            laptop.run(cb, folder, settle=0)

    tesfay = _household(anna, "Familie Tesfay", "Heuveldal")
    _household(anna, "Familie Haddad", "Heuveldal")
    _household(anna, "Familie Osman", "Kerkdorp")
    yilmaz = _household(bram, "Familie Yılmaz", "Heuveldal")
    _household(chris, "Familie Nguyen", "Kerkdorp")
    settle()
    # a conflict: the office and Anna change the same city before seeing each other's
    services.update_record(hub, "households", tesfay, {"city": "Zandbeek"})
    services.update_record(anna, "households", tesfay, {"city": "Heuveldal-Noord"})
    settle()
    # Chris's laptop is put back from an older copy: the office refuses it
    chris.close()
    backup = root / "chris-kopie"
    shutil.copytree(root / "chris", backup)
    chris = Casebook.open(root / "chris", PASSPHRASE)
    with chris.reading() as conn:
        nguyen = conn.execute("SELECT id FROM households").fetchone()[0]
    services.update_record(chris, "households", nguyen, {"city": "Nieuwdorp"})
    laptop.run(chris, folder, settle=0)
    exchange.sync(hub, folder, settle=0)
    chris.close()
    shutil.rmtree(root / "chris")
    shutil.copytree(backup, root / "chris")
    chris = Casebook.open(root / "chris", PASSPHRASE)
    services.update_record(chris, "households", nguyen, {"city": "Oudedorp"})
    laptop.run(chris, folder, settle=0)
    exchange.sync(hub, folder, settle=0)
    laptop.run(chris, folder, settle=0)
    # a household handed over from Bram to Anna while Bram still had an unsent edit
    office.assign(hub, yilmaz, anna.device_id)
    exchange.sync(hub, folder, settle=0)
    services.update_record(bram, "households", yilmaz, {"city": "Heuveldal-Zuid"})
    laptop.run(bram, folder, settle=0)
    # an unsent change on Anna's laptop for the status area
    services.update_record(anna, "households", tesfay, {"coa_location": "azc Heuveldal"})
    for cb in (hub, anna, bram, chris):
        cb.close()
    sanne = _casebook(root / "sanne", "Sanne de Vries")
    sanne.close()
    return {
        "folder": folder,
        "card": root / "kantoor.kcard",
        "hub": root / "kantoor",
        "anna": root / "anna",
        "bram": root / "bram",
        "chris": root / "chris",
        "sanne": root / "sanne",
    }


def walk(
    window: Any,
    root: Path,
    shot: Callable[[Any, str], None],
    until: Callable[..., None],
    wait: Callable[[int], None],
) -> None:
    """Open each casebook in the main window and take the shots; leaves it locked."""
    paths = make_world(root)

    def open_casebook(key: str) -> Any:
        window.show_unlock(str(paths[key]))
        window.unlock_page.set_path(str(paths[key]))
        window.unlock_page.passphrase.setText(PASSPHRASE)
        window.unlock_page.submit()
        until(lambda: window.workspace is not None)
        ws = window.workspace
        ws.session.kdf = KdfParams.for_tests()
        until(
            lambda: (
                not ws.sync.role
                or ws.sync.stopped
                or (ws.sync.connected is not None and not ws.sync.running)
            )
        )
        return ws

    def close() -> None:
        window.lock()
        until(lambda: not window.closing)

    # Sanne joins from Instellingen → Centraal kantoor
    ws = open_casebook("sanne")
    ws.go("settings")
    box = ws.settings_screen.office
    box.card_path.setText(str(paths["card"]))
    box.name.setText("Sanne de Vries")
    box.join_folder.edit.setText(str(paths["folder"]))
    box.join_button.setFocus()
    shot(window, "31-centraal-kantoor-aanmelden")
    box.passphrase.setText(PASSPHRASE)
    box.start_join()
    until(lambda: box.codes.isVisibleTo(box))
    until(lambda: not ws.sync.running)
    scroll = box.parentWidget()
    while scroll is not None and not hasattr(scroll, "ensureWidgetVisible"):
        scroll = scroll.parentWidget()
    if scroll is not None:
        scroll.ensureWidgetVisible(box)
    shot(window, "32-centraal-kantoor-codes")
    close()

    # Anna: status area, a conflict, a household that came to her
    ws = open_casebook("anna")
    ws.go("today")
    shot(window, "33-synchronisatie-status")
    ws.go("conflicts")
    shot(window, "34-conflicten")
    close()

    # Bram: the household handed over while his edit was unsent: read-only
    ws = open_casebook("bram")
    rows = ws.session.list_households()
    yilmaz = next(r for r in rows if r["name"] == "Familie Yılmaz")
    ws.open_household(yilmaz["id"])
    shot(window, "35-huishouden-alleen-lezen")
    ws.go("today")
    exchange_world(paths)  # the office takes his edit
    for _try in range(20):  # a new bundle is read once it has settled (5 s)
        ws.sync.sync_now()
        until(lambda: not ws.sync.running)
        if ws.notice_banner.isVisibleTo(ws):
            break
        wait(1000)
    shot(window, "36-overgedragen-melding")
    close()

    # Chris: refused
    ws = open_casebook("chris")
    until(lambda: ws.current_screen() is ws.refused)
    shot(window, "37-uitwisseling-gestopt")
    close()

    # The office
    ws = open_casebook("hub")
    ws.go("households")
    shot(window, "38-kantoor-huishoudens")
    ws.go("devices")
    until(lambda: bool(ws.devices.requests.text()))
    refused = next(i for i, r in enumerate(ws.devices.model.rows) if r["state"] == "refused")
    ws.devices.table.selectRow(refused)
    shot(window, "39-kantoor-apparaten")
    request = transport.requests(paths["folder"])[0]
    ws.devices.enrol_file(str(request))
    wait(200)
    shot(ws.devices.last_dialog, "40-kantoor-aanmelding-codes")
    ws.devices.last_dialog.accept()
    dialog = ws.devices.show_recovery()
    dialog.set_path(str(paths["bram"]))
    wait(200)
    shot(dialog, "41-kantoor-wachtwoordzin-herstellen")
    dialog.reject()
    close()


def exchange_world(paths: dict[str, Any]) -> None:
    """The office's scheduled round, between two of Bram's syncs."""
    hub = Casebook.open(paths["hub"], PASSPHRASE)
    try:
        exchange.sync(hub, paths["folder"], settle=0)
    finally:
        hub.close()
