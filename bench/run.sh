#!/bin/sh
# `make bench`: builds a release choragen and the benchmark tools in build/bench, then runs
# bench/bench.py inside a private D-Bus session with an unlocked gnome-keyring
# (scripts/with-keyring.sh) and an Xvfb display. Writes BENCHMARKS.md's results and
# BENCHMARKS-scaling.png. BENCH_ARGS=--quick runs fewer rounds.
set -eu
cd "$(dirname "$0")/.."
build=build/bench
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake --preset release -B "$build"
fi
cmake --build "$build" --target choragen hung_secret_service
if [ ! -f "$build/tools/CMakeCache.txt" ]; then
    cmake -S bench -B "$build/tools" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$build/tools"

# keytar, for the agent's own read beside config:get (skipped when the npm registry is out of
# reach).
keytar=""
if sh tests/support/keytar-fixture.sh "$build/test-clients"; then
    keytar="--keytar $build/test-clients"
fi

# `choragen` with no command becomes choragen-settings, built with it when the window is.
window=""
if [ -x "$build/app/choragen-settings" ]; then
    window="--with-window"
fi
# shellcheck disable=SC2086
exec sh scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" \
    python3 bench/bench.py --choragen "$build/app/choragen" \
    --baseline "$build/tools/libsecret_baseline" --qt-floor "$build/tools/qt_libsecret_lookup" \
    --bare "$build/tools/bare_window" \
    --probe "$PWD/$build/tools/frame_probe.so" \
    --hung "$build/tests/integration/hung_secret_service" \
    --out BENCHMARKS.md --png BENCHMARKS-scaling.png --json "$build/results.json" \
    $window $keytar ${BENCH_ARGS:-}
