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
	chromium chromium-driver libjs-chart.js python3-selenium python3-nacl man-db groff-base
# Only `make bench` and `make soak` need these.
BENCH_PACKAGES = wrk python3-matplotlib

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Install the Debian packages of $(1) that are missing (apt-get update first,
# only then).
define apt_install
	@missing=$$(for p in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

.PHONY: all deps build asan run check unit unit-asan pytest bench bench-deps soak format clean

all: build

deps:
	$(call apt_install,$(DEB_PACKAGES))

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

# End-to-end tests run the real binary. The optimised build runs every
# suite: CLI, TAXII, API, the randomized leak test, federation, the bad input
# catalogue and crash safety (145 seeded SIGKILLs and a full disk). The
# sanitizer build runs them again but for the browser, so that malformed
# input, every request path, every principal's queries and recovery after a
# kill are checked for memory errors too (the suites fail on any sanitizer
# report); there the crash suite kills fewer times, as its recovery paths
# repeat.
pytest: build asan
	CX_BIN=$(CURDIR)/$(BUILD)/src/cli/cx $(PYTHON) -m pytest -q tests/cli tests/taxii \
		tests/api tests/access tests/federation tests/badinput tests/crash
	@# The browser tests run against the optimised build only: they check the
	@# UI, and the sanitizer build adds nothing there but minutes.
	CX_BIN=$(CURDIR)/$(BUILD)/src/cli/cx CX_UI_SHOTS=$(CURDIR)/$(BUILD)/ui-screenshots \
		$(PYTHON) -m pytest -q tests/ui
	CX_BIN=$(CURDIR)/$(ASAN_BUILD)/src/cli/cx ASAN_OPTIONS=detect_leaks=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		CX_CRASH_KILLS=30 CX_CRASH_IMPORT_KILLS=10 CX_CRASH_SYNC_KILLS=8 \
		$(PYTHON) -m pytest -q tests/cli tests/taxii tests/api tests/access \
		tests/federation tests/badinput tests/crash

# fuzz-short: every libFuzzer target over its corpus and regressions, then
# briefly (below).
check: unit unit-asan pytest fuzz-short

bench-deps:
	$(call apt_install,$(BENCH_PACKAGES))

# Every benchmark (about 25 minutes on 2 cores), each figure next to a
# baseline from the same run; results in bench/results/, figures and charts
# in doc/PERFORMANCE.md (rewritten by bench/report.py).
bench: build bench-deps
	@mkdir -p bench/results
	$(BUILD)/bench/bench_import 100000 $(BUILD)/src/cli/cx bench/results/import.json
	$(PYTHON) bench/taxii_bench.py --cx $(BUILD)/src/cli/cx --trivial $(BUILD)/bench/trivial_mhd
	$(PYTHON) bench/sync_bench.py --cx $(BUILD)/src/cli/cx
	$(PYTHON) bench/report.py

# A node under mixed load for SOAK_SECONDS (default 600); fails on any error
# or growing memory (doc/PERFORMANCE.md). Not part of `make check`. It
# writes bench/results/soak.json, its charts and its part of the doc.
SOAK_SECONDS ?= 600
soak: build bench-deps
	$(PYTHON) bench/soak.py --cx $(BUILD)/src/cli/cx --seconds $(SOAK_SECONDS)

# Fuzzing (doc/TESTING.md): libFuzzer targets in fuzz/, built with clang,
# ASan and UBSan in $(FUZZ_BUILD). `fuzz` runs each for FUZZ_SECONDS;
# `fuzz-short` replays the committed corpora and regression inputs, then
# runs each for FUZZ_SHORT_SECONDS from the fixed seed FUZZ_SHORT_SEED, so
# that `make check` explores the same inputs each time (`fuzz` takes a new
# seed every run, to find what is new). New corpus entries and crash inputs
# go to $(FUZZ_BUILD)/fuzz-work/, never into the source tree.
FUZZ_BUILD         ?= build-fuzz
FUZZ_SECONDS       ?= 300
FUZZ_SHORT_SECONDS ?= 15
FUZZ_SHORT_SEED    ?= 1
FUZZ_TARGETS  = fuzz_stix fuzz_pattern fuzz_query fuzz_config fuzz_api fuzz_http
FUZZ_PACKAGES = clang libclang-rt-14-dev
FUZZ_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
FUZZ_FLAGS = -timeout=10 -rss_limit_mb=2048 -print_final_stats=0
# Run every target: $(1) is the seconds, or replay to only run the inputs
# once; $(2) more libFuzzer flags.
define fuzz_run
	@mkdir -p $(FUZZ_BUILD)/fuzz-work
	@for t in $(FUZZ_TARGETS); do \
		work=$(FUZZ_BUILD)/fuzz-work/$$t; mkdir -p $$work/corpus $$work/crashes; \
		inputs="fuzz/corpus/$$t $$(ls -d fuzz/regressions/$$t 2>/dev/null)"; \
		dict=$$(ls fuzz/$$t.dict 2>/dev/null | sed 's/^/-dict=/'); \
		if [ "$(1)" = replay ]; then mode="-runs=0"; dirs="$$inputs"; \
		else mode="-max_total_time=$(1)"; dirs="$$work/corpus $$inputs"; fi; \
		printf 'fuzz: %-13s %s\n' $$t "$$mode"; \
		$(FUZZ_ENV) $(FUZZ_BUILD)/fuzz/$$t $(FUZZ_FLAGS) $(2) $$mode $$dict \
			-artifact_prefix=$$work/crashes/ $$dirs >$$work/log 2>&1 || { \
			tail -n 60 $$work/log; \
			echo "fuzz: $$t FAILED: log $$work/log, input in $$work/crashes/"; \
			echo "      (add it to fuzz/regressions/$$t/ once fixed: doc/TESTING.md)"; \
			exit 1; }; \
	done
endef

.PHONY: fuzz-deps fuzz-build fuzz fuzz-short
fuzz-deps:
	$(call apt_install,$(FUZZ_PACKAGES))

$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false --buildtype=debug -Dwerror=true >/dev/null

fuzz-build: deps fuzz-deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD) src/cli/cx $(addprefix fuzz/,$(FUZZ_TARGETS))

fuzz: fuzz-build
	$(call fuzz_run,$(FUZZ_SECONDS))

fuzz-short: fuzz-build
	$(call fuzz_run,replay)
	$(call fuzz_run,$(FUZZ_SHORT_SECONDS),-seed=$(FUZZ_SHORT_SEED))

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
