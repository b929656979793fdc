"""The monitor's fast path (a query per table, one pass over every person) against the
definitions of docs/monitor.md read household by household, on generated casebooks.

The reference below takes each household's full records as the casebook gives them
(``household_detail``) and applies every figure's definition to them with the domain
rules directly, person by person; the monitor must count the same persons and
households in every row. A second test pins the monitor's narrow loading
(``figures.COLUMNS``) to every field the rules read of a full record.
"""

from __future__ import annotations

import statistics
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klantapp.casebook import Casebook
from klantapp.casebook.queries import household_detail
from klantapp.domain import deadlines as dl
from klantapp.domain import termijn
from klantapp.domain.dates import add_months, record_date
from klantapp.domain.plicht import doelgroep_of, plicht_on, regime_of
from klantapp.domain.records import (
    ARRIVAL_STATUS,
    DOELGROEPEN,
    DUO_DECISION_KINDS,
    HANDHAVING_KINDS,
    INTEGRATIEROUTES,
    LEEFGEBIEDEN,
    PERMIT_BASES,
    PIP_STATUS,
    PLICHT_STATUS,
)
from klantapp.monitor import compute, figures
from klantapp.vault import KdfParams

ON = date(2026, 6, 30)
START, END = date(2026, 1, 1), date(2026, 6, 30)

Record = dict[str, Any]


def _values(choices: tuple[tuple[str, str], ...]) -> st.SearchStrategy[str | None]:
    return st.sampled_from([None, *(v for v, _label in choices)])


_day = st.dates(date(2019, 6, 1), date(2027, 6, 30)).map(date.isoformat)
_maybe_day = st.none() | _day
_birth = (
    st.none()
    | st.integers(1955, 2012).map(str)
    | st.dates(date(1955, 1, 1), date(2012, 12, 31)).map(date.isoformat)
)

_person = st.fixed_dictionaries(
    {
        "role": st.sampled_from(["aanvrager", "partner", "kind"]),
        "family_name": st.sampled_from(["A", "B"]),
        "birth_date": _birth,
        "plicht_status": _values(PLICHT_STATUS),
        "plicht_start": _maybe_day,
        "permit_basis": _values(PERMIT_BASES),
        "permit_date": _maybe_day,
        "doelgroep": _values(DOELGROEPEN),
        "regime": st.sampled_from([None, "wi2021", "wi2013", "geen"]),
        "arrival_status": _values(ARRIVAL_STATUS),
        "inschrijving_date": _maybe_day,
    }
)
_pip = st.fixed_dictionaries(
    {
        "version": st.integers(1, 3),
        "status": _values(PIP_STATUS),
        "vastgesteld_on": _maybe_day,
        "leerroute": st.sampled_from([None, "b1", "onderwijs", "z"]),
        "integratieroute": _values(INTEGRATIEROUTES),
        "course_start": _maybe_day,
    }
)
_decision = st.fixed_dictionaries(
    {
        "kind": st.sampled_from([v for v, _label in DUO_DECISION_KINDS]),
        "date": _day,
        "effective_from": _maybe_day,
        "termijn_start": _maybe_day,
        "new_last_day": _maybe_day,
        "period_months": st.none() | st.integers(0, 12),
        "period_days": st.none() | st.integers(0, 40),
    }
)


def _leefgebied(score: Any) -> str:
    return str(score["domain"])


