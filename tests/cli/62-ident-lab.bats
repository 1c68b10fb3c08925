#!/usr/bin/env bats
# 62-ident-lab.bats -- the recognition sources (DNS-SD, SSDP/UPnP) and the rule table against the device lab's real daemons
# and a hostile device, through the test driver (build/tests/test_ident lab), as root and as nobody.

load helper

IDENT=$(cd "$(dirname "$LANSCAN")" && pwd)/tests/test_ident

setup_file() {
	lab_up
	[ "$(id -u)" -eq 0 ] || return 0
	. "$TESTS_DIR/lab/devices.sh"
	devices_up
}
teardown_file() {
	if [ "$(id -u)" -eq 0 ] && [ -n "${LAB_ID:-}" ]; then
		. "$TESTS_DIR/lab/devices.sh"
		devices_down
	fi
	lab_down
}
setup() {
	lab_require
	[ -x "$IDENT" ] || skip "no $IDENT (make unit)"
	. "$TESTS_DIR/lab/devices.sh"
	# What the sweep itself knows (TTL, open ports, NetBIOS, the MAC), as the lead's pipeline will pass it.
	SWEPT=("$DEVICES_PRINTER_4,ip.ttl=64,tcp.port=631" "$DEVICES_MAC_4,ip.ttl=64" "$DEVICES_CAST_4,ip.ttl=64"
		"$DEVICES_PI_4,ip.ttl=64,tcp.port=22,mac.vendor=Raspberry Pi Trading Ltd" "$DEVICES_DLNA_4,ip.ttl=64"
		"$DEVICES_ROUTER_4,ip.ttl=64" "$DEVICES_WIN_4,ip.ttl=128,tcp.port=445,netbios.server=1,mac.vendor=Dell Inc."
		"$DEVICES_SWITCH_4,ip.ttl=255,mac.vendor=Cisco Systems" "$DEVICES_PHONE_4,ip.ttl=64,mac.local=1"
		"$DEVICES_NOTHING_4,ip.ttl=64,mac.vendor=Intel Corporate")
}
teardown() {
	[ "$(id -u)" -ne 0 ] || devices_hostile_down
}

# ident [nobody] BUDGET ADDR...: the driver in the scanner namespace.
ident() {
	local dir
	if [ "$1" = nobody ]; then
		shift
		dir=$(mktemp -d /tmp/lanscan-nobody.XXXXXX)
		cp "$IDENT" "$dir/" && chmod 755 "$dir" "$dir/test_ident"
		run in_lab setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/test_ident" lab lan0 "$@"
		rm -rf "$dir"
	else
		run in_lab "$IDENT" lab lan0 "$@"
	fi
}
# The kind and model line of ADDR in $output.
verdict() { printf '%s\n' "$output" | awk -v a="$1" '$1 == a { print $2, $3 }'; }
# The facts of ADDR in $output, "src key value" a line.
facts_of() { printf '%s\n' "$output" | awk -v a="$1" '/^[0-9]/ { on = ($1 == a); next } on { sub(/^  /, ""); print }'; }
# ms of the run ("# N hosts in MS ms").
took() { printf '%s\n' "$output" | sed -n 's/^# [0-9]* hosts in \([0-9]*\) ms.*/\1/p'; }

check_truth() {
	local line addr role kind model
	while read -r addr role kind model; do
		assert_equal "$(verdict "$addr")" "$kind $model"
	done <<<"$DEVICES_TABLE"
	# each from the right source
	facts_of "$DEVICES_PRINTER_4" | grep -qx "mdns _ipp._tcp.ty $DEVICES_PRINTER_MODEL" || fail "printer TXT"
	facts_of "$DEVICES_MAC_4" | grep -qx "mdns _device-info._tcp.model $DEVICES_MAC_MODEL" || fail "mac TXT"
	facts_of "$DEVICES_CAST_4" | grep -qx "mdns _googlecast._tcp.md $DEVICES_CAST_MODEL" || fail "cast TXT"
	facts_of "$DEVICES_DLNA_4" | grep -qx "upnp modelName $DEVICES_DLNA_MODEL" || fail "minidlna description"
	facts_of "$DEVICES_ROUTER_4" | grep -qx "upnp deviceType urn:schemas-upnp-org:device:InternetGatewayDevice:2" ||
		fail "miniupnpd description"
	facts_of "$DEVICES_PHONE_4" | grep -qx "mdns service _companion-link._tcp" || fail "phone service"
	[ -z "$(facts_of "$DEVICES_NOTHING_4" | grep -v '^ip \|^mac ')" ] || fail "the silent device said something"
}

