"""Only a torn final record may be dropped; every other change refuses to open, with
the right error: CasebookDamaged for accidental damage the format can recognise as
such (checksums, CRCs, lengths), CasebookTampered (a subclass) when authentication
fails."""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klantapp.errors import (
    CasebookDamaged,
    CasebookExists,
    CasebookTampered,
    NotEnoughMemory,
    WrongPassphrase,
)
from klantapp.vault import KdfParams, Vault, journal

FILE_HEAD = journal.FILE_HEADER_BYTES
FRAME_HEAD = journal.FRAME_HEADER_BYTES
NONCE = 12


def flip(path: Path, offset: int, bit: int = 0) -> bytes:
    """Flip one bit in place; returns the original content."""
    data = path.read_bytes()
    changed = bytearray(data)
    changed[offset] ^= 1 << bit
    path.write_bytes(bytes(changed))
    return data


def open_fails(env, folder: Path) -> CasebookDamaged:
    with pytest.raises(CasebookDamaged) as caught:
        env.read(folder)
    return caught.value


def frames(data: bytes) -> list[bytes]:
    """Split a journal into its record frames (no checking)."""
    out, offset = [], FILE_HEAD
    while offset < len(data):
        (length,) = struct.unpack_from(">I", data, offset + 1)
        end = offset + FRAME_HEAD + NONCE + length
        out.append(data[offset:end])
        offset = end
    return out


@pytest.fixture
def casebook(env, monkeypatch) -> Path:
    """A closed casebook: a 4-chunk snapshot and a journal of three records."""
    from klantapp.vault import snapshot as snapshots

    monkeypatch.setattr(snapshots, "CHUNK_SIZE", 64)
    vault, folder = env.create(snapshot=b"MARKER-snapshot " * 14)  # 224 bytes
    for record in (b"MARKER-een", b"MARKER-twee", b"MARKER-drie"):
        vault.append(record)
    vault.close()
    return folder


# -- torn final record ---------------------------------------------------------------


def test_journal_cut_at_every_byte_of_its_last_record(env, fast_kdf) -> None:
    vault, base = env.create()
    vault.append(b"een")
    vault.append(b"twee")
    before = vault.journal_bytes
    vault.append(b"de laatste, die half geschreven wordt")
    after = vault.journal_bytes
    vault.close()

    for cut in range(before, after):
        folder = env.copy(base, f"cut-{cut}")
        path = env.journal_file(folder)
        path.write_bytes(path.read_bytes()[:cut])
        vault, contents = env.open(folder)
        assert contents.records == [b"een", b"twee"], cut
        if cut == before:  # a clean record boundary: nothing was torn
            assert contents.warnings == []
        else:
            assert contents.warnings == [journal.TORN_WARNING]
            assert "niet volledig opgeslagen" in contents.warnings[0]
        assert path.stat().st_size == before  # cut back before any new append
        vault.append(b"nieuw")
        vault.close()
        contents = env.read(folder)
        assert (contents.records, contents.warnings) == ([b"een", b"twee", b"nieuw"], [])


def test_torn_first_record_of_an_empty_journal(env) -> None:
    vault, folder = env.create()
    vault.close()
    path = env.journal_file(folder)
    path.write_bytes(path.read_bytes() + b"\xc5\x00\x00\x00")
    vault, contents = env.open(folder)
    assert (contents.records, len(contents.warnings)) == ([], 1)
    vault.close()


# -- bit flips -----------------------------------------------------------------------


def test_a_flipped_bit_anywhere_in_the_header_is_damage(env, casebook, monkeypatch) -> None:
    # Refused by the checksum, before any key is derived: a damaged header must never
    # be mistaken for a wrong passphrase, nor cost an Argon2id run.
    from klantapp.vault import vault as vault_module

    def no_derivation(*args: object) -> bytes:
        raise AssertionError("derived a key from a damaged header")

    monkeypatch.setattr(vault_module, "derive_kek", no_derivation)
    path = env.header_file(casebook)
    size = path.stat().st_size
    for offset in range(size):
        original = flip(path, offset, offset % 8)
        error = open_fails(env, casebook)
        assert type(error) is CasebookDamaged, offset
        path.write_bytes(original)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_bit_flipped_in_the_header(env, casebook, data) -> None:
    path = env.header_file(casebook)
    offset = data.draw(st.integers(0, path.stat().st_size - 1))
    original = flip(path, offset, data.draw(st.integers(0, 7)))
    try:
        assert type(open_fails(env, casebook)) is CasebookDamaged
    finally:
        path.write_bytes(original)


