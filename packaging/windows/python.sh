#!/usr/bin/env bash
# The Windows build's own Python (build/windows/python, the embeddable CPython 3.13 the
# bundle is made from, with the SQLite 3.53.4 it ships) under Wine, with every argument
# that names an existing file or folder handed over as the Windows path Wine maps it to:
#   packaging/windows/python.sh SCRIPT.py ARG...
# The casebook bench runs its SQLCipher 4 and plain SQLite sides here (--wine-peers), so
# the Windows build is compared with its peers on the same platform, Wine included.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PY="$HERE/../../build/windows/python/python.exe"
test -f "$PY" || { echo "python.sh: no $PY (make windows first)" >&2; exit 1; }
exec "$HERE/with-unix-paths.sh" "$PY" "$@"
