#!/usr/bin/env bats
# 59-names.bats -- -n names hosts from DNS, mDNS and NetBIOS, each from its source, within the budget (tests/lab/names.sh).

load helper

setup_file() {
	lab_up
	[ "$(id -u)" -eq 0 ] || return 0
	. "$TESTS_DIR/lab/names.sh"
	names_up
}
teardown_file() {
	if [ "$(id -u)" -eq 0 ] && [ -n "${LAB_ID:-}" ]; then
		. "$TESTS_DIR/lab/names.sh"
		names_down
	fi
	lab_down
}
setup() {
	lab_require
	. "$TESTS_DIR/lab/names.sh"
}

# address -> "dns|mdns|netbios|workgroup" from --json output
names_of() {
	printf '%s\n' "$output" | python3 -c '
import json, sys
for l in sys.stdin:
    if not l.startswith("{"): continue
    o = json.loads(l)
    if o["address"] == sys.argv[1]:
        n = o["names"]
        print("|".join(str(n[k]) if n[k] is not None else "-" for k in ("dns", "mdns", "netbios", "workgroup")))
' "$1"
}

# The office: every name from its source, as the table in names.sh says.
OFFICE="198.19.1.30-37 198.19.4.10"
check_office() {
	assert_equal "$(names_of 198.19.1.30)" "-|-|DESK-10|LAB"
	assert_equal "$(names_of 198.19.1.31)" "-|-|DESK-11|LAB"
	assert_equal "$(names_of 198.19.1.32)" "-|files.local|FILES|LAB"
	assert_equal "$(names_of 198.19.1.33)" "-|raspberrypi.local|-|-"
	assert_equal "$(names_of 198.19.1.34)" "-|macbook.local|-|-"
	assert_equal "$(names_of 198.19.1.35)" "nas.lab.test|nas.local|-|-"
	assert_equal "$(names_of 198.19.1.36)" "printer.lab.test|-|-|-"
	assert_equal "$(names_of 198.19.1.37)" "-|-|-|-"
	assert_equal "$(names_of 198.19.4.10)" "-|-|DESK-20|LAB"
}

@test "names: as root, every host of the office is named by each source that knows it" {
	# shellcheck disable=SC2086
	run --separate-stderr lanscan -n --json $OFFICE
	check_office
	# shellcheck disable=SC2086
	run --separate-stderr lanscan -n $OFFICE
	# the name column: DNS, else mDNS, else NetBIOS in lower case; 7 columns
	assert_equal "$(line_for 198.19.1.35 | cut -f4)" nas.lab.test
	assert_equal "$(line_for 198.19.1.32 | cut -f4)" files.local
	assert_equal "$(line_for 198.19.1.30 | cut -f4)" desk-10
	assert_equal "$(line_for 198.19.4.10 | cut -f4)" desk-20
	assert_equal "$(line_for 198.19.1.37 | cut -f4)" -
	assert_equal "$(printf '%s\n' "$output" | awk -F'\t' '{ print NF }' | sort -u)" 7
}

@test "names: unprivileged, the same names" {
	# shellcheck disable=SC2086
	as_nobody -n --json $OFFICE
	check_office
}

@test "names: IPv6 on-link hosts get their mDNS names" {
	run --separate-stderr lanscan -n --json fd6c:6162:1::33 fd6c:6162:1::35
	assert_equal "$(names_of fd6c:6162:1::33 | cut -d'|' -f2)" raspberrypi.local
	assert_equal "$(names_of fd6c:6162:1::35 | cut -d'|' -f2)" nas.local
}

@test "names: the office sweep takes no longer than its probes plus little, and without -n nothing is asked" {
	local t0 t1
	t0=$(date +%s%N)
	run --separate-stderr lanscan -n 198.19.1.0/24 198.19.4.10
	t1=$(date +%s%N)
	[ $(( (t1 - t0) / 1000000 )) -lt 2500 ]
	assert_equal "$(printf '%s\n' "$output" | awk -F'\t' '$4 != "-"' | wc -l)" 12	# 8 office hosts named + lan10-13
	run --separate-stderr lanscan --verbose 198.19.1.32
	[[ $stderr != *"names ("* ]]
	assert_equal "$(line_for 198.19.1.32 | cut -f4)" -
}

@test "names: a DNS server that never answers costs the budget once, not once per host" {
	local conf t0 t1
	conf=$(names_resolv_conf 198.18.0.200)	# blackholed: silent
	t0=$(date +%s%N)
	run --separate-stderr names_with_resolv "$conf" "$LANSCAN" -n --name-timeout 800 --verbose 198.18.0.0/24
	t1=$(date +%s%N)
	# probes (1 s for the silent addresses) + one budget, not 64 x a resolver timeout
	[ $(( (t1 - t0) / 1000000 )) -lt 2600 ]
	assert_equal "$(printf '%s\n' "$output" | awk -F'\t' '$2 == "up"' | wc -l)" 64
	assert_regex "$stderr" "dns [0-9]+/64 \(gave up\)"
}

