/* Shared between the files of src/text; not part of the public API. */
#ifndef KD_TEXT_INTERNAL_H
#define KD_TEXT_INTERNAL_H

#include "text.h"

/* Turns ASCII text (raw input or a transliteration) into a form: lowercase
 * tokens separated by single spaces, legal forms canonical. Bytes >= 0x80
 * separate tokens. form is cleared; tmp is scratch. */
int text__ascii_form(const char *s, size_t n, buf *form, buf *tmp);

#endif
