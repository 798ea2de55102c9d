/* Name normalisation fed arbitrary bytes: text_name_forms must refuse or
 * succeed, never crash, and every form it writes must be lowercase ASCII
 * tokens joined by single spaces whose keys are lowercase ASCII too. */
#include "fuzz_target.h"
#include "text/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_form(const char *f)
{
    size_t n = strlen(f);
    if (n == 0 || f[0] == ' ' || f[n - 1] == ' ')
        abort();
    for (size_t i = 0; i < n;) {
        size_t l = 0;
        while (i + l < n && f[i + l] != ' ') {
            char c = f[i + l];
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
                abort();
            l++;
        }
        if (l == 0) /* two spaces in a row */
            abort();
        char key[TEXT_KEY_SIZE(64)];
        size_t kl = text_token_key(f + i, l > 64 ? 64 : l, key, sizeof key);
        if (kl == 0 || kl >= sizeof key || strlen(key) != kl)
            abort();
        for (size_t k = 0; k < kl; k++)
            if (!((key[k] >= 'a' && key[k] <= 'z') || (key[k] >= '0' && key[k] <= '9')))
                abort();
        (void)text_token_class_of(f + i, l);
        i += l + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static text_normaliser *norm;
    kd_error err = {0};
    if (!norm && text_normaliser_new(&norm, &err))
        abort();
    buf out = {0};
    int rc = text_name_forms(norm, (const char *)data, size, &out);
    if (rc < 0 && rc != KD_EUTF8 && rc != KD_ELIMIT)
        abort();
    if (rc <= 0 && out.len != 0)
        abort();
    int count = 0;
    for (size_t i = 0; i < out.len; i += strlen(out.data + i) + 1, count++)
        check_form(out.data + i);
    if (count != (rc > 0 ? rc : 0))
        abort();
    /* The same input gives the same forms (no state leaks between calls). */
    buf again = {0};
    if (text_name_forms(norm, (const char *)data, size, &again) != rc || again.len != out.len ||
        (out.len && memcmp(out.data, again.data, out.len) != 0))
        abort();
    buf_free(&again);
    buf_free(&out);
    /* The key of raw bytes, as a careless caller might pass them. */
    char key[16];
    if (text_token_key((const char *)data, size, key, sizeof key) >= sizeof key)
        abort();
    return 0;
}
