#!/usr/bin/env bash
# bench.sh -- sweep the lab with lanscan and its peers; print a table of medians (make bench).
#
# Usage: tests/bench/bench.sh [LANSCAN]     (as root; BENCH_RUNS=N, default 5)
# Every command runs inside the lab's scanner namespace, whose only routes
# lead into the lab.  For each sweep and tool: wall time, CPU (user+sys) and
# peak RSS from GNU time, medians over BENCH_RUNS runs, the live hosts found
# checked against the lab's layout, and lanscan's wall time as a ratio of
# the peer's (from the same run of this script).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lab/layout.sh"
LANSCAN=${1:-$top/build/lanscan}
RUNS=${BENCH_RUNS:-5}
export LAB_ID="bench$$"
work=$(mktemp -d)
trap '"$top/tests/lab/lab.sh" down; rm -rf "$work"' EXIT

[ "$(id -u)" -eq 0 ] || { echo "bench.sh: run as root (network namespaces)" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "bench.sh: needs GNU time (make deps-bench)" >&2; exit 1; }
"$top/tests/lab/lab.sh" up >/dev/null || exit 1
ns=$(lab_ns scan)
: >"$work/empty.bl"

# The live hosts the lab has inside a sweep, sorted.
expected() {
	local ip
	for ip in $LAB_REMOTE_LIVE4; do
		case $1 in
		24) [[ $ip == 198.18.0.* ]] && echo "$ip" ;;
		16) echo "$ip" ;;
		esac
	done | sort -V
}

# run_one NAME SWEEP PARSER CMD...: one timed run; appends "wall cpu rss" to
# $work/NAME.SWEEP.times and keeps the live hosts the parser extracts.
run_one() {
	local name=$1 sweep=$2 parser=$3 out=$work/out; shift 3
	[ "$sweep" = list8 ] && out=/dev/null	# 16.7 M lines: counted apart, untimed
	timeout 600 ip netns exec "$ns" /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" \
		>"$out" 2>"$work/err" </dev/null
	# GNU time puts "Command exited with non-zero status" first: read the last line.
	tail -n 1 "$work/t" | awk '{ printf "%s %.3f %d\n", $1, $2 + $3, $4 }' >>"$work/${name//\//_}.$sweep.times"
	if [ "$sweep" = list8 ]; then
		"$@" | wc -l >"$work/${name//\//_}.$sweep.live"
	else
		$parser <"$work/out" | sort -V >"$work/${name//\//_}.$sweep.live"
	fi
}

p_lanscan() { awk -F'\t' '$2 == "up" { print $1 }'; }
p_lines() { grep -E '^[0-9.]+$'; }
p_nmap() { awk '/^Nmap scan report for/ { print $NF }' | tr -d '()'; }
p_ping() { awk '/bytes from/ { sub(":", "", $4); print $4 }' | sort -u; }

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }

# bench NAME SWEEP BASELINE PARSER CMD...: RUNS runs after a warm-up.
# BASELINE names the lanscan row this one is compared with ("-": none).
bench() {
	local name=$1 sweep=$2 baseline=$3 parser=$4 i; shift 4
	command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || { echo "# skipped $name: $1 not installed" >&2; return; }
	run_one "$name" "$sweep" "$parser" "$@"
	: >"$work/${name//\//_}.$sweep.times"	# the warm-up does not count
	for i in $(seq "$RUNS"); do run_one "$name" "$sweep" "$parser" "$@"; done
	echo "$name|$sweep|$baseline" >>"$work/rows"
}

xargs_ping() {
	local net=$1
	"$LANSCAN" --list "$net" | xargs -P256 -I{} ping -n -c1 -W1 {} 2>/dev/null
}
export -f xargs_ping
export LANSCAN

rtr_mac=$LAB_RTR_DN_MAC
echo "# lab up ($ns); $RUNS runs per tool after a warm-up" >&2

# --- /24 with 64 live -----------------------------------------------------
net24=$LAB_REMOTE_LIVE24_NET
bench "lanscan" 24 - p_lanscan "$LANSCAN" -a "$net24"
bench "lanscan -t 100" 24 - p_lanscan "$LANSCAN" -a -t 100 "$net24"
bench "lanscan --method ping" 24 - p_lanscan "$LANSCAN" -a --method ping "$net24"
bench "nmap -sn -PE" 24 "lanscan -t 100" p_nmap nmap -sn -PE -n "$net24"
bench "nmap -sn" 24 "lanscan" p_nmap nmap -sn -n "$net24"
bench "zmap icmp_echoscan" 24 "lanscan" p_lines zmap -q -i up0 -G "$rtr_mac" -M icmp_echoscan -r 100000 \
	-b "$work/empty.bl" --cooldown-time=1 -o - "$net24"
