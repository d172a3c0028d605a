#include "ConfigFile.h"

#include "AtomicWrite.h"
#include "ConfigJson.h"
#include "ConfigLocation.h"
#include "Log.h"

#include <QFile>
#include <QFileInfo>

#include <string>
#include <utility>
#include <vector>

using nlohmann::ordered_json;

namespace Choragen {

using namespace ConfigJson;

namespace {

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
    return locateConfigFile(projectDir, workingDir);
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
    if (Error error = parseConfigJson(m_path, data, parsed); !error.ok())
        return error;
    if (Error error = validateConfigJson(m_path, parsed); !error.ok())
        return error;

    m_json = std::move(parsed);
    m_exists = true;
    if (m_tighten)
        tightenPermissions();
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

Error ConfigFile::save()
{
    if (Error error = ensureConfigFolder(m_path); !error.ok())
        return error;
    // Replace the link's target, not the link, so a config shared through a symlink stays shared.
    const QString target = resolvedConfigFile(m_path);
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
    return findUnrecognizedSecrets(m_json);
}

} // namespace Choragen
