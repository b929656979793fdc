"""An installed Klantapp carries its fonts and catalogs, and every package is listed."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_every_source_package_is_in_the_package_list() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for top in ("klantapp", "ui")
        for p in (ROOT / top).rglob("__init__.py")
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


@pytest.mark.slow
def test_the_wheel_ships_fonts_catalogs_and_schema(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("klantapp-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for font in (ROOT / "resources" / "fonts").iterdir():
        assert f"klantapp/_data/resources/fonts/{font.name}" in names  # the OFL licence too
    for po in (ROOT / "translations").rglob("*.po"):
        assert f"klantapp/_data/translations/{po.parent.name}/{po.name}" in names
    assert "klantapp/casebook/migrations/0001_initial.sql" in names
    assert "ui/screens/__init__.py" in names
