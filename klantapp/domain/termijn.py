"""The inburgeringstermijn: when it starts, its last day, and DUO's decisions on it.

* **Start** (art. 11 lid 2 Wi2021): the day after the dagtekening of the first PIP.
  A new PIP version, a PIP after bezwaar or after a move does not move it (art. 11
  lid 3). Someone who moved here keeps the start DUO or the previous gemeente reports:
  a DUO decision of kind ``termijn_start`` records it.
* **Last day** (art. 11 lid 1: "binnen drie jaar"): the start plus three years minus
  one day, which is the PIP's dagtekening plus three years. A dagtekening on 29
  February 2024 gives 28 February 2027.
* **Verlenging** (art. 12 Wi2021; Besluit inburgering 2021 art. 4.3-4.5): DUO's
  decision on the person, with a ground and an exact period (months and days), or the
  new last day when DUO names it. Extensions add up in the order of their dagtekening
  and belong to the person, so they survive new PIP versions, moves and bezwaar.
* **Boete termijnoverschrijding** (art. 30 Wi2021): DUO sets a new termijn with it; its
  new last day replaces the old one.
* **Schakelen** (art. 19 Wi2021; Besluit art. 4.6): within 18 months of the start of the
  termijn, so the last day is the start plus 18 months minus one day.

:func:`person_termijn` gives it all for one person. Pure functions; no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from klantapp.domain.dates import last_day, record_date
from klantapp.domain.records import own_records

__all__ = [
    "SCHAKELEN_MONTHS",
    "TERMIJN_MONTHS",
    "Termijn",
    "extend",
    "first_pip_date",
    "person_termijn",
    "pip_is_vastgesteld",
    "schakelen_last_day",
    "termijn_last_day",
    "termijn_start",
]

TERMIJN_MONTHS = 36
SCHAKELEN_MONTHS = 18
_SET_PIP_STATUS = frozenset({"vastgesteld", "bezwaar", "vervangen"})
_TERMIJN_DECISIONS = frozenset({"verlenging", "boete_termijn"})


def termijn_start(first_pip_date: date) -> date:
    """The termijn starts the day after the first PIP's dagtekening (art. 11 lid 2)."""
    return first_pip_date + timedelta(days=1)


def termijn_last_day(start: date) -> date:
    """The last day of the three-year termijn that starts on ``start`` (art. 11 lid 1)."""
    return last_day(start, TERMIJN_MONTHS)


def schakelen_last_day(start: date) -> date:
    """The last day to switch leerroute: 18 months from the termijn start."""
    return last_day(start, SCHAKELEN_MONTHS)


def extend(last: date, months: int = 0, days: int = 0) -> date:
    """The new last day after an extension of ``months`` and ``days`` beyond ``last``:
    the period runs on from the day after (28 February 2027 + 6 months -> 31 August
    2027), then ``days`` more."""
    if months < 0 or days < 0:
        raise ValueError("an extension is never negative")
    return last_day(last + timedelta(days=1), months) + timedelta(days=days)


def pip_is_vastgesteld(pip: Mapping[str, object]) -> bool:
    """A PIP version that was vastgesteld: it has a dagtekening and is not a concept.
    A version in bezwaar or replaced by a newer one was vastgesteld too."""
    return (
        pip.get("status") in _SET_PIP_STATUS and record_date(pip.get("vastgesteld_on")) is not None
    )


def first_pip_date(pips: Iterable[Mapping[str, object]]) -> date | None:
    """The dagtekening of the first vastgesteld PIP among one person's versions."""
    dates = [
        d for p in pips if pip_is_vastgesteld(p) and (d := record_date(p.get("vastgesteld_on")))
    ]
    return min(dates, default=None)


@dataclass(frozen=True)
class Termijn:
    """One person's termijn. ``from_duo``: the start came from a DUO decision (someone
    who moved here), not from a PIP recorded here. ``base_last_day``: without DUO's
    extensions or boete; ``last_day``: with them. ``changes``: the decisions that moved
    the last day, oldest first."""

    start: date
    from_duo: bool
    base_last_day: date
    last_day: date
    changes: tuple[Mapping[str, object], ...]

    @property
    def extended(self) -> bool:
        return self.last_day != self.base_last_day


def _by_date(decisions: Iterable[Mapping[str, object]]) -> list[Mapping[str, object]]:
    return sorted(decisions, key=lambda d: (str(d.get("date") or ""), str(d.get("id") or "")))


def person_termijn(
    person: Mapping[str, object],
    pips: Iterable[Mapping[str, object]],
    decisions: Iterable[Mapping[str, object]] = (),
) -> Termijn | None:
    """The termijn of ``person`` from their PIP versions and DUO decisions (only those
    with this person's id count); ``None`` while it has not started."""
    pid = person.get("id")
    mine = _by_date(d for d in decisions if pid is None or d.get("person_id") == pid)
    reported = [
        s
        for d in mine
        if d.get("kind") == "termijn_start" and (s := record_date(d.get("termijn_start")))
    ]
    if reported:
        start, from_duo = reported[-1], True
    else:
        first = first_pip_date(own_records(person, pips))
        if first is None:
            return None
        start, from_duo = termijn_start(first), False
    base = termijn_last_day(start)
    last = base
    changes: list[Mapping[str, object]] = []
    for d in mine:
        if d.get("kind") not in _TERMIJN_DECISIONS:
            continue
        named = record_date(d.get("new_last_day"))
        if named is not None:
            last = named
        elif d.get("kind") == "verlenging":
            months, days = _count(d.get("period_months")), _count(d.get("period_days"))
            if not months and not days:
                continue
            last = extend(last, months, days)
        else:
            continue
        changes.append(d)
    return Termijn(start, from_duo, base, last, tuple(changes))


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
