/* Format detection from content: lists are often downloaded under generic
 * names ("download.xml", "export.csv"), so the file name proves nothing. */
#include "lists.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *list_format_name(list_format format)
{
    switch (format) {
    case LIST_UN_XML: return "UN Security Council XML";
    case LIST_OFAC_CSV: return "OFAC SDN legacy CSV";
    case LIST_OFAC_PART: return "OFAC legacy CSV companion file";
    case LIST_OFAC_XML: return "OFAC XML";
    case LIST_EU_OJ_CSV: return "EU Official Journal annex CSV";
    case LIST_EU_FSF_XML: return "EU FSF consolidated XML";
    case LIST_EU_FSF_CSV: return "EU FSF consolidated CSV";
    case LIST_UK_HMT_CSV: return "UK HMT consolidated CSV";
    case LIST_UK_FCDO_XML: return "UK Sanctions List XML (FCDO)";
    case LIST_CANADA_XML: return "Canada SEMA consolidated XML";
    case LIST_FTM_JSON: return "FollowTheMoney JSON lines";
    case LIST_GENERIC_CSV: return "generic CSV";
    case LIST_UNKNOWN: break;
    }
    return "unknown";
}

/* Counts the comma-separated fields of the first line, honouring quotes. */
static size_t first_line_fields(const char *s, size_t n)
{
    size_t fields = 1;
    int quoted = 0;
    for (size_t i = 0; i < n && (quoted || (s[i] != '\n' && s[i] != '\r')); i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (s[i] == ',' && !quoted)
            fields++;
    }
    return fields;
}

static bool has(const char *head, const char *needle) { return strstr(head, needle) != NULL; }

static list_format detect_xml(const char *head)
{
    /* Look at the root element, skipping the declaration and comments. */
    if (has(head, "<CONSOLIDATED_LIST"))
        return LIST_UN_XML;
    if (has(head, "<sdnList"))
        return LIST_OFAC_XML;
    if (has(head, "<export") && (has(head, "fpi/fsd/export") || has(head, "<sanctionEntity")))
        return LIST_EU_FSF_XML;
    if (has(head, "<data-set") && (has(head, "<record") || has(head, "<Country>")))
        return LIST_CANADA_XML;
    /* The UK Sanctions List's root carries namespace declarations. */
    if (has(head, "<Designations>") || has(head, "<Designations "))
        return LIST_UK_FCDO_XML;
    return LIST_UNKNOWN;
}

static list_format detect_csv(const char *s, size_t n)
{
    if (text_istarts(s, n, "celex,recordId,"))
        return LIST_EU_OJ_CSV;
    if (text_istarts(s, n, "\"Date_file") || text_istarts(s, n, "Date_file") ||
        has(s, "Entity_logical_id;"))
        return LIST_EU_FSF_CSV;
    if (text_istarts(s, n, "Last Updated,") || text_istarts(s, n, "Name 6,Name 1"))
        return LIST_UK_HMT_CSV;
    /* OFAC legacy files have no header: a numeric ent_num, then fields where
     * "-0-" marks empty values. */
    if (isdigit((unsigned char)s[0])) {
        size_t i = 0;
        while (i < n && isdigit((unsigned char)s[i]))
            i++;
        if (i < n && s[i] == ',') {
            size_t fields = first_line_fields(s, n);
            if (fields == 12)
                return LIST_OFAC_CSV;
            if (fields == 2 || fields == 5 || fields == 6)
                return LIST_OFAC_PART;
        }
    }
    /* A user's own list: a header line naming at least a name column. */
    const char *eol = memchr(s, '\n', n);
    size_t line = eol ? (size_t)(eol - s) : n;
    char header[1024];
    if (line >= sizeof header)
        line = sizeof header - 1;
    for (size_t i = 0; i < line; i++)
        header[i] = (char)tolower((unsigned char)s[i]);
    header[line] = '\0';
    if ((has(header, "name") || has(header, "caption")) && (has(header, ",") || has(header, ";") || has(header, "\t")))
        return LIST_GENERIC_CSV;
    return LIST_UNKNOWN;
}

list_format list_detect(const char *path, kd_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        error_set(err, KD_EIO, "%s: cannot open: %s", path, strerror(errno));
        return LIST_UNKNOWN;
    }
    char head[8193];
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    head[n] = '\0';
    const char *s = head;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3, n -= 3;
    while (n && isspace((unsigned char)*s))
        s++, n--;
    if (n == 0) {
        error_set(err, KD_EEMPTY, "%s:1: the file is empty", path);
        return LIST_UNKNOWN;
    }
    if (memchr(s, '\0', n)) {
        error_set(err, KD_EFORMAT, "%s:1: binary data, not a sanctions list", path);
        return LIST_UNKNOWN;
    }
    list_format format = LIST_UNKNOWN;
    if (s[0] == '<')
        format = detect_xml(s);
    else if (s[0] == '{')
        format = has(s, "\"schema\"") ? LIST_FTM_JSON : LIST_UNKNOWN;
    else
        format = detect_csv(s, n);
    if (format == LIST_UNKNOWN) {
        char shown[61];
        size_t k = 0;
        for (; k < 60 && k < n && s[k] != '\n' && s[k] != '\r'; k++)
            shown[k] = isprint((unsigned char)s[k]) ? s[k] : '?';
        shown[k] = '\0';
        error_set(err, KD_EFORMAT,
                  "%s:1: not a list format kordon knows (it begins \"%s\")", path, shown);
    }
    return format;
}

int list_parse(const char *path, list_format format, const list_sink *sink, kd_error *err)
{
    switch (format) {
    case LIST_UN_XML: return parse_un_xml(path, sink, err);
    case LIST_OFAC_CSV: return parse_ofac_csv(path, sink, err);
    case LIST_OFAC_XML: return parse_ofac_xml(path, sink, err);
    case LIST_EU_OJ_CSV: return parse_eu_oj_csv(path, sink, err);
    case LIST_EU_FSF_XML: return parse_eu_fsf_xml(path, sink, err);
    case LIST_EU_FSF_CSV: return parse_eu_fsf_csv(path, sink, err);
    case LIST_UK_HMT_CSV: return parse_uk_hmt_csv(path, sink, err);
    case LIST_UK_FCDO_XML: return parse_uk_fcdo_xml(path, sink, err);
    case LIST_CANADA_XML: return parse_canada_xml(path, sink, err);
    case LIST_FTM_JSON: return parse_ftm_json(path, sink, err);
    case LIST_GENERIC_CSV: return parse_generic_csv(path, sink, err);
    case LIST_OFAC_PART: return KD_OK; /* read together with its sdn.csv */
    case LIST_UNKNOWN: break;
    }
    return error_set(err, KD_EFORMAT, "%s: unknown list format", path);
}
