/* kordon resolve: analysts correct the parties the build finds. merge and
 * split record a judgment in the store (who, when, why), checked against
 * the index; the next build applies it, and so does a running server with
 * that store when it next loads an index. list shows the judgments. */
#include "cli.h"
#include "resolve/resolve.h"
#include "kordon/store.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_load_judgments(const char *db_path, kd_judgment_list *list, kd_party_judgment **out, kd_error *err)
{
    memset(list, 0, sizeof *list);
    *out = NULL;
    /* a store that does not exist holds no judgments: not created here */
    if (!db_path || (!strstr(db_path, "://") && access(db_path, F_OK) != 0))
        return 0;
    kd_store *s;
    int rc = kd_store_open(db_path, &s, err);
    if (!rc)
        rc = kd_store_judgments(s, true, list, err);
    if (!rc && (rc = kd_judgments_for_build(list, out, err)))
        kd_judgment_list_free(list);
    kd_store_close(s);
    return rc;
}

static int list_judgments(const char *db_path, bool all, bool json)
{
    kd_store *s;
    kd_error err = {0};
    if (cli_open_store(db_path, &s, &err))
        return cli_fail(&err);
    kd_judgment_list l;
    int rc = kd_store_judgments(s, !all, &l, &err);
    kd_store_close(s);
    if (rc)
        return cli_fail(&err);
    for (size_t i = 0; i < l.n; i++) {
        const kd_judgment *j = &l.items[i];
        if (json) {
            json_t *o = kd_judgment_json(j);
            char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
            puts(text);
            free(text);
            json_decref(o);
        } else {
            printf("%-4lld %-6s %s ~ %s\n     by %s on %s: %s\n", (long long)j->id, kd_judgment_kind_name(j->kind),
                   j->record_a, j->record_b, j->actor, j->created_at, j->reason);
        }
    }
    if (!json && l.n == 0)
        printf("no %sjudgments in %s\n", all ? "" : "standing ", db_path);
    kd_judgment_list_free(&l);
    return 0;
}

int cmd_resolve(int argc, char **argv)
{
    static const struct option options[] = {
        {"index", required_argument, NULL, 'i'}, {"db", required_argument, NULL, 'd'},
        {"reason", required_argument, NULL, 'r'}, {"user", required_argument, NULL, 'u'},
        {"all", no_argument, NULL, 'a'},          {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *index_path = cli_default_index(), *db_path = cli_default_db(), *reason = NULL;
    const char *actor = cli_default_actor();
    bool all = false, json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:d:r:u:ajh", options, NULL)) != -1) {
        switch (c) {
        case 'i': index_path = optarg; break;
        case 'd': db_path = optarg; break;
        case 'r': reason = optarg; break;
        case 'u': actor = optarg; break;
        case 'a': all = true; break;
        case 'j': json = true; break;
        case 'h': return cli_usage("resolve", 0);
        default: return cli_usage("resolve", EXIT_USAGE);
        }
    }
    const char *verb = optind < argc ? argv[optind] : "";
    if (strcmp(verb, "list") == 0 && optind + 1 == argc)
        return list_judgments(db_path, all, json);
    int kind = kd_judgment_kind_from_name(verb);
    if (kind < 0 || optind + 3 != argc || all || json)
        return cli_usage("resolve", EXIT_USAGE);
    if (!reason || !*reason) {
        fprintf(stderr, "kordon: a judgment needs --reason saying why (it is kept as evidence)\n");
        return EXIT_USAGE;
    }
    if (!actor || !*actor)
        return cli_no_actor("--user");
    const char *a = argv[optind + 1], *b = argv[optind + 2];
    kd_error err = {0};
    if (kind != KD_JUDGMENT_REVOKE) { /* checked against the parties as the index has them */
        kd_index *ix;
        if (kd_index_open(index_path, &ix, &err))
            return cli_fail(&err);
        int rc = resolve_check_judgment(ix, kind == KD_JUDGMENT_MERGE ? KD_PARTY_MERGE : KD_PARTY_SPLIT, a, b, &err);
        kd_index_close(ix);
        if (rc)
            return cli_fail(&err);
    }
    kd_store *s;
    if (kd_store_open(db_path, &s, &err))
        return cli_fail(&err);
    int64_t id = 0;
    int rc = kd_store_judge(s, (kd_judgment_kind)kind, a, b, actor, reason, &id, &err);
    kd_store_close(s);
    if (rc)
        return cli_fail(&err);
    printf("judgment %lld: %s %s %s, by %s\n"
           "it applies from the next `kordon build --db %s`, and to a server using this store when it next loads an index\n",
           (long long)id, verb, a, b, actor, db_path);
    return 0;
}
