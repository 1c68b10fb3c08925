#!/usr/bin/env bats
# 63-table.bats -- output for people: the table on a real terminal (script's
# pty), -o fields in every format, headers, colour, and the first-hour fixes.

load helper

setup_file() { lab_up; }
teardown_file() { lab_down; }

setup() { lab_require; }

ONLINK="198.19.1.8-15"	# h10-h13 live (ARP as root), 8, 9, 14, 15 silent

# Runs lanscan in the lab on a pseudo-terminal (script), COLUMNS wide; the
# screen (stdout and stderr, as a terminal shows them) is in $output, CRs gone.
on_tty() {
	local cols=$1; shift
	local cmd
	cmd=$(printf '%q ' "$LANSCAN" "$@")
	run in_lab env COLUMNS="$cols" TERM=xterm script -qec "$cmd" /dev/null
	raw=$output
	screen
}

# What the terminal shows: a carriage return starts the line again.
screen() {
	output=$(printf '%s\n' "$output" | sed 's/\r$//; s/.*\r//')
}

# Fails when a line of $1 is wider than $2 characters (UTF-8 aware).
fits() {
	printf '%s\n' "$1" | python3 -c 'import sys
w = int(sys.argv[1]); bad = [l for l in sys.stdin.read().splitlines() if len(l) > w]
sys.exit("too wide: %r" % bad if bad else 0)' "$2"
}

# The screen without colour escapes.
plain() { printf '%s\n' "$output" | sed 's/\x1b\[[0-9;]*[mK]//g'; }

@test "table: on a terminal, a header, aligned columns, down hosts counted not listed, a closing line" {
	on_tty 80 -t 300 --no-progress --no-names "$ONLINK"
	assert_success 1 2>/dev/null || [ "$status" -eq 1 ]	# some are down
	screen=$(plain)
	header=$(printf '%s\n' "$screen" | sed -n 1p)
	assert_regex "$header" '^ADDRESS +STATE +RTT VIA +MAC +VENDOR$'
	# every row's fields start under their header
	state_at=$(awk -v h="$header" 'BEGIN { print index(h, "STATE") }')
	mac_at=$(awk -v h="$header" 'BEGIN { print index(h, "MAC") }')
	rows=$(printf '%s\n' "$screen" | grep -E '^198\.19\.1\.')
	[ "$(printf '%s\n' "$rows" | wc -l)" -eq 4 ] || fail "expected the 4 live hosts only: $screen"
	while IFS= read -r row; do
		[ "$(awk -v r="$row" 'BEGIN { print index(r, " up ") + 1 }')" -eq "$state_at" ] || fail "state not under STATE: $row"
		[ "$(awk -v r="$row" 'BEGIN { print index(r, "02:1a:b0") }')" -eq "$mac_at" ] || fail "MAC not under MAC: $row"
		assert_regex "$row" ' [0-9]+\.[0-9]+ ms arp '	# the RTT with its unit
		refute_regex "$row" '	| - '			# no tabs, no dashes for empty fields
	done <<<"$rows"
	refute_regex "$screen" 'down  '
	assert_regex "$screen" $'\n8 addresses, [0-9.]+ s: 4 up, 0 unknown, 4 down \\(--show-down lists them\\)$'
	fits "$screen" 79
}

@test "table: no line is wider than the terminal; long values are cut with an ellipsis; an address never" {
	on_tty 30 -t 300 --no-progress -n -o address,state,name "$LAB_NAME_LIVE" 198.18.0.2
	screen=$(plain)
	fits "$screen" 29
	assert_regex "$screen" $'198\\.18\\.0\\.1 +up +r0-1\xe2\x80\xa6'	# the given name, cut
	assert_regex "$screen" 'addresses,'	# the closing line, broken to fit
	on_tty 24 -t 300 --no-progress -n -6 -o address,state,name "$LAB_NAME_V6ONLY"
	screen=$(plain)
	assert_regex "$screen" 'fd6c:6162:18::8 +up'		# longer than its column: whole
	fits "$screen" 23
}

