/* The pull reader shared by the XML list parsers; see xml.h for the safety
 * rules it keeps. Records are expanded one at a time with
 * xmlTextReaderExpand and skipped with xmlTextReaderNext, which lets the
 * reader free each record once it is passed: memory follows the largest
 * record, not the file. */
#include "xml.h"

#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* NONET: never fetch. BIG_LINES: lines past 65535 stay right in messages
 * (the full EU list has ~500,000). No NOENT, DTDLOAD or HUGE: see xml.h. */
#define XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_COMPACT | XML_PARSE_BIG_LINES)

struct xml_reader {
    xmlTextReaderPtr reader;
    int fd;
    char *path;
    bool expanded; /* positioned on a record handed out by xml_next */
    /* The first error libxml2 reported. */
    bool failed;
    int xml_code;
    long line;
    char message[400];
    char open_element[64]; /* innermost element still open then, if any */
    /* libxml2's per-thread handlers, put back by xml_close. */
    xmlStructuredErrorFunc saved_structured;
    void *saved_structured_ctx;
    xmlGenericErrorFunc saved_generic;
    void *saved_generic_ctx;
};

static void on_error(void *ctx, xmlErrorPtr e)
{
    xml_reader *r = ctx;
    if (!e || e->level < XML_ERR_ERROR || r->failed)
        return;
    r->failed = true;
    r->xml_code = e->code;
    r->line = e->line;
    /* The parser's stack of open elements tells a file cut short (libxml2
     * then says "Extra content at the end of the document") from junk
     * after the last tag. */
    const xmlParserCtxt *ctxt = e->domain == XML_FROM_PARSER ? e->ctxt : NULL;
    if (ctxt && ctxt->nameNr > 0 && ctxt->name) {
        const char *name = (const char *)ctxt->name;
        size_t k = 0;
        for (; name[k] && k + 1 < sizeof r->open_element; k++)
            r->open_element[k] = (unsigned char)name[k] < 0x80 ? name[k] : '?';
        r->open_element[k] = '\0';
    }
    /* libxml2's messages span lines ("...encoding !\nBytes: 0xFF"); fold
     * them, and never copy a byte that could break the message's UTF-8. */
    const char *m = e->message ? e->message : "XML error";
    bool ascii_only = !utf8_valid(m, strlen(m), NULL);
    size_t k = 0;
    for (; *m && k + 1 < sizeof r->message; m++) {
        unsigned char c = (unsigned char)*m;
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
        else if (c < 0x20 || (ascii_only && c >= 0x80))
            c = '?';
        if (c == ' ' && (k == 0 || r->message[k - 1] == ' '))
            continue;
        r->message[k++] = (char)c;
    }
    while (k && r->message[k - 1] == ' ')
        k--;
    r->message[k] = '\0';
}

/* Errors raised outside any parser context (while the reader is being set
 * up) would otherwise go to stderr through this one. */
static void on_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static int report(const xml_reader *r, kd_error *err)
{
    const char *what = "malformed XML";
    int code = KD_EPARSE;
    switch (r->xml_code) {
    case XML_ERR_DOCUMENT_EMPTY:
        return error_set(err, KD_EEMPTY, "%s:%ld: the document is empty", r->path,
                         r->line > 0 ? r->line : 1);
    case XML_ERR_INVALID_CHAR:
    case XML_ERR_INVALID_ENCODING:
        if (strstr(r->message, "UTF-8")) {
            what = strstr(r->message, "labelled") ? "wrong encoding declaration" : "invalid UTF-8";
            code = strstr(r->message, "labelled") ? KD_EPARSE : KD_EUTF8;
        }
        break;
    case XML_ERR_UNKNOWN_ENCODING:
    case XML_ERR_UNSUPPORTED_ENCODING:
        what = "unsupported encoding";
        break;
    case XML_ERR_TAG_NOT_FINISHED:
    case XML_ERR_DOCUMENT_END:
        if (r->open_element[0])
            return error_set(err, KD_EPARSE, "%s:%ld: the file ends inside <%s> (truncated?): %s",
                             r->path, r->line > 0 ? r->line : 1, r->open_element, r->message);
        break;
    default:
        break;
    }
    return error_set(err, code, "%s:%ld: %s: %s", r->path, r->line > 0 ? r->line : 1, what,
                     r->message);
}

const char *xml_path(const xml_reader *r) { return r->path; }

void xml_close(xml_reader *r)
{
    if (!r)
        return;
    if (r->reader)
        xmlFreeTextReader(r->reader);
    xmlSetStructuredErrorFunc(r->saved_structured_ctx, r->saved_structured);
    xmlSetGenericErrorFunc(r->saved_generic_ctx, r->saved_generic);
    if (r->fd >= 0)
        close(r->fd);
    free(r->path);
    free(r);
}

