/* PLACEHOLDER — being written; replace this whole file. */
#include "lists.h"
int parse_eu_oj_csv(const char *path, const list_sink *sink, kd_error *err)
{
    (void)sink;
    return error_set(err, KD_EFORMAT, "%s: parser not written yet", path);
}
