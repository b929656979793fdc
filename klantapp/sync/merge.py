"""The merge: what an incoming operation does to a row, as a pure function.

Rules (docs/sync.md, "Merging"):

- Per field, the write with the higher (HLC, device id) wins: a late-arriving older
  edit never overwrites a newer value, whatever order operations arrive in.
- A delete wins over every edit of the same row (a tombstone is final: destroyed data
  never comes back through sync).
- An edit *races* another when its author had not seen the value it replaces: the
  operation's ``base`` clock differs from the clock of the receiver's current value.
  Only then is the losing value a *conflict*: kept, shown to a person, never dropped.
  An edit made on top of the current value (base equal) simply supersedes it.
- The same operation twice (same clock) changes nothing.
- A row that exists here without any clock was made by a schema migration (which
  writes no clocks: every replica makes it alike from the data it has); no write has
  reached it yet. An insert of it is taken whole, as for a new row, so the row ends with
  the sender's clocks and both sides' state digests agree (a laptop updated while a
  change of a removed field was unsent, docs/sync.md).

:func:`merge_op` sees one operation and the receiver's state of that row and returns
the operation trimmed to what wins, plus the losing values. It reads nothing and writes
nothing, so it is tested on its own (tests/sync/test_merge.py): every replica that
merges the same operations, in any order, ends in the same state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from klantapp.casebook.apply import ROW, Clock, field_clock
from klantapp.casebook.ops import Op


@dataclass
class RowState:
    """What the receiver holds of one row."""

    values: dict[str, Any] | None  # None: the row does not exist here
    clocks: dict[str, Clock] = field(default_factory=dict)  # ROW and later fields
    tombstone: Clock | None = None

    @property
    def exists(self) -> bool:
        return self.values is not None

    def newest(self) -> Clock | None:
        return max(self.clocks.values(), key=lambda c: c.key) if self.clocks else None


@dataclass(frozen=True)
class Loser:
    """A value that lost a race, with the clocks of both sides."""

    table: str
    row_id: str
    field: str  # ROW: the whole row (an edit that raced a delete)
    value: Any  # the losing value (for ROW: the edited fields and their values)
    loser: Clock
    winner: Clock


def _clock_of(op: Op) -> Clock:
    return Clock.of(op)


def _raced(op: Op, name: str, current: Clock) -> bool:
    """Had the author of ``op`` not seen ``current`` when editing ``name``?"""
    if op.base is None or name not in op.base:
        return False  # no base (an insert, or an operation from before format 2)
    return Clock.decode_key(op.base[name]) != current.key


def merge_op(state: RowState, op: Op, *, keep_losers: bool) -> tuple[Op | None, list[Loser]]:
    """The part of ``op`` to apply on top of ``state`` (None: nothing), and the values
    that lost a race (only when ``keep_losers``: the central office keeps them)."""
    incoming = _clock_of(op)
    losers: list[Loser] = []

    if state.tombstone is not None:  # deleted here: a delete wins over every edit
        if op.op == "delete":
            return (op if incoming.key > state.tombstone.key else None), losers
        if keep_losers and op.data:
            losers.append(Loser(op.table, op.row_id, ROW, op.data, incoming, state.tombstone))
        return None, losers

    if op.op == "delete":
        if keep_losers and state.exists:
            newest = state.newest()
            seen = op.base.get(ROW) if op.base else None
            if newest is not None and seen is not None and Clock.decode_key(seen) != newest.key:
                later = {
                    name: value
                    for name, value in (state.values or {}).items()
                    if (c := field_clock(state.clocks, name)) is not None
                    and c.key > Clock.decode_key(seen)
                }
                if later:
                    losers.append(Loser(op.table, op.row_id, ROW, later, newest, incoming))
        return op, losers

    if not state.exists or (op.op == "insert" and not state.clocks):
        if op.op == "insert":  # a new row, or one a migration made here (it replaces it)
            return (replace(op, carried=()) if op.carried else op), losers
        return None, losers  # an edit of a row this receiver never had: nothing to edit
    row_clock = state.clocks.get(ROW)
    if op.op == "insert" and row_clock is not None and row_clock.key == incoming.key:
        return None, losers  # the same insert again

    # The row exists: compare field by field. An insert of an existing row (the same
    # record sent again, or a setting both sides created) counts as an edit of every
    # field it carries, except the fields it only carries along (``carried``).
    values = state.values or {}
    carried = set(op.carried)
    winning: dict[str, Any] = {}
    for name, value in (op.data or {}).items():
        if name in carried:
            continue
        current = field_clock(state.clocks, name)
        if current is None or incoming.key > current.key:
            if (
                keep_losers
                and current is not None
                and _raced(op, name, current)
                and values.get(name) != value
            ):
                losers.append(Loser(op.table, op.row_id, name, values.get(name), current, incoming))
            winning[name] = value
        elif incoming.key < current.key and keep_losers and values.get(name) != value:
            # An author who had seen the current value would have a later clock
            # (receiving moves the clock forward), so an older write always raced it.
            losers.append(Loser(op.table, op.row_id, name, value, incoming, current))
    if not winning:
        return None, losers
    if op.op == "update" and not op.carried and len(winning) == len(op.data or {}):
        return op, losers  # every field wins: the operation as it came
    return replace(op, op="update", data=winning, carried=()), losers


def merge_ops(
    states: dict[tuple[str, str], RowState], ops: Iterable[Op], *, keep_losers: bool
) -> tuple[list[Op], list[Loser]]:
    """Merge a sequence of operations, updating ``states`` as each is applied, so later
    operations of the same batch see the effect of earlier ones."""
    applied: list[Op] = []
    losers: list[Loser] = []
    for op in ops:
        key = (op.table, op.row_id)
        state = states.setdefault(key, RowState(None))
        result, lost = merge_op(state, op, keep_losers=keep_losers)
        losers.extend(lost)
        if result is None:
            continue
        applied.append(result)
        advance(state, result)
    return applied, losers


def advance(state: RowState, op: Op) -> None:
    """``state`` after ``op`` (as :func:`merge_op` returned it) is applied."""
    clock = _clock_of(op)
    if op.op == "delete":
        state.values = None
        state.clocks = {}
        state.tombstone = clock
    elif op.op == "insert":
        state.values = dict(op.data or {})
        state.clocks = {ROW: clock}
    else:
        state.values = {**(state.values or {}), **(op.data or {})}
        for name in op.data or {}:
            state.clocks[name] = clock
