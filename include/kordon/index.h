/* index — building a .kdx index from official lists and reading it (see kordon.h). */
#ifndef KORDON_INDEX_H
#define KORDON_INDEX_H

#include "kordon/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- building an index ------------------------------------------------- */

/* An analyst's correction of the parties the build finds (see `kordon
 * resolve`): merge says two records are one party, split that they are
 * two, whatever the rules say. */
typedef enum kd_party_judgment_kind { KD_PARTY_MERGE = 1, KD_PARTY_SPLIT = 2 } kd_party_judgment_kind;
typedef struct kd_party_judgment {
    kd_party_judgment_kind kind;
    const char *record_a, *record_b; /* record ids */
    const char *note;                /* who, when and why: shown as the evidence */
} kd_party_judgment;

typedef struct kd_build_options {
    const char *output;        /* index file to write (renamed into place) */
    int verbose;               /* print one line per source file to stderr */
    /* Where to write the report of which records of different lists were
     * found to be one party, with the evidence (NULL: none). */
    const char *report;
    /* Analysts' judgments to apply (records no longer listed are skipped). */
    const kd_party_judgment *judgments;
    size_t n_judgments;
} kd_build_options;

/* Parses every list found under the given files or directories (format
 * detected from content) and writes one index file. */
KD_API int kd_build(const char *const *sources, size_t n_sources,
             const kd_build_options *options, kd_error *err);

/* ---- reading an index -------------------------------------------------- */

typedef struct kd_index kd_index;

typedef struct kd_dataset_info {
    const char *name;
    const char *version;       /* content hash of the source files (hex) */
    const char *newest_date;   /* newest listing/publication date, ISO */
    uint32_t entity_count;
    uint32_t schema_counts[KD_SCHEMA_COUNT];
} kd_dataset_info;

/* Reads the whole file into memory of the index's own (a few ms for tens
 * of MB) and checks its checksum and every table once, so what the file
 * becomes afterwards (rewritten in place, truncated, deleted) never
 * affects an open index. A file that is damaged, cut short or was being
 * rewritten while read is refused with KD_EINDEX and a message saying so;
 * publish a new index by writing a new file and renaming it into place. */
KD_API int kd_index_open(const char *path, kd_index **out, kd_error *err);
KD_API void kd_index_close(kd_index *index);

KD_API size_t kd_index_entity_count(const kd_index *index);
/* The entity naming the party an entity belongs to (itself when it is the
 * only record of its party, or when the index was built without parties):
 * records of several lists that are the same person, body or vessel share
 * one (see `kordon xref`). */
KD_API size_t kd_index_party(const kd_index *index, size_t entity);
/* The records of the party an entity belongs to, its representative first,
 * then by authority (UN, EU, UK, US, Canada, others) and id: up to cap
 * positions into members; returns how many there are (1 for a record that
 * is its own party, 0 for a position outside the index). */
KD_API size_t kd_index_party_members(const kd_index *index, size_t entity, size_t *members, size_t cap);
/* The datasets the records of that party come from (kd_index_dataset
 * positions), each once, in the order of the records: up to cap into
 * datasets; returns how many there are. */
KD_API size_t kd_index_party_datasets(const kd_index *index, size_t entity, size_t *datasets, size_t cap);
/* How many parties (persons, bodies, vessels, aircraft) the index holds;
 * per_dataset, when not NULL, gets for each dataset the number of parties
 * its records belong to (kd_index_dataset_count entries). */
KD_API size_t kd_index_party_counts(const kd_index *index, size_t *per_dataset);
KD_API size_t kd_index_dataset_count(const kd_index *index);
KD_API int kd_index_dataset(const kd_index *index, size_t i, kd_dataset_info *out);
KD_API const char *kd_index_built_at(const kd_index *index);

/* Whether the entity at a position is no list's record but one kordon
 * derived from a record's text (an UnknownLink from OFAC's "Linked To:"
 * remark, an Ownership from the UK list's subsidiaries and parent
 * companies; its `summary` begins with KD_DERIVED_PREFIX): counts and
 * diffs of the lists leave such entities out. */
