#!/usr/bin/env bats
# 61-names-hostile.bats -- -n against broken and hostile responders: an answer counts only for a query we sent, nothing breaks a line, the sweep stays bounded.
#
# On top of the names lab (tests/lab/names.sh), two more hosts on the scanner's segment, each a
# tests/lab/hostile_names.py (see there for the STEPS of each reply):
#   vic   198.19.1.41 (and .42), fd6c:6162:1::41: the host being named, a broken responder
#   evil  198.19.1.40, fd6c:6162:1::40: an on-link attacker that sees the multicast queries
# and its DNS server mode in far on $LAB_SLOWDNS4 (the scanner's resolv.conf via names_with_resolv).

load helper

HOSTILE=$TESTS_DIR/lab/hostile_names.py
EVIL4=198.19.1.40 EVIL6=fd6c:6162:1::40
VIC4=198.19.1.41 VIC4B=198.19.1.42 VIC6=fd6c:6162:1::41

setup_file() {
	lab_up
	[ "$(id -u)" -eq 0 ] || return 0
	. "$TESTS_DIR/lab/names.sh"
	names_up
	names_host evil "$EVIL4" "$EVIL6" 02:1a:b0:00:00:40 40
	names_host vic "$VIC4" "$VIC6" 02:1a:b0:00:00:41 41
	ip -n "$(lab_ns vic)" addr add "$VIC4B/24" dev eth0
	ip -n "$(lab_ns far)" addr replace "$LAB_SLOWDNS4/32" dev lo
	ip -n "$(lab_ns rtr)" route replace "$LAB_SLOWDNS4/32" via "$LAB_FAR_FR4"
}
teardown_file() {
	local role ns pids
	if [ "$(id -u)" -eq 0 ] && [ -n "${LAB_ID:-}" ]; then
		for role in evil vic; do
			ns=$(lab_ns "$role")
			pids=$(ip netns pids "$ns" 2>/dev/null || true)
			# shellcheck disable=SC2086
			[ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
			ip netns del "$ns" 2>/dev/null || true
			rm -rf "/etc/netns/$ns"
		done
		. "$TESTS_DIR/lab/names.sh"
		names_down
	fi
	lab_down
}
setup() {
	lab_require
	. "$TESTS_DIR/lab/names.sh"
	HPIDS=()
}
teardown() {
	hostile_stop
	[ -z "${nobody_dir:-}" ] || rm -rf "$nobody_dir"
	[ -z "${port_range:-}" ] || in_lab sysctl -q -w net.ipv4.ip_local_port_range="$port_range"
}

# hostile ROLE MODE ARGS...: hostile_names.py in namespace ROLE, in the background (killed by teardown).
hostile() {
	local role=$1
	shift
	timeout 20 ip netns exec "$(lab_ns "$role")" python3 "$HOSTILE" "$@" --duration 15 \
		</dev/null >>"$BATS_TEST_TMPDIR/hostile.log" 2>&1 3>&- &
	HPIDS+=($!)
}
# hostile_stop: stops them all now (one on the same port would answer too).
hostile_stop() {
	local p
	for p in "${HPIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${HPIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	HPIDS=()
}
# ready ROLE PORT...: waits until a UDP socket is bound to each PORT in ROLE (PORT may be ADDR:PORT).
ready() {
	local role=$1 port i filter
	shift
	for port in "$@"; do
		filter="sport = :${port##*:}"
		[ "$port" = "${port##*:}" ] || filter="src ${port%:*} and $filter"
		for i in $(seq 1 150); do
			ip netns exec "$(lab_ns "$role")" ss -Hlun "$filter" | grep -q . && continue 2
			sleep 0.02
		done
		fail "hostile_names.py in $role is not on port $port: $(cat "$BATS_TEST_TMPDIR/hostile.log")"
	done
}
# dropped: the count of replies dropped in --verbose's names line (of bats' run --separate-stderr).
# shellcheck disable=SC2154
dropped() { printf '%s\n' "$stderr" | sed -n 's/.*; \([0-9]*\) replies dropped.*/\1/p'; }
# address -> "dns|mdns|netbios|workgroup" from --json output ("-" for null), as in 59-names.bats.
names_of() {
	printf '%s\n' "$output" | python3 -c '
import json, sys
for l in sys.stdin:
    if not l.startswith("{"): continue
    o = json.loads(l)
    if o["address"] == sys.argv[1]:
        n = o["names"]
        print("|".join(str(n[k]) if n[k] is not None else "-" for k in ("dns", "mdns", "netbios", "workgroup")))
' "$1"
}
ms_now() { echo $(($(date +%s%N) / 1000000)); }
# The hostile DNS server (far, $LAB_SLOWDNS4) with --rule ADDR=STEPS..., and a resolv.conf naming it.
hostile_dns() {
	local a r=()
	for a in "$@"; do r+=(--rule "$a"); done
	hostile far dns --listen "$LAB_SLOWDNS4" "${r[@]}"
	ready far "$LAB_SLOWDNS4:53"
	conf=$(names_resolv_conf)
}
# Copies the binary where nobody can run it (59-names.bats does the same).
nobody_bin() {
	nobody_dir=$(mktemp -d /tmp/lanscan-hostile.XXXXXX)
	cp "$LANSCAN" "$nobody_dir/lanscan" && cp "$HOSTILE" "$nobody_dir/" && chmod 755 "$nobody_dir" "$nobody_dir/lanscan" &&
		chmod 644 "$nobody_dir/hostile_names.py"
}
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# Replies the host itself sends before its real answer: none of them may count.
MDNS_JUNK='wrongid:bad.local;wrongq:bad.local;owner:bad.local;nx;loop;fwd;chain;huge:bad.local'
NBNS_JUNK="ok:BAD/WG>$VIC4B;ok:BAD2/WG>:138;wrongid:BAD3/WG;bomb"

@test "hostile mDNS: wrong id, question or owner, pointer loops and chains, a truncated 60 KB reply name nothing; the host's answer after them counts" {
	hostile vic serve --mdns "$VIC4=$MDNS_JUNK;ok:vic.local@80;dup:20:second.local@120" \
		--mdns "$VIC6=$MDNS_JUNK;ok:vic6.local@80" --mdns "$VIC4B=$MDNS_JUNK;chain:127"
	ready vic 5353
	run --separate-stderr lanscan -n --json --verbose --name-timeout 400 "$VIC4" "$VIC4B" "$VIC6"
	assert_success
	assert_equal "$(names_of "$VIC4" | cut -d'|' -f2)" vic.local
	assert_equal "$(names_of "$VIC6" | cut -d'|' -f2)" vic6.local
	assert_equal "$(names_of "$VIC4B" | cut -d'|' -f2)" -
	# each junk reply (8 or 9 a host, twice over IPv6) and each duplicate is dropped and counted
	assert_regex "$stderr" "mdns 2/3,"
	[ "$(dropped)" -ge 45 ] || fail "$(dropped) dropped"
	hostile_stop
	# a chain of 126 pointers is a name (127 jumps with the data's own); 127 is one too many
	hostile vic serve --mdns "$VIC4=chain:126"
	ready vic 5353
	run --separate-stderr lanscan -n --json --name-timeout 300 "$VIC4"
	assert_equal "$(names_of "$VIC4" | cut -d'|' -f2)" evil
}

@test "hostile NetBIOS: replies from another address or port, with another id, or malformed are dropped; duplicates count once" {
	hostile vic serve --nbns "$NBNS_JUNK;ok:VICPC/WG@100;dup:20:OTHER/WG@150"
	ready vic 137
	run --separate-stderr lanscan -n --json --verbose --name-timeout 500 "$VIC4"
	assert_success
	assert_equal "$(names_of "$VIC4" | cut -d'|' -f3,4)" "VICPC|WG"
	assert_regex "$stderr" "netbios 1/1;"
	[ "$(dropped)" -ge 23 ] || fail "$(dropped) dropped"
	hostile_stop
	# the junk alone: no name, and no workgroup either
	hostile vic serve --nbns "$NBNS_JUNK;noname"
	ready vic 137
	run --separate-stderr lanscan -n --json --name-timeout 400 "$VIC4"
	assert_equal "$(names_of "$VIC4" | cut -d'|' -f3,4)" "-|-"
}

@test "hostile names: control characters, quotes, escapes and 255-byte names never add a column, a line or a JSON key (TSV, NDJSON, --state, prom)" {
	local l63 l61 l62 long256 want_long state=$BATS_TEST_TMPDIR/state
	l63=$(printf '\\x01%.0s' $(seq 63)) l61=$(printf '\\x01%.0s' $(seq 61)) l62=$(printf '\\x01%.0s' $(seq 62))
	want_long=$(printf '\\001%.0s' $(seq 63)).$(printf '\\001%.0s' $(seq 63)).$(printf '\\001%.0s' $(seq 63)).$(printf '\\001%.0s' $(seq 61))
	long256="$l63.$l63.$l63.$l62"
	hostile vic serve \
		--mdns "$VIC4=ok:a\\x09b\\x0ac\\x0dd\\x1b[31m\\x22\\x5c{\\x00}.x\\x2ey z\\x7f\\xff\\xc3\\xbc\\xe2\\x80\\xae\\xc2\\x85.local" \
		--mdns "$VIC4B=ok:$l63.$l63.$l63.$l61" --mdns "$VIC6=ok:$long256" \
		--nbns 'ok:T\x09A\x0aB\x22C\x5cD\x1b\x7f/W\x22G\x0a'
	ready vic 5353 137
	local mdns='a\009b\010c\013d\027[31m"\092{\000}.x\046y\032z\127\255ü\226\128\174\194\133.local'
	local nb='T\x09A\x0aB"C\x5cD\x1b\x7f' wg='W"G\x0a'

	run --separate-stderr lanscan -n --json --name-timeout 400 "$VIC4" "$VIC4B" "$VIC6"
	assert_success
	assert_equal "$(printf '%s\n' "$output" | wc -l)" 3
	assert_equal "$(names_of "$VIC4")" "-|$mdns|$nb|$wg"
	assert_equal "$(names_of "$VIC4B" | cut -d'|' -f2)" "$want_long"
	assert_equal "$(names_of "$VIC6" | cut -d'|' -f2)" -	# 256 bytes on the wire: not a name
	# exactly the keys there should be
	assert_equal "$(printf '%s\n' "$output" | python3 -c '
import json, sys
for l in sys.stdin: o = json.loads(l); print(",".join(sorted(o)), ",".join(sorted(o["names"])))' | sort -u)" \
		"address,error,mac,name,names,rtt_ms,state,target,vendor,via dns,mdns,netbios,workgroup"

	run --separate-stderr lanscan -n --name-timeout 400 --state "$state" "$VIC4" "$VIC4B"
	assert_success
	assert_equal "$(printf '%s\n' "$output" | wc -l)" 2
	assert_equal "$(printf '%s\n' "$output" | awk -F'\t' '{ print NF }' | sort -u)" 8	# new + 7 columns
	assert_equal "$(printf '%s\n' "$output" | awk -F'\t' -v a="$VIC4" '$2 == a { print $5 }')" "$mdns"
	assert_equal "$(printf '%s\n' "$output" | awk -F'\t' -v a="$VIC4B" '$2 == a { print $5 }')" "$want_long"
	assert_equal "$(wc -l <"$state")" 3
	assert_equal "$(awk -F'\t' 'NR > 1 { print NF }' "$state" | sort -u)" 12
	assert_equal "$(awk -F'\t' -v a="$VIC4" '$1 == a { print $3 "|" $7 "|" $8 "|" $9 "|" $10 }' "$state")" "$mdns|-|$mdns|$nb|$wg"
	# read back as written: the same names again are no change
	run --separate-stderr lanscan -n --name-timeout 400 --state "$state" "$VIC4" "$VIC4B"
	assert_success
	assert_output ""

	run --separate-stderr lanscan -n --name-timeout 400 --format prom "$VIC4"
	assert_success
	# every sample is one line: NAME{...} VALUE
	assert_equal "$(printf '%s\n' "$output" | grep -v '^#' | grep -cv '^lanscan_[a-z_]*\({.*}\)\? [0-9.e+-]*$')" 0
	assert_equal "$(printf '%s\n' "$output" | grep -c "address=\"$VIC4\"")" 3
}

