/* kordon cases: the case queue from the command line — list (filtered,
 * paged, or every case as CSV/JSON lines), show one, act on one or
 * several, and the four-eyes setting. The store enforces the same rules
 * as over HTTP; the command line trusts its operator's --role (whoever
 * can write the store's file can do anything to it), never their name:
 * that is --user or $KORDON_USER, or nothing is recorded. */
#include "cli.h"
#include "core/core.h"
#include "kordon/store.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cases_args {
    const char *db, *actor, *comment, *assignee, *format, *after;
    kd_role role;
    kd_verdict verdict;
    kd_case_query query;
    bool awaiting;
    const char *four_eyes;
} cases_args;

static void print_table(const kd_case_list *list)
{
    printf("%-7s %-18s %-34s %6s %5s %-17s %-12s %s\n", "CASE", "CUSTOMER", "SUBJECT", "SCORE", "HITS", "STATE",
           "ASSIGNEE", "LISTS");
    for (size_t i = 0; i < list->n; i++) {
        const kd_case *c = &list->items[i];
        printf("%-7lld %-18.18s %-34.34s %6.3f %5zu %-17s %-12.12s %s\n", (long long)c->id,
               c->customer_id ? c->customer_id : "-", c->subject_name ? c->subject_name : "", c->top_score,
               c->alert_count, kd_case_state_name(c->state), c->assignee ? c->assignee : "-", c->datasets);
    }
}

