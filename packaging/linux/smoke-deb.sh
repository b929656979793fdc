#!/usr/bin/env bash
# The .deb as a user's machine gets it: install (apt resolves the Depends), run the
# smoke tests on the installed `klantapp` from the PATH, remove, and check it is gone.
source "$(dirname "$0")/../common.sh"
DEB="$DIST/klantapp_${VERSION}_amd64.deb"
export DEBIAN_FRONTEND=noninteractive
say "install $DEB"
apt-get install -y -qq --no-install-recommends "$DEB" >/dev/null
[ "$(command -v klantapp)" = /usr/bin/klantapp ]
desktop-file-validate /usr/share/applications/nl.klantapp.Klantapp.desktop
test -f /usr/share/icons/hicolor/scalable/apps/klantapp.svg
status=0
(cd / && bash "$ROOT/packaging/smoke.sh" "the installed .deb" klantapp) || status=$?
say "remove the .deb"
apt-get remove -y -qq --purge klantapp >/dev/null
if [ -e /opt/klantapp ] || [ -e /usr/bin/klantapp ]; then
  echo "FAIL - the .deb left /opt/klantapp or /usr/bin/klantapp behind" >&2
  exit 1
fi
echo "ok - the .deb installs and removes cleanly"
exit "$status"
