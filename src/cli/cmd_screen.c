/* kordon screen: batch screening of a customer file. Rows are read in
 * batches, matched by N worker threads (one matcher each, the index shared)
 * and written in input order, so memory stays bounded by one batch. */
#include "cli.h"
#include "lists/lists.h"
#include "store/store.h"

#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#define BATCH 2048
#define SCREEN_LIMIT 5

typedef struct row {
    size_t number, line;
    char *fields[11]; /* by role */
    char *error;      /* a malformed row: why */
    kd_match_result results[SCREEN_LIMIT];
    int n_results;
} row;

typedef struct screen {
    const kd_index *ix;
    kd_matcher **matchers;
    row *rows;
    size_t n_rows, next;
    pthread_mutex_t lock;
    double threshold;
} screen;

column_role cli_column_role(const char *header)
{
    char h[64];
    size_t k = 0;
    for (const char *p = header; *p && k + 1 < sizeof h; p++)
        if (*p != '_' && *p != ' ' && *p != '-')
            h[k++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
    h[k] = '\0';
    static const struct {
        const char *name;
        column_role role;
    } names[] = {{"fullname", ROLE_NAME},    {"name", ROLE_NAME},       {"firstname", ROLE_FIRST},
                 {"middlename", ROLE_MIDDLE}, {"lastname", ROLE_LAST},   {"dateofbirth", ROLE_DOB},
                 {"birthdate", ROLE_DOB},     {"dob", ROLE_DOB},         {"nationality", ROLE_COUNTRY},
                 {"country", ROLE_COUNTRY},   {"gender", ROLE_GENDER},   {"schema", ROLE_SCHEMA},
                 {"type", ROLE_SCHEMA},       {"id", ROLE_ID},
                 {"passport", ROLE_IDENTIFIER}, {"passportnumber", ROLE_IDENTIFIER},
                 {"idnumber", ROLE_IDENTIFIER}, {"nationalid", ROLE_IDENTIFIER},
                 {"imo", ROLE_IDENTIFIER},    {"imonumber", ROLE_IDENTIFIER},
                 {"inn", ROLE_IDENTIFIER},    {"registrationnumber", ROLE_IDENTIFIER},
                 {"identifier", ROLE_IDENTIFIER}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(h, names[i].name) == 0)
            return names[i].role;
    return ROLE_NONE;
}

void cli_join_name(char *parts[], buf *scratch)
{
    if (parts[ROLE_NAME])
        return;
    buf_clear(scratch);
    const column_role order[] = {ROLE_FIRST, ROLE_MIDDLE, ROLE_LAST};
    for (size_t k = 0; k < 3; k++)
        if (parts[order[k]]) {
            if (scratch->len)
                buf_append_char(scratch, ' ');
            buf_append_str(scratch, parts[order[k]]);
        }
    if (scratch->len)
        parts[ROLE_NAME] = strdup(scratch->data);
}

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
        if (kd_customer_query(&c, s->threshold, SCREEN_LIMIT, &q, &err)) {
            r->error = strdup(err.message);
            continue;
        }
        int n = kd_match(m, &q, r->results, NULL, &err);
        if (n < 0)
            r->error = strdup(err.message);
        else
            r->n_results = n;
    }
    return NULL;
}