#define KD_DERIVED_PREFIX "Derived by kordon from the record's "
KD_API int kd_index_entity_derived(const kd_index *index, size_t position);
/* Finds an entity by id; returns its position or KD_ENOTFOUND. */
KD_API int64_t kd_index_find(const kd_index *index, const char *id);
/* The record at a position, as its list states it, as FtM JSON (caller
 * frees). */
KD_API char *kd_index_entity_json(const kd_index *index, size_t position, int pretty);
enum { KD_JSON_PRETTY = 1, KD_JSON_PROVENANCE = 2 };
/* The party of the record at a position as one FtM entity (caller frees):
 * the canonical record's id, caption and values, its other records' values
 * and datasets added, their ids in `referents`, and `listings`, one per
 * record (id, authority, datasets, program, listingDate, reason,
 * sourceUrl). KD_JSON_PROVENANCE adds `provenance`: for each property and
 * value, the ids of the records that state it. A party no record of which is
 * listed, but tied to one that is, has the topic `sanction.linked`. */
KD_API char *kd_index_party_json(const kd_index *index, size_t position, int flags);
/* Every record of the index as FollowTheMoney JSON lines that FtM's schema
 * accepts: values in FtM's types (dates, countries, E.164 phones, IMO
 * numbers, URLs), what no type holds kept in `notes`, and each record's
 * listing (program, authority, reason, provisions, listing date) as a
 * Sanction entity pointing at it. *written gets the number of lines. */
KD_API int kd_index_export_ftm(const kd_index *index, FILE *out, size_t *written, kd_error *err);
/* "EU since 2023-02-25 (EU-UKR) · Canada since 2023-09-20 (SEMA - Russia -
 * Schedule 1, Part 1)": the listings of a party, one line, cut to size;
 * returns the number of records of the party. */
KD_API size_t kd_index_party_summary(const kd_index *index, size_t position, char *out, size_t size);

/* ---- ties between parties ---------------------------------------------- */

/* What ties the parties of one index to each other — the relations (a
 * "Linked To" link, an ownership, a directorship, a family tie) that refer
 * to them — found once (a pass over the index; the server does it at each
 * load) and read by any number of threads. */
typedef struct kd_ties kd_ties;
KD_API int kd_ties_new(const kd_index *index, kd_ties **out, kd_error *err);
KD_API void kd_ties_free(kd_ties *ties);
/* The entity an FtM input merged the id into (its `referents`), or -1. */
KD_API int64_t kd_ties_referent(const kd_ties *ties, const char *id);

/* A party's tie to a listed party: "linked to listed X (its owner)". */
typedef struct kd_tie {
    size_t listed;   /* the listed party (its representative's position) */
    size_t relation; /* the relation record that ties them */
    kd_prop role;    /* the listed party's side of it: owner, director, subject, relative... */
} kd_tie;
/* The ties of the entity's party to parties an official list names (its
 * own listing aside): up to max into out; returns how many there are. */
KD_API size_t kd_ties_to_listed(const kd_ties *ties, size_t entity, kd_tie *out, size_t max);

typedef struct kd_value_ref {
    kd_prop prop;
    const char *value;
} kd_value_ref;

/* Read-only view of one entity inside an index. */
typedef struct kd_entity_view {
    const char *id;
    kd_schema schema;
    const uint16_t *datasets;  /* indices into the dataset table */
    uint32_t n_datasets;
    const void *values_;       /* internal; read with kd_entity_view_value */
    uint32_t n_values;
} kd_entity_view;

KD_API int kd_index_entity(const kd_index *index, size_t position, kd_entity_view *out);
KD_API kd_value_ref kd_entity_view_value(const kd_index *index, const kd_entity_view *view, uint32_t i);
/* First value of a property, or NULL. */
KD_API const char *kd_entity_view_first(const kd_index *index, const kd_entity_view *view, kd_prop prop);

#ifdef __cplusplus
}
#endif
#endif
