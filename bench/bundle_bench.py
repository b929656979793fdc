"""Bundle benchmark: bytes per operation, and write/read throughput of the .kbundle format.

Synthetic operations of realistic size, one JSON line each, as the journal will send them:

    {"t":"notes","id":"<uuid>","op":"update","d":{"text":"..."},
     "h":"0001733068800000-00000-<16 hex>","dev":"<16 hex>","s":123,"dg":"<sha256 hex>"}

For a working day (200 operations) and a re-provision (20,000 operations) it prints the
bundle's size per operation beside ops.jsonl's (the format's overhead: tar, manifest,
signature, age), and the time to write and to read one bundle beside the age layer
alone (pyrage on the same bytes, measured in the same run: the cost of our checks).

Usage:  python bench/bundle_bench.py [--ops 200] [--repeat 30]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from klantapp.crypto import agefile  # noqa: E402
from klantapp.sync import bundle, minisign  # noqa: E402

WORDS = [
    "afspraak",
    "DUO",
    "taalschool",
    "inburgering",
    "gesprek",
    "brief",
    "woning",
    "gemeente",
    "PIP",
    "leerroute",
    "B1",
    "Z-route",
    "onderwijsroute",
    "huisarts",
    "werk",
    "stage",
    "vrijwilliger",
    "kinderopvang",
    "toets",
    "participatieverklaring",
    "ONA",
    "KNM",
    "verlenging",
    "ontheffing",
    "boete",
]


def synthetic_ops(count: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    device = f"{rng.getrandbits(64):016x}"
    lines = []
    for seq in range(1, count + 1):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40)))
        line = {
            "t": rng.choice(["notes", "appointments", "persons", "pips"]),
            "id": str(uuid.UUID(int=rng.getrandbits(128))),
            "op": rng.choice(["insert", "update", "update", "update"]),
            "d": {"text": text},
            "h": f"{1733068800000 + seq * 1000:016d}-00000-{device}",
            "dev": device,
            "s": seq,
            "dg": hashlib.sha256(text.encode()).hexdigest(),
        }
        lines.append(json.dumps(line, separators=(",", ":"), ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode()


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(ops_count: int, repeat: int) -> None:
    office_secret, office_public = agefile.new_identity()
    device = minisign.generate()
    ops = synthetic_ops(ops_count)
    sender = "a1b2c3d4e5f60718"

    def write() -> bytes:
        return bundle.write_bundle(
            hub_id="hub0001",
            gemeente="Zwolle",
            sender=sender,
            schema_version=3,
            roster_version=7,
            ops_jsonl=ops,
            signer=device,
            recipients=[office_public],
            ranges={sender: (1, ops_count)},
            acks={"hub0001": 1234},
            state_digest="ab" * 32,
        )[1]

    data = write()

    def read() -> object:
        return bundle.read_bundle(
            data,
            identities=[office_secret],
            signer_key=lambda _s: device.public_key(),
            expected_hub_id="hub0001",
        )

    raw = agefile.encrypt(ops, [office_public])
    t_write = median_seconds(write, repeat)
    t_read = median_seconds(read, repeat)
    t_age_enc = median_seconds(lambda: agefile.encrypt(ops, [office_public]), repeat)
    t_age_dec = median_seconds(lambda: agefile.decrypt(raw, [office_secret]), repeat)
    mb = len(ops) / 1e6
    print(f"\n{ops_count} operations, ops.jsonl {len(ops):,} bytes")
    print(f"  {'bytes per operation':34} {'bundle':>12} {'ops.jsonl':>12} {'overhead':>10}")
    print(
        f"  {'':34} {len(data) / ops_count:12.1f} {len(ops) / ops_count:12.1f} "
        f"{len(data) - len(ops):9,d}B"
    )
    print(f"  {'median of ' + str(repeat):34} {'bundle':>12} {'age alone':>12} {'ratio':>10}")
    for name, ours, base in (
        ("write", t_write, t_age_enc),
        ("read (all checks)", t_read, t_age_dec),
    ):
        print(
            f"  {name:34} {ours * 1e3:9.2f} ms {base * 1e3:9.2f} ms {ours / base:9.2f}x"
            f"   ({mb / ours:6.1f} MB/s, {ops_count / ours:9,.0f} ops/s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    print("Bundle format benchmark (noisy machine: compare columns of one run)")
    measure(args.ops, args.repeat)
    measure(100 * args.ops, max(3, args.repeat // 10))


if __name__ == "__main__":
    main()
