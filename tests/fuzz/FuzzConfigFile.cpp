// Config parsing: load() never crashes or throws on any bytes; what it accepts serializes
// stably (parse → serialize → parse gives the same bytes and the same model); keys set and
// removed round-trip; its error messages never quote a key from `apiKeys`.
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

// The string values under `apiKeys`, as a plain nlohmann parse sees them, if it parses at all.
QList<QByteArray> apiKeyValues(const char *data, std::size_t size)
{
    QList<QByteArray> values;
    const auto json = nlohmann::ordered_json::parse(data, data + size, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        return values;
    const auto keys = json.find("apiKeys");
    if (keys == json.end() || !keys->is_object())
        return values;
    for (const auto &[id, value] : keys->items()) {
        if (value.is_string()) {
            const auto &text = value.get_ref<const std::string &>();
            values << QByteArray(text.data(), qsizetype(text.size()));
        }
    }
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
        for (const QByteArray &value : apiKeyValues(data, size)) {
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
            // As before, less that key; removing the last key drops `apiKeys` altogether.
            nlohmann::ordered_json expected = before;
            if (expected.contains("apiKeys")) {
                expected["apiKeys"].erase(id.toStdString());
                if (expected["apiKeys"].empty())
                    expected.erase("apiKeys");
            }
            FUZZ_CHECK(reloaded.json() == expected);
        }
    }
    return 0;
}
