/* kd_scan: names in running text. Runs of capitalised words (with
 * connectors such as "of", "al", "von" inside) are candidate names; each
 * run is tried from its longest window down, and a window is
 *   listed — when kd_match finds a listed party for it, or
 *   linked  — when listing reasons, positions or notes name it
 * and then its words are taken, so "Evgeny Primakov Children's Aid
 * Foundation" is one linked name, not a mention of Evgeny Primakov.
 *
 * The cost is linear in the text: at most SCAN_MAX_WINDOW windows per
 * word, each bounded by the index, not the text (per-text memories are
 * capped). kd_scan_with bounds a scan for untrusted callers: mentions,
 * related entries kept, and a cancel asked every few milliseconds. */
#include "scanner_internal.h"
#include "match/match.h"
#include "model/model.h"
#include "text/text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

bool scan_is_country(const char *text, size_t len)
{
    char code[3];
    return country_code(text, len, code);
}


/* The caller's cancel is asked when this much time has passed since it
 * was last asked; the clock is read every POLL_WINDOWS windows (or
 * POLL_TOKENS words of the first pass), which even the costliest windows
 * (kd_match on eight words of another script) get through in a few
 * milliseconds, while reading it at every window would cost a tenth of a
 * scan of plain prose. */
#define POLL_SECONDS 0.005
#define POLL_WINDOWS 16
#define POLL_TOKENS 256

static double monotonic_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether the scan must stop at byte `at`: more mentions than the caller
 * allows, or the caller cancels. `every` is how many calls pass between
 * readings of the clock. */
static int scan_bounds(kd_scanner *s, size_t n_found, size_t at, size_t len, unsigned every, kd_error *err)
{
    if (s->max_mentions && n_found > s->max_mentions)
        return error_set(err, KD_ELIMIT,
                         "the text names more than %zu parties (the limit max_mentions), by byte %zu of %zu",
                         s->max_mentions, at, len);
    if (!s->cancel || --s->poll_countdown > 0)
        return KD_OK;
    s->poll_countdown = every;
    double now = monotonic_now();
    if (now < s->poll_at)
        return KD_OK;
    s->poll_at = now + POLL_SECONDS;
    if (s->cancel(s->cancel_context))
        return error_set(err, KD_ECANCELED, "scan cancelled by the caller at byte %zu of %zu", at, len);
    return KD_OK;
}

/* Context of scan_tokenize_polled's poll. */
typedef struct tokenize_poll {
    kd_scanner *s;
    size_t len;
    kd_error *err;
} tokenize_poll;

static int poll_tokenizing(void *ctx, size_t at)
{
    tokenize_poll *p = ctx;
    return scan_bounds(p->s, 0, at, p->len, 1, p->err);
}

/* A quotation mark opening or closing a name: ASCII " and ', and the
 * typographers' “ ” „ ‘ ’ « ». Its length at p, or 0. */
static size_t quote_at(const char *p, size_t left, bool opening)
{
    if (left >= 1 && (*p == '"' || *p == '\''))
        return 1;
    static const char *const opens[] = {"\xe2\x80\x9c", "\xe2\x80\x9e", "\xe2\x80\x98", "\xc2\xab"};
    static const char *const closes[] = {"\xe2\x80\x9d", "\xe2\x80\x9c", "\xe2\x80\x99", "\xc2\xbb"};
    const char *const *set = opening ? opens : closes;
    for (size_t i = 0; i < 4; i++) {
        size_t k = strlen(set[i]);
        if (left >= k && memcmp(p, set[i], k) == 0)
            return k;
    }
    return 0;
}

/* Words a legal form quotes, at most: a body's name with its dedication
 * ("named after Academician A.A. Raspletin") */
#define QUOTED_NAME_WORDS 16

/* Where the name a legal form at `legal` quotes ends: the token after its
 * last word, or legal + 1 when no quotation mark opens right after the
 * legal form or none closes within QUOTED_NAME_WORDS words of one line. */
static size_t quoted_name_end(const char *text, size_t len, const scan_token *tok, size_t n, size_t legal)
{
    const char *gap = text + tok[legal].end;
    size_t gap_len = tok[legal + 1].start - tok[legal].end, q = 0;
    for (size_t i = 0; i < gap_len && !q; i++)
        if (gap[i] == '\n')
            return legal + 1;
        else
            q = quote_at(gap + i, gap_len - i, true);
    if (!q)
        return legal + 1;
    for (size_t k = legal + 1; k < n && k <= legal + QUOTED_NAME_WORDS; k++) {
        size_t from = tok[k].end, to = k + 1 < n ? tok[k + 1].start : len;
        for (size_t i = from; i < to; i++) {
            if (text[i] == '\n')
                return legal + 1;
            /* an apostrophe inside a word (O'Brien) is no quote: the gap
             * holds what is between words only */
            if (quote_at(text + i, to - i, false))
                return k + 1;
        }
    }
    return legal + 1;
}