bench "fping -r0 -t1000" 24 "lanscan" p_lines fping -a -q -r 0 -t 1000 -g "$net24"
bench "xargs -P256 ping -c1 -W1" 24 "lanscan --method ping" p_ping bash -c "xargs_ping $net24"

# --- /16 with 74 live, 100 kpps -------------------------------------------
net16=$LAB_REMOTE_NET4
# zmap sends one echo per address: the like-for-like row is ICMP only, no retries.
bench "lanscan --method icmp --rate 100000 --retries 0" 16 - p_lanscan "$LANSCAN" -a --method icmp --rate 100000 \
	--retries 0 "$net16"
bench "lanscan --method icmp --rate 100000" 16 - p_lanscan "$LANSCAN" -a --method icmp --rate 100000 "$net16"
# Default methods: ICMP, then TCP to 4 ports of every address still silent.
bench "lanscan --rate 100000" 16 - p_lanscan "$LANSCAN" -a --rate 100000 "$net16"
bench "zmap icmp_echoscan -r 100000" 16 "lanscan --method icmp --rate 100000 --retries 0" p_lines zmap -q -i up0 -G "$rtr_mac" -M icmp_echoscan -r 100000 \
	-b "$work/empty.bl" --cooldown-time=1 -o - "$net16"
# masscan 1.3.2 is left out: in a namespace it finds the hosts but never exits
# ("waiting -N-secs", robertdavidgraham/masscan#144), so it has no wall time.
bench "nmap -sn -PE --min-rate 20000" 16 "lanscan --method icmp --rate 100000 --retries 0" p_nmap nmap -sn -PE -n --min-rate 20000 "$net16"

# --- --list of a /8 (nothing sent) --------------------------------------------
bench "lanscan --list 10.0.0.0/8" list8 - cat "$LANSCAN" --list 10.0.0.0/8

# --- the table ------------------------------------------------------------------
expected 24 >"$work/exp.24"
expected 16 >"$work/exp.16"
printf '| sweep | tool | wall s | CPU s | peak RSS MB | live hosts found | lanscan/tool wall | lanscan/tool CPU |\n'
printf '|---|---|---|---|---|---|---|---|\n'
col() { cut -d' ' -f"$2" "$work/${1//\//_}.times" | median; }
while IFS='|' read -r name sweep baseline; do
	wall=$(col "$name.$sweep" 1) cpu=$(col "$name.$sweep" 2) rss=$(col "$name.$sweep" 3)
	if [ "$sweep" = list8 ]; then
		found=$(tr -d ' ' <"$work/${name//\//_}.$sweep.live")
		ok="$found lines $([ "$found" = 16777214 ] && echo ✓ || echo ✗)"
	else
		n=$(wc -l <"$work/${name//\//_}.$sweep.live")
		ok=$(cmp -s "$work/${name//\//_}.$sweep.live" "$work/exp.$sweep" && echo "$n ✓" ||
			echo "$n ✗ (expected $(wc -l <"$work/exp.$sweep"))")
	fi
	rw=- rc=-
	if [ "$baseline" != - ] && [ -s "$work/$baseline.$sweep.times" ]; then
		rw=$(awk -v a="$(col "$baseline.$sweep" 1)" -v b="$wall" 'BEGIN { printf "%.2f", a / b }')
		rc=$(awk -v a="$(col "$baseline.$sweep" 2)" -v b="$cpu" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
		rw="$rw ($baseline)"
	fi
	case $sweep in
	24) label="/24, 64 live" ;;
	16) label="/16, 74 live, 100 kpps" ;;
	*) label="--list /8" ;;
	esac
	printf '| %s | `%s` | %s | %s | %.1f | %s | %s | %s |\n' "$label" "$name" "$wall" "$cpu" \
		"$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$ok" "$rw" "$rc"
done <"$work/rows"

# --- packets a default sweep sends (issue 8: the cost of several methods) ------
# --verbose ends with "N packets sent, N dropped, ...": one run of each, default options.
packets() {
	timeout 120 ip netns exec "$ns" "$LANSCAN" --verbose "$@" 2>&1 >/dev/null </dev/null |
		sed -n 's/.*[^0-9]\([0-9][0-9]*\) packets sent.*/\1/p' | tail -n 1
}
printf '\nPackets sent by one sweep with the default methods (lanscan --verbose): /24 %s, /16 (--rate 100000) %s\n' \
	"$(packets "$net24")" "$(packets --rate 100000 "$net16")"
