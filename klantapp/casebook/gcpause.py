"""Cyclic garbage collection paused while a bulk read works on many small records.

The monitor and Vandaag's deadline list read every person, PIP and score of the casebook
as plain dicts (hundreds of thousands on 10,000 households) and work them out. Creating
that many container objects triggers CPython's cyclic collector again and again, and
each full collection walks every object alive: on the bench casebook about a third of
a monitor's first call (1.01 s with the collector, 0.70 s without). The records hold no
reference cycles, so reference counting frees them as before; a cycle made meanwhile
is collected once the collector runs again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block (nested or concurrent use is harmless:
    the outermost block that paused it starts it again)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
