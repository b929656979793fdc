"""Worked examples with dates for PVT and MAP, exam attempts and the handhaving
procedure (issue 11): one example per rule and edge case, each with its legal source.
A klantmanager can check every date below on a calendar."""

from __future__ import annotations

from datetime import date

from klantapp.domain.deadlines import RULES, DueItem, due_for_household
from klantapp.domain.deadlines.handhaving import besluit_deadline, imposing_last_day
from klantapp.domain.validate import validate_record

HH = "hh"
PID = "p1"


def person(**kw: object) -> dict[str, object]:
    return {"id": PID, "household_id": HH, "role": "aanvrager", "family_name": "Haile",
            "given_names": "Selam", "birth_date": "1990-04-02", "permit_basis": "asiel_bepaald",
            "plicht_status": "plichtig", **kw}  # fmt: skip


def pip(route: str = "b1", **kw: object) -> dict[str, object]:
    # Dagtekening 15 January 2024: the termijn runs from 16 January 2024 up to and
    # including 15 January 2027 (art. 11 lid 1 and 2 Wi2021).
    return {"id": "pip-1", "household_id": HH, "person_id": PID, "version": 1,
            "status": "vastgesteld", "vastgesteld_on": "2024-01-15", "leerroute": route,
            "course_start": "2024-02-01", **kw}  # fmt: skip


def module(kind: str, n: int = 1, **kw: object) -> dict[str, object]:
    return {"id": f"m-{kind}-{n}", "household_id": HH, "person_id": PID, "kind": kind,
            "status": "gestart", **kw}  # fmt: skip


def exam(skill: str, day: str | None, result: str = "behaald", level: str | None = "B1",
         **kw: object) -> dict[str, object]:  # fmt: skip
    values: dict[str, object] = {"id": f"e-{skill}-{day}-{level}", "household_id": HH,
                                 "person_id": PID, "skill": skill, "result": result, **kw}  # fmt: skip
    if day is not None:
        values["date"] = day
    if level is not None and skill != "knm":
        values["level"] = level
    return values


def boete(**kw: object) -> dict[str, object]:
    return {"id": "hh-1", "household_id": HH, "person_id": PID, "kind": "boete",
            "status": "voorgenomen", **kw}  # fmt: skip


def due(
    on: date,
    *,
    pips: list[dict[str, object]] | None = None,
    modules: list[dict[str, object]] | None = None,
    exams: list[dict[str, object]] | None = None,
    handhaving: list[dict[str, object]] | None = None,
    appointments: list[dict[str, object]] | None = None,
    horizon: int = 14,
    **kw: object,
) -> list[DueItem]:
    household = {"id": HH, "status": "traject", "inschrijving_date": "2023-12-01"}
    return due_for_household(
        household,
        [person(**kw)],
        [pip()] if pips is None else pips,
        appointments or [],
        on,
        horizon_days=horizon,
        modules=modules or [],
        exams=exams or [],
        handhaving=handhaving or [],
    )


def of(items: list[DueItem], rule: str) -> list[DueItem]:
    return [i for i in items if i.rule == rule]


def only(items: list[DueItem], rule: str) -> DueItem:
    found = of(items, rule)
    assert len(found) == 1, [(i.rule, i.due_on) for i in items]
    return found[0]


def problems_of(kind: str, values: dict[str, object]) -> dict[str, str]:
    _clean, problems = validate_record(kind, values, today=date(2026, 12, 1))
    return {p.field: p.message for p in problems}


ALL_B1 = [
    exam("lezen", "2026-03-02"),
    exam("luisteren", "2026-03-02"),
    exam("schrijven", "2026-04-13"),
    exam("spreken", "2026-05-18"),
    exam("knm", "2026-02-09"),
]
PVT_SIGNED = module("pvt", status="afgerond", end_date="2025-03-03",
                    verklaring_signed_on="2025-03-03")  # fmt: skip
MAP_DONE = module("map", status="afgerond", end_date="2026-05-04", eindgesprek_on="2026-05-11")


# --- PVT and MAP: parts of the plicht, within the termijn -------------------------------


def test_open_pvt_and_map_are_due_on_the_last_day_of_the_termijn() -> None:
    # Art. 7 lid 1 Wi2021 (PVT and MAP are parts of the plicht) with art. 11 Wi2021
    # (within the termijn): PIP of 15 January 2024, last day 15 January 2027.
    items = due(date(2027, 1, 5))
    assert only(items, "pvt_afronden").due_on == date(2027, 1, 15)
    assert only(items, "map_afronden").due_on == date(2027, 1, 15)
    assert "uiterlijk op 15 januari 2027" in only(items, "pvt_afronden").detail


