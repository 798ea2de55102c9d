/* kordon xref: the parties of an index — which records of different lists
 * are the same real person, body or vessel, with the evidence of every
 * link, the candidate links refused and why, and the records one list
 * keeps apart. A report for review; the build does not merge them yet. */
#include "cli.h"
#include "resolve/resolve.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
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

static void print_link(const kd_index *ix, const resolve_link *l, const char *why)
{
    printf("    %s ~ %s: %s: %s%s%s\n", id_of(ix, l->a), id_of(ix, l->b), resolve_kind_name(l->kind), l->detail,
           why ? " — " : "", why ? why : "");
}

static void print_record(const kd_index *ix, uint32_t e)
{
    printf("  - %-34s %-26s \"%s\"\n", id_of(ix, e), dataset_name(ix, e), caption(ix, e));
}

static json_t *link_json(const kd_index *ix, const resolve_link *l)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:f,s:s}", "a", id_of(ix, l->a), "b", id_of(ix, l->b), "rule",
                     resolve_kind_name(l->kind), "evidence", l->detail, "name_score", l->name_score, "refused",
                     l->refused ? resolve_refusal_name(l->refused) : "");
}

static void print_json(const kd_index *ix, const resolve_result *r)
{
    for (size_t i = 0; i < r->n_links; i++) {
        json_t *o = link_json(ix, &r->links[i]);
        json_object_set_new(o, "kind", json_string("merge"));
        json_object_set_new(o, "party", json_string(id_of(ix, r->party[r->links[i].a])));
        char *t = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4));
        puts(t);
        free(t);
        json_decref(o);
    }
    const resolve_link *lists[] = {r->refused, r->apart};
    size_t counts[] = {r->n_refused, r->n_apart};
    const char *kinds[] = {"refused", "apart"};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < counts[k]; i++) {
            json_t *o = link_json(ix, &lists[k][i]);
            json_object_set_new(o, "kind", json_string(kinds[k]));
            char *t = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4));
            puts(t);
            free(t);
            json_decref(o);
        }
}

static void print_text(const kd_index *ix, const resolve_result *r)
{
    /* each party of several records: its records, then the links that
     * joined them */
    size_t n = r->n_entities;
    bool *shown = calloc(n ? n : 1, sizeof *shown);
    for (size_t i = 0; shown && i < r->n_links; i++) {
        uint32_t party = r->party[r->links[i].a];
        if (shown[party])
            continue;
        shown[party] = true;
        printf("PARTY %s\n", id_of(ix, party));
        for (size_t e = 0; e < n; e++)
            if (r->party[e] == party)
                print_record(ix, (uint32_t)e);
        for (size_t k = 0; k < r->n_links; k++)
            if (r->party[r->links[k].a] == party)
                print_link(ix, &r->links[k], NULL);
    }
    free(shown);
    if (r->n_refused)
        printf("\nREFUSED (candidate links not made)\n");
    for (size_t i = 0; i < r->n_refused; i++)
        print_link(ix, &r->refused[i], resolve_refusal_name(r->refused[i].refused));
    if (r->n_apart)
        printf("\nKEPT APART (one list, names this alike, other birth dates: two people)\n");
    for (size_t i = 0; i < r->n_apart; i++)
        print_link(ix, &r->apart[i], NULL);
}

static void print_summary(const kd_index *ix, const resolve_result *r)
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
    fprintf(stderr, "records %zu (parties' records %zu) → parties %zu; links made %zu:", r->n_entities, screenable,
            r->parties, r->n_links);
    for (int k = 0; k < RESOLVE_KIND_COUNT; k++)
        fprintf(stderr, "%s %s %zu", k ? "," : "", resolve_kind_name((resolve_kind)k), by_kind[k]);
    fprintf(stderr, "\nrefused %zu:", r->n_refused);
    for (int k = 1; k < REFUSED_COUNT; k++)
        fprintf(stderr, "%s %s %zu", k > 1 ? "," : "", resolve_refusal_name((resolve_refusal)k), by_refusal[k]);
    fprintf(stderr, "\nrecords of different lists sharing an IMO or passport/ID number: %zu pairs, %zu in one party",
            r->document_pairs, r->document_pairs_joined);
    if (r->document_pairs)
        fprintf(stderr, " (%.1f%%)", 100.0 * (double)r->document_pairs_joined / (double)r->document_pairs);
    fprintf(stderr, "\nkept apart (one list, the same name, other birth dates): %zu pairs\n", r->n_apart);
}

int cmd_xref(int argc, char **argv)
{
    static const char *usage = "xref [-i INDEX] [--json]";
    static const struct option options[] = {
        {"index", required_argument, NULL, 'i'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    const char *path = cli_default_index();
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:jh", options, NULL)) != -1) {
        switch (c) {
        case 'i': path = optarg; break;
        case 'j': json = true; break;
        case 'h': printf("usage: kordon %s\n", usage); return 0;
        default: fprintf(stderr, "usage: kordon %s\n", usage); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "usage: kordon %s\n", usage);
        return EXIT_USAGE;
    }
    kd_error err = {0};
    kd_index *ix;
    if (kd_index_open(path, &ix, &err))
        return cli_fail(&err);
    resolve_result r;
    if (resolve_run(ix, &r, &err)) {
        kd_index_close(ix);
        return cli_fail(&err);
    }
    if (json)
        print_json(ix, &r);
    else
        print_text(ix, &r);
    print_summary(ix, &r);
    resolve_result_free(&r);
    kd_index_close(ix);
    return 0;
}