def test_a_flipped_bit_anywhere_in_the_snapshot_refuses(env, casebook, fast_kdf) -> None:
    path = env.snapshot_file(casebook)
    data = path.read_bytes()
    fixed_header = 8 + 32 + 4 + 4
    assert len(data) == fixed_header + 224 + 4 * 16  # four chunks of 64 bytes
    for offset in range(len(data)):
        flip(path, offset, offset % 8)
        error = open_fails(env, casebook)
        if offset >= 8:  # past the magic: salt mismatch or failed authentication
            assert isinstance(error, CasebookTampered) or offset >= 40, offset
        if offset >= fixed_header:
            assert isinstance(error, CasebookTampered), offset
        path.write_bytes(data)
    env.read(casebook)  # and the restored file opens again


def test_a_flipped_bit_anywhere_in_the_journal_refuses(env, casebook, fast_kdf) -> None:
    path = env.journal_file(casebook)
    data = path.read_bytes()
    starts, offset = [], FILE_HEAD
    for frame in frames(data):
        starts.append(offset)
        offset += len(frame)
    assert len(starts) == 3 and offset == len(data)
    for offset in range(len(data)):
        flip(path, offset, offset % 8)
        error = open_fails(env, casebook)
        in_frame_head = any(s <= offset < s + FRAME_HEAD for s in starts)
        if offset < FILE_HEAD or in_frame_head:
            # CRC-protected framing, incl. every length field: damage, and never
            # mistaken for a torn final record.
            assert type(error) is CasebookDamaged, offset
        else:
            assert isinstance(error, CasebookTampered), offset  # nonce or ciphertext
        path.write_bytes(data)
    assert len(env.read(casebook).records) == 3


def test_every_bit_of_the_last_record_and_its_length_field(env, casebook, fast_kdf) -> None:
    path = env.journal_file(casebook)
    data = path.read_bytes()
    last = FILE_HEAD + sum(len(f) for f in frames(data)[:-1])
    for offset in range(last, len(data)):
        for bit in range(8):
            flip(path, offset, bit)
            open_fails(env, casebook)
            path.write_bytes(data)


# -- moved, reordered, spliced -------------------------------------------------------


def test_reordered_duplicated_or_dropped_records_refuse(env, casebook, fast_kdf) -> None:
    path = env.journal_file(casebook)
    data = path.read_bytes()
    head, (a, b, c) = data[:FILE_HEAD], frames(data)
    for order in ([b, a, c], [a, c, b], [c, b, a], [a, a, b, c], [a, b, b], [a, c], [b, c]):
        path.write_bytes(head + b"".join(order))
        assert isinstance(open_fails(env, casebook), CasebookTampered)
    path.write_bytes(data)
    assert env.read(casebook).records == [b"MARKER-een", b"MARKER-twee", b"MARKER-drie"]


def test_records_and_files_from_another_casebook_refuse(env, casebook, fast_kdf) -> None:
    other_vault, other = env.create("ander")  # same passphrase, other keys
    other_vault.append(b"van een ander")
    other_vault.append(b"nog een")
    other_vault.close()
    mine, theirs = env.journal_file(casebook), env.journal_file(other)
    my_data, their_data = mine.read_bytes(), theirs.read_bytes()
    my_head, my_frames = my_data[:FILE_HEAD], frames(my_data)
    their_frames = frames(their_data)

    # a record spliced in at the end, in the middle, or in place of one of mine
    for spliced in (
        my_frames + their_frames[:1],
        my_frames[:1] + their_frames[1:2] + my_frames[1:],
        [their_frames[0], *my_frames[1:]],
    ):
        mine.write_bytes(my_head + b"".join(spliced))
        assert isinstance(open_fails(env, casebook), CasebookTampered)
    # their whole journal
    mine.write_bytes(their_data)
    assert isinstance(open_fails(env, casebook), CasebookTampered)
    # their journal frames behind my file header
    mine.write_bytes(my_head + b"".join(their_frames))
    assert isinstance(open_fails(env, casebook), CasebookTampered)
    mine.write_bytes(my_data)

    # their snapshot under my name
    my_snapshot = env.snapshot_file(casebook)
    saved = my_snapshot.read_bytes()
    my_snapshot.write_bytes(env.snapshot_file(other).read_bytes())
    assert isinstance(open_fails(env, casebook), CasebookTampered)
    my_snapshot.write_bytes(saved)

    # their header (same passphrase!) in front of my files
    header = env.header_file(casebook)
    saved = header.read_bytes()
    header.write_bytes(env.header_file(other).read_bytes())
    assert isinstance(open_fails(env, casebook), CasebookTampered)
    header.write_bytes(saved)
    assert len(env.read(casebook).records) == 3


