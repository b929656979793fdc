"""Worked examples with dates: one per rule and edge case of issue 11, each with its
legal source. A klantmanager can check every date below on a calendar."""

from __future__ import annotations

from datetime import date

import pytest

from klantapp.domain.deadlines import DueItem, due_for_household
from klantapp.domain.plicht import aow_date, doelgroep_of, plicht_on, regime_of
from klantapp.domain.termijn import extend, person_termijn, schakelen_last_day, termijn_start
from klantapp.domain.upgrade import permit_basis_from_text

HH = "hh"


def person(pid: str = "p1", **kw: object) -> dict[str, object]:
    values: dict[str, object] = {
        "id": pid,
        "household_id": HH,
        "role": "aanvrager",
        "family_name": "Haile",
        "given_names": "Selam",
        "birth_date": "1990-04-02",
        "permit_basis": "asiel_bepaald",
        "permit_date": "2026-02-01",
        "plicht_status": "plichtig",
    }
    values.update(kw)
    return values


def pip(version: int = 1, on: str = "2024-01-15", pid: str = "p1", **kw: object) -> dict:
    values = {
        "id": f"pip-{pid}-{version}",
        "household_id": HH,
        "person_id": pid,
        "version": version,
        "status": "vastgesteld",
        "vastgesteld_on": on,
        "leerroute": "b1",
    }
    values.update(kw)
    return values


def decision(kind: str, day: str, pid: str = "p1", **kw: object) -> dict[str, object]:
    return {"id": f"d-{kind}-{day}", "household_id": HH, "person_id": pid, "kind": kind,
            "date": day, "document_number": "DUO-1", **kw}  # fmt: skip


def due(
    persons: list[dict[str, object]],
    on: date,
    pips: list[dict] | None = None,
    decisions: list[dict[str, object]] | None = None,
    horizon: int = 14,
    **household: object,
) -> list[DueItem]:
    hh = {"id": HH, "status": "traject", "inschrijving_date": "2026-01-05", **household}
    return due_for_household(
        hh, persons, pips or [], [], on, horizon_days=horizon, decisions=decisions or []
    )


def only(items: list[DueItem], rule: str) -> DueItem:
    found = [i for i in items if i.rule == rule]
    assert len(found) == 1, [(i.rule, i.due_on) for i in items]
    return found[0]


def rules(items: list[DueItem]) -> set[str]:
    return {i.rule for i in items}


# --- 3. termijn and schakelen: last days ("uiterlijk op") -------------------------------


def test_termijn_last_day_is_the_dagtekening_plus_three_years() -> None:
    # Art. 11 lid 1 and 2 Wi2021: the termijn "vangt aan op de dag na die van
    # dagtekening" of the PIP and lasts three years. Dagtekening 15 January 2024: the
    # termijn runs 16 January 2024 up to and including 15 January 2027.
    t = person_termijn(person(), [pip()])
    assert t is not None
    assert t.start == date(2024, 1, 16)
    assert t.last_day == date(2027, 1, 15)
    item = only(due([person()], date(2027, 1, 10), [pip()]), "termijn_einde")
    assert item.due_on == date(2027, 1, 15)
    assert "uiterlijk op 15 januari 2027" in item.detail
    assert "begon op 16 januari 2024" in item.detail
    # On the last day itself nothing is late yet.
    assert not only(due([person()], date(2027, 1, 15), [pip()]), "termijn_einde").overdue
    assert only(due([person()], date(2027, 1, 16), [pip()]), "termijn_einde").overdue


def test_schakelen_last_day_is_the_start_plus_18_months_minus_one_day() -> None:
    # Art. 19 Wi2021 / Besluit inburgering 2021 art. 4.6 (~ Divosa: "binnen 18 maanden
    # na aanvang van de termijn"): start 16 January 2024 -> last day 15 July 2025.
    assert schakelen_last_day(date(2024, 1, 16)) == date(2025, 7, 15)
    item = only(due([person()], date(2025, 7, 10), [pip()]), "schakelen")
    assert item.due_on == date(2025, 7, 15)
    assert "uiterlijk op 15 juli 2025" in item.detail


