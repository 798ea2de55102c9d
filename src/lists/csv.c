#include "lists.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct csv_reader {
    FILE *file;
    char *path;
    char delimiter;
    size_t line;        /* current physical line */
    size_t record_line; /* first line of the current record */
    buf text;           /* field bytes, NUL-separated */
    size_t *starts;
    size_t n_fields, cap_fields;
    int pending;        /* one byte pushed back, or EOF sentinel */
    int first;
};

/* Takes file (closed by csv_close); on failure closes it. */
static int reader_new(csv_reader **out, FILE *file, const char *name, char delimiter, kd_error *err)
{
    csv_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(name))) {
        free(r);
        fclose(file);
        return error_set(err, KD_ENOMEM, "%s: out of memory", name);
    }
    r->file = file;
    r->delimiter = delimiter;
    r->line = 1;
    r->pending = -2;
    r->first = 1;
    *out = r;
    return KD_OK;
}

int csv_open(csv_reader **out, const char *path, char delimiter, kd_error *err)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return error_set(err, KD_EIO, "%s: cannot open: %s", path, strerror(errno));
    return reader_new(out, file, path, delimiter, err);
}

int csv_open_memory(csv_reader **out, const char *data, size_t len, const char *name, char delimiter,
                    kd_error *err)
{
    /* fmemopen refuses a zero size; an empty input is simply no records. */
    FILE *file = fmemopen((void *)(len ? data : "\n"), len ? len : 1, "rb");
    if (!file)
        return error_set(err, KD_ENOMEM, "%s: cannot read from memory", name);
    return reader_new(out, file, name, delimiter, err);
}

static int next_byte(csv_reader *r)
{
    if (r->pending != -2) {
        int c = r->pending;
        r->pending = -2;
        return c;
    }
    return getc(r->file);
}

static int end_field(csv_reader *r)
{
    if (r->n_fields == r->cap_fields) {
        size_t cap = r->cap_fields ? r->cap_fields * 2 : 32;
        size_t *p = realloc(r->starts, cap * sizeof *p);
        if (!p)
            return KD_ENOMEM;
        r->starts = p;
        r->cap_fields = cap;
    }
    return buf_append_char(&r->text, '\0');
}

int csv_next(csv_reader *r, kd_error *err)
{
    buf_clear(&r->text);
    r->n_fields = 0;
    if (r->first) {
        r->first = 0;
        int a = getc(r->file), b = EOF, c = EOF;
        if (a == 0xEF && (b = getc(r->file)) == 0xBB && (c = getc(r->file)) == 0xBF) {
            /* UTF-8 byte order mark: skip */
        } else {
            if (c != EOF) ungetc(c, r->file);
            if (b != EOF) ungetc(b, r->file);
            if (a != EOF) ungetc(a, r->file);
        }
    }
    int c = next_byte(r);
    /* Blank lines between records carry nothing; a 0x1A byte ends the file. */
    while (c == '\n' || c == '\r') {
        if (c == '\n')
            r->line++;
        c = next_byte(r);
    }
    if (c == EOF || c == 0x1A) {
        if (ferror(r->file))
            return error_set(err, KD_EIO, "%s:%zu: read error", r->path, r->line);
        return 0;
    }
    r->record_line = r->line;
    size_t field_start = 0;
    int quoted = 0, after_quote = 0;
    size_t quote_line = 0;
    for (;; c = next_byte(r)) {
        if (quoted) {
            if (c == EOF)
                return error_set(err, KD_EPARSE,
                                 "%s:%zu: unterminated quoted field (the quote opens on line %zu)",
                                 r->path, r->line, quote_line);
            if (c == '"') {
                int d = next_byte(r);
                if (d == '"') {
                    if (buf_append_char(&r->text, '"'))
                        goto nomem;
                } else {
                    quoted = 0;
                    after_quote = 1;
                    r->pending = d;
                }
                continue;
            }
            if (c == '\n')
                r->line++;
        } else {
            if (c == '"' && r->text.len - field_start == 0 && !after_quote) {
                quoted = 1;
                quote_line = r->line;
                continue;
            }
            if (c == r->delimiter || c == '\n' || c == EOF || c == '\r' || c == 0x1A) {
                if (c == '\r') {
                    int d = next_byte(r);
                    if (d != '\n')
                        r->pending = d;
                    c = '\n';
                }
                if (end_field(r))
                    goto nomem;
                r->starts[r->n_fields++] = field_start;
                field_start = r->text.len;
                after_quote = 0;
                if (c == r->delimiter)
                    continue;
                if (c == '\n')
                    r->line++;
                if (c == 0x1A)
                    r->pending = EOF;
                return 1;
            }
            /* Text after a closing quote ("abc"x) is kept as-is: official
             * files contain it and refusing them helps nobody. */
        }
        if (r->text.len - field_start >= CSV_FIELD_MAX)
            return error_set(err, KD_ELIMIT,
                             "%s:%zu: field %zu is longer than %d bytes", r->path,
                             r->record_line, r->n_fields + 1, CSV_FIELD_MAX);
        if (buf_append_char(&r->text, (char)c))
            goto nomem;
    }
nomem:
    return error_set(err, KD_ENOMEM, "%s:%zu: out of memory", r->path, r->line);
}

