#include "fuzz_target.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_parse_as(data, size, LIST_CANADA_XML, ".xml");
    return 0;
}
