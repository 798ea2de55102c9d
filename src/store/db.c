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

struct db {
    sqlite3 *lite;
    PGconn *pg;
    char target[256]; /* for messages, without a password */
    unsigned next_statement;
};

struct db_stmt {
    db *owner;
    sqlite3_stmt *lite;
    /* PostgreSQL: a server-side prepared statement, its parameters as
     * text, and the result being walked. */
    char name[24];
    int n_params;
    char *params[DB_MAX_PARAMS];
    PGresult *result;
    int row, rows;
    bool done;
};

static bool is_pg_target(const char *target)
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
    if (is_pg_target(target)) {
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
         * second writer wait for the first instead of failing at once. */
        if (db_exec(d, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                       "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;", err)) {
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
    if (d->lite)
        sqlite3_close(d->lite);
    if (d->pg)
        PQfinish(d->pg);
    free(d);
}

bool db_is_postgresql(const db *d) { return d->pg != NULL; }

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
        char *text = pg_placeholders(sql, &s->n_params);
        if (!text || s->n_params > DB_MAX_PARAMS) {
            free(text);
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
            free(s);
            return rc;
        }
    } else if (sqlite3_prepare_v2(d->lite, sql, -1, &s->lite, NULL) != SQLITE_OK) {
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
    if (s->lite) {
        sqlite3_finalize(s->lite);
    } else {
        char sql[64];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
        PQclear(PQexec(s->owner->pg, sql));
    }
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

int db_step(db_stmt *s, kd_error *err)
{
    db *d = s->owner;
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
