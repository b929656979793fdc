"""The AVG (GDPR) duties of a casebook: inzage (art. 15), correction (art. 16),
retention and destruction (Archiefwet, art. 5(1)(e) AVG), and the access log that says
who read restricted health notes and who exported what (docs/avg.md).

Everything here writes through :meth:`Casebook.transaction`; the bookkeeping lives in
local-only tables (``avg_*``), journaled like every change and never synced.
"""
