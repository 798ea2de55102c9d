/* kd_fetch_run: download every source into DIR/.staging-NAME, check the set
 * as a whole, then rename it over DIR/NAME. The checks run before anything
 * is replaced, so the files `kordon build DIR` sees are always a version
 * that parsed and did not collapse. */
#include "kordon/fetch.h"
#include "core/core.h"
#include "download.h"
#include "lists/lists.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct run {
    const kd_fetch_options *opt;
    const kd_fetch_settings *settings;
    kd_fetch_state *state;
} run;

static void say(const run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const run *r, const char *fmt, ...)
{
    if (!r->opt->log)
        return;
    char line[1500];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    r->opt->log(r->opt->log_ctx, line);
}

/* Removes the files of an interrupted earlier run, then the directory. */
static void remove_staging(const char *staging)
{
    DIR *d = opendir(staging);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", staging, de->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(staging);
}

static int count_entity(void *ctx, const model_entity *e, kd_error *err)
{
    (void)e;
    (void)err;
    (*(uint64_t *)ctx)++;
    return 0;
}

/* Messages from the parsers name the staging path; the user knows the file
 * by its name in the source, so the staging directory is cut out. */
static void strip_prefix(char *message, const char *prefix)
{
    size_t k = strlen(prefix);
    char *p;
    while ((p = strstr(message, prefix)))
        memmove(p, p + k, strlen(p + k) + 1);
}

static const kd_fetch_file_state *previous_file(const kd_fetch_source_state *prev, const char *file)
{
    for (size_t i = 0; prev && i < prev->n_files; i++)
        if (strcmp(prev->files[i].file, file) == 0)
            return &prev->files[i];
    return NULL;
}

/* Detects and parses every file of the staged set the way `kordon build`
 * will, counting the records. */
static int validate_files(const kd_source *src, const char *staging,
                          const kd_fetch_source_state *prev, int *formats, uint64_t *records,
                          kd_error *err)
{
    *records = 0;
    for (size_t i = 0; i < src->n_files; i++) {
        const kd_source_file *f = &src->files[i];
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", staging, f->file);
        kd_error e = {0};
        list_format fmt = list_detect(path, &e);
        if (fmt == LIST_UNKNOWN)
            return error_set(err, e.code ? e.code : KD_EFORMAT, "%s is not a list: %s", f->url,
                             e.message);
        if (f->format && (int)fmt != f->format)
            return error_set(err, KD_EFORMAT, "%s: expected %s (format=%s) but got %s", f->url,
                             list_format_name((list_format)f->format),
                             kd_fetch_format_key(f->format), list_format_name(fmt));
        const kd_fetch_file_state *pf = previous_file(prev, f->file);
        if (!f->format && pf && pf->format && strcmp(pf->format, kd_fetch_format_key((int)fmt)))
            return error_set(err, KD_EFORMAT,
                             "%s: was %s, now %s (pin the format with format= in the config "
                             "to accept a change)",
                             f->url, pf->format, kd_fetch_format_key((int)fmt));
        formats[i] = (int)fmt;
    }
    for (size_t i = 0; i < src->n_files; i++) {
        if (formats[i] == LIST_OFAC_PART)
            continue; /* parsed with its sdn.csv */
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", staging, src->files[i].file);
        uint64_t n = 0;
        list_sink sink = {count_entity, &n};
        int rc = list_parse(path, (list_format)formats[i], &sink, err);
        if (rc)
            return error_wrap(err, rc, "%s does not parse: ", src->files[i].url);
        *records += n;
    }
    if (*records == 0)
        return error_set(err, KD_EEMPTY, "the downloaded files hold no records");
    return KD_OK;
}

static int validate_set(const kd_source *src, const char *staging,
                        const kd_fetch_source_state *prev, int *formats, uint64_t *records,
                        kd_error *err)
{
    int rc = validate_files(src, staging, prev, formats, records, err);
    if (rc) {
        char prefix[4400];
        snprintf(prefix, sizeof prefix, "%s/", staging);
        strip_prefix(err->message, prefix);
    }
    return rc;
}

