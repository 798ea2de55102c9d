/* What a request must satisfy before any of its body is read: a Host the
 * server answers to, an Origin it trusts, a body framing it can parse, a
 * Content-Type the route reads, and no body where none is wanted.
 *
 * Browsers are the threat here. With no API key (the default on
 * loopback) any web page the analyst opens could otherwise write decisions
 * through the browser: a foreign Origin is refused, "simple" content types
 * (text/plain, forms) are refused where a route reads JSON so that a
 * cross-origin write always needs a CORS preflight, and a Host that is a
 * DNS name kordon was not told about is refused, which defeats DNS
 * rebinding (where the attacker's name resolves to 127.0.0.1 and the
 * browser thinks the page and the server share an origin). */
#include "http_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A route that takes no body may still get one; more than this is refused
 * before it is read, and what is accepted is dropped, not kept. */
#define GUARD_NO_BODY_MAX 4096

/* The host part of a Host header or URL authority, without port, lower
 * case, IPv6 brackets kept. false when it does not fit. */
static bool host_part(const char *authority, size_t n, char *out, size_t size)
{
    size_t end = n;
    if (n && authority[0] == '[') {
        const char *close = memchr(authority, ']', n);
        if (!close)
            return false;
        end = (size_t)(close - authority) + 1;
    } else {
        const char *colon = memchr(authority, ':', n);
        if (colon)
            end = (size_t)(colon - authority);
    }
    if (end == 0 || end >= size)
        return false;
    for (size_t i = 0; i < end; i++)
        out[i] = (char)tolower((unsigned char)authority[i]);
    out[end] = '\0';
    return true;
}

/* The authority of an absolute http(s) URL ("https://a.example:8443/x" →
 * "a.example:8443"), or false. */
static bool url_authority(const char *url, const char **start, size_t *n)
{
    const char *p = strstr(url, "://");
    if (!p || !(strncmp(url, "http", (size_t)(p - url)) == 0 || strncmp(url, "https", (size_t)(p - url)) == 0) ||
        p == url)
        return false;
    p += 3;
    *start = p;
    *n = strcspn(p, "/?#");
    return *n > 0;
}

static bool is_ip_literal(const char *host)
{
    unsigned char addr[16];
    if (host[0] == '[') {
        char inner[64];
        size_t n = strlen(host);
        if (n < 3 || n - 2 >= sizeof inner)
            return false;
        memcpy(inner, host + 1, n - 2);
        inner[n - 2] = '\0';
        return inet_pton(AF_INET6, inner, addr) == 1;
    }
    return inet_pton(AF_INET, host, addr) == 1;
}

int http_guard_init(http_server *s, const struct sockaddr *listen_address, kd_error *err)
{
    const http_options *o = &s->options;
    bool loopback = false, wildcard = false;
    if (listen_address->sa_family == AF_INET) {
        uint32_t a = ntohl(((const struct sockaddr_in *)listen_address)->sin_addr.s_addr);
        loopback = (a >> 24) == 127;
        wildcard = a == INADDR_ANY;
    } else if (listen_address->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)listen_address)->sin6_addr;
        loopback = IN6_IS_ADDR_LOOPBACK(a);
        wildcard = IN6_IS_ADDR_UNSPECIFIED(a);
    }
    if (!loopback && !s->n_api_keys && !o->insecure_no_auth)
        return error_set(err, KD_EUSAGE,
                         "--listen %s: refusing to serve beyond this machine without API keys (anyone on the "
                         "network could read alerts and write decisions); give --api-key-file FILE or "
                         "KORDON_API_KEYS, or --insecure-no-auth to do it anyway",
                         o->listen);
    for (size_t i = 0; i < o->n_cors_origins; i++) {
        const char *a;
        size_t n;
        const char *origin = o->cors_origins[i];
        if (!url_authority(origin, &a, &n) || a[n] != '\0')
            return error_set(err, KD_EUSAGE,
                             "--cors-origin %s: expected an origin such as https://app.example.com "
                             "(scheme and host, no path)",
                             origin);
    }
    s->public_host[0] = '\0';
    if (o->public_url) {
        const char *a;
        size_t n;
        if (!url_authority(o->public_url, &a, &n) || !host_part(a, n, s->public_host, sizeof s->public_host))
            return error_set(err, KD_EUSAGE, "--public-url %s: expected an absolute URL such as https://kordon.example",
                             o->public_url);
        size_t scheme_and_host = (size_t)(a - o->public_url) + n;
        snprintf(s->public_origin, sizeof s->public_origin, "%.*s", (int)scheme_and_host, o->public_url);
    }
    /* The name in --listen is one the server answers to ("localhost" or a
     * literal address, which is allowed anyway). */
    char listen_host[128] = "";
    const char *colon = strrchr(o->listen, ':');
    if (colon)
        host_part(o->listen, (size_t)(colon - o->listen), listen_host, sizeof listen_host);
    snprintf(s->listen_host, sizeof s->listen_host, "%s", listen_host);
    /* Listening everywhere with keys and no public name: the server cannot
     * know the names it is reached by, and a rebinding page has no key. */
    s->any_host = wildcard && s->n_api_keys && !o->public_url;
    return 0;
}

