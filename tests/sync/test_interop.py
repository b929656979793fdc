"""Interop with the standard tools (Debian's age and minisign), both ways: an auditor
opens a real bundle with ``age -d`` and ``tar``, and verifies its manifest with
``minisign -V``; files made by ``age -r`` and ``minisign -S`` are read by ours."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from klantapp.crypto import agefile
from klantapp.errors import Refused
from klantapp.sync import bundle, minisign

pytestmark = pytest.mark.skipif(
    shutil.which("age") is None or shutil.which("minisign") is None,
    reason="Debian's age and minisign are not installed (scripts/system-deps.sh does it)",
)

OPS = b'{"t":"notes","id":"1","op":"insert","d":{"text":"Afspraak met DUO"}}\n'


def _run(*args: str | Path, stdin: bytes | None = None, cwd: Path | None = None) -> bytes:
    done = subprocess.run(
        [str(a) for a in args], input=stdin, capture_output=True, check=False, cwd=cwd
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def test_an_auditor_opens_a_bundle_with_age_tar_and_minisign(tmp_path: Path) -> None:
    office_secret, office_public = agefile.new_identity()
    device = minisign.generate()
    manifest, data = bundle.write_bundle(
        hub_id="hub0001",
        gemeente="Zwolle",
        sender="a1b2c3d4e5f60718",
        schema_version=3,
        roster_version=5,
        ops_jsonl=OPS,
        signer=device,
        recipients=[office_public],
        ranges={"a1b2c3d4e5f60718": (1, 1)},
    )
    kbundle = tmp_path / f"a1b2c3d4e5f60718-hub-{manifest.bundle_id}.kbundle"
    kbundle.write_bytes(data)
    identity = tmp_path / "office-identity.txt"
    identity.write_text(agefile.format_identity_file(office_secret, "2026-12-01T09:00:00Z"))
    device_pub = tmp_path / "device.pub"
    device_pub.write_text(device.public_key_text())

    archive = _run("age", "-d", "-i", identity, kbundle)
    listing = _run("tar", "-t", stdin=archive).decode().split()
    assert listing == ["manifest.json", "manifest.json.minisig", "ops.jsonl"]
    out = tmp_path / "out"
    out.mkdir()
    _run("tar", "-x", "-C", out, stdin=archive)

    said = _run(
        "minisign", "-Vm", out / "manifest.json", "-P", device.public_key().base64()
    ).decode()
    assert f"Trusted comment: {manifest.trusted_comment()}" in said
    _run("minisign", "-Vm", out / "manifest.json", "-p", device_pub)
    on_disk = json.loads((out / "manifest.json").read_bytes())
    assert on_disk["ops_sha256"] == hashlib.sha256((out / "ops.jsonl").read_bytes()).hexdigest()
    assert (out / "ops.jsonl").read_bytes() == OPS
    assert on_disk["recipients"] == [agefile.recipient_key_id(office_public)]


def test_minisign_refuses_a_changed_manifest(tmp_path: Path) -> None:
    key = minisign.generate()
    manifest = tmp_path / "manifest.json"
    manifest.write_bytes(b'{"a":1}\n')
    (tmp_path / "manifest.json.minisig").write_text(minisign.sign(b'{"a":1}\n', key, "c"))
    manifest.write_bytes(b'{"a":2}\n')
    done = subprocess.run(
        ["minisign", "-Vm", str(manifest), "-P", key.public_key().base64()],
        capture_output=True,
        check=False,
    )
    assert done.returncode != 0


def test_a_file_encrypted_by_age_decrypts_with_ours(tmp_path: Path) -> None:
    secret, public = agefile.new_identity()
    encrypted = _run("age", "-r", public, stdin=b"van de echte age")
    assert agefile.decrypt(encrypted, [secret]) == b"van de echte age"


def test_an_identity_file_made_by_age_keygen_is_read(tmp_path: Path) -> None:
    path = tmp_path / "key.txt"
    _run("age-keygen", "-o", path)
    secret = agefile.parse_identity_file(path.read_text())
    public = next(
        line.split(": ")[1] for line in path.read_text().splitlines() if "public key" in line
    )
    assert agefile.recipient_of(secret) == public
    encrypted = _run("age", "-r", public, stdin=b"x")
    assert agefile.decrypt(encrypted, [secret]) == b"x"


def test_ours_decrypts_with_age_and_an_identity_file_we_wrote(tmp_path: Path) -> None:
    secret, public = agefile.new_identity()
    identity = tmp_path / "id.txt"
    identity.write_text(agefile.format_identity_file(secret, "2026-12-01T09:00:00Z"))
    encrypted = tmp_path / "f.age"
    encrypted.write_bytes(agefile.encrypt(b"naar de echte age", [public]))
    assert _run("age", "-d", "-i", identity, encrypted) == b"naar de echte age"


@pytest.fixture
def tool_key(tmp_path: Path) -> tuple[Path, Path]:
    """A minisign key pair made by the tool, secret key without a password (-W)."""
    pub, sec = tmp_path / "tool.pub", tmp_path / "tool.key"
    _run("minisign", "-G", "-W", "-p", pub, "-s", sec)
    return pub, sec


def test_a_signature_by_minisign_verifies_with_ours(
    tmp_path: Path, tool_key: tuple[Path, Path]
) -> None:
    pub, sec = tool_key
    data = tmp_path / "roster.json"
    data.write_bytes(b'{"version":3}\n')
    _run("minisign", "-S", "-s", sec, "-m", data, "-t", "klantapp roster 3")
    key = minisign.parse_public_key(pub.read_text())
    signature = (tmp_path / "roster.json.minisig").read_text()
    assert minisign.verify(data.read_bytes(), signature, key) == "klantapp roster 3"
    with pytest.raises(Refused):
        minisign.verify(b'{"version":4}\n', signature, key)


def test_a_legacy_minisign_signature_is_refused(
    tmp_path: Path, tool_key: tuple[Path, Path]
) -> None:
    pub, sec = tool_key
    data = tmp_path / "f"
    data.write_bytes(b"x")
    _run("minisign", "-S", "-l", "-s", sec, "-m", data)
    with pytest.raises(Refused):
        minisign.verify(
            b"x", (tmp_path / "f.minisig").read_text(), minisign.parse_public_key(pub.read_text())
        )


def test_minisign_verifies_a_signed_roster_and_an_office_card(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from klantapp.sync import card, roster

    office = minisign.generate()
    current = roster.new_roster("hub0001", now=datetime.now(UTC))
    text, signature = roster.sign_roster(current, office)
    (tmp_path / "roster.json").write_text(text)
    (tmp_path / "roster.json.minisig").write_text(signature)
    said = _run(
        "minisign", "-Vm", tmp_path / "roster.json", "-P", office.public_key().base64()
    ).decode()
    assert "Trusted comment: klantapp roster hub0001 version 1" in said

    _card, card_text = card.write_card(
        hub_id="hub0001",
        gemeente="Zwolle",
        age_recipient=agefile.new_identity()[1],
        office_key=office,
        recovery_recipient=agefile.new_identity()[1],
    )
    sealed = json.loads(card_text)  # what `jq -j .document` / `.signature` give
    (tmp_path / "card.json").write_text(sealed["document"])
    (tmp_path / "card.json.minisig").write_text(sealed["signature"])
    _run("minisign", "-Vm", tmp_path / "card.json", "-P", office.public_key().base64())
