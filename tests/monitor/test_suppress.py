"""Small numbers in exports that leave the office: no hidden count can be worked out
from what the export shows (a base, the shares, a row's total, the persons behind a
median), for a reader who knows that "< 5" is 1-4 and "•" is 5 or more."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.graphics.shapes import String

from klantapp.monitor.export import to_csv, to_json
from klantapp.monitor.figures import Figure, Monitor, Row, grid
from klantapp.monitor.report import _chart
from klantapp.monitor.suppress import HIDDEN_TEXT, SMALL_TEXT, Shown

Shownvalue = int | str
ON = date(2026, 6, 30)


def one_way(counts: list[int], median: bool) -> Figure:
    """A figure with a base and shares (as leerroute), and perhaps a median of the
    persons in its first two rows (as pip_norm)."""
    base = sum(counts)
    rows = [
        Row(f"rij {i}", c, share=c / base if base else None, key=f"r{i}")
        for i, c in enumerate(counts)
    ]
    if median:
        n = counts[0] + counts[1]
        rows.append(Row("mediaan", n, value=6.0 if n else None, key="median", of=("r0", "r1")))
    return Figure("een", "Een", "", "", "personen", rows, base=base)


def two_way(table: list[list[int]]) -> Figure:
    """A two-way table whose rows' totals the PDF shows (as plicht_doelgroep)."""
    columns = [f"kolom {j}" for j in range(len(table[0]))]
    rows = [
        Row(f"rij {i}", c, key=f"a{i}|c{j}", column=columns[j])
        for i, line in enumerate(table)
        for j, c in enumerate(line)
    ]
    return Figure("twee", "Twee", "", "", "personen", rows, columns=columns, row_totals=True)


def monitor(*figures: Figure) -> Monitor:
    return Monitor(ON, date(2026, 1, 1), ON, list(figures))


def row_totals(mon: Monitor, key: str) -> list[str]:
    """The totals the PDF's bar chart of a two-way figure writes beside its bars."""
    f = mon.figure(key)
    drawing = _chart(f, Shown(mon, True))
    assert drawing is not None
    texts = [c.text for c in drawing.contents if isinstance(c, String)]
    return list(reversed(texts))


def possible(value: Shownvalue, cap: int, *, total: bool = False) -> set[int]:
    """What a reader knows of a number: "< 5" is 1-4, "•" 5 or more (a total under 5
    is shown as "•" too)."""
    if value == SMALL_TEXT:
        return {1, 2, 3, 4}
    if value == HIDDEN_TEXT:
        return set(range(1 if total else 5, cap + 1))
    assert isinstance(value, int), value
    return {value}


def undetermined(
    parts: list[Shownvalue], total: Shownvalue, totals: list[bool] | None = None
) -> bool:
    """Whether every hidden member of "parts add up to total" can take two values
    or more, by brute force over what the reader knows of each member (``totals``:
    which parts are themselves a total)."""
    cap = total if isinstance(total, int) else 60
    kinds = totals or [False] * len(parts)
    ranges = [possible(p, cap, total=t) for p, t in zip(parts, kinds, strict=True)]
    ranges.append(possible(total, 60, total=True))
    for i, member in enumerate([*parts, total]):
        if isinstance(member, int):
            continue
        seen = set()
        for v in ranges[i]:
            sums = {0}  # what the other parts can add up to
            for j, r in enumerate(ranges[:-1]):
                if j != i:
                    sums = {s + x for s in sums for x in r if s + x <= 400}
            is_total = i == len(parts)
            if v in sums if is_total else any(t - v in sums for t in ranges[-1]):
                seen.add(v)
        if len(seen) < 2:
            return False
    return True


counts = st.integers(min_value=0, max_value=14)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(counts, min_size=2, max_size=5),
    st.booleans(),
    st.lists(st.lists(counts, min_size=2, max_size=4), min_size=1, max_size=3).filter(
        lambda t: len({len(r) for r in t}) == 1
    ),
)
def test_no_hidden_count_can_be_worked_out_from_an_export(
    line: list[int], median: bool, table: list[list[int]]
) -> None:
    mon = monitor(one_way(line, median), two_way(table))
    doc = to_json(mon, suppress=True)
    one, two = doc["figures"]
    shown = {r["key"]: r for r in one["rows"]}
    parts = [shown[f"r{i}"]["count"] for i in range(len(line))]
    # a count of 1-4 is never shown
    for r in one["rows"] + two["rows"]:
        assert not (isinstance(r["count"], int) and 0 < r["count"] < 5), r
    # the base, and the shares, which give it away
    assert undetermined(parts, one["base"])
    for r in one["rows"]:
        if r.get("share") is not None:
            assert isinstance(r["count"], int) and isinstance(one["base"], int)
    if median:
        assert undetermined(parts[:2], shown["median"]["count"])
        if line[0] + line[1] < 5:
            assert shown["median"]["value"] is None  # a median of a few is theirs
    # the rows of the two-way table, and their totals in the PDF
    totals = row_totals(mon, "twee")
    cells = [r["count"] for r in two["rows"]]
    width = len(table[0])
    for i, total in enumerate(totals):
        row = cells[i * width : (i + 1) * width]
        assert undetermined(row, int(total) if total.isdigit() else total)
        hidden = [c for c in row if not isinstance(c, int)]
        assert len(hidden) != 1 or not total.isdigit()  # two hidden, or the total too
    # the CSV shows the same as the JSON
    csv_cells = _csv_cells(to_csv(mon, suppress=True))
    assert csv_cells["Twee"] == [
        [str(c) for c in cells[i * width : (i + 1) * width]] for i in range(len(table))
    ]