/* The first pass over the words: keys, readings of other scripts, what
 * the listings' reasons hold. */
static int scan_words(kd_scanner *s, const char *text, size_t len, kd_error *err)
{
    scan_token *tok = s->tokens.items;
    size_t n = s->tokens.n;
    size_t quoted_to = 0; /* tokens before it are inside a legal form's quoted name */
    for (size_t i = 0; i < n; i++) {
        /* JSC «Nizhny Novgorod research and production association», OOO
         * “Avangard”: the name a legal form quotes is the body's, words in
         * lower case too, and runs on from the legal form (the quote would
         * end the run) */
        if (i >= quoted_to && tok[i].legal == SCAN_LEGAL_WORD && i + 1 < n) {
            size_t end = quoted_name_end(text, len, tok, n, i);
            for (size_t k = i + 1; k < end; k++) {
                tok[k].break_before = false;
                if (!tok[k].capital && !tok[k].connector && tok[k].ascii) {
                    tok[k].capital = true;
                    tok[k].hash = scan_token_hash(&s->tokens, text, &tok[k]);
                }
            }
            if (end > i + 1)
                quoted_to = end;
        }
        /* "Byong-chol Min", "Kim Kyong-il": a given name's second syllable
         * joined by a hyphen is written in lower case, inside a run of
         * capitalised words (not "Moscow-based", which ends one) */
        if (!tok[i].capital && !tok[i].connector && tok[i].ascii && i > 0 && tok[i].end - tok[i].start <= 6 &&
            tok[i - 1].capital && !tok[i - 1].title && !tok[i - 1].connector &&
            tok[i - 1].end + 1 == tok[i].start && text[tok[i - 1].end] == '-' &&
            ((i + 1 < n && tok[i + 1].capital && !tok[i + 1].break_before && !tok[i + 1].connector) ||
             (i > 1 && tok[i - 2].capital && !tok[i - 1].break_before && !tok[i - 2].title &&
              !tok[i - 2].connector))) {
            tok[i].capital = true;
            tok[i].hash = scan_token_hash(&s->tokens, text, &tok[i]);
        }
        if (!tok[i].capital && !tok[i].connector)
            continue;
        int rc = scan_bounds(s, 0, tok[i].start, len, POLL_TOKENS, err);
        if (rc)
            return rc;
        /* "Al-Qaeda", "El-Sisi": a capitalised particle a hyphen joins to
         * the next capitalised word begins the name, as listed; so does the
         * Arabic article with a space where it begins a name ("Al Qa'ida",
         * "Al Shabaab"; inside one, "Nadir Al Kalai", it stays a particle) */
        bool article = tok[i].end - tok[i].start == 2 && (text[tok[i].start] == 'A' || text[tok[i].start] == 'E') &&
                       text[tok[i].start + 1] == 'l' &&
                       (i == 0 || tok[i].break_before || !tok[i - 1].capital || tok[i - 1].connector);
        if (tok[i].connector && tok[i].capital && i + 1 < n && tok[i + 1].capital && !tok[i + 1].break_before &&
            ((tok[i].end + 1 == tok[i + 1].start && text[tok[i].end] == '-') || article)) {
            tok[i].connector = false;
            tok[i].prefix = true;
        }
        tok[i].key = scan_names_key(s->names, tok[i].hash);
        if (!tok[i].ascii && tok[i].key == UINT32_MAX) {
            /* a word of another script: its key is that of its reading */
            char folded[64];
            const scan_roman_word *w;
            if (scan_fold_word(text + tok[i].start, tok[i].end - tok[i].start, folded, sizeof folded) == 0 &&
                (w = scan_roman_get(&s->roman, s->names, text + tok[i].start, tok[i].end - tok[i].start)) &&
                w->len) {
                tok[i].key = w->key;
                tok[i].romanised = true;
            }
        }
        tok[i].in_names = tok[i].key != UINT32_MAX;
        uint32_t k = tok[i].key;
        if (k != UINT32_MAX && i > 0 && !tok[i].break_before && tok[i - 1].capital &&
            !tok[i - 1].title && !tok[i - 1].connector && s->after_name_gen[k] != s->gen) {
            s->after_name_gen[k] = s->gen;
            s->after_name_first[k] = (uint32_t)i;
        }
        tok[i].in_reasons = reasons_word_count(s->reasons, tok[i].hash) > 0;
    }
    return KD_OK;
}

/* A run of capitalised words this long is no prose: a list of names, a
 * text in capitals, or one built to be costly. Prose writes a few names in
 * a row between punctuation; news in Arabic script (no case: every word
 * counts as capitalised) writes twenty-odd words between commas. */
#define LONG_RUN_WORDS 32


/* Every run of capitalised words (connectors inside), each window from
 * the longest, leftmost first; taken words are skipped. */
