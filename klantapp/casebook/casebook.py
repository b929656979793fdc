"""The casebook: an in-memory SQLite database whose only copy on disk is the vault.

Every change goes through :meth:`Casebook.transaction`. Inside it, rows change in the
in-memory database and each change is captured as a row operation; on leaving the
block the operations are sealed into one encrypted journal record, appended and
fsynced by the vault, and only then is the SQLite transaction committed. If sealing
fails, the in-memory transaction is rolled back: what the user sees as saved is
exactly what is on disk.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from klantapp.casebook import migrations
from klantapp.casebook.apply import (
    ROW,
    Connection,
    apply_change,
    apply_deletes,
    apply_local,
    apply_op,
    device_number,
    field_clock,
    finish_own_change,
    forget_columns,
    local_value,
    newest_clocks,
    open_change,
    row_clocks,
)
from klantapp.casebook.bulk import apply_changes, apply_record
from klantapp.casebook.hlc import HybridClock, Timestamp
from klantapp.casebook.ops import (
    APPEND_ONLY_TABLES,
    DESTROYED,
    HOUSEHOLD_TABLES,
    OFFICE_TABLES,
    WRITABLE_TABLES,
    Change,
    ChangeRecord,
    LocalOp,
    Op,
    OpKind,
)
from klantapp.casebook.sqlitemem import SnapshotMemory
from klantapp.casebook.textfold import fold
from klantapp.domain.settings import read_setting, setting, validate_setting
from klantapp.errors import CasebookDamaged, InvalidInput, KlantappError, NotEnoughMemory
from klantapp.i18n import _
from klantapp.vault import (
    KdfParams,
    OpenMode,
    Vault,
    VaultContents,
    calibrate_kdf,
    generate_recovery_identity,
)
from klantapp.vault.snapshot import Allocate

Progress = Callable[[str, float], None]

#: The meta key that says every page freed in this database was zeroed (see compact).
_ZEROED = "free_pages_zeroed"

#: Compact when the journal is larger than this many bytes and also larger than a
#: quarter of the last snapshot (so big casebooks are not rewritten on every close).
COMPACT_MIN_JOURNAL_BYTES = 1 << 20


def _connect() -> sqlite3.Connection:
    conn = sqlite3.connect(
        ":memory:", isolation_level=None, check_same_thread=False, factory=Connection
    )
    conn.create_function("kfold", 1, fold, deterministic=True)
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = OFF")
    _erase_freed_pages(conn)
    return conn


def _erase_freed_pages(conn: sqlite3.Connection) -> None:
    """Deleted and overwritten content is zeroed, not left in free pages of the
    snapshot: destroyed or corrected data must be gone from the file (AVG)."""
    conn.execute("PRAGMA secure_delete = ON")


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name known to the OS
        return "onbekend"


def _mode(writable: bool) -> OpenMode:
    return OpenMode.WRITE if writable else OpenMode.READ


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class NotOwner(KlantappError):
    """An edit of a household that another device owns, or of the gemeente's shared
    settings on a laptop joined to an office (this laptop may only read them)."""


class Transaction:
    """Writes inside :meth:`Casebook.transaction`: row operations of this device
    (:meth:`insert`, :meth:`update`, :meth:`delete`), remote changes already merged by
    the sync engine (:meth:`apply_remote`), and local-only state (:meth:`put_local`,
    :meth:`delete_local`). All of it becomes one journal record."""

    def __init__(self, casebook: Casebook, actor: str) -> None:
        self._cb = casebook
        self.actor = actor
        self.summary = ""
        self.ops: list[Op] = []
        self.remote: list[Change] = []
        self.local: list[LocalOp] = []
        self._change_id: int | None = None

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._cb._require_conn()

    @property
    def device_id(self) -> str:
        """The device whose change this is."""
        return self._cb.device_id

    def _op(self, table: str, row_id: str, kind: OpKind, data: dict[str, Any]) -> Op:
        """An insert or an update (deletes: :meth:`delete_rows`)."""
        if table not in WRITABLE_TABLES:
            raise ValueError(f"not a writable table: {table!r}")
        conn = self._conn
        self._cb._require_office_owner(conn, [table])
        if table in HOUSEHOLD_TABLES and table not in APPEND_ONLY_TABLES:
            # (an audit entry records what this device did, also with a household it
            # only shows: it is no edit of the household)
            self._cb._require_owner(conn, table, row_id, data)
        base: dict[str, str] | None = None
        if kind == "update":
            clocks = row_clocks(conn, table, row_id)
            found = {f: field_clock(clocks, f) for f in data}
            base = {f: c.encode() for f, c in found.items() if c is not None}
        op, packed = self._next_op(table, row_id, kind, data, base)
        apply_op(conn, op, self.change_id, device_number(conn, op.device), packed)
        self.ops.append(op)
        return op

    def _next_op(
        self,
        table: str,
        row_id: str,
        kind: OpKind,
        data: dict[str, Any] | None,
        base: dict[str, str] | None,
    ) -> tuple[Op, int]:
        """The operation with this device's next clock and sequence number, and that
        clock packed (:meth:`Timestamp.pack`)."""
        ts = self._cb._clock.tick()
        device, seq = self._cb.device_id, self._cb._next_seq
        self._cb._next_seq += 1
        return Op(table, row_id, kind, data, ts.encode(), device, seq, base or None), ts.pack()

    def insert(self, table: str, values: dict[str, Any], *, row_id: str | None = None) -> str:
        values = dict(values)
        rid = row_id or str(values.pop("id", None) or uuid.uuid4())
        values.pop("id", None)
        if table == "households" and "owner" not in values and self._cb.is_laptop:
            values["owner"] = self._cb.device_id  # a joined laptop owns what it creates
        self._op(table, rid, "insert", values)
        return rid

    def update(self, table: str, row_id: str, changes: dict[str, Any]) -> None:
        changes = {k: v for k, v in changes.items() if k != "id"}
        if changes:
            self._op(table, row_id, "update", changes)

    def delete(self, table: str, row_id: str) -> None:
        self.delete_rows([(table, row_id)])

    def delete_rows(self, rows: Sequence[tuple[str, str]], *, destroyed: bool = False) -> None:
        """Delete every (table, id) in ``rows``, in that order: one operation each (so
        sync and the audit log see every row), applied set-based however many there are
        (:func:`~klantapp.casebook.apply.apply_deletes`). ``destroyed``: deletes for the
        AVG (retention), marked, so every device that applies them removes the rows'
        history as well (put :meth:`forget` after them)."""
        rows = [(str(t), str(r)) for t, r in rows]
        for table, _row_id in rows:
            if table not in WRITABLE_TABLES:
                raise ValueError(f"not a writable table: {table!r}")
        if not rows:
            return
        conn = self._conn
        self._cb._require_office_owner(conn, [t for t, _r in rows])
        self._cb._require_owner_of_rows(conn, [r for r in rows if r[0] in HOUSEHOLD_TABLES])
        newest = newest_clocks(conn, rows)
        ops = []
        for table, row_id in rows:
            clock = newest.get((table, row_id))
            base = {ROW: clock.encode()} if clock is not None else None
            data = dict(DESTROYED) if destroyed else None
            ops.append(self._next_op(table, row_id, "delete", data, base)[0])
        apply_deletes(conn, ops, self.change_id, device_number(conn, self._cb.device_id))
        self.ops.extend(ops)

    def apply_remote(self, change: Change) -> None:
        """A change from another device, as the merge decided to apply it (its operations
        trimmed to what wins here). The local clock moves past every timestamp in it."""
        if self.ops:
            raise RuntimeError("remote changes go before this device's own operations")
        for op in change.ops:
            self._cb._clock.observe(Timestamp.decode(op.hlc))
        self._cb._own = None  # a change of this device sent back may move its chain
        apply_change(self._conn, change)
        self.remote.append(change)

    def apply_remote_all(self, changes: list[Change]) -> None:
        """Several remote changes (as merged), written as one batch: the same result as
        :meth:`apply_remote` for each in turn (see :mod:`klantapp.casebook.bulk`)."""
        if self.ops:
            raise RuntimeError("remote changes go before this device's own operations")
        for change in changes:
            for op in change.ops:
                self._cb._clock.observe(Timestamp.decode(op.hlc))
        self._cb._own = None  # (see apply_remote)
        apply_changes(self._conn, changes)
        self.remote.extend(changes)

    def put_local(self, table: str, row_id: str, value: Any) -> None:
        self._write_local(LocalOp(table, row_id, "put", value))

    def delete_local(self, table: str, row_id: str) -> None:
        self._write_local(LocalOp(table, row_id, "delete"))

    def _write_local(self, lo: LocalOp) -> None:
        if lo.table == "sync_state":  # the role may change (joined, left)
            self._cb._own = None
        apply_local(self._conn, lo)
        self.local.append(lo)

    @property
    def change_id(self) -> int:
        """The local id of this transaction's own change (made now if need be)."""
        if self._change_id is None:
            self._change_id = open_change(
                self._conn, Change(self._cb.device_id, "", self.actor, ())
            )
        return self._change_id

    def purge_household(self, household_id: str) -> None:
        """Remove a household from this device only (it was handed over)."""
        self.purge("households", household_id)

    def purge(self, table: str, row_id: str) -> None:
        """Remove a household (``table`` households: it was handed over) or a row of
        data the office owns (``OFFICE_TABLES``: the office's copy replaces it) from this
        device only (see :func:`~klantapp.casebook.apply.apply_local`). The journal
        replays a record's changes before its local writes, so a row purged to make way
        for another must be purged in a transaction of its own, before."""
        lo = LocalOp(table, row_id, "purge")
        apply_local(self._conn, lo)
        self.local.append(lo)

    def forget(
        self, *, rows: Sequence[tuple[str, str]] | None = None, texts: Sequence[str] = ()
    ) -> None:
        """Remove this device's history of destroyed rows or of corrected values (see
        :func:`~klantapp.casebook.apply.forget_history`). Put it after the change's
        deletes: the journal replays operations first, local writes after."""
        data: dict[str, Any] = {}
        if rows:
            data["rows"] = [list(r) for r in rows]
        if texts:
            data["texts"] = list(texts)
        lo = LocalOp("changes", "", "forget", data)
        apply_local(self._conn, lo)
        self.local.append(lo)

    def _seal(self, at: str) -> ChangeRecord | None:
        """The journal record of everything written, bookkeeping finished; None if the
        block wrote nothing."""
        changes = list(self.remote)
        if self._change_id is not None and not self.ops:  # asked for, never used
            self._conn.execute("DELETE FROM changes WHERE id = ?", (self._change_id,))
        if self.ops:
            assert self._change_id is not None
            state = self._cb._own_state()
            own = Change(
                device=self._cb.device_id,
                at=at,
                actor=self.actor,
                ops=tuple(self.ops),
                summary=self.summary,
                prev=state.chain_head,
            ).sealed()
            if finish_own_change(
                self._conn,
                own,
                self._change_id,
                chain_seq=state.chain_seq,
                laptop=state.laptop,
            ):
                state.chain_head, state.chain_seq = own.digest, own.last_seq
            changes.append(own)
        if not changes and not self.local:
            return None
        return ChangeRecord(self.actor, at, tuple(changes), tuple(self.local), self.summary)


