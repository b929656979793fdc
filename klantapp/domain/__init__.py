"""The inburgering domain: record kinds, validation and the rules of the Wi2021.

Where to find a rule (each module has the rule's code, its explanation and its legal
source together):

* :mod:`~klantapp.domain.plicht`: who is plichtig on a date, regime and doelgroep.
  ``plicht_on(person, on, decisions)`` -> :class:`~klantapp.domain.plicht.Plicht`
  (status, doelgroep, regime, deadlines apply, start of the duties, reason);
  ``doelgroep_of(person)``, ``regime_of(person)``, ``aow_date(birth)``,
  ``ontzorgen_mandatory(person)``.
* :mod:`~klantapp.domain.termijn`: the inburgeringstermijn and DUO's decisions on it.
  ``person_termijn(person, pips, decisions)`` -> :class:`~klantapp.domain.termijn.Termijn`
  (start, last day with and without extensions); ``schakelen_last_day(start)``.
* :mod:`~klantapp.domain.deadlines`: the due items of a household
  (``due_for_household``), one module per topic: ``deadlines.pip`` (PIP deadline, hour
  counters), ``deadlines.aanbod`` (leerroute and offer, ``late_offer``,
  ``current_leerroute(pips)``), ``deadlines.termijn``, ``deadlines.ontzorgen``,
  ``deadlines.handhaving``, ``deadlines.huisvesting``, ``deadlines.invullen``.
* :mod:`~klantapp.domain.dates`: calendar months, last days, partial birth dates.
* :mod:`~klantapp.domain.upgrade`: what older casebooks and exports held, in today's
  records.
* :mod:`~klantapp.domain.records`, :mod:`~klantapp.domain.validate` (one module per
  topic: text and names, identity numbers, contact, dates, numbers, choices, the
  cross-field rules), :mod:`~klantapp.domain.settings`: the registry, its checks, the
  settings.

All are pure functions on record dicts (as :mod:`klantapp.casebook.queries` returns
them) with the day passed in: no I/O, no clock.
"""
