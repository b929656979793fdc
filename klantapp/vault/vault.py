"""The vault: a casebook folder holding generations of one encrypted snapshot plus a
journal of records.

Opening finds the newest generation that can be read: header -> unlock the data key
-> decrypt the snapshot -> replay the journal. Writing is append-only;
:meth:`Vault.compact` and :meth:`Vault.rotate_keys` write a new generation (epoch)
whose header, written last, is the single commit point: a crash anywhere leaves
either the old or the new generation complete.

What may change on disk, and when:

- an open for reading (:attr:`OpenMode.READ`) changes nothing at all;
- an open for writing only cuts off a torn journal tail, after keeping the cut bytes
  (still encrypted) in a side file;
- a new generation replaces the one this session opened, which is deleted only once
  the new one is committed and read back; under :attr:`OpenMode.REPAIR` it is moved
  into a ``bewaard-...`` folder instead, together with every other generation's files.

Nothing else is ever deleted: files of other generations (an interrupted save, a
backup or a sync client putting back older versions) are left alone and reported.
"""

from __future__ import annotations

import contextlib
import enum
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType

from klantapp.errors import CasebookDamaged, KlantappError, WrongPassphrase, os_reason
from klantapp.i18n import _
from klantapp.vault import failures, fsio, header, journal, keys, layout, recovery
from klantapp.vault import snapshot as snapshots
from klantapp.vault.header import FILE_SALT_BYTES, Header, ParsedHeader
from klantapp.vault.kdf import SALT_BYTES, KdfParams, derive_kek
from klantapp.vault.lock import CasebookLock

ProgressCallback = Callable[[str, float], None]

STAGE_KDF = "Sleutel afleiden"
STAGE_DECRYPT = "Gegevens ontsleutelen"
STAGE_JOURNAL = "Wijzigingen nalezen"
STAGE_ENCRYPT = "Gegevens versleutelen"
STAGE_SAVE = "Gegevens opslaan"


class OpenMode(enum.Enum):
    READ = "read"  # changes nothing on disk; appending and compacting are refused
    WRITE = "write"  # the normal open
    REPAIR = "repair"  # accepts lost changes; the next compaction sets the originals aside


@dataclass
class VaultContents:
    snapshot: memoryview  # the caller takes it over: decrypted into one buffer (see allocate)
    records: list[bytes]
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    lost: int = 0  # saved changes that could not be read (REPAIR, or READ with a warning)
    complete: bool = True  # False: saved changes are missing (lost, or an older version)


@dataclass(frozen=True)
class _Generation:
    """The files of the generation this session has open."""

    header_file: Path
    snapshot_file: Path
    journal_file: Path

    @classmethod
    def of(cls, folder: Path, epoch: int, header_file: Path | None = None) -> _Generation:
        head, snap, jrnl = layout.generation_paths(folder, epoch)
        return cls(header_file or head, snap, jrnl)

    @property
    def files(self) -> tuple[Path, Path, Path]:
        # The header first: a generation without its header is never opened again.
        return self.header_file, self.snapshot_file, self.journal_file


#: Unlocks the data key of a header; ``others`` says whether other generations lie
#: in the folder (for the wording of a wrong-passphrase error).
Unlock = Callable[[Header, bool], bytearray]


def _stage(progress: ProgressCallback | None, stage: str) -> Callable[[float], None] | None:
    if progress is None:
        return None
    return lambda fraction: progress(stage, fraction)


def _write_failed(exc: OSError) -> KlantappError:
    return KlantappError(
        _("Het dossier kon niet worden opgeslagen: {reason}.").format(reason=os_reason(exc)),
        hint=_(
            "Controleer of er schijfruimte vrij is en of de map nog bereikbaar is, en "
            "probeer het opnieuw. Wat eerder is opgeslagen, blijft bewaard."
        ),
    )