def test_an_older_snapshot_of_the_same_casebook_refuses(env, fast_kdf) -> None:
    vault, folder = env.create()
    vault.close()
    old_snapshot = env.snapshot_file(folder).read_bytes()
    vault, _ = env.open(folder)
    vault.compact(b"nieuw")
    vault.close()
    env.snapshot_file(folder).write_bytes(old_snapshot)  # same casebook, epoch 0 file
    assert isinstance(open_fails(env, folder), CasebookTampered)


def test_missing_files_are_damage(env, casebook) -> None:
    for victim in (env.snapshot_file(casebook), env.journal_file(casebook)):
        saved = victim.read_bytes()
        victim.unlink()
        assert type(open_fails(env, casebook)) is CasebookDamaged
        victim.write_bytes(saved)


# -- a header changed on purpose ------------------------------------------------------


def header_body(path: Path) -> dict:
    data = path.read_bytes()
    (body_len,) = struct.unpack_from(">I", data, 10)
    return json.loads(data[14 : 14 + body_len])


def rewrite_header(path: Path, change) -> None:
    """Change the JSON body, keep the (now wrong) HMAC, recompute the unkeyed checksum:
    what someone without the key can do."""
    data = path.read_bytes()
    magic, version, body_len = struct.unpack_from(">8sHI", data)
    body = json.loads(data[14 : 14 + body_len])
    mac = data[14 + body_len : 14 + body_len + 32]
    change(body)
    new_body = json.dumps(body).encode()
    signed = struct.pack(">8sHI", magic, version, len(new_body)) + new_body + mac
    path.write_bytes(signed + hashlib.sha256(signed).digest())


def test_a_header_changed_with_a_recomputed_checksum_is_tampered(env, casebook) -> None:
    path = env.header_file(casebook)
    saved = path.read_bytes()
    for change in (
        lambda body: body.update(epoch=7),
        lambda body: body.update(journal_salt=body["snapshot_salt"]),
        lambda body: body["keyslots"]["recovery"].update(message="AAAA"),
        lambda body: None,  # same content, other JSON spacing: the HMAC covers the bytes
    ):
        rewrite_header(path, change)
        assert isinstance(open_fails(env, casebook), CasebookTampered)
        path.write_bytes(saved)
    env.read(casebook)


@pytest.mark.parametrize(
    "kdf",
    [
        {"memory_kib": 2**40},
        {"memory_kib": 4 * 1024 * 1024, "iterations": 64},  # minutes and 4 GiB per try
        {"memory_kib": 4 * 1024 * 1024 + 1},
        {"memory_kib": 1024 * 1024 + 1024},  # more than calibration could ever choose
        {"iterations": 17},
        {"memory_kib": 512 * 1024, "iterations": 5},  # 2.5 GiB of work: too slow
        {"memory_kib": 1024 * 1024, "iterations": 3},
        {"memory_kib": 1024},
        {"memory_kib": -1},
        {"iterations": 10**9},
        {"iterations": 65},
        {"iterations": 0},
        {"lanes": 0},
        {"lanes": 17},
        {"lanes": 2**31},
        {"iterations": True},
        {"memory_kib": 65536.5},
        {"memory_kib": "65536"},
        {"algorithm": "scrypt"},
    ],
)
def test_absurd_kdf_parameters_are_refused_before_deriving(env, casebook, monkeypatch, kdf) -> None:
    from klantapp.vault import kdf as kdf_module

    def no_argon2(*args: object, **kwargs: object) -> None:
        raise AssertionError("Argon2id was called with a refused header")

    monkeypatch.setattr(kdf_module, "Argon2id", no_argon2)
    rewrite_header(env.header_file(casebook), lambda body: body["kdf"].update(kdf))
    error = open_fails(env, casebook)
    assert isinstance(error, CasebookTampered)


def test_changed_kdf_parameters_within_bounds_look_like_a_wrong_passphrase(env, casebook) -> None:
    # Without the key nobody can tell these apart; documented in docs/vault-format.md.
    rewrite_header(env.header_file(casebook), lambda body: body["kdf"].update(iterations=2))
    with pytest.raises(WrongPassphrase):
        env.read(casebook)


