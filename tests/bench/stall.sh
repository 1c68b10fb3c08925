#!/usr/bin/env bash
# stall.sh -- a dense /16 (every address answers) to a reader that stalls 10 s, and to one that keeps up: lines, exit status, peak RSS.
#
# Usage: tests/bench/stall.sh [LANSCAN]     (as root; BENCH_RUNS=N, default 3)
# Two namespaces of its own, as load.sh: ds sweeps, df answers for all of
# 198.18.0.0/16.  lanscan runs with --method icmp --rate 100000; its output
# goes to a pipe whose reader either reads at once or sleeps 10 s first.
# Peak RSS is GNU time's maximum resident set size (KB), the median of RUNS.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
LANSCAN=${1:-$top/build/lanscan}
RUNS=${BENCH_RUNS:-3}
DS=lsstall$$-ds DF=lsstall$$-df
work=$(mktemp -d)
cleanup() { ip netns del "$DS" 2>/dev/null; ip netns del "$DF" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || { echo "stall.sh: run as root (network namespaces)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "stall.sh: needs GNU time (Debian: time)" >&2; exit 1; }

ip netns add "$DS" && ip netns add "$DF" || exit 1
ip link add v0 netns "$DS" type veth peer name v0 netns "$DF" address 02:1a:b0:fa:00:01
ip -n "$DS" addr add 198.19.250.2/30 dev v0
ip -n "$DF" addr add 198.19.250.1/30 dev v0
for n in "$DS" "$DF"; do
	ip -n "$n" link set lo up
	ip -n "$n" link set v0 up
	ip netns exec "$n" sysctl -q -w net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=100000000 \
		net.ipv4.icmp_msgs_burst=100000000 >/dev/null
done
ip -n "$DF" route add local 198.18.0.0/16 dev lo
ip -n "$DS" route add 198.18.0.0/16 via 198.19.250.1
ip -n "$DS" neigh add 198.19.250.1 lladdr 02:1a:b0:fa:00:01 dev v0 nud permanent

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }

# measure NAME STALL: median lines, peak RSS (KB) over RUNS runs, and the exit statuses seen
measure() {
	local name=$1 stall=$2 i
	: >"$work/l"; : >"$work/r"; : >"$work/s"
	for i in $(seq "$RUNS"); do
		timeout 120 ip netns exec "$DS" bash -c "/usr/bin/time -o '$work/time' -f '%M %x' \
			'$LANSCAN' --method icmp --rate 100000 -t 500 198.18.0.0/16 2>/dev/null | (sleep $stall; wc -l)" \
			>>"$work/l" </dev/null
		cut -d' ' -f1 "$work/time" | tail -1 >>"$work/r"
		grep -oE '^(Command terminated by signal [0-9]+|[0-9]+ [0-9]+)$' "$work/time" | tail -1 |
			awk '{ print ($1 == "Command") ? "signal " $5 : $2 }' >>"$work/s"
	done
	printf '| %s | %s / 65534 | %s | %s |\n' "$name" "$(median <"$work/l")" "$(median <"$work/r")" \
		"$(sort -u "$work/s" | paste -sd, -)"
}

printf '| reader | lines | peak RSS KB | exit status |\n|---|---|---|---|\n'
measure "keeps up" 0
measure "stalls 10 s" 10
