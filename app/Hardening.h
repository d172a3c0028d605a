#pragma once

namespace Choragen {

// What applyHardening() achieved; each flag is false where the platform has no such control.
struct HardeningResult
{
    bool coreDumpsDisabled = false; // RLIMIT_CORE is 0 (soft and hard)
    bool attachDenied = false; // Linux: not dumpable; macOS: PT_DENY_ATTACH
};

// Keeps keys out of core dumps and away from debuggers of the same user. Called first in main().
// Release builds (NDEBUG) always harden; debug builds keep core dumps and gdb for developers
// unless CHORAGEN_HARDEN=1 asks for the release behaviour (the hardening tests do).
void hardenProcess();

// Applies the protections now, whatever the build type:
// - Linux: RLIMIT_CORE 0 and PR_SET_DUMPABLE 0, so no core file is written and processes of the
//   same user without CAP_SYS_PTRACE can neither attach nor read /proc/<pid>/mem or environ;
// - macOS: RLIMIT_CORE 0 and ptrace(PT_DENY_ATTACH);
// - Windows: nothing (see SECURITY.md: same-user processes may always open ours; Windows Error
//   Reporting's local dumps are governed by the LocalDumps registry key, not by the process).
HardeningResult applyHardening();

} // namespace Choragen
