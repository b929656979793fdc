"""What is still to be filled in: the permit basis, and the outcome of an appointment.

* ``vergunning_kiezen``: the doelgroep, the gemeente's offer and ontzorgen follow from
  the permit basis (:func:`klantapp.domain.plicht.doelgroep_of`); asked for where an
  older version left free text, or where a nareiziger's permit is not known.
* ``uitkomst_invullen``: an appointment in the past still on "Gepland".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from klantapp.domain.dates import long_date, record_date
from klantapp.domain.deadlines.items import Collector, person_name, str_or_none
from klantapp.domain.records import APPOINTMENT_KINDS, choice_label
from klantapp.i18n import N_, _

RULES = {
    "uitkomst_invullen": N_("Uitkomst van een afspraak invullen"),
    "vergunning_kiezen": N_("Grond van de verblijfsvergunning kiezen"),
}


def vergunning_items(c: Collector, persons: Sequence[Mapping[str, object]]) -> None:
    """Ask for the permit basis where an older version left free text Klantapp could
    not read, or where a nareiziger's permit (asiel or regulier) is not known."""
    for person in persons:
        if person.get("permit_basis"):
            continue
        text = str_or_none(person.get("permit_type"))
        if text is None and person.get("doelgroep") != "nareiziger":
            continue
        c.add(
            "vergunning_kiezen",
            _("Kies de grond van de verblijfsvergunning"),
            c.on,
            str_or_none(person.get("id")),
            _(
                "{name}: kies bij 'Grond verblijfsvergunning' of het een asielvergunning, "
                "een afgeleide asielvergunning (nareis) of een reguliere vergunning is. Daar "
                "hangen de doelgroep, het aanbod van de gemeente en het verplichte ontzorgen "
                "van af. De oude omschrijving blijft bewaard."
            ).format(name=person_name(person)),
        )


def uitkomst_items(c: Collector, appointments: Sequence[Mapping[str, object]]) -> None:
    for appt in appointments:
        if appt.get("outcome") not in (None, "", "gepland"):
            continue
        when = record_date(appt.get("starts_at"))
        if when is None or when >= c.on:
            continue
        kind = choice_label(APPOINTMENT_KINDS, str_or_none(appt.get("kind"))) or "Afspraak"
        c.add(
            "uitkomst_invullen",
            _("Uitkomst van een afspraak invullen"),
            when,
            str_or_none(appt.get("person_id")),
            _(
                "{appointment} op {day}: de uitkomst staat nog op 'Gepland'. Vul in of de klant "
                "verschenen is."
            ).format(appointment=_(kind), day=long_date(when)),
        )
