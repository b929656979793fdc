"""Enrolment documents: the office card, the laptop's request, the signed roster, and the
fingerprints two people compare by phone."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from klantapp.errors import Refused
from klantapp.sync import agefile, canonical, card, minisign, roster

from .conftest import HUB_ID, World

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
FINGERPRINT = re.compile(r"\d{4}( \d{4}){5}")


def _card(world: World) -> tuple[card.OfficeCard, str]:
    return card.write_card(
        hub_id=HUB_ID,
        gemeente="Zwolle",
        age_recipient=world.office.age_public,
        office_key=world.office.signer,
        recovery_recipient=agefile.new_identity()[1],
    )


def _request(world: World, office: card.OfficeCard) -> tuple[card.EnrolmentRequest, str]:
    return card.write_request(
        card=office,
        device_id=world.anna.id,
        device_name="Fatima El Amrani",
        age_recipient=world.anna.age_public,
        device_key=world.anna.signer,
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


def test_an_office_card_round_trips(world: World) -> None:
    office, text = _card(world)
    assert card.read_card(text) == office
    assert office.signing_key() == world.office.signer.public_key()
    assert FINGERPRINT.fullmatch(office.fingerprint())
    assert card.read_card(text).fingerprint() == office.fingerprint()


def test_a_changed_card_is_refused(world: World) -> None:
    _office, text = _card(world)
    assert _reason(card.read_card, _resealed(text, {"gemeente": "Kampen"}, None)) == "bad_signature"


def test_a_card_with_swapped_keys_shows_another_fingerprint(world: World) -> None:
    """Someone makes their own card with the right hub id and gemeente: it reads, but the
    fingerprint the klantmanager reads out differs from the office's."""
    office, text = _card(world)
    forged = _resealed(
        text,
        {
            "minisign_public_key": world.bram.signer.public_key().base64(),
            "age_recipient": world.bram.age_public,
        },
        world.bram.signer,
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
    world: World, change: dict[str, object], field: str
) -> None:
    _office, text = _card(world)
    with pytest.raises(Refused) as err:
        card.read_card(_resealed(text, change, world.office.signer))
    assert err.value.reason == "damaged"
    assert field in err.value.message


def test_a_card_of_a_newer_format_is_unsupported(world: World) -> None:
    _office, text = _card(world)
    assert (
        _reason(card.read_card, _resealed(text, {"format": 2}, world.office.signer))
        == "unsupported"
    )


@pytest.mark.parametrize("junk", ["", "{}", "not json", '{"document":"{}\\n","signature":"x"}'])
def test_junk_is_not_a_card(junk: str) -> None:
    assert _reason(card.read_card, junk) == "damaged"


# --- the enrolment request --------------------------------------------------------------


def test_a_request_round_trips_with_its_fingerprint(world: World) -> None:
    office, _text = _card(world)
    request, text = _request(world, office)
    again = card.read_request(text, expected_hub_id=HUB_ID)
    assert again == request
    assert again.device_name == "Fatima El Amrani"
    assert FINGERPRINT.fullmatch(request.fingerprint())
    assert request.fingerprint() != office.fingerprint()


def test_a_request_signed_by_another_key_than_it_carries_is_refused(world: World) -> None:
    """Proof of possession: Bram cannot enrol Anna's keys."""
    office, _text = _card(world)
    text = _request(world, office)[1]
    forged = _resealed(text, {}, world.bram.signer)
    assert _reason(card.read_request, forged, expected_hub_id=HUB_ID) == "bad_signature"


def test_a_request_for_another_office_is_refused(world: World) -> None:
    office, _text = _card(world)
    text = _request(world, office)[1]
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


def _enrolled_roster(world: World) -> roster.Roster:
    office, _text = _card(world)
    request, _rtext = _request(world, office)
    return roster.enrolled(roster.new_roster(HUB_ID, now=NOW), request, now=NOW)


def test_a_roster_round_trips(world: World) -> None:
    current = _enrolled_roster(world)
    text, signature = roster.sign_roster(current, world.office.signer)
    got = roster.verify_roster(
        text,
        signature,
        world.office.signer.public_key(),
        newer_than=1,
        now=NOW,
        expected_hub_id=HUB_ID,
    )
    assert got == current
    assert got.version == 2 and got.is_active(world.anna.id)
    assert got.signer_key(world.anna.id) == world.anna.signer.public_key()
    assert got.signer_key(world.bram.id) is None
    assert '"name":"Fatima El Amrani"' in text and "caseload" not in text


