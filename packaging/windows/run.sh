#!/usr/bin/env bash
# Runs a Windows program of the build under Wine with its output through pipes:
#   packaging/windows/run.sh 'C:\...\klantapp.exe' [ARG...]
# Wine 8 cannot hand a Windows program a regular file as stdout or stderr (Python
# then fails at start with "Invalid handle"), so `run.sh ... > file` pipes for it.
set -uo pipefail
# stdout goes out through fd 3 and the outer cat, stderr through the inner cat.
{ "$(dirname "$0")/wine.sh" "$@" 2>&1 1>&3 3>&- | cat >&2 3>&-; } 3>&1 | cat
