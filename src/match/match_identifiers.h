/* Listed records by identifier (identifiers.c), private to match/. */
#ifndef KD_MATCH_IDENTIFIERS_H
#define KD_MATCH_IDENTIFIERS_H

#include "kordon.h"

#include <stddef.h>
#include <stdint.h>

typedef struct match_id_table match_id_table;

/* Every identifier value of every record of the index, by its lookup key. */
int match_id_table_build(const kd_index *ix, match_id_table **out);
void match_id_table_free(match_id_table *t);
/* The records (at most `most`, each once) holding the identifier, written
 * with or without its prefix; how many. */
size_t match_id_table_find(const match_id_table *t, const char *identifier, uint32_t *entities, size_t most);

#endif
