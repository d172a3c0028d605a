#include "Hardening.h"

#include <QtGlobal>

#if defined(Q_OS_LINUX) || defined(Q_OS_MACOS)
#include <sys/resource.h>
#endif
#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#endif
#ifdef Q_OS_MACOS
#include <sys/ptrace.h>
#include <sys/types.h>
#endif

namespace Choragen {

namespace {

#if defined(Q_OS_LINUX) || defined(Q_OS_MACOS)
bool disableCoreDumps()
{
    // Hard limit too, so nothing later in the process (or a child) can raise it again.
    const rlimit none {0, 0};
    if (::setrlimit(RLIMIT_CORE, &none) != 0)
        return false;
    rlimit now {};
    return ::getrlimit(RLIMIT_CORE, &now) == 0 && now.rlim_cur == 0 && now.rlim_max == 0;
}
#endif

} // namespace

HardeningResult applyHardening()
{
    HardeningResult result;
#if defined(Q_OS_LINUX)
    result.coreDumpsDisabled = disableCoreDumps();
    // Not dumpable: no core even if the limit were raised, and /proc/<pid>/{mem,environ} and
    // ptrace attach need CAP_SYS_PTRACE, so another process of the same user cannot read keys.
    result.attachDenied
        = ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 && ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0;
#elif defined(Q_OS_MACOS)
    result.coreDumpsDisabled = disableCoreDumps();
    // A debugger attaching later is refused; one that launched us is detached and we exit.
    result.attachDenied = ::ptrace(PT_DENY_ATTACH, 0, nullptr, 0) == 0;
#endif
    return result;
}

void hardenProcess()
{
#ifdef NDEBUG
    applyHardening();
#else
    if (qEnvironmentVariableIntValue("CHORAGEN_HARDEN") == 1)
        applyHardening();
#endif
}

} // namespace Choragen
