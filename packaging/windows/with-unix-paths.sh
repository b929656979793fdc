#!/usr/bin/env bash
# Runs a Windows program under Wine (run.sh) with every argument that names an existing
# file or folder, the program included, handed over as the Windows path Wine maps it to
# (Z:\...), so Linux scripts can call it like a Linux program:
#   packaging/windows/with-unix-paths.sh PROGRAM.exe ARG...
# (frozen.sh: the bundle's klantapp.exe; python.sh: the build's python.exe.)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
args=()
for a in "$@"; do
  if [ -e "$a" ]; then a="$(realpath "$a")"; a="Z:${a//\//\\}"; fi
  args+=("$a")
done
exec "$HERE/run.sh" "${args[@]}"
