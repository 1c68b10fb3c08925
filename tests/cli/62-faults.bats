#!/usr/bin/env bats
# 62-faults.bats -- our own machine misbehaves: closed or full output, local send errors, links that break, limits, locks, clocks.
#
# A small fault segment of its own (not the whole lab): a scanner namespace
# and a hosts namespace joined by one veth; 10.77.0.2-121 answer (addresses
# on the hosts' end of the veth), 10.77.0.122-254 are silent.  Each test
# bounds its time (LANSCAN_TEST_TIMEOUT) and removes what it made.

load helper

FAULT_NET=10.77.0
FAULT_LIVE_LAST=121

fault_up() {
	[ "$(id -u)" -eq 0 ] || return 0
	export LAB_ID="${LAB_RUN:-r$$}f${BATS_SUITE_TEST_NUMBER:-0}x$RANDOM"
	local s h i
	s=$(lab_ns fscan) h=$(lab_ns fhost)
	ip netns add "$s"
	ip netns add "$h"
	ip -n "$s" link set lo up
	ip -n "$h" link set lo up
	ip -n "$s" link add fv0 type veth peer name fv1 netns "$h"
	ip -n "$s" addr add "$FAULT_NET.1/24" dev fv0
	ip -n "$s" link set fv0 up
	{
		for ((i = 2; i <= FAULT_LIVE_LAST; i++)); do echo "addr add $FAULT_NET.$i/24 dev fv1"; done
		echo "link set fv1 up"
	} | ip -n "$h" -batch -
	ip netns exec "$s" sysctl -qw net.ipv4.icmp_ratelimit=0
	ip netns exec "$h" sysctl -qw net.ipv4.icmp_ratelimit=0
	# Wait for the veth's carrier (a few ms).
	for i in $(seq 50); do
		ip -n "$s" link show fv0 | grep -q LOWER_UP && break
		sleep 0.05
	done
}

fault_down() {
	[ "$(id -u)" -eq 0 ] || return 0
	[ -n "${LAB_ID:-}" ] && "$LAB_SH" down
}

setup_file() { fault_up; }
teardown_file() { fault_down; }
setup() {
	lab_require
	dir=$(mktemp -d /tmp/lanscan-fault.XXXXXX)
	chmod 755 "$dir"
}
teardown() {
	[ -f "$dir/pids" ] && xargs -r kill -9 <"$dir/pids" 2>/dev/null
	[ -d "$dir/mnt" ] && umount "$dir/mnt" 2>/dev/null
	rm -rf "$dir"
}

# AddressSanitizer reserves terabytes of address space: no sanitized binary
# runs under `ulimit -v` (a skip, said as such).
skip_if_sanitized() {
	if grep -q __asan_init "$LANSCAN" 2>/dev/null; then
		skip "a sanitized binary cannot run under ulimit -v"
	fi
}

# Runs a bash command line in the fault segment's scanner namespace.
in_fault() { timeout "$LANSCAN_TEST_TIMEOUT" ip netns exec "$(lab_ns fscan)" bash -c "$1" </dev/null; }
# Runs a command in the hosts' namespace.
in_hosts() { ip netns exec "$(lab_ns fhost)" "$@"; }

# --- crashes: output and sends failing at once ---------------------------------

@test "crash: stdout closed while every send fails (no network at all): exit 4, no signal" {
	run --separate-stderr timeout 20 unshare -n bash -c "'$LANSCAN' -t 300 127.0.0.1 127.0.0.2 >&-"
	assert_equal "$status" 4
	assert_equal "$stderr" "lanscan: writing output: Bad file descriptor"
}

# The disk fills on a down host's line (the race decided it with every
# attempt done): the write fails inside the race's own callbacks.
@test "crash: output to a disk that fills mid-sweep: exit 4, ENOSPC named, no signal" {
	mkdir "$dir/mnt"
	# A 4 KB tmpfs of its own mount namespace (nothing leaks to the host's mounts).
	for args in "" "--format json" "-j 1 --format json"; do
		run --separate-stderr in_fault "unshare -m bash -c 'mount -t tmpfs -o size=4k tmpfs $dir/mnt && \
			\"$LANSCAN\" -t 200 $args $FAULT_NET.100-254 >$dir/mnt/out; echo status=\$?'"
		assert_output "status=4"
		assert_equal "$stderr" "lanscan: writing output: No space left on device"
	done
}

