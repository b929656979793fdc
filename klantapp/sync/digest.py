"""The state digest: one hash over everything a laptop holds for its caseload.

Both sides compute it the same way over the same rows: the households the device owns
with every record under them and the conflicts about them, plus the shared data
(ketenpartners, shared settings, conflicts about shared data). Per row: table, id and the
clock of every field. A laptop sends the digest it had right after applying a hub
bundle (when it had nothing unsent); the hub compares it with the digest it computed for
that bundle, and on a mismatch sends the caseload whole again.

Two definitions (docs/sync.md, "Trust and rollback"); the office names in its bundle the
one it computed, and a laptop answers in that one:

- version 2: SHA-256 over every row's line, sorted. Both sides read the whole scope.
- version 3: the rows' lines are hashed one by one and the hashes added (modulo 2**256);
  a household's rows add up to its *household sum*, so the office keeps one sum per
  household and moves it by the rows an import wrote (klantapp/sync/hub/digests.py)
  instead of reading every laptop's caseload again for every bundle it writes.
  (A sum of hashes tells apart states that differ by accident, which is what the digest
  is for; it is not a signature, the bundles are signed.)
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from klantapp.casebook.ops import HOUSEHOLD_TABLES
from klantapp.sync.scope import SHARED_TABLES

#: The definitions this version computes, and the one the office asks for.
VERSIONS = (2, 3)
LATEST = 3
#: A bundle's control naming the definition the sender used / the receiver answers in.
CONTROL = "digest"
#: A laptop's control listing the definitions it can answer in.
CONTROL_KNOWN = "digests"

_MOD = 1 << 256
_CHUNK = 500
_CLOCK = "printf('%s=%013d-%05d-%s', c.field, c.hlc >> 16, c.hlc & 65535, d.device)"


def requested(controls: Mapping[str, Any]) -> int:
    """The definition a hub bundle's controls ask for (2 from an office that names none)."""
    value = controls.get(CONTROL, 2)
    return value if isinstance(value, int) and value in VERSIONS else 2


def answerable(controls: Mapping[str, Any]) -> int:
    """The newest definition a laptop's controls say it can answer in (2 if it says none)."""
    known = controls.get(CONTROL_KNOWN)
    if not isinstance(known, list):
        return 2
    return max([v for v in known if isinstance(v, int) and v in VERSIONS], default=2)


def scope_rows(conn: sqlite3.Connection, device: str) -> Iterator[tuple[str, str]]:
    """(table, row id) of every row in ``device``'s caseload and the shared data."""
    households = owned(conn, device)
    for table in HOUSEHOLD_TABLES:
        column = "id" if table == "households" else "household_id"
        for start in range(0, len(households), _CHUNK):
            part = households[start : start + _CHUNK]
            marks = ",".join("?" for _ in part)
            for (row_id,) in conn.execute(
                f"SELECT id FROM {table} WHERE {column} IN ({marks}) ORDER BY id", part
            ):
                yield table, row_id
    for table in SHARED_TABLES:
        for (row_id,) in conn.execute(f"SELECT id FROM {table} ORDER BY id"):
            yield table, row_id
    for (row_id,) in conn.execute(
        "SELECT id FROM conflicts WHERE household_id IS NULL ORDER BY id"
    ):
        yield "conflicts", row_id


def owned(conn: sqlite3.Connection, device: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute("SELECT id FROM households WHERE owner = ? ORDER BY id", (device,))
    ]


def state_digest(conn: sqlite3.Connection, device: str, version: int = LATEST) -> str:
    """The digest of ``device``'s caseload and the shared data, by definition ``version``."""
    if version == 2:
        return _digest_v2(conn, device)
    households = household_sums(conn, owned(conn, device))
    return combine(shared_sum(conn) + sum(households.values()))


# --- version 3: a sum of row hashes -----------------------------------------------


def combine(total: int) -> str:
    """The version 3 digest of a scope whose row hashes add up to ``total``: SHA-256
    over ``klantapp-state/v3\n`` and the sum modulo 2**256 as 32 bytes, big-endian."""
    return hashlib.sha256(b"klantapp-state/v3\n" + (total % _MOD).to_bytes(32, "big")).hexdigest()


def row_hash(table: str, row_id: str, clocks: list[str]) -> int:
    """A row's hash: SHA-256 of its line (as version 2 writes it), as a number."""
    return int.from_bytes(hashlib.sha256(_line((table, row_id), clocks)).digest(), "big")


def state_sum(
    key: tuple[str, str], values: Mapping[str, Any] | None, clocks: Mapping[str, Any]
) -> tuple[str | None, int] | None:
    """What :func:`row_sums` reads for one row, from the row as the merge holds it
    (``values`` None: it does not exist; ``clocks``: field -> ``Clock``)."""
    if values is None:
        return None
    table, row_id = key
    household: str | None = None
    if table == "households":
        household = row_id
    elif table in HOUSEHOLD_TABLES:
        household = values.get("household_id")
    lines = [_clock_line(name, c.hlc, c.device) for name, c in sorted(clocks.items())]
    return household, row_hash(table, row_id, lines)


@lru_cache(maxsize=1 << 14)
def _clock_line(name: str, hlc: int, device: str) -> str:
    """``field=clock`` as :data:`_CLOCK` writes it. An import hashes most rows twice
    (before and after), and all but one of their clocks are the same both times."""
    return f"{name}={hlc >> 16:013d}-{hlc & 0xFFFF:05d}-{device}"


