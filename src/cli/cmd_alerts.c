/* kordon alerts, decide and audit: reviewing what screening raised, and
 * exporting the record of it. */
#include "cli.h"
#include "core/core.h"
#include "kordon/store.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *alert_json(const kd_alert *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(a->id));
    json_object_set_new(o, "run_id", json_integer(a->run_id));
    json_object_set_new(o, "created_at", json_string(a->created_at));
    json_object_set_new(o, "reason", json_string(a->reason));
    json_object_set_new(o, "customer_id", a->customer_id ? json_string(a->customer_id) : json_null());
    json_object_set_new(o, "input_name", a->input_name ? json_string(a->input_name) : json_null());
    json_object_set_new(o, "entity_id", json_string(a->entity_id));
    json_object_set_new(o, "entity_hash", json_string(a->entity_hash));
    json_object_set_new(o, "caption", json_string(a->caption));
    json_object_set_new(o, "schema", json_string(a->schema));
    json_object_set_new(o, "datasets", json_string(a->datasets));
    json_object_set_new(o, "score", json_real(a->score));
    json_object_set_new(o, "explanation", json_string(a->explanation));
    bool open = a->verdict == KD_VERDICT_NONE || a->verdict == KD_VERDICT_ESCALATE;
    json_object_set_new(o, "open", json_boolean(open));
    if (a->verdict != KD_VERDICT_NONE) {
        json_object_set_new(o, "verdict", json_string(kd_verdict_name(a->verdict)));
        json_object_set_new(o, "reviewer", json_string(a->reviewer));
        json_object_set_new(o, "comment", json_string(a->comment));
        json_object_set_new(o, "decided_at", json_string(a->decided_at));
    }
    json_object_set_new(o, "decisions", json_integer((json_int_t)a->decision_count));
    return o;
}

int cmd_alerts(int argc, char **argv)
{
    static const struct option options[] = {
        {"open", no_argument, NULL, 'o'}, {"json", no_argument, NULL, 'j'},
        {"db", required_argument, NULL, 'D'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = cli_default_db();
    int open_only = 0, json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ojD:h", options, NULL)) != -1) {
        switch (c) {
        case 'o': open_only = 1; break;
        case 'j': json = 1; break;
        case 'D': db = optarg; break;
        case 'h': return cli_usage("alerts", 0);
        default: return cli_usage("alerts", EXIT_USAGE);
        }
    }
    if (optind != argc)
        return cli_usage("alerts", EXIT_USAGE);
    kd_error err = {0};
    kd_store *store = NULL;
    kd_alert_list list;
    kd_alert_query query = {.open_only = open_only};
    if (cli_open_store(db, &store, &err) || kd_store_alerts(store, &query, &list, &err)) {
        kd_store_close(store);
        return cli_fail(&err);
    }
    if (!json)
        printf("%-6s %-5s %-8s %-15s %-6s %-16s %-28s %s\n", "alert", "run", "reason", "state", "score",
               "customer", "entity", "listed as / input");
    for (size_t i = 0; i < list.n; i++) {
        const kd_alert *a = &list.items[i];
        if (json) {
            json_t *o = alert_json(a);
            char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
            printf("%s\n", text);
            free(text);
            json_decref(o);
            continue;
        }
        printf("%-6lld %-5lld %-8s %-15s %-6.3f %-16s %-28s %s / %s\n", (long long)a->id,
               (long long)a->run_id, a->reason,
               a->verdict == KD_VERDICT_NONE ? "open" : kd_verdict_name(a->verdict), a->score,
               a->customer_id ? a->customer_id : "-", a->entity_id, a->caption,
               a->input_name ? a->input_name : "");
    }
    if (!json)
        printf("%zu %salert%s\n", list.n, open_only ? "open " : "", list.n == 1 ? "" : "s");
    kd_alert_list_free(&list);
    kd_store_close(store);
    return 0;
}

int cmd_decide(int argc, char **argv)
{
    static const struct option options[] = {
        {"verdict", required_argument, NULL, 'v'}, {"comment", required_argument, NULL, 'c'},
        {"reviewer", required_argument, NULL, 'r'}, {"db", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    const char *db = cli_default_db(), *comment = NULL, *reviewer = cli_default_actor();
    int verdict = -1, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "v:c:r:D:h", options, NULL)) != -1) {
        switch (c) {
        case 'v':
            if ((verdict = kd_verdict_from_name(optarg)) < 0) {
                fprintf(stderr, "kordon: --verdict is true-match, false-positive or escalate, not \"%s\"\n",
                        optarg);
                return EXIT_USAGE;
            }
            break;
        case 'c': comment = optarg; break;
        case 'r': reviewer = optarg; break;
        case 'D': db = optarg; break;
        case 'h': return cli_usage("decide", 0);
        default: return cli_usage("decide", EXIT_USAGE);
        }
    }
    char *end = NULL;
    long long alert_id = optind == argc - 1 ? strtoll(argv[optind], &end, 10) : 0;
    if (alert_id <= 0 || (end && *end) || verdict < 0 || !comment)
        return cli_usage("decide", EXIT_USAGE);
    if (!reviewer || !*reviewer)
        return cli_no_actor("--reviewer");
    kd_error err = {0};
    kd_store *store = NULL;
    int64_t decision = 0;
    bool repeated = false;
    if (cli_open_store(db, &store, &err) ||
        kd_store_decide(store, alert_id, (kd_verdict)verdict, reviewer, comment, &decision, &repeated, &err)) {
        kd_store_close(store);
        return cli_fail(&err);
    }
    kd_alert a;
    if (kd_store_alert_get(store, alert_id, &a, &err) == 0) {
        printf("decision %lld on alert %lld: %s by %s", (long long)decision, alert_id,
               kd_verdict_name((kd_verdict)verdict), reviewer);
        if (repeated)
            printf(" (already the newest decision: nothing recorded)");
        if (verdict == KD_VERDICT_FALSE_POSITIVE && a.customer_id)
            printf(" — %s is not %s until that listing changes", a.customer_id, a.entity_id);
        if (a.decision_count > 1)
            printf(" (supersedes %zu earlier decision%s, kept)", a.decision_count - 1,
                   a.decision_count == 2 ? "" : "s");
        putchar('\n');
        kd_alert_free(&a);
    }
    kd_store_close(store);
    return 0;
}

