"""The Klantapp side of the casebook benchmark (bench/casebook_bench.py).

It lives in the package so that a frozen build measures itself with the same code:
``klantapp bench-casebook FOLDER`` (a hidden command) runs it in the bundle's own
Python, on the bundle's own SQLite. Because it edits, it refuses every folder that the
benchmark did not mark as its throw-away copy (:data:`MARKER`).
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

#: The file the benchmark puts in its copy of the casebook; without it nothing is edited.
MARKER = "KLANTAPP-BENCH-COPY"
#: What the benchmark searches for, on every side (names in four scripts, a note word).
SEARCHES = (
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
)
_EDIT_WORDS = ("taalschool", "kinderopvang", "huisarts", "werk", "gesprek", "tolk")


def searches_of(count: int) -> list[str]:
    return [SEARCHES[i % len(SEARCHES)] for i in range(count)]


def edit_text(i: int, rnd: random.Random) -> str:
    """The new text of the i-th edited note (the same on every side)."""
    return f"bijgewerkt {i} {rnd.choice(_EDIT_WORDS)}"


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory, or with ``VmHWM`` its own peak (getrusage's
    ru_maxrss is inherited across exec on Linux, so a child would report its parent's
    peak). On Windows the working set and its peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    if sys.platform == "win32":
        return _windows_working_set_mb(peak=field == "VmHWM")
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _windows_working_set_mb(*, peak: bool) -> float:
    import ctypes
    from ctypes import wintypes

    class Counters(ctypes.Structure):
        _fields_ = [
            ("cb", wintypes.DWORD),
            ("PageFaultCount", wintypes.DWORD),
            ("PeakWorkingSetSize", ctypes.c_size_t),
            ("WorkingSetSize", ctypes.c_size_t),
            ("rest", ctypes.c_size_t * 5),
        ]

    counters = Counters(cb=ctypes.sizeof(Counters))
    windll = ctypes.WinDLL("psapi")  # type: ignore[attr-defined,unused-ignore]
    process = ctypes.windll.kernel32.GetCurrentProcess()  # type: ignore[attr-defined,unused-ignore]
    if not windll.GetProcessMemoryInfo(process, ctypes.byref(counters), counters.cb):
        return float("nan")
    size = counters.PeakWorkingSetSize if peak else counters.WorkingSetSize
    return float(size) / 2**20


def timed_with_cpu[T](
    items: Iterable[T], action: Callable[[int, T], object]
) -> tuple[list[float], list[float]]:
    """Seconds each ``action(i, item)`` took on the clock, and of this thread's CPU.

    On a loaded machine a slow sample whose CPU time is as short as the fast ones' was
    waiting for a core (or, for a commit, for the disk), not working."""
    wall, cpu = [], []
    for i, item in enumerate(items):
        start = time.perf_counter()
        start_cpu = time.thread_time()  # read inside the clock's interval, so CPU <= wall
        action(i, item)
        took_cpu = time.thread_time() - start_cpu
        wall.append(time.perf_counter() - start)
        cpu.append(took_cpu)
    return wall, cpu


def is_bench_copy(path: Path) -> bool:
    return (path / MARKER).is_file()


def measure(path: Path, passphrase: str, edits: int, searches: int) -> dict[str, Any]:
    """Open, ``edits`` single-edit commits, ``searches`` searches and 50 household
    timelines of the benchmark's casebook copy at ``path``; the figures as JSON-able
    values."""
    from klantapp.casebook import Casebook
    from klantapp.casebook.queries import list_households, search, timeline

    assert is_bench_copy(path), path
    rnd = random.Random(11)  # noqa: S311 - the same edits every run, not a secret
    result: dict[str, Any] = {"rss_before_open_mb": rss_mb()}
    t0 = time.perf_counter()
    cb = Casebook.open(path, passphrase)
    total = time.perf_counter() - t0
    result["open_peak_mb"] = rss_mb("VmHWM")
    result["kdf_s"] = cb.timings.get("kdf", 0.0)
    result["open_s"] = total - result["kdf_s"]
    try:
        with cb.reading() as conn:
            result["sqlite_version"] = conn.execute("SELECT sqlite_version()").fetchone()[0]
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            result["db_mb"] = pages * conn.execute("PRAGMA page_size").fetchone()[0] / 2**20
            note_ids = [
                r[0]
                for r in conn.execute("SELECT id FROM notes ORDER BY random() LIMIT ?", (edits,))
            ]

        def edit(i: int, note_id: str) -> None:
            with cb.transaction() as tx:
                tx.update("notes", note_id, {"text": edit_text(i, rnd)})

        def find(_i: int, typed: str) -> None:
            assert search(cb, typed, limit=50), typed

        result["commit"], result["commit_cpu"] = timed_with_cpu(note_ids, edit)
        result["search"], result["search_cpu"] = timed_with_cpu(searches_of(searches), find)
        households = [h["id"] for h in list_households(cb, limit=50)]
        result["timeline"], result["timeline_cpu"] = timed_with_cpu(
            households, lambda _i, hid: timeline(cb, hid)
        )
        result["peak_rss_mb"] = rss_mb("VmHWM")
    finally:
        cb.close()  # 300 edits stay far below the journal size that makes it compact
    return result
