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
    {"build", cmd_build, "build SOURCE... [-o kordon.kdx] [-q] [--report F]",
     "parse lists (files or directories, format detected from content) into an index"},
    {"info", cmd_info, "info [-i INDEX] [--json]",
     "datasets in an index: version, newest date, counts per schema"},
    {"entity", cmd_entity, "entity [-i INDEX] [--provenance | --record] ID",
     "print a party (any of its records' ids) as FollowTheMoney JSON"},
    {"export", cmd_export, "export [-i INDEX] [-o FILE] [--format ftm]",
     "every record as FollowTheMoney JSON lines, listings as Sanction entities"},
    {"match", cmd_match, "match [-i INDEX] [--schema S] [--birth-date D] [--country C] NAME",
     "find the listed parties a name may be, with scores and explanations"},
    {"screen", cmd_screen, "screen [-i INDEX] INPUT.csv [-o OUT] [--threads N] [--db DB]",
     "screen a customer file; JSON lines (or CSV) out, one per row; --db records the run"},
    {"scan", cmd_scan, "scan [-i INDEX] [FILE|-] [--json] [--threshold T]",
     "find listed and linked parties mentioned in text (plain, Markdown, HTML)"},
    {"serve", cmd_serve, "serve [-i INDEX] [--listen 127.0.0.1:8000] [--threads N]",
     "HTTP API compatible with yente (/match, /search, /entities...), plus /scan and /screen"},
    {"fetch", cmd_fetch, "fetch [--config F] [--dir D]",
     "download the official lists; a bad download keeps the previous one and says why"},
    {"update", cmd_update, "update [--config F] [--dir D] [-o INDEX]",
     "fetch, then rebuild the index (atomically) if any list changed"},
    {"diff", cmd_diff, "diff OLD.kdx NEW.kdx [--json]",
     "entities added, removed and changed per dataset between two indexes"},
    {"resolve", cmd_resolve, "resolve merge|split|revoke A B --reason R | list [--db DB]",
     "analysts' judgments on parties: these records are one party, or two"},
    {"xref", cmd_xref, "xref [-i INDEX] [--json]",
     "which records of different lists are the same party, with the evidence (for review)"},
    {"monitor", cmd_monitor, "monitor add FILE.csv | run | list [--db DB]",
     "customers under monitoring; `run` alerts only on new or changed hits"},
    {"alerts", cmd_alerts, "alerts [--open] [--json] [--db DB]", "alerts raised, with their decisions"},
    {"decide", cmd_decide, "decide ALERT --verdict V --comment TEXT [--db DB]",
     "record a decision: true-match, false-positive (allow-lists the pair) or escalate"},
    {"audit", cmd_audit, "audit export [--from D] [--to D] [--format csv|jsonl] [--db DB]",
     "runs, alerts, decisions and allow-list entries in a period"},
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
    printf("\nThe index defaults to $KORDON_INDEX, else ./kordon.kdx; the store (--db) to $KORDON_DB,\n"
           "else ./kordon.db (a postgresql:// URI uses PostgreSQL).\n");
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

const char *cli_default_db(void)
{
    const char *env = getenv("KORDON_DB");
    return env && *env ? env : "kordon.db";
}

const char *cli_default_actor(void)
{
    const char *env = getenv("KORDON_USER");
    if (env && *env)
        return env;
    env = getenv("USER");
    if (env && *env)
        return env;
    env = getenv("LOGNAME");
    return env && *env ? env : "unknown";
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
