"""A hypothesis state machine over a central office and 2-3 laptops.

Random edits on the laptops' own households and on shared reference data (ketenpartners
at the office and on laptops, the letterhead at the office), random delivery: bundles lost, duplicated, re-delivered late, in any
order; reassignments, compactions and reopens. Invariants, once every bundle is
delivered: every laptop holds exactly the office's state for what it may hold, and no
written value is lost silently -- it is the current value, or a later write was made
on top of it, or it is kept in the conflicts table.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
)

from klantapp.casebook import Casebook, Transaction
from klantapp.casebook.ops import Op
from klantapp.sync import state as sync_state
from klantapp.sync.digest import state_digest
from klantapp.sync.hub import office
from tests.sync.world import World

CITIES = ("Dalen", "Heuveldal", "Oosterend", "Zuidwolde")
PHONES = ("0548-111111", "0548-222222", "0548-333333")


class Exchange(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="klantapp-sync-prop-"))
        self.world = World.make(self.tmp)
        self.archive: list[tuple[Path, bytes]] = []  # every bundle ever seen in the folder
        self.writes: list[Op] = []  # every replicated write, with the author's base clocks
        self.rng = random.Random(0)

    def teardown(self) -> None:
        self.world.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- set-up and edits ------------------------------------------------------------

    @initialize(count=st.integers(min_value=2, max_value=3))
    def laptops(self, count: int) -> None:
        for name in ("Anna", "Bram", "Carla")[:count]:
            self.world.add_laptop(name)
        with self.world.hub.transaction() as tx:
            tx.insert("partners", {"name": "Taalcentrum", "kind": "taalschool"}, row_id="partner-1")
        self._record(tx)
        self.world.settle(rounds=1)  # every laptop has the shared partner: edits can race

    def _record(self, tx: Transaction) -> None:
        self.writes.extend(tx.ops)

    def _laptop(self, index: int) -> Casebook:
        names = list(self.world.laptops)
        return self.world.laptops[names[index % len(names)]]

    def _own(self, cb: Casebook) -> list[str]:
        with cb.reading() as conn:
            return [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM households WHERE owner = ? ORDER BY id", (cb.device_id,)
                )
            ]

    @rule(who=st.integers(0, 2), n=st.integers(0, 10_000))
    def new_household(self, who: int, n: int) -> None:
        cb = self._laptop(who)
        with cb.transaction() as tx:
            tx.insert("households", {"name": f"Familie {n}", "status": "azc"})
        self._record(tx)

    @rule(who=st.integers(0, 2), pick=st.integers(0, 50), city=st.sampled_from(CITIES))
    def edit_household(self, who: int, pick: int, city: str) -> None:
        cb = self._laptop(who)
        own = self._own(cb)
        if not own:
            return
        with cb.transaction() as tx:
            tx.update("households", own[pick % len(own)], {"city": city})
        self._record(tx)

    @rule(who=st.integers(0, 2), pick=st.integers(0, 50), text=st.sampled_from(("a", "b", "c")))
    def add_note(self, who: int, pick: int, text: str) -> None:
        cb = self._laptop(who)
        own = self._own(cb)
        if not own:
            return
        with cb.transaction() as tx:
            tx.insert(
                "notes",
                {
                    "household_id": own[pick % len(own)],
                    "text": text,
                    "created_at": "2026-12-01T10:00",
                },
            )
        self._record(tx)

    @rule(who=st.integers(0, 2), pick=st.integers(0, 50))
    def delete_note(self, who: int, pick: int) -> None:
        cb = self._laptop(who)
        own = set(self._own(cb))
        with cb.reading() as conn:
            notes = [
                r[0]
                for r in conn.execute("SELECT id, household_id FROM notes ORDER BY id")
                if r[1] in own
            ]
        if not notes:
            return
        with cb.transaction() as tx:
            tx.delete("notes", notes[pick % len(notes)])
        self._record(tx)

    @rule(who=st.integers(-1, 2), phone=st.sampled_from(PHONES))
    def edit_partner(self, who: int, phone: str) -> None:
        cb = self.world.hub if who < 0 else self._laptop(who)
        with cb.reading() as conn:
            if conn.execute("SELECT 1 FROM partners WHERE id = 'partner-1'").fetchone() is None:
                return
        with cb.transaction() as tx:
            tx.update("partners", "partner-1", {"phone": phone})
        self._record(tx)

    @rule(phone=st.sampled_from(PHONES))
    def office_edits_the_letterhead(self, phone: str) -> None:
        """Shared settings are the office's: only it writes them (laptops cannot)."""
        self.world.hub.set_setting("gemeente", {"name": "Heuveldal", "phone": phone})

    @rule(pick=st.integers(0, 50), to=st.integers(0, 2))
    def reassign(self, pick: int, to: int) -> None:
        with self.world.hub.reading() as conn:
            households = [r[0] for r in conn.execute("SELECT id FROM households ORDER BY id")]
        if not households:
            return
        target = self._laptop(to)
        office.assign(self.world.hub, households[pick % len(households)], target.device_id)

    # --- delivery ----------------------------------------------------------------------

    def _snapshot_folder(self) -> None:
        for path in sorted(self.world.folder.glob("to-*/*.kbundle")):
            self.archive.append((path, path.read_bytes()))

    @rule(who=st.integers(0, 2))
    def laptop_syncs(self, who: int) -> None:
        name = list(self.world.laptops)[who % len(self.world.laptops)]
        self.world.sync_laptop(name)
        self._snapshot_folder()

    @rule()
    def hub_syncs(self) -> None:
        self.world.sync_hub()
        self._snapshot_folder()

    @rule(pick=st.integers(0, 1000))
    def lose_a_bundle(self, pick: int) -> None:
        waiting = sorted(self.world.folder.glob("to-*/*.kbundle"))
        if waiting:
            waiting[pick % len(waiting)].unlink()

    @precondition(lambda self: bool(self.archive))
    @rule(pick=st.integers(0, 1000))
    def deliver_an_old_bundle_again(self, pick: int) -> None:
        path, data = self.archive[pick % len(self.archive)]
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)

    @rule(who=st.integers(-1, 2))
    def compact(self, who: int) -> None:
        (self.world.hub if who < 0 else self._laptop(who)).compact()

    @rule(who=st.integers(-1, 2))
    def reopen(self, who: int) -> None:
        name = "hub" if who < 0 else list(self.world.laptops)[who % len(self.world.laptops)]
        self.world.reopen(name)

    # --- invariants ------------------------------------------------------------------

    def teardown_check(self) -> None:
        """Deliver everything, then compare every replica with the office."""
        self.world.settle(rounds=4)
        hub = self.world.hub
        for cb in self.world.laptops.values():
            assert _scope(cb, cb.device_id) == _scope(hub, cb.device_id)
            with cb.reading() as conn:
                stray = conn.execute(
                    "SELECT count(*) FROM households WHERE owner != ?", (cb.device_id,)
                ).fetchone()[0]
            assert stray == 0  # handed-over households have left
            assert cb.is_laptop
            from klantapp.sync import laptop

            assert laptop.status(cb)["unsent_changes"] == 0
            # the digest the office last sent it, from its kept household sums moved by
            # each import, is the one a fresh count gives (and the laptop's own)
            with hub.reading() as conn:
                sent = sync_state.get_in(conn, "sync_peers", cb.device_id)["sent_digests"]
                fresh = state_digest(conn, cb.device_id)
            assert sent[max(sent, key=int)] == fresh
            with cb.reading() as conn:
                assert state_digest(conn, cb.device_id) == fresh
        _nothing_lost(hub, self.writes)
        # the office's sums, moved by every import, never disagreed with a laptop (a
        # disagreement heals by sending everything again, which would hide a wrong sum)
        assert self.world.digests_differed == []
        with hub.reading() as conn:
            conflicts = conn.execute("SELECT count(*) FROM conflicts").fetchone()[0]
        event(f"conflicts kept: {min(conflicts, 3)}{'+' if conflicts >= 3 else ''}")


