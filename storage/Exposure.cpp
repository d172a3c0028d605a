#include "Exposure.h"

#include "Log.h"
#include "Secret.h"

#include <QByteArrayView>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QThread>

#include <memory>

namespace Choragen {

namespace {

// Shorter keys would match unrelated text by chance.
constexpr qsizetype minComparedKeyBytes = 8;
constexpr int gitTimeoutMs = 15000;

struct GitRun
{
    bool ran = false; ///< started and finished in time
    int exitCode = -1;
    QByteArray out;
};

GitRun runGit(const QString &git, const QString &workDir, const QStringList &arguments,
              const QByteArray &input = {})
{
    QProcess process;
    process.setProgram(git);
    // Never the repository's fsmonitor hook (a cloned repository's config must not run
    // programs); no pager, no prompt, no index lock.
    process.setArguments(QStringList {QStringLiteral("--no-pager"), QStringLiteral("-c"),
                                      QStringLiteral("core.fsmonitor=false")}
                         + arguments);
    process.setWorkingDirectory(workDir);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
    environment.insert(QStringLiteral("GIT_OPTIONAL_LOCKS"), QStringLiteral("0"));
    environment.insert(QStringLiteral("GIT_TERMINAL_PROMPT"), QStringLiteral("0"));
    process.setProcessEnvironment(environment);
    process.setStandardErrorFile(QProcess::nullDevice());
    process.start();
    if (!process.waitForStarted(gitTimeoutMs))
        return {};
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    GitRun run;
    if (!process.waitForFinished(gitTimeoutMs)) {
        process.kill();
        process.waitForFinished(1000);
        return {};
    }
    run.ran = process.exitStatus() == QProcess::NormalExit;
    run.exitCode = process.exitCode();
    run.out = process.readAllStandardOutput();
    return run;
}

// The nearest existing folder holding @p path: git must start inside the work tree even when
// `.choragen/` does not exist yet.
QString existingFolder(const QString &path)
{
    QDir dir = QFileInfo(path).absoluteDir();
    while (!dir.exists() && !dir.isRoot())
        dir.setPath(QFileInfo(dir.absolutePath()).absolutePath());
    return dir.absolutePath();
}

struct Commit
{
    QString hash;
    QString shortHash;
    QString date;
};

// Reads the file's content in every commit of @p commits (oldest first) through one
// `git cat-file --batch`, and records the oldest commit holding each key.
void findKeysInHistory(const QString &git, const QString &topLevel, const QString &relativePath,
                       const QList<Commit> &commits, const QList<KeyInUse> &keys,
                       ExposureReport &report)
{
    QByteArray request;
    for (const Commit &commit : commits)
        request += commit.hash.toLatin1() + ':' + relativePath.toUtf8() + '\n';
    GitRun run
        = runGit(git, topLevel, {QStringLiteral("cat-file"), QStringLiteral("--batch")}, request);
    if (!run.ran || run.exitCode != 0) {
        qCWarning(lcStorage) << "git cat-file could not read the history of" << relativePath;
        zeroBytes(run.out);
        return;
    }
    QStringList providers;
    for (const KeyInUse &key : keys) {
        if (!providers.contains(key.first))
            providers << key.first;
    }
    QHash<QString, KeyExposure> found;
    QSet<QByteArray> seenBlobs;
    const QByteArray &out = run.out;
    qsizetype position = 0;
    for (const Commit &commit : commits) {
        // Oldest first: once every provider has a match, later commits change nothing.
        if (found.size() == providers.size())
            break;
        const qsizetype lineEnd = out.indexOf('\n', position);
        if (lineEnd < 0)
            break;
        const QList<QByteArray> header = out.mid(position, lineEnd - position).split(' ');
        position = lineEnd + 1;
        // "<sha> blob <size>", or "<name> missing" where the commit deleted the file.
        if (header.size() != 3)
            continue;
        bool sizeOk = false;
        const qsizetype size = header.at(2).toLongLong(&sizeOk);
        if (!sizeOk || size < 0 || position + size > out.size())
            break;
        const QByteArrayView content(out.constData() + position, size);
        position += size + 1;
        if (header.at(1) != "blob" || seenBlobs.contains(header.at(0)))
            continue;
        seenBlobs.insert(header.at(0));
        for (const KeyInUse &key : keys) {
            if (found.contains(key.first) || !content.contains(QByteArrayView(key.second)))
                continue;
            found.insert(key.first, KeyExposure {key.first, commit.shortHash, commit.date});
        }
    }
    zeroBytes(run.out);
    for (const QString &provider : providers) {
        if (const auto it = found.constFind(provider); it != found.constEnd())
            report.keys << *it;
    }
}

} // namespace

const KeyExposure *ExposureReport::find(const QString &providerId) const
{
    for (const KeyExposure &key : keys) {
        if (key.providerId == providerId)
            return &key;
    }
    return nullptr;
}

ExposureReport checkExposure(const QString &configPath, const QList<KeyInUse> &keys,
                             bool fileHoldsKeys)
{
    ExposureReport report;
    report.fileHoldsKeys = fileHoldsKeys;
    const QString git = QStandardPaths::findExecutable(QStringLiteral("git"));
    if (git.isEmpty()) {
        report.file.detail = QStringLiteral("git is not installed (not on PATH)");
        return report;
    }
    const QString start = existingFolder(configPath);
    const GitRun where = runGit(git, start,
                                {QStringLiteral("rev-parse"), QStringLiteral("--show-toplevel"),
                                 QStringLiteral("--show-prefix")});
    const QList<QByteArray> lines = where.out.split('\n');
    if (!where.ran || where.exitCode != 0 || lines.size() < 2 || lines.at(0).isEmpty()) {
        report.file.detail = QStringLiteral("%1 is not in a git work tree").arg(configPath);
        return report;
    }
    const QString topLevel = QString::fromUtf8(lines.at(0));
    const QString relativePath
        = QDir::cleanPath(QString::fromUtf8(lines.at(1))
                          + QDir(start).relativeFilePath(QFileInfo(configPath).absoluteFilePath()));
    report.file.relativePath = relativePath;

    const GitRun tracked
        = runGit(git, topLevel,
                 {QStringLiteral("--literal-pathspecs"), QStringLiteral("ls-files"),
                  QStringLiteral("--error-unmatch"), QStringLiteral("--"), relativePath});
    const GitRun ignored = runGit(
        git, topLevel,
        {QStringLiteral("check-ignore"), QStringLiteral("-q"), QStringLiteral("--"), relativePath});
    if (!tracked.ran || !ignored.ran || ignored.exitCode > 1) {
        report.file.detail = QStringLiteral("git did not answer in %1").arg(topLevel);
        return report;
    }
    report.file.gitChecked = true;
    report.file.tracked = tracked.exitCode == 0;
    report.file.ignored = ignored.exitCode == 0;

    QList<KeyInUse> wanted;
    for (const KeyInUse &key : keys) {
        if (key.second.size() >= minComparedKeyBytes)
            wanted << key;
    }
    if (wanted.isEmpty())
        return report;
    // Every commit reachable from a ref that touches the file, oldest first; --full-history so
    // a side branch that added and removed a key is not simplified away.
    const GitRun log = runGit(git, topLevel,
                              {QStringLiteral("--literal-pathspecs"), QStringLiteral("log"),
                               QStringLiteral("--all"), QStringLiteral("--full-history"),
                               QStringLiteral("--reverse"), QStringLiteral("--format=%H %h %cI"),
                               QStringLiteral("--"), relativePath});
    if (!log.ran || log.exitCode != 0) {
        // An empty repository (no commit yet) has no history to search.
        return report;
    }
    QList<Commit> commits;
    for (const QByteArray &line : log.out.split('\n')) {
        const QList<QByteArray> fields = line.split(' ');
        if (fields.size() == 3)
            commits << Commit {QString::fromLatin1(fields.at(0)), QString::fromLatin1(fields.at(1)),
                               QString::fromLatin1(fields.at(2))};
    }
    report.commitsRead = int(commits.size());
    if (!commits.isEmpty())
        findKeysInHistory(git, topLevel, relativePath, commits, wanted, report);
    for (KeyInUse &key : wanted)
        wipeSecret(key.second);
    return report;
}

void checkExposureAsync(const QString &configPath, const QList<KeyInUse> &keys, bool fileHoldsKeys,
                        QObject *context, std::function<void(ExposureReport)> done)
{
    auto result = std::make_shared<ExposureReport>();
    auto input = std::make_shared<QList<KeyInUse>>(keys);
    QThread *worker = QThread::create([configPath, input, fileHoldsKeys, result]() {
        *result = checkExposure(configPath, *input, fileHoldsKeys);
        for (KeyInUse &key : *input)
            wipeSecret(key.second);
    });
    // Lives in the caller's thread and dies with the context, so done never outlives it.
    auto *receiver = new QObject(context);
    QObject::connect(worker, &QThread::finished, receiver,
                     [receiver, result, done = std::move(done)]() {
                         receiver->deleteLater();
                         done(*result);
                     });
    QObject::connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    worker->start();
}

QString keyPageUrl(const Provider &provider)
{
    if (!provider.builtIn)
        return {};
    if (provider.id == QLatin1String("anthropic"))
        return QStringLiteral("https://console.anthropic.com/settings/keys");
    if (provider.id == QLatin1String("openai"))
        return QStringLiteral("https://platform.openai.com/api-keys");
    if (provider.id == QLatin1String("google"))
        return QStringLiteral("https://aistudio.google.com/apikey");
    return {};
}

QString rotationAdvice(const Provider &provider, const KeyExposure &exposure)
{
    const QString url = keyPageUrl(provider);
    const QString where = url.isEmpty()
        ? QStringLiteral("on %1's own site")
              .arg(provider.label.isEmpty() ? provider.id : provider.label)
        : QStringLiteral("at %1").arg(url);
    return QStringLiteral("The %1 key in use was committed in %2 (%3): anyone with a clone has "
                          "it, and moving it into the keychain does not change that. Rotate it: "
                          "revoke it and create a new one %4, then store the new one with "
                          "'choragen config:set %5'.")
        .arg(provider.id, exposure.commit, exposure.date, where, provider.id);
}

QString fileExposureAdvice(const QString &configPath, const FileExposure &file)
{
    if (file.tracked)
        return QStringLiteral("%1 holds plaintext keys and git tracks it: the next commit "
                              "shares them. Move them into the keychain with 'choragen "
                              "config:secure'; the file is then safe to commit.")
            .arg(configPath);
    return QStringLiteral("%1 holds plaintext keys and git does not ignore it: 'git add -A' "
                          "would commit it. Move them into the keychain with 'choragen "
                          "config:secure', or add %2 to .gitignore.")
        .arg(configPath, file.relativePath);
}

} // namespace Choragen
