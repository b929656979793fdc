"""Row operations and change records: the one shape in which data changes.

A *change* is one device's transaction on replicated data: who, when, what it saved in
words, and its row operations, each keyed by (origin device, seq) and stamped with a
hybrid-logical-clock timestamp. Every change has a *digest* (SHA-256 over its canonical
form, the previous change's digest of the same device included), so two different
changes under one (device, seq) -- a cloned laptop -- are told apart, and a device's
changes form a hash chain.

A *journal record* (:class:`ChangeRecord`) is one local transaction: the changes it
applied (the device's own, or remote ones as merged on arrival, with their origin) and
the local-only state it wrote (acknowledgements, the bundle buffer, keys: never
replicated). Replaying the records reproduces the committed state exactly, because a
record holds what was applied, not what was asked for.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from klantapp.domain.records import HOUSEHOLD_CHILDREN, RECORD_KINDS

OpKind = Literal["insert", "update", "delete"]
LocalOpKind = Literal["put", "delete", "purge", "forget"]

#: Replicated tables of the AVG duties that are no records a person edits, each with
#: its columns: the inzage requests (art. 15 AVG: received, one-month deadline,
#: answered) and the audit entries (who read restricted data or exported what, on which
#: device: append-only). They belong to a household (or, an audit entry of an export of
#: everything, to none), so they travel like its records (klantapp/avg, docs/avg.md).
AVG_TABLES: dict[str, tuple[str, ...]] = {
    "inzage_requests": ("household_id", "person_id", "received_on", "deadline", "answered_on"),
    "audit_entries": ("household_id", "person_id", "at", "actor", "device", "action", "what"),
}

#: Replicated rows that are written once and never edited (only destroyed, with their
#: household, under the retention rules).
APPEND_ONLY_TABLES: frozenset[str] = frozenset({"audit_entries"})

#: Tables whose rows replicate (records, shared settings, conflicts, the AVG duties).
REPLICATED_TABLES: frozenset[str] = (
    frozenset(RECORD_KINDS) | {"settings", "conflicts"} | frozenset(AVG_TABLES)
)

#: Tables of local-only state: written through the journal, never sent anywhere.
LOCAL_TABLES: frozenset[str] = frozenset(
    {
        "device_settings",
        "sync_state",
        "sync_keys",
        "sync_outbox",
        "sync_inbox",
        "sync_peers",
        "sync_quarantine",
        "sync_notices",
        "undo_log",  # the values the last change of a record replaced (services.py)
        "avg_requests",  # the AVG duties of schema 8-10 (klantapp/avg, docs/avg.md): still
        "avg_access",  # read; since schema 11 requests and access entries replicate
        "avg_corrections",
        "avg_destructions",
        "avg_destroyed",
    }
)

#: Replicated tables only the central office writes (the gemeente's shared settings: its
#: letterhead, retention choices): a laptop joined to an office holds the office's copy
#: and cannot edit it; what it held before it joined makes way for the office's rows.
OFFICE_TABLES: frozenset[str] = frozenset({"settings"})

#: Replicated tables whose rows belong to one household (only its owner edits them).
HOUSEHOLD_TABLES: tuple[str, ...] = ("households", *HOUSEHOLD_CHILDREN, *AVG_TABLES, "conflicts")

#: Columns that are not record fields but replicate with the row: the device that owns
#: a household (set by the central office).
SYNC_COLUMNS: dict[str, frozenset[str]] = {"households": frozenset({"owner"})}

#: Every table a row operation may touch. Everything else is bookkeeping or index.
WRITABLE_TABLES: frozenset[str] = REPLICATED_TABLES

RECORD_FORMAT = 2

#: The data of a delete made by a destruction run (AVG): every device that applies it
#: removes the row's history too (see apply.forget_history).
DESTROYED = {"avg": "destroyed"}


def is_destruction(op: Op) -> bool:
    return op.op == "delete" and op.data == DESTROYED


#: The action of the audit entry a correction adds (klantapp/avg/correction.py). A
#: change that adds one corrects the fields its updates write: every device that
#: applies it forgets the values those updates replace (see apply.corrected_values).
CORRECTION = "correction"


def is_correction(change: Change) -> bool:
    """Does ``change`` correct data received in error (it adds the audit entry)?"""
    return any(
        op.table == "audit_entries"
        and op.op == "insert"
        and (op.data or {}).get("action") == CORRECTION
        for op in change.ops
    )


def canonical_json(value: Any) -> bytes:
    """The one byte form of a JSON value that digests and signatures are taken over."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