static kd_fetch_source_state *state_entry(kd_fetch_state *st, const char *name)
{
    kd_fetch_source_state *s = kd_fetch_state_find(st, name);
    if (s)
        return s;
    kd_fetch_source_state *p = realloc(st->sources, (st->n_sources + 1) * sizeof *p);
    if (!p)
        return NULL;
    st->sources = p;
    s = &st->sources[st->n_sources];
    *s = (kd_fetch_source_state){.name = strdup(name)};
    if (!s->name)
        return NULL;
    st->n_sources++;
    return s;
}

static char *dup_or_null(const char *s) { return s && *s ? strdup(s) : NULL; }

static void set_error(kd_fetch_source_state *s, const char *message)
{
    free(s->last_error);
    s->last_error = message ? strdup(message) : NULL;
}

static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* The per-file results of one source, before they are accepted. */
typedef struct staged {
    download_result dl;
    char sha256[65];
} staged;

static void describe_previous(const kd_fetch_source_state *prev, char *out, size_t cap)
{
    if (!prev || !prev->fetched_at) {
        snprintf(out, cap, "no previous version to keep");
        return;
    }
    char stamp[32];
    time_t t = (time_t)prev->fetched_at;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(out, cap, "kept the previous version (%llu records, fetched %s)",
             (unsigned long long)prev->records, stamp);
}

/* Downloads every file of a source into staging; a 304 links the file in
 * place instead, so the set can be checked as a whole. Stops at the first
 * file that fails: a set with a missing part would be refused anyway. */
static int download_set(const run *r, const kd_source *src, const kd_fetch_source_state *prev,
                        const char *staging, const char *target, staged *files, bool *any_new,
                        kd_fetch_report *rep, kd_error *err)
{
    *any_new = false;
    for (size_t i = 0; i < src->n_files; i++) {
        const kd_source_file *f = &src->files[i];
        char dest[4400], current[4400];
        snprintf(dest, sizeof dest, "%s/%s", staging, f->file);
        snprintf(current, sizeof current, "%s/%s", target, f->file);
        const kd_fetch_file_state *pf = previous_file(prev, f->file);
        /* Validators only mean something for the same URL and a file still
         * on disk to fall back to. */
        bool conditional = pf && pf->url && strcmp(pf->url, f->url) == 0 &&
                           access(current, R_OK) == 0;
        download_request req = {
            .url = f->url,
            .dest = dest,
            .etag = conditional ? pf->etag : NULL,
            .last_modified = conditional ? pf->last_modified : NULL,
            .settings = r->settings,
            .log = r->opt->log,
            .log_ctx = r->opt->log_ctx,
        };
        int rc = download_file(&req, &files[i].dl, err);
        if (rc)
            return rc;
        if (files[i].dl.not_modified) {
            say(r, "  %-12s %-20s not modified (HTTP 304)", src->name, f->file);
            if (link(current, dest) != 0)
                return error_set(err, KD_EIO, "%s: cannot link into %s: %s", current, staging,
                                 strerror(errno));
            if ((rc = sha256_file_hex(dest, files[i].sha256, err)))
                return rc;
        } else {
            *any_new = true;
            rep->bytes += files[i].dl.size;
            memcpy(files[i].sha256, files[i].dl.sha256, sizeof files[i].sha256);
            say(r, "  %-12s %-20s %llu bytes", src->name, f->file,
                (unsigned long long)files[i].dl.size);
        }
    }
    return KD_OK;
}

/* The version of a set is the hash of its files' hashes, in config order;
 * a single file's version is its own hash (what sha256sum prints). */
static int set_version(const kd_source *src, const staged *files, char out[65], kd_error *err)
{
    if (src->n_files == 1) {
        memcpy(out, files[0].sha256, 65);
        return KD_OK;
    }
    sha256_ctx *c = sha256_new();
    if (!c)
        return error_set(err, KD_ENOMEM, "out of memory");
    for (size_t i = 0; i < src->n_files; i++)
        sha256_update(c, files[i].sha256, 64);
    sha256_final_hex(c, out);
    return KD_OK;
}

static int check_shrink(const run *r, const kd_fetch_source_state *prev, uint64_t records,
                        kd_error *err)
{
    if (!prev || !prev->records ||
        (double)records >= (double)prev->records * (1.0 - r->settings->max_shrink))
        return KD_OK;
    return error_set(err, KD_EPARSE,
                     "the new version has %llu records against %llu before (-%.0f%%), more "
                     "than the %.0f%% drop max_shrink allows",
                     (unsigned long long)records, (unsigned long long)prev->records,
                     100.0 * (1.0 - (double)records / (double)prev->records),
                     100.0 * r->settings->max_shrink);
}

