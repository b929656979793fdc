"""Letters benchmark: a day's batch of bilingual appointment letters, in one PDF.

Builds ``--letters`` letters (default 30: a busy day for a team) with varied names,
times, appointment kinds, interpreters and all 14 client languages, renders them with
``render_letters`` into one in-memory PDF and reports letters per second.

The first batch in the process is reported on its own (cold: fonts parsed and
registered, every text shaped for the first time). Then ``--runs`` batches, each with
new names, addresses and times so only the fixed letter texts can come from the
shaping caches, as on a real day; the median of those is the figure.

Usage:  python bench/letters_bench.py [--letters 30] [--runs 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from klantapp.casebook.demo import GEMEENTE as DEMO_GEMEENTE  # noqa: E402
from klantapp.letters import render_letters  # noqa: E402
from klantapp.letters.model import Appointment, Gemeente, LetterData, Recipient  # noqa: E402
from klantapp.letters.texts import KIND_TITLES, LETTER_LANGUAGES  # noqa: E402

GIVEN = ["Amina", "Yonas", "Selam", "Ahmad", "Fatima", "Omid", "Hawa", "Mehmet", "Olena", "Dilan"]
FAMILY = ["Haddad", "Tesfay", "Gebremedhin", "Al-Khatib", "Rahimi", "Warsame", "Yilmaz", "Koval"]
STREETS = ["Korenbloemstraat", "Esdoornlaan", "Molenweg", "Kerkstraat", "Beukenhof", "Dorpsplein"]
GEMEENTE = Gemeente(**DEMO_GEMEENTE)  # the fictional gemeente of the demo casebook


def day_batch(n: int, seed: int) -> list[LetterData]:
    rnd = random.Random(seed)
    day = date(2026, 12, 1) + timedelta(days=seed)
    langs = [code for code in LETTER_LANGUAGES if code != "nl"]
    kinds = list(KIND_TITLES)
    letters = []
    for i in range(n):
        lang = langs[i % len(langs)]
        start = datetime.combine(day, datetime.min.time()) + timedelta(
            hours=8 + (i * 25) // 60, minutes=(i * 25) % 60 + rnd.randrange(0, 5)
        )
        kind = rnd.choice(kinds)
        letters.append(
            LetterData(
                gemeente=GEMEENTE,
                recipient=Recipient(
                    name=f"{rnd.choice(GIVEN)} {rnd.choice(FAMILY)}-{seed}{i}",
                    street=rnd.choice(STREETS),
                    house_number=str(rnd.randrange(1, 200)),
                    postcode=f"74{rnd.randrange(10, 99)} {rnd.choice('ABCDEFGH')}{rnd.choice('KLMNP')}",
                    city="Heuveldal",
                ),
                appointment=Appointment(
                    kind=kind,
                    starts_at=start,
                    location="Gemeentehuis Heuveldal, Marktplein 1, 7461 AB Heuveldal",
                    duration_minutes=rnd.choice([30, 45, 60, 90]),
                    route_note=rnd.choice(["", "Ingang aan de achterkant, balie 3"]),
                    with_whom=rnd.choice(["Sanne de Vries", "Mohamed Bouali", "Eva Jansen"]),
                    interpreter_mode=rnd.choice(["", "ter_plaatse", "telefoon", "video"]),
                    interpreter_language=lang,
                    invitation_number=rnd.choice([1, 2, 3]) if kind == "brede_intake" else None,
                    bring=rnd.choice(["", "", "Uw diploma's en uw bankpas"]),
                    uid=f"bench-{seed}-{i}",
                ),
                letter_date=day - timedelta(days=10),
                reference=f"AFS-{seed:04d}{i:04d}",
                lang=lang,
            )
        )
    return letters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=30)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    batch = day_batch(args.letters, 0)
    t0 = time.perf_counter()
    pdf = render_letters(batch)
    cold = time.perf_counter() - t0

    rates = []
    sizes = []
    for run in range(1, args.runs + 1):
        batch = day_batch(args.letters, run)
        t0 = time.perf_counter()
        pdf = render_letters(batch)
        seconds = time.perf_counter() - t0
        rates.append(args.letters / seconds)
        sizes.append(len(pdf))
    print(f"letters per batch: {args.letters} bilingual (14 client languages, mixed kinds)")
    print(
        f"cold first batch:  {args.letters / cold:6.1f} letters/s ({cold:.2f} s, incl. font loading)"
    )
    print(
        f"warm batches:      median {statistics.median(rates):6.1f} letters/s "
        f"(min {min(rates):.1f}, max {max(rates):.1f}, {args.runs} runs, new names/times each run)"
    )
    print(f"PDF size:          {statistics.median(sizes) / args.letters / 1024:.0f} KiB per letter")


if __name__ == "__main__":
    main()
