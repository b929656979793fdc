"""Retention and destruction (Archiefwet 1995, Selectielijst gemeenten; art. 5(1)(e)
AVG): what is due, and the destruction run.

A household's dossier is *closed* when its status is afgerond or vertrokken; the day
it closed is the day that status was written (the field's clock). Each record kind is
kept a number of years after that (:data:`klantapp.domain.privacy.RETENTION_RULES`,
the gemeente's choices in the setting ``retention``). When the household itself is
due, the whole dossier goes.

A destruction is one change: a delete of every row (replicated: the tombstone keeps
only the ids, so a sync can never bring the rows back, and the central office or the
owner's laptop deletes them too), then on this device the rows' history goes at once
-- oplog lines, change summaries, undo values, conflicts, access and correction
entries (the shared inzage requests and audit entries of a destroyed household are
deleted with it, on every device), the words in the search index -- and the casebook is compacted with a
vacuum, so the snapshot and journal on disk hold nothing of them. The destruction log
keeps counts per record kind, no ids, no names.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from klantapp.avg.log import log_access, now_utc
from klantapp.casebook.apply import local_value
from klantapp.casebook.casebook import Casebook
from klantapp.casebook.ops import AVG_TABLES
from klantapp.domain.privacy import (
    CLOSED_STATUSES,
    RETENTION_RULES,
    destroy_after,
    retention_years,
)
from klantapp.domain.records import HOUSEHOLD_CHILDREN
from klantapp.i18n import _


@dataclass
class DuePlan:
    """What a destruction run on ``on`` would remove."""

    on: date
    households: list[str] = field(default_factory=list)  # whole dossiers
    rows: list[tuple[str, str]] = field(default_factory=list)  # (kind, id), children included
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (household id, why)

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(kind for kind, _id in self.rows).items()))


def _closed_on(conn: Any, household_id: str) -> date | None:
    """The day the dossier's status was last written (its field clock): the records
    hold no closing date, so an imported closed dossier counts as closed on the day of
    the import (docs/retention.md: never too early, maybe later than the rule)."""
    row = conn.execute(
        "SELECT hlc FROM clocks WHERE tbl = 'households' AND row_id = ? "
        "AND field IN ('status', '') ORDER BY field DESC LIMIT 1",
        (household_id,),
    ).fetchone()
    if row is None:
        return None
    return datetime.fromtimestamp((int(row[0]) >> 16) / 1000, UTC).date()


def _unsent_rows(conn: Any) -> set[str]:
    """Row ids with changes this laptop has not sent yet (those wait: a destruction
    must not leave the office a change it can never receive whole)."""
    ids: set[str] = set()
    for (raw,) in conn.execute("SELECT value FROM sync_outbox"):
        for op in json.loads(raw).get("ops") or ():
            ids.add(str(op.get("id")))
    return ids


def due(cb: Casebook, on: date | None = None) -> DuePlan:
    on = on or date.today()
    plan = DuePlan(on)
    chosen = cb.get_setting("retention", {})
    with cb.reading() as conn:
        unsent = _unsent_rows(conn)
        me = cb.device_id
        laptop = local_value(conn, "sync_state", "role") == "laptop"
        for hid, status, owner in conn.execute(
            "SELECT id, status, owner FROM households WHERE status IN (?, ?)",
            tuple(sorted(CLOSED_STATUSES)),
        ).fetchall():
            closed = _closed_on(conn, hid)
            if closed is None or status not in CLOSED_STATUSES:
                continue
            if laptop and owner not in (None, me):
                continue  # another klantmanager's: the office or its owner destroys it
            whole = destroy_after(closed, retention_years("households", chosen)) <= on
            rows: list[tuple[str, str]] = []
            for kind in HOUSEHOLD_CHILDREN:
                if not whole and destroy_after(closed, retention_years(kind, chosen)) > on:
                    continue
                rows += [
                    (kind, r[0])
                    for r in conn.execute(f"SELECT id FROM {kind} WHERE household_id = ?", (hid,))
                ]
            if whole:
                # the household's inzage requests and audit entries go with it
                for table in AVG_TABLES:
                    rows += [
                        (table, r[0])
                        for r in conn.execute(
                            f"SELECT id FROM {table} WHERE household_id = ?", (hid,)
                        )
                    ]
                rows.append(("households", hid))
            if not rows:
                continue
            if unsent & ({hid} | {r for _k, r in rows}):
                plan.skipped.append(
                    (hid, _("eerst synchroniseren: er zijn onverzonden wijzigingen"))
                )
                continue
            if whole:
                plan.households.append(hid)
            plan.rows += rows
    return plan


@dataclass(frozen=True)
class DestructionReport:
    counts: dict[str, int]
    households: int
    log_id: str


def destroy(cb: Casebook, plan: DuePlan) -> DestructionReport:
    """Carry out ``plan`` (see :func:`due`): one change, then compaction."""
    rows = list(plan.rows)
    ids = {r for _k, r in rows}
    households = set(plan.households)
    counts = plan.counts()
    log_id = f"{now_utc()}-{uuid.uuid4().hex[:8]}"
    with cb.transaction(summary="") as tx:
        with cb.reading() as conn:
            conflicts = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM conflicts WHERE household_id IN (SELECT value FROM json_each(?)) "
                    "OR row_id IN (SELECT value FROM json_each(?))",
                    (json.dumps(sorted(households)), json.dumps(sorted(ids))),
                )
            ]
        order = {
            k: i
            for i, k in enumerate(
                ("conflicts", *AVG_TABLES, *reversed(HOUSEHOLD_CHILDREN), "households")
            )
        }
        doomed = [("conflicts", c) for c in conflicts] + sorted(rows, key=lambda r: order[r[0]])
        tx.delete_rows(doomed, destroyed=True)  # the tombstones keep the mark, for sync
        tx.forget(rows=doomed)  # also the undo values, AVG entries and notices about them
        tx.put_local(
            "avg_destructions",
            log_id,
            {
                "at": now_utc(),
                "actor": tx.actor,
                "reference_date": plan.on.isoformat(),
                "households": len(households),
                "counts": counts,
            },
        )
        # the run is an action of the Logboek too: counts only, about no household
        log_access(
            tx,
            "destruction",
            what=_(
                "Vernietigd na bewaartermijn (peildatum {on}): {households} huishoudens "
                "geheel, {n} gegevens"
            ).format(on=plan.on.isoformat(), households=len(households), n=len(rows)),
        )
        tx.summary = _("Vernietigd na bewaartermijn: {n} gegevens").format(n=len(rows))
    cb.compact(vacuum=True)
    return DestructionReport(counts, len(households), log_id)


def destruction_log(cb: Casebook) -> list[dict[str, Any]]:
    with cb.reading() as conn:
        rows = conn.execute("SELECT id, value FROM avg_destructions ORDER BY id").fetchall()
    return [{"id": rid, **json.loads(v)} for rid, v in rows]


def rules_table(cb: Casebook) -> list[dict[str, Any]]:
    chosen = cb.get_setting("retention", {})
    return [
        {
            "kind": kind,
            "years": retention_years(kind, chosen),
            "default": rule.years,
            "choice": list(rule.choice),
            "basis": _(rule.basis),
        }
        for kind, rule in RETENTION_RULES.items()
    ]
