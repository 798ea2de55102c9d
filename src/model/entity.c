#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void entity_init(model_entity *e)
{
    memset(e, 0, sizeof *e);
}

void entity_reset(model_entity *e)
{
    buf_clear(&e->id);
    buf_clear(&e->text);
    e->schema = KD_SCHEMA_THING;
    e->dataset = NULL;
    e->n_values = 0;
}

void entity_free(model_entity *e)
{
    buf_free(&e->id);
    buf_free(&e->text);
    free(e->values);
    memset(e, 0, sizeof *e);
}

int entity_set_id(model_entity *e, const char *fmt, ...)
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

const char *entity_value_text(const model_entity *e, size_t i)
{
    return e->text.data + e->values[i].offset;
}

const char *entity_first(const model_entity *e, kd_prop prop)
{
    for (size_t i = 0; i < e->n_values; i++)
        if (e->values[i].prop == prop)
            return entity_value_text(e, i);
    return NULL;
}

size_t entity_count(const model_entity *e, kd_prop prop)
{
    size_t n = 0;
    for (size_t i = 0; i < e->n_values; i++)
        n += e->values[i].prop == prop;
    return n;
}

static int push_value(model_entity *e, kd_prop prop, size_t start)
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

int entity_add(model_entity *e, kd_prop prop, const char *s, size_t n)
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

int entity_add_str(model_entity *e, kd_prop prop, const char *s)
{
    return s ? entity_add(e, prop, s, strlen(s)) : KD_OK;
}

int entity_add_text(model_entity *e, kd_prop prop, const char *s, size_t n)
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

int entity_add_country(model_entity *e, kd_prop prop, const char *s, size_t n)
{
    n = text_trim(&s, n);
    char code[3];
    if (n && country_code(s, n, code))
        return entity_add(e, prop, code, 2);
    return entity_add(e, prop, s, n);
}

/* The longest start of s, cut before a space or '(', that reads as a
 * date: lists write remarks after the date in the same field ("7.10.1952
 * POB: Leningrad ...", "8.5.1967 Gender: female", "10.2.1983 (or
 * 10.3.1983)"). Returns the length of that start, 0 when none reads. */
static bool starts_alternative(const char *s, size_t n)
{
    static const char *const words[] = {"or ", "and ", "to ", "until ", "till ", "through ", "- ", "/"};
    while (n && *s == ' ')
        s++, n--;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (n >= strlen(words[i]) && strncasecmp(s, words[i], strlen(words[i])) == 0)
            return true;
    return false;
}

static size_t leading_date(const char *s, size_t n, char *iso, size_t size)
{
    for (size_t cut = n; cut > 0; cut--) {
        /* "Circa 1946 or 1949" is two dates the parser did not read as
         * such, not a date and a remark: it stays text */
        if ((cut < n && s[cut] != ' ' && s[cut] != '(') || starts_alternative(s + cut, n - cut))
            continue;
        size_t len = cut;
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == ',' || s[len - 1] == ';'))
            len--;
        if (len && date_normalise(s, len, iso, size))
            return cut;
    }
    return 0;
}

/* A day.month.year in the remarks after a date ("(or 10.3.1983)",
 * "(15.4.1974 for the alias ...)") is another date the list gives. */
static int add_remark_dates(model_entity *e, kd_prop prop, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!(s[i] >= '0' && s[i] <= '9') || (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9'))
            continue;
        size_t j = i, dots = 0;
        while (j < n && ((s[j] >= '0' && s[j] <= '9') || s[j] == '.'))
            dots += s[j++] == '.';
        char iso[64];
        if (dots == 2 && j - i >= 8 && s[j - 1] != '.' && date_normalise(s + i, j - i, iso, sizeof iso)) {
            int rc = entity_add(e, prop, iso, strlen(iso));
            if (rc)
                return rc;
        }
        i = j;
    }
    return 0;
}

/* "6.3.1955 or 15.3.1955", "1965 or 1966": alternatives, each a date the
 * list gives. Only when every part reads and the first starts with a digit
 * ("Circa 1946 or 1949" would have to guess whether the circa holds for
 * both: it stays text). Returns 1 when added, 0 when not alternatives. */
static int add_alternatives(model_entity *e, kd_prop prop, const char *s, size_t n, int *rc)
{
    char iso[64];
    size_t parts = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t start = 0;
        for (size_t i = 0; i <= n; i++) {
            if (i < n && !(i + 4 <= n && strncmp(s + i, " or ", 4) == 0))
                continue;
            const char *part = s + start;
            size_t len = text_trim(&part, i - start);
            if (pass == 0 && (!len || !(part[0] >= '0' && part[0] <= '9') || !date_normalise(part, len, iso, sizeof iso)))
                return 0;
            if (pass == 0)
                parts++;
            else if (date_normalise(part, len, iso, sizeof iso) && (*rc = entity_add(e, prop, iso, strlen(iso))))
                return 1;
            start = i + 4;
            i += 3;
        }
        if (parts < 2)
            return 0;
    }
    return 1;
}

int entity_add_date(model_entity *e, kd_prop prop, const char *s, size_t n)
{
    n = text_trim(&s, n);
    char iso[64];
    if (n && date_normalise(s, n, iso, sizeof iso))
        return entity_add(e, prop, iso, strlen(iso));
    int rc = 0;
    if (n && add_alternatives(e, prop, s, n, &rc))
        return rc;
    size_t cut = n ? leading_date(s, n, iso, sizeof iso) : 0;
    if (cut) {
        rc = entity_add(e, prop, iso, strlen(iso));
        return rc ? rc : add_remark_dates(e, prop, s + cut, n - cut);
    }
    return entity_add(e, prop, s, n);
}

int entity_add_split(model_entity *e, kd_prop prop, const char *s, size_t n, const char *sep)
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
