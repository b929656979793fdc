#!/usr/bin/env bash
# The Windows wheel of sqlcipher3 (SQLCipher 4, the version constraints.txt pins) for the
# casebook bench's peers under Wine (bench/casebook_bench.py --wine-peers): unpacked in
# build/windows/bench-peers, which the bench puts on the Windows Python's path. Bench
# only: nothing of it goes into the build.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/build/windows/bench-peers"
version="$(sed -n 's/^sqlcipher3==//p' "$ROOT/constraints.txt")"
test -n "$version" || { echo "bench-peers.sh: no sqlcipher3 pin in constraints.txt" >&2; exit 1; }
if [ -f "$OUT/.version" ] && [ "$(cat "$OUT/.version")" = "$version" ]; then exit 0; fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$ROOT/.venv/bin/python" -m pip download -q --no-deps --only-binary=:all: \
  --platform win_amd64 --python-version 3.13 -d "$tmp" "sqlcipher3==$version"
rm -rf "$OUT"
mkdir -p "$OUT"
"$ROOT/.venv/bin/python" -m zipfile -e "$tmp"/sqlcipher3-*.whl "$OUT"
echo "$version" > "$OUT/.version"
echo "bench-peers.sh: sqlcipher3 $version (win_amd64) in $OUT"
