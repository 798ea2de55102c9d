/* index — the compiled snapshot (.kdx) that every other command maps.
 *
 * Layout (little-endian, every section 8-byte aligned):
 *   header | STRS strings | DSET datasets | ENTS entities sorted by id |
 *   VALS property values | DSID dataset indices per entity | META
 * Strings are NUL-terminated and deduplicated; tables refer to them by
 * 32-bit offset. An index is immutable once written: a new list version
 * means a new file, renamed into place, so readers never see a torn write.
 * Someone may still rewrite the file in place (cp over it, a damaged
 * copy), so the header carries a checksum of the whole file and a reader
 * works on its own copy, checked once: see reader.c. */
#ifndef KD_INDEX_H
#define KD_INDEX_H

#include "model/model.h"

#include <stdbool.h>

#define KDX_MAGIC "KORDONX"
#define KDX_VERSION 4u
#define KDX_MAX_SECTIONS 16

enum kdx_tag {
    KDX_STRS = 0x53525453, /* "STRS" */
    KDX_DSET = 0x54455344, /* "DSET" */
    KDX_ENTS = 0x53544e45, /* "ENTS" */
    KDX_VALS = 0x534c4156, /* "VALS" */
    KDX_DSID = 0x44495344, /* "DSID" */
    KDX_META = 0x4154454d, /* "META" */
    KDX_NAMS = 0x534d414e, /* "NAMS" */
    KDX_NTOK = 0x4b4f544e, /* "NTOK" */
    KDX_KEYS = 0x5359454b, /* "KEYS" */
    KDX_POST = 0x54534f50, /* "POST" */
    KDX_DELS = 0x534c4544, /* "DELS" */
    KDX_PRTY = 0x59545250, /* "PRTY": per entity, the entity naming its party (optional) */
    KDX_JOIN = 0x4e494f4a, /* "JOIN": names by their neighbouring words joined (optional) */
};

typedef struct kdx_section {
    uint32_t tag, reserved;
    uint64_t offset, size;
} kdx_section;

typedef struct kdx_header {
    char magic[8];
    uint32_t version;
    uint32_t section_count;
    uint32_t schema_count, prop_count; /* enums the file was written with */
    uint64_t file_size;
    uint64_t checksum; /* kdx_checksum of the file, this field read as 0 */
    kdx_section sections[KDX_MAX_SECTIONS];
} kdx_header;

/* XXH64 (seed 0) of a whole index file with its header's checksum field
 * taken as zero. The field is zeroed while hashing and then restored,
 * hence the mutable pointer; size must be at least sizeof(kdx_header). */
uint64_t kdx_checksum(void *file, size_t size);
/* XXH64 of any bytes, seed 0 (the checksum's hash, exposed for its test). */
uint64_t kdx_xxh64(const void *data, size_t size);

typedef struct kdx_dataset {
    uint32_t name, version, newest_date, entity_count;
    uint32_t schema_counts[KD_SCHEMA_COUNT];
} kdx_dataset;

typedef struct kdx_entity {
    uint32_t id;
    uint16_t schema, n_datasets;
    uint32_t datasets_first, values_first, n_values;
} kdx_entity;

typedef struct kdx_value {
    uint16_t prop, reserved;
    uint32_t text;
} kdx_value;

typedef struct kdx_meta {
    uint32_t built_at;    /* ISO timestamp string */
    uint32_t generator;   /* "kordon x.y.z" */
} kdx_meta;

/* Name matching tables. Every name of a screenable entity, in every
 * romanisation text_name_forms gives, is one kdx_name: a run of tokens,
 * each with its normalised spelling and its spelling-family key. Keys are
 * sorted so a query finds them by binary search; each key lists the names
 * that hold it (postings) and how many entities do (for rarity weights).
 * DELS maps every one-letter deletion of a key to the key, so a typo in
 * either the query or the list still meets its candidate. */
enum kdx_name_kind { KDX_NAME_PRIMARY = 0, KDX_NAME_ALIAS, KDX_NAME_WEAK, KDX_NAME_PREVIOUS };

typedef struct kdx_name {
    uint32_t entity;
    uint32_t tokens_first;
    uint16_t n_tokens;
    uint8_t kind, reserved;
} kdx_name;

typedef struct kdx_token {
    uint32_t key;     /* index into the key table */
    uint32_t surface; /* string: the normalised token */
    uint8_t cls;      /* text_token_class */
    uint8_t len;      /* of the surface, saving a strlen per comparison */
    uint8_t reserved[2];
} kdx_token;

typedef struct kdx_key {
    uint32_t text;
    uint32_t postings_first, n_postings;
    uint32_t entity_count;
} kdx_key;

