/* SQLite and PostgreSQL behind one small interface (see db.h). Nothing
 * clever: the store's statements are plain SQL both engines accept; only
 * placeholders, connection set-up and result access differ here. */
#include "store/db.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DB_MAX_PARAMS 16

#define DB_IDLE_STATEMENTS 32

struct db {
    sqlite3 *lite;
    PGconn *pg;
    char target[256]; /* for messages, without a password */
    unsigned next_statement;
    db_stmt **bulk; /* PostgreSQL bulk statements, in the order prepared */
    size_t n_bulk;
    size_t bulk_bytes;
    /* SQLite statements finalized by their user, kept compiled for the
     * next prepare of the same text: a run (one API request) prepares a
     * dozen statements, and compiling them was a fifth of its cost. */
    sqlite3_stmt *idle[DB_IDLE_STATEMENTS];
    size_t n_idle;
    /* The same for PostgreSQL: statements prepared on the server and kept
     * there by name. Preparing, executing and deallocating each statement
     * was three round trips and a plan for every use. */
    struct pg_idle {
        char *sql;
        char name[24];
        int n_params;
    } pg_idle[DB_IDLE_STATEMENTS];
    size_t n_pg_idle;
};

#define DB_BULK_FLUSH_BYTES (4u << 20)
#define DB_ID_BLOCK 4096

struct db_stmt {
    db *owner;
    sqlite3_stmt *lite;
    /* PostgreSQL: a server-side prepared statement, its parameters as
     * text, and the result being walked. */
    char name[24];
    int n_params;
    char *sql; /* the text it was prepared from: its key when kept idle */
    char *params[DB_MAX_PARAMS];
    PGresult *result;
    int row, rows;
    bool done;
    /* PostgreSQL bulk statement: "table (columns)" and its COPY rows */
    char *copy_target;
    buf copy;
};

bool db_is_postgresql_target(const char *target)
{
    return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0;
}

/* Copies a target for messages with any password in the URI masked. */
static void describe_target(char *out, size_t size, const char *target)
{
    snprintf(out, size, "%s", target);
    char *scheme = strstr(out, "://");
    char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (at && colon && colon < at) {
        size_t tail = strlen(at);
        memcpy(colon + 1, "***", 3);
        memmove(colon + 4, at, tail + 1);
    }
}

int db_open(const char *target, db **out, kd_error *err)
{
    *out = NULL;
    db *d = calloc(1, sizeof *d);
    if (!d)
        return error_set(err, KD_ENOMEM, "out of memory opening the store");
    describe_target(d->target, sizeof d->target, target);
    if (db_is_postgresql_target(target)) {
        d->pg = PQconnectdb(target);
        if (PQstatus(d->pg) != CONNECTION_OK) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", PQerrorMessage(d->pg));
            msg[strcspn(msg, "\n")] = '\0';
            error_set(err, KD_EIO, "%s: cannot connect to PostgreSQL: %s", d->target, msg);
            db_close(d);
            return KD_EIO;
        }
        /* Notices ("relation already exists, skipping") are not for users. */
        PQsetNoticeProcessor(d->pg, NULL, NULL);
        PQclear(PQexec(d->pg, "SET client_min_messages = warning"));
    } else {
        int rc = sqlite3_open_v2(target, &d->lite, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
        if (rc != SQLITE_OK) {
            error_set(err, KD_EIO, "%s: cannot open the store: %s", d->target,
                      d->lite ? sqlite3_errmsg(d->lite) : sqlite3_errstr(rc));
            db_close(d);
            return KD_EIO;
        }
        /* WAL lets readers (alerts, audit export) work while a run writes;
         * synchronous=FULL makes a committed run survive power loss, at one
         * fsync per run since a run is one transaction. busy_timeout lets a
         * second writer wait for the first instead of failing at once. A
         * run is one large transaction: with SQLite's default 2 MB page
         * cache it would spill B-tree pages to the WAL again and again
         * before committing, so the cache may grow to 64 MB. */
        /* busy_timeout first: setting the journal mode reads the database
         * too, and without it a store opened while another process writes
         * failed at once with "database is locked" */
        if (db_exec(d, "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                       "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;", err)) {
            db_close(d);
            return err ? err->code : KD_EIO;
        }
    }
    *out = d;
    return KD_OK;
}

void db_close(db *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_idle; i++)
        sqlite3_finalize(d->idle[i]);
    for (size_t i = 0; i < d->n_pg_idle; i++)
        free(d->pg_idle[i].sql); /* the server's copies go with the connection */
    if (d->lite)
        sqlite3_close(d->lite);
    if (d->pg)
        PQfinish(d->pg);
    free(d->bulk);
    free(d);
}

