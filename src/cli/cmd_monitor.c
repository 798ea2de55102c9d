/* kordon monitor: customers kept under screening. `add` stores a customer
 * file, `run` screens every stored customer against the current index and
 * alerts only on hits that are new since the previous run or whose listed
 * entity changed (kd_store_monitor_run), `list` shows them. */
#include "cli.h"
#include "core/core.h"
#include "lists/lists.h"
#include "model/model.h"
#include "store/store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *usage = "monitor add FILE.csv [--db DB]\n"
                           "       kordon monitor run [-i INDEX] [--db DB] [--threshold T] [--user NAME]\n"
                           "       kordon monitor list [--db DB]";

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

/* A customer's values as monitoring will use them: a schema named in any
 * case is written as FtM spells it ("company" is Company); a schema,
 * country or birth date kordon cannot read is the file's error, with its
 * line — a customer skipped at every run would never alert. */
static int check_customer(char **parts, const char *path, size_t line, kd_error *err)
{
    if (parts[ROLE_SCHEMA]) {
        int schema = -1;
        for (int k = 0; k < KD_SCHEMA_COUNT && schema < 0; k++)
            if (strcasecmp(kd_schema_name((kd_schema)k), parts[ROLE_SCHEMA]) == 0)
                schema = k;
        if (schema < 0 || schema > KD_SCHEMA_PUBLIC_BODY)
            return error_set(err, KD_EPARSE, "%s:%zu: schema \"%.40s\": a customer is a Person, Organization, "
                                             "Company, LegalEntity, Vessel, Airplane or PublicBody",
                             path, line, parts[ROLE_SCHEMA]);
        char *canonical = strdup(kd_schema_name((kd_schema)schema));
        if (!canonical)
            return error_set(err, KD_ENOMEM, "out of memory reading %s", path);
        free(parts[ROLE_SCHEMA]);
        parts[ROLE_SCHEMA] = canonical;
    }
    char code[3], date[64];
    if (parts[ROLE_COUNTRY] && !country_code(parts[ROLE_COUNTRY], strlen(parts[ROLE_COUNTRY]), code))
        return error_set(err, KD_EPARSE, "%s:%zu: country \"%.40s\": not a country kordon knows", path, line,
                         parts[ROLE_COUNTRY]);
    if (parts[ROLE_DOB] && !date_normalise(parts[ROLE_DOB], strlen(parts[ROLE_DOB]), date, sizeof date))
        return error_set(err, KD_EPARSE, "%s:%zu: birth date \"%.40s\": not a date", path, line, parts[ROLE_DOB]);
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
 * id column is required, since monitoring follows a customer across runs. */
static int read_customers(const char *path, customers *out, kd_error *err)
{
    csv_reader *csv;
    int rc = csv_open(&csv, path, cli_csv_delimiter(path), err);
    if (rc)
        return rc;
    column_role roles[256] = {0};
    size_t n_cols = 0;
    bool has_name = false, has_id = false;
    if ((rc = csv_next(csv, err)) != 1) {
        csv_close(csv);
        return rc < 0 ? rc : error_set(err, KD_EEMPTY, "%s: empty file", path);
    }
    n_cols = csv_field_count(csv) < 256 ? csv_field_count(csv) : 256;
    for (size_t i = 0; i < n_cols; i++) {
        roles[i] = cli_column_role(csv_field(csv, i, NULL));
        has_name |= roles[i] == ROLE_NAME || roles[i] == ROLE_FIRST || roles[i] == ROLE_LAST;
        has_id |= roles[i] == ROLE_ID;
    }
    if (!has_name || !has_id) {
        csv_close(csv);
        return error_set(err, KD_EPARSE, "%s:1: monitoring needs an id column and a name column "
                                          "(name, full_name, first_name, last_name)", path);
    }
    buf name = {0};
    line_list lines = {0};
    rc = 0;
    while (!rc && (rc = csv_next(csv, err)) == 1) {
        rc = 0;
        char *parts[11] = {0};
        for (size_t i = 0; i < n_cols && !rc; i++) {
            size_t len;
            const char *s = csv_field(csv, i, &len);
            len = text_trim(&s, len);
            if (!utf8_valid(s, len, NULL))
                rc = error_set(err, KD_EUTF8, "%s:%zu: column %zu: invalid UTF-8", path, csv_line(csv), i + 1);
            else if (roles[i] != ROLE_NONE && !parts[roles[i]] && len)
                parts[roles[i]] = strndup(s, len);
        }
        if (!rc)
            cli_join_name(parts, &name);
        if (!rc && (!parts[ROLE_ID] || !parts[ROLE_NAME]))
            rc = error_set(err, KD_EPARSE, "%s:%zu: a customer needs an id and a name", path, csv_line(csv));
        if (!rc)
            rc = check_customer(parts, path, csv_line(csv), err);
        if (!rc && (rc = lines_push(&lines, csv_line(csv))))
            error_set(err, rc, "out of memory reading %s", path);
        if (!rc && out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 256;
            kd_customer *items = realloc(out->items, cap * sizeof *items);
            if (!items)
                rc = error_set(err, KD_ENOMEM, "out of memory reading %s", path);
            else
                out->items = items, out->cap = cap;
        }
        if (!rc) {
            out->items[out->n++] = (kd_customer){
                .id = parts[ROLE_ID], .name = parts[ROLE_NAME], .birth_date = parts[ROLE_DOB],
                .country = parts[ROLE_COUNTRY], .gender = parts[ROLE_GENDER],
                .schema = parts[ROLE_SCHEMA], .identifier = parts[ROLE_IDENTIFIER]};
            free(parts[ROLE_FIRST]);
            free(parts[ROLE_MIDDLE]);
            free(parts[ROLE_LAST]);
        } else {
            for (size_t k = 0; k < 11; k++)
                free(parts[k]);
        }
    }
    buf_free(&name);
    csv_close(csv);
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

static int monitor_run(const char *db, const char *index_path, double threshold, const char *actor)
{
    kd_error err = {0};
    kd_index *ix = NULL;
    kd_matcher *m = NULL;
    kd_store *store = NULL;
    kd_monitor_summary sum;
    int status = 0;
    if (kd_index_open(index_path, &ix, &err) || kd_matcher_new(ix, &m, &err) ||
        cli_open_store(db, &store, &err) ||
        kd_store_monitor_run(store, ix, m, threshold, actor, &sum, &err)) {
        status = cli_fail(&err);
    } else {
        printf("monitoring run %lld: %zu customers screened against %s, %zu matches, %zu new alerts "
               "(%zu already seen or cleared)\n",
               (long long)sum.run_id, sum.customers, index_path, sum.matches, sum.alerts, sum.suppressed);
        kd_alert_list alerts;
        kd_alert_query query = {.run_id = sum.run_id};
        if (sum.alerts && kd_store_alerts(store, &query, &alerts, &err) == 0) {
            for (size_t i = 0; i < alerts.n; i++) {
                const kd_alert *a = &alerts.items[i];
                printf("  alert %-5lld %-7s %-16s %s → %s %s (%.3f)\n", (long long)a->id, a->reason,
                           a->customer_id ? a->customer_id : "-", a->input_name ? a->input_name : "",
                           a->entity_id, a->caption, a->score);
            }
            kd_alert_list_free(&alerts);
        }
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
        case 'h': printf("usage: kordon %s\n", usage); return 0;
        default: fprintf(stderr, "usage: kordon %s\n", usage); return EXIT_USAGE;
        }
    }
    const char *sub = optind < argc ? argv[optind] : "";
    if (strcmp(sub, "add") == 0 && optind == argc - 2)
        return monitor_add(db, argv[optind + 1]);
    if (strcmp(sub, "run") == 0 && optind == argc - 1)
        return monitor_run(db, index_path, threshold, actor);
    if (strcmp(sub, "list") == 0 && optind == argc - 1)
        return monitor_list(db);
    fprintf(stderr, "usage: kordon %s\n", usage);
    return EXIT_USAGE;
}
