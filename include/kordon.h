/* kordon — sanctions and watchlist screening engine. Public library API:
 * this header is all of it but the store's, the downloader's and
 * screening's (kordon/store.h, kordon/fetch.h, kordon/screening.h); it is
 * made of one header per module, kordon/base.h (errors, schemata,
 * properties), kordon/index.h, kordon/match.h and kordon/scan.h, which a
 * caller may include alone.
 *
 * Ownership, stated once: every kd_*_open / kd_*_new returns an object the
 * caller releases with the matching kd_*_close / kd_*_free. Strings returned
 * by an index (kd_index_*) point into the mapped file and live as long as the
 * index stays open; strings returned as `char *` are the caller's to free().
 * Every function that can fail returns 0 or a negative KD_E* code and, when
 * given a kd_error, fills it with a message naming file, line and field. */
#ifndef KORDON_H
#define KORDON_H

#include "kordon/base.h"
#include "kordon/index.h"
#include "kordon/match.h"
#include "kordon/scan.h"

#endif