@test "table: colour on a terminal, never with NO_COLOR or --color=never, forced with --color=always" {
	on_tty 80 -t 300 --no-progress --no-names 198.19.1.10
	assert_regex "$output" $'\x1b\\[32mup'
	run in_lab env COLUMNS=80 NO_COLOR=1 TERM=xterm script -qec "$LANSCAN -t 300 --no-progress --no-names 198.19.1.10" /dev/null
	refute_regex "$output" $'\x1b\\['
	on_tty 80 -t 300 --no-progress --no-names --color=never 198.19.1.10
	refute_regex "$output" $'\x1b\\['
	run in_lab env NO_COLOR=1 "$LANSCAN" -t 300 --format table --color=always 198.19.1.10 198.19.1.99
	assert_regex "$output" $'\x1b\\[32mup'
	run in_lab "$LANSCAN" -t 300 --format table 198.19.1.10	# a pipe: auto is off
	refute_regex "$output" $'\x1b\\['
}

@test "table: --show-down lists the down hosts; -u only the hosts not up" {
	on_tty 80 -t 300 --no-progress --no-names --show-down "$ONLINK"
	[ "$(plain | grep -cE '^198\.19\.1\.[0-9]+ +down')" -eq 4 ]
	[ "$(plain | grep -cE '^198\.19\.1\.[0-9]+ +up')" -eq 4 ]
	on_tty 80 -t 300 --no-progress -u "$ONLINK"
	[ "$(plain | grep -cE '^198\.19\.1\.[0-9]+ +down')" -eq 4 ]
	[ "$(plain | grep -cE '^198\.19\.1\.[0-9]+ +up')" -eq 0 ]
	run in_lab "$LANSCAN" --show-down -a "$ONLINK"
	assert_failure 3
}

@test "table: a person gets names without a flag; --no-names, pipes and cron do not" {
	on_tty 80 -t 300 --no-progress 198.18.0.1-2
	assert_regex "$(plain)" 'NAME'
	assert_regex "$(plain)" '198\.18\.0\.1 .* r0-1\.lab\.test'
	on_tty 80 -t 300 --no-progress --no-names 198.18.0.1-2
	refute_regex "$(plain)" 'r0-1'
	run in_lab "$LANSCAN" -t 300 198.18.0.1
	assert_output $'198.18.0.1\tup\t'"$(line_for 198.18.0.1 | cut -f3)"$'\t-\ticmp\t-\t-'
}

@test "table: progress shows on a terminal without asking, and is gone from the screen's last lines" {
	on_tty 80 -t 1000 --no-names 198.18.0.1 198.18.0.200 198.18.0.201
	assert_regex "$raw" 'lanscan: [0-9]+/3 done'
	assert_regex "$(plain | tail -1)" '^3 addresses, '
}

@test "-o: every field, in TSV (with --header), NDJSON and the table" {
	fields="address target state rtt name via mac vendor dns mdns netbios workgroup error"
	for f in $fields; do
		run --separate-stderr in_lab "$LANSCAN" -t 300 -n -o "$f" --header 198.19.1.10 198.19.1.99
		[ "$status" -le 1 ] || fail "-o $f: exit $status: $stderr"
		[ "${lines[0]}" = "$f" ] || fail "-o $f: header '${lines[0]}'"
		[ "${#lines[@]}" -eq 3 ] || fail "-o $f: ${#lines[@]} lines"
		key=$f; [ "$f" = rtt ] && key=rtt_ms
		if [ "$f" = state ]; then
			run --separate-stderr in_lab "$LANSCAN" -t 300 -n -o state --json 198.19.1.10
			assert_output '{"state":"up"}'
			continue
		fi
		run --separate-stderr in_lab "$LANSCAN" -t 300 -n -o "$f,state" --json 198.19.1.10
		assert_regex "$output" "^\\{\"$key\":[^,]*,\"state\":\"up\"\\}$"
	done
	run in_lab "$LANSCAN" -t 300 -o state,address,mac 198.19.1.10
	assert_output $'up\t198.19.1.10\t02:1a:b0:00:00:10'
	run in_lab "$LANSCAN" -t 300 -n --json -o names 198.19.1.10
	assert_regex "$output" '^\{"names":\{"dns":.*,"workgroup":(null|"[^"]*")\}\}$'
	run in_lab "$LANSCAN" -t 300 -o +error 198.19.1.99
	assert_regex "$output" $'^198\\.19\\.1\\.99\tdown\t-\t-\t-\t-\t-\t[a-z]'
	on_tty 80 -t 300 --no-progress --no-names -o address,vendor,mac 198.19.1.10
	assert_regex "$(plain | head -1)" '^ADDRESS +VENDOR +MAC$'
	assert_regex "$(plain)" '198\.19\.1\.10 +\(locally administered\) +02:1a:b0:00:00:10'
}

