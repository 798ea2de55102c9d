/* cli — the `kordon` command. One function per subcommand, each taking the
 * arguments after its name and returning the process exit status. */
#ifndef KD_CLI_H
#define KD_CLI_H

#include "kordon.h"

#include <stdbool.h>

/* Exit statuses: 0 success, 1 the work failed (bad input, missing file),
 * 2 the command line itself was wrong, 3 the work was done but some input
 * rows could not be screened (screen, monitor run): a batch job must not
 * take a rejected customer for a clean miss, nor a finished run for a
 * failed one. */
enum { EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_REJECTED = 3 };

/* Prints the command's usage, every option with its default (the table in
 * main.c), to stdout when status is 0 (--help), else to stderr; returns
 * status. */
int cli_usage(const char *command, int status);

int cmd_build(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_entity(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_screen(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_fetch(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_xref(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
int cmd_decide(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_cases(int argc, char **argv);
int cmd_resolve(int argc, char **argv);

/* The index to use: -i/--index, else $KORDON_INDEX, else ./kordon.kdx. */
const char *cli_default_index(void);
/* One match result as JSON: id, caption, schema, datasets, score, match,
 * (with details: name_score, matched_name), explanation. */
struct json_t;
/* ties (may be NULL) adds `linked_to` to a result not listed itself but
 * tied to listed parties (index_ties_json). */
struct json_t *cli_result_json(const kd_index *ix, const kd_ties *ties, const kd_match_result *r, bool details);
/* The result's ties to listed parties, one line ("owned by listed X (id) ·
 * ..."), empty when none: what the text outputs print. */
void cli_ties_line(const kd_index *ix, const kd_ties *ties, size_t party, char *out, size_t size);

/* The store to use: --db, else $KORDON_DB, else ./kordon.db. */
const char *cli_default_db(void);
/* Who is asking, for the audit record: $KORDON_USER, else the login name;
 * NULL when the environment names nobody. */
const char *cli_default_actor(void);
/* "who is acting?" on stderr, naming the flag that says it; EXIT_USAGE. */
int cli_no_actor(const char *flag);

/* Customer files (customers.c), read one way by screen and monitor add. A
 * header column holds one of these roles (name, first_name, dob, country,
 * ...; case, '_', '-' and ' ' aside); a row's values are kept by role. */
typedef enum column_role { ROLE_NONE, ROLE_NAME, ROLE_FIRST, ROLE_MIDDLE, ROLE_LAST, ROLE_DOB,
                           ROLE_COUNTRY, ROLE_GENDER, ROLE_SCHEMA, ROLE_ID, ROLE_IDENTIFIER,
                           ROLE_COUNT } column_role;
typedef struct customer_file customer_file;
typedef struct customer_row {
    /* values by role, trimmed, strdup'd and owned by the row (free with
     * customer_row_free); a row without a name column gets one joined from
     * its first, middle and last names */
    char *fields[ROLE_COUNT];
    size_t line;       /* where the row starts */
    /* problem.code != 0: the row cannot be screened (a column not UTF-8,
     * no name, with need_id no id, a schema kordon does not know), the
     * message saying why without file and line, which the caller adds; a
     * value not UTF-8 is never kept */
    kd_error problem;
    /* warning.code != 0: a country or birth date kordon cannot read; the
     * rest of the row can be screened without it */
    kd_error warning;
} customer_row;
/* Opens a customer CSV (delimiter ',', ';' or tab, whichever the header
 * holds most of) and reads its header: "PATH: empty file", "PATH:1: no
 * name column (...)", or with need_id "PATH:1: monitoring needs an id
 * column and a name column (...)". */
int customers_open(customer_file **out, const char *path, bool need_id, kd_error *err);
/* The next row: 1 = a row in *row (problem and warning as above), 0 = end
 * of file, < 0 = the file cannot be read further (err names file and line). */
int customers_next(customer_file *f, customer_row *row, kd_error *err);
/* Bytes read so far, for progress reports. */
long customers_offset(const customer_file *f);
void customers_close(customer_file *f);
void customer_row_free(customer_row *row);
/* A customer's schema, given in any case, rewritten as FtM spells it
 * (parts indexed by role), or an error saying which value and why,
 * without the file and line, which the caller adds. */
int cli_customer_schema(char *parts[], kd_error *err);

/* The standing judgments on parties in the store at db_path, for
 * kd_build_options (a missing SQLite file holds none and is not created);
 * free *out with free() before kd_judgment_list_free(list). */
struct kd_judgment_list;
int cli_load_judgments(const char *db_path, struct kd_judgment_list *list, kd_party_judgment **out,
                       kd_error *err);

/* Incomplete list sets (list_sets.c): cli_warn_list_sets warns about each
 * OFAC sdn.csv among build sources without its alt.csv, add.csv or
 * sdn_comments.csv, naming them, and about companion files that will not
 * be read; cli_warn_incomplete_index warns when an index's OFAC list holds
 * no alias or no address at all (built without those files) and returns
 * that dataset's name, else NULL; cli_companion_property: a property
 * those files give (alias, address, ...). */
void cli_warn_list_sets(const char *const *sources, size_t n);
const char *cli_warn_incomplete_index(const kd_index *ix, const char *path);
bool cli_companion_property(const char *prop);

/* "wrote INDEX: 21881 entities from 7 datasets (and 2716 links derived
 * from their remarks) in 1.39 s" (seconds < 0: not said), on stderr. */
void cli_report_written(const kd_index *ix, const char *path, double seconds);

/* Prints "kordon: <message>" to stderr and returns EXIT_FAILED. */
int cli_fail(const kd_error *err);

/* Flag values checked (args.c): each prints "kordon: FLAG VALUE: why" and
 * returns false (or -1) when the value is not one. */
bool cli_number(const char *flag, const char *text, double lo, double hi, bool lo_open, double *out);
bool cli_count(const char *flag, const char *text, long lo, long hi, long *out);
bool cli_country(const char *flag, const char *text);
bool cli_date(const char *flag, const char *text);
bool cli_timestamp(const char *flag, const char *text);
bool cli_gender(const char *flag, const char *text);
/* A schema by name, case aside: its number, or -1. */
int cli_schema(const char *flag, const char *text);
bool cli_dataset(const kd_index *ix, const char *flag, const char *text);
/* Opens a store that exists already: a command that reads alerts or
 * decisions never creates an empty one (KD_ENOTFOUND naming the path). */
struct kd_store;
int cli_open_store(const char *db, struct kd_store **store, kd_error *err);

#endif