@pytest.mark.parametrize(
    ("dagtekening", "start", "last_day", "schakelen"),
    [
        # PIP on the 31st: the termijn starts on the 1st; 18 months from 1 September
        # 2024 end on the last day of February 2026 (art. 11 lid 2 Wi2021).
        (date(2024, 8, 31), date(2024, 9, 1), date(2027, 8, 31), date(2026, 2, 28)),
        # Leap day: dagtekening 29 February 2024 -> start 1 March 2024 -> last day
        # 28 February 2027 (2027 has no 29 February).
        (date(2024, 2, 29), date(2024, 3, 1), date(2027, 2, 28), date(2025, 8, 31)),
        # Dagtekening 28 February 2025: the three years from 1 March 2025 run up to and
        # including 29 February 2028 (the day before 1 March 2028). Choice: this is one
        # day later than "dagtekening + 3 years"; the termijn's three full years win.
        (date(2025, 2, 28), date(2025, 3, 1), date(2028, 2, 29), date(2026, 8, 31)),
        # Dagtekening 31 December: start on New Year's Day.
        (date(2025, 12, 31), date(2026, 1, 1), date(2028, 12, 31), date(2027, 6, 30)),
    ],
)
def test_termijn_edge_dates(dagtekening, start, last_day, schakelen) -> None:
    t = person_termijn(person(), [pip(on=dagtekening.isoformat())])
    assert t is not None
    assert (t.start, t.last_day) == (start, last_day)
    assert termijn_start(dagtekening) == start
    assert schakelen_last_day(start) == schakelen


def test_pip_deadline_from_an_inschrijving_on_the_31st() -> None:
    # ~ Divosa: PIP within 10 weeks of inschrijving. 31 March 2026 + 70 days = 9 June.
    item = only(
        due([person()], date(2026, 6, 1), inschrijving_date="2026-03-31"), "pip_vaststellen"
    )
    assert item.due_on == date(2026, 6, 9)
    assert "uiterlijk op 9 juni 2026" in item.detail
    assert "inschrijving in de gemeente op 31 maart 2026" in item.detail


# --- 1. DUO's verlenging on the person ----------------------------------------------------


def test_an_extension_survives_a_new_pip_version() -> None:
    # Art. 12 Wi2021; Besluit inburgering 2021 art. 4.3-4.5: DUO extends the person's
    # termijn. PIP v1 15 January 2024, verlenging of 6 months, then PIP v2 on 1 March
    # 2025: the last day stays 15 January 2027 + 6 months = 15 July 2027.
    ext = decision("verlenging", "2024-11-01", ground="ziekte", period_months=6)
    pips = [pip(1, status="vervangen"), pip(2, on="2025-03-01")]
    t = person_termijn(person(), pips, [ext])
    assert t is not None
    assert (t.base_last_day, t.last_day) == (date(2027, 1, 15), date(2027, 7, 15))
    item = only(due([person()], date(2027, 7, 10), pips, [ext]), "termijn_einde")
    assert item.due_on == date(2027, 7, 15)
    assert "(verlengd door DUO)" in item.detail


def test_an_extension_with_an_exact_period_of_months_and_days() -> None:
    # Besluit inburgering 2021 art. 4.5 (~ DUO: the extension is as long as the delay):
    # 3 months and 14 days beyond 15 January 2027 -> 15 April 2027 + 14 days.
    assert extend(date(2027, 1, 15), 3, 14) == date(2027, 4, 29)
    ext = decision("verlenging", "2026-10-01", ground="aanbod_te_laat", period_months=3,
                   period_days=14)  # fmt: skip
    t = person_termijn(person(), [pip()], [ext])
    assert t is not None and t.last_day == date(2027, 4, 29)
    # Two extensions add up in the order of their dagtekening.
    more = decision("verlenging", "2027-03-01", ground="ziekte", period_days=30)
    t = person_termijn(person(), [pip()], [more, ext])
    assert t is not None and t.last_day == date(2027, 5, 29)


