"""Casebook benchmark: the encrypted in-memory casebook against plain on-disk SQLite.

Builds the same caseload twice -- 10,000 households with about 30,000 persons and
300,000 notes and appointments -- once as a Klantapp casebook and once as a plain
SQLite file (same schema, same search index, WAL, synchronous=FULL). Then, each in a
fresh child process so peak memory is its own, it measures:

- open: Klantapp's open without the key derivation (decrypt snapshot, load, replay);
  SQLite's connect plus a first query;
- commit latency of one edit (one UPDATE, durable on return), p50 and p95;
- search latency (names in Arabic, Ge'ez and Latin script, BSN, note words), p95;
- peak memory (max RSS of the child).

Usage:  python bench/casebook_bench.py [--households 10000] [--edits 300] [--searches 300]
Prints a table with medians and ratios. Machines here are noisy: compare the two
columns of one run, not runs with each other.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from klantapp.casebook import Casebook, migrations  # noqa: E402
from klantapp.casebook.convert import to_sql  # noqa: E402
from klantapp.casebook.queries import search  # noqa: E402
from klantapp.casebook.textfold import fold, fts_query  # noqa: E402
from klantapp.vault import KdfParams  # noqa: E402

PASS = "benchmark wachtwoordzin"

FAMILY = [
    "Al-Hassan",
    "Tesfay",
    "Rahimi",
    "Yılmaz",
    "Warsame",
    "Karimi",
    "Saleh",
    "Haile",
    "Mohammed",
    "Abdi",
    "الحسن",
    "محمد",
    "رحیمی",
    "ተስፋይ",
    "ገብረመድህን",
    "Gebremedhin",
    "Özdemir",
    "Ahmadi",
    "Nour",
    "Jama",
]
GIVEN = [
    "Ahmad",
    "Fatima",
    "Yonas",
    "Selam",
    "Mohammad",
    "Zahra",
    "Mehmet",
    "Hodan",
    "Reza",
    "Ali",
    "Omar",
    "Lina",
    "أحمد",
    "فاطمة",
    "ዮናስ",
    "ሰላም",
    "زهرا",
    "Şükrü",
    "Amina",
    "Dawit",
]
WORDS = [
    "taalschool",
    "lessen",
    "kinderopvang",
    "huisarts",
    "werk",
    "vrijwilligerswerk",
    "gesprek",
    "tolk",
    "afspraak",
    "woning",
    "bijstand",
    "ontzorgen",
    "diploma",
    "elektricien",
    "kok",
    "verpleging",
    "rijbewijs",
    "school",
    "peuterspeelzaal",
]
SEARCHES = [
    "ahmad",
    "الحسن",
    "ዮናስ",
    "yilmaz",
    "sukru",
    "رحیمی",
    "gebremedhin",
    "elektricien",
    "kinderopvang",
    "moh",
    "ሰላም",
    "fatima",
]


def _bsn(n: int) -> str:
    while True:
        digits = f"{n % 100_000_000:08d}"
        check = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            return digits + str(check)
        n += 1


def generate(households: int, seed: int = 7) -> list[tuple[str, dict[str, Any]]]:
    """(table, row) in insertion order; ~3 persons, 25 notes and 5 appointments each."""
    rnd = random.Random(seed)
    rows: list[tuple[str, dict[str, Any]]] = []
    for h in range(households):
        hid = str(uuid.UUID(int=rnd.getrandbits(128)))
        family = rnd.choice(FAMILY)
        rows.append(
            (
                "households",
                {"id": hid, "name": f"{family} {h}", "status": "traject", "city": "Heuveldal"},
            )
        )
        persons = []
        for p in range(3):
            pid = str(uuid.UUID(int=rnd.getrandbits(128)))
            persons.append(pid)
            rows.append(
                (
                    "persons",
                    {
                        "id": pid,
                        "household_id": hid,
                        "role": ["aanvrager", "partner", "kind"][p],
                        "family_name": family,
                        "given_names": rnd.choice(GIVEN),
                        "bsn": _bsn(h * 3 + p + 10_000_000),
                        "v_number": f"{(h * 3 + p) % 10**10:010d}",
                        "birth_date": f"{rnd.randint(1960, 2020)}",
                    },
                )
            )
        for n in range(25):
            text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(8, 30)))
            rows.append(
                (
                    "notes",
                    {
                        "id": str(uuid.UUID(int=rnd.getrandbits(128))),
                        "household_id": hid,
                        "person_id": rnd.choice(persons),
                        "created_at": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T10:00",
                        "author": "Sanne de Vries",
                        "text": text,
                    },
                )
            )
        for a in range(5):
            rows.append(
                (
                    "appointments",
                    {
                        "id": str(uuid.UUID(int=rnd.getrandbits(128))),
                        "household_id": hid,
                        "person_id": persons[0],
                        "kind": "voortgang",
                        "starts_at": f"2026-{1 + a * 2:02d}-{1 + h % 28:02d}T{9 + a:02d}:00",
                        "duration_minutes": 45,
                        "location": "Gemeentehuis, Marktplein 1, 7461 AB Heuveldal",
                        "outcome": "gepland",
                    },
                )
            )
    return rows


def build_casebook(path: Path, rows: list[tuple[str, dict[str, Any]]], batch: int = 3400) -> None:
    cb, _ = Casebook.create(path, PASS, kdf=KdfParams.for_tests())
    for start in range(0, len(rows), batch):
        with cb.transaction(actor="bench") as tx:
            for table, row in rows[start : start + batch]:
                tx.insert(table, row)
    cb.compact()
    cb.close()


def build_plain(path: Path, rows: list[tuple[str, dict[str, Any]]], batch: int = 3400) -> None:
    conn = _plain_connect(path)
    migrations.migrate(conn)
    for start in range(0, len(rows), batch):
        conn.execute("BEGIN")
        for table, row in rows[start : start + batch]:
            values = to_sql(table, row)
            names = ", ".join(values)
            conn.execute(
                f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(values))})",
                tuple(values.values()),
            )
        conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _plain_connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function("kfold", 1, fold, deterministic=True)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def _pct(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
        if len(values) > 1
        else values[0]
    )


def measure(side: str, path: str, edits: int, searches: int) -> dict[str, Any]:
    """Runs in a child process: open, edits, searches; returns the figures."""
    rnd = random.Random(11)
    result: dict[str, Any] = {}
    t0 = time.perf_counter()
    if side == "klantapp":
        cb = Casebook.open(path, PASS)
        total = time.perf_counter() - t0
        result["open_s"] = total - cb.timings.get("kdf", 0.0)
        result["kdf_s"] = cb.timings.get("kdf", 0.0)
        with cb.reading() as conn:
            note_ids = [
                r[0]
                for r in conn.execute("SELECT id FROM notes ORDER BY random() LIMIT ?", (edits,))
            ]
        lat = []
        for i, nid in enumerate(note_ids):
            s = time.perf_counter()
            with cb.transaction() as tx:
                tx.update("notes", nid, {"text": f"bijgewerkt {i} {rnd.choice(WORDS)}"})
            lat.append(time.perf_counter() - s)
        result["commit"] = lat
        slat = []
        for i in range(searches):
            q = SEARCHES[i % len(SEARCHES)]
            s = time.perf_counter()
            hits = search(cb, q, limit=50)
            slat.append(time.perf_counter() - s)
            assert hits, q
        result["search"] = slat
        from klantapp.casebook.queries import list_households, timeline

        households = [h["id"] for h in list_households(cb, limit=50)]
        tlat = []
        for hid in households:
            s = time.perf_counter()
            timeline(cb, hid)
            tlat.append(time.perf_counter() - s)
        result["timeline"] = tlat
        result["journal_bytes"] = cb._vault.journal_bytes  # type: ignore[union-attr]
        cb._vault.close()  # type: ignore[union-attr] # no compaction at exit: not part of the figures
        cb._vault = None
    else:
        conn = _plain_connect(Path(path))
        conn.execute("SELECT count(*) FROM households").fetchone()
        result["open_s"] = time.perf_counter() - t0
        note_ids = [
            r[0] for r in conn.execute("SELECT id FROM notes ORDER BY random() LIMIT ?", (edits,))
        ]
        lat = []
        for i, nid in enumerate(note_ids):
            s = time.perf_counter()
            conn.execute("BEGIN")
            conn.execute(
                "UPDATE notes SET text = ? WHERE id = ?",
                (f"bijgewerkt {i} {rnd.choice(WORDS)}", nid),
            )
            conn.execute("COMMIT")
            lat.append(time.perf_counter() - s)
        result["commit"] = lat
        # the same statements as Klantapp's search(): every FTS table, folded prefix query
        from klantapp.casebook.queries import search_statements

        slat = []
        for i in range(searches):
            q = fts_query(SEARCHES[i % len(SEARCHES)])
            s = time.perf_counter()
            hits: list[Any] = []
            for _kind, sql in search_statements():
                if len(hits) >= 50:
                    break
                hits.extend(conn.execute(sql, (q, 50 - len(hits))).fetchall())
            slat.append(time.perf_counter() - s)
            assert hits, q
        result["search"] = slat
        conn.close()
    result["peak_rss_mb"] = _peak_rss_mb()
    return result


def _peak_rss_mb() -> float:
    """This process's own peak resident memory. (getrusage's ru_maxrss is inherited
    across exec on Linux, so a child would report its parent's peak.)"""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(side: str, path: Path, edits: int, searches: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            side,
            str(path),
            "--edits",
            str(edits),
            "--searches",
            str(searches),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def _size(path: Path) -> int:
    return (
        sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        if path.is_dir()
        else path.stat().st_size
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=10_000)
    ap.add_argument("--edits", type=int, default=300)
    ap.add_argument("--searches", type=int, default=300)
    ap.add_argument(
        "--runs", type=int, default=3, help="child runs per side; medians are over all samples"
    )
    ap.add_argument("--child", nargs=2, metavar=("SIDE", "PATH"))
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], args.child[1], args.edits, args.searches)))
        return

    work = Path(tempfile.mkdtemp(prefix="klantapp-bench-"))
    try:
        t = time.perf_counter()
        rows = generate(args.households)
        counts: dict[str, int] = {}
        for table, _ in rows:
            counts[table] = counts.get(table, 0) + 1
        print(f"caseload: {counts}  (generated in {time.perf_counter() - t:.1f} s)")
        t = time.perf_counter()
        build_casebook(work / "casebook", rows)
        print(
            f"built Klantapp casebook in {time.perf_counter() - t:.1f} s, {_size(work / 'casebook') / 1e6:.0f} MB on disk"
        )
        t = time.perf_counter()
        build_plain(work / "plain.sqlite", rows)
        print(
            f"built plain SQLite in {time.perf_counter() - t:.1f} s, {_size(work / 'plain.sqlite') / 1e6:.0f} MB on disk"
        )
        del rows

        results: dict[str, list[dict[str, Any]]] = {"klantapp": [], "sqlite": []}
        for _ in range(args.runs):  # interleave the sides so machine noise hits both alike
            for side, path in (("klantapp", work / "casebook"), ("sqlite", work / "plain.sqlite")):
                if side == "klantapp":  # each run starts from the compacted casebook
                    shutil.rmtree(work / "run", ignore_errors=True)
                    shutil.copytree(path, work / "run")
                    path = work / "run"
                results[side].append(_child(side, path, args.edits, args.searches))

        def agg(side: str) -> dict[str, float]:
            rs = results[side]
            commits = [x for r in rs for x in r["commit"]]
            searches = [x for r in rs for x in r["search"]]
            return {
                "commit_p50_ms": statistics.median(commits) * 1e3,
                "commit_p95_ms": _pct(commits, 95) * 1e3,
                "open_s": statistics.median(r["open_s"] for r in rs),
                "search_p50_ms": statistics.median(searches) * 1e3,
                "search_p95_ms": _pct(searches, 95) * 1e3,
                "peak_rss_mb": max(r["peak_rss_mb"] for r in rs),
            }

        k, s = agg("klantapp"), agg("sqlite")
        timelines = [x for r in results["klantapp"] for x in r["timeline"]]
        print()
        print(f"{'figure':<22}{'Klantapp':>12}{'plain SQLite':>14}{'ratio':>8}   goal")
        goals = {
            "commit_p50_ms": "<= 1.5x SQLite",
            "commit_p95_ms": "<= 1.5x SQLite",
            "open_s": "< 1 s (+ KDF)",
            "search_p50_ms": "",
            "search_p95_ms": "<= SQLite",
            "peak_rss_mb": "< 400 MB",
        }
        for key, goal in goals.items():
            ratio = k[key] / s[key] if s[key] else float("nan")
            print(f"{key:<22}{k[key]:>12.2f}{s[key]:>14.2f}{ratio:>8.2f}   {goal}")
        print(
            f"\nKlantapp household timeline (scans the oplog): p50 {statistics.median(timelines) * 1e3:.1f} ms,"
            f" p95 {_pct(timelines, 95) * 1e3:.1f} ms"
        )
        kdf = statistics.median(r["kdf_s"] for r in results["klantapp"])
        print(
            f"\n(KDF of this bench casebook, test parameters: {kdf * 1e3:.0f} ms; the real one is calibrated to ~0.5-1 s)"
        )
        print(f"samples: {args.runs} runs x {args.edits} edits, {args.searches} searches per side")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
