#!/usr/bin/env bash
# devices.sh -- kinds and models right against the device lab's truth, and wall time: the recognition sources
# (build/tests/test_ident lab, until a sweep option runs them) beside nmap's UDP scripts on the same hosts.
#
# Usage: tests/bench/devices.sh [BUILD_DIR]     (as root; BENCH_RUNS=N, default 3)
# The device lab (tests/lab/devices.sh): a printer, a MacBook, a Chromecast, a Pi (avahi), minidlna,
# miniupnpd, an nmbd PC, a switch, a phone, a silent host.  "kinds"/"models" count lab devices whose
# kind/model matches the lab's truth (models: out of the 5 that publish one); nmap prints no kind, so
# for it "models" counts the truth models found anywhere in its output.  Wall time: median of BENCH_RUNS.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lab/layout.sh"
BUILD=${1:-$top/build}
IDENT=$BUILD/tests/test_ident
RUNS=${BENCH_RUNS:-3}
export LAB_ID="dev$$"
. "$top/tests/lab/devices.sh"
trap 'devices_down; "$top/tests/lab/lab.sh" down' EXIT

[ "$(id -u)" -eq 0 ] || { echo "devices.sh: run as root (network namespaces)" >&2; exit 1; }
[ -x "$IDENT" ] || { echo "devices.sh: no $IDENT (make unit)" >&2; exit 1; }
"$top/tests/lab/lab.sh" up >/dev/null || exit 1
devices_up || exit 1
ns=$(lab_ns scan)
# What a sweep already knows about each host (TTL, ports, NetBIOS, MAC), passed as facts.
SWEPT=("$DEVICES_PRINTER_4,ip.ttl=64,tcp.port=631" "$DEVICES_MAC_4,ip.ttl=64" "$DEVICES_CAST_4,ip.ttl=64"
	"$DEVICES_PI_4,ip.ttl=64,tcp.port=22,mac.vendor=Raspberry Pi Trading Ltd" "$DEVICES_DLNA_4,ip.ttl=64"
	"$DEVICES_ROUTER_4,ip.ttl=64" "$DEVICES_WIN_4,ip.ttl=128,tcp.port=445,netbios.server=1,mac.vendor=Dell Inc."
	"$DEVICES_SWITCH_4,ip.ttl=255,mac.vendor=Cisco Systems" "$DEVICES_PHONE_4,ip.ttl=64,mac.local=1"
	"$DEVICES_NOTHING_4,ip.ttl=64,mac.vendor=Intel Corporate")

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ms() { echo $(($(date +%s%N) / 1000000)); }

score_ident() {	# output file -> "kinds models"
	local k=0 m=0 addr role kind model got
	while read -r addr role kind model; do
		got=$(awk -v a="$addr" '$1 == a { print $2, $3 }' "$1")
		[ "${got% *}" = "$kind" ] && k=$((k + 1))
		[ "$model" != - ] && [ "${got#* }" = "$model" ] && m=$((m + 1))
	done <<<"$DEVICES_TABLE"
	echo "$k $m"
}
score_nmap() {
	local m=0 addr role kind model
	while read -r addr role kind model; do
		[ "$model" != - ] && grep -qF "${model//_/ }" "$1" && m=$((m + 1))
	done <<<"$DEVICES_TABLE"
	echo "0 $m"
}

out=$(mktemp)
times=()
for _ in $(seq "$RUNS"); do
	t0=$(ms)
	ip netns exec "$ns" "$IDENT" lab lan0 1000 "${SWEPT[@]}" >"$out"
	times+=($(($(ms) - t0)))
done
read -r ik im < <(score_ident "$out")
it=$(printf '%s\n' "${times[@]}" | median)
row_nmap="| nmap -sU -p 137,1900,5353 --script nbstat,upnp-info,dns-service-discovery | (not installed) | | |"
if command -v nmap >/dev/null; then
	times=()
	for _ in $(seq "$RUNS"); do
		t0=$(ms)
		ip netns exec "$ns" nmap -n -Pn -sU -p 137,1900,5353 --script nbstat,upnp-info,dns-service-discovery \
			$DEVICES_ALL4 >"$out" 2>&1
		times+=($(($(ms) - t0)))
	done
	read -r nk nm < <(score_nmap "$out")
	nt=$(printf '%s\n' "${times[@]}" | median)
	row_nmap="| nmap -sU -p 137,1900,5353 --script nbstat,upnp-info,dns-service-discovery | $nk/10 | $nm/5 | $nt ms |"
fi
rm -f "$out"
printf '\n| device lab (10 hosts) | kinds right | models right | wall time |\n|---|---|---|---|\n'
printf '| recognition sources (DNS-SD, SSDP/UPnP; budget 1000 ms) + rule table | %s/10 | %s/5 | %s ms |\n' "$ik" "$im" "$it"
printf '%s\n' "$row_nmap"
