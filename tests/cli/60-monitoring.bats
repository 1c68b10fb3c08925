#!/usr/bin/env bats
# 60-monitoring.bats -- scheduled-sweep features: --state, Prometheus, Nagios, progress, the README example.

load helper

setup_file() { lab_up; }
teardown_file() { lab_down; }
setup() {
	lab_require
	dir=$(mktemp -d)
	state=$dir/sweep.state
}
teardown() { rm -rf "$dir"; }

# Output with the RTT column (the 4th with --state) masked.
masked() { printf '%s\n' "$output" | awk -F'\t' -v OFS='\t' '$4 != "-" { $4 = "RTT" } 1'; }

@test "state: the first sweep reports every host as new, the next one nothing" {
	run lanscan --state "$state" 198.18.0.1-2 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 1
	assert_equal "$(masked | sort)" "$(printf 'new\t198.18.0.1\tup\tRTT\t-\ticmp\t-\t-\nnew\t198.18.0.2\tup\tRTT\t-\ticmp\t-\t-\nnew\t%s\tdown\t-\t-\t-\t-\t-' "$LAB_REMOTE_DEAD4")"
	run lanscan --state "$state" 198.18.0.1-2 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 1
	assert_output ""
	assert_equal "$(head -1 "$state")" "# lanscan state 5"
}

@test "state: a host brought down, a host added and a target dropped are reported exactly" {
	lanscan --state "$state" 198.18.0.10-12 >/dev/null
	in_ns far ip addr del 198.18.0.11/32 dev lo
	run lanscan --state "$state" 198.18.0.10-11 198.18.0.13
	in_ns far ip addr add 198.18.0.11/32 dev lo
	assert_equal "$(masked | sort)" "$(printf 'down\t198.18.0.11\tdown\t-\t-\t-\t-\t-\ngone\t198.18.0.12\tup\t-\t-\t-\t-\t-\nnew\t198.18.0.13\tup\tRTT\t-\ticmp\t-\t-')"
	run lanscan --state "$state" 198.18.0.10-11 198.18.0.13
	assert_equal "$(masked)" "$(printf 'up\t198.18.0.11\tup\tRTT\t-\ticmp\t-\t-')"
}

@test "state: --json changes carry event and previous" {
	lanscan --state "$state" 198.18.0.20 >/dev/null
	in_ns far ip addr del 198.18.0.20/32 dev lo
	run lanscan --state "$state" --json 198.18.0.20
	in_ns far ip addr add 198.18.0.20/32 dev lo
	assert_output '{"event":"down","previous":"up","address":"198.18.0.20","target":"198.18.0.20","state":"down","rtt_ms":null,"via":null,"mac":null,"vendor":null,"name":null,"error":"no reply"}'
}

@test "state: a name change is reported (reverse DNS)" {
	printf '# lanscan state 1\n198.18.0.30\tup\told.lab.test\t198.18.0.30\n' >"$state"
	run lanscan --state "$state" -n 198.18.0.30
	assert_equal "$(masked)" "$(printf 'renamed\t198.18.0.30\tup\tRTT\tr0-30.lab.test\ticmp\t-\t-')"
}

@test "state: kill -9 in the middle of a sweep leaves the previous state intact" {
	lanscan --state "$state" 198.18.0.1-3 >/dev/null
	before=$(md5sum <"$state")
	ip netns exec "$(lab_ns scan)" "$LANSCAN" --state "$state" --retries 0 -t 10000 \
		--min-timeout 10000 198.18.0.1-4 "$LAB_REMOTE_DEAD4" >/dev/null &
	pid=$!
	sleep 0.5
	kill -9 "$pid"
	wait "$pid" || true
	assert_equal "$(md5sum <"$state")" "$before"
	assert_equal "$(ls "$dir" | grep -c tmp)" 0
	run lanscan --state "$state" 198.18.0.1-3	# and it is still usable
	assert_success
	assert_output ""
}

