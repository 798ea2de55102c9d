/* The sentences of every listing reason, position and note, as word-hash
 * sequences, with an index from each word hash to where it occurs: finding
 * who names a party is a binary search and a few comparisons. */
#include "scan.h"
#include "match/match.h"

#include <ctype.h>

#include <stdlib.h>
#include <string.h>

typedef struct sentence {
    uint32_t entity;
    const char *text; /* into the mapped index */
    uint32_t len;
    uint32_t tok_first, tok_count;
} sentence;

typedef struct occurrence {
    uint32_t hash, token; /* token position in `hashes` */
} occurrence;

/* One distinct word: where its run of occurrences starts in occ. A hash
 * table rather than a binary search because the scanner asks about every
 * capitalised word of the text, and "the" has tens of thousands. */
typedef struct word_slot {
    uint32_t hash, first, count;
} word_slot;

struct reason_index {
    sentence *sentences;
    size_t n_sentences, cap_sentences;
    uint32_t *hashes;
    uint32_t *token_sentence;
    uint8_t *token_inner_capital; /* capitalised, not first in its sentence */
    uint32_t *token_start;        /* byte offset in its sentence */
    uint16_t *token_len;
    size_t n_hashes, cap_hashes;
    occurrence *occ;
    word_slot *words; /* open addressing, hash 0 = empty (hashes are odd) */
    size_t n_slots;
    /* how the listings use words outside names (REASONS_LOWER...) */
    word_slot *marks; /* count holds the flags; first: lower-case uses less
                         capitalised ones inside a sentence, while building */
    size_t n_mark_slots, n_marked;
};

/* Only while building: a capitalised use not at the start of a sentence. */
#define CAPITAL_INSIDE 0x100u

static word_slot *mark_slot(word_slot *table, size_t n_slots, uint32_t hash)
{
    size_t at = hash & (n_slots - 1);
    while (table[at].hash && table[at].hash != hash)
        at = (at + 1) & (n_slots - 1);
    return &table[at];
}

/* Notes one use of a word straight into the table of distinct words, which
 * doubles at half full: the uses run to millions, the words to a tenth. */
static int mark(reason_index *r, uint32_t hash, uint32_t flag)
{
    if (2 * (r->n_marked + 1) > r->n_mark_slots) {
        size_t n = r->n_mark_slots ? 2 * r->n_mark_slots : 65536;
        word_slot *table = calloc(n, sizeof *table);
        if (!table)
            return KD_ENOMEM;
        for (size_t i = 0; i < r->n_mark_slots; i++)
            if (r->marks[i].hash)
                *mark_slot(table, n, r->marks[i].hash) = r->marks[i];
        free(r->marks);
        r->marks = table;
        r->n_mark_slots = n;
    }
    word_slot *w = mark_slot(r->marks, r->n_mark_slots, hash);
    if (!w->hash) {
        w->hash = hash;
        r->n_marked++;
    }
    w->count |= flag & ~(uint32_t)CAPITAL_INSIDE;
    w->first += (flag & REASONS_LOWER ? 1u : 0u) - (flag & CAPITAL_INSIDE ? 1u : 0u);
    return KD_OK;
}

/* Sorts occurrences by hash, keeping token order within a hash: a stable
 * radix sort, 16 bits a pass. Setting up a scanner sorts a million of them,
 * and qsort was a quarter of the set-up. */