@test "crash: a full disk with --sort, and with -n" {
	mkdir "$dir/mnt"
	for args in "--sort" "-n --name-timeout 200"; do
		run --separate-stderr in_fault "unshare -m bash -c 'mount -t tmpfs -o size=4k tmpfs $dir/mnt && \
			\"$LANSCAN\" -t 300 $args $FAULT_NET.0/24 >$dir/mnt/out; echo status=\$?'"
		assert_output "status=4"
		# -n: the segment has no name server, which is said once, and is no fault of ours
		assert_equal "$(printf '%s\n' "$stderr" | grep -v '^lanscan: names: no answer from the DNS server')" \
			"lanscan: writing output: No space left on device"
	done
}

# --- our side breaks mid-sweep: never `down`, one message ----------------------

# Puts the segment back as fault_up made it.
fault_mend() {
	local s h
	s=$(lab_ns fscan) h=$(lab_ns fhost)
	ip -n "$h" link set fv1 up 2>/dev/null
	ip -n "$s" link set fv0 up 2>/dev/null
	ip -n "$s" addr replace "$FAULT_NET.1/24" dev fv0 2>/dev/null
	ip -n "$s" route replace "$FAULT_NET.0/24" dev fv0 src "$FAULT_NET.1" 2>/dev/null
	for _ in $(seq 50); do
		ip -n "$s" link show fv0 | grep -q LOWER_UP && break
		sleep 0.05
	done
}

# Sweeps the live hosts slowly (about 2.4 s at 50 packets a second), breaks our side after 1 s with NS CMD..., and checks that no
# live host is `down`, that the break made some `unknown`, and that stderr
# says so in one line.
break_mid_sweep() {
	local args=$1 ns=$2
	shift 2
	run --separate-stderr in_fault "( sleep 1; ip netns exec $(lab_ns "$ns") $* ) & \
		'$LANSCAN' -t 300 --rate 50 $args $FAULT_NET.2-$FAULT_LIVE_LAST; st=\$?; wait; exit \$st"
	fault_mend
	assert_equal "$status" 1
	[ "$(grep -c "	down	" <<<"$output")" -eq 0 ] || fail "live hosts reported down: $(grep "	down	" <<<"$output" | head -3)"
	[ "$(grep -c "	unknown	" <<<"$output")" -gt 0 ] || fail "no host unknown: the break came too late"
	[ "$(grep -c "	up	" <<<"$output")" -gt 0 ] || fail "no host up: the break came too early"
	stderr=$(grep -v "asked for --rate" <<<"$stderr" || true)	# the pacer's own note
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || fail "not one message: $stderr"
}

@test "our side: our link taken down 1 s into the sweep: unknown, one message" {
	break_mid_sweep "" fscan ip link set fv0 down
	assert_regex "$stderr" "^lanscan: fv0 was taken down during the sweep: hosts probed through it are reported unknown, not down$"
}

# ARP needs neither our address nor a route (a raw socket on the link, and
# the hosts do answer): ICMP alone shows what the routing table does.
@test "our side: our address flushed 1 s into the sweep: unknown, one message" {
	break_mid_sweep "--method=icmp" fscan ip addr flush dev fv0
	assert_regex "$stderr" "^lanscan: fv0 lost (an address|a route) during the sweep"
}

@test "our side: our route deleted 1 s into the sweep: unknown, one message" {
	break_mid_sweep "--method=icmp" fscan ip route del "$FAULT_NET.0/24" dev fv0
	assert_regex "$stderr" "^lanscan: fv0 lost a route during the sweep"
}

