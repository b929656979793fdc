#!/usr/bin/env bash
# Prints the Python that Klantapp is built and tested with: CPython 3.13 (the Windows
# build's embeddable CPython is 3.13 too), else 3.12.
#
# Why not 3.11: PySide6 6.12 on Python 3.11 drops a reference to None on every Qt call
# that returns nothing, and a working session then aborts with "none_dealloc". From
# Python 3.12 on None is immortal, so the bug cannot bite; and PySide6-Pdf (the letter
# preview) only exists from 6.12. An explicit PYTHON=... on the make line wins.
set -euo pipefail

ok() { "$1" -c 'import sys; sys.exit(not (3, 12) <= sys.version_info[:2] < (3, 14))' >/dev/null 2>&1; }

candidates=(python3.13 python3.12)
for root in "${PYENV_ROOT:-$HOME/.pyenv}/versions" /usr/local/bin /usr/bin; do
  for v in 3.13 3.12; do
    for p in "$root"/"$v"*/bin/python"$v" "$root"/python"$v"; do
      [ -x "$p" ] && candidates+=("$p")
    done
  done
done
candidates+=(python3)

for c in "${candidates[@]}"; do
  if ok "$c"; then
    command -v "$c" 2>/dev/null || echo "$c"
    exit 0
  fi
done
echo "find-python: Klantapp needs CPython 3.12 or 3.13 (3.11 with PySide6 6.12 aborts the client)." >&2
echo "  Install python3.13 (or python3.12), or name one: make test PYTHON=/path/to/python3.13" >&2
exit 1
