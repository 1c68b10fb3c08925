#!/usr/bin/env bash
# build-deb.sh -- build the Debian package from a clean copy of the tree.
#
# Usage: tests/pkg/build-deb.sh OUTDIR [dpkg-buildpackage options]
# The files git knows (tracked, and new ones not ignored; every file when
# there is no git) are copied to a temporary lanscan-VERSION directory; there
# `dpkg-source -b` makes the source package (.dsc, .tar.xz: for lintian) and
# `dpkg-buildpackage -us -uc -b` the binary ones.  What they make is moved to
# OUTDIR, the build log is OUTDIR/build.log.  Nothing is written next to the
# tree.  SOURCE_DATE_EPOCH, when set, is passed on
# (otherwise dpkg-buildpackage takes the date of debian/changelog).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 OUTDIR [dpkg-buildpackage options]" >&2; exit 2; }
out=$1; shift
mkdir -p "$out"
out=$(cd "$out" && pwd)

version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
work=$(mktemp -d "${TMPDIR:-/tmp}/lanscan-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
src=$work/lanscan-$version
mkdir "$src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	# Files deleted but not yet committed are left out.
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf -) | tar -C "$src" -xf -
else
	(cd "$top" && tar --exclude='./build*' -cf - .) | tar -C "$src" -xf -
fi

if ! (cd "$work" && dpkg-source -b "lanscan-$version") >"$out/source.log" 2>&1; then
	cat "$out/source.log" >&2
	exit 1
fi

jobs=$(nproc 2>/dev/null || echo 2)
if ! (cd "$src" && DEB_BUILD_OPTIONS="parallel=$jobs ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -us -uc -b "$@") >"$out/build.log" 2>&1; then
	tail -30 "$out/build.log" >&2
	echo "build-deb.sh: dpkg-buildpackage failed; the log is $out/build.log" >&2
	exit 1
fi
mv "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes "$work"/*.dsc "$work"/*.tar.* "$out/"
ls "$out"/*.deb
