# doorstation — see README.md. `make demo` and `make test` work on a fresh Debian 12 /
# Raspberry Pi OS machine with Swift installed: both install what they need first.

PREFIX    ?= /usr/local
SYSCONFDIR ?= /etc
UNITDIR   ?= /lib/systemd/system
SWIFT     ?= swift
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# C libraries (-dev packages) the daemon links against.
LIB_DEBS  := pkg-config libasound2-dev libgpiod-dev libv4l-dev libx264-dev libsrtp2-dev libspeexdsp-dev libturbojpeg0-dev
# Tools the tests and the demo use, and the third-party SIP/RTP peers the interop tests start.
TEST_DEBS := python3 systemd iproute2 openssl gpiod alsa-utils sox espeak-ng ffmpeg sip-tester dnsmasq-base \
             kamailio kamailio-tls-modules baresip-core baresip-ffmpeg linphone-cli mediastreamer2-plugin-openh264
# What `make hwtest` uses besides the libraries: QEMU, and what goes into the VM or judges its
# output. The kernel packages (linux-image, -headers, -kbuild, linux-source) are downloaded, not
# installed: hwtest/fetch.sh unpacks them into .build/hwtest/cache.
HWTEST_DEBS := qemu-system-x86 busybox-static alsa-utils cpio kmod xz-utils gcc-12 make python3 ffmpeg
# What `make deb` uses besides the libraries: dpkg-shlibdeps and dpkg-gencontrol, and lintian.
DEB_DEBS  := dpkg-dev lintian

.PHONY: all deps deb-deps hwtest-deps build release test hwtest demo bench fuzz install uninstall deb clean

all: build

