/* kordon screen: batch screening of a customer file. Rows are read in
 * batches, matched by N worker threads (one matcher each, the index shared)
 * and written in input order, so memory stays bounded by one batch. */
#include "cli.h"
#include "core/core.h"
#include "lists/lists.h"
#include "model/model.h"
#include "kordon/store.h"

#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#define BATCH 2048
#define SCREEN_LIMIT 5      /* results per row unless --limit says */
#define SCREEN_LIMIT_MAX 100

typedef struct row {
    size_t number, line;
    char *fields[ROLE_COUNT];  /* by role */
    char *error;               /* a row that could not be screened: why */
    char *warning;             /* a value not read (screened without it): which and why */
    kd_match_result *results;  /* best first, as many as kd_match gave */
    int n_results;
} row;

typedef struct screen {
    const kd_index *ix;
    kd_matcher **matchers;
    row *rows;
    size_t n_rows, next;
    pthread_mutex_t lock;
    double threshold;
    size_t limit;
} screen;

static kd_customer row_customer(const row *r)
{
    return (kd_customer){.id = r->fields[ROLE_ID], .name = r->fields[ROLE_NAME],
                         .birth_date = r->fields[ROLE_DOB], .country = r->fields[ROLE_COUNTRY],
                         .gender = r->fields[ROLE_GENDER], .schema = r->fields[ROLE_SCHEMA],
                         .identifier = r->fields[ROLE_IDENTIFIER]};
}

static void *worker(void *arg)
{
    void **args = arg;
    screen *s = args[0];
    kd_matcher *m = args[1];
    /* a row keeps only the results it got: with --limit 100 a batch of
     * full arrays would be 2048 x 100 results */
    kd_match_result *scratch = malloc(s->limit * sizeof *scratch);
    for (;;) {
        pthread_mutex_lock(&s->lock);
        size_t i = s->next++;
        pthread_mutex_unlock(&s->lock);
        if (i >= s->n_rows)
            break;
        row *r = &s->rows[i];
        if (r->error)
            continue;
        kd_customer c = row_customer(r);
        kd_match_query q;
        kd_error err = {0};
        if (!scratch) {
            r->error = strdup("out of memory");
            continue;
        }
        if (kd_customer_query(&c, s->threshold, s->limit, &q, &err)) {
            r->error = strdup(err.message);
            continue;
        }
        int n = kd_match(m, &q, scratch, NULL, &err);
        if (n < 0) {
            r->error = strdup(err.message);
        } else if (n > 0) {
            if (!(r->results = malloc((size_t)n * sizeof *r->results))) {
                r->error = strdup("out of memory");
                continue;
            }
            memcpy(r->results, scratch, (size_t)n * sizeof *r->results);
            r->n_results = n;
        }
    }
    free(scratch);
    return NULL;
}

/* One CSV field, quoted when it holds a delimiter, quote or line break. */
static void csv_field_out(FILE *out, const char *text, bool last)
{
    if (text && strpbrk(text, ",\"\r\n")) {
        fputc('"', out);
        for (const char *p = text; *p; p++) {
            if (*p == '"')
                fputc('"', out);
            fputc(*p, out);
        }
        fputc('"', out);
    } else if (text) {
        fputs(text, out);
    }
    fputc(last ? '\n' : ',', out);
}

/* The CSV has the columns of the JSON lines, flattened: a row per match
 * above the threshold (JSON's "matches" with "match": true), each with the
 * input's id and name, so a customer with three hits is three rows that
 * can be filtered and sorted; a row without a match or one that could not
 * be screened is still one row, with its status, never an empty line that
 * looks like a clean miss. A value the row was screened without (a country
 * kordon does not know) is named in the last column. */
static const char csv_out_header[] =
    "row,input_id,input_name,status,entity_id,caption,datasets,matched_record,score,explanation,warning,linked_to\n";

