/* kordon fetch / kordon update: download the official lists (src/fetch) and,
 * for update, rebuild the index when something changed. */
#include "cli.h"
#include "kordon/store.h"
#include "kordon/fetch.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct fetch_args {
    const char *config, *dir, *output;
    long retries;      /* -1: as the config says */
    double timeout;    /* 0: as the config says */
    int quiet, force;
} fetch_args;

static void log_line(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "%s\n", line);
}

/* Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, bool update, fetch_args *a)
{
    static const struct option options[] = {
        {"config", required_argument, NULL, 'c'}, {"dir", required_argument, NULL, 'd'},
        {"output", required_argument, NULL, 'o'}, {"force", no_argument, NULL, 'f'},
        {"retries", required_argument, NULL, 'r'}, {"timeout", required_argument, NULL, 't'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *command = update ? "update" : "fetch";
    const char *env = getenv("KORDON_SOURCES");
    *a = (fetch_args){.config = env && *env ? env : "sources.conf",
                      .dir = "lists",
                      .output = cli_default_index(),
                      .retries = -1};
    int c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, update ? "c:d:o:fqh" : "c:d:qh", options, NULL)) != -1) {
        switch (c) {
        case 'c': a->config = optarg; break;
        case 'd': a->dir = optarg; break;
        case 'o': a->output = optarg; break;
        case 'f': a->force = 1; break;
        case 'q': a->quiet = 1; break;
        case 'r':
            a->retries = strtol(optarg, &end, 10);
            if (*end || end == optarg || a->retries < 0 || a->retries > 10) {
                fprintf(stderr, "kordon: --retries takes 0 to 10\n");
                return EXIT_USAGE;
            }
            break;
        case 't':
            a->timeout = strtod(optarg, &end);
            if (*end || end == optarg || !(a->timeout > 0)) {
                fprintf(stderr, "kordon: --timeout takes a number of seconds\n");
                return EXIT_USAGE;
            }
            break;
        case 'h': return cli_usage(command, 0);
        default: return cli_usage(command, EXIT_USAGE);
        }
    }
    if (optind != argc || (!update && (a->force || strcmp(a->output, cli_default_index()))))
        return cli_usage(command, EXIT_USAGE);
    return -1;
}

/* Runs the fetch; *changed tells whether any source was replaced, *failed
 * how many kept their previous version. */
static int run_fetch(const fetch_args *a, int *changed, size_t *failed, size_t *accepted)
{
    kd_error err = {0};
    kd_sources sources;
    if (kd_sources_load(a->config, &sources, &err))
        return cli_fail(&err);
    if (a->retries >= 0)
        sources.settings.retries = a->retries;
    if (a->timeout > 0)
        sources.settings.timeout = a->timeout;
    kd_fetch_report *reports = calloc(sources.n, sizeof *reports);
    if (!reports) {
        kd_sources_free(&sources);
        fprintf(stderr, "kordon: out of memory\n");
        return EXIT_FAILED;
    }
    if (!a->quiet)
        fprintf(stderr, "fetching %zu sources from %s into %s/\n", sources.n, a->config, a->dir);
    kd_fetch_options opt = {.dir = a->dir, .log = a->quiet ? NULL : log_line};
    int rc = kd_fetch_run(&sources, &opt, reports, &err);
    *changed = 0;
    *failed = *accepted = 0;
    for (size_t i = 0; i < sources.n && !rc; i++) {
        const kd_fetch_report *r = &reports[i];
        static const char *const words[] = {"unchanged", "updated", "FAILED"};
        printf("%-9s %s\n", words[r->outcome], r->message);
        if (r->outcome == KD_FETCH_UPDATED)
            *changed = 1;
        if (r->outcome == KD_FETCH_FAILED)
            (*failed)++;
        if (r->records)
            (*accepted)++;
    }
    fflush(stdout);
    free(reports);
    kd_sources_free(&sources);
    return rc ? cli_fail(&err) : 0;
}

/* The part `fetch` and `update` share: arguments, then the downloads.
 * Returns an exit status to stop with, or -1 to go on. */
static int fetch_step(int argc, char **argv, bool update, fetch_args *a, int *changed, size_t *failed,
                      size_t *accepted)
{
    int status = parse_args(argc, argv, update, a);
    if (status >= 0)
        return status;
    status = run_fetch(a, changed, failed, accepted);
    return status ? status : -1;
}

int cmd_fetch(int argc, char **argv)
{
    fetch_args a;
    int changed, status;
    size_t failed, accepted;
    if ((status = fetch_step(argc, argv, false, &a, &changed, &failed, &accepted)) >= 0)
        return status;
    return failed ? EXIT_FAILED : 0;
}

int cmd_update(int argc, char **argv)
{
    fetch_args a;
    int changed, status;
    size_t failed, accepted;
    if ((status = fetch_step(argc, argv, true, &a, &changed, &failed, &accepted)) >= 0)
        return status;
    bool missing = access(a.output, F_OK) != 0;
    if (!changed && !missing && !a.force) {
        if (failed)
            fprintf(stderr, "%s left as it was: no list changed, %zu source%s failed\n", a.output,
                    failed, failed == 1 ? "" : "s");
        else
            fprintf(stderr, "%s is current: no list changed\n", a.output);
        return failed ? EXIT_FAILED : 0;
    }
    if (!accepted) {
        fprintf(stderr, "kordon: no list could be fetched into %s/, so there is nothing to index\n",
                a.dir);
        return EXIT_FAILED;
    }
    /* kd_build writes a temporary file and renames it over the index, so a
     * server watching the path sees the old index or the new one, never a
     * partial one. */
    kd_build_options opts = {.output = a.output, .verbose = !a.quiet};
    const char *dirs[] = {a.dir};
    kd_error err = {0};
    /* analysts' judgments on parties hold across list updates */
    kd_judgment_list judged;
    kd_party_judgment *judgments;
    if (cli_load_judgments(cli_default_db(), &judged, &judgments, &err))
        return cli_fail(&err);
    opts.judgments = judgments;
    opts.n_judgments = judged.n;
    int rc = kd_build(dirs, 1, &opts, &err);
    free(judgments);
    kd_judgment_list_free(&judged);
    if (rc)
        return cli_fail(&err);
    kd_index *ix;
    if (kd_index_open(a.output, &ix, &err))
        return cli_fail(&err);
    cli_warn_list_sets(dirs, 1); /* a sources.conf naming sdn.csv without its companions */
    cli_report_written(ix, a.output, -1);
    kd_index_close(ix);
    return failed ? EXIT_FAILED : 0;
}