def test_a_signed_pvt_and_a_map_with_its_eindgesprek_are_done() -> None:
    # Art. 7 lid 1 Wi2021; the PVT ends with the signing, the MAP with the eindgesprek.
    items = due(date(2027, 1, 5), modules=[PVT_SIGNED, MAP_DONE])
    assert not of(items, "pvt_afronden") and not of(items, "map_afronden")


def test_the_onderwijsroute_has_no_map() -> None:
    # Art. 7 Wi2021 / Besluit inburgering 2021 (~): the onderwijsroute has no MAP.
    items = due(date(2027, 1, 5), pips=[pip("onderwijs")])
    assert of(items, "pvt_afronden") and not of(items, "map_afronden")


def test_a_pvt_whose_last_meeting_passed_asks_for_the_signing_that_day() -> None:
    # Besluit inburgering 2021 (PVT ~): the PVT ends with signing the participatieverklaring.
    items = due(date(2026, 3, 10), modules=[module("pvt", end_date="2026-03-02")])
    item = only(items, "pvt_ondertekenen")
    assert item.due_on == date(2026, 3, 2) and item.overdue
    assert "2 maart 2026" in item.detail


def test_a_pvt_before_its_last_meeting_asks_nothing_yet() -> None:
    items = due(date(2026, 3, 1), modules=[module("pvt", end_date="2026-03-02")])
    assert not of(items, "pvt_ondertekenen")


def test_a_pvt_marked_afgerond_without_a_date_counts_as_signed() -> None:
    # An older Klantapp kept "participatieverklaring ondertekend" without a date
    # (migration 0009): the PVT stays done.
    items = due(date(2027, 1, 5), modules=[module("pvt", status="afgerond")])
    assert not of(items, "pvt_afronden") and not of(items, "pvt_ondertekenen")


def test_a_stopped_pvt_does_not_count() -> None:
    stopped = module("pvt", status="gestopt", verklaring_signed_on="2025-03-03")
    assert of(due(date(2027, 1, 5), modules=[stopped]), "pvt_afronden")


def test_a_finished_map_without_eindgesprek_asks_for_it_on_its_end_date() -> None:
    # Besluit inburgering 2021 (MAP ~): the MAP ends with an eindgesprek with the gemeente.
    items = due(
        date(2026, 11, 22), modules=[module("map", status="afgerond", end_date="2026-11-16")]
    )
    item = only(items, "map_eindgesprek")
    assert item.due_on == date(2026, 11, 16) and item.overdue


def test_a_map_marked_afgerond_without_end_date_asks_for_the_eindgesprek_today() -> None:
    items = due(date(2026, 11, 22), modules=[module("map", status="afgerond")])
    assert only(items, "map_eindgesprek").due_on == date(2026, 11, 22)


def test_the_signing_belongs_to_a_pvt_and_the_eindgesprek_to_a_map() -> None:
    assert list(
        problems_of("trajectmodules", module("map", verklaring_signed_on="2026-01-05"))
    ) == ["verklaring_signed_on"]
    assert list(problems_of("trajectmodules", module("pvt", eindgesprek_on="2026-01-05"))) == [
        "eindgesprek_on"
    ]
    late_start = module("pvt", start_date="2026-03-01", end_date="2026-02-01")
    assert list(problems_of("trajectmodules", late_start)) == ["end_date"]


# --- exam attempts: when the plicht is met ------------------------------------------------


def test_all_parts_passed_asks_to_record_the_plicht_as_met_on_the_last_days_date() -> None:
    # Art. 7 lid 1 Wi2021: leerroute (B1 in four skills plus KNM), PVT and MAP. The last
    # part was spreken on 18 May 2026; the termijn items stop.
    items = due(date(2026, 5, 20), modules=[PVT_SIGNED, MAP_DONE], exams=ALL_B1)
    item = only(items, "plicht_voldaan")
    assert item.due_on == date(2026, 5, 18)
    assert {"termijn_controle", "termijn_einde", "schakelen", "pvt_afronden"}.isdisjoint(
        i.rule for i in items
    )


def test_once_the_plicht_is_recorded_as_voldaan_nothing_is_asked() -> None:
    items = due(
        date(2026, 5, 20), modules=[PVT_SIGNED, MAP_DONE], exams=ALL_B1, plicht_status="voldaan"
    )
    assert not of(items, "plicht_voldaan")


