#!/usr/bin/env bash
# run-all.sh -- run every test suite against one or more builds; print one total line.
#
# Usage: tests/run-all.sh BUILD_DIR [BUILD_DIR...]
# For each build directory: its cmocka unit tests (BUILD_DIR/tests/test_*) and
# the bats CLI tests (tests/cli/*.bats) with LANSCAN=BUILD_DIR/lanscan.  Every
# suite speaks TAP; the last line printed is "N passed, N failed, N skipped".
# Each suite is bounded by a timeout, and lab namespaces left by this run are
# removed at the end whatever happened.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

: "${SUITE_TIMEOUT:=600}"
export LAB_RUN="t$$"
passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

cleanup_labs() {
	[ "$(id -u)" -eq 0 ] || return 0
	local ns
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^lslab-$LAB_RUN" || true); do
		LAB_ID=${ns#lslab-}; LAB_ID=${LAB_ID%-*}
		LAB_ID=$LAB_ID "$top/tests/lab/lab.sh" down
	done
}
trap 'cleanup_labs; rm -f "$log"' EXIT

# count NAME CMD...: run a TAP-speaking command, echo it, add up its results.
count() {
	local name=$1; shift
	echo "# --- $name"
	timeout -k 5 "$SUITE_TIMEOUT" "$@" >"$log" 2>&1
	local rc=$?
	cat "$log"
	local p f s
	s=$(grep -cE '^ok .*# ?(skip|SKIP)' "$log")
	p=$(( $(grep -cE '^ok ' "$log") - s ))
	f=$(grep -cE '^not ok ' "$log")
	# A suite that crashed or timed out without reporting a failure counts as one.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "# $name exited with status $rc"
		f=1
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR..." >&2; exit 2; }
for build in "$@"; do
	echo "# === build: $build"
	for t in "$build"/tests/test_*; do
		[ -x "$t" ] || continue
		count "$build/$(basename "$t")" env CMOCKA_MESSAGE_OUTPUT=TAP "$t"
	done
	count "$build cli" env LANSCAN="$top/$build/lanscan" bats --tap tests/cli
done

cleanup_labs
left=$(ip netns list 2>/dev/null | grep -c "^lslab-$LAB_RUN" || true)
if [ "$left" -ne 0 ]; then
	echo "not ok - $left lab namespaces left over after the run"
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
