#!/usr/bin/env bats
# 70-hardening.bats -- closed streams, files planted or odd, borrowed privileges, unbounded input, signals, fping's letters.

load helper

setup_file() { lab_up; }
teardown_file() { lab_down; }
setup() {
	lab_require
	dir=$(mktemp -d /tmp/lanscan-hard.XXXXXX)
	chmod 755 "$dir"
}
teardown() {
	[ -f "$dir/pids" ] && xargs -r kill -9 <"$dir/pids" 2>/dev/null
	rm -rf "$dir"
}

# Runs a command line (bash) in the scanner namespace, with stdin from /dev/null.
in_lab_sh() { in_lab bash -c "$1" </dev/null; }

# --- standard streams -----------------------------------------------------------

@test "streams: a closed stdout is a write error (exit 4); closed stdin or stderr change nothing" {
	run --separate-stderr in_lab_sh "'$LANSCAN' -t 300 198.18.0.1 >&-"
	assert_equal "$status" 4
	assert_equal "$stderr" "lanscan: writing output: Bad file descriptor"
	run --separate-stderr in_lab_sh "'$LANSCAN' -t 300 198.18.0.1 <&-"
	assert_success
	assert_output --regexp '^198\.18\.0\.1	up	'
	run in_lab_sh "'$LANSCAN' -t 300 198.18.0.1 2>&-"
	assert_success
	assert_output --regexp '^198\.18\.0\.1	up	'
}

@test "streams: with stdout closed, results never land in the state file's lock" {
	run in_lab_sh "'$LANSCAN' -t 300 --state '$dir/s' 198.18.0.1 >&-"
	assert_equal "$status" 4
	[ ! -s "$dir/s.lock" ] || fail "the lock holds: $(cat "$dir/s.lock")"
}

@test "streams: --help, --version, --sort and --nagios to a full disk exit 4 with a clean message" {
	for args in --help --version "-t 300 --sort 198.18.0.1" "-t 300 --format prom 198.18.0.1"; do
		run --separate-stderr in_lab_sh "'$LANSCAN' $args >/dev/full"
		assert_equal "$status" 4
		assert_equal "$stderr" "lanscan: writing output: No space left on device"
	done
	run --separate-stderr in_lab_sh "'$LANSCAN' -t 300 --nagios 198.18.0.1 >/dev/full"
	assert_equal "$status" 3	# Nagios UNKNOWN
	assert_equal "$stderr" "lanscan: writing output: No space left on device"
}

# --- files ---------------------------------------------------------------------

@test "files: a symbolic link planted as the lock is refused, and creates nothing" {
	ln -s "$dir/victim" "$dir/s.lock"
	run --separate-stderr lanscan -t 300 --state "$dir/s" 198.18.0.1
	assert_equal "$status" 4
	assert_regex "$stderr" "s\\.lock: is a symbolic link"
	[ ! -e "$dir/victim" ]
	[ ! -e "$dir/s" ]
}

@test "files: the state file keeps its mode across rewrites, and no temporary file is left" {
	run lanscan -t 300 --state "$dir/s" 198.18.0.1
	chmod 600 "$dir/s"
	run lanscan -t 300 --state "$dir/s" 198.18.0.1-2
	assert_success
	assert_equal "$(stat -c %a "$dir/s")" 600
	assert_equal "$(ls "$dir" | sort | tr '\n' ' ')" "s s.lock "
	umask 027
	run lanscan -t 300 --prom-file "$dir/m.prom" 198.18.0.1
	assert_equal "$(stat -c %a "$dir/m.prom")" 640	# a new file: 0666 less the umask
}

@test "files: a state file that is a symbolic link is followed: its target is rewritten, the link stays" {
	mkdir "$dir/real"
	ln -s real/s "$dir/s"
	run lanscan -t 300 --state "$dir/s" 198.18.0.1
	assert_success
	run lanscan -t 300 --state "$dir/s" 198.18.0.1-2
	assert_output --regexp '^new	198\.18\.0\.2	up'
	[ -L "$dir/s" ]
	assert_equal "$(head -1 "$dir/real/s")" "# lanscan state 5"
	assert_equal "$(grep -c '^198' "$dir/real/s")" 2
	[ -e "$dir/real/s.lock" ]
}