_member = st.fixed_dictionaries(
    {
        "person": _person,
        "pips": st.lists(_pip, max_size=2),
        "decisions": st.lists(_decision, max_size=2),
        "handhaving": st.lists(
            st.fixed_dictionaries(
                {"kind": st.sampled_from([k for k, _l in HANDHAVING_KINDS]), "date": _day}
            ),
            max_size=1,
        ),
        "intake": st.lists(
            st.fixed_dictionaries(
                {
                    "domain": st.sampled_from([k for k, _l in LEEFGEBIEDEN]),
                    "intake_date": _day,
                    "score": st.none() | st.integers(1, 5),
                }
            ),
            max_size=3,
            unique_by=_leefgebied,  # (two scores of one day: no newest)
        ),
    }
)
_household = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["gekoppeld", "traject", "afgerond", "vertrokken"]),
        "inschrijving_date": _maybe_day,
        "bijstand_start": _maybe_day,
        "ontzorgen": st.booleans(),
        "members": st.lists(_member, min_size=1, max_size=3),
    }
)


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _fill(cb: Casebook, households: list[dict[str, Any]]) -> None:
    with cb.transaction(actor="test") as tx:
        for n, h in enumerate(households):
            hid = tx.insert(
                "households",
                _clean({**{k: v for k, v in h.items() if k != "members"}, "name": f"H{n}"}),
            )
            for m in h["members"]:
                pid = tx.insert("persons", _clean({**m["person"], "household_id": hid}))
                for kind, key in (
                    ("pips", "pips"),
                    ("duo_decisions", "decisions"),
                    ("handhaving", "handhaving"),
                    ("intake_scores", "intake"),
                ):
                    for r in m[key]:
                        tx.insert(kind, _clean({**r, "household_id": hid, "person_id": pid}))


def _casebook(households: list[dict[str, Any]]) -> Iterator[Casebook]:
    with tempfile.TemporaryDirectory() as tmp:
        cb, _secret = Casebook.create(
            Path(tmp) / "dossier", "een lange test wachtwoordzin", kdf=KdfParams.for_tests()
        )
        try:
            _fill(cb, households)
            yield cb
        finally:
            cb.close()


# -- the definitions, household by household --------------------------------------


def _reference(cb: Casebook) -> dict[str, dict[str, set[str] | int]]:
    """figure key -> row key -> the households counted, plus "#row" -> the count and
    "median" -> the median (in weeks), per docs/monitor.md, one household at a time."""
    out: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(set))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    days: dict[str, list[int]] = defaultdict(list)

    def add(figure: str, row: str, hid: str) -> None:
        out[figure][row].add(hid)
        counts[figure][row] += 1

    groups = {v for v, _l in DOELGROEPEN}
    months = {f"{m.year:04d}-{m.month:02d}" for m in (add_months(START, i) for i in range(12))}
    with cb.reading() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM households")]
    for hid in ids:
        detail = household_detail(cb, hid)
        assert detail is not None
        hh = detail["household"]
        for p in detail["persons"]:
            pips = [x for x in detail["pips"] if x["person_id"] == p["id"]]
            decisions = [x for x in detail["duo_decisions"] if x["person_id"] == p["id"]]
            plicht = plicht_on(p, ON, decisions)
            if plicht.status in dict(PLICHT_STATUS):
                group = plicht.doelgroep if plicht.doelgroep in groups else ""
                add("plicht_doelgroep", f"{plicht.status}|{group}", hid)
            plichtig = plicht.status == "plichtig" and plicht.deadlines
            first = termijn.first_pip_date(pips)
            if plichtig:
                leer = dl.current_leerroute(pips)
                add("leerroute", leer if leer in ("b1", "onderwijs", "z") else "", hid)
                add("integratieroute", dl.current_integratieroute(pips) or "", hid)
                found = termijn.person_termijn(p, pips, decisions)
                if found is not None:
                    end = found.last_day
                    if ON <= end <= add_months(ON, 6):
                        add("termijn_einde", f"{end.year:04d}-{end.month:02d}", hid)
                    if f"{end.year:04d}-{end.month:02d}" in months:
                        add("timeline", f"{end.year:04d}-{end.month:02d}|termijn_einde", hid)
            inschrijving = dl.person_inschrijving(hh, p)
            for day, series in ((inschrijving, "inschrijving"), (first, "pip")):
                if day is not None and f"{day.year:04d}-{day.month:02d}" in months:
                    add("timeline", f"{day.year:04d}-{day.month:02d}|{series}", hid)
            if (
                doelgroep_of(p) in ("asiel", "nareiziger", None)
                and regime_of(p) not in ("wi2013", "geen")
                and inschrijving is not None
                and START <= inschrijving <= END
            ):
                found_start = dl.pip_deadline_start(hh, p, ON, decisions)
                assert found_start is not None
                due = dl.pip_deadline(found_start[1])
                if first is not None and first <= ON:
                    add("pip_norm", "within" if first <= due else "late", hid)
                    days["pip_norm"].append((first - inschrijving).days)
                elif due < ON and dl.wi2021_applies(p, ON, decisions):
                    add("pip_norm", "open_late", hid)
            if first is not None and START <= first <= END:
                offer = dl.offer_deadline(pips)
                starts = [s for x in pips if (s := record_date(x.get("course_start"))) and s <= ON]
                if starts:
                    days["wachttijd"].append(max(0, (min(starts) - first).days))
                    late = offer is not None and min(starts) > offer[0]
                    add("wachttijd", "late" if late else "on_time", hid)
                else:
                    add("wachttijd", "waiting", hid)
        for h in detail["handhaving"]:
            day = record_date(h.get("date"))
            if day is not None and START <= day <= END:
                add("handhaving", str(h["kind"]), hid)
        bijstand = record_date(hh.get("bijstand_start"))
        if hh["status"] not in ("afgerond", "vertrokken") and bijstand and bijstand <= ON:
            add("ontzorgen", "active" if hh.get("ontzorgen") else "no", hid)
        newest: dict[tuple[str, str], Record] = {}
        for score in detail["intake_scores"]:
            when = record_date(score.get("intake_date"))
            if when is None or when > ON or not score.get("score"):
                continue
            k = (score["person_id"], score["domain"])
            if k not in newest or newest[k]["intake_date"] < score["intake_date"]:
                newest[k] = score
        for score in newest.values():
            add("intake", f"{score['domain']}|{score['score']}", hid)
    result: dict[str, dict[str, Any]] = {}
    for key, rows in out.items():
        result[key] = {row: (counts[key][row], hids) for row, hids in rows.items()}
    for key, values in days.items():
        result.setdefault(key, {})["median"] = round(statistics.median(values) / 7, 1)
    return result