@dataclass(frozen=True)
class Op:
    """One row operation. ``data``: insert -> all values, update -> the changed values,
    delete -> None. ``base`` (update and delete): the clock of each changed field as the
    author's device had it when the edit was made ("" for a delete: the row's newest
    clock), so a receiver can tell an edit that knew the current value from one that
    raced it."""

    table: str
    row_id: str
    op: OpKind
    data: dict[str, Any] | None
    hlc: str
    device: str
    seq: int
    base: dict[str, str] | None = None
    # An insert sent to describe a row's current state carries fields whose value was
    # written later (and travels in its own operation): used only if the row is new.
    carried: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "t": self.table,
            "id": self.row_id,
            "op": self.op,
            "d": self.data,
            "h": self.hlc,
            "dev": self.device,
            "s": self.seq,
        }
        if self.base:
            doc["b"] = self.base
        if self.carried:
            doc["c"] = list(self.carried)
        return doc

    @staticmethod
    def from_json(obj: dict[str, Any]) -> Op:
        op = obj["op"]
        if op not in ("insert", "update", "delete"):
            raise ValueError(f"unknown operation {op!r}")
        data = obj.get("d")
        if data is not None and not isinstance(data, dict):
            raise ValueError("operation data is not an object")
        base = obj.get("b")
        if base is not None and not (
            isinstance(base, dict) and all(isinstance(v, str) for v in base.values())
        ):
            raise ValueError("operation base is not an object of clocks")
        return Op(
            table=str(obj["t"]),
            row_id=str(obj["id"]),
            op=op,
            data=data,
            hlc=str(obj["h"]),
            device=str(obj["dev"]),
            seq=int(obj["s"]),
            base=base,
            carried=tuple(str(c) for c in obj.get("c") or ()),
        )


@dataclass(frozen=True)
class Change:
    """One device's transaction on replicated data, as its origin made it (or, inside a
    journal record of a merge, trimmed to what was applied here)."""

    device: str
    at: str  # UTC, ISO 8601, on the origin device's clock
    actor: str
    ops: tuple[Op, ...]
    summary: str = ""
    prev: str = ""  # digest of the device's previous change ("" for its first)
    digest: str = ""  # filled by :meth:`sealed`; "" for changes from before format 2

    @property
    def first_seq(self) -> int:
        return self.ops[0].seq if self.ops else 0

    @property
    def last_seq(self) -> int:
        return self.ops[-1].seq if self.ops else 0

    def _signed_body(self) -> bytes:
        """What the digest is taken over: the change without it, canonical."""
        body = {
            "dev": self.device,
            "at": self.at,
            "actor": self.actor,
            "sum": self.summary,
            "prev": self.prev,
            "ops": [o.to_json() for o in self.ops],
        }
        return canonical_json(body)

    def compute_digest(self) -> str:
        return _digest_of(self._signed_body())

    def sealed(self) -> Change:
        """This change with its digest. It keeps its :meth:`canonical` form, made from
        the bytes the digest was taken over, so a change this device makes is
        serialised once for the digest, the journal and the outbox."""
        body = self._signed_body()
        digest = _digest_of(body)
        done = Change(self.device, self.at, self.actor, self.ops, self.summary, self.prev, digest)
        done._keep_canonical(body)
        return done

    def digest_holds(self) -> bool:
        """Is :attr:`digest` the digest of this change? (A change received from another
        device.) If so it keeps its :meth:`canonical` form, as :meth:`sealed` does: the
        journal then writes the bytes checked here instead of serialising it again."""
        body = self._signed_body()
        if _digest_of(body) != self.digest:
            return False
        self._keep_canonical(body)
        return True

    def _keep_canonical(self, body: bytes) -> None:
        """Remember :meth:`canonical` made from the signed body (with :attr:`digest`).
        The body's keys in order are actor, at, dev, ops, prev, sum; to_json() has the
        digest ("dg", sorted between "dev" and "ops") and no "sum" when it is empty (the
        last key). A quote inside a value is escaped, so the first ',"ops":[' is the
        key."""
        if not self.summary:
            body = body.removesuffix(b',"sum":""}') + b"}"
        at = body.index(b',"ops":[')
        form = body[:at] + b',"dg":"' + self.digest.encode("ascii") + b'"' + body[at:]
        object.__setattr__(self, "_canonical", form)  # not a field: replace() drops it

    def canonical(self) -> bytes:
        """``canonical_json(self.to_json())``: the change as the journal and a laptop's
        outbox keep it."""
        kept: bytes | None = self.__dict__.get("_canonical")
        return kept if kept is not None else canonical_json(self.to_json())

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "dev": self.device,
            "at": self.at,
            "actor": self.actor,
            "prev": self.prev,
            "dg": self.digest,
            "ops": [o.to_json() for o in self.ops],
        }
        if self.summary:
            doc["sum"] = self.summary
        return doc

    @staticmethod
    def from_json(obj: dict[str, Any]) -> Change:
        ops = obj.get("ops")
        if not isinstance(ops, list):
            raise ValueError("a change has no list of operations")
        return Change(
            device=str(obj["dev"]),
            at=str(obj["at"]),
            actor=str(obj["actor"]),
            ops=tuple(Op.from_json(o) for o in ops),
            summary=str(obj.get("sum") or ""),
            prev=str(obj.get("prev") or ""),
            digest=str(obj.get("dg") or ""),
        )


