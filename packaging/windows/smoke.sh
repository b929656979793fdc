#!/usr/bin/env bash
# make smoke-windows: the smoke tests of the Windows build under Wine. The bundle gets
# packaging/smoke.sh in full; the NSIS installer and the MSI are installed, upgraded
# and uninstalled silently, and the installed program runs verify each time; a casebook
# outside the program folder survives all of it untouched.
source "$(dirname "$0")/../common.sh"
HERE="$ROOT/packaging/windows"
OUT="$BUILD/windows"
export WINEPREFIX="$OUT/prefix"
WINE="$HERE/wine.sh"
RUN="$HERE/run.sh"
SETUP="$DIST/Klantapp-$VERSION-setup.exe"
MSI="$DIST/klantapp-$VERSION-x64.msi"
C="$WINEPREFIX/drive_c"
USERDIR="$C/users/$(id -un)"
NSIS_DIR="$USERDIR/AppData/Local/Programs/Klantapp"
MSI_DIR="$C/Program Files/Klantapp"
winpath() { printf 'Z:%s' "${1//\//\\}"; }
cpath() { local p="${1#"$C"}"; printf 'C:%s' "${p//\//\\}"; }
settle() { /usr/lib/wine/wineserver -w; } # wait until every Windows process has ended
status=0
CHECK_LABEL="the Windows installers (Wine)"
source "$ROOT/packaging/checks.sh"

say "the Windows bundle, under Wine"
bash "$ROOT/packaging/smoke.sh" "the Windows bundle (Wine)" "$RUN" \
  "$(winpath "$OUT/dist/klantapp/klantapp.exe")" || status=1
settle

subsystem() { # the PE subsystem of a file: 2 = windowed (GUI), 3 = console
  python3 -c 'import struct, sys
d = open(sys.argv[1], "rb").read(4096)
pe = struct.unpack_from("<I", d, 0x3C)[0]
print(struct.unpack_from("<H", d, pe + 24 + 68)[0])' "$1"
}
t_launchers() {
  [ "$(subsystem "$OUT/dist/klantapp/klantapp.exe")" = 3 ] &&
    [ "$(subsystem "$OUT/dist/klantapp/klantappw.exe")" = 2 ]
}
check "klantapp.exe is a console program, klantappw.exe a windowed one" t_launchers

# A casebook where a klantmanager keeps it: in Documents, outside any program folder.
CASEBOOK="$USERDIR/Documents/Klantapp-proef"
rm -rf "$CASEBOOK"
mkdir -p "$USERDIR/Documents"
KLANTAPP_PASSPHRASE=demo "$RUN" "$(winpath "$OUT/dist/klantapp/klantapp.exe")" demo \
  "$(cpath "$CASEBOOK")" >/dev/null
digest() { (cd "$CASEBOOK" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
BEFORE="$(digest)"
casebook_untouched() { [ "$(digest)" = "$BEFORE" ]; }
verify_with() { # the installed program verifies the casebook
  KLANTAPP_PASSPHRASE=demo "$RUN" "$(cpath "$1")" verify "$(cpath "$CASEBOOK")"
}

say "NSIS installer: install, upgrade, uninstall, all silent (/S)"
t_nsis_install() {
  "$WINE" "$(winpath "$SETUP")" /S && settle &&
    test -f "$NSIS_DIR/klantapp.exe" && test -f "$NSIS_DIR/klantappw.exe" &&
    test -f "$USERDIR/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Klantapp.lnk" &&
    "$WINE" reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Klantapp' \
      /v DisplayVersion | grep -q "$VERSION" &&
    verify_with "$NSIS_DIR/klantapp.exe"
}
check "NSIS: silent install into %LOCALAPPDATA%\\Programs\\Klantapp, Start menu entry, verify" \
  t_nsis_install
t_nsis_upgrade() {
  touch "$NSIS_DIR/_internal/stale-file-of-an-old-version" &&
    "$WINE" "$(winpath "$SETUP")" /S && settle &&
    test ! -e "$NSIS_DIR/_internal/stale-file-of-an-old-version" &&
    verify_with "$NSIS_DIR/klantapp.exe" && casebook_untouched
}
check "NSIS: an upgrade replaces the program and leaves the casebook alone" t_nsis_upgrade
t_nsis_uninstall() {
  "$WINE" "$(cpath "$NSIS_DIR/uninstall.exe")" /S && settle &&
    test ! -e "$NSIS_DIR" &&
    test ! -e "$USERDIR/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Klantapp.lnk" &&
    ! "$WINE" reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Klantapp' &&
    casebook_untouched
}
check "NSIS: silent uninstall removes the program, not the casebook" t_nsis_uninstall

say "MSI: install, major upgrade, uninstall, all silent (/qn)"
UPGRADE_MSI="$OUT/klantapp-upgrade-test.msi"
installed_versions() {
  "$WINE" reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s |
    tr -d '\r' | awk '/DisplayName/ {name = $3} /DisplayVersion/ && name == "Klantapp" {print $3}'
}
t_msi_install() {
  "$WINE" msiexec /i "$(winpath "$MSI")" /qn && settle &&
    test -f "$MSI_DIR/klantapp.exe" && test -f "$MSI_DIR/klantappw.exe" &&
    [ "$(installed_versions)" = "$VERSION" ] &&
    verify_with "$MSI_DIR/klantapp.exe"
}
check "MSI: msiexec /i /qn into Program Files, verify" t_msi_install
t_msi_upgrade() {
  local next="${VERSION%.*}.$((${VERSION##*.} + 1))"
  bash "$HERE/msi.sh" "$next" "$UPGRADE_MSI" &&
    "$WINE" msiexec /i "$(winpath "$UPGRADE_MSI")" /qn && settle &&
    [ "$(installed_versions)" = "$next" ] &&
    verify_with "$MSI_DIR/klantapp.exe" && casebook_untouched
}
check "MSI: a newer MSI replaces the old one (one UpgradeCode, major upgrade)" t_msi_upgrade
t_msi_uninstall() {
  "$WINE" msiexec /x "$(winpath "$UPGRADE_MSI")" /qn && settle &&
    test ! -e "$MSI_DIR/klantapp.exe" && [ -z "$(installed_versions)" ] && casebook_untouched
}
check "MSI: msiexec /x /qn removes the program, not the casebook" t_msi_uninstall

say "signing: osslsigncode with a throwaway test certificate"
t_signing() {
  local d="$OUT/sign-test"
  rm -rf "$d" && mkdir -p "$d" && cp "$OUT/dist/klantapp/klantapp.exe" "$d/" &&
    openssl req -x509 -newkey rsa:3072 -nodes -days 2 -subj "/CN=Klantapp test signing" \
      -addext "extendedKeyUsage=codeSigning" -keyout "$d/key.pem" -out "$d/cert.pem" &&
    KLANTAPP_SIGN_KEY="$d/key.pem" KLANTAPP_SIGN_CERT="$d/cert.pem" \
      KLANTAPP_SIGN_CAFILE="$d/cert.pem" bash "$ROOT/packaging/sign.sh" "$d/klantapp.exe" &&
    osslsigncode verify -CAfile "$d/cert.pem" -in "$d/klantapp.exe" | grep -q "Signature verification: ok" &&
    bash "$ROOT/packaging/sign.sh" "$d/cert.pem" 2>&1 | grep -q "^UNSIGNED"
}
check "signing: a configured certificate signs and verifies; none configured says UNSIGNED" \
  t_signing

rm -rf "$CASEBOOK"
summary && exit "$status"
exit 1
