/* kordon diff OLD.kdx NEW.kdx: what changed between two releases of the
 * lists, per dataset. An entity is the same when its id is; it changed
 * when its content hash (kd_entity_hash: schema and property values)
 * differs, and then every property whose values differ is reported with
 * the old and the new values. */
#include "cli.h"
#include "core/core.h"
#include "kordon/store.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct dataset_diff {
    const char *name;
    const char *old_version, *new_version;
    json_t *added, *removed, *changed;
} dataset_diff;

typedef struct diff {
    dataset_diff *sets;
    size_t n, cap;
} diff;

static dataset_diff *dataset_of(diff *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->sets[i].name, name) == 0)
            return &d->sets[i];
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        dataset_diff *sets = realloc(d->sets, cap * sizeof *sets);
        if (!sets)
            return NULL;
        d->sets = sets;
        d->cap = cap;
    }
    dataset_diff *s = &d->sets[d->n++];
    *s = (dataset_diff){.name = name, .added = json_array(), .removed = json_array(),
                        .changed = json_array()};
    return s;
}

static bool has_dataset(const kd_index *ix, const kd_entity_view *v, const char *name)
{
    for (uint32_t i = 0; i < v->n_datasets; i++) {
        kd_dataset_info info;
        if (kd_index_dataset(ix, v->datasets[i], &info) == 0 && strcmp(info.name, name) == 0)
            return true;
    }
    return false;
}

static json_t *entity_brief(const kd_index *ix, const kd_entity_view *v)
{
    const char *caption = kd_entity_view_first(ix, v, KD_PROP_NAME);
    return json_pack("{s:s, s:s, s:s}", "id", v->id, "schema", kd_schema_name(v->schema), "caption",
                     caption ? caption : v->id);
}

typedef struct pv {
    const char *prop, *value;
} pv;

static int compare_pv(const void *a, const void *b)
{
    const pv *x = a, *y = b;
    int c = strcmp(x->prop, y->prop);
    return c ? c : strcmp(x->value, y->value);
}

/* The entity's non-meta values sorted by property name, then value. */
static pv *sorted_values(const kd_index *ix, const kd_entity_view *v, size_t *n)
{
    pv *out = malloc((v->n_values + 1) * sizeof *out);
    *n = 0;
    if (!out)
        return NULL;
    for (uint32_t i = 0; i < v->n_values; i++) {
        kd_value_ref r = kd_entity_view_value(ix, v, i);
        if (!kd_prop_is_meta(r.prop))
            out[(*n)++] = (pv){kd_prop_name(r.prop), r.value};
    }
    qsort(out, *n, sizeof *out, compare_pv);
    return out;
}

/* Properties whose values differ: [{"property", "old": [...], "new": [...]}]. */
static json_t *property_changes(const kd_index *old_ix, const kd_entity_view *ov,
                                const kd_index *new_ix, const kd_entity_view *nv)
{
    size_t na, nb;
    pv *a = sorted_values(old_ix, ov, &na), *b = sorted_values(new_ix, nv, &nb);
    json_t *changes = json_array();
    if (ov->schema != nv->schema)
        json_array_append_new(changes, json_pack("{s:s, s:[s], s:[s]}", "property", "schema", "old",
                                                 kd_schema_name(ov->schema), "new",
                                                 kd_schema_name(nv->schema)));
    size_t i = 0, j = 0;
    while (a && b && (i < na || j < nb)) {
        const char *prop = i < na && (j >= nb || strcmp(a[i].prop, b[j].prop) <= 0) ? a[i].prop : b[j].prop;
        size_t i0 = i, j0 = j;
        while (i < na && strcmp(a[i].prop, prop) == 0)
            i++;
        while (j < nb && strcmp(b[j].prop, prop) == 0)
            j++;
        bool same = i - i0 == j - j0;
        for (size_t k = 0; same && k < i - i0; k++)
            same = strcmp(a[i0 + k].value, b[j0 + k].value) == 0;
        if (same)
            continue;
        json_t *olds = json_array(), *news = json_array();
        for (size_t k = i0; k < i; k++)
            json_array_append_new(olds, json_string(a[k].value));
        for (size_t k = j0; k < j; k++)
            json_array_append_new(news, json_string(b[k].value));
        json_array_append_new(changes, json_pack("{s:s, s:o, s:o}", "property", prop, "old", olds,
                                                 "new", news));
    }
    free(a);
    free(b);
    return changes;
}