def test_an_extension_that_names_the_new_last_day() -> None:
    ext = decision("verlenging", "2026-10-01", ground="ziekte", new_last_day="2027-09-30")
    t = person_termijn(person(), [pip()], [ext])
    assert t is not None and t.last_day == date(2027, 9, 30)


def test_a_boete_sets_a_new_termijn() -> None:
    # Art. 30 Wi2021 (~ DUO): with the boete for exceeding the termijn DUO sets a new
    # termijn; its last day replaces the old one.
    boete = decision("boete_termijn", "2027-02-10", new_last_day="2029-02-10", amount_eur=500)
    item = only(due([person()], date(2029, 2, 1), [pip()], [boete]), "termijn_einde")
    assert item.due_on == date(2029, 2, 10)


def test_a_move_with_a_running_termijn_keeps_the_start_duo_reports() -> None:
    # Art. 11 lid 3 Wi2021: a new PIP in the new gemeente does not restart the termijn.
    # DUO reports the start (17 May 2025); the PIP set here on 1 September 2026 does
    # not move it.
    start = decision("termijn_start", "2026-08-20", termijn_start="2025-05-17")
    pips = [pip(on="2026-09-01")]
    t = person_termijn(person(), pips, [start])
    assert t is not None
    assert (t.start, t.from_duo, t.last_day) == (date(2025, 5, 17), True, date(2028, 5, 16))
    item = only(due([person()], date(2026, 11, 10), pips, [start]), "schakelen")
    assert item.due_on == date(2026, 11, 16)
    assert "(start volgens DUO of de vorige gemeente)" in item.detail


def test_bezwaar_with_a_new_pip_does_not_move_the_termijn() -> None:
    # Art. 11 lid 3 sub a Wi2021: a PIP revoked after bezwaar and replaced keeps the
    # start of the first one.
    pips = [pip(1, status="bezwaar"), pip(2, on="2024-06-20")]
    t = person_termijn(person(), pips)
    assert t is not None and t.start == date(2024, 1, 16)


# --- ontheffing, vrijstelling -------------------------------------------------------------


def test_an_ontheffing_ends_the_deadlines_from_the_day_it_applies() -> None:
    # Art. 6 Wi2021: DUO grants the ontheffing; the plicht ends from then.
    o = decision("ontheffing", "2026-03-01", effective_from="2026-03-15")
    assert plicht_on(person(), date(2026, 3, 14), [o]).deadlines
    after = plicht_on(person(), date(2026, 3, 15), [o])
    assert (after.status, after.deadlines) == ("ontheffing", False)
    assert after.reason == "DUO heeft een ontheffing gegeven, geldig vanaf 15 maart 2026."
    assert due([person()], date(2026, 6, 1), decisions=[o]) == []


def test_every_plicht_says_why_in_words() -> None:
    # The reason is worded when asked (the monitor reads none of 30,000): each kind still
    # reads as a klantmanager sees it on the person.
    on = date(2026, 6, 1)
    cases = [
        (person(plicht_status="voldaan"), "De inburgeringsplicht staat op 'Voldaan'."),
        (person(birth_date="1950-01-01"), "De AOW-leeftijd is bereikt op 1 april 2015"),
        (person(arrival_status="nareis"), "Nog in het buitenland (nareis)"),
        (person(), "Inburgeringsplichtig onder de Wi2021."),
    ]
    for who, words in cases:
        assert plicht_on(who, on).reason.startswith(words), plicht_on(who, on).reason


# --- 2. 16 and 17: leerplicht and kwalificatieplicht -------------------------------------


