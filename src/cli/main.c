#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every command's usage in one table: `kordon help` lists the first line
 * of each, `kordon CMD --help` (and a command line that is wrong) prints
 * the whole entry through cli_usage, so a flag's default is written once,
 * here, and never drifts between files. */
typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;   /* synopsis; further forms on lines of their own */
    const char *summary;
    const char *options; /* every flag and argument, with its default */
} command;

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

#define KD_STR_(x) #x
#define KD_STR(x) KD_STR_(x)
#define INDEX_OPTION "  -i, --index INDEX      the index to read (default: $KORDON_INDEX, else ./kordon.kdx)\n"
#define DB_OPTION(what) "  --db DB                " what "\n" \
                        "                         (default: $KORDON_DB, else ./kordon.db; postgresql://... for PostgreSQL)\n"
#define USER_OPTION(flag, what) "  " flag "  " what " (default: $KORDON_USER, else the login name; required)\n"
#define THRESHOLD_OPTION "  --threshold T          the score a result needs to be a match, above 0 and at most 1\n" \
                         "                         (default: " KD_STR(KD_MATCH_THRESHOLD) ")\n"

static const command commands[] = {
    {"build", cmd_build, "build SOURCE... [-o INDEX] [-q] [--report FILE] [--db DB]",
     "parse lists (files or directories, format detected from content) into an index",
     "  SOURCE                 list files or directories of them (read in name order)\n"
     "  -o, --output INDEX     the index to write, atomically (default: kordon.kdx)\n"
     "  -q, --quiet            no line per list file\n"
     "  --report FILE          also write every party of several records with its evidence\n"
     "  --db DB                the store whose analysts' judgments on parties apply (default:\n"
     "                         $KORDON_DB, else ./kordon.db; read only when it exists)\n"
     "An OFAC SDN set (sdn.csv) without alt.csv, add.csv or sdn_comments.csv beside it is built\n"
     "with a warning naming the missing files.\n"},
    {"info", cmd_info, "info [-i INDEX] [--json]", "datasets in an index: version, newest date, counts per schema",
     INDEX_OPTION "  --json                 the same as JSON\n"},
    {"entity", cmd_entity, "entity [-i INDEX] [--provenance | --record] ID...",
     "print a party (any of its records' ids) as FollowTheMoney JSON",
     INDEX_OPTION "  --provenance           say which record states each value\n"
                  "  --record               the record itself as its list states it, not its party\n"},
    {"export", cmd_export, "export [-i INDEX] [-o FILE] [--format ftm]",
     "every record as FollowTheMoney JSON lines, listings as Sanction entities",
     INDEX_OPTION "  -o, --output FILE      where to write (default: standard output)\n"
                  "  --format ftm           FollowTheMoney JSON lines, the one format (default: ftm)\n"},
    {"match", cmd_match, "match [-i INDEX] [--schema S] [--birth-date D] [--country C] NAME",
     "find the listed parties a name may be, with scores and explanations",
     INDEX_OPTION
     "  --schema S             Person, Organization, Company, LegalEntity, Vessel, Airplane..., any\n"
     "                         case (default: any schema)\n"
     "  --birth-date D         1976, 1976-04, 1976-04-29, 29.04.1976, 29 Apr 1976 (default: none)\n"
     "  --country C            a name, demonym or ISO code: Russia, Russian, RU (default: none)\n"
     "  --gender G             male, female or other (default: none)\n"
     "  --id NUMBER            a passport, IMO, INN or other number (default: none)\n" THRESHOLD_OPTION
     "  --limit N              results, 1 to 100 (default: 5)\n"
     "  --dataset D            only this dataset's records (default: all; `kordon info` lists them)\n"
     "  --records              one result per record instead of one per party\n"
     "  --json                 the results as JSON, with name scores\n"},
    {"screen", cmd_screen, "screen [-i INDEX] INPUT.csv [-o OUT] [--format jsonl|csv] [--threads N] [--db DB]",
     "screen a customer file; JSON lines (or CSV) out, in input order; --db records the run",
     INDEX_OPTION
     "  INPUT.csv              a header names the columns: name/full_name or first/middle/last_name,\n"
     "                         id, date_of_birth/dob, nationality/country, gender, schema, passport...\n"
     "  -o, --output OUT       where to write (default: standard output; - is standard output)\n"
     "  --format jsonl|csv     jsonl: a line per row with its results (default); csv: a row per match\n"
     "                         (status match), or one with status no_match or rejected, each with\n"
     "                         the row's id and name\n"
     "  --threads N            matching threads, 1 to 64 (default: 1)\n" THRESHOLD_OPTION
     "  --limit N              results per row, 1 to 100 (default: 5)\n"
     "  --db DB                record the run and raise alerts in this store (default: not recorded)\n"
     USER_OPTION("--user NAME          ", "who screens, for the record")
     "Exit status 3 when a row could not be screened (each named on stderr with its line).\n"},
    {"scan", cmd_scan, "scan [-i INDEX] [FILE|-] [--json] [--threshold T]",
     "find listed and linked parties mentioned in text (plain, Markdown, HTML)",
     INDEX_OPTION
     "  FILE                   the text (default: standard input, also -)\n"
     "  --json                 one JSON object per mention\n"
     "  --threshold T          the least score of every listed mention, above 0 and at most 1\n"
     "                         (default: 0.85 for names matched whole, kd_match's own score from\n"
     "                         0.70 for a surname alone or a given name and surname)\n"},
    {"serve", cmd_serve, "serve [-i INDEX] [--listen 127.0.0.1:8000] [--threads N] [--db DB]",
     "HTTP API compatible with yente (/match, /search, /entities...), plus /scan and /screen",
     INDEX_OPTION
     "  --listen HOST:PORT     where to listen (default: 127.0.0.1:8000)\n"
     "  --threads N            network threads, 1 to 1000 (default: the number of cores)\n"
     "  --api-key-file FILE    API keys, one a line, `KEY admin` for /admin/* (default:\n"
     "                         $KORDON_API_KEYS and $KORDON_ADMIN_KEYS, else no keys: loopback only)\n"
     "  --insecure-no-auth     listen beyond loopback without API keys\n"
     "  --max-body BYTES       largest request body, K and M suffixes (default: 8M)\n"
     "  --max-queries N        queries in one /match, 1 to 100000 (default: 100)\n"
     "  --request-timeout S    seconds a client has to send its request (default: 10)\n"
     "  --access-log FILE|-    one JSON line per request (default: standard error; - standard output)\n"
     "  --quiet                no access log\n"
     "  --no-watch             do not reload the index when its file is replaced\n"
     "  --fetch-dir DIR        where `kordon fetch` keeps fetch-state.json (default:\n"
     "                         $KORDON_FETCH_DIR, else lists)\n"
     "  --db DB                record screening and serve alerts (default: $KORDON_DB when set,\n"
     "                         else not recorded)\n"
     "  --keep-answers HOURS   how long answers are kept for Idempotency-Key retries; 0 for ever\n"
     "                         (default: 24; the audit trail itself is never deleted)\n"
     "  --writers N            connections recording /match runs side by side, 1 to 8 (default: 1\n"
     "                         on SQLite, which writes one at a time; 2 on PostgreSQL)\n"
     "  --cors-origin ORIGIN   a browser origin allowed to call the API; repeatable (default: none)\n"
     "  --public-url URL       the address clients use, for Host and Origin checks (default: none)\n"
     "  --scan-max-mentions N  mentions one /scan may find (default: 10000)\n"
     "  --scan-max-related N   related listings per /scan mention (default: 20)\n"
     "  --scan-max-response B  largest /scan answer (default: 16M)\n"
     "  --scan-timeout S       seconds of work for one /scan (default: 30)\n"
     "  --scan-concurrency N   /scan worker threads (default: half the threads when more than 2,\n"
     "                         else 1)\n"},
    {"fetch", cmd_fetch, "fetch [--config F] [--dir D] [--retries N] [--timeout S] [-q]",
     "download the official lists; a bad download keeps the previous one and says why",
     "  --config FILE          the sources (default: $KORDON_SOURCES, else sources.conf)\n"
     "  --dir DIR              where the lists go, one directory per source (default: lists)\n"
     "  --retries N            further attempts after a transient failure, 0 to 10 (default: the\n"
     "                         config's retries, else 3)\n"
     "  --timeout SECONDS      for one transfer (default: the config's timeout, else 600)\n"
     "  -q, --quiet            no progress lines\n"
     "Exit status 1 when any source failed (the others are still fetched).\n"},
    {"update", cmd_update, "update [--config F] [--dir D] [-o INDEX] [--force]",
     "fetch, then rebuild the index (atomically) if any list changed",
     "  --config FILE          the sources (default: $KORDON_SOURCES, else sources.conf)\n"
     "  --dir DIR              where the lists go, one directory per source (default: lists)\n"
     "  -o, --output INDEX     the index to rebuild (default: $KORDON_INDEX, else kordon.kdx)\n"
     "  --force                rebuild even when no list changed\n"
     "  --retries N            further attempts after a transient failure, 0 to 10 (default: the\n"
     "                         config's retries, else 3)\n"
     "  --timeout SECONDS      for one transfer (default: the config's timeout, else 600)\n"
     "  -q, --quiet            no progress lines\n"
     "Exit status 1 when any source failed (the index is still rebuilt from what was accepted).\n"},
    {"diff", cmd_diff, "diff OLD.kdx NEW.kdx [--json] [--summary]",
     "entities added, removed and changed per dataset between two indexes",
     "  --json                 everything as JSON, with every changed value\n"
     "  --summary              the counts per dataset only\n"
     "An index whose OFAC SDN list was built without alt.csv or add.csv is named in a warning:\n"
     "its records lack aliases or addresses, and every record that has them on the other side\n"
     "is reported as changed.\n"},
    {"resolve", cmd_resolve, "resolve merge|split|revoke A B --reason R | list [--db DB]",
     "analysts' judgments on parties: these records are one party, or two",
     "forms:  kordon resolve merge|split RECORD_A RECORD_B --reason TEXT [--user U] [-i INDEX] [--db DB]\n"
     "        kordon resolve revoke RECORD_A RECORD_B --reason TEXT [--user U] [--db DB]\n"
     "        kordon resolve list [--all] [--json] [--db DB]\n"
     INDEX_OPTION
     "  --reason TEXT          why, kept as evidence (required for merge, split and revoke)\n"
     USER_OPTION("--user NAME          ", "who judges")
     DB_OPTION("the store of judgments")
     "  --all                  list revoked judgments too (default: the standing ones)\n"
     "  --json                 list as JSON lines\n"},
    {"xref", cmd_xref, "xref [-i INDEX] [--json] [--db DB]",
     "which records of different lists are the same party, with the evidence (for review)",
     INDEX_OPTION "  --json                 one JSON line per link\n"
     "  --db DB                the store whose analysts' judgments apply (default: $KORDON_DB,\n"
     "                         else ./kordon.db; read only when it exists)\n"},
    {"monitor", cmd_monitor, "monitor add FILE.csv | run | list [--db DB]",
     "customers under monitoring; `run` alerts only on new or changed hits",
     "forms:  kordon monitor add FILE.csv [--db DB]\n"
     "        kordon monitor run [-i INDEX] [--db DB] [--threshold T] [--user NAME]\n"
     "        kordon monitor list [--db DB]\n"
     "  FILE.csv               customers with an id column and the columns `kordon screen` reads\n"
     INDEX_OPTION DB_OPTION("the store of customers and alerts (add creates it)") THRESHOLD_OPTION
     USER_OPTION("--user NAME          ", "who runs it, for the record")
     "Exit status 3 when `run` could not screen a customer (each named on stderr with its id).\n"},
    {"alerts", cmd_alerts, "alerts [--open] [--json] [--db DB]", "alerts raised, with their decisions",
     "  --open                 only alerts not decided, or escalated (default: all)\n"
     "  --json                 one JSON line per alert\n" DB_OPTION("the store to read; never created")},
    {"decide", cmd_decide, "decide ALERT --verdict V --comment TEXT [--db DB]",
     "record a decision: true-match, false-positive (allow-lists the pair) or escalate",
     "  ALERT                  the alert's number (`kordon alerts` lists them)\n"
     "  --verdict V            true-match, false-positive or escalate (required)\n"
     "  --comment TEXT         why (required)\n"
     USER_OPTION("--reviewer NAME      ", "who decides") DB_OPTION("the store to write; never created")},
    {"cases", cmd_cases, "cases [list|show ID|ACTION ID...|settings] [options] [--db DB]",
     "the case queue: a case per customer holds its hits; work, close and export cases",
     "forms:  kordon cases list [--state S]... [--assignee U|none] [--customer ID] [--dataset D]\n"
     "                          [--min-score X] [--max-score X] [--from DATE] [--to-date DATE]\n"
     "                          [--awaiting] [--sort score|newest|oldest|updated] [--limit N]\n"
     "                          [--after CURSOR] [--format table|csv|jsonl]\n"
     "        kordon cases show ID\n"
     "        kordon cases assign|comment|escalate|close|approve|reject|reopen ID... [--comment TEXT]\n"
     "                          [--verdict true_match|false_positive] [--to USER] [--role R]\n"
     "        kordon cases settings [--four-eyes SCORE|off --role admin]\n"
     "  --state S              open, in_review, escalated, pending_approval, closed (repeatable;\n"
     "                         default: every state)\n"
     "  --awaiting             only the cases awaiting --user (in their --role)\n"
     "  --format F             table: one page (default 50 cases); csv, jsonl: every case selected\n"
     "  --comment TEXT         why (required to comment, escalate, close, reject and reopen)\n"
     "  --verdict V            close: true_match or false_positive (false_positive at or above the\n"
     "                         four-eyes score awaits a supervisor's approval)\n"
     "  --to USER              assign: to whom (default: --user; another user needs a supervisor)\n"
     "  --role R               analyst (default), supervisor or admin: what --user may do\n"
     USER_OPTION("--user NAME          ", "who acts") DB_OPTION("the store to read; never created")
     "Exit status 1 when any case refused the action (each named on stderr).\n"},
    {"audit", cmd_audit, "audit export [--from D] [--to D] [--format csv|jsonl] [--db DB]",
     "runs, alerts, decisions and allow-list entries in a period",
     "  --from DATE            YYYY-MM-DD[THH:MM:SS]Z (default: from the first event)\n"
     "  --to DATE              the same; a date includes that whole day (default: to the last event)\n"
     "  --format csv|jsonl     (default: jsonl)\n"
     "  -o, --output FILE      where to write (default: standard output)\n"
     DB_OPTION("the store to read; never created")},
    {"version", cmd_version, "version", "print kordon's version", ""},
    {"help", cmd_help, "help [COMMAND]", "list the commands, or one command's options", ""},
};

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(name, commands[i].name) == 0)
            return &commands[i];
    return NULL;
}

