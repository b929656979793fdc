"""The Wi2021 deadline rules, as a klantmanager would check them on the calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klantapp.domain.dates import add_months, latest_birth_date
from klantapp.domain.deadlines import (
    AFSCHALEN_MIN_LESUREN,
    RULES,
    DueItem,
    HourCounter,
    afschalen_eligible,
    course_start_deadline,
    current_pip,
    due_for_household,
    handhaving_closes_intake,
    handhaving_step,
    hour_counters,
    huisvesting_target,
    is_under,
    koppeling_expected,
    ontzorgen_end,
    pip_deadline,
    wi2021_applies,
    woning_target,
)
from klantapp.domain.termijn import (
    first_pip_date,
    pip_is_vastgesteld,
)

HH = "hh-1"
P1 = "p-1"
P2 = "p-2"


# --- add_months -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 12, 31), 1, date(2027, 1, 31)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 10), -1, date(2025, 12, 10)),
        (date(2026, 5, 17), 0, date(2026, 5, 17)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


any_day = st.dates(date(1950, 1, 1), date(2090, 12, 31))


@given(any_day, st.integers(-240, 240))
def test_add_months_lands_in_the_right_month_and_keeps_the_day_when_it_can(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day
    if result.day < day.day:  # only when the target month is too short
        assert (result + timedelta(days=1)).day == 1


# --- other date rules ---------------------------------------------------------------------


def test_pip_deadline_is_ten_weeks_after_inschrijving():
    assert pip_deadline(date(2026, 1, 5)) == date(2026, 3, 16)
    assert pip_deadline(date(2024, 12, 30)) == date(2025, 3, 10)


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ("b1", date(2026, 2, 28)),
        ("z", date(2026, 2, 28)),
        (None, date(2026, 2, 28)),
        ("onderwijs", date(2026, 5, 30)),
    ],
)
def test_course_start_deadline(route, expected):
    assert course_start_deadline(date(2025, 11, 30), route) == expected


def test_ontzorgen_lasts_at_least_six_months():
    assert ontzorgen_end(date(2026, 3, 1)) == date(2026, 9, 1)
    assert ontzorgen_end(date(2025, 8, 31)) == date(2026, 2, 28)


def test_housing_targets_after_koppeling():
    koppeling = date(2026, 9, 1)
    assert woning_target(koppeling) == date(2026, 11, 10)
    assert huisvesting_target(koppeling) == date(2026, 11, 24)
    assert koppeling_expected(date(2026, 8, 18)) == koppeling


def test_afschalen_from_600_lesuren_on_the_b1_route():
    assert AFSCHALEN_MIN_LESUREN == 600
    assert not afschalen_eligible(599)
    assert afschalen_eligible(600)
    assert afschalen_eligible(900, "b1")
    assert not afschalen_eligible(900, "onderwijs")
    assert not afschalen_eligible(900, "z")
    assert not afschalen_eligible(None)


def test_handhaving_steps_after_missed_intake_invitations():
    assert handhaving_step(1) == "waarschuwing + uitnodiging 2"
    assert handhaving_step(2) == "boete €250 + uitnodiging 3"
    assert handhaving_step(3) == "boete €250; PIP wordt toch vastgesteld"
    assert handhaving_step(0) is None
    assert handhaving_step(4) is None


# --- hour counters -----------------------------------------------------------------------


def counters(**pip):
    return {c.key: c for c in hour_counters(pip)}


def test_b1_route_counts_pvt_and_map():
    found = counters(leerroute="b1", pvt_hours=12, map_hours=39)
    assert set(found) == {"pvt_hours", "map_hours"}
    assert found["pvt_hours"].met
    assert not found["map_hours"].met
    assert found["map_hours"].remaining == 1
    assert str(found["map_hours"]) == "MAP 39 van 40 uur"


def test_onderwijsroute_has_no_map():
    assert set(counters(leerroute="onderwijs", map_hours=0)) == {"pvt_hours"}


def test_z_route_counts_800_and_800():
    found = counters(
        leerroute="z", pvt_hours=11, map_hours=40, z_dutch_hours=800, z_participation_hours=799
    )
    assert set(found) == {"pvt_hours", "map_hours", "z_dutch_hours", "z_participation_hours"}
    assert [found[k].met for k in ("pvt_hours", "map_hours", "z_dutch_hours")] == [
        False,
        True,
        True,
    ]
    assert found["z_participation_hours"] == HourCounter(
        "z_participation_hours", "Z-route participatie", 799, 800
    )
    assert not found["z_participation_hours"].met


def test_missing_hours_count_as_zero_and_no_route_counts_as_b1():
    found = counters()
    assert set(found) == {"pvt_hours", "map_hours"}
    assert found["pvt_hours"].done == 0
    assert found["pvt_hours"].remaining == 12


# --- who gets Wi2021 items ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "latest"),
    [
        ("2010", date(2010, 12, 31)),
        ("2010-02", date(2010, 2, 28)),
        ("2012-02", date(2012, 2, 29)),
        ("2010-06-15", date(2010, 6, 15)),
        (date(2010, 6, 15), date(2010, 6, 15)),
        (None, None),
        ("", None),
        ("onbekend", None),
        ("2010-13", None),
    ],
)
def test_latest_birth_date(birth, latest):
    assert latest_birth_date(birth) == latest


@pytest.mark.parametrize(
    ("birth", "on", "under"),
    [
        ("2010", date(2026, 12, 30), True),
        ("2010", date(2026, 12, 31), False),
        ("2010-06", date(2026, 6, 29), True),
        ("2010-06", date(2026, 6, 30), False),
        ("2010-06-15", date(2026, 6, 14), True),
        ("2010-06-15", date(2026, 6, 15), False),
        ("2008-02-29", date(2024, 2, 28), True),
        ("2008-02-29", date(2024, 2, 29), False),
        (None, date(2026, 1, 1), False),
    ],
)
def test_sixteenth_birthday_counts_from_the_latest_possible_day(birth, on, under):
    assert is_under(birth, 16, on) is under


@given(st.dates(date(1990, 1, 1), date(2020, 12, 31)), any_day)
def test_partial_birth_date_never_makes_someone_16_sooner_than_any_full_date_could(born, on):
    for partial in (born.isoformat()[:4], born.isoformat()[:7]):
        if not is_under(partial, 16, on):
            assert not is_under(born.isoformat(), 16, on)


ON = date(2026, 11, 22)


def adult(pid=P1, **kw):
    values = {
        "id": pid,
        "household_id": HH,
        "role": "aanvrager",
        "family_name": "Haile",
        "given_names": "Selam",
        "birth_date": "1990",
        "regime": "wi2021",
        "doelgroep": "asiel",
        "plicht_status": "plichtig",
    }
    values.update(kw)
    return values


@pytest.mark.parametrize(
    ("changes", "applies"),
    [
        ({}, True),
        ({"regime": None, "plicht_status": None, "birth_date": None}, True),
        ({"plicht_status": "voldaan"}, False),
        ({"plicht_status": "ontheffing"}, False),
        ({"plicht_status": "vrijstelling"}, False),
        ({"plicht_status": "niet_plichtig"}, False),
        ({"regime": "wi2013"}, False),
        ({"regime": "geen"}, False),
        ({"arrival_status": "nareis"}, False),
        ({"birth_date": "2011-03"}, False),
        # leerplicht/kwalificatieplicht: from the 18th birthday (art. 3 lid 3 Wi2021)
        ({"birth_date": "2010"}, False),
        ({"birth_date": "2008-12"}, False),
        ({"birth_date": "2008-10"}, True),
    ],
)
def test_who_gets_wi2021_items(changes, applies):
    assert wi2021_applies(adult(**changes), ON) is applies


def test_first_pip_date_ignores_concepts_and_later_versions():
    pips = [
        {"version": 1, "status": "vervangen", "vastgesteld_on": "2024-01-15"},
        {"version": 2, "status": "vastgesteld", "vastgesteld_on": "2025-06-01"},
        {"version": 3, "status": "concept", "vastgesteld_on": "2023-01-01"},
    ]
    assert first_pip_date(pips) == date(2024, 1, 15)
    assert current_pip(pips) == pips[2]
    assert not pip_is_vastgesteld(pips[2])
    assert first_pip_date([{"version": 1, "status": "vastgesteld"}]) is None
    assert first_pip_date([]) is None
    assert current_pip([]) is None


# --- due_for_household ------------------------------------------------------------------------


def household(**kw):
    values = {
        "id": HH,
        "name": "Familie Haile",
        "status": "gehuisvest",
        "inschrijving_date": "2026-10-01",
    }
    values.update(kw)
    return values


def pip(version=1, status="vastgesteld", vastgesteld_on="2026-09-01", person_id=P1, **kw):
    values = {
        "id": f"pip-{person_id}-{version}",
        "household_id": HH,
        "person_id": person_id,
        "version": version,
        "status": status,
        "vastgesteld_on": vastgesteld_on,
        "leerroute": "b1",
    }
    values.update(kw)
    return values


def intake(number, outcome, starts_at, person_id=P1, kind="brede_intake", **kw):
    values = {
        "id": f"a-{starts_at}",
        "household_id": HH,
        "person_id": person_id,
        "kind": kind,
        "starts_at": starts_at,
        "location": "Gemeentehuis",
        "outcome": outcome,
        "invitation_number": number,
    }
    values.update(kw)
    return values


def due(hh=None, persons=None, pips=(), appts=(), on=ON, horizon=14, handhaving=()):
    return due_for_household(
        household() if hh is None else hh,
        [adult()] if persons is None else persons,
        list(pips),
        list(appts),
        on,
        horizon_days=horizon,
        handhaving=list(handhaving),
    )


def rules(items: list[DueItem]) -> list[str]:
    return [i.rule for i in items]


def only(items: list[DueItem], rule: str) -> DueItem:
    found = [i for i in items if i.rule == rule]
    assert len(found) == 1, items
    return found[0]


def test_pip_deadline_appears_within_the_horizon_and_becomes_overdue():
    # Inschrijving 1 October 2026: PIP due 10 December 2026.
    assert due(horizon=14) == []
    item = only(due(horizon=30), "pip_vaststellen")
    assert item.due_on == date(2026, 12, 10)
    assert not item.overdue
    assert item.household_id == HH
    assert item.person_id == P1
    assert item.title == "PIP vaststellen (10 weken na inschrijving)"
    assert "10 december 2026" in item.detail
    assert "Selam Haile" in item.detail
    late = only(due(on=date(2026, 12, 11)), "pip_vaststellen")
    assert late.overdue
    on_the_day = only(due(on=date(2026, 12, 10)), "pip_vaststellen")
    assert not on_the_day.overdue


def test_pip_deadline_disappears_once_a_pip_is_vastgesteld():
    later = date(2026, 12, 20)
    assert rules(due(on=later, pips=[pip(status="concept", vastgesteld_on=None)])) == [
        "pip_vaststellen"
    ]
    assert rules(due(on=later, pips=[pip(status="vastgesteld", vastgesteld_on=None)])) == [
        "pip_vaststellen"
    ]
    items = due(on=later, pips=[pip(vastgesteld_on="2026-12-01", course_start="2026-12-15")])
    assert "pip_vaststellen" not in rules(items)


def test_pip_deadline_for_someone_who_turns_18_later_counts_from_the_birthday():
    # Art. 3 lid 3 Wi2021: no plicht while leerplicht or kwalificatieplicht applies.
    teen = adult(birth_date="2008-11-05", role="kind")
    item = only(due(persons=[teen], on=date(2027, 1, 10)), "pip_vaststellen")
    assert item.due_on == pip_deadline(date(2026, 11, 5))
    assert "start van de plicht" in item.detail


def test_pip_deadline_notes_uncertainty_for_gezinsmigranten():
    item = only(due(persons=[adult(doelgroep="gezin")], horizon=30), "pip_vaststellen")
    assert "niet zeker" in item.detail


def test_no_items_for_children_or_people_without_wi2021_plicht():
    late = date(2027, 6, 1)
    assert due(persons=[adult(birth_date="2015-04")], on=late) == []
    assert due(persons=[adult(plicht_status="voldaan")], on=late) == []
    assert due(persons=[adult(plicht_status="ontheffing")], on=late) == []
    assert due(persons=[adult(plicht_status="vrijstelling")], on=late) == []
    assert due(persons=[adult(regime="wi2013")], on=late) == []
    assert due(persons=[adult(regime="geen")], on=late) == []


def test_partial_birth_year_keeps_a_child_out_until_the_last_possible_birthday():
    child = adult(birth_date="2008", role="kind")
    hh = household(inschrijving_date="2026-01-05")
    assert due(hh, persons=[child], on=date(2026, 12, 30), horizon=0) == []
    assert rules(due(hh, persons=[child], on=date(2026, 12, 31), horizon=0)) == []
    # From 31 December 2026 the child is surely 18; the PIP is due 10 weeks later.
    item = only(due(hh, persons=[child], on=date(2027, 3, 20)), "pip_vaststellen")
    assert item.due_on == date(2027, 3, 11)


def test_each_person_gets_their_own_items():
    persons = [adult(P1), adult(P2, given_names="Yonas", role="partner")]
    items = due(persons=persons, on=date(2026, 12, 11))
    assert [(i.rule, i.person_id) for i in items] == [
        ("pip_vaststellen", P1),
        ("pip_vaststellen", P2),
    ]
    items = due(
        persons=persons,
        pips=[pip(person_id=P2, vastgesteld_on="2026-12-01", course_start="2026-12-05")],
        on=date(2026, 12, 11),
    )
    assert [(i.rule, i.person_id) for i in items] == [("pip_vaststellen", P1)]


def test_course_offer_must_start_within_three_months_of_the_pip():
    item = only(due(pips=[pip(vastgesteld_on="2026-09-01")], horizon=14), "aanbod_starten")
    assert item.due_on == date(2026, 12, 1)
    assert item.title == "Aanbod laten starten (3 maanden na PIP)"
    assert "1 december 2026" in item.detail
    assert "verklaring" in item.detail
    started = pip(vastgesteld_on="2026-09-01", course_start="2026-11-01")
    assert "aanbod_starten" not in rules(due(pips=[started], horizon=14))


def test_course_offer_six_months_for_the_onderwijsroute():
    p = pip(vastgesteld_on="2026-06-30", leerroute="onderwijs")
    item = only(due(pips=[p], on=date(2026, 12, 20)), "aanbod_starten")
    assert item.due_on == date(2026, 12, 30)
    assert item.title == "Aanbod laten starten (6 maanden na PIP)"


def test_course_start_in_any_version_counts():
    pips = [
        pip(1, "vervangen", "2026-09-01", course_start="2026-10-01"),
        pip(2, "vastgesteld", "2026-11-01"),
    ]
    assert "aanbod_starten" not in rules(due(pips=pips, on=date(2026, 12, 5)))


def b1_pip(**kw):
    values = {
        "vastgesteld_on": "2023-05-10",
        "course_start": "2023-06-01",
        "pvt_hours": 12,
        "pvt_signed": True,
        "map_hours": 20,
        "knm_done": False,
    }
    values.update(kw)
    return pip(**values)


def test_termijn_end_item_with_what_is_still_open():
    # Dagtekening 10 May 2023: termijn 11 May 2023 up to and including 10 May 2026
    # (art. 11 lid 1 and 2 Wi2021).
    item = only(due(pips=[b1_pip()], on=date(2026, 5, 1)), "termijn_einde")
    assert item.due_on == date(2026, 5, 10)
    assert not item.overdue
    assert "uiterlijk op 10 mei 2026" in item.detail
    assert "MAP 20 van 40 uur" in item.detail
    assert "KNM niet behaald" in item.detail
    assert "PVT" not in item.detail
    late = only(due(pips=[b1_pip()], on=date(2027, 1, 1)), "termijn_einde")
    assert late.overdue
    done = due(persons=[adult(plicht_status="voldaan")], pips=[b1_pip()], on=date(2027, 1, 1))
    assert done == []


def test_later_pip_versions_do_not_reset_the_termijn():
    pips = [
        b1_pip(version=1, status="vervangen"),
        b1_pip(version=2, status="vervangen", vastgesteld_on="2024-03-01"),
        b1_pip(version=3, status="vastgesteld", vastgesteld_on="2025-09-15"),
    ]
    item = only(due(pips=pips, on=date(2026, 5, 1)), "termijn_einde")
    assert item.due_on == date(2026, 5, 10)  # art. 11 lid 3 Wi2021


def test_a_pip_in_bezwaar_still_starts_the_termijn():
    item = only(due(pips=[b1_pip(status="bezwaar")], on=date(2026, 5, 1)), "termijn_einde")
    assert item.due_on == date(2026, 5, 10)


def test_termijn_check_six_months_before_the_end_then_goes_away():
    item = only(due(pips=[b1_pip()], on=date(2025, 11, 1)), "termijn_controle")
    assert item.due_on == date(2025, 11, 10)
    assert "verlenging" in item.detail
    assert "DUO" in item.detail
    still = only(due(pips=[b1_pip()], on=date(2025, 11, 20)), "termijn_controle")
    assert still.overdue
    assert "termijn_controle" not in rules(due(pips=[b1_pip()], on=date(2025, 11, 25)))


def test_schakelen_deadline_is_shown_around_its_date_only():
    # Termijn start 11 May 2023: 18 months run up to and including 10 November 2024.
    item = only(due(pips=[b1_pip()], on=date(2024, 11, 1)), "schakelen")
    assert item.due_on == date(2024, 11, 10)
    assert "uiterlijk op 10 november 2024" in item.detail
    assert "schakelen" not in rules(due(pips=[b1_pip()], on=date(2024, 10, 26)))
    assert rules(due(pips=[b1_pip()], on=date(2024, 11, 24))) == ["schakelen"]
    assert "schakelen" not in rules(due(pips=[b1_pip()], on=date(2024, 11, 25)))


def test_no_schakelen_deadline_on_the_onderwijsroute():
    # The onderwijsroute may switch to the B1-route at any time.
    p = b1_pip(leerroute="onderwijs")
    assert "schakelen" not in rules(due(pips=[p], on=date(2024, 11, 1)))


def test_housing_target_until_the_household_has_moved():
    hh = household(status="gekoppeld", koppeling_date="2026-09-01", inschrijving_date=None)
    item = only(due(hh), "huisvesting")
    assert item.due_on == date(2026, 11, 24)
    assert item.person_id is None
    assert "10 november 2026" in item.detail
    assert (
        due(
            household(
                koppeling_date="2026-09-01", housing_date="2026-11-01", inschrijving_date=None
            )
        )
        == []
    )
    assert (
        due(household(status="gehuisvest", koppeling_date="2026-09-01", inschrijving_date=None))
        == []
    )


def test_ontzorgen_must_be_recorded_for_asielstatushouders_on_bijstand():
    hh = household(bijstand_start="2026-10-01", ontzorgen=None, inschrijving_date=None)
    item = only(due(hh), "ontzorgen_vastleggen")
    assert item.overdue
    assert item.due_on == date(2026, 10, 1)
    assert due(hh, persons=[adult(doelgroep="gezin")]) == []
    # After the 6 months ontzorgen may have stopped on purpose: no nagging.
    assert due(hh, on=date(2027, 4, 1)) == []


def test_ontzorgen_minimum_period_end():
    hh = household(bijstand_start="2026-06-01", ontzorgen=True, inschrijving_date=None)
    item = only(due(hh, on=date(2026, 11, 22)), "ontzorgen_einde")
    assert item.due_on == date(2026, 12, 1)
    assert not item.overdue
    assert due(hh, on=date(2026, 12, 16)) == []


def test_handhaving_after_missed_invitation_1_then_2_then_3():
    hh = household(inschrijving_date=None)
    miss1 = intake(1, "niet_verschenen", "2026-11-02T10:00")
    item = only(due(hh, appts=[miss1]), "handhaving_intake")
    assert item.overdue
    assert item.due_on == date(2026, 11, 2)
    assert "waarschuwing" in item.title
    assert "waarschuwing + uitnodiging 2" in item.detail

    invite2 = intake(2, "gepland", "2026-11-30T10:00")
    assert due(hh, appts=[miss1, invite2]) == []

    miss2 = intake(2, "niet_verschenen", "2026-11-16T10:00")
    item = only(due(hh, appts=[miss1, miss2]), "handhaving_intake")
    assert "€250" in item.title
    assert "boete €250 + uitnodiging 3" in item.detail

    miss3 = intake(3, "niet_verschenen", "2026-11-20T10:00")
    item = only(due(hh, appts=[miss1, miss2, miss3]), "handhaving_intake")
    assert "PIP toch vast" in item.title
    assert "boete €250; PIP wordt toch vastgesteld" in item.detail
    set_pip = pip(vastgesteld_on="2026-11-21", course_start="2026-11-21")
    assert due(hh, pips=[set_pip], appts=[miss1, miss2, miss3]) == []


def test_no_intake_handhaving_once_the_pip_is_vastgesteld():
    hh = household(inschrijving_date=None)
    miss1 = intake(1, "niet_verschenen", "2026-11-02T10:00")
    set_pip = pip(vastgesteld_on="2026-11-10", course_start="2026-11-21")
    assert due(hh, pips=[set_pip], appts=[miss1]) == []


def test_handhaving_needs_the_invitation_number():
    hh = household(inschrijving_date=None)
    miss = intake(None, "niet_verschenen", "2026-11-02T10:00")
    item = only(due(hh, appts=[miss]), "handhaving_nummer")
    assert "uitnodigingsnummer" in item.title


def test_no_handhaving_when_the_client_came_or_called_off():
    hh = household(inschrijving_date=None)
    assert due(hh, appts=[intake(1, "verschenen", "2026-11-02T10:00")]) == []
    assert due(hh, appts=[intake(1, "afgezegd", "2026-11-02T10:00")]) == []
    other = intake(None, "niet_verschenen", "2026-11-02T10:00", kind="voortgang")
    assert due(hh, appts=[other]) == []


def test_no_handhaving_for_someone_under_wi2013():
    hh = household(inschrijving_date=None)
    miss = intake(1, "niet_verschenen", "2026-11-02T10:00")
    assert due(hh, persons=[adult(regime="wi2013")], appts=[miss]) == []


def test_household_appointment_without_person_counts_for_handhaving():
    hh = household(inschrijving_date=None)
    miss = intake(1, "niet_verschenen", "2026-11-02T10:00", person_id=None)
    item = only(due(hh, appts=[miss]), "handhaving_intake")
    assert item.person_id is None


def test_past_appointment_without_outcome_asks_to_fill_it_in():
    hh = household(inschrijving_date=None)
    past = intake(None, "gepland", "2026-11-20T10:00", kind="voortgang")
    item = only(due(hh, appts=[past]), "uitkomst_invullen")
    assert item.overdue
    assert "Voortgangsgesprek op 20 november 2026" in item.detail
    today = intake(None, "gepland", "2026-11-22T10:00", kind="voortgang")
    assert due(hh, appts=[today]) == []
    done = intake(None, "verschenen", "2026-11-20T10:00", kind="voortgang")
    assert due(hh, appts=[done]) == []


def test_closed_households_have_no_items():
    hh = household(status="vertrokken", inschrijving_date="2025-01-01")
    assert due(hh) == []
    assert due(household(status="afgerond", inschrijving_date="2025-01-01")) == []


def test_items_are_sorted_by_date_and_use_known_rules():
    hh = household(
        status="gekoppeld",
        koppeling_date="2026-09-01",
        bijstand_start="2026-10-01",
        inschrijving_date="2026-09-20",
    )
    appts = [intake(1, "niet_verschenen", "2026-11-10T10:00")]
    items = due(hh, appts=appts, horizon=30)
    assert rules(items) == [
        "ontzorgen_vastleggen",
        "handhaving_intake",
        "huisvesting",
        "pip_vaststellen",
    ]
    assert [i.due_on for i in items] == sorted(i.due_on for i in items)
    assert all(i.rule in RULES for i in items)


def test_unreadable_dates_are_skipped_not_fatal():
    hh = household(inschrijving_date="onbekend", koppeling_date="2026-02-30")
    assert due(hh, persons=[adult(birth_date="??")], appts=[intake(1, "niet_verschenen", "")]) == []


optional_day = st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 12, 31)))


@given(
    st.fixed_dictionaries(
        {
            "status": st.sampled_from(["azc", "gekoppeld", "gehuisvest", "traject"]),
            "koppeling_date": optional_day,
            "housing_date": optional_day,
            "inschrijving_date": optional_day,
            "bijstand_start": optional_day,
            "ontzorgen": st.sampled_from([None, True, False]),
        }
    ),
    st.lists(
        st.fixed_dictionaries(
            {
                "birth_date": st.one_of(st.none(), st.sampled_from(["1980", "2009-07", "2012"])),
                "regime": st.sampled_from([None, "wi2021", "wi2013"]),
                "plicht_status": st.sampled_from([None, "plichtig", "voldaan"]),
                "doelgroep": st.sampled_from([None, "asiel", "gezin"]),
                "inschrijving_date": optional_day,
            }
        ),
        max_size=3,
    ),
    st.lists(
        st.fixed_dictionaries(
            {
                "person": st.integers(0, 2),
                "version": st.integers(1, 3),
                "status": st.sampled_from(["concept", "vastgesteld", "vervangen", "bezwaar"]),
                "vastgesteld_on": optional_day,
                "course_start": optional_day,
                "leerroute": st.sampled_from([None, "b1", "onderwijs", "z"]),
            }
        ),
        max_size=4,
    ),
    st.lists(
        st.fixed_dictionaries(
            {
                "person": st.one_of(st.none(), st.integers(0, 2)),
                "kind": st.sampled_from(["brede_intake", "voortgang"]),
                "day": st.dates(date(2020, 1, 1), date(2030, 12, 31)),
                "outcome": st.sampled_from(["gepland", "verschenen", "niet_verschenen"]),
                "invitation_number": st.sampled_from([None, 1, 2, 3]),
            }
        ),
        max_size=4,
    ),
    st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    st.integers(0, 60),
)
def test_due_items_are_sorted_within_the_horizon_and_flag_overdue(hh, ps, pp, aa, on, horizon):
    household_ = {
        "id": HH,
        **{k: v.isoformat() if isinstance(v, date) else v for k, v in hh.items()},
    }
    persons = [
        {
            "id": f"p{i}",
            "household_id": HH,
            **{k: v.isoformat() if isinstance(v, date) else v for k, v in p.items()},
        }
        for i, p in enumerate(ps)
    ]
    pips = [
        {
            "id": f"pip{i}",
            "household_id": HH,
            "person_id": f"p{p.pop('person')}",
            **{k: v.isoformat() if isinstance(v, date) else v for k, v in p.items()},
        }
        for i, p in enumerate(pp)
    ]
    appts = [
        {
            "id": f"a{i}",
            "household_id": HH,
            "person_id": None if a["person"] is None else f"p{a['person']}",
            "kind": a["kind"],
            "starts_at": a["day"].isoformat() + "T10:00",
            "outcome": a["outcome"],
            "invitation_number": a["invitation_number"],
        }
        for i, a in enumerate(aa)
    ]
    items = due_for_household(household_, persons, pips, appts, on, horizon_days=horizon)
    assert [i.due_on for i in items] == sorted(i.due_on for i in items)
    for item in items:
        assert item.rule in RULES
        assert item.title
        assert item.household_id == HH
        assert item.due_on <= on + timedelta(days=horizon)
        assert item.overdue == (item.due_on < on)
        if item.person_id is not None and item.rule != "uitkomst_invullen":
            person = next(p for p in persons if p["id"] == item.person_id)
            assert wi2021_applies(person, on)


# --- a member's own inschrijving (nareiziger) -----------------------------------------------


def test_pip_deadline_counts_from_the_members_own_inschrijving():
    # The household was registered on 1 October 2026; the nareiziger on 16 November.
    nareiziger = adult(
        doelgroep="nareiziger",
        permit_basis="nareis_asiel",
        arrival_status="in_nl",
        inschrijving_date="2026-11-16",
    )
    item = only(due(persons=[nareiziger], on=date(2027, 1, 20)), "pip_vaststellen")
    assert item.due_on == date(2027, 1, 25)
    assert "inschrijving in de gemeente op 16 november 2026" in item.detail
    # The others in the household keep the household's date.
    items = due(persons=[adult(P2), nareiziger], on=date(2026, 12, 11))
    assert [(i.rule, i.person_id, i.due_on) for i in items] == [
        ("pip_vaststellen", P2, date(2026, 12, 10))
    ]


def test_own_inschrijving_counts_even_without_a_household_date():
    person = adult(inschrijving_date="2026-10-05")
    item = only(
        due(household(inschrijving_date=None), persons=[person], horizon=30), "pip_vaststellen"
    )
    assert item.due_on == date(2026, 12, 14)


def test_a_later_start_of_the_plicht_still_moves_the_own_inschrijving_on():
    person = adult(inschrijving_date="2026-10-05", plicht_start="2026-11-02")
    item = only(due(persons=[person], horizon=90), "pip_vaststellen")
    assert item.due_on == pip_deadline(date(2026, 11, 2))
    assert "start van de plicht op 2 november 2026" in item.detail


def test_no_pip_deadline_while_the_nareiziger_is_still_abroad():
    abroad = adult(arrival_status="nareis", inschrijving_date="2026-11-16")
    assert due(persons=[abroad], on=date(2027, 3, 1)) == []


@given(optional_day, st.dates(date(2000, 1, 1), date(2040, 12, 31)))
def test_own_inschrijving_replaces_the_household_date(household_day, own_day):
    hh = household(inschrijving_date=household_day.isoformat() if household_day else None)
    # born 1980: adult all along, and below the AOW age (art. 3 Wi2021) until 2047
    person = adult(birth_date="1980", inschrijving_date=own_day.isoformat())
    far = own_day + timedelta(weeks=20)
    item = only(due(hh, persons=[person], on=far), "pip_vaststellen")
    assert item.due_on == pip_deadline(own_day)
    assert item.overdue


# --- handhaving records close the intake item --------------------------------------------------


def maatregel(kind, appointment_id, person_id=P1, status="opgelegd", **kw):
    values = {
        "id": f"hh-{kind}-{appointment_id}",
        "household_id": HH,
        "person_id": person_id,
        "date": "2026-11-03",
        "kind": kind,
        "appointment_id": appointment_id,
        "status": status,
    }
    values.update(kw)
    return values


@pytest.mark.parametrize(
    ("number", "kind", "closes"),
    [
        (1, "waarschuwing", True),
        (1, "boete", True),
        (1, "bezwaar", True),
        (1, "ontheffing_aangevraagd", False),
        (2, "waarschuwing", False),
        (2, "boete", True),
        (2, "maatregel_participatiewet", True),
        (2, "beroep", True),
        (3, "waarschuwing", False),
        (3, "boete", True),
        (3, "ontheffing_aangevraagd", False),
        (None, "boete", False),
        (4, "boete", False),
    ],
)
def test_which_handhaving_step_fits_which_invitation(number, kind, closes):
    assert handhaving_closes_intake(maatregel(kind, "a-1"), "a-1", number) is closes
    # Only when linked to that appointment.
    assert not handhaving_closes_intake(maatregel(kind, "a-2"), "a-1", number)
    assert not handhaving_closes_intake(maatregel(kind, None), "a-1", number)
    assert not handhaving_closes_intake(maatregel(kind, None), None, number)


def test_a_warning_recorded_for_invitation_1_closes_the_item():
    hh = household(inschrijving_date=None)
    miss1 = intake(1, "niet_verschenen", "2026-11-02T10:00")
    item = only(due(hh, appts=[miss1]), "handhaving_intake")
    assert "Leg de waarschuwing vast onder Handhaving" in item.detail
    warned = maatregel("waarschuwing", miss1["id"])
    assert due(hh, appts=[miss1], handhaving=[warned]) == []
    # A warning about something else, or not linked to the intake, does not count.
    unlinked = maatregel("waarschuwing", None)
    assert rules(due(hh, appts=[miss1], handhaving=[unlinked])) == ["handhaving_intake"]


def test_a_boete_recorded_for_invitation_2_closes_the_item_but_a_warning_does_not():
    hh = household(inschrijving_date=None)
    miss1 = intake(1, "niet_verschenen", "2026-11-02T10:00")
    miss2 = intake(2, "niet_verschenen", "2026-11-16T10:00")
    warned = maatregel("waarschuwing", miss2["id"])
    item = only(due(hh, appts=[miss1, miss2], handhaving=[warned]), "handhaving_intake")
    assert "Leg de boete vast onder Handhaving" in item.detail
    fined = maatregel("boete", miss2["id"], amount_eur=250, status="voorgenomen")
    assert due(hh, appts=[miss1, miss2], handhaving=[fined]) == []
    # A boete withdrawn after bezwaar was dealt with as well.
    withdrawn = maatregel("boete", miss2["id"], amount_eur=250, status="ingetrokken")
    assert due(hh, appts=[miss1, miss2], handhaving=[withdrawn]) == []
    # On bijstand a maatregel comes instead of the boete.
    bijstand = maatregel("maatregel_participatiewet", miss2["id"])
    assert due(hh, appts=[miss1, miss2], handhaving=[bijstand]) == []


def test_a_boete_for_invitation_3_leaves_the_pip_deadline():
    hh = household(inschrijving_date="2026-09-01")
    misses = [
        intake(1, "niet_verschenen", "2026-10-05T10:00"),
        intake(2, "niet_verschenen", "2026-10-19T10:00"),
        intake(3, "niet_verschenen", "2026-11-02T10:00"),
    ]
    assert rules(due(hh, appts=misses)) == ["handhaving_intake", "pip_vaststellen"]
    fined = maatregel("boete", misses[2]["id"], amount_eur=250)
    items = due(hh, appts=misses, handhaving=[fined])
    assert rules(items) == ["pip_vaststellen"]
    assert items[0].due_on == date(2026, 11, 10)


def test_handhaving_for_a_household_appointment_without_person():
    hh = household(inschrijving_date=None)
    miss = intake(1, "niet_verschenen", "2026-11-02T10:00", person_id=None)
    assert due(hh, appts=[miss], handhaving=[maatregel("waarschuwing", miss["id"])]) == []


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "person": st.one_of(st.none(), st.integers(0, 1)),
                "day": st.integers(0, 40),
                "outcome": st.sampled_from(["gepland", "verschenen", "niet_verschenen"]),
                "invitation_number": st.sampled_from([None, 1, 2, 3]),
            }
        ),
        max_size=4,
    ),
    st.lists(
        st.fixed_dictionaries(
            {
                "appointment": st.one_of(st.none(), st.integers(0, 4)),
                "kind": st.sampled_from(
                    [
                        "waarschuwing",
                        "boete",
                        "maatregel_participatiewet",
                        "bezwaar",
                        "beroep",
                        "ontheffing_aangevraagd",
                    ]
                ),
                "status": st.sampled_from(["voorgenomen", "opgelegd", "ingetrokken"]),
            }
        ),
        max_size=4,
    ),
    st.integers(0, 30),
)
def test_handhaving_records_only_ever_take_items_away(aa, hh_records, horizon):
    persons = [adult("p0"), adult("p1", given_names="Dawit")]
    start = date(2026, 10, 1)
    appts = [
        intake(
            a["invitation_number"],
            a["outcome"],
            (start + timedelta(days=a["day"])).isoformat() + "T10:00",
            person_id=None if a["person"] is None else f"p{a['person']}",
            id=f"a{i}",
        )
        for i, a in enumerate(aa)
    ]
    records = [
        {
            "id": f"h{i}",
            "household_id": HH,
            "person_id": "p0",
            "date": "2026-11-01",
            "kind": r["kind"],
            "status": r["status"],
            "appointment_id": None if r["appointment"] is None else f"a{r['appointment']}",
        }
        for i, r in enumerate(hh_records)
    ]
    hh = household(inschrijving_date=None)
    without = due(hh, persons=persons, appts=appts, horizon=horizon)
    with_records = due(hh, persons=persons, appts=appts, horizon=horizon, handhaving=records)
    assert set(with_records) <= set(without)
    removed = set(without) - set(with_records)
    assert all(i.rule == "handhaving_intake" for i in removed)
    # Something was removed only when a fitting record is linked to a missed intake.
    if removed:
        assert any(
            handhaving_closes_intake(r, a["id"], a["invitation_number"])
            for r in records
            for a in appts
            if a["outcome"] == "niet_verschenen"
        )


def test_pip_title_names_the_same_start_as_its_explanation() -> None:
    from klantapp.domain.deadlines import due_for_household

    on = date(2026, 11, 22)
    household = {"id": "h", "status": "gehuisvest", "inschrijving_date": "2026-01-05"}
    child = {
        "id": "p",
        "household_id": "h",
        "role": "kind",
        "family_name": "Haddad",
        "birth_date": "2008-11-20",  # turns 18 on 2026-11-20: the plicht starts then
        "regime": "wi2021",
        "doelgroep": "asiel",
        "plicht_status": "plichtig",
    }
    items = [
        i
        for i in due_for_household(household, [child], [], [], on, 120)
        if i.rule == "pip_vaststellen"
    ]
    assert items, "no PIP item"
    assert all(
        ("start van de plicht" in i.title) == ("start van de plicht" in i.detail) for i in items
    )
    assert "start van de plicht" in items[0].title


def test_pip_deadline_start_takes_the_plicht_the_caller_has_already() -> None:
    """The monitor hands over the plicht it read once per person: the same answer."""
    from klantapp.domain.deadlines import pip_deadline_start
    from klantapp.domain.plicht import plicht_on

    on = date(2026, 6, 30)
    household = {"inschrijving_date": "2026-01-05"}
    for birth in ("1990", "2008-03-01"):  # adult; 18 after the inschrijving
        person = {"id": "p", "birth_date": birth, "plicht_status": "plichtig"}
        read = plicht_on(person, on, [])
        assert pip_deadline_start(household, person, on, plicht=read) == pip_deadline_start(
            household, person, on
        )
    assert pip_deadline_start(household, person, on)[1] == date(2026, 3, 1)
