#!/usr/bin/env bats
# 56-interface.bats -- -I/--interface and -S/--source, as in fping and arp-scan (root and unprivileged).

load helper

setup_file() { lab_up; }
teardown_file() { lab_down; }
setup() { lab_require; }

@test "interface: with no target, -I sweeps only that interface's subnets" {
	run --separate-stderr lanscan -a -t 300
	assert_regex "$stderr" "sweeping .*198\.19\.1\.0/24 \(lan0\)"
	assert_regex "$stderr" "sweeping .*198\.19\.255\.0/30 \(up0\)"
	assert_equal "$(line_for 198.19.255.1 | cut -f2)" up
	run --separate-stderr lanscan -a -t 300 -I lan0
	assert_failure 1	# the subnet's empty addresses are down
	assert_regex "$stderr" "no target given; sweeping 198\.19\.1\.0/24 \(lan0\); IPv6 neighbours: 8 on lan0$"
	assert_equal "$(line_for 198.19.1.10 | cut -f2,5)" "$(printf 'up\tarp')"
	assert_equal "$(line_for 198.19.255.1)" ""
	# loopback is swept only when -I names it (each /8 narrowed to the /22 around the address)
	run --separate-stderr lanscan -t 300 -a -I lo
	assert_success
	assert_regex "$stderr" "sweeping 127\.0\.0\.0/22 \(lo\)"
	assert_equal "$(printf '%s\n' "$output" | wc -l)" 1022
	in_lab ip link set lo down
	run --separate-stderr lanscan -t 300 -I lo
	in_lab ip link set lo up
	assert_failure 3
	assert_equal "$stderr" "lanscan: no target given and no IPv4 subnet or IPv6 neighbour on lo"
}

@test "interface: -I reaches targets only through that interface, as root and as nobody" {
	run --separate-stderr lanscan -t 300 -I up0 198.18.0.1 198.19.1.10
	assert_equal "$(line_for 198.18.0.1 | cut -f2)" up
	# 198.19.1.10 has no route through up0: taken as on up0's link, where nobody has it
	assert_equal "$(line_for 198.19.1.10 | cut -f2)" down
	run --separate-stderr lanscan -t 300 -I lan0 198.18.0.1 198.19.1.10
	assert_equal "$(line_for 198.18.0.1 | cut -f2)" down
	assert_equal "$(line_for 198.19.1.10 | cut -f2,5)" "$(printf 'up\tarp')"
	# the ping method passes -I to ping
	run --separate-stderr lanscan -t 300 --method ping -I lan0 198.18.0.1 198.19.1.10
	assert_equal "$(line_for 198.18.0.1 | cut -f2)" down
	assert_equal "$(line_for 198.19.1.10 | cut -f2,5)" "$(printf 'up\tping')"
	as_nobody -t 300 -I lan0 198.18.0.1 198.19.1.10
	assert_equal "$(line_for 198.18.0.1 | cut -f2)" down
	assert_equal "$(line_for 198.19.1.10 | cut -f2)" up
	as_nobody -t 300 -I up0 198.18.0.1
	assert_equal "$(line_for 198.18.0.1 | cut -f2)" up
}

@test "interface: -I and -S are checked before anything is sent" {
	run --separate-stderr lanscan -I nosuch0 198.19.1.10
	assert_failure 3
	assert_equal "$stderr" "lanscan: -I/--interface 'nosuch0': no such interface"
	run --separate-stderr lanscan -S 203.0.113.9 198.19.1.10
	assert_failure 3
	assert_equal "$stderr" "lanscan: -S/--source '203.0.113.9': not an address of this machine"
	run --separate-stderr lanscan -S nonsense 198.19.1.10
	assert_failure 3
	assert_regex "$stderr" "^lanscan: -S/--source 'nonsense': not an IPv4 or IPv6 address"
	run --separate-stderr lanscan -6 -S 198.19.1.2 fd6c:6162:1::10
	assert_failure 3
	assert_regex "$stderr" "not of the family"
}

@test "source: -S sends from that address with every method, as root and as nobody" {
	in_lab ip addr add 198.19.1.3/24 dev lan0
	in_lab sysctl -q -w net.ipv4.ping_group_range="0 2147483647"
	# h10 ignores IP from the scanner's usual address (ARP still answers)
	in_ns h10 nft -f - <<-EOF
	table inet src {
		chain input { type filter hook input priority 0; policy accept; ip saddr 198.19.1.2 drop; }
	}
	EOF
	local m
	for m in "icmp" "tcp -p 9" "ping"; do
		# shellcheck disable=SC2086
		run --separate-stderr lanscan -t 300 --method $m 198.19.1.10
		assert_equal "$(line_for 198.19.1.10 | cut -f2)" down
		# shellcheck disable=SC2086
		run --separate-stderr lanscan -t 300 --method $m -S 198.19.1.3 198.19.1.10
		assert_equal "$(line_for 198.19.1.10 | cut -f2,5)" "$(printf 'up\t%s' "${m/ -p /\/}")"
	done
	# ARP asks as the source too
	run --separate-stderr lanscan -t 300 --method arp -S 198.19.1.3 198.19.1.10
	assert_equal "$(line_for 198.19.1.10 | cut -f2,5)" "$(printf 'up\tarp')"
	as_nobody -t 300 --method icmp -S 198.19.1.3 198.19.1.10
	assert_equal "$(line_for 198.19.1.10 | cut -f2,5)" "$(printf 'up\ticmp')"
	as_nobody -t 300 --method icmp 198.19.1.10
	assert_equal "$(line_for 198.19.1.10 | cut -f2)" down
	in_ns h10 nft delete table inet src
	in_lab ip addr del 198.19.1.3/24 dev lan0
}
