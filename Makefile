# Makefile -- build, test, install and benchmark lanscan.
#
#   make              build/lanscan
#   make deps         install missing Debian packages (build, run, test)
#   make run          deps + build + a demo sweep of loopback targets
#   make check        deps + build (gcc, and clang with ASan+UBSan) + every test suite
#   make install      PREFIX=/usr/local DESTDIR=
#   make fuzz         build the libFuzzer targets (clang)
#   make bench        lanscan against fping, nmap and zmap in the lab (as root)
#   make deb          the Debian package in build/deb/ (make deb-check: its tests)

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
DATADIR   ?= $(PREFIX)/share
DESTDIR   ?=
BUILD     ?= build
SANITIZE  ?= 0
WERROR    ?= 0

CC        ?= cc
CFLAGS    ?= -O2 -g
PKG_CONFIG ?= pkg-config
UV_CFLAGS := $(shell $(PKG_CONFIG) --cflags libuv 2>/dev/null)
UV_LIBS   := $(shell $(PKG_CONFIG) --libs libuv 2>/dev/null || echo -luv)
# expat parses UPnP device descriptions (upnp.c).
EXPAT_CFLAGS := $(shell $(PKG_CONFIG) --cflags expat 2>/dev/null)
EXPAT_LIBS   := $(shell $(PKG_CONFIG) --libs expat 2>/dev/null || echo -lexpat)

