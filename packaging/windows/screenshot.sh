#!/usr/bin/env bash
# A screenshot of the Windows build's window, under Wine on Xvfb (for docs/):
#   packaging/windows/screenshot.sh [OUT.png]   (after make windows)
# Starts klantappw.exe on a demo casebook with Qt's real Windows platform plugin,
# unlocks it by typing the demo passphrase, and grabs the whole X screen.
source "$(dirname "$0")/../common.sh"
bash "$ROOT/scripts/system-deps.sh" windows
OUTPNG="${1:-$ROOT/docs/screenshots/windows-wine.png}"
OUT="$BUILD/windows"
export WINEPREFIX="$OUT/prefix"
HERE="$ROOT/packaging/windows"
winpath() { printf 'Z:%s' "${1//\//\\}"; }
SHOT="$OUT/screenshot"
rm -rf "$SHOT" && mkdir -p "$SHOT"
KLANTAPP_PASSPHRASE=demo "$HERE/run.sh" "$(winpath "$OUT/dist/klantapp/klantapp.exe")" \
  demo "$(winpath "$SHOT/demo")" >/dev/null

export DISPLAY=:97
Xvfb "$DISPLAY" -screen 0 1400x900x24 -nolisten tcp &
XVFB=$!
trap 'kill $XVFB 2>/dev/null || true; /usr/lib/wine/wineserver -k 2>/dev/null || true' EXIT
sleep 2
# In a Wine virtual desktop: Wine draws the window frame (title bar, icon) itself there,
# as Windows would; bare Xvfb has no window manager to do it.
KLANTAPP_LANG=nl setsid "$HERE/run.sh" explorer /desktop=Klantapp,1400x900 \
  "$(winpath "$OUT/dist/klantapp/klantappw.exe")" gui "$(winpath "$SHOT/demo")" \
  >"$SHOT/gui.out" 2>"$SHOT/gui.err" &
for _ in $(seq 1 120); do
  [ "$(xdotool search --name "Klantapp" 2>/dev/null | wc -l)" -ge 1 ] && sleep 5 && break
  sleep 1
done
sleep 8 # the unlock screen calibrates nothing, but fonts and layout settle
WINDOW="$(xdotool search --name "Klantapp" | tail -1)"
xdotool windowactivate --sync "$WINDOW" 2>/dev/null || xdotool windowfocus "$WINDOW"
xdotool type --delay 80 demo
xdotool key Return
sleep 25 # opening the casebook (Argon2id) and the Vandaag screen
xwd -root -silent | xwdtopnm 2>/dev/null | pnmtopng >"$OUTPNG"
if grep -q Traceback "$SHOT/gui.err"; then cat "$SHOT/gui.err" >&2; exit 1; fi
echo "Screenshot: $OUTPNG"
