#!/usr/bin/env bash
# The smoke tests of one built Klantapp, the same for every artifact:
#   packaging/smoke.sh LABEL COMMAND [ARG...]
# COMMAND runs the frozen program, e.g. build/linux/dist/klantapp/klantapp, /usr/bin/klantapp
# or `packaging/windows/run.sh 'Z:\...\klantapp.exe'`. It runs in a fresh folder with
# relative paths (which Wine maps too), its output redirected to files.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
LABEL="$1"
shift
CMD=("$@")
# a relative program path still works from the fresh folder below
if [[ "${CMD[0]}" == */* && -e "${CMD[0]}" ]]; then CMD[0]="$(realpath "${CMD[0]}")"; fi
VERSION="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$HERE/../klantapp/__init__.py")"
WORKDIR="$(mktemp -d "${TMPDIR:-/tmp}/klantapp-smoke.XXXXXX")"
cd "$WORKDIR"
export KLANTAPP_PASSPHRASE=demo KLANTAPP_LANG=nl
CHECK_LABEL="$LABEL"
source "$HERE/checks.sh"

k() { "${CMD[@]}" "$@"; }

no_traceback() { ! grep -q "Traceback" "$@"; }

# "klantapp 0.1.0 (SQLite 3.53.4)": the version, then the SQLite the build runs on,
# which must be the one it ships (packaging/sqlite), not the one its Python brought
SQLITE_VERSION="$(sed -n 's/^SQLITE_VERSION="\(.*\)"$/\1/p' "$HERE/sqlite/source.env")"
t_version() { [ "$(k --version | tr -d '\r')" = "klantapp $VERSION (SQLite $SQLITE_VERSION)" ]; } # CRLF on Windows
t_demo() { k demo casebook >demo.out 2>demo.err && test -d casebook && no_traceback demo.err; }
t_verify() { k verify casebook >verify.out 2>verify.err && no_traceback verify.err; }
# Redirected output is where Windows picks its ANSI code page: the names must arrive
# as UTF-8 all the same.
t_search_arabic() {
  k search casebook "احمد" >search-ar.out 2>search-ar.err &&
    grep -q "Ahmad Al-Hassan" search-ar.out
}
t_search_latin() {
  k search casebook sukru >search-la.out 2>search-la.err &&
    grep -q "Mehmet Şükrü Yılmaz" search-la.out
}
t_due_json() {
  k due casebook --json >due.json 2>due.err &&
    python3 -c 'import json, sys; rows = json.load(open("due.json", encoding="utf-8")); sys.exit(not rows)'
}
t_export_json() {
  k export-json casebook >export.json 2>export.err && python3 - <<'PY'
import json
doc = json.load(open("export.json", encoding="utf-8"))
names = [p["given_names"] for h in doc["households"] for p in h.get("persons", [])]
assert "Mehmet Şükrü" in names, names
# The appointment for the letters: a planned one, still to come.
future = sorted(
    (a["starts_at"], a["id"])
    for h in doc["households"]
    for a in h.get("appointments", [])  # an export leaves out a kind a household has none of
    if a["outcome"] == "gepland"
)
open("appointment.txt", "w").write(future[-1][1])
PY
}
t_letter() { # t_letter LANG FONT
  k letter casebook --appointment "$(cat appointment.txt)" --lang "$1" -o "letter-$1.pdf" \
    >"letter-$1.out" 2>"letter-$1.err" &&
    pdffonts "letter-$1.pdf" >"fonts-$1.txt" &&
    cat "fonts-$1.txt" && grep -q "$2" "fonts-$1.txt" &&
    # every font embedded: column "emb" is yes on every line below the header
    ! awk 'NR > 2 && $(NF-4) != "yes"' "fonts-$1.txt" | grep -q .
}
t_ics() {
  k ics casebook --appointment "$(cat appointment.txt)" -o afspraak.ics >ics.out 2>ics.err &&
    grep -q "BEGIN:VCALENDAR" afspraak.ics
}
# The client, offscreen: it prints KLANTAPP_SHOWN once its first frame is up. In a
# process group of its own, so that stopping it stops everything it started (Wine).
t_gui() {
  QT_QPA_PLATFORM=offscreen KLANTAPP_REPORT_SHOWN=1 setsid "${CMD[@]}" gui casebook \
    >gui.out 2>gui.err &
  local pid=$! shown=1
  for _ in $(seq 1 180); do
    if grep -q KLANTAPP_SHOWN gui.out; then shown=0; sleep 3; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  kill -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  cat gui.err
  [ "$shown" = 0 ] && no_traceback gui.err
}

check "--version is $VERSION on SQLite $SQLITE_VERSION" t_version
check "demo" t_demo
check "verify" t_verify
check "search in Arabic, redirected" t_search_arabic
check "search in Latin (Şükrü), redirected" t_search_latin
check "due --json" t_due_json
check "export-json" t_export_json
check "letter in Arabic, fonts embedded" t_letter ar NotoNaskhArabic
check "letter in Tigrinya, fonts embedded" t_letter ti NotoSansEthiopic
check "ics" t_ics
check "GUI starts offscreen without a traceback" t_gui
rm -rf "$WORKDIR"
summary
