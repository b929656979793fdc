"""Screenshots of every screen of the desktop client, for docs/screenshots/ and the README.

Runs the real main window (the same code ``klantapp gui`` runs) under Xvfb on the demo
casebook and walks through the screens as a user would, saving a PNG of each.

    KLANTAPP_PASSPHRASE=demo python scripts/screenshots.py [--casebook demo-casebook]
        [--out docs/screenshots] [--scale 1]

Without a display it re-runs itself under ``xvfb-run -a``. The demo casebook is made
with ``klantapp demo PATH`` when it does not exist yet. Everything in it is fictional.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def ensure_display() -> None:
    if os.environ.get("DISPLAY") or os.environ.get("KLANTAPP_IN_XVFB"):
        return
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        sys.exit("screenshots: no DISPLAY and no xvfb-run; install xvfb")
    env = {**os.environ, "KLANTAPP_IN_XVFB": "1"}
    # the common gemeente laptop: everything must be usable at 1366x768
    cmd = [xvfb, "-a", "-s", "-screen 0 1366x768x24", sys.executable, *sys.argv]
    sys.exit(subprocess.call(cmd, env=env))


def ensure_demo(path: Path, passphrase: str) -> None:
    if path.exists():
        return
    exe = Path(sys.executable).with_name("klantapp")
    cmd = (
        [str(exe), "demo", str(path)]
        if exe.exists()
        else [sys.executable, "-m", "klantapp.cli", "demo", str(path)]
    )
    subprocess.run(cmd, check=True, env={**os.environ, "KLANTAPP_PASSPHRASE": passphrase})


def show_monitor(screen: Any) -> None:
    """The Monitor screen on the demo's reference day, scrolled to the end: the brede
    intake as a shaded table above the timeline, the households behind its busiest
    cell shown on the right (every cell of a table opens them)."""
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QApplication

    screen.on_edit.setDate(QDate(2026, 11, 22))
    screen.to_edit.setDate(QDate(2026, 11, 22))
    screen.refresh()
    QApplication.processEvents()  # the new charts laid out, so the scroll finds them
    table = next(c for c in screen.charts if c.figure.key == "intake")
    model = table.model()
    width = model.columnCount() - 1  # the last column is the row's total
    cells = [(r, c) for r in range(model.rowCount()) for c in range(width)]
    busiest = max(cells, key=lambda rc: model.cell(model.index(*rc)).count)
    table.select(*busiest)
    timeline = next(c for c in screen.charts if c.figure.key == "timeline")
    for _ in range(3):  # the scroll area learns its size over a few rounds of events
        QApplication.processEvents()
        screen.chart_scroll.ensureWidgetVisible(timeline, 0, 0)


def work_a_little(screen: Any) -> None:
    """A klantmanager's first edits after the demo import, made through the forms as a
    user makes them, so the timeline shows changes one by one and one to undo."""
    notes = screen.notes
    screen.set_tab("notes")
    for text in (
        "Gebeld met COA: de sleuteloverdracht van de woning is op maandag.",
        "Ahmad vraagt of de taalcursus ook 's avonds kan; navragen bij de taalschool.",
    ):
        notes.new_record()
        notes.form.set_value("text", text)
        assert notes.save(), "screenshots: the demo note was not saved"
    notes.form.set_value("text", notes.form.editors["text"].get() + " Taalschool belt terug.")
    assert notes.save(), "screenshots: the demo note was not changed"


def report_pages(pdf: bytes, out: Path, saved: list[str]) -> None:
    """The monitor's printable report as the screen saves it: its first page (the
    figures) and the page with the timeline, rendered by poppler as a reader sees it."""
    with tempfile.TemporaryDirectory(prefix="klantapp-report-") as tmp:
        path = Path(tmp) / "monitor.pdf"
        path.write_bytes(pdf)
        pages = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout.split("\f")
        timeline = next(n for n, text in enumerate(pages, 1) if "Tijdlijn" in text)
        for page, name in ((1, "46-monitor-rapport"), (timeline, "47-monitor-rapport-tijdlijn")):
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "80",
                    "-singlefile",
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    str(path),
                    str(out / name),
                ],
                check=True,
            )
            saved.append(f"{name}.png")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--casebook", default=str(ROOT / "demo-casebook"))
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    ap.add_argument("--scale", default="1", help="QT_SCALE_FACTOR, e.g. 2 for 200%%")
    ap.add_argument("--only-scaled", action="store_true", help="only the 200%% shots")
    args = ap.parse_args()
    ensure_display()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    os.environ["QT_SCALE_FACTOR"] = args.scale
    passphrase = os.environ.get("KLANTAPP_PASSPHRASE", "demo")
    casebook = Path(args.casebook)
    ensure_demo(casebook, passphrase)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QSettings
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    from klantapp import i18n
    from ui.app import make_app, register_fonts
    from ui.i18n import apply_language
    from ui.mainwindow import AppConfig, MainWindow
    from ui.settings import AppSettings

    app = make_app(["klantapp"])
    app.setQuitOnLastWindowClosed(False)  # keep the reference: the app must outlive the walk
    register_fonts()
    settings_dir = tempfile.mkdtemp(prefix="klantapp-shots-")
    qs = QSettings(str(Path(settings_dir) / "s.ini"), QSettings.Format.IniFormat)
    settings = AppSettings(qs)
    apply_language("nl")
    saved: list[str] = []

    def wait(ms: int) -> None:
        QTest.qWait(ms)

    def until(cond: Callable[[], bool], timeout_ms: int = 30_000) -> None:
        waited = 0
        while not cond():
            wait(50)
            waited += 50
            if waited > timeout_ms:
                raise TimeoutError("screenshots: timed out")

    def shot(widget: QWidget, name: str) -> None:
        wait(150)
        pix = widget.grab()
        path = out / f"{name}.png"
        pix.save(str(path))
        saved.append(path.name)

    suffix = "-200" if args.scale != "1" else ""
    window = MainWindow(AppConfig(settings=settings, idle_ms=3_600_000), None)
    window.resize(1366, 768)
    window.show()
    if not args.only_scaled:
        shot(window, "01-eerste-start")
        window.show_create()
        page = window.create_page
        # in the temporary folder, and with the office key chosen but not filled in, so
        # the shot shows the checks and nothing is created
        page.location.setText(str(Path(settings_dir) / "Klantapp-dossier"))
        page.secret_file.setText(str(Path(settings_dir) / "klantapp-herstelsleutel.txt"))
        page.passphrase.setText("paars konijn")
        page.repeat.setText("paars konijn")
        page.use_office_key.setChecked(True)
        page.submit()
        assert page._task is None, "the screenshot run must not make a casebook"
        shot(window, "02-nieuw-dossier")
    window.show_unlock(str(casebook))
    if not args.only_scaled:
        window.unlock_page.passphrase.setText("verkeerd")
        window.unlock_page.submit()
        until(lambda: not window.unlock_page.error.isHidden())
        shot(window, "04-ontgrendelen-fout-wachtwoord")
    window.unlock_page.set_path(str(casebook))
    shot(window, f"03-ontgrendelen{suffix}")
    window.unlock_page.passphrase.setText(passphrase)
    window.unlock_page.submit()
    until(lambda: window.workspace is not None)
    ws = window.workspace
    assert ws is not None
    shot(window, f"05-vandaag{suffix}")
    ws.go("households")
    shot(window, f"06-huishoudens{suffix}")
    if args.only_scaled:
        window.ask_on_close = False
        window.close()
        print("\n".join(saved))
        return 0
    rows = ws.households.model.rows
    ws.households.search.setText("أحمد")  # Ahmad's name in Arabic script (other spelling)
    shot(window, "07-huishoudens-zoeken-arabisch")
    ws.households.search.setText("tolk")  # a word from notes: each hit says where it matched
    shot(window, "28-huishoudens-zoeken-notities")
    ws.households.search.clear()
    rich = max(rows, key=lambda r: r.get("members") or 0)
    ws.open_household(rich["id"])
    screen = ws.household
    assert screen is not None
    work_a_little(screen)
    tabs = [
        ("household", "08-huishouden"),
        ("persons", "09-gezinsleden"),
        ("warm_handovers", "10-warme-overdracht"),
        ("intake", "11-brede-intake"),
        ("pips", "12-pip"),
        ("appointments", "13-afspraken"),
        ("referrals", "14-verwijzingen"),
        ("handhaving", "15-handhaving"),
        ("notes", "16-notities"),
        ("timeline", "17-tijdlijn"),
    ]
    for tab, name in tabs:
        screen.set_tab(tab)
        editor = screen.tabs.currentWidget()
        table = getattr(editor, "table", None)
        if table is not None and table.model().rowCount() and tab != "intake":
            table.selectRow(0)
        if tab == "intake":
            table.setCurrentIndex(table.model().index(0, 0))
        shot(window, name)

    def shot_kind(kind: str, editor: str, name: str) -> None:
        """The tab of ``kind`` on the first household that has such records."""
        for r in rows:
            if (window.session.household_detail(r["id"]) or {}).get(kind):
                ws.open_household(r["id"])
                ws.household.set_tab(kind)
                getattr(ws.household, editor).table.selectRow(0)
                shot(window, name)
                ws.open_household(rich["id"])
                return

    shot_kind("handhaving", "handhaving", "15-handhaving")  # enforcement
    shot_kind("trajectmodules", "modules", "15b-pvt-map")  # PVT and MAP with provider
    shot_kind("exam_attempts", "exams", "15c-examens")  # exam attempts per skill
    screen = ws.household
    # Werkervaring: an editable list
    screen.set_tab("persons")
    with_work = next(
        (p for p in screen.persons.model.rows if p.get("work_history")),
        screen.persons.model.rows[0],
    )
    screen.persons.select(with_work["id"])
    work = screen.persons.form.editors["work_history"]
    screen.persons.scroll_area.ensureWidgetVisible(work.widget)
    shot(window, "29-werkervaring")
    # the permit basis: a choice list (combo box), opened
    basis = screen.persons.form.editor("permit_basis")
    screen.persons.scroll_area.ensureWidgetVisible(basis)
    basis.setFocus()
    basis.showPopup()
    wait(300)
    shot(window, "42-grond-verblijfsvergunning")
    basis.hidePopup()
    shot_kind("duo_decisions", "decisions", "43-besluiten-duo")
    screen = ws.household
    # the timeline with its undo button
    screen.set_tab("timeline")
    screen.timeline.selectRow(0)
    shot(window, "30-tijdlijn-ongedaan-maken")
    # a validation problem beside the field
    screen.set_tab("persons")
    screen.persons.form.editor("bsn").setText("123456789")
    screen.persons.save()
    screen.persons.scroll_area.ensureWidgetVisible(screen.persons.form.editor("bsn"))
    shot(window, "18-gezinslid-fout-bsn")
    screen.persons._show_form(screen.persons.current_record())

    ws.go("agenda")
    shot(window, "19-agenda-dag")
    ws.agenda.week_radio.setChecked(True)
    shot(window, "20-agenda-week")
    ws.agenda.week_radio.setChecked(False)
    ws.agenda.day_radio.setChecked(True)
    ws.go("partners")
    ws.partners.editor.table.selectRow(0)
    shot(window, "21-ketenpartners")
    ws.go("settings")
    shot(window, "22-instellingen")
    ws.go("monitor")
    show_monitor(ws.monitor)
    shot(window, "44-monitor")
    report_pages(ws.session.monitor_export(ws.monitor.monitor, "pdf"), out, saved)
    ws.go("audit")
    shot(window, "45-logboek")
    sys.path.insert(0, str(ROOT / "scripts"))
    import avg_shots  # inzage, correction, withdrawal, Bewaartermijnen, the gemeente's choices

    avg_shots.walk(window, rich["id"], shot, until)

    # letter preview of an appointment with a client language
    from ui.letters import LetterDialog

    appts = [a for a in window.session.appointments_between("2000-01-01", "2100-01-01")]
    chosen = next((a for a in appts if a.get("letter_language") not in (None, "", "nl")), appts[0])
    ws.make_letter(chosen["id"])
    until(
        lambda: any(
            isinstance(w, LetterDialog) for w in QApplication.topLevelWidgets() if w.isVisible()
        )
    )
    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, LetterDialog) and w.isVisible()
    )
    wait(500)
    shot(dialog, "23-brief-voorbeeld")
    dialog.close()

    from ui.errordialog import UnexpectedErrorDialog

    try:
        raise RuntimeError("voorbeeld van een onverwachte fout")
    except RuntimeError as exc:
        import traceback

        err = UnexpectedErrorDialog(exc, traceback.format_exc(), window)
        err.show()
        shot(err, "24-onverwachte-fout")
        err.close()

    if not args.only_scaled:
        # the exchange with the central office, on casebooks of their own
        sys.path.insert(0, str(ROOT / "scripts"))
        import sync_shots

        window.lock()
        until(lambda: not window.closing)
        sync_shots.walk(window, Path(settings_dir) / "sync", shot, until, wait)
        window.show_unlock(str(casebook))
        window.unlock_page.set_path(str(casebook))
        window.unlock_page.passphrase.setText(passphrase)
        window.unlock_page.submit()
        until(lambda: window.workspace is not None)

    window.lock(idle=True)  # as after the idle time: with the notice
    until(lambda: not window.closing)
    shot(window, "25-vergrendeld")
    window.unlock_page.passphrase.setText(passphrase)
    window.unlock_page.submit()
    until(lambda: window.workspace is not None)

    # English interface, switched live in Instellingen
    ws = window.workspace
    ws.go("settings")
    ws.settings_screen.language.setCurrentIndex(ws.settings_screen.language.findData("en"))
    until(lambda: window.workspace is not None and window.workspace is not ws)
    window.workspace.go("households")
    shot(window, "26-english-households")
    window.workspace.open_household(rich["id"])
    window.workspace.household.set_tab("intake")
    shot(window, "27-english-intake")
    i18n.set_language("nl")
    settings.language = "nl"
    window.ask_on_close = False
    window.close()
    shutil.rmtree(settings_dir, ignore_errors=True)
    print("\n".join(saved))
    return 0


if __name__ == "__main__":
    sys.exit(main())
