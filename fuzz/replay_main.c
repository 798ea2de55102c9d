/* Replays a saved fuzz corpus through a harness without libFuzzer, so the
 * regular test suite (and its sanitizer build) re-checks every input that
 * once found a bug or new coverage. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_target.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    DIR *dir = opendir(argv[1]);
    if (!dir) {
        fprintf(stderr, "%s: no corpus directory\n", argv[1]);
        return 1;
    }
    size_t count = 0;
    struct dirent *de;
    while ((de = readdir(dir))) {
        if (de->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[1], de->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *data = malloc(n > 0 ? (size_t)n : 1);
        if (!data || fread(data, 1, (size_t)n, f) != (size_t)n) {
            fclose(f);
            free(data);
            fprintf(stderr, "%s: read error\n", path);
            return 1;
        }
        fclose(f);
        LLVMFuzzerTestOneInput(data, (size_t)n);
        free(data);
        count++;
    }
    closedir(dir);
    printf("replayed %zu inputs from %s\n", count, argv[1]);
    return count ? 0 : 1;
}