def _digest_of(signed_body: bytes) -> str:
    return hashlib.sha256(b"klantapp-change/v2\n" + signed_body).hexdigest()


@dataclass(frozen=True)
class LocalOp:
    """A write to a local-only table: ``put`` replaces the row with ``data``, ``delete``
    removes it. ``purge`` (table ``households``) removes a household and everything
    under it from this device only: no tombstone, nothing replicated (it was handed to
    another device, or the office does not know it); of a table in ``OFFICE_TABLES`` it
    removes one row of this device's, which the office's row replaces. ``forget`` (table ``changes``)
    removes history on this device for the AVG (see :func:`apply.forget_history`):
    ``data["rows"]`` (destroyed rows: their oplog lines but the delete, and the summary of
    every change that wrote them) and ``data["text"]`` (a corrected value: the summary of
    every change that mentions it)."""

    table: str
    row_id: str
    op: LocalOpKind
    data: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {"t": self.table, "id": self.row_id, "op": self.op, "d": self.data}

    @staticmethod
    def from_json(obj: dict[str, Any]) -> LocalOp:
        op = obj["op"]
        if op not in ("put", "delete", "purge", "forget"):
            raise ValueError(f"unknown local operation {op!r}")
        table = str(obj["t"])
        special = {
            "purge": frozenset({"households"}) | OFFICE_TABLES,
            "forget": frozenset({"changes"}),
        }.get(op)
        if (table not in special) if special else (table not in LOCAL_TABLES):
            raise ValueError(f"not a local table: {table!r}")
        return LocalOp(table, str(obj["id"]), op, obj.get("d"))


@dataclass(frozen=True)
class ChangeRecord:
    """One local transaction, as the journal keeps it."""

    actor: str
    at: str  # UTC, ISO 8601
    changes: tuple[Change, ...] = ()
    local: tuple[LocalOp, ...] = field(default=())
    summary: str = ""
    format: int = field(default=RECORD_FORMAT, compare=False)  # as read from the journal

    @property
    def ops(self) -> tuple[Op, ...]:
        return tuple(o for c in self.changes for o in c.ops)

    def encode(self) -> bytes:
        """JSON, each change in its :meth:`Change.canonical` form."""
        doc: dict[str, Any] = {"v": RECORD_FORMAT, "actor": self.actor, "at": self.at}
        doc["changes"] = []  # filled in below, after the two strings
        if self.local:
            doc["local"] = [lo.to_json() for lo in self.local]
        if self.summary:
            doc["sum"] = self.summary
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        # A quote inside the actor or time is escaped: the first '"changes":[]' is the key.
        changes = b'"changes":[' + b",".join(c.canonical() for c in self.changes) + b"]"
        return text.replace(b'"changes":[]', changes, 1)

    @staticmethod
    def decode(data: bytes) -> ChangeRecord:
        doc = json.loads(data.decode("utf-8"))
        version = doc.get("v")
        if version == 1:
            return _decode_format_1(doc)
        if version != RECORD_FORMAT:
            raise ValueError(f"unknown change record format {version!r}")
        return ChangeRecord(
            actor=str(doc["actor"]),
            at=str(doc["at"]),
            changes=tuple(Change.from_json(c) for c in doc["changes"]),
            local=tuple(LocalOp.from_json(lo) for lo in doc.get("local") or ()),
            summary=str(doc.get("sum") or ""),
        )


def _decode_format_1(doc: dict[str, Any]) -> ChangeRecord:
    """Format 1 (the first release): one device's operations, no digest, no base."""
    ops = tuple(Op.from_json(o) for o in doc["ops"])
    actor, at, summary = str(doc["actor"]), str(doc["at"]), str(doc.get("sum") or "")
    changes = (Change(ops[0].device, at, actor, ops, summary),) if ops else ()
    return ChangeRecord(actor, at, changes, (), summary, format=1)