@test "hostile DNS: replies from another address or port, with another id or question, or malformed are dropped; control characters are escaped" {
	hostile_dns "198.18.0.1=wrongq:bad.test;wrongid:bad.test;ok:bad.test>$LAB_DNS4;ok:bad.test>:5300;loop;fwd;chain;huge:big.test;ok:one.test@100" \
		'198.18.0.2=ok:two\x0a\x09\x1b\x22.test' '198.18.0.3=dup:20:three.test'
	run --separate-stderr names_with_resolv "$conf" "$LANSCAN" -n --json --verbose 198.18.0.1-4
	assert_success
	assert_equal "$(names_of 198.18.0.1 | cut -d'|' -f1)" one.test
	assert_equal "$(names_of 198.18.0.2 | cut -d'|' -f1)" 'two\010\009\027".test'
	assert_equal "$(names_of 198.18.0.3 | cut -d'|' -f1)" three.test
	assert_equal "$(names_of 198.18.0.4 | cut -d'|' -f1)" -	# NXDOMAIN
	assert_regex "$stderr" "dns 3/4,"
	[ "$(dropped)" -ge 25 ] || fail "$(dropped) dropped"
}

@test "hostile DNS: an error reply (NXDOMAIN) with our id but another question does not end the lookup" {
	# name_dns.c on_readable takes rc == -ESRCH with an rcode as "nothing" before the question
	# is compared: ls_dns_ptr_answer returns -ESRCH for a negative answer without looking at it.
	hostile_dns '198.18.0.5=nxq;ok:five.test@100' '198.18.0.6=nx;ok:six.test@100'
	run --separate-stderr names_with_resolv "$conf" "$LANSCAN" -n --json 198.18.0.5 198.18.0.6
	assert_success
	assert_equal "$(names_of 198.18.0.5 | cut -d'|' -f1)" five.test
	assert_equal "$(names_of 198.18.0.6 | cut -d'|' -f1)" -	# our question's NXDOMAIN: final
}

