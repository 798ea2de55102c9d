/* Relations a list writes as text, made entities: OFAC's "Linked To: X."
 * remark names another entry of the list (a person's company, a front of
 * a designated group); the UK Sanctions List names a body's subsidiaries
 * and parent companies (kept as notes "Subsidiary: X", "Parent company:
 * X"). Once every record is in, the name is looked up among the names of
 * the same dataset's records; when exactly one record bears it, an FtM
 * relation joins the index — an UnknownLink (subject: the remark's record,
 * object: the named one) or an Ownership (owner: the parent, asset: the
 * subsidiary) — so that the API can show the linked parties and screening
 * can say that a party is tied to a listed one. A name several records
 * bear, or none, stays a note. */
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

#define DERIVED_FROM KD_DERIVED_PREFIX

/* The notes that name a relation, and the relation each makes: which side
 * the remark's record takes (subject or owner when `record_first`). */
static const struct remark_kind {
    const char *prefix; /* of the note */
    kd_schema schema;
    kd_prop first, second; /* the relation's two sides */
    bool record_first;     /* the remark's record is `first`, the named one `second` */
    const char *role, *id_part, *source;
} remark_kinds[] = {
    {"Linked To:", KD_SCHEMA_UNKNOWN_LINK, KD_PROP_SUBJECT, KD_PROP_OBJECT, true, "Linked To", "linked",
     "\"Linked To\" remark"},
    {"Subsidiary:", KD_SCHEMA_OWNERSHIP, KD_PROP_OWNER, KD_PROP_ASSET, true, "Subsidiary", "subsidiary",
     "\"Subsidiary\" entry"},
    {"Parent company:", KD_SCHEMA_OWNERSHIP, KD_PROP_OWNER, KD_PROP_ASSET, false, "Parent company", "parent",
     "\"Parent company\" entry"},
};

static const struct remark_kind *remark_kind_of(const char *note)
{
    for (size_t k = 0; k < KD_ARRAY_LEN(remark_kinds); k++)
        if (strncmp(note, remark_kinds[k].prefix, strlen(remark_kinds[k].prefix)) == 0)
            return &remark_kinds[k];
    return NULL;
}

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
            const struct remark_kind *kind = val->prop == KD_PROP_NOTES ? remark_kind_of(val->text) : NULL;
            if (!kind)
                continue;
            const char *name = val->text + strlen(kind->prefix);
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
            link.schema = kind->schema;
            link.dataset = b->datasets[dataset].name;
            rc = entity_set_id(&link, "%s-%s-%s", subject, kind->id_part, object_id);
            if (!rc)
                rc = entity_add_str(&link, kind->first, kind->record_first ? subject : object_id);
            if (!rc)
                rc = entity_add_str(&link, kind->second, kind->record_first ? object_id : subject);
            if (!rc)
                rc = entity_add_str(&link, KD_PROP_ROLE, kind->role);
            /* says where it comes from, and marks it derived (kd_index_entity_derived) */
            char summary[128];
            snprintf(summary, sizeof summary, "%s%s", DERIVED_FROM, kind->source);
            if (!rc)
                rc = entity_add_str(&link, KD_PROP_SUMMARY, summary);
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