static int compute(const kd_index *old_ix, const kd_index *new_ix, diff *d)
{
    for (int side = 0; side < 2; side++) {
        const kd_index *ix = side ? new_ix : old_ix;
        for (size_t i = 0; i < kd_index_dataset_count(ix); i++) {
            kd_dataset_info info;
            kd_index_dataset(ix, i, &info);
            dataset_diff *s = dataset_of(d, info.name);
            if (!s)
                return KD_ENOMEM;
            *(side ? &s->new_version : &s->old_version) = info.version;
        }
    }
    /* New side: added to a dataset, or changed in it. */
    for (size_t p = 0; p < kd_index_entity_count(new_ix); p++) {
        kd_entity_view nv, ov;
        if (kd_index_entity_derived(new_ix, p))
            continue; /* derived from a record: that record's change is the change */
        kd_index_entity(new_ix, p, &nv);
        int64_t q = kd_index_find(old_ix, nv.id);
        if (q >= 0)
            kd_index_entity(old_ix, (size_t)q, &ov);
        char old_hash[65] = "", new_hash[65] = "";
        for (uint32_t k = 0; k < nv.n_datasets; k++) {
            kd_dataset_info info;
            kd_index_dataset(new_ix, nv.datasets[k], &info);
            dataset_diff *s = dataset_of(d, info.name);
            if (!s)
                return KD_ENOMEM;
            if (q < 0 || !has_dataset(old_ix, &ov, info.name)) {
                json_array_append_new(s->added, entity_brief(new_ix, &nv));
                continue;
            }
            if (!new_hash[0]) {
                kd_entity_hash(new_ix, p, new_hash);
                kd_entity_hash(old_ix, (size_t)q, old_hash);
            }
            if (strcmp(old_hash, new_hash) == 0)
                continue;
            json_t *e = entity_brief(new_ix, &nv);
            json_object_set_new(e, "properties", property_changes(old_ix, &ov, new_ix, &nv));
            json_array_append_new(s->changed, e);
        }
    }
    /* Old side: removed from a dataset. */
    for (size_t p = 0; p < kd_index_entity_count(old_ix); p++) {
        kd_entity_view ov, nv;
        if (kd_index_entity_derived(old_ix, p))
            continue;
        kd_index_entity(old_ix, p, &ov);
        int64_t q = kd_index_find(new_ix, ov.id);
        if (q >= 0)
            kd_index_entity(new_ix, (size_t)q, &nv);
        for (uint32_t k = 0; k < ov.n_datasets; k++) {
            kd_dataset_info info;
            kd_index_dataset(old_ix, ov.datasets[k], &info);
            if (q >= 0 && has_dataset(new_ix, &nv, info.name))
                continue;
            dataset_diff *s = dataset_of(d, info.name);
            if (!s)
                return KD_ENOMEM;
            json_array_append_new(s->removed, entity_brief(old_ix, &ov));
        }
    }
    return KD_OK;
}

static int compare_sets(const void *a, const void *b)
{
    return strcmp(((const dataset_diff *)a)->name, ((const dataset_diff *)b)->name);
}

/* One value on one line: whitespace runs as one space, at most 100 bytes,
 * cut on a character boundary (--json has the values whole). */
static void print_value(const char *t)
{
    putchar('"');
    size_t n = 0;
    bool space = false;
    for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
        if (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') {
            space = true;
            continue;
        }
        if (n >= 100 && (*p & 0xc0) != 0x80) {
            fputs("…", stdout);
            break;
        }
        if (space && n)
            putchar(' '), n++;
        space = false;
        putchar(*p);
        n++;
    }
    putchar('"');
}

static void print_values(json_t *values)
{
    size_t i;
    json_t *v;
    if (json_array_size(values) == 0) {
        printf("(none)");
        return;
    }
    json_array_foreach(values, i, v) {
        if (i)
            fputs(", ", stdout);
        print_value(json_string_value(v));
    }
}

static void print_text(const diff *d, bool summary)
{
    for (size_t i = 0; i < d->n; i++) {
        const dataset_diff *s = &d->sets[i];
        printf("%s (%.12s → %.12s): %zu added, %zu removed, %zu changed\n", s->name,
               s->old_version ? s->old_version : "absent", s->new_version ? s->new_version : "absent",
               json_array_size(s->added), json_array_size(s->removed), json_array_size(s->changed));
        if (summary)
            continue;
        const struct {
            json_t *list;
            const char *mark;
        } parts[] = {{s->added, "+"}, {s->removed, "-"}, {s->changed, "~"}};
        for (size_t k = 0; k < 3; k++) {
            size_t j;
            json_t *e;
            json_array_foreach(parts[k].list, j, e) {
                printf("  %s %-28s %-12s %s\n", parts[k].mark, json_string_value(json_object_get(e, "id")),
                       json_string_value(json_object_get(e, "schema")),
                       json_string_value(json_object_get(e, "caption")));
                size_t c;
                json_t *change;
                json_array_foreach(json_object_get(e, "properties"), c, change) {
                    printf("      %s: ", json_string_value(json_object_get(change, "property")));
                    print_values(json_object_get(change, "old"));
                    printf(" → ");
                    print_values(json_object_get(change, "new"));
                    putchar('\n');
                }
            }
        }
    }
}

