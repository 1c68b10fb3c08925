#!/usr/bin/env bats
# 06-devices-lab.bats -- the device lab itself (tests/lab/devices.sh): each real responder answers with ordinary clients (dig, curl, nbtscan, ping, nc), no lanscan.

load helper

setup_file() {
	lab_up
	[ "$(id -u)" -eq 0 ] || return 0
	. "$TESTS_DIR/lab/devices.sh"
	local t0 t1
	t0=$(date +%s%N)
	devices_up
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000)) >"$BATS_FILE_TMPDIR/devices_up.ms"
}
teardown_file() {
	if [ "$(id -u)" -eq 0 ] && [ -n "${LAB_ID:-}" ]; then
		. "$TESTS_DIR/lab/devices.sh"
		local t0 t1
		t0=$(date +%s%N)
		devices_down
		t1=$(date +%s%N)
		echo "# devices_down: $(((t1 - t0) / 1000000)) ms" >&3
	fi
	lab_down
}
setup() {
	lab_require
	. "$TESTS_DIR/lab/devices.sh"
}

# t SECONDS ROLE CMD...: CMD in a lab namespace, bounded.
t() { local s=$1 role=$2; shift 2; timeout "$s" ip netns exec "$(lab_ns "$role")" "$@"; }
# services ADDR: the DNS-SD service types ADDR's responder lists (unicast query to its 5353).
services() { t 3 scan dig +time=1 +tries=1 -p 5353 "@$1" _services._dns-sd._udp.local PTR +short | grep -v "^;" | sort; }
# txt ADDR NAME: the TXT strings of an instance.
txt() { t 3 scan dig +time=1 +tries=1 -p 5353 "@$1" "$2" TXT +short; }

@test "devices lab: devices_up builds it and waits for every responder, in a few seconds" {
	ms=$(cat "$BATS_FILE_TMPDIR/devices_up.ms")
	[ "$ms" -lt 8000 ] || fail "devices_up took $ms ms"
	for role in dprinter dmac dcast dpi ddlna drouter dwin dswitch dphone dnothing; do
		ip netns list | grep -qw "^$(lab_ns "$role")" || fail "no namespace $role"
	done
	d=$(devices_run_dir)
	[ -s "$d/ddlna/minidlna.pid" ] && [ -s "$d/drouter/miniupnpd.pid" ] || fail "daemon pid files"
}

@test "devices lab: avahi lists each device's services (DNS-SD, unicast to 5353)" {
	assert_equal "$(services "$DEVICES_PRINTER_4")" "$(printf '%s\n' _ipp._tcp.local. _pdl-datastream._tcp.local.)"
	assert_equal "$(services "$DEVICES_MAC_4")" "_device-info._tcp.local."
	assert_equal "$(services "$DEVICES_CAST_4")" "_googlecast._tcp.local."
	assert_equal "$(services "$DEVICES_PI_4")" "$(printf '%s\n' _ssh._tcp.local. _workstation._tcp.local.)"
	assert_equal "$(services "$DEVICES_PHONE_4")" "_companion-link._tcp.local."
	for a in "$DEVICES_DLNA_4" "$DEVICES_ROUTER_4" "$DEVICES_WIN_4" "$DEVICES_SWITCH_4" "$DEVICES_NOTHING_4"; do
		assert_equal "$(services "$a" 2>/dev/null)" ""
	done
}

@test "devices lab: the TXT records carry the models" {
	run txt "$DEVICES_PRINTER_4" "HP\\ LaserJet\\ Pro\\ M404dn._ipp._tcp.local"
	assert_output --partial '"ty=HP LaserJet Pro M404dn"'
	assert_output --partial '"usb_MDL=LaserJet Pro M404dn"'
	run txt "$DEVICES_MAC_4" "MacBook\\ Air._device-info._tcp.local"
	assert_output --partial '"model=MacBookAir10,1"'
	run txt "$DEVICES_CAST_4" "Chromecast-4c1e7a._googlecast._tcp.local"
	assert_output --partial '"md=Chromecast"'
}

@test "devices lab: minidlna and miniupnpd answer a multicast M-SEARCH; their descriptions say MediaServer and InternetGatewayDevice" {
	run devices_probe scan 5 "ssdp,$DEVICES_DLNA_4,<modelName>$DEVICES_DLNA_MODEL</modelName>" \
		"ssdp,$DEVICES_ROUTER_4,<modelName>$DEVICES_ROUTER_MODEL</modelName>" \
		"ssdp,$DEVICES_DLNA_4,device:MediaServer:1" "ssdp,$DEVICES_ROUTER_4,device:InternetGatewayDevice:2"
	assert_success
	run t 3 scan curl -s -m 2 "http://$DEVICES_ROUTER_4:$DEVICES_ROUTER_HTTP/rootDesc.xml"
	assert_output --partial "<friendlyName>Lab Router</friendlyName>"
}

@test "devices lab: the PC answers NBSTAT, ping with TTL 128 and TCP 445; the switch ping with TTL 255, no TCP" {
	run t 5 scan nbtscan -t 500 -v -s '|' "$DEVICES_WIN_4"
	assert_output --partial "$DEVICES_WIN_4|$DEVICES_WIN_NB"
	run t 3 scan ping -c 1 -W 1 "$DEVICES_WIN_4"
	assert_output --partial "ttl=128"
	run t 3 scan nc -z -w 1 "$DEVICES_WIN_4" 445
	assert_success
	run t 3 scan ping -c 1 -W 1 "$DEVICES_SWITCH_4"
	assert_output --partial "ttl=255"
	run t 3 scan nc -z -w 1 "$DEVICES_SWITCH_4" 22
	assert_failure
	run t 3 scan ping -c 1 -W 1 "$DEVICES_NOTHING_4"
	assert_output --partial "ttl=64"
}

@test "devices lab: the printer's 631 and 9100 are open, the Pi's 22; the MACs are as documented" {
	for p in 631 9100; do
		run t 3 scan nc -z -w 1 "$DEVICES_PRINTER_4" "$p"
		assert_success
	done
	run t 3 scan nc -z -w 1 "$DEVICES_PI_4" 22
	assert_success
	t 3 scan ping -c 1 -W 1 "$DEVICES_PHONE_4" >/dev/null
	run t 3 scan ip neigh show "$DEVICES_PHONE_4"
	assert_output --partial "$DEVICES_PHONE_MAC"
	# locally administered: the 0x02 bit of the first octet
	[ $((0x${DEVICES_PHONE_MAC%%:*} & 2)) -eq 2 ]
	t 3 scan ping -c 1 -W 1 "$DEVICES_SWITCH_4" >/dev/null
	run t 3 scan ip neigh show "$DEVICES_SWITCH_4"
	assert_output --partial "$DEVICES_SWITCH_MAC"
}

@test "devices lab: no device sent anything outside the lab (guard counters)" {
	for role in dprinter dmac dcast dpi ddlna drouter dwin dswitch dphone dnothing; do
		run t 3 "$role" nft list counter inet names_guard leak
		assert_output --partial "packets 0 bytes 0"
	done
}
