# helper.bash -- bats helpers: bring a private lab up per test file and run commands inside it.
#
# A test file does:   load helper;  setup_file() { lab_up; };  teardown_file() { lab_down; }
# and then `in_lab CMD...` runs CMD in the scanner namespace, `lanscan ARGS...`
# runs the binary under test there (bounded by $LANSCAN_TEST_TIMEOUT seconds).

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../lab/layout.sh
. "$TESTS_DIR/lab/layout.sh"
LAB_SH=$TESTS_DIR/lab/lab.sh
: "${LANSCAN:=$TESTS_DIR/../build/lanscan}"
: "${LANSCAN_TEST_TIMEOUT:=30}"

bats_require_minimum_version 1.5.0
bats_load_library bats-support 2>/dev/null || load /usr/lib/bats/bats-support/load
bats_load_library bats-assert 2>/dev/null || load /usr/lib/bats/bats-assert/load

# Skip (with a clear reason) when the lab cannot be built: not root.
lab_require() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "lab tests need root (network namespaces); run make check as root"
	fi
}

# Bring up a lab with an id unique to this test file and run; export it.
lab_up() {
	[ "$(id -u)" -eq 0 ] || return 0
	export LAB_ID="${LAB_RUN:-r$$}f${BATS_SUITE_TEST_NUMBER:-0}x$RANDOM"
	"$LAB_SH" up >/dev/null
}

lab_down() {
	[ "$(id -u)" -eq 0 ] || return 0
	[ -n "${LAB_ID:-}" ] && "$LAB_SH" down
}

# Run a command in one of the lab's namespaces (default: the scanner).
in_ns() { local role=$1; shift; timeout "$LANSCAN_TEST_TIMEOUT" ip netns exec "$(lab_ns "$role")" "$@"; }
in_lab() { in_ns scan "$@"; }

# Run the binary under test inside the scanner namespace.
lanscan() { in_lab "$LANSCAN" "$@"; }

# The TSV line of one address in $output (after `run`).
line_for() { printf '%s\n' "$output" | awk -F'\t' -v a="$1" '$1 == a'; }

# Runs the binary as nobody in the scanner namespace (a copy nobody can
# execute), with `run --separate-stderr`.
as_nobody() {
	local dir
	dir=$(mktemp -d /tmp/lanscan-nobody.XXXXXX)
	cp "$LANSCAN" "$dir/" && chmod 755 "$dir" "$dir/lanscan"
	run --separate-stderr in_lab setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/lanscan" "$@"
	rm -rf "$dir"
}
