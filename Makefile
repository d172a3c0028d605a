# Two entry points for a fresh machine: `make run` and `make test`. Each installs missing system
# packages first (scripts/setup-deps.sh), then configures with a CMake preset and builds.
PRESET ?= dev
BUILD_DIR := build/$(PRESET)
JOBS := $(shell nproc 2>/dev/null || echo 2)
CTEST_ARGS ?=
ARGS ?=

.PHONY: all deps configure build run test test-dev test-nokeychain package clean
.PHONY: bench fuzz
FUZZ_SECONDS ?= 60

all: build

deps:
	@sh scripts/setup-deps.sh

build/%/CMakeCache.txt:
	cmake --preset $*

configure: deps build/$(PRESET)/CMakeCache.txt

build: configure
	cmake --build $(BUILD_DIR) -j$(JOBS)

# Opens the settings window (or, without a display, prints config:status).
run: build
	$(BUILD_DIR)/app/choragen $(ARGS)

# Every test, in both configurations: the normal build inside a private D-Bus session with its
# own HOME and an unlocked gnome-keyring (a real Secret Service, never your own keyring), and
# the build without keychain support.
test: test-dev test-nokeychain

test-dev: deps build/dev/CMakeCache.txt
	cmake --build build/dev -j$(JOBS)
	sh scripts/with-keyring.sh ctest --test-dir build/dev --output-on-failure -j$(JOBS) $(CTEST_ARGS)

test-nokeychain: deps build/nokeychain/CMakeCache.txt
	cmake --build build/nokeychain -j$(JOBS)
	ctest --test-dir build/nokeychain --output-on-failure -j$(JOBS) $(CTEST_ARGS)

# A Debian package (Windows: NSIS installer, macOS: DMG) from the release build, in build/release.
package: deps build/release/CMakeCache.txt
	cmake --build build/release -j$(JOBS)
	cd build/release && cpack

# Benchmarks against the floor the keychain itself sets (bench/run.sh, a release build in
# build/bench): results in BENCHMARKS.md, plot in BENCHMARKS-scaling.png. BENCH_ARGS=--quick.
bench: deps
	sh bench/run.sh

# libFuzzer (clang) on config parsing and the secret and provider-id validators, FUZZ_SECONDS
# per harness, in build/fuzz; crashes are kept in build/fuzz/artifacts/.
fuzz: deps
	sh tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS)

clean:
	rm -rf build