static bool declares_entities(xmlTextReaderPtr reader)
{
    xmlNode *node = xmlTextReaderCurrentNode(reader);
    xmlDtd *dtd = node && node->doc ? node->doc->intSubset : NULL;
    return dtd && (dtd->entities || dtd->pentities);
}

int xml_open(xml_reader **out, const char *path, const char *root, kd_error *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, KD_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return error_set(err, KD_EIO, "%s: not a regular file", path);
    }
    if (st.st_size == 0) {
        close(fd);
        return error_set(err, KD_EEMPTY, "%s:1: the file is empty", path);
    }
    xml_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        free(r);
        close(fd);
        return error_set(err, KD_ENOMEM, "%s: out of memory", path);
    }
    r->fd = fd;
    xmlInitParser();
    r->saved_structured = xmlStructuredError;
    r->saved_structured_ctx = xmlStructuredErrorContext;
    r->saved_generic = xmlGenericError;
    r->saved_generic_ctx = xmlGenericErrorContext;
    xmlSetStructuredErrorFunc(r, on_error);
    xmlSetGenericErrorFunc(r, on_generic);

    int rc = KD_OK;
    r->reader = xmlReaderForFd(fd, path, NULL, XML_OPTIONS);
    if (!r->reader) {
        rc = r->failed ? report(r, err) : error_set(err, KD_ENOMEM, "%s: cannot start the XML reader", path);
        goto fail;
    }
    xmlTextReaderSetStructuredErrorHandler(r->reader, on_error, r);
    int got;
    while ((got = xmlTextReaderRead(r->reader)) == 1 && !r->failed &&
           xmlTextReaderNodeType(r->reader) != XML_READER_TYPE_ELEMENT)
        ;
    /* Before any element, the push parser calls a blank file "Extra
     * content at the end of the document". */
    if (r->failed && (got != 1 || xmlTextReaderNodeType(r->reader) != XML_READER_TYPE_ELEMENT) &&
        (r->xml_code == XML_ERR_DOCUMENT_END || r->xml_code == XML_ERR_DOCUMENT_EMPTY)) {
        rc = error_set(err, KD_EEMPTY, "%s:%ld: no XML element in the file", path,
                       r->line > 0 ? r->line : 1);
        goto fail;
    }
    if (r->failed) {
        rc = report(r, err);
        goto fail;
    }
    if (got != 1) {
        rc = error_set(err, KD_EEMPTY, "%s:1: no XML element in the file", path);
        goto fail;
    }
    xmlNode *top = xmlTextReaderCurrentNode(r->reader);
    size_t line = top ? xml_line(top) : 1;
    if (declares_entities(r->reader)) {
        rc = error_set(err, KD_EPARSE,
                       "%s:%zu: the DOCTYPE declares entities; refused (entity expansion is "
                       "unsafe and no sanctions list needs it)", path, line);
        goto fail;
    }
    const char *name = (const char *)xmlTextReaderConstLocalName(r->reader);
    if (!name || strcmp(name, root) != 0) {
        char shown[64];
        size_t k = 0;
        for (; name && name[k] && k + 1 < sizeof shown; k++)
            shown[k] = (unsigned char)name[k] < 0x80 ? name[k] : '?';
        shown[k] = '\0';
        rc = error_set(err, KD_EFORMAT, "%s:%zu: the document element is <%s>, expected <%s>",
                       path, line, shown, root);
        goto fail;
    }
    *out = r;
    return KD_OK;
fail:
    xml_close(r);
    return rc;
}

static bool name_in(const char *name, const char *const *names)
{
    for (; name && *names; names++)
        if (strcmp(name, *names) == 0)
            return true;
    return false;
}

int xml_next(xml_reader *r, const char *const *names, xmlNode **node, kd_error *err)
{
    int rc;
    if (r->expanded)
        rc = xmlTextReaderNext(r->reader);
    else
        rc = xmlTextReaderRead(r->reader);
    r->expanded = false;
    for (; rc == 1 && !r->failed; rc = xmlTextReaderRead(r->reader)) {
        if (xmlTextReaderNodeType(r->reader) != XML_READER_TYPE_ELEMENT ||
            !name_in((const char *)xmlTextReaderConstLocalName(r->reader), names))
            continue;
        xmlNode *n = xmlTextReaderExpand(r->reader);
        /* Expanding reads to the end of the record: a truncated or broken
         * record reports its error here, and its partial tree is dropped. */
        if (r->failed || !n)
            break;
        r->expanded = true;
        *node = n;
        return 1;
    }
    if (r->failed)
        return report(r, err);
    if (rc != 0)
        return error_set(err, KD_EPARSE, "%s:%d: malformed XML", r->path,
                         xmlTextReaderGetParserLineNumber(r->reader));
    return 0;
}