@test "-o: an unknown field, names outside NDJSON, a field twice, and -o with prom or --nagios are usage errors" {
	run in_lab "$LANSCAN" -o address,colour 198.19.1.10
	assert_failure 3
	assert_output --partial "no field 'colour'"
	run in_lab "$LANSCAN" -o names 198.19.1.10
	assert_failure 3
	run in_lab "$LANSCAN" -o state,state 198.19.1.10
	assert_failure 3
	run in_lab "$LANSCAN" --format prom -o state 198.19.1.10
	assert_failure 3
	run in_lab "$LANSCAN" --nagios -o state 198.19.1.10
	assert_failure 3
	run in_lab "$LANSCAN" --json --header 198.19.1.10
	assert_failure 3
}

@test "--header: tab-separated lines get the field names first; the table drops its own with --no-header" {
	run in_lab "$LANSCAN" -t 300 --header 198.19.1.10
	assert_line --index 0 $'address\tstate\trtt\tname\tvia\tmac\tvendor'
	on_tty 80 -t 300 --no-progress --no-names --no-header 198.19.1.10
	refute_regex "$(plain)" 'ADDRESS'
	assert_regex "$(plain | head -1)" '^198\.19\.1\.10 +up'
}

@test "-n: a name target keeps the name it was given; two names of one host are two lines a person can tell apart" {
	run in_lab "$LANSCAN" -t 300 -n r0-9.lab.test "$LAB_NAME_HOSTSFILE"
	assert_success
	[ "$(printf '%s\n' "$output" | cut -f4 | sort | tr '\n' ' ')" = "hostsonly.lab.test r0-9.lab.test " ] ||
		fail "names: $output"
	run in_lab "$LANSCAN" -t 300 -n --json r0-9.lab.test
	assert_regex "$output" '"name":"r0-9\.lab\.test","names":\{"dns":"[a-z0-9.-]+"'
}

@test "summary: a name that did not resolve is unknown in its line and in -s" {
	run --separate-stderr in_lab "$LANSCAN" -s -t 300 198.18.0.1 "$LAB_NAME_MISSING"
	assert_failure 2
	assert_line $'nosuch.lab.test\tunknown\t-\t-\t-\t-\t-'
	assert_regex "$stderr" '2 targets, 1 up, 0 down, 1 unknown \(1 unresolved\)'
	run --separate-stderr in_lab "$LANSCAN" -s --json -t 300 "$LAB_NAME_MISSING"
	assert_regex "$stderr" '"unknown":1,"unresolved":1'
}

@test "conflict: the NDJSON conflict record is an event, not a second host record" {
	# no conflict in the plain lab: the record's shape is checked in 55-recall; here, that
	# jq-style counting of up hosts sees each host once in a sweep with --json
	run in_lab "$LANSCAN" -t 300 --json "$ONLINK"
	[ "$(printf '%s\n' "$output" | grep -c '"state":"up"')" -eq 4 ]
	[ "$(printf '%s\n' "$output" | grep -c '"event"')" -eq 0 ]
}

@test "-c N: sent, received, loss and the RTT's least and most, as fping -c gives them" {
	run in_lab "$LANSCAN" -c 3 -t 300 198.18.0.1 "$LAB_REMOTE_DEAD4"
	assert_regex "$(line_for 198.18.0.1)" $'^198\\.18\\.0\\.1\tup\t[0-9.]+\t-\tping\t-\t-\t3\t3\t0%\t[0-9]+\\.[0-9]{3}\t[0-9]+\\.[0-9]{3}$'
	assert_equal "$(line_for "$LAB_REMOTE_DEAD4" | cut -f2,8-)" $'down\t3\t0\t100%\t-\t-'
	# min <= avg <= max
	line=$(line_for 198.18.0.1)
	awk -F'\t' '{ exit !($11 <= $3 + 0.0005 && $3 <= $12 + 0.0005) }' <<<"$line" || fail "not min <= avg <= max: $line"
	run in_lab "$LANSCAN" -c 3 -t 300 --json 198.18.0.1
	assert_regex "$output" '"sent":3,"received":3,"loss_pct":0\.0,"rtt_min_ms":[0-9.]+,"rtt_max_ms":[0-9.]+\}$'
}

@test "rate: a plain sweep of two /24s says nothing on stderr (TCP's share of the budget is no shortfall)" {
	[ -z "${LANSCAN_SANITIZED:-}" ] || skip "a sanitized binary may really fall short of the rate"
	run --separate-stderr in_lab "$LANSCAN" "$LAB_REMOTE_LIVE24_NET" "$LAB_LAN_NET4"
	assert_equal "$stderr" ""
}
