/* The index a run screened against, as the store keeps it: one row of
 * index_versions (with its datasets) per index, named by a fingerprint of
 * its build time and list versions, which every run recorded against it
 * refers to. A connection remembers the index it last recorded against
 * (store_index_memo): the row's id once committed, and the content hashes
 * of the parties its runs hit, which a recording server computed anew for
 * every request. */
#include "store/store_internal.h"
#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fingerprint_of(const kd_index *ix, char out[65])
{
    sha256_ctx *h = sha256_new();
    out[0] = '\0';
    if (!h)
        return;
    const char *built = kd_index_built_at(ix);
    sha256_update(h, built ? built : "", strlen(built ? built : "") + 1);
    for (size_t i = 0; i < kd_index_dataset_count(ix); i++) {
        kd_dataset_info info;
        kd_index_dataset(ix, i, &info);
        char line[512];
        int n = snprintf(line, sizeof line, "%s\t%s\t%s\t%zu\n", info.name, info.version, info.newest_date,
                         (size_t)info.entity_count);
        sha256_update(h, line, n > 0 && (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    }
    sha256_final_hex(h, out);
}

/* Points the memo at ix: kept when ix has the fingerprint it holds (the
 * same index, or one built from the same lists at the same moment), else
 * emptied. */
static void memo_point(store_index_memo *m, const kd_index *ix)
{
    if (m->ix == ix && m->fingerprint[0])
        return;
    char fingerprint[65];
    fingerprint_of(ix, fingerprint);
    if (!fingerprint[0] || strcmp(fingerprint, m->fingerprint)) {
        memcpy(m->fingerprint, fingerprint, sizeof fingerprint);
        m->version_id = m->pending_version_id = 0;
        strmap_free(&m->hashes);
        m->hashes = (strmap){.copy_keys = true};
        m->n_hash_values = 0;
    }
    m->ix = ix;
}

/* The memo of a store whose index may have been freed and another put at
 * its address: every run's begin calls this first. */
void store_index_memo_begin(kd_store *s, const kd_index *ix)
{
    s->memo.ix = NULL; /* recomputes the fingerprint: cheap, once per run */
    memo_point(&s->memo, ix);
}

void store_index_memo_settle(kd_store *s, bool committed)
{
    if (committed && s->memo.pending_version_id)
        s->memo.version_id = s->memo.pending_version_id;
    s->memo.pending_version_id = 0;
}

void store_index_memo_free(kd_store *s)
{
    strmap_free(&s->memo.hashes);
    free(s->memo.hash_values);
    memset(&s->memo, 0, sizeof s->memo);
}

/* A map that grows with use: a server's runs hit a few thousand parties
 * of an index that may hold a million. */
void store_party_hash(kd_store *s, const kd_index *ix, size_t position, char out[65])
{
    store_index_memo *m = &s->memo;
    memo_point(m, ix);
    const char *key = (const char *)&position;
    uintptr_t i;
    if (strmap_get(&m->hashes, key, sizeof position, &i)) {
        memcpy(out, m->hash_values[i], 65);
        return;
    }
    kd_party_hash(ix, position, out);
    i = m->n_hash_values;
    /* out of memory: computed again next time */
    if (!vec_reserve(&m->hash_values, &m->hash_cap, i + 1, sizeof *m->hash_values) &&
        strmap_add(&m->hashes, key, sizeof position, i, NULL) >= 0) {
        memcpy(m->hash_values[i], out, 65);
        m->n_hash_values++;
    }
}

static int find_version(db *d, const char *fingerprint, int64_t *id, kd_error *err)
{
    db_stmt *q;
    int rc = db_prepare(d, "SELECT id FROM index_versions WHERE fingerprint = ?", &q, err);
    if (rc)
        return rc;
    db_bind_text(q, 1, fingerprint);
    int step = db_step(q, err);
    *id = step == 1 ? db_column_int(q, 0) : 0;
    db_finalize(q);
    return step < 0 ? KD_EIO : 0;
}

static int insert_version(kd_store *s, const kd_index *ix, int64_t *id, kd_error *err)
{
    db *d = s->d;
    db_stmt *st;
    char now[32];
    store_now_iso(now);
    /* another replica may write the same index at the same moment: the
     * second finds the first's row (PostgreSQL makes it wait for the
     * first's commit) */
    int rc = db_prepare(d, "INSERT INTO index_versions (fingerprint, built_at, first_recorded_at) VALUES (?, ?, ?) "
                           "ON CONFLICT (fingerprint) DO NOTHING RETURNING id", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, s->memo.fingerprint);
    db_bind_text(st, 2, kd_index_built_at(ix));
    db_bind_text(st, 3, now);
    int step = db_step(st, err);
    *id = step == 1 ? db_column_int(st, 0) : 0;
    db_finalize(st);
    if (step < 0)
        return KD_EIO;
    if (!*id)
        return 0;
    if ((rc = db_prepare(d, "INSERT INTO index_version_datasets (index_version_id, dataset, version, newest_date, "
                            "entity_count) VALUES (?, ?, ?, ?, ?)", &st, err)))
        return rc;
    for (size_t i = 0; !rc && i < kd_index_dataset_count(ix); i++) {
        kd_dataset_info info;
        kd_index_dataset(ix, i, &info);
        db_bind_int(st, 1, *id);
        db_bind_text(st, 2, info.name);
        db_bind_text(st, 3, info.version);
        db_bind_text(st, 4, info.newest_date[0] ? info.newest_date : NULL);
        db_bind_int(st, 5, info.entity_count);
        rc = db_step(st, err) < 0 ? KD_EIO : 0;
        db_reset(st);
    }
    db_finalize(st);
    return rc;
}

int store_index_version(kd_store *s, const kd_index *ix, int64_t *id, kd_error *err)
{
    store_index_memo *m = &s->memo;
    memo_point(m, ix);
    if (!m->fingerprint[0])
        return error_set(err, KD_ENOMEM, "out of memory");
    if (m->version_id || m->pending_version_id) {
        *id = m->version_id ? m->version_id : m->pending_version_id;
        return 0;
    }
    int rc = find_version(s->d, m->fingerprint, id, err);
    if (!rc && *id) {
        m->version_id = *id; /* committed by whoever wrote it */
        return 0;
    }
    if (!rc && !(rc = insert_version(s, ix, id, err)) && !*id)
        rc = find_version(s->d, m->fingerprint, id, err);
    if (!rc && !*id)
        rc = error_set(err, KD_EIO, "the index's version could not be written nor found");
    if (rc)
        return error_wrap(err, rc, "recording the index's version: ");
    m->pending_version_id = *id;
    return 0;
}
