// The libcrypto calls of store/digest.cpp, forwarded to libcrypto.so.3 loaded on first use
// (see lazy_library.hpp). The definitions must match <openssl/evp.h> (checked by the compiler).
#include <openssl/evp.h>

#include "store/lazy/lazy_library.hpp"

#define BERTH_LAZY_CRYPTO(ret, name, params, args)                                              \
    extern "C" ret name params {                                                               \
        static auto* fn = reinterpret_cast<decltype(&::name)>(                                 \
            berth::store::lazySymbol({"libcrypto.so.3", "libcrypto.so"}, #name));              \
        return fn args;                                                                        \
    }

BERTH_LAZY_CRYPTO(EVP_MD_CTX*, EVP_MD_CTX_new, (void), ())
BERTH_LAZY_CRYPTO(void, EVP_MD_CTX_free, (EVP_MD_CTX * ctx), (ctx))
BERTH_LAZY_CRYPTO(const EVP_MD*, EVP_sha256, (void), ())
BERTH_LAZY_CRYPTO(int, EVP_DigestInit_ex, (EVP_MD_CTX * ctx, const EVP_MD* type, ENGINE* impl),
                  (ctx, type, impl))
BERTH_LAZY_CRYPTO(int, EVP_DigestUpdate, (EVP_MD_CTX * ctx, const void* d, size_t cnt),
                  (ctx, d, cnt))
BERTH_LAZY_CRYPTO(int, EVP_DigestFinal_ex, (EVP_MD_CTX * ctx, unsigned char* md, unsigned int* s),
                  (ctx, md, s))
