# Sourced by the packaging scripts: where things are, the version, the wheel.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build"
DIST="$ROOT/dist"
VENV_PY="$ROOT/.venv/bin/python"
# The one version number: klantapp/__init__.py (pyproject reads it too).
VERSION="$("$VENV_PY" -c 'import klantapp; print(klantapp.__version__)')"
WHEEL="$DIST/klantapp-$VERSION-py3-none-any.whl"

SCRIPT_START=$(date +%s)
say() { printf '\n== [%4d s] %s\n' "$(($(date +%s) - SCRIPT_START))" "$*" >&2; }

# The pure-Python wheel both bundles are built from (the .venv has setuptools >= 77).
build_wheel() {
  say "wheel klantapp $VERSION"
  rm -f "$DIST"/klantapp-*.whl
  "$VENV_PY" -m pip wheel -q --no-deps --no-build-isolation -w "$DIST" "$ROOT"
  test -f "$WHEEL"
}

# Seconds since a start time taken with `date +%s`.
elapsed() { echo "$(( $(date +%s) - $1 )) s"; }
