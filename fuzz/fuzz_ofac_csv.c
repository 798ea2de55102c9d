/* OFAC legacy sdn.csv. The scratch file is not named sdn.csv, so no
 * companion files are looked for: each input is read on its own. */
#include "fuzz_target.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_parse_as(data, size, LIST_OFAC_CSV, ".csv");
    return 0;
}
