#!/usr/bin/env bats
# 57-load.bats -- a dense /16 where every address answers, and on-link ranges bigger than the neighbour table.

load helper

# Two namespaces of their own: dense-s sweeps, dense-f answers for all of 198.18.0.0/16 (a local route).
dense_up() {
	DS=$(lab_ns denses) DF=$(lab_ns densef)
	ip netns add "$DS"
	ip netns add "$DF"
	ip link add v0 netns "$DS" type veth peer name v0 netns "$DF"
	ip -n "$DS" addr add 198.19.250.2/30 dev v0
	ip -n "$DF" addr add 198.19.250.1/30 dev v0
	for n in "$DS" "$DF"; do
		ip -n "$n" link set lo up
		ip -n "$n" link set v0 up
		ip netns exec "$n" sysctl -q -w net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=10000000 \
			net.ipv4.icmp_msgs_burst=10000000 "net.ipv4.ping_group_range=0 2147483647" >/dev/null
	done
	ip -n "$DF" route add local 198.18.0.0/16 dev lo
	ip -n "$DS" route add 198.18.0.0/16 via 198.19.250.1
}

dense_down() {
	ip netns del "$(lab_ns denses)" 2>/dev/null || true
	ip netns del "$(lab_ns densef)" 2>/dev/null || true
}

setup_file() {
	lab_up
	[ "$(id -u)" -eq 0 ] || return 0
	dense_up
	# An on-link /21 beside the lab's /24: 2046 addresses, two of them live, one at the very end.
	in_lab ip addr add 198.19.8.2/21 dev lan0
	in_ns h11 ip addr add 198.19.8.9/21 dev eth0
	in_ns h10 ip addr add 198.19.15.250/21 dev eth0
}
teardown_file() {
	[ "$(id -u)" -eq 0 ] && [ -n "${LAB_ID:-}" ] && dense_down
	lab_down
}
setup() {
	lab_require
	# Timing and throughput, not memory: the sanitizer build's run (2-5x
	# slower) would measure the sanitizer and double the suite's time.
	[ -z "${LANSCAN_SANITIZED:-}" ] || skip "load tests run on the release build"
}

in_dense() { timeout 60 ip netns exec "$(lab_ns denses)" "$@"; }

@test "load: a dense /16 at 100000 packets a second, no retries: every host found" {
	run --separate-stderr in_dense "$LANSCAN" -s --method icmp --retries 0 --rate 100000 198.18.0.0/16
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -c '	up	')" 65534
	assert_regex "$stderr" "65534 targets, 65534 up, 0 down, 0 unknown"
}

@test "load: at an unlimited rate, no live host is reported down (found, or unknown with a warning)" {
	run --separate-stderr in_dense "$LANSCAN" -s --method icmp --retries 0 --rate 0 198.18.0.0/16
	assert_equal "$(printf '%s\n' "$output" | grep -c '	down	')" 0
	up=$(printf '%s\n' "$output" | grep -c '	up	')
	if [ "$up" -ne 65534 ]; then
		assert_equal "$status" 1
		assert_regex "$stderr" "the kernel dropped [0-9]+ replies"
	else
		assert_success
	fi
}

@test "load: unprivileged, the dense /16 at 100000 packets a second is found too" {
	dir=$(mktemp -d /tmp/lanscan-nobody.XXXXXX)
	cp "$LANSCAN" "$dir/" && chmod 755 "$dir" "$dir/lanscan"
	run --separate-stderr in_dense setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/lanscan" -s \
		--method icmp --retries 0 --rate 100000 198.18.0.0/16
	rm -rf "$dir"
	assert_equal "$(printf '%s\n' "$output" | grep -c '	down	')" 0
	[ "$status" -eq 0 ] || assert_regex "$stderr" "the kernel dropped"
}

# Issue 22: at 100 kpps with a 1 s wait every address of a /16 is in flight
# at once; a silent one holds its engine slot alone (a "lite" target), not
# a job and a race (~390 bytes).  Against a /24 in the same run, so the
# process's own baseline cancels out.
@test "load: a silent address in flight costs at most 128 bytes (routed /16 at 100 kpps against a /24)" {
	for net in 198.18.0.0/24 198.18.0.0/16; do
		run --separate-stderr in_lab /usr/bin/time -f "rss %M" "$LANSCAN" -q --method icmp --retries 0 \
			--rate 100000 "$net"
		rss=$(printf '%s\n' "$stderr" | sed -n 's/^rss //p')
		[ -n "$rss" ] || fail "no RSS: $stderr"
		eval "rss_${net##*/}=$rss"
	done
	per=$(( (rss_16 - rss_24) * 1024 / 65280 ))
	echo "# /24: $rss_24 KB, /16: $rss_16 KB: $per bytes a target" >&3
	[ "$per" -le 128 ] || fail "$per bytes a target in flight (/24 $rss_24 KB, /16 $rss_16 KB)"
}

# A stop cancels every queued TCP connect: one walk of the queue each made
# it quadratic (36 s to exit here before; well under a second now).
@test "load: SIGINT 1.5 s into an unprivileged /16 at 100 kpps (connects queued): out within 5 s, status 130" {
	dir=$(mktemp -d /tmp/lanscan-nobody.XXXXXX)
	cp "$LANSCAN" "$dir/" && chmod 755 "$dir" "$dir/lanscan"
	LANSCAN_TEST_TIMEOUT=60 run in_lab bash -c "setpriv --reuid=65534 --regid=65534 --clear-groups \
		$dir/lanscan -q --rate 100000 198.18.0.0/16 & pid=\$!; sleep 1.5; t0=\$(date +%s%N); kill -INT \$pid; \
		wait \$pid; st=\$?; echo \"status \$st ms \$(( (\$(date +%s%N) - t0) / 1000000 ))\""
	rm -rf "$dir"
	echo "# $output" >&3
	assert_output --regexp "^status 130 ms [0-9]+$"
	ms=${output##* }
	[ "$ms" -lt 5000 ] || fail "took $ms ms to stop"
}

@test "load: an on-link /21 (more than the neighbour table holds) finds the host at its end, as root" {
	run lanscan -a 198.19.8.1-198.19.15.254
	assert_equal "$(printf '%s\n' "$output" | cut -f1 | sort -V | tr '\n' ' ')" "198.19.8.2 198.19.8.9 198.19.15.250 "
}

# Twice in a row: the second sweep starts while the kernel still resolves
# the first one's last targets (hundreds of INCOMPLETE entries).  Those are
# over within an entry's life, and then no longer cut the room: the second
# sweep took 3.1x the first when they did all along, 1.4x now.
@test "load: the same unprivileged, through the paced neighbour table, twice in a row" {
	local t0 t1 t2
	dir=$(mktemp -d /tmp/lanscan-nobody.XXXXXX)
	cp "$LANSCAN" "$dir/" && chmod 755 "$dir" "$dir/lanscan"
	for i in 1 2; do
		t0=$(date +%s%N)
		LANSCAN_TEST_TIMEOUT=120 run in_lab setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/lanscan" \
			-a 198.19.8.1-198.19.15.254
		eval "t$i=$(( ($(date +%s%N) - t0) / 1000000 ))"
		assert_equal "$(printf '%s\n' "$output" | cut -f1 | sort -V | tr '\n' ' ')" \
			"198.19.8.2 198.19.8.9 198.19.15.250 "
	done
	rm -rf "$dir"
	echo "# first $t1 ms, second $t2 ms" >&3
	[ "$t2" -le $((t1 * 2)) ] || fail "the second sweep took $t2 ms, the first $t1 ms"
}
