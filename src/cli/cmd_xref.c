/* kordon xref: the parties of an index — which records of different lists
 * are the same real person, body or vessel, with the evidence of every
 * link, the candidate links refused and why, and the records one list
 * keeps apart, analysts' judgments (kordon resolve) applied. A report for
 * review: the build makes the same parties. */
#include "cli.h"
#include "resolve/resolve.h"
#include "kordon/store.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *id_of(const kd_index *ix, size_t e)
{
    kd_entity_view v;
    kd_index_entity(ix, e, &v);
    return v.id;
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

int cmd_xref(int argc, char **argv)
{
    static const struct option options[] = {
        {"index", required_argument, NULL, 'i'}, {"json", no_argument, NULL, 'j'},
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    const char *path = cli_default_index(), *db_path = cli_default_db();
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:d:jh", options, NULL)) != -1) {
        switch (c) {
        case 'i': path = optarg; break;
        case 'd': db_path = optarg; break;
        case 'j': json = true; break;
        case 'h': return cli_usage("xref", 0);
        default: return cli_usage("xref", EXIT_USAGE);
        }
    }
    if (optind != argc)
        return cli_usage("xref", EXIT_USAGE);
    kd_error err = {0};
    kd_index *ix;
    if (kd_index_open(path, &ix, &err))
        return cli_fail(&err);
    kd_judgment_list judged;
    kd_party_judgment *judgments;
    if (cli_load_judgments(db_path, &judged, &judgments, &err)) {
        kd_index_close(ix);
        return cli_fail(&err);
    }
    resolve_result r;
    int rc = resolve_run(ix, judgments, judged.n, &r, &err);
    free(judgments);
    kd_judgment_list_free(&judged);
    if (rc) {
        kd_index_close(ix);
        return cli_fail(&err);
    }
    if (json)
        print_json(ix, &r);
    else
        resolve_report(ix, &r, stdout);
    resolve_report_summary(ix, &r, stderr);
    resolve_result_free(&r);
    kd_index_close(ix);
    return 0;
}
