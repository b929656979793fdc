"""Monitor and destruction benchmark on the bench casebook (bench/casebook_bench.py).

Builds 10,000 households (about 30,000 persons, 300,000 notes and appointments) with a
plicht status and doelgroep per person, a PIP per aanvrager, brede intake scores and
some handhaving, then measures:

- the monitor (every figure, klantapp.monitor.compute), median of 3, against the
  Vandaag deadline list (due_items) on the same casebook as the baseline;
- the destruction run of 1,000 closed households (klantapp.avg.retention.destroy:
  deletes, history removal, search-index merge and compaction), against a plain
  compaction of the same casebook as the baseline; and the vacuum the first
  destruction on a casebook of an older program adds (this one was created with
  secure_delete on, so its free pages are zeroed and it needs none).

Usage:  python bench/avg_bench.py [--households 10000] [--destroy 1000] [--cache DIR]
        (--cache keeps the built casebook in DIR; each run works on a copy of it)
Prints figures; no timed asserts. Goals (issue 13): monitor < 1 s, destruction < 10 s.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from casebook_bench import PASS, build_casebook, generate

from klantapp.avg.retention import destroy, due
from klantapp.casebook import Casebook
from klantapp.casebook.due import due_items
from klantapp.monitor import compute


def enrich(rows: list[tuple[str, dict]], seed: int = 11) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    rnd = random.Random(seed)
    out: list[tuple[str, dict]] = []  # type: ignore[type-arg]
    for table, row in rows:
        if table == "households":
            row = {
                **row,
                "inschrijving_date": f"2026-{rnd.randint(1, 6):02d}-{rnd.randint(1, 28):02d}",
                "bijstand_start": "2026-01-15",
                "ontzorgen": rnd.random() < 0.7,
            }
        out.append((table, row))
        if table == "persons":
            row.update(
                plicht_status=rnd.choice(["plichtig"] * 6 + ["vrijstelling", "voldaan"]),
                doelgroep=rnd.choice(["asiel"] * 5 + ["nareiziger", "gezin"]),
            )
            if row["role"] == "aanvrager":
                out.append(
                    (
                        "pips",
                        {
                            "id": str(uuid.UUID(int=rnd.getrandbits(128))),
                            "household_id": row["household_id"],
                            "person_id": row["id"],
                            "version": 1,
                            "status": "vastgesteld",
                            "vastgesteld_on": f"2026-{rnd.randint(2, 9):02d}-{rnd.randint(1, 28):02d}",
                            "leerroute": rnd.choice(["b1", "b1", "onderwijs", "z"]),
                            "course_start": f"2026-{rnd.randint(3, 11):02d}-01"
                            if rnd.random() < 0.6
                            else None,
                        },
                    )
                )
                for domain in ("financien", "huisvesting", "taal", "werk_opleiding"):
                    out.append(
                        (
                            "intake_scores",
                            {
                                "id": str(uuid.UUID(int=rnd.getrandbits(128))),
                                "household_id": row["household_id"],
                                "person_id": row["id"],
                                "intake_date": "2026-02-01",
                                "domain": domain,
                                "score": rnd.randint(1, 5),
                            },
                        )
                    )
                if rnd.random() < 0.1:
                    out.append(
                        (
                            "handhaving",
                            {
                                "id": str(uuid.UUID(int=rnd.getrandbits(128))),
                                "household_id": row["household_id"],
                                "person_id": row["id"],
                                "date": "2026-04-01",
                                "kind": "waarschuwing",
                                "status": "opgelegd",
                            },
                        )
                    )
    return out


def median_seconds(fn, runs: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=10_000)
    ap.add_argument("--destroy", type=int, default=1_000)
    ap.add_argument("--cache", help="keep the built casebook in this folder and reuse it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench"
        built = Path(args.cache) / f"avg-built-{args.households}" if args.cache else path
        if not built.exists():
            built.parent.mkdir(parents=True, exist_ok=True)
            t0 = time.perf_counter()
            rows = enrich(generate(args.households))
            build_casebook(built, rows)
            print(
                f"built {args.households} households, {len(rows)} rows "
                f"in {time.perf_counter() - t0:.1f} s"
            )
        else:
            print(f"reusing {built}")
        if built != path:
            shutil.copytree(built, path)
        cb = Casebook.open(path, PASS)
        on = date(2026, 11, 22)
        print("load average at the start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
        t0 = time.perf_counter()
        compute(cb, on)
        first = time.perf_counter() - t0
        base = median_seconds(lambda: due_items(cb, on))
        mon = median_seconds(lambda: compute(cb, on))
        print(
            f"monitor (all figures):      {mon:6.2f} s   goal < 1 s (the first call: {first:.2f} s)"
        )
        print(
            f"baseline due_items:         {base:6.2f} s   (Vandaag's deadline list, same casebook)"
        )
        with cb.reading() as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM households LIMIT ?", (args.destroy,))]
        with cb.transaction(actor="bench") as tx:
            for hid in ids:
                tx.update("households", hid, {"status": "afgerond"})
        t0 = time.perf_counter()
        cb.compact()
        compact_s = time.perf_counter() - t0
        later = date.today() + timedelta(days=11 * 366)
        t0 = time.perf_counter()
        plan = due(cb, later)
        due_s = time.perf_counter() - t0
        compacting = []  # the compaction inside the run, timed apart
        plain_compact = cb.compact

        def timed_compact(**kwargs: bool) -> None:
            t = time.perf_counter()
            plain_compact(**kwargs)
            compacting.append(time.perf_counter() - t)

        cb.compact = timed_compact  # type: ignore[method-assign]
        t0 = time.perf_counter()
        report = destroy(cb, plan)
        destroy_s = time.perf_counter() - t0
        cb.compact = plain_compact  # type: ignore[method-assign]
        print(
            f"retention --due ({len(plan.households)} households, {len(plan.rows)} rows): {due_s:6.2f} s"
        )
        print(
            f"destruction run incl. compaction: {destroy_s:6.2f} s   goal < 10 s "
            f"({report.households} households, {sum(report.counts.values())} rows)"
        )
        print(f"  of which its compaction:  {sum(compacting):6.2f} s")
        print(f"baseline plain compaction:  {compact_s:6.2f} s")
        with cb.reading() as conn:  # what a casebook of an older program adds, once
            t0 = time.perf_counter()
            conn.execute("VACUUM")
            print(
                f"a vacuum (once, for a casebook of an older program): {time.perf_counter() - t0:6.2f} s"
            )
        print("load average at the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
        cb.close()


if __name__ == "__main__":
    main()
