/* The entry point every fuzz target defines, libFuzzer's: declared once,
 * for the targets and for replay_main.c, which runs them over a corpus
 * without libFuzzer. */
#ifndef KD_FUZZ_TARGET_H
#define KD_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
