#pragma once

#include <cstdio>
#include <cstdlib>

// An invariant of a harness. On failure it names the invariant, never the input (which may look
// like a key), and aborts so libFuzzer keeps the input as a crash reproducer.
#define FUZZ_CHECK(condition)                                                                      \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "invariant failed: %s (%s:%d)\n", #condition, __FILE__,           \
                         __LINE__);                                                                \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)
