"""Passphrase -> key-encryption key with Argon2id, and the bounds a header may claim."""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from klantapp.vault import failures

KEY_BYTES = 32
SALT_BYTES = 16

# Bounds a header may ask for. Anything outside is refused *before* deriving, so a
# crafted header cannot make us allocate 1 TiB or spin for an hour.
MIN_MEMORY_KIB = 8 * 1024
MAX_MEMORY_KIB = 4 * 1024 * 1024
MIN_ITERATIONS, MAX_ITERATIONS = 1, 64
MIN_LANES, MAX_LANES = 1, 16

# What real casebooks get at least (tests use the cheaper for_tests()).
PRODUCTION_MIN_MEMORY_KIB = 64 * 1024
_CALIBRATION_MAX_MEMORY_KIB = 256 * 1024


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


def _time_once(params: KdfParams) -> float:
    start = time.perf_counter()
    derive_kek("calibratie", b"\x00" * SALT_BYTES, params)
    return time.perf_counter() - start


def calibrate_kdf(target_seconds: float = 0.6) -> KdfParams:
    """Parameters taking about ``target_seconds`` (0.5-1 s for the default) on this machine.

    Starts at 64 MiB, one pass; grows memory first (up to 256 MiB, which every laptop
    we support has free), then passes. Never returns less than 64 MiB.
    """
    lanes = 4
    params = KdfParams(PRODUCTION_MIN_MEMORY_KIB, 1, lanes)
    elapsed = _time_once(params)
    for _ in range(4):  # measured; a few rounds converge, and bounds the calibration time
        if elapsed >= target_seconds * 0.85:
            break
        factor = target_seconds / max(elapsed, 1e-3)
        if params.memory_kib < _CALIBRATION_MAX_MEMORY_KIB:
            memory = min(_CALIBRATION_MAX_MEMORY_KIB, int(params.memory_kib * factor))
            memory = max(params.memory_kib, memory // 1024 * 1024)
            params = KdfParams(memory, params.iterations, lanes)
        else:
            iterations = min(
                MAX_ITERATIONS, max(params.iterations + 1, round(params.iterations * factor))
            )
            params = KdfParams(params.memory_kib, iterations, lanes)
        elapsed = _time_once(params)
        if params.iterations >= MAX_ITERATIONS:
            break
    return params