bool db_is_postgresql(const db *d) { return d->pg != NULL; }

bool db_connection_lost(const db *d) { return d->pg && PQstatus(d->pg) == CONNECTION_BAD; }

static int pg_error(db *d, PGresult *r, kd_error *err, const char *what)
{
    char msg[600];
    snprintf(msg, sizeof msg, "%s", r ? PQresultErrorMessage(r) : PQerrorMessage(d->pg));
    msg[strcspn(msg, "\n")] = '\0';
    return error_set(err, KD_EIO, "%s: %s: %s", d->target, what, msg);
}

int db_exec(db *d, const char *sql, kd_error *err)
{
    if (d->pg) {
        PGresult *r = PQexec(d->pg, sql);
        ExecStatusType st = PQresultStatus(r);
        int rc = KD_OK;
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
            rc = pg_error(d, r, err, "SQL failed");
        /* PostgreSQL answers COMMIT of a transaction an error has aborted
         * with success and the tag ROLLBACK: nothing was written, and a
         * caller must not answer as if it had been */
        else if (strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(r), "COMMIT") != 0)
            rc = error_set(err, KD_EIO, "%s: the transaction was rolled back (%s): an earlier statement of it failed",
                           d->target, PQcmdStatus(r));
        PQclear(r);
        return rc;
    }
    char *msg = NULL;
    if (sqlite3_exec(d->lite, sql, NULL, NULL, &msg) != SQLITE_OK) {
        error_set(err, KD_EIO, "%s: SQL failed: %s", d->target, msg ? msg : sqlite3_errmsg(d->lite));
        sqlite3_free(msg);
        return KD_EIO;
    }
    return KD_OK;
}

/* `?` → `$n`, outside quoted strings. */
static char *pg_placeholders(const char *sql, int *n_params)
{
    buf b = {0};
    int n = 0;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            buf_append_char(&b, *p);
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
            buf_append_char(&b, *p);
        } else if (*p == '?') {
            buf_printf(&b, "$%d", ++n);
        } else {
            buf_append_char(&b, *p);
        }
    }
    *n_params = n;
    return b.data;
}

int db_prepare(db *d, const char *sql, db_stmt **out, kd_error *err)
{
    *out = NULL;
    db_stmt *s = calloc(1, sizeof *s);
    if (!s)
        return error_set(err, KD_ENOMEM, "out of memory preparing a statement");
    s->owner = d;
    if (d->pg) {
        for (size_t i = 0; i < d->n_pg_idle; i++)
            if (strcmp(d->pg_idle[i].sql, sql) == 0) {
                s->sql = d->pg_idle[i].sql;
                memcpy(s->name, d->pg_idle[i].name, sizeof s->name);
                s->n_params = d->pg_idle[i].n_params;
                d->pg_idle[i] = d->pg_idle[--d->n_pg_idle];
                *out = s;
                return KD_OK;
            }
        if (!(s->sql = strdup(sql))) {
            free(s);
            return error_set(err, KD_ENOMEM, "out of memory preparing a statement");
        }
        char *text = pg_placeholders(sql, &s->n_params);
        if (!text || s->n_params > DB_MAX_PARAMS) {
            free(text);
            free(s->sql);
            free(s);
            return error_set(err, KD_ENOMEM, "cannot prepare a statement");
        }
        snprintf(s->name, sizeof s->name, "kd%u", ++d->next_statement);
        PGresult *r = PQprepare(d->pg, s->name, text, s->n_params, NULL);
        free(text);
        int rc = KD_OK;
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            rc = pg_error(d, r, err, "cannot prepare statement");
        PQclear(r);
        if (rc) {
            free(s->sql);
            free(s);
            return rc;
        }
    } else {
        for (size_t i = 0; i < d->n_idle && !s->lite; i++)
            if (strcmp(sqlite3_sql(d->idle[i]), sql) == 0) {
                s->lite = d->idle[i];
                d->idle[i] = d->idle[--d->n_idle];
            }
    }
    if (!d->pg && !s->lite && sqlite3_prepare_v2(d->lite, sql, -1, &s->lite, NULL) != SQLITE_OK) {
        error_set(err, KD_EIO, "%s: cannot prepare statement: %s", d->target, sqlite3_errmsg(d->lite));
        free(s);
        return KD_EIO;
    }
    *out = s;
    return KD_OK;
}

