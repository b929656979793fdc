"""Fixtures of the sync tests: the keys of an office and two laptops (`parties`, for the
format tests), and a whole office with laptops in temporary folders (`world`, from
tests/sync/world.py, shared with the client's sync tests)."""

from __future__ import annotations

import pytest

from tests.sync.parties import Parties


@pytest.fixture
def parties() -> Parties:
    return Parties()
