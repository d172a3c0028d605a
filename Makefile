# Two entry points for a fresh machine: `make run` and `make test`. Each installs missing system
# packages first (scripts/setup-deps.sh), then configures with a CMake preset and builds.
PRESET ?= dev
BUILD_DIR := build/$(PRESET)
CTEST_ARGS ?=
ARGS ?=

.PHONY: all deps configure build run test clean

all: build

deps:
	@sh scripts/setup-deps.sh

configure: deps
	@test -f $(BUILD_DIR)/CMakeCache.txt || cmake --preset $(PRESET)

build: configure
	cmake --build $(BUILD_DIR) -j$$(nproc 2>/dev/null || echo 2)

# Opens the settings window (or, without a display, prints config:status).
run: build
	$(BUILD_DIR)/app/choragen $(ARGS)

# The whole CTest suite inside a private D-Bus session with its own HOME and an unlocked
# gnome-keyring, so tests use a real Secret Service and never your own keyring.
test: build
	sh scripts/with-keyring.sh ctest --test-dir $(BUILD_DIR) --output-on-failure \
		-j$$(nproc 2>/dev/null || echo 2) $(CTEST_ARGS)

clean:
	rm -rf build
