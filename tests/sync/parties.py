"""Keys and a bundle maker for the sync format tests: an office (the hub) and two
laptops, each with an age identity and a minisign key, without any casebook."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from klantapp.crypto import agefile
from klantapp.sync import bundle, minisign

HUB_ID = "hub0001"


@dataclass
class Party:
    id: str
    age_secret: str
    age_public: str
    signer: minisign.SigningKey

    @staticmethod
    def new(party_id: str) -> Party:
        secret, public = agefile.new_identity()
        return Party(party_id, secret, public, minisign.generate())


@dataclass
class Parties:
    office: Party = field(default_factory=lambda: Party.new(HUB_ID))
    anna: Party = field(default_factory=lambda: Party.new("a1a1a1a1a1a1a1a1"))
    bram: Party = field(default_factory=lambda: Party.new("b2b2b2b2b2b2b2b2"))

    def signer_key(self, sender: str) -> minisign.PublicKey | None:
        for party in (self.office, self.anna, self.bram):
            if party.id == sender:
                return party.signer.public_key()
        return None

    def upload(self, ops: bytes = b'{"s":1}\n', **overrides: Any) -> tuple[bundle.Manifest, bytes]:
        """Anna's bundle to the office."""
        fields: dict[str, Any] = {
            "hub_id": HUB_ID,
            "gemeente": "Zwolle",
            "sender": self.anna.id,
            "schema_version": 3,
            "roster_version": 2,
            "ops_jsonl": ops,
            "signer": self.anna.signer,
            "recipients": [self.office.age_public],
            "ranges": {self.anna.id: (1, 1)},
            "acks": {HUB_ID: 4},
        }
        fields.update(overrides)
        return bundle.write_bundle(**fields)

    def read_at_office(self, data: bytes, **overrides: Any) -> tuple[bundle.Manifest, bytes]:
        kwargs: dict[str, Any] = {
            "identities": [self.office.age_secret],
            "signer_key": self.signer_key,
            "expected_hub_id": HUB_ID,
        }
        kwargs.update(overrides)
        return bundle.read_bundle(data, **kwargs)