def test_an_older_or_equal_roster_is_refused(world: World) -> None:
    text, signature = roster.sign_roster(_enrolled_roster(world), world.office.signer)
    key = world.office.signer.public_key()
    for have in (2, 3):
        assert (
            _reason(roster.verify_roster, text, signature, key, newer_than=have, now=NOW)
            == "stale_roster"
        )


def test_an_expired_roster_is_refused(world: World) -> None:
    text, signature = roster.sign_roster(_enrolled_roster(world), world.office.signer)
    later = NOW + roster.VALIDITY
    key = world.office.signer.public_key()
    assert (
        _reason(roster.verify_roster, text, signature, key, newer_than=0, now=later)
        == "expired_roster"
    )
    roster.verify_roster(text, signature, key, newer_than=0, now=later - timedelta(seconds=1))


def test_a_roster_not_signed_by_the_office_is_refused(world: World) -> None:
    current = _enrolled_roster(world)
    text, signature = roster.sign_roster(current, world.anna.signer)
    key = world.office.signer.public_key()
    assert (
        _reason(roster.verify_roster, text, signature, key, newer_than=0, now=NOW)
        == "bad_signature"
    )
    text, signature = roster.sign_roster(current, world.office.signer)
    changed = text.replace("Fatima", "Fatimo")
    assert (
        _reason(roster.verify_roster, changed, signature, key, newer_than=0, now=NOW)
        == "bad_signature"
    )


def test_a_signature_of_another_roster_version_is_refused(world: World) -> None:
    """The trusted comment names the version: a signature whose comment does not match
    the document is refused even though the key is the office's."""
    current = _enrolled_roster(world)
    text = current.to_json()
    signature = minisign.sign(text, world.office.signer, f"klantapp roster {HUB_ID} version 99")
    key = world.office.signer.public_key()
    assert (
        _reason(roster.verify_roster, text.decode(), signature, key, newer_than=0, now=NOW)
        == "bad_signature"
    )


def test_a_roster_of_another_office_is_refused(world: World) -> None:
    text, signature = roster.sign_roster(_enrolled_roster(world), world.office.signer)
    key = world.office.signer.public_key()
    reason = _reason(
        roster.verify_roster, text, signature, key, newer_than=0, now=NOW, expected_hub_id="hub0002"
    )
    assert reason == "other_hub"


def test_revoking_keeps_the_entry_and_its_key(world: World) -> None:
    current = _enrolled_roster(world)
    later = NOW + timedelta(days=1)
    after = roster.revoked(current, world.anna.id, now=later)
    assert after.version == current.version + 1
    entry = after.device(world.anna.id)
    assert entry is not None and entry.status == roster.REVOKED
    assert entry.revoked_at == "2026-12-02T09:00:00Z"
    assert not after.is_active(world.anna.id)
    assert after.signer_key(world.anna.id) == world.anna.signer.public_key()
    text, signature = roster.sign_roster(after, world.office.signer)
    assert (
        roster.verify_roster(
            text, signature, world.office.signer.public_key(), newer_than=2, now=later
        )
        == after
    )
    assert roster.revoked(after, world.anna.id, now=later) is after
    with pytest.raises(KeyError):
        roster.revoked(after, "c3c3c3c3", now=later)


def test_a_device_is_enrolled_once(world: World) -> None:
    office, _text = _card(world)
    request, _rtext = _request(world, office)
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
def test_a_signed_roster_with_a_wrong_field_is_refused(world: World, change: object) -> None:
    obj = json.loads(_enrolled_roster(world).to_json())
    assert callable(change)
    change(obj)
    text = canonical.dumps(obj)
    signature = minisign.sign(
        text, world.office.signer, f"klantapp roster {HUB_ID} version {obj['version']}"
    )
    key = world.office.signer.public_key()
    assert (
        _reason(roster.verify_roster, text.decode(), signature, key, newer_than=-1, now=NOW)
        == "damaged"
    )


def test_refusals_follow_the_interface_language(world: World) -> None:
    from klantapp import i18n

    _office, text = _card(world)
    bad = _resealed(text, {"hub_id": "Hub 1"}, world.office.signer)
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
