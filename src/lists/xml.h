/* xml — what the XML list parsers (UN, Canada, EU FSF, OFAC) share: a
 * libxml2 pull reader that hands out one record element at a time, fully
 * expanded, and helpers to read text and attributes out of it. Internal to
 * src/lists/.
 *
 * Safety, stated once: documents are read with XML_PARSE_NONET and without
 * XML_PARSE_NOENT, XML_PARSE_DTDLOAD or XML_PARSE_HUGE, so nothing is
 * fetched, libxml2's size limits stay on and entities are never substituted.
 * A document whose DOCTYPE declares entities is refused, and the text
 * helpers below never follow an entity reference, so an entity-expansion
 * bomb cannot grow in memory. libxml2 never prints: its errors are caught
 * and the first one becomes the kd_error, with its line. */
#ifndef KD_LISTS_XML_H
#define KD_LISTS_XML_H

#include "lists.h"

#include <libxml/tree.h>

/* Returns a failure of `call` at once: the parsers add values in long runs
 * where every step can fail. */
#define TRY(call)                                                                              \
    do {                                                                                       \
        int rc_ = (call);                                                                      \
        if (rc_)                                                                               \
            return rc_;                                                                        \
    } while (0)

typedef struct xml_reader xml_reader;

/* Opens path and checks that the document element's local name is `root`
 * (KD_EFORMAT otherwise). An empty file is KD_EEMPTY. */
int xml_open(xml_reader **out, const char *path, const char *root, kd_error *err);

/* Moves past the previous record to the next element whose local name is
 * one of `names` (a NULL-terminated list), wherever it sits, and expands
 * it. Returns 1 with *node set (valid until the next call), 0 at the end of
 * the document, or a negative KD_E* code with err filled. */
int xml_next(xml_reader *r, const char *const *names, xmlNode **node, kd_error *err);
/* The parsers' loop: each record element named in `records` read into the
 * entity by parse(ctx, rec), then handed to the sink; KD_EEMPTY ("PATH: no
 * records") when the document has none. parse returns 0 for a record, a
 * negative KD_E* code to stop, or XML_NOT_A_RECORD for an element read for
 * what it says about the file (OFAC's publshInformation), which is neither
 * emitted nor counted. Returns the first failure, else 0; *count, when
 * given, gets the records emitted. */
#define XML_NOT_A_RECORD 1
int xml_each_record(xml_reader *r, const char *path, const char *const *records,
                    int (*parse)(void *ctx, xmlNode *rec), void *ctx, const model_entity *e, const list_sink *sink,
                    size_t *count, kd_error *err);

const char *xml_path(const xml_reader *r);
void xml_close(xml_reader *r);

/* The line an element starts on (0 when unknown). */
size_t xml_line(const xmlNode *n);

/* True for an element with this local name (namespaces are ignored: each
 * list uses one, and the root check already tells lists apart). */
bool xml_is(const xmlNode *n, const char *name);
/* The first child element named `name` (any element when name is NULL),
 * and the next sibling element after n with that name. */
xmlNode *xml_child(const xmlNode *parent, const char *name);
xmlNode *xml_next_sibling(const xmlNode *n, const char *name);

/* The text of an element or attribute node: its text and CDATA children,
 * trimmed. The result points into the node when it is a single piece and
 * into `scratch` otherwise, so it is valid until scratch is next used.
 * Never NULL, but trimming leaves it unterminated: use *len. */
const char *xml_text(const xmlNode *n, buf *scratch, size_t *len);
/* The text of the first child element `name`, or "" when there is none. */
const char *xml_child_text(const xmlNode *parent, const char *name, buf *scratch, size_t *len);
/* The value of attribute `name` of element n, or "" when absent. */
const char *xml_attr(const xmlNode *n, const char *name, buf *scratch, size_t *len);
/* Appends the untrimmed text of n to out. */
int xml_append_text(buf *out, const xmlNode *n);

/* The entity_add* family, so one helper can turn their errors into
 * messages. */
typedef int (*xml_adder)(model_entity *e, kd_prop prop, const char *s, size_t n);

/* Adds s to prop with `add`; a failure (KD_EUTF8, KD_ELIMIT, KD_ENOMEM)
 * becomes "path:line: field: problem", the line being where `at` starts. */
int xml_add(const xml_reader *r, model_entity *e, kd_prop prop, xml_adder add, const char *s,
            size_t n, const xmlNode *at, const char *field, kd_error *err);
/* Adds the text of element n, naming the element in a message. */
int xml_add_text(const xml_reader *r, model_entity *e, kd_prop prop, xml_adder add, const xmlNode *n,
                 buf *scratch, kd_error *err);

#endif
