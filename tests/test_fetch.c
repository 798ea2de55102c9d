/* kd_fetch_run against a local server (tests/fetch_server.py) serving the
 * real lists, well and badly: every bad case must keep the previous files
 * byte for byte and say why. */
#include "testutil.h"
#include "kordon/fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t server_pid = -1;
static int server_stdin = -1;
static int server_stdout = -1;
static int server_port;

/* The repository's root, from this file's path. */
static const char *source_path(const char *relative)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s", __FILE__);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    slash = strrchr(path, '/');
    snprintf(slash + 1, sizeof path - (size_t)(slash + 1 - path), "%s", relative);
    return path;
}

static int start_server(void **state)
{
    (void)state;
    int in[2], out[2];
    if (pipe(in) || pipe(out))
        return -1;
    char script[4096], root[4096];
    snprintf(script, sizeof script, "%s", source_path("tests/fetch_server.py"));
    snprintf(root, sizeof root, "%s", data_path(""));
    server_pid = fork();
    if (server_pid < 0)
        return -1;
    if (server_pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execlp("python3", "python3", script, root, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    server_stdin = in[1];
    /* Kept open until the end: closing it early would break the server's
     * own writes to stdout. */
    server_stdout = out[0];
    char line[32] = "";
    size_t n = 0;
    while (n < sizeof line - 1 && !strchr(line, '\n')) {
        ssize_t k = read(server_stdout, line + n, sizeof line - 1 - n);
        if (k <= 0)
            return -1;
        n += (size_t)k;
        line[n] = '\0';
    }
    server_port = atoi(line);
    return server_port > 0 ? 0 : -1;
}

static int stop_server(void **state)
{
    (void)state;
    if (server_stdin >= 0)
        close(server_stdin);
    if (server_stdout >= 0)
        close(server_stdout);
    if (server_pid > 0) {
        kill(server_pid, SIGTERM);
        waitpid(server_pid, NULL, 0);
    }
    return 0;
}

static const char *url(const char *mode, const char *file)
{
    static char u[8][512]; /* several per config line-up */
    static int k;
    k = (k + 1) % 8;
    snprintf(u[k], sizeof u[k], "http://127.0.0.1:%d/%s/%s", server_port, mode, file);
    return u[k];
}

/* A fresh fetch directory under KORDON_TMP. */
static const char *fresh_dir(const char *name)
{
    static char dir[4096];
    snprintf(dir, sizeof dir, "%s", tmp_path(name));
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return dir;
}

/* Parses a config (fast retries so failing cases stay quick) and runs it. */
static int fetch_with(const char *dir, const char *config, kd_fetch_report *reports, size_t cap,
                      kd_error *err)
{
    kd_sources sources;
    kd_error perr = {0};
    int rc = kd_sources_parse(config, strlen(config), "test.conf", &sources, &perr);
    if (rc)
        fail_msg("config: %s", perr.message);
    assert_true(sources.n <= cap);
    kd_fetch_options opt = {.dir = dir};
    rc = kd_fetch_run(&sources, &opt, reports, err);
    kd_sources_free(&sources);
    return rc;
}

static void file_sha(const char *path, char out[65])
{
    kd_error err = {0};
    if (sha256_file_hex(path, out, &err))
        fail_msg("%s", err.message);
}

static void assert_contains(const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("expected \"%s\" in: %s", needle, text);
}

static const char fast[] = "set retries 1\nset retry_delay 0.05\nset timeout 3\n";

/* ---- sources.conf -------------------------------------------------------- */

static void test_sources_parse(void **state)
{
    (void)state;
    const char *text = "# lists\n"
                       "set retries 5\n"
                       "set max_size 64M   # plenty\n"
                       "set max_shrink 0.1\n"
                       "un   https://example.org/xml/en/consolidated.xml\n"
                       "ofac https://example.org/downloads/SDN.CSV file=sdn.csv\n"
                       "ofac https://example.org/downloads/alt.csv format=ofac_part\n"
                       "eu   https://example.org/files/content?token=abc file=eu.xml "
                       "format=eu_fsf_xml\n";
    kd_sources s;
    kd_error err = {0};
    assert_int_equal(kd_sources_parse(text, strlen(text), "t.conf", &s, &err), KD_OK);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.settings.retries, 5);
    assert_int_equal(s.settings.max_size, 64ull << 20);
    assert_true(s.settings.max_shrink > 0.09 && s.settings.max_shrink < 0.11);
    assert_string_equal(s.items[0].name, "un");
    assert_string_equal(s.items[0].files[0].file, "consolidated.xml");
    assert_int_equal(s.items[1].n_files, 2);
    assert_string_equal(s.items[1].files[0].file, "sdn.csv");
    assert_string_equal(s.items[1].files[1].file, "alt.csv");
    assert_int_equal(s.items[1].files[1].format, kd_fetch_format_from_key("ofac_part"));
    assert_string_equal(s.items[2].files[0].file, "eu.xml");
    assert_string_equal(s.items[2].files[0].url, "https://example.org/files/content?token=abc");
    kd_sources_free(&s);

    static const struct {
        const char *text, *message;
    } bad[] = {
        {"set retries lots\nun https://x.org/a.xml\n", "t.conf:1: retries: invalid value"},
        {"set colour blue\n", "t.conf:1: unknown setting \"colour\""},
        {"un https://x.org/a.xml\nun ftp://x.org/b.xml\n", "t.conf:2: \"ftp://x.org/b.xml\" is not"},
        {"\nun https://x.org/files/content?token=1\n", "t.conf:2: cannot name the local file"},
        {"un https://x.org/a.xml\nun https://y.org/a.xml\n", "t.conf:2: source \"un\" already has"},
        {"un https://x.org/a.xml format=pdf\n", "t.conf:1: unknown format \"pdf\""},
        {"un https://x.org/a.xml file=../../etc/passwd\n", "t.conf:1: file name"},
        {"u/n https://x.org/a.xml\n", "t.conf:1: source name"},
        {"# nothing\n", "t.conf: no sources"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err = (kd_error){0};
        assert_int_not_equal(kd_sources_parse(bad[i].text, strlen(bad[i].text), "t.conf", &s, &err),
                             KD_OK);
        assert_contains(err.message, bad[i].message);
    }
}

static void test_shipped_sources_conf(void **state)
{
    (void)state;
    kd_sources s;
    kd_error err = {0};
    if (kd_sources_load(source_path("sources.conf"), &s, &err))
        fail_msg("%s", err.message);
    const char *names[] = {"eu_fsf", "un", "ofac", "uk", "canada", "ofac_cons"};
    assert_int_equal(s.n, 6);
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(s.items[i].name, names[i]);
        for (size_t k = 0; k < s.items[i].n_files; k++)
            assert_true(strncmp(s.items[i].files[k].url, "https://", 8) == 0);
    }
    assert_int_equal(s.items[2].n_files, 4); /* the OFAC legacy set */
    assert_int_equal(s.items[3].files[0].format, kd_fetch_format_from_key("uk_fcdo_xml"));
    assert_string_equal(s.items[3].files[0].file, "uk-sanctions-list.xml");
    kd_sources_free(&s);
}

/* ---- fetching ------------------------------------------------------------ */

static void test_first_fetch_then_not_modified(void **state)
{
    (void)state;
    const char *dir = fresh_dir("fetch-first");
    char config[2048];
    snprintf(config, sizeof config,
             "%sun %s\nofac %s\nofac %s\nofac %s\nofac %s\n", fast,
             url("ok", "lists/un/consolidated.xml"), url("ok", "lists/ofac/sdn.csv"),
             url("ok", "lists/ofac/alt.csv"), url("ok", "lists/ofac/add.csv"),
             /* one 503 first: the retry must absorb it */
             url("flaky", "lists/ofac/sdn_comments.csv"));
    kd_fetch_report r[2];
    kd_error err = {0};
    assert_int_equal(fetch_with(dir, config, r, 2, &err), KD_OK);
    assert_int_equal(r[0].outcome, KD_FETCH_UPDATED);
    assert_int_equal(r[0].records, 1003);
    assert_int_equal(r[1].outcome, KD_FETCH_UPDATED);
    assert_int_equal(r[1].records, 8976);
    assert_contains(r[1].message, "downloaded, 8976 records");

    char path[4200], got[65], want[65];
    const char *files[] = {"un/consolidated.xml", "ofac/sdn.csv", "ofac/alt.csv", "ofac/add.csv",
                           "ofac/sdn_comments.csv"};
    for (size_t i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        file_sha(path, got);
        char rel[64];
        snprintf(rel, sizeof rel, "lists/%s", files[i]);
        file_sha(data_path(rel), want);
        assert_string_equal(got, want);
    }

    kd_fetch_state st;
    assert_int_equal(kd_fetch_state_load(dir, &st, &err), KD_OK);
    const kd_fetch_source_state *un = kd_fetch_state_find(&st, "un");
    assert_non_null(un);
    assert_int_equal(un->records, 1003);
    assert_null(un->last_error);
    assert_true(un->fetched_at > 0 && un->checked_at == un->fetched_at);
    assert_int_equal(un->n_files, 1);
    assert_non_null(un->files[0].etag);
    assert_non_null(un->files[0].last_modified);
    assert_string_equal(un->files[0].format, "un_xml");
    assert_string_equal(un->sha256, un->files[0].sha256);
    const kd_fetch_source_state *ofac = kd_fetch_state_find(&st, "ofac");
    assert_int_equal(ofac->n_files, 4);
    assert_string_equal(ofac->files[0].format, "ofac_csv");
    assert_string_equal(ofac->files[1].format, "ofac_part");
    kd_fetch_state_free(&st);

    /* Again: the validators are sent back and the server answers 304 for
     * every file (the flaky one too, now that it has recovered). */
    assert_int_equal(fetch_with(dir, config, r, 2, &err), KD_OK);
    assert_int_equal(r[0].outcome, KD_FETCH_UNCHANGED);
    assert_contains(r[0].message, "unchanged (HTTP 304), 1003 records");
    assert_int_equal(r[0].bytes, 0);
    assert_int_equal(r[1].outcome, KD_FETCH_UNCHANGED);
    assert_int_equal(r[1].records, 8976);
    struct stat sb;
    snprintf(path, sizeof path, "%s/.staging-un", dir);
    assert_int_not_equal(stat(path, &sb), 0); /* nothing left behind */
}

/* The bad cases, each against a directory holding an accepted UN list. */
static void test_bad_downloads_keep_previous(void **state)
{
    (void)state;
    const char *dir = fresh_dir("fetch-bad");
    char config[2048];
    kd_fetch_report r[1];
    kd_error err = {0};
    snprintf(config, sizeof config, "%sun %s\n", fast, url("ok", "lists/un/consolidated.xml"));
    assert_int_equal(fetch_with(dir, config, r, 1, &err), KD_OK);
    assert_int_equal(r[0].outcome, KD_FETCH_UPDATED);
    char path[4200], before[65], after[65];
    snprintf(path, sizeof path, "%s/un/consolidated.xml", dir);
    file_sha(path, before);

    static const struct {
        const char *mode, *file, *settings, *reason, *options;
    } cases[] = {
        {"404", "lists/un/consolidated.xml", "", "HTTP 404 (not found", NULL},
        {"500", "lists/un/consolidated.xml", "", "after 2 attempts: ", NULL},
        {"truncated", "lists/un/consolidated.xml", "", "bytes remaining to read", NULL},
        {"slow", "lists/un/consolidated.xml", "set timeout 1.5\nset retries 0\n", "timed out", NULL},
        /* the stall limit catches a trickle long before a generous timeout */
        {"slow", "lists/un/consolidated.xml", "set timeout 600\nset low_speed_time 1\nset retries 0\n",
         "Operation too slow", NULL},
        {"html", "lists/un/consolidated.xml", "", "is not a list: consolidated.xml:1: not a list "
                                                  "format kordon knows (it begins \"<!DOCTYPE html>", NULL},
        {"ok", "lists/ofac/sdn.csv", "", "was un_xml, now ofac_csv", NULL},
        {"ok", "lists/canada/sema-consolidated.xml", "", "was un_xml, now canada_xml", NULL},
        {"shrunk", "lists/un/consolidated.xml", "",
         "101 records against 1003 before (-90%), more than the 25% drop max_shrink allows", NULL},
        {"noetag", "lists/un/consolidated.xml", "set max_size 1M\n", "larger than the 1048576-byte", NULL},
        {"ok", "versions/un-2026-01-28/consolidated.xml", "",
         "expected OFAC SDN legacy CSV (format=ofac_csv) but got UN Security Council XML",
         "format=ofac_csv"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(config, sizeof config, "%s%sun %s file=consolidated.xml %s\n", fast,
                 cases[i].settings, url(cases[i].mode, cases[i].file),
                 cases[i].options ? cases[i].options : "");
        memset(r, 0, sizeof r);
        assert_int_equal(fetch_with(dir, config, r, 1, &err), KD_OK);
        if (r[0].outcome != KD_FETCH_FAILED)
            fail_msg("%s/%s: expected a failure, got: %s", cases[i].mode, cases[i].file,
                     r[0].message);
        assert_contains(r[0].message, cases[i].reason);
        assert_contains(r[0].message, "kept the previous version (1003 records, fetched ");
        assert_int_equal(r[0].records, 1003);
        file_sha(path, after);
        assert_string_equal(after, before);

        kd_fetch_state st;
        assert_int_equal(kd_fetch_state_load(dir, &st, &err), KD_OK);
        const kd_fetch_source_state *un = kd_fetch_state_find(&st, "un");
        assert_int_equal(un->records, 1003);
        assert_string_equal(un->sha256, before);
        assert_non_null(un->last_error);
        assert_contains(un->last_error, cases[i].reason);
        assert_true(un->attempted_at >= un->fetched_at);
        kd_fetch_state_free(&st);
        struct stat sb;
        char staging[4200];
        snprintf(staging, sizeof staging, "%s/.staging-un", dir);
        assert_int_not_equal(stat(staging, &sb), 0);
    }

    /* A good download afterwards clears the error. */
    snprintf(config, sizeof config, "%sun %s\n", fast, url("ok", "lists/un/consolidated.xml"));
    assert_int_equal(fetch_with(dir, config, r, 1, &err), KD_OK);
    assert_int_equal(r[0].outcome, KD_FETCH_UNCHANGED);
    kd_fetch_state st;
    assert_int_equal(kd_fetch_state_load(dir, &st, &err), KD_OK);
    assert_null(kd_fetch_state_find(&st, "un")->last_error);
    kd_fetch_state_free(&st);
}

/* A newer version replaces the older one; an OFAC set with one bad file is
 * refused as a whole. */
static void test_new_version_and_sets(void **state)
{
    (void)state;
    const char *dir = fresh_dir("fetch-versions");
    char config[2048];
    kd_fetch_report r[2];
    kd_error err = {0};
    snprintf(config, sizeof config, "%sun %s\nofac %s\nofac %s\nofac %s\nofac %s\n", fast,
             url("ok", "versions/un-2026-01-28/consolidated.xml"),
             url("ok", "versions/ofac-2019/sdn.csv"), url("ok", "versions/ofac-2019/alt.csv"),
             url("ok", "versions/ofac-2019/add.csv"),
             url("ok", "versions/ofac-2019/sdn_comments.csv"));
    assert_int_equal(fetch_with(dir, config, r, 2, &err), KD_OK);
    assert_int_equal(r[0].records, 999);
    assert_int_equal(r[1].records, 7379);

    /* The 2021 OFAC set, but its alt.csv fails: nothing of the set moves. */
    snprintf(config, sizeof config, "%sun %s\nofac %s\nofac %s\nofac %s\nofac %s\n", fast,
             url("ok", "lists/un/consolidated.xml"), url("ok", "lists/ofac/sdn.csv"),
             url("500", "lists/ofac/alt.csv"), url("ok", "lists/ofac/add.csv"),
             url("ok", "lists/ofac/sdn_comments.csv"));
    assert_int_equal(fetch_with(dir, config, r, 2, &err), KD_OK);
    assert_int_equal(r[0].outcome, KD_FETCH_UPDATED);
    assert_int_equal(r[0].records, 1003);
    assert_int_equal(r[0].previous_records, 999);
    assert_contains(r[0].message, "un: updated, 1003 records (999 before)");
    assert_int_equal(r[1].outcome, KD_FETCH_FAILED);
    assert_contains(r[1].message, "alt.csv: HTTP 500");
    char path[4200], got[65], want[65];
    snprintf(path, sizeof path, "%s/ofac/sdn.csv", dir);
    file_sha(path, got);
    file_sha(data_path("versions/ofac-2019/sdn.csv"), want);
    assert_string_equal(got, want);

    /* All four good: the 2021 set replaces the 2019 one (+22%). */
    snprintf(config, sizeof config, "%sofac %s\nofac %s\nofac %s\nofac %s\n", fast,
             url("ok", "lists/ofac/sdn.csv"), url("ok", "lists/ofac/alt.csv"),
             url("ok", "lists/ofac/add.csv"), url("ok", "lists/ofac/sdn_comments.csv"));
    assert_int_equal(fetch_with(dir, config, r, 1, &err), KD_OK);
    assert_int_equal(r[0].outcome, KD_FETCH_UPDATED);
    assert_int_equal(r[0].records, 8976);
    assert_int_equal(r[0].previous_records, 7379);
    file_sha(path, got);
    file_sha(data_path("lists/ofac/sdn.csv"), want);
    assert_string_equal(got, want);

    /* A first download that fails leaves no list and says so. */
    snprintf(config, sizeof config, "%snew %s\n", fast, url("404", "lists/un/consolidated.xml"));
    assert_int_equal(fetch_with(dir, config, r, 1, &err), KD_OK);
    assert_int_equal(r[0].outcome, KD_FETCH_FAILED);
    assert_contains(r[0].message, "no previous version to keep");
}

static void test_same_bytes_without_validators(void **state)
{
    (void)state;
    const char *dir = fresh_dir("fetch-noetag");
    char config[1024];
    snprintf(config, sizeof config, "%sun %s\n", fast, url("noetag", "lists/un/consolidated.xml"));
    kd_fetch_report r[1];
    kd_error err = {0};
    assert_int_equal(fetch_with(dir, config, r, 1, &err), KD_OK);
    assert_int_equal(r[0].outcome, KD_FETCH_UPDATED);
    assert_int_equal(fetch_with(dir, config, r, 1, &err), KD_OK);
    assert_int_equal(r[0].outcome, KD_FETCH_UNCHANGED);
    assert_contains(r[0].message, "unchanged (same content), 1003 records");
    assert_int_equal(r[0].bytes, 2030620);

    /* Last-Modified alone is enough for a conditional request. */
    snprintf(config, sizeof config, "%sun %s\n", fast, url("lastmod", "lists/un/consolidated.xml"));
    assert_int_equal(fetch_with(dir, config, r, 1, &err), KD_OK);
    assert_int_equal(r[0].bytes, 2030620);
    assert_int_equal(fetch_with(dir, config, r, 1, &err), KD_OK);
    assert_int_equal(r[0].outcome, KD_FETCH_UNCHANGED);
    assert_contains(r[0].message, "HTTP 304");
    assert_int_equal(r[0].bytes, 0);

    /* A list deleted from DIR by hand is downloaded again and put back,
     * even though its validators still match. */
    char path[4200];
    snprintf(path, sizeof path, "%s/un/consolidated.xml", dir);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(fetch_with(dir, config, r, 1, &err), KD_OK);
    assert_int_equal(r[0].outcome, KD_FETCH_UNCHANGED);
    assert_int_equal(r[0].bytes, 2030620);
    assert_int_equal(access(path, R_OK), 0);
}

/* Redirects are followed; the validators kept are the final response's. */
static void test_redirect(void **state)
{
    (void)state;
    const char *dir = fresh_dir("fetch-redirect");
    char config[1024];
    snprintf(config, sizeof config, "%seu %s format=eu_fsf_xml\n", fast,
             url("redirect", "formats/eu-fsf-1.1-excerpt-2026-08-05.xml"));
    kd_fetch_report r[1];
    kd_error err = {0};
    assert_int_equal(fetch_with(dir, config, r, 1, &err), KD_OK);
    assert_int_equal(r[0].outcome, KD_FETCH_UPDATED);
    assert_int_equal(r[0].records, 5);
    kd_fetch_state st;
    assert_int_equal(kd_fetch_state_load(dir, &st, &err), KD_OK);
    const kd_fetch_source_state *eu = kd_fetch_state_find(&st, "eu");
    assert_string_equal(eu->files[0].file, "eu-fsf-1.1-excerpt-2026-08-05.xml");
    assert_string_equal(eu->files[0].format, "eu_fsf_xml");
    assert_non_null(eu->files[0].etag);
    assert_string_not_equal(eu->files[0].etag, "\"not-the-list\"");
    kd_fetch_state_free(&st);
    assert_int_equal(fetch_with(dir, config, r, 1, &err), KD_OK);
    assert_int_equal(r[0].outcome, KD_FETCH_UNCHANGED);
    assert_contains(r[0].message, "HTTP 304");
}

static void test_lock_and_bad_state(void **state)
{
    (void)state;
    const char *dir = fresh_dir("fetch-lock");
    mkdir(dir, 0755);
    char path[4200];
    snprintf(path, sizeof path, "%s/.fetch.lock", dir);
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    char config[1024];
    snprintf(config, sizeof config, "un %s\n", url("ok", "lists/un/consolidated.xml"));
    kd_fetch_report r[1];
    kd_error err = {0};
    assert_int_not_equal(fetch_with(dir, config, r, 1, &err), KD_OK);
    assert_contains(err.message, "another kordon fetch is running");
    close(fd);

    snprintf(path, sizeof path, "%s/fetch-state.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"sources\": {\"un\": {\"records\": \"many\"}}}", f);
    fclose(f);
    kd_fetch_state st;
    assert_int_not_equal(kd_fetch_state_load(dir, &st, &err), KD_OK);
    assert_contains(err.message, "source \"un\": a field is missing or of the wrong type");
    assert_int_not_equal(fetch_with(dir, config, r, 1, &err), KD_OK);
    assert_contains(err.message, "delete the file to start afresh");
}

static void test_state_round_trip(void **state)
{
    (void)state;
    const char *dir = fresh_dir("fetch-state");
    mkdir(dir, 0755);
    kd_fetch_file_state file = {.file = "sdn.csv",
                                .url = "https://example.org/sdn.csv",
                                .etag = "W/\"abc\"",
                                .format = "ofac_csv",
                                .sha256 = "0123456789abcdef0123456789abcdef"
                                          "0123456789abcdef0123456789abcdef",
                                .size = 42};
    kd_fetch_source_state src = {.name = "ofac",
                                 .records = 8976,
                                 .fetched_at = 1764400000,
                                 .checked_at = 1764403600,
                                 .attempted_at = 1764407200,
                                 .last_error = "bad byte \xff in a message",
                                 .files = &file,
                                 .n_files = 1};
    memcpy(src.sha256, file.sha256, 65);
    kd_fetch_state st = {.sources = &src, .n_sources = 1};
    kd_error err = {0};
    assert_int_equal(kd_fetch_state_save(dir, &st, &err), KD_OK);
    kd_fetch_state back;
    assert_int_equal(kd_fetch_state_load(dir, &back, &err), KD_OK);
    const kd_fetch_source_state *b = kd_fetch_state_find(&back, "ofac");
    assert_non_null(b);
    assert_int_equal(b->records, 8976);
    assert_int_equal(b->fetched_at, 1764400000);
    assert_int_equal(b->checked_at, 1764403600);
    assert_int_equal(b->attempted_at, 1764407200);
    assert_string_equal(b->last_error, "bad byte ? in a message");
    assert_string_equal(b->sha256, file.sha256);
    assert_int_equal(b->n_files, 1);
    assert_string_equal(b->files[0].etag, "W/\"abc\"");
    assert_null(b->files[0].last_modified);
    assert_int_equal(b->files[0].size, 42);
    assert_null(kd_fetch_state_find(&back, "un"));
    kd_fetch_state_free(&back);

    /* No state file yet: an empty state, not an error. */
    const char *empty = fresh_dir("fetch-state-none");
    assert_int_equal(kd_fetch_state_load(empty, &back, &err), KD_OK);
    assert_int_equal(back.n_sources, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sources_parse),
        cmocka_unit_test(test_shipped_sources_conf),
        cmocka_unit_test(test_first_fetch_then_not_modified),
        cmocka_unit_test(test_bad_downloads_keep_previous),
        cmocka_unit_test(test_new_version_and_sets),
        cmocka_unit_test(test_same_bytes_without_validators),
        cmocka_unit_test(test_redirect),
        cmocka_unit_test(test_lock_and_bad_state),
        cmocka_unit_test(test_state_round_trip),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