/* A listed name by a hash: in the index, by one pair of its neighbouring
 * words written as one, keyed ("Jong Un" as the key of "jongun"), so that
 * a query word that is two listed words run together finds the name; the
 * matcher keeps bodies' acronyms and records by identifier the same way.
 * Sorted by hash, then name (index_hashed_name_compare). */
typedef struct kdx_hashed_name {
    uint64_t hash; /* hash_bytes of the key */
    uint32_t name;
    uint32_t unused;
} kdx_hashed_name;

/* qsort order of kdx_hashed_name: hash, then name. */
int index_hashed_name_compare(const void *a, const void *b);
/* The first entry of a sorted table with hash h (n when none has it). */
size_t index_hashed_name_first(const kdx_hashed_name *table, size_t n, uint64_t h);

typedef struct kdx_deletion {
    uint32_t text; /* the key with one letter removed */
    uint32_t key;
} kdx_deletion;

/* ---- building ---------------------------------------------------------- */

typedef struct index_builder index_builder;

index_builder *index_builder_new(void);
void index_builder_free(index_builder *b);
/* Starts a source file; its content hash becomes part of the version of
 * every dataset it contributes entities to. */
void index_builder_begin_file(index_builder *b, const char *file_hash);
/* Copies an entity in. An id seen before is merged: values and datasets
 * are united (FtM exports repeat entities across files). */
int index_builder_add(index_builder *b, const model_entity *e, kd_error *err);
size_t index_builder_count(const index_builder *b);
/* Adds an UnknownLink for each "Linked To: NAME" remark whose NAME exactly
 * one record of the same dataset bears (links.c); *links gets how many. */
int index_builder_link_remarks(index_builder *b, size_t *links, kd_error *err);
/* Writes PATH.tmp-PID, fsyncs, then renames it over PATH. */
int index_builder_write(index_builder *b, const char *path, kd_error *err);

/* ---- reading: see kd_index_* in kordon.h; internals for other modules -- */

/* Like kd_index_open; st receives the fstat of the file descriptor the
 * copy was read from, so a caller that watches the path (the server) knows
 * which version of the file it holds, not what the path points at now. */
struct stat;
int index_open_stat(const char *path, kd_index **out, struct stat *st, kd_error *err);
/* Opens an index from bytes already in memory (the fuzz harness): copies
 * them and checks them exactly as a file's. name is used in messages. */
int index_open_bytes(const void *data, size_t size, const char *name, kd_index **out, kd_error *err);

struct kd_index {
    void *map;                  /* private anonymous copy of the file, read-only */
    size_t map_size;            /* the file's size */
    size_t map_capacity;        /* of the mapping (whole pages) */
    const char *strings;
    size_t strings_size;
    const kdx_dataset *datasets;
    size_t n_datasets;
    const kdx_entity *entities;
    size_t n_entities;
    const kdx_value *values;
    size_t n_values;
    const uint16_t *dataset_ids;
    size_t n_dataset_ids;
    const kdx_meta *meta;
    const kdx_name *names;
    size_t n_names;
    const kdx_token *tokens;
    size_t n_tokens;
    const kdx_key *keys;
    size_t n_keys;
    const uint32_t *postings;
    size_t n_postings;
    const kdx_deletion *deletions;
    size_t n_deletions;
    const kdx_hashed_name *joined; /* empty in indexes written before it */
    size_t n_joined;
    const uint32_t *parties;    /* NULL: every record its own party */
    /* The members of each party of several records, built at open (owned):
     * members[member_first[p] .. + member_count[p]) for a party p, its
     * representative first, then by authority and id. NULL when parties is. */
    uint32_t *members;
    uint32_t *member_first;
    uint32_t *member_count;
    uint32_t *own_parties;      /* parties when index_set_parties gave them */
};

/* The rank of the authority that lists an entity, lowest first: the UN
 * designates; the EU, the UK and the US implement; Canada and the others
 * follow. Ties between records are shown, and a party is named, in this
 * order. */
int index_authority_rank(const kd_index *ix, size_t entity);
/* Fills members, member_first and member_count from parties (at open). */
int index_group_members(kd_index *ix);
/* Replaces the parties the file holds (an analyst's judgment applied after
 * the build), before the index is shared: takes parties (one entry per
 * entity, each naming a record that names itself), freed with the index.
 * KD_EINDEX when the table is not one; KD_ENOMEM. */
int index_set_parties(kd_index *ix, uint32_t *parties, kd_error *err);

/* Writes a copy of an open index with one more section (replacing one of
 * the same tag), checksummed, to path (temp file and rename). */
int index_write_with_section(const kd_index *ix, const char *path, uint32_t tag, const void *data, size_t size,
                             kd_error *err);