@test "state: an interrupted sweep does not replace the state" {
	lanscan --state "$state" 198.18.0.1 >/dev/null
	before=$(md5sum <"$state")
	ip netns exec "$(lab_ns scan)" "$LANSCAN" --state "$state" --retries 0 -t 10000 \
		--min-timeout 10000 198.18.0.2 "$LAB_REMOTE_DEAD4" >/dev/null &
	pid=$!
	sleep 0.5
	kill -INT "$pid"
	wait "$pid" && status=0 || status=$?
	assert_equal "$status" 130
	assert_equal "$(md5sum <"$state")" "$before"
}

@test "state: two sweeps on one file at once take turns and leave a valid file" {
	for i in 1 2 3 4; do
		ip netns exec "$(lab_ns scan)" "$LANSCAN" --state "$state" 198.18.0.1-40 >"$dir/out.$i" &
	done
	wait
	assert_equal "$(head -1 "$state")" "# lanscan state 5"
	assert_equal "$(tail -n +2 "$state" | wc -l)" 40
	assert_equal "$(tail -n +2 "$state" | cut -f1 | sort -u | wc -l)" 40
	# Exactly one of them was first: it saw 40 new hosts, the others nothing.
	assert_equal "$(cat "$dir"/out.* | wc -l)" 40
}

@test "state: a foreign or corrupt file is refused with exit 4 and left alone" {
	echo "important notes" >"$state"
	run --separate-stderr lanscan --state "$state" 198.18.0.1
	assert_equal "$status" 4
	assert_equal "$stderr" "lanscan: $state: not a lanscan state file"
	assert_equal "$(cat "$state")" "important notes"
	printf '# lanscan state 2\n198.18.0.1\tup\n' >"$state"
	run --separate-stderr lanscan --state "$state" 198.18.0.1
	assert_equal "$status" 4
	assert_equal "$stderr" "lanscan: $state:2: corrupt lanscan state file"
}

@test "prom: --format prom passes promtool check metrics" {
	run --separate-stderr lanscan --format prom -d 198.18.0.1-3 "$LAB_REMOTE_DEAD4" "$LAB_NAME_MISSING"
	assert_equal "$status" 2
	printf '%s\n' "$output" >"$dir/m.prom"
	run promtool check metrics <"$dir/m.prom"
	assert_success
	grep -q '^lanscan_up{address="198.18.0.1",name="r0-1.lab.test",target="198.18.0.1-3"} 1$' "$dir/m.prom"
	grep -q "^lanscan_up{address=\"$LAB_REMOTE_DEAD4\",name=\"\",target=\"$LAB_REMOTE_DEAD4\"} 0$" "$dir/m.prom"
	grep -q '^lanscan_targets 5$' "$dir/m.prom"
	grep -q '^lanscan_hosts_up 3$' "$dir/m.prom"
	grep -q '^lanscan_replies_dropped 0$' "$dir/m.prom"
	grep -qE '^lanscan_packets_sent [1-9][0-9]*$' "$dir/m.prom"
	grep -qE '^lanscan_rtt_seconds\{address="198.18.0.2",.*\} [0-9.]+$' "$dir/m.prom"
}

@test "prom: --prom-file is written atomically next to normal output" {
	run lanscan --prom-file "$dir/lanscan.prom" -a 198.18.0.1-2
	assert_success
	assert_equal "${#lines[@]}" 2
	run promtool check metrics <"$dir/lanscan.prom"
	assert_success
	grep -q '^lanscan_hosts_up 2$' "$dir/lanscan.prom"
	assert_equal "$(ls "$dir" | grep -c tmp)" 0
}

@test "nagios: OK, WARNING, CRITICAL and UNKNOWN with their exit codes" {
	run lanscan --nagios 198.18.0.1-2
	assert_equal "$status" 0
	assert_output --regexp '^LANSCAN OK - 2 of 2 hosts up, 0 down \| up=2;;;0;2 down=0;;;0;2 rtt_avg=[0-9.]+s;;;0 duration=[0-9.]+s;;;0$'
	run lanscan --nagios --min-up 2 198.18.0.1-2 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 1
	assert_output --regexp '^LANSCAN WARNING - 2 of 3 hosts up, 1 down \| up=2;;2:;0;3 '
	run lanscan --nagios --min-up 3 198.18.0.1-2 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 2
	assert_output --regexp '^LANSCAN CRITICAL - '
	run lanscan --nagios --max-down 0 198.18.0.1-2 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 2
	run lanscan --nagios 198.18.0.1 "$LAB_NAME_MISSING"
	assert_equal "$status" 3
	assert_output --regexp '^LANSCAN UNKNOWN - .*some names did not resolve'
	assert_equal "${#lines[@]}" 1
}

