/* resolve — which records of an index are the same real party.
 *
 * The same person, company or vessel listed by several authorities is
 * several records. This module finds the links between such records from
 * evidence (a shared strong identifier; for persons a confident name match
 * with agreeing birth dates; for bodies a confident name match in the same
 * country), refuses links that something contradicts, never joins records
 * that a list itself keeps apart (one authority, one name, two birth dates:
 * two people), and groups the rest into parties. Every link and every
 * refusal carries its reason, so that a reviewer can check each one.
 *
 * First step of issue 14: `kordon xref` reports the parties of an index;
 * the build does not merge them yet. */
#ifndef KD_RESOLVE_H
#define KD_RESOLVE_H

#include "kordon.h"

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

typedef enum resolve_kind {
    RESOLVE_ANALYST,        /* an analyst's merge (or split, among pairs kept apart) */
    RESOLVE_IDENTIFIER,     /* a shared strong identifier */
    RESOLVE_BIRTH_DATE,     /* person: name and the same birth date */
    RESOLVE_BIRTH_YEAR,     /* person: name, same day and month, another year */
    RESOLVE_COUNTRY,        /* body or vessel: name and the same country or flag */
    RESOLVE_PERSON_COUNTRY, /* person without two birth dates: a name unique on every list, a country */
    RESOLVE_KIND_COUNT
} resolve_kind;

/* Why a candidate link was not made. */
typedef enum resolve_refusal {
    REFUSED_NONE,
    REFUSED_BIRTH_DATE,     /* both have birth dates, none agree */
    REFUSED_GENDER,
    REFUSED_NATIONALITY,    /* both say, and no nationality in common */
    REFUSED_NAME,           /* a shared identifier, names that do not match */
    REFUSED_IDENTIFIER,     /* both have an identifier of the kind, none shared */
    REFUSED_KEPT_APART,     /* would join records known to be different parties */
    REFUSED_SAME_LIST,      /* bodies by name: both parties hold a record of one list */
    REFUSED_SPLIT,          /* would join records an analyst split */
    REFUSED_COUNT
} resolve_refusal;

typedef struct resolve_link {
    uint32_t a, b;          /* entity positions */
    resolve_kind kind;
    resolve_refusal refused;
    double name_score;
    char detail[200];       /* "IMO 9187629", "born 1976-04-29 on both", ... */
} resolve_link;

typedef struct resolve_result {
    size_t n_entities;
    uint32_t *party;        /* party[e]: the entity position representing e's party */
    resolve_link *links;    /* made, in the order they were made */
    size_t n_links;
    resolve_link *refused;  /* candidates not made, with the reason */
    size_t n_refused;
    resolve_link *apart;    /* same authority, same name, other birth dates */
    size_t n_apart;
    size_t parties;         /* distinct parties among the screenable records */
    /* records on different lists that share an IMO or a passport / ID number */
    size_t document_pairs, document_pairs_joined;
    /* those not in one party, each with the refusal that kept them apart
     * (REFUSED_NONE: the other record had been joined elsewhere first) */
    resolve_link *documents_apart;
    size_t n_documents_apart;
    size_t judgments_skipped;   /* naming a record the index does not hold */
} resolve_result;

/* Finds the parties of an index (a few seconds for all the shared lists),
 * with analysts' judgments applied: a merge joins two records before any
 * rule, a split keeps two records in different parties whatever joins
 * them. Judgments naming records not in the index are skipped (counted in
 * out->judgments_skipped). */
int resolve_run(const kd_index *index, const kd_party_judgment *judgments, size_t n_judgments,
                resolve_result *out, kd_error *err);
/* Whether a judgment can be recorded against this index: both records
 * exist, are not one record, are of one family (a vessel is no company);
 * a merge joins two parties, a split divides one. KD_ENOTFOUND for an
 * unknown record, KD_EUSAGE otherwise, with the reason in err. */
int resolve_check_judgment(const kd_index *index, kd_party_judgment_kind kind, const char *record_a,
                           const char *record_b, kd_error *err);
void resolve_result_free(resolve_result *r);

const char *resolve_kind_name(resolve_kind kind);
/* The report for review: parties of several records with their links,
 * refusals and pairs kept apart; and a summary of the counts. */
void resolve_report(const kd_index *index, const resolve_result *r, FILE *out);
void resolve_report_summary(const kd_index *index, const resolve_result *r, FILE *out);
const char *resolve_refusal_name(resolve_refusal refusal);

#endif
