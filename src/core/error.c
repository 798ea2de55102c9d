#include "core.h"

#include <stdio.h>
#include <string.h>

const char *kd_strerror(int code)
{
    switch (code) {
    case KD_OK:
        return "success";
#define KD_ERRNO_CASE(name, value, text)                                       \
    case value:                                                                \
        return text;
        KD_ERRNO_MAP(KD_ERRNO_CASE)
#undef KD_ERRNO_CASE
    }
    return "unknown error";
}

int error_set(kd_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

int error_wrap(kd_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    char prefix[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char old[sizeof err->message];
    memcpy(old, err->message, sizeof old);
    size_t k = strlen(prefix);
    if (k >= sizeof err->message)
        k = sizeof err->message - 1;
    memcpy(err->message, prefix, k);
    size_t rest = sizeof err->message - 1 - k;
    size_t m = strlen(old);
    if (m > rest)
        m = rest;
    memcpy(err->message + k, old, m);
    err->message[k + m] = '\0';
    err->code = code;
    return code;
}
