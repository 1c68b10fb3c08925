#!/usr/bin/env bash
# run-all.sh -- run every test suite against one or more builds; print one total line.
#
# Usage: tests/run-all.sh BUILD_DIR [BUILD_DIR...]
# For each build directory: its cmocka unit tests (BUILD_DIR/tests/test_*) and
# the bats CLI tests (tests/cli/*.bats) with LANSCAN=BUILD_DIR/lanscan, each
# file a suite, BATS_JOBS files at a time over all builds (see below).  Every
# suite speaks TAP, shown as it comes (a bats file's when it ends); the last
# line printed is "N passed, N failed, N skipped".  Each suite is bounded by
# a timeout (SUITE_TIMEOUT), and lab namespaces left by this run are removed
# at the end whatever happened.
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
	tally "$name" "$log" "$rc"
}

# tally NAME LOG STATUS: add up a finished suite's TAP results.
tally() {
	local name=$1 out=$2 rc=$3 p f s
	s=$(grep -cE '^ok .*# ?(skip|SKIP)' "$out")
	p=$(( $(grep -cE '^ok ' "$out") - s ))
	f=$(grep -cE '^not ok ' "$out")
	# A suite that crashed or timed out without reporting a failure counts as one.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "# $name exited with status $rc"
		f=1
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

# bats_files JOBS BUILD:SAN:FILE...: run bats files, JOBS at a time, each
# bounded by SUITE_TIMEOUT, showing each file's TAP when it ends, and add up
# the results.  Each file builds its own lab (its own namespaces), so files
# can run side by side.  Files named in ONE_AT_A_TIME_BATS (those that start
# the names lab: a dozen nmbd and avahi daemons, and a bound on how long that
# takes) never run beside each other; the others fill the remaining places.
bats_files() {
	local jobs=$1 item build san file n=0 done_dir heavy_pid= i started
	shift
	local pending=("$@")
	done_dir=$(mktemp -d)
	run_one() {	# ID BUILD SAN FILE: TAP to ID.tap, then the status to ID.rc
		local id=$1 b=$2 sn=$3 f=$4
		# LAB_RUN per file: labs of files side by side never share an id.
		env LANSCAN="$top/$b/lanscan" LANSCAN_SANITIZED="$sn" LAB_RUN="${LAB_RUN}j$id" \
			timeout -k 5 "$SUITE_TIMEOUT" bats --tap "$f" >"$done_dir/$id.tap" 2>&1
		echo $? >"$done_dir/$id.rc.tmp" && mv "$done_dir/$id.rc.tmp" "$done_dir/$id.rc"
	}
	report_done() {	# shows and counts every file that ended since the last call
		local rc_file id
		for rc_file in "$done_dir"/*.rc; do
			[ -e "$rc_file" ] || continue
			id=$(basename "$rc_file" .rc)
			echo "# --- $(cat "$done_dir/$id.name")"
			cat "$done_dir/$id.tap"
			tally "$(cat "$done_dir/$id.name")" "$done_dir/$id.tap" "$(cat "$rc_file")"
			rm -f "$rc_file"
		done
	}
	while [ ${#pending[@]} -gt 0 ]; do
		started=
		if [ "$(jobs -rp | wc -l)" -lt "$jobs" ]; then
			[ -n "$heavy_pid" ] && ! kill -0 "$heavy_pid" 2>/dev/null && heavy_pid=
			for i in "${!pending[@]}"; do
				IFS=: read -r build san file <<<"${pending[$i]}"
				if [[ " $ONE_AT_A_TIME_BATS " == *" $(basename "$file") "* ]]; then
					[ -z "$heavy_pid" ] || continue
					run_one $((n + 1)) "$build" "$san" "$file" &
					heavy_pid=$!
				else
					run_one $((n + 1)) "$build" "$san" "$file" &
				fi
				n=$((n + 1))
				echo "$build: $(basename "$file")" >"$done_dir/$n.name"
				unset "pending[$i]"
				pending=("${pending[@]}")
				started=1
				break
			done
		fi
		if [ -z "$started" ]; then
			wait -n 2>/dev/null
			report_done
		fi
	done
	while [ "$(jobs -rp | wc -l)" -gt 0 ]; do
		wait -n 2>/dev/null
		report_done
	done
	wait
	report_done
	rm -rf "$done_dir"
}

# fuzz_one TARGET OUTFILE: run one libFuzzer target for $FUZZ_SECONDS (10; make
# fuzz-merge and FUZZ_SECONDS=N for longer) on a
# copy of its seed corpus (tests/fuzz/corpus/NAME); "ok" or "not ok" + log.
fuzz_one() {
	local f=$1 res=$2 name work out
	name=$(basename "$f") work=$(mktemp -d)
	cp -r "tests/fuzz/corpus/${name#fuzz_}/." "$work/" 2>/dev/null
	if out=$("$f" -max_total_time="${FUZZ_SECONDS:-10}" -timeout=5 -rss_limit_mb=1024 \
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

# Every build's unit tests, then every build's bats files in one pool of
# BATS_JOBS (default 2, one a core on CI: the files mostly wait on timeouts,
# and 3 made timed tests of the sanitizer build flaky on 2 busy cores), the
# longest first, then the SERIAL_BATS files alone.
: "${BATS_JOBS:=2}"
: "${SERIAL_BATS:=57-load.bats}"
: "${ONE_AT_A_TIME_BATS:=05-names-lab.bats 59-names.bats 61-names-hostile.bats}"
pool=() serial=()
for build in "$@"; do
	echo "# === build: $build"
	for t in "$build"/tests/test_*; do
		[ -x "$t" ] || continue
		count "$build/$(basename "$t")" env CMOCKA_MESSAGE_OUTPUT=TAP "$t"
	done
	# Builds after the first are the sanitizer ones (make check: build build-asan).
	# The lab's own tests (tests/cli/0*.bats run no lanscan) run once, with the first.
	san=
	[ "$build" = "$1" ] || san=1
	for f in tests/cli/*.bats; do
		case $(basename "$f") in 0*) [ -z "$san" ] || continue ;; esac
		if [[ " $SERIAL_BATS " == *" $(basename "$f") "* ]]; then
			serial+=("$build:$san:$f")
		else
			pool+=("$build:$san:$f")
		fi
	done
done
# The longest files first (measured: names, recall, hardening, monitoring),
# so that the pool does not end waiting on one of them.
ordered=()
for first in 55-recall 70-hardening 61-names-hostile 59-names 05-names-lab 60-monitoring; do
	for item in "${pool[@]}"; do [[ $item == *"/$first.bats" ]] && ordered+=("$item"); done
done
for item in "${pool[@]}"; do [[ " ${ordered[*]} " == *" $item "* ]] || ordered+=("$item"); done
echo "# === bats: ${#ordered[@]} files, $BATS_JOBS at a time, then ${#serial[@]} alone"
bats_files "$BATS_JOBS" "${ordered[@]}"
[ ${#serial[@]} -eq 0 ] || bats_files 1 "${serial[@]}"

# The Debian package, built once from a clean copy of the tree, whatever the
# builds above (tests/pkg; root only: it is installed, then purged).
count "package" bats --tap tests/pkg/package.bats

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