static int sort_occurrences(occurrence *occ, size_t n)
{
    occurrence *tmp = malloc((n ? n : 1) * sizeof *tmp);
    uint32_t *count = malloc(65537 * sizeof *count);
    if (!tmp || !count) {
        free(tmp);
        free(count);
        return KD_ENOMEM;
    }
    occurrence *from = occ, *to = tmp;
    for (unsigned shift = 0; shift < 32; shift += 16) {
        memset(count, 0, 65537 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[((from[i].hash >> shift) & 0xFFFFu) + 1]++;
        for (size_t d = 1; d <= 65536; d++)
            count[d] += count[d - 1];
        for (size_t i = 0; i < n; i++)
            to[count[(from[i].hash >> shift) & 0xFFFFu]++] = from[i];
        occurrence *t = from;
        from = to;
        to = t;
    }
    /* two passes: the sorted run is back in occ */
    free(tmp);
    free(count);
    return KD_OK;
}

static int add_sentence(reason_index *r, uint32_t entity, const char *text, size_t len,
                        scan_tokens *toks)
{
    toks->n = 0;
    if (scan_tokenize(text, len, toks))
        return KD_ENOMEM;
    if (toks->n == 0)
        return KD_OK;
    if (r->n_sentences == r->cap_sentences) {
        size_t cap = r->cap_sentences ? r->cap_sentences * 2 : 4096;
        sentence *p = realloc(r->sentences, cap * sizeof *p);
        if (!p)
            return KD_ENOMEM;
        r->sentences = p;
        r->cap_sentences = cap;
    }
    if (r->n_hashes + toks->n > r->cap_hashes) {
        size_t cap = r->cap_hashes ? r->cap_hashes * 2 : 65536;
        while (cap < r->n_hashes + toks->n)
            cap *= 2;
        uint32_t *h = realloc(r->hashes, cap * sizeof *h);
        if (!h)
            return KD_ENOMEM;
        r->hashes = h;
        uint32_t *s = realloc(r->token_sentence, cap * sizeof *s);
        if (!s)
            return KD_ENOMEM;
        r->token_sentence = s;
        uint8_t *c = realloc(r->token_inner_capital, cap);
        if (!c)
            return KD_ENOMEM;
        r->token_inner_capital = c;
        uint32_t *ts = realloc(r->token_start, cap * sizeof *ts);
        if (!ts)
            return KD_ENOMEM;
        r->token_start = ts;
        uint16_t *tl = realloc(r->token_len, cap * sizeof *tl);
        if (!tl)
            return KD_ENOMEM;
        r->token_len = tl;
        r->cap_hashes = cap;
    }
    sentence *s = &r->sentences[r->n_sentences];
    *s = (sentence){entity, text, (uint32_t)len, (uint32_t)r->n_hashes, (uint32_t)toks->n};
    for (size_t i = 0; i < toks->n; i++) {
        r->token_sentence[r->n_hashes] = (uint32_t)r->n_sentences;
        r->token_inner_capital[r->n_hashes] = toks->items[i].capital && !toks->items[i].break_before &&
                                               !toks->items[i].connector;
        r->token_start[r->n_hashes] = (uint32_t)toks->items[i].start;
        size_t tl = toks->items[i].end - toks->items[i].start;
        r->token_len[r->n_hashes] = (uint16_t)(tl < UINT16_MAX ? tl : UINT16_MAX);
        r->hashes[r->n_hashes++] = scan_token_hash(toks, text, &toks->items[i]);
        const scan_token *t = &toks->items[i];
        uint32_t how = !t->capital ? REASONS_LOWER : !t->break_before ? CAPITAL_INSIDE : 0;
        if (how && mark(r, scan_word_hash(text + t->start, t->end - t->start), how))
            return KD_ENOMEM;
    }
    r->n_sentences++;
    return KD_OK;
}

/* Sentences end at ". " followed by a capital or a line break; a snippet
 * is a sentence. */
static int add_text(reason_index *r, uint32_t entity, const char *text, scan_tokens *toks)
{
    size_t len = strlen(text), start = 0;
    for (size_t i = 0; i <= len; i++) {
        bool end = i == len || text[i] == '\n' ||
                   (text[i] == '.' && i + 2 < len && text[i + 1] == ' ' &&
                    (text[i + 2] >= 'A' && text[i + 2] <= 'Z'));
        if (!end)
            continue;
        size_t stop = i < len && text[i] == '.' ? i + 1 : i;
        if (stop > start && add_sentence(r, entity, text + start, stop - start, toks))
            return KD_ENOMEM;
        start = i + 1;
        while (start < len && text[start] == ' ')
            start++;
    }
    return KD_OK;
}

/* Words of birth places and addresses: "Grozny" is a place there. */
static int add_place(reason_index *r, const char *text, scan_tokens *toks)
{
    toks->n = 0;
    if (scan_tokenize(text, strlen(text), toks))
        return KD_ENOMEM;
    for (size_t i = 0; i < toks->n; i++)
        if (mark(r, scan_word_hash(text + toks->items[i].start, toks->items[i].end - toks->items[i].start),
                 REASONS_PLACE))
            return KD_ENOMEM;
    return KD_OK;
}

/* A word used capitalised inside sentences more often than in lower case
 * is mostly a name's. */
static int index_marks(reason_index *r)
{
    if (!r->marks) { /* no reasons at all: lookups still need a table */
        if (!(r->marks = calloc(1024, sizeof *r->marks)))
            return KD_ENOMEM;
        r->n_mark_slots = 1024;
    }
    for (size_t i = 0; i < r->n_mark_slots; i++)
        if (r->marks[i].hash && (int32_t)r->marks[i].first < 0)
            r->marks[i].count |= REASONS_MOSTLY_CAPITAL;
    return KD_OK;
}

unsigned reasons_word_marks(const reason_index *r, uint32_t hash)
{
    size_t at = hash & (r->n_mark_slots - 1);
    while (r->marks[at].hash) {
        if (r->marks[at].hash == hash)
            return r->marks[at].count;
        at = (at + 1) & (r->n_mark_slots - 1);
    }
    return 0;
}

unsigned reasons_name_uses(const reason_index *r, uint32_t hash)
{
    size_t at = hash & (r->n_mark_slots - 1);
    while (r->marks[at].hash) {
        if (r->marks[at].hash == hash) /* first: lower-case uses less capitalised ones */
            return (int32_t)r->marks[at].first < 0 ? (unsigned)-(int32_t)r->marks[at].first : 0;
        at = (at + 1) & (r->n_mark_slots - 1);
    }
    return 0;
}

int reasons_build(const kd_index *ix, reason_index **out, kd_error *err)
{
    reason_index *r = calloc(1, sizeof *r);
    if (!r)
        return error_set(err, KD_ENOMEM, "out of memory");
    scan_tokens toks = {0};
    int rc = KD_OK;
    for (size_t e = 0; e < ix->n_entities && !rc; e++) {
        const kdx_entity *ent = &ix->entities[e];
        for (uint32_t v = 0; v < ent->n_values && !rc; v++) {
            const kdx_value *val = &ix->values[ent->values_first + v];
            if (val->prop == KD_PROP_REASON || val->prop == KD_PROP_POSITION ||
                val->prop == KD_PROP_NOTES || val->prop == KD_PROP_SUMMARY)
                rc = add_text(r, (uint32_t)e, index_string(ix, val->text), &toks);
            else if (val->prop == KD_PROP_BIRTH_PLACE || val->prop == KD_PROP_ADDRESS)
                rc = add_place(r, index_string(ix, val->text), &toks);
        }
    }
    scan_tokens_free(&toks);
    if (!rc)
        rc = index_marks(r);
    if (!rc && !(r->occ = malloc((r->n_hashes ? r->n_hashes : 1) * sizeof *r->occ)))
        rc = KD_ENOMEM;
    if (rc) {
        reasons_free(r);
        return error_set(err, rc, "indexing listing reasons: out of memory");
    }
    for (size_t i = 0; i < r->n_hashes; i++)
        r->occ[i] = (occurrence){r->hashes[i], (uint32_t)i};
    if (sort_occurrences(r->occ, r->n_hashes)) {
        reasons_free(r);
        return error_set(err, KD_ENOMEM, "indexing listing reasons: out of memory");
    }
    size_t distinct = 0;
    for (size_t i = 0; i < r->n_hashes; i++)
        distinct += i == 0 || r->occ[i].hash != r->occ[i - 1].hash;
    r->n_slots = 1024;
    while (r->n_slots < distinct * 2)
        r->n_slots *= 2;
    if (!(r->words = calloc(r->n_slots, sizeof *r->words))) {
        reasons_free(r);
        return error_set(err, KD_ENOMEM, "indexing listing reasons: out of memory");
    }
    for (size_t i = 0; i < r->n_hashes;) {
        size_t end = i;
        while (end < r->n_hashes && r->occ[end].hash == r->occ[i].hash)
            end++;
        size_t at = r->occ[i].hash & (r->n_slots - 1);
        while (r->words[at].hash)
            at = (at + 1) & (r->n_slots - 1);
        r->words[at] = (word_slot){r->occ[i].hash, (uint32_t)i, (uint32_t)(end - i)};
        i = end;
    }
    *out = r;
    return KD_OK;
}

void reasons_free(reason_index *r)
{
    if (!r)
        return;
    free(r->sentences);
    free(r->hashes);
    free(r->token_sentence);
    free(r->token_inner_capital);
    free(r->token_start);
    free(r->token_len);
    free(r->occ);
    free(r->words);
    free(r->marks);
    free(r);
}


static const word_slot *word_of(const reason_index *r, uint32_t hash)
{
    size_t at = hash & (r->n_slots - 1);
    while (r->words[at].hash) {
        if (r->words[at].hash == hash)
            return &r->words[at];
        at = (at + 1) & (r->n_slots - 1);
    }
    return NULL;
}

size_t reasons_word_count(const reason_index *r, uint32_t hash)
{
    const word_slot *w = word_of(r, hash);
    return w ? w->count : 0;
}

/* Whether the sentence at token `at` writes the text's words as a name:
 * one of them capitalised inside the sentence, and each Latin word spelled
 * close to the text's (keys alone let "You" stand for "EU"). */
static bool written_as_name(const reason_index *r, const sentence *s, uint32_t at,
                            const reasons_spelling *spell, size_t n)
{
    if (!memchr(r->token_inner_capital + at, 1, n))
        return false;
    for (size_t i = 0; i < n; i++) {
        const scan_token *t = &spell->tokens[i];
        size_t tl = t->end - t->start, rl = r->token_len[at + i];
        if (t->connector || tl > 63 || rl > 63)
            continue;
        char a[64], b[64];
        bool ascii = true;
        for (size_t k = 0; k < tl && ascii; k++) {
            unsigned char c = (unsigned char)spell->text[t->start + k];
            ascii = c < 0x80;
            a[k] = (char)tolower(c);
        }
        const char *rw = s->text + r->token_start[at + i];
        for (size_t k = 0; k < rl && ascii; k++) {
            unsigned char c = (unsigned char)rw[k];
            ascii = c < 0x80;
            b[k] = (char)tolower(c);
        }
        /* mostly the very word: equal needs no Jaro-Winkler */
        if (ascii && !(tl == rl && memcmp(a, b, tl) == 0) && similarity_jaro_winkler(a, tl, b, rl) < 0.85)
            return false;
    }
    return true;
}

/* Whether the token at `next` makes the name that ends before it part of
 * a longer name of something else: a capitalised word right after it (only
 * spaces between) that the listings otherwise write in lower case — "Evgeny
 * Primakov Children's Aid Foundation" — while more of a person's name
 * ("Mohammad Naim Barich Khudaidad") or a bracket ("Rossotrudnichestvo
 * (Federal Agency ...)") leaves it the name. */
static bool continues_name(const reason_index *r, const sentence *s, uint32_t next)
{
    if (next >= s->tok_first + s->tok_count || !r->token_inner_capital[next])
        return false;
    for (uint32_t c = r->token_start[next - 1] + r->token_len[next - 1]; c < r->token_start[next]; c++)
        if (s->text[c] != ' ')
            return false;
    const char *word = s->text + r->token_start[next];
    return reasons_word_marks(r, scan_word_hash(word, r->token_len[next])) & REASONS_LOWER;
}

size_t reasons_find(const reason_index *r, const uint32_t *seq, size_t n, uint32_t skip_entity,
                    const reasons_spelling *spell, bool standalone, size_t limit,
                    void (*found)(void *ctx, uint32_t entity, const char *sentence, size_t len),
                    void *ctx)
{
    if (n == 0)
        return 0;
    /* Anchor on the rarest word of the sequence: "the" or "Russian" occur
     * tens of thousands of times, a surname a handful. */
    size_t anchor = 0, best_first = 0, best_count = SIZE_MAX;
    for (size_t j = 0; j < n; j++) {
        const word_slot *w = word_of(r, seq[j]);
        if (!w)
            return 0;
        if (w->count < best_count) {
            best_count = w->count;
            best_first = w->first;
            anchor = j;
        }
    }
    size_t count = 0;
    uint32_t last_entity = UINT32_MAX;
    for (size_t k = best_first; k < best_first + best_count; k++) {
        uint32_t hit = r->occ[k].token;
        if (hit < anchor)
            continue;
        uint32_t at = hit - (uint32_t)anchor;
        /* the words first: they sit beside the anchor in memory, while its
         * sentence is a lookup away, and most occurrences fail here */
        if (at + n > r->n_hashes)
            continue;
        size_t same = 0; /* inline: a libc call per occurrence cost more than the compare */
        while (same < n && r->hashes[at + same] == seq[same])
            same++;
        if (same < n)
            continue;
        const sentence *s = &r->sentences[r->token_sentence[hit]];
        if (at < s->tok_first || at + n > s->tok_first + s->tok_count || s->entity == skip_entity)
            continue;
        if (s->entity == last_entity || (spell && !written_as_name(r, s, at, spell, n)) ||
            (standalone && continues_name(r, s, at + (uint32_t)n)))
            continue;
        last_entity = s->entity;
        if (++count > limit)
            break;
        if (found)
            found(ctx, s->entity, s->text, s->len);
    }
    return count;
}
