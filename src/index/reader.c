/* Opens a .kdx by reading it whole into private anonymous memory, checking
 * its checksum, then every offset of its tables once, which lets the
 * accessors trust them afterwards.
 *
 * Why a copy and not a mapping of the file: a mapping is only as stable as
 * the file. `cp other.kdx kordon.kdx` rewrites the same inode in place;
 * pages of a MAP_PRIVATE mapping that were never written still follow the
 * file, so a server that validated the index once would read the new bytes
 * later (a crash in whatever reads them next) or SIGBUS on pages past a
 * shortened end. Every open is made safe, not only the server's: a long
 * `kordon screen` is exposed the same way, and silently wrong results are
 * worse than a crash for a screening tool. The price is a few milliseconds
 * per open: for the 15 MB index of all the shared lists, 5.6 ms instead of
 * 0.7 ms (bench/open_index.c, median), about a quarter of a `kordon match`.
 * The checksum catches what the copy alone cannot: a file read while it was
 * being rewritten (torn), or damaged on disk. */
#include "index.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const kdx_section *find_section(const kdx_header *h, uint32_t tag)
{
    for (uint32_t i = 0; i < h->section_count; i++)
        if (h->sections[i].tag == tag)
            return &h->sections[i];
    return NULL;
}

static int map_section(const kdx_header *h, size_t file_size, uint32_t tag, size_t item,
                       const void **data, size_t *count)
{
    const kdx_section *s = find_section(h, tag);
    if (!s || s->offset > file_size || s->size > file_size - s->offset || s->offset % 8 ||
        s->size % item)
        return KD_EINDEX;
    *data = (const char *)h + s->offset;
    *count = s->size / item;
    return KD_OK;
}

static int validate(kd_index *ix)
{
    if (ix->strings_size == 0 || ix->strings[ix->strings_size - 1] != '\0')
        return KD_EINDEX;
    if (ix->n_datasets > UINT16_MAX)
        return KD_EINDEX;
#define STR_OK(off) ((off) < ix->strings_size)
    for (size_t i = 0; i < ix->n_datasets; i++) {
        const kdx_dataset *d = &ix->datasets[i];
        if (!STR_OK(d->name) || !STR_OK(d->version) || !STR_OK(d->newest_date))
            return KD_EINDEX;
    }
    for (size_t i = 0; i < ix->n_entities; i++) {
        const kdx_entity *e = &ix->entities[i];
        if (!STR_OK(e->id) || e->schema >= KD_SCHEMA_COUNT ||
            e->values_first > ix->n_values || e->n_values > ix->n_values - e->values_first ||
            e->datasets_first > ix->n_dataset_ids ||
            e->n_datasets > ix->n_dataset_ids - e->datasets_first)
            return KD_EINDEX;
        /* binary search by id needs strictly increasing ids */
        if (i && strcmp(index_string(ix, ix->entities[i - 1].id), index_string(ix, e->id)) >= 0)
            return KD_EINDEX;
    }
    for (size_t i = 0; i < ix->n_values; i++)
        if (ix->values[i].prop >= KD_PROP_COUNT || !STR_OK(ix->values[i].text))
            return KD_EINDEX;
    for (size_t i = 0; i < ix->n_dataset_ids; i++)
        if (ix->dataset_ids[i] >= ix->n_datasets)
            return KD_EINDEX;
    if (!STR_OK(ix->meta->built_at) || !STR_OK(ix->meta->generator))
        return KD_EINDEX;
    for (size_t i = 0; i < ix->n_names; i++) {
        const kdx_name *n = &ix->names[i];
        if (n->entity >= ix->n_entities || n->tokens_first > ix->n_tokens ||
            n->n_tokens > ix->n_tokens - n->tokens_first)
            return KD_EINDEX;
    }
    for (size_t i = 0; i < ix->n_tokens; i++) {
        /* readers take a token's length from len instead of strlen: it must
         * end at a NUL inside the strings */
        const kdx_token *t = &ix->tokens[i];
        if (t->key >= ix->n_keys || !STR_OK(t->surface) || !STR_OK((size_t)t->surface + t->len) ||
            ix->strings[t->surface + t->len] != '\0')
            return KD_EINDEX;
    }
    for (size_t i = 0; i < ix->n_keys; i++) {
        const kdx_key *k = &ix->keys[i];
        if (!STR_OK(k->text) || k->postings_first > ix->n_postings ||
            k->n_postings > ix->n_postings - k->postings_first)
            return KD_EINDEX;
    }
    for (size_t i = 0; i < ix->n_postings; i++)
        if (ix->postings[i] >= ix->n_names)
            return KD_EINDEX;
    for (size_t i = 0; i < ix->n_deletions; i++)
        if (!STR_OK(ix->deletions[i].text) || ix->deletions[i].key >= ix->n_keys)
            return KD_EINDEX;
#undef STR_OK
    return KD_OK;
}