static inline const char *index_string(const kd_index *ix, uint32_t offset)
{
    return ix->strings + offset;
}
/* The entity at a position as a jansson object (caller decrefs), for
 * modules that add fields before serialising (the HTTP API's scores). */
struct json_t;
struct json_t *index_entity_object(const kd_index *ix, size_t position);
/* The most records one party shows (the shared lists' largest has 9). */
#define INDEX_PARTY_MAX 64
/* The party of the entity at a position as one FtM entity: the
 * representative's id, caption and values, the other members' values,
 * datasets and ids (referents) added; `listings`, one per member (id,
 * authority, datasets, program, listingDate, reason, sourceUrl), the
 * representative's first; with provenance, `provenance` maps each property
 * and value to the ids of the records that state it. */
/* The FtM Sanction entity of a record's listing (ftm_export.c): what the
 * list says of it as a listing, pointing at the record; NULL when it says
 * nothing. Caller owns it. */
struct json_t *index_sanction_object(const kd_index *ix, size_t position);
struct json_t *index_party_object(const kd_index *ix, size_t position, bool provenance);
/* Adds one value of a record of `schema` to an FtM properties object as
 * FtM types it (dates, country codes, E.164 phones, IMO numbers, URLs),
 * what no type holds kept in `notes` ("phone: 263-4-486946"), a listing's
 * facts (reason, listing date, provisions) left to its Sanction: what
 * `kordon export`, /entities and /match show alike (ftm_export.c). */
void index_ftm_add_value(struct json_t *props, kd_schema schema, kd_prop p, const char *value);
/* One record's listing, as in index_party_object's listings. */
struct json_t *index_listing_object(const kd_index *ix, size_t position);
/* ---- topics (topics.c) ----------------------------------------------------- */
/* OpenSanctions' title of a dataset kordon's parsers of official sanctions
 * lists write ("us_ofac_sdn"), NULL for any other (an FtM input's). */
const char *index_official_list_title(const char *dataset);
/* The schemata of parties: what is listed and screened (Person ..
 * PublicBody), not addresses, links or sanctions. */
bool index_schema_is_party(kd_schema schema);
/* Whether the record is a party an official sanctions list names: its
 * FtM topic is `sanction`, which the lists' formats do not write. */
bool index_record_listed(const kd_index *ix, size_t position);
/* Whether the record has the topic, its own (FtM inputs) or `sanction`
 * as index_record_listed says. */
bool index_record_has_topic(const kd_index *ix, size_t position, const char *topic);
/* Adds a topic to an entity's properties once. */
void index_add_topic(struct json_t *properties, const char *topic);
/* Adds the topics a record has beside its own values (`sanction`). */
void index_add_record_topics(const kd_index *ix, size_t position, struct json_t *properties);
/* Per record, 1 when an Ownership, Directorship or UnknownLink ties it to a
 * sanctioned record (callers free it); the ties' ids are the index's, or
 * what referent (may be NULL) finds for an id merged into another. NULL
 * when out of memory. */
uint8_t *index_linked_records(const kd_index *ix, int64_t (*referent)(const void *context, const char *id),
                              const void *context);
/* Whether the party of the entity at a position is sanction-linked: a
 * record of it tied to a sanctioned one (linked, from index_linked_records)
 * and none of them listed itself. */
bool index_party_linked(const kd_index *ix, const uint8_t *linked, size_t position);

/* ---- ties (ties.c; kd_ties in kordon/index.h) ------------------------------ */
/* Whether a property's values are entity ids. */
bool index_entity_reference(kd_prop p);
/* A record that refers to a party through one of its properties. */
typedef struct index_reference {
    uint32_t party, source;
    uint16_t prop;
} index_reference;
/* The records that refer to a party (its representative's position):
 * *first and the count, sorted by property then record. */
size_t index_ties_references(const kd_ties *ties, size_t party, const index_reference **first);
/* An id's position: the index's, or the entity an FtM input merged it
 * into; -1 when neither. */
int64_t index_ties_find(const kd_ties *ties, const char *id);

/* How a party stands to the listed party of one of its ties, said of the
 * party: "owned by", "director of", "family of", "linked to". */
const char *index_tie_phrase(const kd_index *ix, const kd_tie *tie);
/* A party's ties to listed parties as JSON, for a result that is not
 * listed itself: [{how, id, caption, schema, listed, relation,
 * relation_id, role}]; NULL when the party is listed or tied to none
 * (or ties is NULL). */
struct json_t *index_ties_json(const kd_index *ix, const kd_ties *ties, size_t party);

/* The authority that lists an entity, as an analyst says it: "UN", "EU",
 * "UK", "US", "Canada", else the first dataset's name. */
void index_authority_label(const kd_index *ix, size_t entity, char *out, size_t size);

#endif