def _csv_cells(data: bytes) -> dict[str, list[list[str]]]:
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    out: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for row in table:
        if not row:
            current = None
        elif current is None:
            current = out.setdefault(row[0], [])
        else:
            current.append(row[1:])
    return out


def test_the_readme_example_no_longer_gives_a_gezinsmigrant_away() -> None:
    """Screenshot 46: 13 inburgeringsplichtigen, 12 of them asielstatushouder: the
    one gezinsmigrant was hidden, but 13 minus 12 is 1."""
    table = two_way([[12, 1, 0], [7, 6, 9]])
    mon = monitor(table)
    doc = to_json(mon, suppress=True)
    first = [r["count"] for r in doc["figures"][0]["rows"][:3]]
    assert first[1] == SMALL_TEXT and first[0] == HIDDEN_TEXT and first[2] == 0
    assert row_totals(mon, "twee") == ["13", "22"]
    shown_inside = to_json(mon, suppress=False)
    assert [r["count"] for r in shown_inside["figures"][0]["rows"][:3]] == [12, 1, 0]


def test_a_share_is_not_shown_where_its_base_is_hidden() -> None:
    """Screenshot 46 again: "Nog geen PIP 8 = 61,5%" gave its base of 13 away; a
    share is shown only with its base."""
    for line, counts in (
        ([4, 4, 0], [SMALL_TEXT, SMALL_TEXT, 0]),  # a base of 8 would make both 4
        ([1, 2, 0], [SMALL_TEXT, SMALL_TEXT, 0]),  # a base under 5
    ):
        mon = monitor(one_way(line, median=False))
        f = to_json(mon, suppress=True)["figures"][0]
        assert f["base"] == HIDDEN_TEXT
        assert [r["count"] for r in f["rows"]] == counts
        assert all(r["share"] is None for r in f["rows"])
        text = to_csv(mon, suppress=True).decode("utf-8-sig")
        assert "0,0%" not in text and "Totaal (basis van de percentages);•" in text
    mon = monitor(one_way([4, 1, 8], median=False))  # two hidden: the base can stay
    f = to_json(mon, suppress=True)["figures"][0]
    assert f["base"] == 13 and [r["share"] for r in f["rows"]] == [None, None, 0.6154]


def test_inside_the_office_every_number_is_shown() -> None:
    mon = monitor(one_way([4, 1, 8], median=True), two_way([[12, 1, 0]]))
    doc: dict[str, Any] = to_json(mon, suppress=False)
    assert doc["figures"][0]["base"] == 13
    assert [r["count"] for r in doc["figures"][0]["rows"]] == [4, 1, 8, 5]
    assert doc["figures"][0]["rows"][0]["share"] == round(4 / 13, 4)
    assert not doc["legend"]
    assert [label for label, _cells in grid(mon.figure("twee"))] == ["rij 0"]


def test_a_number_two_figures_share_is_hidden_in_both() -> None:
    """Leerroute hides "Nog geen PIP" to protect a B1-route of 1; integratieroute
    counts the same persons as "Nog geen route", so it must not show them either
    (44 - 20 - 15 - 8 = 1 otherwise)."""

    def figure(key: str, counts: dict[str, int]) -> Figure:
        base = sum(counts.values())
        rows = [Row(k or "geen", c, share=c / base, key=k) for k, c in counts.items()]
        return Figure(key, key, "", "", "personen", rows, base=base)

    leer = figure("leerroute", {"b1": 1, "onderwijs": 20, "z": 15, "": 8})
    route = figure(
        "integratieroute",
        {"werk": 1, "onderwijs": 20, "activering": 6, "participatie": 9, "": 8},
    )
    doc = to_json(monitor(leer, route), suppress=True)
    shown = {f["key"]: {r["key"]: r["count"] for r in f["rows"]} for f in doc["figures"]}
    assert shown["leerroute"] == {"b1": SMALL_TEXT, "onderwijs": 20, "z": 15, "": HIDDEN_TEXT}
    assert shown["integratieroute"][""] == HIDDEN_TEXT
    assert undetermined(list(shown["integratieroute"].values()), 44)