@test "ident: every lab device's kind and model, from the right source, within the budget (root)" {
	ident 1000 "${SWEPT[@]}"
	assert_success
	check_truth
	ms=$(took)
	[ "$ms" -ge 990 ] && [ "$ms" -lt 1400 ] || fail "took $ms ms"
	assert_line --partial "0 refused"
}

@test "ident: the same as nobody (UDP and TCP need no privilege)" {
	ident nobody 1000 "${SWEPT[@]}"
	assert_success
	check_truth
}

@test "ident hostile: a LOCATION naming another host is refused and counted, never fetched" {
	devices_hostile_up other
	log=$(devices_run_dir)/ddlna/minidlna.out
	before=$(grep -c "HTTP REQUEST\|GET /rootDesc" "$log" || true)
	ident 1000 "$DEVICES_HOSTILE_4"
	assert_success
	assert_equal "$(verdict "$DEVICES_HOSTILE_4")" "- -"
	assert_line --regexp "ssdp: 1/1 answered, [0-9]+ sent, [0-9]+ dropped, [1-9][0-9]* refused"
	[ -z "$(facts_of "$DEVICES_HOSTILE_4" | grep '^upnp')" ] || fail "fetched"
	after=$(grep -c "HTTP REQUEST\|GET /rootDesc" "$log" || true)
	assert_equal "$after" "$before"
}

@test "ident hostile: a slowloris description ends with the budget, counted as failed" {
	devices_hostile_up slow
	ident 800 "$DEVICES_HOSTILE_4" "$DEVICES_PI_4"
	assert_success
	ms=$(took)
	[ "$ms" -lt 1000 ] || fail "took $ms ms"
	assert_line --regexp "ssdp: .* 1 fetch failed"
	assert_equal "$(verdict "$DEVICES_PI_4")" "computer -"
}

@test "ident hostile: a 10 MB description and an XML bomb fail fast and small" {
	for mode in huge bomb; do
		devices_hostile_up "$mode"
		run in_lab /usr/bin/time -f "rss %M" "$IDENT" lab lan0 1000 "$DEVICES_HOSTILE_4"
		assert_success
		assert_line --regexp "ssdp: .* 1 fetch failed"
		[ -z "$(facts_of "$DEVICES_HOSTILE_4" | grep '^upnp')" ] || fail "$mode: read"
		rss=$(printf '%s\n' "$output" | sed -n 's/^rss //p')
		[ "$rss" -lt 20000 ] || fail "$mode: $rss KB"
	done
}

@test "ident hostile: control bytes and bidirectional overrides come out escaped" {
	devices_hostile_up ctl
	ident 1000 "$DEVICES_HOSTILE_4"
	assert_success
	if printf '%s' "$output" | LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]'; then fail "a control byte"; fi
	if printf '%s' "$output" | LC_ALL=C grep -q $'\xe2\x80\xae\|\xc2\x85'; then fail "an override or C1 control"; fi
	facts_of "$DEVICES_HOSTILE_4" | grep -qxF 'ssdp server Evil\027[2J\007 UPnP/1.0' || fail "SERVER"
	facts_of "$DEVICES_HOSTILE_4" | grep -qxF 'upnp modelName Model\194\133\194\1552J\226\128\174' || fail "modelName"
}

@test "ident hostile: a device answering every query (mDNS and SSDP) changes only its own kind" {
	devices_hostile_up spoof --mdns
	ident 1000 "$DEVICES_PI_4,ip.ttl=64" "$DEVICES_SWITCH_4,ip.ttl=255,mac.vendor=Cisco Systems" "$DEVICES_HOSTILE_4"
	assert_success
	assert_equal "$(verdict "$DEVICES_PI_4")" "computer -"
	assert_equal "$(verdict "$DEVICES_SWITCH_4")" "network -"
	[ -z "$(facts_of "$DEVICES_SWITCH_4" | grep '^mdns\|^upnp\|^ssdp')" ] || fail "the switch got facts"
	[ -z "$(facts_of "$DEVICES_PI_4" | grep -i 'spoof\|hostile')" ] || fail "the Pi got facts"
	facts_of "$DEVICES_HOSTILE_4" | grep -q "^mdns _ipp._tcp.ty Spoofed Printer" || fail "its own claim"
	# its answers to the queries about the switch (the multicast fallback) were dropped
	assert_line --regexp "dnssd: .* [1-9][0-9]* dropped"
}
