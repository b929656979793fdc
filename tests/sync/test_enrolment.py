"""Enrolment documents: the office card, the laptop's request, the signed roster, and the
fingerprints two people compare by phone."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from klantapp.crypto import agefile
from klantapp.errors import Refused
from klantapp.sync import canonical, card, minisign, roster
from tests.sync.parties import HUB_ID, Parties

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
FINGERPRINT = re.compile(r"\d{4}( \d{4}){5}")


def _card(parties: Parties) -> tuple[card.OfficeCard, str]:
    return card.write_card(
        hub_id=HUB_ID,
        gemeente="Zwolle",
        age_recipient=parties.office.age_public,
        office_key=parties.office.signer,
        recovery_recipient=agefile.new_identity()[1],
    )


def _request(parties: Parties, office: card.OfficeCard) -> tuple[card.EnrolmentRequest, str]:
    return card.write_request(
        card=office,
        device_id=parties.anna.id,
        device_name="Fatima El Amrani",
        age_recipient=parties.anna.age_public,
        device_key=parties.anna.signer,
    )


def _reason(call: object, *args: object, **kwargs: object) -> str:
    assert callable(call)
    with pytest.raises(Refused) as err:
        call(*args, **kwargs)
    assert err.value.exit_code == 6 and err.value.message[:1].isupper()
    return err.value.reason


def _resealed(text: str, change: dict[str, object], key: minisign.SigningKey | None) -> str:
    """The same signed document with ``change`` applied to its content; signed again by
    ``key`` (None: the old signature is kept)."""
    outer = json.loads(text)
    content = json.loads(outer["document"])
    content.update(change)
    document = canonical.dumps(content)
    signature = outer["signature"]
    if key is not None:
        comment = signature.split("\n")[2].removeprefix("trusted comment: ")
        signature = minisign.sign(document, key, comment)
    return canonical.dumps({"document": document.decode(), "signature": signature}).decode()


# --- the office card --------------------------------------------------------------------


def test_an_office_card_round_trips(parties: Parties) -> None:
    office, text = _card(parties)
    assert card.read_card(text) == office
    assert office.signing_key() == parties.office.signer.public_key()
    assert FINGERPRINT.fullmatch(office.fingerprint())
    assert card.read_card(text).fingerprint() == office.fingerprint()


def test_a_changed_card_is_refused(parties: Parties) -> None:
    _office, text = _card(parties)
    assert _reason(card.read_card, _resealed(text, {"gemeente": "Kampen"}, None)) == "bad_signature"


def test_a_card_with_swapped_keys_shows_another_fingerprint(parties: Parties) -> None:
    """Someone makes their own card with the right hub id and gemeente: it reads, but the
    fingerprint the klantmanager reads out differs from the office's."""
    office, text = _card(parties)
    forged = _resealed(
        text,
        {
            "minisign_public_key": parties.bram.signer.public_key().base64(),
            "age_recipient": parties.bram.age_public,
        },
        parties.bram.signer,
    )
    assert card.read_card(forged).fingerprint() != office.fingerprint()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"age_recipient": "age1nope"}, "age_recipient"),
        ({"recovery_recipient": ""}, "recovery_recipient"),
        ({"minisign_public_key": "RWQ"}, "minisign_public_key"),
        ({"hub_id": "Hub 1"}, "hub_id"),
        ({"extra": 1}, "extra"),
        ({"created_at": "now"}, "created_at"),
        ({"type": "klantapp.roster"}, "type"),
    ],
)
def test_a_card_with_a_wrong_field_is_refused_naming_it(
    parties: Parties, change: dict[str, object], field: str
) -> None:
    _office, text = _card(parties)
    with pytest.raises(Refused) as err:
        card.read_card(_resealed(text, change, parties.office.signer))
    assert err.value.reason == "damaged"
    assert field in err.value.message


def test_a_card_of_a_newer_format_is_unsupported(parties: Parties) -> None:
    _office, text = _card(parties)
    assert (
        _reason(card.read_card, _resealed(text, {"format": 2}, parties.office.signer))
        == "unsupported"
    )


