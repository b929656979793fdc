"""Sync benchmark: a central office of 10,000 households and 20 laptops of 150 each.

Builds (once, kept in --cache) a hub casebook with the casebook bench's caseload
(10,000 households, ~3 persons, 25 notes and 5 appointments each), enrols 20 laptops
and gives each 150 households. Then, in a fresh child process (so its peak memory is
its own), it measures:

- re-provisioning: the hub writes one laptop's 150 households whole and the laptop
  applies them (time; the goal is under 2 s);
- one working day: every laptop makes 200 edits; the hub imports all 20 bundles:
  operations per second, beside the local commit rate of the same kind of edits on
  the same hub in the same run (goal: at least 20,000 operations/s), and beside the
  ceiling: SQLite alone writing the same rows with the same statements, without any of
  the import's Python work (:func:`sql_floor`);
- one laptop's daily sync end to end (send, hub merge, receive), without the KDF
  (goal: under 1 s);
- bytes per operation in a bundle beside bytes per operation in the journal;
- the hub process's peak memory (goal: under 400 MB): the day's import runs in a process
  of its own that opens the hub, takes the 19 bundles, writes the 20 back and closes,
  as `klantapp hub sync` does, so its peak is the hub's alone (the process that drives
  the 20 laptops is measured apart).

Times are wall-clock; beside each the process's CPU time, which a loaded machine
inflates far less (a figure whose wall time is well above its CPU time waited for a
core or the disk).

Usage:  python bench/sync_bench.py [--households 10000] [--laptops 20] [--per-laptop 150]
                                   [--edits 200] [--cache DIR] [--profile FILE]

``--profile FILE`` writes a cProfile of the day's hub import (``exchange.sync`` after the
laptops sent their bundles) for ``python -m pstats FILE``; the figures of that run carry
the profiler's overhead.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import casebook_bench as cbb  # noqa: E402

from klantapp.casebook import Casebook, benchrun, migrations  # noqa: E402
from klantapp.casebook.apply import OPLOG_INSERT  # noqa: E402
from klantapp.casebook.textfold import fold  # noqa: E402
from klantapp.sync import laptop  # noqa: E402
from klantapp.sync.hub import exchange, office  # noqa: E402
from klantapp.vault import KdfParams  # noqa: E402

PASS = cbb.PASS
WORDS = ("afspraak", "taalschool", "gesprek", "woning", "werk", "vrijwilliger", "tolk", "klas")


def build(cache: Path, households: int, laptops: int, per_laptop: int) -> None:
    marker = cache / "built.json"
    wanted = {
        "households": households,
        "laptops": laptops,
        "per_laptop": per_laptop,
        "schema": migrations.latest_version(),  # a cache from an older schema is rebuilt
    }
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    folder = cache / "uitwissel"
    folder.mkdir()
    t0 = time.perf_counter()
    hub, _ = Casebook.create(cache / "hub", PASS, kdf=KdfParams.for_tests(), actor="kantoor")
    office.make_hub(hub, "Heuveldal")
    rows = cbb.generate(households)
    for start in range(0, len(rows), 3400):
        with hub.transaction(actor="bench") as tx:
            for table, row in rows[start : start + 3400]:
                tx.insert(table, row)
    print(f"hub built: {households} households in {time.perf_counter() - t0:.0f} s", flush=True)
    ids = [r["id"] for t, r in rows if t == "households"]
    _card, card_text = office.office_card(hub)
    for n in range(laptops):
        cb, _ = Casebook.create(
            cache / f"laptop-{n:02d}", PASS, kdf=KdfParams.for_tests(), actor=f"km{n}"
        )
        office.enrol(hub, laptop.join(cb, card_text, f"Klantmanager {n}").request_text)
        office.assign_many(hub, ids[n * per_laptop : (n + 1) * per_laptop], cb.device_id)
        laptop.run(cb, folder, settle=0)  # its (empty) first bundle
        cb.close()
    hub.compact()
    hub.close()
    marker.write_text(json.dumps(wanted))
    print(f"built in {time.perf_counter() - t0:.0f} s", flush=True)


def edit(cb: Casebook, rnd: random.Random, households: list[str], notes: list[str]) -> None:
    with cb.transaction() as tx:
        if rnd.random() < 0.5:
            tx.update("notes", rnd.choice(notes), {"text": " ".join(rnd.sample(WORDS, 5))})
        else:
            tx.update(
                "households", rnd.choice(households), {"city": rnd.choice(("Dalen", "Heuveldal"))}
            )


def _ids(cb: Casebook) -> tuple[list[str], list[str]]:
    with cb.reading() as conn:
        households = [
            r[0] for r in conn.execute("SELECT id FROM households WHERE owner = ?", (cb.device_id,))
        ]
        notes = [r[0] for r in conn.execute("SELECT id FROM notes")]
    return households, notes


def _journal_bytes(cb: Casebook) -> int:
    vault = cb._vault
    assert vault is not None
    return vault.journal_bytes


def day(
    cache: Path, edits: int, profile: str | None = None, keep_day: Path | None = None
) -> dict[str, Any]:
    folder = cache / "uitwissel"
    work = Path(tempfile.mkdtemp(prefix="klantapp-syncbench-"))
    try:
        shutil.copytree(cache, work / "c", dirs_exist_ok=True)
        folder = work / "c" / "uitwissel"
        result: dict[str, Any] = {}
        t = time.perf_counter()
        hub = Casebook.open(work / "c" / "hub", PASS)
        result["hub_open_s"] = time.perf_counter() - t
        laptops = [Casebook.open(p, PASS) for p in sorted((work / "c").glob("laptop-*"))]
        # re-provisioning: the hub writes each laptop its caseload whole
        t = time.perf_counter()
        exchange.sync(hub, folder, settle=0)
        result["hub_first_sync_s"] = time.perf_counter() - t
        provision = []
        for cb in laptops:
            t = time.perf_counter()
            laptop.run(cb, folder, settle=0)
            provision.append(time.perf_counter() - t)
        exchange.sync(hub, folder, settle=0)  # takes the acknowledgements
        for cb in laptops:
            laptop.run(cb, folder, settle=0)
        with laptops[0].reading() as conn:
            result["laptop_households"] = conn.execute(
                "SELECT count(*) FROM households"
            ).fetchone()[0]
        result["provision_apply_s_median"] = statistics.median(provision)
        result["provision_hub_write_s_per_laptop"] = result["hub_first_sync_s"] / len(laptops)

        # local commit rate of the same kind of edit, on the hub itself
        rnd = random.Random(3)
        with hub.reading() as conn:
            hub_households = [r[0] for r in conn.execute("SELECT id FROM households LIMIT 2000")]
            hub_notes = [r[0] for r in conn.execute("SELECT id FROM notes LIMIT 5000")]
        t, cpu = time.perf_counter(), time.process_time()
        for _ in range(edits):
            edit(hub, rnd, hub_households, hub_notes)
        result["hub_local_commit_ops_per_s"] = edits / (time.perf_counter() - t)
        result["hub_local_commit_cpu_ops_per_s"] = edits / (time.process_time() - cpu)

        # a working day on every laptop
        journal_growth = []
        for n, cb in enumerate(laptops):
            households, notes = _ids(cb)
            before = _journal_bytes(cb)
            r = random.Random(n)
            for _ in range(edits):
                edit(cb, r, households, notes)
            journal_growth.append(_journal_bytes(cb) - before)
        sizes, sends = [], []
        for cb in laptops[1:]:
            t = time.perf_counter()
            report = laptop.run(cb, folder, settle=0)
            sends.append(time.perf_counter() - t)
            assert report.bundle_written
            sizes.append((folder / "to-hub" / report.bundle_written).stat().st_size)
        hub_path = hub.path
        hub.close()  # the import runs as `klantapp hub sync` would: a process of its own
        if keep_day is not None:  # the state before the import, for bench/hub_import_once.py
            shutil.rmtree(keep_day, ignore_errors=True)
            shutil.copytree(work / "c", keep_day)
        before_path = work / "c" / "hub-before"
        shutil.copytree(hub_path, before_path)  # for the floor (sql_floor)
        imported = edits * (len(laptops) - 1)
        child = [sys.executable, __file__, "--hub-import", str(hub_path), "--folder", str(folder)]
        if profile:
            child += ["--profile", profile]
        done = json.loads(
            subprocess.run(child, stdout=subprocess.PIPE, text=True, check=True)
            .stdout.strip()
            .splitlines()[-1]
        )
        floor = json.loads(
            subprocess.run(
                [sys.executable, __file__, "--sql-floor", str(before_path), "--hub", str(hub_path)],
                stdout=subprocess.PIPE,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        shutil.rmtree(before_path)
        hub = Casebook.open(hub_path, PASS)
        result["hub_import_ops_per_s"] = imported / done["wall_s"]
        result["hub_import_cpu_ops_per_s"] = imported / done["cpu_s"]
        result["hub_import_s"] = done["wall_s"]
        result["hub_import_cpu_s"] = done["cpu_s"]
        result["hub_peak_rss_mb"] = done["peak_rss_mb"]
        result["sql_floor_ops_per_s"] = imported / floor["wall_s"]
        result["sql_floor_cpu_ops_per_s"] = imported / floor["cpu_s"]
        result["hub_rss_after_open_mb"] = done["rss_after_open_mb"]
        result["hub_import_conflicts"] = done["conflicts"]
        result["hub_import_digest_differed"] = done["digest_differed"]
        result["bundle_bytes_per_op"] = statistics.median(sizes) / edits
        result["journal_bytes_per_op"] = statistics.median(journal_growth) / edits
        for cb in laptops[1:]:
            laptop.run(cb, folder, settle=0)

        # one laptop's daily sync end to end: send, the hub merges it, receive
        first = laptops[0]
        t = time.perf_counter()
        laptop.run(first, folder, settle=0)
        t_send = time.perf_counter() - t
        t = time.perf_counter()
        exchange.sync(hub, folder, settle=0)
        t_hub = time.perf_counter() - t
        t = time.perf_counter()
        laptop.run(first, folder, settle=0)
        t_recv = time.perf_counter() - t
        result["one_laptop_day_s"] = t_send + t_hub + t_recv
        result["one_laptop_day_parts_s"] = [t_send, t_hub, t_recv]
        assert laptop.status(first)["unsent_changes"] == 0
        result["driver_peak_rss_mb"] = benchrun.rss_mb("VmHWM")
        for cb in [hub, *laptops]:
            cb.close()
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def floor_child(before_path: Path, hub_path: Path) -> dict[str, float]:
    """:func:`sql_floor` in a process of its own (two hubs in memory)."""
    before_cb = Casebook.open(before_path, PASS)
    hub = Casebook.open(hub_path, PASS)
    with before_cb.reading() as conn:
        position = conn.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0]
        copy = sqlite3.connect(":memory:", isolation_level=None)
        copy.create_function("kfold", 1, fold, deterministic=True)
        conn.backup(copy)
    before_cb.close()
    try:
        return sql_floor(copy, hub, position)
    finally:
        hub.close()


def sql_floor(before: sqlite3.Connection, hub: Casebook, position: int) -> dict[str, float]:
    """What SQLite alone needs for the day's import: on a copy of the hub taken before
    it, the rows the import wrote are written again with the statements the bulk path
    issues (the rows with their search index, field clocks, oplog, change rows), one
    transaction per laptop, without decoding, checks, merge, state digests or journal.
    The import's rate can never pass this one; the gap between them is Python."""
    with hub.reading() as conn:
        changes = conn.execute(
            "SELECT id, at, actor, summary, device, digest, prev, first_seq, last_seq "
            "FROM changes WHERE id > ? ORDER BY id",
            (position,),
        ).fetchall()
        oplog = conn.execute(
            "SELECT device, seq, hlc, change_id, tbl, row_id, op, fields FROM oplog "
            "WHERE change_id > ? ORDER BY change_id, seq",
            (position,),
        ).fetchall()
        clocks = conn.execute("SELECT * FROM clocks WHERE change_id > ?", (position,)).fetchall()
        values: dict[tuple[str, str], dict[str, Any]] = {}
        for _d, _s, _h, _c, tbl, row_id, op, fields in oplog:
            if op == "update" and fields:
                names = fields.split(",")
                row = conn.execute(
                    f"SELECT {', '.join(names)} FROM {tbl} WHERE id = ?", (row_id,)
                ).fetchone()
                values.setdefault((tbl, row_id), {}).update(zip(names, row, strict=True))
    device_of = {c[0]: c[4] for c in changes}
    by_device: dict[Any, list[Any]] = {}
    for line in oplog:
        by_device.setdefault(device_of[line[3]], []).append(line)
    t, cpu = time.perf_counter(), time.process_time()
    for lines in by_device.values():
        ids = {line[3] for line in lines}
        before.execute("BEGIN")
        before.executemany(
            "INSERT INTO changes (id, at, actor, summary, device, digest, prev, first_seq, "
            "last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [c for c in changes if c[0] in ids],
        )
        updates: dict[tuple[str, tuple[str, ...]], list[Any]] = {}
        for _d, _s, _h, _c, tbl, row_id, _op, _f in lines:
            row = values.get((tbl, row_id))
            if row:
                updates.setdefault((tbl, tuple(row)), []).append((*row.values(), row_id))
        for (tbl, names), params in updates.items():
            sets = ", ".join(f"{n} = ?" for n in names)
            before.executemany(f"UPDATE {tbl} SET {sets} WHERE id = ?", params)
        before.executemany(
            "INSERT OR REPLACE INTO clocks VALUES (?, ?, ?, ?, ?, ?, ?)",
            [c for c in clocks if c[-1] in ids],
        )
        before.executemany(OPLOG_INSERT, lines)
        before.execute("COMMIT")
    return {"wall_s": time.perf_counter() - t, "cpu_s": time.process_time() - cpu}


