"""Every monitor definition on a hand-built casebook with known answers."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest

from klantapp.casebook import Casebook, services
from klantapp.monitor import Monitor, compute
from klantapp.monitor.export import to_csv, to_json

ON = date(2026, 6, 30)


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


def rows(mon: Monitor, key: str) -> dict[str, tuple[int, float | None, set[str]]]:
    return {r.key: (r.count, r.share, r.households) for r in mon.figure(key).rows}


def test_plicht_status_by_doelgroep(casebook: Casebook, book: dict[str, str]) -> None:
    r = rows(compute(casebook, ON), "plicht_doelgroep")
    assert r["plichtig|asiel"][0] == 2 and r["plichtig|asiel"][2] == {book["A"], book["C"]}
    assert r["plichtig|nareiziger"][0] == 1
    assert r["plichtig|gezin"][0] == 1
    assert r["vrijstelling|asiel"][0] == 1


def test_leerroute_and_integratieroute_shares(casebook: Casebook, book: dict[str, str]) -> None:
    mon = compute(casebook, ON)
    r = rows(mon, "leerroute")
    assert (r["b1"][0], r["z"][0], r["onderwijs"][0], r[""][0]) == (1, 1, 0, 2)
    assert r["b1"][1] == pytest.approx(0.25)
    i = rows(mon, "integratieroute")
    assert (i["werk"][0], i["participatie"][0], i[""][0], i["activering"][0]) == (1, 1, 2, 0)
    assert i["werk"][2] == {book["A"]}


def test_pip_within_ten_weeks(casebook: Casebook, book: dict[str, str]) -> None:
    mon = compute(casebook, ON)
    r = rows(mon, "pip_norm")
    assert r["within"][2] == {book["A"]} and r["late"][2] == {book["B"]}
    assert r["open_late"][2] == {book["C"]} and r["open_late"][0] == 1  # c3 is gezin
    assert r["within"][1] == pytest.approx(1 / 3)
    median = next(x for x in mon.figure("pip_norm").rows if x.key == "median")
    assert median.value == 9.0  # 6 and 12 weeks


def test_waiting_time_from_pip_to_offer(casebook: Casebook, book: dict[str, str]) -> None:
    mon = compute(casebook, ON)
    r = rows(mon, "wachttijd")
    assert r["on_time"][2] == {book["A"]} and r["waiting"][2] == {book["B"]}
    median = next(x for x in mon.figure("wachttijd").rows if x.key == "median")
    assert median.value == 4.0


def test_termijn_ending_in_six_months(casebook: Casebook, book: dict[str, str]) -> None:
    r = rows(compute(casebook, ON), "termijn_einde")
    # c3's termijn ended in February; only DUO's extension brings it into the window
    assert sum(c for c, _s, _h in r.values()) == 1 and r["2026-08"][2] == {book["C"]}


def test_timeline_counts_inschrijving_first_pip_and_termijn_end_per_month(
    casebook: Casebook, book: dict[str, str]
) -> None:
    mon = compute(casebook, ON)
    r = rows(mon, "timeline")
    months = sorted({k.split("|")[0] for k in r})
    assert months[0] == "2026-01" and months[-1] == "2026-12"  # the period + 6 months
    assert r["2026-01|inschrijving"][0] == 4  # A's member and C's three
    assert r["2026-01|inschrijving"][2] == {book["A"], book["C"]}
    assert r["2026-02|inschrijving"][2] == {book["B"]}
    assert r["2026-02|pip"][2] == {book["A"]} and r["2026-04|pip"][2] == {book["B"]}
    ends = {k: v[2] for k, v in r.items() if k.endswith("|termijn_einde") and v[0]}
    assert ends == {"2026-08|termijn_einde": {book["C"]}}  # c3, after DUO's extension
    assert sum(v[0] for v in r.values()) == 4 + 1 + 2 + 1


def test_handhaving_in_the_period_and_ontzorgen(casebook: Casebook, book: dict[str, str]) -> None:
    mon = compute(casebook, ON)
    h = rows(mon, "handhaving")
    assert (h["waarschuwing"][0], h["boete"][0]) == (1, 1)  # the 2025 boete is outside
    o = rows(mon, "ontzorgen")
    assert o["active"][2] == {book["A"]} and o["no"][2] == {book["B"]}


def test_intake_counts_the_newest_score_per_person(
    casebook: Casebook, book: dict[str, str]
) -> None:
    r = rows(compute(casebook, ON), "intake")
    assert r["huisvesting|4"][0] == 1 and r["huisvesting|2"][0] == 1  # c1's 2 replaced
    assert r["huisvesting|2"][2] == {book["A"]}


def test_exports_hide_small_numbers_and_use_dutch_decimals(
    casebook: Casebook, book: dict[str, str]
) -> None:
    mon = compute(casebook, ON)
    data = to_csv(mon, suppress=True)
    assert data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    leer = next(i for i, row in enumerate(table) if row and row[0] == "Aandeel per leerroute")
    assert table[leer + 1][:3] == ["B1-route", "< 5", ""]
    shown = to_csv(mon, suppress=False).decode("utf-8-sig")
    assert "B1-route;1;25,0%" in shown
    doc = to_json(mon, suppress=True)
    first = doc["figures"][1]["rows"][0]
    assert first["count"] == "< 5" and first["share"] is None and "households" not in first
    detail = to_json(mon, suppress=False, names={book["A"]: "A"})
    assert detail["figures"][1]["rows"][0]["households"] == [{"id": book["A"], "name": "A"}]
