/* The floor under choragen's keychain work: the same libsecret calls, and nothing else.
 *
 *   libsecret_baseline migrate N [--check-first]
 *       stores N keys as the items the keychain contract asks for (DESIGN.md, "The keychain
 *       entries": xdg:schema=org.freedesktop.Secret.Generic, service and server = choragen,
 *       account, username and user = bench<NNNN>-api-key, type=plaintext), each followed by a
 *       lookup that must return the same bytes. gnome-keyring rewrites its whole keyring file
 *       on every store, so the attributes an item carries are part of what a store costs: a
 *       floor with fewer attributes would not be the floor of this job. --check-first adds the
 * lookup choragen --migrate makes before each store, to tell whether a key is already there
 * (protocol cost, not overhead). libsecret_baseline clear deletes every entry with server=choragen.
 *
 * Keys are the ones bench/bench.py writes into the config for choragen: same names, same sizes.
 * Exit 0 when every key verified, 1 otherwise. Nothing is printed but errors, never a key.
 */
#include <libsecret/secret.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const SecretSchema *contract_schema(void)
{
    static const SecretSchema schema = {
        .name = "org.freedesktop.Secret.Generic",
        .flags = SECRET_SCHEMA_DONT_MATCH_NAME,
        .attributes = {
            {"user", SECRET_SCHEMA_ATTRIBUTE_STRING},
            {"server", SECRET_SCHEMA_ATTRIBUTE_STRING},
            {"type", SECRET_SCHEMA_ATTRIBUTE_STRING},
            {"service", SECRET_SCHEMA_ATTRIBUTE_STRING},
            {"account", SECRET_SCHEMA_ATTRIBUTE_STRING},
            {"username", SECRET_SCHEMA_ATTRIBUTE_STRING},
            {NULL, 0},
        },
    };
    return &schema;
}

static void bench_key(int index, char *out, size_t size)
{
    /* Must match fake_key() in bench/bench.py. */
    snprintf(out, size, "sk-FAKE-bench-%04d-not-a-real-key-0000", index);
}

static int migrate(int count, int check_first)
{
    const SecretSchema *schema = contract_schema();
    int failures = 0;
    for (int i = 0; i < count; ++i) {
        char user[64];
        char key[96];
        snprintf(user, sizeof user, "bench%04d-api-key", i);
        bench_key(i, key, sizeof key);
        GError *error = NULL;
        if (check_first) {
            gchar *existing = secret_password_lookup_sync(schema, NULL, &error, "user", user,
                                                          "server", "choragen", NULL);
            if (error) {
                fprintf(stderr, "lookup %s: %s\n", user, error->message);
                g_clear_error(&error);
                ++failures;
                continue;
            }
            if (existing) {
                secret_password_free(existing);
                continue;
            }
        }
        if (!secret_password_store_sync(schema, SECRET_COLLECTION_DEFAULT, "choragen", key, NULL,
                                        &error, "user", user, "server", "choragen", "type",
                                        "plaintext", "service", "choragen", "account", user,
                                        "username", user, NULL)) {
            fprintf(stderr, "store %s: %s\n", user, error ? error->message : "failed");
            g_clear_error(&error);
            ++failures;
            continue;
        }
        gchar *back = secret_password_lookup_sync(schema, NULL, &error, "user", user, "server",
                                                  "choragen", NULL);
        if (error || !back || strcmp(back, key) != 0) {
            fprintf(stderr, "verify %s: %s\n", user, error ? error->message : "different value");
            g_clear_error(&error);
            ++failures;
        }
        if (back)
            secret_password_free(back);
    }
    return failures == 0 ? 0 : 1;
}

static int clear(void)
{
    GError *error = NULL;
    GHashTable *attributes = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(attributes, "server", "choragen");
    secret_password_clearv_sync(NULL, attributes, NULL, &error);
    g_hash_table_unref(attributes);
    if (error) {
        fprintf(stderr, "clear: %s\n", error->message);
        g_clear_error(&error);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "migrate") == 0)
        return migrate(atoi(argv[2]), argc >= 4 && strcmp(argv[3], "--check-first") == 0);
    if (argc == 2 && strcmp(argv[1], "clear") == 0)
        return clear();
    fprintf(stderr, "usage: %s migrate N [--check-first] | clear\n", argv[0]);
    return 2;
}
