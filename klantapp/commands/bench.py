"""``klantapp bench-casebook FOLDER``: hidden; the casebook benchmark's Klantapp side
in this very program, so a frozen build is measured on its own Python and SQLite
(bench/casebook_bench.py --frozen). It edits, so it refuses any folder the benchmark
did not mark as its throw-away copy. Prints the figures as JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from klantapp.commands.common import read_passphrase
from klantapp.errors import UsageError
from klantapp.i18n import _


def _cmd_bench(args: argparse.Namespace) -> int:
    from klantapp.casebook import benchrun

    path = Path(args.path)
    if not benchrun.is_bench_copy(path):
        raise UsageError(
            _("Deze map is geen kopie van de benchmark; er is niets gewijzigd."),
            hint=_("Deze opdracht is alleen voor bench/casebook_bench.py."),
        )
    print(json.dumps(benchrun.measure(path, read_passphrase(), args.edits, args.searches)))
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("bench-casebook")  # without help=: argparse then leaves it out of --help
    p.add_argument("path")
    p.add_argument("--edits", type=int, default=300)
    p.add_argument("--searches", type=int, default=300)
    p.set_defaults(func=_cmd_bench)
