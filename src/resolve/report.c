/* The report of a resolution, for a reviewer: each party of several
 * records with the links that joined them, the refusals, the pairs kept
 * apart, and a summary. Written by `kordon xref` and `kordon build
 * --report`. */
#include "resolve/resolve.h"

#include <stdlib.h>
#include <string.h>

static const char *dataset_name(const kd_index *ix, size_t e)
{
    kd_entity_view v;
    kd_dataset_info d;
    kd_index_entity(ix, e, &v);
    return v.n_datasets && !kd_index_dataset(ix, v.datasets[0], &d) ? d.name : "?";
}

static const char *caption(const kd_index *ix, size_t e)
{
    kd_entity_view v;
    kd_index_entity(ix, e, &v);
    const char *name = kd_entity_view_first(ix, &v, KD_PROP_NAME);
    return name ? name : v.id;
}

static const char *id_of(const kd_index *ix, size_t e)
{
    kd_entity_view v;
    kd_index_entity(ix, e, &v);
    return v.id;
}

static void print_link(FILE *out, const kd_index *ix, const resolve_link *l, const char *why)
{
    fprintf(out, "    %s ~ %s: %s: %s%s%s\n", id_of(ix, l->a), id_of(ix, l->b), resolve_kind_name(l->kind), l->detail,
           why ? " — " : "", why ? why : "");
}

static void print_record(FILE *out, const kd_index *ix, uint32_t e)
{
    fprintf(out, "  - %-34s %-26s \"%s\"\n", id_of(ix, e), dataset_name(ix, e), caption(ix, e));
}

/* Positions 0..n-1 grouped by key (a counting sort): members[start[k] ..
 * start[k + 1]) have key k. */
static bool group_by(const uint32_t *key_of, size_t n, size_t keys, uint32_t **members, size_t **start)
{
    *members = malloc((n ? n : 1) * sizeof **members);
    *start = calloc(keys + 1, sizeof **start);
    if (!*members || !*start) {
        free(*members);
        free(*start);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        (*start)[key_of[i] + 1]++;
    for (size_t k = 0; k < keys; k++)
        (*start)[k + 1] += (*start)[k];
    size_t *fill = malloc((keys ? keys : 1) * sizeof *fill);
    if (!fill) {
        free(*members);
        free(*start);
        return false;
    }
    memcpy(fill, *start, keys * sizeof *fill);
    for (size_t i = 0; i < n; i++)
        (*members)[fill[key_of[i]]++] = (uint32_t)i;
    free(fill);
    return true;
}

void resolve_report(const kd_index *ix, const resolve_result *r, FILE *out)
{
    /* each party of several records: its records, then the links that
     * joined them, parties in the order of their first link */
    size_t n = r->n_entities;
    uint32_t *link_party = malloc((r->n_links ? r->n_links : 1) * sizeof *link_party);
    uint32_t *records = NULL, *links = NULL;
    size_t *record_start = NULL, *link_start = NULL;
    bool *shown = calloc(n ? n : 1, sizeof *shown);
    for (size_t i = 0; link_party && i < r->n_links; i++)
        link_party[i] = r->party[r->links[i].a];
    bool ok = link_party && shown && group_by(r->party, n, n, &records, &record_start);
    ok = ok && group_by(link_party, r->n_links, n, &links, &link_start);
    for (size_t i = 0; ok && i < r->n_links; i++) {
        uint32_t party = link_party[i];
        if (shown[party])
            continue;
        shown[party] = true;
        fprintf(out, "PARTY %s\n", id_of(ix, party));
        for (size_t k = record_start[party]; k < record_start[party + 1]; k++)
            print_record(out, ix, records[k]);
        for (size_t k = link_start[party]; k < link_start[party + 1]; k++)
            print_link(out, ix, &r->links[links[k]], NULL);
    }
    free(shown);
    free(link_party);
    free(records);
    free(record_start);
    free(links);
    free(link_start);
    if (r->n_refused)
        fprintf(out, "\nREFUSED (candidate links not made)\n");
    for (size_t i = 0; i < r->n_refused; i++)
        print_link(out, ix, &r->refused[i], resolve_refusal_name(r->refused[i].refused));
    if (r->n_documents_apart)
        fprintf(out, "\nSHARING AN IMO OR PASSPORT/ID NUMBER, NOT ONE PARTY\n");
    for (size_t i = 0; i < r->n_documents_apart; i++)
        print_link(out, ix, &r->documents_apart[i],
                   r->documents_apart[i].refused ? resolve_refusal_name(r->documents_apart[i].refused)
                                                 : "not refused: the records joined other parties first");
    if (r->n_apart)
        fprintf(out, "\nKEPT APART (one list, names this alike, other birth dates: two people; or split by an "
                     "analyst)\n");
    for (size_t i = 0; i < r->n_apart; i++)
        print_link(out, ix, &r->apart[i], NULL);
}

void resolve_report_summary(const kd_index *ix, const resolve_result *r, FILE *out)
{
    size_t screenable = 0, by_kind[RESOLVE_KIND_COUNT] = {0}, by_refusal[REFUSED_COUNT] = {0};
    for (size_t e = 0; e < r->n_entities; e++) {
        kd_entity_view v;
        kd_index_entity(ix, e, &v);
        screenable += v.schema == KD_SCHEMA_PERSON || v.schema == KD_SCHEMA_ORGANIZATION ||
                      v.schema == KD_SCHEMA_COMPANY || v.schema == KD_SCHEMA_LEGAL_ENTITY ||
                      v.schema == KD_SCHEMA_PUBLIC_BODY || v.schema == KD_SCHEMA_VESSEL ||
                      v.schema == KD_SCHEMA_AIRPLANE;
    }
    for (size_t i = 0; i < r->n_links; i++)
        by_kind[r->links[i].kind]++;
    for (size_t i = 0; i < r->n_refused; i++)
        by_refusal[r->refused[i].refused]++;
    fprintf(out, "records %zu (parties' records %zu) → parties %zu; links made %zu:", r->n_entities, screenable,
            r->parties, r->n_links);
    for (int k = 0; k < RESOLVE_KIND_COUNT; k++)
        fprintf(out, "%s %s %zu", k ? "," : "", resolve_kind_name((resolve_kind)k), by_kind[k]);
    fprintf(out, "\nrefused %zu:", r->n_refused);
    for (int k = 1; k < REFUSED_COUNT; k++)
        fprintf(out, "%s %s %zu", k > 1 ? "," : "", resolve_refusal_name((resolve_refusal)k), by_refusal[k]);
    fprintf(out, "\nrecords of different lists sharing an IMO or passport/ID number: %zu pairs, %zu in one party",
            r->document_pairs, r->document_pairs_joined);
    if (r->document_pairs)
        fprintf(out, " (%.1f%%)", 100.0 * (double)r->document_pairs_joined / (double)r->document_pairs);
    fprintf(out, "\nkept apart (one list, the same name, other birth dates; or an analyst's split): %zu pairs\n",
            r->n_apart);
    if (r->judgments_skipped)
        fprintf(out, "analysts' judgments naming records this index does not hold (delisted?): %zu, not applied\n",
                r->judgments_skipped);
}

