"""The C2SP/CCTV age vectors against the bundle reader's age layer, and against the
reference (Debian's age): Klantapp accepts exactly the files the reference accepts.

Of the 143 vectors in cctv-age 0.2.0, 67 apply to a reader of binary X25519 age files;
the others (scrypt, ASCII armor, post-quantum hybrid keys) are counted and skipped
with their reason. pyrage 1.4.0 alone accepts two of the 67 wrongly (the strict header
check closes that: see test_the_two_headers_pyrage_alone_gets_wrong).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pyrage
import pytest

from klantapp.crypto import agefile
from klantapp.errors import BundleRefused

from . import cctv

# How each verdict of the vectors shows in Klantapp's refusal reasons.
REASON_FOR = {
    "header failure": "damaged",
    "payload failure": "damaged",
    "HMAC failure": "tampered",
    "no match": "not_for_us",
}


@pytest.fixture(scope="module")
def vectors() -> list[cctv.Vector]:
    return cctv.load()


def _applicable(vectors: list[cctv.Vector]) -> list[cctv.Vector]:
    return [v for v in vectors if v.skip_reason() is None]


def _ours(vector: cctv.Vector) -> str:
    """'success' (and the payload is the expected one) or the refusal's reason."""
    identities = vector.identities or (agefile.new_identity()[0],)
    try:
        plain = agefile.decrypt(vector.age_file, identities)
    except BundleRefused as refused:
        return refused.reason
    assert hashlib.sha256(plain).hexdigest() == vector.payload_sha256, vector.name
    return "success"


def test_the_pinned_package_has_the_vectors_we_counted(vectors: list[cctv.Vector]) -> None:
    skipped = Counter(v.skip_reason() for v in vectors if v.skip_reason())
    assert len(vectors) == 143
    assert len(_applicable(vectors)) == 67
    assert sum(skipped.values()) == 76
    assert set(skipped) == {
        "scrypt (passphrase) recipients: bundles use X25519 only",
        "ASCII armor: bundles are binary age files",
        "post-quantum hybrid identities (mlkem768x25519): not used by bundles",
    }


def test_every_applicable_vector_gets_the_verdict_it_expects(vectors: list[cctv.Vector]) -> None:
    got = {v.name: _ours(v) for v in _applicable(vectors)}
    want = {v.name: REASON_FOR.get(v.expect, v.expect) for v in _applicable(vectors)}
    assert got == want
    assert Counter(got.values()) == {"success": 14, "damaged": 49, "not_for_us": 3, "tampered": 1}


def test_the_two_headers_pyrage_alone_gets_wrong(vectors: list[cctv.Vector]) -> None:
    """The gap the issue found: pyrage 1.4.0 decrypts these two malformed files, which
    the reference refuses. Our strict check refuses them before pyrage sees them."""
    by_name = {v.name: v for v in vectors}
    for name in ("stanza_missing_body", "stanza_missing_final_line"):
        vector = by_name[name]
        assert vector.expect == "header failure"
        with pytest.raises(BundleRefused) as refused:
            agefile.check_header(vector.age_file)
        assert refused.value.reason == "damaged"
        identities = [pyrage.x25519.Identity.from_str(i) for i in vector.identities]
        # If pyrage starts refusing them, the check is still right; this line documents
        # why it is there.
        assert pyrage.decrypt(vector.age_file, identities), "pyrage refuses it now"


def test_our_header_check_passes_every_header_the_reference_accepts(
    vectors: list[cctv.Vector],
) -> None:
    """The strict check is not stricter than the spec: every vector that parses for the
    reference (all but 'header failure') passes it."""
    for vector in _applicable(vectors):
        if vector.expect != "header failure":
            agefile.check_header(vector.age_file)


@pytest.mark.skipif(shutil.which("age") is None, reason="Debian's age is not installed")
def test_debian_age_agrees_on_every_applicable_vector(
    vectors: list[cctv.Vector], tmp_path: Path
) -> None:
    """The reference itself, on this machine, gives the same yes/no as our reader."""
    disagree = []
    for vector in _applicable(vectors):
        identity_file = tmp_path / "identity.txt"
        identities = vector.identities or (agefile.new_identity()[0],)
        identity_file.write_text("\n".join(identities) + "\n")
        age_file = tmp_path / "file.age"
        age_file.write_bytes(vector.age_file)
        done = subprocess.run(
            ["age", "-d", "-i", str(identity_file), str(age_file)],
            capture_output=True,
            check=False,
        )
        reference_ok = (
            done.returncode == 0
            and hashlib.sha256(done.stdout).hexdigest() == vector.payload_sha256
        )
        if reference_ok != (_ours(vector) == "success"):
            disagree.append(vector.name)
    assert disagree == []
