"""Where Klantapp's shipped files are: fonts and icons (resources), .po catalogs
(translations).

In the source tree they are the top-level ``resources/`` and ``translations/``
folders; an installed wheel carries them inside the package as ``klantapp/_data/``
(see ``[tool.setuptools]`` in pyproject.toml). Everything that needs them asks here.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


def resources_dir() -> Path:
    return _shipped("resources")


def fonts_dir() -> Path:
    """The bundled fonts (``KLANTAPP_FONTS`` overrides, for tests)."""
    override = os.environ.get("KLANTAPP_FONTS")
    return Path(override) if override else resources_dir() / "fonts"


def translations_dir() -> Path:
    """The ``.po`` catalogs (``KLANTAPP_TRANSLATIONS`` overrides, for tests)."""
    override = os.environ.get("KLANTAPP_TRANSLATIONS")
    return Path(override) if override else _shipped("translations")
