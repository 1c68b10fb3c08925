#!/usr/bin/env bash
# load.sh -- a dense /16 (every address answers) at 10 k, 100 k and 1 M packets a second: found, time, drops.
#
# Usage: tests/bench/load.sh [LANSCAN]     (as root; BENCH_RUNS=N, default 3)
# Two namespaces of its own: ds sweeps, df answers for all of 198.18.0.0/16 (a
# local route on lo).  lanscan runs with --method icmp --retries 0 (one echo
# per address, as zmap sends); "dropped" is what lanscan reports the kernel
# dropped on its sockets; zmap runs at the same rate with a 1 s cooldown.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
LANSCAN=${1:-$top/build/lanscan}
RUNS=${BENCH_RUNS:-3}
DS=lsload$$-ds DF=lsload$$-df
work=$(mktemp -d)
cleanup() { ip netns del "$DS" 2>/dev/null; ip netns del "$DF" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || { echo "load.sh: run as root (network namespaces)" >&2; exit 1; }

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
: >"$work/empty.bl"

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }

# measure NAME RATE CMD...: median found, wall, dropped over RUNS runs
measure() {
	local name=$1 rate=$2 i t0; shift 2
	command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || { echo "# skipped $name: $1 not installed" >&2; return; }
	: >"$work/f"; : >"$work/w"; : >"$work/d"
	for i in $(seq "$RUNS"); do
		t0=$(date +%s.%N)
		timeout 120 ip netns exec "$DS" "$@" >"$work/out" 2>"$work/err" </dev/null
		awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.2f\n", a - b }' >>"$work/w"
		if [ "$name" = lanscan ]; then
			awk -F'\t' '$2 == "up"' "$work/out" | wc -l >>"$work/f"
			{ grep -oE '[0-9]+ replies dropped' "$work/err" | cut -d' ' -f1; echo 0; } | head -1 >>"$work/d"
		else
			# zmap also sweeps the network and broadcast addresses lanscan leaves out
			grep -E '^[0-9.]+$' "$work/out" | grep -cvE '^198\.18\.(0\.0|255\.255)$' >>"$work/f"
			echo - >>"$work/d"
		fi
	done
	printf '| %s | `%s` | %s / 65534 | %s | %s |\n' "$rate" "$name" "$(median <"$work/f")" "$(median <"$work/w")" \
		"$(sort "$work/d" | head -1)"
}

printf '| rate | tool | found / live | wall s | dropped |\n|---|---|---|---|---|\n'
for rate in 10000 100000 1000000; do
	measure lanscan "$rate" "$LANSCAN" -s --method icmp --retries 0 --rate "$rate" 198.18.0.0/16
	measure zmap "$rate" zmap -q -i v0 -G 02:1a:b0:fa:00:01 -M icmp_echoscan -r "$rate" -b "$work/empty.bl" \
		--cooldown-time=1 -o - 198.18.0.0/16
done