def test_a_member_who_turns_18_during_the_traject() -> None:
    # Art. 3 lid 1 (16) and lid 3 (vrijstelling while leerplicht or kwalificatieplicht
    # applies; Schulinck: "dan vangt de inburgeringsplicht aan zodra die vrijstelling niet
    # meer geldt"). Born 15 March 2009, in the household registered 5 January 2026: no
    # overdue PIP item at 16 or 17; from the 18th birthday 10 weeks, so 24 May 2027.
    child = person("c1", role="kind", given_names="Ruth", birth_date="2009-03-15")
    assert due([child], date(2026, 6, 1)) == []
    state = plicht_on(child, date(2026, 6, 1))
    assert (state.status, state.duties_start) == ("nog_niet", date(2027, 3, 15))
    assert "18e verjaardag, 15 maart 2027" in state.reason
    item = only(due([child], date(2027, 5, 20)), "pip_vaststellen")
    assert item.due_on == date(2027, 5, 24)
    assert "10 weken na start van de plicht" in item.title
    assert "start van de plicht op 15 maart 2027" in item.detail
    assert "Dat is de 18e verjaardag" in item.detail  # the choice, said where it is used


def test_a_minor_whose_plicht_duo_already_started_counts_from_that_date() -> None:
    # A 17-year-old without leerplicht (a startkwalificatie): DUO's start wins.
    teen = person("c1", birth_date="2009-03-15", plicht_start="2026-02-01")
    assert plicht_on(teen, date(2026, 6, 1)).deadlines
    assert only(due([teen], date(2026, 6, 1)), "pip_vaststellen").due_on == date(2026, 4, 12)


# --- 7. AOW age ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "aow"),
    [
        # Art. 7a AOW: 67 years for 2024-2027, 67 years and 3 months from 2028.
        (date(1959, 5, 10), date(2026, 5, 10)),
        (date(1960, 1, 1), date(2027, 1, 1)),
        (date(1961, 1, 1), date(2028, 4, 1)),
        (date(1956, 3, 1), date(2022, 10, 1)),  # 66 years and 7 months in 2022
    ],
)
def test_aow_date(born, aow) -> None:
    assert aow_date(born) == aow


def test_no_pip_deadline_above_the_aow_age() -> None:
    # Art. 3 lid 1 Wi2021: plichtig "die de pensioengerechtigde leeftijd nog niet heeft
    # bereikt". Born 10 May 1959: AOW age on 10 May 2026; no PIP item after that.
    # (Before: due 12 April 2026, 10 weeks after the permit of 1 February 2026.)
    elder = person(birth_date="1959-05-10")
    assert only(due([elder], date(2026, 4, 10)), "pip_vaststellen").due_on == date(2026, 4, 12)
    assert due([elder], date(2026, 5, 10)) == []
    assert plicht_on(elder, date(2026, 5, 10)).status == "niet_plichtig"


# --- 6. regime from the plicht start --------------------------------------------------------


def test_a_plicht_that_started_before_2022_is_wi2013_without_wi2021_deadlines() -> None:
    # Art. 50 Wi2021 (overgangsrecht): the Wi2013 applies to whoever became plichtig
    # before 1 January 2022, also when the regime field is empty.
    old = person(permit_date="2021-11-30", regime=None)
    assert regime_of(old) == "wi2013"
    assert due([old], date(2026, 6, 1), [pip(on="2024-01-15")]) == []
    assert regime_of(person(permit_date="2022-01-01")) == "wi2021"
    assert regime_of(person(permit_date=None, plicht_start=None)) is None


# --- 4. aanbod within 3 months: asielstatushouders only -----------------------------------


def test_no_aanbod_deadline_for_a_gezinsmigrant() -> None:
    # Art. 16 Wi2021: the gemeente offers the leerroute to asielstatushouders; a
    # gezinsmigrant pays for the course (DUO loan). The PIP deadline stays, with a note.
    gezin = person(permit_basis="regulier_gezin")
    assert doelgroep_of(gezin) == "gezin"
    items = due([gezin], date(2026, 1, 20), [pip(on="2026-01-10")])
    assert "aanbod_starten" not in rules(items)
    asiel = due([person()], date(2026, 4, 5), [pip(on="2026-01-10")])
    assert only(asiel, "aanbod_starten").due_on == date(2026, 4, 10)
    no_pip = only(due([gezin], date(2026, 4, 10)), "pip_vaststellen")
    assert "niet zeker" in no_pip.detail


# --- 5. ontzorgen: asylum permits only -----------------------------------------------------


