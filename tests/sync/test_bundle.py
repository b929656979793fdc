"""The bundle file: what it holds, and that a reader uses it only when it is whole,
authentic, meant for it and from its own central office.

Anyone can encrypt a file to the office's public key, so the tests that change what is
*inside* the age layer rebuild the tar and encrypt it again, as an attacker would.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
import tarfile
from typing import Any

import pytest

from klantapp.crypto import agefile
from klantapp.errors import BundleRefused
from klantapp.sync import bundle, canonical, minisign
from tests.sync.parties import HUB_ID, Parties


def refused(call: Any, *args: Any, **kwargs: Any) -> str:
    """The reason code of the BundleRefused that ``call`` raises (exit code 6)."""
    with pytest.raises(BundleRefused) as err:
        call(*args, **kwargs)
    assert err.value.exit_code == 6
    assert err.value.message  # a sentence for a person
    return err.value.reason


def members_of(parties: Parties, data: bytes) -> list[tuple[str, bytes]]:
    plain = agefile.decrypt(data, [parties.office.age_secret])
    return list(
        zip(
            ("manifest.json", "manifest.json.minisig", "ops.jsonl"),
            bundle.untar_members(plain),
            strict=True,
        )
    )


def to_office(parties: Parties, archive: bytes) -> bytes:
    return agefile.encrypt(archive, [parties.office.age_public])


def signed(manifest_json: bytes, signer: minisign.SigningKey, comment: str | None = None) -> bytes:
    """A signature as the writer makes it (``comment``: another trusted comment)."""
    sender = json.loads(manifest_json)["sender"]
    if comment is None:
        comment = bundle.Manifest.from_json(manifest_json).trusted_comment()
    untrusted = f"klantapp bundle manifest, signed by {sender}"
    return minisign.sign(manifest_json, signer, comment, untrusted_comment=untrusted).encode()


# --- the good path ----------------------------------------------------------------------


def test_a_bundle_round_trips(parties: Parties) -> None:
    ops = b'{"t":"notes","s":1}\n{"t":"notes","s":2}\n'
    written, data = parties.upload(ops, ranges={parties.anna.id: (1, 2)}, state_digest="ab" * 32)
    manifest, got = parties.read_at_office(data)
    assert got == ops
    assert manifest == written
    assert manifest.sender == parties.anna.id
    assert manifest.recipients == (agefile.recipient_key_id(parties.office.age_public),)
    assert manifest.ops_sha256 == hashlib.sha256(ops).hexdigest()
    assert manifest.ranges == {parties.anna.id: (1, 2)}
    assert manifest.acks == {HUB_ID: 4}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest.created_at)
    assert re.fullmatch(r"[0-9a-f]{32}", manifest.bundle_id)


def test_the_tar_holds_exactly_the_three_files_deterministically(parties: Parties) -> None:
    _manifest, data = parties.upload()
    plain = agefile.decrypt(data, [parties.office.age_secret])
    with tarfile.open(fileobj=io.BytesIO(plain)) as archive:
        infos = archive.getmembers()
    assert [i.name for i in infos] == ["manifest.json", "manifest.json.minisig", "ops.jsonl"]
    for info in infos:
        assert info.isreg() and info.mode == 0o600 and info.mtime == 0
        assert (info.uid, info.gid, info.uname, info.gname) == (0, 0, "", "")
        assert info.pax_headers == {}
    members = members_of(parties, data)
    assert bundle.tar_members(members) == plain  # the same members give the same bytes


def test_the_manifest_is_canonical_json(parties: Parties) -> None:
    _manifest, data = parties.upload(gemeente="Súdwest-Fryslân")
    manifest_json = members_of(parties, data)[0][1]
    obj = json.loads(manifest_json)
    assert (
        manifest_json
        == (
            json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
        ).encode()
    )
    assert "Súdwest-Fryslân".encode() in manifest_json
    assert obj["type"] == "klantapp.bundle.manifest" and obj["format"] == 1


def test_a_bundle_to_several_recipients_opens_for_each(parties: Parties) -> None:
    manifest, data = parties.upload(recipients=[parties.office.age_public, parties.bram.age_public])
    assert len(manifest.recipients) == 2
    bundle.read_bundle(
        data,
        identities=[parties.bram.age_secret],
        signer_key=parties.signer_key,
        expected_hub_id=HUB_ID,
    )


def test_inspect_reports_without_a_signer_key(parties: Parties) -> None:
    _manifest, data = parties.upload(b"a\nb\nc")
    seen = bundle.inspect_bundle(data, identities=[parties.office.age_secret])
    assert seen.signature_verified is False and seen.trusted_comment is None
    assert seen.ops_bytes == 5 and seen.ops_lines == 3
    assert seen.signer_key_id == parties.anna.signer.key_id_hex
    checked = bundle.inspect_bundle(
        data, identities=[parties.office.age_secret], signer_key=parties.signer_key
    )
    assert (
        checked.signature_verified and checked.trusted_comment == checked.manifest.trusted_comment()
    )


def test_inspect_still_refuses_a_bad_signature_when_given_keys(parties: Parties) -> None:
    _manifest, data = parties.upload()
    reason = refused(
        bundle.inspect_bundle,
        data,
        identities=[parties.office.age_secret],
        signer_key=lambda _s: parties.bram.signer.public_key(),
    )
    assert reason == "bad_signature"


def test_the_writer_refuses_fields_a_reader_would_refuse(parties: Parties) -> None:
    for bad in (
        {"sender": "Anna!"},
        {"hub_id": ""},
        {"gemeente": ""},
        {"gemeente": "two\nlines"},
        {"ranges": {parties.anna.id: (5, 4)}},
        {"acks": {"x": -1}},
        {"state_digest": "not hex"},
        {"created_at": "yesterday"},
        {"bundle_id": "x" * 65},
    ):
        with pytest.raises(ValueError):
            parties.upload(**bad)


# --- refusals: who sent it, to whom, for which office -----------------------------------


def test_an_unknown_sender_is_refused(parties: Parties) -> None:
    _manifest, data = parties.upload()
    assert refused(parties.read_at_office, data, signer_key=lambda _s: None) == "unknown_sender"


def test_a_manifest_signed_by_someone_else_is_refused(parties: Parties) -> None:
    # Bram signs a bundle that says it is from Anna.
    _manifest, data = parties.upload(signer=parties.bram.signer)
    assert refused(parties.read_at_office, data) == "bad_signature"


def test_a_bundle_for_another_office_is_refused(parties: Parties) -> None:
    _manifest, data = parties.upload(hub_id="hub0002")
    assert refused(parties.read_at_office, data) == "other_hub"


def test_a_bundle_not_encrypted_to_us_is_refused(parties: Parties) -> None:
    _manifest, data = parties.upload(recipients=[parties.bram.age_public])
    assert refused(parties.read_at_office, data) == "not_for_us"


def test_a_bundle_re_encrypted_to_another_recipient_is_refused(parties: Parties) -> None:
    """The office key holder decrypts Anna's upload and encrypts it to Bram: Bram can
    open it, but the signed manifest names the office as the only recipient."""
    _manifest, data = parties.upload()
    plain = agefile.decrypt(data, [parties.office.age_secret])
    for_bram = agefile.encrypt(plain, [parties.bram.age_public])
    reason = refused(
        bundle.read_bundle,
        for_bram,
        identities=[parties.bram.age_secret],
        signer_key=parties.signer_key,
        expected_hub_id=HUB_ID,
    )
    assert reason == "wrong_recipient"


def test_own_key_ids_can_be_given(parties: Parties) -> None:
    _manifest, data = parties.upload()
    assert refused(parties.read_at_office, data, own_key_ids={"0" * 16}) == "wrong_recipient"
    parties.read_at_office(data, own_key_ids={agefile.recipient_key_id(parties.office.age_public)})


def test_ops_that_are_not_the_signed_ones_are_refused(parties: Parties) -> None:
    """Anna (or anyone with her key) signs a manifest whose payload hash differs."""
    _manifest, data = parties.upload(b"the real ops\n")
    manifest_json, signature, _ops = (m for _n, m in members_of(parties, data))
    archive = bundle.tar_members(
        [
            ("manifest.json", manifest_json),
            ("manifest.json.minisig", signature),
            ("ops.jsonl", b"other ops\n"),
        ]
    )
    assert refused(parties.read_at_office, to_office(parties, archive)) == "tampered"


def test_a_signature_with_another_trusted_comment_is_refused(parties: Parties) -> None:
    _manifest, data = parties.upload()
    manifest_json, _sig, ops = (m for _n, m in members_of(parties, data))
    archive = bundle.tar_members(
        [
            ("manifest.json", manifest_json),
            ("manifest.json.minisig", signed(manifest_json, parties.anna.signer, "a roster")),
            ("ops.jsonl", ops),
        ]
    )
    assert refused(parties.read_at_office, to_office(parties, archive)) == "bad_signature"


def test_a_signature_with_another_untrusted_comment_is_refused(parties: Parties) -> None:
    """minisign does not sign the untrusted comment; the reader requires the writer's."""
    _manifest, data = parties.upload()
    manifest_json, signature, ops = (m for _n, m in members_of(parties, data))
    changed = signature.replace(b"signed by", b"signed  by")
    archive = bundle.tar_members(
        [("manifest.json", manifest_json), ("manifest.json.minisig", changed), ("ops.jsonl", ops)]
    )
    assert refused(parties.read_at_office, to_office(parties, archive)) == "bad_signature"
    # and the writer's own signature, rebuilt the same way, is accepted
    archive = bundle.tar_members(
        [
            ("manifest.json", manifest_json),
            ("manifest.json.minisig", signed(manifest_json, parties.anna.signer)),
            ("ops.jsonl", ops),
        ]
    )
    parties.read_at_office(to_office(parties, archive))


