#!/usr/bin/env bats
# 40-docs.bats -- --help, --version, the man page and completions agree; make install works.

load helper

TOP=$TESTS_DIR/..

long_options() { "$LANSCAN" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u; }

@test "docs: --help and --version" {
	run "$LANSCAN" --help
	assert_success
	assert_line --index 0 "Usage: lanscan [OPTION]... [TARGET]..."
	run "$LANSCAN" --version
	assert_output "lanscan 0.1.0"
}

@test "docs: every long option in --help is in the man page and all three completions" {
	opts=$(long_options)
	[ "$(echo "$opts" | wc -l)" -ge 20 ] || fail "too few options found: $opts"
	for o in $opts; do
		man_o=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
		grep -q -- "$man_o" "$TOP/man/lanscan.1" || fail "$o missing from man/lanscan.1"
		grep -q -- "$o" "$TOP/completions/lanscan.bash" || fail "$o missing from the bash completion"
		grep -qE -- "${o}(=|\\}|\\[)" "$TOP/completions/_lanscan" || fail "$o missing from the zsh completion"
		grep -q -- "-l ${o#--}\\b" "$TOP/completions/lanscan.fish" || fail "$o missing from the fish completion"
	done
}

@test "docs: every option in the man page exists" {
	opts=$(grep -oE '^\.BR? \\-\\-[a-z-]+|^\.BR \\-[a-zA-Z0-9] ", " (\\-[a-zA-Z0-9] ", " )?\\-\\-[a-z-]+' "$TOP/man/lanscan.1" |
		grep -oE '\\-\\-[a-z-]+' | sed 's/\\//g')
	[ "$(echo "$opts" | wc -l)" -ge 20 ] || fail "too few options found in the man page: $opts"
	for o in $opts; do
		"$LANSCAN" --help | grep -q -- "$o" || fail "$o is in the man page but not in --help"
	done
}

@test "docs: short letters agree between --help, the man page and the parser" {
	letters=$("$LANSCAN" --help | grep -oE '^  -[a-zA-Z0-9](, -[a-zA-Z0-9])?' | grep -oE '[a-zA-Z0-9]$|-[a-zA-Z0-9],' | tr -d ',-' | sort -u)
	[ "$(echo "$letters" | wc -l)" -ge 12 ] || fail "too few letters in --help: $letters"
	for l in $letters; do
		grep -E "^\.BR" "$TOP/man/lanscan.1" | grep -qF -- "\\-$l " || fail "-$l missing from the man page"
	done
}

@test "docs: --help fits 80 columns" {
	run bash -c "'$LANSCAN' --help | awk 'length > 80'"
	assert_output ""
}

@test "docs: mandoc -T lint finds nothing" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	run mandoc -T lint "$TOP/man/lanscan.1"
	assert_output ""
}

@test "docs: the bash completion completes methods, formats, options and files" {
	[ -r /usr/share/bash-completion/bash_completion ] || skip "bash-completion is not installed"
	mkdir -p "$BATS_TEST_TMPDIR/c/my dir"
	touch "$BATS_TEST_TMPDIR/c/my dir/hosts list"
	complete_line() {
		bash -c '
			. /usr/share/bash-completion/bash_completion
			. "$1"
			shift
			COMP_WORDS=("$@")
			COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
			COMP_LINE="${COMP_WORDS[*]}"
			COMP_POINT=${#COMP_LINE}
			_lanscan lanscan "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
			printf "%s\n" "${COMPREPLY[@]}"' _ "$TOP/completions/lanscan.bash" "$@"
	}
	run complete_line lanscan --method ic
	assert_output "icmp"
	run complete_line lanscan --method=ic
	assert_output "icmp"
	run complete_line lanscan --method icmp,t
	assert_output "icmp,tcp"
	run complete_line lanscan --format p
	assert_output "prom"
	cd "$BATS_TEST_TMPDIR/c"
	run complete_line lanscan -f my
	assert_output "my dir"
	run complete_line lanscan --verb
	assert_output "--verbose"
}

@test "docs: the man page renders without warnings" {
	command -v man >/dev/null || skip "man is not installed"
	run bash -c "MANWIDTH=80 man --warnings -l '$TOP/man/lanscan.1' 2>&1 >/dev/null"
	assert_output ""
}

@test "install: make install and uninstall honour PREFIX and DESTDIR" {
	dest=$BATS_TEST_TMPDIR/root
	run make -C "$TOP" --no-print-directory install PREFIX=/opt/ls DESTDIR="$dest"
	assert_success
	[ -x "$dest/opt/ls/bin/lanscan" ]
	[ -f "$dest/opt/ls/share/man/man1/lanscan.1" ]
	[ -f "$dest/opt/ls/share/bash-completion/completions/lanscan" ]
	[ -f "$dest/opt/ls/share/zsh/vendor-completions/_lanscan" ]
	[ -f "$dest/opt/ls/share/fish/vendor_completions.d/lanscan.fish" ]
	run make -C "$TOP" --no-print-directory uninstall PREFIX=/opt/ls DESTDIR="$dest"
	assert_success
	[ -z "$(find "$dest" -type f)" ]
}

@test "build: -Werror only with WERROR=1 (release builds use their own flags); -MMD per object" {
	run make -n -B -C "$TOP" --no-print-directory BUILD="$BATS_TEST_TMPDIR/b" "$BATS_TEST_TMPDIR/b/obj/util.o"
	assert_success
	assert_output --partial "-MMD"
	refute_output --partial "-Werror"
	run make -n -B -C "$TOP" --no-print-directory BUILD="$BATS_TEST_TMPDIR/b" WERROR=1 "$BATS_TEST_TMPDIR/b/obj/util.o"
	assert_output --partial "-Werror"
}

@test "repo: no build output is tracked, and there is a licence" {
	command -v git >/dev/null && [ -d "$TOP/.git" ] || skip "not a git checkout"
	run git -C "$TOP" ls-files 'build*' '*.o'
	assert_output ""
	[ -s "$TOP/LICENSE" ]
}
