#!/usr/bin/env bats
# package.bats -- the Debian package: built once from a clean copy of the tree,
# lintian-clean, installed on this machine, used, then purged.
#
# Run once per `make check` (tests/run-all.sh), as root: dpkg -i, setcap and
# the lab need it.  The machine is left as it was: the package is purged at
# the end whatever happened, a statoverride made here is removed, and the
# tests skip when a lanscan is already installed (they would replace it).
# PKG_FULL=1 (make deb-check) lints the source package too (7 s more) and
# builds a second time to compare the .debs (one more build).

load ../cli/helper

TOP=$(cd "$TESTS_DIR/.." && pwd)
BIN=/usr/bin/lanscan
VERSION=$(sed -n 's/^VERSION *:= *//p' "$TOP/Makefile")

# Why the package tests cannot run here, or nothing.
why_skip() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "package tests need root (dpkg -i, setcap, network namespaces); run make check as root"
	elif ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null ||
		! command -v lintian >/dev/null; then
		echo "package tests need dpkg-dev, debhelper and lintian (make deps-test)"
	elif dpkg-query -W -f='${Status}' lanscan 2>/dev/null | grep -q 'ok installed\|config-files'; then
		echo "a lanscan package is installed on this machine: not replaced by a test"
	elif [ -e "$BIN" ]; then
		echo "$BIN exists (not from a package): not overwritten by a test"
	fi
}

# Every path named *lanscan* that a package could leave (dpkg's own records
# and deb-systemd-helper's included).
footprint() {
	find /etc /usr /var -xdev \( -path /var/tmp -o -path /var/cache -o -path /var/log \) -prune \
		-o -name '*lanscan*' -print | sort
}

# dpkg, waiting (at most a minute) while another process holds its lock.
dpkg_wait() {
	local out
	for _ in $(seq 60); do
		if out=$(dpkg "$@" 2>&1); then
			printf '%s\n' "$out"
			return 0
		fi
		case $out in *lock*) sleep 1 ;; *) printf '%s\n' "$out" >&2; return 1 ;; esac
	done
	printf '%s\n' "$out" >&2
	return 1
}

# mkdir -p DIR, listing in $PKG_MADE the first directory it made, if any.
make_dir() {
	mkdir -pv "$1" | head -1 | sed -n "s/^mkdir: created directory '\(.*\)'$/\1/p" >>"$PKG_MADE"
}

# The package's own configure step, as dpkg runs it.
postinst() { "$@" /var/lib/dpkg/info/lanscan.postinst configure "$VERSION"; }

setup_file() {
	export PKG_SKIP PKG_OUT="$BATS_FILE_TMPDIR/deb" PKG_MARK="$BATS_FILE_TMPDIR/installed" \
		PKG_MADE="$BATS_FILE_TMPDIR/made"
	PKG_SKIP=$(why_skip)
	[ -z "$PKG_SKIP" ] || return 0
	footprint >"$BATS_FILE_TMPDIR/footprint.before"
	cp /var/lib/dpkg/statoverride "$BATS_FILE_TMPDIR/statoverride.before"
	local t0=$SECONDS
	"$TOP/tests/pkg/build-deb.sh" "$PKG_OUT" >/dev/null 2>"$BATS_FILE_TMPDIR/build.err" || true
	echo "$((SECONDS - t0))" >"$BATS_FILE_TMPDIR/build.seconds"
	lab_up
}

teardown_file() {
	[ -z "$PKG_SKIP" ] || return 0
	lab_down
	if [ -e "$PKG_MARK" ]; then
		dpkg-statoverride --remove "$BIN" >/dev/null 2>&1 || true
		dpkg_wait --purge lanscan >/dev/null || true
	fi
	# Files and directories made by a test, last first.
	[ ! -s "$PKG_MADE" ] || tac "$PKG_MADE" | while IFS= read -r f; do rm -rf -- "$f"; done
}

setup() {
	[ -z "$PKG_SKIP" ] || skip "$PKG_SKIP"
}

@test "package: dpkg-buildpackage builds it from a clean copy, the Makefile's version, nothing beside the tree" {
	[ -s "$BATS_FILE_TMPDIR/build.err" ] && fail "$(cat "$BATS_FILE_TMPDIR/build.err")"
	[ -n "$VERSION" ]
	deb=$(ls "$PKG_OUT"/lanscan_"$VERSION"_*.deb)
	assert_equal "$(dpkg-deb -f "$deb" Package Version | tr '\n' ' ')" "Package: lanscan Version: $VERSION "
	assert_equal "$(dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version)" "$VERSION"
	# Build-Depends are met here, and dependencies come from shlibs.
	run dpkg-checkbuilddeps "$TOP/debian/control"
	assert_success
	run dpkg-deb -f "$deb" Depends
	assert_output --regexp '^libcap2-bin, libc6 \(>= [0-9.]+\), libexpat1 \(>= [0-9.]+\), libuv1 \(>= [0-9.]+\)$'
	assert_equal "$(dpkg-deb -f "$deb" Recommends)" "ieee-data, iputils-ping"
	run bash -c "ls '$TOP'/../lanscan_* 2>/dev/null"
	assert_output ""
	echo "# build: $(cat "$BATS_FILE_TMPDIR/build.seconds") s" >&3
}