int cli_usage(const char *name, int status)
{
    const command *c = find_command(name);
    FILE *out = status ? stderr : stdout;
    if (!c) /* a caller's typo; never a user's */
        return fprintf(out, "usage: kordon %s\n", name), status;
    fprintf(out, "usage: kordon %s\n\n%s\n", c->usage, c->summary);
    if (*c->options)
        fprintf(out, "\n%s", c->options);
    return status;
}

/* A command that takes no flags: --help, else what getopt would say. */
static int no_options(const char *name, char **argv)
{
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return cli_usage(name, 0);
    if (argv[1][0] == '-')
        fprintf(stderr, "kordon %s: unrecognized option '%s'\n", name, argv[1]);
    else
        fprintf(stderr, "kordon %s: takes no argument, not \"%s\"\n", name, argv[1]);
    return cli_usage(name, EXIT_USAGE);
}

static int cmd_help(int argc, char **argv)
{
    if (argc > 2)
        return cli_usage("help", EXIT_USAGE);
    if (argc == 2 && argv[1][0] == '-')
        return no_options("help", argv);
    if (argc == 2) {
        if (find_command(argv[1]))
            return cli_usage(argv[1], 0);
        fprintf(stderr, "kordon: help %s: no such command (try `kordon help`)\n", argv[1]);
        return EXIT_USAGE;
    }
    printf("kordon %s — sanctions and watchlist screening\n\nusage: kordon COMMAND [OPTIONS]\n\n",
           KORDON_VERSION_STRING);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        printf("  %s\n      %s\n", commands[i].usage, commands[i].summary);
    printf("\n`kordon COMMAND --help` lists a command's options and their defaults. The index defaults to\n"
           "$KORDON_INDEX, else ./kordon.kdx; the store (--db) to $KORDON_DB, else ./kordon.db (a\n"
           "postgresql:// URI uses PostgreSQL).\n"
           "Exit status: 0 done, 1 the work failed (a file, the store), 2 the command line is wrong,\n"
           "3 done, but some input rows could not be screened (screen, monitor run: each named on stderr).\n");
    return 0;
}

static int cmd_version(int argc, char **argv)
{
    if (argc > 1)
        return no_options("version", argv);
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
    return env && *env ? env : NULL;
}

int cli_no_actor(const char *flag)
{
    fprintf(stderr, "kordon: who is acting? Pass %s NAME or set $KORDON_USER (nothing is recorded without a name)\n",
            flag);
    return EXIT_USAGE;
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
    const command *c = find_command(argv[1]);
    if (c) {
        /* getopt names argv[0] in its messages: "kordon match: unrecognized
         * option '--frob'", not "match: ..." */
        char program[64];
        snprintf(program, sizeof program, "kordon %s", c->name);
        argv[1] = program;
        return c->run(argc - 1, argv + 1);
    }
    fprintf(stderr, "kordon: unknown command \"%s\" (try `kordon help`)\n", argv[1]);
    return EXIT_USAGE;
}
