"""Shared fixtures: a fresh temporary casebook per test, with a cheap KDF.

The key derivation is deliberately slow in real use (about half a second); tests use
``KdfParams.for_tests()`` so hundreds of casebooks can be made quickly. Nothing else
about the crypto is weakened.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from klantapp.casebook import Casebook
from klantapp.vault import KdfParams

# No per-example time limit: these machines are shared and loaded, and a property
# test that fails only because an example took 200 ms tells nothing (speed is
# measured in bench/). Everything else is Hypothesis's default.
settings.register_profile("klantapp", deadline=None)
settings.load_profile("klantapp")

PASSPHRASE = "een lange test wachtwoordzin"
DEMO_TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every casebook made in a test (also through the CLI in-process) uses a cheap KDF."""
    monkeypatch.setattr(
        "klantapp.casebook.casebook.calibrate_kdf", lambda *a, **k: KdfParams.for_tests()
    )


@pytest.fixture
def casebook_path(tmp_path: Path) -> Path:
    return tmp_path / "dossier"


@pytest.fixture
def casebook(casebook_path: Path) -> Iterator[Casebook]:
    cb, _secret = Casebook.create(
        casebook_path, PASSPHRASE, kdf=KdfParams.for_tests(), actor="tester"
    )
    try:
        yield cb
    finally:
        cb.close()


@pytest.fixture
def demo_casebook(casebook_path: Path) -> Iterator[Casebook]:
    from klantapp.casebook.demo import fill_demo

    cb, _secret = Casebook.create(
        casebook_path, PASSPHRASE, kdf=KdfParams.for_tests(), actor="tester"
    )
    fill_demo(cb, today=DEMO_TODAY)
    try:
        yield cb
    finally:
        cb.close()


def _reopen(cb: Casebook) -> Casebook:
    """Close and open again, as after a restart."""
    path = cb.path
    cb.close()
    return Casebook.open(path, PASSPHRASE, actor="tester")


@pytest.fixture
def reopen():  # type: ignore[no-untyped-def]
    return _reopen
