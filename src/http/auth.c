/* API keys: optional, from a file or $KORDON_API_KEYS, compared in
 * constant time; and who may call a route, by its scope. */
#include "http_internal.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

/* ---- API keys ---------------------------------------------------------- */

/* A key shorter than this is guessable by brute force over the network. */
#define KEY_MIN_BYTES 16

/* The words after a key: "admin" (the admin scope, as before users had
 * names), "name=USER", "role=analyst|supervisor|admin". */
static int key_words(const char *p, size_t left, http_key *k, const char *where, kd_error *err)
{
    while (left) {
        while (left && (*p == ' ' || *p == '\t'))
            p++, left--;
        size_t w = 0;
        while (w < left && p[w] != ' ' && p[w] != '\t')
            w++;
        if (!w)
            break;
        if (w == 5 && memcmp(p, "admin", 5) == 0) {
            k->role = KD_ROLE_ADMIN;
        } else if (w > 5 && memcmp(p, "name=", 5) == 0) {
            if (!utf8_valid(p + 5, w - 5, NULL))
                return error_set(err, KD_EUTF8, "%s: the user's name is not valid UTF-8", where);
            free(k->name);
            if (!(k->name = strndup(p + 5, w - 5)))
                return error_set(err, KD_ENOMEM, "out of memory");
        } else if (w > 5 && memcmp(p, "role=", 5) == 0) {
            char role[32];
            snprintf(role, sizeof role, "%.*s", (int)(w - 5 < 31 ? w - 5 : 31), p + 5);
            int r = kd_role_from_name(role);
            if (r < 0 || w - 5 > 31)
                return error_set(err, KD_EUSAGE, "%s: role \"%.*s\": expected analyst, supervisor or admin", where,
                                 (int)(w - 5 < 64 ? w - 5 : 64), p + 5);
            k->role = (kd_role)r;
        } else {
            return error_set(err, KD_EUSAGE,
                             "%s: after an API key come \"name=USER\", \"role=analyst|supervisor|admin\" or \"admin\", "
                             "not \"%.*s\"", where, (int)(w < 64 ? w : 64), p);
        }
        p += w;
        left -= w;
    }
    return 0;
}

/* Adds the key in key[0..n) once trimmed; blank lines and '#' comments are
 * skipped. admin (a key from KORDON_ADMIN_KEYS) gives it the admin role.
 * where names the source for messages ("keys.txt:3"). */
static int keys_add(http_server *s, const char *key, size_t n, bool admin, const char *where, kd_error *err)
{
    while (n && (key[n - 1] == ' ' || key[n - 1] == '\t' || key[n - 1] == '\r'))
        n--;
    while (n && (*key == ' ' || *key == '\t')) {
        key++;
        n--;
    }
    if (!n || *key == '#')
        return 0;
    size_t k = 0;
    while (k < n && key[k] != ' ' && key[k] != '\t')
        k++;
    http_key entry = {.role = admin ? KD_ROLE_ADMIN : KD_ROLE_ANALYST};
    int rc = key_words(key + k, n - k, &entry, where, err);
    n = k;
    for (size_t i = 0; !rc && i < n; i++)
        if ((unsigned char)key[i] <= ' ' || key[i] == 0x7f)
            rc = error_set(err, KD_EUSAGE, "%s: an API key may not contain spaces or control characters", where);
    if (!rc && n < KEY_MIN_BYTES)
        rc = error_set(err, KD_EUSAGE,
                       "%s: API key of %zu bytes is too short (at least %d; e.g. `openssl rand -hex 32`)", where, n,
                       KEY_MIN_BYTES);
    http_key *grown = rc ? NULL : realloc(s->api_keys, (s->n_api_keys + 1) * sizeof *grown);
    if (!rc && !grown)
        rc = error_set(err, KD_ENOMEM, "out of memory");
    if (!rc) {
        s->api_keys = grown;
        if (!(entry.key = strndup(key, n)))
            rc = error_set(err, KD_ENOMEM, "out of memory");
    }
    if (rc) {
        free(entry.name);
        return rc;
    }
    s->api_keys[s->n_api_keys++] = entry;
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
                rc = keys_add(s, line, strcspn(line, "\n"), false, where, err);
        }
        if (!rc && ferror(f))
            rc = error_set(err, KD_EIO, "%s: cannot read the API key file: %s", file, strerror(errno));
        free(line);
        fclose(f);
        if (!rc && !s->n_api_keys)
            rc = error_set(err, KD_EUSAGE, "%s: no API keys in the file", file);
        return rc;
    }
    static const char *const vars[] = {"KORDON_API_KEYS", "KORDON_ADMIN_KEYS"};
    for (size_t v = 0; v < 2; v++) {
        const char *env = getenv(vars[v]);
        for (size_t number = 1; env && *env; number++) {
            size_t n = strcspn(env, ",");
            snprintf(where, sizeof where, "%s, key %zu", vars[v], number);
            int rc = keys_add(s, env, n, v == 1, where, err);
            if (rc)
                return rc;
            env += n + (env[n] == ',');
        }
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

/* The key a request presents, or NULL: "Authorization: Bearer K",
 * "Authorization: ApiKey K" (OpenSanctions' hosted API) or "X-API-Key: K".
 * *malformed: an Authorization header of another kind. */
static const char *presented_key(struct MHD_Connection *c, bool *malformed)
{
    *malformed = false;
    const char *key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-API-Key");
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!key && auth) {
        if (text_istarts(auth, strlen(auth), "Bearer ") || text_istarts(auth, strlen(auth), "ApiKey ")) {
            key = auth + 7;
        } else {
            *malformed = true;
            return NULL;
        }
        while (*key == ' ')
            key++;
    }
    return key;
}