void db_reset(db_stmt *s)
{
    if (s->lite) {
        sqlite3_reset(s->lite);
        sqlite3_clear_bindings(s->lite);
        return;
    }
    PQclear(s->result);
    s->result = NULL;
    s->row = s->rows = 0;
    s->done = false;
    for (int i = 0; i < DB_MAX_PARAMS; i++) {
        free(s->params[i]);
        s->params[i] = NULL;
    }
}

void db_finalize(db_stmt *s)
{
    if (!s)
        return;
    db_reset(s);
    if (s->copy_target) {
        db *d = s->owner;
        for (size_t i = 0; i < d->n_bulk; i++)
            if (d->bulk[i] == s) {
                memmove(&d->bulk[i], &d->bulk[i + 1], (d->n_bulk - i - 1) * sizeof *d->bulk);
                d->n_bulk--;
                break;
            }
        free(s->copy_target);
        buf_free(&s->copy);
    } else if (s->lite) {
        db *d = s->owner;
        if (d->n_idle < DB_IDLE_STATEMENTS)
            d->idle[d->n_idle++] = s->lite; /* reset above: ready for reuse */
        else
            sqlite3_finalize(s->lite);
    } else {
        db *d = s->owner;
        if (d->n_pg_idle < DB_IDLE_STATEMENTS && s->sql) {
            struct pg_idle *k = &d->pg_idle[d->n_pg_idle++];
            k->sql = s->sql;
            memcpy(k->name, s->name, sizeof k->name);
            k->n_params = s->n_params;
            s->sql = NULL;
        } else {
            char sql[64];
            snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
            PQclear(PQexec(d->pg, sql));
        }
    }
    free(s->sql);
    free(s);
}

static int pg_bind(db_stmt *s, int i, char *text)
{
    if (i < 1 || i > DB_MAX_PARAMS) {
        free(text);
        return KD_EUSAGE;
    }
    free(s->params[i - 1]);
    s->params[i - 1] = text;
    return KD_OK;
}

int db_bind_text(db_stmt *s, int i, const char *value)
{
    if (s->lite)
        return sqlite3_bind_text(s->lite, i, value, -1, SQLITE_TRANSIENT) == SQLITE_OK ? KD_OK : KD_EIO;
    return pg_bind(s, i, value ? strdup(value) : NULL);
}

int db_bind_int(db_stmt *s, int i, int64_t value)
{
    if (s->lite)
        return sqlite3_bind_int64(s->lite, i, value) == SQLITE_OK ? KD_OK : KD_EIO;
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)value);
    return pg_bind(s, i, strdup(text));
}

int db_bind_double(db_stmt *s, int i, double value)
{
    if (s->lite)
        return sqlite3_bind_double(s->lite, i, value) == SQLITE_OK ? KD_OK : KD_EIO;
    char text[40];
    snprintf(text, sizeof text, "%.17g", value);
    return pg_bind(s, i, strdup(text));
}

