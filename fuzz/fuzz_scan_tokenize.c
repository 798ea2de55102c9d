/* Text screening's tokenizer fed arbitrary bytes: words come out in
 * order, inside the input, never overlapping, never starting on markup
 * or a space, lines counted forward; words that may be part of a name
 * carry their key hash. */
#include "fuzz_target.h"
#include "scan/scan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scan_tokens t = {0};
    if (scan_tokenize((const char *)data, size, &t))
        abort();
    size_t last_end = 0, last_line = 1;
    for (size_t i = 0; i < t.n; i++) {
        const scan_token *k = &t.items[i];
        if (k->start >= k->end || k->end > size || k->start < last_end || k->line < last_line)
            abort();
        unsigned char c = data[k->start];
        if (c == '<' || c == ' ' || c == '\n' || c == '&' || c == '.')
            abort();
        if ((k->capital || k->connector) && k->hash == 0)
            abort();
        if (scan_token_hash(&t, (const char *)data, k) == 0)
            abort();
        last_end = k->end;
        last_line = k->line;
    }
    scan_tokens_free(&t);
    return 0;
}
