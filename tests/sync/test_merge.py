"""The merge as a pure function: convergence, idempotence, and every losing value kept."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from klantapp.casebook.apply import ROW, Clock
from klantapp.casebook.hlc import Timestamp
from klantapp.casebook.ops import Op
from klantapp.sync.merge import RowState, advance, merge_op, merge_ops

DEVICES = ("laptopaaaaaaaaaa", "laptopbbbbbbbbbb", "hubccccccccccccc")


def _op(
    kind: str,
    wall: int,
    device: str,
    data: dict[str, Any] | None = None,
    *,
    row: str = "r1",
    base: dict[str, str] | None = None,
    seq: int = 1,
) -> Op:
    ts = Timestamp(wall, 0, device).encode()
    return Op("notes", row, kind, data, ts, device, seq, base)  # type: ignore[arg-type]


def _clock(wall: int, device: str) -> str:
    return Timestamp(wall, 0, device).encode()


def _state(values: dict[str, Any], wall: int, device: str) -> RowState:
    return RowState(dict(values), {ROW: Clock(Timestamp(wall, 0, device).pack(), device)})


def test_a_newer_edit_wins_and_an_older_one_is_kept_as_a_loser() -> None:
    state = _state({"text": "eerst"}, 10, DEVICES[0])
    newer = _op("update", 30, DEVICES[1], {"text": "nieuw"}, base={"text": _clock(10, DEVICES[0])})
    applied, losers = merge_op(state, newer, keep_losers=True)
    assert applied is not None and applied.data == {"text": "nieuw"}
    assert losers == []  # made on top of the current value: no race
    advance(state, applied)
    older = _op("update", 20, DEVICES[0], {"text": "oud"}, base={"text": _clock(10, DEVICES[0])})
    applied, losers = merge_op(state, older, keep_losers=True)
    assert applied is None
    assert [(lo.field, lo.value) for lo in losers] == [("text", "oud")]


def test_an_edit_that_did_not_see_the_current_value_keeps_the_value_it_replaces() -> None:
    state = _state({"text": "eerst"}, 10, DEVICES[0])
    state.clocks["text"] = Clock(Timestamp(20, 0, DEVICES[2]).pack(), DEVICES[2])
    state.values = {"text": "van het kantoor"}
    raced = _op(
        "update", 30, DEVICES[0], {"text": "van de laptop"}, base={"text": _clock(10, DEVICES[0])}
    )
    applied, losers = merge_op(state, raced, keep_losers=True)
    assert applied is not None and applied.data == {"text": "van de laptop"}
    assert [(lo.value, lo.loser.device) for lo in losers] == [("van het kantoor", DEVICES[2])]


def test_a_delete_wins_and_edits_made_after_what_the_deleter_saw_are_kept() -> None:
    state = _state({"text": "eerst"}, 10, DEVICES[0])
    edit = _op("update", 20, DEVICES[1], {"text": "bewerkt"}, base={"text": _clock(10, DEVICES[0])})
    applied, _ = merge_op(state, edit, keep_losers=True)
    assert applied is not None
    advance(state, applied)
    delete = _op("delete", 15, DEVICES[0], base={ROW: _clock(10, DEVICES[0])})
    applied, losers = merge_op(state, delete, keep_losers=True)
    assert applied is not None and applied.op == "delete"
    assert losers and losers[0].value == {"text": "bewerkt"}
    advance(state, applied)
    late = _op("update", 40, DEVICES[1], {"text": "te laat"}, base={"text": _clock(20, DEVICES[1])})
    applied, losers = merge_op(state, late, keep_losers=True)
    assert applied is None  # a tombstone is final
    assert losers[0].value == {"text": "te laat"}


def test_the_same_operation_twice_changes_nothing() -> None:
    state = RowState(None)
    insert = _op("insert", 10, DEVICES[0], {"text": "a", "household_id": "h"})
    applied, _ = merge_op(state, insert, keep_losers=True)
    assert applied is not None
    advance(state, applied)
    assert merge_op(state, insert, keep_losers=True) == (None, [])
    edit = _op("update", 20, DEVICES[0], {"text": "b"}, base={"text": _clock(10, DEVICES[0])})
    applied, _ = merge_op(state, edit, keep_losers=True)
    assert applied is not None
    advance(state, applied)
    assert merge_op(state, edit, keep_losers=True) == (None, [])


def test_carried_fields_fill_a_new_row_but_never_compete() -> None:
    state = _state({"text": "nieuwer", "household_id": "h"}, 10, DEVICES[0])
    state.clocks["text"] = Clock(Timestamp(50, 0, DEVICES[0]).pack(), DEVICES[0])
    insert = Op(
        "notes",
        "r1",
        "insert",
        {"text": "oud", "household_id": "h"},
        _clock(5, DEVICES[1]),
        DEVICES[1],
        1,
        carried=("text",),
    )
    assert merge_op(state, insert, keep_losers=True) == (None, [])
    fresh, _ = merge_op(RowState(None), insert, keep_losers=True)
    assert fresh is not None and fresh.data == {"text": "oud", "household_id": "h"}
    assert fresh.carried == ()


# --- properties -----------------------------------------------------------------------

FIELDS = ("text", "kind")
_write = st.tuples(
    st.sampled_from(("update", "delete")),
    st.integers(min_value=11, max_value=60),  # wall clock
    st.sampled_from(DEVICES),
    st.sampled_from(FIELDS),
    st.sampled_from(("a", "b", "c", "d")),
)


def _ops(writes: list[tuple[str, int, str, str, str]]) -> list[Op]:
    """An insert at time 10, then the writes; all edits made on top of the insert."""
    base_clock = _clock(10, DEVICES[0])
    ops = [_op("insert", 10, DEVICES[0], {"text": "x", "kind": "y"})]
    seen: set[tuple[int, str]] = set()
    for i, (kind, wall, device, name, value) in enumerate(writes):
        if (wall, device) in seen:
            continue  # one device never writes twice with one clock
        seen.add((wall, device))
        if kind == "delete":
            ops.append(_op("delete", wall, device, base={ROW: base_clock}, seq=i + 2))
        else:
            ops.append(
                _op("update", wall, device, {name: value}, base={name: base_clock}, seq=i + 2)
            )
    return ops


def _final(ops: list[Op]) -> tuple[Any, ...]:
    state: dict[tuple[str, str], RowState] = {}
    merge_ops(state, ops, keep_losers=False)
    row = state[("notes", "r1")]
    return (row.values, {k: v.key for k, v in row.clocks.items()}, row.tombstone)


@settings(max_examples=200)
@given(st.lists(_write, max_size=12), st.randoms(use_true_random=False))
def test_every_delivery_order_ends_in_the_same_state(writes: Any, rnd: Any) -> None:
    ops = _ops(writes)
    first = _final(ops)
    for _ in range(4):
        rest = ops[1:]
        rnd.shuffle(rest)
        assert _final([ops[0], *rest]) == first  # the insert always comes first


@settings(max_examples=200)
@given(st.lists(_write, max_size=12), st.randoms(use_true_random=False))
def test_delivering_everything_twice_is_the_same_as_once(writes: Any, rnd: Any) -> None:
    ops = _ops(writes)
    twice = [ops[0], *ops[1:], *ops[1:]]
    rnd.shuffle(twice[1:])
    assert _final(twice) == _final(ops)


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(st.integers(min_value=11, max_value=60), st.sampled_from(DEVICES)),
        min_size=1,
        max_size=6,
        unique=True,
    ),
    st.randoms(use_true_random=False),
)
def test_of_racing_edits_one_wins_and_every_other_value_is_kept(
    stamps: list[tuple[int, str]], rnd: Any
) -> None:
    base_clock = _clock(10, DEVICES[0])
    edits = [
        _op("update", wall, device, {"text": f"v{i}"}, base={"text": base_clock}, seq=i + 1)
        for i, (wall, device) in enumerate(stamps)
    ]
    rnd.shuffle(edits)
    state = {("notes", "r1"): _state({"text": "begin"}, 10, DEVICES[0])}
    _applied, losers = merge_ops(state, edits, keep_losers=True)
    winner = max(edits, key=lambda o: (Timestamp.decode(o.hlc).pack(), o.device))
    assert state[("notes", "r1")].values == {"text": winner.data["text"]}  # type: ignore[index]
    expected = {str(o.data["text"]) for o in edits if o is not winner}  # type: ignore[index]
    assert {str(lo.value) for lo in losers} == expected


def test_an_insert_of_a_row_a_migration_made_here_is_taken_whole() -> None:
    """A migration writes rows without clocks (every replica makes them alike); the
    first insert of such a row to arrive replaces it, clocks and all, so both sides
    end with the same row and the same clocks (their state digests agree)."""
    made = RowState({"text": "van de migratie", "by": "migratie"})
    insert = _op("insert", 10, DEVICES[2], {"text": "van het kantoor"})
    applied, losers = merge_op(made, insert, keep_losers=True)
    assert applied == insert and losers == []
    advance(made, applied)
    assert made.values == {"text": "van het kantoor"} and set(made.clocks) == {ROW}

    # an edit of such a row is an edit as before: the fields it writes
    made = RowState({"text": "van de migratie", "by": "migratie"})
    edit = _op("update", 10, DEVICES[2], {"text": "nieuw"})
    assert merge_op(made, edit, keep_losers=True) == (edit, [])
