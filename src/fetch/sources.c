/* sources.conf: which lists to download and the limits to download them with.
 *
 *   # comment
 *   set NAME VALUE                    a setting (timeout, retries, max_size...)
 *   SOURCE URL [file=FILE] [format=FORMAT]
 *
 * Lines with the same SOURCE form one set of files, checked and replaced
 * together. Line-oriented on purpose: a config someone edits by hand on a
 * server should not need quoting rules, and every mistake can name its line. */
#include "kordon/fetch.h"
#include "core/core.h"
#include "lists/lists.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 64
#define URL_MAX_LEN 2048
#define MAX_SOURCES 256
#define MAX_FILES 32

static const struct {
    const char *key;
    list_format format;
} format_keys[] = {
    {"un_xml", LIST_UN_XML},         {"ofac_csv", LIST_OFAC_CSV},
    {"ofac_part", LIST_OFAC_PART},   {"ofac_xml", LIST_OFAC_XML},
    {"eu_oj_csv", LIST_EU_OJ_CSV},   {"eu_fsf_xml", LIST_EU_FSF_XML},
    {"eu_fsf_csv", LIST_EU_FSF_CSV}, {"uk_hmt_csv", LIST_UK_HMT_CSV},
    {"uk_fcdo_xml", LIST_UK_FCDO_XML}, {"canada_xml", LIST_CANADA_XML},
    {"ftm_json", LIST_FTM_JSON},     {"generic_csv", LIST_GENERIC_CSV},
};

const char *kd_fetch_format_key(int format)
{
    for (size_t i = 0; i < KD_ARRAY_LEN(format_keys); i++)
        if ((int)format_keys[i].format == format)
            return format_keys[i].key;
    return "unknown";
}

int kd_fetch_format_from_key(const char *key)
{
    for (size_t i = 0; i < KD_ARRAY_LEN(format_keys); i++)
        if (strcmp(format_keys[i].key, key) == 0)
            return (int)format_keys[i].format;
    return 0;
}

void kd_fetch_settings_default(kd_fetch_settings *out)
{
    *out = (kd_fetch_settings){
        .timeout = 600,
        .connect_timeout = 30,
        .low_speed_limit = 1024,
        .low_speed_time = 60,
        .retries = 3,
        .retry_delay = 2,
        .max_size = 512ull << 20,
        /* Delistings come a few at a time; a quarter of a list vanishing at
         * once is far likelier a broken export than a policy change. */
        .max_shrink = 0.25,
    };
}

void kd_sources_free(kd_sources *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        for (size_t k = 0; k < s->items[i].n_files; k++) {
            free(s->items[i].files[k].url);
            free(s->items[i].files[k].file);
        }
        free(s->items[i].files);
        free(s->items[i].name);
    }
    free(s->items);
    s->items = NULL;
    s->n = 0;
}

static bool valid_name(const char *s, size_t n, bool allow_dot)
{
    if (n == 0 || n > NAME_MAX_LEN || s[0] == '.' || s[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '_' && c != '-' && !(allow_dot && c == '.'))
            return false;
    }
    return true;
}

/* The last path segment of the URL when it looks like a file name
 * ("sdn.csv"); else NULL (the EU's ".../content?token=..."). */
static char *file_from_url(const char *url)
{
    const char *start = strstr(url, "://");
    start = start ? start + 3 : url;
    const char *end = start + strcspn(start, "?#");
    const char *slash = NULL;
    for (const char *p = start; p < end; p++)
        if (*p == '/')
            slash = p;
    if (!slash)
        return NULL;
    const char *seg = slash + 1;
    size_t n = (size_t)(end - seg);
    if (!memchr(seg, '.', n) || !valid_name(seg, n, true))
        return NULL;
    char *out = strndup(seg, n);
    for (char *p = out; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return out;
}

static int parse_seconds(const char *v, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end || !isfinite(d) || d < 0 || d > 86400)
        return -1;
    *out = d;
    return 0;
}

static int parse_count(const char *v, long max, long *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < 0 || n > max)
        return -1;
    *out = n;
    return 0;
}

/* "250M", "1G", "4096": bytes, with K/M/G as powers of 1024. */
static int parse_size(const char *v, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || end == v || v[0] == '-')
        return -1;
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10, end++;
    else if (*end == 'M' || *end == 'm')
        shift = 20, end++;
    else if (*end == 'G' || *end == 'g')
        shift = 30, end++;
    if (*end || n == 0 || n > (1ull << 40) >> shift)
        return -1;
    *out = (uint64_t)n << shift;
    return 0;
}

