"""The monitor as text, JSON and CSV (for Excel: semicolon-separated, a byte-order
mark, Dutch decimals). Exports meant to leave the office hide small numbers and every
number they could be worked out from (:mod:`klantapp.monitor.suppress`), unless the
gemeente's setting ``monitor.show_small_numbers`` says otherwise: a small gemeente's
counts identify people."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import TYPE_CHECKING, Any

from klantapp.i18n import _
from klantapp.monitor.figures import Figure, Monitor, Row, grid
from klantapp.monitor.suppress import HIDDEN_TEXT, SMALL, SMALL_TEXT, Shown

if TYPE_CHECKING:
    from klantapp.casebook.casebook import Casebook


def dutch_number(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def share_text(share: float | None) -> str:
    return "" if share is None else dutch_number(100 * share) + "%"


def value_text(value: float | None) -> str:
    return "" if value is None else dutch_number(value)


def legend(shown: Shown) -> str:
    """What the hidden numbers mean, for under an export's tables ("" when none is)."""
    if not shown.hidden:
        return ""
    return _(
        "{small}: minder dan {n} (niet getoond, zodat niemand herkenbaar is). {hidden}: niet "
        "getoond, zodat een klein aantal er niet uit terug te rekenen is."
    ).format(small=SMALL_TEXT, n=SMALL, hidden=HIDDEN_TEXT)


def _row_json(f: Figure, r: Row, shown: Shown, names: dict[str, str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"label": r.label, "key": r.key}
    if r.column:
        out["column"] = r.column
    out["count"] = shown.count_value(f, r)
    if r.share is not None:
        out["share"] = None if (s := shown.share(f, r)) is None else round(s, 4)
    if r.value is not None or r.of:  # a median (None: no persons, or too few to show)
        out["value"] = shown.value(r)
    if names is not None:
        out["households"] = [{"id": h, "name": names.get(h, "")} for h in sorted(r.households)]
    return out


def to_json(
    monitor: Monitor,
    *,
    suppress: bool,
    names: dict[str, str] | None = None,
    made: date | None = None,
) -> dict[str, Any]:
    """``names`` (household id -> name) adds the households behind every number: the
    detail, for the office itself, never to send on."""
    shown = Shown(monitor, suppress)
    return {
        "format": "klantapp-monitor/1",
        "made_on": (made or date.today()).isoformat(),
        "reference_date": monitor.on.isoformat(),
        "period": {"from": monitor.start.isoformat(), "to": monitor.end.isoformat()},
        "small_numbers_hidden": suppress,
        "legend": legend(shown),
        "figures": [
            {
                "key": f.key,
                "title": f.title,
                "definition": f.definition,
                "source": f.source,
                "unit": f.unit,
                "base": shown.base(f),
                "columns": f.columns,
                "rows": [_row_json(f, r, shown, names) for r in f.rows],
            }
            for f in monitor.figures
        ],
    }


def _figure_lines(f: Figure, shown: Shown) -> list[list[str]]:
    if f.columns:
        lines = [[f.title, *f.columns]]
        for label, cells in grid(f):
            lines.append([label, *(shown.count(f, c) for c in cells)])
        return lines
    lines = [[f.title, f.unit, "%", ""]]
    for r in f.rows:
        if r.of:  # a median: its value, in weeks
            lines.append([r.label, "", "", value_text(shown.value(r))])
        else:
            lines.append([r.label, shown.count(f, r), share_text(shown.share(f, r)), ""])
    if f.base is not None:
        lines.append([_("Totaal (basis van de percentages)"), str(shown.base(f)), "", ""])
    return lines


def _heading(monitor: Monitor, made: date | None) -> list[str]:
    return [
        "Monitor inburgering",
        f"gemaakt op {(made or date.today()).isoformat()}",
        f"peildatum {monitor.on.isoformat()}",
        f"periode {monitor.start.isoformat()} t/m {monitor.end.isoformat()}",
    ]


def to_csv(monitor: Monitor, *, suppress: bool, made: date | None = None) -> bytes:
    shown = Shown(monitor, suppress)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(_heading(monitor, made))
    for f in monitor.figures:
        w.writerow([])
        for line in _figure_lines(f, shown):
            w.writerow(line)
    if shown.hidden:
        w.writerow([])
        w.writerow([legend(shown)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_text(monitor: Monitor, *, names: dict[str, str] | None = None) -> str:
    """For the terminal (inside the office: real numbers); ``names``: every number's
    households, each cell of a two-way table named by its row and column."""
    shown = Shown(monitor, False)
    out = [", ".join(_heading(monitor, None))]
    for f in monitor.figures:
        out.append("")
        for line in _figure_lines(f, shown):
            out.append("  ".join(x for x in line if x != "") if line else "")
        if names is not None:
            for r in f.rows:
                if r.households:
                    ordered = sorted(r.households, key=lambda h: (names.get(h, ""), h))
                    listed = ", ".join(f"{names.get(h, '?')} ({h[:8]})" for h in ordered)
                    out.append(f"    {r.name}: {listed}")
    return "\n".join(out) + "\n"


def hides_small_numbers(cb: Casebook) -> bool:
    """Whether exports meant to leave the office hide small numbers: yes, unless the
    gemeente's setting ``monitor.show_small_numbers`` says otherwise."""
    return not cb.get_setting("monitor", {}).get("show_small_numbers", False)


def export_for_outside(cb: Casebook, monitor: Monitor, kind: str) -> bytes:
    """The monitor as a file meant to leave the office: "csv" or "pdf" (the caller logs
    it: an export is an audit entry)."""
    suppress = hides_small_numbers(cb)
    if kind == "csv":
        return to_csv(monitor, suppress=suppress)
    from klantapp.monitor.report import render_monitor

    return render_monitor(monitor, cb.get_setting("gemeente", {}), suppress=suppress)