static void csv_text(const char *s)
{
    putchar('"');
    for (; s && *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static void print_csv_row(const kd_case *c)
{
    printf("%lld,", (long long)c->id);
    csv_text(c->customer_id);
    putchar(',');
    csv_text(c->subject_name);
    printf(",%s,", kd_case_state_name(c->state));
    csv_text(c->verdict);
    putchar(',');
    csv_text(c->assignee);
    printf(",%.4f,%zu,", c->top_score, c->alert_count);
    csv_text(c->datasets);
    printf(",%s,%s\n", c->created_at ? c->created_at : "", c->updated_at ? c->updated_at : "");
}

static int list_cases(kd_store *s, cases_args *a)
{
    bool table = !a->format || strcmp(a->format, "table") == 0;
    bool csv = a->format && strcmp(a->format, "csv") == 0;
    bool jsonl = a->format && strcmp(a->format, "jsonl") == 0;
    if (!table && !csv && !jsonl) {
        fprintf(stderr, "kordon: --format is table, csv or jsonl, not \"%s\"\n", a->format);
        return EXIT_USAGE;
    }
    if (a->awaiting) {
        if (!a->actor)
            return cli_no_actor("--user");
        a->query.awaiting = a->actor;
        a->query.awaiting_role = a->role;
    }
    /* a table is one page; the exports every case, a thousand at a time */
    bool all = !table && !a->query.limit;
    if (all)
        a->query.limit = 1000;
    else if (!a->query.limit)
        a->query.limit = 50;
    char cursor[96];
    snprintf(cursor, sizeof cursor, "%s", a->after ? a->after : "");
    if (csv)
        printf("id,customer_id,subject_name,state,verdict,assignee,top_score,alert_count,datasets,created_at,"
               "updated_at\n");
    kd_error err = {0};
    for (;;) {
        a->query.after = cursor;
        kd_case_list page;
        if (kd_store_cases(s, &a->query, &page, &err))
            return cli_fail(&err);
        if (table) {
            print_table(&page);
            printf("%zu of %zu cases", page.n, page.total);
            if (*page.next)
                printf("; next page: --after %s", page.next);
            printf("\n");
        }
        for (size_t i = 0; !table && i < page.n; i++) {
            if (csv) {
                print_csv_row(&page.items[i]);
            } else {
                json_t *o = kd_case_json(&page.items[i]);
                json_dumpf(o, stdout, JSON_COMPACT | JSON_REAL_PRECISION(6));
                putchar('\n');
                json_decref(o);
            }
        }
        snprintf(cursor, sizeof cursor, "%s", page.next);
        kd_case_list_free(&page);
        if (!all || !*cursor)
            break;
    }
    return 0;
}

static int show_case(kd_store *s, int64_t id)
{
    kd_error err = {0};
    json_t *c = NULL;
    if (kd_store_case_json(s, id, &c, &err))
        return cli_fail(&err);
    json_dumpf(c, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
    putchar('\n');
    json_decref(c);
    return 0;
}

/* Acts on each id in argv; a refusal is reported and the others go on. */
static int act_cases(kd_store *s, kd_case_action_kind kind, cases_args *a, int n, char **ids)
{
    if (!a->actor)
        return cli_no_actor("--user");
    kd_case_action action = {kind, a->actor, a->role, a->comment, a->assignee, a->verdict};
    int status = 0;
    for (int i = 0; i < n; i++) {
        char *end;
        long long id = strtoll(ids[i], &end, 10);
        if (id <= 0 || *end) {
            fprintf(stderr, "kordon: \"%s\" is not a case number\n", ids[i]);
            status = EXIT_USAGE;
            continue;
        }
        kd_error err = {0};
        kd_case_state after;
        if (kd_store_case_act(s, id, &action, &after, &err)) {
            fprintf(stderr, "kordon: case %lld: %s\n", id, err.message);
            status = EXIT_FAILED;
        } else {
            printf("case %lld: %s by %s: now %s\n", id, kd_case_action_name(kind), a->actor,
                   kd_case_state_name(after));
        }
    }
    return status;
}

static int settings(kd_store *s, cases_args *a)
{
    kd_error err = {0};
    if (a->four_eyes) {
        if (!a->actor)
            return cli_no_actor("--user");
        if (a->role != KD_ROLE_ADMIN) {
            fprintf(stderr, "kordon: settings are an admin's to change (--role admin)\n");
            return EXIT_USAGE;
        }
        if (kd_store_setting_set(s, "four_eyes_score", a->four_eyes, a->actor, &err))
            return cli_fail(&err);
    }
    char *value = NULL;
    if (kd_store_setting_get(s, "four_eyes_score", &value, &err))
        return cli_fail(&err);
    printf("four_eyes_score %s\n", value ? value : "off");
    free(value);
    return 0;
}

int cmd_cases(int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'D'},       {"user", required_argument, NULL, 'u'},
        {"role", required_argument, NULL, 'R'},     {"comment", required_argument, NULL, 'c'},
        {"verdict", required_argument, NULL, 'v'},  {"to", required_argument, NULL, 't'},
        {"state", required_argument, NULL, 's'},    {"assignee", required_argument, NULL, 'a'},
        {"customer", required_argument, NULL, 'C'}, {"dataset", required_argument, NULL, 'd'},
        {"min-score", required_argument, NULL, 'm'}, {"max-score", required_argument, NULL, 'M'},
        {"from", required_argument, NULL, 'f'},     {"to-date", required_argument, NULL, 'T'},
        {"awaiting", no_argument, NULL, 'w'},       {"sort", required_argument, NULL, 'S'},
        {"limit", required_argument, NULL, 'l'},    {"after", required_argument, NULL, 'A'},
        {"format", required_argument, NULL, 'F'},   {"four-eyes", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    cases_args a = {.db = cli_default_db(), .actor = cli_default_actor(), .role = KD_ROLE_ANALYST};
    int c, r;
    long limit;
    optind = 1;
    while ((c = getopt_long(argc, argv, "D:u:h", options, NULL)) != -1) {
        switch (c) {
        case 'D': a.db = optarg; break;
        case 'u': a.actor = optarg; break;
        case 'R':
            if ((r = kd_role_from_name(optarg)) < 0) {
                fprintf(stderr, "kordon: --role is analyst, supervisor or admin, not \"%s\"\n", optarg);
                return EXIT_USAGE;
            }
            a.role = (kd_role)r;
            break;
        case 'c': a.comment = optarg; break;
        case 't': a.assignee = optarg; break;
        case 'v':
            a.verdict = strcmp(optarg, "true_match") == 0 || strcmp(optarg, "true-match") == 0 ? KD_VERDICT_TRUE_MATCH
                        : strcmp(optarg, "false_positive") == 0 || strcmp(optarg, "false-positive") == 0
                            ? KD_VERDICT_FALSE_POSITIVE
                            : KD_VERDICT_NONE;
            if (!a.verdict) {
                fprintf(stderr, "kordon: --verdict is true_match or false_positive, not \"%s\"\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 's':
            if ((r = kd_case_state_from_name(optarg)) < 0) {
                fprintf(stderr, "kordon: --state is open, in_review, escalated, pending_approval or closed, not \"%s\"\n",
                        optarg);
                return EXIT_USAGE;
            }
            a.query.states |= 1u << r;
            break;
        case 'a': a.query.assignee = strcmp(optarg, "none") == 0 ? "" : optarg; break;
        case 'C': a.query.customer_id = optarg; break;
        case 'd': a.query.dataset = optarg; break;
        case 'm':
            if (!cli_number("--min-score", optarg, 0, 1, false, &a.query.min_score))
                return EXIT_USAGE;
            break;
        case 'M':
            if (!cli_number("--max-score", optarg, 0, 1, false, &a.query.max_score))
                return EXIT_USAGE;
            break;
        case 'f':
            if (!cli_timestamp("--from", optarg))
                return EXIT_USAGE;
            a.query.from = optarg;
            break;
        case 'T':
            if (!cli_timestamp("--to-date", optarg))
                return EXIT_USAGE;
            a.query.to = optarg;
            break;
        case 'w': a.awaiting = true; break;
        case 'S':
            if ((r = kd_case_sort_from_name(optarg)) < 0) {
                fprintf(stderr, "kordon: --sort is score, newest, oldest or updated, not \"%s\"\n", optarg);
                return EXIT_USAGE;
            }
            a.query.sort = (kd_case_sort)r;
            break;
        case 'l':
            if (!cli_count("--limit", optarg, 1, 100000, &limit))
                return EXIT_USAGE;
            a.query.limit = (size_t)limit;
            break;
        case 'A': a.after = optarg; break;
        case 'F': a.format = optarg; break;
        case 'e': a.four_eyes = optarg; break;
        case 'h': return cli_usage("cases", 0);
        default: return cli_usage("cases", EXIT_USAGE);
        }
    }
    if (a.actor && !*a.actor)
        a.actor = NULL;
    const char *verb = optind < argc ? argv[optind] : "list";
    int kind = kd_case_action_from_name(verb);
    bool list = strcmp(verb, "list") == 0, show = strcmp(verb, "show") == 0, set = strcmp(verb, "settings") == 0;
    int rest = argc - optind - (optind < argc);
    if ((list || set) ? rest != 0 : show ? rest != 1 : kind < 0 || rest < 1)
        return cli_usage("cases", EXIT_USAGE);
    kd_error err = {0};
    kd_store *s = NULL;
    if (cli_open_store(a.db, &s, &err))
        return cli_fail(&err);
    int status;
    if (list)
        status = list_cases(s, &a);
    else if (set)
        status = settings(s, &a);
    else if (show) {
        char *end;
        long long id = strtoll(argv[optind + 1], &end, 10);
        status = id > 0 && !*end ? show_case(s, id) : cli_usage("cases", EXIT_USAGE);
    } else
        status = act_cases(s, (kd_case_action_kind)kind, &a, rest, argv + optind + 1);
    kd_store_close(s);
    return status;
}
