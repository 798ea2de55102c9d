/* Surnames in prose: a title and a surname ("Mr Primakov"), the surname
 * again after the full name, and a rare listed surname standing alone. */
#include "scanner_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A surname after a title names a listed person when the listed name ends
 * with it, spelled the same, and few listed records bear it (the caller
 * counts): "Mr Govor" is Roman GOVOR; "President Aliyev" names no one
 * listed. */
bool scan_titled_surname_matches(const char *text, const scan_token *t, const kd_match_result *r)
{
    if (r->name_score < 0.55)
        return false;
    const char *last = strrchr(r->matched_name, ' ');
    if (!last)
        return false; /* a one-word name has no surname to be called by */
    last++;
    char lower[64];
    size_t n = 0;
    for (size_t i = t->start; i < t->end && n < sizeof lower; i++)
        lower[n++] = (char)tolower((unsigned char)text[i]);
    if (strlen(last) != n || memcmp(last, lower, n) != 0)
        return false;
    return true;
}

int scan_remember_surname(kd_scanner *s, uint32_t key, size_t mention)
{
    if (key == UINT32_MAX)
        return KD_OK;
    if (s->n_surnames == s->cap_surnames) {
        size_t cap = s->cap_surnames ? s->cap_surnames * 2 : 16;
        struct named_surname *p = realloc(s->surnames, cap * sizeof *p);
        if (!p)
            return KD_ENOMEM;
        s->surnames = p;
        s->cap_surnames = cap;
    }
    bool known = s->surname_gen[key] == s->gen;
    s->surnames[s->n_surnames] = (struct named_surname){(uint32_t)mention,
                                                        known ? s->surname_head[key] : UINT32_MAX};
    s->surname_gen[key] = s->gen;
    s->surname_head[key] = (uint32_t)s->n_surnames++;
    return KD_OK;
}

/* A surname alone after the person was named in full: the same listed
 * parties, whatever other records share the surname. */
int scan_try_named_surname(kd_scanner *s, const char *text, const scan_token *t,
                             mention_list *out, bool *taken)
{
    if (!t->capital || t->title || t->connector || t->key == UINT32_MAX ||
        s->surname_gen[t->key] != s->gen)
        return 0;
    /* one Han or Hangul syllable (박, 郭) stands for too many people, and
     * for more than names, to be taken alone */
    size_t chars = 0;
    for (size_t i = t->start; i < t->end; i++)
        chars += ((unsigned char)text[i] & 0xC0) != 0x80;
    if (t->romanised && chars < 2)
        return 0;
    size_t first_here = out->n;
    for (uint32_t i = s->surname_head[t->key]; i != UINT32_MAX; i = s->surnames[i].next) {
        uint32_t full_at = s->surnames[i].mention;
        /* spelled as the full mention's last word: the key alone would let
         * "Maria" follow "Xavier Moreau" */
        const kd_mention *named = &out->items[full_at];
        size_t len = t->end - t->start, at = named->end - len;
        if (named->end < len || (at > named->start && text[at - 1] != ' ' && text[at - 1] != '-') ||
            strncasecmp(text + at, text + t->start, len) != 0)
            continue;
        bool dup = false; /* one mention per entity at this place */
        for (size_t k = first_here; k < out->n && !dup; k++)
            dup = out->items[k].party == out->items[full_at].party;
        if (dup)
            continue;
        kd_mention *m = scan_push_repeat(out, full_at, t->start, t->end, t->line);
        if (!m)
            return KD_ENOMEM;
        const kd_mention *full = &out->items[full_at];
        snprintf(m->explanation, sizeof m->explanation, "surname of \"%.*s\" named above",
                 (int)(full->end - full->start), text + full->start);
        *taken = true;
    }
    return 0;
}

/* Whether a capitalised word standing alone may be the surname of a listed
 * person ("Dzhabarov supported..."): a word of listed names that few
 * records hold, never written in lower case in the listings' prose (a
 * common word: "Rage", "Hope") and never part of a birth place or an
 * address (a place: "Grozny"). kd_match and the bearer count decide. */
bool scan_bare_surname_possible(const kd_scanner *s, const char *text, const scan_token *t)
{
    if (!t->capital || t->title || t->connector || t->key == UINT32_MAX ||
        t->end - t->start < BARE_SURNAME_MIN_LEN || !t->ascii)
        return false;
    if (t->key >= s->ix->n_keys || s->ix->keys[t->key].entity_count > BARE_SURNAME_MAX_RECORDS)
        return false;
    if (reasons_word_marks(s->reasons, scan_word_hash(text + t->start, t->end - t->start)) &
        (REASONS_LOWER | REASONS_PLACE))
        return false;
    if (scan_is_country(text + t->start, t->end - t->start))
        return false;
    /* standing alone: a capitalised word beside it makes it part of a name
     * that is not listed ("Krystal Miller", "Osman Tlustek") */
    size_t at = (size_t)(t - s->tokens.items);
    if ((at > 0 && !t->break_before && t[-1].capital && !t[-1].title) ||
        (at + 1 < s->tokens.n && !t[1].break_before && t[1].capital))
        return false;
    /* "Yesterday Kim Miller met the press. Later Miller said...": the text
     * named its Miller in full, and not as a listed person (that one
     * try_named_surname would have taken) */
    return !(s->after_name_gen[t->key] == s->gen && s->after_name_first[t->key] <= at);
}

/* How many listed persons (up to 4) bear the word as the last word of a
 * name, spelled the same: read from the postings of its key, so a
 * surname no one or everyone bears costs no kd_match. One person is on
 * several lists (Malofeev on four): persons are told apart by the key of
 * the name's first word, the given name. */
int scan_surname_bearers(const kd_scanner *s, const char *text, const scan_token *t)
{
    const kd_index *ix = s->ix;
    size_t len = t->end - t->start;
    if (t->key >= ix->n_keys || len > 63) /* a split word's key has no postings of its own */
        return 0;
    char lower[64];
    for (size_t i = 0; i < len; i++)
        lower[i] = (char)tolower((unsigned char)text[t->start + i]);
    const kdx_key *k = &ix->keys[t->key];
    uint32_t bearers[4];
    int n = 0;
    for (uint32_t p = 0; p < k->n_postings && n < 4; p++) {
        const kdx_name *name = &ix->names[ix->postings[k->postings_first + p]];
        /* a surname ends a name of two words or more: a one-word alias
         * ("MARTIN", an OFAC weak alias) is no one's surname */
        if (ix->entities[name->entity].schema != KD_SCHEMA_PERSON || name->n_tokens < 2)
            continue;
        const kdx_token *last = &ix->tokens[name->tokens_first + name->n_tokens - 1];
        if (last->key != t->key || last->len != len ||
            memcmp(index_string(ix, last->surface), lower, len) != 0)
            continue;
        uint32_t given = name->n_tokens > 1 ? ix->tokens[name->tokens_first].key : UINT32_MAX;
        bool seen = false;
        for (int i = 0; i < n && !seen; i++)
            seen = bearers[i] == given;
        if (!seen)
            bearers[n++] = given;
    }
    return n;
}
