#!/usr/bin/env bats
# 01-lab-lifecycle.bats -- the lab is idempotent, recovers from a crash and cleans up fully.

load helper

setup() {
	lab_require
	export LAB_ID="${LAB_RUN:-r$$}life$RANDOM"
}
teardown() { [ "$(id -u)" -ne 0 ] || "$LAB_SH" down; }

lab_namespaces() { ip netns list | awk '{print $1}' | grep "^$LAB_PREFIX-$LAB_ID-" || true; }

@test "lab: up twice is the same as up once, down leaves nothing" {
	"$LAB_SH" up
	"$LAB_SH" up
	assert_equal "$(lab_namespaces | wc -l)" "$(echo $LAB_ROLES | wc -w)"
	run in_lab ping -n -c1 -W2 "$LAB_NAME_LIVE_ADDR"
	assert_success
	"$LAB_SH" down
	assert_equal "$(lab_namespaces)" ""
	[ ! -e "/etc/netns/$(lab_ns scan)" ]
	[ ! -e "/run/lanscan-lab/$LAB_ID" ]
}

@test "lab: up after a crash (half-built lab, services killed) still works" {
	"$LAB_SH" up
	pkill -KILL -F "/run/lanscan-lab/$LAB_ID/dnsmasq.pid"
	ip netns del "$(lab_ns h11)"
	"$LAB_SH" up
	run in_lab getent hosts "$LAB_NAME_LIVE"
	assert_success
	run in_lab ping -n -c1 -W2 198.19.1.11
	assert_success
}

@test "lab: down kills the processes it started in the lab" {
	"$LAB_SH" up
	pids=$(ip netns pids "$(lab_ns far)")
	[ -n "$pids" ]
	"$LAB_SH" down
	for p in $pids; do
		# Gone, or at most a zombie waiting for init to reap it.
		state=$(ps -o stat= -p "$p" || true)
		[[ -z $state || $state == Z* ]]
	done
}
