/* A mention's related listings: the other listed parties whose reasons,
 * positions or notes name it, each with the sentence that does. Kept up to
 * the scan's cap, counted beyond it: a party named in hundreds of listings
 * ("Wagner Group") would otherwise cost kilobytes of snippets per mention. */
#include "scanner_internal.h"
#include "match/match.h"

#include <stdlib.h>
#include <string.h>

void scan_related_begin(kd_scanner *s, kd_mention *m, related_sink *sink)
{
    /* one increment forgets which entities the previous mention counted */
    if (++s->related_stamp == 0) {
        memset(s->related_gen, 0, (s->ix->n_entities + 1) * sizeof *s->related_gen);
        s->related_stamp = 1;
    }
    *sink = (related_sink){s, m, false};
}

void scan_add_related(void *ctx, uint32_t entity, const char *sentence, size_t len)
{
    related_sink *sink = ctx;
    kd_scanner *s = sink->s;
    kd_mention *m = sink->m;
    /* reasons_find reports an entity once per call, but a mention asks
     * several times (each of its names): counted once, and once per party
     * (two lists giving the same reason for one party are one entry); the
     * mention's own party does not relate to itself */
    if (entity >= s->ix->n_entities)
        return;
    size_t party = kd_index_party(s->ix, entity);
    if (party == m->party || s->related_gen[party] == s->related_stamp)
        return;
    s->related_gen[party] = s->related_stamp;
    m->n_related_total++;
    if (m->n_related >= s->related_cap)
        return;
    kd_related *p = realloc(m->related, (m->n_related + 1) * sizeof *p);
    if (!p) {
        sink->failed = true;
        return;
    }
    m->related = p;
    kd_related *r = &p[m->n_related++];
    r->entity = entity;
    size_t n = len < sizeof r->snippet - 1 ? len : sizeof r->snippet - 1;
    while (n > 0 && n < len && ((unsigned char)sentence[n] & 0xC0) == 0x80)
        n--; /* never cut a character in half */
    memcpy(r->snippet, sentence, n);
    r->snippet[n] = '\0';
}

/* The hash sequence of one of the index's names. */
static size_t name_hashes(const kd_index *ix, const kdx_name *name, uint32_t *out, size_t max)
{
    size_t n = 0;
    for (uint16_t t = 0; t < name->n_tokens && n < max; t++) {
        const char *key = index_string(ix, ix->keys[ix->tokens[name->tokens_first + t].key].text);
        uint64_t h = hash_bytes(key, strlen(key));
        out[n++] = (uint32_t)(h ^ (h >> 32)) | 1u;
    }
    return n;
}

/* Other listed entities whose reasons name this one: by any of its names,
 * and for a person by first and last name alone. Single-word names count
 * only when the word is rare in the lists (an agency's short name, not a
 * common surname). */
static void find_related_by_names(kd_scanner *s, size_t entity, related_sink *sink)
{
    const kd_index *ix = s->ix;
    size_t lo = 0, hi = ix->n_names;
    while (lo < hi) { /* names are stored in entity order */
        size_t mid = lo + (hi - lo) / 2;
        if (ix->names[mid].entity < entity)
            lo = mid + 1;
        else
            hi = mid;
    }
    bool person = ix->entities[entity].schema == KD_SCHEMA_PERSON;
    uint32_t seq[32];
    for (size_t i = lo; i < ix->n_names && ix->names[i].entity == entity; i++) {
        const kdx_name *name = &ix->names[i];
        size_t n = name_hashes(ix, name, seq, 32);
        if (n == 1 && ix->keys[ix->tokens[name->tokens_first].key].entity_count > 3)
            continue;
        if (n == 0)
            continue;
        reasons_find(s->reasons, seq, n, (uint32_t)entity, NULL, person, SIZE_MAX, scan_add_related, sink);
        if (person && n >= 3) {
            seq[1] = seq[n - 1];
            reasons_find(s->reasons, seq, 2, (uint32_t)entity, NULL, person, SIZE_MAX, scan_add_related, sink);
        }
    }
}

/* By the names of every record of the mention's party: each list spells
 * the party its own way, and other listings may use any of them. */
int scan_find_related(kd_scanner *s, kd_mention *m)
{
    related_sink sink;
    scan_related_begin(s, m, &sink);
    size_t members[64];
    size_t n = kd_index_party_members(s->ix, m->party, members, 64);
    for (size_t k = 0; k < n && k < 64; k++)
        find_related_by_names(s, members[k], &sink);
    return sink.failed ? KD_ENOMEM : KD_OK;
}
