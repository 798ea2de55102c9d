/* store migrations — the SQL files under src/store/migrations/<engine>/,
 * embedded at build time (see CMakeLists.txt). File names start with their
 * version number ("0001_audit_store.sql"); each engine has its own files of
 * the same numbers, applied in order, once, on opening a store. */
#ifndef KD_STORE_MIGRATIONS_H
#define KD_STORE_MIGRATIONS_H

#include <stddef.h>

typedef struct store_migration {
    const char *engine; /* "sqlite" or "postgresql" */
    const char *name;   /* file name, version first */
    const char *sql;
} store_migration;

extern const store_migration store_migrations[];
extern const size_t store_migration_count;

#endif
