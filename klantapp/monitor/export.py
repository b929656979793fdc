"""The monitor as text, JSON and CSV (for Excel: semicolon-separated, a byte-order
mark, Dutch decimals). Exports meant to leave the office show a count under 5 as
"< 5" (and the shares and medians built on it), unless the gemeente's setting
``monitor.show_small_numbers`` says otherwise: a small gemeente's counts identify
people."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from klantapp.monitor.figures import Figure, Monitor, Row, grid

SMALL = 5
SMALL_TEXT = "< 5"


def hidden(row: Row, suppress: bool) -> bool:
    return suppress and 0 < row.count < SMALL


def count_text(row: Row, suppress: bool) -> str:
    return SMALL_TEXT if hidden(row, suppress) else str(row.count)


def dutch_number(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def share_text(row: Row, suppress: bool) -> str:
    if row.share is None or hidden(row, suppress):
        return ""
    return dutch_number(100 * row.share) + "%"


def value_text(row: Row, suppress: bool) -> str:
    if row.value is None or hidden(row, suppress):
        return ""
    return dutch_number(row.value)


def _row_json(row: Row, suppress: bool, names: dict[str, str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"label": row.label, "key": row.key}
    out["count"] = SMALL_TEXT if hidden(row, suppress) else row.count
    if row.share is not None:
        out["share"] = None if hidden(row, suppress) else round(row.share, 4)
    if row.value is not None:
        out["value"] = None if hidden(row, suppress) else row.value
    if names is not None:
        out["households"] = [{"id": h, "name": names.get(h, "")} for h in sorted(row.households)]
    return out


def to_json(
    monitor: Monitor, *, suppress: bool, names: dict[str, str] | None = None
) -> dict[str, Any]:
    """``names`` (household id -> name) adds the households behind every number: the
    detail, for the office itself, never to send on."""
    return {
        "format": "klantapp-monitor/1",
        "reference_date": monitor.on.isoformat(),
        "period": {"from": monitor.start.isoformat(), "to": monitor.end.isoformat()},
        "small_numbers_hidden": suppress,
        "figures": [
            {
                "key": f.key,
                "title": f.title,
                "definition": f.definition,
                "source": f.source,
                "unit": f.unit,
                "base": f.base,
                "columns": f.columns,
                "rows": [_row_json(r, suppress, names) for r in f.rows],
            }
            for f in monitor.figures
        ],
    }


def _figure_lines(f: Figure, suppress: bool) -> list[list[str]]:
    if f.columns:
        lines = [[f.title, *f.columns]]
        for label, cells in grid(f):
            lines.append([label, *(count_text(c, suppress) for c in cells)])
        return lines
    lines = [[f.title, f.unit, "%", ""]]
    for r in f.rows:
        if r.value is not None or r.key == "median":
            lines.append([r.label, "", "", value_text(r, suppress)])
        else:
            lines.append([r.label, count_text(r, suppress), share_text(r, suppress), ""])
    return lines


def to_csv(monitor: Monitor, *, suppress: bool) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(
        [
            "Monitor inburgering",
            f"peildatum {monitor.on.isoformat()}",
            f"periode {monitor.start.isoformat()} t/m {monitor.end.isoformat()}",
        ]
    )
    for f in monitor.figures:
        w.writerow([])
        for line in _figure_lines(f, suppress):
            w.writerow(line)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_text(monitor: Monitor, *, names: dict[str, str] | None = None) -> str:
    """For the terminal (inside the office: real numbers)."""
    out = [
        f"Monitor inburgering, peildatum {monitor.on.isoformat()}, "
        f"periode {monitor.start.isoformat()} t/m {monitor.end.isoformat()}"
    ]
    for f in monitor.figures:
        out.append("")
        for line in _figure_lines(f, False):
            out.append("  ".join(x for x in line if x != "") if line else "")
        if names is not None:
            for r in f.rows:
                if r.households:
                    shown = ", ".join(
                        f"{names.get(h, '?')} ({h[:8]})" for h in sorted(r.households)
                    )
                    out.append(f"    {r.label}: {shown}")
    return "\n".join(out) + "\n"


def household_names(monitor: Monitor, lookup: dict[str, str]) -> dict[str, str]:
    ids = {h for f in monitor.figures for r in f.rows for h in r.households}
    return {h: lookup.get(h, "") for h in ids}


__all__ = ["SMALL_TEXT", "count_text", "household_names", "json", "to_csv", "to_json", "to_text"]