def hub_import(hub_path: Path, folder: Path, profile: str | None) -> dict[str, Any]:
    """Open the hub, take every bundle, write the bundles back, close: one process."""
    hub = Casebook.open(hub_path, PASS)
    rss_after_open = benchrun.rss_mb()
    profiler = cProfile.Profile() if profile else None
    t, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    report = exchange.sync(hub, folder, settle=0)
    if profiler is not None:
        profiler.disable()
    wall_s, cpu_s = time.perf_counter() - t, time.process_time() - cpu
    hub.close()
    if profiler is not None and profile:
        profiler.dump_stats(profile)
    return {
        "wall_s": wall_s,
        "cpu_s": cpu_s,
        "conflicts": report.conflicts,
        "digest_differed": len(report.digest_differed),
        "peak_rss_mb": benchrun.rss_mb("VmHWM"),
        "rss_after_open_mb": rss_after_open,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=10_000)
    ap.add_argument("--laptops", type=int, default=20)
    ap.add_argument("--per-laptop", type=int, default=150)
    ap.add_argument("--edits", type=int, default=200)
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "klantapp-sync-bench"))
    ap.add_argument("--profile", help="write a cProfile of the day's hub import to this file")
    ap.add_argument(
        "--keep-day",
        help="keep the hub and the folder as they are just before the day's import in this "
        "directory (replaced), for bench/hub_import_once.py",
    )
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--hub-import", help=argparse.SUPPRESS)
    ap.add_argument("--folder", help=argparse.SUPPRESS)
    ap.add_argument("--sql-floor", help=argparse.SUPPRESS)
    ap.add_argument("--hub", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.sql_floor:
        print(json.dumps(floor_child(Path(args.sql_floor), Path(args.hub))))
        return
    if args.hub_import:
        print(json.dumps(hub_import(Path(args.hub_import), Path(args.folder), args.profile)))
        return
    cache = Path(args.cache)
    if args.child:
        keep = Path(args.keep_day) if args.keep_day else None
        print(json.dumps(day(cache, args.edits, args.profile, keep)))
        return
    build(cache, args.households, args.laptops, args.per_laptop)
    child = [sys.executable, __file__, "--child", "--cache", str(cache), "--edits", str(args.edits)]
    if args.profile:
        child += ["--profile", str(Path(args.profile).resolve())]
    if args.keep_day:
        child += ["--keep-day", str(Path(args.keep_day).resolve())]
    out = subprocess.run(
        child,
        stdout=subprocess.PIPE,  # the child's errors show on stderr
        text=True,
        check=True,
    )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    print()
    print(f"{'figure':46s} {'measured':>12s}   goal")
    rows = [
        ("hub import, operations/s", f"{r['hub_import_ops_per_s']:,.0f}", ">= 20,000"),
        ("  by CPU time", f"{r['hub_import_cpu_ops_per_s']:,.0f}", ""),
        (
            "  the import's wall / CPU time, s",
            f"{r['hub_import_s']:.2f} / {r['hub_import_cpu_s']:.2f}",
            "",
        ),
        (
            "  SQLite alone writing the same rows, ops/s",
            f"{r['sql_floor_ops_per_s']:,.0f}",
            "(the ceiling)",
        ),
        (
            "hub local commits (same edits, same run), ops/s",
            f"{r['hub_local_commit_ops_per_s']:,.0f}",
            "",
        ),
        ("  by CPU time", f"{r['hub_local_commit_cpu_ops_per_s']:,.0f}", ""),
        ("one laptop's daily sync end to end, s", f"{r['one_laptop_day_s']:.2f}", "< 1 s"),
        (
            "  send / hub merge / receive, s",
            " / ".join(f"{x:.2f}" for x in r["one_laptop_day_parts_s"]),
            "",
        ),
        (
            "re-provision 150 households: hub write per laptop, s",
            f"{r['provision_hub_write_s_per_laptop']:.2f}",
            "",
        ),
        (
            "re-provision 150 households: laptop apply, s",
            f"{r['provision_apply_s_median']:.2f}",
            "< 2 s (both)",
        ),
        ("bundle bytes per operation", f"{r['bundle_bytes_per_op']:.0f}", ""),
        ("journal bytes per operation", f"{r['journal_bytes_per_op']:.0f}", ""),
        ("hub open without KDF, s", f"{r['hub_open_s']:.2f}", ""),
        ("hub process: memory once open, MB", f"{r['hub_rss_after_open_mb']:.0f}", ""),
        (
            "hub process: peak memory (open, import, write), MB",
            f"{r['hub_peak_rss_mb']:.0f}",
            "< 400 MB",
        ),
        ("the driving process (hub + 20 laptops), peak MB", f"{r['driver_peak_rss_mb']:.0f}", ""),
    ]
    for name, value, goal in rows:
        print(f"{name:46s} {value:>12s}   {goal}")
    print(
        f"\n(laptop caseload after provisioning: {r['laptop_households']} households; "
        f"conflicts in the day's import: {r['hub_import_conflicts']}; laptops whose state "
        f"digest differed from the office's: {r['hub_import_digest_differed']})"
    )


if __name__ == "__main__":
    main()