@test "hostile timing: an answer just inside the budget counts, one just after it does not, and the line waits no longer" {
	hostile vic serve --nbns 'ok:EARLY/WG@450' --mdns "$VIC4=ok:late.local@750;ok:later.local@900"
	ready vic 5353 137
	local t0 t1
	t0=$(ms_now)
	run --separate-stderr lanscan -n --json --name-timeout 600 "$VIC4"
	t1=$(ms_now)
	assert_success
	assert_equal "$(names_of "$VIC4")" "-|-|EARLY|WG"
	[ $((t1 - t0)) -lt 1400 ] || fail "took $((t1 - t0)) ms for a 600 ms budget"
}

@test "hostile flood: 160000 wrong-question replies with our id at our mDNS port name no one and do not hold the sweep" {
	# The flood overruns the socket's receive buffer, so the kernel may drop real answers too
	# (UDP: a flood can always do that): an mDNS name is the real one or none, never another.
	hostile evil serve --flood 80000 --flood-kind id --flood-procs 2
	ready evil 5353
	local t0 t1 a addr want
	t0=$(ms_now)
	run --separate-stderr lanscan -n --json 198.19.1.30-37 "$EVIL4"
	t1=$(ms_now)
	assert_success
	[ $((t1 - t0)) -lt 2500 ] || fail "took $((t1 - t0)) ms"
	assert_equal "$(names_of 198.19.1.30)" "-|-|DESK-10|LAB"
	assert_equal "$(names_of 198.19.1.37)" "-|-|-|-"
	assert_equal "$(names_of "$EVIL4")" "-|-|-|-"
	assert_equal "$(names_of 198.19.1.35 | cut -d'|' -f1)" nas.lab.test
	for a in "198.19.1.32 files.local" "198.19.1.33 raspberrypi.local" "198.19.1.34 macbook.local" \
		"198.19.1.35 nas.local"; do
		read -r addr want <<<"$a"
		[[ "$(names_of "$addr" | cut -d'|' -f2)" =~ ^($want|-)$ ]] || fail "$addr: $(names_of "$addr")"
	done
	[[ $output != *flood.local* ]]
}

