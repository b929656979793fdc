"""One Klantapp instance per casebook: an exclusive, non-blocking lock on a lock file.

The operating system drops the lock when the process dies, so a crash never leaves
a casebook locked. The lock file holds no data.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from klantapp.vault import failures

LOCK_NAME = "casebook.lock"

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


class CasebookLock:
    """Held from open/create until close. flock is per open file, so a second open in
    the same process is refused just like one from another process."""

    def __init__(self, folder: Path) -> None:
        self._path = folder / LOCK_NAME
        self._folder = folder
        self._fd: int | None = None

    def acquire(self, *, read_only: bool = False) -> None:
        """``read_only``: for an open that writes nothing. On a folder we may not write
        to (a write-protected stick, a read-only share) the lock file is then opened
        for reading, or, when it is missing there, no lock is taken: nobody can
        write to such a folder anyway."""
        binary = getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT | binary, 0o600)
        except OSError:
            if not read_only:
                raise
            try:
                fd = os.open(self._path, os.O_RDONLY | binary)
            except OSError:
                return
        if not _try_lock(fd):
            os.close(fd)
            raise failures.in_use(self._folder)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            _unlock(self._fd)
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None