static void write_row(FILE *out, const kd_index *ix, const row *r, int csv)
{
    if (csv) {
        /* row,best_id,best_score,match,explanation */
        const kd_match_result *b = r->n_results ? &r->results[0] : NULL;
        kd_entity_view v = {0};
        if (b)
            kd_index_entity(ix, b->party, &v);
        fprintf(out, "%zu,%s,%.3f,%s,\"", r->number, b ? v.id : "", b ? b->score : 0.0,
                b && b->match ? "true" : "false");
        for (const char *p = b ? b->explanation : (r->error ? r->error : ""); *p; p++)
            fputs(*p == '"' ? "\"\"" : (char[2]){*p, 0}, out);
        fputs("\"\n", out);
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
    if (r->error) {
        json_object_set_new(o, "error", json_string(r->error));
    } else {
        json_t *list = json_array();
        for (int i = 0; i < r->n_results; i++)
            json_array_append_new(list, cli_result_json(ix, &r->results[i], false));
        json_object_set_new(o, "matches", list);
    }
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    fprintf(out, "%s\n", text);
    free(text);
    json_decref(o);
}

char cli_csv_delimiter(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ',';
    char line[4096];
    size_t commas = 0, semis = 0, tabs = 0;
    if (fgets(line, sizeof line, f))
        for (char *p = line; *p; p++)
            commas += *p == ',', semis += *p == ';', tabs += *p == '\t';
    fclose(f);
    return tabs > commas && tabs > semis ? '\t' : semis > commas ? ';' : ',';
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
        for (size_t k = 0; k < 11; k++)
            free(rows[i].fields[k]);
        free(rows[i].error);
        memset(&rows[i], 0, sizeof rows[i]);
    }
}

/* Reads the next batch; returns rows read or a negative error. */
static long read_batch(csv_reader *csv, const column_role *roles, size_t n_cols, row *rows,
                       size_t *row_number, kd_error *err)
{
    size_t n = 0;
    int rc;
    buf name = {0};
    while (n < BATCH && (rc = csv_next(csv, err)) == 1) {
        row *r = &rows[n++];
        r->number = ++*row_number;
        r->line = csv_line(csv);
        char *parts[11] = {0};
        for (size_t i = 0; i < n_cols && i < csv_field_count(csv); i++) {
            size_t len;
            const char *s = csv_field(csv, i, &len);
            len = text_trim(&s, len);
            if (!utf8_valid(s, len, NULL)) {
                char msg[128];
                snprintf(msg, sizeof msg, "line %zu: column %zu: invalid UTF-8", r->line, i + 1);
                free(r->error);
                r->error = strdup(msg);
            }
            if (roles[i] != ROLE_NONE && !parts[roles[i]] && len)
                parts[roles[i]] = strndup(s, len);
        }
        cli_join_name(parts, &name);
        memcpy(r->fields, parts, sizeof parts);
        if (!r->error && !r->fields[ROLE_NAME]) {
            char msg[64];
            snprintf(msg, sizeof msg, "line %zu: no name", r->line);
            r->error = strdup(msg);
        }
    }
    buf_free(&name);
    return rc < 0 ? rc : (long)n;
}

