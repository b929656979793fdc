# Sourced by the smoke tests: `check NAME COMMAND...` runs one test and counts it,
# showing the end of its output when it fails; `summary` prints the closing line and
# fails if any test did. Each test is one && chain: errexit does not apply inside a
# function called by `if`. CHECK_LABEL names the artifact.
passed=0
failed=0
CHECK_LOG="$(mktemp "${TMPDIR:-/tmp}/klantapp-check.XXXXXX")"

check() {
  local name="$1"
  shift
  if "$@" >"$CHECK_LOG" 2>&1; then
    echo "ok - $CHECK_LABEL: $name"
    passed=$((passed + 1))
  else
    echo "FAIL - $CHECK_LABEL: $name"
    sed 's/^/    /' "$CHECK_LOG" | tail -20
    failed=$((failed + 1))
  fi
}

summary() {
  rm -f "$CHECK_LOG"
  echo "smoke tests of $CHECK_LABEL:"
  echo "smoke: $passed passed, $failed failed"
  [ "$failed" = 0 ]
}