@test "hostile, with -I, with -S and as nobody: the same names, junk dropped" {
	nobody_bin
	hostile vic serve --mdns "$VIC4=$MDNS_JUNK;ok:vic.local@80" --mdns "$VIC6=$MDNS_JUNK;ok:vic6.local@80" \
		--nbns "$NBNS_JUNK;ok:VICPC/WG@100"
	ready vic 5353 137
	for args in "-I lan0" "-S $LAB_SCAN_LAN4" "nobody -I lan0"; do
		local cmd=("$LANSCAN")
		case $args in nobody*) cmd=("${NOBODY[@]}" "$nobody_dir/lanscan"); args=${args#nobody};; esac
		# shellcheck disable=SC2086
		run --separate-stderr in_lab "${cmd[@]}" -n --json --name-timeout 400 $args "$VIC4" "$VIC6"
		assert_success
		assert_equal "$(names_of "$VIC4")" "-|vic.local|VICPC|WG"
		assert_equal "$(names_of "$VIC6" | cut -d'|' -f2)" vic6.local
	done
}

# --- attacks the code as reviewed does not withstand (see each test) ----------------------

@test "hostile mDNS: replies not from port 5353 do not count (RFC 6762 section 6)" {
	# name_mdns.c on_readable checks the source address, never the source port.
	hostile vic serve --mdns "$VIC4=ok:wrongport.local>:5300;ok:vic.local@100" \
		--mdns "$VIC6=ok:wrongport.local>:40000;ok:vic6.local@100"
	ready vic 5353
	run --separate-stderr lanscan -n --json --name-timeout 400 "$VIC4" "$VIC6"
	assert_equal "$(names_of "$VIC4" | cut -d'|' -f2)" vic.local
	assert_equal "$(names_of "$VIC6" | cut -d'|' -f2)" vic6.local
}

