// The least a Qt program does to read one key from the Secret Service, as choragen does on
// Linux: QtCore's application object, then one libsecret lookup (one session, one search, one
// GetSecrets), as `secret-tool lookup` makes it. bench.py runs it beside `choragen config:get`
// to show what starting QtCore adds to secret-tool's lookup on its own.
// Usage: qt_libsecret_lookup ATTRIBUTE VALUE [ATTRIBUTE VALUE ...]   (the secret on stdout)
#include <QCoreApplication>

#include <cstdio>

#include <libsecret/secret.h>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 3 || argc % 2 == 0) {
        std::fprintf(stderr, "usage: qt_libsecret_lookup ATTRIBUTE VALUE [ATTRIBUTE VALUE ...]\n");
        return 2;
    }
    GHashTable *attributes = g_hash_table_new(g_str_hash, g_str_equal);
    for (int i = 1; i + 1 < argc; i += 2)
        g_hash_table_insert(attributes, argv[i], argv[i + 1]);
    GError *error = nullptr;
    SecretValue *value = secret_service_lookup_sync(nullptr, nullptr, attributes, nullptr, &error);
    g_hash_table_unref(attributes);
    if (!value) {
        std::fprintf(stderr, "qt_libsecret_lookup: %s\n", error ? error->message : "not found");
        if (error)
            g_error_free(error);
        return 1;
    }
    gsize length = 0;
    const gchar *secret = secret_value_get(value, &length);
    std::fwrite(secret, 1, length, stdout);
    std::fputc('\n', stdout);
    secret_value_unref(value);
    return 0;
}
