/* Serialises a builder into the .kdx layout described in index.h. */
#include "index.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* The builder's internals, shared with builder.c through this one file
 * rather than a header: nothing else should see them. */
#include "builder_internal.h"

int strings_intern(string_table *t, const char *s, uint32_t *out)
{
    size_t len = strlen(s);
    uintptr_t offset;
    if (strmap_get(&t->offsets, s, len, &offset)) {
        *out = (uint32_t)offset;
        return KD_OK;
    }
    if (t->blob.len + len + 1 >= UINT32_MAX)
        return KD_ELIMIT;
    offset = t->blob.len;
    size_t cap = t->blob.cap;
    if (buf_append(&t->blob, s, len + 1))
        return KD_ENOMEM;
    /* The keys are the blob's own strings: when it moved, each is found
     * again at its offset (the bytes, so hashes and slots, are the same). */
    if (t->blob.cap != cap)
        for (size_t i = 0; i < t->offsets.count; i++)
            t->offsets.entries[i].key = t->blob.data + t->offsets.entries[i].value;
    int rc = strmap_add(&t->offsets, t->blob.data + offset, len, offset, NULL);
    if (rc < 0)
        return rc;
    *out = (uint32_t)offset;
    return KD_OK;
}

static int compare_entities(const void *a, const void *b)
{
    return strcmp(((const built_entity *)a)->id, ((const built_entity *)b)->id);
}

typedef struct section_data {
    uint32_t tag;
    const void *data;
    size_t size;
} section_data;

static int write_all(int fd, const void *data, size_t n)
{
    const char *p = data;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int write_file(const char *path, const section_data *sections, size_t n, kd_error *err)
{
    kdx_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, KDX_MAGIC, sizeof KDX_MAGIC);
    h.version = KDX_VERSION;
    h.section_count = (uint32_t)n;
    h.schema_count = KD_SCHEMA_COUNT;
    h.prop_count = KD_PROP_COUNT;
    uint64_t offset = sizeof h;
    for (size_t i = 0; i < n; i++) {
        offset = (offset + 7) & ~(uint64_t)7;
        h.sections[i] = (kdx_section){sections[i].tag, 0, offset, sections[i].size};
        offset += sections[i].size;
    }
    h.file_size = offset;

    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0644); /* read back for the checksum */
    if (fd < 0)
        return error_set(err, KD_EIO, "%s: cannot create: %s", tmp, strerror(errno));
    static const char zeros[8];
    uint64_t at = sizeof h;
    int bad = write_all(fd, &h, sizeof h);
    for (size_t i = 0; i < n && !bad; i++) {
        bad = write_all(fd, zeros, h.sections[i].offset - at);
        bad = bad || write_all(fd, sections[i].data, sections[i].size);
        at = h.sections[i].offset + sections[i].size;
    }
    /* The checksum is taken over the bytes as written, read back through a
     * private mapping (kdx_checksum zeroes its own field while hashing, which
     * must not reach the file), then stored into the header. */
    if (!bad) {
        void *map = mmap(NULL, (size_t)h.file_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            bad = 1;
        } else {
            uint64_t sum = kdx_checksum(map, (size_t)h.file_size);
            munmap(map, (size_t)h.file_size);
            bad = pwrite(fd, &sum, sizeof sum, offsetof(kdx_header, checksum)) != (ssize_t)sizeof sum;
        }
    }
    /* fsync before rename: after a crash the name points at either the old
     * complete index or the new complete one. */
    if (bad || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        return error_set(err, KD_EIO, "%s: write failed: %s", tmp, strerror(e));
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return error_set(err, KD_EIO, "%s: cannot rename into place: %s", path, strerror(e));
    }
    return KD_OK;
}

