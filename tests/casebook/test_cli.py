"""The command line is a contract for scripts: sub-commands, exit codes, plain messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from klantapp.casebook import Casebook
from klantapp.casebook.demo import fill_demo
from klantapp.cli import main
from klantapp.vault import KdfParams

PASS = "een lange test wachtwoordzin"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLANTAPP_PASSPHRASE", PASS)


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "demo"
    cb, _ = Casebook.create(path, PASS, kdf=KdfParams.for_tests())
    fill_demo(cb)
    cb.close()
    return path


def run(
    *args: str, passphrase: str | None = PASS, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The real program in a child process, as a script at the central office runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLANTAPP_")}
    if passphrase is not None:
        env["KLANTAPP_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "-m", "klantapp.cli", *args],
        capture_output=True,
        env=env,
        input=stdin,
        timeout=120,
    )


def test_version_names_the_sqlite_the_casebook_runs_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Search speed depends on the SQLite underneath, which differs per platform: a
    support question starts with ``klantapp --version``."""
    from klantapp import __version__

    cb, _ = Casebook.create(tmp_path / "cb", PASS, kdf=KdfParams.for_tests())
    with cb.reading() as conn:
        in_use = conn.execute("SELECT sqlite_version()").fetchone()[0]
    cb.close()
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"klantapp {__version__} (SQLite {in_use})"


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in (
        "init",
        "demo",
        "export-json",
        "import-json",
        "search",
        "due",
        "verify",
        "passwd",
        "gui",
    ):
        assert command in out


def test_usage_errors_exit_2_without_traceback() -> None:
    result = run("search")
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert b"klantapp search" in result.stderr


def test_init_requires_a_recovery_key_decision(
    tmp_path: Path, env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path / "x")]) == 2
    assert "herstelsleutel" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_init_writes_the_recovery_secret_for_the_central_office(tmp_path: Path, env: None) -> None:
    secret_file = tmp_path / "herstel.txt"
    assert main(["init", str(tmp_path / "dossier"), "--recovery-secret-out", str(secret_file)]) == 0
    text = secret_file.read_text()
    assert "\n# created: " in text  # an age identity file, as age-keygen writes it
    assert text.splitlines()[-1].startswith("AGE-SECRET-KEY-1")
    assert secret_file.stat().st_mode & 0o077 == 0  # only the owner may read it
    cb = Casebook.open_with_recovery(tmp_path / "dossier", text)
    cb.close()


def _office_card(path: Path) -> str:
    """An office card file (as `klantapp hub card` writes it); returns the secret half of
    the recovery key it names."""
    from klantapp.crypto import agefile
    from klantapp.sync import card, minisign

    identity, recovery = agefile.new_identity()
    _office_identity, office = agefile.new_identity()
    _card, text = card.write_card(
        hub_id="a1b2c3d4e5f60718",
        gemeente="Heuveldal",
        age_recipient=office,
        office_key=minisign.generate(),
        recovery_recipient=recovery,
    )
    path.write_text(text)
    return identity


def test_init_takes_the_recovery_key_from_the_office_card(tmp_path: Path, env: None) -> None:
    """A laptop set up for the office gets the office's recovery key straight from the
    card the office handed out (no copying an age1... line out of it by hand)."""
    card_file = tmp_path / "kantoor.kcard"
    office_secret = _office_card(card_file)
    assert main(["init", str(tmp_path / "d"), "--recovery-key-file", str(card_file)]) == 0
    Casebook.open_with_recovery(tmp_path / "d", office_secret).close()  # the office can