@test "files: a FIFO or a device as --state is refused at once, not waited on" {
	mkfifo "$dir/fifo"
	run --separate-stderr lanscan -t 300 --state "$dir/fifo" 198.18.0.1
	assert_equal "$status" 4
	assert_equal "$stderr" "lanscan: $dir/fifo: not a regular file"
	run --separate-stderr lanscan -t 300 --state /dev/zero 198.18.0.1
	assert_equal "$status" 4
	assert_equal "$stderr" "lanscan: /dev/zero: not a regular file"
}

@test "files: -f and --exclude-file read bounded lines: /dev/zero is an error, not memory exhaustion" {
	run --separate-stderr lanscan -f /dev/zero
	assert_equal "$status" 3
	assert_equal "$stderr" "lanscan: /dev/zero:1: NUL byte in line"
	run --separate-stderr lanscan --exclude-file /dev/zero 198.18.0.1
	assert_equal "$status" 3
	head -c 70000 /dev/zero | tr '\0' 'a' >"$dir/long"
	run --separate-stderr lanscan -f "$dir/long"
	assert_equal "$status" 3
	assert_equal "$stderr" "lanscan: $dir/long:1: line longer than 65535 bytes"
	assert_output ""
}

@test "files: what lanscan writes to --state it reads back, however long the target" {
	long="198.18.0.$(printf '1,%.0s' $(seq 1200))1"
	[ "${#long}" -gt 2400 ]
	run lanscan -t 300 --state "$dir/s" "$long"
	assert_success
	assert_output --regexp '^new	198\.18\.0\.1	up	'
	run --separate-stderr lanscan -t 300 --state "$dir/s" "$long"
	assert_success
	assert_output ""
}

@test "output: a --json line is never cut, however long the target" {
	long="198.18.0.$(printf '1,%.0s' $(seq 1200))1"
	run lanscan -t 300 --json "$long" "${long/198.18.0./198.18.0.2,}"
	assert_success
	assert_equal "${#lines[@]}" 2
	printf '%s\n' "$output" | python3 -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    assert len(o["target"]) > 2400, o' || fail "invalid JSON: $output"
}

# --- borrowed privileges ----------------------------------------------------------

# A --ping-cmd that records who it runs as and what its parent (lanscan) kept.
write_idping() {
	cat >"$dir/idping" <<-EOF
	#!/bin/sh
	{ id -u; grep -E '^(Uid|CapEff|CapPrm):' /proc/\$PPID/status; } >"$dir/id.out"
	exec ping "\$@"
	EOF
	chmod 755 "$dir/idping"
}

@test "setuid root: files are opened as the user, and root is gone before the sweep" {
	cp "$LANSCAN" "$dir/lanscan"
	chown root:root "$dir/lanscan"
	chmod 4755 "$dir/lanscan"
	printf '198.18.0.1\n!!secret!!\n' >"$dir/secret"
	chmod 600 "$dir/secret"
	chmod 1777 "$dir"
	write_idping
	nobody() { run --separate-stderr in_lab setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/lanscan" "$@"; }
	# The sockets are root's: the icmp method works.
	nobody -t 500 --method icmp 198.18.0.1
	assert_success
	assert_output --regexp '^198\.18\.0\.1	up	[0-9.]+	-	icmp	-	-$'
	# A root-only file is not read, and its lines never show.
	nobody -f "$dir/secret"
	assert_equal "$status" 3
	assert_equal "$stderr" "lanscan: $dir/secret: Permission denied"
	# Files are created by the user.
	nobody -t 500 --method icmp --prom-file "$dir/m.prom" 198.18.0.1
	assert_equal "$(stat -c %u "$dir/m.prom")" 65534
	# The ping program runs as the user, and lanscan kept no root id and no capability.
	nobody -t 500 --method ping --ping-cmd "$dir/idping" 198.18.0.1
	assert_success
	assert_equal "$(head -1 "$dir/id.out")" 65534
	assert_equal "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$dir/id.out")" "65534 65534 65534 65534"
	assert_equal "$(awk '/^CapEff:/ { print $2 }' "$dir/id.out")" 0000000000000000
	assert_equal "$(awk '/^CapPrm:/ { print $2 }' "$dir/id.out")" 0000000000000000
}

