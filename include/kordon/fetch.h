/* fetch — downloads the official lists, checks them, and only then puts them
 * in place of the previous version.
 *
 * A source is one list as its publisher ships it: one file (UN, EU) or a set
 * of files read together (OFAC's sdn.csv with alt.csv, add.csv and
 * sdn_comments.csv). Its files live in DIR/NAME/. Every file is downloaded
 * into a hidden staging directory in DIR; the whole set is format-checked
 * and parsed by the same parsers `kordon build` uses, its record count
 * compared with the previous version, and only then renamed over the
 * previous files. A failed or suspicious download therefore leaves the
 * previous files exactly as they were, and says why in the report and in
 * the state file DIR/fetch-state.json (read it with kd_fetch_state_load).
 *
 * Ownership: kd_sources_* and kd_fetch_state_* fill caller-provided structs
 * whose strings they own; release them with kd_sources_free /
 * kd_fetch_state_free. Every failing function returns a negative KD_E* code
 * and fills the kd_error with a message naming the source, file or line. */
#ifndef KD_FETCH_H
#define KD_FETCH_H

#include "kordon.h"

#include <stdint.h>

/* ---- sources.conf ------------------------------------------------------- */

/* Limits and policies; every one has a `set NAME VALUE` line in the config. */
typedef struct kd_fetch_settings {
    double timeout;          /* seconds for a whole transfer */
    double connect_timeout;  /* seconds to connect */
    long low_speed_limit;    /* bytes/s below which a transfer counts as stalled... */
    long low_speed_time;     /* ...for this many seconds (then it is aborted) */
    long retries;            /* further attempts after a transient failure */
    double retry_delay;      /* seconds before the first retry, doubled each time */
    uint64_t max_size;       /* bytes; a larger file is refused */
    double max_shrink;       /* refuse a version with this fraction fewer records */
} kd_fetch_settings;

typedef struct kd_source_file {
    char *url;
    char *file;    /* local name inside DIR/NAME/ */
    int format;    /* the list_format it must have, or 0 (LIST_UNKNOWN) for any */
} kd_source_file;

typedef struct kd_source {
    char *name;
    kd_source_file *files;
    size_t n_files;
} kd_source;

typedef struct kd_sources {
    kd_source *items;
    size_t n;
    kd_fetch_settings settings;
} kd_sources;

/* The defaults a config starts from (documented in sources.conf). */
KD_API void kd_fetch_settings_default(kd_fetch_settings *out);

/* Parses config text; origin names it in messages ("sources.conf:12: ..."). */
KD_API int kd_sources_parse(const char *text, size_t len, const char *origin, kd_sources *out,
                     kd_error *err);
KD_API int kd_sources_load(const char *path, kd_sources *out, kd_error *err);
KD_API void kd_sources_free(kd_sources *s);

/* Short format names used in the config and state ("un_xml", "ofac_csv"...);
 * kd_fetch_format_from_key returns 0 for an unknown key. */
KD_API const char *kd_fetch_format_key(int format);
KD_API int kd_fetch_format_from_key(const char *key);

/* ---- state (DIR/fetch-state.json) -------------------------------------- */

typedef struct kd_fetch_file_state {
    char *file;
    char *url;            /* the URL the validators below belong to */
    char *etag;           /* NULL when the server sent none */
    char *last_modified;  /* as the server wrote it; NULL when none */
    char *format;         /* format key detected at the last accepted download */
    char sha256[65];
    uint64_t size;
} kd_fetch_file_state;

typedef struct kd_fetch_source_state {
    char *name;
    uint64_t records;     /* entities the accepted version parses to */
    char sha256[65];      /* of the accepted files: the dataset's version */
    int64_t fetched_at;   /* Unix time the accepted version was downloaded; 0 never */
    int64_t checked_at;   /* last time the publisher confirmed it (200 or 304) */
    int64_t attempted_at; /* last attempt, successful or not */
    char *last_error;     /* why the last attempt failed; NULL when it succeeded */
    kd_fetch_file_state *files;
    size_t n_files;
} kd_fetch_source_state;

typedef struct kd_fetch_state {
    kd_fetch_source_state *sources;
    size_t n_sources;
} kd_fetch_state;

/* Reads DIR/fetch-state.json; a missing file is an empty state, not an
 * error (nothing fetched yet). */
KD_API int kd_fetch_state_load(const char *dir, kd_fetch_state *out, kd_error *err);
/* Writes DIR/fetch-state.json through a temporary file and a rename. */
KD_API int kd_fetch_state_save(const char *dir, const kd_fetch_state *state, kd_error *err);
KD_API void kd_fetch_state_free(kd_fetch_state *state);
/* The entry for a source, or NULL. */
KD_API kd_fetch_source_state *kd_fetch_state_find(const kd_fetch_state *state, const char *name);

/* ---- fetching ----------------------------------------------------------- */

typedef enum kd_fetch_outcome {
    KD_FETCH_UNCHANGED = 0, /* the publisher has nothing newer (304 or same bytes) */
    KD_FETCH_UPDATED,       /* a new version passed the checks and is in place */
    KD_FETCH_FAILED,        /* nothing replaced; message says why */
} kd_fetch_outcome;

typedef struct kd_fetch_report {
    const char *source;        /* the kd_source's name (borrowed) */
    kd_fetch_outcome outcome;
    int code;                  /* KD_E* when FAILED, else 0 */
    uint64_t records;          /* of the version now in place (0 when none) */
    uint64_t previous_records; /* of the version before this run (0 when none) */
    uint64_t bytes;            /* downloaded in this run */
    char message[1024];        /* one line for a person: what happened and why */
} kd_fetch_report;

typedef struct kd_fetch_options {
    const char *dir;           /* where lists and fetch-state.json live */
    /* Progress lines (a retry, a file downloaded); may be NULL. */
    void (*log)(void *ctx, const char *line);
    void *log_ctx;
} kd_fetch_options;

/* Fetches every source in order; reports must hold sources->n entries.
 * A source that fails does not stop the others: its report says why. The
 * return value is an error only when the run itself cannot proceed (DIR
 * unusable, another fetch holds DIR's lock, an unreadable state file).
 * Blocking (minutes for a slow publisher): a server calls it from a thread
 * of its own. libcurl's global init is reference-counted and thread-safe
 * in the libcurl kordon builds with (7.88, "threadsafe" feature). */
KD_API int kd_fetch_run(const kd_sources *sources, const kd_fetch_options *options,
                 kd_fetch_report *reports, kd_error *err);

#endif
