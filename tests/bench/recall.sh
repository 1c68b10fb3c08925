#!/usr/bin/env bash
# recall.sh -- live hosts found, and how fast, on a lab that looks real (tests/lab/personas.sh); a Markdown table.
#
# Usage: tests/bench/recall.sh [LANSCAN]     (as root; BENCH_RUNS=N, default 3;
#        RECALL_ONLY=onlink: the first rows only, the on-link /24 against arp-scan, nmap, fping)
# Sweeps, each with lanscan (default options) and the peers that apply, inside
# the lab's scanner namespace: "found" counts the lab's live hosts reported up
# (the scanner's own address left out), "false" the hosts reported up that are
# not live; wall time is the median of BENCH_RUNS runs; "packets" is what
# lanscan says it sent (-v).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lab/layout.sh"
LANSCAN=${1:-$top/build/lanscan}
RUNS=${BENCH_RUNS:-3}
export LAB_ID="recall$$"
work=$(mktemp -d)
. "$top/tests/lab/personas.sh"
trap 'personas_down; "$top/tests/lab/lab.sh" down; rm -rf "$work"' EXIT

[ "$(id -u)" -eq 0 ] || { echo "recall.sh: run as root (network namespaces)" >&2; exit 1; }
"$top/tests/lab/lab.sh" up >/dev/null || exit 1
personas_up || exit 1
ns=$(lab_ns scan)
nobody=$(mktemp -d /tmp/lanscan-bench.XXXXXX)
cp "$LANSCAN" "$nobody/lanscan" && chmod 755 "$nobody" "$nobody/lanscan"
trap 'personas_down; "$top/tests/lab/lab.sh" down; rm -rf "$work" "$nobody"' EXIT

ONLINK_LIVE="$LAB_LAN_HOSTS4 $PERS_WIN4 $PERS_ARPONLY4 $PERS_SLEEPY4"
SLOW_LIVE="$PERS_SLOW_LIVE $PERS_RWIN4"
FAST_LIVE=$(for i in $(seq 1 64); do printf '198.18.0.%d ' "$i"; done)

p_lanscan() { awk -F'\t' '$2 == "up" { print $1 }'; }
p_lines() { grep -E '^[0-9.]+$'; }
p_nmap() { awk '/^Nmap scan report for/ { print $NF }' | tr -d '()'; }
p_arpscan() { awk -F'\t' '$1 ~ /^[0-9.]+$/ { print $1 }'; }

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }

# row LABEL LIVE PARSER CMD...: RUNS timed runs; prints a table row.
row() {
	local label=$1 live=$2 parser=$3 i t0 found=0 false=0 n ip pk=-; shift 3
	command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || { echo "# skipped: $1 not installed" >&2; return; }
	: >"$work/times"
	for i in $(seq "$RUNS"); do
		t0=$(date +%s.%N)
		timeout 300 ip netns exec "$ns" "$@" >"$work/out" 2>"$work/err" </dev/null
		awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.3f\n", a - b }' >>"$work/times"
	done
	$parser <"$work/out" | sort -u >"$work/up"
	for ip in $(cat "$work/up"); do
		[ "$ip" = "$LAB_SCAN_LAN4" ] && continue
		case " $live " in *" $ip "*) found=$((found + 1)) ;; *) false=$((false + 1)) ;; esac
	done
	n=$(echo $live | wc -w)
	grep -q 'packets sent' "$work/err" && pk=$(grep -oE '[0-9]+ packets sent' "$work/err" | cut -d' ' -f1)
	printf '| %s | `%s` | %d / %d | %d | %.2f | %s |\n' "$label" "${*/#$LANSCAN/lanscan}" "$found" "$n" "$false" \
		"$(median <"$work/times")" "$pk"
}

printf '| sweep | command | found / live | false | wall s | packets |\n|---|---|---|---|---|---|\n'
L="on-link /24 (plain, Windows, ARP-only, sleepy), root"
row "$L" "$ONLINK_LIVE" p_lanscan "$LANSCAN" --verbose "$LAB_LAN_NET4"
# The cost of vendors (issue 9): the same sweep with no registry to read.
row "$L, no vendor lookup" "$ONLINK_LIVE" p_lanscan env LANSCAN_OUI_DIR=/nonexistent "$LANSCAN" --verbose "$LAB_LAN_NET4"
row "$L" "$ONLINK_LIVE" p_nmap nmap -sn -n "$LAB_LAN_NET4"
# arp-scan's own sweep of the interface's network, with its vendor lookup (no -q), like lanscan's
row "$L" "$ONLINK_LIVE" p_arpscan arp-scan -l -I lan0
row "$L" "$ONLINK_LIVE" p_lines fping -a -q -g "$LAB_LAN_NET4"
[ "${RECALL_ONLY:-}" = onlink ] && exit 0	# the on-link rows only (quick comparisons)
L="the same, unprivileged"
row "$L" "$ONLINK_LIVE" p_lanscan setpriv --reuid=65534 --regid=65534 --clear-groups "$nobody/lanscan" --verbose "$LAB_LAN_NET4"
L="the same, unprivileged, no ICMP sockets"
ip netns exec "$ns" sysctl -q -w "net.ipv4.ping_group_range=1 0"
row "$L" "$ONLINK_LIVE" p_lanscan setpriv --reuid=65534 --regid=65534 --clear-groups "$nobody/lanscan" --verbose "$LAB_LAN_NET4"
ip netns exec "$ns" sysctl -q -w "net.ipv4.ping_group_range=0 2147483647"
L="routed /24: 24 hosts answering after 100-900 ms, 3 Windows (TCP 445 only)"
row "$L" "$SLOW_LIVE" p_lanscan "$LANSCAN" --verbose "$PERS_SLOW_NET4"
row "$L" "$SLOW_LIVE" p_nmap nmap -sn -n "$PERS_SLOW_NET4"
row "$L" "$SLOW_LIVE" p_lines fping -a -q -g "$PERS_SLOW_NET4"
L="the same plus a /24 of 64 fast hosts, one sweep"
row "$L" "$SLOW_LIVE $FAST_LIVE" p_lanscan "$LANSCAN" --verbose "$PERS_SLOW_NET4" "$LAB_REMOTE_LIVE24_NET"
row "$L" "$SLOW_LIVE $FAST_LIVE" p_nmap nmap -sn -n "$PERS_SLOW_NET4" "$LAB_REMOTE_LIVE24_NET"
"$LANSCAN" --list "$PERS_SLOW_NET4" "$LAB_REMOTE_LIVE24_NET" >"$work/both.txt"
row "$L" "$SLOW_LIVE $FAST_LIVE" p_lines fping -a -q -f "$work/both.txt"
L="routed hosts with no ICMP, TCP 445 open"
row "$L" "$PERS_RWIN4" p_lanscan "$LANSCAN" --verbose $PERS_RWIN4
row "$L" "$PERS_RWIN4" p_nmap nmap -sn -n $PERS_RWIN4
