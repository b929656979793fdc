"""Small numbers in exports meant to leave the office (docs/monitor.md, "Small numbers").

A count of 1 to 4 is shown as "< 5" (*primary* suppression): in a small gemeente such
a count can identify people. That alone is not enough where the export also shows a
sum the hidden count is part of -- a figure's base (and its shares, which give the base
away), the total of a two-way table's row (the PDF's bars), the number of persons
behind a median, a number two figures share by definition. Whoever has the sum and
the other parts gets the hidden count back by subtraction. So in each such sum another
number is hidden too ("•", *secondary* suppression), until no hidden number follows
from that sum and the numbers shown, for a reader who knows that a "< 5" is 1 to 4 and
a "•" 5 or more. A total under 5 is shown as "•" too, not as "< 5": four "< 5" with a
total "< 5" would each be 1. Shares are shown only where their base is.

Every export of one monitor (CSV, JSON, PDF) hides the same numbers, so putting them
side by side gives nothing away either.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from klantapp.monitor.figures import Figure, Monitor, Row, grid, months_between

SMALL = 5
SMALL_TEXT = "< 5"
HIDDEN_TEXT = "•"


def row_id(f: Figure, r: Row) -> str:
    return f"{f.key}/{r.key}"


def base_id(f: Figure) -> str:
    return f"{f.key}/#base"


def total_id(f: Figure, cells: list[Row]) -> str:
    """The total of a two-way table's row (its cells' keys are "row|column")."""
    return f"{f.key}/#row:{cells[0].key.split('|')[0]}"


@dataclass(frozen=True)
class Sum:
    """A published equation: the counts of ``parts`` add up to the count of ``total``."""

    parts: tuple[str, ...]
    total: str

    def members(self) -> tuple[str, ...]:
        return (*self.parts, self.total)


def _links(monitor: Monitor) -> list[Sum]:
    """Numbers two figures share by their definitions (docs/monitor.md). They are
    treated as sums only where they agree in the data (see :func:`sums`)."""
    out = [
        Sum(("leerroute/#base",), "integratieroute/#base"),  # the same base
        Sum(("leerroute/",), "integratieroute/"),  # no PIP yet: no route yet
        Sum(("plicht_doelgroep/#row:plichtig",), "leerroute/#base"),  # all Wi2021
    ]
    # the persons with a first PIP in the period, the timeline by month and wachttijd
    period = months_between(monitor.start, monitor.end)
    out.append(Sum(tuple(f"timeline/{m}|pip" for m in period), "wachttijd/#base"))
    for f in monitor.figures:
        if f.key == "termijn_einde":  # by month, as the timeline's third series
            out += [Sum((f"timeline/{r.key}|termijn_einde",), row_id(f, r)) for r in f.rows]
    return out


@dataclass
class Published:
    """Every number an export shows (id -> count), the sums among them, and which
    numbers are totals (a base, a row's total, a median's persons)."""

    counts: dict[str, int] = field(default_factory=dict)
    sums: list[Sum] = field(default_factory=list)
    totals: set[str] = field(default_factory=set)

    def add_sum(self, parts: tuple[str, ...], total: str, count: int) -> None:
        self.counts[total] = count
        self.totals.add(total)
        self.sums.append(Sum(parts, total))


def published(monitor: Monitor) -> Published:
    out = Published()
    for f in monitor.figures:
        for r in f.rows:
            out.counts[row_id(f, r)] = r.count
        for r in f.rows:
            if r.of:  # a median's persons: the rows it is of
                out.add_sum(tuple(f"{f.key}/{k}" for k in r.of), row_id(f, r), r.count)
        if f.base is not None:
            parts = tuple(row_id(f, r) for r in f.rows if not r.of)
            out.add_sum(parts, base_id(f), f.base)
        if f.row_totals:
            for _label, cells in grid(f):
                parts = tuple(row_id(f, c) for c in cells)
                out.add_sum(parts, total_id(f, cells), sum(c.count for c in cells))
    for s in _links(monitor):  # where both figures are there, and agree
        counts = [out.counts.get(m) for m in s.members()]
        if None not in counts and sum(counts[:-1]) == counts[-1]:  # type: ignore[arg-type]
            out.sums.append(s)
    return out


def _range(member: str, seen: Published, hidden: dict[str, str]) -> tuple[float, float]:
    """What a reader of the export knows of a number: a "< 5" is 1 to 4; a "•" is 5 or
    more, or, for a total, any number but 0 (a total under 5 is shown as "•" too)."""
    shown = hidden.get(member)
    if shown == SMALL_TEXT:
        return 1, SMALL - 1
    if shown == HIDDEN_TEXT:
        return (1 if member in seen.totals else SMALL), math.inf
    count = seen.counts[member]
    return count, count


def determined(s: Sum, seen: Published, hidden: dict[str, str]) -> list[str]:
    """The hidden members of ``s`` a reader can work out from it exactly."""
    ranges = {m: _range(m, seen, hidden) for m in s.members()}
    out = []
    for m in s.members():
        if m not in hidden:
            continue
        if m == s.total:
            lo = sum(ranges[p][0] for p in s.parts)
            hi = sum(ranges[p][1] for p in s.parts)
        else:
            others = [p for p in s.parts if p != m]
            lo = ranges[s.total][0] - sum(ranges[p][1] for p in others)
            hi = ranges[s.total][1] - sum(ranges[p][0] for p in others)
        lo, hi = max(lo, ranges[m][0]), min(hi, ranges[m][1])
        if lo == hi:
            out.append(m)
    return out


def protect(seen: Published) -> dict[str, str]:
    """The numbers to hide (id -> how it is shown): every count of 1-4 ("< 5"; a total
    "•"), then in each sum that would give a hidden number away one more ("•"): the
    smallest part that makes it safe, else the total, until no sum gives one away."""
    counts = seen.counts
    hidden = {
        i: HIDDEN_TEXT if i in seen.totals else SMALL_TEXT
        for i, c in counts.items()
        if 0 < c < SMALL
    }
    changed = True
    while changed:
        changed = False
        for s in seen.sums:
            if not determined(s, seen, hidden):
                continue
            parts = sorted(
                (p for p in s.parts if p not in hidden and counts[p]), key=counts.__getitem__
            )
            total = [s.total] if s.total not in hidden and counts[s.total] else []
            candidates = parts + total
            if not candidates:
                continue  # every member hidden or 0: nothing left to hide (see tests)
            pick = next(
                (c for c in candidates if not determined(s, seen, {**hidden, c: HIDDEN_TEXT})),
                candidates[0],
            )
            hidden[pick] = HIDDEN_TEXT
            changed = True
    return hidden


class Shown:
    """How an export shows each number of ``monitor``: the count, "< 5" or "•" (only
    where ``suppress``: the export is meant to leave the office)."""

    def __init__(self, monitor: Monitor, suppress: bool) -> None:
        self.suppress = suppress
        self.hidden = protect(published(monitor)) if suppress else {}

    def _text(self, cell: str, count: int) -> str:
        return self.hidden.get(cell, str(count))

    def is_hidden(self, f: Figure, r: Row) -> bool:
        return row_id(f, r) in self.hidden

    def count(self, f: Figure, r: Row) -> str:
        return self._text(row_id(f, r), r.count)

    def count_value(self, f: Figure, r: Row) -> int | str:
        return self.hidden.get(row_id(f, r), r.count)

    def base(self, f: Figure) -> int | str | None:
        return None if f.base is None else self.hidden.get(base_id(f), f.base)

    def share(self, f: Figure, r: Row) -> float | None:
        """A row's share, where both it and the base are shown (a share and its count
        give the base away)."""
        if r.share is None or self.is_hidden(f, r) or base_id(f) in self.hidden:
            return None
        return r.share

    def value(self, r: Row) -> float | None:
        """A median: not of fewer than 5 persons (it would be theirs)."""
        return None if self.suppress and 0 < r.count < SMALL else r.value

    def row_total(self, f: Figure, cells: list[Row]) -> tuple[int, str]:
        """A two-way row's total: its bar's length (0 when hidden) and its text."""
        total = sum(c.count for c in cells)
        text = self._text(total_id(f, cells), total)
        return (total if text == str(total) else 0), text
