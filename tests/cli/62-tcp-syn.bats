#!/usr/bin/env bats
# 62-tcp-syn.bats -- TCP probes: raw SYNs as root (no socket each), connect() unprivileged; the same answers.

load helper

setup_file() { lab_up; }
teardown_file() { lab_down; }
setup() { lab_require; }

# The kernel's count of RSTs it sent, in a lab namespace.
out_rsts() {
	in_ns "$1" awk '/^Tcp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["OutRsts"] }' /proc/net/snmp
}

TARGETS() { echo "$LAB_NOECHO4" "$LAB_NOECHO6" "$LAB_RST4" "$LAB_RST6" "$LAB_REMOTE_DEAD4"; }

check_answers() {
	assert_equal "$(line_for "$LAB_NOECHO4" | cut -f2,5)" "$(printf 'up\ttcp/%s' "$LAB_TCP_PORT")"
	assert_equal "$(line_for "$LAB_NOECHO6" | cut -f2,5)" "$(printf 'up\ttcp/%s' "$LAB_TCP_PORT")"
	assert_equal "$(line_for "$LAB_RST4" | cut -f2,5)" "$(printf 'up\ttcp/%s' "$LAB_TCP_PORT")"	# refused: up
	assert_equal "$(line_for "$LAB_RST6" | cut -f2,5)" "$(printf 'up\ttcp/%s' "$LAB_TCP_PORT")"
	assert_equal "$(line_for "$LAB_REMOTE_DEAD4" | cut -f2)" "down"
}

@test "tcp: as root, raw SYNs find open and closed ports, both families, and leave nothing half-open" {
	scan0=$(out_rsts scan) far0=$(out_rsts far)
	run --separate-stderr lanscan --verbose --method tcp -p "$LAB_TCP_PORT" -t 500 $(TARGETS)
	assert_equal "$status" 1	# the dead one
	assert_regex "$stderr" "tcp: raw SYN to 1 port from port [0-9]+"
	check_answers
	# One SYN a target; the SYN-ACKs of the two open ports are answered
	# by the scanner's kernel with one RST each (no storm), which closes the
	# listener's half-open connection: nothing is left in SYN-RECV.
	assert_regex "$stderr" "lanscan: 5 packets sent, 0 dropped by the kernel"
	assert_equal $(( $(out_rsts scan) - scan0 )) 2
	run in_ns far ss -Htan state syn-recv
	assert_output ""
	# No socket of ours is left behind either.
	run in_lab ss -Htan
	assert_output ""
	[ $(( $(out_rsts far) - far0 )) -eq 2 ]	# the closed ports' RSTs, one each
}

@test "tcp: unprivileged, connect() gives the same answers" {
	as_nobody --verbose --method tcp -p "$LAB_TCP_PORT" -t 500 $(TARGETS)
	assert_equal "$status" 1
	assert_regex "$stderr" "tcp: connect to 1 port"
	check_answers
}

@test "tcp: raw SYNs take one --rate token each, and stop at a host's first answer" {
	# Four ports to a host that answers on the first: one SYN sent, not four.
	run --separate-stderr lanscan --verbose --method tcp -p "$LAB_TCP_PORT,81,82,83" -t 300 "$LAB_NOECHO4"
	assert_success
	assert_regex "$stderr" "lanscan: 1 packets sent"
	# Silent targets get every port: 20 SYNs at 100 a second take 190 ms or more.
	start=$(date +%s%N)
	run --separate-stderr lanscan --verbose --method tcp --rate 100 -p 1,2,3,4 -t 50 198.18.0.201-205
	elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	assert_regex "$stderr" "lanscan: 20 packets sent"
	[ "$elapsed_ms" -ge 185 ] || fail "20 SYNs at --rate 100 took only ${elapsed_ms} ms"
}

@test "tcp: the default sweep as root finds the TCP-only host with raw SYNs, no socket per probe" {
	run --separate-stderr lanscan --verbose -t 500 "$LAB_NOECHO4" "$LAB_REMOTE_DEAD4"
	assert_regex "$stderr" "tcp: raw SYN to 4 ports"
	# Port 22 is closed there (a RST: up) and goes first.
	assert_equal "$(line_for "$LAB_NOECHO4" | cut -f2,5)" "$(printf 'up\ttcp/22')"
	assert_equal "$(line_for "$LAB_REMOTE_DEAD4" | cut -f2)" "down"
}

@test "tcp: forged SYN-ACKs and RSTs (a wrong ACK, no ACK) make no host up, and are counted" {
	err=$BATS_TEST_TMPDIR/err
	in_lab "$LANSCAN" --verbose --method tcp -t 2500 "$LAB_REMOTE_DEAD4" >"$BATS_TEST_TMPDIR/out" 2>"$err" &
	pid=$!
	for _ in $(seq 50); do grep -q "from port" "$err" && break; sleep 0.05; done
	sport=$(sed -n 's/.*raw SYN to [0-9]* ports* from port \([0-9]*\).*/\1/p' "$err")
	[ -n "$sport" ] || fail "no source port in: $(cat "$err")"
	# From the router, in the name of the blackholed target: SYN-ACKs and
	# RST-ACKs whose ACK is not our cookie + 1, and RSTs with no ACK.
	in_ns rtr python3 - "$LAB_REMOTE_DEAD4" "$LAB_SCAN_UP4" "$sport" <<'PY'
import random, socket, struct, sys, time
src, dst, sport = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for i in range(300):
    flags = (0x12, 0x14, 0x04)[i % 3]
    tcp = struct.pack('>HHIIBBHHH', (22, 80, 443, 445)[i % 4], sport, random.getrandbits(32),
                      random.getrandbits(32), 5 << 4, flags, 1024, 0, 0)
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 40, 0, 0, 64, 6, 0, socket.inet_aton(src), socket.inet_aton(dst))
    s.sendto(ip + tcp, (dst, 0))
    time.sleep(0.002)
PY
	wait "$pid" || true
	output=$(cat "$BATS_TEST_TMPDIR/out")
	assert_equal "$(line_for "$LAB_REMOTE_DEAD4" | cut -f2)" "down"
	grep -Eq "[0-9]+ ignored \(forged or corrupt\)" "$err" || fail "no forgeries counted: $(cat "$err")"
	grep -Eq "[0-9]+ ignored \(foreign\)" "$err" || fail "no foreign segments counted: $(cat "$err")"
}
