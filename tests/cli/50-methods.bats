#!/usr/bin/env bats
# 50-methods.bats -- the native ICMP engine against the lab, and against the ping method.

load helper

setup_file() { lab_up; }
teardown_file() { lab_down; }
setup() { lab_require; }

# Every kind of host the lab has, both families.
lab_sample() {
	echo 198.18.0.1 198.18.0.64 198.18.100.100 "$LAB_REMOTE_DEAD4" "$LAB_NOECHO4" "$LAB_RST4" \
		"$LAB_UNREACH4" "$LAB_PROHIBIT4" $LAB_LAN_HOSTS4 "$LAB_LAN_DEAD4" "$LAB_DNS4" \
		fd6c:6162:18::1 fd6c:6162:18::8 "$LAB_REMOTE_DEAD6" "$LAB_NOECHO6" "$LAB_RST6" \
		"$LAB_UNREACH6" "$LAB_PROHIBIT6" $LAB_LAN_HOSTS6 "$LAB_LAN_DEAD6"
}

# "address state reason" per host, in address order.
states() { lanscan --json --sort -t 500 "$@" $(lab_sample) |
	python3 -c 'import json,sys
for l in sys.stdin:
    o = json.loads(l); print(o["address"], o["state"], o["error"] if o["state"] == "down" and o["error"] != "no reply" else "")'; }

@test "methods: icmp and ping agree on every host of the lab, reasons included" {
	icmp=$(states --method icmp)
	ping=$(states --method ping)
	assert_equal "$icmp" "$ping"
	# And the states are the lab's.
	[[ $icmp == *"198.18.0.1 up"* && $icmp == *"$LAB_REMOTE_DEAD4 down"* ]]
	[[ $icmp == *"$LAB_UNREACH4 down host unreachable"* ]]
	[[ $icmp == *"$LAB_PROHIBIT4 down administratively prohibited"* ]]
	[[ $icmp == *"$LAB_UNREACH6 down no route"* && $icmp == *"$LAB_PROHIBIT6 down administratively prohibited"* ]]
	[[ $icmp == *"$LAB_NOECHO4 down"* && $icmp == *"$LAB_RST4 up"* && $icmp == *"fd6c:6162:1::13 up"* ]]
	assert_equal "$(echo "$icmp" | grep -c ' up')" 16	# 9 IPv4 and 7 IPv6 hosts answer
}

@test "methods: auto uses icmp as root, and says so with --verbose" {
	run --separate-stderr lanscan --verbose 198.18.0.1
	assert_success
	assert_regex "$stderr" "icmp: raw IPv4 socket"
}

@test "methods: unprivileged, icmp works through datagram sockets, errors included" {
	dir=$(mktemp -d /tmp/lanscan-nobody.XXXXXX)
	cp "$LANSCAN" "$dir/" && chmod 755 "$dir" "$dir/lanscan"
	run --separate-stderr in_lab setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$dir/lanscan" --verbose --method icmp --sort -t 500 198.18.0.1 "$LAB_REMOTE_DEAD4" "$LAB_UNREACH4" fd6c:6162:18::2 "$LAB_PROHIBIT6"
	rm -rf "$dir"
	assert_equal "$status" 1
	assert_regex "$stderr" "icmp: datagram IPv4 socket"
	assert_equal "$(printf '%s\n' "$output" | cut -f1,2 | tr '\t\n' ' ;')" \
		"198.18.0.1 up;$LAB_REMOTE_DEAD4 down;$LAB_UNREACH4 down;$LAB_PROHIBIT6 down;fd6c:6162:18::2 up;"
}

@test "methods: unprivileged errors carry their reason too" {
	# rtr's errors for unreachable and prohibit routes share one bucket per
	# source (net.ipv4.route.error_cost: one a second after a burst of 5, a
	# machine-wide sysctl, not a namespace's), which the tests before may
	# have spent (then one target can stay "no reply", with any binary):
	# tokens back for both before they are probed.
	sleep 3
	dir=$(mktemp -d /tmp/lanscan-nobody.XXXXXX)
	cp "$LANSCAN" "$dir/" && chmod 755 "$dir" "$dir/lanscan"
	run in_lab setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/lanscan" --json --method icmp -t 2000 --retries 3 "$LAB_UNREACH4" "$LAB_PROHIBIT4"
	rm -rf "$dir"
	assert_line --partial '"error":"host unreachable"'
	assert_line --partial '"error":"administratively prohibited"'
}

@test "methods: without ICMP sockets, auto falls back to ping and --method icmp fails with 4" {
	dir=$(mktemp -d /tmp/lanscan-nobody.XXXXXX)
	cp "$LANSCAN" "$dir/" && chmod 755 "$dir" "$dir/lanscan"
	in_lab sysctl -q -w "net.ipv4.ping_group_range=1 0"
	run --separate-stderr in_lab setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/lanscan" --verbose 198.18.0.1
	auto_status=$status auto_err=$stderr auto_out=$output
	run --separate-stderr in_lab setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/lanscan" --method icmp 198.18.0.1
	in_lab sysctl -q -w "net.ipv4.ping_group_range=0 2147483647"
	rm -rf "$dir"
	assert_equal "$auto_status" 0	# the system ping has the capability it needs
	assert_regex "$auto_err" "using the ping program"
	assert_regex "$auto_out" "^198.18.0.1	up	"
	assert_equal "$status" 4
	assert_regex "$stderr" "^lanscan: cannot open an ICMP socket: "
}

@test "methods: a host that replies twice is printed and counted once" {
	# The router forwards every echo reply of 198.18.0.5 twice (nftables dup).
	in_ns rtr nft add table ip dupt
	in_ns rtr nft add chain ip dupt dupchain '{ type filter hook forward priority 0; }'
	in_ns rtr nft add rule ip dupt dupchain ip saddr 198.18.0.5 icmp type echo-reply dup to "$LAB_SCAN_UP4" device dn0
	run in_lab ping -n -c2 -i 0.2 -W1 198.18.0.5
	assert_output --partial "DUP!"	# the duplicate does arrive
	run --separate-stderr lanscan --method icmp -s 198.18.0.4-6
	in_ns rtr nft delete table ip dupt
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_equal "$(printf '%s\n' "$output" | grep -c '^198.18.0.5	')" 1
	assert_regex "$stderr" "^lanscan: 3 targets, 3 up, 0 down"
}

@test "methods: two sweeps at once ignore each other's replies" {
	out1=$(mktemp) out2=$(mktemp)
	ip netns exec "$(lab_ns scan)" "$LANSCAN" --method icmp --rate 2000 "$LAB_REMOTE_LIVE24_NET" >"$out1" &
	ip netns exec "$(lab_ns scan)" "$LANSCAN" --method icmp --rate 2000 "$LAB_REMOTE_LIVE24_NET" >"$out2" &
	wait
	for f in "$out1" "$out2"; do
		assert_equal "$(wc -l <"$f")" 254
		assert_equal "$(grep -c '	up	' "$f")" 64
		assert_equal "$(cut -f1 "$f" | sort -u | wc -l)" 254
	done
	rm -f "$out1" "$out2"
}

@test "methods: --rate bounds the sending rate" {
	start=$(date +%s%N)
	run lanscan --method icmp --rate 100 --retries 0 -t 50 198.18.0.201-250
	elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	assert_equal "${#lines[@]}" 50
	# 50 packets at 100 a second, one in the initial burst: at least 490 ms.
	[ "$elapsed_ms" -ge 480 ] || fail "50 probes at --rate 100 took only ${elapsed_ms} ms"
}

@test "methods: a sweep ends when every target is decided, not after a fixed wait" {
	start=$(date +%s%N)
	run lanscan --method icmp -t 20000 198.18.0.1-64
	elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	assert_success
	[ "$elapsed_ms" -lt 5000 ] || fail "took ${elapsed_ms} ms with every host up"
}

@test "methods: retries back off within the target's wait, which -t bounds" {
	run --separate-stderr lanscan --verbose --method icmp --retries 2 -s -t 400 --min-timeout 100 --max-timeout 100 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 1
	assert_output "$LAB_REMOTE_DEAD4	down	-	-	-	-	-"
	# Tries at 0, 100 and 300 ms (the timeout doubled), down at 400 ms.
	assert_regex "$stderr" "1 targets, 0 up, 1 down, 0 unknown \\(0 unresolved\\), 0\\.(39|4[0-9]) s"
	assert_regex "$stderr" "lanscan: 3 packets sent, 0 dropped"
	# More retries than fit in the wait are not sent: the wait ends first.
	run --separate-stderr lanscan --verbose --method icmp --retries 5 -t 400 --min-timeout 100 --max-timeout 100 "$LAB_REMOTE_DEAD4"
	assert_regex "$stderr" "lanscan: 3 packets sent, 0 dropped"
}

@test "methods: run as root through sudo, it drops to the invoking user after opening sockets" {
	run --separate-stderr in_lab env SUDO_UID=65534 SUDO_GID=65534 "$LANSCAN" --verbose --method icmp 198.18.0.1
	assert_success
	assert_regex "$stderr" "dropped root privileges \\(uid 65534\\)"
	assert_output --regexp "^198.18.0.1	up	"
}

# Our own stack refusing the echo (a policy route for ICMP, ENETUNREACH)
# says nothing of the hosts: TCP still follows, and finds them (issue 22's
# lite targets once made these unknown).
@test "methods: outgoing ICMP refused by our own policy route: TCP still finds the routed hosts" {
	in_lab ip rule add ipproto icmp to 198.18.0.0/24 unreachable
	run --separate-stderr lanscan -t 500 198.18.0.1-4
	st=$status out=$output
	as_nobody -t 500 198.18.0.1-4
	in_lab ip rule del ipproto icmp to 198.18.0.0/24 unreachable
	for o in "$out" "$output"; do
		[ "$(printf '%s\n' "$o" | grep -c '	up	.*tcp/')" -eq 4 ] || fail "not 4 up over TCP: $o"
	done
	assert_equal "$st" 0
}
