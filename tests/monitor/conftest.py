"""A hand-built casebook with known answers for every monitor definition (``book``)."""

from __future__ import annotations

from typing import Any

import pytest

from klantapp.casebook import Casebook, services


def person(cb: Casebook, hid: str, **values: Any) -> str:
    base = {"household_id": hid, "role": "aanvrager", "family_name": "X", "birth_date": "1990"}
    return services.add_record(cb, "persons", {**base, **values})


def decision(cb: Casebook, hid: str, pid: str, kind: str, day: str, **values: Any) -> str:
    base = {"household_id": hid, "person_id": pid, "kind": kind, "date": day}
    return services.add_record(cb, "duo_decisions", {**base, **values})


def pip(cb: Casebook, hid: str, pid: str, **values: Any) -> str:
    base = {"household_id": hid, "person_id": pid, "version": 1, "status": "vastgesteld"}
    return services.add_record(cb, "pips", {**base, **values})


@pytest.fixture
def book(casebook: Casebook) -> dict[str, str]:
    cb = casebook
    ids: dict[str, str] = {}
    # A: asiel, inschrijving 2026-01-05, PIP after 6 weeks (within), B1, course started
    # 4 weeks after the PIP; bijstand with ontzorgen
    ids["A"] = services.add_record(
        cb,
        "households",
        {
            "name": "A",
            "status": "traject",
            "inschrijving_date": "2026-01-05",
            "bijstand_start": "2026-01-10",
            "ontzorgen": True,
        },
    )
    ids["a1"] = person(cb, ids["A"], plicht_status="plichtig", permit_basis="asiel_bepaald")
    pip(
        cb,
        ids["A"],
        ids["a1"],
        vastgesteld_on="2026-02-16",
        leerroute="b1",
        course_start="2026-03-16",
    )
    # B: nareiziger, inschrijving 2026-02-02, PIP after 12 weeks (late), Z-route, offer
    # not started; bijstand without ontzorgen; a warning and a boete this year
    ids["B"] = services.add_record(
        cb,
        "households",
        {
            "name": "B",
            "status": "traject",
            "inschrijving_date": "2026-02-02",
            "bijstand_start": "2026-02-02",
        },
    )
    ids["b1"] = person(cb, ids["B"], plicht_status="plichtig", permit_basis="nareis_asiel")
    pip(cb, ids["B"], ids["b1"], vastgesteld_on="2026-04-27", leerroute="z")
    for kind, day in (
        ("waarschuwing", "2026-03-01"),
        ("boete", "2026-04-01"),
        ("boete", "2025-12-01"),
    ):
        services.add_record(
            cb,
            "handhaving",
            {
                "household_id": ids["B"],
                "person_id": ids["b1"],
                "date": day,
                "kind": kind,
                "status": "opgelegd",
            },
        )
    # C: asiel, inschrijving 2026-01-05, no PIP (10 weeks passed); a member whom DUO
    # gave a vrijstelling (still recorded as plichtig: DUO's decision wins); a gezins-
    # migrant whose termijn started elsewhere (DUO) on 2023-02-28, so it ended on
    # 2026-02-27, and DUO extended it by 6 months: its last day is 2026-08-27
    ids["C"] = services.add_record(
        cb, "households", {"name": "C", "status": "traject", "inschrijving_date": "2026-01-05"}
    )
    ids["c1"] = person(cb, ids["C"], plicht_status="plichtig", permit_basis="asiel_onbepaald")
    ids["c2"] = person(
        cb, ids["C"], role="partner", plicht_status="plichtig", permit_basis="asiel_bepaald"
    )
    decision(cb, ids["C"], ids["c2"], "vrijstelling", "2026-03-02", effective_from="2026-03-02")
    ids["c3"] = person(
        cb, ids["C"], role="overig", plicht_status="plichtig", permit_basis="regulier_gezin"
    )
    decision(cb, ids["C"], ids["c3"], "termijn_start", "2024-01-10", termijn_start="2023-02-28")
    decision(
        cb,
        ids["C"],
        ids["c3"],
        "verlenging",
        "2025-11-03",
        ground="ziekte",
        period_months=6,
    )
    for pid, score, day in (
        (ids["c1"], 2, "2026-01-20"),
        (ids["c1"], 4, "2026-03-01"),
        (ids["a1"], 2, "2026-01-20"),
    ):
        services.add_record(
            cb,
            "intake_scores",
            {
                "household_id": ids["C"] if pid == ids["c1"] else ids["A"],
                "person_id": pid,
                "intake_date": day,
                "domain": "huisvesting",
                "score": score,
            },
        )
    return ids
