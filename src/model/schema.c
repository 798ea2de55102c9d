#include "model.h"

#include <string.h>

static const char *const schema_names[] = {
#define KD_SCHEMA_TEXT(name, text) text,
    KD_SCHEMA_MAP(KD_SCHEMA_TEXT)
#undef KD_SCHEMA_TEXT
};

static const char *const prop_names[] = {
#define KD_PROP_TEXT(name, text) text,
    KD_PROP_MAP(KD_PROP_TEXT)
#undef KD_PROP_TEXT
};

const char *kd_schema_name(kd_schema schema)
{
    return (unsigned)schema < KD_SCHEMA_COUNT ? schema_names[schema] : "Thing";
}

int kd_schema_from_name(const char *name)
{
    for (int i = 0; i < KD_SCHEMA_COUNT; i++)
        if (strcmp(schema_names[i], name) == 0)
            return i;
    return -1;
}

const char *kd_prop_name(kd_prop prop)
{
    return (unsigned)prop < KD_PROP_COUNT ? prop_names[prop] : "unknown";
}

int kd_prop_from_name(const char *name)
{
    for (int i = 0; i < KD_PROP_COUNT; i++)
        if (strcmp(prop_names[i], name) == 0)
            return i;
    return -1;
}

int kd_prop_is_meta(kd_prop prop)
{
    return prop == KD_PROP_REFERENTS || prop == KD_PROP_FIRST_SEEN ||
           prop == KD_PROP_LAST_SEEN || prop == KD_PROP_LAST_CHANGE;
}
