"""The vault: a casebook folder holding one encrypted snapshot plus a journal of records.

Opening reads header -> unlocks the data key -> decrypts the snapshot -> replays the
journal. Writing is append-only; :meth:`Vault.compact` starts a new generation
(epoch) and switches to it by atomically replacing the header, which is the single
commit point: a crash anywhere leaves either the old or the new generation complete.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from klantapp.errors import KlantappError
from klantapp.i18n import _
from klantapp.vault import failures, fsio, header, journal, keys, layout, recovery
from klantapp.vault import snapshot as snapshots
from klantapp.vault.header import FILE_SALT_BYTES, Header
from klantapp.vault.kdf import SALT_BYTES, KdfParams, derive_kek
from klantapp.vault.lock import CasebookLock

ProgressCallback = Callable[[str, float], None]

STAGE_KDF = "Sleutel afleiden"
STAGE_DECRYPT = "Gegevens ontsleutelen"
STAGE_JOURNAL = "Wijzigingen nalezen"
STAGE_ENCRYPT = "Gegevens versleutelen"
STAGE_SAVE = "Gegevens opslaan"


@dataclass
class VaultContents:
    snapshot: bytes | bytearray  # the caller takes it over; decrypted into one buffer
    records: list[bytes]
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


Unlock = Callable[[Header], bytearray]


def _stage(progress: ProgressCallback | None, stage: str) -> Callable[[float], None] | None:
    if progress is None:
        return None
    return lambda fraction: progress(stage, fraction)


def _write_failed(exc: OSError) -> KlantappError:
    return KlantappError(
        _("Het dossier kon niet worden opgeslagen: {reason}.").format(reason=exc.strerror or exc),
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
        dek: bytearray,
        lock: CasebookLock,
        journal_fd: int,
        sealer: journal.Sealer,
        journal_bytes: int,
        journal_records: int,
    ) -> None:
        self._folder = folder
        self._header = head
        self._dek: bytearray | None = dek
        self._lock = lock
        self._fd: int | None = journal_fd
        self._sealer: journal.Sealer | None = sealer
        self._journal_bytes = journal_bytes
        self._journal_records = journal_records
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
            if debris is None or layout.header_path(folder).exists():
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
                snapshot_salt=os.urandom(FILE_SALT_BYTES),
                journal_salt=os.urandom(FILE_SALT_BYTES),
            )
            blob = _encrypt_snapshot(snapshot, dek, head, None)
            journal_head = journal.file_header(casebook_id, 0, head.journal_salt)
            fsio.replace_file_atomically(layout.snapshot_path(folder, 0), blob)
            fsio.replace_file_atomically(layout.journal_path(folder, 0), journal_head)
            # The header is written last: without it the folder is not a casebook yet.
            header_bytes = header.encode(head, keys.header_mac_key(dek, casebook_id))
            fsio.replace_file_atomically(layout.header_path(folder), header_bytes)
            fsio.fsync_dir(folder.parent)
            fd = fsio.open_append(layout.journal_path(folder, 0))
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
            dek=dek,
            lock=lock,
            journal_fd=fd,
            sealer=sealer,
            journal_bytes=len(journal_head),
            journal_records=0,
        )

    @classmethod
    def open(
        cls, path: Path, passphrase: str, *, progress: ProgressCallback | None = None
    ) -> tuple[Vault, VaultContents]:
        """Slow. WrongPassphrase, CasebookDamaged/Tampered, NotEnoughMemory, CasebookInUse."""

        def unlock(head: Header) -> bytearray:
            report = _stage(progress, STAGE_KDF)
            if report:
                report(0.0)
            kek = derive_kek(passphrase, head.kdf_salt, head.kdf)
            if report:
                report(1.0)
            return keys.unwrap_with_kek(head.passphrase_slot, kek, head.casebook_id)

        return cls._open(Path(path), unlock, progress)

    @classmethod
    def open_with_recovery(
        cls, path: Path, identity: str, *, progress: ProgressCallback | None = None
    ) -> tuple[Vault, VaultContents]:
        """For the central office: open with the secret recovery key instead of the passphrase."""

        def unlock(head: Header) -> bytearray:
            return recovery.unwrap_for_recovery(
                head.recovery_slot, identity, head.casebook_id, layout.header_path(Path(path))
            )

        return cls._open(Path(path), unlock, progress)

    @classmethod
    def _open(
        cls, folder: Path, unlock: Unlock, progress: ProgressCallback | None
    ) -> tuple[Vault, VaultContents]:
        started = time.perf_counter()
        timings: dict[str, float] = {}
        header_file = layout.header_path(folder)
        if not folder.is_dir():
            raise failures.not_found(folder)
        if not header_file.is_file():
            debris = layout.interrupted_create(folder, journal.FILE_HEADER_BYTES)
            if debris:
                raise failures.not_found(folder, _("het aanmaken ervan is niet afgemaakt"))
            if debris is None and any(layout.is_ours(p.name) for p in folder.iterdir()):
                raise failures.damaged(folder, _("het kopbestand (casebook.header) ontbreekt"))
            raise failures.not_found(folder)
        lock = CasebookLock(folder)
        lock.acquire()
        dek: bytearray | None = None
        fd: int | None = None
        try:
            parsed = header.parse(_read(header_file, folder), header_file)
            mark = time.perf_counter()
            dek = unlock(parsed.header)
            timings["kdf"] = time.perf_counter() - mark
            head = parsed.verify(keys.header_mac_key(dek, parsed.header.casebook_id), header_file)

            mark = time.perf_counter()
            snapshot_file = layout.snapshot_path(folder, head.epoch)
            try:
                plain = snapshots.decrypt_file(
                    snapshot_file,
                    dek=dek,
                    casebook_id=head.casebook_id,
                    epoch=head.epoch,
                    expected_salt=head.snapshot_salt,
                    progress=_stage(progress, STAGE_DECRYPT),
                )
            except FileNotFoundError:
                raise failures.damaged(
                    folder, _("het bestand {name} ontbreekt").format(name=snapshot_file.name)
                ) from None
            timings["snapshot"] = time.perf_counter() - mark

            mark = time.perf_counter()
            journal_file = layout.journal_path(folder, head.epoch)
            replayed = journal.replay(
                _read(journal_file, folder),
                key=keys.journal_key(dek, head.casebook_id, head.epoch, head.journal_salt),
                casebook_id=head.casebook_id,
                epoch=head.epoch,
                expected_salt=head.journal_salt,
                path=journal_file,
                progress=_stage(progress, STAGE_JOURNAL),
            )
            timings["journal"] = time.perf_counter() - mark

            # Everything is authenticated; only now may we change files.
            warnings: list[str] = []
            fd = fsio.open_append(journal_file)
            if replayed.torn:
                fsio.truncate(fd, replayed.valid_length, journal_file)
                fsio.fsync(fd, journal_file)
                warnings.append(_(journal.TORN_WARNING))
            debris = layout.leftovers(folder, head.epoch)
            for leftover in debris:
                fsio.unlink(leftover)
            if debris:
                fsio.fsync_dir(folder)
            sealer = _sealer(dek, head, seq=len(replayed.records), prev_hash=replayed.prev_hash)
        except OSError as exc:
            _give_up(lock, dek, fd)
            raise _write_failed(exc) from exc
        except BaseException:
            _give_up(lock, dek, fd)
            raise
        timings["total"] = time.perf_counter() - started
        vault = cls(
            folder=folder,
            head=head,
            dek=dek,
            lock=lock,
            journal_fd=fd,
            sealer=sealer,
            journal_bytes=replayed.valid_length,
            journal_records=len(replayed.records),
        )
        return vault, VaultContents(plain, replayed.records, warnings, timings)

    # -- writing ---------------------------------------------------------------------

    def append(self, record: bytes) -> None:
        """Add one record to the journal. Durable (written and fsynced) when it returns."""
        with self._mutex:
            dek, fd, sealer = self._writable()
            del dek
            path = layout.journal_path(self._folder, self.epoch)
            frame = sealer.seal(record)
            try:
                fsio.write_all(fd, frame, path)
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
        """Replace snapshot + journal by ``snapshot`` and an empty journal (new epoch).

        Order: new snapshot (temp, fsync, rename) -> read back and verify -> new empty
        journal -> header replaced atomically (the commit) -> old generation deleted.
        """
        with self._mutex:
            dek, _fd, _sealer_old = self._writable()
            folder = self._folder
            old = self._header
            new = old.with_changes(
                epoch=old.epoch + 1,
                snapshot_salt=os.urandom(FILE_SALT_BYTES),
                journal_salt=os.urandom(FILE_SALT_BYTES),
            )
            blob = _encrypt_snapshot(snapshot, dek, new, _stage(progress, STAGE_ENCRYPT))
            snapshot_file = layout.snapshot_path(folder, new.epoch)
            journal_file = layout.journal_path(folder, new.epoch)
            header_file = layout.header_path(folder)
            journal_head = journal.file_header(new.casebook_id, new.epoch, new.journal_salt)
            header_bytes = header.encode(new, keys.header_mac_key(dek, new.casebook_id))
            report = _stage(progress, STAGE_SAVE)
            new_fd: int | None = None
            try:
                fsio.replace_file_atomically(snapshot_file, blob)
                if report:
                    report(0.4)
                self._verify_written_snapshot(snapshot_file, snapshot, new)
                fsio.replace_file_atomically(journal_file, journal_head)
                new_fd = fsio.open_append(journal_file)
                if report:
                    report(0.7)
                temp = fsio.temp_path_for(header_file)
                fsio.unlink(temp)
                fsio.write_new_file(temp, header_bytes)
                fsio.replace(temp, header_file)  # the commit point
            except Exception as exc:
                if new_fd is not None:
                    fsio.close(new_fd)
                for debris in (snapshot_file, journal_file):
                    with contextlib.suppress(OSError):
                        fsio.unlink(debris)
                if isinstance(exc, OSError):
                    raise _write_failed(exc) from exc
                raise
            # Committed: from here on the new generation is the casebook.
            self._switch_to(new, new_fd, journal_head)
            try:
                fsio.fsync_dir(folder)  # the commit is durable only after this
            except OSError as exc:
                raise _write_failed(exc) from exc
            try:
                fsio.unlink(layout.snapshot_path(folder, old.epoch))
                fsio.unlink(layout.journal_path(folder, old.epoch))
                fsio.fsync_dir(folder)
            except OSError:
                pass  # harmless: the next open removes the old generation
            if report:
                report(1.0)

    def _verify_written_snapshot(self, path: Path, expected: bytes, head: Header) -> None:
        """Never drop the old generation before the new one reads back correctly."""
        assert self._dek is not None
        same = snapshots.matches_file(
            path,
            expected,
            dek=self._dek,
            casebook_id=head.casebook_id,
            epoch=head.epoch,
            expected_salt=head.snapshot_salt,
        )
        if not same:
            raise failures.damaged(path, _("het nieuwe gegevensbestand leest niet goed terug"))

    def _switch_to(self, new: Header, new_fd: int, journal_head: bytes) -> None:
        assert self._dek is not None
        if self._fd is not None:
            fsio.close(self._fd)
        self._header = new
        self._fd = new_fd
        self._sealer = _sealer(self._dek, new, seq=0, prev_hash=journal.chain_start(journal_head))
        self._journal_bytes = len(journal_head)
        self._journal_records = 0

    def change_passphrase(self, new: str, kdf: KdfParams | None = None) -> None:
        """Slow. Re-wraps the data key under ``new`` (fresh salt); the recovery slot stays."""
        with self._mutex:
            dek, _fd, _sealer_now = self._writable()
            params = kdf or self._header.kdf
            params.require_within_bounds()
            salt = os.urandom(SALT_BYTES)
            kek = derive_kek(new, salt, params)
            head = self._header.with_changes(
                kdf=params,
                kdf_salt=salt,
                passphrase_slot=keys.wrap_with_kek(dek, kek, self._header.casebook_id),
            )
            header_bytes = header.encode(head, keys.header_mac_key(dek, head.casebook_id))
            header_file = layout.header_path(self._folder)
            temp = fsio.temp_path_for(header_file)
            try:
                fsio.unlink(temp)
                fsio.write_new_file(temp, header_bytes)
                fsio.replace(temp, header_file)
            except OSError as exc:
                raise _write_failed(exc) from exc
            self._header = head
            try:
                fsio.fsync_dir(self._folder)
            except OSError as exc:
                raise _write_failed(exc) from exc

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

    def _writable(self) -> tuple[bytearray, int, journal.Sealer]:
        if self._dek is None or self._fd is None or self._sealer is None:
            raise RuntimeError("Het dossier is al gesloten.")
        if self._broken:
            raise failures.damaged(
                self._folder,
                _(
                    "een eerdere schrijffout kon niet worden hersteld; sluit het dossier en "
                    "open het opnieuw"
                ),
            )
        return self._dek, self._fd, self._sealer


# -- helpers -------------------------------------------------------------------------


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


def _give_up(lock: CasebookLock, dek: bytearray | None, fd: int | None) -> None:
    if fd is not None:
        fsio.close(fd)
    keys.wipe(dek)
    lock.release()
