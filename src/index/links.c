/* Relations a list writes as text, made entities: OFAC's "Linked To: X."
 * remark names another entry of the list (a person's company, a front of
 * a designated group). Once every record is in, the name is looked up
 * among the names of the same dataset's records; when exactly one record
 * bears it, an FtM UnknownLink (subject: the remark's record, object: the
 * named one, role "Linked To") joins the index, so that the API can
 * show the linked parties and screening can say that a party is linked to
 * a listed one. A name several records bear, or none, stays a note. */
#include "builder_internal.h"
#include "model/model.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct name_entry {
    uint64_t hash; /* of the dataset and the name's letters and digits, lower-cased */
    uint32_t entity;
} name_entry;

static uint64_t name_hash(uint16_t dataset, const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull ^ dataset;
    size_t letters = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 && !isalnum(c))
            continue; /* "HIZBALLAH" and "Hizballah." are one name */
        h = (h ^ (uint64_t)(c < 0x80 ? tolower(c) : c)) * 1099511628211ull;
        letters++;
    }
    return letters ? h : 0;
}

static int compare_entries(const void *a, const void *b)
{
    const name_entry *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return (x->entity > y->entity) - (x->entity < y->entity);
}

static bool named_schema(uint16_t s)
{
    return s <= KD_SCHEMA_PUBLIC_BODY;
}

#define LINKED_TO "Linked To:"
#define DERIVED_FROM KD_DERIVED_PREFIX

int index_builder_link_remarks(index_builder *b, size_t *links, kd_error *err)
{
    *links = 0;
    b->file_hash = NULL; /* links are no file's content: the datasets' versions stay the files' */
    size_t n = 0, cap = 0;
    name_entry *names = NULL;
    size_t count = b->n_entities; /* links added below are not looked at */
    for (size_t i = 0; i < count; i++) {
        const built_entity *e = &b->entities[i];
        if (!named_schema(e->schema) || !e->n_datasets)
            continue;
        for (uint32_t v = 0; v < e->n_values; v++) {
            uint16_t p = e->values[v].prop;
            if (p != KD_PROP_NAME && p != KD_PROP_ALIAS)
                continue;
            uint64_t h = name_hash(e->datasets[0], e->values[v].text, strlen(e->values[v].text));
            if (!h)
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 4096;
                name_entry *p2 = realloc(names, cap * sizeof *p2);
                if (!p2) {
                    free(names);
                    return error_set(err, KD_ENOMEM, "out of memory linking remarks");
                }
                names = p2;
            }
            names[n++] = (name_entry){h, (uint32_t)i};
        }
    }
    if (n)
        qsort(names, n, sizeof *names, compare_entries);
    model_entity link;
    entity_init(&link);
    int rc = KD_OK;
    for (size_t i = 0; i < count && !rc; i++) {
        const built_entity *e = &b->entities[i];
        if (!named_schema(e->schema) || !e->n_datasets)
            continue;
        uint16_t dataset = e->datasets[0];
        const char *subject = e->id;
        for (uint32_t v = 0; v < b->entities[i].n_values && !rc; v++) {
            const built_value *val = &b->entities[i].values[v];
            if (val->prop != KD_PROP_NOTES || strncmp(val->text, LINKED_TO, strlen(LINKED_TO)) != 0)
                continue;
            const char *name = val->text + strlen(LINKED_TO);
            uint64_t h = name_hash(dataset, name, strlen(name));
            /* the records bearing the name: one, and not the remark's own */
            size_t lo = 0, hi = n;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (names[mid].hash < h)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            uint32_t object = UINT32_MAX;
            bool several = false;
            for (size_t k = lo; k < n && names[k].hash == h; k++) {
                if (object != UINT32_MAX && names[k].entity != object)
                    several = true;
                object = names[k].entity;
            }
            if (object == UINT32_MAX || several || object == i || !h)
                continue;
            const char *object_id = b->entities[object].id;
            entity_reset(&link);
            link.schema = KD_SCHEMA_UNKNOWN_LINK;
            link.dataset = b->datasets[dataset].name;
            rc = entity_set_id(&link, "%s-linked-%s", subject, object_id);
            if (!rc)
                rc = entity_add_str(&link, KD_PROP_SUBJECT, subject);
            if (!rc)
                rc = entity_add_str(&link, KD_PROP_OBJECT, object_id);
            if (!rc)
                rc = entity_add_str(&link, KD_PROP_ROLE, "Linked To");
            /* says where it comes from, and marks it derived (kd_index_entity_derived) */
            if (!rc)
                rc = entity_add_str(&link, KD_PROP_SUMMARY, DERIVED_FROM "\"Linked To\" remark");
            uint32_t before = b->datasets[dataset].count;
            /* b->entities may move: subject is an arena string and stays */
            if (!rc && !(rc = index_builder_add(b, &link, err))) {
                (*links)++;
                /* a dataset's count is of its list's records */
                b->datasets[dataset].count = before;
            }
            if (rc && !err->message[0])
                error_set(err, rc, "cannot link %s to %s", subject, object_id);
        }
    }
    entity_free(&link);
    free(names);
    return rc;
}
