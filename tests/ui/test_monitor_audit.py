"""The Monitor screen (bars, the households behind a bar one click away) and the
Logboek (who read restricted data, who exported what)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QPoint, Qt

from klantapp.avg.log import AuditFilter

from .conftest import unlock


def plichtig_family(session, name, doelgroep):  # type: ignore[no-untyped-def]
    """A household "Familie NAME" with one inburgeringsplichtige of ``doelgroep``."""
    hid = session.add("households", {"name": f"Familie {name}", "status": "traject"})
    pid = session.add(
        "persons",
        {
            "household_id": hid,
            "role": "aanvrager",
            "family_name": name,
            "birth_date": "1990",
            "plicht_status": "plichtig",
            "doelgroep": doelgroep,
        },
    )
    return hid, pid


def test_monitor_bar_opens_its_households(qtbot, make_window, casebook_path):
    window = make_window(casebook_path)
    unlock(qtbot, window)
    session = window.session
    hid, _pid = plichtig_family(session, "Warsame", "asiel")
    ws = window.workspace
    assert ws.go("monitor")
    screen = ws.monitor
    chart = next(c for c in screen.charts if c.figure.key == "leerroute")
    none_row = [b.key for b in chart.bars].index("")
    y = 3 + none_row * chart._row_h() + chart._row_h() // 2
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(chart.width() // 2, y))
    assert [r["name"] for r in screen.detail.rows] == ["Familie Warsame"]
    screen._activated(screen.detail.index(0, 0))
    assert ws.household is not None and ws.household.household_id == hid


def test_every_cell_of_a_table_and_a_median_open_their_households(
    qtbot, make_window, casebook_path
):
    """The two-way figures are tables: each cell (a doelgroep, an intake score) and
    each row's total opens the households behind it; so does a median."""
    window = make_window(casebook_path)
    unlock(qtbot, window)
    session = window.session
    people = {}
    for name, doelgroep, score in (("Haile", "asiel", 3), ("Osman", "gezin", 4)):
        hid, pid = people[name] = plichtig_family(session, name, doelgroep)
        session.add(
            "intake_scores",
            {
                "household_id": hid,
                "person_id": pid,
                "intake_date": "2026-02-01",
                "domain": "huisvesting",
                "score": score,
            },
        )
    hid, pid = people["Haile"]
    session.add(
        "pips",
        {
            "household_id": hid,
            "person_id": pid,
            "version": 1,
            "status": "vastgesteld",
            "vastgesteld_on": "2026-02-16",
            "leerroute": "b1",
            "course_start": "2026-03-16",
        },
    )
    ws = window.workspace
    assert ws.go("monitor")
    screen = ws.monitor
    screen.on_edit.setDate(QDate(2026, 6, 30))
    screen.from_edit.setDate(QDate(2026, 1, 1))
    screen.to_edit.setDate(QDate(2026, 6, 30))
    screen.refresh()
    window.show()
    qtbot.waitExposed(window)
    table = next(c for c in screen.charts if c.figure.key == "plicht_doelgroep")
    model = table.model()
    row = [model.headerData(i, Qt.Orientation.Vertical) for i in range(model.rowCount())]
    col = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    plichtig = row.index("Inburgeringsplichtig")
    for column, names in (
        ("Gezinsmigrant", ["Familie Osman"]),
        ("Asielstatushouder", ["Familie Haile"]),
        ("Totaal", ["Familie Haile", "Familie Osman"]),
    ):
        index = model.index(plichtig, col.index(column))
        assert model.data(index) == str(len(names))
        rect = table.visualRect(index)
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert [r["name"] for r in screen.detail.rows] == names
        assert f"Inburgeringsplichtig, {column}" in screen.detail_title.text()
    intake = next(c for c in screen.charts if c.figure.key == "intake")
    rows = [intake.model().headerData(i, Qt.Orientation.Vertical) for i in range(9)]
    intake.select(rows.index("Huisvesting"), 3)  # the fourth column: score 4
    assert [r["name"] for r in screen.detail.rows] == ["Familie Osman"]
    qtbot.keyClick(intake, Qt.Key.Key_Left)  # score 3
    assert [r["name"] for r in screen.detail.rows] == ["Familie Haile"]
    [median] = [b for b in screen.medians if "PIP tot start aanbod" in b.text()]
    assert "4,0" in median.text()  # weeks from the PIP to the course
    median.click()
    assert [r["name"] for r in screen.detail.rows] == ["Familie Haile"]
    screen._activated(screen.detail.index(0, 0))
    assert ws.household is not None and ws.household.household_id == hid


