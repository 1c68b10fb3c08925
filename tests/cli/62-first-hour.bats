#!/usr/bin/env bats
# 62-first-hour.bats -- what a new user meets in the first hour: -q with the
# options that shape lines, time units, output paths checked before the first
# probe, messages that say what happened and how to change it.

load helper

setup_file() { lab_up; }
teardown_file() { lab_down; }
setup() { lab_require; }

@test "-q: options that only shape lines are usage errors, not ignored" {
	for args in "-q -a" "-q -u" "-q --sort" "-q --json" "-q --format text" "-q -s --format prom" \
		"-q --list" "-q --progress" "-q --verbose"; do
		# shellcheck disable=SC2086
		run --separate-stderr lanscan $args 198.18.0.1
		assert_equal "$status" 3
		assert_output ""
		[[ ${stderr_lines[0]} == "lanscan: "*-q/--quiet* ]] || fail "$args: ${stderr_lines[0]}"
	done
}

@test "-q -s: nothing on stdout, the summary on stderr (as fping -q -s); --json makes it JSON" {
	run --separate-stderr lanscan -q -s -t 300 198.18.0.1 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 1
	assert_output ""
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" '^lanscan: 2 targets, 1 up, 1 down, 0 unknown, 0 unresolved, [0-9.]+ s$'
	run --separate-stderr lanscan -q -s --json -t 300 198.18.0.1
	assert_success
	assert_output ""
	assert_regex "$stderr" '^\{"targets":1,"up":1,"down":0,'
}

@test "time options take ms, or a unit: -t 300ms, -t 1s; a bad one names the unit" {
	run --separate-stderr lanscan -t 300ms -r 0 "$LAB_REMOTE_DEAD4"
	assert_equal "$status" 1
	assert_regex "$output" $'\tdown\t'
	run --separate-stderr lanscan -t 1s -n --name-timeout 200ms --max-timeout 1s 198.18.0.1
	assert_success
	run --separate-stderr lanscan -t 5 198.18.0.1
	assert_equal "$status" 3
	assert_equal "$stderr" "lanscan: -t/--timeout '5': too small (expected 10 to 60000 ms; a unit may follow: 500ms, 5s)
Try 'lanscan --help' for more information."
}

@test "targets: a comma list of whole addresses and names is taken, as --exclude takes it" {
	run --separate-stderr lanscan -t 300 -r 0 "198.18.0.1,$LAB_REMOTE_DEAD4" "198.18.0.2,3" "$LAB_NAME_LIVE,198.18.0.4"
	assert_equal "$status" 1
	assert_equal "$(printf '%s\n' "$output" | cut -f1,2 | sort -V | tr '\t\n' ': ')" \
		"198.18.0.1:up 198.18.0.1:up 198.18.0.2:up 198.18.0.3:up 198.18.0.4:up 198.18.0.200:down "
	run --separate-stderr lanscan --list 198.18.0.1,198.18.0.2,198.18.0.3 --exclude 198.18.0.2,198.18.0.3
	assert_success
	assert_output "198.18.0.1"
	run --separate-stderr lanscan 198.18.0.1,198.18.0.300
	assert_equal "$status" 3
	assert_output ""
	assert_equal "${stderr_lines[0]}" "lanscan: '198.18.0.300': octet value 300 is out of range (0-255)"
}

@test "output paths: checked before the first probe; the message names what is missing" {
	# A name that would be resolved (and sent nothing) if the check came late:
	# the sweep never starts, so no line and no probe.
	for opt in --state --prom-file; do
		run --separate-stderr lanscan -t 300 "$opt" /nonexistent/dir/x 198.18.0.1
		assert_equal "$status" 4
		assert_output ""
		assert_equal "$stderr" "lanscan: $opt '/nonexistent/dir/x': directory /nonexistent/dir does not exist"
	done
	run --separate-stderr lanscan --prom-file "$BATS_TEST_TMPDIR" 198.18.0.1
	assert_equal "$status" 4
	assert_equal "$stderr" "lanscan: --prom-file '$BATS_TEST_TMPDIR': is a directory"
	touch "$BATS_TEST_TMPDIR/file"
	run --separate-stderr lanscan --state "$BATS_TEST_TMPDIR/file/st" 198.18.0.1
	assert_equal "$status" 4
	assert_equal "$stderr" "lanscan: --state '$BATS_TEST_TMPDIR/file/st': $BATS_TEST_TMPDIR/file is not a directory"
	# a link to a file in a missing directory names that directory
	ln -s /nonexistent/real.prom "$BATS_TEST_TMPDIR/link.prom"
	run --separate-stderr lanscan --prom-file "$BATS_TEST_TMPDIR/link.prom" 198.18.0.1
	assert_equal "$status" 4
	assert_equal "$stderr" "lanscan: --prom-file '$BATS_TEST_TMPDIR/link.prom': directory /nonexistent does not exist"
	# before the no-target default's IPv6 discovery too: it takes the -t wait
	SECONDS=0
	run --separate-stderr lanscan -t 3000 --prom-file /nonexistent/x.prom
	assert_equal "$status" 4
	[ "$SECONDS" -lt 2 ] || fail "the check came after discovery (${SECONDS}s)"
	# and a good path still works
	run --separate-stderr lanscan -t 300 --prom-file "$BATS_TEST_TMPDIR/ok.prom" --state "$BATS_TEST_TMPDIR/st" 198.18.0.1
	assert_success
	grep -q '^lanscan_hosts_up 1$' "$BATS_TEST_TMPDIR/ok.prom"
	[ -s "$BATS_TEST_TMPDIR/st" ]
}

@test "nagios: a failed start says why in the status line, escaped, on one line" {
	run --separate-stderr lanscan --nagios -f /nonexistent
	assert_equal "$status" 3
	assert_output "LANSCAN UNKNOWN - nothing swept: /nonexistent: No such file or directory"
	run --separate-stderr lanscan --nagios 10.77.1.300
	assert_equal "$status" 3
	assert_output "LANSCAN UNKNOWN - nothing swept: '10.77.1.300': octet value 300 is out of range (0-255)"
	run --separate-stderr lanscan --nagios -I nosuch 198.18.0.1
	assert_equal "$status" 3
	assert_output "LANSCAN UNKNOWN - nothing swept: -I/--interface 'nosuch': no such interface"
	run --separate-stderr lanscan --nagios --state /nonexistent/st 198.18.0.1
	assert_equal "$status" 3
	assert_output "LANSCAN UNKNOWN - nothing swept: --state '/nonexistent/st': directory /nonexistent does not exist"
	run --separate-stderr lanscan --nagios $'bad|name\nX'
	assert_equal "$status" 3
	assert_equal "${#lines[@]}" 1
	assert_output "LANSCAN UNKNOWN - nothing swept: 'bad?name?X': not an address, range or host name"
}
