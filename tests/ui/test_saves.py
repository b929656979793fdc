"""A brede intake is saved as one change with one refresh of what changed; the timeline
shows one entry per change, says who did it (the klantmanager's name from Instellingen)
and can undo the last change."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from klantapp.casebook import Casebook, migrations
from klantapp.domain.records import LEEFGEBIEDEN

from .conftest import PASSPHRASE, unlock


def _family(session: Any, members: int = 4) -> tuple[str, list[str]]:
    return session.save_household(
        {"name": "Familie Haddad", "status": "gehuisvest"},
        [
            {"role": "aanvrager" if i == 0 else "kind", "family_name": "Haddad", "given_names": g}
            for i, g in enumerate(["Omar", "Mariam", "Lina", "Sami"][:members])
        ],
    )


def _type_full_intake(qtbot, grid) -> None:  # type: ignore[no-untyped-def]
    grid.table.setFocus()
    for row in range(len(LEEFGEBIEDEN)):
        for col in range(grid.model.columnCount()):
            grid.table.setCurrentIndex(grid.model.index(row, col))
            qtbot.keyClick(grid.table, str(1 + (row + col) % 5))


def test_full_intake_is_one_change_and_one_refresh_of_the_intake(
    qtbot, make_window, casebook_path, monkeypatch
):
    window = make_window(casebook_path, idle_ms=600_000)
    unlock(qtbot, window)
    session = window.session
    hid, _pids = _family(session)
    ws = window.workspace
    ws.open_household(hid)
    screen = ws.household
    screen.set_tab("intake")
    grid = screen.intake
    _type_full_intake(qtbot, grid)
    assert len(grid.model.pending) == 64

    emitted: list[tuple[str, str]] = []
    session.changed.connect(lambda kind, rid: emitted.append((kind, rid)))
    reloaded: list[str] = []
    for name in ("persons", "handovers", "pips", "appointments", "referrals", "notes"):
        editor = getattr(screen, name)
        monkeypatch.setattr(
            editor, "set_records", lambda rows, keep=True, name=name: reloaded.append(name)
        )
    journal = window.session.cb._vault.journal_records
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "Opgeslagen" in grid.status.text(), grid.status.text()
    assert window.session.cb._vault.journal_records == journal + 1  # one change on disk
    assert emitted == [("intake_scores", "")]  # one refresh
    assert reloaded == []  # the other tabs were left alone
    assert len(grid.model.saved) == 64 and not grid.model.pending
    screen.set_tab("timeline")
    assert screen.timeline_model.rows[0]["what"] == "Brede intake: 64 scores voor 4 gezinsleden"


def test_a_wrong_cell_names_the_leefgebied_and_member(qtbot, make_window, casebook_path):
    window = make_window(casebook_path, idle_ms=600_000)
    unlock(qtbot, window)
    hid, pids = _family(window.session, members=2)
    ws = window.workspace
    ws.open_household(hid)
    grid = ws.household.intake
    ws.household.set_tab("intake")
    grid.model.set_pending(("financien", pids[0]), {"score": 3})
    grid.model.set_pending(("huisvesting", pids[1]), {"notes": "bel\x07 terug"})
    assert not grid.save()
    assert "Huisvesting, Mariam Haddad" in grid.problem.text()
    assert window.session.household_detail(hid)["intake_scores"] == []


def test_timeline_says_who_and_undoes_the_last_change(qtbot, make_window, casebook_path):
    window = make_window(casebook_path, idle_ms=600_000)
    unlock(qtbot, window)
    session = window.session
    session.set_setting("klantmanager", {"name": "Anouk de Vries"})
    hid, pids = _family(session, members=1)
    ws = window.workspace
    ws.open_household(hid, "persons", pids[0])
    members = ws.household.persons
    members.form.editor("given_names").setText("Umar")
    assert members.save()
    screen = ws.household
    screen.set_tab("timeline")
    top = screen.timeline_model.rows[0]
    assert top["actor"] == "Anouk de Vries"  # not the computer account
    assert top["what"] == "Persoon gewijzigd: Voornamen"
    screen.timeline.selectRow(0)
    assert screen.undo_button.isEnabled()
    assert screen.undo_selected()
    assert session.get("persons", pids[0])["given_names"] == "Omar"
    assert screen.timeline_model.rows[0]["what"] == "Wijziging ongedaan gemaakt"
    screen.set_tab("persons")
    assert members.form.editor("given_names").text() == "Omar"
    # an older change cannot be undone any more
    screen.set_tab("timeline")
    screen.timeline.selectRow(1)
    assert not screen.undo_button.isEnabled()


def test_the_old_place_of_the_klantmanagers_name_still_counts(qtbot, make_window, casebook_path):
    """Older casebooks kept the name inside the gemeente details: the core's migration
    moves it into the device setting klantmanager on open (tests/casebook/
    test_settings.py), so it signs changes; a new value in the old place is refused."""
    from klantapp.errors import InvalidInput

    cb = Casebook.open(casebook_path, PASSPHRASE)
    with cb.transaction() as tx:  # what an older Klantapp stored
        tx.insert("settings", {"value": {"klantmanager": "Sanne Bakker"}}, row_id="gemeente")
    split = next(m.version for m in migrations.available() if "klantmanager" in m.name)
    with cb.reading() as conn:
        conn.execute(f"PRAGMA user_version = {split - 1}")
    cb.compact()
    cb.close()
    window = make_window(casebook_path)
    unlock(qtbot, window)
    assert window.session.cb.actor == "Sanne Bakker"
    with pytest.raises(InvalidInput):
        window.session.set_setting("gemeente", {"klantmanager": "Iemand Anders"})
