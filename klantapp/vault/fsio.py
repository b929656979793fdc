"""Every write the vault makes to disk goes through here, and nowhere else.

One narrow layer so that (1) durability rules live in one place (fsync the file before
renaming it into place, fsync the folder after) and (2) tests can simulate a crash at
every single step: :func:`fault_hook` installs a callable that is called *before* each
step with the step's name and path, and may raise :class:`SimulatedCrash`.

Only ciphertext and the (non-secret) header ever pass through these functions.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

FaultHook = Callable[[str, Path], None]

_hook: FaultHook | None = None

_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
FILE_MODE = 0o600
DIR_MODE = 0o700


class SimulatedCrash(BaseException):
    """A test's "kill -9", raised by fault hooks.

    A BaseException, so no ``except Exception`` cleanup runs: the vault behaves as if
    the process died at that exact point."""


@contextlib.contextmanager
def fault_hook(hook: FaultHook) -> Iterator[None]:
    """Tests only: call ``hook(step, path)`` before every write step."""
    global _hook
    previous, _hook = _hook, hook
    try:
        yield
    finally:
        _hook = previous


def _step(name: str, path: Path) -> None:
    if _hook is not None:
        _hook(name, path)


def make_dir(path: Path) -> None:
    """A new folder only we can read (0700, whatever the umask)."""
    _step("mkdir", path)
    path.mkdir(mode=DIR_MODE)
    if os.name != "nt":
        os.chmod(path, DIR_MODE)


def create_exclusive(path: Path) -> int:
    """Open a new file for writing; 0600 is set before a single byte is written."""
    _step("create", path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, FILE_MODE)
    if os.name != "nt":
        os.fchmod(fd, FILE_MODE)
    return fd


def open_append(path: Path) -> int:
    _step("open", path)
    return os.open(path, os.O_WRONLY | os.O_APPEND | _BINARY)


def write_all(fd: int, data: bytes | bytearray | memoryview, path: Path) -> None:
    _step("write", path)
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def fsync(fd: int, path: Path) -> None:
    _step("fsync", path)
    os.fsync(fd)


def truncate(fd: int, size: int, path: Path) -> None:
    _step("truncate", path)
    os.ftruncate(fd, size)


def replace(src: Path, dst: Path) -> None:
    """Atomic rename over ``dst``. The caller fsyncs the folder afterwards."""
    _step("replace", dst)
    os.replace(src, dst)


def move(src: Path, dst: Path) -> None:
    """Move a file within the casebook folder (``dst`` must not exist). The caller
    fsyncs both folders afterwards."""
    _step("move", src)
    if dst.exists():
        raise FileExistsError(dst)
    os.replace(src, dst)


def unlink(path: Path) -> None:
    _step("unlink", path)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def fsync_dir(path: Path) -> None:
    """Make renames/creations/deletions in ``path`` durable. Not possible on Windows,
    where NTFS journals metadata itself."""
    _step("fsync_dir", path)
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def close(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


Data = bytes | bytearray | memoryview | Iterable[bytes]


def write_new_file(path: Path, data: Data) -> None:
    """Create ``path`` (must not exist), write ``data`` (bytes, or pieces written as
    they are produced), fsync. Removes it if a real error (not a simulated crash)
    interrupts."""
    pieces = [data] if isinstance(data, bytes | bytearray | memoryview) else data
    fd = create_exclusive(path)
    try:
        for piece in pieces:
            write_all(fd, piece, path)
        fsync(fd, path)
    except Exception:
        close(fd)
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    close(fd)


def temp_path_for(path: Path) -> Path:
    return path.with_name(path.name + TEMP_SUFFIX)


TEMP_SUFFIX = ".tmp"


def replace_file_atomically(path: Path, data: Data) -> None:
    """temp file + fsync + os.replace + fsync(folder): readers see old or new, never a mix."""
    temp = temp_path_for(path)
    unlink(temp)  # a leftover of an earlier crash
    write_new_file(temp, data)
    replace(temp, path)
    fsync_dir(path.parent)
