"""Secret keys of the exchange, kept inside the casebook's vault (``sync_keys``).

A laptop has its device keys: an age identity (bundles to it) and a minisign key (its
bundles and enrolment request). The hub has the office keys: the office age identity
(bundles to the office), the office minisign key (roster, hub bundles, office card) and
the office recovery identity (the recovery keyslot of every laptop casebook). They
exist only in memory while the casebook is open, and encrypted in its files.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from klantapp.casebook import Transaction
from klantapp.casebook.apply import local_value
from klantapp.crypto import agefile
from klantapp.errors import KlantappError
from klantapp.i18n import _
from klantapp.sync import minisign

AGE = "age"
SIGN = "sign"
RECOVERY = "recovery"


@dataclass(frozen=True)
class KeyPair:
    age_identity: str
    signing: minisign.SigningKey

    @property
    def age_recipient(self) -> str:
        return agefile.recipient_of(self.age_identity)


def make(tx: Transaction, *, with_recovery: bool = False) -> KeyPair:
    identity, _recipient = agefile.new_identity()
    signing = minisign.generate()
    tx.put_local("sync_keys", AGE, identity)
    tx.put_local("sync_keys", SIGN, signing.to_bytes().hex())
    if with_recovery:
        tx.put_local("sync_keys", RECOVERY, agefile.new_identity()[0])
    return KeyPair(identity, signing)


def load(conn: sqlite3.Connection) -> KeyPair:
    identity = local_value(conn, "sync_keys", AGE)
    signing = local_value(conn, "sync_keys", SIGN)
    if not identity or not signing:
        raise KlantappError(
            _("Dit dossier is niet aangemeld bij een centraal kantoor."),
            hint=_("Meld het eerst aan met het kantoorkaartje (klantapp sync join)."),
        )
    return KeyPair(str(identity), minisign.SigningKey.from_bytes(bytes.fromhex(str(signing))))


def recovery_identity(conn: sqlite3.Connection) -> str:
    identity = local_value(conn, "sync_keys", RECOVERY)
    if not identity:
        raise KlantappError(_("Dit centrale kantoor heeft geen herstelsleutel."))
    return str(identity)
