#!/usr/bin/env bats
# 05-names-lab.bats -- the names lab itself (tests/lab/names.sh): each responder answers with real clients as designed.

load helper

setup_file() {
	lab_up
	[ "$(id -u)" -eq 0 ] || return 0
	. "$TESTS_DIR/lab/names.sh"
	local t0 t1
	t0=$(date +%s%N)
	names_up
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000)) >"$BATS_FILE_TMPDIR/names_up.ms"
}
teardown_file() {
	if [ "$(id -u)" -eq 0 ] && [ -n "${LAB_ID:-}" ]; then
		. "$TESTS_DIR/lab/names.sh"
		names_down
	fi
	lab_down
}
setup() {
	lab_require
	. "$TESTS_DIR/lab/names.sh"
}

# t SECONDS ROLE CMD...: CMD in a lab namespace, bounded.
t() { local s=$1 role=$2; shift 2; timeout "$s" ip netns exec "$(lab_ns "$role")" "$@"; }
# mdns_ptr ADDR: the name ADDR's mDNS responder gives its reverse name (unicast, from an ephemeral port).
mdns_ptr() { t 3 scan dig +time=1 +tries=1 -p 5353 "@$1" -x "$1" +short; }
# dns_ptr ADDR [SERVER]: the lab DNS's (or SERVER's) PTR for ADDR.
dns_ptr() { t 3 scan dig +time=1 +tries=1 "@${2:-$LAB_DNS4}" -x "$1" +short; }
ms_now() { echo $(($(date +%s%N) / 1000000)); }

@test "names lab: names_up builds it and waits for every responder, in a few seconds" {
	ms=$(cat "$BATS_FILE_TMPDIR/names_up.ms")
	[ "$ms" -lt 8000 ] || fail "names_up took $ms ms"
	for role in $NAMES_ROLES; do
		ip netns list | grep -qw "^$(lab_ns "$role")" || fail "no namespace $role"
	done
	# nmbd and avahi keep their files in the run dir, not in /run/samba, /var/log/samba, /run/avahi-daemon.
	d=$(names_run_dir)
	for role in win1 win2 samba rwin; do
		[ -S "$d/$role/sock/unexpected" ] && [ -s "$d/$role/log.nmbd" ] && [ -s "$d/$role/pid/nmbd.pid" ] ||
			fail "nmbd $role files"
	done
	for role in samba pi mac nas; do
		[ -S "$d/$role/root/avahi-daemon/socket" ] || fail "avahi $role socket"
	done
}

@test "names lab: NBSTAT (nbtscan) names win1, win2 and samba on the segment, nobody else" {
	run t 5 scan nbtscan -t 500 -q -s '|' 198.19.1.30-37
	assert_success
	assert_equal "$(printf '%s\n' "$output" | cut -d'|' -f1,2 | tr -d ' ' | sort)" \
		"$(printf '%s|%s\n' "$NAMES_WIN1_4" "$NAMES_WIN1_NB" "$NAMES_WIN2_4" "$NAMES_WIN2_NB" \
			"$NAMES_SAMBA_4" "$NAMES_SAMBA_NB" | sort)"
	run t 5 scan nbtscan -t 500 -v -s '|' "$NAMES_WIN1_4"
	assert_output --partial "$NAMES_WIN1_4|DESK-10        |20U"
	assert_output --partial "$NAMES_WIN1_4|LAB            |00G"
}

@test "names lab: the routed Windows PC answers NBSTAT from off-link through rtr, not ping; TCP 445 open" {
	run t 5 scan nbtscan -t 500 -v -s '|' "$NAMES_RWIN_4"
	assert_success
	assert_output --partial "$NAMES_RWIN_4|DESK-20        |00U"
	assert_output --partial "$NAMES_RWIN_4|LAB            |1eG"
	run t 3 scan ping -c1 -W1 "$NAMES_RWIN_4"
	assert_failure
	run t 3 scan nc -z -w1 "$NAMES_RWIN_4" 445
	assert_success
}

