#!/bin/sh
# Builds the libFuzzer harnesses with clang in BUILD_DIR and runs each for SECONDS on a working
# copy of its seed corpus (kept in BUILD_DIR, so coverage grows from run to run; the seeds in the
# repository are not touched). Exits 1 if any harness found a crash; the input is kept under
# BUILD_DIR/artifacts/. Usage: tests/fuzz/run.sh [BUILD_DIR] [SECONDS]
set -eu
cd "$(dirname "$0")/../.."
build=${1:-build/fuzz}
seconds=${2:-60}
harnesses="config_file secret provider_id"

if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_COMPILER=clang++ -DCHORAGEN_FUZZ=ON \
        -DCHORAGEN_BUILD_UI=OFF
fi
targets=""
for h in $harnesses; do targets="$targets fuzz_$h"; done
# shellcheck disable=SC2086
cmake --build "$build" --target $targets

mkdir -p "$build/artifacts"
status=0
for h in $harnesses; do
    work="$build/corpus/$h"
    mkdir -p "$work"
    dict=""
    [ "$h" = config_file ] && dict="-dict=tests/fuzz/json.dict"
    echo "== fuzz_$h for ${seconds}s"
    # -timeout: one input may take at most 10 s; -rss_limit_mb: a 2-core, shared machine.
    # shellcheck disable=SC2086
    if ! "$build/tests/fuzz/fuzz_$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$build/artifacts/$h-" $dict \
        "$work" "tests/fuzz/corpus/$h" >"$build/fuzz_$h.log" 2>&1; then
        status=1
        echo "fuzz_$h FAILED; see $build/fuzz_$h.log and $build/artifacts/"
        grep -E "invariant failed|ERROR|SUMMARY" "$build/fuzz_$h.log" | head -5
    fi
    grep -E "^stat::number_of_executed_units|^Done" "$build/fuzz_$h.log" | tail -1
done
exit "$status"
