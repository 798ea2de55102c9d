/* The OFAC Remarks mini-language and OFAC person names, fed directly. The
 * first byte picks the schema and whether the text counts as cut by OFAC. */
#include "fuzz_target.h"
#include "fuzz_common.h"
#include "lists/ofac_remarks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const kd_schema schemas[] = {KD_SCHEMA_PERSON, KD_SCHEMA_ORGANIZATION,
                                        KD_SCHEMA_VESSEL, KD_SCHEMA_AIRPLANE};
    model_entity e;
    entity_init(&e);
    e.schema = schemas[data[0] & 3];
    e.dataset = "us_ofac_sdn";
    if (entity_set_id(&e, "ofac-1"))
        abort();
    const char *s = (const char *)data + 1;
    int rc = ofac_remarks_apply(&e, s, size - 1, data[0] & 4);
    if (rc != 0 && rc != KD_EUTF8 && rc != KD_ELIMIT)
        abort();
    rc = ofac_add_name(&e, KD_PROP_NAME, s, size - 1, true, true);
    if (rc != 0 && rc != KD_EUTF8 && rc != KD_ELIMIT)
        abort();
    kd_error err = {0};
    fuzz_check_entity(NULL, &e, &err);
    entity_free(&e);
    return 0;
}