@test "nagios: --warning and --critical take the plugin guidelines' ranges; no RTT is U, not 0" {
	run lanscan --nagios -t 300 --warning 3: --critical 1: 198.18.0.1-2 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 1
	assert_output --regexp '^LANSCAN WARNING - 2 of 3 hosts up, 1 down \| up=2;3:;1:;0;3 '
	run lanscan --nagios -t 300 --warning 3: --critical 3: 198.18.0.1-2 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 2
	run lanscan --nagios -t 300 --critical @0:1 198.18.0.1-2
	assert_equal "$status" 0
	run lanscan --nagios -t 300 --critical '~:1' 198.18.0.1-2
	assert_equal "$status" 2
	run lanscan --nagios -t 300 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 2
	assert_output --regexp ' rtt_avg=U;;;0 '
	run --separate-stderr lanscan --nagios --critical 5:2 198.18.0.1
	assert_equal "$status" 3
	assert_regex "$stderr" "expected a Nagios range"
	run --separate-stderr lanscan --critical 2: 198.18.0.1
	assert_equal "$status" 3
	assert_regex "$stderr" "need --nagios"
}

@test "thresholds: --max-down sets the plain exit status too" {
	run lanscan -q --max-down 1 198.18.0.1 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 0
	run lanscan -q --max-down 0 198.18.0.1 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 1
	run lanscan -q --min-up 1 --max-down 0 198.18.0.1 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 1
}

@test "progress: on a terminal it shows, then leaves clean result lines" {
	command -v script >/dev/null || skip "script (bsdutils) is not installed"
	script -qec "ip netns exec $(lab_ns scan) '$LANSCAN' --rate 5000 -a $LAB_REMOTE_LIVE24_NET 198.18.1.0/24 >'$dir/out'" \
		"$dir/tty" >/dev/null || true	# lanscan exits 1: some hosts are down
	tr '\r' '\n' <"$dir/tty" | grep -aqE 'lanscan: [0-9]+/508 done, [0-9]+ up, [0-9]+/s, ETA' ||
		fail "no progress line on the terminal: $(cat -v "$dir/tty")"
	grep -aq $'\033\[K' "$dir/tty"	# erased in place
	assert_equal "$(wc -l <"$dir/out")" 64
	run grep -q $'\033' "$dir/out"
	assert_failure
}

@test "progress: none when standard error is not a terminal, unless forced" {
	lanscan -a 198.18.0.1-3 2>"$dir/err" >/dev/null
	assert_equal "$(wc -c <"$dir/err")" 0
	lanscan --progress --rate 1000 -a 198.18.1.0/24 2>"$dir/err" >/dev/null || true
	grep -aq 'done,' "$dir/err"
}

@test "readme: the Scheduled sweeps example runs and prints what the README shows" {
	readme=$TESTS_DIR/../README.md
	script=$(sed -n '/<!-- scheduled-example -->/,/<!-- scheduled-output -->/p' "$readme" | sed '1,2d;$d' | sed '$d')
	expected=$(sed -n '/<!-- scheduled-output -->/,/<!-- end -->/p' "$readme" | sed '1,2d;$d' | sed '$d')
	[ -n "$script" ] && [ -n "$expected" ] || fail "example not found in README.md"
	cd "$dir"
	run in_lab env PATH="$(dirname "$LANSCAN"):$PATH" bash -ec "$script"
	assert_success
	mask() { awk -F'\t' -v OFS='\t' '$4 != "-" { $4 = "RTT" } 1'; }
	assert_equal "$(printf '%s\n' "$output" | mask | sort)" "$(printf '%s\n' "$expected" | mask | sort)"
}
