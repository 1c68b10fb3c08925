#!/usr/bin/env bats
# 10-sweep.bats -- lanscan against the lab: states, output formats and exit codes.

load helper

setup_file() { lab_up; }
teardown_file() { lab_down; }
setup() { lab_require; }

# The line for one address in tab-separated output.
line_for() { printf '%s\n' "$output" | awk -F'\t' -v a="$1" '$1 == a'; }

@test "sweep: live, blackholed, unreachable and on-link hosts get the right state" {
	run lanscan -t 500 "$LAB_NAME_LIVE_ADDR" "$LAB_REMOTE_DEAD4" "$LAB_UNREACH4" 198.19.1.10 "$LAB_LAN_DEAD4"
	assert_equal "$status" 1
	[[ $(line_for "$LAB_NAME_LIVE_ADDR") =~ ^198\.18\.0\.1$'\t'up$'\t'[0-9]+\.[0-9]{3}$'\t'-$'\t'icmp$'\t'-$'\t'-$ ]]
	assert_equal "$(line_for "$LAB_REMOTE_DEAD4")" "$LAB_REMOTE_DEAD4	down	-	-	-	-	-"
	assert_equal "$(line_for "$LAB_UNREACH4" | cut -f2)" down
	assert_equal "$(line_for 198.19.1.10 | cut -f2)" up
	assert_equal "$(line_for "$LAB_LAN_DEAD4" | cut -f2)" down
	assert_equal "$(printf '%s\n' "$output" | wc -l)" 5
}

@test "sweep: a /24 with 64 live hosts finds exactly those 64" {
	run lanscan -a -t 300 "$LAB_REMOTE_LIVE24_NET"
	assert_equal "$status" 1
	assert_equal "$(printf '%s\n' "$output" | wc -l)" 64
	expected=$(printf '198.18.0.%d\n' $(seq 1 64))
	assert_equal "$(printf '%s\n' "$output" | cut -f1 | sort -V)" "$expected"
}

@test "sweep: -u prints only hosts that are not up" {
	run lanscan -u -t 300 198.18.0.62-66
	assert_equal "$(printf '%s\n' "$output" | cut -f1 | sort -V | tr '\n' ' ')" "198.18.0.65 198.18.0.66 "
}

@test "sweep: IPv6 hosts, remote and on-link" {
	run lanscan -t 500 fd6c:6162:18::1 fd6c:6162:1::11 "$LAB_REMOTE_DEAD6" "$LAB_UNREACH6"
	assert_equal "$(line_for fd6c:6162:18::1 | cut -f2)" up
	assert_equal "$(line_for fd6c:6162:1::11 | cut -f2)" up
	assert_equal "$(line_for "$LAB_REMOTE_DEAD6" | cut -f2)" down
	assert_equal "$(line_for "$LAB_UNREACH6" | cut -f2)" down
}

@test "sweep: --json gives one object per host with the documented fields" {
	run --separate-stderr lanscan --json -t 300 "$LAB_NAME_LIVE" "$LAB_UNREACH4" "$LAB_NAME_MISSING"
	assert_equal "$status" 2
	assert_equal "$(printf '%s\n' "$output" | wc -l)" 3
	assert_line --partial "{\"address\":\"$LAB_NAME_LIVE_ADDR\",\"target\":\"$LAB_NAME_LIVE\",\"state\":\"up\",\"rtt_ms\":"
	assert_line "{\"address\":\"$LAB_UNREACH4\",\"target\":\"$LAB_UNREACH4\",\"state\":\"down\",\"rtt_ms\":null,\"via\":null,\"mac\":null,\"vendor\":null,\"name\":null,\"error\":\"host unreachable\"}"
	assert_line --regexp "^\\{\"address\":null,\"target\":\"$LAB_NAME_MISSING\",\"state\":\"unknown\",\"rtt_ms\":null,\"via\":null,\"mac\":null,\"vendor\":null,\"name\":null,\"error\":\"[^\"]+\"\\}$"
	# Every line is valid JSON with exactly these keys.
	printf '%s\n' "$output" | python3 -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    assert sorted(o) == ["address", "error", "mac", "name", "rtt_ms", "state", "target", "vendor", "via"], o'
}

@test "sweep: --json -s puts the summary, drops included, on stderr as one JSON object" {
	run --separate-stderr lanscan --json -s -t 300 198.18.0.1 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 1
	printf '%s\n' "$stderr" | python3 -c '
import json, sys
o = json.loads(sys.stdin.readline())
assert (o["targets"], o["up"], o["down"], o["dropped"]) == (2, 1, 1, 0), o
assert o["sent"] >= 2 and o["interrupted"] is False, o'
}

@test "sweep: the prohibited host's reason is reported" {
	# Linux routers rate-limit route errors (net.ipv4.route.error_cost, one a
	# second after a burst of five, not per namespace): give the retries time
	# for a token to come back after the tests before this one.
	run lanscan --json -t 2000 --retries 3 "$LAB_PROHIBIT4"
	assert_output --partial '"error":"administratively prohibited"'
}

@test "sweep: --sort prints in address order at the end" {
	run lanscan --sort -t 300 198.18.0.66 198.18.0.2 198.18.0.10 198.18.0.1 fd6c:6162:18::1
	assert_equal "$(printf '%s\n' "$output" | cut -f1 | tr '\n' ' ')" "198.18.0.1 198.18.0.2 198.18.0.10 198.18.0.66 fd6c:6162:18::1 "
}

