"""The monitor sub-command (docs/monitor.md)."""

from __future__ import annotations

import argparse
import json
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from klantapp.commands.common import (
    add_date_options,
    add_path,
    log_export,
    open_casebook,
    open_to_log,
    say,
    write_output,
)
from klantapp.errors import UsageError
from klantapp.i18n import _


def _cmd_monitor(args: argparse.Namespace) -> int:
    from klantapp.monitor import compute
    from klantapp.monitor.export import export_for_outside, hides_small_numbers, to_json, to_text

    chosen = [x for x in (args.json, args.csv, args.pdf) if x]
    if len(chosen) > 1:
        raise UsageError(_("Kies één uitvoer: --json, --csv of --pdf."))
    target = args.csv or args.pdf
    kind = "csv" if args.csv else "pdf" if args.pdf else "json" if args.json else "tekst"
    # every output but the plain figures on the terminal is logged (audit): a file or
    # JSON may leave the office, --detail names households
    logged = bool(target or args.json or args.detail)
    opened: AbstractContextManager[Any] = (
        open_to_log(args.path) if logged else open_casebook(args.path)
    )
    with opened as cb:
        mon = compute(cb, args.on, args.start, args.end)
        names: dict[str, str] | None = None
        if target:
            data = export_for_outside(cb, mon, kind)
        elif args.detail:
            with cb.reading() as conn:
                names = dict(conn.execute("SELECT id, name FROM households").fetchall())
        if target:
            where = Path(target).name if target != "-" else _("standaarduitvoer")
            what = _("Monitor {on} als {kind} naar {file}").format(
                on=mon.on.isoformat(), kind=kind.upper(), file=where
            )
        elif names is not None:
            what = _("Monitor {on} met de huishoudens achter elk cijfer ({kind})").format(
                on=mon.on.isoformat(), kind=kind.upper() if args.json else _("tekst")
            )
        else:
            what = _("Monitor {on} als {kind}").format(on=mon.on.isoformat(), kind="JSON")
        if target:
            write_output(target, data, personal=False)
        elif args.json:
            suppress = hides_small_numbers(cb) and names is None
            doc = to_json(mon, suppress=suppress, names=names)
            print(json.dumps(doc, ensure_ascii=False, indent=2))
        else:
            print(to_text(mon, names=names), end="")
        if logged:
            log_export(cb, "export" if names is not None else "monitor_export", what=what)
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