static int apply_setting(kd_fetch_settings *s, const char *key, const char *value,
                         const char *origin, size_t line, kd_error *err)
{
    int bad = 0;
    if (strcmp(key, "timeout") == 0)
        bad = parse_seconds(value, &s->timeout) || s->timeout == 0;
    else if (strcmp(key, "connect_timeout") == 0)
        bad = parse_seconds(value, &s->connect_timeout) || s->connect_timeout == 0;
    else if (strcmp(key, "retry_delay") == 0)
        bad = parse_seconds(value, &s->retry_delay);
    else if (strcmp(key, "retries") == 0)
        bad = parse_count(value, 10, &s->retries);
    else if (strcmp(key, "low_speed_limit") == 0)
        bad = parse_count(value, 1L << 30, &s->low_speed_limit);
    else if (strcmp(key, "low_speed_time") == 0)
        bad = parse_count(value, 86400, &s->low_speed_time);
    else if (strcmp(key, "max_size") == 0)
        bad = parse_size(value, &s->max_size);
    else if (strcmp(key, "max_shrink") == 0) {
        double d;
        bad = parse_seconds(value, &d) || d > 1;
        if (!bad)
            s->max_shrink = d;
    } else
        return error_set(err, KD_EPARSE,
                         "%s:%zu: unknown setting \"%s\" (known: timeout, connect_timeout, "
                         "low_speed_limit, low_speed_time, retries, retry_delay, max_size, "
                         "max_shrink)",
                         origin, line, key);
    if (bad)
        return error_set(err, KD_EPARSE, "%s:%zu: %s: invalid value \"%s\"", origin, line, key,
                         value);
    return KD_OK;
}

static kd_source *find_or_add_source(kd_sources *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->items[i].name, name) == 0)
            return &s->items[i];
    if (s->n == MAX_SOURCES)
        return NULL;
    kd_source *p = realloc(s->items, (s->n + 1) * sizeof *p);
    if (!p)
        return NULL;
    s->items = p;
    kd_source *src = &s->items[s->n];
    *src = (kd_source){.name = strdup(name)};
    if (!src->name)
        return NULL;
    s->n++;
    return src;
}

#define MAX_WORDS 8

/* One source line: NAME URL [file=F] [format=K]. */
static int add_file_line(kd_sources *s, char **w, size_t n_words, const char *origin,
                         size_t line, kd_error *err)
{
    const char *name = w[0], *url = w[1];
    if (!valid_name(name, strlen(name), false))
        return error_set(err, KD_EPARSE,
                         "%s:%zu: source name \"%.64s\" must be 1-64 letters, digits, _ or -",
                         origin, line, name);
    if (n_words < 2)
        return error_set(err, KD_EPARSE, "%s:%zu: source \"%s\" has no URL", origin, line, name);
    if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
        return error_set(err, KD_EPARSE, "%s:%zu: \"%.80s\" is not an http:// or https:// URL",
                         origin, line, url);
    if (strlen(url) > URL_MAX_LEN)
        return error_set(err, KD_EPARSE, "%s:%zu: URL longer than %d characters", origin, line,
                         URL_MAX_LEN);
    const char *file = NULL;
    int format = 0;
    for (size_t i = 2; i < n_words; i++) {
        if (strncmp(w[i], "file=", 5) == 0) {
            file = w[i] + 5;
            if (!valid_name(file, strlen(file), true))
                return error_set(err, KD_EPARSE,
                                 "%s:%zu: file name \"%.64s\" must be 1-64 letters, digits, "
                                 "., _ or - and not start with a dot",
                                 origin, line, file);
        } else if (strncmp(w[i], "format=", 7) == 0) {
            if (!(format = kd_fetch_format_from_key(w[i] + 7)))
                return error_set(err, KD_EPARSE,
                                 "%s:%zu: unknown format \"%.40s\" (known: un_xml, ofac_csv, "
                                 "ofac_part, ofac_xml, eu_oj_csv, eu_fsf_xml, eu_fsf_csv, "
                                 "uk_hmt_csv, uk_fcdo_xml, canada_xml, ftm_json, generic_csv)",
                                 origin, line, w[i] + 7);
        } else {
            return error_set(err, KD_EPARSE,
                             "%s:%zu: unexpected \"%.60s\" (a source line is NAME URL "
                             "[file=FILE] [format=FORMAT])",
                             origin, line, w[i]);
        }
    }
    char *local = file ? strdup(file) : file_from_url(url);
    if (!local) {
        if (file)
            return error_set(err, KD_ENOMEM, "out of memory");
        return error_set(err, KD_EPARSE,
                         "%s:%zu: cannot name the local file from this URL: add file=NAME",
                         origin, line);
    }
    kd_source *src = find_or_add_source(s, name);
    if (!src) {
        free(local);
        return error_set(err, KD_ELIMIT, "%s:%zu: more than %d sources, or out of memory",
                         origin, line, MAX_SOURCES);
    }
    for (size_t i = 0; i < src->n_files; i++) {
        if (strcmp(src->files[i].file, local) == 0) {
            int rc = error_set(err, KD_EPARSE, "%s:%zu: source \"%s\" already has a file \"%s\"",
                               origin, line, name, local);
            free(local);
            return rc;
        }
    }
    kd_source_file *files = src->n_files < MAX_FILES
                                ? realloc(src->files, (src->n_files + 1) * sizeof *files)
                                : NULL;
    char *url_copy = files ? strdup(url) : NULL;
    if (!files || !url_copy) {
        free(local);
        free(url_copy);
        if (files)
            src->files = files;
        return error_set(err, KD_ELIMIT, "%s:%zu: more than %d files in \"%s\", or out of memory",
                         origin, line, MAX_FILES, name);
    }
    src->files = files;
    src->files[src->n_files++] = (kd_source_file){.url = url_copy, .file = local, .format = format};
    return KD_OK;
}

