"""An installed Klantapp carries its fonts, catalogs and icons, every package is listed,
there is one version number, and the documented wheel build works on a fresh machine.

The built bundles and installers are tested by packaging/smoke.sh and
packaging/windows/smoke.sh (make smoke-package, make smoke-windows), not here."""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import klantapp

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
    for icon in ("klantapp.svg", "klantapp.ico", "klantapp-256.png"):
        assert f"klantapp/_data/resources/icons/{icon}" in names
    assert f"klantapp-{klantapp.__version__}.dist-info/METADATA" in names


def test_one_version_number() -> None:
    """pyproject takes the version from klantapp/__init__.py (the program's --version,
    the About dialog and the installers read it there too)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in pyproject["project"]
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "klantapp.__version__"}
    assert importlib.metadata.version("klantapp") == klantapp.__version__


def _fresh_venv(where: Path) -> Path:
    """A new virtualenv of the project's Python, with nothing but pip in it."""
    python = subprocess.run(
        ["bash", str(ROOT / "scripts" / "find-python.sh")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    subprocess.run([python, "-m", "venv", str(where)], check=True)
    return where / "bin"


def _source_copy(where: Path) -> Path:
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for name in filter(None, (f.decode() for f in files)):
        if (ROOT / name).is_file():
            (where / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, where / name)
    return where


@pytest.mark.slow
def test_the_lowest_declared_setuptools_builds_the_wheel(tmp_path: Path) -> None:
    """build-system.requires names a setuptools that understands the licence
    expression (setuptools 65 to 76 refuse `license = "EUPL-1.2"`). Needs PyPI."""
    (requirement,) = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"][
        "requires"
    ]
    match = re.fullmatch(r"setuptools>=(\d+)", requirement)
    assert match, requirement
    bin_dir = _fresh_venv(tmp_path / "venv")
    subprocess.run(
        [bin_dir / "pip", "install", "-q", f"setuptools=={match[1]}.*"],
        check=True,
        capture_output=True,
    )
    wheel = ["wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist")]
    built = subprocess.run(
        [bin_dir / "pip", *wheel, str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    assert list((tmp_path / "dist").glob("klantapp-*.whl"))


@pytest.mark.slow
def test_the_readme_wheel_commands_work_as_written(tmp_path: Path) -> None:
    """The commands in packaging/README.md between the wheel-build markers, run as they
    stand in a fresh copy of the source tree (no .venv). Needs PyPI."""
    readme = (ROOT / "packaging" / "README.md").read_text()
    block = re.search(r"<!-- wheel-build -->\s*```sh\n(.*?)```", readme, re.S)
    assert block, "packaging/README.md has no wheel-build block"
    tree = _source_copy(tmp_path / "src")
    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block[1]], cwd=tree, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert (tree / "dist" / f"klantapp-{klantapp.__version__}-py3-none-any.whl").is_file()


SQLITE_CHECK = ROOT / "packaging" / "sqlite" / "check.py"


def _sqlite_check(version: str, source_id: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SQLITE_CHECK), version, source_id],
        capture_output=True,
        text=True,
        check=False,
    )


def _pinned_sqlite() -> dict[str, str]:
    """packaging/sqlite/source.env: the SQLite every build ships and the .venv runs on."""
    return dict(
        re.findall(
            r'^(\w+)="(.*)"$',
            (ROOT / "packaging" / "sqlite" / "source.env").read_text(),
            re.MULTILINE,
        )
    )


def _running_sqlite() -> tuple[str, str]:
    import sqlite3

    conn = sqlite3.connect(":memory:")
    found: tuple[str, str] = conn.execute("SELECT sqlite_version(), sqlite_source_id()").fetchone()
    conn.close()
    return found


@pytest.mark.parametrize(
    ("version", "source_id"),
    [
        # Debian 12's, which the development Python linked before scripts/dev-sqlite.sh
        (
            "3.40.1",
            "2022-12-28 14:03:47 df5c253c0b3dd24916e4ec7cf77d3db5294cc9fd45ae7b9c5e82ad8197f3alt1",
        ),
        # the pinned version built from changed source (as SQLCipher's, ending in alt1)
        (
            "3.53.4",
            "2026-07-24 19:02:57 bf7c7f30031888f4e796e429ab3978879485813aaca6f641c7b33e4e0945alt1",
        ),
    ],
)
def test_the_shipped_sqlite_check_refuses_another_sqlite(version: str, source_id: str) -> None:
    """The packaging scripts run it with the SQLite a build ships: a Python on any
    other SQLite than the one asked for must fail, naming what it found."""
    found = _running_sqlite()
    assert found != (version, source_id)
    done = _sqlite_check(version, source_id)
    assert done.returncode == 1
    assert f"runs on SQLite {found[0]} ({found[1]}), not {version}" in done.stderr


def test_the_development_python_runs_on_the_sqlite_the_builds_ship() -> None:
    """make's set-up (scripts/dev-sqlite.sh) puts the .venv on the pinned SQLite, so the
    tests and benches see what users get: here (an xdist worker under `make test`), in
    a Python the tests start, and in the C library the one-copy open calls."""
    from klantapp.casebook import sqlitemem

    pinned = _pinned_sqlite()
    expected = (pinned["SQLITE_VERSION"], pinned["SQLITE_SOURCE_ID"])
    assert _running_sqlite() == expected, "run `make test` (or bash scripts/dev-sqlite.sh)"
    child = subprocess.run(
        [sys.executable, "-c", "import sqlite3; print(sqlite3.sqlite_version)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert child.stdout.strip() == expected[0]
    assert child.stderr == ""
    lib = sqlitemem.library()
    assert lib is not None and lib.version == expected[0]


def test_the_shipped_sqlite_check_passes_fts5_and_deserialize_here() -> None:
    import sqlite3

    conn = sqlite3.connect(":memory:")
    version, source_id = conn.execute("SELECT sqlite_version(), sqlite_source_id()").fetchone()
    done = _sqlite_check(version, source_id)
    assert done.returncode == 0, done.stderr
    assert "FTS5, serialize/deserialize: ok" in done.stdout


def test_the_pinned_sqlite_is_one_version_everywhere() -> None:
    """source.env names the version three times over: the tarball's folder, the
    version the library must report and the date-stamped source id."""
    env = _pinned_sqlite()
    major, minor, patch = env["SQLITE_VERSION"].split(".")
    assert env["SQLITE_AMALGAMATION_DIR"].endswith(f"-{major}{int(minor):02d}{int(patch):02d}00")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [0-9a-f]{64}", env["SQLITE_SOURCE_ID"])
