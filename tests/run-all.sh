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

# count NAME CMD...: run a TAP-speaking command, show its output as it
# comes, and add up its results.  The output goes to $log, followed by tail
# until the command ends: a daemon a test leaves behind holding the output
# open cannot hang the run, as it would a pipe.
count() {
	local name=$1 rc pid; shift
	echo "# --- $name"
	: >"$log"
	if declare -F "$1" >/dev/null; then
		"$@" >"$log" 2>&1 &	# a function of this script: bounded on its own
	else
		timeout -k 5 "$SUITE_TIMEOUT" "$@" >"$log" 2>&1 &
	fi
	pid=$!
	tail -n +1 -s 0.2 -f --pid="$pid" "$log"
	wait "$pid"
	rc=$?
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

# fuzz_one TARGET OUTFILE: run one libFuzzer target for $FUZZ_SECONDS on a
# copy of its seed corpus (tests/fuzz/corpus/NAME); "ok" or "not ok" + log.
fuzz_one() {
	local f=$1 res=$2 name work out
	name=$(basename "$f") work=$(mktemp -d)
	cp -r "tests/fuzz/corpus/${name#fuzz_}/." "$work/" 2>/dev/null
	if out=$("$f" -max_total_time="${FUZZ_SECONDS:-15}" -timeout=5 -rss_limit_mb=1024 \
		-artifact_prefix="$work/" "$work" 2>&1); then
		echo "ok - $name: $(echo "$out" | grep -o 'Done [0-9]* runs' | tail -1)" >"$res"
	else
		{ echo "not ok - $name"; echo "$out" | tail -20 | sed 's/^/# /'; } >"$res"
	fi
	rm -rf "$work"
}

# fuzz_suite DIR: every target in DIR, two at a time (CI has 2 cores); TAP.
fuzz_suite() {
	local dir=$1 n=0 f res
	local targets=("$dir"/fuzz_*)
	res=$(mktemp -d)
	echo "1..${#targets[@]}"
	for f in "${targets[@]}"; do
		fuzz_one "$f" "$res/$(basename "$f")" &
		n=$((n + 1))
		[ $((n % 2)) -eq 0 ] && wait
	done
	wait
	n=0
	for f in "${targets[@]}"; do
		n=$((n + 1))
		sed "1s/^ok - /ok $n - /; 1s/^not ok - /not ok $n - /" "$res/$(basename "$f")"
	done
	rm -rf "$res"
}

[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR..." >&2; exit 2; }

# Sanitizer reports go to files, so that one in a test that does not check
# the exit status still counts: any report is a failure.
san_dir=$(mktemp -d)
chmod 1777 "$san_dir"	# tests also run lanscan as nobody
export ASAN_OPTIONS="log_path=$san_dir/asan:detect_leaks=1"
export UBSAN_OPTIONS="log_path=$san_dir/ubsan:print_stacktrace=1:halt_on_error=1"
trap 'cleanup_labs; rm -rf "$log" "$san_dir"' EXIT

for build in "$@"; do
	echo "# === build: $build"
	for t in "$build"/tests/test_*; do
		[ -x "$t" ] || continue
		count "$build/$(basename "$t")" env CMOCKA_MESSAGE_OUTPUT=TAP "$t"
	done
	# Builds after the first are the sanitizer ones (make check: build build-asan).
	# The lab's own tests (tests/cli/0*.bats run no lanscan) run once, with the first.
	san=; suites=(tests/cli/*.bats)
	if [ "$build" != "$1" ]; then
		san=1
		suites=()
		for f in tests/cli/*.bats; do
			case $(basename "$f") in 0*) ;; *) suites+=("$f") ;; esac
		done
	fi
	count "$build cli" env LANSCAN="$top/$build/lanscan" LANSCAN_SANITIZED="$san" bats --tap "${suites[@]}"
done

if [ -n "${FUZZ_DIR:-}" ] && compgen -G "$FUZZ_DIR/fuzz_*" >/dev/null; then
	count "fuzz" fuzz_suite "$FUZZ_DIR"
fi

if compgen -G "$san_dir/*" >/dev/null; then
	echo "not ok - sanitizer reports:"
	cat "$san_dir"/* | head -100 | sed 's/^/# /'
	failed=$((failed + 1))
fi

cleanup_labs
left=$(ip netns list 2>/dev/null | grep -c "^lslab-$LAB_RUN" || true)
if [ "$left" -ne 0 ]; then
	echo "not ok - $left lab namespaces left over after the run"
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
