"""The folder transport: bundles travel through a shared folder (a network share, a synced
cloud folder or a USB stick).

Layout of the folder::

    DIR/to-hub/<device id>-hub-<bundle id>.kbundle                laptop -> office
    DIR/to-<device id>/<hub id>-<device id>-<bundle id>.kbundle   office -> laptop
    DIR/aanmeldingen/<device id>.kreq                             enrolment requests

One subfolder per addressee, ``to-<address>`` (:data:`HUB` for the office, else the
device id), so a laptop lists only its own folder (and a share can give each laptop
rights to its folder alone). A file name is ``<sender>-<to>-<bundle id>.kbundle``: ids
are ``[0-9a-z]``, so the parts are unambiguous, and a file copied elsewhere still says
where it was going.

Writing (:func:`send`): the bytes go to a temporary name in the same subfolder that
readers ignore (``.<final name>.<random>.part``), are fsynced, renamed to the final name,
and the subfolder is fsynced: a reader sees the whole file or nothing.

Reading (:func:`incoming`): only regular files with a valid name addressed to us count,
and only once they look complete, because someone else's copy may still be running
(a cloud client or Explorer filling in a file under its final name). The rule, with
``settle`` (default :data:`SETTLE_SECONDS`):

- a file whose size or mtime differs from what the previous look saw is not ready;
- otherwise it is ready if its mtime is at least ``settle`` seconds old, or if it has
  been seen unchanged for at least ``settle`` seconds (the second rule is for shares
  whose clock runs ahead of ours);
- an empty file is never ready.

A copy that keeps an old mtime while it fills a preallocated file (or a run without the
previous look, as every command-line run is) can still take a partial file; it then
does not read as a whole bundle (damaged, or too large). Such a file is left in place
and read again on a later run (:func:`unfinished` keeps a note of it for the caller);
only when a later run, at least ``settle`` seconds on, finds it unchanged (same size and
mtime) and still bad is it refused.
"""

from __future__ import annotations

import os
import secrets
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from klantapp.sync.bundle import SUFFIX
from klantapp.sync.canonical import check_id
from klantapp.vault import fsio

HUB = "hub"
SETTLE_SECONDS = 5.0
CHECK_TIMEOUT_SECONDS = 5.0
TEMP_SUFFIX = ".part"
FILE_MODE = 0o644  # ciphertext only; others on a share must be able to read it
_BINARY = getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class FileState:
    """What a look saw of a file: its size and modification time."""

    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Incoming:
    """A complete bundle addressed to us."""

    path: Path
    sender: str
    bundle_id: str
    state: FileState


@dataclass(frozen=True)
class Look:
    """What :func:`incoming` saw, to pass to the next call: per file name its state and
    since when (``time.time()``) it has had it."""

    seen: dict[str, tuple[FileState, float]] = field(default_factory=dict)

    def waiting(self, ready: list[Incoming]) -> int:
        """How many of the files seen are not among ``ready``: still too new (or still
        growing) to count as whole; a later look takes them."""
        return len(self.seen) - len(ready)


def address_folder(folder: Path, to: str) -> Path:
    """The subfolder for bundles addressed to ``to`` (:data:`HUB` or a device id)."""
    return Path(folder) / f"to-{check_id(to, 'to')}"


def bundle_name(sender: str, to: str, bundle_id: str) -> str:
    """``<sender>-<to>-<bundle id>.kbundle``."""
    for value, name in ((sender, "sender"), (to, "to"), (bundle_id, "bundle_id")):
        check_id(value, name)
    return f"{sender}-{to}-{bundle_id}{SUFFIX}"


def parse_name(name: str) -> tuple[str, str, str] | None:
    """(sender, to, bundle id) of a bundle file name, or None for any other name."""
    if not name.endswith(SUFFIX) or name.startswith("."):
        return None
    parts = name[: -len(SUFFIX)].split("-")
    if len(parts) != 3:
        return None
    try:
        for part in parts:
            check_id(part, "name")
    except ValueError:
        return None
    return parts[0], parts[1], parts[2]


def send(folder: Path, *, sender: str, to: str, bundle_id: str, data: bytes) -> Path:
    """Put a bundle into the folder for ``to``, atomically; returns its final path.

    OSError if the folder is not there or not writable (a USB stick pulled out)."""
    target_dir = address_folder(folder, to)
    if not Path(folder).is_dir():
        raise FileNotFoundError(folder)
    target_dir.mkdir(exist_ok=True)
    final = target_dir / bundle_name(sender, to, bundle_id)
    _remove_stale_temps(target_dir, sender)
    _write_atomically(final, data)
    return final


#: A temporary file of ours this old was left by a run that stopped half-way (a crash,
#: a pulled stick): a write takes seconds at most.
STALE_TEMP_SECONDS = 3600.0


def _remove_stale_temps(directory: Path, sender: str, *, now: float | None = None) -> None:
    """Delete this sender's own temporary files that a stopped run left behind, so they
    do not pile up in a shared folder. Another sender's are never touched: it may be
    writing now."""
    moment = time.time() if now is None else now
    prefix = f".{sender}-"
    try:
        with os.scandir(directory) as listing:
            stale = [
                entry.path
                for entry in listing
                if entry.name.startswith(prefix)
                and entry.name.endswith(TEMP_SUFFIX)
                and entry.is_file(follow_symlinks=False)
                and entry.stat(follow_symlinks=False).st_mtime < moment - STALE_TEMP_SECONDS
            ]
    except OSError:
        return
    for path in stale:
        try:
            os.unlink(path)
        except OSError:
            continue  # gone meanwhile, or not ours to delete on this share


