"""Fixtures of the sync tests: the keys of an office and two laptops (`parties`, for the
format tests), and a whole office with laptops in temporary folders (`world`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.parties import Parties
from tests.sync.world import World


@pytest.fixture
def parties() -> Parties:
    return Parties()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with World.opened(tmp_path) as w:
        yield w
