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
  (``due_for_household``), the PIP, aanbod, ontzorgen and handhaving rules, hour
  counters, ``current_leerroute(pips)``.
* :mod:`~klantapp.domain.trajectmodules`: PVT and MAP (signing, eindgesprek, within
  the termijn); :mod:`~klantapp.domain.examens`: exam attempts per skill, afschalen,
  and when the plicht is met; :mod:`~klantapp.domain.handhavingsprocedure`: the boete
  as an Awb procedure (caps, zienswijze, besluit within 13 weeks, art. 5:45 lapse).
  Each holds its due items, rule texts and cross-field validation
  (:mod:`~klantapp.domain.rules` gives their shapes).
* :mod:`~klantapp.domain.dates`: calendar months, last days, partial birth dates.
* :mod:`~klantapp.domain.upgrade`: what older casebooks and exports held, in today's
  records.
* :mod:`~klantapp.domain.records`, :mod:`~klantapp.domain.validate`,
  :mod:`~klantapp.domain.settings`: the registry, its checks, the settings.

All are pure functions on record dicts (as :mod:`klantapp.casebook.queries` returns
them) with the day passed in: no I/O, no clock.
"""
