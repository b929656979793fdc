"""What is due or overdue in a casebook on a given date (Wi2021 deadline rules).

The rules themselves are pure functions in :mod:`klantapp.domain.deadlines`; this
module gathers each household's records in bulk and hands them over.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from klantapp.casebook.casebook import Casebook
from klantapp.casebook.queries import _rows
from klantapp.domain.deadlines import DueItem, due_for_household


def due_items(cb: Casebook, on: date, *, horizon_days: int = 14) -> list[DueItem]:
    """Everything due within ``horizon_days`` of ``on`` or already overdue, by date."""
    with cb.reading() as conn:
        households = _rows(
            conn,
            "households",
            "SELECT * FROM households WHERE status NOT IN ('afgerond', 'vertrokken')",
        )
        grouped: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
        for kind in ("persons", "pips", "appointments", "handhaving", "duo_decisions"):
            for row in _rows(conn, kind, f"SELECT * FROM {kind}"):
                grouped[row["household_id"]][kind].append(row)
    items: list[DueItem] = []
    for h in households:
        g = grouped.get(h["id"], {})
        items.extend(
            due_for_household(
                h,
                g.get("persons", []),
                g.get("pips", []),
                g.get("appointments", []),
                on,
                horizon_days=horizon_days,
                handhaving=g.get("handhaving", []),
                decisions=g.get("duo_decisions", []),
            )
        )
    items.sort(key=lambda i: (i.due_on, i.household_id, i.rule))
    return items