@test "our side: our link loses its carrier (the peer goes down) 1 s into the sweep: unknown, one message" {
	break_mid_sweep "" fhost ip link set fv1 down
	assert_regex "$stderr" "^lanscan: fv0 lost its carrier during the sweep"
}

@test "our side: no route at all: unknown with the cause, never down" {
	run --separate-stderr timeout 20 unshare -n "$LANSCAN" -t 300 127.0.0.1 127.0.0.2
	assert_equal "$status" 1
	assert_line --regexp '^127\.0\.0\.1	unknown	'
	assert_line --regexp '^127\.0\.0\.2	unknown	'
	assert_regex "$stderr" "^lanscan: [0-9]+ probes could not be sent from this machine \\(Network is unreachable\\): their hosts are reported unknown, not down$"
}

# --- resource limits: a clear error or a correct sweep, never an abort ----------

@test "limits: ulimit -n 4 and 5: exit 4 with the limit named, no SIGABRT" {
	for n in 4 5; do
		run --separate-stderr in_fault "ulimit -n $n; '$LANSCAN' -t 300 $FAULT_NET.2 3>&-"
		assert_equal "$status" 4
		assert_equal "$stderr" "lanscan: the open file limit (ulimit -n $n) is too low: a sweep needs at least 16"
	done
}

@test "limits: ulimit -v 6000 on a /24: exit 4 with the limit named, no SIGABRT" {
	skip_if_sanitized
	run --separate-stderr in_fault "ulimit -v 6000; '$LANSCAN' -t 300 $FAULT_NET.0/24"
	assert_equal "$status" 4
	assert_regex "$stderr" "^lanscan: the address space limit \\(ulimit -v 6000\\) is too low"
}

@test "limits: a name target under ulimit -v 1000000, and unprivileged under ulimit -u 100: a correct sweep" {
	skip_if_sanitized
	run --separate-stderr in_fault "ulimit -v 1000000; '$LANSCAN' -t 300 localhost"
	assert_success
	assert_output --regexp '^127\.0\.0\.1	up	'
	cp "$LANSCAN" "$dir/lanscan" && chmod 755 "$dir/lanscan"
	run --separate-stderr in_fault "setpriv --reuid=65534 --regid=65534 --clear-groups \
		bash -c 'ulimit -u 100; ulimit -v 1000000; \"$dir/lanscan\" -t 300 -j 256 localhost $FAULT_NET.2'"
	assert_success
	assert_line --regexp '^127\.0\.0\.1	up	'
	assert_line --regexp "^$FAULT_NET\\.2	up	"
}

@test "limits: unprivileged under ulimit -u 100 (no -v): a correct sweep, the thread pool fits" {
	cp "$LANSCAN" "$dir/lanscan" && chmod 755 "$dir/lanscan"
	run --separate-stderr in_fault "setpriv --reuid=65534 --regid=65534 --clear-groups \
		bash -c 'ulimit -u 100; \"$dir/lanscan\" -t 300 -j 256 localhost $FAULT_NET.2'"
	assert_success
	assert_line --regexp '^127\.0\.0\.1	up	'
}

@test "limits: ulimit -f with --state: exit 4, EFBIG named, no SIGXFSZ, no temporary file left" {
	run --separate-stderr in_fault "ulimit -f 2; '$LANSCAN' -t 200 --state '$dir/state' $FAULT_NET.0/24 >/dev/null"
	assert_equal "$status" 4
	assert_regex "$stderr" "File too large"
	run ls "$dir"
	refute_output --regexp 'state\.[A-Za-z0-9]{6}$'
}

# --- pipes: a slow reader waits, the shared pipe stays as it was ----------------

