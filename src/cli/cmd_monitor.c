/* kordon monitor: customers kept under screening. `add` stores a customer
 * file, `run` screens every stored customer against the current index and
 * alerts only on hits that are new since the previous run or whose listed
 * entity changed (kd_monitor_run), `list` shows them. */
#include "cli.h"
#include "core/core.h"
#include "lists/lists.h"
#include "model/model.h"
#include "kordon/screening.h"
#include "kordon/store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct customers {
    kd_customer *items;
    size_t n, cap;
} customers;

static void customers_free(customers *c)
{
    kd_customer_list list = {c->items, c->n};
    kd_customer_list_free(&list);
    c->items = NULL;
    c->n = c->cap = 0;
}

typedef struct line_list {
    size_t *items, n, cap;
} line_list;

static int lines_push(line_list *l, size_t line)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        size_t *p = realloc(l->items, cap * sizeof *p);
        if (!p)
            return KD_ENOMEM;
        l->items = p, l->cap = cap;
    }
    l->items[l->n++] = line;
    return KD_OK;
}

typedef struct id_at {
    const char *id;
    size_t line;
} id_at;

static int compare_by_id(const void *a, const void *b)
{
    const id_at *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* One id names one customer: a file that repeats one is refused with
 * both lines (the store keeps one customer per id). */
static int repeated_ids(const customers *c, const size_t *lines, const char *path, kd_error *err)
{
    id_at *order = malloc((c->n ? c->n : 1) * sizeof *order);
    if (!order)
        return error_set(err, KD_ENOMEM, "out of memory reading %s", path);
    for (size_t i = 0; i < c->n; i++)
        order[i] = (id_at){c->items[i].id, lines[i]};
    qsort(order, c->n, sizeof *order, compare_by_id);
    int rc = KD_OK;
    for (size_t i = 1; i < c->n && !rc; i++)
        if (strcmp(order[i - 1].id, order[i].id) == 0)
            rc = error_set(err, KD_EPARSE, "%s:%zu: id \"%.64s\" repeated (line %zu has it too)", path,
                           order[i].line, order[i].id, order[i - 1].line);
    free(order);
    return rc;
}

/* Reads a customer file with the columns `kordon screen` understands; an
 * id column is required, since monitoring follows a customer across runs.
 * A customer skipped at every run would never alert: a row that cannot be
 * screened, or whose schema, country or birth date kordon cannot read, is
 * the file's error. */
static int read_customers(const char *path, customers *out, kd_error *err)
{
    customer_file *file;
    int rc = customers_open(&file, path, true, err);
    if (rc)
        return rc;
    line_list lines = {0};
    customer_row row;
    while ((rc = customers_next(file, &row, err)) == 1) {
        const kd_error *why = row.problem.code ? &row.problem : row.warning.code ? &row.warning : NULL;
        if (why)
            rc = error_set(err, why->code, "%s:%zu: %s", path, row.line, why->message);
        else if ((rc = lines_push(&lines, row.line)))
            error_set(err, rc, "out of memory reading %s", path);
        if (!rc && out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 256;
            kd_customer *items = realloc(out->items, cap * sizeof *items);
            if (!items)
                rc = error_set(err, KD_ENOMEM, "out of memory reading %s", path);
            else
                out->items = items, out->cap = cap;
        }
        if (rc) {
            customer_row_free(&row);
            break;
        }
        char **parts = row.fields;
        out->items[out->n++] = (kd_customer){
            .id = parts[ROLE_ID], .name = parts[ROLE_NAME], .birth_date = parts[ROLE_DOB],
            .country = parts[ROLE_COUNTRY], .gender = parts[ROLE_GENDER],
            .schema = parts[ROLE_SCHEMA], .identifier = parts[ROLE_IDENTIFIER]};
        free(parts[ROLE_FIRST]);
        free(parts[ROLE_MIDDLE]);
        free(parts[ROLE_LAST]);
    }
    customers_close(file);
    if (rc == 0)
        rc = repeated_ids(out, lines.items, path, err);
    free(lines.items);
    return rc < 0 ? rc : 0;
}

static int monitor_add(const char *db, const char *path)
{
    kd_error err = {0};
    customers list = {0};
    kd_store *store = NULL;
    int status = 0;
    if (read_customers(path, &list, &err) || kd_store_open(db, &store, &err) ||
        kd_store_monitor_add(store, list.items, list.n, &err))
        status = cli_fail(&err);
    else
        printf("%zu customers from %s under monitoring in %s\n", list.n, path, db);
    kd_store_close(store);
    customers_free(&list);
    return status;
}

static int monitor_list(const char *db)
{
    kd_error err = {0};
    kd_store *store = NULL;
    kd_customer_list list = {0};
    if (cli_open_store(db, &store, &err) || kd_store_monitor_list(store, &list, &err)) {
        kd_store_close(store);
        return cli_fail(&err);
    }
    for (size_t i = 0; i < list.n; i++) {
        const kd_customer *c = &list.items[i];
        printf("%-16s %s%s%s%s%s\n", c->id, c->name, c->birth_date ? "  born " : "",
               c->birth_date ? c->birth_date : "", c->country ? "  " : "", c->country ? c->country : "");
    }
    kd_customer_list_free(&list);
    kd_store_close(store);
    return 0;
}

/* Names a customer the run could not screen, as it is met: a skipped
 * customer never alerts, so the operator must hear of it. */
static void say_rejected(void *context, const kd_customer *c, const char *why)
{
    fprintf(stderr, "kordon: %s: customer %s (%.80s): %s; not screened\n", (const char *)context, c->id,
            c->name ? c->name : "", why);
}

/* One monitoring run (kd_monitor_run), its alerts listed; each customer
 * that could not be screened is named, and the exit status says so. */
static int monitor_run(const char *db, const char *index_path, double threshold, const char *actor)
{
    kd_error err = {0};
    kd_index *ix = NULL;
    kd_matcher *m = NULL;
    kd_store *store = NULL;
    kd_monitor_summary sum = {0};
    int status = 0, rc = 0;
    if (kd_index_open(index_path, &ix, &err) || kd_matcher_new(ix, &m, &err) || cli_open_store(db, &store, &err))
        status = cli_fail(&err);
    else if ((rc = kd_monitor_run(store, ix, m, threshold, actor, say_rejected, (void *)db, &sum, &err))) {
        if (rc == KD_EEMPTY)
            error_wrap(&err, rc, "%s: ", db);
        status = cli_fail(&err);
    }
    if (!status) {
        printf("monitoring run %lld: %zu customers screened against %s, %zu matches, %zu new alerts "
               "(%zu already seen or cleared)\n",
               (long long)sum.run_id, sum.customers - sum.rejected, index_path, sum.matches, sum.alerts,
               sum.suppressed);
        kd_alert_list found;
        kd_alert_query query = {.run_id = sum.run_id};
        if (sum.alerts && kd_store_alerts(store, &query, &found, &err) == 0) {
            for (size_t i = 0; i < found.n; i++) {
                const kd_alert *a = &found.items[i];
                printf("  alert %-5lld %-7s %-16s %s → %s %s (%.3f)\n", (long long)a->id, a->reason,
                       a->customer_id ? a->customer_id : "-", a->input_name ? a->input_name : "", a->entity_id,
                       a->caption, a->score);
            }
            kd_alert_list_free(&found);
        }
    }
    if (!status && sum.rejected) {
        fprintf(stderr, "kordon: monitoring run %lld: %zu of %zu customers not screened (exit status %d); "
                        "correct them with `kordon monitor add`\n",
                (long long)sum.run_id, sum.rejected, sum.customers, EXIT_REJECTED);
        status = EXIT_REJECTED;
    }
    kd_store_close(store);
    kd_matcher_free(m);
    kd_index_close(ix);
    return status;
}

int cmd_monitor(int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'D'},      {"index", required_argument, NULL, 'i'},
        {"threshold", required_argument, NULL, 't'}, {"user", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    const char *db = cli_default_db(), *index_path = cli_default_index(), *actor = cli_default_actor();
    double threshold = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "D:i:t:u:h", options, NULL)) != -1) {
        switch (c) {
        case 'D': db = optarg; break;
        case 'i': index_path = optarg; break;
        case 't':
            if (!cli_number("--threshold", optarg, 0, 1, true, &threshold))
                return EXIT_USAGE;
            break;
        case 'u': actor = optarg; break;
        case 'h': return cli_usage("monitor", 0);
        default: return cli_usage("monitor", EXIT_USAGE);
        }
    }
    const char *sub = optind < argc ? argv[optind] : "";
    if (strcmp(sub, "add") == 0 && optind == argc - 2)
        return monitor_add(db, argv[optind + 1]);
    if (strcmp(sub, "run") == 0 && optind == argc - 1)
        return actor && *actor ? monitor_run(db, index_path, threshold, actor) : cli_no_actor("--user");
    if (strcmp(sub, "list") == 0 && optind == argc - 1)
        return monitor_list(db);
    return cli_usage("monitor", EXIT_USAGE);
}
