"""The Wi2021 deadline rules (DOMAIN.md 1.10) as code, on plain record dicts.

One module per topic, each with its rules' code, their explanation and legal source
together (the rule ids are :attr:`DueItem.rule` and the keys of :data:`RULES`):

* :mod:`~klantapp.domain.deadlines.pip`: ``pip_vaststellen`` (10 weeks after the
  inschrijving or the start of the plicht) and the hour counters (PVT, MAP, Z-route);
* :mod:`~klantapp.domain.deadlines.aanbod`: the leerroute and the gemeente's offer,
  ``aanbod_starten`` (3 months after the PIP, 6 on the onderwijsroute) and
  ``verklaring_aanbod`` (the statement that it started late), afschalen;
* :mod:`~klantapp.domain.deadlines.termijn`: ``schakelen``, ``termijn_controle``,
  ``termijn_einde`` (the dates are :mod:`klantapp.domain.termijn`'s);
* :mod:`~klantapp.domain.deadlines.ontzorgen`: ``ontzorgen_vastleggen``,
  ``ontzorgen_einde``;
* :mod:`~klantapp.domain.deadlines.trajectmodules`: PVT and MAP, ``pvt_afronden`` and
  ``map_afronden`` (within the termijn), ``pvt_ondertekenen``, ``map_eindgesprek``;
* :mod:`~klantapp.domain.deadlines.examens`: exam attempts per skill, afschalen, and
  ``plicht_voldaan`` once every part of the plicht is done (then no termijn items);
* :mod:`~klantapp.domain.deadlines.handhaving`: ``handhaving_intake``,
  ``handhaving_nummer``, and the boete as an Awb procedure: ``zienswijze_termijn``,
  ``handhaving_besluit`` (13 weeks), ``handhaving_verval`` (art. 5:45 Awb);
* :mod:`~klantapp.domain.deadlines.huisvesting`: ``huisvesting`` after the koppeling;
* :mod:`~klantapp.domain.deadlines.invullen`: ``vergunning_kiezen``,
  ``uitkomst_invullen``;
* :mod:`~klantapp.domain.deadlines.due`: :func:`due_for_household`, all of them for one
  household; :mod:`~klantapp.domain.deadlines.items`: :class:`DueItem` and what the
  rules share.

The small date rules (:func:`pip_deadline`, :func:`course_start_deadline`, ...) work on
plain ``date`` values; who is plichtig is :mod:`klantapp.domain.plicht`'s.
:func:`due_for_household` reads one household's records as dicts shaped like
:mod:`klantapp.domain.records` (dates as ``"YYYY-MM-DD"`` text) and lists what is due or
overdue on a given day as :class:`DueItem` values. The casebook layer
(:mod:`klantapp.casebook.due`) gathers the dicts and calls it.

How items come and go:

* An item is listed when its date falls within ``horizon_days`` from ``on``, or has
  passed (then ``overdue`` is true). It disappears once its condition is met: the PIP
  deadline when a PIP version has been vastgesteld (has a dagtekening), the start of the
  course offer when ``course_start`` is filled in, and so on. A date is the *last day*
  ("uiterlijk op"): an item due today is not overdue yet.
* Signals that ask for no action by a fixed date (the last day to switch route, the end
  of the 6-month minimum of ontzorgen, the termijn check 6 months before the end) stay
  visible for ``horizon_days`` after their date and then disappear on their own;
  otherwise they would stay "overdue" for ever.
* A person gets Wi2021 items only while :func:`klantapp.domain.plicht.plicht_on` says
  the deadlines apply: not after an ontheffing or vrijstelling, not under the Wi2013
  (a plicht that started before 2022), not above the AOW age, not while abroad, not
  before the 18th birthday (leerplicht and kwalificatieplicht). A partly known birth
  date counts from the latest day it can mean ("1990" -> 31 December 1990). An unknown
  birth date does not hold items back.
* Households that are afgerond or vertrokken get no items.

Where the dates come from:

* The PIP deadline counts from the person's own ``inschrijving_date`` when it is filled
  in (a member who arrived later, such as a nareiziger), else from the household's; a
  later start of the duties (``plicht_start``, the 18th birthday) moves it on.
* The termijn runs from the day after the first PIP, or from the start DUO reports for
  someone who moved here; DUO's extensions and a boete with a new termijn move its last
  day (:func:`klantapp.domain.termijn.person_termijn`).
* A missed brede intake is handled once the next invitation is planned, the PIP is
  vastgesteld, or a handhaving record linked to that appointment records the step
  (see :func:`handhaving_closes_intake`).

Pure Python: no I/O, no clock (``on`` is passed in).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from klantapp.domain.deadlines import (
    aanbod,
    examens,
    handhaving,
    huisvesting,
    invullen,
    ontzorgen,
    pip,
    termijn,
    trajectmodules,
)
from klantapp.domain.deadlines.aanbod import (
    AFSCHALEN_MIN_LESUREN,
    LateOffer,
    afschalen_eligible,
    course_start_deadline,
    current_integratieroute,
    current_leerroute,
    late_offer,
    offer_deadline,
)
from klantapp.domain.deadlines.due import due_for_household, wi2021_applies
from klantapp.domain.deadlines.handhaving import handhaving_closes_intake, handhaving_step
from klantapp.domain.deadlines.huisvesting import (
    huisvesting_target,
    koppeling_expected,
    woning_target,
)
from klantapp.domain.deadlines.items import DueItem, current_pip
from klantapp.domain.deadlines.ontzorgen import ontzorgen_end
from klantapp.domain.deadlines.pip import (
    MAP_MIN_HOURS,
    PVT_MIN_HOURS,
    Z_DUTCH_HOURS,
    Z_PARTICIPATION_HOURS,
    HourCounter,
    hour_counters,
    is_under,
    person_inschrijving,
    pip_deadline,
    pip_deadline_start,
)
from klantapp.i18n import _

__all__ = [
    "AFSCHALEN_MIN_LESUREN",
    "MAP_MIN_HOURS",
    "PVT_MIN_HOURS",
    "RULES",
    "Z_DUTCH_HOURS",
    "Z_PARTICIPATION_HOURS",
    "DueItem",
    "HourCounter",
    "LateOffer",
    "afschalen_eligible",
    "course_start_deadline",
    "current_integratieroute",
    "current_leerroute",
    "current_pip",
    "due_for_household",
    "handhaving_closes_intake",
    "handhaving_step",
    "hour_counters",
    "huisvesting_target",
    "is_under",
    "koppeling_expected",
    "late_offer",
    "offer_deadline",
    "ontzorgen_end",
    "person_inschrijving",
    "pip_deadline",
    "pip_deadline_start",
    "wi2021_applies",
    "woning_target",
]


class _Translated(Mapping[str, str]):
    """A fixed table of Dutch texts, each read out in the current language."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._texts = dict(texts)

    def __getitem__(self, key: str) -> str:
        return _(self._texts[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


# Rule ids (DueItem.rule) and what they mean, for the UI's filter and help text; a
# description is translated when it is read. Each topic module names its own.
RULES: Mapping[str, str] = _Translated(
    {
        **huisvesting.RULES,
        **ontzorgen.RULES,
        **pip.RULES,
        **aanbod.RULES,
        **termijn.RULES,
        **trajectmodules.RULES,
        **examens.RULES,
        **handhaving.RULES,
        **invullen.RULES,
    }
)
