/* kd_build: from files and directories to one index file. A build either
 * completes or leaves the previous index untouched; one bad source fails
 * the build, because an index silently missing a list is worse than none. */
#include "index.h"
#include "resolve/resolve.h"
#include "lists/lists.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct source_file {
    char *path;
    list_format format;
} source_file;

typedef struct source_list {
    source_file *items;
    size_t n, cap;
} source_list;

static int push_source(source_list *l, const char *path, list_format format)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        source_file *p = realloc(l->items, cap * sizeof *p);
        if (!p)
            return KD_ENOMEM;
        l->items = p;
        l->cap = cap;
    }
    l->items[l->n].path = strdup(path);
    l->items[l->n].format = format;
    return l->items[l->n++].path ? KD_OK : KD_ENOMEM;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walks a directory in name order (so builds are reproducible), keeping
 * files whose content is a known list; other files (READMEs) are skipped. */
static int collect_dir(source_list *out, const char *dir, int depth, kd_error *err)
{
    if (depth > 16)
        return error_set(err, KD_ELIMIT, "%s: directories nested too deeply", dir);
    DIR *d = opendir(dir);
    if (!d)
        return error_set(err, KD_EIO, "%s: cannot open directory: %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    int rc = KD_OK;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **p = realloc(names, cap * sizeof *p);
            if (!p) {
                rc = KD_ENOMEM;
                break;
            }
            names = p;
        }
        if (!(names[n++] = strdup(de->d_name))) {
            rc = KD_ENOMEM;
            break;
        }
    }
    closedir(d);
    if (!rc)
        qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n && !rc; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            rc = collect_dir(out, path, depth + 1, err);
        } else if (S_ISREG(st.st_mode)) {
            kd_error ignored;
            list_format f = list_detect(path, &ignored);
            if (f != LIST_UNKNOWN)
                rc = push_source(out, path, f);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc == KD_ENOMEM)
        return error_set(err, rc, "%s: out of memory", dir);
    return rc;
}

static int collect(source_list *out, const char *path, kd_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return error_set(err, KD_EIO, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode)) {
        size_t before = out->n;
        int rc = collect_dir(out, path, 0, err);
        if (!rc && out->n == before)
            return error_set(err, KD_EEMPTY, "%s: no sanctions list found in this directory", path);
        return rc;
    }
    list_format f = list_detect(path, err);
    if (f == LIST_UNKNOWN)
        return err ? err->code : KD_EFORMAT;
    return push_source(out, path, f);
}

/* The version of an OFAC legacy set covers all four files. */
static int hash_source(const source_file *s, char out[65], kd_error *err)
{
    if (s->format != LIST_OFAC_CSV)
        return sha256_file_hex(s->path, out, err);
    static const char *const parts[] = {"sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"};
    buf all = {0};
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", s->path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    int rc = sha256_file_hex(s->path, out, err);
    buf_append(&all, out, 64);
    for (size_t i = 1; i < KD_ARRAY_LEN(parts) && !rc; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, parts[i]);
        char h[65];
        if (sha256_file_hex(path, h, NULL) == KD_OK)
            buf_append(&all, h, 64);
    }
    if (!rc) {
        sha256_ctx *c = sha256_new();
        if (!c)
            rc = error_set(err, KD_ENOMEM, "out of memory");
        else {
            sha256_update(c, all.data, all.len);
            sha256_final_hex(c, out);
        }
    }
    buf_free(&all);
    return rc;
}

/* Finds the parties of the records in the index at path (see resolve.h)
 * and writes the index with them to options->output, and the report of
 * the evidence to options->report when asked. Matching the records with
 * each other needs the index's own name tables, hence the second write. */
static int write_parties(const char *path, const kd_build_options *options, kd_error *err)
{
    kd_index *ix;
    int rc = kd_index_open(path, &ix, err);
    if (rc)
        return rc;
    resolve_result r;
    if ((rc = resolve_run(ix, options->judgments, options->n_judgments, &r, err))) {
        kd_index_close(ix);
        return rc;
    }
    if (options->report) {
        FILE *out = fopen(options->report, "w");
        if (!out) {
            rc = error_set(err, KD_EIO, "%s: cannot write the report: %s", options->report, strerror(errno));
        } else {
            resolve_report(ix, &r, out);
            fputc('\n', out);
            resolve_report_summary(ix, &r, out);
            if (fclose(out) != 0)
                rc = error_set(err, KD_EIO, "%s: cannot write the report: %s", options->report, strerror(errno));
        }
    }
    if (!rc)
        rc = index_write_with_section(ix, options->output, KDX_PRTY, r.party, r.n_entities * sizeof *r.party, err);
    resolve_result_free(&r);
    kd_index_close(ix);
    return rc;
}

static int emit_to_builder(void *ctx, const model_entity *e, kd_error *err)
{
    return index_builder_add(ctx, e, err);
}

int kd_build(const char *const *sources, size_t n_sources, const kd_build_options *options,
             kd_error *err)
{
    if (n_sources == 0)
        return error_set(err, KD_EUSAGE, "no list files or directories given");
    if (!options || !options->output)
        return error_set(err, KD_EUSAGE, "no output index path given");
    source_list files = {0};
    int rc = KD_OK;
    for (size_t i = 0; i < n_sources && !rc; i++)
        rc = collect(&files, sources[i], err);
    index_builder *b = rc ? NULL : index_builder_new();
    if (!rc && !b)
        rc = error_set(err, KD_ENOMEM, "out of memory");
    list_sink sink = {emit_to_builder, b};
    for (size_t i = 0; i < files.n && !rc; i++) {
        const source_file *s = &files.items[i];
        if (s->format == LIST_OFAC_PART)
            continue;
        char hash[65];
        if ((rc = hash_source(s, hash, err)))
            break;
        index_builder_begin_file(b, hash);
        size_t before = index_builder_count(b);
        rc = list_parse(s->path, s->format, &sink, err);
        if (!rc && options->verbose)
            fprintf(stderr, "  %-60s %-32s %6zu entities\n", s->path, list_format_name(s->format),
                    index_builder_count(b) - before);
    }
    /* the records as parsed, then the same file with their parties */
    char records[4096];
    snprintf(records, sizeof records, "%s.records-%ld", options->output, (long)getpid());
    size_t links = 0;
    if (!rc)
        rc = index_builder_link_remarks(b, &links, err);
    if (!rc && options->verbose && links)
        fprintf(stderr, "  %zu links from the lists' remarks (\"Linked To:\", subsidiaries, parent companies)\n", links);
    if (!rc)
        rc = index_builder_write(b, records, err);
    index_builder_free(b);
    if (!rc) {
        rc = write_parties(records, options, err);
        unlink(records);
    }
    for (size_t i = 0; i < files.n; i++)
        free(files.items[i].path);
    free(files.items);
    return rc;
}
