"""The Monitor screen (bars, the households behind a bar one click away) and the
Logboek (who read restricted data, who exported what)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPoint, Qt

from klantapp.avg.log import AuditFilter

from .conftest import unlock


def test_monitor_bar_opens_its_households(qtbot, make_window, casebook_path):
    window = make_window(casebook_path)
    unlock(qtbot, window)
    session = window.session
    hid = session.add("households", {"name": "Familie Warsame", "status": "traject"})
    session.add(
        "persons",
        {
            "household_id": hid,
            "role": "aanvrager",
            "family_name": "Warsame",
            "birth_date": "1990",
            "plicht_status": "plichtig",
            "doelgroep": "asiel",
        },
    )
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
