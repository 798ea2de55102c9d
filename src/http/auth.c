/* API keys: optional, from a file or $KORDON_API_KEYS, compared in
 * constant time. */
#include "http_internal.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

/* ---- API keys ---------------------------------------------------------- */

/* A key shorter than this is guessable by brute force over the network. */
#define KEY_MIN_BYTES 16

/* Adds the key in key[0..n) once trimmed; blank lines and '#' comments are
 * skipped. where names the source for messages ("keys.txt:3"). */
static int keys_add(http_server *s, const char *key, size_t n, const char *where, kd_error *err)
{
    while (n && (key[n - 1] == ' ' || key[n - 1] == '\t' || key[n - 1] == '\r'))
        n--;
    while (n && (*key == ' ' || *key == '\t')) {
        key++;
        n--;
    }
    if (!n || *key == '#')
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)key[i] <= ' ' || key[i] == 0x7f)
            return error_set(err, KD_EUSAGE, "%s: an API key may not contain spaces or control characters",
                             where);
    if (n < KEY_MIN_BYTES)
        return error_set(err, KD_EUSAGE, "%s: API key of %zu bytes is too short (at least %d; e.g. `openssl rand -hex 32`)",
                         where, n, KEY_MIN_BYTES);
    char **grown = realloc(s->api_keys, (s->n_api_keys + 1) * sizeof *grown);
    if (!grown)
        return error_set(err, KD_ENOMEM, "out of memory");
    s->api_keys = grown;
    if (!(s->api_keys[s->n_api_keys] = strndup(key, n)))
        return error_set(err, KD_ENOMEM, "out of memory");
    s->n_api_keys++;
    return 0;
}

int http_keys_load(http_server *s, kd_error *err)
{
    const char *file = s->options.api_key_file;
    char where[512];
    if (file) {
        FILE *f = fopen(file, "r");
        if (!f)
            return error_set(err, KD_EIO, "%s: cannot open the API key file: %s", file, strerror(errno));
        /* getline: a key of any length is one key, never split in two */
        char *line = NULL;
        size_t cap = 0, number = 0;
        ssize_t len;
        int rc = 0;
        while (!rc && (len = getline(&line, &cap, f)) >= 0) {
            number++;
            snprintf(where, sizeof where, "%s:%zu", file, number);
            if (memchr(line, '\0', (size_t)len))
                rc = error_set(err, KD_EUSAGE, "%s: a NUL byte in the API key file", where);
            else
                rc = keys_add(s, line, strcspn(line, "\n"), where, err);
        }
        if (!rc && ferror(f))
            rc = error_set(err, KD_EIO, "%s: cannot read the API key file: %s", file, strerror(errno));
        free(line);
        fclose(f);
        if (!rc && !s->n_api_keys)
            rc = error_set(err, KD_EUSAGE, "%s: no API keys in the file", file);
        return rc;
    }
    const char *env = getenv("KORDON_API_KEYS");
    for (size_t number = 1; env && *env; number++) {
        size_t n = strcspn(env, ",");
        snprintf(where, sizeof where, "KORDON_API_KEYS, key %zu", number);
        int rc = keys_add(s, env, n, where, err);
        if (rc)
            return rc;
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

