"""The gemeente's monitor: the figures it reports and steers on, each computed from the
casebook by one documented definition (docs/monitor.md), with the households behind
every number. Plicht status, doelgroep and every deadline are read through
:mod:`klantapp.domain` only, so a fix of a rule there changes the figures too.
"""

from klantapp.monitor.figures import Figure, Monitor, Row, compute

__all__ = ["Figure", "Monitor", "Row", "compute"]