static int scan_runs(kd_scanner *s, const char *text, size_t len, double threshold, mention_list *found,
                     kd_error *err)
{
    scan_token *tok = s->tokens.items;
    size_t n = s->tokens.n;
    int rc = KD_OK;
    for (size_t i = 0; i < n && !rc;) {
        if (!tok[i].capital) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && !tok[j].break_before &&
               (tok[j].capital || (tok[j].connector && j + 1 < n && tok[j + 1].capital &&
                                   !tok[j + 1].break_before)))
            j++;
        /* Latin words are judged by window_possible already */
        bool long_run = false;
        for (size_t k = i; j - i > LONG_RUN_WORDS && k < j && !long_run; k++)
            long_run = !tok[k].ascii;
        size_t a = i;
        while (a < j && !rc) {
            bool taken = false;
            size_t longest = j - a < SCAN_MAX_WINDOW ? j - a : SCAN_MAX_WINDOW;
            for (size_t w = longest; w >= 1 && !taken && !rc; w--) {
                if (tok[a].connector)
                    break;
                if ((rc = scan_bounds(s, found->n, tok[a].start, len, POLL_WINDOWS, err)))
                    break;
                if (w == 1)
                    rc = scan_try_named_surname(s, text, &tok[a], found, &taken);
                if (!rc && !taken)
                    rc = scan_listed_window(s, text, tok, i, j, a, w, long_run, threshold, found, &taken, err);
                if (!rc && !taken && w == 1 && scan_bare_surname_possible(s, text, &tok[a]))
                    rc = scan_listed_bare_surname(s, text, tok, a, threshold, found, &taken, err);
                if (!rc && !taken && w >= 2 && scan_window_possible(tok, a, a + w, false))
                    rc = scan_try_linked(s, text, tok, a, a + w, found, &taken);
                if (taken)
                    a += w;
            }
            if (!taken)
                a++;
        }
        i = j;
    }
    /* the last window's mentions count too */
    return rc ? rc : scan_bounds(s, found->n, len, len, 1, err);
}

int kd_scan_with(kd_scanner *s, const char *text, size_t len, const kd_scan_options *options,
                 kd_mention **out, size_t *n_out, kd_error *err)
{
    *out = NULL;
    *n_out = 0;
    kd_scan_options none = {0};
    const kd_scan_options *o = options ? options : &none;
    if (len >= UINT32_MAX)
        return error_set(err, KD_ELIMIT, "text of %zu bytes: kd_scan takes at most 4 GiB at a time", len);
    s->tokens.n = 0;
    s->n_surnames = 0;
    scan_memo_reset(&s->memo);
    s->n_memo_results = 0;
    if (++s->gen == 0) { /* after 4 billion scans the stamps wrap: forget them */
        memset(s->entity_gen, 0, (s->ix->n_entities + 1) * sizeof *s->entity_gen);
        memset(s->surname_gen, 0, (s->names->n_keys_all + 1) * sizeof *s->surname_gen);
        memset(s->after_name_gen, 0, (s->names->n_keys_all + 1) * sizeof *s->after_name_gen);
        s->gen = 1;
    }
    s->related_cap = o->max_related && o->max_related < MAX_RELATED ? o->max_related : MAX_RELATED;
    s->max_mentions = o->max_mentions;
    s->cancel = o->cancel;
    s->cancel_context = o->cancel_context;
    s->poll_countdown = 1; /* asked before the first word */
    s->poll_at = 0;
    if (err) { /* a message below is this scan's */
        err->code = 0;
        err->message[0] = '\0';
    }
    if (!utf8_valid(text, len, NULL))
        return error_set(err, KD_EUTF8, "text: invalid UTF-8");
    tokenize_poll poll = {s, len, err};
    int rc = scan_tokenize_polled(text, len, &s->tokens, s->cancel ? poll_tokenizing : NULL, &poll);
    if (rc)
        return rc == KD_ENOMEM ? error_set(err, rc, "out of memory") : rc;
    rc = scan_words(s, text, len, err);
    if (rc)
        return rc;
    double threshold = o->threshold;
    s->min_score = threshold > 0 ? threshold : 0;
    if (threshold <= 0)
        threshold = SCAN_THRESHOLD;
    s->threshold = threshold;
    mention_list found = {0};
    s->poll_countdown = 1;
    rc = scan_runs(s, text, len, threshold, &found, err);
    if (rc) {
        kd_mentions_free(found.items, found.n);
        /* the steps that run out of memory return the code alone */
        return err && err->code == rc ? rc : error_set(err, rc, "%s", kd_strerror(rc));
    }
    *out = found.items;
    *n_out = found.n;
    return KD_OK;
}

int kd_scan(kd_scanner *s, const char *text, size_t len, double threshold, kd_mention **out,
            size_t *n_out, kd_error *err)
{
    kd_scan_options o = {.threshold = threshold};
    return kd_scan_with(s, text, len, &o, out, n_out, err);
}
