#!/usr/bin/env bats
# 55-recall.bats -- every live host found, timed right, on a lab that looks real (tests/lab/personas.sh).

load helper

setup_file() {
	lab_up
	[ "$(id -u)" -eq 0 ] || return 0
	. "$TESTS_DIR/lab/personas.sh"
	personas_up
}
teardown_file() {
	if [ "$(id -u)" -eq 0 ] && [ -n "${LAB_ID:-}" ]; then
		. "$TESTS_DIR/lab/personas.sh"
		personas_down
	fi
	lab_down
}
setup() {
	lab_require
	. "$TESTS_DIR/lab/personas.sh"
}

up_list() { printf '%s\n' "$output" | awk -F'\t' '$2 == "up" { print $1 }' | sort -V | tr '\n' ' '; }

# The on-link segment's live hosts: the four plain ones, Windows, ARP-only, sleepy, and the scanner itself.
ONLINK_UP="198.19.1.2 198.19.1.10 198.19.1.11 198.19.1.12 198.19.1.13 198.19.1.20 198.19.1.21 198.19.1.22 "

@test "recall: as root, the on-link /24 finds every host by ARP, with its MAC, the sleepy one too" {
	run --separate-stderr lanscan -s "$LAB_LAN_NET4"
	assert_equal "$(up_list)" "$ONLINK_UP"
	# MAC and vendor columns (Debian ieee-data; LANSCAN_OUI_DIR when it is elsewhere)
	assert_equal "$(line_for "$PERS_WIN4" | cut -f5-)" "$(printf 'arp\t%s\tDell Inc.' "$PERS_WIN_MAC")"
	assert_equal "$(line_for "$PERS_ARPONLY4" | cut -f5-)" "$(printf 'arp\t%s\tRaspberry Pi Foundation' "$PERS_ARPONLY_MAC")"
	assert_equal "$(line_for "$PERS_SLEEPY4" | cut -f5-)" "$(printf 'arp\t%s\tApple, Inc.' "$PERS_SLEEPY_MAC")"
	rtt=$(line_for "$PERS_SLEEPY4" | cut -f3)
	[ "${rtt%.*}" -ge "$PERS_SLEEPY_MS" ] && [ "${rtt%.*}" -lt $((PERS_SLEEPY_MS + 200)) ] || fail "sleepy RTT $rtt"
	run lanscan --json "$PERS_WIN4"
	assert_output --partial "\"via\":\"arp\",\"mac\":\"$PERS_WIN_MAC\",\"vendor\":\"Dell Inc.\""
}

@test "identity: a locally administered MAC says so; without registry files, no vendor and no error" {
	in_ns arponly ip link set eth0 address 02:00:5e:00:00:21
	run --separate-stderr lanscan -t 500 "$PERS_ARPONLY4"
	in_ns arponly ip link set eth0 address "$PERS_ARPONLY_MAC"
	assert_success
	assert_equal "$(line_for "$PERS_ARPONLY4" | cut -f6-)" "$(printf '02:00:5e:00:00:21\t(locally administered)')"
	run --separate-stderr in_lab env LANSCAN_OUI_DIR=/nonexistent "$LANSCAN" -t 500 "$PERS_WIN4"
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(line_for "$PERS_WIN4" | cut -f6-)" "$(printf '%s\t-' "$PERS_WIN_MAC")"
}

@test "identity: --state reports a host answering from another MAC (mac), and back (flip)" {
	state=$BATS_TEST_TMPDIR/s
	run lanscan -t 500 --state "$state" "$PERS_ARPONLY4"
	assert_output --regexp "^new	$PERS_ARPONLY4	up	"
	in_ns arponly ip link set eth0 address 00:14:22:00:00:99
	run lanscan -t 500 --state "$state" "$PERS_ARPONLY4"
	assert_equal "$(printf '%s\n' "$output" | cut -f1,2,7,8)" "$(printf 'mac\t%s\t00:14:22:00:00:99\tDell Inc.' "$PERS_ARPONLY4")"
	in_ns arponly ip link set eth0 address "$PERS_ARPONLY_MAC"
	run lanscan -t 500 --json --state "$state" "$PERS_ARPONLY4"
	assert_output --partial "{\"event\":\"flip\",\"previous\":\"00:14:22:00:00:99\",\"address\":\"$PERS_ARPONLY4\""
	assert_output --partial "\"mac\":\"$PERS_ARPONLY_MAC\",\"vendor\":\"Raspberry Pi Foundation\""
	assert_equal "$(sed -n 2p "$state" | cut -f5)" "$PERS_ARPONLY_MAC,00:14:22:00:00:99"
	run lanscan -t 500 --state "$state" "$PERS_ARPONLY4"
	assert_output ""
}