@test "names: slow and failing reverse lookups at scale: the answers in time are kept, the rest cost at most the budget" {
	local conf t0 t1
	names_slowdns_up --rule 198.18.0.1-198.18.0.32=ok:0 --rule 198.18.0.33-198.18.0.48=ok:300 \
		--rule 198.18.0.49-198.18.0.56=servfail \
		--rule 198.18.0.57-198.18.0.64=ok:3000
	conf=$(names_resolv_conf)
	t0=$(date +%s%N)
	run --separate-stderr names_with_resolv "$conf" "$LANSCAN" -n --name-timeout 1000 198.18.0.1-64
	t1=$(date +%s%N)
	names_slowdns_down
	[ $(( (t1 - t0) / 1000000 )) -lt 2500 ]
	assert_equal "$(line_for 198.18.0.1 | cut -f4)" "$(names_slowdns_name 198.18.0.1)"
	assert_equal "$(line_for 198.18.0.40 | cut -f4)" "$(names_slowdns_name 198.18.0.40)"
	assert_equal "$(line_for 198.18.0.50 | cut -f4)" -
	assert_equal "$(line_for 198.18.0.60 | cut -f4)" -
	# /etc/hosts first, as the C library does: 198.18.0.9 is named there
	assert_equal "$(line_for "$LAB_NAME_HOSTSFILE_ADDR" | cut -f4)" "$LAB_NAME_HOSTSFILE"
	assert_equal "$(printf '%s\n' "$output" | awk -F'\t' '$4 ~ /slow\.test$/' | wc -l)" 47
}

@test "names: --state records each source's name, and renamed covers mDNS" {
	local state=$BATS_TEST_TMPDIR/s
	run --separate-stderr lanscan -n --state "$state" 198.19.1.32
	assert_output --regexp "^new	198\.19\.1\.32	up	"
	assert_equal "$(grep '^198\.19\.1\.32	' "$state" | cut -f3,7-10)" "$(printf 'files.local\t-\tfiles.local\tFILES\tLAB')"
	run --separate-stderr lanscan -n --state "$state" 198.19.1.32
	assert_output ""
	# the mDNS name changes (avahi renamed), the NetBIOS one stays
	sed -i 's/^\(198\.19\.1\.32\t[^\t]*\t\)files\.local\t\(.*\t\)files\.local\t/\1files.local\t\2oldname.local\t/' "$state"
	run --separate-stderr lanscan -n --json --state "$state" 198.19.1.32
	assert_output --partial '{"event":"renamed","previous":"oldname.local","address":"198.19.1.32"'
	# a sweep without names keeps them; the next one with names has no news
	run --separate-stderr lanscan --state "$state" 198.19.1.32
	assert_output ""
	assert_equal "$(grep '^198\.19\.1\.32	' "$state" | cut -f3,7-10)" "$(printf 'files.local\t-\tfiles.local\tFILES\tLAB')"
	run --separate-stderr lanscan -n --state "$state" 198.19.1.32
	assert_output ""
}

@test "names: -n with -I finds DNS names through the name server's own route" {
	run --separate-stderr lanscan -n -I lan0 198.19.1.35 198.19.1.30
	assert_equal "$(line_for 198.19.1.35 | cut -f4)" nas.lab.test	# the DNS server is behind up0
	assert_equal "$(line_for 198.19.1.30 | cut -f4)" desk-10
}

@test "names: --name-timeout is checked, and needs -n" {
	run --separate-stderr lanscan --name-timeout 5 -n 198.19.1.32
	assert_failure 3
	run --separate-stderr lanscan --name-timeout 500 198.19.1.32
	assert_failure 3
	assert_regex "$stderr" "needs -n"
}

@test "names: Prometheus's lanscan_host_info carries the best name, with or without a MAC, and promtool accepts it" {
	run --separate-stderr lanscan -n --format prom 198.19.1.32 198.19.4.10 198.19.1.37
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/m.prom"
	grep -qx 'lanscan_host_info{address="198.19.1.32",mac="00:25:90:00:00:32",vendor="Super Micro Computer, Inc.",name="files.local"} 1' "$BATS_TEST_TMPDIR/m.prom"
	grep -qx 'lanscan_host_info{address="198.19.4.10",mac="",vendor="",name="desk-20"} 1' "$BATS_TEST_TMPDIR/m.prom"
	grep -qx 'lanscan_host_info{address="198.19.1.37",mac="24:0a:c4:00:00:37",vendor="Espressif Inc.",name=""} 1' "$BATS_TEST_TMPDIR/m.prom"
	grep -q 'lanscan_up{address="198.19.1.37",name="",' "$BATS_TEST_TMPDIR/m.prom"
	run promtool check metrics <"$BATS_TEST_TMPDIR/m.prom"
	assert_success
}
