// Config parsing: load() never crashes or throws on any bytes; what it accepts serializes
// stably (parse → serialize → parse gives the same bytes and the same model); keys set and
// removed round-trip; its error messages never quote a key from `providers.<id>.apiKey` or
// `apiKeys`, and neither do the member paths of key-like values it cannot place.
#include "ConfigFile.h"
#include "FuzzCheck.h"
#include "Provider.h"
#include "Secret.h"

#include <QByteArray>
#include <QDir>
#include <QTemporaryDir>

#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

namespace {

using Choragen::ConfigFile;

// One scratch file for the whole run, in memory when /dev/shm exists.
const QString &scratchPath()
{
    static QTemporaryDir dir(QDir(QStringLiteral("/dev/shm")).exists()
                                 ? QStringLiteral("/dev/shm/choragen-fuzz-XXXXXX")
                                 : QDir::tempPath() + QStringLiteral("/choragen-fuzz-XXXXXX"));
    static const QString path = dir.filePath(QStringLiteral("config.json"));
    return path;
}

void writeFile(const QString &path, const char *data, std::size_t size)
{
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FUZZ_CHECK(fd >= 0);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(fd, data + done, size - done);
        FUZZ_CHECK(n > 0);
        done += std::size_t(n);
    }
    ::close(fd);
}

// Every string value in the file, as a plain nlohmann parse sees it, if it parses at all: keys
// may sit anywhere.
void collectStrings(const nlohmann::ordered_json &json, QList<QByteArray> &values, int depth = 0)
{
    if (depth > 64)
        return;
    if (json.is_string()) {
        const auto &text = json.get_ref<const std::string &>();
        values << QByteArray(text.data(), qsizetype(text.size()));
    } else if (json.is_structured()) {
        for (const auto &element : json)
            collectStrings(element, values, depth + 1);
    }
}

QList<QByteArray> stringValues(const char *data, std::size_t size)
{
    QList<QByteArray> values;
    const auto json = nlohmann::ordered_json::parse(data, data + size, nullptr, false);
    if (!json.is_discarded())
        collectStrings(json, values);
    return values;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *bytes, std::size_t size)
{
    const auto *data = reinterpret_cast<const char *>(bytes);
    const QString &path = scratchPath();
    writeFile(path, data, size);

    ConfigFile config(path);
    const Choragen::Error error = config.load();
    if (!error.ok()) {
        FUZZ_CHECK(error.code == Choragen::ErrorCode::ConfigInvalid);
        // A key is never quoted back: only values long enough to be told apart are checked.
        for (const QByteArray &value : stringValues(data, size)) {
            if (value.size() >= 12)
                FUZZ_CHECK(!error.message.toUtf8().contains(value)
                           && !error.fix.toUtf8().contains(value));
        }
        return 0;
    }

    for (const QString &id : config.apiKeyProviders()) {
        FUZZ_CHECK(Choragen::isValidProviderId(id));
        FUZZ_CHECK(!config.apiKey(id).isEmpty());
    }
    for (const Choragen::Provider &provider : config.declaredProviders())
        FUZZ_CHECK(Choragen::isValidProviderId(provider.id));
    const QList<QByteArray> values = stringValues(data, size);
    for (const QString &memberPath : config.unrecognizedSecrets()) {
        for (const QByteArray &value : values) {
            if (value.size() >= 12)
                FUZZ_CHECK(!memberPath.toUtf8().contains(value));
        }
    }

    // Parse → serialize → parse is stable, in bytes and in meaning.
    const QByteArray first = config.serialize();
    writeFile(path, first.constData(), std::size_t(first.size()));
    ConfigFile again(path);
    if (first.size() <= ConfigFile::maxFileBytes) {
        FUZZ_CHECK(again.load().ok());
        FUZZ_CHECK(again.serialize() == first);
        FUZZ_CHECK(again.json() == config.json());
        FUZZ_CHECK(again.storageMode() == config.storageMode());
        FUZZ_CHECK(again.apiKeyProviders() == config.apiKeyProviders());
    }

    // A save moves 0.1 `apiKeys` entries into `providers`: every key reads the same afterwards,
    // and a conflict between the two places is kept, not resolved.
    if (first.size() <= ConfigFile::maxFileBytes) {
        ConfigFile saved(path);
        FUZZ_CHECK(saved.load().ok());
        FUZZ_CHECK(saved.save().ok());
        ConfigFile upgraded(path);
        FUZZ_CHECK(upgraded.load().ok());
        FUZZ_CHECK(upgraded.apiKeyProviders().size() == config.apiKeyProviders().size());
        for (const QString &id : config.apiKeyProviders()) {
            FUZZ_CHECK(upgraded.apiKey(id) == config.apiKey(id));
            FUZZ_CHECK(upgraded.keyConflict(id) == config.keyConflict(id));
        }
    }

    // A key that passes the validator survives a set, a save and a load; removing it leaves the
    // rest of the file as it was.
    QByteArray secret = QByteArray(data, qsizetype(std::min<std::size_t>(size, 64)));
    if (Choragen::normalizeSecret(secret).ok()) {
        const QString id = QStringLiteral("fuzz-provider");
        const nlohmann::ordered_json before = config.json();
        config.setApiKey(id, secret);
        const QByteArray withKey = config.serialize();
        writeFile(path, withKey.constData(), std::size_t(withKey.size()));
        ConfigFile reloaded(path);
        if (withKey.size() <= ConfigFile::maxFileBytes) {
            FUZZ_CHECK(reloaded.load().ok());
            FUZZ_CHECK(reloaded.apiKey(id) == secret);
            FUZZ_CHECK(reloaded.apiKeyProviders().contains(id));
            FUZZ_CHECK(reloaded.removeApiKey(id));
            FUZZ_CHECK(reloaded.apiKey(id).isEmpty());
            // As before, less that key; a provider object or an `apiKeys` map left empty goes.
            nlohmann::ordered_json expected = before;
            const std::string key = id.toStdString();
            if (expected.contains("apiKeys")) {
                expected["apiKeys"].erase(key);
                if (expected["apiKeys"].empty())
                    expected.erase("apiKeys");
            }
            if (!expected.contains("providers"))
                expected["providers"] = nlohmann::ordered_json::object();
            auto &providers = expected["providers"];
            if (providers.contains(key)) {
                providers[key].erase("apiKey");
                if (providers[key].empty())
                    providers.erase(key);
            }
            FUZZ_CHECK(reloaded.json() == expected);
        }
    }
    return 0;
}