/* Renames the downloaded files over the previous ones. Each rename is
 * atomic; the set as a whole is replaced within microseconds, and
 * `kordon update` builds only after the last one. */
static int commit_set(const kd_source *src, const staged *files, const char *staging,
                      const char *target, kd_error *err)
{
    if (mkdir(target, 0755) != 0 && errno != EEXIST)
        return error_set(err, KD_EIO, "%s: cannot create: %s", target, strerror(errno));
    for (size_t i = 0; i < src->n_files; i++) {
        if (files[i].dl.not_modified)
            continue;
        char from[4400], to[4400];
        snprintf(from, sizeof from, "%s/%s", staging, src->files[i].file);
        snprintf(to, sizeof to, "%s/%s", target, src->files[i].file);
        if (fsync_path(from) != 0 || rename(from, to) != 0)
            return error_set(err, KD_EIO, "%s: cannot replace: %s", to, strerror(errno));
    }
    return KD_OK;
}

static void file_states_free(kd_fetch_file_state *fs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(fs[i].file);
        free(fs[i].url);
        free(fs[i].etag);
        free(fs[i].last_modified);
        free(fs[i].format);
    }
    free(fs);
}

/* Replaces the per-file state of an accepted (or confirmed) set. */
static int record_files(kd_fetch_source_state *s, const kd_source *src, const staged *files,
                        const int *formats)
{
    kd_fetch_file_state *fs = calloc(src->n_files, sizeof *fs);
    if (!fs)
        return KD_ENOMEM;
    bool ok = true;
    for (size_t i = 0; i < src->n_files; i++) {
        const kd_source_file *f = &src->files[i];
        const kd_fetch_file_state *pf = previous_file(s, f->file);
        const download_result *dl = &files[i].dl;
        bool kept = dl->not_modified && pf;
        /* A 304 may omit validators; the ones it answered to still hold. */
        const char *etag = dl->etag[0] ? dl->etag : kept ? pf->etag : NULL;
        const char *lm = dl->last_modified[0] ? dl->last_modified : kept ? pf->last_modified : NULL;
        const char *format = formats[i] ? kd_fetch_format_key(formats[i]) : pf ? pf->format : NULL;
        fs[i] = (kd_fetch_file_state){
            .file = strdup(f->file),
            .url = strdup(f->url),
            .etag = dup_or_null(etag),
            .last_modified = dup_or_null(lm),
            .format = dup_or_null(format),
            .size = kept ? pf->size : dl->size,
        };
        memcpy(fs[i].sha256, files[i].sha256, sizeof fs[i].sha256);
        ok = ok && fs[i].file && fs[i].url && (!etag || fs[i].etag) && (!lm || fs[i].last_modified) &&
             (!format || fs[i].format);
    }
    if (!ok) {
        file_states_free(fs, src->n_files);
        return KD_ENOMEM;
    }
    file_states_free(s->files, s->n_files);
    s->files = fs;
    s->n_files = src->n_files;
    return KD_OK;
}