int index_builder_write(index_builder *b, const char *path, kd_error *err)
{
    if (b->n_entities == 0)
        return error_set(err, KD_EEMPTY, "no entities to index");
    qsort(b->entities, b->n_entities, sizeof *b->entities, compare_entities);

    string_table strings = {0};
    kdx_entity *ents = calloc(b->n_entities, sizeof *ents);
    size_t n_values = 0, n_ds = 0;
    for (size_t i = 0; i < b->n_entities; i++) {
        n_values += b->entities[i].n_values;
        n_ds += b->entities[i].n_datasets;
    }
    kdx_value *vals = calloc(n_values ? n_values : 1, sizeof *vals);
    uint16_t *dsids = calloc(n_ds ? n_ds : 1, sizeof *dsids);
    kdx_dataset *dsets = calloc(b->n_datasets, sizeof *dsets);
    int rc = (!ents || !vals || !dsids || !dsets) ? KD_ENOMEM : KD_OK;

    size_t vi = 0, di = 0;
    for (size_t i = 0; i < b->n_entities && !rc; i++) {
        const built_entity *be = &b->entities[i];
        kdx_entity *ke = &ents[i];
        rc = strings_intern(&strings, be->id, &ke->id);
        ke->schema = be->schema;
        ke->n_datasets = be->n_datasets;
        ke->datasets_first = (uint32_t)di;
        ke->values_first = (uint32_t)vi;
        ke->n_values = be->n_values;
        for (uint16_t k = 0; k < be->n_datasets; k++)
            dsids[di++] = be->datasets[k];
        for (uint32_t k = 0; k < be->n_values && !rc; k++) {
            vals[vi].prop = be->values[k].prop;
            rc = strings_intern(&strings, be->values[k].text, &vals[vi].text);
            vi++;
        }
    }
    for (size_t i = 0; i < b->n_datasets && !rc; i++) {
        built_dataset *d = &b->datasets[i];
        char version[65];
        sha256_final_hex(d->hash, version);
        d->hash = NULL;
        rc = strings_intern(&strings, d->name, &dsets[i].name);
        rc = rc ? rc : strings_intern(&strings, version, &dsets[i].version);
        rc = rc ? rc : strings_intern(&strings, d->newest, &dsets[i].newest_date);
        dsets[i].entity_count = d->count;
        memcpy(dsets[i].schema_counts, d->schema_counts, sizeof d->schema_counts);
    }
    name_tables names = {0};
    if (!rc)
        rc = names_build(b->entities, b->n_entities, &strings, &names, err);
    kdx_meta meta = {0};
    if (!rc) {
        char stamp[64];
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
        rc = strings_intern(&strings, stamp, &meta.built_at);
        rc = rc ? rc : strings_intern(&strings, "kordon " KORDON_VERSION_STRING, &meta.generator);
    }
    if (rc) {
        error_wrap(err, rc, "%s: cannot build the index: ", path);
    } else {
        section_data sections[] = {
            {KDX_STRS, strings.blob.data, strings.blob.len},
            {KDX_DSET, dsets, b->n_datasets * sizeof *dsets},
            {KDX_ENTS, ents, b->n_entities * sizeof *ents},
            {KDX_VALS, vals, n_values * sizeof *vals},
            {KDX_DSID, dsids, n_ds * sizeof *dsids},
            {KDX_META, &meta, sizeof meta},
            {KDX_NAMS, names.names, names.n_names * sizeof *names.names},
            {KDX_NTOK, names.tokens, names.n_tokens * sizeof *names.tokens},
            {KDX_KEYS, names.keys, names.n_keys * sizeof *names.keys},
            {KDX_POST, names.postings, names.n_postings * sizeof *names.postings},
            {KDX_DELS, names.deletions, names.n_deletions * sizeof *names.deletions},
            {KDX_JOIN, names.joined, names.n_joined * sizeof *names.joined},
        };
        rc = write_file(path, sections, KD_ARRAY_LEN(sections), err);
    }
    names_free(&names);
    free(ents);
    free(vals);
    free(dsids);
    free(dsets);
    strmap_free(&strings.offsets);
    buf_free(&strings.blob);
    return rc;
}

int index_write_with_section(const kd_index *ix, const char *path, uint32_t tag, const void *data, size_t size,
                             kd_error *err)
{
    const kdx_header *h = ix->map;
    section_data sections[KDX_MAX_SECTIONS];
    size_t n = 0;
    for (uint32_t i = 0; i < h->section_count; i++)
        if (h->sections[i].tag != tag)
            sections[n++] = (section_data){h->sections[i].tag, (const char *)ix->map + h->sections[i].offset,
                                           h->sections[i].size};
    if (n == KDX_MAX_SECTIONS)
        return error_set(err, KD_ELIMIT, "%s: no room for another section in the index", path);
    sections[n++] = (section_data){tag, data, size};
    return write_file(path, sections, n, err);
}
