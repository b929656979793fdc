"""Casebook benchmark: the encrypted in-memory casebook against plain on-disk SQLite and
against SQLCipher 4, the encrypted SQLite a user would otherwise pick.

Builds the same caseload three times -- 10,000 households with about 30,000 persons and
300,000 notes and appointments -- as a Klantapp casebook, as a plain SQLite file and as
a SQLCipher 4 file (same schema, same search index, WAL, synchronous=FULL; SQLCipher
keyed with a raw 256-bit key, as an Argon2id-derived key would be passed, so no PBKDF2
runs). Then, each in a fresh child process so peak memory is its own, it measures:

- open: Klantapp's open without the key derivation (decrypt snapshot, load, replay);
  SQLite's and SQLCipher's connect plus a first query;
- commit latency of one edit (one UPDATE, durable on return), p50 and p95;
- search latency (names in Arabic, Ge'ez and Latin script, BSN, note words), p95;
- household timeline latency (Klantapp only);
- peak memory (max RSS of the child), beside the size of the decrypted database.

SQLCipher comes from the ``sqlcipher3`` wheel (``pip install -e '.[bench]'``); without
it the third column is left out.

With ``--frozen EXE`` a further column runs the Klantapp side inside a frozen build
(``EXE bench-casebook``, the same code from klantapp/casebook/benchrun.py, on the
bundle's own Python and SQLite). It may be given more than once, as ``NAME=EXE`` to name
the column: ``--frozen linux=build/linux/dist/klantapp/klantapp --frozen
wine=packaging/windows/frozen.sh`` (the Windows bundle under Wine).

Beside each latency's p95 the table gives the p95 of the thread's CPU time per sample:
on a shared machine a slow sample with no more CPU time than the fast ones spent its
extra time waiting for a core (or, for a commit, for the disk).

The sides run in rounds (``--runs``), each round every side once, in an order that
turns from round to round; a ratio is taken within each round and the table gives the
median of the per-round ratios (and their range), so load that comes and goes on a
shared machine hits both sides of a ratio alike.

Usage:  python bench/casebook_bench.py [--households 10000] [--edits 300] [--searches 300]
        [--runs 5] [--cache DIR] [--frozen [NAME=]EXE ...]
        (--cache keeps the built caseloads in DIR and reuses them next time)
Prints a table with medians and ratios. Machines here are noisy: compare the columns
of one run, not runs with each other.
"""

from __future__ import annotations

import argparse
import json
import os
import random
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
if sys.platform == "win32":  # a peer side under Wine (--wine-peers): its sqlcipher3
    sys.path.insert(0, str(ROOT / "build" / "windows" / "bench-peers"))

from klantapp.casebook import Casebook, benchrun, migrations  # noqa: E402
from klantapp.casebook.convert import to_sql  # noqa: E402
from klantapp.casebook.textfold import fold, fts_query, fts_words  # noqa: E402
from klantapp.vault import KdfParams  # noqa: E402

PASS = "benchmark wachtwoordzin"
#: SQLCipher's key: 256 raw bits in hex, as a key derived by Argon2id would be passed.
SQLCIPHER_KEY = "x'" + "2f" * 32 + "'"
SIDES = {
    "klantapp": "Klantapp",
    "sqlite": "plain SQLite",
    "sqlcipher": "SQLCipher 4",
}
#: Frozen builds are sides named "frozen ..." (see --frozen); they and "klantapp" are ours.
FROZEN = "frozen"
#: A side run under Wine: a frozen build named "wine", or a peer of --wine-peers.
WINE = " wine"
WINE_PYTHON = ROOT / "packaging" / "windows" / "python.sh"


def platform_of(side: str) -> str:
    return "wine" if side.endswith(WINE) else "native"


def is_ours(side: str) -> bool:
    return side == "klantapp" or side.startswith(FROZEN)


def frozen_sides(specs: list[str]) -> dict[str, str]:
    """``--frozen`` values (``EXE`` or ``NAME=EXE``) as side name -> program."""
    out: dict[str, str] = {}
    for spec in specs:
        name, _, exe = spec.rpartition("=") if "=" in spec else ("", "", spec)
        side = f"{FROZEN} {name}" if name else FROZEN
        if side in out:
            raise SystemExit(f"--frozen {spec}: a second frozen build needs a NAME= of its own")
        out[side] = exe
    return out


def _sqlcipher() -> Any | None:
    try:
        import sqlcipher3  # type: ignore[import-not-found]
    except ImportError:
        return None
    return sqlcipher3


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