size_t csv_field_count(const csv_reader *r) { return r->n_fields; }

const char *csv_field(const csv_reader *r, size_t i, size_t *len)
{
    if (i >= r->n_fields) {
        if (len)
            *len = 0;
        return "";
    }
    const char *s = r->text.data + r->starts[i];
    if (len)
        *len = strlen(s);
    return s;
}

size_t csv_line(const csv_reader *r) { return r->record_line; }

const char *csv_path(const csv_reader *r) { return r->path; }

long csv_offset(const csv_reader *r) { return ftell(r->file); }

void csv_close(csv_reader *r)
{
    if (!r)
        return;
    if (r->file)
        fclose(r->file);
    free(r->path);
    free(r->starts);
    buf_free(&r->text);
    free(r);
}

int list_value_error(kd_error *err, int code, const char *path, size_t line, const char *field)
{
    const char *why = code == KD_EUTF8    ? "invalid UTF-8"
                      : code == KD_ELIMIT ? "value too long"
                                          : kd_strerror(code);
    return error_set(err, code, "%s:%zu: %s: %s", path, line, field, why);
}

int csv_header_read(csv_reader *r, csv_header *h, size_t max_name, kd_error *err)
{
    *h = (csv_header){0};
    int rc = csv_next(r, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return error_set(err, KD_EEMPTY, "%s: no records (the file is empty)", r->path);
    h->n = csv_field_count(r);
    if (!(h->at = calloc(h->n ? h->n : 1, sizeof *h->at)))
        return error_set(err, KD_ENOMEM, "%s: out of memory", r->path);
    for (size_t i = 0; i < h->n; i++) {
        size_t n;
        const char *name = csv_field(r, i, &n);
        n = text_trim(&name, n);
        if (!utf8_valid(name, n, NULL))
            return error_set(err, KD_EUTF8, "%s:%zu: column %zu: invalid UTF-8 in the header", r->path,
                             csv_line(r), i + 1);
        h->at[i] = h->names.len;
        if (buf_append(&h->names, name, max_name && n > max_name ? max_name : n) ||
            buf_append_char(&h->names, '\0'))
            return error_set(err, KD_ENOMEM, "%s: out of memory", r->path);
    }
    return KD_OK;
}

const char *csv_header_name(const csv_header *h, size_t i)
{
    return h->names.data + h->at[i];
}

void csv_header_free(csv_header *h)
{
    buf_free(&h->names);
    free(h->at);
    *h = (csv_header){0};
}