def test_the_timeline_shows_this_months_inschrijving_and_opens_it(
    qtbot, make_window, casebook_path
):
    window = make_window(casebook_path)
    unlock(qtbot, window)
    session = window.session
    month = date.today().strftime("%Y-%m")
    hid = session.add(
        "households",
        {"name": "Familie Tesfay", "status": "traject", "inschrijving_date": f"{month}-01"},
    )
    session.add("persons", {"household_id": hid, "role": "aanvrager", "family_name": "Tesfay"})
    ws = window.workspace
    assert ws.go("monitor")
    screen = ws.monitor
    chart = next(c for c in screen.charts if c.figure.key == "timeline")
    window.show()
    qtbot.waitExposed(window)
    m = [label for label, _cells in chart.months].index(month)
    bar = chart._bar(m, 0)  # the first series: inschrijvingen
    assert bar.height() > 0
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=bar.center().toPoint())
    assert chart.current == (m, 0)
    assert [r["name"] for r in screen.detail.rows] == ["Familie Tesfay"]
    qtbot.keyClick(chart, Qt.Key.Key_Right)  # the next month: nobody
    assert screen.detail.rows == []


def test_logboek_shows_a_restricted_read_and_a_monitor_export(qtbot, make_window, casebook_path):
    window = make_window(casebook_path)
    unlock(qtbot, window)
    session = window.session
    hid = session.add("households", {"name": "Familie Tesfay", "status": "traject"})
    pid = session.add(
        "persons",
        {"household_id": hid, "role": "aanvrager", "family_name": "Tesfay", "health_note": "x"},
    )
    session.log_restricted_read("persons", session.get("persons", pid))
    mon = session.monitor(date.today(), date(date.today().year, 1, 1), date.today())
    assert session.monitor_export(mon, "csv").startswith("\ufeff".encode())
    ws = window.workspace
    assert ws.go("audit")
    audit = ws.audit
    audit.refresh(reload_choices=True)
    texts = [r["text"] for r in audit.model.rows]
    assert any("Vertrouwelijke gegevens getoond" in t for t in texts)
    assert any("Monitor" in t for t in texts)
    audit.kind.setCurrentIndex(audit.kind.findData("restricted_read"))
    audit.refresh()
    assert len(audit.model.rows) == 1 and audit.model.rows[0]["actor"]
    assert audit.model.rows[0]["origin"] == "dit apparaat"  # where it was done
    reads = session.audit_entries(AuditFilter(person_id=pid))
    assert [e["action"] for e in reads if e["kind"] == "access"] == ["restricted_read"]


def test_showing_a_health_note_in_the_form_is_logged(qtbot, make_window, casebook_path):
    window = make_window(casebook_path)
    unlock(qtbot, window)
    hid = window.session.add("households", {"name": "Familie Abdi", "status": "azc"})
    pid = window.session.add(
        "persons",
        {"household_id": hid, "role": "aanvrager", "family_name": "Abdi", "health_note": "d"},
    )
    ws = window.workspace
    ws.open_household(hid, "persons", pid)
    before = window.session.audit_entries(AuditFilter(person_id=pid))
    assert not [e for e in before if e["action"] == "restricted_read"]
    ws.household.persons.form.reveal_button.click()
    after = window.session.audit_entries(AuditFilter(person_id=pid))
    assert [e["action"] for e in after if e["action"] == "restricted_read"] == ["restricted_read"]