# -Werror is for developers and CI (make check sets WERROR=1), not for people
# building a release with their own compiler and dpkg-buildflags.
WARN      := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wvla
ifeq ($(WERROR),1)
WARN      += -Werror
endif
ALL_CPPFLAGS := -D_GNU_SOURCE -Iinclude -Isrc -DLS_VERSION='"$(VERSION)"' $(UV_CFLAGS) $(EXPAT_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS   := $(WARN) $(CFLAGS)
ALL_LDFLAGS  := $(LDFLAGS)
ifeq ($(SANITIZE),1)
ALL_CFLAGS  += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ALL_LDFLAGS += -fsanitize=address,undefined
endif

SRCS      := $(wildcard src/*.c)
OBJS      := $(SRCS:src/%.c=$(BUILD)/obj/%.o)
LIB_OBJS  := $(filter-out $(BUILD)/obj/main.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)

# Debian packages: to build and run, to test, to benchmark against peers.
DEPS_BUILD := make gcc clang pkg-config libuv1-dev libexpat1-dev iputils-ping ieee-data
DEPS_TEST  := libcmocka-dev bats bats-assert bats-support iproute2 nftables \
              dnsmasq-base netcat-openbsd procps libclang-rt-14-dev prometheus \
              python3 bash-completion libcap2-bin mandoc systemd samba avahi-daemon \
              bind9-dnsutils nbtscan minidlna miniupnpd-nftables chromium time
DEPS_BENCH := fping nmap zmap time arp-scan nbtscan
# To build the Debian package (make deb; make check tests it), and to run
# its autopkgtest tests with autopkgtest itself (make deb-check).
DEPS_DEB   := dpkg-dev debhelper lintian
DEPS_DEBCHECK := autopkgtest

.PHONY: all deps deps-test deps-bench deps-deb run check unit fuzz fuzz-merge bench install uninstall clean \
	deb deb-check
all: $(BUILD)/lanscan

# -MMD: each object depends on the headers it includes (build/obj/*.d).
$(BUILD)/obj/%.o: src/%.c | $(BUILD)/obj
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(OBJS:.o=.d)

$(BUILD)/lanscan: $(OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(OBJS) $(UV_LIBS) $(EXPAT_LIBS)

# filter.o: CMOCKA_TEST_FILTER=PATTERN runs only the matching tests.
$(BUILD)/tests/filter.o: tests/unit/filter.c | $(BUILD)/tests
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/tests/filter.o $(LIB_OBJS) | $(BUILD)/tests
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -MMD -MP -o $@ $< $(BUILD)/tests/filter.o $(LIB_OBJS) -lcmocka $(UV_LIBS) $(EXPAT_LIBS)

-include $(UNIT_BINS:=.d)

$(BUILD)/obj $(BUILD)/tests $(BUILD)/fuzz $(BUILD)/fobj:
	mkdir -p $@

unit: $(UNIT_BINS)

# Install whatever is missing (as root through apt-get; otherwise say what to
# install).  policy-rc.d keeps packages (prometheus) from starting services.
define install_missing
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" -eq 0 ]; then \
			echo "make: installing $$missing"; \
			export DEBIAN_FRONTEND=noninteractive; \
			guard=; if [ ! -e /usr/sbin/policy-rc.d ]; then guard=1; \
				printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; fi; \
			apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
			rc=$$?; [ -z "$$guard" ] || rm -f /usr/sbin/policy-rc.d; [ $$rc -eq 0 ] || exit 1; \
		else echo "make: missing packages: $$missing (install them as root)" >&2; exit 1; fi; \
	fi
endef

deps:
	$(call install_missing,$(DEPS_BUILD))
deps-test: deps deps-deb
	$(call install_missing,$(DEPS_TEST))
deps-deb:
	$(call install_missing,$(DEPS_DEB))
deps-bench: deps-test
	$(call install_missing,$(DEPS_BENCH))

# The demo runs in a new network namespace with only loopback up, so not even
# the lookup of nonexistent.invalid can leave the machine.
DEMO_TARGETS := 127.0.0.1-8 ::1 localhost nonexistent.invalid
run: deps
	@$(MAKE) --no-print-directory all
	@if [ "$$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then \
		echo "\$$ lanscan -s $(DEMO_TARGETS)    # in a private network namespace"; \
		unshare -n sh -c 'ip link set lo up && exec ./$(BUILD)/lanscan -s $(DEMO_TARGETS)'; \
	else \
		echo "\$$ lanscan -s 127.0.0.1-8 ::1    # not root: no namespace, so no name lookups"; \
		./$(BUILD)/lanscan -s 127.0.0.1-8 ::1; \
	fi; echo "(exit status $$?: 0 all up, 1 some down, 2 some name not resolved)"

# The library objects are built once with the fuzzer's instrumentation,
# then each target links its own file against them.
FUZZ_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1
FUZZ_OBJS := $(LIB_OBJS:$(BUILD)/obj/%.o=$(BUILD)/fobj/%.o)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)

$(BUILD)/fobj/%.o: src/%.c | $(BUILD)/fobj
	clang $(ALL_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c -o $@ $<

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJS) | $(BUILD)/fuzz
	clang $(ALL_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_OBJS) $(UV_LIBS) $(EXPAT_LIBS)

-include $(FUZZ_OBJS:.o=.d)

fuzz: $(FUZZ_BINS)

# Grows the seed corpora: each fuzzer runs FUZZ_MERGE_SECONDS (default 60),
# then what it found that adds coverage is merged into tests/fuzz/corpus/.
FUZZ_MERGE_SECONDS ?= 60
fuzz-merge: fuzz
	@for f in $(BUILD)/fuzz/fuzz_*; do \
		n=$$(basename $$f); c=tests/fuzz/corpus/$${n#fuzz_}; w=$$(mktemp -d); \
		mkdir -p $$c; cp -r $$c/. $$w/; \
		$$f -max_total_time=$(FUZZ_MERGE_SECONDS) -timeout=5 -rss_limit_mb=1024 $$w >/dev/null 2>&1; \
		$$f -merge=1 $$c $$w >/dev/null 2>&1; rm -rf $$w; \
		echo "$$n: $$(ls $$c | wc -l) inputs in $$c"; \
	done

# Both builds, then every suite against both; the last line is the total.
# Builds use every core (JOBS); the suites run one at a time.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
check: deps-test
	@$(MAKE) --no-print-directory -j$(JOBS) WERROR=1 all unit
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=build-asan SANITIZE=1 WERROR=1 CC=clang all unit
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=build-fuzz fuzz
	@FUZZ_DIR=build-fuzz/fuzz tests/run-all.sh build build-asan

# Sweeps of the lab by lanscan and every installed peer; prints a Markdown table.
bench: deps-bench
	@$(MAKE) --no-print-directory all
	@tests/bench/bench.sh $(CURDIR)/$(BUILD)/lanscan
	@tests/bench/recall.sh $(CURDIR)/$(BUILD)/lanscan
	@tests/bench/load.sh $(CURDIR)/$(BUILD)/lanscan
	@tests/bench/stall.sh $(CURDIR)/$(BUILD)/lanscan
	@tests/bench/input.sh $(CURDIR)/$(BUILD)/lanscan
	@tests/bench/scale.sh $(CURDIR)/$(BUILD)/lanscan
	@tests/bench/names.sh $(CURDIR)/$(BUILD)/lanscan
	@$(MAKE) --no-print-directory unit
	@tests/bench/devices.sh $(CURDIR)/$(BUILD)
	@$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -o $(BUILD)/oui_bench tests/bench/oui_bench.c $(LIB_OBJS) $(UV_LIBS) $(EXPAT_LIBS)
	@printf '\n| registry prefixes | loading (first MAC seen) | one lookup | random MACs with a vendor |\n|---|---|---|---|\n'
	@$(BUILD)/oui_bench

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(DATADIR)/bash-completion/completions \
		$(DESTDIR)$(DATADIR)/zsh/vendor-completions \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d
	install -m 755 $(BUILD)/lanscan $(DESTDIR)$(BINDIR)/lanscan
	install -m 644 man/lanscan.1 $(DESTDIR)$(MANDIR)/man1/lanscan.1
	install -m 644 completions/lanscan.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/lanscan
	install -m 644 completions/_lanscan $(DESTDIR)$(DATADIR)/zsh/vendor-completions/_lanscan
	install -m 644 completions/lanscan.fish $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/lanscan.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/lanscan $(DESTDIR)$(MANDIR)/man1/lanscan.1 \
		$(DESTDIR)$(DATADIR)/bash-completion/completions/lanscan \
		$(DESTDIR)$(DATADIR)/zsh/vendor-completions/_lanscan \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d/lanscan.fish

# --- Debian package (debian/, tests in tests/pkg/) ----------------------------
# make deb: built from a clean copy of the tree (dpkg-buildpackage -us -uc -b
# in a temporary directory), then the .debs and the source package in DEB_DIR.
# make deb-check (as root): the package tests of make check plus a second
# build that must give identical .debs and lintian on the source package,
# then autopkgtest itself (null testbed) on debian/tests; each installs the
# package and purges it after.
DEB_DIR ?= $(BUILD)/deb
deb: deps deps-deb
	@rm -rf $(DEB_DIR)
	@tests/pkg/build-deb.sh $(DEB_DIR)
	@echo "install: sudo apt install ./$(DEB_DIR)/lanscan_$(VERSION)_$$(dpkg --print-architecture).deb"
deb-check: deps-test deb
	$(call install_missing,$(DEPS_DEBCHECK))
	@PKG_FULL=1 bats --tap tests/pkg/package.bats
	@tests/pkg/autopkgtest.sh $(DEB_DIR)

clean:
	rm -rf build build-asan build-fuzz
