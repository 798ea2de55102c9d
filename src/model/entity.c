#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void entity_init(entity *e)
{
    memset(e, 0, sizeof *e);
}

void entity_reset(entity *e)
{
    buf_clear(&e->id);
    buf_clear(&e->text);
    e->schema = KD_SCHEMA_THING;
    e->dataset = NULL;
    e->n_values = 0;
}

void entity_free(entity *e)
{
    buf_free(&e->id);
    buf_free(&e->text);
    free(e->values);
    memset(e, 0, sizeof *e);
}

int entity_set_id(entity *e, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return KD_ELIMIT;
    buf_clear(&e->id);
    return buf_append(&e->id, tmp, (size_t)n);
}

const char *entity_value_text(const entity *e, size_t i)
{
    return e->text.data + e->values[i].offset;
}

const char *entity_first(const entity *e, kd_prop prop)
{
    for (size_t i = 0; i < e->n_values; i++)
        if (e->values[i].prop == prop)
            return entity_value_text(e, i);
    return NULL;
}

size_t entity_count(const entity *e, kd_prop prop)
{
    size_t n = 0;
    for (size_t i = 0; i < e->n_values; i++)
        n += e->values[i].prop == prop;
    return n;
}

static int push_value(entity *e, kd_prop prop, size_t start)
{
    size_t len = e->text.len - start;
    if (len == 0)
        return KD_OK;
    const char *v = e->text.data + start;
    for (size_t i = 0; i < e->n_values; i++) {
        if (e->values[i].prop == prop && e->values[i].len == len &&
            memcmp(entity_value_text(e, i), v, len) == 0) {
            e->text.len = start; /* duplicate: drop the bytes again */
            e->text.data[start] = '\0';
            return KD_OK;
        }
    }
    if (e->n_values == e->cap_values) {
        size_t cap = e->cap_values ? e->cap_values * 2 : 32;
        entity_value *p = realloc(e->values, cap * sizeof *p);
        if (!p)
            return KD_ENOMEM;
        e->values = p;
        e->cap_values = cap;
    }
    e->values[e->n_values++] = (entity_value){(uint16_t)prop, (uint32_t)start, (uint32_t)len};
    return buf_append_char(&e->text, '\0') ? KD_ENOMEM : KD_OK;
}

static int check_value(const char *s, size_t n)
{
    if (n > ENTITY_VALUE_MAX)
        return KD_ELIMIT;
    if (!utf8_valid(s, n, NULL))
        return KD_EUTF8;
    return KD_OK;
}

int entity_add(entity *e, kd_prop prop, const char *s, size_t n)
{
    n = text_trim(&s, n);
    int rc = check_value(s, n);
    if (rc)
        return rc;
    size_t start = e->text.len;
    if (buf_append_collapsed(&e->text, s, n))
        return KD_ENOMEM;
    return push_value(e, prop, start);
}

int entity_add_str(entity *e, kd_prop prop, const char *s)
{
    return s ? entity_add(e, prop, s, strlen(s)) : KD_OK;
}

int entity_add_text(entity *e, kd_prop prop, const char *s, size_t n)
{
    n = text_trim(&s, n);
    int rc = check_value(s, n);
    if (rc)
        return rc;
    size_t start = e->text.len;
    /* Keep line breaks, but drop the CR of CRLF so output is uniform. */
    for (size_t i = 0; i < n; i++)
        if (s[i] != '\r' && buf_append_char(&e->text, s[i]))
            return KD_ENOMEM;
    return push_value(e, prop, start);
}

int entity_add_country(entity *e, kd_prop prop, const char *s, size_t n)
{
    n = text_trim(&s, n);
    char code[3];
    if (n && country_code(s, n, code))
        return entity_add(e, prop, code, 2);
    return entity_add(e, prop, s, n);
}

int entity_add_date(entity *e, kd_prop prop, const char *s, size_t n)
{
    n = text_trim(&s, n);
    char iso[64];
    if (n && date_normalise(s, n, iso, sizeof iso))
        return entity_add(e, prop, iso, strlen(iso));
    return entity_add(e, prop, s, n);
}

int entity_add_split(entity *e, kd_prop prop, const char *s, size_t n, const char *sep)
{
    size_t k = strlen(sep);
    size_t start = 0;
    for (size_t i = 0; i + k <= n; i++) {
        if (memcmp(s + i, sep, k) == 0) {
            int rc = entity_add(e, prop, s + start, i - start);
            if (rc)
                return rc;
            start = i + k;
            i += k - 1;
        }
    }
    return entity_add(e, prop, s + start, n - start);
}