def test_a2_does_not_pass_a_b1_skill_but_does_after_afschalen() -> None:
    # Besluit inburgering 2021 (afschalen ~; DOMAIN.md 1.6): afschalen lowers the level
    # for a skill to A2.
    exams = [*ALL_B1[:3], exam("spreken", "2026-05-18", level="A2"), ALL_B1[4]]
    items = due(date(2026, 7, 20), modules=[PVT_SIGNED, MAP_DONE], exams=exams)
    assert not of(items, "plicht_voldaan")
    assert "spreken B1 niet behaald" in only(items, "termijn_controle").detail
    lowered = [pip(afgeschaald=["spreken"])]
    items = due(date(2026, 5, 20), pips=lowered, modules=[PVT_SIGNED, MAP_DONE], exams=exams)
    assert only(items, "plicht_voldaan").due_on == date(2026, 5, 18)


def test_a_higher_level_passes_a_lower_requirement() -> None:
    # A staatsexamen NT2 programma II (B2) passed counts for the B1 of the B1-route.
    exams = [
        *ALL_B1[:3],
        exam("spreken", "2026-05-18", level="B2", exam="staatsexamen_2"),
        ALL_B1[4],
    ]
    items = due(date(2026, 5, 20), modules=[PVT_SIGNED, MAP_DONE], exams=exams)
    assert of(items, "plicht_voldaan")


def test_failed_and_pending_attempts_do_not_count() -> None:
    for result in ("niet_behaald", "uitslag_volgt", "niet_verschenen"):
        exams = [*ALL_B1[:3], exam("spreken", "2026-05-18", result=result), ALL_B1[4]]
        items = due(date(2026, 5, 20), modules=[PVT_SIGNED, MAP_DONE], exams=exams)
        assert not of(items, "plicht_voldaan"), result


def test_a_knm_pass_without_date_counts_and_the_day_is_then_today() -> None:
    # "KNM behaald" from an older Klantapp (migration 0009) has no date.
    exams = [*ALL_B1[:4], exam("knm", None)]
    items = due(date(2026, 6, 1), modules=[PVT_SIGNED, MAP_DONE], exams=exams)
    assert only(items, "plicht_voldaan").due_on == date(2026, 6, 1)


def test_the_z_route_ends_with_its_eindgesprek_without_exams() -> None:
    # DOMAIN.md 1.6: the Z-route has no exam but an eindgesprek; KNM optional.
    talk = {"id": "a1", "household_id": HH, "person_id": PID, "kind": "z_eindgesprek",
            "starts_at": "2026-09-14T10:00", "outcome": "verschenen", "location": "x"}  # fmt: skip
    items = due(
        date(2026, 9, 15), pips=[pip("z")], modules=[PVT_SIGNED, MAP_DONE], appointments=[talk]
    )
    assert only(items, "plicht_voldaan").due_on == date(2026, 9, 14)
    assert not of(
        due(date(2026, 9, 15), pips=[pip("z")], modules=[PVT_SIGNED, MAP_DONE]), "plicht_voldaan"
    )


def test_the_onderwijsroute_is_never_called_finished_by_exams_alone() -> None:
    # The onderwijsroute ends with entry into education, which Klantapp does not record.
    items = due(date(2026, 5, 20), pips=[pip("onderwijs")], modules=[PVT_SIGNED], exams=ALL_B1)
    assert not of(items, "plicht_voldaan")


def test_knm_has_no_level_and_a_passed_language_exam_has_one() -> None:
    assert list(problems_of("exam_attempts", {**exam("knm", "2026-01-05"), "level": "B1"})) == [
        "level"
    ]
    assert list(problems_of("exam_attempts", exam("lezen", "2026-01-05", level=None))) == ["level"]
    assert (
        problems_of("exam_attempts", exam("lezen", "2026-01-05", result="niet_behaald", level=None))
        == {}
    )


# --- handhaving: voornemen, zienswijze, besluit -------------------------------------------


def test_the_besluit_is_due_thirteen_weeks_after_the_rapport() -> None:
    # Art. 5:51 lid 1 Awb; the example of ABRvS 4 October 2023, ECLI:NL:RVS:2023:3702:
    # rapport of 3 February 2020, besluit at the latest on 4 May 2020.
    assert besluit_deadline(date(2020, 2, 3)) == date(2020, 5, 4)
    items = due(date(2020, 5, 5), handhaving=[boete(date="2020-02-03", duty="pip")])
    item = only(items, "handhaving_besluit")
    assert item.due_on == date(2020, 5, 4) and item.overdue


def test_the_zienswijze_term_shows_until_a_zienswijze_comes_in() -> None:
    # Art. 4:8 and 5:53 lid 2 Awb: the client may respond before the besluit.
    record = boete(date="2026-11-09", zienswijze_until="2026-11-23", duty="pip")
    item = only(due(date(2026, 11, 20), handhaving=[record]), "zienswijze_termijn")
    assert item.due_on == date(2026, 11, 23) and not item.overdue
    assert "tot en met 23 november 2026" in item.detail
    answered = {**record, "zienswijze_on": "2026-11-18"}
    items = due(date(2026, 11, 20), handhaving=[answered], horizon=90)
    assert not of(items, "zienswijze_termijn")
    assert "binnen op 18 november 2026" in only(items, "handhaving_besluit").detail


