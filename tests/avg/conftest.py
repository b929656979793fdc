"""A household with one record of every kind, each holding a marker string, so a
test can look for any trace of it in every place data lives (``Family.ids`` has a
record of every kind of the dossier: tests/avg/test_inzage.py fails if one is added to
the registry and not here)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

from klantapp.casebook import Casebook, services


@contextlib.contextmanager
def local_clock(zone: str = "Europe/Amsterdam") -> Iterator[None]:
    """This computer's clock in ``zone`` for a while (UTC+1 in winter for Amsterdam)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def demo_bsn(seed: int) -> str:
    """A 9-digit number that passes the elfproef, derived from ``seed`` (fictional).
    (The demo caseload became a document with its own numbers; the tests keep this.)"""
    n = 10_000_000 + (seed * 7_919) % 89_000_000
    while True:
        digits = [int(c) for c in f"{n:08d}"]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        check = total % 11
        if check < 10:
            return f"{n:08d}{check}"
        n += 1


@dataclass
class Family:
    household: str
    person: str
    other: str  # a second member
    ids: dict[str, str]  # record kind -> id
    markers: list[str]  # text that only this family's records hold


def make_family(cb: Casebook, tag: str = "Zqx", *, status: str = "traject") -> Family:
    bsn = demo_bsn(sum(map(ord, tag)))
    m = [f"{tag}naam", f"{tag}voornaam", f"{tag}straat", f"{tag}notitie", f"{tag}gezondheid"]
    hid = services.add_record(
        cb,
        "households",
        {"name": f"Familie {m[0]}", "status": status, "street": m[2], "notes": f"{tag}huis"},
    )
    pid = services.add_record(
        cb,
        "persons",
        {
            "household_id": hid,
            "role": "aanvrager",
            "family_name": m[0],
            "given_names": m[1],
            "bsn": bsn,
            "health_restricted": True,
            "health_note": m[4],
            "plicht_status": "plichtig",
            "doelgroep": "asiel",
        },
    )
    other = services.add_record(
        cb,
        "persons",
        {"household_id": hid, "role": "partner", "family_name": m[0], "given_names": f"{tag}ander"},
    )
    partner = services.add_record(
        cb, "partners", {"name": "Taalschool Noord", "kind": "taalschool"}
    )
    ids = {
        "households": hid,
        "persons": pid,
        "warm_handovers": services.add_record(
            cb,
            "warm_handovers",
            {"household_id": hid, "date": "2026-01-05", "notes": f"{tag}overdracht"},
        ),
        "intake_scores": services.add_record(
            cb,
            "intake_scores",
            {
                "household_id": hid,
                "person_id": pid,
                "intake_date": "2026-01-10",
                "domain": "geestelijke_gezondheid",
                "score": 2,
                "notes": f"{tag}psyche",
            },
        ),
        "pips": services.add_record(
            cb,
            "pips",
            {
                "household_id": hid,
                "person_id": pid,
                "version": 1,
                "status": "vastgesteld",
                "vastgesteld_on": "2026-02-01",
                "leerroute": "b1",
                "notes": f"{tag}pip",
            },
        ),
        "appointments": services.add_record(
            cb,
            "appointments",
            {
                "household_id": hid,
                "person_id": pid,
                "kind": "voortgang",
                "starts_at": "2026-03-01T10:00",
                "location": "Stadhuis",
                "outcome": "verschenen",
                "notes": f"{tag}afspraak",
            },
        ),
        "handhaving": services.add_record(
            cb,
            "handhaving",
            {
                "household_id": hid,
                "person_id": pid,
                "date": "2026-03-02",
                "kind": "waarschuwing",
                "status": "opgelegd",
                "notes": f"{tag}handhaving",
            },
        ),
        "duo_decisions": services.add_record(
            cb,
            "duo_decisions",
            {
                "household_id": hid,
                "person_id": pid,
                "kind": "termijn_start",
                "date": "2026-02-10",
                "termijn_start": "2026-02-02",
                "notes": f"{tag}duo",
            },
        ),
        "trajectmodules": services.add_record(
            cb,
            "trajectmodules",
            {
                "household_id": hid,
                "person_id": pid,
                "kind": "pvt",
                "status": "gestart",
                "start_date": "2026-02-15",
                "notes": f"{tag}module",
            },
        ),
        "exam_attempts": services.add_record(
            cb,
            "exam_attempts",
            {
                "household_id": hid,
                "person_id": pid,
                "skill": "lezen",
                "exam": "inburgeringsexamen",
                "date": "2026-04-01",
                "level": "A2",
                "result": "behaald",
                "notes": f"{tag}examen",
            },
        ),
        "referrals": services.add_record(
            cb,
            "referrals",
            {
                "household_id": hid,
                "person_id": pid,
                "partner_id": partner,
                "date": "2026-03-03",
                "status": "aangemeld",
                "notes": f"{tag}verwijzing",
            },
        ),
        "notes": services.add_record(
            cb,
            "notes",
            {
                "household_id": hid,
                "person_id": pid,
                "created_at": "2026-03-04T09:00",
                "text": m[3],
            },
        ),
    }
    services.add_record(
        cb,
        "notes",
        {
            "household_id": hid,
            "person_id": pid,
            "created_at": "2026-03-05T09:00",
            "text": f"{tag}geheim",
            "restricted": True,
        },
    )
    markers = [
        *m,
        f"{tag}huis",
        f"{tag}ander",
        f"{tag}overdracht",
        f"{tag}psyche",
        f"{tag}pip",
        f"{tag}afspraak",
        f"{tag}handhaving",
        f"{tag}duo",
        f"{tag}module",
        f"{tag}examen",
        f"{tag}verwijzing",
        f"{tag}geheim",
        bsn,
    ]
    return Family(hid, pid, other, ids, markers)