def test_a_failed_unlock_with_unusual_kdf_parameters_says_the_file_may_be_changed(
    env, tmp_path
) -> None:
    calibrated = KdfParams(64 * 1024, 1, 4)  # what calibrate_kdf could choose
    assert calibrated.as_calibrated() and not KdfParams.for_tests().as_calibrated()
    Vault.create(
        tmp_path / "cb",
        env.passphrase,
        snapshot=b"",
        recovery_recipient=env.recovery_public,
        kdf=calibrated,
    ).close()
    with pytest.raises(WrongPassphrase) as plain:
        Vault.open(tmp_path / "cb", "een verkeerde zin")
    assert "gewijzigd" not in str(plain.value)
    rewrite_header(
        env.header_file(tmp_path / "cb"),
        lambda body: body["kdf"].update(memory_kib=16 * 1024, lanes=1),
    )
    with pytest.raises(WrongPassphrase) as odd:
        Vault.open(tmp_path / "cb", env.passphrase)
    assert "buiten Klantapp om gewijzigd" in str(odd.value)


def test_out_of_memory_while_deriving_is_reported(env, casebook, monkeypatch) -> None:
    from klantapp.vault import kdf as kdf_module

    class Greedy:
        def __init__(self, **kwargs: object) -> None:
            pass

        def derive(self, key: bytes) -> bytes:
            raise MemoryError

    monkeypatch.setattr(kdf_module, "Argon2id", Greedy)
    with pytest.raises(NotEnoughMemory, match="werkgeheugen"):
        env.read(casebook)


def test_a_lost_header_is_damage_and_never_created_over(env) -> None:
    vault, folder = env.create()
    vault.append(b"waardevol")
    vault.close()
    env.header_file(folder).unlink()
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert type(open_fails(env, folder)) is CasebookDamaged
    with pytest.raises(CasebookExists):
        env.create()  # same folder name "cb"
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_recovery_slot_from_another_casebook_is_tampering(env, casebook) -> None:
    other_vault, other = env.create("ander")  # same office key
    other_vault.close()
    theirs = header_body(env.header_file(other))["keyslots"]["recovery"]
    rewrite_header(env.header_file(casebook), lambda body: body["keyslots"].update(recovery=theirs))
    with pytest.raises(CasebookTampered):
        Vault.open_with_recovery(casebook, env.recovery_secret)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_crafted_header_never_crashes_the_parser(env, casebook, data) -> None:
    """Whatever someone writes into the header body (with a valid checksum), opening
    fails with one of our errors, not with a KeyError or a hang."""
    path = env.header_file(casebook)
    saved = path.read_bytes()

    def mutate(body: dict) -> None:
        where = data.draw(st.sampled_from(["", "kdf", "keyslots", "passphrase", "recovery"]))
        target = {
            "": body,
            "kdf": body["kdf"],
            "keyslots": body["keyslots"],
            "passphrase": body["keyslots"]["passphrase"],
            "recovery": body["keyslots"]["recovery"],
        }[where]
        keys = sorted(target)
        if keys and data.draw(st.booleans()):
            key = data.draw(st.sampled_from(keys))
        else:
            key = data.draw(st.text(max_size=6))
        if data.draw(st.booleans()):
            target[key] = data.draw(json_values)
        else:
            target.pop(key, None)

    try:
        rewrite_header(path, mutate)
        with pytest.raises((CasebookDamaged, WrongPassphrase)):
            env.read(casebook)
    finally:
        path.write_bytes(saved)


def test_deeply_nested_header_json_is_refused(env, casebook) -> None:
    path = env.header_file(casebook)
    data = path.read_bytes()
    magic, version = struct.unpack_from(">8sH", data)
    body = b"[" * 100_000 + b"]" * 100_000
    signed = struct.pack(">8sHI", magic, version, len(body)) + body + bytes(32)
    path.write_bytes(signed + hashlib.sha256(signed).digest())
    open_fails(env, casebook)  # too big for a header: refused before parsing
    body = b"[" * 20_000 + b"]" * 20_000
    signed = struct.pack(">8sHI", magic, version, len(body)) + body + bytes(32)
    path.write_bytes(signed + hashlib.sha256(signed).digest())
    assert isinstance(open_fails(env, casebook), CasebookTampered)
