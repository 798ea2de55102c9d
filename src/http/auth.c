/* API keys: optional, from a file or $KORDON_API_KEYS, compared in
 * constant time. */
#include "http_internal.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

/* ---- API keys ---------------------------------------------------------- */

static int keys_add(http_server *s, const char *key, size_t n)
{
    while (n && (key[n - 1] == ' ' || key[n - 1] == '\t' || key[n - 1] == '\r'))
        n--;
    while (n && (*key == ' ' || *key == '\t')) {
        key++;
        n--;
    }
    if (!n || *key == '#')
        return 0;
    char **grown = realloc(s->api_keys, (s->n_api_keys + 1) * sizeof *grown);
    if (!grown)
        return KD_ENOMEM;
    s->api_keys = grown;
    if (!(s->api_keys[s->n_api_keys] = strndup(key, n)))
        return KD_ENOMEM;
    s->n_api_keys++;
    return 0;
}

int http_keys_load(http_server *s, kd_error *err)
{
    const char *file = s->options.api_key_file;
    if (file) {
        FILE *f = fopen(file, "r");
        if (!f)
            return error_set(err, KD_EIO, "%s: cannot open the API key file: %s", file, strerror(errno));
        char line[1024];
        while (fgets(line, sizeof line, f))
            if (keys_add(s, line, strcspn(line, "\n"))) {
                fclose(f);
                return error_set(err, KD_ENOMEM, "out of memory");
            }
        fclose(f);
        if (!s->n_api_keys)
            return error_set(err, KD_EUSAGE, "%s: no API keys in the file", file);
        return 0;
    }
    const char *env = getenv("KORDON_API_KEYS");
    while (env && *env) {
        size_t n = strcspn(env, ",");
        if (keys_add(s, env, n))
            return error_set(err, KD_ENOMEM, "out of memory");
        env += n + (env[n] == ',');
    }
    return 0;
}

/* Compares in time independent of where the strings differ. */
static bool key_equal(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    unsigned char diff = na != nb;
    for (size_t i = 0; i < na; i++)
        diff |= (unsigned char)(a[i] ^ b[i % (nb ? nb : 1)]);
    return diff == 0;
}

/* 0 allowed, 401 no key, 403 wrong key. Keys come as "Authorization:
 * Bearer K", "Authorization: ApiKey K" (OpenSanctions' hosted API) or
 * "X-API-Key: K". */
int http_key_check(http_server *s, struct MHD_Connection *c)
{
    if (!s->n_api_keys)
        return 0;
    const char *key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-API-Key");
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!key && auth) {
        if (text_istarts(auth, strlen(auth), "Bearer "))
            key = auth + 7;
        else if (text_istarts(auth, strlen(auth), "ApiKey "))
            key = auth + 7;
        else
            return 403;
        while (*key == ' ')
            key++;
    }
    if (!key)
        return 401;
    bool ok = false;
    for (size_t i = 0; i < s->n_api_keys; i++)
        ok |= key_equal(key, s->api_keys[i]);
    return ok ? 0 : 403;
}