def _write_atomically(final: Path, data: bytes) -> None:
    """A temporary name readers ignore, fsync, rename, fsync of the folder."""
    temp = final.parent / f".{final.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, FILE_MODE)
    try:
        fsio.write_all(fd, data, temp)
        fsio.fsync(fd, temp)
    except BaseException:
        fsio.close(fd)
        fsio.unlink(temp)
        raise
    fsio.close(fd)
    fsio.replace(temp, final)
    fsio.fsync_dir(final.parent)


REQUESTS = "aanmeldingen"
REQUEST_SUFFIX = ".kreq"


def send_request(folder: Path, device_id: str, text: str) -> Path:
    """Leave a laptop's enrolment request (public: names and public keys) in the folder
    for the office, atomically; a newer request of the same device replaces it."""
    check_id(device_id, "device")
    if not Path(folder).is_dir():
        raise FileNotFoundError(folder)
    directory = Path(folder) / REQUESTS
    directory.mkdir(exist_ok=True)
    final = directory / f"{device_id}{REQUEST_SUFFIX}"
    _write_atomically(final, text.encode("utf-8"))
    return final


def requests(folder: Path) -> list[Path]:
    """The enrolment requests waiting in the folder (for the office's Apparaten)."""
    directory = Path(folder) / REQUESTS
    if not directory.is_dir():
        return []
    return sorted(
        p for p in directory.iterdir() if p.suffix == REQUEST_SUFFIX and not p.name.startswith(".")
    )


def incoming(
    folder: Path,
    me: str,
    *,
    previous: Look | None = None,
    now: float | None = None,
    settle: float = SETTLE_SECONDS,
) -> tuple[list[Incoming], Look]:
    """The complete bundles addressed to ``me`` (in name order), and what this look saw,
    for the next call. See the module text for when a file counts as complete. Lists a
    folder that may be on a slow share: call it off the UI thread."""
    moment = time.time() if now is None else now
    before = previous.seen if previous is not None else {}
    seen: dict[str, tuple[FileState, float]] = {}
    ready: list[Incoming] = []
    directory = address_folder(folder, me)
    try:
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except FileNotFoundError:
        return [], Look()
    for entry in entries:
        parsed = parse_name(entry.name)
        if parsed is None or parsed[1] != me:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue  # gone meanwhile
        if not stat.S_ISREG(info.st_mode):
            continue
        state = FileState(info.st_size, info.st_mtime_ns)
        earlier = before.get(entry.name)
        changed = earlier is not None and earlier[0] != state
        since = earlier[1] if earlier is not None and not changed else moment
        seen[entry.name] = (state, since)
        if changed or state.size == 0:
            continue
        old_enough = info.st_mtime_ns <= (moment - settle) * 1e9
        steady = earlier is not None and moment - since >= settle
        if old_enough or steady:
            ready.append(Incoming(Path(entry.path), parsed[0], parsed[2], state))
    return ready, Look(seen)


#: Refusal reasons that a file still being copied in can give.
UNFINISHED_REASONS = frozenset({"damaged", "too_large"})


def unfinished(
    reason: str,
    earlier: dict[str, Any] | None,
    state: FileState,
    *,
    now: float,
    settle: float = SETTLE_SECONDS,
) -> dict[str, Any] | None:
    """A file that did not read as a whole bundle: the note to keep while it may still
    be arriving (leave it, read it again on a later run, pass the note back then as
    ``earlier``), or None once it is known to stay bad and may be refused: the reason
    is one a partial copy cannot give, or an earlier run found it bad with the same size
    and mtime at least ``settle`` seconds ago."""
    if reason not in UNFINISHED_REASONS:
        return None
    mark = {"size": state.size, "mtime_ns": state.mtime_ns}
    if earlier is None or {key: earlier.get(key) for key in mark} != mark:
        return {**mark, "since": now}
    if now - float(earlier.get("since", now)) >= settle:
        return None
    return dict(earlier)


def remove(path: Path, *, durable: bool = True) -> None:
    """Delete a bundle that has been dealt with (durably: the folder is fsynced; without
    ``durable`` the caller fsyncs the folder once for many, or a bundle that comes back
    after a crash is harmless: it is taken as a duplicate)."""
    fsio.unlink(Path(path))
    if durable:
        fsio.fsync_dir(Path(path).parent)


def reachable(folder: Path, *, timeout: float = CHECK_TIMEOUT_SECONDS) -> bool:
    """True if ``folder`` is there and can be listed, within ``timeout`` seconds.

    A hung network share makes this False after the timeout instead of blocking the
    caller (the check goes on in a background thread, which ends when the share
    answers)."""
    return _within(lambda: _listable(Path(folder)), timeout)


def writable(folder: Path, *, timeout: float = CHECK_TIMEOUT_SECONDS) -> bool:
    """True if a file can be written, fsynced and removed in ``folder`` within
    ``timeout`` seconds ("connected" for the sync screens)."""
    return _within(lambda: _probe(Path(folder)), timeout)


def _listable(folder: Path) -> bool:
    os.listdir(folder)
    return True


def _probe(folder: Path) -> bool:
    probe = folder / f".klantapp-probe-{secrets.token_hex(4)}{TEMP_SUFFIX}"
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, FILE_MODE)
    try:
        os.write(fd, b"klantapp")
        os.fsync(fd)
    finally:
        os.close(fd)
        probe.unlink()
    return True


def _within(check: Callable[[], bool], timeout: float) -> bool:
    """``check()`` in a daemon thread; False if it raises OSError or takes too long."""
    result: list[bool] = []

    def run() -> None:
        try:
            result.append(check())
        except OSError:
            result.append(False)

    worker = threading.Thread(target=run, name="klantapp-folder-check", daemon=True)
    worker.start()
    worker.join(timeout)
    return bool(result and result[0])
