#!/usr/bin/env bats
# 64-identify.bats -- lanscan -K against the device lab's real daemons (avahi, minidlna, miniupnpd, nmbd) and a
# hostile device: every kind and model from the right source, as root and as nobody, in every format.

load helper

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
	. "$TESTS_DIR/lab/devices.sh"
	RANGE="$DEVICES_PRINTER_4-${DEVICES_NOTHING_4##*.}"
	# What is said, not how fast (make bench measures that): a budget that a
	# loaded machine's responders (avahi, minidlna) meet too (3 s was short
	# once in CI, two bats files beside each other on 2 cores).
	BUDGET=(--name-timeout 4000)
}
teardown() {
	[ "$(id -u)" -ne 0 ] || devices_hostile_down
}

# Every device's kind and model in the TSV lines of $output (columns 8 and 9).
check_truth() {
	local addr role kind model got
	while read -r addr role kind model; do
		got=$(line_for "$addr" | cut -f8,9)
		assert_equal "$got" "$kind"$'\t'"${model//_/ }"
	done <<<"$DEVICES_TABLE"
}

@test "identify: every lab device's kind and model, from the right source (root)" {
	run --separate-stderr lanscan -K "${BUDGET[@]}" "$RANGE"
	assert_success
	check_truth
	run lanscan -K "${BUDGET[@]}" --json "$RANGE"
	json() { printf '%s\n' "$output" | grep "\"address\":\"$1\""; }
	assert_regex "$(json "$DEVICES_PRINTER_4")" '"kind_from":"mdns service=_ipp\._tcp"'
	assert_regex "$(json "$DEVICES_PRINTER_4")" '"_ipp\._tcp\.ty":"HP LaserJet Pro M404dn"'
	assert_regex "$(json "$DEVICES_MAC_4")" '"kind_from":"mdns _device-info\._tcp\.model=MacBookAir10,1"'
	assert_regex "$(json "$DEVICES_DLNA_4")" '"kind_from":"upnp deviceType=urn:schemas-upnp-org:device:MediaServer:1"'
	assert_regex "$(json "$DEVICES_ROUTER_4")" '"kind_from":"upnp deviceType=urn:schemas-upnp-org:device:InternetGatewayDevice:2"'
	assert_regex "$(json "$DEVICES_WIN_4")" '"kind_from":"netbios server=1"'
	assert_regex "$(json "$DEVICES_SWITCH_4")" '"kind_from":"mac vendor=Cisco'
	assert_regex "$(json "$DEVICES_PHONE_4")" '"evidence":\{"mdns":\{"service":"_companion-link\._tcp"'
	assert_regex "$(json "$DEVICES_NOTHING_4")" '"kind":null,"model":null,"kind_from":null'
}

@test "identify: the same as nobody (UDP and TCP need no privilege), with the reply's TTL as evidence" {
	as_nobody -K "${BUDGET[@]}" "$RANGE"
	assert_success
	check_truth
	as_nobody -K --json "$DEVICES_SWITCH_4" "$DEVICES_WIN_4"
	assert_regex "$(printf '%s\n' "$output" | grep "$DEVICES_SWITCH_4")" '"ip":\{"ttl":"255"\}'
	assert_regex "$(printf '%s\n' "$output" | grep "$DEVICES_WIN_4")" '"ip":\{"ttl":"128"\}'
}

@test "identify: off, nothing of it is sent, and the lines keep their seven columns" {
	run --separate-stderr lanscan -n --verbose "$RANGE"
	assert_success
	refute_regex "$stderr" 'identify'
	[ "$(printf '%s\n' "$output" | awk -F'\t' '{ print NF }' | sort -u)" = 7 ] || fail "columns: $output"
	run --separate-stderr lanscan -K --verbose "$RANGE"
	assert_regex "$stderr" 'identify \(answered/asked\): dnssd [0-9]+/10 .*ssdp [0-9]+/10'
}

