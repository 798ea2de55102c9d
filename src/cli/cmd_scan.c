#include "cli.h"
#include "core/core.h"
#include "scan/scan.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCAN_INPUT_MAX (256L * 1024 * 1024)

static const char *caption_of(const kd_index *ix, size_t entity, kd_entity_view *v)
{
    kd_index_entity(ix, entity, v);
    const char *c = kd_entity_view_first(ix, v, KD_PROP_NAME);
    return c ? c : v->id;
}

static int read_all(const char *path, buf *out, kd_error *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return error_set(err, KD_EIO, "%s: cannot open", path);
    char chunk[65536];
    size_t n;
    int rc = KD_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (out->len + n > SCAN_INPUT_MAX) {
            rc = error_set(err, KD_ELIMIT, "%s: larger than %ld bytes", path, SCAN_INPUT_MAX);
            break;
        }
        if (buf_append(out, chunk, n)) {
            rc = error_set(err, KD_ENOMEM, "%s: out of memory", path);
            break;
        }
    }
    if (!rc && ferror(f))
        rc = error_set(err, KD_EIO, "%s: read error", path);
    if (f != stdin)
        fclose(f);
    return rc;
}

int cmd_scan(int argc, char **argv)
{
    static const struct option options[] = {
        {"index", required_argument, NULL, 'i'}, {"json", no_argument, NULL, 'j'},
        {"threshold", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *path = cli_default_index();
    int json = 0, c;
    double threshold = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:jt:h", options, NULL)) != -1) {
        switch (c) {
        case 'i': path = optarg; break;
        case 'j': json = 1; break;
        case 't':
            if (!cli_number("--threshold", optarg, 0, 1, true, &threshold))
                return EXIT_USAGE;
            break;
        case 'h': return cli_usage("scan", 0);
        default: return cli_usage("scan", EXIT_USAGE);
        }
    }
    if (optind + 1 < argc)
        return cli_usage("scan", EXIT_USAGE);
    const char *input = optind < argc ? argv[optind] : "-";
    kd_error err = {0};
    buf text = {0};
    if (read_all(input, &text, &err)) {
        buf_free(&text);
        return cli_fail(&err);
    }
    kd_index *ix;
    kd_scanner *s = NULL;
    if (kd_index_open(path, &ix, &err)) {
        buf_free(&text);
        return cli_fail(&err);
    }
    int status = 0;
    kd_mention *m = NULL;
    size_t n = 0;
    kd_ties *ties = NULL;
    if (kd_scanner_new(ix, &s, &err) || kd_scan(s, text.data ? text.data : "", text.len, threshold, &m, &n, &err) ||
        (n > 0 && kd_ties_new(ix, &ties, &err))) {
        status = cli_fail(&err);
    } else if (json) {
        for (size_t i = 0; i < n; i++) {
            json_t *o = scan_mention_json(ix, ties, text.data, &m[i]);
            char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
            puts(line);
            free(line);
            json_decref(o);
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            kd_entity_view v;
            printf("line %zu  %-7s \"%.*s\"", m[i].line, m[i].linked ? "LINKED" : "LISTED",
                   (int)(m[i].end - m[i].start), text.data + m[i].start);
            if (!m[i].linked) {
                const char *caption = caption_of(ix, m[i].party, &v);
                printf("  → %s %s (%.3f)", caption, v.id, m[i].score);
            }
            printf("\n         %s\n", m[i].explanation);
            if (!m[i].linked) {
                char listed[1024];
                kd_index_party_summary(ix, m[i].party, listed, sizeof listed);
                printf("         listed: %s\n", listed);
                char linked[1024];
                cli_ties_line(ix, ties, m[i].party, linked, sizeof linked);
                if (*linked)
                    printf("         linked: %s\n", linked);
            }
            for (size_t r = 0; r < m[i].n_related; r++) {
                const char *caption = caption_of(ix, kd_index_party(ix, m[i].related[r].entity), &v);
                printf("         named by %s (%s): %.160s%s\n", caption, v.id, m[i].related[r].snippet,
                       strlen(m[i].related[r].snippet) > 160 ? "…" : "");
            }
        }
        if (n == 0)
            printf("no listed or linked parties found\n");
    }
    kd_mentions_free(m, n);
    kd_ties_free(ties);
    kd_scanner_free(s);
    kd_index_close(ix);
    buf_free(&text);
    return status;
}
