#!/usr/bin/env bash
# input.sh -- how lanscan copes with big inputs (nothing is sent: --list): a 5 M-address file, 40 k ranges, 10 k exclusions.
#
# Usage: tests/bench/input.sh [LANSCAN]     (BENCH_RUNS=N, default 3)
# Prints a Markdown table: wall time and peak RSS (GNU time, medians), bytes
# of RSS per distinct address for the big file, and the targets of issue 10.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
LANSCAN=${1:-$top/build/lanscan}
RUNS=${BENCH_RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v /usr/bin/time >/dev/null || { echo "input.sh: needs GNU time (make deps-bench)" >&2; exit 1; }

# Inputs, generated with a fixed seed: 5 M distinct addresses of 10.0.0.0/8
# (in a scattered order); 40 k ranges of 8 addresses; 10 k exclusion ranges
# of 8 over a /14 and over a /8.
awk 'BEGIN { for (i = 0; i < 5000000; i++) { v = (i * 7919) % 16777216;
	printf "10.%d.%d.%d\n", int(v / 65536), int(v / 256) % 256, v % 256 } }' >"$work/5m.txt"
ranges() {	# ranges N SPAN SEED: N ranges of 8 addresses inside 10.0.0.0 + SPAN
	awk -v n="$1" -v span="$2" -v seed="$3" 'BEGIN { srand(seed); for (i = 0; i < n; i++) {
		a = int(rand() * (span - 16)); b = a + 7;
		printf "10.%d.%d.%d-10.%d.%d.%d\n", int(a / 65536), int(a / 256) % 256, a % 256,
			int(b / 65536), int(b / 256) % 256, b % 256 } }'
}
ranges 40000 16777216 1 >"$work/r40k.txt"
# The same 40 k ranges as nmap-style octet ranges (10.a.b.c-d, within a /24;
# the ranges that cross one are cut at its end), and 40 k octet lists of two
# runs each (10.a.b,b+1.c-d).
awk -F'[.-]' '{ printf "%s.%s.%s.%s-%s\n", $1, $2, $3, $4, ($3 == $7 ? $8 : 255) }' \
	"$work/r40k.txt" >"$work/o40k.txt"
awk 'BEGIN { srand(4); for (i = 0; i < 40000; i++) { a = int(rand() * 256); b = int(rand() * 255); c = int(rand() * 252)
	printf "10.%d.%d,%d.%d-%d\n", a, b, b + 1, c, c + 3 } }' >"$work/l40k.txt"
ranges 10000 262144 2 >"$work/x14.txt"
ranges 10000 16777216 3 >"$work/x8.txt"

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }

# row NAME TARGET_TEXT CMD...: median wall and RSS of RUNS runs, lines out.
row() {
	local name=$1 target=$2 i lines; shift 2
	: >"$work/times"
	for i in $(seq "$RUNS"); do
		lines=$(/usr/bin/time -f "%e %M" -o "$work/t" "$@" | wc -l)
		tail -n 1 "$work/t" >>"$work/times"
	done
	wall=$(cut -d' ' -f1 "$work/times" | median)
	rss=$(cut -d' ' -f2 "$work/times" | median)
	printf '| %s | %s | %s | %.1f | %s |\n' "$name" "$lines" "$wall" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$target"
	last_rss=$rss last_lines=$lines
}

echo "| input | lines out | wall s | peak RSS MB | target (issue 10) |"
echo "|---|---|---|---|---|"
row '`--list -f` 5 M addresses' "≤ 3 s, ≤ 40 B an address" "$LANSCAN" --list -f "$work/5m.txt"
per=$(awk -v k="$last_rss" -v n="$last_lines" 'BEGIN { printf "%.1f", k * 1024 / n }')
row '`--list -f` 40 k ranges' "≤ 0.3 s" "$LANSCAN" --list -f "$work/r40k.txt"
row '`--list -f` 40 k octet ranges (`10.a.b.c-d`)' "≤ 0.3 s (issue 22)" "$LANSCAN" --list -f "$work/o40k.txt"
row '`--list -f` 40 k octet lists (`10.a.b,e.c-d`)' "≤ 0.3 s (issue 22)" "$LANSCAN" --list -f "$work/l40k.txt"
row '`--list` a /14, 10 k exclusion ranges' "≤ 0.2 s" "$LANSCAN" --list 10.0.0.0/14 --exclude-file "$work/x14.txt"
row '`--list` a /8, 10 k exclusion ranges' "≤ 2 s" "$LANSCAN" --list --force 10.0.0.0/8 --exclude-file "$work/x8.txt"
printf '\nPeak RSS per distinct address for the 5 M file: %s bytes (the whole process, libc and buffers included).\n' "$per"