@test "identity: unprivileged, --state reports mac and flip too (the MAC from the neighbour table)" {
	local dir
	dir=$(mktemp -d /tmp/lanscan-state.XXXXXX)
	chmod 777 "$dir"
	as_nobody -t 500 --state "$dir/s" "$PERS_ARPONLY4"
	assert_output --regexp "^new	$PERS_ARPONLY4	up	.*	neigh	$PERS_ARPONLY_MAC	"
	in_ns arponly ip link set eth0 address 00:14:22:00:00:98
	in_lab ip neigh flush dev lan0	# as time would: the kernel learns the new MAC
	as_nobody -t 500 --state "$dir/s" "$PERS_ARPONLY4"
	assert_equal "$(printf '%s\n' "$output" | cut -f1,2,7,8)" "$(printf 'mac\t%s\t00:14:22:00:00:98\tDell Inc.' "$PERS_ARPONLY4")"
	in_ns arponly ip link set eth0 address "$PERS_ARPONLY_MAC"
	in_lab ip neigh flush dev lan0
	as_nobody -t 500 --json --state "$dir/s" "$PERS_ARPONLY4"
	assert_output --partial "{\"event\":\"flip\",\"previous\":\"00:14:22:00:00:98\",\"address\":\"$PERS_ARPONLY4\""
	assert_equal "$(sed -n 2p "$dir/s" | cut -f5)" "$PERS_ARPONLY_MAC,00:14:22:00:00:98"
	rm -rf "$dir"
}

@test "identity: two machines answering ARP for one address are reported as a conflict" {
	in_ns h10 ip addr add 198.19.1.77/32 dev eth0
	in_ns h11 ip addr add 198.19.1.77/32 dev eth0
	# A silent address in the same sweep keeps it listening for the second reply.
	run --separate-stderr lanscan -t 500 --json --state "$BATS_TEST_TMPDIR/s" 198.19.1.77 "$LAB_LAN_DEAD4"
	assert_output --regexp '\{"event":"conflict","previous":"02:1a:b0:00:00:1[01]","address":"198\.19\.1\.77",.*"mac":"02:1a:b0:00:00:1[01]"'
	# the state file keeps the host's MAC and, in its sixth field, the other one
	line=$(grep '^198\.19\.1\.77	' "$BATS_TEST_TMPDIR/s")
	assert_regex "$(cut -f5,6 <<<"$line")" '^02:1a:b0:00:00:1[01]	02:1a:b0:00:00:1[01]$'
	[ "$(cut -f5 <<<"$line")" != "$(cut -f6 <<<"$line")" ]
	# NDJSON without --state has the event record too
	run --separate-stderr lanscan -t 500 --json 198.19.1.77 "$LAB_LAN_DEAD4"
	assert_output --regexp '\{"event":"conflict","previous":"02:1a:b0:00:00:1[01]","address":"198\.19\.1\.77",'
	run --separate-stderr lanscan -s -t 500 198.19.1.77 "$LAB_LAN_DEAD4"
	# monitoring sees it too: a Nagios WARNING, a Prometheus count
	local nagios prom
	nagios=$(in_lab "$LANSCAN" --nagios --max-down 1 -t 500 198.19.1.77 "$LAB_LAN_DEAD4" 2>/dev/null) || true
	prom=$(in_lab "$LANSCAN" --format prom -t 500 198.19.1.77 "$LAB_LAN_DEAD4" 2>/dev/null) || true
	in_ns h10 ip addr del 198.19.1.77/32 dev eth0
	in_ns h11 ip addr del 198.19.1.77/32 dev eth0
	assert_equal "$(line_for 198.19.1.77 | cut -f2,5)" "$(printf 'up\tarp')"
	assert_regex "$stderr" "lanscan: 198\.19\.1\.77: answered from two MACs, ([0-9a-f:]{17}) and ([0-9a-f:]{17}): address conflict"
	assert_regex "$stderr" "1 address conflicts, "
	assert_regex "$nagios" "^LANSCAN WARNING - 1 of 2 hosts up, 1 down, 1 address conflicts \|"
	assert_regex "$prom" $'\nlanscan_address_conflicts 1\n'
	# IPv6: two machines advertising one address (ND)
	in_ns h10 ip addr add fd6c:6162:1::77/64 dev eth0 nodad
	in_ns h11 ip addr add fd6c:6162:1::77/64 dev eth0 nodad
	run --separate-stderr lanscan -t 500 --json fd6c:6162:1::77 "$LAB_LAN_DEAD6"
	in_ns h10 ip addr del fd6c:6162:1::77/64 dev eth0
	in_ns h11 ip addr del fd6c:6162:1::77/64 dev eth0
	assert_output --regexp '\{"event":"conflict","previous":"02:1a:b0:00:00:1[01]","address":"fd6c:6162:1::77",.*"via":"nd","mac":"02:1a:b0:00:00:1[01]"'
	assert_regex "$stderr" "lanscan: fd6c:6162:1::77: answered from two MACs"
	# one machine on it: no conflict
	run --separate-stderr lanscan -s -t 500 198.19.1.10 "$LAB_LAN_DEAD4"
	refute_output --partial conflict
	[[ $stderr != *conflict* ]]
}

