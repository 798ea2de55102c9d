/* lists — parsers that turn official sanctions lists into entities.
 *
 * Every parser streams: it reads one record, fills one reused entity and
 * hands it to the sink, so memory is bounded by the largest record rather
 * than the file. Every failure returns a negative KD_E* code with a message
 * "FILE:LINE: FIELD: problem". */
#ifndef KD_LISTS_H
#define KD_LISTS_H

#include "model/model.h"

typedef struct list_sink {
    /* Called once per record; the entity is only valid during the call.
     * A non-zero return aborts the parse and is passed through. */
    int (*emit)(void *ctx, const model_entity *e, kd_error *err);
    void *ctx;
} list_sink;

typedef enum list_format {
    LIST_UNKNOWN = 0,
    LIST_UN_XML,        /* UN Security Council consolidated list */
    LIST_OFAC_CSV,      /* OFAC legacy sdn.csv (+ alt, add, sdn_comments) */
    LIST_OFAC_PART,     /* alt.csv / add.csv / sdn_comments.csv: read with sdn.csv */
    LIST_OFAC_XML,      /* OFAC sdn.xml / consolidated non-SDN XML */
    LIST_EU_OJ_CSV,     /* EU Official Journal annexes (OpenSanctions transcription) */
    LIST_EU_FSF_XML,    /* EU consolidated list, FSF XML 1.1 */
    LIST_EU_FSF_CSV,    /* EU consolidated list, FSF CSV 1.0 */
    LIST_UK_HMT_CSV,    /* UK HM Treasury (OFSI) consolidated list CSV, closed 2026-01-28 */
    LIST_UK_FCDO_XML,   /* UK Sanctions List (FCDO) XML */
    LIST_CANADA_XML,    /* Canada SEMA consolidated autonomous sanctions list */
    LIST_FTM_JSON,      /* FollowTheMoney JSON lines */
    LIST_GENERIC_CSV,   /* a user's own list: header-driven CSV */
} list_format;

const char *list_format_name(list_format format);

/* Detects the format of a file from its first bytes. Returns LIST_UNKNOWN
 * (and fills err with why) when nothing fits. */
list_format list_detect(const char *path, kd_error *err);

/* Parses one file of a known format. */
int list_parse(const char *path, list_format format, const list_sink *sink, kd_error *err);

/* The individual parsers (one file each under src/lists/). */
int parse_un_xml(const char *path, const list_sink *sink, kd_error *err);
int parse_ofac_csv(const char *sdn_path, const list_sink *sink, kd_error *err);
int parse_ofac_xml(const char *path, const list_sink *sink, kd_error *err);
int parse_eu_oj_csv(const char *path, const list_sink *sink, kd_error *err);
int parse_eu_fsf_xml(const char *path, const list_sink *sink, kd_error *err);
int parse_eu_fsf_csv(const char *path, const list_sink *sink, kd_error *err);
int parse_uk_hmt_csv(const char *path, const list_sink *sink, kd_error *err);
int parse_uk_fcdo_xml(const char *path, const list_sink *sink, kd_error *err);
int parse_canada_xml(const char *path, const list_sink *sink, kd_error *err);
int parse_ftm_json(const char *path, const list_sink *sink, kd_error *err);
int parse_generic_csv(const char *path, const list_sink *sink, kd_error *err);

/* ---- CSV reader (RFC 4180 plus what official files really contain) -----
 * Quoted fields with "" escapes and embedded newlines, LF or CRLF, a UTF-8
 * BOM, a trailing 0x1A (DOS end-of-file) byte. Fields are raw bytes; the
 * caller decides the encoding. A field over CSV_FIELD_MAX bytes, or a quote
 * left open at end of file, is an error naming the line. */
#define CSV_FIELD_MAX (1024 * 1024)

typedef struct csv_reader csv_reader;

int csv_open(csv_reader **out, const char *path, char delimiter, kd_error *err);
/* The same over bytes in memory (not copied: they must outlive the
 * reader); name stands for the path in messages. */
int csv_open_memory(csv_reader **out, const char *data, size_t len, const char *name, char delimiter,
                    kd_error *err);
/* Reads the next record: 1 = a record, 0 = end of file, < 0 = error. */
int csv_next(csv_reader *r, kd_error *err);
size_t csv_field_count(const csv_reader *r);
/* Field i of the current record ("" when i is out of range); valid until
 * the next csv_next. len may be NULL. */
const char *csv_field(const csv_reader *r, size_t i, size_t *len);
/* Line on which the current record starts (1-based). */
size_t csv_line(const csv_reader *r);
const char *csv_path(const csv_reader *r);
/* Bytes consumed so far (for progress reports). */
long csv_offset(const csv_reader *r);
void csv_close(csv_reader *r);

/* The header of a CSV whose columns are found by name: the first record,
 * each name trimmed and checked UTF-8. */
typedef struct csv_header {
    buf names;      /* the names, each NUL-terminated */
    size_t *at;     /* column i's name starts at names.data + at[i] */
    size_t n;       /* columns */
} csv_header;
/* Reads the header (the reader's current record stays the header, so
 * csv_field still gives the raw names); a name over max_name bytes is kept
 * cut there (0: kept whole). Errors: "PATH: no records (the file is
 * empty)", "PATH:LINE: column N: invalid UTF-8 in the header". Free with
 * csv_header_free, also after a failure. */
int csv_header_read(csv_reader *r, csv_header *h, size_t max_name, kd_error *err);
const char *csv_header_name(const csv_header *h, size_t i);
void csv_header_free(csv_header *h);

/* Message helper for parsers: "path:line: field: problem (code text)". */
int list_value_error(kd_error *err, int code, const char *path, size_t line, const char *field);

/* The kordon dataset of a list named by its file (FtM JSON lines, a
 * user's CSV): the base name without the list-file extensions at its end
 * (.ftm, .json, .jsonl, .csv, .xml, .gz...: "zala.ftm.json" → zala,
 * "watchlist.csv.gz" → watchlist, "list.v2.csv" → list_v2, ".hidden.csv"
 * → _hidden), ASCII letters lowercased, every other byte but a digit
 * turned into '_'; fallback when nothing is left. Cut to size - 1 bytes. */
void list_dataset_from_path(const char *path, const char *fallback, char *out, size_t size);

#endif
