"""The CPU time of one commit: Klantapp's single-note edit against SQLCipher 4's UPDATE.

The casebook bench (bench/casebook_bench.py) times commits on the clock, which on a
shared machine mostly measures the neighbours and the disk. This counts the CPU time
(user + system: ``time.process_time()``; ``os.times()`` splits it, in 10 ms ticks)
the process spends on ``--edits`` commits of one edit each -- Klantapp: ``Casebook.transaction()`` + ``tx.update("notes", id, {"text": ...})``;
SQLCipher and plain SQLite: BEGIN, the same UPDATE (same schema and search-index
trigger), COMMIT, WAL with synchronous=FULL -- after a warm-up, each side in its own
process, ``--runs`` times in turn, and prints the median per edit.

Uses the caseloads of casebook_bench.py (``--cache`` shares its folder layout, so a
cache built by either serves both). ``--profile N`` instead runs N Klantapp edits under
cProfile and prints where the time goes.

Usage:  python bench/commit_cpu.py [--households 2500] [--edits 2000] [--runs 3]
        [--cache DIR] [--profile N]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import casebook_bench as cb_bench

from klantapp.casebook import Casebook, benchrun

WARM_UP = 50


def _cpu() -> tuple[float, float]:
    t = os.times()
    return t.user, t.system


def _klantapp_editor(path: Path, count: int) -> tuple[Any, list[str], Any]:
    cb = Casebook.open(path, cb_bench.PASS)
    with cb.reading() as conn:
        ids = [
            r[0] for r in conn.execute("SELECT id FROM notes ORDER BY random() LIMIT ?", (count,))
        ]
    rnd = random.Random(11)

    def edit(i: int, note_id: str) -> None:
        with cb.transaction() as tx:
            tx.update("notes", note_id, {"text": benchrun.edit_text(i, rnd)})

    return edit, ids, cb.close


def _plain_editor(path: Path, count: int, *, cipher: bool) -> tuple[Any, list[str], Any]:
    conn = cb_bench._plain_connect(path, cipher=cipher)
    ids = [r[0] for r in conn.execute("SELECT id FROM notes ORDER BY random() LIMIT ?", (count,))]
    rnd = random.Random(11)

    def edit(i: int, note_id: str) -> None:
        conn.execute("BEGIN")
        conn.execute(
            "UPDATE notes SET text = ? WHERE id = ?", (benchrun.edit_text(i, rnd), note_id)
        )
        conn.execute("COMMIT")

    return edit, ids, conn.close


def child(side: str, path: Path, edits: int, profile: bool) -> dict[str, Any]:
    if side == "klantapp":
        edit, ids, close = _klantapp_editor(path, edits + WARM_UP)
    else:
        edit, ids, close = _plain_editor(path, edits + WARM_UP, cipher=side == "sqlcipher")
    try:
        for i, note_id in enumerate(ids[:WARM_UP]):
            edit(i, note_id)
        todo = list(enumerate(ids[WARM_UP:], start=WARM_UP))
        if profile:
            prof = cProfile.Profile()
            prof.enable()
            for i, note_id in todo:
                edit(i, note_id)
            prof.disable()
            pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(30)
            pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
            return {}
        user, system = _cpu()
        start = time.process_time()
        for i, note_id in todo:
            edit(i, note_id)
        took = time.process_time() - start
        user2, system2 = _cpu()
    finally:
        close()
    n = len(todo)
    return {
        "cpu_ms": took * 1e3 / n,
        "user_ms": (user2 - user) * 1e3 / n,
        "sys_ms": (system2 - system) * 1e3 / n,
    }


def _copy(src: Path, run: Path) -> Path:
    shutil.rmtree(run, ignore_errors=True)
    if src.is_dir():
        shutil.copytree(src, run)
        (run / benchrun.MARKER).touch()
        return run
    run.mkdir()
    return Path(shutil.copy(src, run))


def _built(work: Path, households: int, sides: list[str]) -> dict[str, Path]:
    built = work / f"built-{households}"
    built.mkdir(parents=True, exist_ok=True)
    files = {
        "klantapp": built / "casebook",
        "sqlite": built / "plain.sqlite",
        "sqlcipher": built / "sqlcipher.sqlite",
    }
    rows = None
    for side in sides:
        if files[side].exists():
            continue
        if rows is None:
            rows = cb_bench.generate(households)
        tmp = files[side].with_name(files[side].name + ".building")
        shutil.rmtree(tmp, ignore_errors=True)
        if side == "klantapp":
            cb_bench.build_casebook(tmp, rows)
        elif side == "sqlite":
            cb_bench.build_plain(tmp, rows)
        else:
            cb_bench.build_sqlcipher(tmp, files["sqlite"])
        tmp.rename(files[side])
        print(f"built {files[side]}", file=sys.stderr)
    return files


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=2500)
    ap.add_argument("--edits", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cache", help="keep the built caseloads here (casebook_bench's layout)")
    ap.add_argument("--profile", type=int, metavar="N", help="profile N Klantapp edits")
    ap.add_argument("--child", nargs=2, metavar=("SIDE", "PATH"))
    args = ap.parse_args()
    if args.child:
        out = child(args.child[0], Path(args.child[1]), args.edits, bool(args.profile))
        print(json.dumps(out))
        return

    sides = ["klantapp", "sqlite"]
    if cb_bench._sqlcipher() is not None and not args.profile:
        sides.append("sqlcipher")
    work = Path(args.cache) if args.cache else Path(tempfile.mkdtemp(prefix="klantapp-commit-"))
    files = _built(work, args.households, sides if not args.profile else ["klantapp"])
    run = work / "commit-run"
    if args.profile:
        path = _copy(files["klantapp"], run)
        command = [sys.executable, __file__, "--child", "klantapp", str(path)]
        subprocess.run([*command, "--edits", str(args.profile), "--profile", "1"], check=True)
        return
    figures: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
    for round_no in range(args.runs):
        turn = round_no % len(sides)
        for side in sides[turn:] + sides[:turn]:
            path = _copy(files[side], run)
            command = [sys.executable, __file__, "--child", side, str(path)]
            done = subprocess.run(
                [*command, "--edits", str(args.edits)], capture_output=True, text=True, check=True
            )
            figures[side].append(json.loads(done.stdout))
    shutil.rmtree(run, ignore_errors=True)
    print(f"CPU per commit of one edit, median of {args.runs} runs x {args.edits} edits:")
    for side in sides:
        user = statistics.median(f["user_ms"] for f in figures[side])
        system = statistics.median(f["sys_ms"] for f in figures[side])
        total = statistics.median(f["cpu_ms"] for f in figures[side])
        print(
            f"  {cb_bench.SIDES[side]:<14} {total:6.3f} ms  (user {user:.3f}, system {system:.3f})"
        )


if __name__ == "__main__":
    main()
