"""The leerroute and the gemeente's offer (aanbod) of it.

* **Start of the offer** (art. 16 Wi2021; Besluit inburgering 2021 art. 4.4): the
  gemeente offers the leerroute to asielstatushouders (and nareizigers with a derived
  asylum permit) only; a gezinsmigrant arranges and pays for the course. The offer
  must start within 3 months of the first PIP's dagtekening, 6 on the onderwijsroute
  (DOMAIN.md 1.6, 1.10). Rule ``aanbod_starten`` until ``course_start`` is filled in.
* **The statement that it started late** (art. 12 Wi2021; Besluit art. 4.4; DOMAIN.md
  1.8): when the offer started after that day, DUO may extend the termijn, and the
  gemeente gives the person a statement for the request (:func:`late_offer`; rule
  ``verklaring_aanbod``, a signal).
* **Afschalen** (DOMAIN.md 1.6): to A2 per skill on the B1-route from 600 lesuren.
* The leerroute after a move stays the same (DOMAIN.md 1.3): :func:`current_leerroute`;
  where it leads (KIS): :func:`current_integratieroute`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from klantapp.domain.dates import add_months, long_date, record_date
from klantapp.domain.deadlines.items import Collector, current_pip, int_of, str_or_none
from klantapp.domain.plicht import doelgroep_of
from klantapp.domain.records import INTEGRATIEROUTE_OF_LEERROUTE, own_records
from klantapp.domain.termijn import first_pip_date, pip_is_vastgesteld
from klantapp.i18n import N_, _

COURSE_START_MONTHS = 3
COURSE_START_MONTHS_ONDERWIJS = 6
AFSCHALEN_MIN_LESUREN = 600

RULES = {
    "aanbod_starten": N_(
        "Aanbod starten binnen 3 maanden na PIP (6 bij onderwijsroute), voor asielstatushouders"
    ),
    "verklaring_aanbod": N_(
        "Verklaring voor de klant als het aanbod te laat startte (voor verlenging bij DUO)"
    ),
}

# The doelgroepen the gemeente offers the leerroute to (art. 16 Wi2021).
_ASIEL = frozenset({"asiel", "nareiziger"})


def course_start_deadline(pip_date: date, leerroute: str | None) -> date:
    """The gemeente's offer must start within 3 months of the PIP, 6 for the onderwijsroute.

    Otherwise DUO may extend the termijn, and the gemeente must give the person a
    statement saying so.
    """
    return add_months(pip_date, _offer_months(leerroute))


def _offer_months(leerroute: str | None) -> int:
    return COURSE_START_MONTHS_ONDERWIJS if leerroute == "onderwijs" else COURSE_START_MONTHS


def afschalen_eligible(lesuren: int | None, leerroute: str | None = "b1") -> bool:
    """Afschalen (to A2 per skill) is possible on the B1-route from 600 lesuren.

    The other conditions (at least half of the hours in class, enough effort) are for
    the klantmanager to judge; the records hold no fields for them.
    """
    return leerroute == "b1" and (lesuren or 0) >= AFSCHALEN_MIN_LESUREN


def current_leerroute(pips: Sequence[Mapping[str, object]]) -> str | None:
    """The leerroute of the newest vastgesteld PIP version ("b1", "onderwijs", "z"), or
    ``None`` while no PIP is vastgesteld or it names no route. After a move the route
    stays the same (DOMAIN.md 1.3), so the newest version here says it."""
    newest = _newest_vastgesteld(pips)
    return str_or_none(newest.get("leerroute")) if newest else None


def current_integratieroute(pips: Sequence[Mapping[str, object]]) -> str | None:
    """The integratieroute of the newest vastgesteld PIP version (KIS: "werk",
    "onderwijs", "activering", "participatie"): as chosen, else where its leerroute
    leads; ``None`` while no PIP is vastgesteld or it names neither."""
    newest = _newest_vastgesteld(pips)
    if newest is None:
        return None
    chosen = str_or_none(newest.get("integratieroute"))
    return chosen or INTEGRATIEROUTE_OF_LEERROUTE.get(str(newest.get("leerroute")))


def _newest_vastgesteld(pips: Sequence[Mapping[str, object]]) -> Mapping[str, object] | None:
    set_ = [p for p in pips if pip_is_vastgesteld(p)]
    return max(set_, key=lambda p: int_of(p.get("version")), default=None)


@dataclass(frozen=True)
class LateOffer:
    """The gemeente's offer that started after its deadline: what the gemeente's
    statement for a DUO extension request says (art. 12 Wi2021; Besluit inburgering
    2021 art. 4.4; DOMAIN.md 1.8). ``started`` is ``None`` while it has not started."""

    pip_date: date
    deadline: date
    started: date | None
    leerroute: str | None

    def days_late(self, on: date) -> int:
        return max(0, ((self.started or on) - self.deadline).days)


def offer_deadline(pips: Sequence[Mapping[str, object]]) -> tuple[date, str | None] | None:
    """The last day for the offer to start, from the first vastgesteld PIP (3 months, 6
    on the onderwijsroute), and the leerroute that decided it; ``None`` without a PIP."""
    first = first_pip_date(pips)
    if first is None:
        return None
    first_version = min(
        (
            p
            for p in pips
            if pip_is_vastgesteld(p) and record_date(p.get("vastgesteld_on")) == first
        ),
        key=lambda p: int_of(p.get("version")),
    )
    newest = current_pip(pips)
    leerroute = str_or_none(first_version.get("leerroute")) or (
        str_or_none(newest.get("leerroute")) if newest else None
    )
    return course_start_deadline(first, leerroute), leerroute


def _offer(person: Mapping[str, object], pips: Sequence[Mapping[str, object]]) -> LateOffer | None:
    """The gemeente's offer to this person, late or not: the first PIP's dagtekening,
    the last day to start, the first ``course_start``; ``None`` for someone the gemeente
    offers no leerroute to (a gezinsmigrant) and while no PIP is vastgesteld."""
    if doelgroep_of(person) not in _ASIEL:
        return None
    mine = own_records(person, pips)
    found = offer_deadline(mine)
    first = first_pip_date(mine)
    if found is None or first is None:
        return None
    deadline, leerroute = found
    starts = [d for p in mine if (d := record_date(p.get("course_start"))) is not None]
    return LateOffer(first, deadline, min(starts, default=None), leerroute)


def late_offer(
    person: Mapping[str, object], pips: Sequence[Mapping[str, object]], on: date
) -> LateOffer | None:
    """The late offer of an asielstatushouder (the gemeente offers the leerroute to
    them only), started late or not started by ``on``; ``None`` when it was on time."""
    offer = _offer(person, pips)
    if offer is None or (offer.started or on) <= offer.deadline:
        return None
    return offer


def aanbod_items(
    c: Collector,
    person: Mapping[str, object],
    pips: Sequence[Mapping[str, object]],
    pid: str | None,
    name: str,
) -> None:
    """``aanbod_starten`` until the offer has started; ``verklaring_aanbod`` once it
    started late."""
    offer = _offer(person, pips)
    if offer is None:
        return
    if offer.started is not None:
        if offer.started > offer.deadline:
            c.add(
                "verklaring_aanbod",
                _("Verklaring voor de klant: het aanbod startte te laat"),
                offer.started,
                pid,
                _(
                    "{name}: het aanbod had uiterlijk op {due} moeten starten en startte op "
                    "{started}. Geef de klant een verklaring van de gemeente: daarmee kan de "
                    "klant DUO om verlenging van de termijn vragen."
                ).format(
                    name=name, due=long_date(offer.deadline), started=long_date(offer.started)
                ),
                signal=True,
            )
        return
    c.add(
        "aanbod_starten",
        _("Aanbod laten starten ({months} maanden na PIP)").format(
            months=_offer_months(offer.leerroute)
        ),
        offer.deadline,
        pid,
        _(
            "{name}: het PIP is vastgesteld op {pip_date}. Het aanbod moet uiterlijk op {due} "
            "starten. Start het later, dan kan DUO de termijn verlengen en geeft de gemeente "
            "de klant daarover een verklaring. Vul 'Start aanbod' in zodra het aanbod "
            "begonnen is."
        ).format(name=name, pip_date=long_date(offer.pip_date), due=long_date(offer.deadline)),
    )