@test "identity: Prometheus carries MAC and vendor in lanscan_host_info, and promtool accepts it" {
	run --separate-stderr lanscan -t 500 --format prom "$PERS_WIN4" "$PERS_ARPONLY4" 198.18.0.1
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/m.prom"
	grep -qx "lanscan_host_info{address=\"$PERS_WIN4\",mac=\"$PERS_WIN_MAC\",vendor=\"Dell Inc.\",name=\"\"} 1" "$BATS_TEST_TMPDIR/m.prom"
	grep -qx "lanscan_host_info{address=\"$PERS_ARPONLY4\",mac=\"$PERS_ARPONLY_MAC\",vendor=\"Raspberry Pi Foundation\",name=\"\"} 1" "$BATS_TEST_TMPDIR/m.prom"
	run grep -q 'lanscan_host_info{address="198.18.0.1"' "$BATS_TEST_TMPDIR/m.prom"	# routed: no MAC, no name
	assert_failure
	command -v promtool >/dev/null || skip "promtool is not installed"
	run promtool check metrics <"$BATS_TEST_TMPDIR/m.prom"
	assert_success
}

@test "recall: the routed slow /24 is all up, each RTT timed from the probe it answers" {
	run lanscan "$PERS_SLOW_NET4"
	for n in $(seq 1 24); do
		l=$(line_for "198.19.3.$n")
		[ "$(echo "$l" | cut -f2)" = up ] || fail "198.19.3.$n: $l"
		rtt=$(echo "$l" | cut -f3) want=$(pers_slow_ms "$n")
		# the responder's delay, plus at most 60 ms of scheduling
		[ "${rtt%.*}" -ge "$want" ] && [ "${rtt%.*}" -lt $((want + 60)) ] || fail "198.19.3.$n: RTT $rtt, delay $want"
	done
	[[ " $(up_list) " == *" $PERS_RWIN4 "* ]]
}

@test "recall: a host's state does not depend on what else is in the sweep" {
	run lanscan -a "$PERS_SLOW_NET4"
	alone=$(up_list)
	run lanscan -a "$PERS_SLOW_NET4" "$LAB_REMOTE_LIVE24_NET" "$LAB_LAN_NET4"
	with=$(printf '%s\n' "$output" | awk -F'\t' '$1 ~ /^198\.19\.3\./ { print $1 }' | sort -V | tr '\n' ' ')
	assert_equal "$with" "$alone"
	assert_equal "$(printf '%s\n' "$output" | grep -c '^198\.18\.0\.')" 64
}

@test "recall: late answers count until the wait ends, which -t sets" {
	run lanscan --method icmp -t 1000 198.19.3.24
	assert_output --regexp "^198.19.3.24	up	9[0-9]{2}\.[0-9]{3}	-	icmp	-	-$"
	run lanscan --method icmp -t 500 198.19.3.24
	assert_output --regexp "^198.19.3.24	down	"
}

@test "recall: routed hosts with no ICMP are found by TCP on 445, and only by a method that can" {
	run lanscan $PERS_RWIN4
	assert_success
	assert_equal "$(printf '%s\n' "$output" | cut -f5 | sort -u)" "tcp/445"
	run lanscan --method icmp 198.19.3.201
	assert_failure 1
	run lanscan -p 22,80 198.19.3.201
	assert_failure 1
	run lanscan --method tcp -p 445 198.19.3.201
	assert_success
}

@test "recall: unprivileged, the on-link /24 is found through the kernel's neighbour table" {
	as_nobody --verbose "$LAB_LAN_NET4"
	assert_equal "$(up_list)" "$ONLINK_UP"
	assert_regex "$stderr" "neigh: kernel neighbour table"
	# Windows and the ARP-only device answer no IP: only the table knows them.
	assert_equal "$(line_for "$PERS_WIN4" | cut -f5-)" "$(printf 'neigh\t%s\tDell Inc.' "$PERS_WIN_MAC")"
	assert_equal "$(line_for "$PERS_ARPONLY4" | cut -f5,6)" "$(printf 'neigh\t%s' "$PERS_ARPONLY_MAC")"
	# hosts that answered over IP have their MAC too: the kernel resolved them to reach them
	assert_equal "$(line_for 198.19.1.10 | cut -f6)" 02:1a:b0:00:00:10
	assert_equal "$(line_for "$PERS_SLEEPY4" | cut -f6,7)" "$(printf '%s\tApple, Inc.' "$PERS_SLEEPY_MAC")"
}

