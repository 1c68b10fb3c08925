#!/usr/bin/env bash
# scale.sh -- the cost of big sweeps (issue 22): a routed /16 with default options, its memory at 100 kpps, an on-link /21 unprivileged.
#
# Usage: tests/bench/scale.sh [LANSCAN]     (as root; BENCH_RUNS=N, default 3)
# The lab with its personas (tests/lab/personas.sh) and an on-link /21 beside
# the lab's /24 (as tests/cli/57-load.bats has it).  For each sweep, lanscan
# and its peers in the same run: live hosts found (checked against the lab),
# median wall time, CPU (user + sys) and peak RSS from GNU time, and the
# packets lanscan says it sent (--verbose).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lab/layout.sh"
LANSCAN=${1:-$top/build/lanscan}
RUNS=${BENCH_RUNS:-3}
export LAB_ID="scale$$"
work=$(mktemp -d)
. "$top/tests/lab/personas.sh"
trap 'personas_down; "$top/tests/lab/lab.sh" down; rm -rf "$work"' EXIT

[ "$(id -u)" -eq 0 ] || { echo "scale.sh: run as root (network namespaces)" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "scale.sh: needs GNU time (make deps-bench)" >&2; exit 1; }
"$top/tests/lab/lab.sh" up >/dev/null || exit 1
personas_up || exit 1
ns=$(lab_ns scan)
# An on-link /21: 2046 addresses, two live ones (one at the very end) and the scanner.
ip netns exec "$ns" ip addr add 198.19.8.2/21 dev lan0
ip netns exec "$(lab_ns h11)" ip addr add 198.19.8.9/21 dev eth0
ip netns exec "$(lab_ns h10)" ip addr add 198.19.15.250/21 dev eth0
nobody=$(mktemp -d /tmp/lanscan-bench.XXXXXX)
cp "$LANSCAN" "$nobody/lanscan" && chmod 755 "$nobody" "$nobody/lanscan"
trap 'personas_down; "$top/tests/lab/lab.sh" down; rm -rf "$work" "$nobody"' EXIT
: >"$work/empty.bl"
AS_NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

p_lanscan() { awk -F'\t' '$2 == "up" { print $1 }'; }
p_lines() { grep -E '^[0-9.]+$'; }
p_arpscan() { awk -F'\t' '$1 ~ /^[0-9.]+$/ { print $1 }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }

# Each run starts on a neighbour table at rest: no resolution of an earlier
# run still under way (they end within 3 s).  A sweep right after another is
# a row of its own (RIGHT_AFTER).
settle() {
	local i
	[ -n "${RIGHT_AFTER:-}" ] && return
	for i in $(seq 50); do
		ip -n "$ns" neigh show nud incomplete | grep -q . || return 0
		sleep 0.1
	done
}

# row LABEL LIVE_FILE PARSER CMD...: RUNS runs; a table row.
row() {
	local label=$1 live=$2 parser=$3 i n found false pk=- cmd; shift 3
	command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || { echo "# skipped: $1 not installed" >&2; return; }
	: >"$work/times"
	for i in $(seq "$RUNS"); do
		settle
		timeout 300 ip netns exec "$ns" /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" \
			>"$work/out" 2>"$work/err" </dev/null
		tail -n 1 "$work/t" | awk '{ printf "%s %.2f %d\n", $1, $2 + $3, $4 }' >>"$work/times"
	done
	$parser <"$work/out" | sort -u >"$work/found"
	found=$(comm -12 "$work/found" "$live" | wc -l)
	false=$(comm -23 "$work/found" "$live" | wc -l)
	n=$(wc -l <"$live")
	pk=$(sed -n 's/.*[^0-9]\([0-9][0-9]*\) packets sent.*/\1/p' "$work/err" | tail -n 1)
	cmd="$*"
	cmd=${cmd//$nobody\/lanscan/lanscan}
	cmd=${cmd//$LANSCAN/lanscan}
	cmd=${cmd//$work\//}
	printf '| %s | `%s` | %s / %s | %s | %s | %s | %.1f | %s |\n' "$label" "$cmd" "$found" "$n" "$false" \
		"$(cut -d' ' -f1 "$work/times" | median)" "$(cut -d' ' -f2 "$work/times" | median)" \
		"$(cut -d' ' -f3 "$work/times" | median | awk '{ print $1 / 1024 }')" "${pk:--}"
}

for ip in $LAB_REMOTE_LIVE4 $PERS_SLOW_LIVE $PERS_RWIN4; do echo "$ip"; done | sort -u >"$work/live16"
for ip in $LAB_REMOTE_LIVE4; do echo "$ip"; done | sort -u >"$work/live16icmp"
# The scanner (198.19.8.2) is live too; arp-scan never lists its own address.
printf '198.19.8.2\n198.19.8.9\n198.19.15.250\n' | sort -u >"$work/live21"

echo "| sweep | command | found / live | false | wall s | CPU s | peak RSS MB | packets |"
echo "|---|---|---|---|---|---|---|---|"
L16="routed /16 (74 live) + the slow /24 (24 slow, 3 TCP-only), default options"
row "$L16, root" "$work/live16" p_lanscan "$LANSCAN" --verbose --force 198.18.0.0/16 198.19.3.0/24
row "$L16, unprivileged" "$work/live16" p_lanscan $AS_NOBODY "$nobody/lanscan" --verbose --force 198.18.0.0/16 198.19.3.0/24
L16I="routed /16, 74 live, one echo each at 100 kpps"
row "$L16I" "$work/live16icmp" p_lanscan "$LANSCAN" --verbose --method icmp --rate 100000 --retries 0 198.18.0.0/16
row "$L16I" "$work/live16icmp" p_lines zmap -q -i up0 -G "$LAB_RTR_DN_MAC" -M icmp_echoscan -r 100000 \
	-b "$work/empty.bl" --cooldown-time=1 -o - 198.18.0.0/16
L21="on-link /21 (2046 addresses, 3 live, one at the end)"
row "$L21, unprivileged" "$work/live21" p_lanscan $AS_NOBODY "$nobody/lanscan" --verbose -a 198.19.8.1-198.19.15.254
RIGHT_AFTER=1 row "$L21, unprivileged, each run right after the one before" "$work/live21" p_lanscan \
	$AS_NOBODY "$nobody/lanscan" --verbose -a 198.19.8.1-198.19.15.254
row "$L21, root" "$work/live21" p_lanscan "$LANSCAN" --verbose -a 198.19.8.1-198.19.15.254
row "$L21, root" "$work/live21" p_arpscan arp-scan -q -I lan0 198.19.8.0/21