class Casebook:
    """An open, unlocked casebook. Create with :meth:`create` or :meth:`open`."""

    def __init__(
        self, vault: Vault, conn: sqlite3.Connection, *, actor: str, warnings: list[str]
    ) -> None:
        self._vault: Vault | None = vault
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()
        self.actor = actor or _default_actor()
        self.warnings = warnings
        #: False when opened for reading although saved changes are missing (see warnings)
        self.complete = True
        self.path = vault.path
        self.device_id = self._meta("device_id") or ""
        last = self._meta("hlc")
        self._clock = HybridClock(self.device_id, Timestamp.decode(last) if last else None)
        self._next_seq = int(self._meta(f"seq:{self.device_id}") or 0) + 1
        self._snapshot_bytes = 0
        self._settings: dict[str, tuple[str | None, Any]] = {}  # key -> (stored text, value)
        self._own: _OwnState | None = None  # see _own_state
        self.timings: dict[str, float] = {}

    # --- life cycle -----------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: str | Path,
        passphrase: str,
        *,
        recovery_recipient: str | None = None,
        kdf: KdfParams | None = None,
        actor: str = "",
    ) -> tuple[Casebook, str | None]:
        """Make a new casebook folder. Returns it and, if we generated the recovery key
        pair, the secret half the user must hand to the central office."""
        recovery_secret = None
        if recovery_recipient is None:
            recovery_recipient, recovery_secret = generate_recovery_identity()
        conn = _connect()
        migrations.migrate(conn)
        device_id = uuid.uuid4().hex[:16]
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [("device_id", device_id), ("created_at", _utc_now()), (_ZEROED, "1")],
        )
        snapshot = conn.serialize()
        vault = Vault.create(
            Path(path),
            passphrase,
            snapshot=snapshot,
            recovery_recipient=recovery_recipient,
            kdf=kdf or calibrate_kdf(),
        )
        cb = cls(vault, conn, actor=actor, warnings=[])
        cb._snapshot_bytes = len(snapshot)
        return cb, recovery_secret

    @classmethod
    def open(
        cls,
        path: str | Path,
        passphrase: str,
        *,
        writable: bool = True,
        progress: Progress | None = None,
        actor: str = "",
    ) -> Casebook:
        """Slow. ``writable=False`` changes nothing on disk (for verify, search, export):
        a torn journal tail is left as it is, pending migrations run in memory only."""
        cb, _contents = cls._load(
            lambda allocate: Vault.open(
                Path(path), passphrase, mode=_mode(writable), progress=progress, allocate=allocate
            ),
            actor=actor,
            progress=progress,
        )
        return cb

    @classmethod
    def open_with_recovery(
        cls,
        path: str | Path,
        identity: str,
        *,
        writable: bool = True,
        progress: Progress | None = None,
        actor: str = "",
    ) -> Casebook:
        """Open with the central office's recovery key (the key, or an age identity
        file's text) instead of the passphrase."""
        cb, _contents = cls._load(
            lambda allocate: Vault.open_with_recovery(
                Path(path), identity, mode=_mode(writable), progress=progress, allocate=allocate
            ),
            actor=actor,
            progress=progress,
        )
        return cb

    @classmethod
    def repair(cls, path: str | Path, passphrase: str, *, actor: str = "") -> RepairReport:
        """Slow. Continue from what can be read: the readable part of a damaged journal
        (or the newest readable generation) becomes a new generation; every original
        file is moved into a ``bewaard-...`` folder beside it, nothing is deleted."""
        cb, contents = cls._load(
            lambda allocate: Vault.open(
                Path(path), passphrase, mode=OpenMode.REPAIR, allocate=allocate
            ),
            actor=actor,
            progress=None,
        )
        vault, lost = cb._require_vault(), contents.lost
        try:
            if vault.mode is OpenMode.REPAIR:  # not yet compacted for a migration
                cb.compact()
            return RepairReport(lost=lost, set_aside=vault.set_aside_folder)
        finally:
            cb.close()

    @classmethod
    def _load(
        cls,
        open_vault: Callable[[Allocate], tuple[Vault, VaultContents]],
        *,
        actor: str,
        progress: Progress | None,
    ) -> tuple[Casebook, VaultContents]:
        """Open the vault into memory SQLite can take over (no second copy), and load."""
        memory = SnapshotMemory()
        try:
            vault, contents = open_vault(memory.allocate)
            cb = cls._from_contents(vault, contents, memory, actor=actor, progress=progress)
            return cb, contents
        finally:
            memory.release()

    @classmethod
    def _from_contents(
        cls,
        vault: Vault,
        contents: VaultContents,
        memory: SnapshotMemory,
        *,
        actor: str,
        progress: Progress | None,
    ) -> Casebook:
        t0 = time.perf_counter()
        try:
            snapshot_bytes = len(contents.snapshot)
            conn = memory.load(contents.snapshot, _connect)
            # the database holds the data now (and may have moved it): no view of the buffer
            # may outlive this line
            contents.snapshot = memoryview(b"")
            _erase_freed_pages(conn)
            records, contents.records = contents.records, []
            total = max(1, len(records))
            for i in range(len(records)):
                raw, records[i] = records[i], b""  # each record goes once it is applied
                try:
                    apply_record(conn, ChangeRecord.decode(raw))
                except (ValueError, KeyError, LookupError, sqlite3.Error) as exc:
                    raise CasebookDamaged(
                        _(
                            "Het dossierbestand is beschadigd: een opgeslagen wijziging past niet "
                            "op de gegevens."
                        ),
                        hint=_("Zet een reservekopie terug of vraag het centrale kantoor om hulp."),
                    ) from exc
                if progress and i % 256 == 0:
                    progress("Wijzigingen toepassen", i / total)
            del records
            applied = migrations.migrate(conn)
            forget_columns(conn)
        except MemoryError as exc:
            vault.close()
            raise NotEnoughMemory(
                _("Er is niet genoeg werkgeheugen om het dossier te openen."),
                hint=_("Sluit andere programma's en probeer het opnieuw."),
            ) from exc
        except BaseException:
            vault.close()
            raise
        cb = cls(vault, conn, actor=actor, warnings=list(contents.warnings))
        cb.complete = contents.complete
        cb._snapshot_bytes = snapshot_bytes
        cb.timings = {**contents.timings, "replay_seconds": time.perf_counter() - t0}
        if applied and vault.writable:
            cb.compact()  # the new schema must be on disk before anything else is written
        return cb

    def close(self) -> None:
        """Compact when worthwhile, then drop the key and all decrypted data."""
        with self._lock:
            if self._vault is None:
                return
            try:
                if self.writable and self._should_compact():
                    self.compact()
            finally:
                vault, conn = self._vault, self._conn
                self._vault = None
                self._conn = None
                self._own = None
                if conn is not None:
                    conn.close()
                if vault is not None:
                    vault.close()

    def __enter__(self) -> Casebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def is_open(self) -> bool:
        return self._vault is not None

    @property
    def writable(self) -> bool:
        """False when opened with ``writable=False``: every write is refused."""
        return self._require_vault().writable

    def _should_compact(self) -> bool:
        vault = self._require_vault()
        size = vault.journal_bytes
        return size > COMPACT_MIN_JOURNAL_BYTES and size * 4 > self._snapshot_bytes

    def compact(self, *, vacuum: bool = False) -> None:
        """Fold the journal into a fresh encrypted snapshot (crash-safe, in the vault).
        ``vacuum``: make sure no free page holds deleted content (AVG): rebuild the
        database first, unless every page freed in it was zeroed (``secure_delete`` on
        since it was created, or since its last vacuum: a casebook of an older program
        is rebuilt once)."""
        with self._lock:
            conn = self._require_conn()
            if vacuum and self._meta(_ZEROED) != "1":
                conn.execute("VACUUM")
                conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", (_ZEROED,))
            snapshot = conn.serialize()
            self._snapshot_bytes = len(snapshot)
            self._require_vault().compact(snapshot)

    def change_passphrase(
        self,
        new_passphrase: str,
        kdf: KdfParams | None = None,
        *,
        recovery_recipient: str | None = None,
    ) -> None:
        """Slow. A new passphrase and a new data key (see :meth:`Vault.rotate_keys`): an
        old header with the old passphrase opens nothing saved from now on."""
        self._rotate(new_passphrase, kdf, recovery_recipient)

    def change_recovery_key(
        self, recovery_recipient: str, passphrase: str, kdf: KdfParams | None = None
    ) -> None:
        """Slow. Wrap a new data key to another central-office key (``age1...``); the
        passphrase stays ``passphrase``. The old recovery key opens nothing saved from
        now on."""
        self._rotate(passphrase, kdf, recovery_recipient)

    def _rotate(self, passphrase: str, kdf: KdfParams | None, recipient: str | None) -> None:
        with self._lock:
            vault = self._require_vault()
            snapshot = self._require_conn().serialize()
            vault.rotate_keys(
                snapshot,
                passphrase=passphrase,
                kdf=kdf or calibrate_kdf(),
                recovery_recipient=recipient,
            )
            self._snapshot_bytes = len(snapshot)

    # --- reading and writing --------------------------------------------------------

    def _require_conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise KlantappError(_("Het dossier is vergrendeld."), hint=_("Ontgrendel het eerst."))
        return self._conn

    def _require_vault(self) -> Vault:
        if self._vault is None:
            raise KlantappError(_("Het dossier is vergrendeld."), hint=_("Ontgrendel het eerst."))
        return self._vault

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, for reads that must not interleave with a transaction."""
        with self._lock:
            yield self._require_conn()

    @contextlib.contextmanager
    def transaction(self, actor: str | None = None, *, summary: str = "") -> Iterator[Transaction]:
        """The one write path. Durable on disk before the block's effects are visible as
        committed; on any error nothing is kept, in memory or on disk. Everything written
        in the block is one change: one journal record, one audit entry; ``summary`` says
        in words what it saved (the audit log and timeline show it), and the block may
        set ``tx.summary`` itself once it knows."""
        with self._lock:
            conn = self._require_conn()
            vault = self._require_vault()
            tx = Transaction(self, actor if actor is not None else self.actor)
            tx.summary = summary
            saved_clock, saved_seq = self._clock.last, self._next_seq
            conn.execute("BEGIN")
            try:
                yield tx
                record = tx._seal(_utc_now())
                if record is not None:
                    vault.append(record.encode())
            except BaseException:
                conn.execute("ROLLBACK")
                self._clock = HybridClock(self.device_id, saved_clock)
                self._next_seq = saved_seq
                self._own = None
                raise
            conn.execute("COMMIT")

    @property
    def is_laptop(self) -> bool:
        """Joined to a central office: household ownership applies."""
        with self._lock:
            return self._own_state().laptop

    def _own_state(self) -> _OwnState:
        """What this device's next change needs to know (read once, then kept up to
        date by the transactions; forgotten on a rollback, a write of ``sync_state``
        and a remote change, and read again)."""
        if self._own is None:
            conn = self._require_conn()
            chain = dict(
                conn.execute(
                    "SELECT key, value FROM meta WHERE key IN (?, ?)",
                    (f"chain:{self.device_id}", f"chainseq:{self.device_id}"),
                ).fetchall()
            )
            seq = chain.get(f"chainseq:{self.device_id}")
            self._own = _OwnState(
                laptop=local_value(conn, "sync_state", "role") == "laptop",
                chain_head=chain.get(f"chain:{self.device_id}") or "",
                chain_seq=None if seq is None else int(seq),
            )
        return self._own

    def _require_office_owner(self, conn: sqlite3.Connection, tables: Sequence[str]) -> None:
        """Refuse an edit of the gemeente's shared settings on a laptop joined to an
        office: only the office writes them (``OFFICE_TABLES``)."""
        if not OFFICE_TABLES.intersection(tables):
            return
        if local_value(conn, "sync_state", "role") != "laptop":
            return
        raise NotOwner(
            _(
                "De instellingen van de gemeente (zoals het briefhoofd) worden beheerd door "
                "het centrale kantoor; op deze laptop kunt u ze bekijken maar niet wijzigen."
            ),
            hint=_("Vraag het centrale kantoor om ze te wijzigen."),
        )

    def _require_owner(
        self, conn: sqlite3.Connection, table: str, row_id: str, data: dict[str, Any] | None
    ) -> None:
        """Refuse an edit of a household this laptop does not own."""
        if not self._own_state().laptop:
            return
        if table == "households":
            household: str | None = row_id
        elif data and data.get("household_id"):
            household = str(data["household_id"])
        else:
            found = conn.execute(
                f"SELECT household_id FROM {table} WHERE id = ?", (row_id,)
            ).fetchone()
            household = None if found is None else found[0]
        if household is not None:
            self._refuse_foreign(conn, [household])

    def _require_owner_of_rows(
        self, conn: sqlite3.Connection, rows: Sequence[tuple[str, str]]
    ) -> None:
        """:meth:`_require_owner` for the deletes of many rows (of household tables)."""
        if not rows or not self._own_state().laptop:
            return
        households: set[str] = set()
        by_table: dict[str, list[str]] = {}
        for table, row_id in rows:
            by_table.setdefault(table, []).append(row_id)
        for table, ids in by_table.items():
            if table == "households":
                households.update(ids)
                continue
            households.update(
                r[0]
                for r in conn.execute(
                    f"SELECT DISTINCT household_id FROM {table} "
                    "WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps(ids),),
                )
                if r[0] is not None
            )
        self._refuse_foreign(conn, sorted(households))

    def _refuse_foreign(self, conn: sqlite3.Connection, households: Sequence[str]) -> None:
        """NotOwner if another device owns one of ``households``."""
        row = conn.execute(
            "SELECT owner, name FROM households WHERE id IN (SELECT value FROM json_each(?)) "
            "AND owner IS NOT NULL AND owner != ? LIMIT 1",
            (json.dumps(list(households)), self.device_id),
        ).fetchone()
        if row is None:
            return
        names = local_value(conn, "sync_state", "names") or {}
        raise NotOwner(
            _(
                "Huishouden {name} wordt beheerd door {owner}; u kunt het bekijken maar niet wijzigen."
            ).format(name=row[1], owner=names.get(row[0]) or _("een andere klantmanager")),
            hint=_("Het centrale kantoor kan het huishouden aan u toewijzen."),
        )

    def _meta(self, key: str) -> str | None:
        row = (
            self._require_conn().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        )
        return None if row is None else str(row[0])

    # --- settings ---------------------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        """The stored value of setting ``key`` (see :mod:`klantapp.domain.settings`) as far
        as it is valid, else ``default``. Never fails because of what is stored."""
        table = _settings_table(key)  # an unknown key is a programming error
        with self.reading() as conn:
            row = conn.execute(f"SELECT value FROM {table} WHERE id = ?", (key,)).fetchone()
            raw = None if row is None else row[0]
            cached = self._settings.get(key)
            if cached is None or cached[0] != raw:
                cached = self._settings[key] = (raw, read_setting(key, raw))
        return default if cached[1] is None else dict(cached[1])

    def set_setting(self, key: str, value: Any) -> None:
        """Validate and save. InvalidInput names the setting and field; on a laptop joined
        to a central office a shared setting is the office's and is refused (the one
        write path refuses every write of the office's data there)."""
        clean, problems = validate_setting(key, value)
        if problems:
            raise InvalidInput(problems)
        with self.transaction() as tx:
            tx_set_setting(self, tx, key, clean)


