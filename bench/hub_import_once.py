"""The day's hub import of bench/sync_bench.py once, for an instruction count.

Wall-clock times of a 0.7 s import on a shared two-core machine vary by a third from run
to run, more than most changes to the import gain or lose. The number of instructions
does not: run the import under valgrind's callgrind, once with the import and once
without (opening and closing the hub cost the same either way), and subtract.

    python bench/sync_bench.py --cache /tmp/syncbench2 --keep-day /tmp/benchday
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        .venv/bin/python bench/hub_import_once.py /tmp/benchday            # Collected: A
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        .venv/bin/python bench/hub_import_once.py /tmp/benchday --no-sync  # Collected: B

A - B is the import's instruction count. The saved day is copied first and never
changed, so the counts of two versions of Klantapp compare. ``--edits N`` makes N local
commits of the bench's kind on that hub instead of the import (the same subtraction).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sync_bench  # noqa: E402
from casebook_bench import PASS  # noqa: E402

from klantapp.casebook import Casebook  # noqa: E402
from klantapp.sync.hub import exchange  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("day", help="a directory saved by sync_bench.py --keep-day")
    ap.add_argument("--no-sync", action="store_true", help="open and close the hub only")
    ap.add_argument("--edits", type=int, help="make this many local commits, no import")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="klantapp-importonce-"))
    try:
        shutil.copytree(args.day, work / "day")
        hub = Casebook.open(work / "day" / "hub", PASS)
        if args.edits:
            with hub.reading() as conn:
                households = [r[0] for r in conn.execute("SELECT id FROM households LIMIT 2000")]
                notes = [r[0] for r in conn.execute("SELECT id FROM notes LIMIT 5000")]
            rnd = random.Random(3)
            for _ in range(args.edits):
                sync_bench.edit(hub, rnd, households, notes)
            print(f"{args.edits} local commits")
        elif not args.no_sync:
            report = exchange.sync(hub, work / "day" / "uitwissel", settle=0)
            print(f"{report.applied_changes} changes from {report.received} bundles")
        hub.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
