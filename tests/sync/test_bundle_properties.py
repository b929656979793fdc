"""Properties of the bundle format: whatever a sender may put in a manifest and
ops.jsonl comes out the same at the reader, and no single changed byte is ever accepted."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klantapp.errors import BundleRefused
from klantapp.sync import bundle, payload
from tests.sync.parties import HUB_ID, Parties

WORLD = Parties()  # keys are made once: hypothesis runs many examples per test

ids = st.from_regex(r"[0-9a-z]{1,64}", fullmatch=True)
seq = st.integers(min_value=0, max_value=2**63 - 1)
text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=200)
ranges = st.dictionaries(ids, st.tuples(seq, seq).map(lambda p: (min(p), max(p))), max_size=8)
digests = st.one_of(st.just(""), st.from_regex(r"[0-9a-f]{64}", fullmatch=True))
times = st.datetimes(min_value=datetime(1000, 1, 1)).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ"))


@st.composite
def bundles(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "hub_id": HUB_ID,
        "gemeente": draw(text),
        "sender": WORLD.anna.id,
        "schema_version": draw(seq),
        "roster_version": draw(seq),
        "ops_jsonl": draw(st.binary(max_size=3000)),
        "signer": WORLD.anna.signer,
        "recipients": draw(
            st.sampled_from(
                [
                    [WORLD.office.age_public],
                    [WORLD.office.age_public, WORLD.bram.age_public],
                ]
            )
        ),
        "ranges": draw(ranges),
        "prerequisites": draw(st.dictionaries(ids, seq, max_size=8)),
        "acks": draw(st.dictionaries(ids, seq, max_size=8)),
        "state_digest": draw(digests),
        "bundle_id": draw(ids),
        "created_at": draw(times),
    }


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundles())
def test_any_manifest_and_ops_survive_write_and_read(fields: dict[str, Any]) -> None:
    written, data = bundle.write_bundle(**fields)
    manifest, ops = WORLD.read_at_office(data)
    assert ops == fields["ops_jsonl"]
    assert manifest == written
    assert manifest.gemeente == fields["gemeente"]
    assert manifest.ranges == dict(fields["ranges"])
    assert manifest.acks == fields["acks"]
    assert manifest.created_at == fields["created_at"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundles(), st.data())
def test_any_single_changed_byte_is_refused(fields: dict[str, Any], data: st.DataObject) -> None:
    _written, raw = bundle.write_bundle(**fields)
    # rage adds a random "grease" stanza, so the length varies between runs: the
    # position is drawn as a share of it.
    share = data.draw(st.integers(min_value=0, max_value=2**32 - 1), label="position")
    pos = share * len(raw) // 2**32
    mask = data.draw(st.integers(min_value=1, max_value=255), label="xor")
    changed = bytearray(raw)
    changed[pos] ^= mask
    try:
        WORLD.read_at_office(bytes(changed))
    except BundleRefused:
        return
    raise AssertionError(f"byte {pos} changed by {mask:#x} was accepted")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    st.one_of(
        st.tuples(
            st.sampled_from(["", " ", "\t", "\r"]),
            _JSON,
            st.sampled_from(["", " ", "\r", "x", "}", ",{}"]),
        ).map(lambda t: t[0] + json.dumps(t[1], ensure_ascii=False) + t[2]),
        st.text(max_size=20),
    )
)
def test_a_payload_line_is_read_as_json_loads_reads_it(line: str) -> None:
    try:
        expected: Any = ("value", json.loads(line))
    except ValueError:
        expected = ("refused",)
    try:
        got: Any = ("value", payload._loads(line))
    except ValueError:
        got = ("refused",)
    assert repr(got) == repr(expected)  # (NaN is not equal to itself)