def test_init_refuses_a_tampered_office_card(
    tmp_path: Path, env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    card_file = tmp_path / "kantoor.kcard"
    _office_card(card_file)
    card_file.write_text(card_file.read_text().replace("Heuveldal", "Heuveldam"))
    assert main(["init", str(tmp_path / "d"), "--recovery-key-file", str(card_file)]) != 0
    assert "handtekening klopt niet" in capsys.readouterr().err
    assert not (tmp_path / "d").exists()


def test_init_refuses_a_short_passphrase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLANTAPP_PASSPHRASE", "kort")
    assert main(["init", str(tmp_path / "d"), "--recovery-secret-out", str(tmp_path / "s")]) == 2


def test_wrong_passphrase_exits_3(demo_path: Path) -> None:
    result = run("search", str(demo_path), "ahmad", passphrase="fout fout fout")
    assert result.returncode == 3
    assert b"Traceback" not in result.stderr
    assert b"wachtwoordzin klopt niet" in result.stderr.lower()


def test_damaged_casebook_exits_4(demo_path: Path) -> None:
    snapshot = next(demo_path.glob("snapshot-*"))
    data = bytearray(snapshot.read_bytes())
    data[len(data) // 2] ^= 0x01
    snapshot.write_bytes(bytes(data))
    result = run("verify", str(demo_path))
    assert result.returncode == 4
    assert b"Traceback" not in result.stderr


def test_missing_passphrase_without_terminal_is_a_usage_error(demo_path: Path) -> None:
    result = run("search", str(demo_path), "x", passphrase=None, stdin=b"")
    assert result.returncode == 2
    assert b"KLANTAPP_PASSPHRASE" in result.stderr


def test_export_import_round_trip_through_the_cli(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    first = run("export-json", str(demo_path), "-o", str(out))
    assert first.returncode == 0, first.stderr
    assert out.stat().st_mode & 0o077 == 0
    assert b"persoonsgegevens" in first.stderr  # the user is told this file is plaintext
    fresh = tmp_path / "fresh"
    cb, _ = Casebook.create(fresh, PASS, kdf=KdfParams.for_tests())
    cb.close()
    assert run("import-json", str(fresh), str(out)).returncode == 0
    second = run("export-json", str(fresh))
    assert json.loads(second.stdout) == json.loads(out.read_text(encoding="utf-8"))


def test_invalid_import_exits_5_and_lists_each_problem(demo_path: Path, tmp_path: Path) -> None:
    bad = {
        "format": "klantapp-casebook",
        "format_version": 1,
        "households": [
            {
                "id": "h1",
                "name": "A",
                "status": "azc",
                "persons": [{"id": "p1", "role": "kind", "family_name": "B", "bsn": "123"}],
            },
            {"id": "h2", "status": "azc"},
        ],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    result = run("import-json", str(demo_path), str(path))
    assert result.returncode == 5
    err = result.stderr.decode()
    assert "households[0].persons[0]: bsn" in err
    assert "households[1]: name" in err
    assert "Traceback" not in err
    assert run("search", str(demo_path), "h2").stdout == b""  # nothing was imported


def test_invalid_json_exits_5(demo_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{ not json", encoding="utf-8")
    result = run("import-json", str(demo_path), str(path))
    assert result.returncode == 5
    assert b"regel 1" in result.stderr


def test_search_prints_hits(demo_path: Path, env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", str(demo_path), "ዮናስ", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["title"] for h in hits] == ["Yonas Tesfay"]


def test_due_lists_overdue_items(
    demo_path: Path, env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["due", str(demo_path), "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert items, "the demo caseload has deadlines"
    assert any(i["overdue"] for i in items)
    assert main(["due", str(demo_path), "--on", "2026-13-01"]) == 2


def test_due_lines_name_the_household_and_member_once_per_rule(
    demo_path: Path, env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["due", str(demo_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines
    assert len(lines) == len(set(lines))
    households = {line.split("\t")[2] for line in lines}
    members = {line.split("\t")[3] for line in lines}
    assert "Qadir" in households or any("Qadir" in h for h in households)
    assert any(" " in m for m in members if m != "-"), members  # names, not ids
    assert not any(len(h) == 36 and h.count("-") == 4 for h in households)  # no uuids


def test_verify_reports_ok(demo_path: Path, env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(demo_path)]) == 0
    assert "Alles in orde" in capsys.readouterr().out


def test_passwd_changes_the_passphrase(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLANTAPP_PASSPHRASE", PASS)
    monkeypatch.setenv("KLANTAPP_NEW_PASSPHRASE", "een heel andere zin 42")
    assert main(["passwd", str(demo_path)]) == 0
    assert main(["verify", str(demo_path)]) == 3  # the old one no longer opens it
    monkeypatch.setenv("KLANTAPP_PASSPHRASE", "een heel andere zin 42")
    assert main(["verify", str(demo_path)]) == 0


def test_second_instance_is_refused_while_open(demo_path: Path) -> None:
    cb = Casebook.open(demo_path, PASS)
    try:
        result = run("search", str(demo_path), "x")
        assert result.returncode == 1
        assert b"geopend" in result.stderr or b"in gebruik" in result.stderr
    finally:
        cb.close()


def test_demo_command_makes_a_full_casebook(
    tmp_path: Path, env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", str(tmp_path / "demo")]) == 0
    assert "Demodossier" in capsys.readouterr().out
    cb = Casebook.open(tmp_path / "demo", PASS)
    try:
        from klantapp.casebook.jsonio import export_document

        doc = export_document(cb)
        kinds = {k for h in doc["households"] for k in h if isinstance(h[k], list)}
        assert {
            "persons",
            "warm_handovers",
            "intake_scores",
            "pips",
            "appointments",
            "handhaving",
            "referrals",
            "notes",
        } <= kinds
        assert doc["partners"] and doc["settings"]["gemeente"]["name"]
    finally:
        cb.close()