def build_sqlcipher(path: Path, plain: Path) -> None:
    """The plain file, exported by SQLCipher itself into a keyed file (same schema,
    index and rows, page by page encrypted)."""
    sqlcipher3 = _sqlcipher()
    assert sqlcipher3 is not None
    conn = sqlcipher3.connect(str(plain), isolation_level=None)
    conn.create_function("kfold", 1, fold, deterministic=True)
    conn.execute(f'ATTACH DATABASE ? AS encrypted KEY "{SQLCIPHER_KEY}"', (str(path),))
    conn.execute("SELECT sqlcipher_export('encrypted')")
    conn.execute("DETACH DATABASE encrypted")
    conn.close()
    conn = _plain_connect(path, cipher=True)
    conn.execute("SELECT count(*) FROM households").fetchone()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _plain_connect(path: Path, *, cipher: bool = False) -> Any:
    driver = _sqlcipher() if cipher else sqlite3
    assert driver is not None
    conn = driver.connect(str(path), isolation_level=None)
    if cipher:
        conn.execute(f'PRAGMA key = "{SQLCIPHER_KEY}"')
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


def measure(side: str, path: str, edits: int, searches: int, prefix_peers: bool) -> dict[str, Any]:
    """Runs in a child process: open, edits, searches; returns the figures."""
    if side == "klantapp":
        return benchrun.measure(Path(path), PASS, edits, searches)
    rnd = random.Random(11)
    result: dict[str, Any] = {"rss_before_open_mb": benchrun.rss_mb()}
    t0 = time.perf_counter()
    conn = _plain_connect(Path(path), cipher=side == "sqlcipher")
    conn.execute("SELECT count(*) FROM households").fetchone()
    result["open_s"] = time.perf_counter() - t0
    note_ids = [
        r[0] for r in conn.execute("SELECT id FROM notes ORDER BY random() LIMIT ?", (edits,))
    ]

    def edit(i: int, note_id: str) -> None:
        conn.execute("BEGIN")
        conn.execute(
            "UPDATE notes SET text = ? WHERE id = ?", (benchrun.edit_text(i, rnd), note_id)
        )
        conn.execute("COMMIT")

    # the same statements as Klantapp's search(): every FTS table, the same MATCH
    # expressions (whole terms where exact, see prefixmatch), or with --prefix-peers
    # the plain prefix phrases
    from klantapp.casebook.prefixmatch import cheap_match
    from klantapp.casebook.queries import search_statements

    def find(_i: int, typed: str) -> None:
        hits: list[Any] = []
        for _kind, fts, sql in search_statements():
            if len(hits) >= 50:
                break
            q = fts_query(typed) if prefix_peers else cheap_match(conn, fts, fts_words(typed))
            hits.extend(conn.execute(sql, (q, 50 - len(hits))).fetchall())
        assert hits, typed

    result["commit"], result["commit_cpu"] = benchrun.timed_with_cpu(note_ids, edit)
    result["search"], result["search_cpu"] = benchrun.timed_with_cpu(
        benchrun.searches_of(searches), find
    )
    result["sqlite_version"] = conn.execute("SELECT sqlite_version()").fetchone()[0]
    conn.close()
    result["peak_rss_mb"] = benchrun.rss_mb("VmHWM")
    return result


