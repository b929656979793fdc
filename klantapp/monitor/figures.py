"""The monitor's figures. One function per figure; each returns rows of (label, count,
share, the households behind it). Definitions and sources: docs/monitor.md."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from klantapp.casebook.casebook import Casebook
from klantapp.casebook.convert import converted_columns, from_sql
from klantapp.casebook.gcpause import gc_paused
from klantapp.casebook.queries import _rows
from klantapp.domain import deadlines as dl
from klantapp.domain import termijn
from klantapp.domain.dates import add_months, record_date
from klantapp.domain.plicht import Plicht, plicht_on
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
    column: str = ""  # in a two-way table: the column's label (``label`` is the row's)
    of: tuple[str, ...] = ()  # a count that is the sum of these rows' (a median's persons)

    @property
    def name(self) -> str:
        """The cell in words: "row label, column label" in a two-way table."""
        return f"{self.label}, {self.column}" if self.column else self.label

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
    row_totals: bool = False  # a two-way table whose rows' totals are shown (the PDF's bars)


@dataclass
class Monitor:
    on: date
    start: date
    end: date
    figures: list[Figure]

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


#: The columns the figures read, and the domain rules they call read, per table: each
#: table is loaded with one query, these columns only (tests/monitor pins this list
#: against every field the rules read on a full record).
COLUMNS: dict[str, tuple[str, ...]] = {
    "households": ("id", "status", "inschrijving_date", "bijstand_start", "ontzorgen"),
    "persons": (
        "id",
        "household_id",
        "birth_date",
        "plicht_status",
        "plicht_start",
        "permit_basis",
        "permit_date",
        "doelgroep",
        "regime",
        "arrival_status",
        "inschrijving_date",
    ),
    "pips": (
        "id",
        "household_id",
        "person_id",
        "version",
        "status",
        "vastgesteld_on",
        "leerroute",
        "integratieroute",
        "course_start",
    ),
    "duo_decisions": (
        "id",
        "household_id",
        "person_id",
        "kind",
        "date",
        "effective_from",
        "termijn_start",
        "new_last_day",
        "period_months",
        "period_days",
    ),
    "handhaving": ("id", "household_id", "kind", "date"),
    "intake_scores": ("id", "household_id", "person_id", "intake_date", "domain", "score"),
}


@dataclass(slots=True)
class _Person:
    """What the domain says of one person on the reference date, worked out once (one
    pass over every person) for all figures."""

    record: Record
    household: str
    pips: list[Record]  # the person's PIP versions
    plicht: Plicht  # plicht_on(person, on, their DUO decisions)
    plichtig: bool  # inburgeringsplichtig: status plichtig and the Wi2021 deadlines apply
    inschrijving: date | None  # person_inschrijving
    first_pip: date | None  # termijn.first_pip_date
    termijn_end: date | None  # person_termijn's last day; worked out for the plichtig only
    leerroute: str | None  # current_leerroute; worked out for the plichtig only


@dataclass
class _Data:
    """Every record the figures read, loaded once (a query per table), and the pass
    over every person (:class:`_Person`)."""

    households: dict[str, Record]
    persons: list[Record]
    pips: dict[str, list[Record]]  # person id -> versions
    decisions: dict[str, list[Record]]  # person id -> DUO decisions
    handhaving: list[Record]
    intake: list[Record]
    people: list[_Person] = field(default_factory=list)


def _select(conn: Any, table: str, narrow: bool) -> list[Record]:
    if not narrow:
        return _rows(conn, table, f"SELECT * FROM {table}")
    columns = COLUMNS[table]
    cur = conn.execute(f"SELECT {', '.join(columns)} FROM {table}")
    if converted_columns(table) & set(columns):
        return [from_sql(table, dict(zip(columns, r, strict=True))) for r in cur.fetchall()]
    return [dict(zip(columns, r, strict=True)) for r in cur.fetchall()]  # plain values


def _by_person(records: list[Record]) -> dict[str, list[Record]]:
    out: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        out[r["person_id"]].append(r)
    return dict(out)


def _load(cb: Casebook, *, narrow: bool = True) -> _Data:
    """One query per table (``narrow``: only :data:`COLUMNS`; else every column)."""
    with cb.reading() as conn:
        tables = {t: _select(conn, t, narrow) for t in COLUMNS}
    return _Data(
        {h["id"]: h for h in tables["households"]},
        tables["persons"],
        _by_person(tables["pips"]),
        _by_person(tables["duo_decisions"]),
        tables["handhaving"],
        tables["intake_scores"],
    )


def _assess(d: _Data, on: date) -> None:
    """The one pass: each person's plicht, inschrijving, first PIP and (for the
    plichtig) termijn, read through klantapp.domain."""
    no_records: list[Record] = []
    d.people = []
    for p in d.persons:
        pid, hid = p["id"], p["household_id"]
        pips = d.pips.get(pid, no_records)
        decisions = d.decisions.get(pid, no_records)
        plicht = plicht_on(p, on, decisions)
        plichtig = plicht.status == "plichtig" and plicht.deadlines
        first_pip = termijn.first_pip_date(pips) if pips else None
        # a termijn starts with DUO's decision or the first PIP: without either there is
        # none (person_termijn's answer, without asking it: most persons have neither)
        started = decisions or first_pip is not None
        found = termijn.person_termijn(p, pips, decisions) if plichtig and started else None
        route = dl.current_leerroute(pips) if plichtig and pips else None
        d.people.append(
            _Person(
                p,
                hid,
                pips,
                plicht,
                plichtig,
                dl.person_inschrijving(d.households.get(hid, {}), p),
                first_pip,
                found.last_day if found is not None else None,
                route,
            )
        )


def _in(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def _shares(rows: list[Row], base: int) -> None:
    for r in rows:
        r.share = (r.count / base) if base else None


@lru_cache(maxsize=4096)  # pure; asked for every date the timeline counts
def _month(day: date) -> str:
    """The month of ``day`` as the figures key it: "YYYY-MM"."""
    return f"{day.year:04d}-{day.month:02d}"


def plicht_by_doelgroep(d: _Data, on: date, start: date, end: date) -> Figure:
    cols = [v for v, _l in DOELGROEPEN] + [""]
    names = [_(label) for _v, label in DOELGROEPEN] + [_("Onbekend")]
    rows: dict[tuple[str, str], Row] = {}
    for value, label in PLICHT_STATUS:
        for col, name in zip(cols, names, strict=True):
            rows[(value, col)] = Row(_(label), key=f"{value}|{col}", column=name)
    statuses = dict(PLICHT_STATUS)
    for f in d.people:
        if f.plicht.status not in statuses:
            continue  # "nog niet" (under 18, still abroad): no plicht status yet
        status, group = f.plicht.status, f.plicht.doelgroep or ""
        rows[(status, group if group in cols else "")].add(f.household)
    return Figure(
        "plicht_doelgroep",
        _("Inburgeringsplichtigen naar plichtstatus en doelgroep"),
        _("Personen naar hun vastgelegde plichtstatus (rij) en doelgroep (kolom)."),
        "Wi2021 art. 3-6; KIS-monitor",
        _("personen"),
        list(rows.values()),
        columns=names,
        row_totals=True,
    )


def leerroute_share(d: _Data, on: date, start: date, end: date) -> Figure:
    rows = {v: Row(_(label), key=v) for v, label in LEERROUTES}
    none = Row(_("Nog geen PIP"), key="")
    base = 0
    for f in d.people:
        if not f.plichtig:
            continue
        base += 1
        route = f.leerroute
        (rows.get(str(route)) if route in rows else none).add(f.household)  # type: ignore[union-attr]
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
    for f in d.people:
        if not f.plichtig:
            continue
        base += 1
        route = dl.current_integratieroute(f.pips) if f.pips else None  # none without a PIP
        rows[route or ""].add(f.household)
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
    median = Row(_("Mediaan weken inschrijving tot PIP"), key="median", of=("within", "late"))
    days: list[int] = []
    for f in d.people:
        # (plicht_on's doelgroep and regime are doelgroep_of's and regime_of's)
        if f.plicht.doelgroep not in ("asiel", "nareiziger", None):
            continue
        if f.plicht.regime in ("wi2013", "geen"):
            continue
        if not _in(f.inschrijving, start, end):
            continue  # (pip_deadline_start's first date: asked of those in the period only)
        hh = d.households.get(f.household, {})
        found = dl.pip_deadline_start(hh, f.record, on, plicht=f.plicht)
        if found is None or not _in(found[0], start, end):
            continue
        due = dl.pip_deadline(found[1])
        first = f.first_pip
        if first is not None and first <= on:
            (within if first <= due else late).add(f.household)
            median.add(f.household)
            days.append((first - found[0]).days)
        elif due < on and f.plicht.deadlines:  # (what wi2021_applies reads)
            open_late.add(f.household)
    out = [within, late, open_late]
    base = sum(r.count for r in out)
    _shares(out, base)
    median.value = _median_weeks(days)
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
    median = Row(_("Mediaan weken PIP tot start aanbod"), key="median", of=("on_time", "late"))
    days: list[int] = []
    for f in d.people:
        pips, first = f.pips, f.first_pip
        if first is None or not _in(first, start, end):
            continue
        offer = dl.offer_deadline(pips)
        due = offer[0] if offer is not None else None
        starts = [
            s for x in pips if (s := record_date(x.get("course_start"))) is not None and s <= on
        ]
        if starts:
            started = min(starts)
            days.append(max(0, (started - first).days))
            (ok if due is None or started <= due else late).add(f.household)
            median.add(f.household)
        else:
            waiting.add(f.household)
    out = [ok, late, waiting]
    _shares(out, sum(r.count for r in out))
    median.value = _median_weeks(days)
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
        months[_month(first)] = Row(_month(first), key=_month(first))
    for f in d.people:
        ends = f.termijn_end  # (the plichtig only)
        if ends is None or not (on <= ends <= horizon):
            continue
        key = _month(ends)
        months.setdefault(key, Row(key, key=key)).add(f.household)
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
        text = s.get("intake_date")
        day = record_date(text)
        if day is None or day > on or not s.get("score"):
            continue
        k = (str(s.get("person_id")), str(s.get("domain")))
        found = latest.get(k)
        if found is None or str(found.get("intake_date")) < str(text):
            latest[k] = s
    rows: dict[tuple[str, int], Row] = {}
    for domain, label in LEEFGEBIEDEN:
        for score in range(1, 6):
            rows[(domain, score)] = Row(
                _(label), key=f"{domain}|{score}", column=_("score {n}").format(n=score)
            )
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
        row_totals=True,
    )


#: The series of the timeline, in order: (key, label).
TIMELINE_SERIES = (
    ("inschrijving", N_("Inschrijvingen")),
    ("pip", N_("Eerste PIP vastgesteld")),
    ("termijn_einde", N_("Termijn eindigt")),
)


def months_between(first: date, last: date) -> list[str]:
    """The months from ``first``'s up to ``last``'s, keyed as :func:`_month` keys them."""
    out, month = [], date(first.year, first.month, 1)
    while month <= last:
        out.append(_month(month))
        month = add_months(month, 1)
    return out


def timeline(d: _Data, on: date, start: date, end: date) -> Figure:
    months = months_between(start, max(end, add_months(on, 6)))
    rows: dict[tuple[str, str], Row] = {}
    for month in months:
        for key, label in TIMELINE_SERIES:
            rows[(month, key)] = Row(month, key=f"{month}|{key}", column=_(label))

    def count(day: date | None, key: str, household: str) -> None:
        if day is not None:
            row = rows.get((_month(day), key))
            if row is not None:
                row.add(household)

    for f in d.people:
        count(f.inschrijving, "inschrijving", f.household)
        count(f.first_pip, "pip", f.household)
        count(f.termijn_end, "termijn_einde", f.household)  # (the plichtig only)
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
    with gc_paused():  # 30,000 persons and their records as dicts: no cycles among them
        data = _load(cb)
        _assess(data, on)
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