@test "hostile mDNS: a third party's earlier mDNS answer does not hide the host's own" {
	# first answer wins (name_mdns.c on_readable, onlink_source): evil, on-link, answers the
	# multicast query at once from its own address; the host answers 150 ms later.
	hostile vic serve --mdns "$VIC4=ok:vic.local@150"
	hostile evil serve --mdns "$VIC4=ok:evil.local"
	ready vic 5353
	ready evil 5353
	run --separate-stderr lanscan -n --json --name-timeout 500 "$VIC4"
	assert_equal "$(names_of "$VIC4" | cut -d'|' -f2)" vic.local
}

@test "hostile local process: an unprivileged local process cannot give a host an mDNS name" {
	# onlink_source accepts any LS_ROUTE_LOCAL source: a local user reads our ports from
	# /proc/net/udp and answers with every id from 127.0.0.1 or our own address.
	local py=python3
	[ -x /usr/bin/python3 ] && py=/usr/bin/python3
	nobody_bin
	timeout 20 ip netns exec "$(lab_ns scan)" "${NOBODY[@]}" "$py" "$nobody_dir/hostile_names.py" local-mdns \
		--addr 198.19.1.30 --name local.local --src 127.0.0.1 --src "$LAB_SCAN_LAN4" --to "$LAB_SCAN_LAN4" \
		--duration 6 </dev/null >>"$BATS_TEST_TMPDIR/hostile.log" 2>&1 3>&- &
	HPIDS+=($!)
	sleep 0.3
	run --separate-stderr lanscan -n --json --name-timeout 1500 198.19.1.30
	assert_equal "$(names_of 198.19.1.30)" "-|-|DESK-10|LAB"
}

@test "hostile ICMP: a forged ICMP port unreachable that does not quote our query does not hide a NetBIOS name" {
	# ls_names_errqueue reads the quoted datagram and ignores it; name_nbns.c takes any port
	# unreachable for ADDR:137 on our socket.  evil learns our port from its own NBSTAT query and
	# forges, as from vic, port unreachables quoting it (id 0) while vic takes 300 ms to answer.
	hostile vic serve --nbns 'ok:VICPC/WG@300'
	hostile evil serve --nbns 'ok:EVIL/WG' --icmp-nbns "$VIC4"
	ready vic 137
	ready evil 137
	run --separate-stderr lanscan -n --json --name-timeout 600 "$EVIL4" "$VIC4"
	assert_equal "$(names_of "$EVIL4" | cut -d'|' -f3)" EVIL
	assert_equal "$(names_of "$VIC4" | cut -d'|' -f3,4)" "VICPC|WG"
}

@test "hostile ICMP: forged ICMP errors sprayed blind at every port do not stop DNS for the sweep" {
	# name_dns.c on_readable kills DNS for any error queued for the server's port 53 (not even
	# only port unreachable), whoever sent it and whatever it quotes.  evil sprays, as from the
	# server, port unreachables quoting every ephemeral port (with a guessed DNS id).  The whole
	# range (28232 ports) takes Python ~0.6 s from 4 processes; to keep the test short the
	# scanner's range is narrowed to 500 ports, the attack is the same.
	local r=() i
	for i in 1 2 3 4 5 6 7 8; do r+=("198.18.0.$i=ok:h$i.hostile.test@200"); done
	hostile_dns "${r[@]}"
	port_range=$(in_lab sysctl -n net.ipv4.ip_local_port_range)
	in_lab sysctl -q -w net.ipv4.ip_local_port_range="40000 40499"
	hostile evil icmp-dns --server "$LAB_SLOWDNS4" --to "$LAB_SCAN_LAN4" --inner "$LAB_SCAN_UP4" --ports 40000-40499
	sleep 0.3
	run --separate-stderr names_with_resolv "$conf" "$LANSCAN" -n --json --verbose 198.18.0.1-8
	assert_equal "$(names_of 198.18.0.1 | cut -d'|' -f1)" h1.hostile.test
	assert_equal "$(names_of 198.18.0.8 | cut -d'|' -f1)" h8.hostile.test
	assert_regex "$stderr" "dns 8/8,"
}