@test "names lab: Windows firewalls drop ping but answer ARP; the others answer ping" {
	for a in "$NAMES_WIN1_4" "$NAMES_WIN2_4"; do
		run t 3 scan ping -c1 -W1 "$a"
		assert_failure
		run t 3 scan nc -z -w1 "$a" 445
		assert_success
	done
	assert_equal "$(t 3 scan ip neigh show "$NAMES_WIN1_4" | awk '{print $5}')" "$NAMES_WIN1_MAC"
	assert_equal "$(t 3 scan ip neigh show "$NAMES_WIN2_4" | awk '{print $5}')" "$NAMES_WIN2_MAC"
	for a in "$NAMES_SAMBA_4" "$NAMES_PI_4" "$NAMES_MAC_4" "$NAMES_NAS_4" "$NAMES_PRINTER_4" "$NAMES_NONAME_4" \
		"$NAMES_PI_6" "$NAMES_NONAME_6"; do
		t 3 scan ping -c1 -W1 "$a" >/dev/null || fail "$a does not answer ping"
	done
	run t 3 scan nc -z -w1 "$NAMES_SAMBA_4" 445
	assert_success
}

@test "names lab: mDNS reverse PTRs (unicast query to 5353) for samba, pi, mac and nas, IPv4 and IPv6" {
	assert_equal "$(mdns_ptr "$NAMES_SAMBA_4")" "$NAMES_SAMBA_MDNS."
	assert_equal "$(mdns_ptr "$NAMES_PI_4")" "$NAMES_PI_MDNS."
	assert_equal "$(mdns_ptr "$NAMES_MAC_4")" "$NAMES_MAC_MDNS."
	assert_equal "$(mdns_ptr "$NAMES_NAS_4")" "$NAMES_NAS_MDNS."
	assert_equal "$(mdns_ptr "$NAMES_SAMBA_6")" "$NAMES_SAMBA_MDNS."
	assert_equal "$(mdns_ptr "$NAMES_NAS_6")" "$NAMES_NAS_MDNS."
	# and the forward records
	assert_equal "$(t 3 scan dig +time=1 +tries=1 -p 5353 "@$NAMES_PI_4" "$NAMES_PI_MDNS" +short)" "$NAMES_PI_4"
	assert_equal "$(t 3 scan dig +time=1 +tries=1 -p 5353 "@$NAMES_PI_4" "$NAMES_PI_MDNS" AAAA +short)" "$NAMES_PI_6"
}

@test "names lab: no mDNS on win1, win2, printer, noname (dropped or refused)" {
	for a in "$NAMES_WIN1_4" "$NAMES_WIN2_4" "$NAMES_PRINTER_4" "$NAMES_NONAME_4" "$NAMES_NONAME_6"; do
		run mdns_ptr "$a"
		assert_failure
		refute_output --partial ".local"
	done
}

@test "names lab: the lab DNS names nas and printer (PTR and forward, v4 and v6), not the others" {
	assert_equal "$(dns_ptr "$NAMES_NAS_4")" "$NAMES_NAS_DNS."
	assert_equal "$(dns_ptr "$NAMES_NAS_6")" "$NAMES_NAS_DNS."
	assert_equal "$(dns_ptr "$NAMES_PRINTER_4")" "$NAMES_PRINTER_DNS."
	assert_equal "$(dns_ptr "$NAMES_PRINTER_6")" "$NAMES_PRINTER_DNS."
	assert_equal "$(t 3 scan dig +time=1 +tries=1 "@$LAB_DNS4" "$NAMES_NAS_DNS" +short)" "$NAMES_NAS_4"
	assert_equal "$(t 3 scan getent hosts "$NAMES_PRINTER_4" | awk '{print $2}')" "$NAMES_PRINTER_DNS"
	for a in "$NAMES_WIN1_4" "$NAMES_SAMBA_4" "$NAMES_PI_4" "$NAMES_NONAME_4" "$NAMES_NONAME_6" "$NAMES_RWIN_4"; do
		run t 3 scan dig +time=1 +tries=1 "@$LAB_DNS4" -x "$a"
		assert_success
		assert_output --partial "status: NXDOMAIN"
	done
}

@test "names lab: no responder sent anything outside the lab (guard counters)" {
	for role in $NAMES_ROLES; do
		run t 3 "$role" nft list counter inet names_guard leak
		assert_success
		assert_output --partial "packets 0 bytes 0"
	done
}