static void print_json(const diff *d, const char *old_path, const char *new_path)
{
    json_t *root = json_object();
    json_object_set_new(root, "old", json_string(old_path));
    json_object_set_new(root, "new", json_string(new_path));
    json_t *sets = json_array();
    for (size_t i = 0; i < d->n; i++) {
        const dataset_diff *s = &d->sets[i];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(s->name));
        json_object_set_new(o, "old_version", s->old_version ? json_string(s->old_version) : json_null());
        json_object_set_new(o, "new_version", s->new_version ? json_string(s->new_version) : json_null());
        json_object_set_new(o, "counts", json_pack("{s:I, s:I, s:I}", "added", (json_int_t)json_array_size(s->added),
                                                   "removed", (json_int_t)json_array_size(s->removed),
                                                   "changed", (json_int_t)json_array_size(s->changed)));
        json_object_set(o, "added", s->added);
        json_object_set(o, "removed", s->removed);
        json_object_set(o, "changed", s->changed);
        json_array_append_new(sets, o);
    }
    json_object_set_new(root, "datasets", sets);
    json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(root);
}

/* How much of a dataset's change is the companion files missing on one
 * side: records whose every changed property is one those files give. */
static void warn_companion_changes(const dataset_diff *s)
{
    size_t only = 0, i;
    json_t *e;
    json_array_foreach(s->changed, i, e) {
        size_t k;
        json_t *change;
        bool all = json_array_size(json_object_get(e, "properties")) > 0;
        json_array_foreach(json_object_get(e, "properties"), k, change)
            all = all && cli_companion_property(json_string_value(json_object_get(change, "property")));
        only += all;
    }
    fprintf(stderr, "kordon: warning: %s: %zu of the %zu records reported changed differ only in names, "
                    "addresses or countries those files give\n",
            s->name, only, json_array_size(s->changed));
}

int cmd_diff(int argc, char **argv)
{
    static const struct option options[] = {
        {"json", no_argument, NULL, 'j'},
        {"summary", no_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int json = 0, summary = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jsh", options, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 's': summary = 1; break;
        case 'h': return cli_usage("diff", 0);
        default: return cli_usage("diff", EXIT_USAGE);
        }
    }
    if (optind != argc - 2)
        return cli_usage("diff", EXIT_USAGE);
    kd_error err = {0};
    kd_index *old_ix = NULL, *new_ix = NULL;
    if (kd_index_open(argv[optind], &old_ix, &err))
        return cli_fail(&err);
    if (kd_index_open(argv[optind + 1], &new_ix, &err)) {
        kd_index_close(old_ix);
        return cli_fail(&err);
    }
    diff d = {0};
    int status = 0;
    const char *incomplete[2] = {cli_warn_incomplete_index(old_ix, argv[optind]),
                                 cli_warn_incomplete_index(new_ix, argv[optind + 1])};
    if (compute(old_ix, new_ix, &d)) {
        error_set(&err, KD_ENOMEM, "out of memory comparing %s and %s", argv[optind], argv[optind + 1]);
        status = cli_fail(&err);
    } else {
        qsort(d.sets, d.n, sizeof *d.sets, compare_sets);
        /* built without the files on one side only: that is the change */
        for (size_t i = 0; i < d.n; i++)
            if ((incomplete[0] && strcmp(incomplete[0], d.sets[i].name) == 0) !=
                    (incomplete[1] && strcmp(incomplete[1], d.sets[i].name) == 0) &&
                json_array_size(d.sets[i].changed))
                warn_companion_changes(&d.sets[i]);
        if (json)
            print_json(&d, argv[optind], argv[optind + 1]);
        else
            print_text(&d, summary);
    }
    for (size_t i = 0; i < d.n; i++) {
        json_decref(d.sets[i].added);
        json_decref(d.sets[i].removed);
        json_decref(d.sets[i].changed);
    }
    free(d.sets);
    kd_index_close(new_ix);
    kd_index_close(old_ix);
    return status;
}