@pytest.mark.parametrize("junk", ["", "{}", "not json", '{"document":"{}\\n","signature":"x"}'])
def test_junk_is_not_a_card(junk: str) -> None:
    assert _reason(card.read_card, junk) == "damaged"


# --- the enrolment request --------------------------------------------------------------


def test_a_request_round_trips_with_its_fingerprint(parties: Parties) -> None:
    office, _text = _card(parties)
    request, text = _request(parties, office)
    again = card.read_request(text, expected_hub_id=HUB_ID)
    assert again == request
    assert again.device_name == "Fatima El Amrani"
    assert FINGERPRINT.fullmatch(request.fingerprint())
    assert request.fingerprint() != office.fingerprint()


def test_a_request_signed_by_another_key_than_it_carries_is_refused(parties: Parties) -> None:
    """Proof of possession: Bram cannot enrol Anna's keys."""
    office, _text = _card(parties)
    text = _request(parties, office)[1]
    forged = _resealed(text, {}, parties.bram.signer)
    assert _reason(card.read_request, forged, expected_hub_id=HUB_ID) == "bad_signature"


def test_a_request_for_another_office_is_refused(parties: Parties) -> None:
    office, _text = _card(parties)
    text = _request(parties, office)[1]
    assert _reason(card.read_request, text, expected_hub_id="hub0002") == "other_hub"


def test_fingerprints_depend_on_every_key() -> None:
    base = card.fingerprint("device", "a1", "age1x", "RWQy")
    assert base == card.fingerprint("device", "a1", "age1x", "RWQy")
    for other in (
        ("device", "a2", "age1x", "RWQy"),
        ("device", "a1", "age1z", "RWQy"),
        ("office", "a1", "age1x", "RWQy"),
    ):
        assert card.fingerprint(*other) != base


# --- the roster -------------------------------------------------------------------------


def _enrolled_roster(parties: Parties) -> roster.Roster:
    office, _text = _card(parties)
    request, _rtext = _request(parties, office)
    return roster.enrolled(roster.new_roster(HUB_ID, now=NOW), request, now=NOW)


def test_a_roster_round_trips(parties: Parties) -> None:
    current = _enrolled_roster(parties)
    text, signature = roster.sign_roster(current, parties.office.signer)
    got = roster.verify_roster(
        text,
        signature,
        parties.office.signer.public_key(),
        newer_than=1,
        now=NOW,
        expected_hub_id=HUB_ID,
    )
    assert got == current
    assert got.version == 2 and got.is_active(parties.anna.id)
    assert got.signer_key(parties.anna.id) == parties.anna.signer.public_key()
    assert got.signer_key(parties.bram.id) is None
    assert '"name":"Fatima El Amrani"' in text and "caseload" not in text


def test_an_older_or_equal_roster_is_refused(parties: Parties) -> None:
    text, signature = roster.sign_roster(_enrolled_roster(parties), parties.office.signer)
    key = parties.office.signer.public_key()
    for have in (2, 3):
        assert (
            _reason(roster.verify_roster, text, signature, key, newer_than=have, now=NOW)
            == "stale_roster"
        )


def test_an_expired_roster_is_refused(parties: Parties) -> None:
    text, signature = roster.sign_roster(_enrolled_roster(parties), parties.office.signer)
    later = NOW + roster.VALIDITY
    key = parties.office.signer.public_key()
    assert (
        _reason(roster.verify_roster, text, signature, key, newer_than=0, now=later)
        == "expired_roster"
    )
    roster.verify_roster(text, signature, key, newer_than=0, now=later - timedelta(seconds=1))


def test_a_roster_not_signed_by_the_office_is_refused(parties: Parties) -> None:
    current = _enrolled_roster(parties)
    text, signature = roster.sign_roster(current, parties.anna.signer)
    key = parties.office.signer.public_key()
    assert (
        _reason(roster.verify_roster, text, signature, key, newer_than=0, now=NOW)
        == "bad_signature"
    )
    text, signature = roster.sign_roster(current, parties.office.signer)
    changed = text.replace("Fatima", "Fatimo")
    assert (
        _reason(roster.verify_roster, changed, signature, key, newer_than=0, now=NOW)
        == "bad_signature"
    )


