"""A whole office workflow through the real command line, in child processes: the
central office and two laptops in temporary folders, a shared exchange folder, and the
standard `age` and `minisign` tools reading a real bundle (docs/sync.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

HUB_PASS = "kantoor wachtwoordzin voor de test"
LAPTOP_PASS = "klantmanager wachtwoordzin test"
FAST = ("--settle", "0")  # our own files are whole at once: no need to wait for copies


def klantapp(
    *args: str, passphrase: str | None = None, new: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLANTAPP_")}
    if passphrase is not None:
        env["KLANTAPP_PASSPHRASE"] = passphrase
    if new is not None:
        env["KLANTAPP_NEW_PASSPHRASE"] = new
    return subprocess.run(
        [sys.executable, "-m", "klantapp.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, (done.args, done.stdout, done.stderr)
    return done.stdout


def codes(text: str) -> list[str]:
    """The 24-digit fingerprints a command printed (six groups of four)."""
    out = []
    for line in text.splitlines():
        digits = line.split(":")[-1].split()
        if len(digits) == 6 and all(len(d) == 4 and d.isdigit() for d in digits):
            out.append(" ".join(digits))
    return out


def laptop(root: Path, name: str, card: Path, folder: Path) -> Path:
    """A klantmanager's casebook with the demo caseload, joined to the office."""
    path = root / name
    ok(klantapp("demo", str(path), passphrase="demo"))
    ok(klantapp("passwd", str(path), passphrase="demo", new=LAPTOP_PASS))
    request = root / f"{name}.kreq"
    out = ok(
        klantapp(
            "sync",
            "join",
            str(path),
            str(card),
            "--name",
            name,
            "-o",
            str(request),
            passphrase=LAPTOP_PASS,
        )
    )
    assert len(codes(out)) == 2
    return path