# 4216 lines (about 120 KB, more than a pipe holds), the live hosts in the
# middle, in flight while the reader stalls: the addresses off the segment
# have no route here, so they are quick (unknown).
@test "pipes: a reader that stalls 2 s gets every line, live hosts up; stdout is not left non-blocking" {
	run --separate-stderr in_fault "{ '$LANSCAN' -t 300 10.77.16.0/21 $FAULT_NET.2-$FAULT_LIVE_LAST 10.77.24.0/21 2>/dev/null; \
		echo status=\$? >&2; \
		python3 -c 'import fcntl, os; print(\"nonblock=%d\" % bool(fcntl.fcntl(1, fcntl.F_GETFL) & os.O_NONBLOCK))' >&2; } \
		| (sleep 2; awk -F'\t' '{ n[\$2]++ } END { print n[\"up\"], n[\"unknown\"], n[\"down\"] + 0 }')"
	assert_output "120 4092 0"
	assert_equal "$stderr" "status=1
nonblock=0"
}

@test "pipes: a reader that goes away mid-sweep still stops the sweep (exit 141)" {
	run --separate-stderr in_fault "'$LANSCAN' -t 300 $FAULT_NET.0/20 | head -1 >/dev/null; echo \${PIPESTATUS[0]}"
	assert_output "141"
}

# --- a big /etc/hosts ----------------------------------------------------------

@test "names: a 100k-line /etc/hosts (a blocklist) with the LAN's entries last: every LAN host named" {
	local etc=/etc/netns/$(lab_ns fscan)
	mkdir -p "$etc"
	{
		seq 0 99999 | sed 's/.*/0.0.0.0 ad&.example/'
		seq 2 21 | sed "s/.*/$FAULT_NET.& lan&.home/"
	} >"$etc/hosts"
	run --separate-stderr in_fault "'$LANSCAN' -t 300 -n --name-timeout 300 $FAULT_NET.2-21"
	rm -f "$etc/hosts"
	assert_success
	[ "$(grep -c "	lan[0-9]*\\.home	" <<<"$output")" -eq 20 ] || fail "not every host named: $output"
	assert_line --regexp "^$FAULT_NET\\.21	up	[0-9.]+	lan21\\.home	"
}

# --- the state file: a bounded lock wait, leftovers, messages that say why ------

@test "state: a stopped sweep holding the lock: the next waits --lock-timeout, names its pid, exit 4" {
	in_fault "exec '$LANSCAN' -t 20000 --state '$dir/s' $FAULT_NET.200 >/dev/null 2>&1" &
	local bg=$!
	echo "$bg" >>"$dir/pids"
	local pid=
	for _ in $(seq 100); do
		pid=$(pgrep -P "$(pgrep -P "$bg" | head -1)" 2>/dev/null | head -1)
		[ -n "$pid" ] || pid=$(pgrep -P "$bg" | head -1)
		[ -s /proc/locks ] && [ -e "$dir/s.lock" ] && grep -q "FLOCK.* $pid " /proc/locks 2>/dev/null && break
		sleep 0.05
	done
	grep -q "FLOCK.* $pid " /proc/locks || fail "the first sweep never took the lock"
	echo "$pid" >>"$dir/pids"
	kill -STOP "$pid"
	SECONDS=0
	run --separate-stderr in_fault "'$LANSCAN' -t 300 --lock-timeout 1 --state '$dir/s' $FAULT_NET.2"
	local took=$SECONDS
	kill -KILL "$pid" 2>/dev/null
	assert_equal "$status" 4
	assert_equal "$stderr" "lanscan: $dir/s.lock: locked by process $pid for more than 1 s (a sweep still running, or stopped); giving up (--lock-timeout)"
	[ "$took" -le 3 ] || fail "waited $took s"
}

@test "state: temporary files of a killed save are removed under the lock; others are left" {
	for f in s.AbC123 s.zz99ZZ; do head -c 4096 /dev/zero >"$dir/$f"; done
	echo keep >"$dir/s.keep1234"
	ln -s "$dir/s.keep1234" "$dir/s.Lnk123"
	run --separate-stderr in_fault "'$LANSCAN' -t 300 --state '$dir/s' $FAULT_NET.2"
	assert_success
	[ ! -e "$dir/s.AbC123" ] && [ ! -e "$dir/s.zz99ZZ" ] || fail "stale temporary files left: $(ls "$dir")"
	[ -f "$dir/s.keep1234" ] && [ -L "$dir/s.Lnk123" ] || fail "removed what was not ours: $(ls "$dir")"
	grep -q "^$FAULT_NET.2	up	" "$dir/s"
}

