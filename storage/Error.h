#pragma once

#include <QString>

namespace Choragen {

/// What went wrong, modelled on QKeychain::Error. NotFound means "absent", never failure.
enum class ErrorCode {
    None,
    NotFound,
    // The keychain cannot be used; callers map these to exit code 3.
    NoDBusSession,
    NoSecretService,
    KeychainLocked,
    AccessDenied,
    TimedOut,
    NotBuiltIn,
    KeychainOther,
    // The config file could not be understood; exit code 4.
    ConfigInvalid,
    // The request itself is wrong; exit code 2.
    InvalidInput,
    // Failed, nothing lost; exit code 1.
    Io,
    LockBusy,
    Conflict,
    VerifyFailed,
    /// The config file holds a key-like string where no key is read from; nothing was changed.
    UnrecognizedKey,
};

/// An error value: a code plus a message for people that names the file or backend, and a fix.
/// Messages never contain a secret.
struct Error
{
    ErrorCode code = ErrorCode::None;
    QString message;
    QString fix;

    bool ok() const { return code == ErrorCode::None; }
    bool isNotFound() const { return code == ErrorCode::NotFound; }
    /// True for the codes that mean "the keychain cannot be used right now".
    bool isKeychainUnavailable() const;
    /// "message (fix)" or just the message, for one-line reports.
    QString text() const;

    static Error none() { return {}; }
    static Error make(ErrorCode code, const QString &message, const QString &fix = {})
    {
        return Error {code, message, fix};
    }
};

/// A stable id for scripts, e.g. "no-dbus-session", "locked", "timed-out".
QString errorCodeId(ErrorCode code);

/// The command-line exit code for an error: 0 ok, 1 failed, 2 usage, 3 keychain, 4 config.
int exitCodeFor(const Error &error);

} // namespace Choragen