class Vault:
    """An open casebook. Create with :meth:`create`, :meth:`open` or
    :meth:`open_with_recovery`; always :meth:`close` (or use ``with``)."""

    def __init__(
        self,
        *,
        folder: Path,
        head: Header,
        generation: _Generation,
        dek: bytearray,
        lock: CasebookLock,
        journal_fd: int | None,
        sealer: journal.Sealer,
        journal_bytes: int,
        journal_records: int,
        mode: OpenMode = OpenMode.WRITE,
        highest_epoch: int = 0,
        recovery_public: str | None = None,
    ) -> None:
        self._folder = folder
        self._header = head
        self._generation = generation
        self._dek: bytearray | None = dek
        self._lock = lock
        self._fd: int | None = journal_fd
        self._sealer: journal.Sealer | None = sealer
        self._journal_bytes = journal_bytes
        self._journal_records = journal_records
        self._mode = mode
        self._highest_epoch = max(highest_epoch, head.epoch)
        self._recovery_public = recovery_public  # of the recovery key that opened it
        self.set_aside_folder: Path | None = None  # where a repair put the original files
        self._broken = False
        self._mutex = threading.RLock()

    # -- what callers may read -------------------------------------------------------

    @property
    def casebook_id(self) -> str:
        return str(uuid.UUID(bytes=self._header.casebook_id))

    @property
    def epoch(self) -> int:
        return self._header.epoch

    @property
    def journal_bytes(self) -> int:
        """Size of the current journal file; the casebook compacts when it grows large."""
        return self._journal_bytes

    @property
    def journal_records(self) -> int:
        return self._journal_records

    @property
    def path(self) -> Path:
        return self._folder

    @property
    def closed(self) -> bool:
        return self._dek is None

    @property
    def mode(self) -> OpenMode:
        return self._mode

    @property
    def writable(self) -> bool:
        return self._mode is not OpenMode.READ

    # -- create / open ---------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        *,
        snapshot: bytes,
        recovery_recipient: str,
        kdf: KdfParams,
    ) -> Vault:
        """Slow (derives the key). Refuses with CasebookExists if ``path`` holds anything."""
        folder = Path(path)
        kdf.require_within_bounds()
        recovery.check_recovery_recipient(recovery_recipient)
        _make_casebook_folder(folder)
        lock = CasebookLock(folder)
        lock.acquire()
        dek = keys.new_dek()
        fd: int | None = None
        try:
            # Checked again under the lock: another instance may have been quicker.
            debris = layout.interrupted_create(folder, journal.FILE_HEADER_BYTES)
            if debris is None:
                raise failures.exists(folder)
            for leftover in debris:
                fsio.unlink(leftover)
            casebook_id = uuid.uuid4().bytes
            kdf_salt = os.urandom(SALT_BYTES)
            kek = derive_kek(passphrase, kdf_salt, kdf)
            head = Header(
                casebook_id=casebook_id,
                epoch=0,
                kdf=kdf,
                kdf_salt=kdf_salt,
                passphrase_slot=keys.wrap_with_kek(dek, kek, casebook_id),
                recovery_slot=recovery.wrap_for_recovery(dek, recovery_recipient, casebook_id),
                recovery_recipient=recovery_recipient,
                snapshot_salt=os.urandom(FILE_SALT_BYTES),
                journal_salt=os.urandom(FILE_SALT_BYTES),
            )
            generation = _Generation.of(folder, 0)
            blob = _encrypt_snapshot(snapshot, dek, head, None)
            journal_head = journal.file_header(casebook_id, 0, head.journal_salt)
            fsio.replace_file_atomically(generation.snapshot_file, blob)
            fsio.replace_file_atomically(generation.journal_file, journal_head)
            # The header is written last: without it the folder is not a casebook yet.
            header_bytes = header.encode(head, keys.header_mac_key(dek, casebook_id))
            fsio.replace_file_atomically(generation.header_file, header_bytes)
            fsio.fsync_dir(folder.parent)
            fd = fsio.open_append(generation.journal_file)
            sealer = _sealer(dek, head, seq=0, prev_hash=journal.chain_start(journal_head))
        except OSError as exc:
            _give_up(lock, dek, fd)
            raise _write_failed(exc) from exc
        except BaseException:
            _give_up(lock, dek, fd)  # a real crash releases the lock too
            raise
        return cls(
            folder=folder,
            head=head,
            generation=generation,
            dek=dek,
            lock=lock,
            journal_fd=fd,
            sealer=sealer,
            journal_bytes=len(journal_head),
            journal_records=0,
        )

    @classmethod
    def open(
        cls,
        path: Path,
        passphrase: str,
        *,
        mode: OpenMode = OpenMode.WRITE,
        progress: ProgressCallback | None = None,
        allocate: snapshots.Allocate = snapshots.in_bytearray,
    ) -> tuple[Vault, VaultContents]:
        """Slow. WrongPassphrase, CasebookDamaged/Tampered, NotEnoughMemory, CasebookInUse.
        The snapshot is decrypted into a buffer from ``allocate`` (a bytearray unless the
        caller brings its own, such as memory its database can take over)."""
        keks: dict[tuple[bytes, KdfParams], bytes] = {}

        def unlock(head: Header, others: bool) -> bytearray:
            report = _stage(progress, STAGE_KDF)
            if report:
                report(0.0)
            kek = keks.get((head.kdf_salt, head.kdf))
            if kek is None:
                kek = keks[head.kdf_salt, head.kdf] = derive_kek(
                    passphrase, head.kdf_salt, head.kdf
                )
            if report:
                report(1.0)
            try:
                return keys.unwrap_with_kek(head.passphrase_slot, kek, head.casebook_id)
            except WrongPassphrase:
                raise failures.wrong_passphrase(
                    unusual_kdf=not head.kdf.as_calibrated(), older_versions=others
                ) from None

        return cls._open(Path(path), unlock, progress, mode, allocate)

    @classmethod
    def open_with_recovery(
        cls,
        path: Path,
        identity: str,
        *,
        mode: OpenMode = OpenMode.WRITE,
        progress: ProgressCallback | None = None,
        allocate: snapshots.Allocate = snapshots.in_bytearray,
    ) -> tuple[Vault, VaultContents]:
        """Open with the central office's secret recovery key instead of the passphrase.
        ``identity`` is the key itself or the text of an age identity file."""
        folder = Path(path)

        def unlock(head: Header, others: bool) -> bytearray:
            return recovery.unwrap_for_recovery(
                head.recovery_slot, identity, head.casebook_id, folder
            )

        return cls._open(folder, unlock, progress, mode, allocate, recovery.public_key_of(identity))

    @classmethod
    def _open(
        cls,
        folder: Path,
        unlock: Unlock,
        progress: ProgressCallback | None,
        mode: OpenMode,
        allocate: snapshots.Allocate,
        recovery_public: str | None = None,
    ) -> tuple[Vault, VaultContents]:
        started = time.perf_counter()
        timings: dict[str, float] = {}
        if not folder.is_dir():
            raise failures.not_found(folder)
        found = layout.scan(folder)
        if not found.headers and found.legacy_header is None:
            debris = layout.interrupted_create(folder, journal.FILE_HEADER_BYTES)
            if debris:
                raise failures.not_found(folder, _("het aanmaken ervan is niet afgemaakt"))
            if debris is None and any(layout.is_ours(p.name) for p in folder.iterdir()):
                raise failures.damaged(folder, _("het kopbestand ontbreekt"))
            raise failures.not_found(folder)
        lock = CasebookLock(folder)
        lock.acquire(read_only=mode is OpenMode.READ)
        dek: bytearray | None = None
        fd: int | None = None
        plain: memoryview | None = None
        try:
            chosen = _choose_generation(folder, found, unlock, progress, timings, allocate)
            head, dek, plain, generation = chosen.head, chosen.dek, chosen.plain, chosen.generation
            warnings: list[str] = []
            if chosen.newer_error is not None:
                if mode is OpenMode.WRITE:
                    raise failures.newest_unreadable(
                        folder, chosen.newest_epoch, head.epoch, chosen.newer_error
                    )
                if mode is OpenMode.READ:
                    warnings.append(
                        failures.newest_unreadable_warning(chosen.newest_epoch, head.epoch)
                    )

            mark = time.perf_counter()
            journal_file = generation.journal_file
            try:
                data = _read(journal_file, folder)
            except CasebookDamaged:
                if mode is not OpenMode.REPAIR:
                    raise
                data = b""
            replayed = journal.replay(
                data,
                key=keys.journal_key(dek, head.casebook_id, head.epoch, head.journal_salt),
                casebook_id=head.casebook_id,
                epoch=head.epoch,
                expected_salt=head.journal_salt,
                path=journal_file,
                salvage=mode is OpenMode.REPAIR,
                progress=_stage(progress, STAGE_JOURNAL),
            )
            timings["journal"] = time.perf_counter() - mark
            lost = 0
            tail = replayed.tail
            if tail is journal.Tail.TORN:
                warnings.append(_(journal.TORN_WARNING))
            elif tail is journal.Tail.GARBAGE:
                warnings.append(_(journal.GARBAGE_WARNING))
            elif tail in (journal.Tail.LOST, journal.Tail.DAMAGED):
                lost = replayed.lost
                if mode is OpenMode.WRITE:
                    raise failures.changes_lost(folder, lost)
                if mode is OpenMode.READ:
                    warnings.append(failures.changes_lost_warning(lost))
            others = _others(found, generation)
            if others and mode is not OpenMode.REPAIR:
                warnings.append(failures.other_files_kept([p.name for p in others]))

            # Everything is authenticated; only a writing open may change a file now.
            if mode is OpenMode.WRITE:
                if replayed.torn:
                    _keep_torn_tail(journal_file, data, replayed.valid_length)
                fd = fsio.open_append(journal_file)
                if replayed.torn:
                    fsio.truncate(fd, replayed.valid_length, journal_file)
                    fsio.fsync(fd, journal_file)
            del data  # the records are their own copies; the file's bytes can go before the load
            sealer = _sealer(dek, head, seq=len(replayed.records), prev_hash=replayed.prev_hash)
        except OSError as exc:
            _give_up(lock, dek, fd, plain)
            raise _write_failed(exc) from exc
        except BaseException:
            _give_up(lock, dek, fd, plain)
            raise
        timings["total"] = time.perf_counter() - started
        vault = cls(
            folder=folder,
            head=head,
            generation=generation,
            dek=dek,
            lock=lock,
            journal_fd=fd,
            sealer=sealer,
            journal_bytes=replayed.valid_length,
            journal_records=len(replayed.records),
            mode=mode,
            highest_epoch=found.highest_epoch,
            recovery_public=recovery_public,
        )
        complete = lost == 0 and chosen.newer_error is None
        return vault, VaultContents(plain, replayed.records, warnings, timings, lost, complete)

    # -- writing ---------------------------------------------------------------------

    def append(self, record: bytes) -> None:
        """Add one record to the journal. Durable (written and fsynced) when it returns."""
        with self._mutex:
            dek, fd, sealer = self._writable()
            del dek
            if fd is None:  # REPAIR: nothing is appended to a damaged journal
                raise failures.read_only(self._folder)
            path = self._generation.journal_file
            frame = sealer.seal(record)
            try:
                fsio.write_all(fd, frame, path)
                # fsync, not fdatasync (as SQLite's WAL): that saves only when the file
                # keeps its size, and every append grows it, so the size must reach the
                # disk either way (measured on ext4: the same time and CPU).
                fsio.fsync(fd, path)
            except OSError as exc:
                self._undo_partial_append(fd, path)
                raise _write_failed(exc) from exc
            sealer.advance(frame)
            self._journal_bytes += len(frame)
            self._journal_records += 1

    def _undo_partial_append(self, fd: int, path: Path) -> None:
        """A failed write may have left part of a frame: cut it off, or stop writing."""
        try:
            fsio.truncate(fd, self._journal_bytes, path)
            fsio.fsync(fd, path)
        except OSError:
            self._broken = True

    def compact(self, snapshot: bytes, *, progress: ProgressCallback | None = None) -> None:
        """Replace snapshot + journal by ``snapshot`` and an empty journal (new epoch)."""
        with self._mutex:
            self._write_generation(snapshot, progress, None)

    def rotate_keys(
        self,
        snapshot: bytes,
        *,
        passphrase: str,
        kdf: KdfParams,
        recovery_recipient: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        """Slow. A new data key for a new generation holding ``snapshot``: the passphrase
        slot under ``passphrase`` (new, or the same when only the recovery key changes),
        the recovery slot to ``recovery_recipient`` (default: the key the casebook has).

        Once this returns, the old header with the old passphrase or recovery key opens
        nothing written afterwards: every file of the new generation is under the new
        key, and the old generation is gone."""
        with self._mutex:
            recipient = (
                recovery_recipient or self._header.recovery_recipient or self._recovery_public
            )
            if recipient is None:
                raise failures.needs_recovery_recipient()
            recovery.check_recovery_recipient(recipient)
            kdf.require_within_bounds()
            self._write_generation(snapshot, progress, _NewKeys(passphrase, kdf, recipient))

    def _write_generation(
        self, snapshot: bytes, progress: ProgressCallback | None, new_keys: _NewKeys | None
    ) -> None:
        """Order: new snapshot (temp, fsync, rename) -> read back and verify -> new empty
        journal -> new header (temp, fsync, read back) renamed into place: the commit ->
        the old generation deleted (or set aside when repairing)."""
        dek, _fd, _sealer_old = self._writable(repairing=True)
        folder = self._folder
        old, old_generation = self._header, self._generation
        epoch = max(layout.scan(folder).highest_epoch, self._highest_epoch) + 1
        new_dek = dek
        changes: dict[str, object] = {}
        kek: bytes | None = None
        if new_keys is not None:
            new_dek = keys.new_dek()
            kek, changes = new_keys.header_changes(new_dek, old.casebook_id)
        new = old.with_changes(
            epoch=epoch,
            snapshot_salt=os.urandom(FILE_SALT_BYTES),
            journal_salt=os.urandom(FILE_SALT_BYTES),
            **changes,
        )
        generation = _Generation.of(folder, epoch)
        blob = _encrypt_snapshot(snapshot, new_dek, new, _stage(progress, STAGE_ENCRYPT))
        journal_head = journal.file_header(new.casebook_id, new.epoch, new.journal_salt)
        header_bytes = header.encode(new, keys.header_mac_key(new_dek, new.casebook_id))
        report = _stage(progress, STAGE_SAVE)
        new_fd: int | None = None
        try:
            fsio.replace_file_atomically(generation.snapshot_file, blob)
            if report:
                report(0.4)
            _verify_written_snapshot(generation.snapshot_file, snapshot, new, new_dek)
            fsio.replace_file_atomically(generation.journal_file, journal_head)
            new_fd = fsio.open_append(generation.journal_file)
            if report:
                report(0.7)
            temp = fsio.temp_path_for(generation.header_file)
            fsio.unlink(temp)
            fsio.write_new_file(temp, header_bytes)
            _verify_written_header(temp, header_bytes, new_dek, kek)
            fsio.replace(temp, generation.header_file)  # the commit point
        except BaseException as exc:
            if new_fd is not None:
                fsio.close(new_fd)
            if new_dek is not dek:
                keys.wipe(new_dek)
            if not isinstance(exc, Exception):
                raise  # a crash: what it leaves is the next open's business
            for written in (generation.snapshot_file, generation.journal_file, temp_of(generation)):
                with contextlib.suppress(OSError):
                    fsio.unlink(written)  # this session wrote them; nothing refers to them
            if isinstance(exc, OSError):
                raise _write_failed(exc) from exc
            raise
        # Committed: from here on the new generation is the casebook.
        self._switch_to(new, generation, new_dek, new_fd, journal_head)
        if new_dek is not dek:
            keys.wipe(dek)
        self._highest_epoch = epoch
        try:
            fsio.fsync_dir(folder)  # the commit is durable only after this
        except OSError as exc:
            raise _write_failed(exc) from exc
        if self._mode is OpenMode.REPAIR:
            self._mode = OpenMode.WRITE
            self._set_aside(old_generation, generation)
        else:
            self._retire(old_generation)
        if report:
            report(1.0)

    def _retire(self, generation: _Generation) -> None:
        """Delete the generation this session replaced (header first)."""
        try:
            for path in generation.files:
                fsio.unlink(path)
            fsio.fsync_dir(self._folder)
        except OSError:
            pass  # harmless: it stays as an older generation, reported on the next open

    def _set_aside(self, replaced: _Generation, current: _Generation) -> None:
        """Repair: move every file but the current generation into ``bewaard-<time>/``."""
        folder = self._folder
        found = layout.scan(folder)
        keep = set(current.files)
        moving = sorted(
            {
                *(p for p in replaced.files if p.exists()),
                *found.others(self.epoch),
                *found.temps,
                *found.torn_tails,
                *([found.legacy_header] if found.legacy_header else []),
            }
            - keep
        )
        if not moving:
            return
        target = _new_set_aside_folder(folder)
        try:
            fsio.make_dir(target)
            for path in moving:
                fsio.move(path, target / path.name)
            fsio.fsync_dir(target)
            fsio.fsync_dir(folder)
        except OSError as exc:
            raise _write_failed(exc) from exc
        self.set_aside_folder = target

    def _switch_to(
        self,
        new: Header,
        generation: _Generation,
        dek: bytearray,
        new_fd: int,
        journal_head: bytes,
    ) -> None:
        if self._fd is not None:
            fsio.close(self._fd)
        self._header = new
        self._generation = generation
        self._dek = dek
        self._fd = new_fd
        self._sealer = _sealer(dek, new, seq=0, prev_hash=journal.chain_start(journal_head))
        self._journal_bytes = len(journal_head)
        self._journal_records = 0

    # -- closing ---------------------------------------------------------------------

    def close(self) -> None:
        """Release the lock and drop the keys. Writes nothing; safe to call twice."""
        with self._mutex:
            if self._fd is not None:
                fsio.close(self._fd)
                self._fd = None
            self._sealer = None
            keys.wipe(self._dek)
            self._dek = None
            self._lock.release()

    def __enter__(self) -> Vault:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _writable(self, *, repairing: bool = False) -> tuple[bytearray, int | None, journal.Sealer]:
        if self._dek is None or self._sealer is None:
            raise RuntimeError("Het dossier is al gesloten.")
        if self._mode is OpenMode.READ or (self._mode is OpenMode.REPAIR and not repairing):
            raise failures.read_only(self._folder)
        if self._broken:
            raise failures.damaged(
                self._folder,
                _(
                    "een eerdere schrijffout kon niet worden hersteld; sluit het dossier en "
                    "open het opnieuw"
                ),
            )
        return self._dek, self._fd, self._sealer


# -- choosing the generation to open -------------------------------------------------


@dataclass
class _Chosen:
    head: Header
    dek: bytearray
    plain: memoryview
    generation: _Generation
    newest_epoch: int
    newer_error: CasebookDamaged | None  # why a newer generation could not be read


def _candidates(folder: Path, found: layout.FolderScan) -> list[tuple[int, Path, bytes]]:
    """(epoch, header file, its bytes) of every header, newest first. A legacy
    ``casebook.header`` counts for the epoch it names (read from it, unchecked yet)."""
    out: list[tuple[int, Path, bytes]] = []
    for epoch, path in found.headers.items():
        out.append((epoch, path, b""))
    if found.legacy_header is not None:
        data = _read(found.legacy_header, folder)
        epoch = _legacy_epoch(data, found.legacy_header)
        if epoch not in found.headers:
            out.append((epoch, found.legacy_header, data))
    return sorted(out, key=lambda c: c[0], reverse=True)


def _legacy_epoch(data: bytes, path: Path) -> int:
    try:
        return header.parse(data, path).header.epoch
    except CasebookDamaged:
        return -1  # read (and reported) as the last candidate


def _choose_generation(
    folder: Path,
    found: layout.FolderScan,
    unlock: Unlock,
    progress: ProgressCallback | None,
    timings: dict[str, float],
    allocate: snapshots.Allocate,
) -> _Chosen:
    """The newest generation whose header, key and snapshot can be read. A wrong key
    is never a reason to try an older one (that would open an old state with an old
    passphrase); damage is: the caller decides what may happen then."""
    candidates = _candidates(folder, found)
    newer_error: CasebookDamaged | None = None
    for epoch, header_file, data in candidates:
        dek: bytearray | None = None
        try:
            parsed = _parse_header(data or _read(header_file, folder), header_file, epoch)
            mark = time.perf_counter()
            dek = unlock(parsed.header, len(candidates) > 1 or bool(found.others(epoch)))
            timings["kdf"] = timings.get("kdf", 0.0) + time.perf_counter() - mark
            head = parsed.verify(keys.header_mac_key(dek, parsed.header.casebook_id), header_file)
            generation = _Generation.of(folder, head.epoch, header_file)
            mark = time.perf_counter()
            plain = _decrypt_snapshot(
                generation.snapshot_file, dek, head, folder, progress, allocate
            )
            timings["snapshot"] = time.perf_counter() - mark
        except CasebookDamaged as exc:
            keys.wipe(dek)
            newer_error = newer_error or exc
            continue
        except BaseException:
            keys.wipe(dek)
            raise
        return _Chosen(head, dek, plain, generation, candidates[0][0], newer_error)
    assert newer_error is not None
    raise newer_error


def _parse_header(data: bytes, path: Path, epoch: int) -> ParsedHeader:
    parsed = header.parse(data, path)
    if path.name != layout.LEGACY_HEADER_NAME and parsed.header.epoch != epoch:
        raise failures.tampered(path, _("de kopgegevens horen bij een andere versie"))
    return parsed


def _decrypt_snapshot(
    path: Path,
    dek: bytearray,
    head: Header,
    folder: Path,
    progress: ProgressCallback | None,
    allocate: snapshots.Allocate,
) -> memoryview:
    try:
        return snapshots.decrypt_file(
            path,
            dek=dek,
            casebook_id=head.casebook_id,
            epoch=head.epoch,
            expected_salt=head.snapshot_salt,
            progress=_stage(progress, STAGE_DECRYPT),
            allocate=allocate,
        )
    except FileNotFoundError:
        raise failures.damaged(
            folder, _("het bestand {name} ontbreekt").format(name=path.name)
        ) from None


def _others(found: layout.FolderScan, generation: _Generation) -> list[Path]:
    """Generation files that are not part of the one opened."""
    epoch = layout.generation_epoch(generation.snapshot_file.name)
    assert epoch is not None
    others = found.others(epoch)
    if found.legacy_header is not None and found.legacy_header != generation.header_file:
        others.append(found.legacy_header)
    return sorted(others)


# -- helpers -------------------------------------------------------------------------


@dataclass(frozen=True)
class _NewKeys:
    passphrase: str
    kdf: KdfParams
    recovery_recipient: str

    def header_changes(self, dek: bytearray, casebook_id: bytes) -> tuple[bytes, dict[str, object]]:
        """The key-encryption key (to check the header as written) and the new slots."""
        salt = os.urandom(SALT_BYTES)
        kek = derive_kek(self.passphrase, salt, self.kdf)
        return kek, {
            "kdf": self.kdf,
            "kdf_salt": salt,
            "passphrase_slot": keys.wrap_with_kek(dek, kek, casebook_id),
            "recovery_slot": recovery.wrap_for_recovery(dek, self.recovery_recipient, casebook_id),
            "recovery_recipient": self.recovery_recipient,
        }


def temp_of(generation: _Generation) -> Path:
    return fsio.temp_path_for(generation.header_file)


def _verify_written_snapshot(path: Path, expected: bytes, head: Header, dek: bytearray) -> None:
    """Never drop the old generation before the new one reads back correctly."""
    same = snapshots.matches_file(
        path,
        expected,
        dek=dek,
        casebook_id=head.casebook_id,
        epoch=head.epoch,
        expected_salt=head.snapshot_salt,
    )
    if not same:
        raise failures.damaged(path, _("het nieuwe gegevensbestand leest niet goed terug"))


def _verify_written_header(path: Path, expected: bytes, dek: bytearray, kek: bytes | None) -> None:
    """The header as written must parse, authenticate, and (after a key change) unlock
    with the new passphrase's key: only then is it renamed into place."""
    data = path.read_bytes()
    parsed = header.parse(data, path)
    parsed.verify(keys.header_mac_key(dek, parsed.header.casebook_id), path)
    if kek is not None:
        head = parsed.header
        if keys.unwrap_with_kek(head.passphrase_slot, kek, head.casebook_id) != dek:
            raise failures.damaged(path, _("het nieuwe kopbestand leest niet goed terug"))
    if data != expected:
        raise failures.damaged(path, _("het nieuwe kopbestand leest niet goed terug"))


def _keep_torn_tail(journal_file: Path, data: bytes, valid_length: int) -> None:
    """Keep the bytes a writing open cuts off, still encrypted, beside the journal."""
    tail = data[valid_length:]
    target = layout.torn_tail_path(journal_file, valid_length)
    number = 1
    while target.exists():
        if target.read_bytes() == tail:
            return  # kept by an earlier open that stopped before cutting
        number += 1
        target = target.with_name(f"{journal_file.name}.torn-{valid_length}-{number}")
    fsio.replace_file_atomically(target, tail)


def _new_set_aside_folder(folder: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{layout.SET_ASIDE_PREFIX}{stamp}"
    number = 1
    while target.exists():
        number += 1
        target = folder / f"{layout.SET_ASIDE_PREFIX}{stamp}-{number}"
    return target


def _make_casebook_folder(folder: Path) -> None:
    """A new private folder, or an existing one that is empty or holds only what an
    interrupted create left behind; anything else is CasebookExists."""
    if folder.exists() or folder.is_symlink():
        if (
            not folder.is_dir()
            or layout.interrupted_create(folder, journal.FILE_HEADER_BYTES) is None
        ):
            raise failures.exists(folder)
        if os.name != "nt":
            os.chmod(folder, fsio.DIR_MODE)
        return
    if not folder.parent.is_dir():
        raise failures.not_found(folder.parent, _("deze map bestaat niet"))
    fsio.make_dir(folder)


def _read(path: Path, folder: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise failures.damaged(
            folder, _("het bestand {name} ontbreekt").format(name=path.name)
        ) from None
    except MemoryError:
        raise failures.not_enough_memory() from None


def _encrypt_snapshot(
    data: bytes, dek: bytearray, head: Header, progress: Callable[[float], None] | None
) -> Iterator[bytes]:
    """The encrypted snapshot file as pieces, produced while they are written."""
    return snapshots.encrypt_chunks(
        data,
        dek=dek,
        casebook_id=head.casebook_id,
        epoch=head.epoch,
        salt=head.snapshot_salt,
        progress=progress,
    )


def _sealer(dek: bytearray, head: Header, *, seq: int, prev_hash: bytes) -> journal.Sealer:
    return journal.Sealer(
        key=keys.journal_key(dek, head.casebook_id, head.epoch, head.journal_salt),
        casebook_id=head.casebook_id,
        epoch=head.epoch,
        seq=seq,
        prev_hash=prev_hash,
    )


def _give_up(
    lock: CasebookLock, dek: bytearray | None, fd: int | None, plain: memoryview | None = None
) -> None:
    if fd is not None:
        fsio.close(fd)
    keys.wipe(dek)
    if plain is not None:
        snapshots.wipe(plain)  # whoever allocated it frees it; nothing readable stays behind
    lock.release()
