/* Shared helpers for kordon's cmocka tests. */
#ifndef KD_TESTUTIL_H
#define KD_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lists/lists.h"

/* Path of a file under the shared data directory (KORDON_SHARED_DATA,
 * default ../shared/data). Returns a static buffer valid until next call. */
const char *data_path(const char *relative);
/* A scratch directory for this test run (created on demand). */
const char *tmp_path(const char *name);
/* Writes a scratch file and returns its path (tmp_path's buffer). */
const char *write_tmp(const char *name, const void *content, size_t n);
const char *write_tmp_text(const char *name, const char *text);

/* Builds an index of the lists under the shared data path `lists` into
 * the scratch file `name` and opens it; fails the test on error. The
 * caller closes it. */
struct kd_index;
struct kd_index *build_open_index(const char *lists, const char *name);

/* Collects deep copies of every emitted entity. */
typedef struct collected {
    model_entity *items;
    size_t n, cap;
} collected;

extern const list_sink *collect_sink(collected *c, list_sink *storage);
void collected_free(collected *c);
const model_entity *collected_find(const collected *c, const char *id);
size_t collected_count_schema(const collected *c, kd_schema schema);
/* true when the entity has prop == value exactly. */
bool entity_has(const model_entity *e, kd_prop prop, const char *value);
/* true when some value of prop contains the substring. */
bool entity_has_substring(const model_entity *e, kd_prop prop, const char *needle);
/* Asserts that parse refuses a "billion laughs" document — nine levels of
 * entities, each ten of the one below, declared in a DOCTYPE of root and
 * used where body writes &a9; — within a hang guard, emitting nothing. */
void assert_entity_bomb_refused(int (*parse)(const char *, const list_sink *, kd_error *),
                                const char *name, const char *root, const char *body);
/* Prints an entity to stderr (debugging aid for failing assertions). */
void entity_dump(const model_entity *e);

#define assert_has(e, prop, value)                                             \
    do {                                                                       \
        if (!entity_has((e), (prop), (value))) {                               \
            entity_dump(e);                                                    \
            fail_msg("%s lacks %s=%s", (e)->id.data, kd_prop_name(prop), (value)); \
        }                                                                      \
    } while (0)

#endif