@pytest.mark.skipif(
    shutil.which("age") is None or shutil.which("minisign") is None,
    reason="needs Debian's age and minisign",
)
def test_an_office_and_two_laptops_through_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "uitwissel"
    folder.mkdir()
    hub = tmp_path / "kantoor"
    ok(
        klantapp(
            "hub",
            "init",
            str(hub),
            "--gemeente",
            "Heuveldal",
            "--recovery-secret-out",
            str(tmp_path / "kluis.txt"),
            passphrase=HUB_PASS,
            new=HUB_PASS,
        )
    )
    card = tmp_path / "kantoor.kcard"
    office_code = codes(ok(klantapp("hub", "card", str(hub), "-o", str(card), passphrase=HUB_PASS)))

    anna = laptop(tmp_path, "anna", card, folder)
    bram = tmp_path / "bram"
    ok(
        klantapp(
            "init",
            str(bram),
            "--recovery-key-file",  # the office's recovery key, from its card
            str(card),
            passphrase=LAPTOP_PASS,
        )
    )
    out = ok(
        klantapp(
            "sync",
            "join",
            str(bram),
            str(card),
            "--name",
            "Bram",
            "-o",
            str(tmp_path / "bram.kreq"),
            passphrase=LAPTOP_PASS,
        )
    )
    bram_codes = codes(out)

    enrolled = ok(
        klantapp("hub", "enrol", str(hub), str(tmp_path / "anna.kreq"), passphrase=HUB_PASS)
    )
    assert codes(enrolled)[1] == office_code[0]  # the office shows the same code as its card
    enrolled = ok(
        klantapp("hub", "enrol", str(hub), str(tmp_path / "bram.kreq"), passphrase=HUB_PASS)
    )
    assert codes(enrolled) == bram_codes  # both sides read out the same two codes

    def run_laptop(book: Path) -> None:
        ok(
            klantapp(
                "sync", "run", str(book), "--folder", str(folder), *FAST, passphrase=LAPTOP_PASS
            )
        )

    def run_hub() -> subprocess.CompletedProcess[str]:
        return klantapp(
            "hub", "sync", str(hub), "--folder", str(folder), *FAST, passphrase=HUB_PASS
        )

    def sync_all() -> None:
        for _ in range(2):
            for book in (anna, bram):
                run_laptop(book)
            ok(run_hub())

    # Anna's first bundle, read by the auditor's tools before the office takes it
    ok(
        klantapp(
            "sync",
            "run",
            str(anna),
            "--folder",
            str(folder),
            "--settle",
            "0",
            passphrase=LAPTOP_PASS,
        )
    )
    [sent] = list((folder / "to-hub").glob("*.kbundle"))
    copy = tmp_path / "controle.kbundle"
    shutil.copy(sent, copy)
    identity = tmp_path / "kantoor-identiteit.txt"
    ok(klantapp("hub", "export-identity", str(hub), "-o", str(identity), passphrase=HUB_PASS))
    tar = subprocess.run(
        ["age", "-d", "-i", str(identity), str(copy)], capture_output=True, check=True
    ).stdout
    (tmp_path / "controle.tar").write_bytes(tar)
    with tarfile.open(tmp_path / "controle.tar") as archive:
        assert archive.getnames() == ["manifest.json", "manifest.json.minisig", "ops.jsonl"]
        archive.extractall(tmp_path / "controle", filter="data")
    sync_all()
    devices = json.loads(ok(klantapp("hub", "devices", str(hub), "--json", passphrase=HUB_PASS)))
    by_name = {d["name"]: d for d in devices}
    anna_key = by_name["anna"]["minisign_public_key"]
    verified = subprocess.run(
        ["minisign", "-Vm", str(tmp_path / "controle" / "manifest.json"), "-P", anna_key],
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0, verified.stderr
    key_file = tmp_path / "anna.pub"
    key_file.write_text(anna_key + "\n")
    inspected = json.loads(
        ok(
            klantapp(
                "bundle",
                "inspect",
                str(copy),
                "--identity",
                str(identity),
                "--signer-key",
                str(key_file),
                "--json",
            )
        )
    )
    assert (
        inspected["signature_verified"] and inspected["manifest"]["sender"] == by_name["anna"]["id"]
    )

    # every household reached the office; each laptop holds only its own
    assert {d["state"] for d in devices} == {"ok"}
    assert by_name["anna"]["households"] == 10 and by_name["Bram"]["households"] == 0
    found = json.loads(ok(klantapp("search", str(hub), "Tesfay", "--json", passphrase=HUB_PASS)))
    assert found
    assert (
        json.loads(ok(klantapp("search", str(bram), "Tesfay", "--json", passphrase=LAPTOP_PASS)))
        == []
    )

    # the office hands a household to Bram
    household_id = found[0]["household_id"]
    ok(
        klantapp(
            "hub", "assign", str(hub), household_id, by_name["Bram"]["id"], passphrase=HUB_PASS
        )
    )
    sync_all()
    sync_all()
    assert json.loads(ok(klantapp("search", str(bram), "Tesfay", "--json", passphrase=LAPTOP_PASS)))
    status = json.loads(ok(klantapp("sync", "status", str(anna), "--json", passphrase=LAPTOP_PASS)))
    assert status["unsent_changes"] == 0
    assert any("overgedragen" in n["text"] for n in status["notices"])
    assert json.loads(ok(klantapp("conflicts", str(anna), "--json", passphrase=LAPTOP_PASS))) == []

    # Anna forgot her passphrase: the office sets a new one with its recovery key
    ok(
        klantapp(
            "hub",
            "recover",
            str(hub),
            str(anna),
            passphrase=HUB_PASS,
            new="een nieuwe zin voor anna",
        )
    )
    assert klantapp("sync", "status", str(anna), passphrase=LAPTOP_PASS).returncode == 3
    ok(klantapp("sync", "status", str(anna), passphrase="een nieuwe zin voor anna"))

    # a revoked laptop's bundles are kept aside, and the office's exit code says so
    ok(klantapp("hub", "revoke", str(hub), by_name["Bram"]["id"], passphrase=HUB_PASS))
    doc = tmp_path / "nieuw.json"
    doc.write_text(
        json.dumps(
            {
                "format": "klantapp-casebook",
                "format_version": 1,
                "households": [
                    {"id": "h-na-intrekking", "name": "Familie Na De Intrekking", "status": "azc"}
                ],
            }
        ),
        encoding="utf-8",
    )
    ok(klantapp("import-json", str(bram), str(doc), passphrase=LAPTOP_PASS))
    ok(
        klantapp(
            "sync",
            "run",
            str(bram),
            "--folder",
            str(folder),
            "--settle",
            "0",
            passphrase=LAPTOP_PASS,
        )
    )
    refused = klantapp(
        "hub", "sync", str(hub), "--folder", str(folder), "--settle", "0", passphrase=HUB_PASS
    )
    assert refused.returncode == 6, refused.stderr
    assert "revoked" in refused.stderr
    assert (
        json.loads(ok(klantapp("search", str(hub), "Intrekking", "--json", passphrase=HUB_PASS)))
        == []
    )