/* The server's entry for the key presented, compared with every key in
 * constant time; NULL when none matches. */
static const http_key *key_find(const http_server *s, const char *key)
{
    const http_key *found = NULL;
    for (size_t i = 0; key && i < s->n_api_keys; i++)
        if (key_equal(key, s->api_keys[i].key))
            found = &s->api_keys[i];
    return found;
}

/* 0 allowed, 401 no key, 403 wrong key; *admin: the key has the admin role. */
static int key_check(http_server *s, struct MHD_Connection *c, bool *admin)
{
    *admin = !s->n_api_keys; /* without keys the server is open (on loopback, or told so) */
    if (!s->n_api_keys)
        return 0;
    bool malformed;
    const char *key = presented_key(c, &malformed);
    if (malformed)
        return 403;
    if (!key)
        return 401;
    const http_key *k = key_find(s, key);
    *admin = k && k->role == KD_ROLE_ADMIN;
    return k ? 0 : 403;
}

void http_identity_of(const http_request *rq, http_identity *out)
{
    const http_server *s = rq->server;
    const char *user = MHD_lookup_connection_value(rq->connection, MHD_HEADER_KIND, "X-Kordon-User");
    if (user && (!*user || strlen(user) > 200 || !utf8_valid(user, strlen(user), NULL)))
        user = NULL;
    *out = (http_identity){user, KD_ROLE_ADMIN, false};
    if (!s || !s->n_api_keys)
        return;
    bool malformed;
    const http_key *k = key_find(s, presented_key(rq->connection, &malformed));
    out->role = k ? k->role : KD_ROLE_ANALYST;
    if (k && k->name) {
        out->name = k->name;
        out->from_key = true;
    }
}

/* ---- scopes -------------------------------------------------------------- */

/* A reconciliation service's manifest (GET /reconcile or /reconcile/{dataset}
 * without queries): the Reconciliation API has it readable without
 * credentials, so that a client learns from it how to authenticate. */
static bool reconcile_manifest(struct MHD_Connection *c, const char *url, const char *method)
{
    if (strcmp(method, "GET") != 0 || strncmp(url, "/reconcile", 10) != 0 ||
        MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "queries"))
        return false;
    const char *rest = url + 10;
    if (*rest == '/')
        rest += 1 + strcspn(rest + 1, "/"); /* the dataset */
    return *rest == '\0' || strcmp(rest, "/") == 0;
}

int http_auth_check(http_server *s, struct MHD_Connection *c, const http_route *route, const char *url,
                    const char *method, const char **detail)
{
    *detail = NULL;
    if (route->scope == SCOPE_OPEN || (route->scope == SCOPE_RECONCILE && reconcile_manifest(c, url, method)))
        return 0;
    bool admin = false;
    int denied = key_check(s, c, &admin);
    /* the Reconciliation API wants 401 for a wrong key as for none */
    if (denied == 403 && route->scope == SCOPE_RECONCILE)
        denied = 401;
    if (!denied && route->scope == SCOPE_ADMIN && !admin) {
        *detail = "This route needs an API key of the admin scope.";
        return 403;
    }
    if (denied)
        *detail = denied == 401 ? "Missing API key: send \"Authorization: Bearer <key>\"." : "Invalid API key.";
    return denied;
}