static void csv_row(FILE *out, const row *r, const char *status, json_t *result, const char *explanation,
                    const char *linked)
{
    fprintf(out, "%zu,", r->number);
    csv_field_out(out, r->fields[ROLE_ID], false);
    csv_field_out(out, r->fields[ROLE_NAME], false);
    csv_field_out(out, status, false);
    if (result) {
        csv_field_out(out, json_string_value(json_object_get(result, "id")), false);
        csv_field_out(out, json_string_value(json_object_get(result, "caption")), false);
        buf datasets = {0};
        size_t k;
        json_t *d;
        json_array_foreach(json_object_get(result, "datasets"), k, d) {
            if (k)
                buf_append_char(&datasets, ';');
            buf_append_str(&datasets, json_string_value(d));
        }
        csv_field_out(out, datasets.data ? datasets.data : "", false);
        buf_free(&datasets);
        csv_field_out(out, json_string_value(json_object_get(result, "matched_record")), false);
        fprintf(out, "%.3f,", json_real_value(json_object_get(result, "score")));
    } else {
        fputs(",,,,,", out);
    }
    csv_field_out(out, explanation, false);
    csv_field_out(out, r->warning, false);
    csv_field_out(out, linked, true);
}

static void write_row(FILE *out, const kd_index *ix, const kd_ties *ties, const row *r, int csv)
{
    char error[600] = "";
    if (r->error)
        snprintf(error, sizeof error, "line %zu: %s", r->line, r->error);
    if (csv) {
        int written = 0;
        for (int i = 0; !r->error && i < r->n_results; i++) {
            if (!r->results[i].match)
                continue;
            json_t *o = cli_result_json(ix, NULL, &r->results[i], false);
            char linked[1024];
            cli_ties_line(ix, ties, r->results[i].party, linked, sizeof linked);
            csv_row(out, r, "match", o, r->results[i].explanation, linked);
            json_decref(o);
            written++;
        }
        if (r->error)
            csv_row(out, r, "rejected", NULL, error, "");
        else if (!written)
            csv_row(out, r, "no_match", NULL, "", "");
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "row", json_integer((json_int_t)r->number));
    json_t *input = json_object();
    static const char *const keys[] = {[ROLE_NAME] = "name", [ROLE_DOB] = "birth_date",
                                       [ROLE_COUNTRY] = "country", [ROLE_GENDER] = "gender",
                                       [ROLE_SCHEMA] = "schema", [ROLE_ID] = "id",
                                       [ROLE_IDENTIFIER] = "identifier"};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
        if (keys[k] && r->fields[k] && *r->fields[k])
            json_object_set_new(input, keys[k], json_string(r->fields[k]));
    json_object_set_new(o, "input", input);
    if (r->warning) {
        char warning[600];
        snprintf(warning, sizeof warning, "line %zu: %s; screened without it", r->line, r->warning);
        json_object_set_new(o, "warning", json_string(warning));
    }
    if (r->error) {
        json_object_set_new(o, "error", json_string(error));
    } else {
        json_t *list = json_array();
        for (int i = 0; i < r->n_results; i++)
            json_array_append_new(list, cli_result_json(ix, ties, &r->results[i], false));
        json_object_set_new(o, "matches", list);
    }
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    fprintf(out, "%s\n", text);
    free(text);
    json_decref(o);
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void free_rows(row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < ROLE_COUNT; k++)
            free(rows[i].fields[k]);
        free(rows[i].error);
        free(rows[i].warning);
        free(rows[i].results);
        memset(&rows[i], 0, sizeof rows[i]);
    }
}

/* Reads the next batch; returns rows read or a negative error (the rows
 * of a failed batch freed). A row that cannot be screened is kept with
 * why, to be written as rejected. */
static long read_batch(customer_file *customers, row *rows, size_t *row_number, kd_error *err)
{
    size_t n = 0;
    int rc;
    customer_row c;
    while (n < BATCH && (rc = customers_next(customers, &c, err)) == 1) {
        row *r = &rows[n++];
        r->number = ++*row_number;
        r->line = c.line;
        memcpy(r->fields, c.fields, sizeof r->fields);
        if ((c.problem.code && !(r->error = strdup(c.problem.message))) ||
            (c.warning.code && !(r->warning = strdup(c.warning.message)))) {
            rc = error_set(err, KD_ENOMEM, "out of memory");
            break;
        }
    }
    if (rc < 0) {
        free_rows(rows, n);
        return rc;
    }
    return (long)n;
}