# $(call apt-install,PACKAGES): installs those of PACKAGES that are missing, through sudo when not root.
apt-install = @missing=$$(for p in $(1); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "make $@: installing" $$missing; \
	    $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "make $@: all packages present"; fi

deps:
	$(call apt-install,$(LIB_DEBS) $(TEST_DEBS))

deb-deps:
	$(call apt-install,$(LIB_DEBS) $(DEB_DEBS))

hwtest-deps:
	$(call apt-install,$(LIB_DEBS) $(HWTEST_DEBS))

build:
	$(SWIFT) build

# The Swift runtime and Foundation linked in statically; symbols bound at start-up (full RELRO).
release:
	$(SWIFT) build -c release --static-swift-stdlib -Xlinker -z -Xlinker now

# The tests run in a network namespace that has only lo, so no SIP/RTP packet of the interop tests
# (Kamailio, sipp, the daemon) can leave the machine; the interop tests disable themselves outside one.
# Building stays outside (it may need the network). Extra arguments: make test TEST_ARGS='--filter Interop'
#
# Three phases: the suites that wait for other processes by blocking a thread run apart from the
# in-process ones, because Swift's cooperative pool has as many threads as cores (2 here) and a
# blocked pool stalls every timer of the tests beside them; the daemon's own tests (bounded waits
# for its log) run apart from the peers (sipp, baresip, Kamailio), whose load starved them on CI;
# the CPU-heavy suites (a minute of echo simulation, x264 encoding and ffmpeg decoding, video
# calls) run apart from the audio media threads, whose 20 ms ticks they would starve.
TEST_ARGS ?=
HEAVY_SUITES = EchoTests|H264Encoder|VideoStream|MJPEGDecoder
TEST_PHASES = $(if $(TEST_ARGS),$(SWIFT) test --skip-build $(TEST_ARGS),$(SWIFT) test --skip-build --skip 'InteropTests|DaemonTests|$(HEAVY_SUITES)' && $(SWIFT) test --skip-build --filter '$(HEAVY_SUITES)' && $(SWIFT) test --skip-build --filter DaemonTests && $(SWIFT) test --skip-build --filter InteropTests)
test: deps
	$(SWIFT) build --build-tests
	@if [ "$$(id -u)" = 0 ]; then \
	    echo "make test: in a loopback-only network namespace (unshare -n)"; \
	    unshare -n sh -c "ip link set lo up && $(TEST_PHASES)"; \
	elif unshare -rn true 2>/dev/null; then \
	    echo "make test: in a loopback-only network namespace (unshare -rn)"; \
	    unshare -rn sh -c "ip link set lo up && $(TEST_PHASES)"; \
	else \
	    echo "make test: cannot create a network namespace; the interop tests will be skipped"; \
	    sh -c "$(TEST_PHASES)"; \
	fi

# The real GPIO, V4L2 and ALSA backends against gpio-sim, vivid and snd-aloop in a QEMU VM
# booted from Debian 12's kernel (hwtest/README.md): the release binary, as it is installed.
# The kernel download and the gpio-sim build run beside the release build.
hwtest: hwtest-deps
	@mkdir -p .build/hwtest
	@began=$$(date +%s); \
	hwtest/fetch.sh .build/hwtest/cache > .build/hwtest/fetch.log 2>&1 & fetch=$$!; \
	$(MAKE) --no-print-directory release; built=$$?; \
	wait $$fetch || { cat .build/hwtest/fetch.log; exit 2; }; \
	[ $$built = 0 ] || exit $$built; \
	echo "make hwtest: release build and kernel ready after $$(( $$(date +%s) - began )) s"; \
	hwtest/run.sh .build/release/doorstationd; status=$$?; \
	echo "make hwtest: $$(( $$(date +%s) - began )) s in all"; exit $$status

demo: deps build
	scripts/demo.sh .build/debug/doorstationd

FUZZ_SECONDS ?= 60
TORTURE     := ../shared/testdata/sip-torture

# The SIP parser under libFuzzer + AddressSanitizer for FUZZ_SECONDS (see Fuzz/README.md).
fuzz:
	mkdir -p .build/fuzz/corpus
	swiftc -O -g -sanitize=fuzzer,address -parse-as-library -module-name SIPMessageFuzz \
	    Sources/SIPMessage/*.swift Fuzz/SIPMessageFuzzer.swift -o .build/fuzz/sip-message
	cd .build/fuzz && ./sip-message -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -print_final_stats=1 \
	    corpus ../../Fuzz/corpus $$(for d in $(TORTURE)/rfc4475/archive $(TORTURE)/rfc5118/wire; do [ -d ../../$$d ] && echo ../../$$d; done)

# The daemon benchmarks run the release binary, built as it is installed (static Swift runtime).
bench: release
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

# The Debian package for this machine's architecture (packaging/build-deb.sh), with the Swift
# runtime linked in: ./doorstation_VERSION_ARCH.deb, then checked by scripts/check-deb.sh.
deb: deb-deps
	$(MAKE) --no-print-directory release
	packaging/build-deb.sh .build/release/doorstationd
	scripts/check-deb.sh "$$(cat .build/deb/package)"

# Without a package manager; `make deb` is preferred (its files are removed with the package).
install: release
	install -D -m 0755 .build/release/doorstationd $(DESTDIR)$(PREFIX)/bin/doorstationd
	install -d $(DESTDIR)$(PREFIX)/share/doorstation/board
	install -m 0644 board/*.conf board/README.md $(DESTDIR)$(PREFIX)/share/doorstation/board/
	install -D -m 0644 packaging/doorstationd.8 $(DESTDIR)$(PREFIX)/share/man/man8/doorstationd.8
	@if [ ! -e $(DESTDIR)$(SYSCONFDIR)/doorstation/doorstation.conf ]; then \
	    install -D -m 0640 config/doorstation.conf $(DESTDIR)$(SYSCONFDIR)/doorstation/doorstation.conf; \
	else echo "keeping existing $(SYSCONFDIR)/doorstation/doorstation.conf"; fi
	install -d $(DESTDIR)$(UNITDIR)
	sed 's#/usr/bin/doorstationd#$(PREFIX)/bin/doorstationd#' systemd/doorstationd.service > $(DESTDIR)$(UNITDIR)/doorstationd.service
	@if [ -z "$(DESTDIR)" ]; then \
	    id doorstation >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /var/lib/doorstation --shell /usr/sbin/nologin doorstation; \
	    for g in gpio audio video; do getent group $$g >/dev/null && usermod -aG $$g doorstation; done; \
	    chgrp doorstation $(SYSCONFDIR)/doorstation/doorstation.conf; \
	    if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
	    echo "installed; edit $(SYSCONFDIR)/doorstation/doorstation.conf, then: systemctl enable --now doorstationd"; \
	fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/doorstationd $(DESTDIR)$(UNITDIR)/doorstationd.service
	rm -rf $(DESTDIR)$(PREFIX)/share/doorstation $(DESTDIR)$(PREFIX)/share/man/man8/doorstationd.8

clean:
	rm -rf .build Benchmarks/.build
