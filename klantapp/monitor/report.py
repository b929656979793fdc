"""The monitor as a printable PDF: A4, the gemeente's letterhead line, the date, a bar
chart (reportlab's own) and a table per figure, and the definitions on the last page."""

from __future__ import annotations

from datetime import date
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.platypus import KeepTogether, PageBreak, Spacer

from klantapp.i18n import _
from klantapp.letters.fonts import font_name
from klantapp.letters.report import ACCENT, CONTENT_WIDTH, build_report, para, styles, table
from klantapp.monitor.export import legend, share_text, value_text
from klantapp.monitor.figures import Figure, Monitor, grid
from klantapp.monitor.suppress import SMALL, Shown

#: The series colours of the timeline (as in the client's Monitor screen).
SERIES_COLOURS = (ACCENT, colors.HexColor("#5b9bd5"), colors.HexColor("#a5a5a5"))


def _timeline_chart(f: Figure, shown: Shown) -> Drawing:
    """Per month a group of vertical bars, one per series, with a legend. Where small
    numbers are hidden, a hidden count (1-4, or one hidden with it) is drawn as a pale
    bar up to the threshold: a reader sees "hidden" there, never a zero and never the
    exact count."""
    months = grid(f)
    few = [[shown.is_hidden(f, cells[s]) for _m, cells in months] for s in range(len(f.columns))]
    data = [
        [SMALL if few[s][m] else cells[s].count for m, (_m, cells) in enumerate(months)]
        for s in range(len(f.columns))
    ]
    d = Drawing(CONTENT_WIDTH, 150)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 24, 24, CONTENT_WIDTH - 30, 100
    chart.data = data
    chart.categoryAxis.categoryNames = [m[2:] for m, _cells in months]  # "26-03"
    chart.categoryAxis.labels.fontName = font_name("latin")
    chart.categoryAxis.labels.fontSize = 6.5
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(5, *(max(series, default=0) for series in data))
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.labels.fontName = font_name("latin")
    chart.valueAxis.labels.fontSize = 6.5
    chart.groupSpacing = 3
    chart.barSpacing = 0.5
    for i in range(len(data)):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        chart.bars[i].fillColor = colour
        chart.bars[i].strokeColor = None
        for m, pale in enumerate(few[i]):
            if pale:
                chart.bars[(i, m)].fillColor = colors.Color(
                    colour.red, colour.green, colour.blue, alpha=0.3
                )
    d.add(chart)
    if any(any(series) for series in few):
        note = _(
            "Licht: niet getoond (minder dan {n} personen, of een aantal waaruit dat terug te rekenen is)"
        ).format(n=SMALL)
        d.add(String(24, 2, note, fontName=font_name("latin"), fontSize=6.5))
    legend = Legend()
    legend.x, legend.y = 24, 146
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 110
    legend.fontName = font_name("latin")
    legend.fontSize = 7
    legend.colorNamePairs = [
        (SERIES_COLOURS[i % len(SERIES_COLOURS)], name) for i, name in enumerate(f.columns)
    ]
    d.add(legend)
    return d


def _chart(f: Figure, shown: Shown) -> Drawing | None:
    if f.key == "timeline":
        return _timeline_chart(f, shown)
    if f.columns:  # a two-way table: one bar per row, its total
        totals = [(label, shown.row_total(f, cells)) for label, cells in grid(f)]
        labels = [label for label, _t in totals]
        values = [value for _l, (value, _text) in totals]
        texts = [text for _l, (_value, text) in totals]
    else:
        rows = [r for r in f.rows if not r.of]
        labels = [r.label for r in rows]
        values = [0 if shown.is_hidden(f, r) else r.count for r in rows]
        texts = [shown.count(f, r) for r in rows]
    if not labels:
        return None
    bar_h = 13
    height = bar_h * len(labels) + 24
    d = Drawing(CONTENT_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 10
    chart.width, chart.height = CONTENT_WIDTH - 200, bar_h * len(labels)
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.categoryAxis.labels.fontName = font_name("latin")
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(max(values), 1) * 1.15
    chart.valueAxis.labels.fontName = font_name("latin")
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visible = False
    chart.bars[0].fillColor = ACCENT
    chart.bars[0].strokeColor = None
    chart.barWidth = bar_h * 0.7
    chart.barSpacing = 2
    d.add(chart)
    top = max(max(values), 1) * 1.15
    for i, (v, t) in enumerate(zip(reversed(values), reversed(texts), strict=True)):
        x = chart.x + chart.width * (v / top) + 3
        y = chart.y + bar_h * i + bar_h / 2 - 2.5
        d.add(String(x, y, t, fontName=font_name("latin"), fontSize=7, fillColor=colors.black))
    return d


def _table(f: Figure, shown: Shown) -> Any:
    if f.columns:
        rows = [["", *f.columns]] + [
            [label, *(shown.count(f, c) for c in cells)] for label, cells in grid(f)
        ]
        first = 110.0
        rest = (CONTENT_WIDTH - first) / len(f.columns)
        return table(rows, [first] + [rest] * len(f.columns))
    rows = [[_("Wat"), _("Aantal"), _("Aandeel"), _("Weken")]]
    for r in f.rows:
        if r.of:  # a median: its value, in weeks
            rows.append([r.label, "", "", value_text(shown.value(r))])
        else:
            rows.append([r.label, shown.count(f, r), share_text(shown.share(f, r)), ""])
    if f.base is not None:
        rows.append([_("Totaal (basis van de percentages)"), str(shown.base(f)), "", ""])
    return table(rows, [CONTENT_WIDTH - 180, 60, 60, 60])


def render_monitor(
    monitor: Monitor, gemeente: dict[str, Any], *, suppress: bool, made: date | None = None
) -> bytes:
    """The report, made on ``made`` (default today: the date at the top of each page);
    the reference date and period are named under the title."""
    made = made or date.today()
    shown = Shown(monitor, suppress)
    st = styles()
    story: list[Any] = [
        para(_("Monitor inburgering"), st["title"]),
        para(
            _("Gemaakt op {made}. Peildatum {on}; periode {start} tot en met {end}.").format(
                made=made.isoformat(),
                on=monitor.on.isoformat(),
                start=monitor.start.isoformat(),
                end=monitor.end.isoformat(),
            ),
            st["body"],
        ),
    ]
    if shown.hidden:
        story.append(para(legend(shown), st["small"]))
    for f in monitor.figures:
        block: list[Any] = [para(f.title, st["h2"]), para(f"{f.unit}", st["small"])]
        chart = _chart(f, shown)
        if chart is not None:
            block.append(chart)
        block.append(Spacer(1, 3))
        block.append(_table(f, shown))
        story.append(KeepTogether(block) if len(f.rows) < 25 else block[0])
        if len(f.rows) >= 25:
            story.extend(block[1:])
    story.append(PageBreak())
    story.append(para(_("Definities"), st["title"]))
    for f in monitor.figures:
        story.append(para(f.title, st["h2"]))
        story.append(para(f.definition, st["body"]))
        story.append(para(_("Bron: {source}").format(source=f.source), st["small"]))
    story.append(Spacer(1, 6))
    story.append(para(_("De volledige definities staan in docs/monitor.md."), st["small"]))
    return build_report(_("Monitor inburgering"), gemeente, story, on=made)
