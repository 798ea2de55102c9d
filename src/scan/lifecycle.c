/* Scanners and the tables they share: made, shared, freed; and the list of
 * mentions a scan fills. */
#include "scanner_internal.h"
#include "match/match.h"

#include <stdlib.h>
#include <string.h>

int scan_tables_new(const kd_index *ix, scan_tables **out, kd_error *err)
{
    *out = NULL;
    scan_tables *t = calloc(1, sizeof *t);
    if (!t)
        return error_set(err, KD_ENOMEM, "out of memory");
    atomic_init(&t->refs, 1);
    t->ix = ix;
    /* Every word of a listed mention must be a word of the listed name, so
     * a word whose key no listed name has rules its windows out at once:
     * this is what lets a scan skip most of a text cheaply. */
    if (scan_names_build(ix, &t->names)) {
        free(t);
        return error_set(err, KD_ENOMEM, "out of memory");
    }
    int rc = reasons_build(ix, &t->reasons, err);
    if (rc) {
        scan_names_free(&t->names);
        free(t);
        return rc;
    }
    *out = t;
    return KD_OK;
}

void scan_tables_release(scan_tables *t)
{
    if (!t || atomic_fetch_sub(&t->refs, 1) != 1)
        return;
    scan_names_free(&t->names);
    reasons_free(t->reasons);
    free(t);
}

int scan_scanner_new(scan_tables *t, kd_scanner **out, kd_error *err)
{
    *out = NULL;
    const kd_index *ix = t->ix;
    kd_scanner *s = calloc(1, sizeof *s);
    if (!s)
        return error_set(err, KD_ENOMEM, "out of memory");
    atomic_fetch_add(&t->refs, 1);
    s->tables = t;
    s->ix = ix;
    s->names = &t->names;
    s->reasons = t->reasons;
    s->entity_gen = calloc(ix->n_entities + 1, sizeof *s->entity_gen);
    s->entity_first = calloc(ix->n_entities + 1, sizeof *s->entity_first);
    size_t keys = t->names.n_keys_all + 1; /* the index's keys and split words' */
    s->surname_gen = calloc(keys, sizeof *s->surname_gen);
    s->surname_head = calloc(keys, sizeof *s->surname_head);
    s->after_name_gen = calloc(keys, sizeof *s->after_name_gen);
    s->after_name_first = calloc(keys, sizeof *s->after_name_first);
    s->related_gen = calloc(ix->n_entities + 1, sizeof *s->related_gen);
    if (!s->entity_gen || !s->entity_first || !s->surname_gen || !s->surname_head ||
        !s->after_name_gen || !s->after_name_first || !s->related_gen) {
        kd_scanner_free(s);
        return error_set(err, KD_ENOMEM, "out of memory");
    }
    int rc = kd_matcher_new(ix, &s->matcher, err);
    if (!rc)
        rc = scan_roman_init(&s->roman, err);
    if (rc) {
        kd_scanner_free(s);
        return rc;
    }
    *out = s;
    return KD_OK;
}

int kd_scanner_new(const kd_index *ix, kd_scanner **out, kd_error *err)
{
    scan_tables *t;
    int rc = scan_tables_new(ix, &t, err);
    if (rc)
        return rc;
    rc = scan_scanner_new(t, out, err);
    scan_tables_release(t); /* the scanner holds its own reference */
    return rc;
}

void kd_scanner_free(kd_scanner *s)
{
    if (!s)
        return;
    kd_matcher_free(s->matcher);
    scan_roman_free(&s->roman);
    scan_tables_release(s->tables);
    scan_tokens_free(&s->tokens);
    buf_free(&s->window);
    free(s->surnames);
    scan_memo_free(&s->memo);
    free(s->memo_results);
    free(s->entity_gen);
    free(s->entity_first);
    free(s->surname_gen);
    free(s->surname_head);
    free(s->after_name_gen);
    free(s->after_name_first);
    free(s->related_gen);
    free(s);
}

void kd_mentions_free(kd_mention *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!m[i].shared_related)
            free(m[i].related);
    free(m);
}

kd_mention *scan_push_mention(mention_list *l, size_t start, size_t end, size_t line)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        kd_mention *p = realloc(l->items, cap * sizeof *p);
        if (!p)
            return NULL;
        l->items = p;
        l->cap = cap;
    }
    kd_mention *m = &l->items[l->n++];
    memset(m, 0, sizeof *m);
    m->start = start;
    m->end = end;
    m->line = line;
    return m;
}

kd_mention *scan_push_repeat(mention_list *l, size_t was, size_t start, size_t end, size_t line)
{
    kd_mention *m = scan_push_mention(l, start, end, line);
    if (!m)
        return NULL;
    *m = l->items[was]; /* after the push: it may have moved the array */
    m->start = start;
    m->end = end;
    m->line = line;
    m->shared_related = 1;
    return m;
}
