"""minisign-format Ed25519: the exact file formats, and every kind of bad signature is
refused. (The real minisign tool checks our output in test_interop.py.)"""

from __future__ import annotations

import base64

import pytest

from klantapp.errors import Refused
from klantapp.sync import minisign

DATA = b'{"bundle":"example"}\n'


def test_a_signature_verifies_and_gives_back_its_trusted_comment() -> None:
    key = minisign.generate()
    signature = minisign.sign(DATA, key, "klantapp bundle 42")
    assert minisign.verify(DATA, signature, key.public_key()) == "klantapp bundle 42"


def test_the_public_key_file_is_the_two_lines_minisign_writes() -> None:
    key = minisign.generate()
    text = key.public_key_text()
    first, second, end = text.split("\n")
    assert end == ""
    assert first == f"untrusted comment: minisign public key {key.key_id_hex}"
    raw = base64.b64decode(second)
    assert raw[:2] == b"Ed" and raw[2:10] == key.key_id and len(raw) == 42
    # minisign prints the 8 id bytes as a little-endian number
    assert key.key_id_hex == int.from_bytes(key.key_id, "little").to_bytes(8, "big").hex().upper()
    assert minisign.parse_public_key(text) == key.public_key()
    assert minisign.parse_public_key(second) == key.public_key()


def test_the_signature_file_is_prehashed_with_a_global_signature() -> None:
    key = minisign.generate()
    lines = minisign.sign(DATA, key, "trusted words").split("\n")
    assert len(lines) == 5 and lines[4] == ""
    assert lines[0].startswith("untrusted comment: ")
    raw = base64.b64decode(lines[1])
    assert raw[:2] == b"ED" and raw[2:10] == key.key_id and len(raw) == 74
    assert lines[2] == "trusted comment: trusted words"
    assert len(base64.b64decode(lines[3])) == 64


def test_the_secret_key_survives_to_bytes_and_from_bytes() -> None:
    key = minisign.generate()
    stored = key.to_bytes()
    assert len(stored) == 40
    again = minisign.SigningKey.from_bytes(stored)
    assert again.public_key() == key.public_key()
    assert minisign.verify(DATA, minisign.sign(DATA, again, "x"), key.public_key()) == "x"
    assert stored[8:].hex() not in repr(key)


def _refused(data: bytes, signature: str, key: minisign.PublicKey) -> None:
    with pytest.raises(Refused) as refused:
        minisign.verify(data, signature, key)
    assert refused.value.reason == "bad_signature"
    assert refused.value.exit_code == 6


def test_changed_data_is_refused() -> None:
    key = minisign.generate()
    _refused(DATA + b" ", minisign.sign(DATA, key, "c"), key.public_key())


def test_another_key_is_refused_by_its_key_id() -> None:
    key, other = minisign.generate(), minisign.generate()
    _refused(DATA, minisign.sign(DATA, key, "c"), other.public_key())


def test_a_key_that_copies_the_key_id_is_refused_by_the_signature() -> None:
    key = minisign.generate()
    impostor = minisign.PublicKey(key.key_id, minisign.generate().public_key().key)
    _refused(DATA, minisign.sign(DATA, key, "c"), impostor)


def test_a_changed_trusted_comment_is_refused_by_the_global_signature() -> None:
    key = minisign.generate()
    signature = minisign.sign(DATA, key, "version 7")
    _refused(DATA, signature.replace("version 7", "version 8"), key.public_key())


def test_an_untrusted_comment_may_change() -> None:
    key = minisign.generate()
    signature = minisign.sign(DATA, key, "c").replace(
        "signature from minisign secret key", "anything at all"
    )
    assert minisign.verify(DATA, signature, key.public_key()) == "c"


def test_a_legacy_unhashed_signature_is_refused() -> None:
    key = minisign.generate()
    lines = minisign.sign(DATA, key, "c").split("\n")
    raw = base64.b64decode(lines[1])
    legacy = b"Ed" + raw[2:10] + key._sign(DATA)
    lines[1] = base64.b64encode(legacy).decode()
    _refused(DATA, "\n".join(lines), key.public_key())


@pytest.mark.parametrize(
    "mangle",
    [
        lambda s: "",
        lambda s: s.replace("trusted comment: ", "trusted: "),
        lambda s: s.replace("untrusted comment: ", ""),
        lambda s: "\n".join(s.split("\n")[:3]),
        lambda s: s + "one line too many\n",
        lambda s: s.replace(s.split("\n")[1], s.split("\n")[1][:-4]),
        lambda s: s.replace(s.split("\n")[3], "!!!!"),
    ],
)
def test_malformed_signature_files_are_refused(mangle: object) -> None:
    key = minisign.generate()
    signature = minisign.sign(DATA, key, "c")
    assert callable(mangle)
    _refused(DATA, mangle(signature), key.public_key())


@pytest.mark.parametrize(
    "text",
    [
        "",
        "RWQ",
        "untrusted comment: x\n",
        "a\nb\nc\n",
        base64.b64encode(b"Ed" + bytes(39)).decode(),
    ],
)
def test_malformed_public_keys_are_refused(text: str) -> None:
    with pytest.raises(Refused) as refused:
        minisign.parse_public_key(text)
    assert refused.value.reason == "damaged"


def test_comments_must_be_one_short_line() -> None:
    key = minisign.generate()
    with pytest.raises(ValueError):
        minisign.sign(DATA, key, "two\nlines")
    with pytest.raises(ValueError):
        minisign.sign(DATA, key, "x" * 1025)
