#!/usr/bin/env bash
# Runs a Windows program in the build's own 64-bit Wine prefix (Debian's wine64):
#   packaging/windows/wine.sh PROGRAM [ARG...]
# DLL overrides, all for Wine 8.0 only (real Windows needs none of them):
# - mscoree, mshtml: no Mono or Gecko download prompts when the prefix is made;
# - wbemprox: Python 3.13's platform module asks WMI, and Wine 8's WMI aborts on an
#   unimplemented propsys function; without WMI Python falls back to other sources;
# - mscms: our stub (stubs/README.md) instead of Wine's, which lacks functions Qt uses.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export WINEPREFIX="${WINEPREFIX:-$ROOT/build/windows/prefix}"
export WINEARCH=win64 WINEDEBUG="${WINEDEBUG:--all}"
export WINEDLLOVERRIDES="mscoree,mshtml=;wbemprox=d;mscms=n,b"
exec /usr/lib/wine/wine64 "$@"