int cmd_audit(int argc, char **argv)
{
    static const struct option options[] = {
        {"from", required_argument, NULL, 'f'},   {"to", required_argument, NULL, 't'},
        {"format", required_argument, NULL, 'F'}, {"output", required_argument, NULL, 'o'},
        {"db", required_argument, NULL, 'D'},     {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = cli_default_db(), *from = NULL, *to = NULL, *output = NULL;
    kd_audit_format format = KD_AUDIT_JSONL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:t:F:o:D:h", options, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (!cli_timestamp("--from", optarg))
                return EXIT_USAGE;
            from = optarg;
            break;
        case 't':
            if (!cli_timestamp("--to", optarg))
                return EXIT_USAGE;
            to = optarg;
            break;
        case 'F':
            if (strcmp(optarg, "csv") == 0)
                format = KD_AUDIT_CSV;
            else if (strcmp(optarg, "jsonl") == 0)
                format = KD_AUDIT_JSONL;
            else {
                fprintf(stderr, "kordon: --format is csv or jsonl\n");
                return EXIT_USAGE;
            }
            break;
        case 'o': output = optarg; break;
        case 'D': db = optarg; break;
        case 'h': return cli_usage("audit", 0);
        default: return cli_usage("audit", EXIT_USAGE);
        }
    }
    if (optind != argc - 1 || strcmp(argv[optind], "export") != 0)
        return cli_usage("audit", EXIT_USAGE);
    kd_error err = {0};
    kd_store *store = NULL;
    if (cli_open_store(db, &store, &err))
        return cli_fail(&err);
    FILE *out = stdout;
    if (output && !(out = fopen(output, "w"))) {
        kd_store_close(store);
        error_set(&err, KD_EIO, "%s: cannot write", output);
        return cli_fail(&err);
    }
    size_t n = 0;
    int status = 0;
    if (kd_store_audit_export(store, from, to, format, out, &n, &err))
        status = cli_fail(&err);
    if (out != stdout && fclose(out) != 0 && !status) {
        error_set(&err, KD_EIO, "%s: cannot write", output);
        status = cli_fail(&err);
    }
    if (!status)
        fprintf(stderr, "%zu events exported\n", n);
    kd_store_close(store);
    return status;
}
