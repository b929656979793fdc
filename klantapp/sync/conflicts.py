"""Conflicts: values that lost to a concurrent edit, kept for a person to decide.

The central office records them while merging (one row per losing value, with who
and when on both sides); they travel to the laptop that owns the household. Keeping
the losing value makes it a new edit on top of the current one; keeping the current
value only closes the conflict. Either way the decision is itself a change, so it
reaches every replica.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from klantapp.casebook import Casebook
from klantapp.casebook.apply import ROW
from klantapp.domain.records import RECORD_KINDS
from klantapp.errors import KlantappError
from klantapp.i18n import _
from klantapp.sync.lines import read_row

OPEN = "open"
RESOLVED = "resolved"


def field_label(table: str, name: str) -> str:
    kind = RECORD_KINDS.get(table)
    if name == ROW:
        return _("het hele gegeven (verwijderd)")
    if kind is not None and name in kind.field_names:
        return _(kind.field(name).label)
    return name


def _restricted(table: str, name: str) -> bool:
    kind = RECORD_KINDS.get(table)
    if kind is None:
        return False
    if name == ROW:
        return any(f.restricted for f in kind.fields)
    return name in kind.field_names and kind.field(name).restricted


def value_text(value: Any) -> str:
    if value is None:
        return _("(leeg)")
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in sorted(value.items()))
    return str(value)


def list_conflicts(
    cb: Casebook, *, show_restricted: bool = False, include_resolved: bool = False
) -> list[dict[str, Any]]:
    """Every kept losing value beside the current one, newest first. Values of health
    fields are hidden unless ``show_restricted``."""
    out: list[dict[str, Any]] = []
    with cb.reading() as conn:
        rows = conn.execute(
            "SELECT c.id, c.household_id, h.name, c.tbl, c.row_id, c.field, c.kept_value, "
            "c.kept_hlc, c.kept_actor, c.kept_at, c.winner_hlc, c.winner_actor, c.winner_at, "
            "c.detected_at, c.status, c.resolved_by, c.resolved_at FROM conflicts c "
            "LEFT JOIN households h ON h.id = c.household_id "
            + ("" if include_resolved else "WHERE c.status = 'open' ")
            + "ORDER BY c.detected_at DESC, c.id"
        ).fetchall()
        for (
            cid,
            household_id,
            household,
            table,
            row_id,
            name,
            kept_json,
            kept_hlc,
            kept_actor,
            kept_at,
            winner_hlc,
            winner_actor,
            winner_at,
            detected_at,
            status,
            resolved_by,
            resolved_at,
        ) in rows:
            kept = json.loads(kept_json) if kept_json is not None else None
            current_row = read_row(conn, table, row_id)
            current = current_row.get(name) if (current_row and name != ROW) else None
            hidden = _restricted(table, name) and not show_restricted
            kind = RECORD_KINDS.get(table)
            out.append(
                {
                    "id": cid,
                    "household_id": household_id,
                    "household": household,
                    "table": table,
                    "record": _(kind.label) if kind else table,
                    "row_id": row_id,
                    "field": name,
                    "field_label": field_label(table, name),
                    "restricted": _restricted(table, name),
                    "kept_value": None if hidden else kept,
                    "kept_text": _("(vertrouwelijk)") if hidden else value_text(kept),
                    "current_value": None if hidden else current,
                    "current_text": _("(verwijderd)")
                    if current_row is None
                    else (_("(vertrouwelijk)") if hidden else value_text(current)),
                    "kept_clock": kept_hlc,
                    "kept_actor": kept_actor,
                    "kept_at": kept_at,
                    "winner_clock": winner_hlc,
                    "winner_actor": winner_actor,
                    "winner_at": winner_at,
                    "detected_at": detected_at,
                    "status": status,
                    "status_label": _("open") if status == OPEN else _("opgelost"),
                    "resolved_by": resolved_by,
                    "resolved_at": resolved_at,
                    "can_keep": current_row is not None and name != ROW,
                }
            )
    return out


def resolve(cb: Casebook, conflict_id: str, *, keep_losing_value: bool) -> None:
    """ "Deze houden": with ``keep_losing_value`` the kept value becomes a new edit;
    otherwise the current value stays. The conflict is closed in the same change."""
    with cb.transaction(summary=_("Conflict opgelost")) as tx:
        conn = tx._conn
        row = conn.execute(
            "SELECT tbl, row_id, field, kept_value, status FROM conflicts WHERE id = ?",
            (conflict_id,),
        ).fetchone()
        if row is None:
            raise KlantappError(_("Dit conflict bestaat niet (meer)."))
        table, row_id, name, kept_json, status = row
        if status != OPEN:
            return
        if keep_losing_value:
            if name == ROW or read_row(conn, table, row_id) is None:
                raise KlantappError(
                    _("Het gegeven is verwijderd; de bewaarde waarde kan niet terug."),
                    hint=_("Voer het zo nodig opnieuw in."),
                )
            tx.update(table, row_id, {name: json.loads(kept_json)})
        tx.update(
            "conflicts",
            conflict_id,
            {
                "status": RESOLVED,
                "resolved_by": cb.actor,
                "resolved_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            },
        )
