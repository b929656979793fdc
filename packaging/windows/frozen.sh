#!/usr/bin/env bash
# The Windows bundle's klantapp.exe as if it were a Linux program, for the casebook
# bench (bench/casebook_bench.py --frozen packaging/windows/frozen.sh):
#   packaging/windows/frozen.sh ARG...
# Runs build/windows/dist/klantapp/klantapp.exe under Wine (run.sh: output through
# pipes) and hands it every argument that names an existing file or folder as the
# Windows path Wine maps it to (Z:\...). Wine's own overhead is in whatever it measures.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
EXE="$HERE/../../build/windows/dist/klantapp/klantapp.exe"
test -f "$EXE" || { echo "frozen.sh: no $EXE (make windows first)" >&2; exit 1; }
exec "$HERE/with-unix-paths.sh" "$EXE" "$@"