def test_ontzorgen_is_mandatory_for_an_asylum_nareiziger_but_not_a_regular_one() -> None:
    # Art. 56a Participatiewet: a verblijfsvergunning asiel, the afgeleide one of a
    # nareiziger included; a family member with a regular permit is not covered.
    on = date(2026, 3, 1)
    asiel = person(permit_basis="nareis_asiel", doelgroep="nareiziger")
    regular = person(permit_basis="regulier_gezin")
    assert "ontzorgen_vastleggen" in rules(due([asiel], on, bijstand_start="2026-02-01"))
    assert "ontzorgen_vastleggen" not in rules(due([regular], on, bijstand_start="2026-02-01"))


def test_a_nareiziger_arriving_later_counts_from_their_own_inschrijving() -> None:
    # ~ Divosa: the 10 weeks count from the member's own inschrijving; their permit
    # (afgeleid asiel) makes them an asielstatushouder with the gemeente's aanbod.
    later = person("p2", permit_basis="nareis_asiel", inschrijving_date="2026-04-30")
    items = due([later], date(2026, 7, 5))
    assert only(items, "pip_vaststellen").due_on == date(2026, 7, 9)
    assert doelgroep_of(later) == "nareiziger"
    abroad = person("p2", permit_basis="nareis_asiel", arrival_status="nareis")
    assert plicht_on(abroad, date(2026, 7, 5)).status == "nog_niet"


def test_an_old_free_text_permit_asks_the_klantmanager_to_choose() -> None:
    unsure = person(permit_basis=None, permit_type="zie brief IND", doelgroep="asiel")
    item = only(due([unsure], date(2026, 1, 10)), "vergunning_kiezen")
    assert item.due_on == date(2026, 1, 10) and not item.overdue
    assert "De oude omschrijving blijft bewaard" in item.detail


@pytest.mark.parametrize(
    ("text", "basis"),
    [
        ("Asiel bepaalde tijd", "asiel_bepaald"),
        ("asiel onbepaalde tijd", "asiel_onbepaald"),
        ("Nareis (afgeleid asiel)", "nareis_asiel"),
        ("Gezinshereniging", "regulier_gezin"),
        ("regulier, verblijf bij partner", "regulier_gezin"),
        ("Studie", "regulier_tijdelijk"),
        ("nareis regulier of asiel?", None),  # either is possible: the klantmanager says
        ("zie brief IND", None),
        ("", None),
    ],
)
def test_permit_text_mapping(text, basis) -> None:
    assert permit_basis_from_text(text) == basis


# --- missed intake invitations 1-3 ----------------------------------------------------------


def test_missed_intake_invitations_one_to_three() -> None:
    # ~ Divosa (DOMAIN.md 1.4): after invitation 1 a warning and invitation 2; after 2 a
    # boete of €250 and invitation 3; after 3 another €250 and the PIP is set anyway.
    def missed(n: int, day: str) -> dict[str, object]:
        return {"id": f"a{n}", "household_id": HH, "person_id": "p1", "kind": "brede_intake",
                "starts_at": f"{day}T10:00", "location": "Gemeentehuis",
                "outcome": "niet_verschenen", "invitation_number": n}  # fmt: skip

    hh = {"id": HH, "status": "traject", "inschrijving_date": "2026-01-05"}
    on = date(2026, 2, 20)
    steps = []
    for appts in ([missed(1, "2026-01-20")], [missed(2, "2026-02-03")], [missed(3, "2026-02-17")]):
        items = due_for_household(hh, [person()], [], appts, on)
        steps.append(only(items, "handhaving_intake").title)
    assert "waarschuwing en uitnodiging 2" in steps[0]
    assert "boete van €250 en uitnodiging 3" in steps[1]
    assert "stel het PIP toch vast" in steps[2]


def test_current_leerroute_is_the_newest_vastgesteld_versions() -> None:
    from klantapp.domain.deadlines import current_leerroute

    pips = [pip(1, status="vervangen", leerroute="z"), pip(2, on="2025-01-10", leerroute="b1"),
            pip(3, status="concept", vastgesteld_on=None, leerroute="onderwijs")]  # fmt: skip
    assert current_leerroute(pips) == "b1"
    assert current_leerroute([]) is None