static bool host_allowed(const http_server *s, const char *host)
{
    return s->any_host || is_ip_literal(host) || strcmp(host, "localhost") == 0 ||
           (s->public_host[0] && strcmp(host, s->public_host) == 0) ||
           (s->listen_host[0] && strcmp(host, s->listen_host) == 0);
}

const char *http_guard_cors_origin(const http_server *s, struct MHD_Connection *c)
{
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    if (!origin)
        return NULL;
    for (size_t i = 0; i < s->options.n_cors_origins; i++)
        if (strcasecmp(origin, s->options.cors_origins[i]) == 0)
            return s->options.cors_origins[i];
    return NULL;
}

/* The page kordon serves calls its own API: an Origin naming the host the
 * request was sent to (or --public-url) is the same origin. */
static bool origin_allowed(const http_server *s, struct MHD_Connection *c, const char *origin)
{
    if (http_guard_cors_origin(s, c))
        return true;
    if (s->public_origin[0] && strcasecmp(origin, s->public_origin) == 0)
        return true;
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    const char *a;
    size_t n;
    return host && url_authority(origin, &a, &n) && a[n] == '\0' && strlen(host) == n &&
           strncasecmp(a, host, n) == 0;
}

/* The media type without parameters, lower case ("application/json"). */
static void media_type(const char *header, char *out, size_t size)
{
    size_t k = 0;
    while (*header == ' ')
        header++;
    for (; *header && *header != ';' && *header != ' ' && k + 1 < size; header++)
        out[k++] = (char)tolower((unsigned char)*header);
    out[k] = '\0';
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    (void)value;
    size_t *n = cls;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
        (*n)++;
    return MHD_YES;
}

int http_guard_check(const http_server *s, struct MHD_Connection *c, const char *method, const http_route *route,
                     http_guard *g)
{
    memset(g, 0, sizeof *g);
    char host[256];
    const char *host_header = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    if (host_header && (!host_part(host_header, strlen(host_header), host, sizeof host) || !host_allowed(s, host))) {
        snprintf(g->detail, sizeof g->detail,
                 "Host %.100s is not a name this server answers to; start kordon serve with --public-url "
                 "https://THAT-NAME to allow it.",
                 host_header);
        return g->status = 421;
    }
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    if (origin && !route->any_origin && !origin_allowed(s, c, origin)) {
        snprintf(g->detail, sizeof g->detail,
                 "Requests from web pages at %.100s are refused; start kordon serve with --cors-origin %.100s "
                 "to allow them.",
                 origin, origin);
        return g->status = 403;
    }

    /* Body framing: one Content-Length of digits, or chunked, nothing else.
     * A request a proxy could read with another length is refused. */
    size_t lengths = 0;
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &lengths);
    const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *encoding = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    g->close = true; /* the body of a refused request is not worth reading */
    if (lengths > 1) {
        snprintf(g->detail, sizeof g->detail, "More than one Content-Length header.");
        return g->status = 400;
    }
    if (encoding && strcasecmp(encoding, "chunked") != 0) {
        snprintf(g->detail, sizeof g->detail, "Transfer-Encoding %.60s is not supported (only chunked).", encoding);
        return g->status = 501;
    }
    if (encoding && length) {
        snprintf(g->detail, sizeof g->detail, "Both Content-Length and Transfer-Encoding.");
        return g->status = 400;
    }
    unsigned long long announced = 0;
    if (length) {
        const char *p = length;
        while (*p == ' ')
            p++;
        if (!isdigit((unsigned char)*p) || strlen(p) > 19) {
            snprintf(g->detail, sizeof g->detail, "Content-Length: %.40s is not a number of bytes.", length);
            return g->status = 400;
        }
        char *end;
        announced = strtoull(p, &end, 10);
        while (*end == ' ')
            end++;
        if (*end) {
            snprintf(g->detail, sizeof g->detail, "Content-Length: %.40s is not a number of bytes.", length);
            return g->status = 400;
        }
    }
    g->has_body = encoding || announced > 0;

    bool post = strcmp(method, "POST") == 0;
    const char *const *types = post ? route->reads : NULL;
    if (!types) {
        /* no body wanted: a small one is read and dropped, a large one refused */
        g->discard_body = true;
        if (encoding || announced > GUARD_NO_BODY_MAX) {
            snprintf(g->detail, sizeof g->detail, "%s %s takes no request body (at most %d bytes are ignored).",
                     method, route->id == ROUTE_WEB ? "of a page" : "here", GUARD_NO_BODY_MAX);
            return g->status = 413;
        }
        g->close = false;
        return 0;
    }
    if (announced > s->options.max_body) {
        snprintf(g->detail, sizeof g->detail, "Request body larger than the limit of %zu bytes.",
                 s->options.max_body);
        return g->status = 413;
    }
    const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (g->has_body || type) {
        char media[64] = "";
        if (type)
            media_type(type, media, sizeof media);
        bool known = false;
        for (size_t i = 0; types[i] && !known; i++)
            known = strcmp(media, types[i]) == 0;
        if (!known) {
            int k = snprintf(g->detail, sizeof g->detail, "Content-Type %.60s is not read here; send one of:",
                             type ? type : "(none)");
            for (size_t i = 0; types[i] && k > 0 && (size_t)k < sizeof g->detail; i++)
                k += snprintf(g->detail + k, sizeof g->detail - (size_t)k, "%s %s", i ? "," : "", types[i]);
            return g->status = 415;
        }
    }
    g->close = false;
    return 0;
}
