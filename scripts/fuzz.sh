#!/usr/bin/env bash
# Runs every fuzz target in the module for a short time each ($1, e.g. 20s).
#
# Go 1.26's fuzzing coordinator can fail a target with a bare "context
# deadline exceeded" as -fuzztime runs out on a loaded machine, having found
# nothing (golang/go#75804, fixed in Go 1.27). A real finding always writes
# its input under testdata/fuzz and says "Failing input written to"; so a
# failure with that one line and no input written is run again once, and
# only a second such failure (or any other failure) fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-20s}
log=$(mktemp "${TMPDIR:-/tmp}/awsmfa-fuzz.XXXXXX")
trap 'rm -f "$log"' EXIT

# deadlineOnly reports whether the log in $log is the coordinator's
# shutdown race and nothing else.
deadlineOnly() {
  grep -q '^    context deadline exceeded$' "$log" &&
    ! grep -qE 'Failing input written to|panic:|_test\.go:[0-9]+:' "$log"
}

for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for f in $(grep -hoE '^func (Fuzz[A-Za-z0-9_]+)\(f \*testing\.F\)' "$dir"/*_test.go 2>/dev/null | sed -E 's/^func (Fuzz[A-Za-z0-9_]+).*/\1/'); do
    for try in 1 2; do
      echo "fuzz: $pkg $f for $t"
      if go test -run '^$' -fuzz "^$f\$" -fuzztime "$t" "$pkg" 2>&1 | tee "$log"; [ "${PIPESTATUS[0]}" = 0 ]; then
        break
      fi
      if [ "$try" = 1 ] && deadlineOnly; then
        echo "fuzz: $f stopped on Go's fuzztime deadline race with nothing found (golang/go#75804); running it again"
        continue
      fi
      exit 1
    done
  done
done