# --- handhaving as a procedure --------------------------------------------------------------


def test_a_voornemen_needs_its_besluit_within_13_weeks() -> None:
    # Art. 5:51 lid 1 Awb: after a zienswijze the besluit follows within 13 weeks of the
    # rapport (here: the voornemen of 2 March 2026 -> 1 June 2026).
    voornemen = {"id": "h1", "household_id": HH, "person_id": "p1", "date": "2026-03-02",
                 "kind": "boete", "duty": "pip", "amount_eur": 400, "status": "voorgenomen",
                 "zienswijze_until": "2026-03-16"}  # fmt: skip
    hh = {"id": HH, "status": "traject"}
    items = due_for_household(hh, [person()], [], [], date(2026, 5, 25), handhaving=[voornemen])
    item = only(items, "handhaving_besluit")
    assert item.due_on == date(2026, 6, 1)
    assert "tot en met 16 maart 2026 een zienswijze" in item.detail
    assert "uiterlijk op 1 juni 2026" in item.detail
    decided = {**voornemen, "decision_date": "2026-04-01", "status": "opgelegd"}
    items = due_for_household(hh, [person()], [], [], date(2026, 5, 25), handhaving=[decided])
    assert "handhaving_besluit" not in rules(items)


def test_boete_caps_per_duty() -> None:
    # ~ Divosa (DOMAIN.md 1.4-1.5): €250 for the brede intake, at most €800 for the PIP.
    from klantapp.domain.validate import validate_record

    base = {"household_id": HH, "person_id": "p1", "date": "2026-03-02", "kind": "boete",
            "status": "opgelegd"}  # fmt: skip
    for duty, amount, ok in (("brede_intake", 250, True), ("brede_intake", 251, False),
                             ("pip", 800, True), ("pip", 801, False)):  # fmt: skip
        _, problems = validate_record("handhaving", {**base, "duty": duty, "amount_eur": amount})
        assert (problems == []) is ok, (duty, amount)
        if not ok:
            assert problems[0].field == "amount_eur"


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("Hoog: B1-route haalbaar", "hoog"),
        ("midden", "gemiddeld"),
        ("laag tot hoog", None),
        ("zie verslag", None),
    ],
)
def test_leerbaarheid_text_mapping(text, outcome) -> None:
    from klantapp.domain.upgrade import leerbaarheid_outcome_from_text

    assert leerbaarheid_outcome_from_text(text) == outcome


# --- the gemeente's statement when its offer started late ----------------------------------


def test_a_late_offer_asks_for_the_statement_the_client_needs_for_duo() -> None:
    # DUO extends the termijn when the gemeente's offer did not start within 3 months of
    # the PIP (6 on the onderwijsroute); the gemeente gives the client a statement
    # (Besluit inburgering 2021 art. 4.4, ~ DUO). PIP 10 January 2026 -> last day to
    # start 10 April 2026; it started on 4 May 2026: 24 days late.
    from klantapp.domain.deadlines import late_offer

    late_pip = pip(on="2026-01-10", course_start="2026-05-04")
    found = late_offer(person(), [late_pip], date(2026, 5, 10))
    assert found is not None
    assert (found.deadline, found.started, found.days_late(date(2026, 5, 10))) == (
        date(2026, 4, 10),
        date(2026, 5, 4),
        24,
    )
    item = only(due([person()], date(2026, 5, 10), [late_pip]), "verklaring_aanbod")
    assert "uiterlijk op 10 april 2026" in item.detail
    assert "startte op 4 mei 2026" in item.detail
    on_time = pip(on="2026-01-10", course_start="2026-04-10")
    assert late_offer(person(), [on_time], date(2026, 5, 10)) is None
    # a gezinsmigrant arranges the course: no statement from the gemeente
    assert late_offer(person(permit_basis="regulier_gezin"), [late_pip], date(2026, 5, 10)) is None
