"""The monitor's figures. One function per figure; each returns rows of (label, count,
share, the households behind it). Definitions and sources: docs/monitor.md."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from klantapp.casebook.casebook import Casebook
from klantapp.casebook.queries import _rows
from klantapp.domain import deadlines as dl
from klantapp.domain import termijn
from klantapp.domain.dates import add_months, record_date
from klantapp.domain.plicht import Plicht, doelgroep_of, plicht_on, regime_of
from klantapp.domain.records import (
    DOELGROEPEN,
    HANDHAVING_KINDS,
    LEEFGEBIEDEN,
    LEERROUTES,
    PLICHT_STATUS,
)
from klantapp.domain.records import INTEGRATIEROUTES as PIP_INTEGRATIEROUTES
from klantapp.i18n import N_, _

Record = dict[str, Any]


@dataclass
class Row:
    label: str
    count: int = 0
    share: float | None = None  # 0..1 of the figure's base, when a share is meant
    households: set[str] = field(default_factory=set)
    value: float | None = None  # a measure that is no count (median weeks)
    key: str = ""

    def add(self, household: str) -> None:
        self.count += 1
        self.households.add(household)


@dataclass
class Figure:
    key: str
    title: str
    definition: str  # one sentence; docs/monitor.md has the whole definition
    source: str
    unit: str  # "personen", "huishoudens", "besluiten", "scores"
    rows: list[Row]
    columns: list[str] = field(default_factory=list)  # for a two-way table (row label|col)
    base: int | None = None  # the count shares are of


@dataclass
class Monitor:
    on: date
    start: date
    end: date
    figures: list[Figure]

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


@dataclass
class _Data:
    """Every record the figures read, loaded once (a query per kind), and what the
    domain says of each person on the reference date, worked out once for all figures."""

    households: dict[str, Record]
    persons: list[Record]
    pips: dict[str, list[Record]]  # person id -> versions
    decisions: dict[str, list[Record]]  # person id -> DUO decisions
    handhaving: list[Record]
    intake: list[Record]
    plicht: dict[tuple[str, date], Plicht] = field(default_factory=dict)  # (person id, day)
    termijnen: dict[str, termijn.Termijn | None] = field(default_factory=dict)
    first_pip: dict[str, date | None] = field(default_factory=dict)


def _load(cb: Casebook) -> _Data:
    with cb.reading() as conn:
        households = {h["id"]: h for h in _rows(conn, "households", "SELECT * FROM households")}
        persons = _rows(conn, "persons", "SELECT * FROM persons")
        pips: dict[str, list[Record]] = defaultdict(list)
        for p in _rows(conn, "pips", "SELECT * FROM pips"):
            pips[p["person_id"]].append(p)
        decisions: dict[str, list[Record]] = defaultdict(list)
        for x in _rows(conn, "duo_decisions", "SELECT * FROM duo_decisions"):
            decisions[x["person_id"]].append(x)
        handhaving = _rows(conn, "handhaving", "SELECT * FROM handhaving")
        intake = _rows(
            conn,
            "intake_scores",
            "SELECT id, household_id, person_id, intake_date, domain, score FROM intake_scores",
        )
    return _Data(households, persons, dict(pips), dict(decisions), handhaving, intake)


def _in(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def _shares(rows: list[Row], base: int) -> None:
    for r in rows:
        r.share = (r.count / base) if base else None


def _plicht(d: _Data, p: Record, on: date) -> Plicht:
    """The person's plicht on ``on``, as the domain reads it (with DUO's decisions);
    worked out once per person for all figures."""
    key = (p["id"], on)
    found = d.plicht.get(key)
    if found is None:
        found = d.plicht[key] = plicht_on(p, on, d.decisions.get(p["id"], []))
    return found


def _first_pip(d: _Data, p: Record) -> date | None:
    """The dagtekening of the person's first vastgesteld PIP."""
    pid = p["id"]
    if pid not in d.first_pip:
        d.first_pip[pid] = termijn.first_pip_date(d.pips.get(pid, []))
    return d.first_pip[pid]


def _termijn(d: _Data, p: Record) -> termijn.Termijn | None:
    """The person's termijn (start, last day, with DUO's decisions)."""
    pid = p["id"]
    if pid not in d.termijnen:
        d.termijnen[pid] = termijn.person_termijn(p, d.pips.get(pid, []), d.decisions.get(pid, []))
    return d.termijnen[pid]


def _plichtig(d: _Data, p: Record, on: date) -> bool:
    """Inburgeringsplichtig on ``on``: plichtig and the Wi2021 deadlines apply."""
    plicht = _plicht(d, p, on)
    return plicht.status == "plichtig" and plicht.deadlines


