"""`klantapp monitor` as the office runs it: every output, the options for the day and
the period, small numbers, and each output in the log (in-process, through main)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest

from klantapp.casebook import Casebook
from klantapp.cli import main
from tests.conftest import PASSPHRASE
from tests.letters.conftest import pdf_text, run_tool

TODAY = date.today().isoformat()
ARGS = ["--on", "2026-06-30", "--from", "2026-01-01", "--to", "2026-06-30"]


@pytest.fixture
def path(
    casebook: Casebook,
    book: dict[str, str],
    casebook_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    casebook.set_setting("gemeente", {"name": "Gemeente Testdorp", "department": "Inburgering"})
    casebook.set_setting("klantmanager", {"name": "Fatima de Vries"})
    casebook.close()
    monkeypatch.setenv("KLANTAPP_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("USER", "account07")
    return casebook_path


def monitor(path: Path, *args: str) -> int:
    return main(["monitor", str(path), *ARGS, *args])


def log(path: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    capsys.readouterr()
    assert main(["audit", str(path), "--json"]) == 0
    return [e for e in json.loads(capsys.readouterr().out) if e["kind"] == "access"]


def csv_blocks(data: bytes) -> dict[str, list[list[str]]]:
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    out: dict[str, list[list[str]]] = {"": [table[0]]}
    current = None
    for row in table[1:]:
        if not row:
            current = None
        elif current is None:
            current = out.setdefault(row[0], [row])
        else:
            current.append(row)
    return out


def test_csv_for_excel_hides_small_numbers_unless_the_gemeente_shows_them(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "monitor.csv"
    assert monitor(path, "--csv", str(out)) == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    blocks = csv_blocks(data)
    assert blocks[""][0][1:] == [
        f"gemaakt op {TODAY}",
        "peildatum 2026-06-30",
        "periode 2026-01-01 t/m 2026-06-30",
    ]
    leer = blocks["Aandeel per leerroute"]
    assert leer[1] == ["B1-route", "< 5", "", ""]
    assert leer[-1] == ["Totaal (basis van de percentages)", "•", "", ""]  # 4: under 5
    assert not any(cell.endswith("%") for row in leer[1:] for cell in row)
    # the gemeente's setting: real counts (and the shares, with Dutch decimals)
    with Casebook.open(path, PASSPHRASE) as cb:
        cb.set_setting("monitor", {"show_small_numbers": True})
    assert monitor(path, "--csv", str(out)) == 0
    leer = csv_blocks(out.read_bytes())["Aandeel per leerroute"]
    assert leer[1] == ["B1-route", "1", "25,0%", ""]
    assert leer[-1] == ["Totaal (basis van de percentages)", "4", "", ""]
    entries = log(path, capsys)
    assert [e["what"] for e in entries] == ["Monitor 2026-06-30 als CSV naar monitor.csv"] * 2
    assert {e["actor"] for e in entries} == {"Fatima de Vries"}  # not the computer account


def test_pdf_report_a4_with_letterhead_dates_and_definitions_last(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "monitor.pdf"
    assert monitor(path, "--pdf", str(out)) == 0
    pdf = out.read_bytes()
    info = run_tool("pdfinfo", str(out))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    first = pdf_text(pdf, tmp_path, "-f", "1", "-l", "1")
    assert "Gemeente Testdorp · Inburgering" in first  # the letterhead line
    assert f"Monitor inburgering · {TODAY}" in first  # made today
    assert "Peildatum 2026-06-30; periode 2026-01-01 tot en met 2026-06-30" in first
    last = pdf_text(pdf, tmp_path, "-f", str(pages), "-l", str(pages))
    assert "Gemeente Testdorp" in last
    assert "Definities" in last and "Bron:" in last and "docs/monitor.md" in last
    assert "Definities" not in pdf_text(pdf, tmp_path, "-f", "1", "-l", str(pages - 1))
    assert [e["what"] for e in log(path, capsys)] == ["Monitor 2026-06-30 als PDF naar monitor.pdf"]


def test_json_names_the_dates_and_hides_small_numbers(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert monitor(path, "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["made_on"] == TODAY and doc["reference_date"] == "2026-06-30"
    assert doc["period"] == {"from": "2026-01-01", "to": "2026-06-30"}
    leer = next(f for f in doc["figures"] if f["key"] == "leerroute")
    assert leer["base"] == "•" and leer["rows"][0]["count"] == "< 5"
    assert all("households" not in r for f in doc["figures"] for r in f["rows"])
    assert main(["monitor", str(path), "--on", "2026-03-31", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["period"] == {"from": "2026-01-01", "to": "2026-03-31"}  # the defaults
    assert sorted(e["what"] for e in log(path, capsys)) == [
        "Monitor 2026-03-31 als JSON",
        "Monitor 2026-06-30 als JSON",
    ]


def test_detail_names_each_cell_by_row_and_column_and_is_logged(
    path: Path, book: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert monitor(path, "--detail") == 0
    captured = capsys.readouterr()
    text = captured.out
    assert f"    Inburgeringsplichtig, Asielstatushouder: A ({book['A'][:8]}), C " in text
    assert f"    Inburgeringsplichtig, Gezinsmigrant: C ({book['C'][:8]})" in text
    assert f"    Huisvesting, score 4: C ({book['C'][:8]})" in text
    assert f"    Mediaan weken inschrijving tot PIP: A ({book['A'][:8]}), B " in text
    assert "namen van huishoudens" in captured.err
    assert monitor(path, "--json", "--detail") == 0
    doc = json.loads(capsys.readouterr().out)
    plicht = next(f for f in doc["figures"] if f["key"] == "plicht_doelgroep")
    cell = next(r for r in plicht["rows"] if r["key"] == "plichtig|gezin")
    assert cell["column"] == "Gezinsmigrant" and cell["label"] == "Inburgeringsplichtig"
    assert cell["count"] == 1 and cell["households"] == [{"id": book["C"], "name": "C"}]
    entries = log(path, capsys)
    assert sorted((e["action"], e["what"]) for e in entries) == [
        ("export", "Monitor 2026-06-30 met de huishoudens achter elk cijfer (JSON)"),
        ("export", "Monitor 2026-06-30 met de huishoudens achter elk cijfer (tekst)"),
    ]


def test_the_figures_on_the_terminal_are_not_logged(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert monitor(path) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Monitor inburgering, gemaakt op {TODAY}, peildatum 2026-06-30")
    assert "B1-route  1  25,0%" in out  # inside the office: real numbers
    assert log(path, capsys) == []
    assert monitor(path, "--json", "--csv", "x.csv") == 2  # one output at a time
