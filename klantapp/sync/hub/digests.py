"""The office's household sums (state digest version 3, klantapp/sync/digest.py), kept
between runs so that a digest costs the rows that changed, not the whole caseload.

Per device (the owner when the sums were stored) a local entry in ``sync_state``:
``digests:DEVICE`` = ``{"position": P, "households": {id: sum in hex}}``, true for the
casebook as it was at local change ``P``. Before each use the sums are brought up to the
present: every household with a row written since ``P`` (found in the oplog, whatever
wrote it: an edit at the office, an assignment) loses its sum and is summed again from
its rows when next needed. An import moves the sums of the households it wrote by the
hashes of the rows before and after (:meth:`HouseholdSums.moved`), read inside its own
transaction, and the sums are stored with the bookkeeping of the bundles written. Should a
laptop report a digest that differs, its households are summed afresh.

Nothing here is needed for correctness of the data: a sum that is missing is computed;
the stored ones are only ever taken for the state they were computed on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping

from klantapp.casebook import Transaction
from klantapp.sync import digest
from klantapp.sync import state as st
from klantapp.sync.lines import RowKey, households_of, touched_since
from klantapp.sync.merge import RowState

PREFIX = "digests:"


def _position(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0])


class HouseholdSums:
    """The stored sums, loaded once per run; changed ones are written by :meth:`store`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.position = _position(conn)
        self._sums: dict[str, int] = {}  # household -> sum, true at self.position
        self._stored: dict[str, set[str]] = {}  # device -> the households stored under it
        self._changed: set[str] = set()
        stored_at: dict[str, int] = {}
        for key, value in st.all_of(conn, "sync_state").items():
            if not key.startswith(PREFIX) or not isinstance(value, dict):
                continue
            device = key[len(PREFIX) :]
            self._stored[device] = set(value.get("households", {}))
            stored_at[device] = int(value.get("position", 0))
        self._load(conn, stored_at)

    def _load(self, conn: sqlite3.Connection, stored_at: dict[str, int]) -> None:
        if not stored_at:
            return
        latest = self._latest_writes(conn, min(stored_at.values()))
        for key, value in st.all_of(conn, "sync_state").items():
            device = key[len(PREFIX) :]
            if not key.startswith(PREFIX) or device not in stored_at:
                continue
            for household, text in dict(value.get("households", {})).items():
                if latest.get(household, 0) <= stored_at[device]:
                    self._sums[household] = int(text, 16)
                else:
                    self._changed.add(device)

    @staticmethod
    def _latest_writes(conn: sqlite3.Connection, since: int) -> dict[str, int]:
        """Per household, the newest local change after ``since`` that wrote one of its
        rows."""
        touched = touched_since(conn, since)
        latest: dict[str, int] = {}
        for key, household in households_of(conn, touched).items():
            if household is not None:
                latest[household] = max(latest.get(household, 0), touched[key])
        return latest

    def catch_up(self, conn: sqlite3.Connection) -> None:
        """Forget the sums of households written since they were true (by anyone)."""
        now = _position(conn)
        if now == self.position:
            return
        for household in self._latest_writes(conn, self.position):
            if self._sums.pop(household, None) is not None:
                self._changed.update(self._owners_storing(household))
        self.position = now

    def _owners_storing(self, household: str) -> list[str]:
        return [d for d, hids in self._stored.items() if household in hids]

    def moved(self, rows: Rows) -> None:
        """Move the sums by what an import wrote (call once its transaction committed).
        Only a sum true just before the import is moved (:meth:`before` brought them up
        to then); the others are computed when needed."""
        if rows.deltas is None:
            return
        for household, delta in rows.deltas.items():
            if household in self._sums:
                self._sums[household] = (self._sums[household] + delta) % (1 << 256)
                self._changed.update(self._owners_storing(household))
        self.position = rows.position

    def forget(self, device: str) -> None:
        """Sum this device's households afresh (its laptop reported another digest)."""
        for household in self._stored.get(device, set()):
            self._sums.pop(household, None)
        self._stored[device] = set()
        self._changed.add(device)

    def digest(self, conn: sqlite3.Connection, device: str, shared: int) -> str:
        """The version 3 digest of ``device``'s scope now; ``shared``: the shared rows'
        sum (:func:`digest.shared_sum`, the same for every device)."""
        self.catch_up(conn)
        households = digest.owned(conn, device)
        missing = [h for h in households if h not in self._sums]
        self._sums.update(digest.household_sums(conn, missing))
        mine = set(households)
        if mine != self._stored.get(device):
            for other, hids in self._stored.items():
                if other != device and hids & mine:
                    hids -= mine
                    self._changed.add(other)
            self._stored[device] = mine
            self._changed.add(device)
        elif missing:
            self._changed.add(device)
        return digest.combine(shared + sum(self._sums[h] for h in households))

    def store(self, tx: Transaction) -> None:
        """Write the sums that changed (with the position they are true at)."""
        for device in sorted(self._changed):
            households = {
                h: format(self._sums[h], "x")
                for h in sorted(self._stored[device])
                if h in self._sums
            }
            tx.put_local(
                "sync_state",
                PREFIX + device,
                {"position": self.position, "households": households},
            )
        self._changed.clear()

    @property
    def changed(self) -> bool:
        return bool(self._changed)


