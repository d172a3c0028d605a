#pragma once

#include "Provider.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

#include <functional>

namespace Choragen {

/// What git says about the config file itself.
struct FileExposure
{
    /// git answered: the file lies in a work tree and `git` is on PATH. When false, nothing
    /// else here is known and @ref detail says why (quietly: no git is not a problem).
    bool gitChecked = false;
    bool tracked = false; ///< `git ls-files --error-unmatch` knows it
    bool ignored = false; ///< `git check-ignore` matches it
    QString relativePath; ///< the path from the work tree's root, e.g.
                          ///< `packages/web/.choragen/config.json`
    QString detail; ///< why git was not asked, for people
};

/// A key in use now that appears in the config file's git history.
struct KeyExposure
{
    QString providerId;
    QString commit; ///< the oldest commit whose file holds the key, short hash
    QString date; ///< that commit's date, ISO 8601
};

/// Everything the exposure checks found. Never holds a key.
struct ExposureReport
{
    FileExposure file;
    /// The file holds plaintext keys now (as the caller said).
    bool fileHoldsKeys = false;
    /// In provider order of the request; only the keys found in the history.
    QList<KeyExposure> keys;
    /// How many commits touching the file were read.
    int commitsRead = 0;

    /// The file holds keys and git tracks it or would add it (`git add -A`).
    bool fileAtRisk() const
    {
        return file.gitChecked && fileHoldsKeys && (file.tracked || !file.ignored);
    }
    /// The exposure of @p providerId, or nullptr when its key is not in the history.
    const KeyExposure *find(const QString &providerId) const;
};

/// One key to look for: a provider id and the key in use now (from the file or the keychain).
using KeyInUse = QPair<QString, QByteArray>;

/// Checks whether the config file at @p configPath is exposed through git: whether git tracks it
/// or would add it, and whether any of @p keys appears in the file's history (any commit
/// reachable from any ref, the file's own history only). Runs the `git` program (no shell);
/// without git on PATH, or outside a work tree, the report says "not checked".
///
/// Keys are compared in memory: never printed, logged, put on a command line or in a file. Keys
/// shorter than 8 bytes are not looked for (they would match by chance).
///
/// Synchronous: may take as long as git does (well under a second for a file with a thousand
/// commits). The window uses checkExposureAsync().
ExposureReport checkExposure(const QString &configPath, const QList<KeyInUse> &keys,
                             bool fileHoldsKeys);

/// checkExposure() on a worker thread. @p done is called once, later, from the event loop of
/// @p context's thread; not at all if @p context is destroyed first. The keys are wiped from
/// the worker's copy once compared.
void checkExposureAsync(const QString &configPath, const QList<KeyInUse> &keys, bool fileHoldsKeys,
                        QObject *context, std::function<void(ExposureReport)> done);

/// The page where a built-in provider's keys are revoked and created, e.g.
/// https://console.anthropic.com/settings/keys; empty for every other provider, because a
/// cloned config must never choose where a user goes to paste a key.
QString keyPageUrl(const Provider &provider);

/// One sentence for people: the key was committed in @p exposure and must be rotated (revoked,
/// replaced, the new key stored with config:set), naming the key page for built-ins.
QString rotationAdvice(const Provider &provider, const KeyExposure &exposure);

/// One sentence for people on a file at risk (tracked, or not ignored), and what to do.
QString fileExposureAdvice(const QString &configPath, const FileExposure &file);

} // namespace Choragen
