"""Hybrid logical clock: timestamps that order events across devices.

A timestamp is (wall milliseconds, counter, device id). It never goes backwards on a
device even when the wall clock does, and it moves past any timestamp received from
another device, so "later" means later in causal order. Encoded as a fixed-width
string, so string order is clock order (device id breaks ties).

A wall clock that is far behind (a laptop a year off) still orders edits causally:
after seeing a newer timestamp the clock keeps counting from it. The counter has 16
bits (it is packed with the milliseconds into one integer); when it would overflow,
the clock moves on by one millisecond instead, which keeps the order.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, order=True)
class Timestamp:
    wall_ms: int
    counter: int
    device: str

    def encode(self) -> str:
        return f"{self.wall_ms:013d}-{self.counter:05d}-{self.device}"

    def pack(self) -> int:
        """The clock as one integer (device kept apart): for compact storage and sorting."""
        return self.wall_ms * 65536 + self.counter

    @staticmethod
    def decode(text: str) -> Timestamp:
        return _decode(text)


@lru_cache(maxsize=1 << 14)
def _decode(text: str) -> Timestamp:
    """Timestamps are immutable, and an import reads each operation's several times
    (merge, clocks, oplog, the local clock): it is parsed once."""
    wall, counter, device = text.split("-", 2)
    return Timestamp(int(wall), int(counter), device)


MAX_COUNTER = 0xFFFF


def _after(wall_ms: int, counter: int, device: str) -> Timestamp:
    """The smallest timestamp after (wall_ms, counter)."""
    if counter >= MAX_COUNTER:
        return Timestamp(wall_ms + 1, 0, device)
    return Timestamp(wall_ms, counter + 1, device)


class HybridClock:
    def __init__(
        self,
        device: str,
        last: Timestamp | None = None,
        now_ms: Callable[[], int] | None = None,
    ) -> None:
        self.device = device
        self._last = last or Timestamp(0, 0, device)
        self._now_ms = now_ms or (lambda: time.time_ns() // 1_000_000)

    @property
    def last(self) -> Timestamp:
        return self._last

    def tick(self) -> Timestamp:
        """A new timestamp for a local event."""
        now = self._now_ms()
        if now > self._last.wall_ms:
            ts = Timestamp(now, 0, self.device)
        else:
            ts = _after(self._last.wall_ms, self._last.counter, self.device)
        self._last = ts
        return ts

    def observe(self, remote: Timestamp) -> None:
        """Move past a timestamp seen from another device (on receiving a bundle): every
        later local event is ordered after it, whatever the wall clock says."""
        if (remote.wall_ms, remote.counter) >= (self._last.wall_ms, self._last.counter):
            self._last = Timestamp(remote.wall_ms, remote.counter, self.device)