def test_showing_a_members_restricted_intake_notes_is_logged_for_that_member(
    qtbot, make_window, casebook_path
):
    """The health leefgebieden of the brede intake: revealing one member's note is a
    read of their health data, in their inzage and under the Logboek's person filter;
    the other member's note stays hidden until revealed (and logged) in turn."""
    from klantapp.domain.records import LEEFGEBIEDEN

    window = make_window(casebook_path)
    unlock(qtbot, window)
    session = window.session
    hid = session.add("households", {"name": "Familie Abdi", "status": "traject"})
    pids = [
        session.add(
            "persons",
            {"household_id": hid, "role": role, "family_name": "Abdi", "given_names": name},
        )
        for role, name in (("aanvrager", "Amina"), ("partner", "Yusuf"))
    ]
    for pid in pids:
        session.add(
            "intake_scores",
            {
                "household_id": hid,
                "person_id": pid,
                "intake_date": "2026-02-01",
                "domain": "geestelijke_gezondheid",
                "score": 2,
                "notes": "slaapt slecht",
            },
        )
    ws = window.workspace
    ws.open_household(hid)
    ws.household.set_tab("intake")
    grid = ws.household.intake
    row = [d for d, _l in LEEFGEBIEDEN].index("geestelijke_gezondheid")
    columns = [p["id"] for p in grid.model.persons]
    grid.table.setCurrentIndex(grid.model.index(row, columns.index(pids[0])))
    assert grid.notes.isHidden() and not grid.reveal.isHidden()
    grid.reveal.click()
    assert grid.notes.toPlainText() == "slaapt slecht"
    reads = [
        e
        for e in session.audit_entries(AuditFilter(person_id=pids[0]))
        if e["action"] == "restricted_read"
    ]
    assert len(reads) == 1 and reads[0]["person_id"] == pids[0]
    assert not [
        e
        for e in session.audit_entries(AuditFilter(person_id=pids[1]))
        if e["action"] == "restricted_read"
    ]
    grid.table.setCurrentIndex(grid.model.index(row, columns.index(pids[1])))
    assert grid.notes.isHidden() and not grid.reveal.isHidden()  # not revealed for Yusuf


def test_logboek_filters_on_one_record_and_shows_local_times(qtbot, make_window, casebook_path):
    """The record filter the CLI has (--record): one note's history, not its
    household's other records; times on this computer's clock, not UTC."""
    from klantapp.avg.log import local_time
    from tests.avg.conftest import local_clock

    window = make_window(casebook_path)
    unlock(qtbot, window)
    session = window.session
    hid = session.add("households", {"name": "Familie Tesfay", "status": "traject"})
    notes = [
        session.add(
            "notes",
            {"household_id": hid, "created_at": f"2026-03-0{i}T09:00", "text": f"notitie {i}"},
        )
        for i in (1, 2)
    ]
    session.update("notes", notes[0], {"text": "notitie 1, bijgewerkt"})
    ws = window.workspace
    assert ws.go("audit")
    audit = ws.audit
    audit.refresh(reload_choices=True)
    assert len({r["row_id"] for r in audit.model.rows}) == 3  # household and two notes
    audit.household.setCurrentIndex(audit.household.findData(hid))
    choices = [audit.record.itemText(i) for i in range(audit.record.count())]
    assert any(c.startswith("Notitie") for c in choices), choices
    audit.record.setCurrentIndex(audit.record.findData(notes[0]))
    audit.refresh()
    rows = audit.model.rows
    assert {r["row_id"] for r in rows} == {notes[0]}
    assert sorted(r["action"] for r in rows) == ["insert", "update"]
    with local_clock("Asia/Tokyo"):  # UTC+9: never the same hour as UTC
        audit.refresh()
        assert all(r["when"] == local_time(r["at"]) for r in audit.model.rows)
        assert all(r["when"] != r["at"][:16].replace("T", " ") for r in audit.model.rows)
