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
	assert_regex "$stderr" '^lanscan: 2 targets, 1 up, 1 down, 0 unknown \(0 unresolved\), [0-9.]+ s$'
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

# Runs lanscan in a namespace of its own whose links are a veth pair with
# the addresses given (ADDR/LEN@IFACE ...), then the lanscan arguments after --.
in_subnets() {
	local setup="ip link set lo up; ip link add name va type veth peer name vb; ip link set va up; ip link set vb up"
	while [ "$1" != -- ]; do setup="$setup; ip addr add ${1%@*} dev ${1#*@}"; shift; done
	shift
	run --separate-stderr timeout 20 unshare -n sh -c "$setup"' && exec "$0" "$@"' "$LANSCAN" "$@"
}

@test "no target: a subnet cut to /22 says what was kept, what was left out, and --force" {
	in_subnets 10.77.5.9/21@va 10.88.0.1/14@vb 10.99.0.1/24@vb -- --list -4
	assert_success
	assert_equal "${#lines[@]}" $((1022 + 1022 + 254))
	# the interfaces come in getifaddrs(3)'s order
	assert_regex "${stderr_lines[0]}" "^lanscan: no target given; sweeping "
	for s in "10.77.4.0/22 (va)" "10.88.0.0/22 (vb)" "10.99.0.0/24 (vb)"; do
		[[ ${stderr_lines[0]} == *"$s"* ]] || fail "$s missing: ${stderr_lines[0]}"
	done
	assert_equal "$(printf '%s\n' "${stderr_lines[@]:1}" | sort)" "lanscan: va is on 10.77.0.0/21 (2048 addresses): only 10.77.4.0/22, around its address, is swept; left out: 10.77.0.0-10.77.3.255 (--force sweeps the whole /21)
lanscan: vb is on 10.88.0.0/14 (262144 addresses): only 10.88.0.0/22, around its address, is swept; left out: 10.88.4.0-10.91.255.255 (--force sweeps the whole /14)"
	in_subnets 10.77.1.1/20@va -- --list -4
	assert_equal "${stderr_lines[1]}" "lanscan: va is on 10.77.0.0/20 (4096 addresses): only 10.77.0.0/22, around its address, is swept; left out: 10.77.4.0-10.77.15.255 (--force sweeps the whole /20)"
	in_subnets 10.77.9.1/20@va -- --list -4
	assert_equal "${stderr_lines[1]}" "lanscan: va is on 10.77.0.0/20 (4096 addresses): only 10.77.8.0/22, around its address, is swept; left out: 10.77.0.0-10.77.7.255 and 10.77.12.0-10.77.15.255 (--force sweeps the whole /20)"
	in_subnets 10.77.5.9/21@va -- --list -4 --force
	assert_success
	assert_equal "${#lines[@]}" 2046
	assert_equal "$stderr" "lanscan: no target given; sweeping 10.77.0.0/21 (va)"
}

@test "ipv6: an on-link /64 says how many of the link's neighbours are inside it" {
	run --separate-stderr lanscan -t 500 "$LAB_LAN_NET6"
	assert_success
	n=${#lines[@]}
	assert_regex "$stderr" "^lanscan: '$LAB_LAN_NET6' is on-link: its IPv6 neighbours there, $n of the [0-9]+ on lan0 \(the others are outside it\)$"
}

@test "names: a failed lookup says it was name resolution, and why" {
	run --separate-stderr lanscan --json "$LAB_NAME_MISSING"
	assert_equal "$status" 2
	assert_equal "$stderr" "lanscan: $LAB_NAME_MISSING: name resolution failed: no such name"
	assert_regex "$output" '"error":"name resolution failed: no such name"'
	# a name server that does not answer (a lab address nobody has)
	printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$LAB_REMOTE_DEAD4" >"$BATS_TEST_TMPDIR/resolv"
	run --separate-stderr in_lab unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && exec "$2" h4.lab.test' _ \
		"$BATS_TEST_TMPDIR/resolv" "$LANSCAN"
	assert_equal "$status" 2
	assert_equal "$stderr" "lanscan: h4.lab.test: name resolution failed: temporary failure (the name server did not answer, or failed)"
}

@test "names: a DNS server that does not answer is said once on stderr, without --verbose" {
	printf 'nameserver %s\n' "$LAB_REMOTE_DEAD4" >"$BATS_TEST_TMPDIR/resolv"
	run --separate-stderr in_lab unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' _ \
		"$BATS_TEST_TMPDIR/resolv" "$LANSCAN" -n --name-timeout 300 -t 300 198.18.0.1-8
	assert_success
	assert_equal "${#lines[@]}" 8
	assert_equal "$stderr" "lanscan: names: no answer from the DNS server (or no way to it): no more DNS lookups this sweep; names from /etc/hosts, mDNS and NetBIOS still come"
	# /etc/hosts still names its host after DNS gave up
	run --separate-stderr in_lab unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' _ \
		"$BATS_TEST_TMPDIR/resolv" "$LANSCAN" -n --name-timeout 300 -t 300 198.18.0.1-8 "$LAB_NAME_HOSTSFILE_ADDR"
	assert_equal "$(line_for "$LAB_NAME_HOSTSFILE_ADDR" | cut -f4)" "$LAB_NAME_HOSTSFILE"
	assert_equal "${#stderr_lines[@]}" 1
	# a server that answers: nothing said
	run --separate-stderr lanscan -n -t 300 198.18.0.1-8
	assert_success
	assert_equal "$stderr" ""
}

@test "docs: the README's first pipe example has today's seven columns; the man page's cron entry sweeps once" {
	local top=$TESTS_DIR/..
	ex=$(awk '/^\$ lanscan .* \| head -5 .*# into a pipe$/ { on = 1; next } on && /^```/ { exit } on && !/^\.\.\./' "$top/README.md")
	[ "$(printf '%s\n' "$ex" | wc -l)" -ge 4 ] || fail "no first example found"
	[ -z "$(printf '%s\n' "$ex" | awk -F'\t' 'NF != 7')" ] || fail "not 7 columns: $ex"
	printf '%s\n' "$ex" | awk -F'\t' '$2 == "up" && $6 != "-" && $7 != "-"' | grep -q . || fail "no row with a MAC and vendor"
	# the same shape as a real sweep of the lab's segment (as root: arp, with MAC)
	run --separate-stderr lanscan -t 300 "${LAB_LAN_HOSTS4%% *}" "$LAB_LAN_DEAD4"
	assert_regex "$(line_for "${LAB_LAN_HOSTS4%% *}")" $'^[0-9.]+\tup\t[0-9]+\.[0-9]{3}\t-\tarp\t([0-9a-f]{2}:){5}[0-9a-f]{2}\t\\(locally administered\\)$'
	assert_equal "$(line_for "$LAB_LAN_DEAD4")" "$LAB_LAN_DEAD4"$'\tdown\t-\t-\t-\t-\t-'
	cron=$(sed -n '/^A cron entry/,/^\.fi/p' "$top/man/lanscan.1" | grep '^\*/5')
	[ "$(grep -o 'lanscan ' <<<"$cron" | wc -l)" -eq 1 ] || fail "the cron entry runs lanscan more than once: $cron"
}
