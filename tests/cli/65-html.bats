#!/usr/bin/env bats
# 65-html.bats -- --format html: one self-contained page, checked in a real browser (Debian's headless chromium).
#
# The sweep is the lab's routed /24 (64 live hosts) and 8 on-link addresses
# (4 live, answered by ARP: MACs and vendors); two of the live hosts have
# hostile names in the scanner's /etc/hosts (the DNS source reads it first).
# Chromium runs twice in all: it takes seconds to start.

load helper

RANGE1=198.18.0.0/24
RANGE2=198.19.1.8-15
EVIL1='<script>alert(1)</script>'
EVIL2="q\"'&<b>x</b>"

setup_file() {
	lab_up
	[ "$(id -u)" -eq 0 ] || return 0
	printf '198.18.0.10\t%s\n198.18.0.11\t%s\n' "$EVIL1" "$EVIL2" >>"/etc/netns/$(lab_ns scan)/hosts"
}
teardown_file() { lab_down; }
setup() {
	lab_require
	command -v chromium >/dev/null || skip "chromium is not installed (make deps-test)"
}

# chromium ARGS... URL: headless, bounded; its own profile in the test's directory.
chromium_run() {
	timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$BATS_TEST_TMPDIR/profile" "$@" 2>"$BATS_TEST_TMPDIR/chromium.log"
}

@test "html: in chromium the page has a row per live host, 256 cells per /24, its script runs, hostile names stay text" {
	local page=$BATS_TEST_TMPDIR/report.html dom=$BATS_TEST_TMPDIR/dom.html live cols
	run --separate-stderr lanscan "$RANGE1" "$RANGE2"
	live=$(printf '%s\n' "$output" | awk -F'\t' '$2 == "up"' | wc -l)
	[ "$live" -ge 66 ] || fail "only $live live hosts in the TSV sweep"
	lanscan -n --format html "$RANGE1" "$RANGE2" >"$page" || [ $? -eq 1 ]	# 1: some down
	# the page as written: the policy, one script, the names escaped
	grep -q "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-" "$page"
	assert_equal "$(grep -o '<script' "$page" | wc -l)" 1
	grep -qF '&lt;script&gt;alert(1)&lt;&#47;script&gt;' "$page"
	run grep -cE 'https?:|//' "$page"
	assert_output 0

	chromium_run --enable-logging=stderr --v=0 --dump-dom "file://$page" >"$dom"
	[ -s "$dom" ] || fail "no DOM: $(cat "$BATS_TEST_TMPDIR/chromium.log")"
	# the console: nothing the policy had to block (a wrong hash would be logged here)
	run grep -c 'Content Security Policy' "$BATS_TEST_TMPDIR/chromium.log"
	assert_output 0
	# a row per host up (down hosts are counted, not listed), in address order
	assert_equal "$(grep -o '<tr data-i="' "$dom" | wc -l)" "$live"
	assert_equal "$(grep -o '<td class="a" data-k="4c6120001">198.18.0.1</td>' "$dom" | wc -l)" 1
	# every row has a cell per column, and the script (allowed by its hash) made the headings sortable
	cols=$(grep -o '<th scope="col"' "$dom" | wc -l)
	[ "$cols" -ge 6 ] || fail "$cols columns"
	assert_equal "$(grep -o '<th scope="col"[^>]*class="[^"]*js"' "$dom" | wc -l)" "$cols"
	assert_equal "$(sed -n '/<table class="hosts"/,/<\/table>/p' "$dom" | grep -o '<td' | wc -l)" $((live * cols))
	# two /24s of 16 x 16 cells, one coloured cell per live host
	assert_equal "$(grep -o '<figure>' "$dom" | wc -l)" 2
	assert_equal "$(grep -o '<td class="m-' "$dom" | wc -l)" 512
	assert_equal "$(grep -o '<td class="m-up"' "$dom" | wc -l)" "$live"
	# on-link hosts: the MAC in the tooltip (its line breaks are newlines in the DOM)
	tr '\n' ' ' <"$dom" | grep -qE 'title="198\.19\.1\.10 up [^"]*mac: 02:1a:b0:00:00:10'
	# the hostile names are text in their cells: no element came from them
	assert_equal "$(grep -o '<script' "$dom" | wc -l)" 1
	assert_equal "$(grep -o '<b>' "$dom" | grep -c .)" "$(grep -o '<b>' "$page" | grep -c .)"
	grep -qF '<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>' "$dom"
	grep -qF "<td>q\"'&amp;&lt;b&gt;x&lt;/b&gt;</td>" "$dom"
}

@test "html: chromium renders the page to a PNG of a plausible size" {
	local page=$BATS_TEST_TMPDIR/report.html png=$BATS_TEST_TMPDIR/report.png size
	lanscan -n --format html "$RANGE1" "$RANGE2" >"$page" || [ $? -eq 1 ]	# 1: some down
	chromium_run --hide-scrollbars --screenshot="$png" --window-size=1200,900 "file://$page" >/dev/null
	[ -s "$png" ] || fail "no screenshot: $(cat "$BATS_TEST_TMPDIR/chromium.log")"
	assert_equal "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" 89504e470d0a1a0a
	# the PNG's IHDR: 1200 x 900
	assert_equal "$(od -An -tu1 -j16 -N8 "$png" | tr -s ' ' | sed 's/^ //')" "0 0 4 176 0 0 3 132"
	size=$(stat -c %s "$png")
	[ "$size" -gt 20000 ] && [ "$size" -lt 2000000 ] || fail "screenshot of $size bytes"
}

@test "html: the options it takes and the ones it refuses" {
	run --separate-stderr "$LANSCAN" --format html --state "$BATS_TEST_TMPDIR/s" 127.0.0.1
	assert_failure 3
	assert_equal "${stderr_lines[0]}" "lanscan: --format html draws the whole sweep: it takes no --state (changes), -q or --list"
	run --separate-stderr "$LANSCAN" --format html -q 127.0.0.1
	assert_failure 3
	run --separate-stderr "$LANSCAN" --format html --list 127.0.0.1
	assert_failure 3
	run --separate-stderr "$LANSCAN" --format html --no-header 127.0.0.1
	assert_failure 3
	run --separate-stderr "$LANSCAN" --format html --nagios 127.0.0.1
	assert_failure 3
	run --separate-stderr "$LANSCAN" --format html -o address,names 127.0.0.1
	assert_failure 3
	run --separate-stderr "$LANSCAN" --format htm 127.0.0.1
	assert_failure 3
	assert_equal "${stderr_lines[0]}" "lanscan: --format 'htm': expected table, text, json, prom or html"
	# -o picks the columns, -u lists the down hosts only, --sort changes nothing (the page is in address order)
	run --separate-stderr lanscan --format html -o state,address -u "$RANGE2"
	assert_equal "$status" 1
	assert_output --partial '<th scope="col" data-f="state">STATE</th><th scope="col" data-f="address" aria-sort="ascending">ADDRESS</th></tr>'
	assert_equal "$(printf '%s\n' "$output" | grep -o '<tr data-i="' | wc -l)" 4
	run --separate-stderr lanscan --format html --sort -o address "$RANGE2"
	assert_equal "$(printf '%s\n' "$output" | grep -o '<td class="a"[^<]*<' | sed 's/.*>//; s/<//' | tr '\n' ' ')" \
		"198.19.1.10 198.19.1.11 198.19.1.12 198.19.1.13 "
}