def test_a_signature_of_another_roster_version_is_refused(parties: Parties) -> None:
    """The trusted comment names the version: a signature whose comment does not match
    the document is refused even though the key is the office's."""
    current = _enrolled_roster(parties)
    text = current.to_json()
    signature = minisign.sign(text, parties.office.signer, f"klantapp roster {HUB_ID} version 99")
    key = parties.office.signer.public_key()
    assert (
        _reason(roster.verify_roster, text.decode(), signature, key, newer_than=0, now=NOW)
        == "bad_signature"
    )


def test_a_roster_of_another_office_is_refused(parties: Parties) -> None:
    text, signature = roster.sign_roster(_enrolled_roster(parties), parties.office.signer)
    key = parties.office.signer.public_key()
    reason = _reason(
        roster.verify_roster, text, signature, key, newer_than=0, now=NOW, expected_hub_id="hub0002"
    )
    assert reason == "other_hub"


def test_revoking_keeps_the_entry_and_its_key(parties: Parties) -> None:
    current = _enrolled_roster(parties)
    later = NOW + timedelta(days=1)
    after = roster.revoked(current, parties.anna.id, now=later)
    assert after.version == current.version + 1
    entry = after.device(parties.anna.id)
    assert entry is not None and entry.status == roster.REVOKED
    assert entry.revoked_at == "2026-12-02T09:00:00Z"
    assert not after.is_active(parties.anna.id)
    assert after.signer_key(parties.anna.id) == parties.anna.signer.public_key()
    text, signature = roster.sign_roster(after, parties.office.signer)
    assert (
        roster.verify_roster(
            text, signature, parties.office.signer.public_key(), newer_than=2, now=later
        )
        == after
    )
    assert roster.revoked(after, parties.anna.id, now=later) is after
    with pytest.raises(KeyError):
        roster.revoked(after, "c3c3c3c3", now=later)


def test_a_device_is_enrolled_once(parties: Parties) -> None:
    office, _text = _card(parties)
    request, _rtext = _request(parties, office)
    current = roster.enrolled(roster.new_roster(HUB_ID, now=NOW), request, now=NOW)
    assert _reason(roster.enrolled, current, request, now=NOW) == "already_enrolled"
    other_hub = roster.new_roster("hub0002", now=NOW)
    assert _reason(roster.enrolled, other_hub, request, now=NOW) == "other_hub"


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r["devices"][0].update(status="paused"),
        lambda r: r["devices"][0].update(revoked_at="2026-12-01T09:00:00Z"),
        lambda r: r["devices"][0].update(age_recipient="age1nope"),
        lambda r: r["devices"].append(dict(r["devices"][0])),
        lambda r: r.update(version=0),
        lambda r: r.pop("expires_at"),
    ],
)
def test_a_signed_roster_with_a_wrong_field_is_refused(parties: Parties, change: object) -> None:
    obj = json.loads(_enrolled_roster(parties).to_json())
    assert callable(change)
    change(obj)
    text = canonical.dumps(obj)
    signature = minisign.sign(
        text, parties.office.signer, f"klantapp roster {HUB_ID} version {obj['version']}"
    )
    key = parties.office.signer.public_key()
    assert (
        _reason(roster.verify_roster, text.decode(), signature, key, newer_than=-1, now=NOW)
        == "damaged"
    )


def test_refusals_follow_the_interface_language(parties: Parties) -> None:
    from klantapp import i18n

    _office, text = _card(parties)
    bad = _resealed(text, {"hub_id": "Hub 1"}, parties.office.signer)
    with pytest.raises(Refused) as dutch:
        card.read_card(bad)
    assert dutch.value.message == "Het kantoorkaartje is beschadigd: het veld hub_id klopt niet."
    before = i18n.current_language()
    i18n.set_language("en")
    try:
        with pytest.raises(Refused) as english:
            card.read_card(bad)
    finally:
        i18n.set_language(before)
    assert english.value.message == "The office card is damaged: the field hub_id is not right."