def _child(
    side: str, path: Path, edits: int, searches: int, prefix_peers: bool, frozen: dict[str, str]
) -> dict[str, Any]:
    counts = ["--edits", str(edits), "--searches", str(searches)]
    peers = ["--prefix-peers"] if prefix_peers else []
    if side in frozen:
        command = [frozen[side], "bench-casebook", str(path), *counts]
    elif side.endswith(WINE):  # a peer on the Windows build's own Python, under Wine
        base = side.removesuffix(WINE)
        command = [str(WINE_PYTHON), __file__, *peers, "--child", base, str(path), *counts]
    else:
        command = [sys.executable, __file__, *peers, "--child", side, str(path), *counts]
    env = {**os.environ, "KLANTAPP_PASSPHRASE": PASS}
    out = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
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
        "--runs",
        type=int,
        default=5,
        help="rounds, each side once per round; ratios are medians of per-round ratios",
    )
    ap.add_argument(
        "--frozen",
        metavar="[NAME=]EXE",
        action="append",
        default=[],
        help="also run the Klantapp side in this frozen build (may be repeated)",
    )
    ap.add_argument(
        "--prefix-peers",
        action="store_true",
        help="the peers search with plain FTS5 prefix phrases instead of Klantapp's expressions",
    )
    ap.add_argument(
        "--wine-peers",
        action="store_true",
        help="also run plain SQLite and SQLCipher 4 on the Windows build's Python under Wine "
        "(make windows, packaging/windows/bench-peers.sh), beside a frozen build named wine",
    )
    ap.add_argument("--cache", help="keep the built caseloads in this folder and reuse them")
    ap.add_argument("--child", nargs=2, metavar=("SIDE", "PATH"))
    args = ap.parse_args()
    if args.child:
        print(
            json.dumps(
                measure(args.child[0], args.child[1], args.edits, args.searches, args.prefix_peers)
            )
        )
        return

    frozen = frozen_sides(args.frozen)
    sides = ["klantapp", *frozen, "sqlite"]
    if _sqlcipher() is not None:
        sides.append("sqlcipher")
    if "sqlcipher" not in sides:
        print("(sqlcipher3 is not installed: pip install -e '.[bench]' for the SQLCipher column)")
    if args.wine_peers:
        subprocess.run([str(ROOT / "packaging" / "windows" / "bench-peers.sh")], check=True)
        sides += ["sqlite" + WINE, "sqlcipher" + WINE]
    work = Path(args.cache) if args.cache else Path(tempfile.mkdtemp(prefix="klantapp-bench-"))
    built = work / f"built-{args.households}"
    try:
        built.mkdir(parents=True, exist_ok=True)
        files = {
            "klantapp": built / "casebook",
            "sqlite": built / "plain.sqlite",
            "sqlcipher": built / "sqlcipher.sqlite",
        }
        files.update({side: files["klantapp"] for side in frozen})
        files.update(
            {s: files[s.removesuffix(WINE)] for s in sides if s.endswith(WINE) and not is_ours(s)}
        )
        rows: list[tuple[str, dict[str, Any]]] | None = None
        for side in sides:
            if side in frozen or side.endswith(WINE) or files[side].exists():
                print(f"reusing {files[side]}")
                continue
            if rows is None:
                t = time.perf_counter()
                rows = generate(args.households)
                counts: dict[str, int] = {}
                for table, _ in rows:
                    counts[table] = counts.get(table, 0) + 1
                print(f"caseload: {counts}  (generated in {time.perf_counter() - t:.1f} s)")
            t = time.perf_counter()
            tmp = files[side].with_name(files[side].name + ".building")
            shutil.rmtree(tmp, ignore_errors=True)
            if side == "klantapp":
                build_casebook(tmp, rows)
            elif side == "sqlite":
                build_plain(tmp, rows)
            else:
                build_sqlcipher(tmp, files["sqlite"])
            tmp.rename(files[side])
            print(
                f"built {_label(side)} in {time.perf_counter() - t:.1f} s,"
                f" {_size(files[side]) / 1e6:.0f} MB on disk"
            )
        del rows

        results: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
        run = work / "run"
        for round_no in range(args.runs):
            # every side once per round, starting one further each round, so load that
            # comes and goes on a shared machine falls on all sides alike
            turn = round_no % len(sides)
            for side in sides[turn:] + sides[:turn]:
                # each run starts from the built files: edits of one run never reach the next
                shutil.rmtree(run, ignore_errors=True)
                if files[side].is_dir():
                    shutil.copytree(files[side], run)
                    (run / benchrun.MARKER).touch()
                    path = run
                else:
                    run.mkdir()
                    path = Path(shutil.copy(files[side], run))
                results[side].append(
                    _child(side, path, args.edits, args.searches, args.prefix_peers, frozen)
                )
        shutil.rmtree(run, ignore_errors=True)
        for side, exe in frozen.items():
            print(f"{_label(side)}: {exe}")
        _report(results, sides, args)
    finally:
        if not args.cache:
            shutil.rmtree(work, ignore_errors=True)


def _label(side: str) -> str:
    if side.endswith(WINE) and side.removesuffix(WINE) in SIDES:
        return f"{SIDES[side.removesuffix(WINE)]}/Wine"
    return SIDES.get(side, side)


def _pairs(sides: list[str]) -> list[tuple[str, str]]:
    """(ours, peer) for every ratio: each of ours against the peers of its own platform
    (a build under Wine against SQLCipher under Wine), or the native peers when its
    platform has none."""
    ours = [side for side in sides if is_ours(side)]
    peers = [side for side in sides if not is_ours(side)]
    out = []
    for o in ours:
        same = [p for p in peers if platform_of(p) == platform_of(o)]
        out += [(o, p) for p in same or [p for p in peers if platform_of(p) == "native"]]
    return out


def _figures(r: dict[str, Any]) -> dict[str, float]:
    """One run's figures (milliseconds, seconds, MB); the CPU ones where the side
    reported them (a frozen build from before they were measured does not)."""
    out = {
        "commit_p50_ms": statistics.median(r["commit"]) * 1e3,
        "commit_p95_ms": _pct(r["commit"], 95) * 1e3,
        "open_s": r["open_s"],
        "search_p50_ms": statistics.median(r["search"]) * 1e3,
        "search_p95_ms": _pct(r["search"], 95) * 1e3,
        "peak_rss_mb": r["peak_rss_mb"],
    }
    for kind in ("commit", "search"):
        if f"{kind}_cpu" in r:
            out[f"{kind}_cpu_p50_ms"] = statistics.median(r[f"{kind}_cpu"]) * 1e3
            out[f"{kind}_cpu_p95_ms"] = _pct(r[f"{kind}_cpu"], 95) * 1e3
    return out


