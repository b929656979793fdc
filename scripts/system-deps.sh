#!/usr/bin/env bash
# Usage: system-deps.sh [test|package|windows]
# Makes sure the Debian libraries Qt needs (and poppler/Xvfb for the letter and
# screenshot tests, age/minisign for the sync interop and recovery-key tests, npm to
# fetch the age test vectors and the SQLite amalgamation, gcc to compile that SQLite,
# which the .venv runs on as the builds do: scripts/dev-sqlite.sh) are present. As
# root on Debian it installs what is missing; otherwise it prints the exact apt-get
# line and carries on (pip's Qt wheels bring Qt itself; only these system libraries
# come from the distribution).
set -euo pipefail

# What Qt needs at run time: also the .deb's Depends (packaging/linux/build.sh).
QT_RUNTIME=(
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 libglib2.0-0
)
if [ "${1:-}" = "--qt-runtime" ]; then
  echo "${QT_RUNTIME[*]}"
  exit 0
fi
PACKAGES=(
  "${QT_RUNTIME[@]}"
  poppler-utils xvfb xauth
  age minisign
  gcc libc6-dev # packaging/sqlite: the .venv's SQLite, and the Linux bundle's
)
# `make package` and `make windows` need their tools as well (packaging/README.md).
case "${1:-test}" in
  test) ;;
  package) PACKAGES+=(binutils desktop-file-utils appstream) ;;
  windows) PACKAGES+=(wine64 nsis msitools wixl gcc-mingw-w64-x86-64-win32 osslsigncode
    x11-apps netpbm xdotool) ;; # the last three for windows/screenshot.sh; mingw also packaging/sqlite
  *) echo "system-deps: unknown set '$1' (test, package, windows)" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian system; make sure Qt 6's runtime libraries, poppler-utils and Xvfb are installed." >&2
  exit 0
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# npm fetches the age test vectors (tests/sync/cctv.py). Any npm will do: Debian's
# package only when none is on the PATH (a NodeSource nodejs brings its own).
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "system-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "system-deps: these Debian packages are missing. Install them with:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
fi
