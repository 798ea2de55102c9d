/* db — the few SQL operations the store needs, over SQLite or PostgreSQL.
 *
 * Statements are written once with `?` placeholders (SQLite's); for
 * PostgreSQL they are renumbered to $1, $2 ... when prepared. Parameters are
 * numbered from 1, columns from 0. A statement is stepped row by row:
 * db_step returns 1 for a row, 0 when done, a negative KD_E* code on error.
 * Text returned by db_column_text lives until the next step or reset. */
#ifndef KD_STORE_DB_H
#define KD_STORE_DB_H

#include "core/core.h"

typedef struct db db;
typedef struct db_stmt db_stmt;

/* target: "postgresql://..." or "postgres://..." (a libpq connection URI),
 * anything else is an SQLite file, created when missing. */
int db_open(const char *target, db **out, kd_error *err);
void db_close(db *d);
bool db_is_postgresql(const db *d);
/* Whether a --db target names a PostgreSQL server (postgresql:// or postgres://). */
bool db_is_postgresql_target(const char *target);
/* Whether the connection to the PostgreSQL server is gone (a restart, a
 * network failure): only a new connection helps. Never for SQLite. */
bool db_connection_lost(const db *d);
/* Runs one or more statements without parameters (migrations, BEGIN). */
int db_exec(db *d, const char *sql, kd_error *err);

int db_prepare(db *d, const char *sql, db_stmt **out, kd_error *err);
void db_finalize(db_stmt *s);
/* Clears results and bindings so the statement can run again. */
void db_reset(db_stmt *s);
/* NULL binds SQL NULL. */
int db_bind_text(db_stmt *s, int i, const char *value);
int db_bind_int(db_stmt *s, int i, int64_t value);
int db_bind_double(db_stmt *s, int i, double value);
int db_step(db_stmt *s, kd_error *err);
/* Bulk inserts, for the rows of a run. db_prepare_bulk gives a statement
 * bound and stepped like any INSERT (the table's columns in the order
 * given). SQLite executes it at once, in-process. PostgreSQL would pay a
 * network round trip and a statement execution per row, so there a step
 * only appends the row to a COPY buffer, and db_bulk_flush sends every bulk
 * statement's rows with COPY, in the order the statements were prepared
 * (parents before children, for the foreign keys). Rows are flushed when
 * the buffers grow past a few MB and must be flushed before anything reads
 * them or the transaction commits. */
int db_prepare_bulk(db *d, const char *table, const char *columns, db_stmt **out, kd_error *err);
int db_bulk_flush(db *d, kd_error *err);

/* Ids for bulk rows, which cannot return theirs: SQLite, holding the write
 * lock for the whole transaction, counts on from the table's highest id;
 * PostgreSQL draws blocks from the table's identity sequence. */
typedef struct db_ids {
    const char *table;
    int64_t *pool;
    size_t next, n;
    size_t block;    /* ids the next reservation takes (PostgreSQL): doubles from 8 */
    int64_t counter; /* SQLite */
} db_ids;

int db_next_id(db *d, db_ids *ids, int64_t *out, kd_error *err);
void db_ids_free(db_ids *ids);

bool db_column_null(db_stmt *s, int i);
const char *db_column_text(db_stmt *s, int i); /* NULL for SQL NULL */
int64_t db_column_int(db_stmt *s, int i);
double db_column_double(db_stmt *s, int i);

#endif
