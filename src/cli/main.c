#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
    const char *summary;
} command;

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const command commands[] = {
    {"build", cmd_build, "build SOURCE... [-o kordon.kdx] [-q]",
     "parse lists (files or directories, format detected from content) into an index"},
    {"info", cmd_info, "info [-i INDEX] [--json]",
     "datasets in an index: version, newest date, counts per schema"},
    {"entity", cmd_entity, "entity [-i INDEX] ID", "print one entity as FollowTheMoney JSON"},
    {"match", cmd_match, "match [-i INDEX] [--schema S] [--birth-date D] [--country C] NAME",
     "find the listed parties a name may be, with scores and explanations"},
    {"screen", cmd_screen, "screen [-i INDEX] INPUT.csv [-o OUT] [--threads N]",
     "screen a customer file; JSON lines (or CSV) out, one per row"},
    {"scan", cmd_scan, "scan [-i INDEX] [FILE|-] [--json] [--threshold T]",
     "find listed and linked parties mentioned in text (plain, Markdown, HTML)"},
    {"serve", cmd_serve, "serve [-i INDEX] [--listen 127.0.0.1:8000] [--threads N]",
     "HTTP API compatible with yente (/match, /search, /entities...), plus /scan and /screen"},
    {"fetch", cmd_fetch, "fetch [--config F] [--dir D]",
     "download the official lists; a bad download keeps the previous one and says why"},
    {"update", cmd_update, "update [--config F] [--dir D] [-o INDEX]",
     "fetch, then rebuild the index (atomically) if any list changed"},
    {"version", cmd_version, "version", "print kordon's version"},
    {"help", cmd_help, "help", "list the commands"},
};

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("kordon %s — sanctions and watchlist screening\n\nusage: kordon COMMAND [OPTIONS]\n\n",
           KORDON_VERSION_STRING);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        printf("  %-44s %s\n", commands[i].usage, commands[i].summary);
    printf("\nThe index defaults to $KORDON_INDEX, else ./kordon.kdx.\n");
    return 0;
}

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("kordon %s\n", KORDON_VERSION_STRING);
    return 0;
}

const char *cli_default_index(void)
{
    const char *env = getenv("KORDON_INDEX");
    return env && *env ? env : "kordon.kdx";
}

int cli_fail(const kd_error *err)
{
    fprintf(stderr, "kordon: %s\n", err->message[0] ? err->message : kd_strerror(err->code));
    return EXIT_FAILED;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return argc < 2 ? (cmd_help(0, NULL), EXIT_USAGE) : cmd_help(0, NULL);
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(0, NULL);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "kordon: unknown command \"%s\" (try `kordon help`)\n", argv[1]);
    return EXIT_USAGE;
}
