/* Linked mentions: a name in the text that is not listed but that the
 * reasons, positions or notes of listed parties name ("Russian House",
 * a foundation, a ministry), reported with those parties and sentences. */
#include "scanner_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef struct entity_set {
    uint32_t items[LINKED_MAX_ENTITIES];
    size_t n;
} entity_set;

static void collect_entity(void *ctx, uint32_t entity, const char *sentence, size_t len)
{
    (void)sentence;
    (void)len;
    entity_set *set = ctx;
    if (set->n < LINKED_MAX_ENTITIES)
        set->items[set->n++] = entity;
}

/* Whether the last two or more words of [a, b) are all words of one name
 * of the entity. */
static bool ends_with_name_of(const kd_scanner *s, const scan_token *tok, size_t a, size_t b,
                              uint32_t entity)
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
    for (size_t i = lo; i < ix->n_names && ix->names[i].entity == entity; i++) {
        const kdx_name *name = &ix->names[i];
        const kdx_token *nt = &ix->tokens[name->tokens_first];
        size_t words = 0;
        for (size_t k = b; k-- > a;) {
            if (tok[k].connector)
                continue;
            if (!tok[k].ascii || tok[k].key == UINT32_MAX)
                break;
            bool in = false;
            for (uint16_t t = 0; t < name->n_tokens && !in; t++)
                in = nt[t].key == tok[k].key;
            if (!in)
                break;
            words++;
        }
        if (words >= 2)
            return true;
    }
    return false;
}

/* The same linked name again: the same listings name it. */
static int repeat_linked(mention_list *out, uint32_t first, size_t start, size_t end, size_t line,
                         bool *taken)
{
    if (!scan_push_repeat(out, first, start, end, line))
        return KD_ENOMEM;
    *taken = true;
    return 0;
}

static int linked_decision(kd_scanner *s, const char *text, const scan_token *tok, size_t a,
                           size_t b, mention_list *out, bool *taken)
{
    size_t start = tok[a].start, end = tok[b - 1].end;
    /* A proper name has a word the listings write capitalised more often
     * than not: "This License" and "OR ANY" are common words however
     * capitalised, "Russian House" is a name. The first word of a sentence
     * is capitalised whatever it is; a word in capitals ("LIMITED") must
     * never be written in lower case there. */
    bool proper = false;
    for (size_t i = a; i < b && !proper; i++) {
        if (tok[i].connector || tok[i].break_before)
            continue;
        unsigned marks = reasons_word_marks(s->reasons, scan_word_hash(text + tok[i].start,
                                                                       tok[i].end - tok[i].start));
        bool caps = tok[i].end - tok[i].start >= 2;
        for (size_t k = tok[i].start; k < tok[i].end && caps; k++)
            caps = !islower((unsigned char)text[k]);
        proper = (marks & REASONS_MOSTLY_CAPITAL) && !(caps && (marks & REASONS_LOWER));
    }
    if (!proper)
        return 0;
    uint32_t seq[SCAN_MAX_WINDOW];
    for (size_t i = a; i < b; i++)
        seq[i - a] = tok[i].hash;
    reasons_spelling spell = {text, &tok[a]};
    entity_set named = {0};
    size_t count = reasons_find(s->reasons, seq, b - a, UINT32_MAX, &spell, false, LINKED_MAX_ENTITIES, collect_entity,
                                &named);
    if (count == 0 || count > LINKED_MAX_ENTITIES || scan_is_country(text + start, end - start))
        return 0;
    /* "Army General Oleg Salyukov" in Salyukov's own listing is Salyukov:
     * the shorter windows will find him listed. */
    for (size_t i = 0; i < named.n; i++)
        if (ends_with_name_of(s, tok, a, b, named.items[i]))
            return 0;
    /* "Russian President Vladimir Putin", "Defence Minister Sergei Shoigu":
     * however often the listings write the whole phrase, a listed name at
     * its end is the name, the words before it say who he is */
    for (size_t k = a + 1; k + 2 <= b; k++)
        if (scan_listed_within(s, text, tok, k, b))
            return 0;
    kd_mention *m = scan_push_mention(out, start, end, tok[a].line);
    if (!m)
        return KD_ENOMEM;
    m->linked = 1;
    m->score = 1.0;
    snprintf(m->explanation, sizeof m->explanation, "named in the listings of %zu listed part%s",
             count, count == 1 ? "y" : "ies");
    related_sink sink;
    scan_related_begin(s, m, &sink);
    reasons_find(s->reasons, seq, b - a, UINT32_MAX, &spell, false, SIZE_MAX, scan_add_related, &sink);
    if (sink.failed)
        return KD_ENOMEM;
    *taken = true;
    return 0;
}

int scan_try_linked(kd_scanner *s, const char *text, const scan_token *tok, size_t a, size_t b,
                      mention_list *out, bool *taken)
{
    while (a < b && (tok[a].connector || tok[a].title))
        a++;
    /* "Nicolás Maduro and": the window without "and" comes next, and is
     * tried as a listed name before it is tried as a linked one */
    if (b - a < 2 || tok[b - 1].connector)
        return 0;
    /* a name does not stop before the capitalised word that goes on with
     * it: "Army General Oleg" of "Army General Oleg Salyukov" is no one */
    if (b < s->tokens.n && !tok[b].break_before && tok[b].capital && !tok[b].connector)
        return 0;
    size_t start = tok[a].start, end = tok[b - 1].end;
    int tag = MEMO_TAG_LINKED;
    for (size_t i = a; i < b; i++)
        tag += tok[i].break_before ? 1 << (i - a) : 0;
    uint32_t first, count;
    if (scan_memo_get(&s->memo, tag, text + start, end - start, &first, &count)) {
        if (first == UINT32_MAX)
            return 0;
        return repeat_linked(out, first, start, end, tok[a].line, taken);
    }
    int rc = linked_decision(s, text, tok, a, b, out, taken);
    if (rc)
        return rc;
    return scan_memo_put(&s->memo, tag, text + start, end - start,
                         *taken ? (uint32_t)(out->n - 1) : UINT32_MAX, 0);
}