/* What a writer must do instead of rewriting the file in place. */
#define SAFE_SWAP "write a new file and rename it into place"
#define IN_PLACE_HINT "; if it is being rewritten in place, " SAFE_SWAP " instead"

/* Whole pages of private anonymous memory: sections stay 8-byte aligned,
 * and the copy can be made read-only once checked. */
static void *alloc_copy(size_t size, size_t *capacity)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t p = page > 0 ? (size_t)page : 4096;
    if (size > SIZE_MAX - p)
        return NULL;
    *capacity = (size + p - 1) / p * p;
    /* MAP_POPULATE: faulting the pages in one call instead of one fault per
     * page as read() fills them halves the cost of the copy (15 MB: 3 ms
     * instead of 6) */
    void *m = mmap(NULL, *capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
                   -1, 0);
    return m == MAP_FAILED ? NULL : m;
}

/* Checks the copy and points the index's tables into it; on failure the
 * copy stays the caller's. name is the path, or a label, for messages. */
static int open_copy(void *copy, size_t size, size_t capacity, const char *name, kd_index **out,
                     kd_error *err)
{
    if (size < sizeof(kdx_header))
        return error_set(err, KD_EINDEX, "%s: not a kordon index (too short: %zu bytes)" IN_PLACE_HINT, name,
                         size);
    kdx_header *h = copy;
    if (memcmp(h->magic, KDX_MAGIC, sizeof KDX_MAGIC) != 0)
        return error_set(err, KD_EINDEX, "%s: not a kordon index", name);
    if (h->version != KDX_VERSION || h->schema_count != KD_SCHEMA_COUNT || h->prop_count != KD_PROP_COUNT)
        return error_set(err, KD_EINDEX,
                         "%s: index format %u was written by another kordon version; rebuild it", name,
                         h->version);
    if (h->file_size != size || h->section_count > KDX_MAX_SECTIONS)
        return error_set(err, KD_EINDEX,
                         "%s: truncated or damaged index (size %zu, expected %llu)" IN_PLACE_HINT,
                         name, size, (unsigned long long)h->file_size);
    uint64_t sum = kdx_checksum(copy, size);
    if (sum != h->checksum)
        return error_set(err, KD_EINDEX,
                         "%s: checksum mismatch: the index is damaged or changed while being read "
                         "(rewritten in place?); " SAFE_SWAP,
                         name);
    kd_index *ix = calloc(1, sizeof *ix);
    if (!ix)
        return error_set(err, KD_ENOMEM, "%s: out of memory", name);
    ix->map = copy;
    ix->map_size = size;
    ix->map_capacity = capacity;
    size_t n_meta = 0;
    const void *p = NULL;
    int bad = map_section(h, size, KDX_STRS, 1, &p, &ix->strings_size);
    ix->strings = p;
    bad = bad || map_section(h, size, KDX_DSET, sizeof(kdx_dataset), &p, &ix->n_datasets);
    ix->datasets = p;
    bad = bad || map_section(h, size, KDX_ENTS, sizeof(kdx_entity), &p, &ix->n_entities);
    ix->entities = p;
    bad = bad || map_section(h, size, KDX_VALS, sizeof(kdx_value), &p, &ix->n_values);
    ix->values = p;
    bad = bad || map_section(h, size, KDX_DSID, sizeof(uint16_t), &p, &ix->n_dataset_ids);
    ix->dataset_ids = p;
    bad = bad || map_section(h, size, KDX_META, sizeof(kdx_meta), &p, &n_meta);
    ix->meta = p;
    bad = bad || map_section(h, size, KDX_NAMS, sizeof(kdx_name), &p, &ix->n_names);
    ix->names = p;
    bad = bad || map_section(h, size, KDX_NTOK, sizeof(kdx_token), &p, &ix->n_tokens);
    ix->tokens = p;
    bad = bad || map_section(h, size, KDX_KEYS, sizeof(kdx_key), &p, &ix->n_keys);
    ix->keys = p;
    bad = bad || map_section(h, size, KDX_POST, sizeof(uint32_t), &p, &ix->n_postings);
    ix->postings = p;
    bad = bad || map_section(h, size, KDX_DELS, sizeof(kdx_deletion), &p, &ix->n_deletions);
    ix->deletions = p;
    if (!bad && find_section(h, KDX_JOIN)) {
        bad = map_section(h, size, KDX_JOIN, sizeof(kdx_hashed_name), &p, &ix->n_joined);
        ix->joined = p;
        for (size_t i = 0; !bad && i < ix->n_joined; i++)
            bad = ix->joined[i].name >= ix->n_names || (i && ix->joined[i].hash < ix->joined[i - 1].hash);
    }
    /* parties, written by a build that resolved them: each entry an
     * entity that names itself */
    size_t n_parties = 0;
    if (!bad && find_section(h, KDX_PRTY)) {
        bad = map_section(h, size, KDX_PRTY, sizeof(uint32_t), &p, &n_parties);
        ix->parties = p;
        bad = bad || n_parties != ix->n_entities;
        for (size_t i = 0; !bad && i < n_parties; i++)
            bad = ix->parties[i] >= n_parties || ix->parties[ix->parties[i]] != ix->parties[i];
    }
    if (bad || n_meta != 1 || validate(ix)) {
        free(ix);
        /* the checksum matched, so the file is as its writer made it */
        return error_set(err, KD_EINDEX,
                         "%s: damaged index (a table points outside the file) although its checksum "
                         "matches: it was written by a faulty kordon; rebuild it",
                         name);
    }
    if (ix->parties && index_group_members(ix)) {
        free(ix);
        return error_set(err, KD_ENOMEM, "%s: out of memory", name);
    }
    /* Nothing writes to an index: a stray write now faults at its source
     * instead of corrupting what every request reads. */
    mprotect(copy, capacity, PROT_READ);
    *out = ix;
    return KD_OK;
}