@test "lintian --fail-on error,warning: the binary packages are clean (and the source package, with PKG_FULL=1)" {
	local src=
	[ "${PKG_FULL:-0}" != 1 ] || src=$(ls "$PKG_OUT"/lanscan_*.dsc)
	run lintian --fail-on error,warning "$PKG_OUT"/lanscan_*.changes $src
	assert_success
	# Nothing above info, overridden or not.
	run bash -c "printf '%s\n' \"\$1\" | grep -E '^[EW]: '" _ "$output"
	assert_output ""
}

@test "install: dpkg -i puts each file where Debian looks, with cap_net_raw, and the sweep disabled" {
	touch "$PKG_MARK"
	run dpkg_wait -i "$PKG_OUT"/lanscan_*_"$(dpkg --print-architecture)".deb
	assert_success
	for f in /usr/bin/lanscan /usr/share/man/man1/lanscan.1.gz \
		/usr/share/bash-completion/completions/lanscan /usr/share/zsh/vendor-completions/_lanscan \
		/usr/share/fish/vendor_completions.d/lanscan.fish /usr/share/doc/lanscan/README.md.gz \
		/usr/share/doc/lanscan/BENCHMARKS.md.gz /usr/share/doc/lanscan/copyright \
		/usr/share/doc/lanscan/examples/lanscan-sweep.service /usr/share/doc/lanscan/examples/lanscan.cron \
		/lib/systemd/system/lanscan.service /lib/systemd/system/lanscan.timer /etc/default/lanscan; do
		[ -f "$f" ] || fail "$f is not installed"
	done
	assert_equal "$(stat -c '%a %U' "$BIN")" "755 root"
	assert_equal "$(getcap "$BIN")" "$BIN cap_net_raw=ep"
	assert_equal "$(dpkg-query -W -f='${Conffiles}' lanscan | awk 'NF { print $1 }')" /etc/default/lanscan
	run "$BIN" --version
	assert_success
	assert_output --partial "$VERSION"
	run systemctl is-enabled lanscan.timer
	assert_output disabled
	[ ! -e /etc/systemd/system/timers.target.wants/lanscan.timer ]
}

