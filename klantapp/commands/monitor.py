"""The monitor sub-command (docs/monitor.md)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from klantapp.commands.common import (
    add_date_options,
    add_path,
    open_casebook,
    say,
    write_output,
)
from klantapp.errors import UsageError
from klantapp.i18n import _


def _cmd_monitor(args: argparse.Namespace) -> int:
    from klantapp.avg.log import record_access
    from klantapp.monitor import compute
    from klantapp.monitor.export import to_csv, to_json, to_text

    chosen = [x for x in (args.json, args.csv, args.pdf) if x]
    if len(chosen) > 1:
        raise UsageError(_("Kies één uitvoer: --json, --csv of --pdf."))
    leaves = bool(args.csv or args.pdf)
    with open_casebook(args.path, writable=leaves) as cb:
        mon = compute(cb, args.on, args.start, args.end)
        suppress = not cb.get_setting("monitor", {}).get("show_small_numbers", False)
        names: dict[str, str] | None = None
        if args.detail:
            with cb.reading() as conn:
                names = dict(conn.execute("SELECT id, name FROM households").fetchall())
        if args.csv:
            data = to_csv(mon, suppress=suppress)
        elif args.pdf:
            from klantapp.monitor.report import render_monitor

            data = render_monitor(mon, cb.get_setting("gemeente", {}), suppress=suppress)
        if leaves:
            record_access(
                cb,
                "monitor_export",
                what=_("Monitor {on} als {kind}").format(
                    on=mon.on.isoformat(), kind="CSV" if args.csv else "PDF"
                ),
            )
    if args.csv or args.pdf:
        write_output(args.csv or args.pdf, data, personal=False)
        return 0
    if args.json:
        doc = to_json(mon, suppress=suppress and not args.detail, names=names)
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    print(to_text(mon, names=names), end="")
    if names is not None:
        say(_("Let op: met --detail staan er namen van huishoudens in de uitvoer."))
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("monitor", help=_("de cijfers voor de gemeente (monitor inburgering)"))
    add_path(p)
    add_date_options(p, period=True)
    p.add_argument("--json", action="store_true", help=_("uitvoer als JSON"))
    p.add_argument("--csv", metavar="FILE", help=_("CSV voor Excel (puntkomma, BOM)"))
    p.add_argument("--pdf", metavar="FILE", help=_("rapport als PDF"))
    p.add_argument(
        "--detail",
        action="store_true",
        help=_("de huishoudens achter elk cijfer (alleen voor binnen het kantoor)"),
    )
    p.set_defaults(func=_cmd_monitor)
