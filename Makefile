# kordon — the two set-up commands are `make run` and `make check`.
BUILD       ?= build
BUILD_ASAN  ?= build-asan
BUILD_TSAN  ?= build-tsan
JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
KORDON_INDEX ?= kordon.kdx
# Lists to index: KORDON_LISTS when set; else `make run` fetches the official
# lists (sources.conf) into KORDON_FETCH_DIR, falling back to the shared
# real data next to the repository when none can be downloaded (offline).
SHARED_LISTS := $(abspath ../shared/data/lists)
KORDON_FETCH_DIR ?= lists

.PHONY: all deps build check check-asan check-tsan run bench fuzz clean screenshots

all: build

deps:
	./scripts/install-deps

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

# Builds and runs every test: unit tests, end-to-end tests of the binary,
# fuzz corpus replays.
check: deps build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# The web page's screenshots in docs/screenshots/, taken by its browser test
# (which writes them only when asked, so that a test run changes no file).
screenshots: deps build
	cd $(BUILD) && KORDON_SCREENSHOTS=$(abspath docs/screenshots) ctest --output-on-failure -R e2e_web

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer.
check-asan: deps
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DKORDON_SANITIZE=ON >/dev/null
	cmake --build $(BUILD_ASAN) -j$(JOBS)
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j$(JOBS)

# The tests of the server's shared state (index generations swapped under
# load, pools of matchers and scanners, deferred /scan workers, /screen
# streams, graceful shutdown) under ThreadSanitizer. Address-space layout
# randomisation is turned off for the run: clang 14's ThreadSanitizer
# cannot map its shadow memory on kernels with high mmap entropy.
TSAN_TESTS ?= test_http|e2e_serve|e2e_swap|e2e_security|e2e_index_integrity|e2e_scan_limits
check-tsan: deps
	cmake -S . -B $(BUILD_TSAN) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DKORDON_TSAN=ON >/dev/null
	cmake --build $(BUILD_TSAN) -j$(JOBS) --target kordon $(shell ls tests/test_http*.c 2>/dev/null | xargs -rn1 basename | sed 's/\.c$$//')
	cd $(BUILD_TSAN) && TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1" \
	    setarch $$(uname -m) -R ctest --output-on-failure -j$(JOBS) -R '$(TSAN_TESTS)'

KORDON_LISTEN ?= 127.0.0.1:8000
# Builds the index, then serves it (Ctrl-C stops; the web page is at /).
run: deps build
ifneq ($(strip $(KORDON_LISTS)),)
	./$(BUILD)/kordon build $(KORDON_LISTS) -o $(KORDON_INDEX)
else
	@# One retry only: offline, every source fails fast instead of backing off.
	./$(BUILD)/kordon update --config sources.conf --dir $(KORDON_FETCH_DIR) \
	    -o $(KORDON_INDEX) --retries 1 || true
	@if ! find $(KORDON_FETCH_DIR) -mindepth 2 -type f ! -path '*/.*' 2>/dev/null | grep -q .; then \
	  echo "make run: no list could be downloaded into $(KORDON_FETCH_DIR)/ (offline?);" \
	       "indexing $(SHARED_LISTS) instead"; \
	  ./$(BUILD)/kordon build $(SHARED_LISTS) -o $(KORDON_INDEX); \
	fi
endif
	./$(BUILD)/kordon info -i $(KORDON_INDEX)
	./$(BUILD)/kordon serve -i $(KORDON_INDEX) --listen $(KORDON_LISTEN)

EVAL ?= $(abspath ../shared/data/eval)
BENCH_LISTS = $(or $(KORDON_LISTS),$(SHARED_LISTS))
bench: build
	./bench/build-index.sh $(BUILD)/kordon
	./$(BUILD)/kordon build $(BENCH_LISTS) -o $(BUILD)/bench.kdx -q
	./$(BUILD)/bench_match $(BUILD)/bench.kdx $(EVAL)/positives_un_untreated.csv \
	    $(EVAL)/negatives_global_1000.csv $(EVAL)/negatives_us_1000.csv
	./$(BUILD)/bench_text_forms $(BENCH_LISTS)
	./$(BUILD)/bench_scan_reasons $(BUILD)/bench.kdx $(abspath ../shared/data/text/baku-russian-house.txt)
	./bench/store.sh $(BUILD)/kordon
	./bench/serve-load.sh $(BUILD)/kordon 60
	./bench/scan-hostile.sh -b $(BUILD) 8Mi -- --no-json
	./bench/scan-pressure.sh $(BUILD)/kordon 8Mi
	./bench/reload-stress.sh $(BUILD)/kordon 1000

fuzz: deps
	cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DKORDON_FUZZ=ON >/dev/null
	cmake --build build-fuzz -j$(JOBS)
	./fuzz/run.sh build-fuzz $${FUZZ_SECONDS:-60}

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_TSAN) build-fuzz