@test "sweep: -n adds reverse DNS names from the lab server" {
	run lanscan -n -t 300 198.18.0.3 198.19.1.12 "$LAB_REMOTE_DEAD4"
	assert_equal "$(line_for 198.18.0.3 | cut -f4)" r0-3.lab.test
	assert_equal "$(line_for 198.19.1.12 | cut -f4)" lan12.lab.test
	assert_equal "$(line_for "$LAB_REMOTE_DEAD4" | cut -f4)" -
}

@test "sweep: a name target shows its name; -4/-6 pick the family" {
	run lanscan -t 300 "$LAB_NAME_HOSTSFILE"
	assert_output --regexp "^$LAB_NAME_HOSTSFILE_ADDR	up	[0-9.]+	$LAB_NAME_HOSTSFILE	icmp	-	-\$"
	run lanscan -4 -t 300 "$LAB_NAME_DUAL"
	assert_output --partial "198.18.0.5	up"
	run lanscan -6 -t 300 "$LAB_NAME_DUAL"
	assert_output --partial "fd6c:6162:18::5	up"
	run lanscan -4 -t 300 "$LAB_NAME_V6ONLY"
	assert_equal "$status" 2
}

@test "names: an internationalised name resolves (AI_IDN); reverse names print lower case, no trailing dot" {
	run --separate-stderr lanscan -t 300 --json "$LAB_NAME_IDN"
	assert_output --partial "\"address\":\"$LAB_NAME_IDN_ADDR\",\"target\":\"$LAB_NAME_IDN\""
	run --separate-stderr lanscan -t 300 -n 198.18.0.3
	assert_equal "$(line_for 198.18.0.3 | cut -f4)" r0-3.lab.test
}

@test "sweep: --resolve-all probes every address of a name, the default only the first" {
	run lanscan -t 300 "$LAB_NAME_MULTI"
	assert_equal "$(printf '%s\n' "$output" | grep -c up)" 1
	run lanscan --resolve-all -t 300 "$LAB_NAME_MULTI"
	assert_equal "$(printf '%s\n' "$output" | cut -f1 | sort | tr '\n' ' ')" "198.18.0.6 198.18.0.7 "
}

@test "exit: 0 when every target is up" {
	run lanscan 198.18.0.1-3
	assert_equal "$status" 0
}

@test "exit: 1 when some are down, 0 with --min-up reached, 1 when not" {
	run lanscan -t 200 198.18.0.1-2 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 1
	run lanscan -t 200 --min-up 2 198.18.0.1-2 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 0
	run lanscan -t 200 --min-up 3 198.18.0.1-2 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 1
}

@test "exit: 2 when a name does not resolve, with a message on stderr only" {
	run --separate-stderr lanscan -t 200 198.18.0.1 "$LAB_NAME_MISSING"
	assert_equal "$status" 2
	assert_equal "$stderr" "lanscan: $LAB_NAME_MISSING: unknown node or service"
	assert_line "$LAB_NAME_MISSING	unknown	-	-	-	-	-"
}

@test "exit: 3 for usage errors, with one line naming the text" {
	run --separate-stderr lanscan -j 0 198.18.0.1
	assert_equal "$status" 3
	assert_equal "${stderr_lines[0]}" "lanscan: -j/--jobs '0': too small (expected 1 to 65535)"
	assert_output ""
}

@test "exit: 4 when the ping program is missing" {
	run --separate-stderr lanscan --ping-cmd /nonexistent/ping 198.18.0.1
	assert_equal "$status" 4
	assert_equal "$stderr" "lanscan: cannot run '/nonexistent/ping': no such file or directory"
}

@test "exit: 4 when ping may not open its socket" {
	run --separate-stderr in_lab env FAKE_PING_MODE=eperm "$LANSCAN" --ping-cmd "$TESTS_DIR/cli/fake-ping" 198.18.0.1-20
	assert_equal "$status" 4
	assert_equal "$stderr" "lanscan: $TESTS_DIR/cli/fake-ping: socket: Operation not permitted"
}

@test "exit: 4 with the real ping, unprivileged, where ICMP sockets are not allowed" {
	# Copies anyone may run: the ping copy has no file capabilities.
	dir=$(mktemp -d /tmp/lanscan-nobody.XXXXXX)
	cp "$(command -v ping)" "$LANSCAN" "$dir/"
	chmod 755 "$dir" "$dir/ping" "$dir/lanscan"
	in_lab sysctl -q -w "net.ipv4.ping_group_range=1 0"
	run --separate-stderr in_lab setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$dir/lanscan" --ping-cmd "$dir/ping" 198.18.0.1
	in_lab sysctl -q -w "net.ipv4.ping_group_range=0 2147483647"
	rm -rf "$dir"
	assert_equal "$status" 4
	assert_equal "$stderr" "lanscan: $dir/ping: socket: Operation not permitted"
}

@test "exit: -s prints the summary on stderr, -q prints nothing" {
	run --separate-stderr lanscan -s -t 200 198.18.0.1-2 "$LAB_REMOTE_DEAD4"
	assert_regex "$stderr" "^lanscan: 3 targets, 2 up, 1 down, 0 unknown, 0 unresolved, [0-9.]+ s$"
	run --separate-stderr lanscan -q -s -t 200 198.18.0.1 "$LAB_NAME_MISSING"
	assert_equal "$status" 2
	assert_output ""
	assert_equal "$stderr" ""
}

@test "sweep: --count 3 sends three requests and reports their average" {
	run lanscan -c 3 198.18.0.1
	assert_success
	assert_output --regexp "^198.18.0.1	up	[0-9]+\.[0-9]{3}	-	ping	-	-$"
}