static int fetch_source(run *r, const kd_source *src, kd_fetch_report *rep)
{
    const char *dir = r->opt->dir;
    char target[4096], staging[4096];
    snprintf(target, sizeof target, "%s/%s", dir, src->name);
    snprintf(staging, sizeof staging, "%s/.staging-%s", dir, src->name);
    /* Made before anything else so that `prev` below cannot move. */
    kd_fetch_source_state *s = state_entry(r->state, src->name);
    if (!s) {
        snprintf(rep->message, sizeof rep->message, "%s: out of memory", src->name);
        rep->outcome = KD_FETCH_FAILED;
        return rep->code = KD_ENOMEM;
    }
    const kd_fetch_source_state *prev = s->fetched_at ? s : NULL;
    rep->previous_records = rep->records = prev ? prev->records : 0;

    remove_staging(staging); /* left by an interrupted run */
    staged *files = calloc(src->n_files, sizeof *files);
    int *formats = calloc(src->n_files, sizeof *formats);
    kd_error err = {0};
    int rc = KD_OK;
    if (!files || !formats)
        rc = error_set(&err, KD_ENOMEM, "out of memory");
    else if (mkdir(staging, 0755) != 0)
        rc = error_set(&err, KD_EIO, "%s: cannot create: %s", staging, strerror(errno));
    bool any_new = false;
    char version[65] = "";
    uint64_t records = 0;
    if (!rc)
        rc = download_set(r, src, prev, staging, target, files, &any_new, rep, &err);
    if (!rc)
        rc = set_version(src, files, version, &err);
    bool same = !rc && prev && strcmp(prev->sha256, version) == 0;
    if (!rc && any_new && !same) {
        rc = validate_set(src, staging, prev, formats, &records, &err);
        if (!rc)
            rc = check_shrink(r, prev, records, &err);
    }
    /* Same bytes are put in place too: cheap, and it restores a file
     * someone deleted from DIR since the last run. */
    if (!rc && any_new)
        rc = commit_set(src, files, staging, target, &err);
    if (!rc && record_files(s, src, files, formats))
        rc = error_set(&err, KD_ENOMEM, "out of memory");
    remove_staging(staging);

    int64_t now = (int64_t)time(NULL);
    s->attempted_at = now;
    if (rc) {
        char kept[200];
        describe_previous(prev, kept, sizeof kept);
        set_error(s, err.message);
        rep->outcome = KD_FETCH_FAILED;
        rep->code = rc;
        snprintf(rep->message, sizeof rep->message, "%s: %.760s; %s", src->name, err.message, kept);
    } else if (any_new && !same) {
        set_error(s, NULL);
        s->checked_at = s->fetched_at = now;
        s->records = rep->records = records;
        memcpy(s->sha256, version, sizeof s->sha256);
        rep->outcome = KD_FETCH_UPDATED;
        if (prev)
            snprintf(rep->message, sizeof rep->message, "%s: updated, %llu records (%llu before)",
                     src->name, (unsigned long long)records,
                     (unsigned long long)rep->previous_records);
        else
            snprintf(rep->message, sizeof rep->message, "%s: downloaded, %llu records", src->name,
                     (unsigned long long)records);
    } else {
        set_error(s, NULL);
        s->checked_at = now;
        rep->outcome = KD_FETCH_UNCHANGED;
        snprintf(rep->message, sizeof rep->message, "%s: unchanged (%s), %llu records", src->name,
                 any_new ? "same content" : "HTTP 304", (unsigned long long)s->records);
    }
    free(files);
    free(formats);
    return rep->code;
}

int kd_fetch_run(const kd_sources *sources, const kd_fetch_options *options,
                 kd_fetch_report *reports, kd_error *err)
{
    if (!options || !options->dir || !*options->dir)
        return error_set(err, KD_EUSAGE, "no directory to fetch into");
    const char *dir = options->dir;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return error_set(err, KD_EIO, "%s: cannot create: %s", dir, strerror(errno));
    /* Two fetches into one directory would rename over each other's
     * staging files; the lock makes the second one say so instead. */
    char lock_path[4096];
    snprintf(lock_path, sizeof lock_path, "%s/.fetch.lock", dir);
    int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock < 0)
        return error_set(err, KD_EIO, "%s: cannot open: %s", lock_path, strerror(errno));
    if (flock(lock, LOCK_EX | LOCK_NB) != 0) {
        close(lock);
        return error_set(err, KD_EIO, "%s: another kordon fetch is running in this directory",
                         dir);
    }
    kd_fetch_state state;
    int rc = kd_fetch_state_load(dir, &state, err);
    if (rc) {
        close(lock);
        return rc;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        kd_fetch_state_free(&state);
        close(lock);
        return error_set(err, KD_EIO, "cannot initialise libcurl");
    }
    run r = {.opt = options, .settings = &sources->settings, .state = &state};
    for (size_t i = 0; i < sources->n && !rc; i++) {
        kd_fetch_report *rep = &reports[i];
        *rep = (kd_fetch_report){.source = sources->items[i].name};
        fetch_source(&r, &sources->items[i], rep);
        /* Saved after every source, so an interrupted run loses nothing
         * already accepted. */
        rc = kd_fetch_state_save(dir, &state, err);
    }
    curl_global_cleanup();
    kd_fetch_state_free(&state);
    close(lock);
    return rc;
}
