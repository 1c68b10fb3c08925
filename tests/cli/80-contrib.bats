#!/usr/bin/env bats
# 80-contrib.bats -- the systemd units and the cron line in contrib/ are valid and hardened.

load helper

TOP=$TESTS_DIR/..

@test "contrib: systemd-analyze verify accepts the service and the timer" {
	command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"
	d=$BATS_TEST_TMPDIR/units
	mkdir -p "$d"
	# verify wants the program on disk: point ExecStart at the build under test.
	sed "s|^ExecStart=lanscan |ExecStart=$LANSCAN |" "$TOP/contrib/lanscan-sweep.service" >"$d/lanscan-sweep.service"
	cp "$TOP/contrib/lanscan-sweep.timer" "$d/"
	grep -q "^ExecStart=$LANSCAN " "$d/lanscan-sweep.service"
	run env SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$d/lanscan-sweep.service" "$d/lanscan-sweep.timer"
	assert_success
	assert_output ""
}

@test "contrib: the service runs unprivileged with CAP_NET_RAW only, exposure rated OK or better" {
	command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"
	s=$TOP/contrib/lanscan-sweep.service
	grep -qx "DynamicUser=yes" "$s"
	grep -qx "CapabilityBoundingSet=CAP_NET_RAW" "$s"
	grep -qx "StateDirectory=lanscan" "$s"
	run bash -c "grep -v '^#' '$s' | grep -q /usr/local/bin"	# no path in the unit itself
	assert_failure
	run systemd-analyze security --offline=true --no-pager "$s"
	level=$(printf '%s\n' "$output" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p')
	[ -n "$level" ] || fail "no exposure level in: $output"
	awk -v l="$level" 'BEGIN { exit !(l <= 2.5) }' || fail "exposure $level is above 2.5"
}

@test "contrib: the cron line sets PATH and makes its state directory" {
	c=$TOP/contrib/lanscan.cron
	grep -q "^PATH=/usr/local/bin:" "$c"
	grep -q "mkdir -p -m 0750 /var/lib/lanscan && lanscan " "$c"
}
