/* SHA-256 through OpenSSL's EVP interface: dataset versions are content
 * hashes that other tools (sha256sum) can reproduce. */
#include "core.h"

#include <errno.h>
#include <stdlib.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

struct sha256_ctx {
    EVP_MD_CTX *md;
};

sha256_ctx *sha256_new(void)
{
    sha256_ctx *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    c->md = EVP_MD_CTX_new();
    if (!c->md || !EVP_DigestInit_ex(c->md, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(c->md);
        free(c);
        return NULL;
    }
    return c;
}

void sha256_update(sha256_ctx *c, const void *data, size_t n)
{
    EVP_DigestUpdate(c->md, data, n);
}

void sha256_final_hex(sha256_ctx *c, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(c->md, md, &len);
    for (unsigned i = 0; i < len && i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    out[64] = '\0';
    EVP_MD_CTX_free(c->md);
    free(c);
}

int sha256_file_hex(const char *path, char out[65], kd_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return error_set(err, KD_EIO, "%s: cannot open: %s", path, strerror(errno));
    sha256_ctx *c = sha256_new();
    if (!c) {
        fclose(f);
        return error_set(err, KD_ENOMEM, "%s: out of memory", path);
    }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sha256_update(c, chunk, n);
    int failed = ferror(f);
    fclose(f);
    sha256_final_hex(c, out);
    if (failed)
        return error_set(err, KD_EIO, "%s: read error", path);
    return KD_OK;
}