def _report(
    results: dict[str, list[dict[str, Any]]], sides: list[str], args: argparse.Namespace
) -> None:
    runs = {side: [_figures(r) for r in results[side]] for side in sides}
    ours = [side for side in sides if is_ours(side)]
    goals = {
        "commit_p50_ms": "<= SQLCipher",
        "commit_p95_ms": "<= SQLCipher",
        "commit_cpu_p50_ms": "(CPU time)",
        "commit_cpu_p95_ms": "(CPU time)",
        "open_s": "< 1 s (+ KDF)",
        "search_p50_ms": "",
        "search_p95_ms": "<= SQLCipher",
        "search_cpu_p50_ms": "(CPU time)",
        "search_cpu_p95_ms": "(CPU time)",
        "peak_rss_mb": "",
    }
    print()
    versions = {side: results[side][0]["sqlite_version"] for side in sides}
    print("SQLite versions: " + ", ".join(f"{_label(s)} {v}" for s, v in versions.items()))
    print(
        f"{args.runs} rounds x {args.edits} edits, {args.searches} searches per side;"
        " figures: median over the rounds of each run's p50/p95; ratios: median of the"
        " per-round ratios [lowest-highest]"
    )
    pairs = _pairs(sides)
    head = f"{'figure':<18}" + "".join(f"{_label(side)[-16:]:>17}" for side in sides)
    head += "".join(f"{_label(o)[-12:] + ' / ' + _label(p)[:9]:>28}" for o, p in pairs)
    print(head + "   goal")
    for key, goal in goals.items():
        line = f"{key:<18}" + "".join(
            f"{statistics.median(f[key] for f in runs[side]):>17.2f}"
            if key in runs[side][0]
            else f"{'-':>17}"
            for side in sides
        )
        for o, p in pairs:
            ratios = [
                a[key] / b[key]
                for a, b in zip(runs[o], runs[p], strict=True)
                if key in a and key in b and b[key]
            ]
            cell = (
                f"{statistics.median(ratios):.2f} [{min(ratios):.2f}-{max(ratios):.2f}]"
                if ratios
                else "-"
            )
            line += f"{cell:>28}"
        print(f"{line}   {goal}")
    for side in ours:
        rs = results[side]
        db_mb = statistics.median(r["db_mb"] for r in rs)
        took = [(r["open_peak_mb"] - r["rss_before_open_mb"]) / r["db_mb"] for r in rs]
        timelines = [x for r in rs for x in r["timeline"]]
        print(
            f"\n{_label(side)}: decrypted database {db_mb:.0f} MB;"
            f" {statistics.median(r['rss_before_open_mb'] for r in rs):.0f} MB before open,"
            f" peak {statistics.median(r['open_peak_mb'] for r in rs):.0f} MB by its end:"
            f" the open took {statistics.median(took):.2f}x the database"
            f" [{min(took):.2f}-{max(took):.2f}] (goal <= 2x); whole-run peak"
            f" {statistics.median(r['peak_rss_mb'] for r in rs) / db_mb:.2f}x"
        )
        print(
            f"{_label(side)} household timeline: p50 {statistics.median(timelines) * 1e3:.1f} ms,"
            f" p95 {_pct(timelines, 95) * 1e3:.1f} ms (goal < 20 ms); KDF of this bench"
            f" casebook (test parameters) {statistics.median(r['kdf_s'] for r in rs) * 1e3:.0f} ms"
        )
        if all("timeline_cpu" in r for r in rs):
            print(f"{_label(side)} household timeline, {_slow_samples(rs, 'timeline')}")
        if all("search_cpu" in r for r in rs):
            print(f"{_label(side)} search, {_slow_samples(rs, 'search')}")


def _slow_samples(rs: list[dict[str, Any]], kind: str) -> str:
    """What the slowest 5% of the samples did: their wall time beside their CPU time."""
    samples = sorted(
        ((w, c) for r in rs for w, c in zip(r[kind], r[f"{kind}_cpu"], strict=True)),
        reverse=True,
    )
    slow = samples[: max(1, len(samples) // 20)]
    cpu = [c for _, c in samples]
    return (
        f"the slowest {len(slow)} of {len(samples)} samples: wall {slow[-1][0] * 1e3:.1f}"
        f"-{slow[0][0] * 1e3:.1f} ms, CPU {min(c for _, c in slow) * 1e3:.2f}"
        f"-{max(c for _, c in slow) * 1e3:.2f} ms; CPU of all samples p95"
        f" {_pct(cpu, 95) * 1e3:.2f} ms, max {max(cpu) * 1e3:.2f} ms"
    )


if __name__ == "__main__":
    main()