/* True when the file at fd is no longer the one fstat'ed as before. */
static int changed_since(int fd, const struct stat *before)
{
    struct stat now;
    return fstat(fd, &now) != 0 || now.st_size != before->st_size ||
           now.st_mtim.tv_sec != before->st_mtim.tv_sec || now.st_mtim.tv_nsec != before->st_mtim.tv_nsec ||
           now.st_ctim.tv_sec != before->st_ctim.tv_sec || now.st_ctim.tv_nsec != before->st_ctim.tv_nsec;
}

int index_open_stat(const char *path, kd_index **out, struct stat *st_out, kd_error *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, KD_EIO, "%s: cannot open index: %s%s", path, strerror(errno),
                         errno == ENOENT ? " (build one with `kordon build`)" : "");
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return error_set(err, KD_EIO, "%s: not a regular file", path);
    }
    if (st_out)
        *st_out = st;
    size_t size = (size_t)st.st_size;
    if (size < sizeof(kdx_header)) {
        close(fd);
        return error_set(err, KD_EINDEX, "%s: not a kordon index (too short: %zu bytes)" IN_PLACE_HINT, path,
                         size);
    }
    size_t capacity = 0;
    void *copy = alloc_copy(size, &capacity);
    if (!copy) {
        close(fd);
        return error_set(err, KD_ENOMEM, "%s: out of memory for a copy of the index (%zu MB)", path,
                         size >> 20);
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = pread(fd, (char *)copy + got, size - got, (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            munmap(copy, capacity);
            return error_set(err, KD_EIO, "%s: cannot read the index: %s", path, strerror(e));
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    int rc;
    if (got < size)
        rc = error_set(err, KD_EINDEX,
                       "%s: index changed while being read (it became shorter: %zu of %zu bytes); " SAFE_SWAP,
                       path, got, size);
    else
        rc = open_copy(copy, size, capacity, path, out, err);
    /* A refusal caused by a rewrite under us says so: "damaged" would send
     * the operator looking for a bad disk instead of a bad deployment. */
    if (rc == KD_EINDEX && got == size && changed_since(fd, &st))
        rc = error_set(err, KD_EINDEX,
                       "%s: index changed while being read (rewritten in place); " SAFE_SWAP, path);
    close(fd);
    if (rc)
        munmap(copy, capacity);
    return rc;
}

int kd_index_open(const char *path, kd_index **out, kd_error *err)
{
    struct stat st;
    return index_open_stat(path, out, &st, err);
}

int index_open_bytes(const void *data, size_t size, const char *name, kd_index **out, kd_error *err)
{
    *out = NULL;
    size_t capacity = 0;
    void *copy = alloc_copy(size ? size : 1, &capacity);
    if (!copy)
        return error_set(err, KD_ENOMEM, "%s: out of memory", name);
    if (size)
        memcpy(copy, data, size);
    int rc = open_copy(copy, size, capacity, name, out, err);
    if (rc)
        munmap(copy, capacity);
    return rc;
}

void kd_index_close(kd_index *ix)
{
    if (!ix)
        return;
    munmap(ix->map, ix->map_capacity);
    free(ix->members);
    free(ix->member_first);
    free(ix->member_count);
    free(ix->own_parties);
    free(ix);
}

int index_set_parties(kd_index *ix, uint32_t *parties, kd_error *err)
{
    for (size_t i = 0; i < ix->n_entities; i++)
        if (parties[i] >= ix->n_entities || parties[parties[i]] != parties[i]) {
            free(parties);
            return error_set(err, KD_EINDEX, "a party table where entity %zu names no party", i);
        }
    const uint32_t *was = ix->parties;
    uint32_t *members = ix->members, *first = ix->member_first, *count = ix->member_count;
    ix->parties = parties;
    if (index_group_members(ix)) {
        ix->parties = was;
        ix->members = members;
        ix->member_first = first;
        ix->member_count = count;
        free(parties);
        return error_set(err, KD_ENOMEM, "out of memory");
    }
    free(members);
    free(first);
    free(count);
    free(ix->own_parties);
    ix->own_parties = parties;
    return 0;
}

size_t kd_index_entity_count(const kd_index *ix) { return ix->n_entities; }

size_t kd_index_party(const kd_index *ix, size_t entity)
{
    return ix->parties && entity < ix->n_entities ? ix->parties[entity] : entity;
}

size_t kd_index_party_members(const kd_index *ix, size_t party, size_t *members, size_t cap)
{
    if (party >= ix->n_entities)
        return 0;
    party = kd_index_party(ix, party);
    if (!ix->members) {
        if (cap)
            members[0] = party;
        return 1;
    }
    size_t n = ix->member_count[party];
    const uint32_t *m = ix->members + ix->member_first[party];
    for (size_t i = 0; i < n && i < cap; i++)
        members[i] = m[i];
    return n;
}

size_t kd_index_party_datasets(const kd_index *ix, size_t position, size_t *datasets, size_t cap)
{
    size_t members[64], n = 0;
    size_t count = kd_index_party_members(ix, position, members, 64);
    for (size_t m = 0; m < count && m < 64; m++) {
        const kdx_entity *e = &ix->entities[members[m]];
        for (uint16_t i = 0; i < e->n_datasets; i++) {
            size_t d = ix->dataset_ids[e->datasets_first + i];
            bool seen = false;
            for (size_t k = 0; k < n && k < cap && !seen; k++)
                seen = datasets[k] == d;
            if (!seen && n++ < cap)
                datasets[n - 1] = d;
        }
    }
    return n;
}

/* A record as its party's members are ordered: its representative first,
 * then by authority (index_authority_rank) and id, the order in which
 * listings are shown. */
typedef struct member_key {
    uint32_t party, entity;
    int not_representative, rank;
    const char *id;
} member_key;

static int compare_member_keys(const void *a, const void *b)
{
    const member_key *x = a, *y = b;
    if (x->party != y->party)
        return x->party < y->party ? -1 : 1;
    if (x->not_representative != y->not_representative)
        return x->not_representative - y->not_representative;
    if (x->rank != y->rank)
        return x->rank - y->rank;
    return strcmp(x->id, y->id);
}

int index_group_members(kd_index *ix)
{
    size_t n = ix->n_entities;
    member_key *keys = malloc((n ? n : 1) * sizeof *keys);
    ix->members = malloc((n ? n : 1) * sizeof *ix->members);
    ix->member_first = calloc(n ? n : 1, sizeof *ix->member_first);
    ix->member_count = calloc(n ? n : 1, sizeof *ix->member_count);
    if (!keys || !ix->members || !ix->member_first || !ix->member_count) {
        free(keys);
        free(ix->members);
        free(ix->member_first);
        free(ix->member_count);
        ix->members = ix->member_first = ix->member_count = NULL;
        return KD_ENOMEM;
    }
    for (size_t e = 0; e < n; e++)
        keys[e] = (member_key){ix->parties[e], (uint32_t)e, ix->parties[e] != e,
                               index_authority_rank(ix, e), index_string(ix, ix->entities[e].id)};
    qsort(keys, n, sizeof *keys, compare_member_keys);
    for (size_t i = 0; i < n; i++) {
        ix->members[i] = keys[i].entity;
        if (ix->member_count[keys[i].party]++ == 0)
            ix->member_first[keys[i].party] = (uint32_t)i;
    }
    free(keys);
    return 0;
}

static const char *const authority_prefixes[] = {"un_", "eu_", "gb_", "us_", "ca_"};

void index_authority_label(const kd_index *ix, size_t entity, char *out, size_t size)
{
    static const char *const labels[] = {"UN", "EU", "UK", "US", "Canada"};
    int rank = index_authority_rank(ix, entity);
    const kdx_entity *e = &ix->entities[entity];
    if (rank < (int)KD_ARRAY_LEN(labels))
        snprintf(out, size, "%s", labels[rank]);
    else if (e->n_datasets)
        snprintf(out, size, "%s", index_string(ix, ix->datasets[ix->dataset_ids[e->datasets_first]].name));
    else
        snprintf(out, size, "?");
}

int index_authority_rank(const kd_index *ix, size_t entity)
{
    const char *const *order = authority_prefixes;
    const kdx_entity *e = &ix->entities[entity];
    int best = (int)KD_ARRAY_LEN(authority_prefixes);
    for (uint16_t i = 0; i < e->n_datasets; i++) {
        const char *name = index_string(ix, ix->datasets[ix->dataset_ids[e->datasets_first + i]].name);
        for (int k = 0; k < best; k++)
            if (strncmp(name, order[k], strlen(order[k])) == 0)
                best = k;
    }
    return best;
}

/* The schemata kordon screens (Person .. Airplane) are parties; addresses,
 * payments and sanctions are not. */
static bool is_party_schema(uint16_t schema)
{
    return schema <= KD_SCHEMA_AIRPLANE;
}

size_t kd_index_party_counts(const kd_index *ix, size_t *per_dataset)
{
    size_t total = 0;
    for (size_t e = 0; e < ix->n_entities; e++)
        total += is_party_schema(ix->entities[e].schema) && kd_index_party(ix, e) == e;
    if (!per_dataset)
        return total;
    /* stamp[p] = d + 1 once party p has been counted for dataset d */
    uint16_t *stamp = calloc(ix->n_entities ? ix->n_entities : 1, sizeof *stamp);
    for (size_t d = 0; d < ix->n_datasets; d++) {
        per_dataset[d] = 0;
        for (size_t e = 0; stamp && e < ix->n_entities; e++) {
            const kdx_entity *x = &ix->entities[e];
            bool in = false;
            for (uint32_t k = 0; k < x->n_datasets && !in; k++)
                in = ix->dataset_ids[x->datasets_first + k] == d;
            size_t p = kd_index_party(ix, e);
            if (in && is_party_schema(x->schema) && stamp[p] != d + 1) {
                stamp[p] = (uint16_t)(d + 1);
                per_dataset[d]++;
            }
        }
    }
    free(stamp);
    return total;
}
size_t kd_index_dataset_count(const kd_index *ix) { return ix->n_datasets; }
const char *kd_index_built_at(const kd_index *ix) { return index_string(ix, ix->meta->built_at); }

int kd_index_dataset(const kd_index *ix, size_t i, kd_dataset_info *out)
{
    if (i >= ix->n_datasets)
        return KD_ENOTFOUND;
    const kdx_dataset *d = &ix->datasets[i];
    out->name = index_string(ix, d->name);
    out->version = index_string(ix, d->version);
    out->newest_date = index_string(ix, d->newest_date);
    out->entity_count = d->entity_count;
    memcpy(out->schema_counts, d->schema_counts, sizeof out->schema_counts);
    return KD_OK;
}

int64_t kd_index_find(const kd_index *ix, const char *id)
{
    size_t lo = 0, hi = ix->n_entities;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(index_string(ix, ix->entities[mid].id), id);
        if (c == 0)
            return (int64_t)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return KD_ENOTFOUND;
}

int kd_index_entity(const kd_index *ix, size_t position, kd_entity_view *out)
{
    if (position >= ix->n_entities)
        return KD_ENOTFOUND;
    const kdx_entity *e = &ix->entities[position];
    out->id = index_string(ix, e->id);
    out->schema = (kd_schema)e->schema;
    out->datasets = ix->dataset_ids + e->datasets_first;
    out->n_datasets = e->n_datasets;
    out->values_ = ix->values + e->values_first;
    out->n_values = e->n_values;
    return KD_OK;
}

kd_value_ref kd_entity_view_value(const kd_index *ix, const kd_entity_view *view, uint32_t i)
{
    const kdx_value *v = (const kdx_value *)view->values_ + i;
    return (kd_value_ref){(kd_prop)v->prop, index_string(ix, v->text)};
}

const char *kd_entity_view_first(const kd_index *ix, const kd_entity_view *view, kd_prop prop)
{
    const kdx_value *v = view->values_;
    for (uint32_t i = 0; i < view->n_values; i++)
        if (v[i].prop == prop)
            return index_string(ix, v[i].text);
    return NULL;
}

int kd_index_entity_derived(const kd_index *ix, size_t position)
{
    kd_entity_view v;
    if (kd_index_entity(ix, position, &v) || (v.schema != KD_SCHEMA_UNKNOWN_LINK && v.schema != KD_SCHEMA_OWNERSHIP))
        return 0;
    const char *summary = kd_entity_view_first(ix, &v, KD_PROP_SUMMARY);
    return summary && strncmp(summary, KD_DERIVED_PREFIX, strlen(KD_DERIVED_PREFIX)) == 0;
}