@test "file capabilities (setcap cap_net_raw+ep): raw sockets work, then every capability is dropped" {
	command -v setcap >/dev/null || skip "setcap is not installed (libcap2-bin)"
	cp "$LANSCAN" "$dir/lanscan"
	setcap cap_net_raw+ep "$dir/lanscan"
	write_idping
	chmod 1777 "$dir"
	run --separate-stderr in_lab setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/lanscan" --verbose -t 500 --method icmp 198.18.0.1
	assert_success
	assert_output --regexp '^198\.18\.0\.1	up	[0-9.]+	-	icmp	-	-$'
	run --separate-stderr in_lab setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/lanscan" -t 500 --method ping --ping-cmd "$dir/idping" 198.18.0.1
	assert_success
	assert_equal "$(awk '/^CapEff:/ { print $2 }' "$dir/id.out")" 0000000000000000
	assert_equal "$(awk '/^CapPrm:/ { print $2 }' "$dir/id.out")" 0000000000000000
}

@test "sudo: every file named on the command line is opened as the invoking user" {
	mkdir -m 700 "$dir/rootonly"
	run --separate-stderr in_lab env SUDO_UID=65534 SUDO_GID=65534 "$LANSCAN" -t 300 --state "$dir/rootonly/s" 198.18.0.1
	assert_equal "$status" 4
	assert_equal "$stderr" "lanscan: --state '$dir/rootonly/s': cannot create files in $dir/rootonly: Permission denied"
	assert_output ""
	printf '198.18.0.1\n' >"$dir/rootonly/hosts"
	run --separate-stderr in_lab env SUDO_UID=65534 SUDO_GID=65534 "$LANSCAN" -t 300 -f "$dir/rootonly/hosts"
	assert_equal "$status" 3
	assert_regex "$stderr" "Permission denied"
	# and the sweep itself still has root's sockets, then drops
	chmod 1777 "$dir"
	write_idping
	run --separate-stderr in_lab env SUDO_UID=65534 SUDO_GID=65534 "$LANSCAN" -t 500 --method ping --ping-cmd "$dir/idping" 198.18.0.1
	assert_success
	assert_equal "$(head -1 "$dir/id.out")" 65534
}

# --- signals and process limits -----------------------------------------------------

@test "signals: HUP and QUIT stop the sweep like TERM: summary, 128+N, no ping left behind" {
	cat >"$dir/slowping" <<-EOF
	#!/bin/sh
	sleep 60 &
	echo \$! >>"$dir/pids"
	wait
	EOF
	chmod 755 "$dir/slowping"
	for sig in HUP QUIT; do
		: >"$dir/pids"
		in_lab "$LANSCAN" -s -t 500 --method ping --ping-cmd "$dir/slowping" 198.18.0.1-20 \
			>"$dir/out" 2>"$dir/err" &
		pid=$!
		for _ in $(seq 50); do [ "$(wc -l <"$dir/pids")" -ge 20 ] && break; sleep 0.1; done
		[ "$(wc -l <"$dir/pids")" -ge 20 ] || fail "the pings did not start"
		pkill -"$sig" -f "^$LANSCAN -s -t 500 --method ping" || fail "lanscan not found"
		status=0
		wait "$pid" || status=$?
		case $sig in HUP) assert_equal "$status" 129 ;; QUIT) assert_equal "$status" 131 ;; esac
		grep -q "(interrupted)" "$dir/err" || fail "no summary: $(cat "$dir/err")"
		sleep 0.3
		left=0
		# (a killed child of a dead wrapper may linger as a zombie of pid 1: that is gone)
		while read -r p; do
			st=$(ps -o stat= -p "$p" 2>/dev/null) && [[ $st != Z* ]] && left=$((left + 1))
		done <"$dir/pids"
		assert_equal "$left" 0
	done
}