def _hashed_rows(
    conn: sqlite3.Connection, table: str, where: str, params: list[Any], group: str
) -> Iterator[tuple[str, Any, int]]:
    """(row id, ``group`` column, row hash) of the rows of ``table`` matching ``where``."""
    current: tuple[str, Any] | None = None
    parts: list[str] = []
    for row_id, key, text in conn.execute(
        f"SELECT t.id, {group}, CASE WHEN c.field IS NOT NULL THEN {_CLOCK} END "
        f"FROM {table} t LEFT JOIN clocks c ON c.tbl = ? AND c.row_id = t.id "
        f"LEFT JOIN devices d ON d.id = c.device WHERE {where} ORDER BY t.id, c.field",
        [table, *params],
    ):
        if current is None or row_id != current[0]:
            if current is not None:
                yield current[0], current[1], row_hash(table, current[0], parts)
            current, parts = (row_id, key), []
        if text is not None:
            parts.append(text)
    if current is not None:
        yield current[0], current[1], row_hash(table, current[0], parts)


def _household_column(table: str) -> str:
    return "t.id" if table == "households" else "t.household_id"


def household_sums(conn: sqlite3.Connection, households: Iterable[str]) -> dict[str, int]:
    """Per household the sum of the hashes of its rows: the household, every record
    under it and the conflicts about it."""
    wanted = list(dict.fromkeys(households))
    sums = dict.fromkeys(wanted, 0)
    for table in HOUSEHOLD_TABLES:
        column = _household_column(table)
        for start in range(0, len(wanted), _CHUNK):
            part = wanted[start : start + _CHUNK]
            where = f"{column} IN ({','.join('?' for _ in part)})"
            for _row_id, household, value in _hashed_rows(conn, table, where, part, column):
                sums[household] += value
    return sums


def shared_sum(conn: sqlite3.Connection) -> int:
    """The sum of the hashes of the shared rows (every laptop holds them)."""
    total = 0
    for table in SHARED_TABLES:
        for _row_id, _key, value in _hashed_rows(conn, table, "1", [], "NULL"):
            total += value
    for _row_id, _key, value in _hashed_rows(
        conn, "conflicts", "t.household_id IS NULL", [], "NULL"
    ):
        total += value
    return total


def row_sums(
    conn: sqlite3.Connection, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], tuple[str | None, int]]:
    """Per row that exists: its household (None: shared data) and its hash. A row that
    does not exist (deleted, or never there) is left out: it adds nothing."""
    by_table: dict[str, list[str]] = {}
    for table, row_id in dict.fromkeys(keys):
        by_table.setdefault(table, []).append(row_id)
    out: dict[tuple[str, str], tuple[str | None, int]] = {}
    for table, ids in by_table.items():
        column = _household_column(table) if table in HOUSEHOLD_TABLES else "NULL"
        for start in range(0, len(ids), _CHUNK):
            part = ids[start : start + _CHUNK]
            where = f"t.id IN ({','.join('?' for _ in part)})"
            for row_id, household, value in _hashed_rows(conn, table, where, part, column):
                out[(table, row_id)] = (household, value)
    return out


# --- version 2: SHA-256 over the sorted lines ---------------------------------------


def _scope_clocks(conn: sqlite3.Connection, device: str) -> Iterator[tuple[str, str, str | None]]:
    """(table, row id, ``field=clock``) of every clock of every row in ``device``'s scope
    (the rows of :func:`scope_rows`), in the digest's order: by table, row id and field;
    SQLite writes the clock text. A row without clocks comes once, with ``None``."""
    mine = "SELECT id FROM households WHERE owner = ?"
    for table in sorted({*HOUSEHOLD_TABLES, *SHARED_TABLES}):
        params: tuple[str, ...] = (device,)
        if table == "households":
            where = "t.owner = ?"
        elif table == "conflicts":  # about one of its households, or about shared data
            where = f"(t.household_id IS NULL OR t.household_id IN ({mine}))"
        elif table in HOUSEHOLD_TABLES:
            where = f"t.household_id IN ({mine})"
        else:
            where, params = "1", ()
        for row_id, text in conn.execute(
            f"SELECT t.id, CASE WHEN c.field IS NOT NULL THEN {_CLOCK} END "
            f"FROM {table} t "
            "LEFT JOIN clocks c ON c.tbl = ? AND c.row_id = t.id "
            "LEFT JOIN devices d ON d.id = c.device "
            f"WHERE {where} ORDER BY t.id, c.field",
            (table, *params),
        ):
            yield table, row_id, text


def _digest_v2(conn: sqlite3.Connection, device: str) -> str:
    """Every row's id and the clock of every field. A clock names one write, so equal
    clocks mean equal values (the vault guards the values themselves).

    Defined as SHA-256 over ``klantapp-state/v2\n`` and then one line per row, sorted:
    ``table TAB row_id TAB`` followed by ``field=clock`` for each field (sorted, the
    clock as :meth:`Timestamp.encode` writes it), joined by TAB, and a newline. The rows
    are read in that order straight from SQLite (ids and field names are ASCII, so
    SQLite's binary order is the sort order), and hashed as they stream by: no list of
    every row is built (tests/sync/test_digest.py checks it against the definition)."""
    digest = hashlib.sha256(b"klantapp-state/v2\n")
    current: tuple[str, str] | None = None
    parts: list[str] = []
    for table, row_id, text in _scope_clocks(conn, device):
        if (table, row_id) != current:
            if current is not None:
                digest.update(_line(current, parts))
            current = (table, row_id)
            parts = []
        if text is not None:
            parts.append(text)
    if current is not None:
        digest.update(_line(current, parts))
    return digest.hexdigest()


def _line(row: tuple[str, str], clocks: list[str]) -> bytes:
    return ("\t".join((*row, "\t".join(clocks))) + "\n").encode("utf-8")
