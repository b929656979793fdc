"""The items on a person's inburgeringstermijn: schakelen, the check 6 months before
the end, and its last day.

The dates are :mod:`klantapp.domain.termijn`'s (art. 11, 12, 19 and 30 Wi2021: start the
day after the first PIP, three years, DUO's extensions and boete, schakelen within 18
months). Rules: ``schakelen`` (a signal; none on the onderwijsroute, which may switch
to the B1-route at any time), ``termijn_controle`` (a signal 6 months before the last
day, in time for a DUO extension request) and ``termijn_einde``.
"""

from __future__ import annotations

from collections.abc import Mapping

from klantapp.domain.dates import add_months, long_date
from klantapp.domain.deadlines.items import Collector, str_or_none
from klantapp.domain.deadlines.pip import pip_open_parts
from klantapp.domain.termijn import Termijn, schakelen_last_day
from klantapp.i18n import N_, _

TERMIJN_CHECK_MONTHS = 6  # a check 6 months before the end: DUO extension requests

RULES = {
    "schakelen": N_("Schakelen (andere leerroute) binnen 18 maanden na start termijn"),
    "termijn_controle": N_("Termijn loopt over 6 maanden af"),
    "termijn_einde": N_("Einde inburgeringstermijn"),
}


def termijn_items(
    c: Collector,
    termijn: Termijn,
    newest: Mapping[str, object] | None,
    pid: str | None,
    name: str,
) -> None:
    start, end = termijn.start, termijn.last_day
    open_parts = pip_open_parts(newest)
    # Optional parts of the sentences below, each with its leading space.
    still_open = (
        " " + _("Nog open: {parts}.").format(parts="; ".join(open_parts)) if open_parts else ""
    )
    ext_text = " " + _("(verlengd door DUO)") if termijn.extended else ""
    source = " " + _("(start volgens DUO of de vorige gemeente)") if termijn.from_duo else ""

    # The onderwijsroute may switch to the B1-route at any time: no schakelen deadline.
    if (str_or_none(newest.get("leerroute")) if newest else None) != "onderwijs":
        due = schakelen_last_day(start)
        c.add(
            "schakelen",
            _("Laatste dag om van leerroute te wisselen (schakelen)"),
            due,
            pid,
            _(
                "{name}: de termijn begon op {start}{source}. Schakelen naar een andere "
                "leerroute moet binnen 18 maanden, dus uiterlijk op {due}."
            ).format(name=name, start=long_date(start), source=source, due=long_date(due)),
            signal=True,
        )
    c.add(
        "termijn_controle",
        _("Inburgeringstermijn loopt over 6 maanden af"),
        add_months(end, -TERMIJN_CHECK_MONTHS),
        pid,
        _(
            "{name}: de laatste dag van de termijn is {end}{extension}.{still_open} Bespreek "
            "de voortgang. Is meer tijd nodig, vraag dan op tijd verlenging aan bij DUO."
        ).format(name=name, end=long_date(end), extension=ext_text, still_open=still_open),
        signal=True,
    )
    c.add(
        "termijn_einde",
        _("Laatste dag van de inburgeringstermijn"),
        end,
        pid,
        _(
            "{name}: de termijn van 3 jaar{extension} begon op {start}{source} en loopt tot "
            "en met {end}: de plicht moet uiterlijk op {end} voldaan zijn.{still_open} Zet "
            "de inburgeringsplicht op 'Voldaan' als alles behaald is."
        ).format(
            name=name,
            start=long_date(start),
            source=source,
            end=long_date(end),
            extension=ext_text,
            still_open=still_open,
        ),
    )
