/* A program that knows kordon only through its public headers and links
 * libkordon.a alone (not the library's internals): it builds an index of a
 * shared list, matches a listed name, scans a sentence, and opens an audit
 * store. Run by tests/e2e_public_lib.sh, which also checks that the archive
 * exports the kd_ API and nothing else. */
#include "kordon.h"
#include "kordon/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, const kd_error *err)
{
    fprintf(stderr, "public_api: %s: %s\n", what, err ? err->message : "");
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: public_api LIST_FILE INDEX_OUT STORE_OUT\n");
        return 2;
    }
    kd_error err = {0};
    const char *sources[] = {argv[1]};
    kd_build_options options = {.output = argv[2]};
    if (kd_build(sources, 1, &options, &err))
        return fail("kd_build", &err);
    kd_index *ix = NULL;
    kd_matcher *m = NULL;
    if (kd_index_open(argv[2], &ix, &err) || kd_matcher_new(ix, &m, &err))
        return fail("kd_index_open", &err);
    /* the first listed person's name finds that person */
    const char *name = NULL;
    size_t person = 0;
    for (size_t i = 0; i < kd_index_entity_count(ix) && !name; i++) {
        kd_entity_view v;
        kd_index_entity(ix, i, &v);
        if (v.schema == KD_SCHEMA_PERSON && (name = kd_entity_view_first(ix, &v, KD_PROP_NAME)))
            person = i;
    }
    if (!name)
        return fail("no person in the list", NULL);
    kd_match_query q = {.name = name, .limit = 3};
    kd_match_result res[3];
    int n = kd_match(m, &q, res, NULL, &err);
    if (n < 1 || !res[0].match || kd_index_party(ix, res[0].entity) != kd_index_party(ix, person))
        return fail("kd_match does not find the listed name", &err);
    char sentence[600];
    snprintf(sentence, sizeof sentence, "Reports say that %s met officials on Monday.", name);
    kd_scanner *s = NULL;
    kd_mention *found = NULL;
    size_t n_found = 0;
    if (kd_scanner_new(ix, &s, &err) || kd_scan(s, sentence, strlen(sentence), 0, &found, &n_found, &err))
        return fail("kd_scan", &err);
    kd_mentions_free(found, n_found);
    kd_scanner_free(s);
    kd_store *store = NULL;
    if (kd_store_open(argv[3], &store, &err))
        return fail("kd_store_open", &err);
    printf("public_api: %s matched at %.3f, %zu mention(s) in prose, store %s\n", name, res[0].score, n_found,
           kd_store_engine(store));
    kd_store_close(store);
    kd_matcher_free(m);
    kd_index_close(ix);
    return 0;
}
