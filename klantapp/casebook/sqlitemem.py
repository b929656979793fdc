"""Opening a casebook with one copy of the database in memory, not two.

The vault decrypts the snapshot into one buffer; Python's ``Connection.deserialize``
then copies that buffer into memory SQLite allocates (CPython always does: it
``sqlite3_malloc``\\s and ``memcpy``\\s), so for a moment the whole database is in memory
twice. Here the vault decrypts straight into memory SQLite itself allocated
(``sqlite3_malloc64``), and ``sqlite3_deserialize`` takes that buffer over
(``SQLITE_DESERIALIZE_FREEONCLOSE``: SQLite frees it when the connection closes), the
same call and flags CPython makes, minus the copy.

The C calls go through ctypes, into the very SQLite library the ``sqlite3`` module
uses (on Windows its ``sqlite3.dll``; elsewhere the symbols are looked up through the
``_sqlite3`` extension, which finds the library it links). The connection's handle
comes from SQLite's public ``sqlite3_auto_extension``: an entry point SQLite calls
with the handle of each connection it opens. The handle is used only when exactly one
connection was opened meanwhile and it is proved to be ours (a limit set through
Python reads back through C). Wherever any of this is unavailable (no such symbols, a
different library, another connection opened at the same instant), the casebook
falls back to Python's copying ``deserialize``: the same database, one copy more.
"""

from __future__ import annotations

import ctypes
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable
from functools import cache

from klantapp.vault import snapshot as snapshots

_DESERIALIZE_FREEONCLOSE = 1
_DESERIALIZE_RESIZEABLE = 2
_OK = 0
#: The limit that proves a handle is our connection's: set from Python, read from C.
_PROOF_LIMIT = sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER
_Entry = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


class _Library:
    """The few SQLite C functions needed, typed for ctypes."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        self.malloc = lib.sqlite3_malloc64
        self.malloc.argtypes, self.malloc.restype = [ctypes.c_uint64], ctypes.c_void_p
        self.free = lib.sqlite3_free
        self.free.argtypes, self.free.restype = [ctypes.c_void_p], None
        self.deserialize = lib.sqlite3_deserialize
        self.deserialize.argtypes = [
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_void_p,
            ctypes.c_int64,
            ctypes.c_int64,
            ctypes.c_uint,
        ]
        self.deserialize.restype = ctypes.c_int
        self.limit = lib.sqlite3_limit
        self.limit.argtypes, self.limit.restype = (
            [ctypes.c_void_p, ctypes.c_int, ctypes.c_int],
            (ctypes.c_int),
        )
        self.auto_extension = lib.sqlite3_auto_extension
        self.auto_extension.argtypes, self.auto_extension.restype = [_Entry], ctypes.c_int
        self.cancel_auto_extension = lib.sqlite3_cancel_auto_extension
        self.cancel_auto_extension.argtypes = [_Entry]
        self.cancel_auto_extension.restype = ctypes.c_int
        version = lib.sqlite3_libversion
        version.argtypes, version.restype = [], ctypes.c_char_p
        self.version = (version() or b"").decode("ascii", "replace")
        self.memory_used = lib.sqlite3_memory_used
        self.memory_used.argtypes, self.memory_used.restype = [], ctypes.c_int64
        self.memory_highwater = lib.sqlite3_memory_highwater
        self.memory_highwater.argtypes, self.memory_highwater.restype = (
            [ctypes.c_int],
            (ctypes.c_int64),
        )


@cache
def library() -> _Library | None:
    """The SQLite library Python's ``sqlite3`` runs on, or None when it cannot be
    reached (then every open copies, as before)."""
    import _sqlite3

    names = ["sqlite3.dll"] if os.name == "nt" else [_sqlite3.__file__]
    for name in names:
        try:
            lib = _Library(ctypes.CDLL(name))
        except (OSError, AttributeError):
            continue
        if lib.version == sqlite3.sqlite_version:
            return lib
    return None


_capturing = threading.Lock()


def _connect_with_handle(
    lib: _Library, connect: Callable[[], sqlite3.Connection]
) -> tuple[sqlite3.Connection, int | None]:
    """``connect()``, and the C handle of the connection it made when that is certain."""
    opened: list[int] = []

    def seen(db: int | None, _errors: int | None, _api: int | None) -> int:
        if db:
            opened.append(db)
        return _OK

    entry = _Entry(seen)  # kept referenced until SQLite has forgotten it

    with _capturing:
        if lib.auto_extension(entry) != _OK:
            return connect(), None
        try:
            conn = connect()
        finally:
            lib.cancel_auto_extension(entry)
    if len(opened) != 1:
        return conn, None
    handle = opened[0]
    marker = 1000 + secrets.randbelow(30_000)
    before = conn.setlimit(_PROOF_LIMIT, marker)
    ours = lib.limit(handle, _PROOF_LIMIT, -1) == conn.getlimit(_PROOF_LIMIT) == marker
    conn.setlimit(_PROOF_LIMIT, before)
    return conn, handle if ours else None


class SnapshotMemory:
    """Memory for one open: ``allocate`` gives the vault the buffer to decrypt into,
    ``load`` hands it to a new connection. ``release`` frees (zeroed) whatever was not
    handed over; call it whatever happened."""

    def __init__(self) -> None:
        self._lib = library()
        self._buffers: dict[int, tuple[ctypes.Array[ctypes.c_char], int]] = {}

    def allocate(self, size: int) -> memoryview:
        if self._lib is None or size == 0:
            return snapshots.in_bytearray(size)
        address = self._lib.malloc(size)
        if not address:
            raise MemoryError
        array = (ctypes.c_char * size).from_address(address)
        self._buffers[id(array)] = (array, address)
        return memoryview(array).cast("B")

    def load(
        self, snapshot: memoryview, connect: Callable[[], sqlite3.Connection]
    ) -> sqlite3.Connection:
        """A new connection (from ``connect``) whose main database is ``snapshot``."""
        owned = self._buffers.get(id(snapshot.obj))
        if self._lib is None or owned is None or owned[0] is not snapshot.obj:
            conn = connect()
            conn.deserialize(snapshot)
            return conn
        conn, handle = _connect_with_handle(self._lib, connect)
        if handle is None:
            conn.deserialize(snapshot)
            return conn
        array, address = owned
        size = len(snapshot)
        del self._buffers[id(array)]  # SQLite owns it from here, whatever the outcome:
        rc = self._lib.deserialize(  # on failure it frees it (FREEONCLOSE) before returning
            handle,
            b"main",
            address,
            size,
            ctypes.sizeof(array),
            _DESERIALIZE_FREEONCLOSE | _DESERIALIZE_RESIZEABLE,
        )
        if rc != _OK:
            conn.close()
            raise sqlite3.DatabaseError(f"sqlite3_deserialize: {rc}")
        return conn

    def release(self) -> None:
        if self._lib is None:
            return
        for array, address in self._buffers.values():
            ctypes.memset(address, 0, ctypes.sizeof(array))
            self._lib.free(address)
        self._buffers.clear()
