/* sources.conf, fed directly: any text must either parse into sources whose
 * file names cannot leave their directory, or fail with a message. */
#include "fuzz_target.h"
#include "kordon/fetch.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kd_sources s;
    kd_error err = {0};
    int rc = kd_sources_parse((const char *)data, size, "fuzz.conf", &s, &err);
    if (rc != 0) {
        if (err.message[0] == '\0')
            abort(); /* a failure must always explain itself */
        return 0;
    }
    if (s.n == 0)
        abort();
    for (size_t i = 0; i < s.n; i++) {
        const kd_source *src = &s.items[i];
        if (src->n_files == 0 || src->name[0] == '.' || strchr(src->name, '/'))
            abort();
        for (size_t k = 0; k < src->n_files; k++) {
            const kd_source_file *f = &src->files[k];
            if (f->file[0] == '.' || strchr(f->file, '/') || strncmp(f->url, "http", 4) != 0)
                abort();
        }
    }
    kd_sources_free(&s);
    return 0;
}