def _with_manifest(parties: Parties, obj: dict[str, Any], *, raw: bytes | None = None) -> bytes:
    manifest_json = raw if raw is not None else canonical.dumps(obj)
    comment = f"klantapp bundle {obj['bundle_id']} from {obj['sender']} for hub {obj['hub_id']}"
    archive = bundle.tar_members(
        [
            ("manifest.json", manifest_json),
            ("manifest.json.minisig", signed(manifest_json, parties.anna.signer, comment)),
            ("ops.jsonl", b""),
        ]
    )
    return to_office(parties, archive)


def _manifest_obj(parties: Parties) -> dict[str, Any]:
    _manifest, data = parties.upload(b"")
    obj: dict[str, Any] = json.loads(members_of(parties, data)[0][1])
    return obj


def test_a_newer_manifest_format_is_refused_as_unsupported(parties: Parties) -> None:
    obj = _manifest_obj(parties)
    obj["format"] = 2
    assert refused(parties.read_at_office, _with_manifest(parties, obj)) == "unsupported"


@pytest.mark.parametrize(
    "change",
    [
        lambda o: o.pop("acks"),
        lambda o: o.update(extra=1),
        lambda o: o.update(type="klantapp.roster"),
        lambda o: o.update(roster_version=1.5),
        lambda o: o.update(roster_version=True),
        lambda o: o.update(recipients=[]),
        lambda o: o.update(recipients=["b" * 16, "a" * 16]),
        lambda o: o.update(ranges={"a1": [3]}),
        lambda o: o.update(prerequisites={"A1": 3}),
        lambda o: o.update(ops_sha256="AB" * 32),
        lambda o: o.update(created_at="2026-12-01 09:00:00"),
    ],
)
def test_a_signed_manifest_with_a_wrong_field_is_refused(parties: Parties, change: Any) -> None:
    obj = _manifest_obj(parties)
    change(obj)
    if isinstance(obj.get("roster_version"), float):
        raw = json.dumps(obj, sort_keys=True, separators=(",", ":")).encode() + b"\n"
        data = _with_manifest(parties, obj, raw=raw)
    else:
        data = _with_manifest(parties, obj)
    assert refused(parties.read_at_office, data) == "damaged"