@test "units: the packaged service and timer verify, run hardened (exposure OK), and skip while no target is set" {
	run env SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no /lib/systemd/system/lanscan.service /lib/systemd/system/lanscan.timer
	assert_success
	assert_output ""
	s=/lib/systemd/system/lanscan.service
	grep -qx "DynamicUser=yes" "$s"
	grep -qx "CapabilityBoundingSet=CAP_NET_RAW" "$s"
	grep -qx "StateDirectory=lanscan" "$s"
	grep -qx "EnvironmentFile=-/etc/default/lanscan" "$s"
	# The same sandbox as contrib's unit, line for line.
	run diff <(sed -n '/^DynamicUser=/,$p' "$TOP/contrib/lanscan-sweep.service") <(sed -n '/^DynamicUser=/,$p' "$s")
	assert_success
	run systemd-analyze security --offline=true --no-pager "$s"
	level=$(printf '%s\n' "$output" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p')
	[ -n "$level" ] || fail "no exposure level in: $output"
	awk -v l="$level" 'BEGIN { exit !(l <= 2.5) }' || fail "exposure $level is above 2.5"
	# The default file sets no target: the ExecCondition= (systemd's $$ is $) skips.
	cond=$(sed -n "s/^ExecCondition=\/bin\/sh -c '\(.*\)'$/\1/p" "$s" | sed 's/\$\$/$/g')
	[ -n "$cond" ] || fail "no ExecCondition= in $s"
	run env -i sh -c ". /etc/default/lanscan; $cond"
	assert_failure 1
	assert_output --partial "nothing to sweep"
	run env -i LANSCAN_TARGETS=198.18.0.1 sh -c "$cond"
	assert_success
}

@test "units: ExecStart=, run as systemd runs it (a new uid, ambient CAP_NET_RAW only, no_new_privs), sweeps by arp and keeps its state" {
	# No systemd here (not PID 1): the unit's command line, its variables
	# filled in as systemd would, runs under setpriv with what the unit grants.
	s=/lib/systemd/system/lanscan.service
	cmd=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$s" | sed 's/^ExecStart=//; s/\\$//' | tr -d '\n\t')
	[ -n "$cmd" ] || fail "no ExecStart= in $s"
	d=$(mktemp -d /tmp/lanscan-unit.XXXXXX)	# a path the unit's uid can reach
	mkdir "$d/state" "$d/run"
	chown 61234:61234 "$d/state" "$d/run"
	chmod 755 "$d"
	LANSCAN_OPTIONS="-t 500" LANSCAN_TARGETS="$LAB_LAN_HOSTS4"
	cmd=${cmd//'${STATE_DIRECTORY}'/$d/state}
	cmd=${cmd//'${RUNTIME_DIRECTORY}'/$d/run}
	cmd=${cmd//'$LANSCAN_OPTIONS'/$LANSCAN_OPTIONS}
	cmd=${cmd//'$LANSCAN_TARGETS'/$LANSCAN_TARGETS}
	[[ $cmd == "/usr/bin/lanscan --no-progress --state $d/state/state --prom-file $d/run/lanscan.prom -t 500 198.19.1."* ]] ||
		fail "unexpected command line: $cmd"
	# A copy of the binary, without the file capability: only the ambient
	# one (AmbientCapabilities=) can give it raw sockets.
	cp "$BIN" "$d/lanscan"
	[ -z "$(getcap "$d/lanscan")" ]
	cmd="$d/lanscan ${cmd#"$BIN "}"
	as_unit() {
		# shellcheck disable=SC2086 # the words systemd would split
		run --separate-stderr in_lab setpriv --reuid=61234 --regid=61234 --clear-groups --no-new-privs "$@" $cmd --verbose
	}
	as_unit --inh-caps=+net_raw --ambient-caps=+net_raw
	[ "$status" -eq 0 ] || { rm -rf "$d"; fail "status $status: $stderr"; }
	assert_regex "$stderr" "arp: packet socket"
	for a in $LAB_LAN_HOSTS4; do
		assert_line --regexp "^new	$a	up	.*	arp	"
	done
	prom=$(cat "$d/run/lanscan.prom") owner=$(stat -c %u "$d/state/state")
	# The second sweep prints only what changed: nothing.
	as_unit --inh-caps=+net_raw --ambient-caps=+net_raw
	rm -rf "$d"
	assert_success
	assert_output ""
	assert_regex "$prom" $'(^|\n)lanscan_up\\{address="198\\.19\\.1\\.10"[^\n]*\\} 1\n'
	assert_equal "$owner" 61234
}

@test "autopkgtest: each Test-Command of debian/tests/control passes against the installed package" {
	n=0
	while read -r cmd; do
		n=$((n + 1))
		run --separate-stderr timeout 60 sh -c "cd '$TOP' && $cmd"
		[ "$status" -eq 0 ] || fail "$cmd: status $status: $output $stderr"
		assert_output --partial "ok: "
		# No Restrictions: allow-stderr, so stderr must stay empty.
		assert_equal "$stderr" ""
	done < <(sed -n 's/^Test-Command: //p' "$TOP/debian/tests/control")
	assert_equal "$n" 2
}

@test "nobody, with the installed lanscan, sweeps the lab segment: arp in the via column" {
	run --separate-stderr in_lab setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" --verbose -t 500 $LAB_LAN_HOSTS4 "$LAB_LAN_DEAD4"
	assert_equal "$status" 1
	assert_regex "$stderr" "arp: packet socket"
	for a in $LAB_LAN_HOSTS4; do
		assert_equal "$(line_for "$a" | cut -f2,5)" "up	arp"
	done
	assert_equal "$(line_for "$LAB_LAN_DEAD4" | cut -f2)" down
}

@test "setcap -r takes the capability back: nobody gets the unprivileged methods; the postinst gives it again" {
	setcap -r "$BIN"
	run getcap "$BIN"
	assert_output ""
	run --separate-stderr in_lab setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" --verbose -t 500 198.19.1.10
	postinst >/dev/null
	assert_success
	refute_regex "$stderr" "arp: packet socket"
	[ "$(line_for 198.19.1.10 | cut -f5)" != arp ] || fail "arp without the capability: $output"
	assert_equal "$(getcap "$BIN")" "$BIN cap_net_raw=ep"
}

@test "postinst: where setcap fails (no extended attributes), setuid root instead; nobody still gets arp" {
	# A setcap that fails as it does on a filesystem without xattrs.
	mkdir "$BATS_TEST_TMPDIR/fake"
	printf '#!/bin/sh\necho "Failed to set capabilities on file \\`$2'"'"' (Operation not supported)" >&2\nexit 1\n' \
		>"$BATS_TEST_TMPDIR/fake/setcap"
	chmod 755 "$BATS_TEST_TMPDIR/fake/setcap"
	setcap -r "$BIN"
	run --separate-stderr postinst env PATH="$BATS_TEST_TMPDIR/fake:$PATH"
	assert_success
	assert_regex "$stderr" "making it setuid root instead \(chmod u-s /usr/bin/lanscan to undo\)"
	mode=$(stat -c %a "$BIN")
	run --separate-stderr in_lab setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" --verbose -t 500 198.19.1.10
	chmod u-s "$BIN"
	postinst >/dev/null
	assert_equal "$mode" 4755
	assert_success
	assert_regex "$stderr" "arp: packet socket"
	assert_equal "$(line_for 198.19.1.10 | cut -f2,5)" "up	arp"
	assert_equal "$(stat -c %a "$BIN")" 755
	assert_equal "$(getcap "$BIN")" "$BIN cap_net_raw=ep"
}

@test "postinst: a dpkg-statoverride of the file is left as the administrator set it" {
	setcap -r "$BIN"
	dpkg-statoverride --add root root 0755 "$BIN"
	run --separate-stderr postinst
	dpkg-statoverride --remove "$BIN"
	assert_success
	assert_regex "$stderr" "has a dpkg-statoverride"
	run getcap "$BIN"
	assert_output ""
	postinst >/dev/null
	assert_equal "$(getcap "$BIN")" "$BIN cap_net_raw=ep"
	cmp "$BATS_FILE_TMPDIR/statoverride.before" /var/lib/dpkg/statoverride
}

@test "remove: dpkg -r keeps only the conffile (and dpkg's records); dpkg -P leaves the machine as it was" {
	# What the health sweep makes at run time, which postrm must take away:
	# its state, and the link in the node exporter's textfile directory.
	# What is made here for the test is listed in $PKG_MADE (teardown_file
	# removes it whatever happened).
	make_dir /var/lib/private
	mkdir /var/lib/private/lanscan
	ln -s private/lanscan /var/lib/lanscan
	echo state >/var/lib/private/lanscan/state
	tf=/var/lib/prometheus/node-exporter link=
	make_dir "$tf"
	if [ ! -e "$tf/lanscan.prom" ]; then
		link=1
		echo "$tf/lanscan.prom" >>"$PKG_MADE"
		ln -s /run/lanscan/lanscan.prom "$tf/lanscan.prom"
	fi
	echo "$tf/zz-package-test.prom" >>"$PKG_MADE"
	echo "# another collector's" >"$tf/zz-package-test.prom"
	run dpkg_wait -r lanscan
	assert_success
	[ -z "$link" ] || [ ! -L "$tf/lanscan.prom" ] || fail "postrm left $tf/lanscan.prom"
	[ -f "$tf/zz-package-test.prom" ] || fail "postrm took another collector's file"
	assert_equal "$(dpkg-query -W -f='${Status}' lanscan)" "deinstall ok config-files"
	run bash -c "comm -13 '$BATS_FILE_TMPDIR/footprint.before' <(find /etc /usr /var -xdev \\( -path /var/tmp -o -path /var/cache -o -path /var/log \\) -prune -o -name '*lanscan*' -print | sort)"
	# The conffile, the state (kept until purge), and dpkg's and
	# deb-systemd-helper's records for the purge.
	assert_output "/etc/default/lanscan
/var/lib/dpkg/info/lanscan.list
/var/lib/dpkg/info/lanscan.postrm
/var/lib/lanscan
/var/lib/private/lanscan
/var/lib/systemd/deb-systemd-helper-enabled/lanscan.timer.dsh-also"
	run dpkg_wait -P lanscan
	assert_success
	rm -f "$PKG_MARK"
	run dpkg-query -W lanscan
	assert_failure
	footprint >"$BATS_TEST_TMPDIR/after"
	run diff "$BATS_FILE_TMPDIR/footprint.before" "$BATS_TEST_TMPDIR/after"
	assert_success
	cmp "$BATS_FILE_TMPDIR/statoverride.before" /var/lib/dpkg/statoverride
}

@test "reproducible: a second build, in another directory, with the same SOURCE_DATE_EPOCH gives identical .debs" {
	[ "${PKG_FULL:-0}" = 1 ] || skip "the second build runs in make deb-check (PKG_FULL=1)"
	sde=$(dpkg-parsechangelog -l "$TOP/debian/changelog" -S Timestamp)
	run env SOURCE_DATE_EPOCH="$sde" "$TOP/tests/pkg/build-deb.sh" "$BATS_TEST_TMPDIR/again"
	assert_success
	for d in "$PKG_OUT"/*.deb; do
		cmp "$d" "$BATS_TEST_TMPDIR/again/$(basename "$d")" || fail "$(basename "$d") differs"
	done
}
