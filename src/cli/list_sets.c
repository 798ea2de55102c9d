/* Lists published as a set of files, said when the set is incomplete. An
 * OFAC SDN legacy CSV set is sdn.csv with alt.csv (other names), add.csv
 * (addresses) and sdn_comments.csv (the rest of remarks OFAC cut at 1,000
 * characters) beside it. src/lists/ofac_csv.c reads the companions only
 * from beside a file named sdn.csv (SDN.CSV: upper-case companions), and a
 * missing one is no error there — some releases ship sdn.csv alone — so a
 * copy of sdn.csv by itself builds without a word: its records have no
 * aliases or addresses, and `kordon diff` against a complete build reports
 * thousands of them as changed. `kordon build` names the missing files,
 * `kordon diff` the index that lacks what they give. */
#include "cli.h"
#include "core/core.h"
#include "lists/lists.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const struct {
    const char *file;
    const char *gives; /* what the records lack without it */
    kd_prop prop;      /* a property only it gives (KD_PROP_COUNT: none to tell by) */
} companions[] = {
    {"alt.csv", "other names (a.k.a., f.k.a.)", KD_PROP_ALIAS},
    {"add.csv", "addresses", KD_PROP_ADDRESS},
    {"sdn_comments.csv", "remarks past OFAC's 1,000-character cut", KD_PROP_COUNT},
};
#define N_COMPANIONS (sizeof companions / sizeof *companions)

/* The OFAC legacy files among the sources, as kd_build finds them. */
typedef struct ofac_files {
    char **sdn, **parts;
    size_t n_sdn, n_parts, cap_sdn, cap_parts;
} ofac_files;

static void push(char ***items, size_t *n, size_t *cap, const char *path)
{
    if (*n == *cap) {
        size_t grown = *cap ? *cap * 2 : 8;
        char **p = realloc(*items, grown * sizeof *p);
        if (!p)
            return; /* a warning the less; the build reports its own memory */
        *items = p, *cap = grown;
    }
    if (((*items)[*n] = strdup(path)))
        (*n)++;
}

