#!/usr/bin/env bats
# 58-ipv6-link.bats -- IPv6 on the link: zones in targets, the no-target default's IPv6 neighbours, an on-link /64.

load helper

setup_file() { lab_up; }
teardown_file() { lab_down; }
setup() { lab_require; }

# The on-link hosts h10-h13: global and link-local (from MAC 02:1a:b0:00:00:NN) addresses.
LAN6="fd6c:6162:1::10 fd6c:6162:1::11 fd6c:6162:1::12 fd6c:6162:1::13 "
LL6="fe80::1a:b0ff:fe00:10%lan0 fe80::1a:b0ff:fe00:11%lan0 fe80::1a:b0ff:fe00:12%lan0 fe80::1a:b0ff:fe00:13%lan0 "

# The IPv6 addresses reported up, sorted.
up6() { printf '%s\n' "$output" | awk -F'\t' '$2 == "up" && $1 ~ /:/ { print $1 }' | sort -V | tr '\n' ' '; }

@test "ipv6 link: no target, as root, finds each on-link host by its global and link-local address, with its MAC" {
	in_lab ip -6 neigh flush all
	run --separate-stderr lanscan --verbose -t 500
	assert_failure 1	# the rest of the IPv4 /24 is down
	assert_regex "$stderr" "no target given; sweeping .*198.19.1.0/24 \(lan0\).*; IPv6 neighbours: .*8 on lan0"
	assert_regex "$stderr" "echoes to ff02::1 \(raw ICMPv6 socket\), replies for 500 ms"
	assert_equal "$(up6 | tr ' ' '\n' | grep -E '^fd6c:6162:1::|%lan0$' | tr '\n' ' ')" "$LAN6$LL6"
	assert_equal "$(line_for fe80::1a:b0ff:fe00:12%lan0 | cut -f2,5,6)" "$(printf 'up\tnd\t02:1a:b0:00:00:12')"
	assert_equal "$(line_for fd6c:6162:1::13 | cut -f2,5,6)" "$(printf 'up\tnd\t02:1a:b0:00:00:13')"
	# this machine's own addresses are not targets (the router on up0 may be still
	# starting in a fresh lab: not checked)
	refute_regex "$output" "fd6c:6162:1::2	|fe80::1a:b0ff:fe00:2%lan0	"
}

@test "ipv6 link: -I lan0 restricts the discovery to that link" {
	run --separate-stderr lanscan -t 500 -I lan0
	assert_failure 1
	assert_regex "$stderr" "sweeping 198.19.1.0/24 \(lan0\); IPv6 neighbours: 8 on lan0$"
	assert_equal "$(up6)" "$LAN6$LL6"
}

@test "ipv6 link: no target, unprivileged with ICMP datagram sockets: an echo from nobody finds them" {
	in_lab ip -6 neigh flush all
	as_nobody --verbose -t 500 -6 -I lan0
	assert_success
	assert_regex "$stderr" "echoes to ff02::1 \(datagram ICMPv6 socket\)"
	assert_equal "$(up6)" "$LAN6$LL6"
}

@test "ipv6 link: no target, unprivileged without ICMP sockets: the neighbour table only" {
	in_lab sysctl -q -w "net.ipv4.ping_group_range=1 0"
	in_lab ip -6 neigh flush all
	as_nobody --verbose -t 500 -6 -I lan0
	assert_equal "$status" 3	# the table is empty: nothing to sweep
	assert_regex "$stderr" "the neighbour table only \(no echo to ff02::1"
	in_lab ping -c1 -W1 fd6c:6162:1::11 >/dev/null
	in_lab ping -c1 -W1 fe80::1a:b0ff:fe00:12%lan0 >/dev/null
	as_nobody --verbose -t 500 -6 -I lan0
	in_lab sysctl -q -w "net.ipv4.ping_group_range=0 2147483647"
	assert_success
	assert_regex "$stderr" "IPv6 neighbours: 2 on lan0"
	assert_equal "$(up6)" "fd6c:6162:1::11 fe80::1a:b0ff:fe00:12%lan0 "
	assert_equal "$(line_for fe80::1a:b0ff:fe00:12%lan0 | cut -f2,5,6)" "$(printf 'up\tneigh\t02:1a:b0:00:00:12')"
}

@test "ipv6 link: a zone target works as root, as nobody, with --method ping, and in a file" {
	local ll=fe80::1a:b0ff:fe00:10%lan0 dead=fe80::1a:b0ff:fe00:99%lan0
	run --separate-stderr lanscan -t 500 "$ll" "$dead"
	assert_failure 1
	assert_equal "$(line_for "$ll" | cut -f2,5,6)" "$(printf 'up\tnd\t02:1a:b0:00:00:10')"
	assert_equal "$(line_for "$dead" | cut -f2)" "down"
	for m in icmp ping; do
		run --separate-stderr lanscan -t 500 --method "$m" "$ll"
		assert_success
		assert_equal "$(line_for "$ll" | cut -f2,5)" "$(printf 'up\t%s' "$m")"
	done
	for m in icmp neigh; do
		as_nobody -t 500 --method "$m" "$ll"
		assert_success
		assert_equal "$(line_for "$ll" | cut -f2,5)" "$(printf 'up\t%s' "$m")"
	done
	printf 'fe80::1a:b0ff:fe00:11-13%%lan0\n' >"$BATS_TEST_TMPDIR/t"
	run --separate-stderr lanscan -t 500 -f "$BATS_TEST_TMPDIR/t"
	assert_success
	assert_equal "$(up6)" "fe80::1a:b0ff:fe00:11%lan0 fe80::1a:b0ff:fe00:12%lan0 fe80::1a:b0ff:fe00:13%lan0 "
}

@test "ipv6 link: a link-local target needs a zone, an existing interface, -I's own" {
	run --separate-stderr lanscan fe80::1a:b0ff:fe00:10
	assert_equal "$status" 3
	assert_equal "$stderr" "lanscan: 'fe80::1a:b0ff:fe00:10': a link-local address needs a zone: fe80::1%IFACE"
	run --separate-stderr lanscan fe80::1%eth9
	assert_equal "$status" 3
	assert_equal "$stderr" "lanscan: 'fe80::1%eth9': no interface 'eth9' for the zone"
	run --separate-stderr lanscan -I up0 fe80::1%lan0
	assert_equal "$status" 3
	assert_output ""
}

@test "ipv6 link: an on-link /64 is discovered, not swept: exactly its live hosts, quickly" {
	local start end
	start=$(date +%s%N)
	run --separate-stderr lanscan fd6c:6162:1::/64
	end=$(date +%s%N)
	assert_success
	assert_equal "$(up6)" "$LAN6"
	assert_equal "${#lines[@]}" 4	# nothing else, no link-local address (outside the /64)
	assert_regex "$stderr" "'fd6c:6162:1::/64' is on-link: its IPv6 neighbours there"
	[ $(((end - start) / 1000000)) -lt 3000 ] || fail "took $(((end - start) / 1000000)) ms"
	run --separate-stderr lanscan -t 500 fe80::/64%lan0
	assert_success
	assert_equal "$(up6)" "$LL6"
}

@test "ipv6 link: a routed /64 is still refused" {
	run --separate-stderr lanscan fd6c:6162:18::/64
	assert_equal "$status" 3
	assert_equal "$stderr" "lanscan: 'fd6c:6162:18::/64': IPv6 prefix too short to sweep (at least /96)"
	assert_output ""
}