def test_a_signed_manifest_that_is_not_canonical_is_refused(parties: Parties) -> None:
    obj = _manifest_obj(parties)
    pretty = json.dumps(obj, sort_keys=True, indent=2).encode()
    assert refused(parties.read_at_office, _with_manifest(parties, obj, raw=pretty)) == "damaged"
    dup = canonical.dumps(obj).replace(b'{"acks"', b'{"acks":{},"acks"', 1)
    assert refused(parties.read_at_office, _with_manifest(parties, obj, raw=dup)) == "damaged"


# --- refusals: the tar inside ----------------------------------------------------------


def _good_members(parties: Parties) -> list[tuple[str, bytes]]:
    _manifest, data = parties.upload()
    return members_of(parties, data)


def test_an_extra_member_is_refused(parties: Parties) -> None:
    members = [*_good_members(parties), ("extra.txt", b"x")]
    assert (
        refused(parties.read_at_office, to_office(parties, bundle.tar_members(members)))
        == "damaged"
    )


def test_a_missing_member_is_refused(parties: Parties) -> None:
    members = _good_members(parties)[:2]
    assert (
        refused(parties.read_at_office, to_office(parties, bundle.tar_members(members)))
        == "damaged"
    )


def test_reordered_members_are_refused(parties: Parties) -> None:
    m, s, o = _good_members(parties)
    for order in ([s, m, o], [m, o, s], [o, m, s]):
        data = to_office(parties, bundle.tar_members(order))
        assert refused(parties.read_at_office, data) == "damaged"


