#!/usr/bin/env bats
# 00-lab.bats -- smoke test of the lab itself, with system tools only.

load helper

setup_file() { lab_up; }
teardown_file() { lab_down; }
setup() { lab_require; }

@test "lab: the scanner namespace has only the lab's interfaces" {
	run in_lab ip -o link show
	assert_success
	# lo, up0 (to the router) and lan0 (to the on-link bridge); nothing else.
	assert_equal "$(echo "$output" | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' ')" "lan0 lo up0 "
	run in_lab ip route show default
	assert_output ""
}

@test "lab: ping reaches a live routed host" {
	run in_lab ping -n -c1 -W2 "$LAB_NAME_LIVE_ADDR"
	assert_success
	assert_output --partial "1 received"
}

@test "lab: ping to a blackholed address gets no answer" {
	run in_lab ping -n -c1 -W1 "$LAB_REMOTE_DEAD4"
	assert_failure
	assert_output --partial "0 received"
}

@test "lab: on-link hosts answer, an empty on-link address does not" {
	run in_lab ping -n -c1 -W2 198.19.1.11
	assert_success
	run in_lab ping -n -c1 -W1 "$LAB_LAN_DEAD4"
	assert_failure
}

@test "lab: on-link hosts have the layout's MAC addresses" {
	in_lab ping -n -c1 -W2 198.19.1.12 >/dev/null
	run in_lab ip neigh show 198.19.1.12 dev lan0
	assert_output --partial "02:1a:b0:00:00:12"
}

@test "lab: IPv6 remote and on-link hosts answer" {
	run in_lab ping -n -c1 -W2 fd6c:6162:18::1
	assert_success
	run in_lab ping -n -c1 -W2 fd6c:6162:1::13
	assert_success
	run in_lab ping -n -c1 -W1 "$LAB_REMOTE_DEAD6"
	assert_failure
}

@test "lab: the no-echo host drops ping but accepts TCP" {
	run in_lab ping -n -c1 -W1 "$LAB_NOECHO4"
	assert_failure
	run in_lab nc -z -w2 "$LAB_NOECHO4" "$LAB_TCP_PORT"
	assert_success
}

@test "lab: the RST host answers ping and refuses TCP" {
	run in_lab ping -n -c1 -W2 "$LAB_RST4"
	assert_success
	run in_lab nc -z -w2 "$LAB_RST4" "$LAB_TCP_PORT"
	assert_failure
}

@test "lab: unreachable and prohibited hosts get ICMP errors from the router" {
	run in_lab ping -n -c1 -W2 "$LAB_UNREACH4"
	assert_failure
	assert_output --partial "Destination Host Unreachable"
	run in_lab ping -n -c1 -W2 "$LAB_PROHIBIT4"
	assert_failure
	assert_output --partial "Packet filtered"
	run in_lab ping -n -c1 -W2 "$LAB_UNREACH6"
	assert_failure
	assert_output --partial "Destination unreachable"
}

@test "lab: DNS answers forward, reverse and NXDOMAIN from the lab server" {
	run in_lab getent hosts "$LAB_NAME_LIVE"
	assert_success
	assert_output --partial "$LAB_NAME_LIVE_ADDR"
	run in_lab getent hosts "$LAB_NAME_LIVE_ADDR"
	assert_output --partial "$LAB_NAME_LIVE"
	run in_lab getent ahostsv6 "$LAB_NAME_DUAL"
	assert_output --partial "fd6c:6162:18::5"
	run in_lab getent hosts "$LAB_NAME_HOSTSFILE"
	assert_output --partial "$LAB_NAME_HOSTSFILE_ADDR"
	run in_lab getent hosts "$LAB_NAME_MISSING"
	assert_failure
}
