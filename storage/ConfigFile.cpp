#include "ConfigFile.h"

#include "FaultInjection.h"
#include "PostTo.h"
#include "KeychainNaming.h"
#include "Log.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QPointer>
#include <QSaveFile>
#include <QTemporaryFile>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#ifndef Q_OS_WIN
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

using nlohmann::ordered_json;

namespace Choragen {

namespace {

const char *const kStorage = "credentialStorage";
// Temporary files of a save are named <config>.saving-XXXXXX.
const char *const savingSuffix = ".saving-";
const char *const kApiKeys = "apiKeys";
const char *const kProviders = "providers";
const char *const kProfile = "keyProfile";

QString fromStd(const std::string &s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

std::string toStd(const QString &s)
{
    return s.toStdString();
}

// nlohmann reports "last read: '…'" with the bytes it read, which may be part of a key: keep
// only the description of what was wrong and what was expected.
QString describeParseError(const std::string &what)
{
    QString text = fromStd(what);
    const qsizetype columnAt = text.indexOf(QStringLiteral("column "));
    if (columnAt >= 0) {
        const qsizetype colon = text.indexOf(u':', columnAt);
        if (colon >= 0)
            text = text.mid(colon + 1).trimmed();
    } else {
        const qsizetype bracket = text.indexOf(u']');
        if (bracket >= 0)
            text = text.mid(bracket + 1).trimmed();
    }
    const qsizetype lastRead = text.indexOf(QStringLiteral("; last read:"));
    if (lastRead >= 0) {
        const qsizetype expected = text.indexOf(QStringLiteral("; expected"), lastRead);
        text = text.left(lastRead) + (expected >= 0 ? text.mid(expected) : QString());
    }
    if (text.startsWith(QStringLiteral("syntax error while parsing ")))
        text = text.mid(27);
    return text;
}

// Line and column (1-based) of the byte at 1-based offset @p byte.
QPair<int, int> lineAndColumn(const QByteArray &data, std::size_t byte)
{
    int line = 1;
    int column = 1;
    const auto end = std::min<std::size_t>(byte > 0 ? byte - 1 : 0, std::size_t(data.size()));
    for (std::size_t i = 0; i < end; ++i) {
        const auto c = static_cast<unsigned char>(data.at(qsizetype(i)));
        if (c == '\n') {
            ++line;
            column = 1;
        } else if ((c & 0xC0) != 0x80) {
            // Count characters, not UTF-8 continuation bytes.
            ++column;
        }
    }
    return {line, column};
}

QString jsonTypeName(const ordered_json &value)
{
    return QString::fromLatin1(value.type_name());
}

bool isRegularFile(const QString &path)
{
#ifdef Q_OS_WIN
    return QFileInfo(path).isFile();
#else
    // stat(2) follows links, so a link to a FIFO counts as a FIFO.
    struct stat status
    {
    };
    return ::stat(QFile::encodeName(path).constData(), &status) == 0 && S_ISREG(status.st_mode);
#endif
}

// True when nothing is at @p path, or a regular file (not a link to one).
bool isRegularOrAbsent(const QString &path)
{
#ifdef Q_OS_WIN
    const QFileInfo info(path);
    return !info.exists() || (info.isFile() && !info.isSymLink());
#else
    struct stat status
    {
    };
    if (::lstat(QFile::encodeName(path).constData(), &status) != 0)
        return errno == ENOENT;
    return S_ISREG(status.st_mode);
#endif
}

// A pointer into the file's bytes that tells the parser's position to whoever watches it.
struct CountingIterator
{
    using iterator_category = std::forward_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char *;
    using reference = const char &;

    const char *at = nullptr;
    const char **readTo = nullptr;

    reference operator*() const { return *at; }
    CountingIterator &operator++()
    {
        ++at;
        if (readTo)
            *readTo = at;
        return *this;
    }
    CountingIterator operator++(int)
    {
        CountingIterator before = *this;
        ++*this;
        return before;
    }
    bool operator==(const CountingIterator &other) const { return at == other.at; }
    bool operator!=(const CountingIterator &other) const { return at != other.at; }
};

struct DuplicateMember
{
    std::size_t byte = 0; // 1-based offset of the member's name
    QString name; // quoted when the format defines it, else just "name"
};

struct DuplicateMemberFound
{
};

// A parser callback that stops at the second member of an object with the same name: JSON
// leaves the meaning open, nlohmann would keep one and the next save would drop the other.
ordered_json::parser_callback_t duplicateMemberFinder(std::optional<DuplicateMember> &duplicate,
                                                      const char *const &readTo, const char *begin)
{
    auto names = std::make_shared<std::vector<std::set<std::string>>>();
    return [names, &duplicate, &readTo, begin](int, ordered_json::parse_event_t event,
                                               ordered_json &parsed) {
        using Event = ordered_json::parse_event_t;
        if (event == Event::object_start) {
            names->emplace_back();
        } else if (event == Event::object_end) {
            if (!names->empty())
                names->pop_back();
        } else if (event == Event::key && !names->empty()) {
            const std::string &name = parsed.get_ref<const std::string &>();
            if (!names->back().insert(name).second) {
                // The parser has just read the name's closing quote; find the opening one.
                const char *at = readTo - 1;
                while (at > begin) {
                    --at;
                    if (*at == '"' && (at == begin || at[-1] != '\\'))
                        break;
                }
                // Only the format's own names are quoted: any other name may be anything,
                // even a key.
                static const std::set<std::string> known
                    = {"providers", "apiKey", "apiKeys", "label", "env", "baseUrl", "settings"};
                duplicate = DuplicateMember {std::size_t(at - begin) + 1,
                                             known.count(name) > 0
                                                 ? QStringLiteral("\"%1\"").arg(fromStd(name))
                                                 : QStringLiteral("name")};
                throw DuplicateMemberFound {};
            }
        }
        return true;
    };
}

} // namespace

namespace {

const char *const kApiKey = "apiKey";

std::string stringMember(const ordered_json &object, const char *member)
{
    if (!object.is_object())
        return {};
    const auto it = object.find(member);
    if (it == object.end() || !it->is_string())
        return {};
    return it->get<std::string>();
}

// providers.<id>.apiKey, or empty.
std::string currentKey(const ordered_json &json, const std::string &id)
{
    const auto providers = json.find(kProviders);
    if (providers == json.end() || !providers->is_object())
        return {};
    const auto entry = providers->find(id);
    return entry == providers->end() ? std::string() : stringMember(*entry, kApiKey);
}

// apiKeys.<id> as this app's 0.1 releases wrote it, or empty.
std::string legacyKey(const ordered_json &json, const std::string &id)
{
    const auto legacy = json.find(kApiKeys);
    if (legacy == json.end() || !legacy->is_object())
        return {};
    const auto key = legacy->find(id);
    return key == legacy->end() || !key->is_string() ? std::string() : key->get<std::string>();
}

QByteArray toBytes(const std::string &text)
{
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

// Moves every 0.1 `apiKeys` entry to providers.<id>.apiKey, the shape Choragen reads. An entry
// whose provider already holds a different key stays where it is: that conflict is the user's
// to resolve.
void upgradeLegacyKeys(ordered_json &json)
{
    const auto found = json.find(kApiKeys);
    if (found == json.end() || !found->is_object())
        return;
    // Collected first: adding `providers` to an ordered object moves its other members.
    std::vector<std::pair<std::string, std::string>> entries;
    for (const auto &[id, value] : found->items()) {
        if (value.is_string())
            entries.emplace_back(id, value.get<std::string>());
    }
    for (const auto &[id, key] : entries) {
        const std::string current = currentKey(json, id);
        if (current.empty() && !key.empty())
            json[kProviders][id][kApiKey] = key;
        if (current.empty() || current == key)
            json[kApiKeys].erase(id);
    }
    if (json[kApiKeys].empty())
        json.erase(kApiKeys);
}

// Lower case, without '_' and '-': "api_key", "apiKey" and "API-KEY" all read "apikey".
std::string normalizedMemberName(const std::string &name)
{
    std::string out;
    for (const char c : name) {
        if (c == '_' || c == '-')
            continue;
        out += (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    }
    return out;
}

bool endsWith(const std::string &text, const std::string &suffix)
{
    return text.size() >= suffix.size()
        && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isKeyLikeName(const std::string &name)
{
    const std::string n = normalizedMemberName(name);
    if (n == "key" || n == "token" || n == "secret" || n == "password")
        return true;
    for (const char *suffix : {"apikey", "accesskey", "secretkey", "token", "secret"}) {
        if (endsWith(n, suffix))
            return true;
    }
    return false;
}

// A member name as it may appear in a message: itself when it reads like a name, else only
// its length, because a key pasted in the wrong place can be a member name too.
QString printableMemberName(const std::string &name)
{
    const QString text = fromStd(name);
    bool plain = !text.isEmpty() && text.size() <= 40;
    for (const QChar c : text) {
        if (!(c.isLetterOrNumber() || c == u'_' || c == u'-' || c == u'.') || c.unicode() > 127)
            plain = false;
    }
    if (plain)
        return text;
    return QStringLiteral("<member of %1 characters>").arg(text.size());
}

void findKeyLikeStrings(const ordered_json &value, const QString &path, int depth,
                        QStringList &found)
{
    // nlohmann's parser limits nothing; a hostile file must not exhaust the stack here.
    if (depth > 64)
        return;
    if (value.is_object()) {
        for (const auto &[name, member] : value.items()) {
            const QString memberPath = path.isEmpty() ? printableMemberName(name)
                                                      : path + u'.' + printableMemberName(name);
            if (member.is_string() && !member.get_ref<const std::string &>().empty()
                && isKeyLikeName(name))
                found << memberPath;
            else
                findKeyLikeStrings(member, memberPath, depth + 1, found);
        }
    } else if (value.is_array()) {
        int index = 0;
        for (const auto &element : value)
            findKeyLikeStrings(element, path + QStringLiteral("[%1]").arg(index++), depth + 1,
                               found);
    }
}

} // namespace

QString storageModeName(StorageMode mode)
{
    return mode == StorageMode::Keychain ? QStringLiteral("keychain") : QStringLiteral("file");
}

std::optional<StorageMode> storageModeFromName(const QString &name)
{
    if (name == QLatin1String("keychain"))
        return StorageMode::Keychain;
    if (name == QLatin1String("file"))
        return StorageMode::File;
    return std::nullopt;
}

ConfigFile::ConfigFile(QString path)
    : m_path(std::move(path))
{
}

QString ConfigFile::locate(const QString &projectDir, const QString &workingDir)
{
    const auto configIn = [](const QString &dir) {
        return QDir(dir).absoluteFilePath(QStringLiteral(".choragen/config.json"));
    };
    if (!projectDir.isEmpty())
        return QDir::cleanPath(configIn(QDir(projectDir).absolutePath()));
    QDir dir(QDir(workingDir).absolutePath());
    while (true) {
        if (QFileInfo(dir.absoluteFilePath(QStringLiteral(".choragen"))).isDir())
            return QDir::cleanPath(configIn(dir.absolutePath()));
        if (!dir.cdUp())
            break;
    }
    return QDir::cleanPath(configIn(QDir(workingDir).absolutePath()));
}

Error ConfigFile::load()
{
    m_warnings.clear();
    m_json = ordered_json::object();
    m_exists = false;

    const QFileInfo info(m_path);
    if (!info.exists()) {
        if (info.isSymLink())
            return Error::make(
                ErrorCode::ConfigInvalid,
                QStringLiteral("%1 is a symbolic link to a file that does not exist.").arg(m_path),
                QStringLiteral("Point the link at a file, or remove it."));
        return Error::none();
    }
    if (info.isDir())
        return Error::make(ErrorCode::ConfigInvalid,
                           QStringLiteral("%1 is a folder, not a file.").arg(m_path),
                           QStringLiteral("Move the folder away so the config can be created."));
    // A FIFO would block the open below forever, a device could be read endlessly: a cloned
    // repository can ship either (or a link to one) as its config.
    if (!isRegularFile(m_path))
        return Error::make(
            ErrorCode::ConfigInvalid,
            QStringLiteral("%1 is not a regular file (a FIFO, a device, a socket, or "
                           "a link to one).")
                .arg(m_path),
            QStringLiteral("Replace it with a regular file, or remove it; it was "
                           "left untouched."));
    if (info.size() > maxFileBytes)
        return Error::make(
            ErrorCode::ConfigInvalid,
            QStringLiteral("%1 is %2 KiB; a config file may be at most %3 KiB.")
                .arg(m_path)
                .arg(info.size() / 1024)
                .arg(maxFileBytes / 1024),
            QStringLiteral("Check that this is the right file; it was left untouched."));

    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(ErrorCode::ConfigInvalid,
                           QStringLiteral("Cannot read %1: %2.").arg(m_path, file.errorString()),
                           QStringLiteral("Check the file's permissions."));
    // Read into a buffer the size of the file, growing it only if the file grew since: reading
    // "up to the limit" would allocate (and, freed, zero) the whole limit for a small file.
    QByteArray data(qBound<qint64>(0, info.size(), maxFileBytes) + 1, Qt::Uninitialized);
    qsizetype used = 0;
    for (;;) {
        if (used == data.size()) {
            if (used > maxFileBytes)
                break;
            data.resize(qMin<qsizetype>(used * 2, maxFileBytes + 1));
        }
        const qint64 n = file.read(data.data() + used, data.size() - used);
        if (n < 0)
            return Error::make(
                ErrorCode::ConfigInvalid,
                QStringLiteral("Cannot read %1: %2.").arg(m_path, file.errorString()),
                QStringLiteral("Check the file's permissions."));
        if (n == 0)
            break;
        used += qsizetype(n);
    }
    data.truncate(used);
    if (data.size() > maxFileBytes)
        return Error::make(
            ErrorCode::ConfigInvalid,
            QStringLiteral("%1 is larger than %2 KiB.").arg(m_path).arg(maxFileBytes / 1024));

    ordered_json parsed;
    // Where the parser is, for the position of a duplicate member.
    const char *readTo = data.constData();
    std::optional<DuplicateMember> duplicate;
    try {
        parsed = ordered_json::parse(CountingIterator {data.constData(), &readTo},
                                     CountingIterator {data.constData() + data.size(), nullptr},
                                     duplicateMemberFinder(duplicate, readTo, data.constData()));
    } catch (const DuplicateMemberFound &) {
        const auto [line, column] = lineAndColumn(data, duplicate->byte);
        return Error::make(
            ErrorCode::ConfigInvalid,
            QStringLiteral("%1:%2:%3: duplicate member %4: a member may appear only "
                           "once in an object, or which one counts is ambiguous.")
                .arg(m_path)
                .arg(line)
                .arg(column)
                .arg(duplicate->name),
            QStringLiteral("Keep one of them by hand; the file was left untouched."));
    } catch (const ordered_json::parse_error &e) {
        if (data.trimmed().isEmpty())
            return Error::make(
                ErrorCode::ConfigInvalid,
                QStringLiteral("%1 is empty; it should hold a JSON object.").arg(m_path),
                QStringLiteral("Write {} into it, or delete it to start afresh."));
        const auto [line, column] = lineAndColumn(data, e.byte);
        return Error::make(ErrorCode::ConfigInvalid,
                           QStringLiteral("%1:%2:%3: invalid JSON: %4")
                               .arg(m_path)
                               .arg(line)
                               .arg(column)
                               .arg(describeParseError(e.what())),
                           QStringLiteral("Fix the file by hand; it was left untouched."));
    } catch (const ordered_json::exception &) {
        // E.g. a number too large for a double ("1e400"). Its text is not quoted: it may be a key.
        return Error::make(ErrorCode::ConfigInvalid,
                           QStringLiteral("%1: a value cannot be represented (a number out of "
                                          "range?).")
                               .arg(m_path),
                           QStringLiteral("Fix the file by hand; it was left untouched."));
    }
    if (Error error = validate(parsed); !error.ok())
        return error;

    m_json = std::move(parsed);
    m_exists = true;
    if (m_tighten)
        tightenPermissions();
    return Error::none();
}

Error ConfigFile::validate(const ordered_json &json) const
{
    const auto invalid = [this](const QString &what) {
        return Error::make(ErrorCode::ConfigInvalid, QStringLiteral("%1: %2").arg(m_path, what),
                           QStringLiteral("Fix the file by hand; it was left untouched."));
    };
    if (!json.is_object())
        return invalid(
            QStringLiteral("the top level must be a JSON object, not %1.").arg(jsonTypeName(json)));

    if (const auto it = json.find(kStorage); it != json.end()) {
        if (!it->is_string() || !storageModeFromName(fromStd(it->get<std::string>())))
            return invalid(
                QStringLiteral("\"credentialStorage\" must be \"keychain\" or \"file\"."));
    }
    if (const auto it = json.find(kProfile); it != json.end()) {
        if (!it->is_string() || !isValidProfileName(fromStd(it->get<std::string>())))
            return invalid(QStringLiteral("\"keyProfile\" must be a profile name: 1-32 of a-z, "
                                          "0-9, '-', '_' and '.', starting with a letter or "
                                          "digit."));
    }
    if (const auto it = json.find(kApiKeys); it != json.end()) {
        if (!it->is_object())
            return invalid(
                QStringLiteral("\"apiKeys\" must be an object, not %1.").arg(jsonTypeName(*it)));
        for (const auto &[key, value] : it->items()) {
            // Not quoted: a key pasted in the wrong place would land in the message.
            if (!isValidProviderId(fromStd(key)))
                return invalid(QStringLiteral("\"apiKeys\" has an invalid provider id (%1 "
                                              "characters); ids use a-z, 0-9, '-', '_' and '.'.")
                                   .arg(fromStd(key).size()));
            if (!value.is_string())
                return invalid(QStringLiteral("\"apiKeys.%1\" must be a string, not %2.")
                                   .arg(fromStd(key), jsonTypeName(value)));
        }
    }
    if (const auto it = json.find(kProviders); it != json.end()) {
        if (!it->is_object())
            return invalid(
                QStringLiteral("\"providers\" must be an object, not %1.").arg(jsonTypeName(*it)));
        for (const auto &[key, value] : it->items()) {
            const QString id = fromStd(key);
            if (!isValidProviderId(id))
                return invalid(QStringLiteral("\"providers\" has an invalid provider id (%1 "
                                              "characters); ids use a-z, 0-9, '-', '_' and '.'.")
                                   .arg(id.size()));
            if (!value.is_object())
                return invalid(QStringLiteral("\"providers.%1\" must be an object, not %2.")
                                   .arg(id, jsonTypeName(value)));
            for (const char *member : {"label", "env", "apiKey"}) {
                const auto m = value.find(member);
                if (m != value.end() && !m->is_string())
                    return invalid(QStringLiteral("\"providers.%1.%2\" must be a string, not %3.")
                                       .arg(id, QString::fromLatin1(member), jsonTypeName(*m)));
            }
        }
    }
    return Error::none();
}

void ConfigFile::tightenPermissions()
{
#ifndef Q_OS_WIN
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup
        | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::WriteOther
        | QFileDevice::ExeOther;
    const QFileDevice::Permissions current = QFile::permissions(m_path);
    if (!(current & others))
        return;
    if (QFile::setPermissions(m_path, QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        m_warnings << QStringLiteral("%1 was readable by other users; its permissions were "
                                     "tightened to 0600.")
                          .arg(m_path);
    } else {
        m_warnings << QStringLiteral("%1 is readable by other users and its permissions could not "
                                     "be changed; run: chmod 600 %1")
                          .arg(m_path);
    }
#endif
}

QByteArray ConfigFile::serialize() const
{
    const std::string text = m_json.dump(2, ' ', false, ordered_json::error_handler_t::strict);
    QByteArray out(text.data(), static_cast<qsizetype>(text.size()));
    out.append('\n');
    return out;
}

Error ConfigFile::serializeChecked(const QString &target, QByteArray &content) const
{
    try {
        content = serialize();
    } catch (const ordered_json::exception &) {
        // nlohmann refuses a string that is not UTF-8 (type_error.316). Callers validate what they
        // insert; this keeps a value that slipped through from ending the process.
        return Error::make(ErrorCode::InvalidInput,
                           QStringLiteral("%1 was not written: a value in it is not valid UTF-8 "
                                          "text, which JSON cannot hold.")
                               .arg(target),
                           QStringLiteral("Nothing was changed; report this as a bug."));
    }
    return Error::none();
}

Error ensureConfigFolder(const QString &configPath)
{
    const QFileInfo info(configPath);
    const QString folder = info.absolutePath();
    if (QFileInfo(folder).isDir())
        return Error::none();
    const QString parent = QFileInfo(folder).absolutePath();
    if (!QFileInfo(parent).isDir())
        return Error::make(ErrorCode::Io,
                           QStringLiteral("The project folder %1 does not exist.").arg(parent),
                           QStringLiteral("Pass an existing folder with --project."));
    if (!QDir().mkdir(folder,
                      QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner))
        return Error::make(ErrorCode::Io,
                           QStringLiteral("Cannot create the folder %1.").arg(folder),
                           QStringLiteral("Check that %1 is writable.").arg(parent));
    return Error::none();
}

namespace {

Error cannotWrite(const QString &target, const QString &why)
{
    return Error::make(ErrorCode::Io, QStringLiteral("Cannot write %1: %2.").arg(target, why),
                       QStringLiteral("Free some disk space or check permissions; the file was "
                                      "left untouched."));
}

// The new version could not even be started next to @p target.
Error cannotCreate(const QString &target, const QString &why)
{
    return Error::make(ErrorCode::Io, QStringLiteral("Cannot write %1: %2.").arg(target, why),
                       QStringLiteral("Check that %1 is writable; the file was left untouched.")
                           .arg(QFileInfo(target).absolutePath()));
}

#ifdef Q_OS_WIN
Error writeAtomically(const QString &target, const QByteArray &data)
{
    QSaveFile file(target);
    file.setDirectWriteFallback(false);
    if (!file.open(QIODevice::WriteOnly))
        return cannotCreate(target, file.errorString());
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        file.cancelWriting();
        return Error::make(ErrorCode::Io,
                           QStringLiteral("Cannot restrict the permissions of %1.").arg(target));
    }
    if (file.write(data) != data.size() || !file.commit())
        return cannotWrite(target, file.errorString());
    return Error::none();
}
#else
// The new version goes to a temporary file next to the target, named after it
// (config.json.saving-XXXXXX, mode 0600 from the start), is flushed to disk, and replaces the
// target with rename(2): readers see the old file or the new one, never a mix. A writer killed
// before the rename leaves that temporary file behind; the name says whose it is, so the next
// save removes it (removeInterruptedSaves()).
Error writeAtomically(const QString &target, const QByteArray &data)
{
    const QFileInfo info(target);
    QTemporaryFile file(info.absolutePath() + u'/' + info.fileName() + QLatin1String(savingSuffix)
                        + QStringLiteral("XXXXXX"));
    if (!file.open())
        return cannotCreate(target, file.errorString());
    // QTemporaryFile creates it 0600; made sure of before a single byte goes in.
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return Error::make(ErrorCode::Io,
                           QStringLiteral("Cannot restrict the permissions of %1.").arg(target));
    if (file.write(data) != data.size() || !file.flush())
        return cannotWrite(target, file.errorString());
    if (::fsync(file.handle()) != 0)
        return cannotWrite(target, QString::fromLocal8Bit(std::strerror(errno)));
    // Qt may have created the file unnamed (O_TMPFILE), so a kill until here leaves nothing;
    // asking for its name links it into the folder.
    const QString temporary = file.fileName();
    crashPoint(QStringLiteral("save:written"));
    if (::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(target).constData())
        != 0)
        return cannotWrite(target, QString::fromLocal8Bit(std::strerror(errno)));
    file.setAutoRemove(false);
    // The rename itself reaches the disk with the folder.
    const int folder = ::open(QFile::encodeName(info.absolutePath()).constData(),
                              O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (folder >= 0) {
        ::fsync(folder);
        ::close(folder);
    }
    return Error::none();
}
#endif

// Removes what writers killed mid-save left next to @p target. Only under the config lock, so
// no writer is between its temporary file and its rename.
void removeInterruptedSaves(const QString &target)
{
#ifndef Q_OS_WIN
    const QFileInfo info(target);
    QDir folder(info.absolutePath());
    const QStringList leftovers = folder.entryList(
        {info.fileName() + QLatin1String(savingSuffix) + QStringLiteral("??????")},
        QDir::Files | QDir::Hidden | QDir::System);
    for (const QString &name : leftovers) {
        if (folder.remove(name))
            qCInfo(lcStorage) << "removed" << folder.filePath(name)
                              << "left by a save that was interrupted";
    }
#else
    Q_UNUSED(target)
#endif
}

} // namespace

Error ConfigFile::save()
{
    if (Error error = ensureConfigFolder(m_path); !error.ok())
        return error;
    // Replace the link's target, not the link, so a config shared through a symlink stays shared.
    QString target = m_path;
    const QFileInfo info(m_path);
    if (info.isSymLink())
        target = info.symLinkTarget();
    removeInterruptedSaves(target);
    upgradeLegacyKeys(m_json);
    QByteArray content;
    if (Error error = serializeChecked(target, content); !error.ok())
        return error;
    if (Error error = writeAtomically(target, content); !error.ok())
        return error;
    m_exists = true;
    qCDebug(lcStorage) << "saved" << target;
    return Error::none();
}

Error ConfigFile::saveCopyTo(const QString &path) const
{
    const QFileInfo info(path);
    if (info.exists() || info.isSymLink())
        return Error::make(ErrorCode::Io, QStringLiteral("%1 already exists.").arg(path),
                           QStringLiteral("Choose a new file name; existing files are never "
                                          "overwritten by an export."));
    if (!QFileInfo(info.absolutePath()).isDir())
        return Error::make(
            ErrorCode::Io,
            QStringLiteral("The folder %1 does not exist.").arg(info.absolutePath()));
    ConfigFile copy = *this;
    upgradeLegacyKeys(copy.m_json);
    QByteArray content;
    if (Error error = copy.serializeChecked(path, content); !error.ok())
        return error;
    return writeAtomically(info.absoluteFilePath(), content);
}

std::optional<StorageMode> ConfigFile::storageMode() const
{
    const auto it = m_json.find(kStorage);
    if (it == m_json.end() || !it->is_string())
        return std::nullopt;
    return storageModeFromName(fromStd(it->get<std::string>()));
}

void ConfigFile::setStorageMode(StorageMode mode)
{
    m_json[kStorage] = toStd(storageModeName(mode));
}

QString ConfigFile::keyProfile() const
{
    return fromStd(stringMember(m_json, kProfile));
}

void ConfigFile::setKeyProfile(const QString &profile)
{
    if (profile.isEmpty())
        m_json.erase(kProfile);
    else
        m_json[kProfile] = toStd(profile);
}

QStringList ConfigFile::apiKeyProviders() const
{
    QStringList ids;
    if (const auto it = m_json.find(kProviders); it != m_json.end() && it->is_object()) {
        for (const auto &[key, value] : it->items()) {
            if (!stringMember(value, kApiKey).empty())
                ids << fromStd(key);
        }
    }
    if (const auto it = m_json.find(kApiKeys); it != m_json.end() && it->is_object()) {
        for (const auto &[key, value] : it->items()) {
            const QString id = fromStd(key);
            if (value.is_string() && !value.get_ref<const std::string &>().empty()
                && !ids.contains(id))
                ids << id;
        }
    }
    return ids;
}

QByteArray ConfigFile::apiKey(const QString &providerId) const
{
    const std::string id = toStd(providerId);
    std::string key = currentKey(m_json, id);
    if (key.empty())
        key = legacyKey(m_json, id);
    return toBytes(key);
}

bool ConfigFile::keyConflict(const QString &providerId) const
{
    const std::string id = toStd(providerId);
    const std::string current = currentKey(m_json, id);
    const std::string legacy = legacyKey(m_json, id);
    return !current.empty() && !legacy.empty() && current != legacy;
}

void ConfigFile::setApiKey(const QString &providerId, const QByteArray &secret)
{
    const std::string id = toStd(providerId);
    auto &providers = m_json[kProviders];
    if (!providers.is_object())
        providers = ordered_json::object();
    auto &entry = providers[id];
    if (!entry.is_object())
        entry = ordered_json::object();
    entry[kApiKey] = std::string(secret.constData(), std::size_t(secret.size()));
    if (const auto legacy = m_json.find(kApiKeys); legacy != m_json.end() && legacy->is_object()) {
        legacy->erase(id);
        if (legacy->empty())
            m_json.erase(kApiKeys);
    }
}

bool ConfigFile::removeApiKey(const QString &providerId)
{
    const std::string id = toStd(providerId);
    bool removed = false;
    if (const auto providers = m_json.find(kProviders);
        providers != m_json.end() && providers->is_object()) {
        if (const auto entry = providers->find(id);
            entry != providers->end() && entry->is_object() && entry->contains(kApiKey)) {
            entry->erase(kApiKey);
            removed = true;
            if (entry->empty())
                providers->erase(entry);
        }
    }
    if (const auto legacy = m_json.find(kApiKeys); legacy != m_json.end() && legacy->is_object()) {
        removed = legacy->erase(id) > 0 || removed;
        if (legacy->empty())
            m_json.erase(kApiKeys);
    }
    return removed;
}

QList<Provider> ConfigFile::declaredProviders() const
{
    QList<Provider> providers;
    const auto it = m_json.find(kProviders);
    if (it == m_json.end() || !it->is_object())
        return providers;
    for (const auto &[key, value] : it->items()) {
        Provider provider;
        provider.id = fromStd(key);
        provider.label = provider.id;
        if (const std::string label = stringMember(value, "label"); !label.empty())
            provider.label = fromStd(label);
        provider.envVar = fromStd(stringMember(value, "env"));
        // An entry with only a server address (a local model server) needs no key.
        provider.needsKey = stringMember(value, "baseUrl").empty()
            || !stringMember(value, kApiKey).empty() || !provider.envVar.isEmpty();
        providers << provider;
    }
    return providers;
}

QStringList ConfigFile::unrecognizedSecrets() const
{
    QStringList found;
    for (const auto &[name, value] : m_json.items()) {
        const QString path = printableMemberName(name);
        if (name == kApiKeys)
            continue;
        if (name == kProviders && value.is_object()) {
            for (const auto &[id, entry] : value.items()) {
                if (!entry.is_object())
                    continue;
                const QString entryPath = path + u'.' + printableMemberName(id);
                for (const auto &[member, memberValue] : entry.items()) {
                    if (member == kApiKey)
                        continue;
                    const QString memberPath = entryPath + u'.' + printableMemberName(member);
                    if (memberValue.is_string()
                        && !memberValue.get_ref<const std::string &>().empty()
                        && isKeyLikeName(member))
                        found << memberPath;
                    else
                        findKeyLikeStrings(memberValue, memberPath, 2, found);
                }
            }
            continue;
        }
        if (value.is_string() && !value.get_ref<const std::string &>().empty()
            && isKeyLikeName(name))
            found << path;
        else
            findKeyLikeStrings(value, path, 1, found);
    }
    return found;
}

Error unrecognizedSecretsError(const QString &configPath, const QStringList &paths)
{
    return Error::make(ErrorCode::UnrecognizedKey,
                       QStringLiteral("%1 holds %2 that look%3 like a key where Choragen does not "
                                      "read keys: %4. Nothing was changed.")
                           .arg(configPath,
                                paths.size() == 1 ? QStringLiteral("a value")
                                                  : QStringLiteral("%1 values").arg(paths.size()),
                                paths.size() == 1 ? QStringLiteral("s") : QString(),
                                paths.join(QStringLiteral(", "))),
                       QStringLiteral("Move each key to \"providers.<provider>.apiKey\" (for "
                                      "example providers.anthropic.apiKey), or delete it if it "
                                      "is not an API key, then try again."));
}

ConfigLock::ConfigLock(const QString &configPath)
    : m_configPath(configPath)
{
}

ConfigLock::~ConfigLock() = default;

namespace {

// QLockFile writes its owner right after creating the file; a lock file still without an owner
// after this long was left by a process killed in between, and no process will ever free it.
constexpr qint64 ownerlessLockAgeMs = 2000;
// How often a writer waiting for another process's lock tries again.
constexpr int lockRetryMs = 25;

bool isOwnerlessAndOld(QLockFile &lock, const QString &lockPath)
{
    qint64 pid = 0;
    QString host;
    QString app;
    if (lock.getLockInfo(&pid, &host, &app))
        return false;
    const QFileInfo info(lockPath);
    return info.exists()
        && info.lastModified().msecsTo(QDateTime::currentDateTime()) > ownerlessLockAgeMs;
}

// Removes an ownerless lock file left by a killed process, with the guard QLockFile uses for its
// own stale locks: only the holder of "<lock>.rmlock" may remove, and only after checking again
// under it. Without the guard, two contenders that both saw the old file could each remove it,
// the second one a fresh lock a third process had taken in between.
void removeOwnerlessLock(QLockFile &lock, const QString &lockPath)
{
    const QString guardPath = lockPath + QStringLiteral(".rmlock");
    if (!isRegularOrAbsent(guardPath))
        return;
    QLockFile guard(guardPath);
    guard.setStaleLockTime(0);
    if (!guard.tryLock(0))
        return;
    if (isOwnerlessAndOld(lock, lockPath))
        lock.removeStaleLockFile();
}

// The file a config path names: a symlinked config is changed at its target (see save()), so
// that is the file whose writers must exclude each other.
QString lockedFile(const QString &configPath)
{
    const QFileInfo info(configPath);
    return info.isSymLink() ? info.symLinkTarget() : configPath;
}

} // namespace

Error ConfigLock::tryAcquire()
{
    m_lock.reset();
    if (Error error = ensureConfigFolder(m_configPath); !error.ok())
        return error;
    const QString lockPath = lockedFile(m_configPath) + QStringLiteral(".lock");
    // QLockFile reads an existing lock file to find its owner: a FIFO shipped in its place would
    // block that read for ever. A lock file is only ever a regular file.
    if (!isRegularOrAbsent(lockPath))
        return Error::make(
            ErrorCode::ConfigInvalid,
            QStringLiteral("The lock file %1 is not a regular file.").arg(lockPath),
            QStringLiteral("Remove it; Choragen creates it when it changes the config."));
    auto lock = std::make_unique<QLockFile>(lockPath);
    // Only a dead owner makes a lock stale: a slow writer must not have its lock stolen.
    lock->setStaleLockTime(0);
    if (lock->tryLock(0)) {
        m_lock = std::move(lock);
        return Error::none();
    }
    if (lock->error() == QLockFile::LockFailedError && isOwnerlessAndOld(*lock, lockPath)) {
        removeOwnerlessLock(*lock, lockPath);
        if (lock->tryLock(0)) {
            m_lock = std::move(lock);
            return Error::none();
        }
    }
    if (lock->error() == QLockFile::LockFailedError) {
        qint64 pid = 0;
        QString host;
        QString app;
        lock->getLockInfo(&pid, &host, &app);
        return Error::make(ErrorCode::LockBusy,
                           QStringLiteral("%1 is being changed by another process (%2, pid %3).")
                               .arg(m_configPath, app.isEmpty() ? QStringLiteral("unknown") : app)
                               .arg(pid),
                           QStringLiteral("Wait for it to finish and try again."));
    }
    return Error::make(
        ErrorCode::Io, QStringLiteral("Cannot create the lock file %1.").arg(lockPath),
        QStringLiteral("Check that %1 is writable.").arg(QFileInfo(m_configPath).absolutePath()));
}

Error ConfigLock::acquire(int timeoutMs)
{
    QElapsedTimer waited;
    waited.start();
    while (true) {
        Error error = tryAcquire();
        const qint64 left = timeoutMs - waited.elapsed();
        if (error.code != ErrorCode::LockBusy || left <= 0)
            return error;
        QThread::msleep(quint64(std::min<qint64>(left, lockRetryMs)));
    }
}

void ConfigLock::release()
{
    if (m_lock)
        m_lock->unlock();
    m_lock.reset();
}

bool ConfigLock::isLocked() const
{
    return m_lock && m_lock->isLocked();
}

namespace {

// The read-compare-write itself; the caller holds the lock.
Error changeLocked(const QString &configPath, const ConfigChange &change)
{
    ConfigFile config(configPath);
    if (Error error = config.load(); !error.ok())
        return error;
    bool changed = false;
    if (Error error = change(config, changed); !error.ok())
        return error;
    if (!changed)
        return Error::none();
    return config.save();
}

struct PendingUpdate
{
    QString configPath;
    QPointer<QObject> context;
    ConfigChange change;
    std::function<void(const Error &)> done;
    int lockTimeoutMs = 0;
    QElapsedTimer waited;
};

// One non-blocking try; while another process holds the lock, the next try comes from a timer.
void attemptUpdate(const std::shared_ptr<PendingUpdate> &update)
{
    if (!update->context)
        return;
    ConfigLock lock(update->configPath);
    Error error = lock.tryAcquire();
    if (error.code == ErrorCode::LockBusy && update->waited.elapsed() < update->lockTimeoutMs) {
        QTimer::singleShot(lockRetryMs, update->context.data(),
                           [update] { attemptUpdate(update); });
        return;
    }
    if (error.ok())
        error = changeLocked(update->configPath, update->change);
    lock.release();
    postTo(update->context, [done = update->done, error] { done(error); });
}

} // namespace

Error updateConfig(const QString &configPath, const ConfigChange &change, int lockTimeoutMs)
{
    ConfigLock lock(configPath);
    if (Error error = lock.acquire(lockTimeoutMs); !error.ok())
        return error;
    return changeLocked(configPath, change);
}

void updateConfigLater(const QString &configPath, QObject *context, ConfigChange change,
                       std::function<void(const Error &error)> done, int lockTimeoutMs)
{
    auto update = std::make_shared<PendingUpdate>();
    update->configPath = configPath;
    update->context = context;
    update->change = std::move(change);
    update->done = std::move(done);
    update->lockTimeoutMs = lockTimeoutMs;
    update->waited.start();
    attemptUpdate(update);
}

} // namespace Choragen