class Rows:
    """The rows an import writes: their hashes before, then what each household's sum
    moved by.

    The rows the merge reads anyway (:meth:`add_states`) are hashed from what it holds,
    before and -- as it advanced them -- after; rows written any other way in the
    import (:meth:`add_before`, ``created``) are read. A row the import writes both
    ways is read (tests/sync/test_digest.py compares the sums with a fresh count)."""

    def __init__(self) -> None:
        self._before: dict[RowKey, tuple[str | None, int]] = {}
        self._states: Mapping[RowKey, RowState] = {}
        self._read: set[RowKey] = set()  # rows to read after the import, not take as held
        self.deltas: dict[str, int] | None = None  # set by finish
        self.position = 0

    def add_states(self, states: Mapping[RowKey, RowState]) -> None:
        """The rows the merge read (before it ran): the merge moves these states on as it
        applies operations, and :meth:`finish` takes them as they end."""
        self._states = states
        for key, state in states.items():
            if key not in self._before:
                self._before[key] = digest.state_sum(key, state.values, state.clocks) or (None, 0)

    def add_before(self, conn: sqlite3.Connection, keys: Iterable[RowKey]) -> None:
        """Also these rows, as they are before the import writes them (rows added
        earlier keep their first state)."""
        keys = list(dict.fromkeys(keys))
        self._read.update(keys)
        new = [k for k in keys if k not in self._before]
        found = digest.row_sums(conn, new)
        for key in new:
            self._before[key] = found.get(key, (None, 0))

    def finish(self, conn: sqlite3.Connection, created: Iterable[RowKey] = ()) -> None:
        """After the import's writes, in its transaction: per household its rows after
        minus before. ``created``: rows the import made that were not there before."""
        created = list(dict.fromkeys(created))
        self._read.update(created)
        keys = [*self._before, *(k for k in created if k not in self._before)]
        held = {k for k in keys if k in self._states and k not in self._read}
        after = digest.row_sums(conn, [k for k in keys if k not in held])
        for key in held:
            state = self._states[key]
            if (found := digest.state_sum(key, state.values, state.clocks)) is not None:
                after[key] = found
        deltas: dict[str, int] = {}
        for key in keys:
            old_household, old = self._before.get(key, (None, 0))
            new_household, new = after.get(key, (None, 0))
            if old_household is not None:
                deltas[old_household] = deltas.get(old_household, 0) - old
            if new_household is not None:
                deltas[new_household] = deltas.get(new_household, 0) + new
        self.deltas = deltas
        self.position = _position(conn)
