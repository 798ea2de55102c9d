/* Listing reasons as a corpus for text screening: an EU annex Person
 * record whose reason names the person by the upper-case surname of the
 * listed name ("Vladimir Michailovich DZHABAROV": "On 1 March 2014
 * Dzhabarov...") is real prose about a listed person, and its scan must
 * find that person. Shared by the test that holds the rate and the
 * benchmark that reports it. */
#include "scan/scan.h"
#include "scan_eval.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* The last all-capitals word of the name: the surname as EU annexes write it. */
static bool upper_surname(const char *name, char *out, size_t size)
{
    bool found = false;
    for (const char *p = name; *p;) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        bool upper = len >= 3;
        for (size_t i = 0; i < len && upper; i++)
            upper = !((unsigned char)p[i] < 0x80 && islower((unsigned char)p[i]));
        if (upper && len < size && isupper((unsigned char)p[0])) {
            memcpy(out, p, len);
            out[len] = '\0';
            found = true;
        }
        p += len;
    }
    return found;
}

/* The first occurrence of the surname as a whole word, case aside. */
static const char *find_word(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = text; *p; p++) {
        if (strncasecmp(p, word, n) != 0)
            continue;
        bool left = p == text || !isalnum((unsigned char)p[-1]);
        bool right = !isalnum((unsigned char)p[n]);
        if (left && right)
            return p;
    }
    return NULL;
}

const char *const scan_miss_cause_names[SCAN_MISS_COUNT] = {
    [SCAN_MISS_LINKED] = "taken as a linked name (the words are named in a listing)",
    [SCAN_MISS_OTHER] = "taken by another listed party",
    [SCAN_MISS_ALONE] = "surname alone, not taken (common or shared surname)",
    [SCAN_MISS_NAMED] = "named with other words, not matched",
};

static scan_miss_cause miss_cause(const char *reason, const char *at, const kd_mention *m, size_t n)
{
    size_t off = (size_t)(at - reason);
    for (size_t i = 0; i < n; i++)
        if (m[i].start <= off && off < m[i].end)
            return m[i].linked ? SCAN_MISS_LINKED : SCAN_MISS_OTHER;
    /* a capitalised word right before: "Hong Yong Chil", "Tania d'Amelio" */
    const char *p = at;
    while (p > reason && p[-1] == ' ')
        p--;
    const char *w = p;
    while (w > reason && isalpha((unsigned char)w[-1]))
        w--;
    return w < p && isupper((unsigned char)*w) ? SCAN_MISS_NAMED : SCAN_MISS_ALONE;
}

int scan_eval_reasons(kd_scanner *s, const kd_index *ix, scan_eval *out, scan_eval_miss_fn miss,
                      void *ctx, kd_error *err)
{
    memset(out, 0, sizeof *out);
    for (size_t e = 0; e < ix->n_entities; e++) {
        kd_entity_view v;
        kd_index_entity(ix, e, &v);
        if (v.schema != KD_SCHEMA_PERSON || strncmp(v.id, "eu-oj-", 6) != 0)
            continue;
        const char *name = kd_entity_view_first(ix, &v, KD_PROP_NAME);
        const char *reason = kd_entity_view_first(ix, &v, KD_PROP_REASON);
        char surname[128];
        const char *at;
        if (!name || !reason || !upper_surname(name, surname, sizeof surname) ||
            !(at = find_word(reason, surname)))
            continue;
        out->tried++;
        kd_mention *m;
        size_t n;
        size_t len = strlen(reason);
        int rc = kd_scan(s, reason, len, 0, &m, &n, err);
        if (rc)
            return rc;
        out->bytes += len;
        bool self = false;
        for (size_t i = 0; i < n && !self; i++)
            self = !m[i].linked && m[i].party == kd_index_party(ix, e);
        if (self) {
            out->found++;
        } else {
            scan_miss_cause cause = miss_cause(reason, at, m, n);
            out->misses[cause]++;
            if (miss)
                miss(ctx, e, reason, (size_t)(at - reason), strlen(surname), cause, m, n);
        }
        kd_mentions_free(m, n);
    }
    return KD_OK;
}

/* Two to four words, most of them Cyrillic: a person's name as Russian,
 * Ukrainian or Belarusian prose writes it. */
static bool cyrillic_name(const char *name)
{
    size_t cyrillic = 0, spaces = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        cyrillic += *p == 0xD0 || *p == 0xD1;
        spaces += *p == ' ';
        if (*p == '\n' || *p == ',' || *p == '(')
            return false;
    }
    return cyrillic > 3 && spaces >= 1 && spaces <= 3;
}

int scan_eval_cyrillic(kd_scanner *s, const kd_index *ix, scan_eval *out, kd_error *err)
{
    memset(out, 0, sizeof *out);
    buf sentence = {0};
    int rc = KD_OK;
    for (size_t e = 0; e < ix->n_entities && !rc; e++) {
        kd_entity_view v;
        kd_index_entity(ix, e, &v);
        if (v.schema != KD_SCHEMA_PERSON)
            continue;
        for (uint32_t i = 0; i < v.n_values && !rc; i++) {
            kd_value_ref r = kd_entity_view_value(ix, &v, i);
            if ((r.prop != KD_PROP_NAME && r.prop != KD_PROP_ALIAS) || !cyrillic_name(r.value))
                continue;
            buf_clear(&sentence);
            if (buf_append_str(&sentence, "Вчера ") || buf_append_str(&sentence, r.value) ||
                buf_append_str(&sentence, " заявил журналистам, что не согласен с решением.")) {
                rc = error_set(err, KD_ENOMEM, "out of memory");
                break;
            }
            kd_mention *m;
            size_t n;
            if ((rc = kd_scan(s, sentence.data, sentence.len, 0, &m, &n, err)))
                break;
            out->tried++;
            out->bytes += sentence.len;
            bool self = false;
            for (size_t k = 0; k < n && !self; k++)
                self = !m[k].linked && m[k].party == kd_index_party(ix, e);
            out->found += self;
            kd_mentions_free(m, n);
        }
    }
    buf_free(&sentence);
    return rc;
}