int cmd_screen(int argc, char **argv)
{
    static const char *usage = "screen [-i INDEX] INPUT.csv [-o OUT] [--format jsonl|csv] "
                               "[--threads N] [--threshold T] [--db DB] [--user NAME]";
    static const struct option options[] = {
        {"index", required_argument, NULL, 'i'},   {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},  {"threads", required_argument, NULL, 'T'},
        {"threshold", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'},
        {"db", required_argument, NULL, 'D'},      {"user", required_argument, NULL, 'u'},
        {NULL, 0, NULL, 0},
    };
    const char *path = cli_default_index(), *output = NULL, *db = NULL, *actor = cli_default_actor();
    int csv_out = 0, threads = 1, c;
    double threshold = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:o:f:T:t:hD:u:", options, NULL)) != -1) {
        switch (c) {
        case 'i': path = optarg; break;
        case 'o': output = optarg; break;
        case 'f':
            if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "jsonl") != 0) {
                fprintf(stderr, "kordon: --format is jsonl or csv\n");
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
        case 'D': db = optarg; break;
        case 'u': actor = optarg; break;
        case 'h': printf("usage: kordon %s\n", usage); return 0;
        default: fprintf(stderr, "usage: kordon %s\n", usage); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1 || threads < 1 || threads > 64) {
        fprintf(stderr, "usage: kordon %s\n", usage);
        return EXIT_USAGE;
    }
    const char *input = argv[optind];
    kd_error err = {0};
    kd_index *ix;
    if (kd_index_open(path, &ix, &err))
        return cli_fail(&err);
    csv_reader *csv;
    if (csv_open(&csv, input, cli_csv_delimiter(input), &err)) {
        kd_index_close(ix);
        return cli_fail(&err);
    }
    int status = 0;
    column_role roles[256] = {0};
    size_t n_cols = 0;
    if (csv_next(csv, &err) != 1) {
        if (!err.message[0])
            error_set(&err, KD_EEMPTY, "%s: empty file", input);
        status = cli_fail(&err);
    } else {
        n_cols = csv_field_count(csv) < 256 ? csv_field_count(csv) : 256;
        bool has_name = false;
        for (size_t i = 0; i < n_cols; i++) {
            roles[i] = cli_column_role(csv_field(csv, i, NULL));
            has_name |= roles[i] == ROLE_NAME || roles[i] == ROLE_FIRST || roles[i] == ROLE_LAST;
        }
        if (!has_name) {
            error_set(&err, KD_EPARSE, "%s:1: no name column (name, full_name, first_name, last_name)", input);
            status = cli_fail(&err);
        }
    }
    FILE *out = stdout;
    if (output && strcmp(output, "-") == 0)
        output = NULL; /* "-" is standard output, as everywhere */
    if (!status && output && !(out = fopen(output, "w"))) {
        error_set(&err, KD_EIO, "%s: cannot write", output);
        status = cli_fail(&err);
        out = stdout;
    }
    screen s = {.ix = ix, .threshold = threshold};
    pthread_mutex_init(&s.lock, NULL);
    s.rows = calloc(BATCH, sizeof *s.rows);
    s.matchers = calloc((size_t)threads, sizeof *s.matchers);
    for (int t = 0; t < threads && !status; t++)
        if (kd_matcher_new(ix, &s.matchers[t], &err))
            status = cli_fail(&err);
    /* With --db the whole batch is one run, committed at the end: a run in
     * the store is always complete (see src/store/store.h). */
    kd_store *store = NULL;
    kd_run *run = NULL;
    if (db && !status) {
        char parameters[256];
        snprintf(parameters, sizeof parameters,
                 "{\"threshold\": %.2f, \"limit\": %d, \"threads\": %d, \"index\": \"%s\"}",
                 threshold > 0 ? threshold : KD_MATCH_THRESHOLD, SCREEN_LIMIT, threads, path);
        kd_run_request req = {.kind = KD_RUN_SCREEN, .actor = actor, .source = input,
                              .parameters = parameters};
        if (kd_store_open(db, &store, &err) || kd_store_run_begin(store, &req, ix, &run, &err))
            status = cli_fail(&err);
    }
    size_t alerts = 0;
    if (csv_out && !status)
        fprintf(out, "row,entity_id,score,match,explanation\n");
    size_t row_number = 0, matched = 0, malformed = 0;
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
        if (!status && (n = read_batch(csv, roles, n_cols, batch, &row_number, &err)) < 0) {
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
                malformed++;
                fprintf(stderr, "kordon: %s:%s (row %zu skipped)\n", input, r->error, r->number);
            } else if (r->n_results && r->results[0].match) {
                matched++;
            }
            write_row(out, ix, r, csv_out);
            if (run && !status) {
                kd_customer cust = row_customer(r);
                size_t raised = 0;
                if (kd_store_run_add(run, r->number, &cust, r->error, r->results,
                                     (size_t)r->n_results, &raised, &err))
                    status = cli_fail(&err);
                alerts += raised;
            }
        }
        if (prev)
            free_rows(prev, n_prev);
        if (prev && tty) {
            double t = seconds() - start;
            long done = csv_offset(csv);
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
    if (!status)
        fprintf(stderr, "%sscreened %zu rows in %.2f s (%.0f rows/s, %d thread%s): %zu with a match, "
                        "%zu malformed\n", tty ? "\n" : "", row_number, elapsed,
                elapsed > 0 ? (double)row_number / elapsed : 0.0, threads, threads > 1 ? "s" : "",
                matched, malformed);
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
    for (int t = 0; t < threads; t++)
        kd_matcher_free(s.matchers[t]);
    free(s.matchers);
    free(buffers[0]);
    free(buffers[1]);
    pthread_mutex_destroy(&s.lock);
    if (out != stdout)
        fclose(out);
    csv_close(csv);
    kd_index_close(ix);
    return status;
}
