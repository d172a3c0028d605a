#include "ConfigValidation.h"

#include "ConfigFile.h"
#include "ConfigJson.h"
#include "KeychainNaming.h"
#include "Provider.h"

#include <QPair>

#include <algorithm>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

using nlohmann::ordered_json;

namespace Choragen {

using namespace ConfigJson;

namespace {

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

Error parseConfigJson(const QString &path, const QByteArray &data, ordered_json &parsed)
{
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
                .arg(path)
                .arg(line)
                .arg(column)
                .arg(duplicate->name),
            QStringLiteral("Keep one of them by hand; the file was left untouched."));
    } catch (const ordered_json::parse_error &e) {
        if (data.trimmed().isEmpty())
            return Error::make(
                ErrorCode::ConfigInvalid,
                QStringLiteral("%1 is empty; it should hold a JSON object.").arg(path),
                QStringLiteral("Write {} into it, or delete it to start afresh."));
        const auto [line, column] = lineAndColumn(data, e.byte);
        return Error::make(ErrorCode::ConfigInvalid,
                           QStringLiteral("%1:%2:%3: invalid JSON: %4")
                               .arg(path)
                               .arg(line)
                               .arg(column)
                               .arg(describeParseError(e.what())),
                           QStringLiteral("Fix the file by hand; it was left untouched."));
    } catch (const ordered_json::exception &) {
        // E.g. a number too large for a double ("1e400"). Its text is not quoted: it may be a key.
        return Error::make(ErrorCode::ConfigInvalid,
                           QStringLiteral("%1: a value cannot be represented (a number out of "
                                          "range?).")
                               .arg(path),
                           QStringLiteral("Fix the file by hand; it was left untouched."));
    }
    return Error::none();
}

Error validateConfigJson(const QString &path, const ordered_json &json)
{
    const auto invalid = [&path](const QString &what) {
        return Error::make(ErrorCode::ConfigInvalid, QStringLiteral("%1: %2").arg(path, what),
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

QStringList findUnrecognizedSecrets(const ordered_json &json)
{
    QStringList found;
    for (const auto &[name, value] : json.items()) {
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

} // namespace Choragen
