# Coalition Exchange — the two commands:
#   make run     set up (Debian packages, build) and run a node with demo data
#   make check   set up and run the whole test suite
# Both install what they need with apt-get, only when something is missing.

BUILD      ?= build
ASAN_BUILD ?= build-asan
PYTHON     ?= /usr/bin/python3
DEMO_NODE  ?= var/demo
LISTEN     ?= 127.0.0.1:8080

DEB_PACKAGES = gcc make meson ninja-build pkg-config \
	libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libinih-dev libcurl4-gnutls-dev \
	libcmocka-dev python3 python3-pytest python3-requests sqlite3 openssl clang-format \
	chromium chromium-driver libjs-chart.js python3-selenium python3-nacl

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build asan run check unit unit-asan pytest bench format clean

all: build

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized -Dwerror=true >/dev/null

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) --buildtype=debug -Dwerror=true \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)

run: build
	@# A demo node made by an older cx (no vault key) is made afresh: it is demo data.
	@if [ -f $(DEMO_NODE)/cx.ini ] && [ ! -f $(DEMO_NODE)/vault.key ]; then rm -rf $(DEMO_NODE); fi
	@if [ ! -f $(DEMO_NODE)/cx.ini ]; then $(BUILD)/src/cli/cx demo $(DEMO_NODE); fi
	@echo "node $(DEMO_NODE) listening on http://$(LISTEN)/ (health: /healthz); Ctrl-C stops it"
	$(BUILD)/src/cli/cx --node $(DEMO_NODE) serve --listen $(LISTEN)

# Three demo nodes that federate (USA, IRQ, KRG on 127.0.0.1:8080, 8081, 8082),
# made afresh in var/demo-federation each time; Ctrl-C stops all three.
FEDERATION_DIR  ?= var/demo-federation
FEDERATION_PORT ?= 8080
.PHONY: run-federation
run-federation: build
	rm -rf $(FEDERATION_DIR)
	$(BUILD)/src/cli/cx demo --federation $(FEDERATION_DIR) --base-port $(FEDERATION_PORT)

unit: build
	meson test -C $(BUILD) --suite unit --print-errorlogs

unit-asan: asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C $(ASAN_BUILD) --suite unit --print-errorlogs

# End-to-end tests run the real binary; the sanitizer build runs the CLI and
# TAXII suites too, so that malformed input and every request path are also
# checked for memory errors (the suites fail on any sanitizer report).
pytest: build asan
	CX_BIN=$(CURDIR)/$(BUILD)/src/cli/cx $(PYTHON) -m pytest -q tests/cli tests/taxii tests/api tests/access tests/federation
	@# The browser tests run against the optimised build only: they check the
	@# UI, and the sanitizer build adds nothing there but minutes.
	CX_BIN=$(CURDIR)/$(BUILD)/src/cli/cx CX_UI_SHOTS=$(CURDIR)/$(BUILD)/ui-screenshots \
		$(PYTHON) -m pytest -q tests/ui
	CX_BIN=$(CURDIR)/$(ASAN_BUILD)/src/cli/cx ASAN_OPTIONS=detect_leaks=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		$(PYTHON) -m pytest -q tests/cli tests/taxii tests/api tests/federation

check: unit unit-asan pytest

bench: build
	@dpkg-query -W -f='$${Status}\n' wrk 2>/dev/null | grep -q '^install ok installed' || \
		(echo "installing Debian package: wrk"; $(SUDO) apt-get update -qq && \
		 DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk >/dev/null)
	$(BUILD)/bench/bench_import 100000 $(BUILD)/src/cli/cx
	$(PYTHON) bench/taxii_bench.py --cx $(BUILD)/src/cli/cx --trivial $(BUILD)/bench/trivial_mhd
	$(PYTHON) bench/sync_bench.py --cx $(BUILD)/src/cli/cx

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