def _scope(cb: Casebook, device: str) -> dict[str, Any]:
    with cb.reading() as conn:
        households = conn.execute(
            "SELECT id, name, city, status FROM households WHERE owner = ? ORDER BY id", (device,)
        ).fetchall()
        ids = [h[0] for h in households]
        notes = [
            r
            for r in conn.execute("SELECT id, household_id, text FROM notes ORDER BY id")
            if r[1] in ids
        ]
        partners = conn.execute("SELECT id, name, phone FROM partners ORDER BY id").fetchall()
        settings_ = conn.execute("SELECT id, value FROM settings ORDER BY id").fetchall()
        conflicts = conn.execute(
            "SELECT id, tbl, row_id, field, kept_value, status FROM conflicts "
            "WHERE household_id IS NULL OR household_id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (json.dumps(ids),),
        ).fetchall()
    return {
        "households": households,
        "notes": notes,
        "partners": partners,
        "settings": settings_,
        "conflicts": conflicts,
    }


def _nothing_lost(hub: Casebook, writes: list[Op]) -> None:
    """Every written field value can still be found: it is the current value, a later
    write was made on top of it (its author saw it), or it is kept in ``conflicts``
    (a value that lost to an equal value needs no conflict of its own: it is there)."""
    with hub.reading() as conn:
        kept: dict[tuple[str, str, str], set[str]] = {}
        for tbl, row_id, name, value in conn.execute(
            "SELECT tbl, row_id, field, kept_value FROM conflicts"
        ):
            kept.setdefault((tbl, row_id, name), set()).add(value)
        deleted = {(r[0], r[1]) for r in conn.execute("SELECT tbl, row_id FROM tombstones")}
        current: dict[tuple[str, str], dict[str, Any]] = {}
        for table in ("households", "notes", "partners"):
            cur = conn.execute(f"SELECT * FROM {table}")
            cols = [d[0] for d in cur.description]
            for row in cur.fetchall():
                current[(table, row[0])] = dict(zip(cols, row, strict=True))
    built_on = {
        (o.table, o.row_id, f, clock) for o in writes for f, clock in (o.base or {}).items()
    }
    # A value someone built on was seen: another write of the same value that lost to
    # it without a conflict of its own lost nothing.
    for op in writes:
        for name, value in (op.data or {}).items():
            if op.op == "update" and (op.table, op.row_id, name, op.hlc) in built_on:
                kept.setdefault((op.table, op.row_id, name), set()).add(
                    json.dumps(value, ensure_ascii=False, sort_keys=True)
                )
    for op in writes:
        if op.op != "update" or (op.table, op.row_id) in deleted:
            continue  # a delete wins over every edit of the row
        for name, value in (op.data or {}).items():
            if current.get((op.table, op.row_id), {}).get(name) == value:
                continue
            if (op.table, op.row_id, name, op.hlc) in built_on:
                continue
            found = kept.get((op.table, op.row_id, name), set())
            assert json.dumps(value, ensure_ascii=False, sort_keys=True) in found, (op, name)


Exchange.TestCase.settings = settings(
    max_examples=int(__import__("os").environ.get("KLANTAPP_SYNC_EXAMPLES", "12")),
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


class TestExchange(Exchange.TestCase):  # type: ignore[name-defined,misc]
    pass


def _teardown(self: Exchange) -> None:
    try:
        self.teardown_check()
    finally:
        self.world.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


Exchange.teardown = _teardown  # type: ignore[method-assign]