size_t xml_line(const xmlNode *n)
{
    long line = n ? xmlGetLineNo(n) : -1;
    return line > 0 ? (size_t)line : 0;
}

bool xml_is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->name &&
           (!name || strcmp((const char *)n->name, name) == 0);
}

xmlNode *xml_next_sibling(const xmlNode *n, const char *name)
{
    for (n = n ? n->next : NULL; n; n = n->next)
        if (xml_is(n, name))
            return (xmlNode *)n;
    return NULL;
}

xmlNode *xml_child(const xmlNode *parent, const char *name)
{
    const xmlNode *c = parent ? parent->children : NULL;
    return c && xml_is(c, name) ? (xmlNode *)c : xml_next_sibling(c, name);
}

/* Only text and CDATA count: an entity reference is never followed. */
static bool is_text(const xmlNode *c)
{
    return (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content;
}

static const char *children_text(const xmlNode *first, buf *scratch, size_t *len)
{
    const xmlNode *only = NULL;
    size_t pieces = 0;
    for (const xmlNode *c = first; c; c = c->next)
        if (is_text(c))
            only = c, pieces++;
    const char *s = "";
    size_t n = 0;
    if (pieces == 1) {
        s = (const char *)only->content;
        n = strlen(s);
    } else if (pieces > 1) {
        buf_clear(scratch);
        for (const xmlNode *c = first; c; c = c->next)
            if (is_text(c) && buf_append_str(scratch, (const char *)c->content))
                break;
        s = scratch->data ? scratch->data : "";
        n = scratch->len;
    }
    *len = text_trim(&s, n);
    return s;
}

const char *xml_text(const xmlNode *n, buf *scratch, size_t *len)
{
    size_t k;
    const char *s = children_text(n ? n->children : NULL, scratch, &k);
    if (len)
        *len = k;
    return s;
}

const char *xml_child_text(const xmlNode *parent, const char *name, buf *scratch, size_t *len)
{
    return xml_text(xml_child(parent, name), scratch, len);
}

const char *xml_attr(const xmlNode *n, const char *name, buf *scratch, size_t *len)
{
    for (const xmlAttr *a = n ? n->properties : NULL; a; a = a->next)
        if (a->name && strcmp((const char *)a->name, name) == 0) {
            size_t k;
            const char *s = children_text(a->children, scratch, &k);
            if (len)
                *len = k;
            return s;
        }
    if (len)
        *len = 0;
    return "";
}

int xml_append_text(buf *out, const xmlNode *n)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is_text(c) && buf_append_str(out, (const char *)c->content))
            return KD_ENOMEM;
    return KD_OK;
}

int xml_add(const xml_reader *r, model_entity *e, kd_prop prop, xml_adder add, const char *s,
            size_t n, const xmlNode *at, const char *field, kd_error *err)
{
    if (n == 0)
        return KD_OK;
    int rc = add(e, prop, s, n);
    if (rc == KD_OK)
        return KD_OK;
    if (rc == KD_ENOMEM)
        return error_set(err, rc, "%s:%zu: out of memory", r->path, xml_line(at));
    return list_value_error(err, rc, r->path, xml_line(at), field);
}

int xml_add_text(const xml_reader *r, model_entity *e, kd_prop prop, xml_adder add, const xmlNode *n,
                 buf *scratch, kd_error *err)
{
    size_t len;
    const char *s = xml_text(n, scratch, &len);
    return xml_add(r, e, prop, add, s, len, n, n ? (const char *)n->name : "?", err);
}

int xml_each_record(xml_reader *r, const char *path, const char *const *records,
                    int (*parse)(void *ctx, xmlNode *rec), void *ctx, const model_entity *e, const list_sink *sink,
                    size_t *count, kd_error *err)
{
    size_t n = 0;
    xmlNode *rec;
    int rc;
    while ((rc = xml_next(r, records, &rec, err)) == 1) {
        if ((rc = parse(ctx, rec)) == XML_NOT_A_RECORD)
            continue;
        if (rc || (rc = sink->emit(sink->ctx, e, err)))
            break;
        n++;
    }
    if (count)
        *count = n;
    if (rc == 0 && n == 0)
        rc = error_set(err, KD_EEMPTY, "%s: no records", path);
    return rc;
}