def test_a_renamed_member_is_refused(parties: Parties) -> None:
    m, s, o = _good_members(parties)
    data = to_office(parties, bundle.tar_members([m, s, ("./ops.jsonl", o[1])]))
    assert refused(parties.read_at_office, data) == "damaged"


def _tar_with(infos: list[tuple[tarfile.TarInfo, bytes | None]], fmt: int) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=fmt) as archive:
        for info, data in infos:
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def _info(name: str, data: bytes) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o600
    return info


def test_a_symlink_member_is_refused(parties: Parties) -> None:
    m, s, _o = _good_members(parties)
    link = tarfile.TarInfo("ops.jsonl")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    archive = _tar_with(
        [(_info(m[0], m[1]), m[1]), (_info(s[0], s[1]), s[1]), (link, None)], tarfile.USTAR_FORMAT
    )
    assert refused(parties.read_at_office, to_office(parties, archive)) == "damaged"


def test_a_pax_or_gnu_tar_of_the_same_files_is_refused(parties: Parties) -> None:
    members = _good_members(parties)
    for fmt in (tarfile.PAX_FORMAT, tarfile.GNU_FORMAT):
        infos = [(_info(n, d), d) for n, d in members]
        infos[0][0].pax_headers = {"comment": "hi"}
        archive = _tar_with(infos, fmt)
        assert refused(parties.read_at_office, to_office(parties, archive)) == "damaged"


def test_an_oversized_member_is_refused_before_it_is_read(
    parties: Parties, monkeypatch: pytest.MonkeyPatch
) -> None:
    _manifest, data = parties.upload(b"x" * 5000)
    monkeypatch.setattr(bundle, "MAX_OPS_BYTES", 4096)
    assert refused(parties.read_at_office, data) == "too_large"
    # a header that claims more bytes than the archive has
    m, s, _o = _good_members(parties)
    header = bundle._tar_header("ops.jsonl", 4000)
    archive = bundle.tar_members([m, s])[:-1024] + header + b"x" * 10 + bytes(1024)
    assert refused(parties.read_at_office, to_office(parties, archive)) == "damaged"


def test_a_bundle_over_the_size_bound_is_refused_before_decrypting(
    parties: Parties, monkeypatch: pytest.MonkeyPatch
) -> None:
    _manifest, data = parties.upload(b"x" * 300_000)
    monkeypatch.setattr(bundle, "MAX_OPS_BYTES", 100_000)
    assert refused(parties.read_at_office, data) == "too_large"


def test_the_writer_refuses_ops_over_the_bound(
    parties: Parties, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundle, "MAX_OPS_BYTES", 10)
    with pytest.raises(ValueError):
        parties.upload(b"x" * 11)


def test_data_after_the_end_of_the_tar_is_refused(parties: Parties) -> None:
    archive = bundle.tar_members(_good_members(parties))
    for extra in (b"\0" * 512, b"garbage", bytes(1)):
        data = to_office(parties, archive + extra)
        assert refused(parties.read_at_office, data) == "damaged"
    assert refused(parties.read_at_office, to_office(parties, archive[:-512])) == "damaged"


