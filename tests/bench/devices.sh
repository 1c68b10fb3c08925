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
LANSCAN_BIN=$BUILD/lanscan
RUNS=${BENCH_RUNS:-3}
export LAB_ID="dev$$"
. "$top/tests/lab/devices.sh"
trap 'devices_down; "$top/tests/lab/lab.sh" down' EXIT

[ "$(id -u)" -eq 0 ] || { echo "devices.sh: run as root (network namespaces)" >&2; exit 1; }
[ -x "$LANSCAN_BIN" ] || { echo "devices.sh: no $LANSCAN_BIN (make)" >&2; exit 1; }
"$top/tests/lab/lab.sh" up >/dev/null || exit 1
devices_up || exit 1
ns=$(lab_ns scan)
# What a sweep already knows about each host (TTL, ports, NetBIOS, MAC), passed as facts.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ms() { echo $(($(date +%s%N) / 1000000)); }

score_lanscan() {	# TSV lines of lanscan -K -> "kinds models wrong" (columns 8 and 9)
	local k=0 m=0 w=0 addr role kind model got gk gm
	while read -r addr role kind model; do
		got=$(awk -F'\t' -v a="$addr" '$1 == a { gsub(/ /, "_", $9); print $8, $9 }' "$1")
		gk=${got% *} gm=${got#* }
		[ "$gk" = "$kind" ] && k=$((k + 1))
		[ "$gk" != "$kind" ] && [ "$gk" != - ] && w=$((w + 1))	# a wrong kind, not a missing one
		[ "$model" != - ] && [ "$gm" = "$model" ] && m=$((m + 1))
	done <<<"$DEVICES_TABLE"
	echo "$k $m $w"
}
score_nmap() {
	local m=0 addr role kind model
	while read -r addr role kind model; do
		[ "$model" != - ] && grep -qF "${model//_/ }" "$1" && m=$((m + 1))
	done <<<"$DEVICES_TABLE"
	echo "0 $m"
}

out=$(mktemp)
nobody=$(mktemp -d /tmp/lanscan-bench.XXXXXX)
cp "$LANSCAN_BIN" "$nobody/" && chmod 755 "$nobody" "$nobody/lanscan"
range="$DEVICES_PRINTER_4-${DEVICES_NOTHING_4##*.}"
rows=()
for who in root nobody; do
	times=()
	for _ in $(seq "$RUNS"); do
		t0=$(ms)
		if [ "$who" = root ]; then
			ip netns exec "$ns" "$LANSCAN_BIN" -K "$range" >"$out"
		else
			ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups "$nobody/lanscan" -K "$range" >"$out"
		fi
		times+=($(($(ms) - t0)))
	done
	read -r ik im iw < <(score_lanscan "$out")
	it=$(printf '%s\n' "${times[@]}" | median)
	rows+=("| \`lanscan -K $range\` ($who) | $ik/10 (wrong: $iw) | $im/5 | $it ms |")
done
rm -rf "$nobody"
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
	row_nmap="| nmap -sU -p 137,1900,5353 --script nbstat,upnp-info,dns-service-discovery | no kind printed | $nm/5 | $nt ms |"
fi
rm -f "$out"
printf '\n| device lab (10 hosts) | kinds right | models right | wall time |\n|---|---|---|---|\n'
printf '%s\n' "${rows[@]}"
printf '%s\n' "$row_nmap"
