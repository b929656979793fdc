"""PVT and MAP: the two modules of the inburgeringsplicht besides the leerroute.

The rules, each with its explanation and legal source:

* **Part of the plicht.** The inburgeringsplichtige meets the plicht by completing the
  leerroute, the Participatieverklaringstraject (PVT) and the Module Arbeidsmarkt en
  Participatie (MAP) (art. 7 lid 1 Wi2021), within the termijn of three years (art. 11
  Wi2021, the termijn is :mod:`klantapp.domain.termijn`'s). The onderwijsroute has no
  MAP (art. 7 Wi2021; Besluit inburgering 2021, the onderwijsroute ~). So an open PVT
  or MAP is due on the termijn's last day (rules ``pvt_afronden``, ``map_afronden``).
* **PVT ends with the signing.** The PVT is an introduction to the core values of
  Dutch society followed by the signing of the participatieverklaring (Besluit
  inburgering 2021, PVT ~; DOMAIN.md 1.7). A PVT whose last meeting has passed without
  a signing asks for it on that day (``pvt_ondertekenen``). A PVT marked *afgerond*
  counts as signed: older versions of Klantapp only kept "ondertekend", no date.
* **MAP ends with an eindgesprek** with the gemeente (Besluit inburgering 2021, MAP ~;
  DOMAIN.md 1.7). A MAP whose last meeting has passed, or that is marked afgerond,
  without an eindgesprek asks for one on its end date (``map_eindgesprek``). Only the
  eindgesprek completes the MAP.

Choices where the law leaves room: the law sets no date for the signing or the
eindgesprek other than the termijn; Klantapp asks for them on the module's end date,
because that is when the klantmanager can still plan them.

Pure functions on record dicts shaped like :data:`klantapp.domain.records.TRAJECT_MODULE`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from klantapp.domain.dates import long_date, record_date
from klantapp.domain.deadlines.items import Collector
from klantapp.i18n import N_, _

__all__ = [
    "RULES",
    "map_done",
    "map_required",
    "module_items",
    "pvt_done",
]

RULES: Mapping[str, str] = {
    "pvt_afronden": N_("PVT afronden (met ondertekening) binnen de inburgeringstermijn"),
    "map_afronden": N_("MAP afronden (met eindgesprek) binnen de inburgeringstermijn"),
    "pvt_ondertekenen": N_(
        "Participatieverklaring laten ondertekenen na de laatste PVT-bijeenkomst"
    ),
    "map_eindgesprek": N_("MAP-eindgesprek houden na afloop van de MAP"),
}


def _of(modules: Sequence[Mapping[str, object]], kind: str) -> list[Mapping[str, object]]:
    return [m for m in modules if m.get("kind") == kind and m.get("status") != "gestopt"]


def pvt_done(modules: Sequence[Mapping[str, object]]) -> tuple[bool, date | None]:
    """(done, the day of the signing if known): a PVT with a signing date or marked
    afgerond. A stopped PVT does not count."""
    found = _of(modules, "pvt")
    days = [d for m in found if (d := record_date(m.get("verklaring_signed_on"))) is not None]
    if days:
        return True, min(days)
    return any(m.get("status") == "afgerond" for m in found), None


def map_done(modules: Sequence[Mapping[str, object]]) -> tuple[bool, date | None]:
    """(done, the day of the eindgesprek): only the eindgesprek completes the MAP."""
    days = [
        d for m in _of(modules, "map") if (d := record_date(m.get("eindgesprek_on"))) is not None
    ]
    return (True, min(days)) if days else (False, None)


def map_required(leerroute: str | None) -> bool:
    """The MAP is part of the B1-route and the Z-route, not of the onderwijsroute. A
    route not yet chosen counts as the B1-route (the most common one)."""
    return leerroute != "onderwijs"


def module_items(
    c: Collector,
    *,
    modules: Sequence[Mapping[str, object]],
    leerroute: str | None,
    termijn_last_day: date | None,
    person_id: str | None,
    name: str,
) -> None:
    """The due items of one person's PVT and MAP (``modules``: that person's records)."""
    signed, _day = pvt_done(modules)
    talked, _day = map_done(modules)
    if not signed:
        for m in _of(modules, "pvt"):
            end = record_date(m.get("end_date"))
            if end is not None and end <= c.on:
                c.add(
                    "pvt_ondertekenen",
                    _("Participatieverklaring laten ondertekenen"),
                    end,
                    person_id,
                    _(
                        "{name}: de laatste PVT-bijeenkomst was op {end}, maar de "
                        "participatieverklaring is nog niet ondertekend. Het PVT eindigt met "
                        "de ondertekening (Besluit inburgering 2021). Vul de datum van "
                        "ondertekening in zodra dat gebeurd is."
                    ).format(name=name, end=long_date(end)),
                )
    if map_required(leerroute) and not talked:
        for m in _of(modules, "map"):
            end = record_date(m.get("end_date"))
            if end is None and m.get("status") == "afgerond":
                end = c.on
            if end is not None and end <= c.on:
                c.add(
                    "map_eindgesprek",
                    _("MAP-eindgesprek houden"),
                    end,
                    person_id,
                    _(
                        "{name}: de MAP liep tot {end}. De MAP eindigt met een eindgesprek met "
                        "de gemeente (Besluit inburgering 2021); pas daarna is de MAP "
                        "afgerond. Plan het eindgesprek en vul de datum in."
                    ).format(name=name, end=long_date(end)),
                )
    if termijn_last_day is None:
        return
    day = long_date(termijn_last_day)
    if not signed:
        c.add(
            "pvt_afronden",
            _("PVT afronden vóór het einde van de termijn"),
            termijn_last_day,
            person_id,
            _(
                "{name}: het PVT, met de ondertekening van de participatieverklaring, hoort "
                "bij de inburgeringsplicht (art. 7 lid 1 Wi2021) en moet uiterlijk op {day} "
                "afgerond zijn, de laatste dag van de termijn (art. 11 Wi2021)."
            ).format(name=name, day=day),
        )
    if map_required(leerroute) and not talked:
        c.add(
            "map_afronden",
            _("MAP afronden vóór het einde van de termijn"),
            termijn_last_day,
            person_id,
            _(
                "{name}: de MAP, met het eindgesprek, hoort bij de inburgeringsplicht (art. 7 "
                "lid 1 Wi2021) en moet uiterlijk op {day} afgerond zijn, de laatste dag van "
                "de termijn (art. 11 Wi2021)."
            ).format(name=name, day=day),
        )
