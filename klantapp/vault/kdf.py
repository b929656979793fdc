"""Passphrase -> key-encryption key with Argon2id, and the bounds a header may claim."""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from klantapp.vault import failures

KEY_BYTES = 32
SALT_BYTES = 16

# Bounds a header may ask for. The KDF cost is read before anything is authenticated,
# so these are what can be justified, not what Argon2id allows: calibration never
# chooses more than 256 MiB, and never more work than MAX_WORK_KIB (memory times
# passes: 2 GiB, a few seconds on the slowest laptop we support). A header outside
# them is refused as tampered *before* deriving: nobody can make an unlock take
# minutes and gigabytes and then say "wrong passphrase" so that the user tries again.
MIN_MEMORY_KIB = 8 * 1024
MAX_MEMORY_KIB = 1024 * 1024
MIN_ITERATIONS, MAX_ITERATIONS = 1, 16
MIN_LANES, MAX_LANES = 1, 16
MAX_WORK_KIB = 2 * 1024 * 1024

# What real casebooks get (tests use the cheaper for_tests()).
PRODUCTION_MIN_MEMORY_KIB = 64 * 1024
CALIBRATION_MAX_MEMORY_KIB = 256 * 1024
CALIBRATION_LANES = 4


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters (the salt lives in the header next to them)."""

    memory_kib: int
    iterations: int
    lanes: int

    @classmethod
    def for_tests(cls) -> KdfParams:
        """Cheap parameters. For tests only: far too weak for real casebooks."""
        return cls(memory_kib=MIN_MEMORY_KIB, iterations=1, lanes=1)

    def within_bounds(self) -> bool:
        # type() checks: JSON gives bools for ints too, and bool is an int subclass.
        return (
            all(type(v) is int for v in (self.memory_kib, self.iterations, self.lanes))
            and MIN_MEMORY_KIB <= self.memory_kib <= MAX_MEMORY_KIB
            and MIN_ITERATIONS <= self.iterations <= MAX_ITERATIONS
            and MIN_LANES <= self.lanes <= MAX_LANES
            and self.memory_kib >= 8 * self.lanes
            and self.memory_kib * self.iterations <= MAX_WORK_KIB
        )

    def as_calibrated(self) -> bool:
        """Could :func:`calibrate_kdf` have chosen these? When an unlock fails with
        parameters it never would, the header may have been changed (see failures)."""
        return (
            self.within_bounds()
            and self.lanes == CALIBRATION_LANES
            and PRODUCTION_MIN_MEMORY_KIB <= self.memory_kib <= CALIBRATION_MAX_MEMORY_KIB
            and self.memory_kib % 1024 == 0
        )

    def require_within_bounds(self) -> None:
        """For parameters the program chose (create/change_passphrase): a bug, not a user error."""
        if not self.within_bounds():
            raise ValueError(f"KDF-parameters buiten de grenzen: {self}")


def normalize_passphrase(passphrase: str) -> bytes:
    """NFC, so the same passphrase typed on another keyboard/OS gives the same bytes."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def derive_kek(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """Slow. Callers must have checked ``params.within_bounds()`` already."""
    if not params.within_bounds():  # defence in depth; never derive with absurd values
        raise ValueError(f"KDF-parameters buiten de grenzen: {params}")
    try:
        kdf = Argon2id(
            salt=salt,
            length=KEY_BYTES,
            iterations=params.iterations,
            lanes=params.lanes,
            memory_cost=params.memory_kib,
        )
        return kdf.derive(normalize_passphrase(passphrase))
    except MemoryError:
        raise failures.not_enough_memory() from None


def _seconds(params: KdfParams) -> float:
    """Best of two runs: other programs (a virus scan, a sync) only ever add time."""
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        derive_kek("calibratie", b"\x00" * SALT_BYTES, params)
        best = min(best, time.perf_counter() - start)
    return best


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def calibrate_kdf(target_seconds: float = 0.6) -> KdfParams:
    """Parameters taking about ``target_seconds`` (0.5-1 s for the default) on this machine.

    Measures 64 MiB with one pass, then grows memory first (up to 256 MiB, which every
    laptop we support has free), then passes (never more work than MAX_WORK_KIB); one
    measured correction. Never less than 64 MiB, so a slow machine gets a slower unlock
    rather than a weaker key.
    """
    lanes = CALIBRATION_LANES
    base = KdfParams(PRODUCTION_MIN_MEMORY_KIB, 1, lanes)
    per_kib_pass = _seconds(base) / base.memory_kib
    memory = _clamp(
        int(target_seconds / per_kib_pass) // 1024 * 1024,
        PRODUCTION_MIN_MEMORY_KIB,
        CALIBRATION_MAX_MEMORY_KIB,
    )
    most_passes = min(MAX_ITERATIONS, MAX_WORK_KIB // memory)
    passes = _clamp(round(target_seconds / (per_kib_pass * memory)), 1, most_passes)
    params = KdfParams(memory, passes, lanes)
    scale = target_seconds / max(_seconds(params), 1e-3)
    if not 0.8 <= scale <= 1.25:  # the first estimate was off: correct once
        if passes > 1 or scale > 1:
            passes = _clamp(round(passes * scale), 1, most_passes)
        else:
            memory = _clamp(int(memory * scale) // 1024 * 1024, PRODUCTION_MIN_MEMORY_KIB, memory)
        params = KdfParams(memory, passes, lanes)
    return params
