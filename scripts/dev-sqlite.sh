#!/usr/bin/env bash
# Makes the .venv run on the SQLite the frozen builds ship (packaging/sqlite), not on
# the one its Python links (Debian 12's libsqlite3.so.0 3.40.1 for pyenv's CPython), so
# the tests, `make run` and the benches see the speed and behaviour users get.
#
# packaging/sqlite/build.sh compiles the pinned amalgamation once into
# build/sqlite/linux/libsqlite3.so.0 (soname libsqlite3.so.0). A .pth file in the venv's
# site-packages, run by every start of .venv/bin/python (pytest, its xdist workers, the
# subprocesses tests start, .venv/bin/klantapp), loads that library before anything
# imports sqlite3; when _sqlite3 is loaded later, the dynamic loader finds its NEEDED
# libsqlite3.so.0 already loaded by that soname and binds it there.
#
# RTLD_LOCAL (ctypes' default), not RTLD_GLOBAL: in the global scope its sqlite3_*
# symbols would take over the calls of any other module that carries a SQLite of its
# own, such as the bench's SQLCipher (sqlcipher3), which then runs unencrypted.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
LIB="$(bash "$ROOT/packaging/sqlite/build.sh" linux)"
SITE="$("$PY" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
# 00-: site runs .pth files in name order; this one must come before any that imports.
PTH="$SITE/00-klantapp-sqlite.pth"
{
  echo "# Written by scripts/dev-sqlite.sh (make): this venv runs on SQLite of packaging/sqlite."
  echo "# If the library is gone, \`make test\` or \`make run\` builds it again."
  "$PY" -S -c 'import sys; print(f"import ctypes; ctypes.CDLL({sys.argv[1]!r})")' "$LIB"
} >"$PTH.tmp"
mv "$PTH.tmp" "$PTH"
source "$ROOT/packaging/sqlite/source.env"
"$PY" "$ROOT/packaging/sqlite/check.py" "$SQLITE_VERSION" "$SQLITE_SOURCE_ID"