int kd_sources_parse(const char *text, size_t len, const char *origin, kd_sources *out,
                     kd_error *err)
{
    *out = (kd_sources){0};
    kd_fetch_settings_default(&out->settings);
    if (memchr(text, '\0', len))
        return error_set(err, KD_EPARSE, "%s: binary data, not a sources config", origin);
    int rc = KD_OK;
    size_t line = 0;
    const char *p = text, *end = text + len;
    char *copy = NULL;
    while (p < end && !rc) {
        line++;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
        free(copy);
        if (!(copy = strndup(p, n))) {
            rc = error_set(err, KD_ENOMEM, "out of memory");
            break;
        }
        p += n + (eol ? 1 : 0);
        char *w[MAX_WORDS];
        size_t n_words = 0;
        /* A '#' opening a word starts a comment; inside a URL it is part of it. */
        char *save = NULL;
        for (char *tok = strtok_r(copy, " \t\r\v\f", &save); tok && tok[0] != '#';
             tok = strtok_r(NULL, " \t\r\v\f", &save)) {
            if (n_words == MAX_WORDS) {
                rc = error_set(err, KD_EPARSE, "%s:%zu: too many words on the line", origin, line);
                break;
            }
            w[n_words++] = tok;
        }
        if (rc || n_words == 0)
            continue;
        if (strcmp(w[0], "set") == 0) {
            if (n_words != 3)
                rc = error_set(err, KD_EPARSE, "%s:%zu: a setting is `set NAME VALUE`", origin,
                               line);
            else
                rc = apply_setting(&out->settings, w[1], w[2], origin, line, err);
        } else {
            rc = add_file_line(out, w, n_words, origin, line, err);
        }
    }
    free(copy);
    if (!rc && out->n == 0)
        rc = error_set(err, KD_EEMPTY, "%s: no sources (lines `NAME URL [file=FILE]`)", origin);
    if (rc)
        kd_sources_free(out);
    return rc;
}

int kd_sources_load(const char *path, kd_sources *out, kd_error *err)
{
    *out = (kd_sources){0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return error_set(err, KD_EIO, "%s: cannot open the sources config: %s", path,
                         strerror(errno));
    buf text = {0};
    char chunk[8192];
    size_t n;
    int rc = KD_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && !rc) {
        if (text.len + n > (1u << 20))
            rc = error_set(err, KD_ELIMIT, "%s: larger than 1 MB, not a sources config", path);
        else if (buf_append(&text, chunk, n))
            rc = error_set(err, KD_ENOMEM, "out of memory");
    }
    if (!rc && ferror(f))
        rc = error_set(err, KD_EIO, "%s: read error", path);
    fclose(f);
    if (!rc)
        rc = kd_sources_parse(text.data ? text.data : "", text.len, path, out, err);
    buf_free(&text);
    return rc;
}
