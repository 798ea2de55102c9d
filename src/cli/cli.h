/* cli — the `kordon` command. One function per subcommand, each taking the
 * arguments after its name and returning the process exit status. */
#ifndef KD_CLI_H
#define KD_CLI_H

#include "kordon.h"

#include <stdbool.h>

/* Exit statuses: 0 success, 1 the work failed (bad input, missing file),
 * 2 the command line itself was wrong. */
enum { EXIT_FAILED = 1, EXIT_USAGE = 2 };

int cmd_build(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_entity(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_screen(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_fetch(int argc, char **argv);
int cmd_update(int argc, char **argv);

/* The index to use: -i/--index, else $KORDON_INDEX, else ./kordon.kdx. */
const char *cli_default_index(void);
/* One match result as JSON: id, caption, schema, datasets, score, match,
 * (with details: name_score, matched_name), explanation. */
struct json_t;
struct json_t *cli_result_json(const kd_index *ix, const kd_match_result *r, bool details);

/* Prints "kordon: <message>" to stderr and returns EXIT_FAILED. */
int cli_fail(const kd_error *err);

#endif
