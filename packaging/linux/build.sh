#!/usr/bin/env bash
# make package: the Linux one-folder bundle (PyInstaller) and a .deb that installs it
# in /opt/klantapp with a `klantapp` command on the PATH, the .desktop file, the
# AppStream metainfo and the icons.
source "$(dirname "$0")/../common.sh"
START=$(date +%s)
OUT="$BUILD/linux"
APP_ID=nl.klantapp.Klantapp
HERE="$ROOT/packaging/linux"

build_wheel
SQLITE_LIB="$(bash "$ROOT/packaging/sqlite/build.sh" linux)"
source "$ROOT/packaging/sqlite/source.env"

say "build environment ($OUT/venv): the wheel and PyInstaller, nothing else"
[ -x "$OUT/venv/bin/python" ] || "$(bash "$ROOT/scripts/find-python.sh")" -m venv "$OUT/venv"
"$OUT/venv/bin/python" -m pip install -q -c "$ROOT/constraints.txt" \
  -c "$ROOT/packaging/constraints.txt" "$WHEEL" pyinstaller
"$OUT/venv/bin/python" -m pip install -q --no-deps --force-reinstall "$WHEEL"

say "PyInstaller"
rm -rf "$OUT/dist"
(cd "$OUT" && "$OUT/venv/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath "$OUT/dist" --workpath "$OUT/work" "$ROOT/packaging/klantapp.spec")
BUNDLE="$OUT/dist/klantapp"
test -f "$BUNDLE/_internal/PySide6/Qt/plugins/platforms/libqxcb.so" \
  || { echo "package: the bundle has no Qt xcb platform plugin" >&2; exit 1; }
say "SQLite $SQLITE_VERSION in place of the one the build's Python links"
# PyInstaller collected the libsqlite3.so.0 the build's Python links (Debian 12's
# 3.40.1); the bundle's loader path finds ours under the same name.
test -f "$BUNDLE/_internal/libsqlite3.so.0" \
  || { echo "package: the bundle has no libsqlite3.so.0 to replace" >&2; exit 1; }
install -m644 "$SQLITE_LIB" "$BUNDLE/_internal/libsqlite3.so.0"
LD_LIBRARY_PATH="$(dirname "$SQLITE_LIB")" "$OUT/venv/bin/python" \
  "$ROOT/packaging/sqlite/check.py" "$SQLITE_VERSION" "$SQLITE_SOURCE_ID"
[ "$("$BUNDLE/klantapp" --version)" = "klantapp $VERSION (SQLite $SQLITE_VERSION)" ] \
  || { echo "package: the bundle does not run on SQLite $SQLITE_VERSION" >&2; exit 1; }

say "validate the .desktop file and the AppStream metainfo"
STAGE="$OUT/deb"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/metainfo" "$STAGE/usr/share/doc/klantapp"
RELEASE_DATE="$(git -C "$ROOT" log -1 --format=%cs 2>/dev/null || date +%F)"
sed "s/@VERSION@/$VERSION/; s/@DATE@/$RELEASE_DATE/" "$HERE/$APP_ID.metainfo.xml" \
  > "$STAGE/usr/share/metainfo/$APP_ID.metainfo.xml"
cp "$HERE/$APP_ID.desktop" "$STAGE/usr/share/applications/"
desktop-file-validate "$STAGE/usr/share/applications/$APP_ID.desktop"
appstreamcli validate --no-net "$STAGE/usr/share/metainfo/$APP_ID.metainfo.xml"

say ".deb"
cp -a "$BUNDLE" "$STAGE/opt/klantapp"
ln -s /opt/klantapp/klantapp "$STAGE/usr/bin/klantapp"
ICONS="$ROOT/resources/icons"
install -Dm644 "$ICONS/klantapp.svg" "$STAGE/usr/share/icons/hicolor/scalable/apps/klantapp.svg"
for png in "$ICONS"/klantapp-*.png; do
  size="${png##*-}"; size="${size%.png}"
  install -Dm644 "$png" "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps/klantapp.png"
done
cat > "$STAGE/usr/share/doc/klantapp/copyright" <<EOF
Klantapp $VERSION. Licence: EUPL-1.2 (the icon too: drawn for Klantapp).
Bundled: CPython (PSF licence), Qt 6 and PySide6 (LGPL-3.0), the Noto fonts (OFL-1.1,
/opt/klantapp/_internal/klantapp/_data/resources/fonts/OFL.txt) and the Python
packages listed in /opt/klantapp/_internal/*.dist-info, each under its own licence.
EOF
DEPENDS="libc6 (>= 2.36), $(bash "$ROOT/scripts/system-deps.sh" --qt-runtime | sed 's/ /, /g')"
cat > "$STAGE/DEBIAN/control" <<EOF
Package: klantapp
Version: $VERSION
Architecture: amd64
Maintainer: Klantapp developers <klantapp@example.org>
Section: misc
Priority: optional
Depends: $DEPENDS
Installed-Size: $(du -sk "$STAGE" | cut -f1)
Description: encrypted offline casebook for integration guidance (Wi2021)
 Klantapp keeps a klantmanager's households, intakes, integration plans (PIP),
 appointments and deadlines in an encrypted casebook and prints appointment
 letters in Dutch plus the client's language. Installed in /opt/klantapp.
EOF
DEB="$DIST/klantapp_${VERSION}_amd64.deb"
dpkg-deb --root-owner-group -Zzstd -z9 --build "$STAGE" "$DEB" >/dev/null
dpkg-deb --info "$DEB" >/dev/null

say "built in $(elapsed "$START")"
echo "Linux bundle: $BUNDLE ($(du -sh "$BUNDLE" | cut -f1))"
echo "Debian package: $DEB ($(du -h "$DEB" | cut -f1))"
