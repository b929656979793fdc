"""The printable monitor report: what its charts show where small numbers are hidden."""

from __future__ import annotations

from datetime import date

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import String

from klantapp.monitor.figures import Figure, Monitor, Row
from klantapp.monitor.report import _timeline_chart
from klantapp.monitor.suppress import Shown


def _timeline(counts: list[list[int]]) -> Figure:
    """A timeline figure: a row label per month, a cell per series."""
    rows = [
        Row(label=f"2026-{m + 1:02d}", count=c, key=f"2026-{m + 1:02d}|{s}")
        for m, month in enumerate(counts)
        for s, c in enumerate(month)
    ]
    return Figure(
        key="timeline",
        title="Tijdlijn per maand",
        definition="",
        source="",
        unit="personen",
        rows=rows,
        columns=["Inschrijvingen", "Eerste PIP vastgesteld", "Termijn eindigt"],
    )


def _parts(counts: list[list[int]], suppress: bool) -> tuple[VerticalBarChart, list[str]]:
    figure = _timeline(counts)
    monitor = Monitor(date(2026, 2, 28), date(2026, 1, 1), date(2026, 2, 28), [figure])
    drawing = _timeline_chart(figure, Shown(monitor, suppress))
    [chart] = [c for c in drawing.contents if isinstance(c, VerticalBarChart)]
    notes = [c.text for c in drawing.contents if isinstance(c, String)]
    return chart, notes


def test_a_hidden_small_count_is_a_pale_bar_up_to_the_threshold_never_a_zero() -> None:
    chart, notes = _parts([[3, 0, 12], [0, 1, 0]], suppress=True)
    assert chart.data == [[5, 0], [0, 5], [12, 0]]  # per series, per month
    pale = chart.bars[(0, 0)].fillColor
    full = chart.bars[(2, 0)].fillColor
    assert pale.alpha < 1 and full.alpha == 1
    assert chart.bars[(1, 1)].fillColor.alpha < 1
    assert any("minder dan 5" in n for n in notes)


def test_inside_the_office_the_exact_counts_are_drawn_without_a_note() -> None:
    chart, notes = _parts([[3, 0, 12], [0, 1, 0]], suppress=False)
    assert chart.data == [[3, 0], [0, 1], [12, 0]]
    assert chart.bars[(0, 0)].fillColor.alpha == 1
    assert not any("minder dan" in n for n in notes)
