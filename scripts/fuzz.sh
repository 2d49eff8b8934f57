#!/usr/bin/env bash
# fuzz.sh runs every Go fuzz target of the root module, one at a time, for
# FUZZTIME each (default 30s), and prints the executions and the finding (if
# any) of each target. Findings are written by Go under the package's
# testdata/fuzz/<Target>/, which makes plain `go test` replay them.
#
#   scripts/fuzz.sh                     # every target, 30s each
#   FUZZTIME=2s scripts/fuzz.sh         # a quick smoke
#   scripts/fuzz.sh FuzzNormal FuzzBuild  # only the targets named
#
# Environment: GO (default go), FUZZTIME, FUZZPARALLEL (workers; default
# GOMAXPROCS). Exit status 1 if any target found a failing input.
set -u
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-30s}
parallel=()
[ -n "${FUZZPARALLEL:-}" ] && parallel=(-parallel "$FUZZPARALLEL")

# "<package dir> <target>" for every func FuzzX(f *testing.F) in a test file
# of the root module (examples/ is its own module).
targets=$(grep -rE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' . \
	| grep -v '^\./examples/' \
	| sed -E 's#^\./(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]*)\(.*#\1 \2#' | sort -u)
if [ "$#" -gt 0 ]; then
	want=" $* "
	targets=$(echo "$targets" | while read -r dir name; do
		case "$want" in *" $name "*) echo "$dir $name" ;; esac
	done)
fi
[ -n "$targets" ] || { echo "fuzz.sh: no fuzz targets" >&2; exit 2; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
summary=()
failed=0
while read -r dir name; do
	echo "== $dir $name ($FUZZTIME)"
	"$GO" test "./$dir" -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "${parallel[@]}" >"$log" 2>&1
	status=$?
	# the last progress line carries the total executions
	execs=$(grep -oE 'execs: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
	[ -n "$execs" ] || execs="0 (baseline only)" # FUZZTIME spent replaying the corpus
	finding=none
	if [ "$status" -ne 0 ]; then
		failed=1
		finding=$(grep -oE 'testdata/fuzz/[^ ]+' "$log" | head -1 | sed "s#^#$dir/#")
		[ -n "$finding" ] || finding="failed (see output above)"
		cat "$log"
	fi
	summary+=("$(printf '%-16s %-34s %18s  %s' "$dir" "$name" "$execs" "$finding")")
done <<<"$targets"

echo
printf '%-16s %-34s %18s  %s\n' package target execs finding
printf '%s\n' "${summary[@]}"
exit "$failed"