def _fast(cb: Casebook) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    for f in compute(cb, ON, START, END).figures:
        rows: dict[str, Any] = {}
        for r in f.rows:
            if r.key == "median":
                if r.value is not None:
                    rows["median"] = r.value
            elif r.count:
                rows[r.key] = (r.count, r.households)
        if rows:
            result[f.key] = rows
    return result


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_household, min_size=1, max_size=6))
def test_fast_path_counts_what_the_definitions_count(households: list[dict[str, Any]]) -> None:
    for cb in _casebook(households):
        assert _fast(cb) == _reference(cb)


class _Reading(dict[str, Any]):
    """A record that notes every field read of it."""

    def __init__(self, values: Record, seen: set[str]) -> None:
        super().__init__(values)
        self._seen = seen

    def get(self, key: str, default: Any = None) -> Any:
        self._seen.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        self._seen.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self._seen.add(str(key))
        return super().__contains__(key)


@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_household, min_size=1, max_size=6))
def test_the_narrow_load_holds_every_field_the_rules_read(
    households: list[dict[str, Any]],
) -> None:
    for cb in _casebook(households):
        data = figures._load(cb, narrow=False)  # every column
        seen: dict[str, set[str]] = {table: set() for table in figures.COLUMNS}

        def reading(
            table: str, records: list[Record], seen: dict[str, set[str]] = seen
        ) -> list[Record]:
            return [_Reading(r, seen[table]) for r in records]

        data.households = {
            k: v
            for k, v in zip(
                data.households, reading("households", [*data.households.values()]), strict=True
            )
        }
        data.persons = reading("persons", data.persons)
        data.pips = {k: reading("pips", v) for k, v in data.pips.items()}
        data.decisions = {k: reading("duo_decisions", v) for k, v in data.decisions.items()}
        data.handhaving = reading("handhaving", data.handhaving)
        data.intake = reading("intake_scores", data.intake)
        figures._assess(data, ON)
        for figure in figures.FIGURES:
            figure(data, ON, START, END)
        for table, fields in seen.items():
            assert fields <= set(figures.COLUMNS[table]), (
                table,
                fields - set(figures.COLUMNS[table]),
            )
