"""One household's due items on a day: every rule, for the people it applies to.

A person gets Wi2021 items only while :func:`klantapp.domain.plicht.plicht_on` says the
deadlines apply; households that are afgerond or vertrokken get none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from klantapp.domain.deadlines import examens, trajectmodules
from klantapp.domain.deadlines.aanbod import aanbod_items, current_leerroute
from klantapp.domain.deadlines.handhaving import handhaving_besluit_items, handhaving_intake_items
from klantapp.domain.deadlines.huisvesting import huisvesting_items
from klantapp.domain.deadlines.invullen import uitkomst_items, vergunning_items
from klantapp.domain.deadlines.items import (
    Collector,
    DueItem,
    current_pip,
    int_of,
    person_name,
    str_or_none,
)
from klantapp.domain.deadlines.ontzorgen import ontzorgen_items
from klantapp.domain.deadlines.pip import pip_deadline_item
from klantapp.domain.deadlines.termijn import termijn_items
from klantapp.domain.plicht import Plicht, plicht_on
from klantapp.domain.termijn import first_pip_date, person_termijn, pip_is_vastgesteld

_CLOSED_HOUSEHOLD = frozenset({"afgerond", "vertrokken"})


def wi2021_applies(
    person: Mapping[str, object], on: date, decisions: Iterable[Mapping[str, object]] = ()
) -> bool:
    """Whether the Wi2021 deadline rules apply to this person on ``on``
    (:func:`klantapp.domain.plicht.plicht_on` says why or why not)."""
    return plicht_on(person, on, decisions).deadlines


def _person_items(
    c: Collector,
    household: Mapping[str, object],
    person: Mapping[str, object],
    pips: Sequence[Mapping[str, object]],
    decisions: Sequence[Mapping[str, object]],
    mine: _PersonRecords,
    plicht: Plicht,
) -> None:
    pid = str_or_none(person.get("id"))
    name = person_name(person)
    first = first_pip_date(pips)
    newest = current_pip(pips)
    termijn = person_termijn(person, pips, decisions)
    if first is None and termijn is None:
        pip_deadline_item(c, household, person, decisions, pid, name, plicht=plicht)
    elif first is not None:
        aanbod_items(c, person, pips, pid, name)
    if first is None and termijn is None:
        return
    # The parts of the plicht on the route of the newest vastgesteld PIP version.
    route_pip = max(
        (p for p in pips if pip_is_vastgesteld(p)),
        key=lambda p: int_of(p.get("version")),
        default=None,
    )
    parts = examens.inburgering_parts(route_pip, mine.modules, mine.exams, mine.appointments)
    if examens.completion_items(c, person=person, parts=parts, name=name):
        return  # every part done: nothing of the termijn is due any more
    trajectmodules.module_items(
        c,
        modules=mine.modules,
        leerroute=current_leerroute(pips),
        termijn_last_day=termijn.last_day if termijn is not None else None,
        person_id=pid,
        name=name,
    )
    if termijn is not None:
        termijn_items(c, termijn, newest, parts, pid, name)


@dataclass(frozen=True)
class _PersonRecords:
    """One person's PVT/MAP modules, exam attempts and appointments."""

    modules: Sequence[Mapping[str, object]] = ()
    exams: Sequence[Mapping[str, object]] = ()
    appointments: Sequence[Mapping[str, object]] = ()


def due_for_household(
    household: Mapping[str, object],
    persons: Sequence[Mapping[str, object]],
    pips: Sequence[Mapping[str, object]],
    appointments: Sequence[Mapping[str, object]],
    on: date,
    horizon_days: int = 14,
    *,
    handhaving: Sequence[Mapping[str, object]] = (),
    decisions: Sequence[Mapping[str, object]] = (),
    modules: Sequence[Mapping[str, object]] = (),
    exams: Sequence[Mapping[str, object]] = (),
) -> list[DueItem]:
    """What is due within ``horizon_days`` of ``on``, or overdue, for one household.

    ``persons``, ``pips``, ``appointments``, ``handhaving``, ``decisions`` (DUO
    decisions), ``modules`` (PVT and MAP) and ``exams`` (exam attempts) are that
    household's
    records as dicts (see :mod:`klantapp.domain.records`; each with its ``id``). Sorted
    by ``due_on``. Handhaving records only ever take items away (a step recorded after
    a missed brede intake).
    """
    if household.get("status") in _CLOSED_HOUSEHOLD:
        return []
    c = Collector(str(household.get("id") or ""), on, horizon_days)
    huisvesting_items(c, household)
    ontzorgen_items(c, household, persons)
    vergunning_items(c, persons)
    # plicht_on once per person: whether the Wi2021 items apply (wi2021_applies) and,
    # for the PIP deadline, when the duties start
    plichten = [(p, plicht_on(p, on, decisions)) for p in persons]
    plichtig = [p for p, plicht in plichten if plicht.deadlines]
    for person, plicht in plichten:
        if not plicht.deadlines:
            continue
        pid = person.get("id")
        _person_items(
            c,
            household,
            person,
            [p for p in pips if p.get("person_id") == pid],
            [d for d in decisions if d.get("person_id") == pid],
            _PersonRecords(
                [m for m in modules if m.get("person_id") == pid],
                [e for e in exams if e.get("person_id") == pid],
                [a for a in appointments if a.get("person_id") == pid],
            ),
            plicht,
        )

    # Handhaving applies to people under Wi2021; an appointment for the whole household
    # counts when someone in it is (or when no persons are recorded yet).
    person_ids: set[str | None] = {str_or_none(p.get("id")) for p in plichtig}
    if plichtig or not persons:
        person_ids.add(None)
    names = {str_or_none(p.get("id")): person_name(p) for p in persons}
    handhaving_intake_items(c, appointments, pips, handhaving, person_ids, names)
    handhaving_besluit_items(c, handhaving, names)
    uitkomst_items(c, appointments)

    return sorted(c.items, key=lambda i: (i.due_on, i.person_id or "", i.rule, i.title))
