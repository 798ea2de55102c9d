/* ofac_remarks — the mini-language of the OFAC legacy CSV "Remarks" field and
 * OFAC's "LAST, First Middle" person names. Internal to src/lists/ofac_*.c
 * and the fuzz harnesses. */
#ifndef KD_OFAC_REMARKS_H
#define KD_OFAC_REMARKS_H

#include "model/model.h"

/* OFAC cuts Remarks at this many characters and carries the rest over to
 * sdn_comments.csv. */
#define OFAC_REMARKS_CUT 1000

/* Reads a Remarks text (UTF-8, already joined with its sdn_comments.csv
 * continuation) into e's properties, according to e->schema. Clauses are
 * separated by ';'; those it does not understand become notes, so nothing
 * is dropped. `truncated` says the text was cut by OFAC and no continuation
 * came: its last clause is then kept as a note instead of being read.
 * Returns 0 or the KD_EUTF8 / KD_ELIMIT / KD_ENOMEM of entity_add*. */
int ofac_remarks_apply(model_entity *e, const char *s, size_t n, bool truncated);

/* Adds an OFAC name to prop. For a person (`person`), "LAST, First Middle"
 * becomes "First Middle LAST" (a generational suffix such as "Jr." goes to
 * the end); with `parts` the firstName and lastName are added too. Other
 * names are added unchanged: commas belong to company names ("CO., LTD."). */
int ofac_add_name(model_entity *e, kd_prop prop, const char *s, size_t n, bool person, bool parts);

#endif