@test "slow DNS: persona.py dns names after the delay, fails or stays silent as told" {
	log=$(names_run_dir)/slowdns.log
	names_slowdns_up --delay 300 --rule 198.18.0.2=servfail --rule 198.18.0.3=nxdomain:0 \
		--rule 198.18.0.4=none --rule 198.18.0.8-198.18.0.15=refused --rule fd6c:6162:18::/64=ok:0 --log "$log"
	t0=$(ms_now)
	assert_equal "$(dns_ptr 198.18.0.1 "$LAB_SLOWDNS4")" "h1-0-18-198.slow.test."
	t1=$(ms_now)
	[ $((t1 - t0)) -ge 300 ] && [ $((t1 - t0)) -lt 1500 ] || fail "ok after $((t1 - t0)) ms"
	assert_equal "$(names_slowdns_name 198.18.0.1)" "h1-0-18-198.slow.test"
	run t 3 scan dig +time=1 +tries=1 "@$LAB_SLOWDNS4" -x 198.18.0.2
	assert_output --partial "status: SERVFAIL"
	run t 3 scan dig +time=1 +tries=1 "@$LAB_SLOWDNS4" -x 198.18.0.3
	assert_output --partial "status: NXDOMAIN"
	run t 3 scan dig +time=1 +tries=1 "@$LAB_SLOWDNS4" -x 198.18.0.9
	assert_output --partial "status: REFUSED"
	run t 3 scan dig +time=1 +tries=1 "@$LAB_SLOWDNS4" -x 198.18.0.4
	assert_output --partial "timed out"
	run t 3 scan dig +time=1 +tries=1 "@$LAB_SLOWDNS4" -x fd6c:6162:18::1 +short
	assert_output "h1000000000000000000081002616c6df.slow.test."
	assert_equal "$(t 3 scan dig +time=1 +tries=1 "@$LAB_SLOWDNS4" h1-0-18-198.slow.test +short)" 198.18.0.1
	run cut -f2- "$log"
	assert_line --index 0 "$LAB_SCAN_UP4	PTR	1.0.18.198.in-addr.arpa	ok"
	assert_line --index 3 "$LAB_SCAN_UP4	PTR	9.0.18.198.in-addr.arpa	refused"
	assert_line --index 4 "$LAB_SCAN_UP4	PTR	4.0.18.198.in-addr.arpa	none"
}

@test "slow DNS: a resolv.conf bind-mounted for one command points glibc at it, as root and as nobody" {
	names_slowdns_up --delay 200 --rule 198.18.0.4=none
	f=$(names_resolv_conf)
	assert_equal "$(names_with_resolv "$f" getent hosts 198.18.0.1 | awk '{print $2}')" h1-0-18-198.slow.test
	run names_with_resolv "$f" setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'id -u; getent hosts 198.18.0.7'
	assert_equal "$(printf '%s\n' "$output" | awk 'NR == 1 {print $1} NR == 2 {print $2}' | tr '\n' ' ')" \
		"65534 h7-0-18-198.slow.test "
	t0=$(ms_now)
	run names_with_resolv "$f" getent hosts 198.18.0.4
	t1=$(ms_now)
	assert_failure 2
	[ $((t1 - t0)) -ge 900 ] && [ $((t1 - t0)) -lt 2500 ] || fail "silent server: $((t1 - t0)) ms (timeout:1 attempts:1)"
	# ... and only for that command: the scanner's own resolv.conf still names the lab DNS
	assert_equal "$(t 3 scan getent hosts 198.18.0.1 | awk '{print $2}')" "$LAB_NAME_LIVE"
	names_slowdns_down
	run t 3 scan dig +time=1 +tries=1 "@$LAB_SLOWDNS4" -x 198.18.0.1
	assert_failure
}

@test "names lab: names_up again rebuilds it; names_down leaves no process or namespace" {
	names_up
	assert_equal "$(t 5 scan nbtscan -t 500 -q -s '|' "$NAMES_WIN2_4" | cut -d'|' -f2 | tr -d ' ')" "$NAMES_WIN2_NB"
	names_slowdns_up
	pids=$(cat "$(names_run_dir)/slowdns.pid")
	for role in $NAMES_ROLES; do pids="$pids $(ip netns pids "$(lab_ns "$role")")"; done
	[ "$(echo "$pids" | wc -w)" -eq 13 ] || fail "processes: $pids"	# 4 nmbd, 4 avahi, 4 TCP listeners, dns
	names_down
	for pid in $pids; do	# gone, or a zombie waiting for its parent (init) to reap it
		state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
		[ -z "$state" ] || [ "$state" = Z ] || fail "process $pid left: $(tr '\0' ' ' <"/proc/$pid/cmdline")"
	done
	for role in $NAMES_ROLES; do
		! ip netns list | grep -qw "^$(lab_ns "$role")" || fail "namespace $role left"
		[ ! -e "/etc/netns/$(lab_ns "$role")" ] || fail "/etc/netns of $role left"
	done
	[ ! -e "$(names_run_dir)" ] || fail "run dir left"
	assert_equal "$(ip -n "$(lab_ns rtr)" route show "$NAMES_RWIN_NET4")" ""
	# the lab itself is still there
	ip netns list | grep -qw "^$(lab_ns scan)"
}
