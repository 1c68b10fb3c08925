#!/usr/bin/env bash
# autopkgtest.sh -- run debian/tests with autopkgtest itself on this machine (the
# null testbed), against a .deb from build-deb.sh, then purge the package.
#
# Usage: tests/pkg/autopkgtest.sh DEB_DIR   (as root; make deb-check)
# The tests come from the source package in DEB_DIR (the .dsc), as on a
# Debian CI worker.
# autopkgtest installs the package with apt and leaves it installed: it is
# purged afterwards, so the machine is left as it was.  Refuses to run when
# a lanscan is already installed.
set -uo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DEB_DIR" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "autopkgtest.sh: needs root (the tests need root and the package is installed)" >&2; exit 1; }
if dpkg-query -W -f='${Status}' lanscan 2>/dev/null | grep -q 'installed\|config-files' || [ -e /usr/bin/lanscan ]; then
	echo "autopkgtest.sh: lanscan is already installed here: not replaced" >&2
	exit 1
fi
deb=$(ls "$1"/lanscan_*_"$(dpkg --print-architecture)".deb) && dsc=$(ls "$1"/lanscan_*.dsc) || exit 1
trap 'dpkg --purge lanscan >/dev/null 2>&1' EXIT
timeout 600 autopkgtest "$deb" "$dsc" -- null
