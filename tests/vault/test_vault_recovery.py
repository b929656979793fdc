"""The recovery key can be used (issue 8, finding 9): the standard age-keygen identity
file, and the file Klantapp itself writes, both open the casebook; that file is an
age identity file the standard tool reads too."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pyrage
import pytest

from klantapp.errors import WrongPassphrase
from klantapp.vault import KdfParams, Vault, generate_recovery_identity
from klantapp.vault.recovery import public_key_of, secret_file_text

needs_age = pytest.mark.skipif(
    shutil.which("age-keygen") is None or shutil.which("age") is None,
    reason="the age tools (Debian package age, see scripts/system-deps.sh)",
)


def make(tmp_path: Path, recipient: str) -> Path:
    folder = tmp_path / "cb"
    Vault.create(
        folder,
        "een lange wachtwoordzin",
        snapshot=b"x",
        recovery_recipient=recipient,
        kdf=KdfParams.for_tests(),
    ).close()
    return folder


@needs_age
def test_an_age_keygen_identity_file_opens_the_casebook(tmp_path: Path) -> None:
    key_file = tmp_path / "kantoor.txt"
    subprocess.run(["age-keygen", "-o", str(key_file)], check=True, capture_output=True)
    text = key_file.read_text()
    assert text.startswith("# created:")  # comment lines, as age-keygen writes them
    public = subprocess.run(
        ["age-keygen", "-y", str(key_file)], check=True, capture_output=True, text=True
    ).stdout.strip()
    folder = make(tmp_path, public)
    vault, contents = Vault.open_with_recovery(folder, text)
    assert contents.snapshot == b"x"
    vault.close()


@needs_age
def test_the_file_klantapp_writes_is_an_age_identity_file(tmp_path: Path) -> None:
    public, secret = generate_recovery_identity()
    text = secret_file_text(secret, "Klantapp-dossier")
    assert f"# public key: {public}" in text
    key_file = tmp_path / "herstelsleutel.txt"
    key_file.write_text(text)
    folder = make(tmp_path, public)
    vault, _ = Vault.open_with_recovery(folder, key_file.read_text())
    vault.close()
    message = pyrage.encrypt(b"hallo kantoor", [pyrage.x25519.Recipient.from_str(public)])
    decrypted = subprocess.run(
        ["age", "-d", "-i", str(key_file)], input=message, check=True, capture_output=True
    ).stdout
    assert decrypted == b"hallo kantoor"


def test_blank_lines_crlf_and_a_bom_are_fine(tmp_path: Path) -> None:
    public, secret = generate_recovery_identity()
    folder = make(tmp_path, public)
    text = "\ufeff# van het kantoor\r\n\r\n  " + secret + "  \r\n"
    vault, _ = Vault.open_with_recovery(folder, text)
    vault.close()
    assert public_key_of(text) == public


def test_a_broken_key_file_is_refused_without_echoing_it(tmp_path: Path) -> None:
    public, secret = generate_recovery_identity()
    folder = make(tmp_path, public)
    _other_public, other = generate_recovery_identity()
    for text in (
        "",
        "# alleen commentaar\n",
        secret[:-3],
        "ZEER-GEHEIM-WOORD\n" + secret,
        other + "\n" + secret,  # two keys: which one is meant is not ours to guess
        f"# public key: {_other_public}\n{secret}\n",  # the note does not fit the key
    ):
        with pytest.raises(WrongPassphrase) as refused:
            Vault.open_with_recovery(folder, text)
        assert "AGE-SECRET-KEY-1" in str(refused.value)  # says what it expects ...
        assert "ZEER-GEHEIM" not in str(refused.value)  # ... never what it got
        assert secret[17:] not in str(refused.value)