@test "state: a file of a newer format names its format and says this lanscan is older" {
	printf '# lanscan state 9\n10.77.0.2\tup\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\n' >"$dir/s"
	run --separate-stderr in_fault "'$LANSCAN' -t 300 --state '$dir/s' $FAULT_NET.2"
	assert_equal "$status" 4
	assert_equal "$stderr" "lanscan: $dir/s: a state file of format 9, from a newer lanscan (this one reads formats 1 to 5): upgrade lanscan, or use another --state file"
	grep -q "^# lanscan state 9$" "$dir/s"
}

@test "state: a full disk at save says ENOSPC, not EIO; the previous file kept, no temporary file" {
	mkdir "$dir/mnt"
	run --separate-stderr in_fault "unshare -m bash -c 'mount -t tmpfs -o size=8k tmpfs $dir/mnt && \
		\"$LANSCAN\" -t 200 --state $dir/mnt/s $FAULT_NET.2 >/dev/null && \
		head -c 7000 /dev/zero >$dir/mnt/fill; \"$LANSCAN\" -t 200 --state $dir/mnt/s $FAULT_NET.0/24 >/dev/null; \
		echo status=\$?; head -1 $dir/mnt/s; ls $dir/mnt'"
	assert_line "status=4"
	assert_line "# lanscan state 5"
	refute_line --regexp '^s\.[A-Za-z0-9]{6}$'
	assert_regex "$stderr" "No space left on device"
	refute_regex "$stderr" "Input/output error"
}

@test "state: a full disk for --prom-file says ENOSPC, not EIO; no temporary file" {
	mkdir "$dir/mnt"
	run --separate-stderr in_fault "unshare -m bash -c 'mount -t tmpfs -o size=4k tmpfs $dir/mnt && \
		head -c 3000 /dev/zero >$dir/mnt/fill; \"$LANSCAN\" -t 200 --prom-file $dir/mnt/m $FAULT_NET.0/24 >/dev/null; \
		echo status=\$?; ls $dir/mnt'"
	assert_output "status=4
fill"
	assert_equal "$stderr" "lanscan: $dir/mnt/m: No space left on device"
}

@test "our side: the interface of -I deleted 1 s into the sweep: unknown, one message naming it" {
	local s h
	s=$(lab_ns fscan) h=$(lab_ns fhost)
	ip -n "$s" link add fx0 type veth peer name fx1 netns "$h"
	ip -n "$s" addr add 10.78.0.1/24 dev fx0
	ip -n "$s" link set fx0 up
	seq 2 121 | sed 's/.*/addr add 10.78.0.&\/24 dev fx1/' | ip -n "$h" -batch -
	ip -n "$h" link set fx1 up
	for _ in $(seq 50); do ip -n "$s" link show fx0 | grep -q LOWER_UP && break; sleep 0.05; done
	run --separate-stderr in_fault "( sleep 1; ip link del fx0 ) & \
		'$LANSCAN' -t 300 --rate 50 -I fx0 10.78.0.2-121; st=\$?; wait; exit \$st"
	ip -n "$s" link del fx0 2>/dev/null || true
	assert_equal "$status" 1
	[ "$(grep -c "	down	" <<<"$output")" -eq 0 ] || fail "live hosts reported down: $(grep "	down	" <<<"$output" | head -3)"
	[ "$(grep -c "	unknown	" <<<"$output")" -gt 0 ] || fail "no host unknown"
	[ "$(grep -c "	up	" <<<"$output")" -gt 0 ] || fail "no host up"
	stderr=$(grep -v "asked for --rate" <<<"$stderr" || true)
	assert_regex "$stderr" "^lanscan: fx0 (was deleted|was taken down|lost its carrier) during the sweep: hosts probed through it are reported unknown, not down$"
}