def plicht_by_doelgroep(d: _Data, on: date, start: date, end: date) -> Figure:
    cols = [v for v, _l in DOELGROEPEN] + [""]
    rows: dict[tuple[str, str], Row] = {}
    for value, label in PLICHT_STATUS:
        for col in cols:
            rows[(value, col)] = Row(_(label), key=f"{value}|{col}")
    for p in d.persons:
        plicht = _plicht(d, p, on)
        if plicht.status not in dict(PLICHT_STATUS):
            continue  # "nog niet" (under 18, still abroad): no plicht status yet
        status, group = plicht.status, plicht.doelgroep or ""
        rows[(status, group if group in cols else "")].add(p["household_id"])
    return Figure(
        "plicht_doelgroep",
        _("Inburgeringsplichtigen naar plichtstatus en doelgroep"),
        _("Personen naar hun vastgelegde plichtstatus (rij) en doelgroep (kolom)."),
        "Wi2021 art. 3-6; KIS-monitor",
        _("personen"),
        list(rows.values()),
        columns=[_(label) for _v, label in DOELGROEPEN] + [_("Onbekend")],
    )


def leerroute_share(d: _Data, on: date, start: date, end: date) -> Figure:
    rows = {v: Row(_(label), key=v) for v, label in LEERROUTES}
    none = Row(_("Nog geen PIP"), key="")
    base = 0
    for p in d.persons:
        if not _plichtig(d, p, on):
            continue
        base += 1
        pips = d.pips.get(p["id"], [])
        route = dl.current_leerroute(pips)
        (rows.get(str(route)) if route in rows else none).add(p["household_id"])  # type: ignore[union-attr]
    out = [*rows.values(), none]
    _shares(out, base)
    return Figure(
        "leerroute",
        _("Aandeel per leerroute"),
        _(
            "Inburgeringsplichtigen op de peildatum naar de leerroute van hun nieuwste "
            "vastgestelde PIP."
        ),
        "Wi2021 art. 7 (leerroutes); KIS-monitor",
        _("personen"),
        out,
        base=base,
    )


#: The KIS integratieroutes of the PIP (docs/monitor.md), and none yet.
INTEGRATIEROUTES = (*PIP_INTEGRATIEROUTES, ("", N_("Nog geen route")))


def integratieroute(d: _Data, on: date, start: date, end: date) -> Figure:
    rows = {k: Row(_(label), key=k) for k, label in INTEGRATIEROUTES}
    base = 0
    for p in d.persons:
        if not _plichtig(d, p, on):
            continue
        base += 1
        pips = d.pips.get(p["id"], [])
        route = dl.current_integratieroute(pips)
        rows[route or ""].add(p["household_id"])
    out = list(rows.values())
    _shares(out, base)
    return Figure(
        "integratieroute",
        _("Integratieroute (KIS)"),
        _(
            "Inburgeringsplichtigen naar de integratieroute van het nieuwste vastgestelde "
            "PIP; zonder gekozen route telt de route waar de leerroute naartoe leidt."
        ),
        "KIS-monitor gemeenten, tabel integratieroutes",
        _("personen"),
        out,
        base=base,
    )


def _median_weeks(days: list[int]) -> float | None:
    return round(statistics.median(days) / 7, 1) if days else None


def pip_within_norm(d: _Data, on: date, start: date, end: date) -> Figure:
    within, late, open_late = (
        Row(_("Binnen 10 weken"), key="within"),
        Row(_("Later dan 10 weken"), key="late"),
        Row(_("Nog geen PIP, termijn verstreken"), key="open_late"),
    )
    days: list[int] = []
    for p in d.persons:
        if doelgroep_of(p) not in ("asiel", "nareiziger", None):
            continue
        if regime_of(p) in ("wi2013", "geen"):
            continue
        hh = d.households.get(p["household_id"], {})
        if not _in(dl.person_inschrijving(hh, p), start, end):
            continue  # (pip_deadline_start's first date: asked of those in the period only)
        decisions = d.decisions.get(p["id"], [])
        found = dl.pip_deadline_start(hh, p, on, decisions, plicht=_plicht(d, p, on))
        if found is None or not _in(found[0], start, end):
            continue
        due = dl.pip_deadline(found[1])
        first = _first_pip(d, p)
        if first is not None and first <= on:
            (within if first <= due else late).add(p["household_id"])
            days.append((first - found[0]).days)
        elif due < on and _plicht(d, p, on).deadlines:  # (what wi2021_applies reads)
            open_late.add(p["household_id"])
    out = [within, late, open_late]
    base = sum(r.count for r in out)
    _shares(out, base)
    median = Row(_("Mediaan weken inschrijving tot PIP"), value=_median_weeks(days), key="median")
    median.count = len(days)
    return Figure(
        "pip_norm",
        _("PIP binnen de norm van 10 weken"),
        _(
            "Asielstatushouders en nareizigers ingeschreven in de periode: PIP vastgesteld "
            "binnen de termijn van 10 weken, later, of nog niet terwijl "
            "de termijn verstreken is; en de mediaan in weken."
        ),
        "Wi2021 art. 15 lid 1; Besluit inburgering 2021 art. 2.5",
        _("personen"),
        [*out, median],
        base=base,
    )


