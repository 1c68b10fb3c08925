#!/usr/bin/env bash
# names.sh -- hosts named, from which source, and how fast: lanscan -n against nmap -sn and nbtscan (a Markdown table).
#
# Usage: tests/bench/names.sh [LANSCAN]     (as root; BENCH_RUNS=N, default 3)
# In the lab's scanner namespace, with the names lab (tests/lab/names.sh):
#   the office: on-link /24 with Windows PCs, a Samba server, a Pi, a Mac, a
#     NAS, a printer and a host with no name, plus a routed Windows PC;
#   a /24 of 64 live hosts whose DNS server never answers;
#   a /24 of 64 live hosts named in DNS (the lab's dnsmasq).
# "named" counts hosts given a name out of those that have one; "right" the
# names that match the one the lab gives each host from that source (lanscan
# prints every source with --json; peers print one name); wall time is the
# median of BENCH_RUNS runs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lab/layout.sh"
LANSCAN=${1:-$top/build/lanscan}
RUNS=${BENCH_RUNS:-3}
export LAB_ID="names$$"
work=$(mktemp -d)
. "$top/tests/lab/names.sh"
trap 'names_down; "$top/tests/lab/lab.sh" down; rm -rf "$work"' EXIT

[ "$(id -u)" -eq 0 ] || { echo "names.sh: run as root (network namespaces)" >&2; exit 1; }
"$top/tests/lab/lab.sh" up >/dev/null || exit 1
names_up || exit 1
ns=$(lab_ns scan)

# The office: address=name by source (d: DNS, m: mDNS, n: NetBIOS).
OFFICE="198.19.1.30=n:DESK-10 198.19.1.31=n:DESK-11 198.19.1.32=m:files.local,n:FILES
198.19.1.33=m:raspberrypi.local 198.19.1.34=m:macbook.local 198.19.1.35=d:nas.lab.test,m:nas.local
198.19.1.36=d:printer.lab.test 198.19.4.10=n:DESK-20"
NAMED=8
DEAD_DNS=$(names_resolv_conf 198.18.0.200)	# blackholed in rtr: never answers

p_lanscan() { awk -F'\t' '$4 != "-" && $4 != "" { print $1 "=" $4 }'; }
p_nmap() { awk '/^Nmap scan report for .* \(/ { gsub(/[()]/, "", $NF); print $NF "=" $5 }'; }
p_nbtscan() { awk -F'|' 'NF >= 2 { gsub(/ +$/, "", $2); print $1 "=" $2 }'; }
# lanscan --json: address=src:name for every source
p_json() {
	python3 -c '
import json, sys
for l in sys.stdin:
    if not l.startswith("{"): continue
    o = json.loads(l)
    for k, s in (("dns", "d"), ("mdns", "m"), ("netbios", "n")):
        if o.get("names") and o["names"][k]: print(o["address"] + "=" + s + ":" + o["names"][k])'
}

# The command as the table shows it.
shown() { local c="$*"; c=${c/#$LANSCAN/lanscan}; c=${c//$here\//}; echo "${c//|/\\|}"; }

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }

# timed RESOLV CMD...: RUNS runs in the scanner namespace (RESOLV: a resolv.conf, or -); output in $work/out.
timed() {
	local resolv=$1 i t0; shift
	: >"$work/times"
	for i in $(seq "$RUNS"); do
		t0=$(date +%s.%N)
		if [ "$resolv" = - ]; then
			timeout 300 ip netns exec "$ns" "$@" >"$work/out" 2>"$work/err" </dev/null
		else
			timeout 300 ip netns exec "$ns" sh -c 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' \
				sh "$resolv" "$@" >"$work/out" 2>"$work/err" </dev/null
		fi
		awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.3f\n", a - b }' >>"$work/times"
	done
}

# The office row: named hosts (any name) and right names (per source, lanscan --json only).
office_row() {
	local parser=$1 named right=- want have; shift
	command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || { echo "# skipped: $1 not installed" >&2; return; }
	timed - "$@"
	named=$($parser <"$work/out" | cut -d= -f1 | sort -u |
		grep -cxE "$(echo "$OFFICE" | tr ' \n' '\n\n' | cut -d= -f1 | paste -sd'|')")
	if [ "$parser" = p_json ]; then
		right=0 want=0
		have=$(p_json <"$work/out")
		for e in $OFFICE; do
			for s in $(echo "${e#*=}" | tr ',' ' '); do
				want=$((want + 1))
				case "$have" in *"${e%%=*}=$s"*) right=$((right + 1)) ;; esac
			done
		done
		right="$right / $want"
	fi
	printf '| office: on-link /24 + routed PC | `%s` | %s / %d | %s | %.2f |\n' "$(shown "$@")" \
		"$named" "$NAMED" "$right" "$(median <"$work/times")"
}

# row LABEL RESOLV EXPECT_NAMED CMD...: hosts named (any name), wall.
row() {
	local label=$1 resolv=$2 want=$3 parser=$4 named; shift 4
	command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || { echo "# skipped: $1 not installed" >&2; return; }
	timed "$resolv" "$@"
	named=$($parser <"$work/out" | grep -c '^198\.18\.0\.')
	printf '| %s | `%s` | %s / %s | - | %.2f |\n' "$label" "$(shown "$@")" "$named" "$want" \
		"$(median <"$work/times")"
}

printf '| sweep | command | named / with a name | right source | wall s |\n|---|---|---|---|---|\n'
office_row p_json "$LANSCAN" -n --json 198.19.1.0/24 198.19.4.10
office_row p_lanscan "$LANSCAN" -n 198.19.1.0/24 198.19.4.10
office_row p_lanscan "$LANSCAN" 198.19.1.0/24 198.19.4.10
office_row p_nmap nmap -sn 198.19.1.0/24 198.19.4.10
office_row p_nbtscan "$here/nbtscan-office.sh"
L="/24, 64 live, DNS server silent"
# (one host, 198.18.0.9, is named in the scanner's /etc/hosts)
row "$L" "$DEAD_DNS" 1 p_lanscan "$LANSCAN" -n 198.18.0.0/24
row "$L (no names)" "$DEAD_DNS" 1 p_lanscan "$LANSCAN" 198.18.0.0/24
RUNS=1 row "$L" "$DEAD_DNS" 1 p_nmap nmap -sn 198.18.0.0/24
L="/24, 64 live named in DNS"
row "$L" - 64 p_lanscan "$LANSCAN" -n 198.18.0.0/24
row "$L" - 64 p_nmap nmap -sn 198.18.0.0/24