def test_the_power_to_impose_lapses_five_years_after_a_pip_overtreding() -> None:
    # Art. 5:45 lid 1 with 5:53 Awb: a PIP boete can be up to €800 (> €340): 5 years.
    assert imposing_last_day(date(2026, 10, 26), "pip") == date(2031, 10, 26)
    record = boete(date="2031-10-01", overtreding_date="2026-10-26", duty="pip")
    assert only(due(date(2031, 10, 20), handhaving=[record]), "handhaving_verval").due_on == date(
        2031, 10, 26
    )


def test_the_power_lapses_three_years_after_a_missed_intake_and_a_leap_day_ends_on_28_feb() -> None:
    # Art. 5:45 lid 2 Awb: the brede intake boete is €250 (not above €340): 3 years.
    # An overtreding on 29 February 2024 lapses after 28 February 2027 (no 29th).
    assert imposing_last_day(date(2024, 2, 29), "brede_intake") == date(2027, 2, 28)
    assert imposing_last_day(date(2024, 2, 29), None) == date(2027, 2, 28)  # unknown: the earlier


def test_a_decided_procedure_asks_nothing() -> None:
    record = boete(date="2026-11-09", zienswijze_until="2026-11-23", overtreding_date="2026-10-26",
                   duty="pip", status="opgelegd", decision_date="2026-11-30", amount_eur=150)  # fmt: skip
    items = due(date(2026, 12, 1), handhaving=[record], horizon=3650)
    assert not {"zienswijze_termijn", "handhaving_besluit", "handhaving_verval"} & {
        i.rule for i in items
    }


def test_the_caps_are_refused_with_the_amount_named() -> None:
    # DOMAIN.md 1.4-1.5 (~ Divosa): €250 for the brede intake, at most €800 for the PIP.
    base = {**boete(date="2026-11-09", status="opgelegd"), "id": "x"}
    assert list(problems_of("handhaving", {**base, "duty": "brede_intake", "amount_eur": 251})) == [
        "amount_eur"
    ]
    assert problems_of("handhaving", {**base, "duty": "brede_intake", "amount_eur": 250}) == {}
    assert problems_of("handhaving", {**base, "duty": "pip", "amount_eur": 800}) == {}
    message = problems_of("handhaving", {**base, "duty": "pip", "amount_eur": 801})["amount_eur"]
    assert "€800" in message and "801" not in message  # the refused value is not echoed
    assert problems_of("handhaving", {**base, "amount_eur": 900}) == {}  # no duty: no cap known


def test_a_besluit_inside_the_zienswijze_term_is_refused_unless_a_zienswijze_came() -> None:
    # Art. 4:8 Awb: the besluit follows the chance to respond.
    base = {**boete(date="2026-11-09", zienswijze_until="2026-11-23", duty="pip",
                    status="opgelegd", amount_eur=150), "id": "x"}  # fmt: skip
    assert list(problems_of("handhaving", {**base, "decision_date": "2026-11-23"})) == [
        "decision_date"
    ]
    assert problems_of("handhaving", {**base, "decision_date": "2026-11-24"}) == {}
    early = {**base, "decision_date": "2026-11-20", "zienswijze_on": "2026-11-16"}
    assert problems_of("handhaving", early) == {}


def test_a_boete_imposed_after_the_power_lapsed_is_refused() -> None:
    # Art. 5:45 lid 2 Awb: three years after a missed intake on 5 March 2024.
    base = {**boete(date="2026-11-09", overtreding_date="2024-03-05", duty="brede_intake",
                    status="opgelegd", amount_eur=250), "id": "x"}  # fmt: skip
    assert problems_of("handhaving", {**base, "decision_date": "2027-03-05"}) == {}
    assert list(problems_of("handhaving", {**base, "decision_date": "2027-03-06"})) == [
        "decision_date"
    ]


def test_the_steps_follow_each_other() -> None:
    base = {**boete(date="2026-11-09"), "id": "x"}
    assert list(problems_of("handhaving", {**base, "overtreding_date": "2026-11-10"})) == [
        "overtreding_date"
    ]
    assert list(problems_of("handhaving", {**base, "zienswijze_until": "2026-11-08"})) == [
        "zienswijze_until"
    ]


def test_every_new_rule_is_described() -> None:
    for rule in ("pvt_afronden", "map_afronden", "pvt_ondertekenen", "map_eindgesprek",
                 "plicht_voldaan", "zienswijze_termijn", "handhaving_besluit", "handhaving_verval"):  # fmt: skip
        assert RULES[rule]