def waiting_time(d: _Data, on: date, start: date, end: date) -> Figure:
    ok, late, waiting = (
        Row(_("Aanbod op tijd gestart"), key="on_time"),
        Row(_("Aanbod te laat gestart"), key="late"),
        Row(_("Nog niet gestart"), key="waiting"),
    )
    days: list[int] = []
    for p in d.persons:
        pips = d.pips.get(p["id"], [])
        first = _first_pip(d, p)
        if not _in(first, start, end):
            continue
        assert first is not None
        offer = dl.offer_deadline(pips)
        due = offer[0] if offer is not None else None
        starts = [
            s for x in pips if (s := record_date(x.get("course_start"))) is not None and s <= on
        ]
        if starts:
            started = min(starts)
            days.append(max(0, (started - first).days))
            (ok if due is None or started <= due else late).add(p["household_id"])
        else:
            waiting.add(p["household_id"])
    out = [ok, late, waiting]
    _shares(out, sum(r.count for r in out))
    median = Row(_("Mediaan weken PIP tot start aanbod"), value=_median_weeks(days), key="median")
    median.count = len(days)
    return Figure(
        "wachttijd",
        _("Wachttijd van PIP tot start van het aanbod"),
        _(
            "Personen met een eerste PIP in de periode: aanbod gestart binnen de termijn "
            "(3 maanden, onderwijsroute 6), later, of nog niet; mediaan in weken."
        ),
        "Besluit inburgering 2021 art. 2.6 (start aanbod)",
        _("personen"),
        [*out, median],
        base=sum(r.count for r in out),
    )


def termijn_ending(d: _Data, on: date, start: date, end: date) -> Figure:
    horizon = add_months(on, 6)
    months: dict[str, Row] = {}
    for i in range(6):
        first = add_months(date(on.year, on.month, 1), i)
        months[first.strftime("%Y-%m")] = Row(first.strftime("%Y-%m"), key=first.strftime("%Y-%m"))
    for p in d.persons:
        if not _plichtig(d, p, on):
            continue
        found = _termijn(d, p)
        ends = found.last_day if found is not None else None
        if ends is None or not (on <= ends <= horizon):
            continue
        key = ends.strftime("%Y-%m")
        months.setdefault(key, Row(key, key=key)).add(p["household_id"])
    return Figure(
        "termijn_einde",
        _("Termijnen die de komende 6 maanden aflopen"),
        _(
            "Inburgeringsplichtigen van wie de termijn (3 jaar plus verlenging) vanaf de peildatum binnen 6 maanden eindigt, per maand."
        ),
        "Wi2021 art. 7 lid 2 en art. 8 (termijn, verlenging)",
        _("personen"),
        list(months.values()),
    )


def handhaving_steps(d: _Data, on: date, start: date, end: date) -> Figure:
    rows = {k: Row(_(label), key=k) for k, label in HANDHAVING_KINDS}
    for h in d.handhaving:
        if h.get("kind") in rows and _in(record_date(h.get("date")), start, end):
            rows[str(h["kind"])].add(h["household_id"])
    return Figure(
        "handhaving",
        _("Handhaving: stappen in de periode"),
        _("Handhavingsbesluiten en -stappen met een datum in de periode, per soort."),
        "Wi2021 art. 29-31 (boete); Participatiewet art. 18 (maatregel)",
        _("stappen"),
        list(rows.values()),
    )


def ontzorgen_active(d: _Data, on: date, start: date, end: date) -> Figure:
    active, ended = Row(_("Ontzorgen loopt"), key="active"), Row(_("Niet (meer)"), key="no")
    base = 0
    for hid, h in d.households.items():
        if h.get("status") in ("afgerond", "vertrokken"):
            continue
        bijstand = record_date(h.get("bijstand_start"))
        if bijstand is None or bijstand > on:
            continue
        base += 1
        (active if h.get("ontzorgen") else ended).add(hid)
    out = [active, ended]
    _shares(out, base)
    return Figure(
        "ontzorgen",
        _("Ontzorgen actief"),
        _("Lopende huishoudens met bijstand op de peildatum: ontzorgen aan of uit."),
        "Wi2021 art. 17 (ontzorgen asielstatushouders, minimaal 6 maanden)",
        _("huishoudens"),
        out,
        base=base,
    )