@test "identify: Prometheus host_info carries kind and model; the table shows them where a person looks" {
	run lanscan -K --format prom "$DEVICES_PRINTER_4" "$DEVICES_DLNA_4"
	assert_line 'lanscan_host_info{address="198.19.1.40",mac="3c:d9:2b:00:00:40",vendor="Hewlett Packard",name="hp-m404dn.local",kind="printer",model="HP LaserJet Pro M404dn"} 1'
	assert_line --regexp '^lanscan_host_info\{address="198\.19\.1\.44",.*,kind="nas",model="LabNAS DLNA"\} 1$'
	run in_lab env COLUMNS=140 TERM=dumb script -qec "$LANSCAN --no-progress $DEVICES_PRINTER_4" /dev/null
	output=${output//$'\r'/}
	assert_regex "$output" 'ADDRESS +STATE +RTT KIND +VENDOR +MODEL +NAME'
	assert_regex "$output" '198\.19\.1\.40 +up +[0-9.]+ ms printer +Hewlett Packard +HP LaserJet Pro M404dn +hp-m404dn\.local'
}

@test "identify hostile: a LOCATION naming another host is refused and counted, never fetched" {
	devices_hostile_up other
	log=$(devices_run_dir)/ddlna/minidlna.out
	before=$(grep -c "HTTP REQUEST\|GET /rootDesc" "$log" || true)
	run --separate-stderr lanscan -K --verbose --json "$DEVICES_HOSTILE_4"
	assert_regex "$output" '"kind":"computer","model":null,"kind_from":"mac vendor=Raspberry Pi'	# its MAC only
	refute_regex "$output" '"upnp"'
	assert_regex "$stderr" 'ssdp [0-9]+/1 \([0-9]+ sent, [0-9]+ dropped, [1-9][0-9]* refused\)'
	assert_equal "$(grep -c "HTTP REQUEST\|GET /rootDesc" "$log" || true)" "$before"
}

@test "identify hostile: a slowloris, a 10 MB description and an XML bomb cost the budget at most, and little memory" {
	for mode in slow huge bomb; do
		devices_hostile_up "$mode"
		run in_lab /usr/bin/time -f "rss %M s %e" "$LANSCAN" -K "$DEVICES_HOSTILE_4" "$DEVICES_PI_4"
		assert_success
		assert_equal "$(line_for "$DEVICES_PI_4" | cut -f8)" computer
		# its MAC's vendor says computer; its description was never read, so no model
		[ "$(line_for "$DEVICES_HOSTILE_4" | cut -f8,9)" = $'computer\t-' ] || fail "$mode: $(line_for "$DEVICES_HOSTILE_4")"
		rss=$(printf '%s\n' "$output" | sed -n 's/^rss \([0-9]*\) .*/\1/p')
		[ "$rss" -lt 30000 ] || fail "$mode: $rss KB"
	done
}

@test "identify hostile: control bytes and overrides stay escaped in every format" {
	devices_hostile_up ctl
	for fmt in text json prom table; do
		run lanscan -K --format "$fmt" "$DEVICES_HOSTILE_4"
		if printf '%s' "$output" | LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]'; then fail "$fmt: a control byte"; fi
		if printf '%s' "$output" | LC_ALL=C grep -q $'\xe2\x80\xae\|\xc2\x85'; then fail "$fmt: an override or C1"; fi
	done
	run lanscan -K --json "$DEVICES_HOSTILE_4"
	assert_regex "$output" '"server":"Evil\\\\027\[2J\\\\007 UPnP/1\.0"'
}

@test "identify hostile: a device answering every query changes only its own kind" {
	devices_hostile_up spoof --mdns
	run lanscan -K "$DEVICES_PI_4" "$DEVICES_SWITCH_4" "$DEVICES_HOSTILE_4"
	assert_equal "$(line_for "$DEVICES_PI_4" | cut -f8,9)" $'computer\t-'
	assert_equal "$(line_for "$DEVICES_SWITCH_4" | cut -f8,9)" $'network\t-'
	[ -n "$(line_for "$DEVICES_HOSTILE_4" | cut -f8 | grep -v '^-$')" ] || fail "no claim of its own"
	run lanscan -K --json "$DEVICES_PI_4" "$DEVICES_SWITCH_4"
	refute_regex "$output" 'Spoof|spoof|Evil'	# its answers about others were not taken
}