@test "recall: unprivileged, hosts whose neighbour entries went STALE are confirmed, not missed" {
	# Entries go STALE a second after traffic (instead of 30 s): the kernel
	# probes them only after delay_first_probe_time, and lanscan waits for it.
	in_lab sysctl -q -w net.ipv4.neigh.lan0.base_reachable_time_ms=1000
	in_lab ip neigh flush dev lan0	# entries confirmed earlier keep their old timers
	in_lab ping -c1 -W1 "$PERS_WIN4" >/dev/null || true
	in_lab ping -c1 -W1 "$PERS_ARPONLY4" >/dev/null || true
	sleep 3
	stale=$(in_lab ip neigh show dev lan0 | grep -cE "^($PERS_WIN4|$PERS_ARPONLY4) .*(STALE|DELAY|PROBE)" || true)
	as_nobody -a "$PERS_WIN4" "$PERS_ARPONLY4" 198.19.1.10
	in_lab sysctl -q -w net.ipv4.neigh.lan0.base_reachable_time_ms=30000
	assert_equal "$stale" 2	# the set-up worked: both entries unconfirmed
	assert_equal "$(up_list)" "198.19.1.10 $PERS_WIN4 $PERS_ARPONLY4 "
	# an entry confirmed by the kernel's own timers has no RTT of ours
	[[ $(line_for "$PERS_WIN4" | cut -f1-5) == "$PERS_WIN4	up	-	-	neigh" ]]
}

@test "recall: unprivileged without ICMP sockets (ping_group_range), the same hosts" {
	in_lab sysctl -q -w "net.ipv4.ping_group_range=1 0"
	as_nobody "$LAB_LAN_NET4" $PERS_RWIN4 198.19.3.5
	in_lab sysctl -q -w "net.ipv4.ping_group_range=0 2147483647"
	assert_equal "$(up_list)" "${ONLINK_UP}198.19.3.5 $PERS_RWIN4 "
}

@test "recall: --method arp on a routed target cannot work: unknown, not down" {
	run lanscan --json --method arp 198.18.0.1
	assert_failure 1
	assert_output --partial '"state":"unknown"'
	assert_output --partial 'no probe method can reach this address'
}

@test "hostile: sprayed echo replies from absent addresses make no host up, with any method" {
	in_ns slow python3 "$TESTS_DIR/lab/persona.py" spray --to "$LAB_SCAN_UP4" --sources 198.19.3.96/27 \
		--rate 4000 --duration 6 &
	sleep 0.3
	for m in icmp ping auto; do
		run --separate-stderr lanscan --verbose --method "$m" -t 500 198.19.3.100-127
		assert_equal "$(up_list)" ""
		as_nobody --verbose --method "$m" -t 500 198.19.3.100-127
		assert_equal "$(up_list)" ""
	done
	wait
}

@test "hostile: a forged unreachable before the real reply, duplicates and forgeries: up once, RTT sane" {
	in_ns slow ip addr add 198.19.3.150/32 dev lo
	in_ns slow python3 "$TESTS_DIR/lab/persona.py" hostile --addrs 198.19.3.150 --delay 300 \
		--sources 198.19.3.160/28 --duration 10 &
	sleep 0.3
	run --separate-stderr lanscan --verbose --method icmp -t 1000 198.19.3.150 198.19.3.160-175
	root_out=$output root_err=$stderr
	as_nobody --verbose --method icmp -t 1000 198.19.3.150 198.19.3.160-175
	in_ns slow ip addr del 198.19.3.150/32 dev lo
	wait
	# unprivileged (ICMP datagram sockets, errors on the error queue): the same
	assert_equal "$(up_list)" "198.19.3.150 "
	rtt=$(line_for 198.19.3.150 | cut -f3)
	[ "${rtt%.*}" -ge 300 ] && [ "${rtt%.*}" -lt 400 ] || fail "unprivileged RTT $rtt"
	output=$root_out stderr=$root_err
	assert_equal "$(up_list)" "198.19.3.150 "
	assert_equal "$(printf '%s\n' "$output" | grep -c '^198.19.3.150	')" 1
	rtt=$(line_for 198.19.3.150 | cut -f3)
	[ "${rtt%.*}" -ge 300 ] && [ "${rtt%.*}" -lt 400 ] || fail "RTT $rtt"
	assert_regex "$stderr" "ignored \(duplicate or late\)"
	assert_regex "$stderr" "ignored \(bad checksum\)"
}
