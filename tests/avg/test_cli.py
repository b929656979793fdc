"""The AVG commands as a script at the office runs them: inzage, correct, retention,
audit (in-process, through klantapp.cli.main)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from klantapp.casebook import Casebook, services
from klantapp.cli import main
from tests.avg.conftest import Family, make_family
from tests.conftest import PASSPHRASE


@pytest.fixture
def family_book(
    casebook: Casebook, casebook_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Family]:
    fam = make_family(casebook)
    services.update_record(casebook, "households", fam.household, {"status": "afgerond"})
    casebook.close()
    monkeypatch.setenv("KLANTAPP_PASSPHRASE", PASSPHRASE)
    return casebook_path, fam


def test_inzage_writes_pdf_and_json_and_restricted_needs_yes(
    family_book: tuple[Path, Family],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, fam = family_book
    pdf, js = tmp_path / "inzage.pdf", tmp_path / "inzage.json"
    assert main(["inzage", str(path), fam.person, "--received", "2026-01-31"]) == 0
    assert "2026-02-28" in capsys.readouterr().err
    assert main(["inzage", str(path), fam.person, "-o", str(pdf), "--json", str(js)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    doc = json.loads(js.read_text(encoding="utf-8"))
    assert doc["restricted_included"] is False and doc["requests"][0]["answered_on"]
    # no terminal to ask: the restricted inzage is refused without --yes
    assert main(["inzage", str(path), fam.person, "--json", str(js), "--with-restricted"]) == 2
    assert (
        main(["inzage", str(path), fam.person, "--json", str(js), "--with-restricted", "--yes"])
        == 0
    )
    assert "Zqxgezondheid" in js.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["audit", str(path), "--person", fam.person, "--json"]) == 0
    actions = [e["action"] for e in json.loads(capsys.readouterr().out)]
    assert actions.count("inzage") == 2 and actions.count("restricted_read") == 1
    assert main(["audit", str(path), "--person", fam.person]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all("dit apparaat" in line for line in lines)  # where it was done


def test_retention_lists_then_destroys_with_yes(
    family_book: tuple[Path, Family],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, _fam = family_book
    later = (date.today() + timedelta(days=11 * 366)).isoformat()
    assert main(["retention", str(path), "--due", "--on", later]) == 0
    out = capsys.readouterr().out
    assert "1 huishoudens geheel" in out and "persons" in out
    assert main(["retention", str(path), "--destroy", "--on", later]) == 2  # no --yes, no tty
    assert main(["retention", str(path), "--destroy", "--on", later, "--json"]) == 2
    capsys.readouterr()
    assert main(["retention", str(path), "--destroy", "--on", later, "--json", "--yes"]) == 0
    run = json.loads(capsys.readouterr().out)  # a script reads what was done
    assert run["destroyed"] is True and run["households"] == 1 and run["log_id"]
    assert run["counts"]["persons"] == 2 and run["skipped"] == []
    assert main(["retention", str(path), "--destroy", "--on", later, "--json", "--yes"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["destroyed"] is False and again["counts"] == {}  # nothing left to do
    assert main(["audit", str(path), "--json"]) == 0
    runs = [e for e in json.loads(capsys.readouterr().out) if e["action"] == "destruction"]
    assert len(runs) == 1 and "Vernietigd na bewaartermijn" in runs[0]["text"]
    assert main(["retention", str(path), "--json", "--on", later]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["households"] == 0 and len(doc["log"]) == 1
    assert main(["search", str(path), "Zqxnaam", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_correct_from_the_command_line(
    family_book: tuple[Path, Family],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, fam = family_book
    args = ["correct", str(path), "persons", fam.person, "--set", '{"given_names": "Goed"}']
    assert main([*args, "--reason", "COA gaf verkeerde naam", "--source", "coa"]) == 0
    assert main(["search", str(path), "Zqxvoornaam", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_withdraw_from_the_command_line_asks_first(
    family_book: tuple[Path, Family],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, fam = family_book
    args = ["correct", str(path), "notes", fam.ids["notes"], "--withdraw"]
    args += ["--reason", "hoort bij een andere klant", "--source", "duo"]
    assert main(args) == 2  # no --yes, no terminal to ask: nothing happens
    assert main(["search", str(path), "Zqxnotitie", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)
    assert main([*args, "--yes"]) == 0
    assert "Ingetrokken: 1 gegeven." in capsys.readouterr().err
    assert main(["search", str(path), "Zqxnotitie", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    # --set and --withdraw do not go together; one of them is needed
    assert main([*args, "--set", "{}"]) == 2
    assert main(["correct", str(path), "notes", fam.ids["notes"], "--reason", "x"]) == 2


def test_the_gemeentes_choices_are_set_from_the_command_line(
    family_book: tuple[Path, Family],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, _fam = family_book
    assert main(["settings", str(path), "retention", "--set", '{"appointments": 5}']) == 0
    assert main(["settings", str(path), "monitor", "--set", '{"show_small_numbers": true}']) == 0
    capsys.readouterr()
    assert main(["settings", str(path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["retention"] == {"appointments": 5}
    assert doc["monitor"] == {"show_small_numbers": True}
    assert main(["retention", str(path), "--json"]) == 0
    rules = {r["kind"]: r["years"] for r in json.loads(capsys.readouterr().out)["rules"]}
    assert rules["appointments"] == 5
    # a value the Selectielijst does not allow is refused, with the field named
    assert main(["settings", str(path), "retention", "--set", '{"appointments": 3}']) != 0
    assert "appointments" in capsys.readouterr().err
    # null clears a choice: the default applies again
    assert main(["settings", str(path), "retention", "--set", '{"appointments": null}']) == 0
    assert json.loads(capsys.readouterr().out) == {"retention": {}}
    assert main(["settings", str(path), "bestaatniet"]) == 2


def test_export_json_is_a_logged_action(
    family_book: tuple[Path, Family],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, _fam = family_book
    out = tmp_path / "dossier.json"
    assert main(["export-json", str(path), "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["households"]
    capsys.readouterr()
    assert main(["audit", str(path), "--json"]) == 0
    exports = [e for e in json.loads(capsys.readouterr().out) if e["action"] == "export"]
    assert len(exports) == 1 and "dossier.json" in exports[0]["what"]