def intake_scores(d: _Data, on: date, start: date, end: date) -> Figure:
    latest: dict[tuple[str, str], Record] = {}
    for s in d.intake:
        day = record_date(s.get("intake_date"))
        if day is None or day > on or not s.get("score"):
            continue
        k = (str(s.get("person_id")), str(s.get("domain")))
        if k not in latest or str(latest[k].get("intake_date")) < str(s.get("intake_date")):
            latest[k] = s
    rows: dict[tuple[str, int], Row] = {}
    for domain, label in LEEFGEBIEDEN:
        for score in range(1, 6):
            rows[(domain, score)] = Row(_(label), key=f"{domain}|{score}")
    for s in latest.values():
        r = rows.get((str(s.get("domain")), int(s["score"])))
        if r is not None:
            r.add(s["household_id"])
    return Figure(
        "intake",
        _("Brede intake: scores per leefgebied"),
        _(
            "De nieuwste score (1-5, ZRM) per persoon en leefgebied tot de peildatum; aantallen, geen namen."
        ),
        "Wi2021 art. 14 (brede intake); Zelfredzaamheid-Matrix",
        _("personen"),
        list(rows.values()),
        columns=["1", "2", "3", "4", "5"],
    )


#: The series of the timeline, in order: (key, label).
TIMELINE_SERIES = (
    ("inschrijving", N_("Inschrijvingen")),
    ("pip", N_("Eerste PIP vastgesteld")),
    ("termijn_einde", N_("Termijn eindigt")),
)


def _months(first: date, last: date) -> list[str]:
    out, month = [], date(first.year, first.month, 1)
    while month <= last:
        out.append(month.strftime("%Y-%m"))
        month = add_months(month, 1)
    return out


def timeline(d: _Data, on: date, start: date, end: date) -> Figure:
    months = _months(start, max(end, add_months(on, 6)))
    rows: dict[tuple[str, str], Row] = {}
    for month in months:
        for key, _label in TIMELINE_SERIES:
            rows[(month, key)] = Row(month, key=f"{month}|{key}")

    def count(day: date | None, key: str, household: str) -> None:
        if day is not None:
            row = rows.get((day.strftime("%Y-%m"), key))
            if row is not None:
                row.add(household)

    for p in d.persons:
        hid = p["household_id"]
        count(dl.person_inschrijving(d.households.get(hid, {}), p), "inschrijving", hid)
        count(_first_pip(d, p), "pip", hid)
        if _plichtig(d, p, on):
            found = _termijn(d, p)
            count(found.last_day if found is not None else None, "termijn_einde", hid)
    return Figure(
        "timeline",
        _("Tijdlijn per maand"),
        _(
            "Per maand van de periode tot 6 maanden na de peildatum: personen ingeschreven "
            "in de gemeente, personen met hun eerste vastgestelde PIP, en "
            "inburgeringsplichtigen van wie de termijn eindigt."
        ),
        "Wi2021 art. 7, 15 lid 1; Besluit inburgering 2021 art. 2.5",
        _("personen"),
        list(rows.values()),
        columns=[_(label) for _k, label in TIMELINE_SERIES],
    )


FIGURES: tuple[Callable[[_Data, date, date, date], Figure], ...] = (
    plicht_by_doelgroep,
    leerroute_share,
    integratieroute,
    pip_within_norm,
    waiting_time,
    termijn_ending,
    handhaving_steps,
    ontzorgen_active,
    intake_scores,
    timeline,
)


def compute(
    cb: Casebook, on: date | None = None, start: date | None = None, end: date | None = None
) -> Monitor:
    """Every figure for reference date ``on`` (default today) and the period
    ``start``..``end`` (default: 1 January of ``on``'s year up to ``on``)."""
    on = on or date.today()
    start = start or date(on.year, 1, 1)
    end = end or on
    data = _load(cb)
    return Monitor(on, start, end, [f(data, on, start, end) for f in FIGURES])


def grid(figure: Figure) -> list[tuple[str, list[Row]]]:
    """A two-way figure as (row label, its cells by column), in order."""
    if not figure.columns:
        return [(r.label, [r]) for r in figure.rows]
    width = len(figure.columns)
    return [
        (figure.rows[i].label, figure.rows[i : i + width])
        for i in range(0, len(figure.rows), width)
    ]
