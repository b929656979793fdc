#!/usr/bin/env bash
# The SQLite the frozen builds ship instead of the one their Python brings
# (packaging/README.md, *SQLite*; the .venv runs on it too: scripts/dev-sqlite.sh):
#   packaging/sqlite/build.sh linux     -> build/sqlite/linux/libsqlite3.so.0
#   packaging/sqlite/build.sh windows   -> build/sqlite/windows/sqlite3.dll (mingw-w64)
# prints the library's path. The amalgamation comes from the npm registry, checked
# against the hashes in source.env; each library is compiled once and kept under
# build/sqlite/ until the source, the flags or the compiler change.
source "$(dirname "$0")/../common.sh"
source "$ROOT/packaging/sqlite/source.env"
TARGET="${1:?usage: build.sh linux|windows}"
OUT="$BUILD/sqlite"
SRC="$OUT/src"

sha3() { python3 -c 'import hashlib, sys; print(hashlib.sha3_256(open(sys.argv[1], "rb").read()).hexdigest())' "$1"; }
sri() { python3 -c 'import base64, hashlib, sys; print("sha512-" + base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$1"; }

# The options the casebook needs (FTS5; serialize/deserialize and user functions are
# on by default since 3.36), plus those Debian's and CPython's builds have that an
# older casebook or a script may use (FTS4, R*Tree, math functions, dbstat).
FLAGS=(-O2 -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_FTS4 -DSQLITE_ENABLE_RTREE
  -DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_COLUMN_METADATA)
case "$TARGET" in
  linux)
    CC=gcc
    LIB="$OUT/linux/libsqlite3.so.0"
    # What SQLite's configure finds on glibc: without HAVE_USLEEP a busy wait would
    # sleep whole seconds.
    FLAGS+=(-fPIC -shared -Wl,-soname,libsqlite3.so.0 -DHAVE_USLEEP=1 -DHAVE_FDATASYNC=1
      -DHAVE_LOCALTIME_R=1 -DHAVE_GMTIME_R=1 -DHAVE_MALLOC_H=1 -DHAVE_MALLOC_USABLE_SIZE=1)
    LIBS=(-lm -lpthread)
    ;;
  windows)
    CC=x86_64-w64-mingw32-gcc
    LIB="$OUT/windows/sqlite3.dll"
    # every sqlite3_* exported, as CPython's own sqlite3.dll; no libgcc DLL to ship
    FLAGS+=(-shared -static-libgcc "-DSQLITE_API=__declspec(dllexport)")
    LIBS=()
    ;;
  *) echo "sqlite: unknown target '$TARGET' (linux, windows)" >&2; exit 2 ;;
esac

if [ ! -f "$SRC/.checked" ] || [ "$(cat "$SRC/.checked")" != "$SQLITE_C_SHA3" ]; then
  say "SQLite $SQLITE_VERSION amalgamation from the npm registry ($SQLITE_NPM_PACKAGE)"
  rm -rf "$SRC" && mkdir -p "$SRC"
  (cd "$SRC" && npm pack --silent "$SQLITE_NPM_PACKAGE" >/dev/null)
  [ "$(sri "$SRC/$SQLITE_NPM_TARBALL")" = "$SQLITE_NPM_INTEGRITY" ] \
    || { echo "sqlite: $SQLITE_NPM_TARBALL is not the tarball pinned in source.env" >&2; exit 1; }
  tar -xzf "$SRC/$SQLITE_NPM_TARBALL" -C "$SRC" "$SQLITE_AMALGAMATION_DIR/sqlite3.c" \
    "$SQLITE_AMALGAMATION_DIR/sqlite3.h"
  mv "$SRC/$SQLITE_AMALGAMATION_DIR"/sqlite3.[ch] "$SRC/"
  rm -rf "$SRC/package" "$SRC/$SQLITE_NPM_TARBALL"
  [ "$(sha3 "$SRC/sqlite3.c")" = "$SQLITE_C_SHA3" ] && [ "$(sha3 "$SRC/sqlite3.h")" = "$SQLITE_H_SHA3" ] \
    || { echo "sqlite: sqlite3.c or sqlite3.h differs from the SHA3-256 in source.env" >&2; exit 1; }
  grep -qF "#define SQLITE_SOURCE_ID      \"$SQLITE_SOURCE_ID\"" "$SRC/sqlite3.h" \
    || { echo "sqlite: sqlite3.h is not SQLite $SQLITE_SOURCE_ID" >&2; exit 1; }
  echo "$SQLITE_C_SHA3" >"$SRC/.checked"
fi

KEY="$SQLITE_C_SHA3 $CC $("$CC" -dumpfullversion 2>/dev/null || "$CC" -dumpversion) ${FLAGS[*]} ${LIBS[*]}"
if [ ! -f "$LIB" ] || [ "$(cat "$LIB.key" 2>/dev/null)" != "$KEY" ]; then
  say "compile SQLite $SQLITE_VERSION for $TARGET ($CC)"
  mkdir -p "$(dirname "$LIB")"
  rm -f "$LIB" "$LIB.key"
  "$CC" "${FLAGS[@]}" -I"$SRC" -o "$LIB.tmp" "$SRC/sqlite3.c" "${LIBS[@]}"
  mv "$LIB.tmp" "$LIB"
  echo "$KEY" >"$LIB.key"
fi
echo "$LIB"
