#!/usr/bin/env bats
# 20-behaviour.bats -- streaming, completion order, the -j bound, retries, signals and pipes.

load helper

FAKE=$TESTS_DIR/cli/fake-ping

setup_file() { lab_up; }
teardown_file() { lab_down; }
setup() { lab_require; }

@test "order: a fast host is printed before a slow one given first" {
	run in_lab env FAKE_PING_SLOW=198.18.0.1 FAKE_PING_DELAY=1 "$LANSCAN" --ping-cmd "$FAKE" 198.18.0.1 198.18.0.2
	assert_success
	assert_equal "$(printf '%s\n' "$output" | cut -f1 | tr '\n' ' ')" "198.18.0.2 198.18.0.1 "
}

@test "stream: the first line reaches a pipe before the slow hosts finish, and lanscan exits at once" {
	start=$(date +%s%N)
	run bash -c "FAKE_PING_SLOW='198.18.0.2 198.18.0.3' FAKE_PING_DELAY=8 ip netns exec $(lab_ns scan) \
		'$LANSCAN' --ping-cmd '$FAKE' 198.18.0.1-3 | head -1; echo \"\${PIPESTATUS[0]}\""
	elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	assert_line --index 0 --regexp "^198.18.0.1	up	"
	assert_line --index 1 141	# like a writer killed by SIGPIPE, and quietly
	assert_equal "${#lines[@]}" 2
	[ "$elapsed_ms" -lt 4000 ] || fail "took ${elapsed_ms} ms; the slow hosts take 8 s"
	# No stand-in ping is left behind.
	sleep 0.2
	run pgrep -f "$FAKE"
	assert_failure
}

@test "jobs: -j bounds how many probes run at once, and the bound is reached" {
	dir=$(mktemp -d)
	run in_lab env FAKE_PING_CONC_DIR="$dir" FAKE_PING_HOLD=0.3 "$LANSCAN" --ping-cmd "$FAKE" -j 3 198.18.0.1-12
	assert_success
	assert_equal "$(printf '%s\n' "$output" | wc -l)" 12
	assert_equal "$(sort -n "$dir/max" | tail -1)" 3
	assert_equal "$(wc -l <"$dir/max")" 12
	rm -rf "$dir"
}

@test "jobs: -j is lowered to fit the open file limit, with a note" {
	run --separate-stderr in_lab prlimit --nofile=64:64 "$LANSCAN" --method ping -j 100 -t 200 198.18.0.1-4
	assert_success
	assert_equal "$stderr" "lanscan: -j 100 lowered to 10 to fit the open file limit (64)"
}

@test "retries: a host silent once is up with --retries 1, down without" {
	dir=$(mktemp -d)
	run in_lab env FAKE_PING_FAIL_ONCE_DIR="$dir" "$LANSCAN" --ping-cmd "$FAKE" 198.18.0.4
	assert_equal "$status" 1
	rm -f "$dir"/*
	run in_lab env FAKE_PING_FAIL_ONCE_DIR="$dir" "$LANSCAN" --ping-cmd "$FAKE" --retries 1 198.18.0.4
	assert_success
	assert_output --partial "198.18.0.4	up"
	rm -rf "$dir"
}

@test "retries: a dead host is tried 1 + N times" {
	log=$(mktemp)
	run in_lab env FAKE_PING_LOG="$log" "$LANSCAN" --ping-cmd "$FAKE" --retries 2 -t 100 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 1
	assert_equal "$(wc -l <"$log")" 3
	rm -f "$log"
}

interrupt_test() {
	local sig=$1 code=$2 out err
	out=$(mktemp) err=$(mktemp)
	FAKE_PING_SLOW="198.18.0.2 198.18.0.3" FAKE_PING_DELAY=20 \
		ip netns exec "$(lab_ns scan)" "$LANSCAN" -s --ping-cmd "$FAKE" 198.18.0.1-3 >"$out" 2>"$err" &
	pid=$!
	# Wait until the fast host is printed and the slow ones are running.
	for _ in $(seq 50); do grep -q 198.18.0.1 "$out" && break; sleep 0.1; done
	sleep 0.3
	children=$(pgrep -P "$pid" | tr '\n' ' ')
	[ -n "$children" ] || fail "no ping children running"
	kill -"$sig" "$pid"
	wait "$pid" && status=0 || status=$?
	assert_equal "$status" "$code"
	assert_equal "$(cut -f1 "$out")" 198.18.0.1
	grep -q "1 targets, 1 up, 0 down, 0 unknown (0 unresolved), .* (interrupted)" "$err" ||
		fail "no summary: $(cat "$err")"
	for c in $children; do
		state=$(ps -o stat= -p "$c" || true)
		[ -z "$state" ] || fail "child $c left behind ($state)"
	done
	rm -f "$out" "$err"
}

@test "signals: SIGINT stops the sweep, kills the children, prints what finished, exits 130" {
	interrupt_test INT 130
}

@test "signals: SIGTERM does the same and exits 143" {
	interrupt_test TERM 143
}

@test "default: with no target, sweep the lab scanner's own subnets" {
	run --separate-stderr lanscan -a -t 300
	assert_regex "$stderr" "^lanscan: no target given; sweeping .*198\.19\.1\.0/24 \(lan0\)"
	assert_regex "$stderr" "198\.19\.255\.0/30 \(up0\)"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "not one line on stderr: $stderr"
	assert_regex "$stderr" "; IPv6 neighbours: .*8 on lan0"
	for ip in $LAB_LAN_HOSTS4 "$LAB_RTR_DN4" "$LAB_SCAN_LAN4" "$LAB_SCAN_UP4" $LAB_LAN_HOSTS6; do
		assert_line --regexp "^$ip	up	"
	done
	assert_equal "$(printf '%s\n' "${lines[@]}" | cut -f1 | grep -vc :)" 7	# IPv4: the live ones (-a)
}