int cmd_screen(int argc, char **argv)
{
    static const struct option options[] = {
        {"index", required_argument, NULL, 'i'},   {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},  {"threads", required_argument, NULL, 'T'},
        {"threshold", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'},
        {"db", required_argument, NULL, 'D'},      {"user", required_argument, NULL, 'u'},
        {"limit", required_argument, NULL, 'n'},   {NULL, 0, NULL, 0},
    };
    const char *path = cli_default_index(), *output = NULL, *db = NULL, *actor = cli_default_actor();
    int csv_out = 0, threads = 1, c;
    long limit = SCREEN_LIMIT;
    double threshold = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:o:f:T:t:hD:u:n:", options, NULL)) != -1) {
        switch (c) {
        case 'i': path = optarg; break;
        case 'o': output = optarg; break;
        case 'f':
            if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "jsonl") != 0) {
                fprintf(stderr, "kordon: --format %s: expected jsonl or csv\n", optarg);
                return EXIT_USAGE;
            }
            csv_out = strcmp(optarg, "csv") == 0;
            break;
        case 'T': {
            long n;
            if (!cli_count("--threads", optarg, 1, 64, &n))
                return EXIT_USAGE;
            threads = (int)n;
            break;
        }
        case 't':
            if (!cli_number("--threshold", optarg, 0, 1, true, &threshold))
                return EXIT_USAGE;
            break;
        case 'n':
            if (!cli_count("--limit", optarg, 1, SCREEN_LIMIT_MAX, &limit))
                return EXIT_USAGE;
            break;
        case 'D': db = optarg; break;
        case 'u': actor = optarg; break;
        case 'h': return cli_usage("screen", 0);
        default: return cli_usage("screen", EXIT_USAGE);
        }
    }
    if (optind != argc - 1 || threads < 1 || threads > 64)
        return cli_usage("screen", EXIT_USAGE);
    const char *input = argv[optind];
    if (db && (!actor || !*actor))
        return cli_no_actor("--user");
    kd_error err = {0};
    kd_index *ix;
    if (kd_index_open(path, &ix, &err))
        return cli_fail(&err);
    customer_file *customers;
    if (customers_open(&customers, input, false, &err)) {
        kd_index_close(ix);
        return cli_fail(&err);
    }
    int status = 0;
    FILE *out = stdout;
    if (output && strcmp(output, "-") == 0)
        output = NULL; /* "-" is standard output, as everywhere */
    if (!status && output && !(out = fopen(output, "w"))) {
        error_set(&err, KD_EIO, "%s: cannot write", output);
        status = cli_fail(&err);
        out = stdout;
    }
    /* a match that is not listed itself may be tied to a listed party */
    kd_ties *ties = NULL;
    if (!status && kd_ties_new(ix, &ties, &err))
        status = cli_fail(&err);
    screen s = {.ix = ix, .threshold = threshold, .limit = (size_t)limit};
    pthread_mutex_init(&s.lock, NULL);
    s.rows = calloc(BATCH, sizeof *s.rows);
    s.matchers = calloc((size_t)threads, sizeof *s.matchers);
    for (int t = 0; t < threads && !status; t++)
        if (kd_matcher_new(ix, &s.matchers[t], &err))
            status = cli_fail(&err);
    /* With --db the whole batch is one run, committed at the end: a run in
     * the store is always complete (see include/kordon/store.h). */
    kd_store *store = NULL;
    kd_run *run = NULL;
    if (db && !status) {
        char parameters[256];
        snprintf(parameters, sizeof parameters,
                 "{\"threshold\": %.2f, \"limit\": %ld, \"threads\": %d, \"index\": \"%s\"}",
                 threshold > 0 ? threshold : KD_MATCH_THRESHOLD, limit, threads, path);
        kd_run_request req = {.kind = KD_RUN_SCREEN, .actor = actor, .source = input,
                              .parameters = parameters};
        if (kd_store_open(db, &store, &err) || kd_store_run_begin(store, &req, ix, &run, &err))
            status = cli_fail(&err);
    }
    size_t alerts = 0;
    if (csv_out && !status)
        fputs(csv_out_header, out);
    size_t row_number = 0, matched = 0, rejected = 0, warned = 0;
    bool tty = isatty(STDERR_FILENO);
    struct stat st;
    long input_size = stat(input, &st) == 0 ? (long)st.st_size : 0;
    double start = seconds();
    /* Batches overlap: the workers match one batch while this thread
     * writes the one before (output, store), so recording with --db costs
     * little wall time. Two row buffers take turns. */
    row *buffers[2] = {s.rows, calloc(BATCH, sizeof *s.rows)};
    row *batch = buffers[0], *prev = NULL;
    size_t n_prev = 0;
    if (!buffers[1] && !status) {
        error_set(&err, KD_ENOMEM, "out of memory");
        status = cli_fail(&err);
    }
    for (;;) {
        long n = 0;
        if (!status && (n = read_batch(customers, batch, &row_number, &err)) < 0) {
            status = cli_fail(&err);
            n = 0;
        }
        pthread_t tids[64];
        void *args[64][2];
        if (n > 0) {
            s.rows = batch;
            s.n_rows = (size_t)n;
            s.next = 0;
            for (int t = 0; t < threads; t++) {
                args[t][0] = &s;
                args[t][1] = s.matchers[t];
                pthread_create(&tids[t], NULL, worker, args[t]);
            }
        }
        for (size_t i = 0; prev && i < n_prev; i++) {
            const row *r = &prev[i];
            if (r->error) {
                rejected++;
                fprintf(stderr, "%skordon: %s:%zu: %s (row %zu not screened)\n", tty ? "\n" : "", input,
                        r->line, r->error, r->number);
            } else if (r->n_results && r->results[0].match) {
                matched++;
            }
            if (r->warning) {
                warned++;
                fprintf(stderr, "%skordon: %s:%zu: %s; row %zu screened without it\n", tty ? "\n" : "", input,
                        r->line, r->warning, r->number);
            }
            write_row(out, ix, ties, r, csv_out);
            if (run && !status) {
                kd_customer cust = row_customer(r);
                size_t raised = 0;
                char why[600];
                if (r->error)
                    snprintf(why, sizeof why, "line %zu: %s", r->line, r->error);
                if (kd_store_run_add(run, r->number, &cust, r->error ? why : NULL, r->results,
                                     (size_t)r->n_results, &raised, &err))
                    status = cli_fail(&err);
                alerts += raised;
            }
        }
        if (prev)
            free_rows(prev, n_prev);
        if (prev && tty) {
            double t = seconds() - start;
            long done = customers_offset(customers);
            double eta = done > 0 && input_size > done ? t * (double)(input_size - done) / (double)done : 0;
            int width = 30, filled = input_size > 0 ? (int)((double)width * (double)done / (double)input_size) : 0;
            char bar[31];
            for (int k = 0; k < width; k++)
                bar[k] = k < filled ? '#' : '.';
            bar[width] = '\0';
            fprintf(stderr, "\r[%s] %zu rows, %.0f rows/s, %zu with a match, ETA %.0f s   ", bar,
                    row_number, t > 0 ? (double)row_number / t : 0.0, matched, eta);
        }
        if (n <= 0)
            break;
        for (int t = 0; t < threads; t++)
            pthread_join(tids[t], NULL);
        row *written = prev ? prev : buffers[1];
        prev = batch;
        n_prev = (size_t)n;
        batch = written;
    }
    double elapsed = seconds() - start;
    if (!status) {
        char values[96] = "";
        if (warned)
            snprintf(values, sizeof values, " (%zu screened without a value kordon could not read)", warned);
        fprintf(stderr, "%sscreened %zu rows in %.2f s (%.0f rows/s, %d thread%s): %zu with a match, "
                        "%zu rejected%s\n", tty ? "\n" : "", row_number, elapsed,
                elapsed > 0 ? (double)row_number / elapsed : 0.0, threads, threads > 1 ? "s" : "",
                matched, rejected, values);
    }
    if (run) {
        int64_t run_id = 0;
        if (status) {
            kd_store_run_abort(run);
        } else if (kd_store_run_commit(run, &run_id, &err)) {
            status = cli_fail(&err);
        } else {
            fprintf(stderr, "recorded as run %lld in %s: %zu alert%s\n", (long long)run_id, db,
                    alerts, alerts == 1 ? "" : "s");
        }
    }
    kd_store_close(store);
    kd_ties_free(ties);
    for (int t = 0; t < threads; t++)
        kd_matcher_free(s.matchers[t]);
    free(s.matchers);
    free(buffers[0]);
    free(buffers[1]);
    pthread_mutex_destroy(&s.lock);
    if (out != stdout ? fclose(out) != 0 : fflush(stdout) != 0) {
        if (!status) {
            error_set(&err, KD_EIO, "%s: cannot write", output ? output : "standard output");
            status = cli_fail(&err);
        }
    }
    customers_close(customers);
    kd_index_close(ix);
    /* every row was written, but a rejected one is no clean miss: a batch
     * job checking the exit status must see it (each was named above) */
    if (!status && rejected) {
        fprintf(stderr, "kordon: %s: %zu row%s not screened (exit status %d)\n", input, rejected,
                rejected == 1 ? "" : "s", EXIT_REJECTED);
        status = EXIT_REJECTED;
    }
    return status;
}
