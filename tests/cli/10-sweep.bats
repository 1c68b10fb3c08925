#!/usr/bin/env bats
# 10-sweep.bats -- lanscan against the lab: states, output formats and exit codes.

load helper

setup_file() { lab_up; }
teardown_file() { lab_down; }
setup() { lab_require; }

# The line for one address in tab-separated output.

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

@test "sweep: --sort keeps each host's own method, name and MAC, however many hosts (records move)" {
	run --separate-stderr lanscan --sort -t 300 -n 198.18.0.0/23 198.19.1.10 fd6c:6162:18::1
	assert_equal "$(printf '%s\n' "$output" | awk -F'\t' '$2 == "up" { print $5 }' | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')" \
		"arp=1 icmp=65 "
	assert_equal "$(printf '%s\n' "$output" | awk -F'\t' '$1 == "198.19.1.10" { print $4, $5, $6 }')" "lan10.lab.test arp 02:1a:b0:00:00:10"
	assert_equal "$(printf '%s\n' "$output" | awk -F'\t' '$1 == "198.18.0.64" { print $4, $5, $6 }')" "r0-64.lab.test icmp -"
	assert_equal "$(printf '%s\n' "$output" | head -1 | cut -f1)" 198.18.0.1
	assert_equal "$(printf '%s\n' "$output" | tail -1 | cut -f1)" fd6c:6162:18::1
	run --separate-stderr lanscan --sort -t 300 198.19.1.10 198.18.0.1 fd6c:6162:1::11
	assert_equal "$(printf '%s\n' "$output" | cut -f1,5 | tr '\t\n' '= ')" "198.18.0.1=icmp 198.19.1.10=arp fd6c:6162:1::11=nd "
}
