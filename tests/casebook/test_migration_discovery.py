"""Migrations are found in a frozen build too: there the Python migrations live in the
build's module archive, and a listing of the package's folder shows only the .sql
files (the Linux bundle's smoke test met a casebook without the sync tables)."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest

from klantapp.casebook import migrations


class _SqlOnly:
    """The package folder as a frozen build has it: data files, no modules."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def iterdir(self) -> Any:
        return (e for e in self._real.iterdir() if not e.name.endswith(".py"))


def test_python_migrations_are_found_as_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    everything = [m.name for m in migrations.available()]
    assert any(name.endswith(".py") for name in everything)
    real = resources.files
    monkeypatch.setattr(migrations.resources, "files", lambda package: _SqlOnly(real(package)))
    assert [m.name for m in migrations.available()] == everything