def _settings_table(key: str) -> str:
    """Where a setting lives: shared ones in ``settings`` (they travel with sync), this
    device's own in the local table ``device_settings`` (never sent anywhere)."""
    return "device_settings" if setting(key).scope == "device" else "settings"


def tx_set_setting(cb: Casebook, tx: Transaction, key: str, clean: dict[str, Any]) -> None:
    """Write an already validated setting inside a transaction."""
    if _settings_table(key) == "device_settings":
        tx.put_local("device_settings", key, clean)
        return
    exists = cb._require_conn().execute("SELECT 1 FROM settings WHERE id = ?", (key,)).fetchone()
    if exists:
        tx.update("settings", key, {"value": clean})
    else:
        tx.insert("settings", {"value": clean}, row_id=key)


@dataclass
class _OwnState:
    """Of this device, as meta and ``sync_state`` hold it: whether it is a laptop joined
    to a central office, and its chain head (``chain:<id>``, the digest of its newest
    change, "" before its first) with that change's last sequence number
    (``chainseq:<id>``)."""

    laptop: bool
    chain_head: str
    chain_seq: int | None


@dataclass(frozen=True)
class RepairReport:
    lost: int  # saved changes that could not be read and are not in the repaired casebook
    set_aside: Path | None  # the folder holding every original file
