/* The dataset a list gets from its file name, one rule for every parser
 * that has no publisher's name to use (see lists.h): the extensions a list
 * file has are taken off its end, one after the other (zala.ftm.json,
 * watchlist.csv.gz), and nothing else — a dot inside the name is part of
 * it (list.v2.csv is list_v2, as a user's CSV always was), so that ids in
 * existing stores keep their dataset. */
#include "lists.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

void list_dataset_from_path(const char *path, const char *fallback, char *out, size_t size)
{
    static const char *const extensions[] = {".gz", ".json", ".jsonl", ".ndjson", ".ftm", ".csv",
                                             ".tsv", ".txt", ".xml", ".zip", ".bz2", ".xz"};
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    for (bool again = true; again;) {
        again = false;
        for (size_t i = 0; i < sizeof extensions / sizeof *extensions; i++) {
            size_t e = strlen(extensions[i]);
            /* a hidden file's leading dot is its name (".csv" stays) */
            if (n > e && strncasecmp(base + n - e, extensions[i], e) == 0) {
                n -= e;
                again = true;
            }
        }
    }
    size_t k = 0;
    for (; k < n && k + 1 < size; k++) {
        char c = base[k];
        out[k] = (c >= 'A' && c <= 'Z') ? (char)(c + 32)
                 : ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ? c
                                                                      : '_';
    }
    if (k == 0) {
        snprintf(out, size, "%s", fallback);
        return;
    }
    out[k] = '\0';
}
