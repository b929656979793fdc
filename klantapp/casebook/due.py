"""What is due or overdue in a casebook on a given date (Wi2021 deadline rules).

The rules themselves are pure functions in :mod:`klantapp.domain.deadlines`; this
module gathers each household's records in bulk and hands them over.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from klantapp.casebook.casebook import Casebook
from klantapp.casebook.gcpause import gc_paused
from klantapp.casebook.queries import _rows
from klantapp.domain.deadlines import DueItem, due_for_household
from klantapp.i18n import _


def due_items(cb: Casebook, on: date, *, horizon_days: int = 14) -> list[DueItem]:
    """Everything due within ``horizon_days`` of ``on`` or already overdue, by date."""
    with gc_paused():  # every record of the casebook as dicts: no cycles among them
        with cb.reading() as conn:
            households = _rows(
                conn,
                "households",
                "SELECT * FROM households WHERE status NOT IN ('afgerond', 'vertrokken')",
            )
            grouped: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(
                lambda: defaultdict(list)
            )
            for kind in (
                "persons",
                "pips",
                "appointments",
                "handhaving",
                "duo_decisions",
                "trajectmodules",
                "exam_attempts",
            ):
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
                    modules=g.get("trajectmodules", []),
                    exams=g.get("exam_attempts", []),
                )
            )
        items.extend(_avg_items(cb, on, horizon_days))
        items.sort(key=lambda i: (i.due_on, i.household_id, i.rule))
        return items


def _avg_items(cb: Casebook, on: date, horizon_days: int) -> list[DueItem]:
    """Open access requests (art. 15 AVG): answer within a month of receipt."""
    from klantapp.avg.inzage import open_requests

    out = []
    for request in open_requests(cb):
        deadline = date.fromisoformat(request["deadline"])
        if (deadline - on).days > max(horizon_days, 31):
            continue
        out.append(
            DueItem(
                rule="avg_inzage",
                title=_("Inzageverzoek (AVG) beantwoorden"),
                due_on=deadline,
                overdue=deadline < on,
                household_id=request["household_id"],
                person_id=request["person_id"],
                detail=_(
                    "Ontvangen op {day}; binnen een maand een inzage geven (art. 12 en 15 AVG)."
                ).format(day=request["received_on"]),
            )
        )
    return out