int db_prepare_bulk(db *d, const char *table, const char *columns, db_stmt **out, kd_error *err)
{
    *out = NULL;
    int n = 1;
    for (const char *p = columns; *p; p++)
        n += *p == ',';
    if (!d->pg) {
        buf sql = {0};
        buf_printf(&sql, "INSERT INTO %s (%s) VALUES (?", table, columns);
        for (int i = 1; i < n; i++)
            buf_append_str(&sql, ", ?");
        buf_append_str(&sql, ")");
        int rc = sql.data ? db_prepare(d, sql.data, out, err)
                          : error_set(err, KD_ENOMEM, "out of memory preparing a statement");
        buf_free(&sql);
        return rc;
    }
    if (n > DB_MAX_PARAMS)
        return error_set(err, KD_EUSAGE, "too many columns for a bulk insert into %s", table);
    db_stmt *s = calloc(1, sizeof *s);
    db_stmt **list = realloc(d->bulk, (d->n_bulk + 1) * sizeof *list);
    buf target = {0};
    if (!s || !list || buf_printf(&target, "%s (%s)", table, columns)) {
        free(s);
        buf_free(&target);
        if (list)
            d->bulk = list;
        return error_set(err, KD_ENOMEM, "out of memory preparing a statement");
    }
    d->bulk = list;
    d->bulk[d->n_bulk++] = s;
    s->owner = d;
    s->n_params = n;
    s->copy_target = target.data;
    *out = s;
    return KD_OK;
}

/* One row in COPY's text format: tab-separated, \N for NULL, backslash
 * escapes for the characters the format reserves. */
static int copy_row(db_stmt *s)
{
    buf *b = &s->copy;
    for (int i = 0; i < s->n_params; i++) {
        if (i && buf_append_char(b, '\t'))
            return KD_ENOMEM;
        const char *v = s->params[i];
        if (!v) {
            if (buf_append_str(b, "\\N"))
                return KD_ENOMEM;
            continue;
        }
        for (; *v; v++) {
            const char *esc = *v == '\\' ? "\\\\" : *v == '\t' ? "\\t" : *v == '\n' ? "\\n" : *v == '\r' ? "\\r" : NULL;
            if (esc ? buf_append_str(b, esc) : buf_append_char(b, *v))
                return KD_ENOMEM;
        }
    }
    return buf_append_char(b, '\n');
}

int db_bulk_flush(db *d, kd_error *err)
{
    for (size_t i = 0; d->pg && i < d->n_bulk; i++) {
        db_stmt *s = d->bulk[i];
        if (!s->copy.len)
            continue;
        char sql[512];
        snprintf(sql, sizeof sql, "COPY %s FROM STDIN", s->copy_target);
        PGresult *r = PQexec(d->pg, sql);
        int rc = KD_OK;
        if (PQresultStatus(r) != PGRES_COPY_IN)
            rc = pg_error(d, r, err, "cannot start COPY");
        PQclear(r);
        if (rc)
            return rc;
        bool sent = PQputCopyData(d->pg, s->copy.data, (int)s->copy.len) == 1;
        PQputCopyEnd(d->pg, sent ? NULL : "client could not send the rows");
        while ((r = PQgetResult(d->pg))) {
            if (PQresultStatus(r) != PGRES_COMMAND_OK && !rc)
                rc = pg_error(d, r, err, "COPY failed");
            PQclear(r);
        }
        buf_clear(&s->copy);
        if (rc)
            return rc;
    }
    d->bulk_bytes = 0;
    return KD_OK;
}