@test "limits: a ulimit -u lower than -j runs fewer pings at once instead of failing" {
	cp "$LANSCAN" "$dir/lanscan"
	chmod 1777 "$dir"
	run --separate-stderr in_lab setpriv --reuid=65534 --regid=65534 --clear-groups \
		bash -c "ulimit -u 12 && exec '$dir/lanscan' -t 500 --method ping -j 60 198.18.0.1-40"
	assert_success	# all 40 are live in the lab
	assert_equal "${#lines[@]}" 40
	assert_equal "$(printf '%s\n' "$output" | grep -c '	up	')" 40
}

# --- what is and is not a target, and how many -------------------------------------------

@test "targets: hex, octal and short IPv4 forms and the unspecified addresses are refused" {
	for t in 0x7f.0.0.1 0177.0.0.1 010.1.1.1 2130706433 127.1 0.0.0.0 ::; do
		run --separate-stderr lanscan --list "$t"
		assert_equal "$status" 3
	done
	run --separate-stderr lanscan --list 0x7f.0.0.1
	assert_equal "$stderr" "lanscan: '0x7f.0.0.1': not a dotted-quad address (hex, octal and short forms are not taken)"
	run --separate-stderr lanscan --list ::
	assert_equal "$stderr" "lanscan: '::': the unspecified address is not a host"
	run --separate-stderr lanscan --exclude "" 198.18.0.1
	assert_equal "$status" 3
}

@test "targets: the --force limit counts what is left after exclusions" {
	run --separate-stderr lanscan -t 300 --method icmp 198.18.0.0/15 --exclude 198.18.0.4-198.19.255.255
	assert_success
	assert_equal "$(printf '%s\n' "$output" | cut -f1 | sort -V | tr '\n' ' ')" "198.18.0.1 198.18.0.2 198.18.0.3 "
	run --separate-stderr lanscan -t 300 198.18.0.0/15 --exclude 198.18.1.0/24
	assert_equal "$status" 3
}

@test "messages: control characters from targets are escaped, never echoed raw" {
	run --separate-stderr lanscan $'bad\e[31m\nname'
	assert_equal "$status" 3
	assert_equal "${stderr_lines[0]}" "lanscan: 'bad\\x1b[31m\\nname': not an address, range or host name"
}

@test "options: contradictions are usage errors, not silently resolved" {
	for args in "-a -u" "-4 -6" "--json --format prom" "--format prom --nagios" \
		"--method ping --rate 100" "-t 60 --min-timeout 150 --retries 0" "--sort --state /tmp/x" \
		"--sort --format prom" "-u --format prom" "-q --nagios" "-a --nagios" "-n -q" "-n -u" \
		"-I lan0 -I up0" "-S 198.19.1.2 -S 198.19.1.2"; do
		# shellcheck disable=SC2086
		run --separate-stderr lanscan $args 198.18.0.1
		assert_equal "$status" 3
		if [[ $args == *--nagios* ]]; then	# a plugin always prints its status line
			assert_output --regexp '^LANSCAN UNKNOWN - usage error: '
		else
			assert_output ""
		fi
	done
}

@test "fping letters: same meaning, or refused with a hint naming lanscan's option" {
	run lanscan -t 300 -g 198.18.0.1 198.18.0.3
	assert_equal "$(printf '%s\n' "$output" | cut -f1 | sort -V | tr '\n' ' ')" "198.18.0.1 198.18.0.2 198.18.0.3 "
	run --separate-stderr lanscan -t 300 -r 0 -x 1 -a "$LAB_REMOTE_DEAD4" 198.18.0.1
	assert_success
	assert_output --regexp '^198\.18\.0\.1	up	'
	run --separate-stderr lanscan -v
	assert_equal "$status" 3
	assert_regex "${stderr_lines[0]}" "use --verbose, or -V/--version"
	run --separate-stderr lanscan -i 10 198.18.0.1
	assert_equal "$status" 3
	assert_regex "${stderr_lines[0]}" "use --rate"
}
