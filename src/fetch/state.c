/* DIR/fetch-state.json: what was downloaded from where, with the validators
 * for the next conditional request, and the last error. Kept as JSON so a
 * person (or the server's /readyz) can read it without kordon. */
#include "kordon/fetch.h"
#include "core/core.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STATE_FILE "fetch-state.json"
#define STATE_VERSION 1

static void file_state_free(kd_fetch_file_state *f)
{
    free(f->file);
    free(f->url);
    free(f->etag);
    free(f->last_modified);
    free(f->format);
}

void kd_fetch_state_free(kd_fetch_state *state)
{
    if (!state)
        return;
    for (size_t i = 0; i < state->n_sources; i++) {
        kd_fetch_source_state *s = &state->sources[i];
        for (size_t k = 0; k < s->n_files; k++)
            file_state_free(&s->files[k]);
        free(s->files);
        free(s->name);
        free(s->last_error);
    }
    free(state->sources);
    state->sources = NULL;
    state->n_sources = 0;
}

kd_fetch_source_state *kd_fetch_state_find(const kd_fetch_state *state, const char *name)
{
    for (size_t i = 0; i < state->n_sources; i++)
        if (strcmp(state->sources[i].name, name) == 0)
            return &state->sources[i];
    return NULL;
}

static void format_time(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int parse_time(const char *s, int64_t *out)
{
    struct tm tm = {0};
    int used = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6 ||
        s[used] != '\0')
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = (int64_t)timegm(&tm);
    return 0;
}

/* Optional string member: NULL when absent or null; -1 when of another type. */
static int get_string(json_t *obj, const char *key, char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return -1;
    return (*out = strdup(json_string_value(v))) ? 0 : -1;
}

static int get_time(json_t *obj, const char *key, int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    return json_is_string(v) ? parse_time(json_string_value(v), out) : -1;
}

static int get_uint(json_t *obj, const char *key, uint64_t *out)
{
    json_t *v = json_object_get(obj, key);
    *out = 0;
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return -1;
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

static int get_sha(json_t *obj, const char *key, char out[65])
{
    json_t *v = json_object_get(obj, key);
    out[0] = '\0';
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v) || strlen(json_string_value(v)) != 64)
        return -1;
    memcpy(out, json_string_value(v), 65);
    return 0;
}

static int load_source(json_t *o, const char *name, kd_fetch_source_state *s)
{
    if (!json_is_object(o) || !(s->name = strdup(name)))
        return -1;
    if (get_uint(o, "records", &s->records) || get_sha(o, "sha256", s->sha256) ||
        get_time(o, "fetched_at", &s->fetched_at) || get_time(o, "checked_at", &s->checked_at) ||
        get_time(o, "attempted_at", &s->attempted_at) ||
        get_string(o, "last_error", &s->last_error))
        return -1;
    json_t *files = json_object_get(o, "files");
    if (!files)
        return 0;
    if (!json_is_array(files))
        return -1;
    size_t n = json_array_size(files);
    if (n && !(s->files = calloc(n, sizeof *s->files)))
        return -1;
    for (size_t i = 0; i < n; i++) {
        json_t *f = json_array_get(files, i);
        kd_fetch_file_state *fs = &s->files[s->n_files++];
        if (!json_is_object(f) || get_string(f, "file", &fs->file) || !fs->file ||
            get_string(f, "url", &fs->url) || get_string(f, "etag", &fs->etag) ||
            get_string(f, "last_modified", &fs->last_modified) ||
            get_string(f, "format", &fs->format) || get_sha(f, "sha256", fs->sha256) ||
            get_uint(f, "size", &fs->size))
            return -1;
    }
    return 0;
}

int kd_fetch_state_load(const char *dir, kd_fetch_state *out, kd_error *err)
{
    *out = (kd_fetch_state){0};
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, STATE_FILE);
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return KD_OK;
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return error_set(err, KD_EPARSE, "%s:%d: %s (delete the file to start afresh)", path,
                         jerr.line, jerr.text);
    json_t *sources = json_object_get(root, "sources");
    int rc = KD_OK;
    if (!json_is_object(root) || !json_is_object(sources)) {
        rc = error_set(err, KD_EPARSE, "%s: no \"sources\" object (delete the file to start afresh)",
                       path);
    } else if (json_object_size(sources) &&
               !(out->sources = calloc(json_object_size(sources), sizeof *out->sources))) {
        rc = error_set(err, KD_ENOMEM, "out of memory");
    } else {
        const char *name;
        json_t *value;
        json_object_foreach(sources, name, value)
        {
            if (load_source(value, name, &out->sources[out->n_sources++])) {
                rc = error_set(err, KD_EPARSE,
                               "%s: source \"%s\": a field is missing or of the wrong type "
                               "(delete the file to start afresh)",
                               path, name);
                break;
            }
        }
    }
    json_decref(root);
    if (rc)
        kd_fetch_state_free(out);
    return rc;
}

/* Strings here come from servers and parsers (ETags, error texts); jansson
 * refuses invalid UTF-8, which would silently drop the field, so such
 * bytes are written as '?' instead. */
static json_t *string_or_null(const char *s)
{
    if (!s)
        return json_null();
    if (utf8_valid(s, strlen(s), NULL))
        return json_string(s);
    char *copy = strdup(s);
    if (!copy)
        return json_null();
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    json_t *v = json_string(copy);
    free(copy);
    return v;
}

static json_t *time_or_null(int64_t t)
{
    if (!t)
        return json_null();
    char stamp[32];
    format_time(t, stamp);
    return json_string(stamp);
}

static json_t *source_json(const kd_fetch_source_state *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "records", json_integer((json_int_t)s->records));
    json_object_set_new(o, "sha256", string_or_null(s->sha256[0] ? s->sha256 : NULL));
    json_object_set_new(o, "fetched_at", time_or_null(s->fetched_at));
    json_object_set_new(o, "checked_at", time_or_null(s->checked_at));
    json_object_set_new(o, "attempted_at", time_or_null(s->attempted_at));
    json_object_set_new(o, "last_error", string_or_null(s->last_error));
    json_t *files = json_array();
    for (size_t i = 0; i < s->n_files; i++) {
        const kd_fetch_file_state *f = &s->files[i];
        json_t *fo = json_object();
        json_object_set_new(fo, "file", json_string(f->file));
        json_object_set_new(fo, "url", string_or_null(f->url));
        json_object_set_new(fo, "etag", string_or_null(f->etag));
        json_object_set_new(fo, "last_modified", string_or_null(f->last_modified));
        json_object_set_new(fo, "format", string_or_null(f->format));
        json_object_set_new(fo, "sha256", string_or_null(f->sha256[0] ? f->sha256 : NULL));
        json_object_set_new(fo, "size", json_integer((json_int_t)f->size));
        json_array_append_new(files, fo);
    }
    json_object_set_new(o, "files", files);
    return o;
}

int kd_fetch_state_save(const char *dir, const kd_fetch_state *state, kd_error *err)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/%s", dir, STATE_FILE);
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    json_t *root = json_object();
    json_t *sources = json_object();
    json_object_set_new(root, "version", json_integer(STATE_VERSION));
    for (size_t i = 0; i < state->n_sources; i++)
        json_object_set_new(sources, state->sources[i].name, source_json(&state->sources[i]));
    json_object_set_new(root, "sources", sources);
    int rc = json_dump_file(root, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc != 0) {
        unlink(tmp);
        return error_set(err, KD_EIO, "%s: cannot write the fetch state", tmp);
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return error_set(err, KD_EIO, "%s: cannot replace: %s", path, strerror(e));
    }
    return KD_OK;
}