int db_next_id(db *d, db_ids *ids, int64_t *out, kd_error *err)
{
    if (!d->pg) {
        if (!ids->counter) {
            char sql[128];
            snprintf(sql, sizeof sql, "SELECT COALESCE(MAX(id), 0) FROM %s", ids->table);
            db_stmt *q;
            int rc = db_prepare(d, sql, &q, err);
            if (rc)
                return rc;
            rc = db_step(q, err);
            ids->counter = rc == 1 ? db_column_int(q, 0) : 0;
            db_finalize(q);
            if (rc < 0)
                return rc;
        }
        *out = ++ids->counter;
        return KD_OK;
    }
    if (ids->next == ids->n) {
        if (!ids->pool && !(ids->pool = malloc(DB_ID_BLOCK * sizeof *ids->pool)))
            return error_set(err, KD_ENOMEM, "out of memory reserving ids");
        /* Reserved as the run needs them: a /match of one name takes a few
         * ids, a batch of a million takes blocks of DB_ID_BLOCK. Each id
         * costs the sequence a step, so 4,096 at once cost a small request
         * most of its time. */
        ids->block = ids->block ? ids->block * 2 : 8;
        if (ids->block > DB_ID_BLOCK)
            ids->block = DB_ID_BLOCK;
        char sql[160];
        snprintf(sql, sizeof sql, "SELECT nextval(pg_get_serial_sequence('%s', 'id')) "
                                  "FROM generate_series(1, %zu)", ids->table, ids->block);
        PGresult *r = PQexec(d->pg, sql);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            int rc = pg_error(d, r, err, "cannot reserve ids");
            PQclear(r);
            return rc;
        }
        ids->n = (size_t)PQntuples(r);
        for (size_t i = 0; i < ids->n; i++)
            ids->pool[i] = strtoll(PQgetvalue(r, (int)i, 0), NULL, 10);
        ids->next = 0;
        PQclear(r);
        if (!ids->n)
            return error_set(err, KD_EIO, "%s: no ids reserved for %s", d->target, ids->table);
    }
    *out = ids->pool[ids->next++];
    return KD_OK;
}

void db_ids_free(db_ids *ids)
{
    free(ids->pool);
    ids->pool = NULL;
    ids->next = ids->n = ids->block = 0;
}

int db_step(db_stmt *s, kd_error *err)
{
    db *d = s->owner;
    if (s->copy_target) {
        size_t before = s->copy.len;
        if (copy_row(s))
            return error_set(err, KD_ENOMEM, "out of memory buffering rows");
        for (int i = 0; i < DB_MAX_PARAMS; i++) {
            free(s->params[i]);
            s->params[i] = NULL;
        }
        d->bulk_bytes += s->copy.len - before;
        return d->bulk_bytes > DB_BULK_FLUSH_BYTES ? db_bulk_flush(d, err) : 0;
    }
    if (s->lite) {
        int rc = sqlite3_step(s->lite);
        if (rc == SQLITE_ROW)
            return 1;
        if (rc == SQLITE_DONE)
            return 0;
        return error_set(err, KD_EIO, "%s: %s", d->target, sqlite3_errmsg(d->lite));
    }
    if (!s->result && !s->done) {
        s->result = PQexecPrepared(d->pg, s->name, s->n_params, (const char *const *)s->params,
                                   NULL, NULL, 0);
        ExecStatusType st = PQresultStatus(s->result);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            int rc = pg_error(d, s->result, err, "statement failed");
            PQclear(s->result);
            s->result = NULL;
            s->done = true;
            return rc;
        }
        s->rows = PQntuples(s->result);
        s->row = -1;
    }
    if (s->done || ++s->row >= s->rows) {
        s->done = true;
        return 0;
    }
    return 1;
}

bool db_column_null(db_stmt *s, int i)
{
    if (s->lite)
        return sqlite3_column_type(s->lite, i) == SQLITE_NULL;
    return PQgetisnull(s->result, s->row, i);
}

const char *db_column_text(db_stmt *s, int i)
{
    if (db_column_null(s, i))
        return NULL;
    if (s->lite)
        return (const char *)sqlite3_column_text(s->lite, i);
    return PQgetvalue(s->result, s->row, i);
}

int64_t db_column_int(db_stmt *s, int i)
{
    if (s->lite)
        return sqlite3_column_int64(s->lite, i);
    const char *t = db_column_text(s, i);
    return t ? strtoll(t, NULL, 10) : 0;
}

double db_column_double(db_stmt *s, int i)
{
    if (s->lite)
        return sqlite3_column_double(s->lite, i);
    const char *t = db_column_text(s, i);
    return t ? strtod(t, NULL) : 0.0;
}
