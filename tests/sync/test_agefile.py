"""The age layer's own helpers: keys, key ids, identity files, and the header bounds
that the spec leaves open."""

from __future__ import annotations

import base64
import re

import pytest

from klantapp.crypto import agefile
from klantapp.errors import BundleRefused, UsageError


def test_new_identity_round_trips_and_key_ids_are_stable() -> None:
    secret, public = agefile.new_identity()
    assert secret.startswith("AGE-SECRET-KEY-1") and len(secret) == 74
    assert public.startswith("age1") and len(public) == 62
    assert agefile.recipient_of(secret) == public
    assert agefile.decrypt(agefile.encrypt(b"hallo", [public]), [secret]) == b"hallo"
    key_id = agefile.recipient_key_id(public)
    assert re.fullmatch(r"[0-9a-f]{16}", key_id)
    assert key_id == agefile.recipient_key_id(public) == agefile.identity_key_id(secret)
    assert key_id != agefile.recipient_key_id(agefile.new_identity()[1])


@pytest.mark.parametrize(
    "bad", ["", "age1", "AGE1" + "q" * 58, "age1" + "b" * 58, "ssh-ed25519 AAAA"]
)
def test_bad_recipients_are_refused_plainly(bad: str) -> None:
    with pytest.raises(UsageError) as err:
        agefile.check_recipient(bad)
    assert "age1" in str(err.value)


def test_encrypt_and_decrypt_need_keys() -> None:
    with pytest.raises(UsageError):
        agefile.encrypt(b"x", [])
    _secret, public = agefile.new_identity()
    with pytest.raises(UsageError):
        agefile.decrypt(agefile.encrypt(b"x", [public]), [])
    with pytest.raises(UsageError):
        agefile.decrypt(agefile.encrypt(b"x", [public]), ["AGE-SECRET-KEY-1NOPE"])


def test_an_identity_file_is_read_as_age_keygen_writes_it() -> None:
    secret, public = agefile.new_identity()
    text = agefile.format_identity_file(secret, "2026-12-01T09:00:00Z")
    assert text == f"# created: 2026-12-01T09:00:00Z\n# public key: {public}\n{secret}\n"
    assert agefile.parse_identity_file(text) == secret
    assert agefile.parse_identity_file(text.replace("\n", "\r\n")) == secret
    assert agefile.parse_identity_file(f"\n\n  {secret}  \n\n") == secret


def test_an_identity_file_with_none_two_or_a_foreign_public_key_is_refused() -> None:
    secret, _public = agefile.new_identity()
    other_secret, other_public = agefile.new_identity()
    for text in ("", "# only comments\n", f"{secret}\n{other_secret}\n"):
        with pytest.raises(UsageError):
            agefile.parse_identity_file(text)
    with pytest.raises(UsageError) as err:
        agefile.parse_identity_file(f"# public key: {other_public}\n{secret}\n")
    assert secret not in str(err.value)  # never echo the secret


def _header(stanzas: int, body_lines: int = 0) -> bytes:
    line = base64.b64encode(bytes(48)).decode()  # exactly 64 columns
    stanza = "-> grease\n" + (line + "\n") * body_lines + "\n"
    mac = base64.b64encode(bytes(32)).decode().rstrip("=")
    return ("age-encryption.org/v1\n" + stanza * stanzas + f"--- {mac}\n").encode()


def test_header_bounds_of_our_own() -> None:
    assert agefile.check_header(_header(agefile.MAX_STANZAS)) == len(_header(agefile.MAX_STANZAS))
    with pytest.raises(BundleRefused):
        agefile.check_header(_header(agefile.MAX_STANZAS + 1))
    with pytest.raises(BundleRefused):
        agefile.check_header(_header(1, body_lines=agefile.MAX_HEADER_BYTES // 65 + 1))
    with pytest.raises(BundleRefused):  # the spec asks for at least one stanza
        agefile.check_header(_header(0))


def test_our_own_files_pass_the_strict_check_with_rages_grease() -> None:
    _secret, public = agefile.new_identity()
    for _ in range(30):  # rage's random grease stanza differs each time
        data = agefile.encrypt(b"x", [public, agefile.new_identity()[1]])
        assert data[: agefile.check_header(data)].endswith(b"\n")