static void collect(ofac_files *f, const char *path, int depth)
{
    struct stat st;
    if (depth > 16 || stat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *de;
        while (d && (de = readdir(d))) {
            if (de->d_name[0] == '.') /* as kd_build: hidden files are no lists */
                continue;
            char child[4096];
            if (snprintf(child, sizeof child, "%s/%s", path, de->d_name) < (int)sizeof child)
                collect(f, child, depth + 1);
        }
        if (d)
            closedir(d);
        return;
    }
    if (!S_ISREG(st.st_mode))
        return;
    kd_error ignored;
    list_format format = list_detect(path, &ignored);
    if (format == LIST_OFAC_CSV)
        push(&f->sdn, &f->n_sdn, &f->cap_sdn, path);
    else if (format == LIST_OFAC_PART)
        push(&f->parts, &f->n_parts, &f->cap_parts, path);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The path of a companion of sdn, named as ofac_csv.c looks for it. */
static void companion_path(const char *sdn, const char *file, char *out, size_t size)
{
    const char *base = base_name(sdn);
    bool upper = strcmp(base, "SDN.CSV") == 0;
    int n = snprintf(out, size, "%.*s", (int)(base - sdn), sdn);
    for (size_t k = 0; file[k] && n > 0 && (size_t)n + 1 < size; k++)
        out[n++] = upper ? (char)toupper((unsigned char)file[k]) : file[k];
    out[n > 0 ? n : 0] = '\0';
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool same_file(const char *a, const char *b)
{
    struct stat x, y;
    return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

void cli_warn_list_sets(const char *const *sources, size_t n)
{
    ofac_files f = {0};
    for (size_t i = 0; i < n; i++)
        collect(&f, sources[i], 0);
    for (size_t i = 0; i < f.n_sdn; i++) {
        const char *sdn = f.sdn[i];
        if (strcasecmp(base_name(sdn), "sdn.csv") != 0) {
            fprintf(stderr,
                    "kordon: warning: %s: an OFAC SDN legacy CSV file read alone: alt.csv, add.csv and "
                    "sdn_comments.csv are read only beside a file named sdn.csv, so its records lack their "
                    "other names and addresses (rename it sdn.csv, beside them)\n",
                    sdn);
            continue;
        }
        buf missing = {0}, lacking = {0};
        for (size_t k = 0; k < N_COMPANIONS; k++) {
            char path[4096];
            companion_path(sdn, companions[k].file, path, sizeof path);
            if (exists(path))
                continue;
            buf_printf(&missing, "%s%s", missing.len ? ", " : "", base_name(path));
            buf_printf(&lacking, "%s%s (%s)", lacking.len ? "; " : "", companions[k].gives, base_name(path));
        }
        if (missing.len)
            fprintf(stderr,
                    "kordon: warning: %s: an incomplete OFAC SDN set: no %s beside it. Its records lack %s; "
                    "`kordon diff` against a build of the whole set reports them as changed\n",
                    sdn, missing.data, lacking.data);
        buf_free(&missing);
        buf_free(&lacking);
    }
    /* a companion is read with the sdn.csv beside it, when that is a source */
    for (size_t i = 0; i < f.n_parts; i++) {
        const char *part = f.parts[i];
        bool read = false;
        for (size_t j = 0; j < f.n_sdn && !read; j++) {
            if (strcasecmp(base_name(f.sdn[j]), "sdn.csv") != 0)
                continue;
            for (size_t k = 0; k < N_COMPANIONS && !read; k++) {
                char path[4096];
                companion_path(f.sdn[j], companions[k].file, path, sizeof path);
                read = same_file(path, part);
            }
        }
        if (!read)
            fprintf(stderr,
                    "kordon: warning: %s: an OFAC companion file that is not read: it is read only as alt.csv, "
                    "add.csv or sdn_comments.csv beside the sdn.csv being built\n",
                    part);
    }
    for (size_t i = 0; i < f.n_sdn; i++)
        free(f.sdn[i]);
    for (size_t i = 0; i < f.n_parts; i++)
        free(f.parts[i]);
    free(f.sdn);
    free(f.parts);
}

bool cli_companion_property(const char *prop)
{
    /* what alt.csv and add.csv give: names of each kind, addresses and
     * the countries of those addresses */
    static const char *const props[] = {"alias", "weakAlias", "previousName", "address", "country"};
    for (size_t i = 0; i < sizeof props / sizeof *props; i++)
        if (strcmp(prop, props[i]) == 0)
            return true;
    return false;
}

const char *cli_warn_incomplete_index(const kd_index *ix, const char *path)
{
    static const char dataset[] = "us_ofac_sdn";
    int64_t ds = -1;
    for (size_t i = 0; i < kd_index_dataset_count(ix) && ds < 0; i++) {
        kd_dataset_info d;
        if (kd_index_dataset(ix, i, &d) == 0 && strcmp(d.name, dataset) == 0)
            ds = (int64_t)i;
    }
    if (ds < 0)
        return NULL;
    size_t records = 0, with[N_COMPANIONS] = {0};
    for (size_t e = 0; e < kd_index_entity_count(ix); e++) {
        kd_entity_view v;
        if (kd_index_entity_derived(ix, e) || kd_index_entity(ix, e, &v))
            continue;
        bool in = false;
        for (uint32_t k = 0; k < v.n_datasets && !in; k++)
            in = v.datasets[k] == ds;
        if (!in)
            continue;
        records++;
        bool seen[N_COMPANIONS] = {false};
        for (uint32_t i = 0; i < v.n_values; i++) {
            kd_prop prop = kd_entity_view_value(ix, &v, i).prop;
            for (size_t k = 0; k < N_COMPANIONS; k++)
                if (!seen[k] && companions[k].prop == prop)
                    seen[k] = true, with[k]++;
        }
    }
    /* thousands of OFAC's records have aliases and addresses: a list of
     * some size with not one has been built without the files giving them
     * (a handful of records, as in tests, says nothing) */
    if (records < 100)
        return NULL;
    buf missing = {0}, lacking = {0};
    for (size_t k = 0; k < N_COMPANIONS; k++) {
        if (companions[k].prop == KD_PROP_COUNT || with[k])
            continue;
        buf_printf(&missing, "%s%s", missing.len ? " and " : "", companions[k].file);
        buf_printf(&lacking, "%s%s", lacking.len ? " or " : "", companions[k].gives);
    }
    bool incomplete = missing.len > 0;
    if (incomplete)
        fprintf(stderr,
                "kordon: warning: %s: %s has %zu records and not one with %s: it was built from an OFAC "
                "sdn.csv without %s beside it; every record those files give values to is reported as "
                "changed\n",
                path, dataset, records, lacking.data, missing.data);
    buf_free(&missing);
    buf_free(&lacking);
    return incomplete ? dataset : NULL;
}