def test_every_flipped_byte_inside_the_tar_is_refused(parties: Parties) -> None:
    """Someone with only the office's public key changes one byte of the tar and encrypts
    it again: whatever the byte (a tar header, the manifest, the signature, the ops, the
    padding, the end blocks), the bundle is refused."""
    archive = bundle.tar_members(_good_members(parties))
    plain_reasons: set[str] = set()
    for pos in range(len(archive)):
        changed = bytearray(archive)
        changed[pos] ^= 0x20
        plain_reasons.add(refused(parties.read_at_office, to_office(parties, bytes(changed))))
    assert plain_reasons <= {
        "damaged",
        "bad_signature",
        "tampered",
        "too_large",
        "other_hub",
        "unknown_sender",
        "wrong_recipient",
    }
    assert {"damaged", "bad_signature", "tampered"} <= plain_reasons


# --- refusals: the age layer ------------------------------------------------------------


def test_every_single_flipped_bit_of_a_bundle_is_refused(parties: Parties) -> None:
    """Exhaustive over a small bundle: every byte position (age version line, stanza,
    body, MAC line, payload nonce, every chunk and its tag), the lowest bit flipped."""
    _manifest, data = parties.upload()
    header_end = agefile.check_header(data)
    reasons: dict[str, set[str]] = {"header": set(), "payload": set()}
    for pos in range(len(data)):
        changed = bytearray(data)
        changed[pos] ^= 0x01
        where = "header" if pos < header_end else "payload"
        reasons[where].add(refused(parties.read_at_office, bytes(changed)))
    assert reasons["header"] == {"damaged", "tampered", "not_for_us"}
    assert reasons["payload"] == {"damaged"}


def test_a_truncated_bundle_is_refused_wherever_it_is_cut(parties: Parties) -> None:
    _manifest, data = parties.upload(b"x" * 200_000)  # four STREAM chunks
    cuts = sorted(
        {
            *range(0, 400),
            *range(0, len(data), 997),
            *(65536 * k + d for k in range(1, 4) for d in (-17, -16, 0, 1, 16, 17, 40)),
        }
    )
    for cut in cuts:
        if 0 <= cut < len(data):
            assert refused(parties.read_at_office, data[:cut]) in {"damaged", "tampered"}


def test_trailing_garbage_after_a_bundle_is_refused(parties: Parties) -> None:
    _manifest, data = parties.upload()
    for extra in (b"\0", b"\n", b"x" * 16, b"x" * 100_000, data):
        assert refused(parties.read_at_office, data + extra) == "damaged"


def test_an_empty_or_foreign_file_is_refused(parties: Parties) -> None:
    for junk in (
        b"",
        b"PK\x03\x04zip",
        b"-----BEGIN AGE ENCRYPTED FILE-----\n",
        b"age-encryption.org/v1\n",
    ):
        assert refused(parties.read_at_office, junk) == "damaged"


# --- messages -------------------------------------------------------------------------


def test_a_refusal_speaks_plainly_and_names_no_content(parties: Parties) -> None:
    obj = _manifest_obj(parties)
    obj["gemeente"] = "Jan de Vries, BSN 123456782\n"
    with pytest.raises(BundleRefused) as err:
        parties.read_at_office(_with_manifest(parties, obj))
    text = str(err.value)
    assert "gemeente" in text and "manifest.json" in text
    assert "Jan" not in text and "123456782" not in text


def test_manifest_fields_are_kept_exactly(parties: Parties) -> None:
    manifest, _data = parties.upload(
        prerequisites={parties.bram.id: 9},
        ranges={parties.anna.id: (3, 7), parties.bram.id: (0, 0)},
        created_at="2026-12-01T09:30:00Z",
        bundle_id="0123",
    )
    again = bundle.Manifest.from_json(manifest.to_json())
    assert again == manifest
    assert dataclasses.asdict(again)["ranges"] == {parties.anna.id: (3, 7), parties.bram.id: (0, 0)}
