"""Ontzorgen in the bijstand: mandatory for asylum permits, for at least 6 months.

Art. 56a Participatiewet: for someone with an asylum permit (also a nareiziger with a
derived asylum permit, not a nareizend gezinslid with a regular permit) the gemeente
pays rent, energy and water and the health insurance out of the bijstand, for at least
the first 6 months (DOMAIN.md 1.9). Who it is mandatory for is
:func:`klantapp.domain.plicht.ontzorgen_mandatory` (from the permit basis).
Rules: ``ontzorgen_vastleggen`` (switch it on), ``ontzorgen_einde`` (a signal: the
minimum period ends).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from klantapp.domain.dates import add_months, long_date, record_date
from klantapp.domain.deadlines.items import Collector
from klantapp.domain.plicht import ontzorgen_mandatory
from klantapp.i18n import N_, _

ONTZORGEN_MONTHS = 6

RULES = {
    "ontzorgen_vastleggen": N_("Ontzorgen is verplicht voor asielstatushouders in de bijstand"),
    "ontzorgen_einde": N_("Minimumperiode ontzorgen (6 maanden) loopt af"),
}


def ontzorgen_end(bijstand_start: date) -> date:
    """Ontzorgen lasts at least 6 months from the start of bijstand."""
    return add_months(bijstand_start, ONTZORGEN_MONTHS)


def ontzorgen_items(
    c: Collector, household: Mapping[str, object], persons: Sequence[Mapping[str, object]]
) -> None:
    """From the start of bijstand: ``ontzorgen_vastleggen`` while it is mandatory and not
    switched on; once on, ``ontzorgen_einde`` at the end of the minimum period."""
    bijstand = record_date(household.get("bijstand_start"))
    if bijstand is None:
        return
    end = ontzorgen_end(bijstand)
    if household.get("ontzorgen"):
        c.add(
            "ontzorgen_einde",
            _("Ontzorgen: de minimumperiode van 6 maanden loopt af"),
            end,
            None,
            _(
                "Bijstand sinds {bijstand}; ontzorgen duurt minstens tot {end}. Bespreek of "
                "ontzorgen doorgaat of wordt afgebouwd, en leg dat vast in het PIP."
            ).format(bijstand=long_date(bijstand), end=long_date(end)),
            signal=True,
        )
    elif c.on < end and any(ontzorgen_mandatory(p) for p in persons):
        c.add(
            "ontzorgen_vastleggen",
            _("Ontzorgen vastleggen: verplicht bij bijstand"),
            bijstand,
            None,
            _(
                "Het huishouden heeft bijstand sinds {bijstand}. Voor wie een "
                "verblijfsvergunning asiel heeft (ook een nareiziger met een afgeleide "
                "asielvergunning) is ontzorgen in de bijstand verplicht (art. 56a "
                "Participatiewet: huur, energie en water, zorgverzekering), "
                "minstens tot {end}. Zet 'Ontzorgen' aan en vul in aan wie betaald wordt."
            ).format(bijstand=long_date(bijstand), end=long_date(end)),
        )
