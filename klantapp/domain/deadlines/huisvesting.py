"""Huisvesting after the koppeling: a woning within 10 weeks, moved in within 2 more.

The koppeling (the COA links a statushouder to the gemeente) follows about 2 weeks
after the vergunning. The gemeente's taakstelling targets (~, not a legal deadline):
a woning 10 weeks after the koppeling, moved in 2 weeks later (DOMAIN.md 1.3).
Rule: ``huisvesting``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from klantapp.domain.dates import long_date, record_date
from klantapp.domain.deadlines.items import Collector
from klantapp.i18n import N_, _

WONING_WEEKS = 10
VERHUIZING_WEEKS = 2
KOPPELING_WEEKS = 2  # ~ "about 2 weeks after the vergunning"

RULES = {"huisvesting": N_("Woning en verhuizing binnen 10 + 2 weken na koppeling")}

_HOUSED = frozenset({"gehuisvest", "traject", "afgerond", "vertrokken"})


def woning_target(koppeling_date: date) -> date:
    """Target for a woning: 10 weeks after the koppeling."""
    return koppeling_date + timedelta(weeks=WONING_WEEKS)


def huisvesting_target(koppeling_date: date) -> date:
    """Target for having moved in: 10 + 2 weeks after the koppeling."""
    return koppeling_date + timedelta(weeks=WONING_WEEKS + VERHUIZING_WEEKS)


def koppeling_expected(permit_date: date) -> date:
    """The COA koppeling follows about 2 weeks after the vergunning (~, informative)."""
    return permit_date + timedelta(weeks=KOPPELING_WEEKS)


def huisvesting_items(c: Collector, household: Mapping[str, object]) -> None:
    """``huisvesting``: until the household has moved in, the target 10 + 2 weeks after
    the koppeling."""
    koppeling = record_date(household.get("koppeling_date"))
    housed = (
        record_date(household.get("housing_date")) is not None or household.get("status") in _HOUSED
    )
    if koppeling is not None and not housed:
        c.add(
            "huisvesting",
            _("Woning en verhuizing: streefdatum 12 weken na koppeling"),
            huisvesting_target(koppeling),
            None,
            _(
                "Koppeling op {koppeling}. Streven: een woning uiterlijk {woning} en verhuisd "
                "uiterlijk {verhuisd}. Vul de datum huisvesting in zodra het huishouden "
                "verhuisd is."
            ).format(
                koppeling=long_date(koppeling),
                woning=long_date(woning_target(koppeling)),
                verhuisd=long_date(huisvesting_target(koppeling)),
            ),
        )
